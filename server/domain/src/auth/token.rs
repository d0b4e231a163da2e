//! Short-lived access tokens for the platform API: JWTs (RFC 9068 shape, `typ: at+jwt`) signed
//! with HMAC-SHA256 under a server key kept in the data directory.
//!
//! Only this server checks them, so a shared-key signature is enough; the key file is shared by
//! replicas through `PORTFRONT_DATA_DIR`. Expiry is checked against a time the caller passes, so
//! tests can move the clock.

use std::path::Path;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::scope::{ScopeError, ScopeSet};
use crate::private_file::load_or_create_key;

/// How long an access token lives unless configured otherwise.
pub const DEFAULT_TOKEN_TTL_SECONDS: i64 = 600;
/// The file under the data directory that holds the token signing key.
pub const TOKEN_KEY_FILE: &str = "keys/api-token.key";

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer: the public origin of this server.
    pub iss: String,
    /// Subject: the API client's id.
    pub sub: String,
    /// Audience: the platform API.
    pub aud: String,
    /// The API client's id (RFC 9068).
    pub client_id: String,
    /// Space-separated scopes.
    pub scope: String,
    pub iat: i64,
    pub exp: i64,
    /// Token id, for logs and revocation lists.
    pub jti: String,
}

/// A verified token: who it is for and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub client_id: String,
    pub scopes: ScopeSet,
    pub expires_at: i64,
    pub token_id: String,
}

/// Why a token was refused. Each message tells the caller what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("the access token is not a well-formed token; request a new one at /oauth/token")]
    Malformed,
    #[error("the access token's signature is not valid; request a new one at /oauth/token")]
    BadSignature,
    #[error("the access token expired; request a new one at /oauth/token")]
    Expired,
    #[error("the access token was not issued by this server for this API")]
    WrongIssuer,
    #[error("this is not an access token (its type must be at+jwt); request one at /oauth/token")]
    WrongType,
    #[error("the access token carries an unknown scope: {0}")]
    Scope(#[from] ScopeError),
}

/// Why the signing key could not be loaded.
pub type TokenKeyError = crate::private_file::KeyFileError;

/// Issues and checks access tokens.
#[derive(Clone)]
pub struct TokenAuthority {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    ttl_seconds: i64,
}

impl std::fmt::Debug for TokenAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAuthority")
            .field("issuer", &self.issuer)
            .field("ttl_seconds", &self.ttl_seconds)
            .finish_non_exhaustive()
    }
}

