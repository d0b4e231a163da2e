//! Local passwords for staff: argon2id (PHC strings), length rules, and a check that costs the
//! same whether or not the account exists.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;

use tokio::sync::Semaphore;
use zeroize::Zeroizing;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (bounds hashing work).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must have at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password cannot be hashed: {0}")]
    Hashing(String),
}

/// Checks the length rules for a new password.
pub fn validate_new_password(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    validate_new_password(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

/// Whether `password` matches the stored PHC string (a damaged hash never matches).
pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the work of one verification; used when the account does not exist, so response
/// time does not reveal which e-mail addresses have accounts.
pub fn burn_verification(password: &str) {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash_password("portfront-dummy-password").unwrap_or_default());
    let _ = verify_password(password, &DUMMY);
}

/// How many argon2 computations run at once. Each takes a blocking thread and about 19 MiB;
/// a burst of sign-ins queues here instead of taking every core from page serving.
pub const HASHING_AT_ONCE: usize = 2;

static HASHING: Semaphore = Semaphore::const_new(HASHING_AT_ONCE);

/// Runs `work` on tokio's blocking pool, at most [`HASHING_AT_ONCE`] at a time, so the
/// async worker threads keep serving requests meanwhile.
async fn off_the_async_threads<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    // The semaphore is a static that is never closed.
    let _permit = HASHING
        .acquire()
        .await
        .expect("the hashing semaphore is never closed");
    match tokio::task::spawn_blocking(work).await {
        Ok(out) => out,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// [`hash_password`] off the async threads (see [`HASHING_AT_ONCE`]).
pub async fn hash_password_blocking(password: &str) -> Result<String, PasswordError> {
    validate_new_password(password)?;
    let password = Zeroizing::new(password.to_owned());
    off_the_async_threads(move || hash_password(&password)).await
}

/// [`verify_password`] off the async threads (see [`HASHING_AT_ONCE`]).
pub async fn verify_password_blocking(password: &str, phc: &str) -> bool {
    let password = Zeroizing::new(password.to_owned());
    let phc = phc.to_owned();
    off_the_async_threads(move || verify_password(&password, &phc)).await
}

/// [`burn_verification`] off the async threads (see [`HASHING_AT_ONCE`]).
pub async fn burn_verification_blocking(password: &str) {
    let password = Zeroizing::new(password.to_owned());
    off_the_async_threads(move || burn_verification(&password)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    /// On a single async thread, another task keeps running while a password is checked.
    #[tokio::test(flavor = "current_thread")]
    async fn checking_a_password_leaves_the_async_thread_free() {
        let phc = hash_password("correct horse battery").unwrap();
        let checking = Arc::new(AtomicBool::new(false));
        let ticks_meanwhile = Arc::new(AtomicUsize::new(0));
        let ticker = {
            let (checking, ticks) = (checking.clone(), ticks_meanwhile.clone());
            tokio::spawn(async move {
                loop {
                    if checking.load(Ordering::SeqCst) {
                        ticks.fetch_add(1, Ordering::SeqCst);
                    }
                    tokio::task::yield_now().await;
                }
            })
        };
        tokio::task::yield_now().await;
        checking.store(true, Ordering::SeqCst);
        assert!(verify_password_blocking("correct horse battery", &phc).await);
        assert!(!verify_password_blocking("wrong horse battery", &phc).await);
        burn_verification_blocking("anything").await;
        checking.store(false, Ordering::SeqCst);
        ticker.abort();
        assert!(ticks_meanwhile.load(Ordering::SeqCst) > 0);
        let fresh = hash_password_blocking("another long password")
            .await
            .unwrap();
        assert!(verify_password("another long password", &fresh));
        assert_eq!(
            hash_password_blocking("short").await,
            Err(PasswordError::TooShort)
        );
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a fresh salt every time");
        assert!(verify_password("correct horse battery", &a));
        assert!(!verify_password("correct horse batterY", &a));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn length_rules_are_enforced() {
        assert_eq!(validate_new_password("short"), Err(PasswordError::TooShort));
        assert_eq!(
            validate_new_password(&"x".repeat(257)),
            Err(PasswordError::TooLong)
        );
        assert!(validate_new_password("twelve chars").is_ok());
        burn_verification("anything");
    }
}
