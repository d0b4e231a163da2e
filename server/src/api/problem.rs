//! RFC 9457 problem details: every machine-API error is `application/problem+json` with a
//! `detail` a person can act on. OAuth errors also carry RFC 6749's `error` and
//! `error_description` so standard OAuth client libraries understand them.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode, header};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error answer of `/oauth/token` and `/api/v1`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this request and what to do about it.
    pub detail: String,
    /// RFC 6749 error code (token endpoint and bearer errors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Same text as `detail`, for OAuth client libraries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// A problem answer with its status and extra headers.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub problem: Box<Problem>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// A problem with `status` and `detail`; the title is the status' reason phrase.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            problem: Box::new(Problem {
                kind: "about:blank".to_owned(),
                title: status.canonical_reason().unwrap_or("Error").to_owned(),
                status: status.as_u16(),
                detail: detail.into(),
                error: None,
                error_description: None,
            }),
            headers: Vec::new(),
        }
    }

    /// Adds an RFC 6749 / RFC 6750 error code (`invalid_client`, `insufficient_scope`, …).
    pub fn oauth(mut self, code: &str) -> Self {
        self.problem.error = Some(code.to_owned());
        self.problem.error_description = Some(self.problem.detail.clone());
        self
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// A database or other server failure: logged in full, answered without internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "API request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server could not complete the request; try again, and tell the exporter if it keeps failing",
        )
    }
}

impl From<domain::DomainError> for ApiError {
    fn from(e: domain::DomainError) -> Self {
        match e {
            domain::DomainError::Invalid { .. } | domain::DomainError::Fields(_) => {
                Self::bad_request(e.to_string())
            }
            domain::DomainError::NotFound { .. } => Self::not_found(e.to_string()),
            domain::DomainError::Conflict(_) => Self::new(StatusCode::CONFLICT, e.to_string()),
            domain::DomainError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, e.to_string()),
            domain::DomainError::Database(_) | domain::DomainError::Storage(_) => {
                Self::internal(&e)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(*self.problem)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        for (name, value) in self.headers {
            res.headers_mut().insert(name, value);
        }
        res
    }
}

/// Unknown paths under `/api/v1` answer 404 as a problem, not as the storefront's HTML page.
pub async fn api_not_found(
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> ApiError {
    ApiError::not_found(format!(
        "there is no API endpoint {}; the list is at /api/v1/openapi.json",
        uri.path()
    ))
}
