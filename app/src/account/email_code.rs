//! Buyers' passwordless sign-in, both steps as plain HTML forms (no JavaScript needed): the
//! address form on the sign-in page ([`EmailCodeForm`], posted to `/auth/email-code`) and
//! `/{locale}/sign-in/email?email=…` ([`EmailCodePage`]), where the six-digit code from the
//! mail is typed (posted to `/auth/email-code/verify`). `server::auth::email_code` answers
//! both with a redirect; `domain::auth::email_code` holds the rules.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use domain::auth::email_code::{CODE_VALID_FOR_MINUTES, MAX_FAILURES};

use super::two_factor::next_param;
use crate::i18n::{Messages, fill, use_i18n, use_locale};
use crate::paths;

/// The sentence for an error code of either step (`left` and `minutes` fill it in).
pub fn email_code_error(t: &'static Messages, code: &str, left: &str, minutes: &str) -> String {
    match code {
        "bad_code" => fill(t.sign_in_error_email_bad_code, &[("left", &left)]),
        "expired" => t.sign_in_error_email_expired.to_owned(),
        "too_many" => fill(t.sign_in_error_email_too_many, &[("minutes", &minutes)]),
        "invalid_email" => t.sign_in_error_email_invalid.to_owned(),
        _ => t.error_internal_body.to_owned(),
    }
}

/// The first step, on the sign-in page.
#[component]
pub fn EmailCodeForm(next: String) -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    view! {
        <form class="card form email-code-form" method="post" action="/auth/email-code">
            <h2>{t.sign_in_email_heading}</h2>
            <p class="muted">{t.sign_in_email_hint}</p>
            <input type="hidden" name="next" value=next />
            <input type="hidden" name="locale" value=locale.tag() />
            <div class="field">
                <label for="email-code-address">{t.field_email}</label>
                <input id="email-code-address" type="email" name="email" autocomplete="email" required maxlength="254" />
            </div>
            <button type="submit" class="button primary">{t.sign_in_email_button}</button>
        </form>
    }
}

/// `/{locale}/sign-in/email`: the code from the mail.
#[component]
pub fn EmailCodePage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let next = next_param();
    let query = use_query_map().read_untracked();
    let email = query.get("email").unwrap_or_default();
    let error = query.get("error");
    let left = query
        .get("left")
        .and_then(|l| l.parse::<i32>().ok())
        .unwrap_or(MAX_FAILURES)
        .to_string();
    let minutes = query.get("minutes").unwrap_or_default();
    let message = error
        .as_deref()
        .map(|e| email_code_error(t, e, &left, &minutes));
    let described = if message.is_some() {
        "email-code-hint email-code-error"
    } else {
        "email-code-hint"
    };
    let sent = fill(
        t.sign_in_email_code_sent,
        &[("email", &email), ("minutes", &CODE_VALID_FOR_MINUTES)],
    );
    let back = paths::with_query(
        &paths::sign_in(locale),
        &[("next", (!next.is_empty()).then(|| next.clone()))],
    );
    view! {
        <Title text=t.sign_in_email_code_title />
        <Meta name="robots" content="noindex" />
        <section class="auth-page container narrow">
            <h1>{t.sign_in_email_code_title}</h1>
            {message.map(|m| view! { <p class="notice error" role="alert" id="email-code-error" data-testid="email-code-error">{m}</p> })}
            <p class="lead" id="email-code-hint">{sent}</p>
            <form class="card form" method="post" action="/auth/email-code/verify">
                <input type="hidden" name="email" value=email.clone() />
                <input type="hidden" name="next" value=next.clone() />
                <input type="hidden" name="locale" value=locale.tag() />
                <div class="field">
                    <label for="email-code">{t.sign_in_email_code_label}</label>
                    <input id="email-code" type="text" name="code" autocomplete="one-time-code" inputmode="numeric"
                        required maxlength="16" autofocus spellcheck="false" autocapitalize="off"
                        aria-describedby=described />
                </div>
                <button type="submit" class="button primary">{t.sign_in_email_code_button}</button>
            </form>
            <form method="post" action="/auth/email-code" class="inline">
                <input type="hidden" name="email" value=email />
                <input type="hidden" name="next" value=next />
                <input type="hidden" name="locale" value=locale.tag() />
                <button type="submit" class="link-button">{t.sign_in_email_resend}</button>
            </form>
            " · "
            <a href=back>{t.sign_in_email_other_address}</a>
        </section>
    }
}
