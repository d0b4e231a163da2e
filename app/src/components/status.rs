//! Setting the HTTP status of a server-rendered page, and the panels that explain errors.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{fill, use_i18n, use_locale};

/// Sets the response status when rendering on the server; does nothing in the browser.
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(code)
    {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// A panel shown while a page's data loads (client-side navigation).
#[component]
pub fn Loading() -> impl IntoView {
    let t = use_i18n();
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {t.loading}
        </div>
    }
}

/// Explains a failed page load with a status code and a way forward.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let (code, title, detail) = match &error {
        AppError::NotFound => {
            return view! { <crate::components::not_found::NotFound /> }.into_any();
        }
        AppError::BadFilter(f) => (
            400,
            t.error_bad_request_title,
            crate::catalog::trade_labels::filter_error(t, *f),
        ),
        AppError::BadRequest(msg) => (400, t.error_bad_request_title, msg.clone()),
        AppError::Fields(list) => (
            400,
            t.error_bad_request_title,
            list.iter()
                .map(|e| crate::components::form::error_text(t, e))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        AppError::Conflict(msg) => (409, t.error_conflict_title, msg.clone()),
        AppError::NotSignedIn => {
            return view! { <SignInNeeded /> }.into_any();
        }
        AppError::Forbidden => (
            403,
            t.error_forbidden_title,
            t.error_forbidden_body.to_owned(),
        ),
        AppError::CsrfFailed => (403, t.error_forbidden_title, t.error_csrf_body.to_owned()),
        AppError::RecentAuthRequired => (
            403,
            t.error_forbidden_title,
            t.recent_auth_needed.to_owned(),
        ),
        AppError::TwoFactorRequired => (
            403,
            t.error_forbidden_title,
            t.two_factor_required_body.to_owned(),
        ),
        AppError::Internal | AppError::Call(_) => (
            500,
            t.error_internal_title,
            t.error_internal_body.to_owned(),
        ),
    };
    set_http_status(code);
    view! {
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-code">{code}</p>
            <h1 id="status-title">{title}</h1>
            <p class="status-detail">{detail}</p>
            <p>
                <a class="button" href=crate::paths::products(locale)>{t.action_back_to_catalog}</a>
            </p>
            <p class="muted small">{fill(t.error_status_hint, &[("code", &code)])}</p>
        </section>
    }
    .into_any()
}

/// "Sign in to see this page" (401), with a link that comes back here afterwards.
#[component]
pub fn SignInNeeded() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    set_http_status(401);
    let here = leptos_router::hooks::use_location();
    let next = format!(
        "{}{}",
        here.pathname.get_untracked(),
        here.search
            .get_untracked()
            .is_empty()
            .then(String::new)
            .unwrap_or_else(|| format!("?{}", here.search.get_untracked()))
    );
    let href = crate::paths::with_query(&crate::paths::sign_in(locale), &[("next", Some(next))]);
    view! {
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-code">"401"</p>
            <h1 id="status-title">{t.sign_in_needed_title}</h1>
            <p class="status-detail">{t.sign_in_needed_body}</p>
            <p><a class="button" href=href>{t.sign_in_title}</a></p>
        </section>
    }
}