impl TokenAuthority {
    /// An authority signing with `key` for tokens issued by `issuer` (the public origin).
    pub fn new(key: &[u8; 32], issuer: &str, ttl_seconds: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            issuer: issuer.to_owned(),
            audience: format!("{issuer}/api/v1"),
            ttl_seconds,
        }
    }

    /// Loads the key from `<data_dir>/keys/api-token.key`, creating it (mode 0600) on first use.
    pub fn load_or_create(
        data_dir: &Path,
        issuer: &str,
        ttl_seconds: i64,
    ) -> Result<Self, TokenKeyError> {
        let key = load_or_create_key(&data_dir.join(TOKEN_KEY_FILE), "API token key")?;
        Ok(Self::new(&key, issuer, ttl_seconds))
    }

    /// Seconds a new token lives.
    pub fn ttl_seconds(&self) -> i64 {
        self.ttl_seconds
    }

    /// Signs a token for `client_id` with `scopes`, issued at `now` (Unix seconds).
    pub fn issue(&self, client_id: &str, scopes: &ScopeSet, now: i64) -> String {
        self.sign(&AccessClaims {
            iss: self.issuer.clone(),
            sub: client_id.to_owned(),
            aud: self.audience.clone(),
            client_id: client_id.to_owned(),
            scope: scopes.to_string(),
            iat: now,
            exp: now + self.ttl_seconds,
            jti: uuid::Uuid::now_v7().to_string(),
        })
    }

    /// Signs arbitrary claims (tests use it to make expired or foreign tokens).
    pub fn sign(&self, claims: &AccessClaims) -> String {
        self.sign_typed(claims, Some("at+jwt"))
    }

    /// Signs claims under a header of type `typ` (tests make tokens of other types with it).
    pub fn sign_typed(&self, claims: &AccessClaims, typ: Option<&str>) -> String {
        let header = Header {
            typ: typ.map(str::to_owned),
            ..Header::new(Algorithm::HS256)
        };
        // Serialising a struct of strings and integers cannot fail.
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .unwrap_or_else(|e| panic!("signing an access token failed: {e}"))
    }

    /// Checks signature, issuer, audience and expiry (at `now`, Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<VerifiedToken, TokenError> {
        // RFC 9068 §4: the type tells an access token from any other JWT the same key might
        // have signed (`at+jwt`, or its media-type form).
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let typed = header.typ.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt")
        });
        if !typed {
            return Err(TokenError::WrongType);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false; // checked below against the caller's clock
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => TokenError::WrongIssuer,
                ErrorKind::InvalidAlgorithm => TokenError::BadSignature,
                _ => TokenError::Malformed,
            })?;
        let claims = data.claims;
        if claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(VerifiedToken {
            scopes: ScopeSet::parse(&claims.scope)?,
            client_id: claims.client_id,
            expires_at: claims.exp,
            token_id: claims.jti,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::scope::Scope;

    const NOW: i64 = 1_790_000_000;

    fn authority() -> TokenAuthority {
        TokenAuthority::new(&[7u8; 32], "https://store.example", 600)
    }

    #[test]
    fn issued_tokens_verify_with_their_scopes() {
        let a = authority();
        let scopes = ScopeSet::from_scopes([Scope::CatalogRead, Scope::EcoRead]);
        let token = a.issue("pfc_x", &scopes, NOW);
        let v = a.verify(&token, NOW + 10).unwrap();
        assert_eq!(v.client_id, "pfc_x");
        assert_eq!(v.scopes, scopes);
        assert_eq!(v.expires_at, NOW + 600);
    }

    #[test]
    fn only_tokens_typed_as_access_tokens_are_accepted() {
        let a = authority();
        let claims = AccessClaims {
            iss: "https://store.example".into(),
            sub: "pfc_x".into(),
            aud: "https://store.example/api/v1".into(),
            client_id: "pfc_x".into(),
            scope: "catalog:read".into(),
            iat: NOW,
            exp: NOW + 600,
            jti: "t1".into(),
        };
        for typ in [None, Some("JWT"), Some("id+jwt"), Some("at+jwt2")] {
            let token = a.sign_typed(&claims, typ);
            assert_eq!(a.verify(&token, NOW), Err(TokenError::WrongType), "{typ:?}");
        }
        for typ in ["at+jwt", "AT+JWT", "application/at+jwt"] {
            let token = a.sign_typed(&claims, Some(typ));
            assert!(a.verify(&token, NOW).is_ok(), "{typ}");
        }
        assert_eq!(a.verify("not.a.token", NOW), Err(TokenError::Malformed));
    }

    #[test]
    fn tokens_expire_at_their_lifetime() {
        let a = authority();
        let token = a.issue("pfc_x", &ScopeSet::default(), NOW);
        assert!(a.verify(&token, NOW + 599).is_ok());
        assert_eq!(a.verify(&token, NOW + 600), Err(TokenError::Expired));
    }

    #[test]
    fn tokens_signed_with_another_key_are_refused() {
        let other = TokenAuthority::new(&[8u8; 32], "https://store.example", 600);
        let token = other.issue("pfc_x", &ScopeSet::default(), NOW);
        assert_eq!(
            authority().verify(&token, NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn a_changed_payload_breaks_the_signature() {
        let a = authority();
        let token = a.issue("pfc_x", &ScopeSet::from_scopes([Scope::CatalogRead]), NOW);
        let parts: Vec<&str> = token.split('.').collect();
        let forged_claims = AccessClaims {
            iss: "https://store.example".into(),
            sub: "pfc_x".into(),
            aud: "https://store.example/api/v1".into(),
            client_id: "pfc_x".into(),
            scope: "catalog:read orders:export".into(),
            iat: NOW,
            exp: NOW + 600,
            jti: "j".into(),
        };
        let other = TokenAuthority::new(&[9u8; 32], "https://store.example", 600);
        let forged_payload = other.sign(&forged_claims);
        let forged_payload = forged_payload.split('.').nth(1).unwrap();
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(a.verify(&forged, NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn tokens_for_another_issuer_are_refused() {
        let key = [7u8; 32];
        let other = TokenAuthority::new(&key, "https://elsewhere.example", 600);
        let token = other.issue("pfc_x", &ScopeSet::default(), NOW);
        assert_eq!(
            authority().verify(&token, NOW),
            Err(TokenError::WrongIssuer)
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let a = authority();
        for t in ["", "abc", "a.b.c", "....", "eyJhbGciOiJub25lIn0.e30."] {
            assert!(a.verify(t, NOW).is_err(), "{t}");
        }
        assert_eq!(a.verify("abc", NOW), Err(TokenError::Malformed));
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("portfront-token-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = TokenAuthority::load_or_create(&dir, "https://s.example", 60).unwrap();
        let b = TokenAuthority::load_or_create(&dir, "https://s.example", 60).unwrap();
        let token = a.issue("pfc_x", &ScopeSet::default(), NOW);
        assert!(b.verify(&token, NOW).is_ok());
        std::fs::write(dir.join(TOKEN_KEY_FILE), "nothex").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let p = dir.join(TOKEN_KEY_FILE);
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(matches!(
            TokenAuthority::load_or_create(&dir, "https://s.example", 60),
            Err(TokenKeyError::Damaged { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
