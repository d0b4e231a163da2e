//! The e-CO engine: RCEP origin content, W3C VC 2.0 documents with an `eddsa-jcs-2022` proof,
//! did:web keys, the Bitstring Status List, numbering, verification and the Form RCEP PDF.
//!
//! Framework-free and I/O-free apart from the key file: the server owns the database, HTTP and
//! transactions and hands the engine what it needs. Public API and design choices:
//! `docs/eco.md`.

pub mod builder;
pub mod content;
pub mod did;
pub mod keys;
pub mod numbering;
pub mod pdf;
pub mod proof;
pub mod sample;
pub mod status;
pub mod vc;
pub mod verify;

#[cfg(test)]
mod tests;

pub use builder::{ExporterProfile, IssueOptions, OrderInput, OrderLine, ProductOrigin, build};
pub use content::{BuildRefusal, DocumentKind, OriginContent, Problem};
pub use verify::{Check, Outcome, VerificationReport};

use crate::DomainError;

impl From<keys::KeyError> for DomainError {
    fn from(e: keys::KeyError) -> Self {
        DomainError::invalid("e-CO signing key", e.to_string())
    }
}

impl From<status::StatusError> for DomainError {
    fn from(e: status::StatusError) -> Self {
        DomainError::invalid("status list", e.to_string())
    }
}

impl From<did::DidError> for DomainError {
    fn from(e: did::DidError) -> Self {
        DomainError::invalid("PORTFRONT_BASE_URL", e.to_string())
    }
}

impl From<proof::ProofError> for DomainError {
    fn from(e: proof::ProofError) -> Self {
        DomainError::invalid("proof", e.to_string())
    }
}
