//! `POST /oauth/token`: OAuth 2.0 client credentials grant (RFC 6749 §4.4) with HTTP Basic
//! client authentication. Answers `{access_token, token_type: "Bearer", expires_in, scope}`.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::auth::ScopeSet;
use domain::auth::api_clients::{self, ClientAuthError};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zeroize::Zeroizing;

use super::problem::ApiError;
use crate::rate_limit::{client_ip, retry_after_seconds};
use crate::startup::ServerState;

/// The form body of a token request.
#[derive(Debug, Default, Deserialize, ToSchema, IntoParams)]
pub struct TokenRequest {
    /// Must be `client_credentials`.
    #[schema(value_type = String, pattern = "^client_credentials$")]
    pub grant_type: Option<String>,
    /// Space-separated scopes; empty or absent means every scope the client holds.
    #[schema(value_type = Option<String>, max_length = 400)]
    pub scope: Option<String>,
    /// Not accepted here: send credentials with HTTP Basic authentication.
    #[schema(ignore)]
    pub client_id: Option<String>,
    #[schema(ignore)]
    pub client_secret: Option<String>,
}

/// A successful token answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// The scopes granted, space-separated.
    pub scope: String,
}

fn invalid_client(detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, detail)
        .oauth("invalid_client")
        .header(header::WWW_AUTHENTICATE, "Basic realm=\"portfront\"")
}

/// Reads `Authorization: Basic base64(client_id:client_secret)`.
fn basic_credentials(parts: &Parts) -> Result<(String, Zeroizing<String>), ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(invalid_client(
            "send the client id and client secret with HTTP Basic authentication (Authorization: Basic base64(client_id:client_secret))",
        ));
    };
    let text = value.to_str().unwrap_or_default();
    let Some(encoded) = text
        .strip_prefix("Basic ")
        .or_else(|| text.strip_prefix("basic "))
    else {
        return Err(invalid_client(
            "the Authorization header must use the Basic scheme for /oauth/token",
        ));
    };
    let decoded =
        STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| match String::from_utf8(bytes) {
                Ok(text) => Some(Zeroizing::new(text)),
                Err(e) => {
                    // Not text: still wipe the bytes.
                    drop(Zeroizing::new(e.into_bytes()));
                    None
                }
            });
    let Some(decoded) = decoded else {
        return Err(invalid_client(
            "the Basic credentials are not valid base64 of client_id:client_secret",
        ));
    };
    let Some((id, secret)) = decoded.split_once(':') else {
        return Err(invalid_client(
            "the Basic credentials must be client_id:client_secret, with a colon between them",
        ));
    };
    Ok((id.to_owned(), Zeroizing::new(secret.to_owned())))
}

/// Issue an access token for an API client.
#[utoipa::path(
    post,
    path = "/oauth/token",
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    security(("client_basic" = [])),
    responses(
        (status = 200, description = "Token issued", body = TokenResponse),
        (status = 400, description = "Unsupported grant type or unknown/unallowed scope", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong or missing client credentials", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many token requests from this address", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 500, description = "An unexpected error; the cause is logged on the server", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn token(
    State(state): State<ServerState>,
    parts: Parts,
    form: Result<axum::Form<TokenRequest>, FormRejection>,
) -> Result<Response, ApiError> {
    if let Err(wait) = state.api.token_rate.check(client_ip(&parts)) {
        let secs = retry_after_seconds(wait);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many token requests from this address; try again in {secs} s"),
        )
        .header(header::RETRY_AFTER, &secs.to_string()));
    }
    let form = match form {
        Ok(axum::Form(f)) => f,
        Err(e) => {
            return Err(ApiError::bad_request(format!(
                "send the token request as an application/x-www-form-urlencoded body with grant_type=client_credentials ({e})"
            ))
            .oauth("invalid_request"));
        }
    };
    let (client_id, secret) = match basic_credentials(&parts) {
        Ok(c) => c,
        Err(_) if form.client_id.is_some() || form.client_secret.is_some() => {
            return Err(invalid_client(
                "client credentials in the form body are not accepted; send them with HTTP Basic authentication",
            ));
        }
        Err(e) => return Err(e),
    };
    match form.grant_type.as_deref().map(str::trim) {
        Some("client_credentials") => {}
        None | Some("") => {
            return Err(ApiError::bad_request(
                "grant_type is missing; this endpoint issues tokens for grant_type=client_credentials",
            )
            .oauth("invalid_request"));
        }
        Some(other) => {
            let shown: String = other.chars().take(40).collect();
            return Err(ApiError::bad_request(format!(
                "grant_type \u{201c}{shown}\u{201d} is not supported; use client_credentials"
            ))
            .oauth("unsupported_grant_type"));
        }
    }
    let requested = ScopeSet::parse(form.scope.as_deref().unwrap_or_default())
        .map_err(|e| ApiError::bad_request(e.to_string()).oauth("invalid_scope"))?;
    let now = chrono::Utc::now();
    let client = api_clients::authenticate(&state.app.db, &client_id, &secret, now)
        .await
        .map_err(|e| match e {
            ClientAuthError::BadCredentials | ClientAuthError::Revoked => {
                // The id as typed may be a pasted secret: only its fingerprint is logged.
                tracing::info!(client_id = %domain::auth::secret::fingerprint(&client_id), reason = %e, "token request refused");
                invalid_client(e.to_string())
            }
            ClientAuthError::Domain(d) => ApiError::from(d),
        })?;
    let granted = if requested.is_empty() {
        client.scopes.clone()
    } else if client.scopes.covers(&requested) {
        requested
    } else {
        return Err(ApiError::bad_request(format!(
            "this client may not request \u{201c}{requested}\u{201d}; it holds: {}",
            client.scopes
        ))
        .oauth("invalid_scope"));
    };
    let access_token = state
        .api
        .tokens
        .issue(&client.client_id, &granted, now.timestamp());
    tracing::info!(client_id = %client.client_id, scope = %granted, "access token issued");
    let mut res = Json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.api.tokens.ttl_seconds(),
        scope: granted.to_string(),
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(res)
}
