//! Who may do what: roles, staff accounts and passwords, sessions, the audit log, platform API
//! scopes and clients, access tokens.
//!
//! `scope` is pure and compiles everywhere; the rest needs the `auth` feature (server only).

pub mod redirect;
pub mod role;
pub mod scope;

#[cfg(feature = "auth")]
pub mod api_clients;
#[cfg(feature = "auth")]
pub mod audit;
#[cfg(feature = "auth")]
pub mod companies;
/// Pure limits; the stored side behind `trade` (the code's mail goes through the outbox).
pub mod email_code;
#[cfg(feature = "auth")]
pub mod oidc;
#[cfg(feature = "auth")]
pub mod password;
#[cfg(feature = "auth")]
pub mod people;
#[cfg(feature = "auth")]
pub mod secret;
#[cfg(feature = "auth")]
pub mod sessions;
#[cfg(feature = "auth")]
pub mod throttle;
#[cfg(feature = "auth")]
pub mod token;
#[cfg(feature = "auth")]
pub mod two_factor;
#[cfg(feature = "auth")]
pub mod users;

pub use role::Role;
pub use scope::{Scope, ScopeError, ScopeSet};
