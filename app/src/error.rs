//! The error server functions return; the browser gets enough to show a helpful page.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use domain::catalog::model::FilterError;

/// What went wrong, as the UI needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (the page answers 404).
    #[error("not found")]
    NotFound,
    /// A listing parameter is wrong (the page answers 400 and says which).
    #[error("bad listing parameter: {0}")]
    BadFilter(FilterError),
    /// Any other input problem, already phrased for a person.
    #[error("{0}")]
    BadRequest(String),
    /// A fault on our side; details are in the server log, not sent to the browser.
    #[error("internal error")]
    Internal,
    /// The call itself failed (network, serialization).
    #[error("{0}")]
    Call(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Call(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for AppError {
    fn from(e: domain::DomainError) -> Self {
        match e {
            domain::DomainError::NotFound { .. } => AppError::NotFound,
            domain::DomainError::Invalid { .. } => AppError::BadRequest(e.to_string()),
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Internal
            }
        }
    }
}
