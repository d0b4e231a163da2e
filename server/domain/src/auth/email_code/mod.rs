//! Passwordless sign-in for buyers with a one-time code sent by e-mail.
//!
//! [`request`] makes a six-digit code that lives [`CODE_VALID_FOR`], keeps only its SHA-256
//! (salted with the code's id) and writes the mail to the outbox in the same transaction
//! (`notify::enqueue_mail`): with no mail server configured the mail waits there, where
//! staff can read it. Asking again replaces the previous code. An address gets at most
//! [`MAX_CODES`] codes per [`CODE_WINDOW`] (the server also limits each client address).
//! [`verify`] accepts the newest code once; [`MAX_FAILURES`] wrong tries burn it. A right
//! code signs in the buyer with that address — creating the account on first use, its
//! address now proven — and never a staff account (staff sign in with a password and their
//! second step).

#[cfg(feature = "trade")]
mod store;
#[cfg(feature = "trade")]
pub use store::*;

/// How long a code works, in minutes (the pages say it).
pub const CODE_VALID_FOR_MINUTES: i64 = 10;
/// Codes per address per [`CODE_WINDOW_MINUTES`].
pub const MAX_CODES: u64 = 5;
pub const CODE_WINDOW_MINUTES: i64 = 15;
/// Wrong tries that burn a code.
pub const MAX_FAILURES: i32 = 5;
