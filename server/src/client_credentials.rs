//! OAuth2 client credentials (RFC 6749 §4.4) with the `oauth2` crate, for the parties this
//! server calls: the issuing body (`authority`) and polled carrier publishers
//! (`feed_poller`). A token is asked for once and kept until [`MARGIN`] before it expires;
//! each caller keeps its own and drops it on a 401.

use std::time::{Duration, Instant};

use oauth2::basic::BasicClient;
use oauth2::{ClientId, ClientSecret, Scope, TokenResponse, TokenUrl};

/// How long before its expiry a token is no longer used.
pub const MARGIN: Duration = Duration::from_secs(30);
/// The lifetime assumed when the token endpoint names none.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// A bearer token and until when it is good.
pub type CachedToken = (String, Instant);

/// What a token request takes.
#[derive(Debug, Clone, Copy)]
pub struct Grant<'a> {
    pub token_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    /// A scope to ask for, when the party wants one.
    pub scope: Option<&'a str>,
}

/// Why no token came.
#[derive(Debug)]
pub enum GrantError {
    /// The token endpoint's address is not a URL.
    BadUrl(String),
    /// The endpoint answered with an OAuth2 error (`invalid_client`, …).
    Refused(String),
    /// The request failed on the way (network, a body that is no token answer).
    Failed(String),
}

/// The cached token while it has more than [`MARGIN`] left.
pub fn still_good(cached: Option<&CachedToken>) -> Option<String> {
    cached
        .filter(|(_, until)| Instant::now() + MARGIN < *until)
        .map(|(token, _)| token.clone())
}

/// Asks the token endpoint for a token.
pub async fn request(http: &reqwest::Client, grant: Grant<'_>) -> Result<CachedToken, GrantError> {
    let token_url =
        TokenUrl::new(grant.token_url.to_owned()).map_err(|e| GrantError::BadUrl(e.to_string()))?;
    let client = BasicClient::new(ClientId::new(grant.client_id.to_owned()))
        .set_client_secret(ClientSecret::new(grant.client_secret.to_owned()))
        .set_token_uri(token_url);
    let mut exchange = client.exchange_client_credentials();
    if let Some(scope) = grant.scope.filter(|s| !s.is_empty()) {
        exchange = exchange.add_scope(Scope::new(scope.to_owned()));
    }
    let answer = exchange.request_async(http).await.map_err(|e| match e {
        oauth2::RequestTokenError::ServerResponse(r) => GrantError::Refused(r.error().to_string()),
        other => GrantError::Failed(other.to_string()),
    })?;
    let lifetime = answer.expires_in().unwrap_or(DEFAULT_LIFETIME);
    Ok((
        answer.access_token().secret().clone(),
        Instant::now() + lifetime,
    ))
}
