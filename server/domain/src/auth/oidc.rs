//! Sign-in with OpenID Connect, the parts that need no network: provider configuration,
//! pending sign-ins (state, PKCE verifier and nonce kept server-side, each usable once), and
//! ID token validation against the provider's JWKS. The server does the HTTP.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::secret::hash_secret;
use crate::entities::oidc_login;
use crate::{DomainError, DomainResult};

/// How long a person has to finish signing in at the provider.
pub const LOGIN_TTL: Duration = Duration::minutes(10);

/// One configured provider (a `[[provider]]` table of the providers file).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Short id used in URLs: `/auth/oidc/{id}/start`.
    pub id: String,
    /// The button text: "Sign in with {display_name}".
    pub display_name: String,
    /// The issuer URL; endpoints come from its discovery document unless given below.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    /// Whether this provider's `email_verified` is believed for linking a new identity to an
    /// existing buyer account by e-mail (default `false`: it never links by address).
    #[serde(default)]
    pub trusted_email: bool,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client secret never reaches a log.
        f.debug_struct("ProviderConfig")
            .field("id", &self.id)
            .field("display_name", &self.display_name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

fn default_scopes() -> Vec<String> {
    ["openid", "email", "profile"].map(String::from).to_vec()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvidersFile {
    #[serde(default)]
    provider: Vec<ProviderConfig>,
}

fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && s.len() > "https://".len()
}

/// Reads and checks the providers file (TOML, `[[provider]]` tables).
pub fn parse_providers(text: &str) -> DomainResult<Vec<ProviderConfig>> {
    let file: ProvidersFile = toml::from_str(text)
        .map_err(|e| DomainError::invalid("OpenID providers file", e.to_string()))?;
    let mut seen = std::collections::HashSet::new();
    for p in &file.provider {
        let bad = |m: String| Err(DomainError::invalid(format!("provider {:?}", p.id), m));
        if p.id.is_empty()
            || p.id.len() > 32
            || !p
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return bad("id must be 1–32 lower-case letters, digits or '-'".into());
        }
        if !seen.insert(p.id.clone()) {
            return bad("id is used twice".into());
        }
        if p.display_name.trim().is_empty() || p.client_id.is_empty() {
            return bad("display_name and client_id must not be empty".into());
        }
        for (name, url) in [
            ("issuer", Some(&p.issuer)),
            ("authorization_endpoint", p.authorization_endpoint.as_ref()),
            ("token_endpoint", p.token_endpoint.as_ref()),
            ("jwks_uri", p.jwks_uri.as_ref()),
        ] {
            if let Some(url) = url
                && !is_http_url(url)
            {
                return bad(format!("{name} must be an http(s) URL, not {url:?}"));
            }
        }
        if !p.scopes.iter().any(|s| s == "openid") {
            return bad("scopes must include openid".into());
        }
    }
    Ok(file.provider)
}

/// A sign-in waiting for the provider's answer.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingLogin {
    pub provider: String,
    pub pkce_verifier: String,
    pub nonce: String,
    pub next_path: Option<String>,
    /// Connect the identity to this signed-in account instead of signing in.
    pub link_user_id: Option<uuid::Uuid>,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("provider", &self.provider)
            .field("next_path", &self.next_path)
            .field("link_user_id", &self.link_user_id)
            .finish_non_exhaustive()
    }
}

/// Stores a pending sign-in under the SHA-256 of `state` (which only the browser keeps).
pub async fn remember<C: ConnectionTrait>(
    db: &C,
    state: &str,
    login: &PendingLogin,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    // Abandoned sign-ins are cleared as new ones start.
    oidc_login::Entity::delete_many()
        .filter(oidc_login::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    oidc_login::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        state_hash: Set(hash_secret(state)),
        provider: Set(login.provider.clone()),
        pkce_verifier: Set(login.pkce_verifier.clone()),
        nonce: Set(login.nonce.clone()),
        next_path: Set(login.next_path.clone()),
        link_user_id: Set(login.link_user_id),
        created_at: Set(now),
        expires_at: Set(now + LOGIN_TTL),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Why the provider's answer was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallbackError {
    #[error(
        "this sign-in link is not valid or was already used; start signing in again from the sign-in page"
    )]
    UnknownState,
    #[error("this sign-in took longer than 10 minutes; start again from the sign-in page")]
    Expired,
    #[error("this sign-in was started with another provider; start again from the sign-in page")]
    WrongProvider,
}

