//! Random identifiers and secrets for API clients, and how a secret is stored.
//!
//! A client secret is 256 random bits, so a fast hash is enough to store it safely (nothing to
//! brute-force, unlike a person's password): the database keeps SHA-256 of the secret and the
//! check compares digests in constant time. Passwords use argon2id instead.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Prefix of every client id (recognisable in logs and configuration).
pub const CLIENT_ID_PREFIX: &str = "pfc_";
/// Prefix of every client secret (lets secret scanners spot a leaked one).
pub const CLIENT_SECRET_PREFIX: &str = "pfs_";

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source failing is not recoverable; every secret would be weak.
    OsRng
        .try_fill_bytes(&mut bytes)
        .unwrap_or_else(|e| panic!("the operating system's random source failed: {e}"));
    bytes
}

/// A new public client id: `pfc_` + 128 random bits.
pub fn new_client_id() -> String {
    format!(
        "{CLIENT_ID_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<16>())
    )
}

/// A new client secret: `pfs_` + 256 random bits. Shown once, never stored.
pub fn new_client_secret() -> Zeroizing<String> {
    Zeroizing::new(format!(
        "{CLIENT_SECRET_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    ))
}

/// What the database stores for a secret: hex SHA-256.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` matches the stored `hash`, compared in constant time.
pub fn secret_matches(secret: &str, hash: &str) -> bool {
    let candidate = hash_secret(secret);
    candidate.as_bytes().ct_eq(hash.as_bytes()).into()
}

/// How a submitted value that was refused appears in logs and audit rows: its length and the
/// start of its SHA-256 (`len 37, sha256 3f9a0c…`), never the text. Someone may have typed a
/// secret into the wrong field; the fingerprint still tells repeated attempts apart.
pub fn fingerprint(value: &str) -> String {
    let digest = hex::encode(Sha256::digest(value.as_bytes()));
    format!("len {}, sha256 {}…", value.chars().count(), &digest[..12])
}

/// Whether two texts are equal, compared in constant time (CSRF tokens, nonces).
pub fn same_text(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_hide_the_value_but_tell_values_apart() {
        let f = fingerprint("pfs_my-secret");
        assert!(f.starts_with("len 13, sha256 "), "{f}");
        assert!(!f.contains("secret"));
        assert_eq!(f, fingerprint("pfs_my-secret"));
        assert_ne!(f, fingerprint("pfs_my-secreT"));
    }

    #[test]
    fn ids_and_secrets_are_prefixed_and_unique() {
        let a = new_client_id();
        let b = new_client_id();
        assert!(a.starts_with("pfc_") && a.len() == 4 + 22);
        assert_ne!(a, b);
        let s = new_client_secret();
        assert!(s.starts_with("pfs_") && s.len() == 4 + 43);
    }

    #[test]
    fn only_the_same_secret_matches_its_hash() {
        let s = new_client_secret();
        let h = hash_secret(&s);
        assert_eq!(h.len(), 64);
        assert!(secret_matches(&s, &h));
        assert!(!secret_matches("pfs_wrong", &h));
        assert!(!secret_matches(&s, "short"));
    }

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
