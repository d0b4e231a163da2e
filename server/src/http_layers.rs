//! The middleware every response passes through: tracing, compression, security headers and
//! the default Content-Security-Policy (pages set their own; the body limit is set per router in
//! `startup`, the message form having its own); and the cache policy
//! of static files (`static_files` applies it).

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

/// For responses that are not pages (JSON, files): nothing may run, nothing may frame them.
const DEFAULT_CSP: &str =
    "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'";

/// Strict-Transport-Security for a site served over TLS.
pub(crate) const HSTS: &str = "max-age=31536000; includeSubDomains";

/// One year: hashed file names change whenever their content does.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const ONE_DAY: &str = "public, max-age=86400";

/// How long browsers may keep a static file at `path` (pages decide for themselves).
pub(crate) fn static_policy(path: &str) -> Option<&'static str> {
    if (path.starts_with("/pkg/") || path.starts_with("/texts/")) && is_hashed_asset(path) {
        Some(IMMUTABLE)
    } else if path.starts_with("/pkg/")
        || path.starts_with("/images/")
        || path.starts_with("/vendor/")
        || path == "/favicon.svg"
    {
        Some(ONE_DAY)
    } else {
        None
    }
}

/// Paths never end with `/` (except the root): `/en/products/` answers 308 → `/en/products`,
/// so every page has one URL. The target is always a path on this site: leading slashes and
/// backslashes collapse to one `/` (`//evil.example/` → `/evil.example`, never the
/// protocol-relative `//evil.example`), and a target `safe_next` refuses is not redirected.
async fn strip_trailing_slash(req: Request<Body>, next: Next) -> Response {
    if let Some(target) = canonical_target(req.uri()) {
        return Redirect::permanent(&target).into_response();
    }
    next.run(req).await
}

/// Where a path ending in `/` is sent, or `None` when it stays as it is.
fn canonical_target(uri: &axum::http::Uri) -> Option<String> {
    let path = uri.path();
    if path.len() <= 1 || !path.ends_with('/') {
        return None;
    }
    let mut target = String::with_capacity(path.len() + uri.query().map_or(0, |q| q.len() + 1));
    target.push('/');
    target.push_str(path.trim_start_matches(['/', '\\']).trim_end_matches('/'));
    if let Some(q) = uri.query() {
        target.push('?');
        target.push_str(q);
    }
    domain::auth::redirect::safe_next(&target)
}

/// `portfront.EZmIpKiJfDT_jBROthoxQg.css` style names: cargo-leptos puts a content hash
/// (URL-safe base64, 22 characters) between the stem and the extension.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() >= 16
        && hash
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Wraps the router in the layer stack (the last added runs first).
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>, config: &Config) -> Router<S> {
    let hsts = config.behind_tls().then(|| HeaderValue::from_static(HSTS));
    router
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            hsts,
        ))
        .layer(middleware::from_fn(strip_trailing_slash))
        .layer(CompressionLayer::new().br(true).gzip(true))
        // The span names the path only: query strings can carry one-time secrets (the
        // OpenID callback's `code` and `state`), which never belong in logs.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slash_redirects_stay_on_this_site() {
        let target = |uri: &str| canonical_target(&uri.parse().unwrap());
        assert_eq!(target("/en/products/").as_deref(), Some("/en/products"));
        assert_eq!(
            target("/en/products/?q=oak").as_deref(),
            Some("/en/products?q=oak")
        );
        assert_eq!(target("/vi///").as_deref(), Some("/vi"));
        assert_eq!(target("//evil.example/").as_deref(), Some("/evil.example"));
        assert_eq!(
            target("///evil.example//").as_deref(),
            Some("/evil.example")
        );
        assert_eq!(
            target("/%2F%2Fevil.example/").as_deref(),
            Some("/%2F%2Fevil.example")
        );
        assert_eq!(
            target("/%5Cevil.example/").as_deref(),
            Some("/%5Cevil.example")
        );
        assert_eq!(target("//").as_deref(), Some("/"));
        assert_eq!(target("/en/products"), None);
        assert_eq!(target("/"), None);
    }

    #[test]
    fn recognises_hashed_asset_names() {
        assert!(is_hashed_asset("/pkg/portfront.EZmIpKiJfDT_jBROthoxQg.css"));
        assert!(is_hashed_asset(
            "/pkg/portfront.o4I_4vK14QjYpuESk57pBw.wasm"
        ));
        assert!(!is_hashed_asset("/pkg/portfront.js"));
        assert!(!is_hashed_asset("/pkg/portfront_bg.wasm"));
    }
}
