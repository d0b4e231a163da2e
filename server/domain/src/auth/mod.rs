//! Who may do what: platform API scopes and clients, access tokens.
//!
//! `scope` is pure and compiles everywhere; the rest needs the `auth` feature (server only).

pub mod scope;

#[cfg(feature = "auth")]
pub mod api_clients;
#[cfg(feature = "auth")]
pub mod secret;
#[cfg(feature = "auth")]
pub mod token;

pub use scope::{Scope, ScopeError, ScopeSet};
