//! The one error type of the domain layer.

use thiserror::Error;

/// Everything that can go wrong in the domain, phrased so a person can act on it.
#[derive(Debug, Error)]
pub enum DomainError {
    /// Input that breaks a business rule; `field` names what to fix.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The thing asked for does not exist.
    #[error("{what} not found")]
    NotFound { what: String },
    /// A form with problems in one or more fields.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Fields(Vec<crate::form::FieldError>),
    /// The request clashes with existing data (duplicate key, wrong state).
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this (a buyer calling a staff action), phrased for a person.
    #[error("{0}")]
    Forbidden(String),
    /// A file could not be written or read (the data directory); the message says which.
    #[error("storage error: {0}")]
    Storage(String),
    /// The database failed; the message carries the driver's cause.
    #[cfg(feature = "db")]
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`DomainError::NotFound`].
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }
}

/// Result alias used across the domain.
pub type DomainResult<T> = Result<T, DomainError>;
