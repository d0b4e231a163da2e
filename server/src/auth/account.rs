//! The person's own sign-in security (plain HTML forms, no JavaScript needed):
//!
//! - `POST /auth/two-factor`: the code step. The password (or provider) step left a pending
//!   sign-in in the session cookie (`domain::auth::sessions::start_pending`); a right TOTP or
//!   recovery code replaces it with a session, a wrong one counts against it.
//! - `POST /auth/confirm`: proves the person's identity again (password or code) before a
//!   sensitive action (`app::session::require_recent_auth`).
//! - `POST /auth/sessions/end`: ends one of the person's other sessions, or all of them.
//! - `POST /auth/identities/disconnect`: disconnects a provider from the account (connecting
//!   one is a provider sign-in started with `connect=1`, `super::oidc`).
//!
//! Every outcome is audited.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use http::request::Parts;
use serde::Deserialize;
use zeroize::Zeroizing;

use domain::auth::audit::{self, Actor, AuditEntry};
use domain::auth::redirect::safe_next;
use domain::auth::sessions::{self, ActiveSession};
use domain::auth::two_factor;
use domain::auth::users::UserInfo;

use super::{locale_of, see_other, sign_in_page, too_many};
use crate::rate_limit::client_ip;
use crate::startup::ServerState;

/// Where a signed-in person goes when no `next` was given.
pub fn default_target(user: &UserInfo, locale: app::i18n::Locale) -> String {
    if user.role.is_staff() {
        app::paths::admin(locale)
    } else {
        app::paths::account(locale)
    }
}

/// After the first factor: a full session, or — when the account has two-step sign-in on —
/// a pending sign-in and the code page (which comes back to `target` afterwards).
pub async fn after_first_factor(
    state: &ServerState,
    parts: &Parts,
    user: &UserInfo,
    ip: &str,
    detail: serde_json::Value,
    target: &str,
    locale: app::i18n::Locale,
) -> Result<Response, domain::DomainError> {
    let now = Utc::now();
    if !user.totp_enabled {
        let session = super::start_session(state, parts, user, ip, detail, now).await?;
        return Ok(super::see_other_with_session(
            state,
            parts,
            target,
            &session.token,
        ));
    }
    let db = &state.app.db;
    let previous = app::session::token_from_headers(
        &parts.headers,
        app::state::over_tls(&parts.extensions, &state.app),
    );
    let agent = super::user_agent(&parts.headers);
    let pending = sessions::start_pending(
        db,
        user.id,
        previous.as_deref(),
        Some(ip),
        agent.as_deref(),
        now,
    )
    .await?;
    audit::record(
        db,
        AuditEntry {
            actor: &Actor::User {
                id: user.id,
                email: user.email.clone(),
            },
            action: "sign_in.code_asked",
            target: &user.email,
            ip: Some(ip),
            detail,
        },
        now,
    )
    .await?;
    let code_page = app::paths::with_query(
        &app::paths::sign_in_code(locale),
        &[("next", Some(target.to_owned()))],
    );
    Ok(super::see_other_with_cookie(
        state,
        parts,
        &code_page,
        &pending.token,
        sessions::PENDING_FACTOR_FOR.num_seconds(),
    ))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    locale: String,
}

async fn audit_quietly(state: &ServerState, entry: AuditEntry<'_>) {
    if let Err(e) = audit::record(&state.app.db, entry, Utc::now()).await {
        tracing::error!(error = %e, "cannot write the audit log");
    }
}

