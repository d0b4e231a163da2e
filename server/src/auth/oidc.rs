//! Sign-in with OpenID Connect: authorization code + PKCE (S256) with the `oauth2` crate,
//! `state` and `nonce` kept server-side and usable once (`domain::auth::oidc`), the ID token
//! checked against the provider's JWKS, then the account matched or created
//! (`domain::auth::people::sign_in_with_identity`) and a fresh session started.
//!
//! Providers come from `PORTFRONT_OIDC_PROVIDERS`; endpoints from their discovery document
//! (fetched on first use) unless configured.

use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use http::request::Parts;
use jsonwebtoken::jwk::JwkSet;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, RwLock};

use domain::auth::audit::{self, Actor, AuditEntry};
use domain::auth::companies;
use domain::auth::oidc::{
    CallbackError, PendingLogin, ProviderConfig, remember, take, validate_id_token,
};
use domain::auth::people::{IdentityError, VerifiedIdentity, sign_in_with_identity};
use domain::auth::redirect::safe_next;

use super::{locale_of, see_other, sign_in_page, too_many};
use crate::rate_limit::client_ip;
use crate::startup::ServerState;

/// How long a fetched JWKS is trusted before it is fetched again.
const JWKS_TTL: Duration = Duration::from_secs(600);

/// The `id_token` field of the token response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenField {
    id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type OidcClient = Client<
    BasicErrorResponse,
    StandardTokenResponse<IdTokenField, BasicTokenType>,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

#[derive(Debug, Clone)]
struct Endpoints {
    authorization: String,
    token: String,
    jwks_uri: String,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

#[derive(Debug)]
struct Provider {
    config: ProviderConfig,
    endpoints: OnceCell<Endpoints>,
    jwks: RwLock<Option<(JwkSet, Instant)>>,
}

/// The configured providers and the HTTP client that talks to them.
#[derive(Debug)]
pub struct Providers {
    list: Vec<Provider>,
    http: reqwest::Client,
    base_url: String,
}

/// Why a provider could not be used (logged; the person sees a translated code).
#[derive(Debug, thiserror::Error)]
enum ProviderError {
    #[error("cannot reach the provider: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the provider's discovery document names issuer {0:?}, not the configured one")]
    IssuerMismatch(String),
    #[error("bad endpoint URL: {0}")]
    Url(#[from] oauth2::url::ParseError),
}

impl Providers {
    pub fn new(configs: Vec<ProviderConfig>, base_url: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            // Never follow redirects from a token endpoint (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            list: configs
                .into_iter()
                .map(|config| Provider {
                    config,
                    endpoints: OnceCell::new(),
                    jwks: RwLock::new(None),
                })
                .collect(),
            http,
            base_url: base_url.to_owned(),
        })
    }

    /// Id and button text of each provider.
    pub fn links(&self) -> Vec<app::state::ProviderLink> {
        self.list
            .iter()
            .map(|p| app::state::ProviderLink {
                id: p.config.id.clone(),
                display_name: p.config.display_name.clone(),
            })
            .collect()
    }

    fn get(&self, id: &str) -> Option<&Provider> {
        self.list.iter().find(|p| p.config.id == id)
    }

    fn redirect_uri(&self, id: &str) -> String {
        format!("{}/auth/oidc/{id}/callback", self.base_url)
    }

    async fn endpoints(&self, p: &Provider) -> Result<Endpoints, ProviderError> {
        p.endpoints
            .get_or_try_init(|| async {
                let c = &p.config;
                if let (Some(a), Some(t), Some(j)) =
                    (&c.authorization_endpoint, &c.token_endpoint, &c.jwks_uri)
                {
                    return Ok(Endpoints {
                        authorization: a.clone(),
                        token: t.clone(),
                        jwks_uri: j.clone(),
                    });
                }
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    c.issuer.trim_end_matches('/')
                );
                let d: Discovery = self
                    .http
                    .get(url)
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                if d.issuer.trim_end_matches('/') != c.issuer.trim_end_matches('/') {
                    return Err(ProviderError::IssuerMismatch(d.issuer));
                }
                Ok(Endpoints {
                    authorization: c
                        .authorization_endpoint
                        .clone()
                        .unwrap_or(d.authorization_endpoint),
                    token: c.token_endpoint.clone().unwrap_or(d.token_endpoint),
                    jwks_uri: c.jwks_uri.clone().unwrap_or(d.jwks_uri),
                })
            })
            .await
            .cloned()
    }

    fn client(&self, p: &Provider, e: &Endpoints) -> Result<OidcClient, ProviderError> {
        Ok(Client::new(ClientId::new(p.config.client_id.clone()))
            .set_client_secret(ClientSecret::new(p.config.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(e.authorization.clone())?)
            .set_token_uri(TokenUrl::new(e.token.clone())?)
            .set_redirect_uri(RedirectUrl::new(self.redirect_uri(&p.config.id))?))
    }

    /// The provider's keys, refetched when stale or when `kid` is not among them.
    async fn jwks(
        &self,
        p: &Provider,
        e: &Endpoints,
        kid: Option<&str>,
    ) -> Result<JwkSet, ProviderError> {
        if let Some((set, at)) = p.jwks.read().await.as_ref()
            && at.elapsed() < JWKS_TTL
            && kid.is_none_or(|k| set.find(k).is_some())
        {
            return Ok(set.clone());
        }
        let set: JwkSet = self
            .http
            .get(&e.jwks_uri)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        *p.jwks.write().await = Some((set.clone(), Instant::now()));
        Ok(set)
    }
}

