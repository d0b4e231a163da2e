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
