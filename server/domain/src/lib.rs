//! Portfront's framework-free core: the business rules, entities, repositories and services.
//!
//! Nothing here depends on Leptos or axum. Pure rules (money, pricing, codes) compile for the
//! browser too; everything that touches the database sits behind the `db` feature.

pub mod catalog;
pub mod codes;
#[cfg(feature = "eco")]
pub mod eco;
pub mod error;
pub mod money;

pub use error::{DomainError, DomainResult};
