//! The catalog: products, categories and the rules buyers meet when they pick a quantity.

pub mod model;
pub mod pricing;

#[cfg(feature = "auth")]
pub mod admin;
#[cfg(feature = "db")]
pub mod cache;
#[cfg(feature = "db")]
pub mod demo;
#[cfg(feature = "db")]
pub mod repo;