/// Takes the pending sign-in for `state`, deleting it: a state works once.
pub async fn take<C: ConnectionTrait>(
    db: &C,
    provider: &str,
    state: &str,
    now: DateTime<Utc>,
) -> DomainResult<Result<PendingLogin, CallbackError>> {
    if state.is_empty() || state.len() > 200 {
        return Ok(Err(CallbackError::UnknownState));
    }
    let hash = hash_secret(state);
    let Some(row) = oidc_login::Entity::find()
        .filter(oidc_login::Column::StateHash.eq(&hash))
        .one(db)
        .await?
    else {
        return Ok(Err(CallbackError::UnknownState));
    };
    // Deleting first makes a replay fail even when two answers race.
    let deleted = oidc_login::Entity::delete_by_id(row.id)
        .exec(db)
        .await?
        .rows_affected;
    if deleted == 0 {
        return Ok(Err(CallbackError::UnknownState));
    }
    if row.expires_at <= now {
        return Ok(Err(CallbackError::Expired));
    }
    if row.provider != provider {
        return Ok(Err(CallbackError::WrongProvider));
    }
    Ok(Ok(PendingLogin {
        provider: row.provider,
        pkce_verifier: row.pkce_verifier,
        nonce: row.nonce,
        next_path: row.next_path,
        link_user_id: row.link_user_id,
    }))
}

/// The ID token claims we use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub nonce: Option<String>,
    pub email: Option<String>,
    /// Some providers send `"true"` as a string; both are read.
    #[serde(default, deserialize_with = "crate::views::checkbox")]
    pub email_verified: bool,
    pub name: Option<String>,
    pub azp: Option<String>,
}

/// Why an ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdTokenError {
    #[error("the provider's ID token is malformed")]
    Malformed,
    #[error("the provider's ID token uses an algorithm we do not accept ({0})")]
    Algorithm(String),
    #[error("the provider's ID token is signed with a key it does not publish")]
    UnknownKey,
    #[error("the provider's ID token signature is not valid")]
    BadSignature,
    #[error("the provider's ID token has expired; sign in again")]
    Expired,
    #[error("the provider's ID token was issued by someone else or for another application")]
    WrongIssuerOrAudience,
    #[error("the provider's ID token does not answer this sign-in (nonce mismatch)")]
    NonceMismatch,
}

