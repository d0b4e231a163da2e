//! A short-lived cache of rendered storefront pages for anonymous visitors ("micro-caching").
//!
//! A catalog page is the same for every visitor who is not signed in, except for its CSP nonce.
//! The first request renders it; for the next `PORTFRONT_CATALOG_CACHE_SECONDS` the stored
//! page is served with a fresh nonce spliced into the body and the policy. Only `GET` of a
//! locale-prefixed page, without `Authorization` or a session cookie, answered `200 text/html`
//! without `Set-Cookie`, is stored. Catalog writes must call [`PageCache::invalidate_all`]
//! together with the catalog read cache.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

/// The largest page kept.
const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// The most pages kept (listing URLs with queries are bounded by this).
const MAX_PAGES: u64 = 4096;
/// Cookie names that mark a signed-in browser: such requests are never served from the cache.
const SESSION_COOKIES: [&str; 2] = ["pf_session", "__Host-pf_session"];

/// A stored page: the body and the CSP split where the nonce was.
struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<Bytes>,
    csp: Vec<String>,
}

impl CachedPage {
    fn response(&self) -> Response {
        let nonce = URL_SAFE_NO_PAD.encode(domain::auth::secret::random_bytes::<16>());
        let mut body = Vec::with_capacity(self.body.iter().map(Bytes::len).sum::<usize>() + 64);
        for (i, part) in self.body.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(part);
        }
        let mut res = Response::new(Body::from(body));
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers.clone();
        if let Ok(csp) = HeaderValue::from_str(&self.csp.join(&nonce)) {
            res.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        res
    }
}

/// The page cache; cheap to clone.
#[derive(Clone)]
pub struct PageCache {
    pages: Option<moka::future::Cache<String, Arc<CachedPage>>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("enabled", &self.pages.is_some())
            .finish()
    }
}

impl PageCache {
    /// A cache keeping pages for `ttl` (zero turns it off).
    pub fn new(ttl: Duration) -> Self {
        Self {
            pages: (!ttl.is_zero()).then(|| {
                moka::future::Cache::builder()
                    .max_capacity(MAX_PAGES)
                    .time_to_live(ttl)
                    .build()
            }),
        }
    }

    /// Drops every stored page (after a catalog write).
    pub fn invalidate_all(&self) {
        if let Some(pages) = &self.pages {
            pages.invalidate_all();
        }
    }
}

fn cacheable_request(req: &Request) -> Option<String> {
    if req.method() != Method::GET || req.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let signed_in = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| SESSION_COOKIES.iter().any(|name| v.contains(name)));
    if signed_in {
        return None;
    }
    let uri = req.uri();
    let first = uri.path().trim_start_matches('/').split('/').next()?;
    app::i18n::Locale::from_tag(first)?;
    Some(uri.path_and_query()?.as_str().to_owned())
}

fn nonce_of(csp: &str) -> Option<&str> {
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let len = csp[start..].find('\'')?;
    Some(&csp[start..start + len]).filter(|n| n.len() >= 16)
}

fn split_on(haystack: &[u8], needle: &[u8]) -> Vec<Bytes> {
    let mut parts = Vec::new();
    let mut rest = haystack;
    while let Some(i) = rest.windows(needle.len()).position(|w| w == needle) {
        parts.push(Bytes::copy_from_slice(&rest[..i]));
        rest = &rest[i + needle.len()..];
    }
    parts.push(Bytes::copy_from_slice(rest));
    parts
}

/// The middleware: serve from the cache, or render and keep the page when it qualifies.
pub async fn serve(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let (Some(pages), Some(key)) = (cache.pages.as_ref(), cacheable_request(&req)) else {
        return next.run(req).await;
    };
    if let Some(page) = pages.get(&key).await {
        return page.response();
    }
    let res = next.run(req).await;
    let storable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    let nonce = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of)
        .map(str::to_owned);
    let (true, Some(nonce)) = (storable, nonce) else {
        return res;
    };
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "page too large or broken; not cached");
            let mut res = Response::from_parts(parts, Body::empty());
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return res;
        }
    };
    let csp = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(nonce.as_str())
        .map(str::to_owned)
        .collect();
    let mut headers = parts.headers.clone();
    headers.remove(header::CONTENT_SECURITY_POLICY);
    headers.remove(header::CONTENT_LENGTH);
    let page = Arc::new(CachedPage {
        status: parts.status,
        headers,
        body: split_on(&bytes, nonce.as_bytes()),
        csp,
    });
    pages.insert(key, page).await;
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_found_in_the_policy() {
        let csp =
            "default-src 'self'; script-src 'self' 'nonce-AbCdEfGhIjKlMnOpQrSt' 'wasm-unsafe-eval'";
        assert_eq!(nonce_of(csp), Some("AbCdEfGhIjKlMnOpQrSt"));
        assert_eq!(nonce_of("default-src 'self'"), None);
        assert_eq!(nonce_of("script-src 'nonce-short'"), None);
    }

    #[test]
    fn bodies_split_around_every_nonce() {
        let parts = split_on(b"a NONCE b NONCE c", b"NONCE");
        assert_eq!(
            parts,
            vec![Bytes::from("a "), Bytes::from(" b "), Bytes::from(" c")]
        );
        assert_eq!(split_on(b"none", b"NONCE"), vec![Bytes::from("none")]);
    }
}
