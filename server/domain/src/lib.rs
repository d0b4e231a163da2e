//! Portfront's framework-free core: the business rules, entities, repositories and services.
//!
//! Nothing here depends on Leptos or axum. Pure rules (money, pricing, codes, read models)
//! compile for the browser too; everything that touches the database sits behind the `db`
//! feature.

pub mod auth;
pub mod catalog;
pub mod codes;
#[cfg(feature = "eco")]
pub mod eco;
pub mod error;
#[cfg(feature = "auth")]
pub mod exporter;
pub mod form;
#[cfg(feature = "issuance")]
pub mod issuance;
#[cfg(any(feature = "locations", feature = "logistics"))]
pub mod logistics;
pub mod money;
pub mod notify;
#[cfg(feature = "pdf")]
pub mod pdf;
#[cfg(any(feature = "eco", feature = "auth"))]
pub mod private_file;
#[cfg(feature = "shipments")]
pub mod shipments;
pub mod trade;
pub mod views;

#[cfg(feature = "auth")]
pub mod dashboard;
#[cfg(feature = "db")]
pub mod db;
#[cfg(feature = "db")]
pub mod entities;

pub use error::{DomainError, DomainResult};
