//! `POST /auth/password`: staff sign-in with e-mail and password (a plain HTML form, works
//! without JavaScript). Success rotates the session and goes to `next` (default: the admin
//! panel); failure goes back to the sign-in page with an error code. Both are audited.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use http::request::Parts;
use serde::Deserialize;
use zeroize::Zeroizing;

use domain::auth::audit::{self, Actor, AuditEntry};
use domain::auth::redirect::safe_next;
use domain::auth::users::{SignInError, authenticate_password};

use super::{locale_of, see_other, sign_in_page, too_many};
use crate::rate_limit::client_ip;
use crate::startup::ServerState;

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    locale: String,
}

pub async fn sign_in(
    State(state): State<ServerState>,
    parts: Parts,
    Form(mut form): Form<PasswordForm>,
) -> Response {
    // Wiped from memory when this request ends.
    let password = Zeroizing::new(std::mem::take(&mut form.password));
    let next = safe_next(&form.next);
    let locale = locale_of(Some(&form.locale), next.as_deref());
    let ip = client_ip(&parts);
    if let Err(wait) = state.auth.sign_in_rate.check(ip) {
        return too_many(locale, wait);
    }
    let ip = ip.to_string();
    let db = &state.app.db;
    let now = Utc::now();
    if form.email.trim().is_empty() || password.is_empty() {
        return see_other(&sign_in_page(locale, "missing_fields", next.as_deref()));
    }
    // The per-account delay after repeated wrong passwords, checked before the password is.
    let account = domain::auth::users::normalize_email(&form.email).ok();
    if let Some(email) = &account
        && let Some(wait) = state.auth.account_failures.wait(email, now).await
    {
        return too_many(locale, wait);
    }
    let user = match authenticate_password(db, &form.email, &password).await {
        Ok(user) => {
            if let Some(email) = &account {
                state.auth.account_failures.forget(email).await;
            }
            user
        }
        Err(e) => {
            if let (SignInError::BadCredentials, Some(email)) = (&e, &account) {
                state.auth.account_failures.record(email, now).await;
            }
            let code = match &e {
                SignInError::BadCredentials => "bad_credentials",
                SignInError::Disabled => "disabled",
                SignInError::Domain(cause) => {
                    tracing::error!(error = %cause, "password sign-in failed");
                    "unavailable"
                }
            };
            // A well-formed address is recorded; anything else typed into the field (it may
            // be the password) only as a fingerprint. The password itself never.
            let typed = domain::auth::users::normalize_email(&form.email)
                .unwrap_or_else(|_| domain::auth::secret::fingerprint(form.email.trim()));
            if let Err(err) = audit::record(
                db,
                AuditEntry {
                    actor: &Actor::Anonymous,
                    action: "sign_in.failed",
                    target: &typed,
                    ip: Some(&ip),
                    detail: serde_json::json!({ "method": "password", "reason": code }),
                },
                now,
            )
            .await
            {
                tracing::error!(error = %err, "cannot write the audit log");
            }
            return see_other(&sign_in_page(locale, code, next.as_deref()));
        }
    };
    let target = next.unwrap_or_else(|| super::account::default_target(&user, locale));
    let done = super::account::after_first_factor(
        &state,
        &parts,
        &user,
        &ip,
        serde_json::json!({ "method": "password" }),
        &target,
        locale,
    )
    .await;
    match done {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = %e, "cannot start a session");
            see_other(&sign_in_page(locale, "unavailable", Some(&target)))
        }
    }
}
