//! Bearer-token authentication for `/api/v1` (RFC 6750): the extractor checks the token and
//! that its client is still active; handlers then demand the scope they need.

use axum::extract::FromRequestParts;
use domain::auth::Scope;
use domain::auth::api_clients;
use domain::auth::token::VerifiedToken;
use http::request::Parts;
use http::{StatusCode, header};

use super::problem::ApiError;
use crate::startup::ServerState;

/// An authenticated API caller.
#[derive(Debug, Clone)]
pub struct ApiCaller(pub VerifiedToken);

fn unauthorized(code: Option<&str>, detail: &str) -> ApiError {
    let challenge = match code {
        Some(code) => format!(
            "Bearer realm=\"portfront\", error=\"{code}\", error_description=\"{}\"",
            detail.replace('"', "'")
        ),
        None => "Bearer realm=\"portfront\"".to_owned(),
    };
    let err = ApiError::new(StatusCode::UNAUTHORIZED, detail)
        .header(header::WWW_AUTHENTICATE, &challenge);
    match code {
        Some(code) => err.oauth(code),
        None => err,
    }
}

impl FromRequestParts<ServerState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ServerState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(unauthorized(
                None,
                "this endpoint needs an access token: get one from POST /oauth/token and send it as Authorization: Bearer <token>",
            ));
        };
        let text = value.to_str().unwrap_or_default();
        let Some(token) = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("bearer "))
        else {
            return Err(unauthorized(
                Some("invalid_request"),
                "the Authorization header must use the Bearer scheme",
            ));
        };
        let mut verified = state
            .api
            .tokens
            .verify(token.trim(), chrono::Utc::now().timestamp())
            .map_err(|e| unauthorized(Some("invalid_token"), &e.to_string()))?;
        let Some(held) = api_clients::current_scopes(&state.app.db, &verified.client_id)
            .await
            .map_err(ApiError::from)?
        else {
            return Err(unauthorized(
                Some("invalid_token"),
                "the API client of this token was revoked",
            ));
        };
        // A scope taken from the client since the token was issued no longer counts.
        verified.scopes = verified.scopes.intersection(&held);
        Ok(Self(verified))
    }
}

impl ApiCaller {
    /// `Ok` when the token carries `scope`, else 403 `insufficient_scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.0.scopes.contains(scope) {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this token does not carry the {scope} scope; request a token with scope={scope} (the client must hold it)"
            ),
        )
        .oauth("insufficient_scope")
        .header(
            header::WWW_AUTHENTICATE,
            &format!("Bearer realm=\"portfront\", error=\"insufficient_scope\", scope=\"{scope}\""),
        ))
    }
}
