//! Browser sign-in (DESIGN.md §8): password sign-in for staff, OpenID Connect for everyone,
//! sign-out, the CSRF origin check for every state-changing request, and the client address
//! the audit log records. Sessions themselves are `domain::auth::sessions`; the cookie and
//! role checks used by server functions are `app::session`.

pub mod account;
pub mod csrf;
pub mod email_code;
pub mod oidc;
pub mod password;
pub mod sign_out;

use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, header};

use app::i18n::Locale;
use app::state::ClientIp;

use crate::rate_limit::RateLimit;
use crate::startup::ServerState;

/// What the sign-in handlers need beyond [`app::state::AppState`].
#[derive(Clone, Debug)]
pub struct AuthState {
    /// Limits password sign-in and provider sign-in starts per client address.
    pub sign_in_rate: RateLimit,
    /// Limits state-changing forms (server functions under `/sf/act/`).
    pub form_rate: RateLimit,
    /// Limits OpenID callbacks per client address (as `sign_in_rate` limits the starts).
    pub callback_rate: RateLimit,
    /// Caps the audit rows written for refused OpenID callbacks, per client address.
    pub refusal_audit_rate: RateLimit,
    /// The per-account delay after wrong passwords.
    pub account_failures: crate::rate_limit::AccountFailures,
    /// Whose forwarding headers are believed (`PORTFRONT_TRUSTED_PROXIES`).
    pub trusted_proxies: crate::forwarding::TrustedProxies,
    /// The configured OpenID providers.
    pub oidc: Arc<oidc::Providers>,
}