/// The cookie that binds a pending sign-in to the browser that started it: the callback is
/// accepted only from the browser holding the matching `state` (no login CSRF with a
/// callback link made elsewhere). Behind TLS it is a `__Host-` cookie (Secure, `Path=/`, no
/// `Domain`), so no sibling subdomain can plant or overwrite it.
fn state_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-pf_oidc" } else { "pf_oidc" }
}

fn state_cookie(value: &str, max_age: i64, secure: bool) -> String {
    let name = state_cookie_name(secure);
    if secure {
        format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age}")
    } else {
        format!("{name}={value}; Path=/auth/oidc/; HttpOnly; SameSite=Lax; Max-Age={max_age}")
    }
}

fn state_from_cookie(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    app::session::cookie_value(headers, state_cookie_name(secure))
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = http::HeaderValue::from_str(cookie) {
        res.headers_mut().append(http::header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    locale: String,
    /// `1`: connect the provider to the signed-in account (from the account page) instead
    /// of signing in. Needs a recent proof of identity.
    #[serde(default)]
    connect: String,
}

/// `GET /auth/oidc/{provider}/start`: remembers the sign-in, binds it to this browser and
/// sends the browser to the provider. (A link, not a form: a form's redirect to another
/// origin would break the page's `form-action 'self'` policy.)
pub async fn start(
    State(state): State<ServerState>,
    Path(provider_id): Path<String>,
    Query(form): Query<StartForm>,
    parts: Parts,
) -> Response {
    let next = safe_next(&form.next);
    let locale = locale_of(Some(&form.locale), next.as_deref());
    if let Err(wait) = state.auth.sign_in_rate.check(client_ip(&parts)) {
        return too_many(locale, wait);
    }
    let providers = &state.auth.oidc;
    let Some(p) = providers.get(&provider_id) else {
        return see_other(&sign_in_page(locale, "unknown_provider", next.as_deref()));
    };
    let link_user_id = if form.connect == "1" {
        let here = app::paths::with_query(
            &format!("/auth/oidc/{provider_id}/start"),
            &[
                ("connect", Some("1".to_owned())),
                ("locale", Some(locale.tag().to_owned())),
            ],
        );
        match app::session::resume_for_request(&state.app, &parts.headers, &parts.extensions).await
        {
            Ok(Some(s)) if s.recently_authenticated(Utc::now()) => Some(s.user.id),
            // Connecting a sign-in method is sensitive: the password (or a code) again first.
            Ok(Some(_)) => {
                return see_other(&app::paths::confirm_identity(locale, Some(&here)));
            }
            Ok(None) => {
                return see_other(&app::paths::with_query(
                    &app::paths::sign_in(locale),
                    &[("next", Some(app::paths::account(locale)))],
                ));
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read the session");
                return see_other(&sign_in_page(locale, "unavailable", None));
            }
        }
    } else {
        None
    };
    let client = match providers
        .endpoints(p)
        .await
        .and_then(|e| providers.client(p, &e))
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(provider = %provider_id, error = %e, "OpenID provider unavailable");
            return see_other(&sign_in_page(
                locale,
                "provider_unavailable",
                next.as_deref(),
            ));
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = URL_SAFE_NO_PAD.encode(domain::auth::secret::random_bytes::<24>());
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge)
        .add_extra_param("nonce", nonce.clone());
    for scope in &p.config.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, csrf_state) = request.url();
    let pending = PendingLogin {
        provider: provider_id.clone(),
        pkce_verifier: verifier.secret().clone(),
        nonce,
        // Keep the locale even without `next`, so errors come back in the right language.
        next_path: next.or_else(|| Some(app::paths::account(locale))),
        link_user_id,
    };
    if let Err(e) = remember(&state.app.db, csrf_state.secret(), &pending, Utc::now()).await {
        tracing::error!(error = %e, "cannot store the pending sign-in");
        return see_other(&sign_in_page(locale, "unavailable", None));
    }
    with_cookie(
        see_other(url.as_str()),
        &state_cookie(
            csrf_state.secret(),
            domain::auth::oidc::LOGIN_TTL.num_seconds(),
            app::state::over_tls(&parts.extensions, &state.app),
        ),
    )
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/oidc/{provider}/callback`: the provider's answer.
pub async fn callback(
    State(state): State<ServerState>,
    Path(provider_id): Path<String>,
    Query(q): Query<CallbackQuery>,
    parts: Parts,
) -> Response {
    let clear = state_cookie("", 0, app::state::over_tls(&parts.extensions, &state.app));
    if let Err(wait) = state.auth.callback_rate.check(client_ip(&parts)) {
        return with_cookie(too_many(app::i18n::Locale::DEFAULT, wait), &clear);
    }
    let res = callback_inner(&state, &provider_id, q, &parts).await;
    with_cookie(res, &clear)
}

async fn callback_inner(
    state: &ServerState,
    provider_id: &str,
    q: CallbackQuery,
    parts: &Parts,
) -> Response {
    let db = &state.app.db;
    let now = Utc::now();
    let ip = client_ip(parts).to_string();
    let given = q.state.as_deref().unwrap_or_default();
    let bound = state_from_cookie(
        &parts.headers,
        app::state::over_tls(&parts.extensions, &state.app),
    )
    .is_some_and(|c| domain::auth::secret::same_text(&c, given));
    if !bound {
        tracing::warn!(provider = %provider_id, "OpenID callback without this browser's sign-in cookie");
        audit_failure(state, &ip, provider_id, "oidc_state").await;
        return see_other(&sign_in_page(
            app::i18n::Locale::DEFAULT,
            "oidc_state",
            None,
        ));
    }
    let pending = match take(db, provider_id, given, now).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the pending sign-in");
            return see_other(&sign_in_page(
                app::i18n::Locale::DEFAULT,
                "unavailable",
                None,
            ));
        }
    };
    let pending = match pending {
        Ok(p) => p,
        Err(e) => {
            let code = match e {
                CallbackError::Expired => "oidc_expired",
                CallbackError::UnknownState | CallbackError::WrongProvider => "oidc_state",
            };
            tracing::warn!(provider = %provider_id, reason = %e, "OpenID callback refused");
            audit_failure(state, &ip, provider_id, code).await;
            return see_other(&sign_in_page(app::i18n::Locale::DEFAULT, code, None));
        }
    };
    let next = pending.next_path.clone();
    let locale = locale_of(None, next.as_deref());
    let fail = |code: &str| see_other(&sign_in_page(locale, code, next.as_deref()));
    if let Some(error) = q.error.as_deref() {
        let code = if error == "access_denied" {
            "oidc_denied"
        } else {
            "oidc_failed"
        };
        tracing::warn!(provider = %provider_id, error, "the provider refused the sign-in");
        audit_failure(state, &ip, provider_id, code).await;
        return fail(code);
    }
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return fail("oidc_failed");
    };
    let identity = match finish(state, provider_id, &pending, code).await {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(provider = %provider_id, error = %e, "OpenID sign-in failed");
            audit_failure(state, &ip, provider_id, "oidc_failed").await;
            return fail("oidc_failed");
        }
    };
    if let Some(user_id) = pending.link_user_id {
        return connect(state, parts, user_id, &identity, &ip, locale).await;
    }
    let user = match sign_in_with_identity(db, &identity, Some(&ip), now).await {
        Ok((user, _)) => user,
        Err(e) => {
            let code = match e {
                IdentityError::NoEmail => "oidc_email",
                IdentityError::UnverifiedEmail => "oidc_unverified",
                IdentityError::LinkRefused => "oidc_link_refused",
                IdentityError::Disabled => "disabled",
                IdentityError::Domain(cause) => {
                    tracing::error!(error = %cause, "cannot sign in an identity");
                    "unavailable"
                }
            };
            audit_failure(state, &ip, provider_id, code).await;
            return fail(code);
        }
    };
    let company = match companies::company_of(db, user.id).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the company of a person signing in");
            return fail("unavailable");
        }
    };
    let target = if !user.role.is_staff() && company.is_none() {
        app::paths::with_query(&app::paths::onboarding(locale), &[("next", next.clone())])
    } else if user.role.is_staff() && next.as_deref() == Some(app::paths::account(locale).as_str())
    {
        app::paths::admin(locale)
    } else {
        next.clone().unwrap_or_else(|| app::paths::account(locale))
    };
    let done = super::account::after_first_factor(
        state,
        parts,
        &user,
        &ip,
        serde_json::json!({ "method": "oidc", "provider": provider_id }),
        &target,
        locale,
    )
    .await;
    match done {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a session");
            fail("unavailable")
        }
    }
}

/// The end of a provider sign-in started from the account page: the identity is connected to
/// the account that started it — only while that same account is still signed in here.
async fn connect(
    state: &ServerState,
    parts: &Parts,
    user_id: uuid::Uuid,
    identity: &VerifiedIdentity,
    ip: &str,
    locale: app::i18n::Locale,
) -> Response {
    let session =
        app::session::resume_for_request(&state.app, &parts.headers, &parts.extensions).await;
    let same_person = matches!(&session, Ok(Some(s)) if s.user.id == user_id);
    if !same_person {
        tracing::warn!(provider = %identity.provider, "a provider connection came back to another session");
        audit_failure(state, ip, &identity.provider, "oidc_link_session").await;
        return see_other(&sign_in_page(locale, "oidc_state", None));
    }
    let done = domain::auth::people::connect_identity(
        &state.app.db,
        user_id,
        identity,
        Some(ip),
        Utc::now(),
    )
    .await;
    match done {
        Ok(_) => see_other(&super::account::sign_in_methods(locale, ("connected", "1"))),
        Err(domain::auth::people::ConnectError::Taken) => {
            audit_failure(state, ip, &identity.provider, "oidc_link_taken").await;
            see_other(&super::account::sign_in_methods(
                locale,
                ("connect_error", "taken"),
            ))
        }
        Err(domain::auth::people::ConnectError::Domain(e)) => {
            tracing::error!(error = %e, "cannot connect a provider");
            see_other(&sign_in_page(locale, "unavailable", None))
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum FinishError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the token response has no id_token")]
    NoIdToken,
    #[error(transparent)]
    IdToken(#[from] domain::auth::oidc::IdTokenError),
    #[error("unknown provider")]
    UnknownProvider,
}

/// Exchanges the code (with the PKCE verifier) and validates the ID token.
async fn finish(
    state: &ServerState,
    provider_id: &str,
    pending: &PendingLogin,
    code: String,
) -> Result<VerifiedIdentity, FinishError> {
    let providers = &state.auth.oidc;
    let p = providers
        .get(provider_id)
        .ok_or(FinishError::UnknownProvider)?;
    let endpoints = providers.endpoints(p).await?;
    let client = providers.client(p, &endpoints)?;
    let response = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(&providers.http)
        .await
        .map_err(|e| {
            FinishError::Exchange(match e {
                oauth2::RequestTokenError::ServerResponse(r) => r.error().to_string(),
                other => other.to_string(),
            })
        })?;
    let id_token = response
        .extra_fields()
        .id_token
        .clone()
        .ok_or(FinishError::NoIdToken)?;
    let kid = jsonwebtoken::decode_header(&id_token)
        .ok()
        .and_then(|h| h.kid);
    let jwks = providers.jwks(p, &endpoints, kid.as_deref()).await?;
    let claims = validate_id_token(
        &id_token,
        &jwks,
        &p.config.issuer,
        &p.config.client_id,
        &pending.nonce,
    )?;
    Ok(VerifiedIdentity {
        provider: provider_id.to_owned(),
        subject: claims.sub,
        email: claims.email,
        email_verified: claims.email_verified,
        trusted_email: p.config.trusted_email,
        name: claims.name,
    })
}

/// Records a refused callback — at most `refusal_audit_rate` rows a minute per address, so a
/// flood of forged callbacks cannot fill the audit log (the excess is only logged).
async fn audit_failure(state: &ServerState, ip: &str, provider: &str, reason: &str) {
    let over_cap = ip
        .parse::<std::net::IpAddr>()
        .is_ok_and(|addr| state.auth.refusal_audit_rate.check(addr).is_err());
    if over_cap {
        tracing::debug!(
            reason,
            "refused OpenID callback not audited: over the per-address cap"
        );
        return;
    }
    if let Err(e) = audit::record(
        &state.app.db,
        AuditEntry {
            actor: &Actor::Anonymous,
            action: "sign_in.failed",
            target: provider,
            ip: Some(ip),
            detail: serde_json::json!({ "method": "oidc", "reason": reason }),
        },
        Utc::now(),
    )
    .await
    {
        tracing::error!(error = %e, "cannot write the audit log");
    }
}
