//! The e-CO engine: RCEP origin content, W3C VC 2.0 documents with an `eddsa-jcs-2022` proof,
//! did:web keys, the Bitstring Status List, numbering and the Form RCEP PDF.

pub mod builder;
pub mod content;
pub mod did;
pub mod keys;
pub mod numbering;
pub mod pdf;
pub mod proof;
pub mod sample;
pub mod status;
#[cfg(test)]
mod tests;
pub mod vc;
pub mod verify;