/// Validates an ID token: asymmetric signature by a key in `jwks`, issuer, audience (and
/// `azp`), expiry with 60 s leeway, and the nonce of this sign-in.
pub fn validate_id_token(
    token: &str,
    jwks: &JwkSet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<IdClaims, IdTokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| IdTokenError::Malformed)?;
    let alg = header.alg;
    if !matches!(
        alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::EdDSA
    ) {
        return Err(IdTokenError::Algorithm(format!("{alg:?}")));
    }
    let jwk = match header.kid.as_deref() {
        Some(kid) => jwks.find(kid),
        None if jwks.keys.len() == 1 => jwks.keys.first(),
        None => None,
    }
    .ok_or(IdTokenError::UnknownKey)?;
    let key = DecodingKey::from_jwk(jwk).map_err(|_| IdTokenError::UnknownKey)?;
    let mut validation = Validation::new(alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    validation.leeway = 60;
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    let data = jsonwebtoken::decode::<IdClaims>(token, &key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => IdTokenError::Expired,
            ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => {
                IdTokenError::WrongIssuerOrAudience
            }
            ErrorKind::InvalidSignature => IdTokenError::BadSignature,
            _ => IdTokenError::Malformed,
        }
    })?;
    let claims = data.claims;
    if claims.azp.as_deref().is_some_and(|azp| azp != client_id) {
        return Err(IdTokenError::WrongIssuerOrAudience);
    }
    let nonce_ok = claims.nonce.as_deref().is_some_and(|n| {
        use subtle::ConstantTimeEq;
        bool::from(n.as_bytes().ct_eq(nonce.as_bytes()))
    });
    if !nonce_ok {
        return Err(IdTokenError::NonceMismatch);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_file_is_checked() {
        let ok = parse_providers(
            r#"
            [[provider]]
            id = "google"
            display_name = "Google"
            issuer = "https://accounts.google.com"
            client_id = "abc"
            client_secret = "shh"
            "#,
        )
        .unwrap();
        assert_eq!(ok[0].scopes, ["openid", "email", "profile"]);
        assert!(!format!("{:?}", ok[0]).contains("shh"));
        assert!(parse_providers("").unwrap().is_empty());
        for bad in [
            "[[provider]]\nid = \"Bad Id\"\ndisplay_name = \"x\"\nissuer = \"https://a\"\nclient_id = \"c\"\nclient_secret = \"s\"",
            "[[provider]]\nid = \"x\"\ndisplay_name = \"x\"\nissuer = \"ftp://a\"\nclient_id = \"c\"\nclient_secret = \"s\"",
            "[[provider]]\nid = \"x\"\ndisplay_name = \"x\"\nissuer = \"https://a\"\nclient_id = \"c\"\nclient_secret = \"s\"\nscopes = [\"email\"]",
            "[[provider]]\nid = \"x\"\ndisplay_name = \"x\"\nissuer = \"https://a\"\nclient_id = \"c\"\nclient_secret = \"s\"\nsurprise = 1",
        ] {
            assert!(parse_providers(bad).is_err(), "{bad}");
        }
    }

    /// A provider's Ed25519 signing key and the JWKS it publishes (kid "k1").
    #[cfg(feature = "eco")]
    fn provider_key() -> (jsonwebtoken::EncodingKey, JwkSet) {
        use base64::Engine;
        let seed = [7u8; 32];
        // PKCS#8 v1 wrapping of an Ed25519 seed (RFC 8410).
        let mut der = hex::decode("302e020100300506032b657004220420").unwrap();
        der.extend_from_slice(&seed);
        let public = ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes();
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public);
        let jwks: JwkSet = serde_json::from_value(serde_json::json!({
            "keys": [{ "kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k1", "alg": "EdDSA", "use": "sig" }]
        }))
        .unwrap();
        (jsonwebtoken::EncodingKey::from_ed_der(&der), jwks)
    }

    #[cfg(feature = "eco")]
    fn id_token(
        key: &jsonwebtoken::EncodingKey,
        kid: Option<&str>,
        claims: serde_json::Value,
    ) -> String {
        let header = jsonwebtoken::Header {
            kid: kid.map(str::to_owned),
            ..jsonwebtoken::Header::new(Algorithm::EdDSA)
        };
        jsonwebtoken::encode(&header, &claims, key).unwrap()
    }

    #[cfg(feature = "eco")]
    fn claims(overrides: serde_json::Value) -> serde_json::Value {
        let now = chrono::Utc::now().timestamp();
        let mut c = serde_json::json!({
            "iss": "https://id.example", "sub": "user-1", "aud": "portfront",
            "iat": now, "exp": now + 600, "nonce": "n-123",
            "email": "ana@example.com", "email_verified": true,
        });
        for (k, v) in overrides.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    }

    #[cfg(feature = "eco")]
    #[test]
    fn a_good_id_token_is_accepted() {
        let (key, jwks) = provider_key();
        let token = id_token(&key, Some("k1"), claims(serde_json::json!({})));
        let c =
            validate_id_token(&token, &jwks, "https://id.example", "portfront", "n-123").unwrap();
        assert_eq!(c.sub, "user-1");
        assert!(c.email_verified);
    }

    #[cfg(feature = "eco")]
    #[test]
    fn id_tokens_are_refused_for_each_reason() {
        let (key, jwks) = provider_key();
        let check = |token: &str| {
            validate_id_token(token, &jwks, "https://id.example", "portfront", "n-123")
        };
        let now = chrono::Utc::now().timestamp();
        let token = id_token(
            &key,
            Some("k1"),
            claims(serde_json::json!({ "nonce": "n-999" })),
        );
        assert_eq!(
            check(&token),
            Err(IdTokenError::NonceMismatch),
            "wrong nonce"
        );
        let token = id_token(
            &key,
            Some("k1"),
            claims(serde_json::json!({ "nonce": null })),
        );
        assert_eq!(check(&token), Err(IdTokenError::NonceMismatch), "no nonce");
        let token = id_token(
            &key,
            Some("k1"),
            claims(serde_json::json!({ "aud": "someone-else" })),
        );
        assert_eq!(
            check(&token),
            Err(IdTokenError::WrongIssuerOrAudience),
            "wrong audience"
        );
        let token = id_token(
            &key,
            Some("k1"),
            claims(serde_json::json!({ "azp": "someone-else" })),
        );
        assert_eq!(
            check(&token),
            Err(IdTokenError::WrongIssuerOrAudience),
            "wrong azp"
        );
        let token = id_token(
            &key,
            Some("k1"),
            claims(serde_json::json!({ "iss": "https://evil.example" })),
        );
        assert_eq!(
            check(&token),
            Err(IdTokenError::WrongIssuerOrAudience),
            "wrong issuer"
        );
        let token = id_token(
            &key,
            Some("k1"),
            claims(serde_json::json!({ "iat": now - 7200, "exp": now - 3600 })),
        );
        assert_eq!(check(&token), Err(IdTokenError::Expired), "expired");
        let token = id_token(&key, Some("k2"), claims(serde_json::json!({})));
        assert_eq!(
            check(&token),
            Err(IdTokenError::UnknownKey),
            "unknown key id"
        );
        // Not allowed: a shared-secret algorithm (anyone holding the client secret could sign)…
        let hs = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &claims(serde_json::json!({})),
            &jsonwebtoken::EncodingKey::from_secret(b"client-secret"),
        )
        .unwrap();
        assert_eq!(
            check(&hs),
            Err(IdTokenError::Algorithm("HS256".into())),
            "HS256"
        );
        // …and an unsigned token.
        use base64::Engine;
        let b64 = |v: serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let unsigned = format!(
            "{}.{}.",
            b64(serde_json::json!({ "alg": "none", "kid": "k1" })),
            b64(claims(serde_json::json!({})))
        );
        assert!(check(&unsigned).is_err(), "alg none");
        // A good token with its signature from another key.
        let (other, _) = {
            let mut der = hex::decode("302e020100300506032b657004220420").unwrap();
            der.extend_from_slice(&[9u8; 32]);
            (jsonwebtoken::EncodingKey::from_ed_der(&der), ())
        };
        let token = id_token(&other, Some("k1"), claims(serde_json::json!({})));
        assert_eq!(
            check(&token),
            Err(IdTokenError::BadSignature),
            "foreign signature"
        );
    }
}
