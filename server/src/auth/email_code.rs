//! Buyers' passwordless sign-in (plain HTML forms, no JavaScript needed):
//!
//! - `POST /auth/email-code` (`email`, `next`, `locale`): a one-time code for the address,
//!   mailed through the outbox (`domain::auth::email_code::request`); then the code page
//!   `/{locale}/sign-in/email?email=…`, which says the same whether or not the address may
//!   sign in with a code.
//! - `POST /auth/email-code/verify` (`email`, `code`, `next`, `locale`): a right code signs
//!   the buyer in (a session, or the second-step page when they turned two-step sign-in on);
//!   a wrong one goes back with the tries left.
//!
//! Both are limited per client address like the password form (`sign_in_rate`); the domain
//! limits codes per e-mail address.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use http::request::Parts;
use serde::Deserialize;
use zeroize::Zeroizing;

use domain::DomainError;
use domain::auth::email_code::{self, Requested, Verified};
use domain::auth::redirect::safe_next;

use super::{locale_of, see_other, too_many};
use crate::rate_limit::client_ip;
use crate::startup::ServerState;

#[derive(Deserialize)]
pub struct CodeRequestForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    locale: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    locale: String,
}

/// The code page for `email`, with more query parameters.
fn code_page(
    locale: app::i18n::Locale,
    email: &str,
    next: Option<&str>,
    more: &[(&str, Option<String>)],
) -> String {
    let mut params = vec![
        ("email", Some(email.trim().to_lowercase())),
        ("next", next.map(str::to_owned)),
    ];
    params.extend(more.iter().cloned());
    app::paths::with_query(&app::paths::sign_in_email(locale), &params)
}

/// `POST /auth/email-code`.
pub async fn request(
    State(state): State<ServerState>,
    parts: Parts,
    Form(form): Form<CodeRequestForm>,
) -> Response {
    let next = safe_next(&form.next);
    let locale = locale_of(Some(&form.locale), next.as_deref());
    let ip = client_ip(&parts);
    if let Err(wait) = state.auth.sign_in_rate.check(ip) {
        return too_many(locale, wait);
    }
    let ip = ip.to_string();
    match email_code::request(
        &state.app.db,
        &form.email,
        locale.tag(),
        Some(&ip),
        Utc::now(),
    )
    .await
    {
        Ok(Requested::Sent) => {
            state.mail_waiting.notify_one();
            see_other(&code_page(locale, &form.email, next.as_deref(), &[]))
        }
        Ok(Requested::TooMany { retry_after }) => {
            let minutes = (retry_after.num_seconds() + 59) / 60;
            see_other(&code_page(
                locale,
                &form.email,
                next.as_deref(),
                &[
                    ("error", Some("too_many".into())),
                    ("minutes", Some(minutes.max(1).to_string())),
                ],
            ))
        }
        Err(DomainError::Invalid { .. }) => see_other(&super::sign_in_page(
            locale,
            "invalid_email",
            next.as_deref(),
        )),
        Err(e) => {
            tracing::error!(error = %e, "cannot make a sign-in code");
            see_other(&super::sign_in_page(locale, "unavailable", next.as_deref()))
        }
    }
}

/// `POST /auth/email-code/verify`.
pub async fn verify(
    State(state): State<ServerState>,
    parts: Parts,
    Form(mut form): Form<CodeForm>,
) -> Response {
    let code = Zeroizing::new(std::mem::take(&mut form.code));
    let next = safe_next(&form.next);
    let locale = locale_of(Some(&form.locale), next.as_deref());
    let ip = client_ip(&parts);
    if let Err(wait) = state.auth.sign_in_rate.check(ip) {
        return too_many(locale, wait);
    }
    let ip = ip.to_string();
    let verified = email_code::verify(
        &state.app.db,
        &form.email,
        &code,
        locale.tag(),
        Some(&ip),
        Utc::now(),
    )
    .await;
    match verified {
        Ok(Verified::SignedIn { user, created }) => {
            // A buyer without a company registers it first; then on to `next`.
            let company = match domain::auth::companies::company_of(&state.app.db, user.id).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the company of a person signing in");
                    return see_other(&super::sign_in_page(locale, "unavailable", next.as_deref()));
                }
            };
            let target = if company.is_none() {
                app::paths::with_query(&app::paths::onboarding(locale), &[("next", next.clone())])
            } else {
                next.clone()
                    .unwrap_or_else(|| super::account::default_target(&user, locale))
            };
            let detail = serde_json::json!({ "method": "email_code", "created": created });
            match super::account::after_first_factor(
                &state, &parts, &user, &ip, detail, &target, locale,
            )
            .await
            {
                Ok(res) => res,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start a session");
                    see_other(&super::sign_in_page(locale, "unavailable", next.as_deref()))
                }
            }
        }
        Ok(Verified::Wrong { left }) => see_other(&code_page(
            locale,
            &form.email,
            next.as_deref(),
            &[
                ("error", Some("bad_code".into())),
                ("left", Some(left.to_string())),
            ],
        )),
        Ok(Verified::Expired) => see_other(&code_page(
            locale,
            &form.email,
            next.as_deref(),
            &[("error", Some("expired".into()))],
        )),
        Err(e) => {
            tracing::error!(error = %e, "cannot check a sign-in code");
            see_other(&super::sign_in_page(locale, "unavailable", next.as_deref()))
        }
    }
}