/// `POST /auth/two-factor`.
pub async fn complete(
    State(state): State<ServerState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let code = Zeroizing::new(form.code);
    let next = safe_next(&form.next);
    let locale = locale_of(Some(&form.locale), next.as_deref());
    let ip = client_ip(&parts);
    if let Err(wait) = state.auth.sign_in_rate.check(ip) {
        return too_many(locale, wait);
    }
    let ip = ip.to_string();
    let db = &state.app.db;
    let now = Utc::now();
    let secure = app::state::over_tls(&parts.extensions, &state.app);
    let token = app::session::token_from_headers(&parts.headers, secure).unwrap_or_default();
    let pending = match sessions::resume_pending(db, &token, now).await {
        Ok(Some(p)) => p,
        Ok(None) => return see_other(&sign_in_page(locale, "code_expired", next.as_deref())),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a pending sign-in");
            return see_other(&sign_in_page(locale, "unavailable", next.as_deref()));
        }
    };
    let actor = Actor::User {
        id: pending.user.id,
        email: pending.user.email.clone(),
    };
    let factor = match two_factor::verify(db, pending.user.id, &code, now).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "cannot check a two-step code");
            return see_other(&sign_in_page(locale, "unavailable", next.as_deref()));
        }
    };
    let Some(factor) = factor else {
        let usable = sessions::record_factor_failure(db, pending.session_id)
            .await
            .unwrap_or(false);
        audit_quietly(
            &state,
            AuditEntry {
                actor: &actor,
                action: "sign_in.failed",
                target: &pending.user.email,
                ip: Some(&ip),
                detail: serde_json::json!({ "method": "two_factor", "reason": "bad_code" }),
            },
        )
        .await;
        if !usable {
            return see_other(&sign_in_page(locale, "too_many_codes", next.as_deref()));
        }
        return see_other(&app::paths::with_query(
            &app::paths::sign_in_code(locale),
            &[("error", Some("bad_code".into())), ("next", next)],
        ));
    };
    let started = super::start_session(
        &state,
        &parts,
        &pending.user,
        &ip,
        serde_json::json!({ "method": "two_factor", "factor": factor.as_str() }),
        now,
    )
    .await;
    match started {
        Ok(session) => {
            let target = next.unwrap_or_else(|| default_target(&pending.user, locale));
            super::see_other_with_session(&state, &parts, &target, &session.token)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot start a session");
            see_other(&sign_in_page(locale, "unavailable", next.as_deref()))
        }
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    locale: String,
}

/// The signed-in session of a form post whose CSRF token matches, else the response to send.
pub(crate) async fn signed_in_form(
    state: &ServerState,
    parts: &Parts,
    csrf: &str,
    locale: app::i18n::Locale,
    back_to: &str,
) -> Result<ActiveSession, Response> {
    let session = app::session::resume_for_request(&state.app, &parts.headers, &parts.extensions)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot read the session");
            see_other(&sign_in_page(locale, "unavailable", Some(back_to)))
        })?;
    let Some(session) = session else {
        return Err(see_other(&app::paths::with_query(
            &app::paths::sign_in(locale),
            &[("next", Some(back_to.to_owned()))],
        )));
    };
    if !domain::auth::secret::same_text(&session.csrf_token, csrf) {
        tracing::warn!(user = %session.user.id, "form refused: CSRF token mismatch");
        let mut refused = axum::response::IntoResponse::into_response((
            http::StatusCode::FORBIDDEN,
            locale.messages().error_csrf_body,
        ));
        refused.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
        return Err(refused);
    }
    Ok(session)
}

/// `POST /auth/confirm`.
pub async fn confirm(
    State(state): State<ServerState>,
    parts: Parts,
    Form(mut form): Form<ConfirmForm>,
) -> Response {
    let password = Zeroizing::new(std::mem::take(&mut form.password));
    let code = Zeroizing::new(std::mem::take(&mut form.code));
    let next = safe_next(&form.next);
    let locale = locale_of(Some(&form.locale), next.as_deref());
    let this_page = app::paths::confirm_identity(locale, next.as_deref());
    let ip = client_ip(&parts);
    if let Err(wait) = state.auth.sign_in_rate.check(ip) {
        return too_many(locale, wait);
    }
    let ip = ip.to_string();
    let session = match signed_in_form(&state, &parts, &form.csrf, locale, &this_page).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let db = &state.app.db;
    let now = Utc::now();
    let email = session.user.email.clone();
    if let Some(wait) = state.auth.account_failures.wait(&email, now).await {
        return too_many(locale, wait);
    }
    let method = if !password.trim().is_empty() {
        match domain::auth::users::authenticate_password(db, &email, &password).await {
            Ok(_) => Some("password"),
            Err(domain::auth::users::SignInError::Domain(e)) => {
                tracing::error!(error = %e, "cannot check a password");
                return see_other(&sign_in_page(locale, "unavailable", next.as_deref()));
            }
            Err(_) => None,
        }
    } else if !code.trim().is_empty() {
        match two_factor::verify(db, session.user.id, &code, now).await {
            Ok(found) => found.map(two_factor::Factor::as_str),
            Err(e) => {
                tracing::error!(error = %e, "cannot check a two-step code");
                return see_other(&sign_in_page(locale, "unavailable", next.as_deref()));
            }
        }
    } else {
        None
    };
    let actor = app::session::actor(&session);
    let Some(method) = method else {
        state.auth.account_failures.record(&email, now).await;
        audit_quietly(
            &state,
            AuditEntry {
                actor: &actor,
                action: "identity.confirm_failed",
                target: &email,
                ip: Some(&ip),
                detail: serde_json::json!({}),
            },
        )
        .await;
        return see_other(&app::paths::with_query(
            &app::paths::confirm_identity(locale, None),
            &[("error", Some("wrong".into())), ("next", next)],
        ));
    };
    state.auth.account_failures.forget(&email).await;
    if let Err(e) = sessions::confirm_identity(db, session.session_id, now).await {
        tracing::error!(error = %e, "cannot record the confirmation");
        return see_other(&sign_in_page(locale, "unavailable", next.as_deref()));
    }
    audit_quietly(
        &state,
        AuditEntry {
            actor: &actor,
            action: "identity.confirmed",
            target: &email,
            ip: Some(&ip),
            detail: serde_json::json!({ "method": method }),
        },
    )
    .await;
    see_other(&next.unwrap_or_else(|| app::paths::account(locale)))
}

