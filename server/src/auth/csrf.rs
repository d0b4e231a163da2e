//! The origin check of CSRF protection: a state-changing request (anything but GET, HEAD,
//! OPTIONS) from a browser must carry an `Origin` (or, failing that, a `Referer`) of this
//! site. Machine endpoints that authenticate every call themselves are exempt. The second
//! half — the per-session token — is checked by the forms' handlers (`app::session`).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode, header};

use crate::startup::ServerState;

/// Paths whose callers authenticate each request (HTTP Basic, bearer tokens, HMAC).
fn exempt(path: &str) -> bool {
    path == "/oauth/token" || path.starts_with("/api/") || path.starts_with("/webhooks/")
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..scheme.len() + 3 + end])
}

/// Whether `origin` is this site: the configured public origin, or the origin the request
/// was addressed to (`Host`), which a cross-site page cannot choose.
pub fn same_site(origin: &str, base_url: &str, host: Option<&str>) -> bool {
    if origin_of(base_url) == Some(origin) {
        return true;
    }
    let Some(host) = host else { return false };
    let scheme = if base_url.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    origin == format!("{scheme}://{host}")
}

pub async fn check_origin(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || exempt(req.uri().path())
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let base = &state.app.base_url;
    let ok = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => same_site(origin, base, host),
        None => headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(origin_of)
            .is_some_and(|o| same_site(o, base, host)),
    };
    if ok {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "refused a state-changing request from another origin");
    (
        StatusCode::FORBIDDEN,
        [(header::CACHE_CONTROL, "no-store")],
        "This request came from another site or did not say where it came from, so it was refused to protect your account. Go back, reload the page and send the form again.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_compared_exactly() {
        let base = "https://shop.example.com";
        assert!(same_site("https://shop.example.com", base, None));
        assert!(!same_site("https://shop.example.com.evil.io", base, None));
        assert!(!same_site("http://shop.example.com", base, None));
        assert!(!same_site("null", base, None));
        assert!(same_site(
            "https://10.0.0.5:8443",
            base,
            Some("10.0.0.5:8443")
        ));
        assert!(!same_site(
            "https://evil.io",
            base,
            Some("shop.example.com")
        ));
        assert_eq!(
            origin_of("http://127.0.0.1:3000/en/admin?x=1"),
            Some("http://127.0.0.1:3000")
        );
        assert!(exempt("/oauth/token") && exempt("/api/v1/products"));
        assert!(!exempt("/sf/act/admin_set_role") && !exempt("/auth/password"));
    }
}
