//! `/`: sends the visitor to the home page in the best language for their browser.

use app::i18n::Locale;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect};

pub async fn redirect_to_locale(headers: HeaderMap) -> impl IntoResponse {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let locale = Locale::negotiate(accept);
    (
        [(header::VARY, "Accept-Language")],
        Redirect::to(&app::paths::home(locale)),
    )
}

/// `/admin`: the admin panel in the browser's language.
pub async fn redirect_admin(headers: HeaderMap) -> impl IntoResponse {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (
        [(header::VARY, "Accept-Language")],
        Redirect::to(&app::paths::admin(Locale::negotiate(accept))),
    )
}