#[derive(Deserialize)]
pub struct EndSessionsForm {
    #[serde(default)]
    csrf: String,
    /// A session id, or `others` for every session but this one.
    #[serde(default)]
    session: String,
    #[serde(default)]
    locale: String,
}

/// `POST /auth/sessions/end`.
pub async fn end_sessions(
    State(state): State<ServerState>,
    parts: Parts,
    Form(form): Form<EndSessionsForm>,
) -> Response {
    let locale = locale_of(Some(&form.locale), None);
    let account = app::paths::account(locale);
    let session = match signed_in_form(&state, &parts, &form.csrf, locale, &account).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let db = &state.app.db;
    let ended = if form.session == "others" {
        sessions::end_others(db, session.user.id, session.session_id).await
    } else {
        match form.session.parse::<uuid::Uuid>() {
            Ok(id) if id != session.session_id => sessions::end_own(db, session.user.id, id)
                .await
                .map(u64::from),
            // This session ends with Sign out; anything else is not a session of theirs.
            _ => Ok(0),
        }
    };
    let count = match ended {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = %e, "cannot end sessions");
            return see_other(&sign_in_page(locale, "unavailable", Some(&account)));
        }
    };
    let which = if form.session == "others" {
        "others"
    } else {
        "one"
    };
    audit_quietly(
        &state,
        AuditEntry {
            actor: &app::session::actor(&session),
            action: "session.end",
            target: &session.user.email,
            ip: Some(&client_ip(&parts).to_string()),
            detail: serde_json::json!({ "ended": count, "which": which }),
        },
    )
    .await;
    see_other(&format!(
        "{}#sessions",
        app::paths::with_query(&account, &[("sessions_ended", Some(count.to_string()))])
    ))
}

#[derive(Deserialize)]
pub struct DisconnectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    locale: String,
}

/// The account page's sign-in methods section with a notice.
pub fn sign_in_methods(locale: app::i18n::Locale, notice: (&str, &str)) -> String {
    format!(
        "{}#sign-in-methods",
        app::paths::with_query(
            &app::paths::account(locale),
            &[(notice.0, Some(notice.1.to_owned()))]
        )
    )
}

/// `POST /auth/identities/disconnect`.
pub async fn disconnect_identity(
    State(state): State<ServerState>,
    parts: Parts,
    Form(form): Form<DisconnectForm>,
) -> Response {
    let locale = locale_of(Some(&form.locale), None);
    let account = app::paths::account(locale);
    let session = match signed_in_form(&state, &parts, &form.csrf, locale, &account).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let ip = client_ip(&parts).to_string();
    let done = domain::auth::people::disconnect_identity(
        &state.app.db,
        session.user.id,
        &form.provider,
        Some(&ip),
        Utc::now(),
    )
    .await;
    match done {
        Ok(_) => see_other(&sign_in_methods(locale, ("disconnected", "1"))),
        Err(domain::DomainError::Conflict(_)) => {
            see_other(&sign_in_methods(locale, ("disconnect_error", "last")))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot disconnect a provider");
            see_other(&sign_in_page(locale, "unavailable", Some(&account)))
        }
    }
}
