//! `POST /auth/sign-out`: ends the session (the form carries the session's CSRF token) and
//! clears the cookie.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

use domain::auth::audit::{self, Actor, AuditEntry};
use domain::auth::sessions;

use super::{locale_of, see_other};
use crate::rate_limit::client_ip;
use crate::startup::ServerState;

#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    locale: String,
}

pub async fn sign_out(
    State(state): State<ServerState>,
    parts: Parts,
    Form(form): Form<SignOutForm>,
) -> Response {
    let locale = locale_of(Some(&form.locale), None);
    let secure = app::state::over_tls(&parts.extensions, &state.app);
    let db = &state.app.db;
    let now = Utc::now();
    let mut res = see_other(&app::paths::with_query(
        &app::paths::sign_in(locale),
        &[("signed_out", Some("1".to_owned()))],
    ));
    if let Some(token) = app::session::token_from_headers(&parts.headers, secure) {
        match sessions::resume(db, &token, state.app.sessions, now).await {
            Ok(Some(session)) => {
                if !domain::auth::secret::same_text(&session.csrf_token, &form.csrf) {
                    let mut refused = IntoResponse::into_response((
                        StatusCode::FORBIDDEN,
                        "The sign-out form was out of date, so you are still signed in. Reload the page and press Sign out again.",
                    ));
                    refused
                        .headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    return refused;
                }
                let ended = sessions::end(db, &token).await;
                let audited = audit::record(
                    db,
                    AuditEntry {
                        actor: &Actor::User {
                            id: session.user.id,
                            email: session.user.email.clone(),
                        },
                        action: "sign_out",
                        target: &session.user.email,
                        ip: Some(&client_ip(&parts).to_string()),
                        detail: serde_json::json!({}),
                    },
                    now,
                )
                .await;
                if let Err(e) = ended.and(audited) {
                    tracing::error!(error = %e, "sign-out was not fully recorded");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "cannot read the session at sign-out"),
        }
    }
    if let Ok(v) = HeaderValue::from_str(&app::session::clear_cookie(secure)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