/// Starts a session for `user` — the browser's previous session, if any, is deleted in the
/// same step, so the id always changes on sign-in — and records the sign-in.
pub async fn start_session(
    state: &ServerState,
    parts: &http::request::Parts,
    user: &domain::auth::users::UserInfo,
    ip: &str,
    detail: serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<domain::auth::sessions::NewSession, domain::DomainError> {
    let db = &state.app.db;
    let previous = app::session::token_from_headers(
        &parts.headers,
        app::state::over_tls(&parts.extensions, &state.app),
    );
    let agent = user_agent(&parts.headers);
    let session = domain::auth::sessions::start(
        db,
        user.id,
        previous.as_deref(),
        Some(ip),
        agent.as_deref(),
        state.app.sessions,
        now,
    )
    .await?;
    domain::auth::audit::record(
        db,
        domain::auth::audit::AuditEntry {
            actor: &domain::auth::audit::Actor::User {
                id: user.id,
                email: user.email.clone(),
            },
            action: "sign_in",
            target: &user.email,
            ip: Some(ip),
            detail,
        },
        now,
    )
    .await?;
    Ok(session)
}

/// A 303 to `location` that sets the session cookie.
pub fn see_other_with_session(
    state: &ServerState,
    parts: &http::request::Parts,
    location: &str,
    token: &str,
) -> Response {
    see_other_with_cookie(
        state,
        parts,
        location,
        token,
        state.app.sessions.absolute.num_seconds(),
    )
}

/// A 303 to `location` that sets the session cookie to `token` for `max_age` seconds (a
/// pending sign-in's cookie lives as long as it waits for its code).
pub fn see_other_with_cookie(
    state: &ServerState,
    parts: &http::request::Parts,
    location: &str,
    token: &str,
    max_age: i64,
) -> Response {
    let mut res = see_other(location);
    let cookie = app::session::set_cookie(
        token,
        max_age,
        app::state::over_tls(&parts.extensions, &state.app),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// `/auth/*`.
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/auth/password", post(password::sign_in))
        .route("/auth/sign-out", post(sign_out::sign_out))
        .route("/auth/two-factor", post(account::complete))
        .route("/auth/email-code", post(email_code::request))
        .route("/auth/email-code/verify", post(email_code::verify))
        .route("/auth/confirm", post(account::confirm))
        .route("/auth/sessions/end", post(account::end_sessions))
        .route(
            "/auth/identities/disconnect",
            post(account::disconnect_identity),
        )
        .route("/auth/oidc/{provider}/start", get(oidc::start))
        .route("/auth/oidc/{provider}/callback", get(oidc::callback))
}

/// Per-request context for the audit log, rate limits and session checks: the client as
/// [`ClientIp`] (the TCP peer, or behind trusted proxies the address they forwarded for,
/// `crate::forwarding`), whether the browser used TLS ([`app::state::OverTls`]), and — when
/// the request carries a session cookie — an empty [`app::session::SessionSlot`], so the
/// session is resumed from the database at most once per request (and not at all for
/// requests that never ask). Without a cookie there is no session to resume and nothing to
/// keep. Answers for one person only get `Cache-Control: no-store` ([`is_private`]).
pub async fn request_context(
    axum::extract::State(state): axum::extract::State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    let mut forwarded_https = false;
    if let Some(ConnectInfo(addr)) = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .copied()
    {
        // With no trusted proxies the peer is never trusted and no header is read.
        let client = state.auth.trusted_proxies.client(addr.ip(), req.headers());
        forwarded_https = client.https == Some(true);
        req.extensions_mut().insert(ClientIp(client.ip));
    }
    let over_tls = state.app.secure_cookies || forwarded_https;
    req.extensions_mut().insert(app::state::OverTls(over_tls));
    let private = is_private(&req);
    if req.headers().contains_key(header::COOKIE) {
        req.extensions_mut()
            .insert(app::session::SessionSlot::default());
    }
    let mut res = next.run(req).await;
    if private {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A trusted proxy terminates TLS for an origin configured without https: HSTS too.
    if forwarded_https && !state.app.secure_cookies {
        res.headers_mut()
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(crate::http_layers::HSTS));
    }
    res
}

/// Whether the answer to `req` is for one person only and must never be stored by a browser
/// or a shared cache: a request with a session cookie or credentials, and every server
/// function call (`/sf/*`).
fn is_private(req: &Request) -> bool {
    req.uri().path().starts_with("/sf/")
        || app::paths::is_personal_page(req.uri().path())
        || req.headers().contains_key(header::AUTHORIZATION)
        || has_session_cookie(req.headers())
}

/// Whether the request carries a session cookie (valid or not: either way its answer may
/// depend on who sent it).
pub fn has_session_cookie(headers: &http::HeaderMap) -> bool {
    [app::session::COOKIE, app::session::SECURE_COOKIE]
        .into_iter()
        .any(|name| app::session::cookie_value(headers, name).is_some())
}

/// Limits state-changing server functions (`/sf/act/…`) and the RFQ message form per address.
pub async fn limit_forms(
    axum::extract::State(state): axum::extract::State<ServerState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_form =
        path.starts_with("/sf/act/") || (path.starts_with("/rfqs/") && path.ends_with("/messages"));
    if req.method() == http::Method::POST && is_form {
        let (parts, body) = req.into_parts();
        let ip = crate::rate_limit::client_ip(&parts);
        if let Err(wait) = state.auth.form_rate.check(ip) {
            return too_many(Locale::DEFAULT, wait);
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(req).await
}

/// A 303 to a local path.
pub fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The sign-in page of `locale` with an error code (and where to go after).
pub fn sign_in_page(locale: Locale, error: &str, next: Option<&str>) -> String {
    app::paths::with_query(
        &app::paths::sign_in(locale),
        &[
            ("error", Some(error.to_owned())),
            ("next", next.map(str::to_owned)),
        ],
    )
}

/// 429 with `Retry-After` and a short page in the person's language.
pub fn too_many(locale: Locale, wait: std::time::Duration) -> Response {
    let seconds = crate::rate_limit::retry_after_seconds(wait);
    let t = locale.messages();
    let text = app::i18n::fill(t.rate_limited_body, &[("seconds", &seconds)]);
    let body = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p><p><a href=\"{back}\">{back_label}</a></p></main></body></html>",
        lang = locale.tag(),
        title = escape(t.rate_limited_title),
        text = escape(&text),
        back = app::paths::sign_in(locale),
        back_label = escape(t.sign_in_title),
    );
    let mut res = (StatusCode::TOO_MANY_REQUESTS, axum::response::Html(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Minimal HTML escaping for the few server-made pages.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The locale named by a form or query field, else the one of `next`, else English.
pub fn locale_of(tag: Option<&str>, next: Option<&str>) -> Locale {
    tag.and_then(Locale::from_tag)
        .or_else(|| next.and_then(|n| app::paths::split_locale(n).map(|(l, _)| l)))
        .unwrap_or(Locale::DEFAULT)
}

/// The request's user agent, for the session list.
pub fn user_agent(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `/{locale}/admin…` pages: anonymous visitors go to the sign-in page (and come back after);
/// signed-in people who are not staff see the 403 page the app renders. Server functions
/// check roles again: this only spares an anonymous visitor an empty page.
pub async fn guard_admin_pages(
    axum::extract::State(state): axum::extract::State<ServerState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != http::Method::GET {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let Some((locale, rest)) = app::paths::split_locale(path) else {
        return next.run(req).await;
    };
    if !(rest == "/admin" || rest.starts_with("/admin/")) {
        return next.run(req).await;
    }
    let session =
        app::session::resume_for_request(&state.app, req.headers(), req.extensions()).await;
    if let Ok(Some(session)) = session {
        // Staff without two-step sign-in while the site requires it: set it up first.
        if app::session::staff_two_factor_missing(&state.app, &session) {
            return see_other(&format!(
                "{}#two-factor",
                app::paths::with_query(
                    &app::paths::account(locale),
                    &[("two_factor", Some("required".to_owned()))]
                )
            ));
        }
        return next.run(req).await;
    }
    let here = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.to_owned(), |pq| pq.as_str().to_owned());
    see_other(&app::paths::with_query(
        &app::paths::sign_in(locale),
        &[("next", Some(here))],
    ))
}
