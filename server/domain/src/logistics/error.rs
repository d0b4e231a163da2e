//! Precise errors of the feed adapters: each names where in the input the problem is and what
//! it is, so a partner can fix their feed from the message alone.

use std::fmt;

use thiserror::Error;

use crate::error::DomainError;

/// Why a feed body was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FeedError {
    /// The callback signature is missing or wrong (DCSA 2.2).
    #[error("signature: {0}")]
    Signature(#[from] SignatureError),
    /// The JSON body is malformed or breaks the DCSA shape.
    #[error("{0}")]
    Json(#[from] JsonError),
    /// The EDIFACT interchange is malformed or does not map to events.
    #[error("{0}")]
    Edifact(#[from] EdifactError),
    /// A partner profile is unusable.
    #[error("partner profile: {0}")]
    Profile(String),
    /// The body exceeds the size limit.
    #[error("the body has {size} bytes; at most {limit} are accepted")]
    TooLarge { size: usize, limit: usize },
}

impl From<FeedError> for DomainError {
    fn from(e: FeedError) -> Self {
        let field = match &e {
            FeedError::Signature(_) => "Notification-Signature",
            FeedError::Json(_) | FeedError::Edifact(_) | FeedError::TooLarge { .. } => "body",
            FeedError::Profile(_) => "profile",
        };
        DomainError::invalid(field, e.to_string())
    }
}

/// What is wrong with a callback signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("the Notification-Signature header is missing")]
    Missing,
    #[error("the header must read sha256=<64 hex digits>")]
    Malformed,
    #[error("the shared secret is not valid base64")]
    BadSecret,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// A JSON body problem with its place: line and column (1-based) and the JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub line: usize,
    pub column: usize,
    /// e.g. `events[0].equipmentDetails.equipmentReference`; `.` for the top level.
    pub path: String,
    pub problem: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JSON line {} column {}", self.line, self.column)?;
        if self.path != "." && !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for JsonError {}

impl JsonError {
    /// From serde_json's error with the path serde_path_to_error tracked. serde_json appends
    /// " at line L column C" to its messages; the place is reported separately instead.
    pub(crate) fn from_serde(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        // serde_path_to_error writes `?` for a place it cannot name (e.g. a broken key).
        let mut path = e.path().to_string();
        while let Some(stripped) = path.strip_suffix(".?") {
            path.truncate(stripped.len());
        }
        if path == "?" {
            path = ".".to_owned();
        }
        let inner = e.into_inner();
        let mut problem = inner.to_string();
        if let Some(i) = problem.rfind(" at line ") {
            problem.truncate(i);
        }
        Self {
            line: inner.line(),
            column: inner.column(),
            path,
            problem,
        }
    }
}

/// An EDIFACT problem with its place: segment number (1-based, counted from the start of the
/// interchange, `UNA` excluded), its tag, element and component (1-based) and the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdifactError {
    pub segment: Option<usize>,
    pub tag: Option<String>,
    pub element: Option<usize>,
    pub component: Option<usize>,
    pub offset: usize,
    pub problem: String,
}

impl fmt::Display for EdifactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.segment, &self.tag) {
            (Some(n), Some(tag)) => write!(f, "segment {n} ({tag})")?,
            (Some(n), None) => write!(f, "segment {n}")?,
            (None, _) => write!(f, "byte {}", self.offset)?,
        }
        if let Some(e) = self.element {
            write!(f, ", element {e}")?;
        }
        if let Some(c) = self.component {
            write!(f, ", component {c}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for EdifactError {}
