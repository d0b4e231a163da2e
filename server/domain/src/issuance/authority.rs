//! The issuing body behind a Certificate of Origin (`docs/eco-authority.md`): what the worker
//! asks of it, as a trait, so the worker stays free of HTTP. The server implements it over
//! HTTP + JSON with OAuth2 client credentials; [`NoAuthority`] answers when none is set up.

use std::future::Future;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A problem the body found, per goods line where it is about one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityReason {
    #[serde(default)]
    pub line: Option<usize>,
    #[serde(default)]
    pub field: String,
    pub problem: String,
    #[serde(default)]
    pub fix: String,
}

/// The body that certified, as its answer names it (box 16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifyingBody {
    pub name: String,
    pub place: String,
}

/// Where an application stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorityAnswer {
    /// Not decided yet: ask again after this many seconds.
    Pending { retry_after_seconds: u32 },
    /// Certified: the body's number, who certified, and its own signed document.
    Issued {
        certificate_number: String,
        body: CertifyingBody,
        artefact_media_type: String,
        artefact: Vec<u8>,
    },
    /// Refused, with what to fix.
    Rejected { reasons: Vec<AuthorityReason> },
    /// Cancelled (by us, or by the body).
    Cancelled,
}

/// Why a call to the body did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorityError {
    /// Worth trying again later (network, 429, 5xx, expired token).
    #[error("the issuing body did not answer usefully: {0}")]
    Transient(String),
    /// Our request or the configuration is wrong; retrying the same will not help.
    #[error("the issuing body refused the request: {0}")]
    Permanent(String),
}

/// An issuing body's signature service.
pub trait IssuingAuthority: Send + Sync {
    /// Sends the application `reference` (also the idempotency key) with its origin content.
    fn submit(
        &self,
        reference: &str,
        content: &Value,
    ) -> impl Future<Output = Result<AuthorityAnswer, AuthorityError>> + Send;

    /// Asks where the application `reference` stands.
    fn poll(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<AuthorityAnswer, AuthorityError>> + Send;

    /// Withdraws the application `reference`.
    fn cancel(
        &self,
        reference: &str,
        reason: &str,
    ) -> impl Future<Output = Result<(), AuthorityError>> + Send;
}

/// No issuing body configured: every call says how to configure one.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuthority;

const NOT_CONFIGURED: &str = "no issuing body is configured: set PORTFRONT_AUTHORITY_URL, PORTFRONT_AUTHORITY_CLIENT_ID and PORTFRONT_AUTHORITY_CLIENT_SECRET, or switch the exporter profile to the approved-exporter mode";

impl IssuingAuthority for NoAuthority {
    async fn submit(&self, _: &str, _: &Value) -> Result<AuthorityAnswer, AuthorityError> {
        Err(AuthorityError::Permanent(NOT_CONFIGURED.to_owned()))
    }

    async fn poll(&self, _: &str) -> Result<AuthorityAnswer, AuthorityError> {
        Err(AuthorityError::Permanent(NOT_CONFIGURED.to_owned()))
    }

    async fn cancel(&self, _: &str, _: &str) -> Result<(), AuthorityError> {
        Ok(())
    }
}
