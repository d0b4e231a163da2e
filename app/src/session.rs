//! The signed-in person behind a request (server only): the session cookie, role checks
//! for server functions, the CSRF token check, and the audit actor.

use chrono::Utc;
use domain::auth::audit::Actor;
use domain::auth::sessions::{self, ActiveSession};
use http::HeaderMap;
use leptos::prelude::*;

use crate::error::AppError;
use crate::state::{AppState, ClientIp};

/// The session cookie on plain HTTP (development, tests).
pub const COOKIE: &str = "pf_session";
/// The session cookie behind TLS: `__Host-` binds it to this exact origin.
pub const SECURE_COOKIE: &str = "__Host-pf_session";

/// The cookie name for this deployment.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}

/// The value of cookie `name` in the request's `Cookie` headers, if any.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// The session token in the request's `Cookie` headers, if any.
pub fn token_from_headers(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_value(headers, cookie_name(secure)).filter(|v| !v.is_empty())
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure behind TLS, and a
/// `Max-Age` equal to the absolute lifetime.
pub fn set_cookie(token: &str, max_age_seconds: i64, secure: bool) -> String {
    let mut c = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}",
        cookie_name(secure)
    );
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    set_cookie("", 0, secure)
}

pub(crate) fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        match use_context::<http::request::Parts>() {
            Some(parts) => tracing::error!(
                path = parts.uri.path(),
                "AppState missing from the server function context"
            ),
            // The request is gone (the client disconnected mid-render): nothing to answer.
            None => tracing::debug!("a server function outlived its request"),
        }
        AppError::Internal
    })
}

/// The request's session, resumed at most once however many server functions and checks ask
/// for it. The server puts an empty slot into every request's extensions; the first caller
/// fills it.
#[derive(Clone, Default)]
pub struct SessionSlot(std::sync::Arc<std::sync::OnceLock<Option<ActiveSession>>>);

impl std::fmt::Debug for SessionSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionSlot")
    }
}

/// The live session behind the request's cookie, using (and filling) the request's slot.
pub async fn resume_for_request(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &http::Extensions,
) -> domain::DomainResult<Option<ActiveSession>> {
    let slot = extensions.get::<SessionSlot>();
    if let Some(known) = slot.and_then(|s| s.0.get()) {
        return Ok(known.clone());
    }
    let secure = crate::state::over_tls(extensions, state);
    let session = match token_from_headers(headers, secure) {
        Some(token) => sessions::resume(&state.db, &token, state.sessions, Utc::now()).await?,
        None => None,
    };
    if let Some(slot) = slot {
        // Two concurrent first callers resume the same row; either answer is the same.
        let _ = slot.0.set(session.clone());
    }
    Ok(session)
}

/// The live session of this request, if any.
pub async fn current() -> Result<Option<ActiveSession>, AppError> {
    let state = state()?;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    Ok(resume_for_request(&state, &parts.headers, &parts.extensions).await?)
}

/// The session, or [`AppError::NotSignedIn`].
pub async fn require_signed_in() -> Result<ActiveSession, AppError> {
    current()
        .await?
        .ok_or_else(|| AppError::NotSignedIn.answered())
}

/// A staff or admin session, or 401/403 (also 403 for staff without two-step sign-in when
/// `PORTFRONT_REQUIRE_STAFF_2FA=1`).
pub async fn require_staff() -> Result<ActiveSession, AppError> {
    let s = require_signed_in().await?;
    if !s.user.role.is_staff() {
        return Err(AppError::Forbidden.answered());
    }
    check_two_factor(&state()?, &s)?;
    Ok(s)
}

/// An admin session, or 401/403 (as [`require_staff`] for two-step sign-in).
pub async fn require_admin() -> Result<ActiveSession, AppError> {
    let s = require_signed_in().await?;
    if !s.user.role.is_admin() {
        return Err(AppError::Forbidden.answered());
    }
    check_two_factor(&state()?, &s)?;
    Ok(s)
}

/// Whether a staff session may use the admin panel as far as two-step sign-in goes.
pub fn staff_two_factor_missing(state: &AppState, session: &ActiveSession) -> bool {
    state.require_staff_2fa && session.user.role.is_staff() && !session.user.totp_enabled
}

fn check_two_factor(state: &AppState, session: &ActiveSession) -> Result<(), AppError> {
    if staff_two_factor_missing(state, session) {
        Err(AppError::TwoFactorRequired.answered())
    } else {
        Ok(())
    }
}

/// For sensitive actions: the person proved who they are within the last 10 minutes
/// (`domain::auth::sessions::RECENT_AUTHENTICATION`), else 403 [`AppError::RecentAuthRequired`]
/// and the UI links to the confirm-identity page.
pub fn require_recent_auth(session: &ActiveSession) -> Result<(), AppError> {
    if session.recently_authenticated(Utc::now()) {
        Ok(())
    } else {
        Err(AppError::RecentAuthRequired.answered())
    }
}

/// Checks the form's CSRF token against the session's (constant time).
pub fn check_csrf(session: &ActiveSession, token: &str) -> Result<(), AppError> {
    if domain::auth::secret::same_text(&session.csrf_token, token) {
        Ok(())
    } else {
        tracing::warn!(user = %session.user.id, "form refused: CSRF token mismatch");
        Err(AppError::CsrfFailed.answered())
    }
}

/// The signed-in person as the audit log names them.
pub fn actor(session: &ActiveSession) -> Actor {
    Actor::User {
        id: session.user.id,
        email: session.user.email.clone(),
    }
}

/// The client's address for the audit log.
pub fn client_ip() -> Option<String> {
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<ClientIp>().map(|c| c.0.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            http::header::COOKIE,
            "a=1; pf_session=tok; b=2".parse().unwrap(),
        );
        assert_eq!(token_from_headers(&h, false).as_deref(), Some("tok"));
        assert_eq!(token_from_headers(&h, true), None);
        let c = set_cookie("tok", 60, true);
        assert!(c.starts_with("__Host-pf_session=tok;") && c.contains("HttpOnly"));
        assert!(c.contains("SameSite=Lax") && c.ends_with("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}
