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
    /// A form with problems, field by field.
    #[error("the form has problems: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Fields(Vec<domain::form::FieldError>),
    /// The request clashes with the current state (duplicate, wrong state), phrased for a person.
    #[error("{0}")]
    Conflict(String),
    /// The page or action needs a signed-in person (401).
    #[error("sign in first")]
    NotSignedIn,
    /// The signed-in person may not do this (403).
    #[error("you do not have access to this")]
    Forbidden,
    /// The form's CSRF token did not match the session's (stale page, or a forged request).
    #[error("the form is out of date; reload the page and try again")]
    CsrfFailed,
    /// The action needs a recent proof of identity (password or code within the last
    /// 10 minutes): the person confirms it and tries again.
    #[error("confirm your identity first: enter your password or a two-step code again")]
    RecentAuthRequired,
    /// Staff must turn on two-step sign-in before using the admin panel
    /// (`PORTFRONT_REQUIRE_STAFF_2FA=1`).
    #[error("turn on two-step sign-in on your account page first")]
    TwoFactorRequired,
    /// A fault on our side; details are in the server log, not sent to the browser.
    #[error("internal error")]
    Internal,
    /// The call itself failed (network, serialization).
    #[error("{0}")]
    Call(String),
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::BadFilter(_) | AppError::BadRequest(_) | AppError::Fields(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::NotSignedIn => 401,
            AppError::Forbidden
            | AppError::CsrfFailed
            | AppError::RecentAuthRequired
            | AppError::TwoFactorRequired => 403,
            AppError::Internal | AppError::Call(_) => 500,
        }
    }

    /// Sets the response status to [`AppError::http_status`] (server only) and returns the error.
    pub fn answered(self) -> Self {
        crate::components::status::set_http_status(self.http_status());
        self
    }

    /// The field errors of a refused form (empty for other errors).
    pub fn field_errors(&self) -> &[domain::form::FieldError] {
        match self {
            AppError::Fields(list) => list,
            _ => &[],
        }
    }
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
        let e: AppError = match e {
            domain::DomainError::NotFound { .. } => AppError::NotFound,
            domain::DomainError::Invalid { .. } => AppError::BadRequest(e.to_string()),
            domain::DomainError::Fields(list) => AppError::Fields(list),
            domain::DomainError::Conflict(msg) => AppError::Conflict(msg),
            domain::DomainError::Forbidden(_) => AppError::Forbidden,
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Internal
            }
        };
        e.answered()
    }
}
