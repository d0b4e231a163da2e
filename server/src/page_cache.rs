//! A short-lived cache of rendered storefront pages for anonymous visitors ("micro-caching").
//!
//! A catalog page is the same for every visitor who is not signed in. The first request renders
//! it; for the next `PORTFRONT_CATALOG_CACHE_SECONDS` the stored page is served as it is. Pages
//! carry no nonce in their body (the islands loader is allowed by its hash, see `app::csp`), so
//! a stored page is kept ready to send — identity, brotli and gzip bodies made once — and its
//! policy loses the `'nonce-…'` source no script of the page uses (a nonce sent twice would be
//! no nonce at all). A page that does carry the nonce in its body (inline scripts Leptos writes
//! for islands with data) is stored split around it and gets a fresh one per response.
//!
//! Only `GET` of a locale-prefixed page, without `Authorization` or a session cookie, answered
//! `200 text/html` without `Set-Cookie`, is stored. The key is the path and the query
//! parameters that change a page (`app::paths::PAGE_QUERY_PARAMS`), so `?utm_source=…` does
//! not make a new entry; the cache is bounded by the bytes it holds. Catalog writes must call
//! [`PageCache::invalidate_all`] together with the catalog read cache.

use std::io::Write;
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
/// The most bytes kept (all three codings of every page, with their keys and headers).
const MAX_CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// Brotli quality for stored pages: made once per page and TTL, but while a visitor waits.
const BROTLI_QUALITY: u32 = 9;

/// A stored page.
struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    body: StoredBody,
}

enum StoredBody {
    /// No nonce in the body: ready-made bodies, and the policy without a nonce.
    Ready {
        identity: Bytes,
        br: Bytes,
        gzip: Bytes,
        csp: HeaderValue,
    },
    /// The body and the policy split where the nonce was.
    Spliced { body: Vec<Bytes>, csp: Vec<String> },
}

/// The content coding a request accepts best (brotli, then gzip, then none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    Br,
    Gzip,
    Identity,
}

pub(crate) fn accepted_coding(headers: &HeaderMap) -> Coding {
    let mut gzip = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut bits = item.split(';');
            let name = bits.next().unwrap_or_default().trim();
            let refused = bits.any(|b| {
                b.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if refused {
                continue;
            }
            if name.eq_ignore_ascii_case("br") {
                return Coding::Br;
            }
            gzip |= name.eq_ignore_ascii_case("gzip");
        }
    }
    if gzip { Coding::Gzip } else { Coding::Identity }
}

impl CachedPage {
    /// What this page costs the cache, in bytes (the weigher's unit).
    fn weight(&self, key: &str) -> u32 {
        let body = match &self.body {
            StoredBody::Ready {
                identity, br, gzip, ..
            } => identity.len() + br.len() + gzip.len(),
            StoredBody::Spliced { body, csp } => {
                body.iter().map(Bytes::len).sum::<usize>()
                    + csp.iter().map(String::len).sum::<usize>()
            }
        };
        let headers: usize = self
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum();
        u32::try_from(key.len() + body + headers + 256).unwrap_or(u32::MAX)
    }

    fn response(&self, request_headers: &HeaderMap) -> Response {
        let mut headers = self.headers.clone();
        let body = match &self.body {
            StoredBody::Ready {
                identity,
                br,
                gzip,
                csp,
            } => {
                headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
                headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                let (coding, bytes) = match accepted_coding(request_headers) {
                    Coding::Br => (Some("br"), br),
                    Coding::Gzip => (Some("gzip"), gzip),
                    Coding::Identity => (None, identity),
                };
                if let Some(c) = coding {
                    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
                }
                Body::from(bytes.clone())
            }
            StoredBody::Spliced { body, csp } => {
                let nonce = URL_SAFE_NO_PAD.encode(domain::auth::secret::random_bytes::<16>());
                let mut out = Vec::with_capacity(body.iter().map(Bytes::len).sum::<usize>() + 64);
                for (i, part) in body.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(nonce.as_bytes());
                    }
                    out.extend_from_slice(part);
                }
                if let Ok(csp) = HeaderValue::from_str(&csp.join(&nonce)) {
                    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
                }
                Body::from(out)
            }
        };
        let mut res = Response::new(body);
        *res.status_mut() = self.status;
        *res.headers_mut() = headers;
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
                    .weigher(|key: &String, page: &Arc<CachedPage>| page.weight(key))
                    .max_capacity(MAX_CACHE_BYTES)
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
    if req.method() != Method::GET
        || req.headers().contains_key(header::AUTHORIZATION)
        || crate::auth::has_session_cookie(req.headers())
    {
        return None;
    }
    let uri = req.uri();
    if app::paths::is_personal_page(uri.path()) {
        return None;
    }
    let first = uri.path().trim_start_matches('/').split('/').next()?;
    app::i18n::Locale::from_tag(first)?;
    Some(cache_key(uri.path(), uri.query()))
}

/// The path and, in their order, the query parameters that change the page.
fn cache_key(path: &str, query: Option<&str>) -> String {
    let mut key = String::with_capacity(path.len() + query.map_or(0, |q| q.len() + 1));
    key.push_str(path);
    let mut first = true;
    for pair in query.unwrap_or_default().split('&') {
        let name = pair.split('=').next().unwrap_or_default();
        if !app::paths::PAGE_QUERY_PARAMS.contains(&name) {
            continue;
        }
        key.push(if first { '?' } else { '&' });
        key.push_str(pair);
        first = false;
    }
    key
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

/// The policy without its `'nonce-…'` source.
fn without_nonce(csp: &str, nonce: &str) -> String {
    csp.replace(&format!(" 'nonce-{nonce}'"), "")
        .replace(&format!("'nonce-{nonce}' "), "")
}

pub(crate) fn brotli(body: &[u8]) -> std::io::Result<Bytes> {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, 22);
        writer.write_all(body)?;
    }
    Ok(out.into())
}

pub(crate) fn gzip(body: &[u8]) -> std::io::Result<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(body)?;
    Ok(encoder.finish()?.into())
}

/// The page without the nonce on the scripts Leptos writes when there is no island data
/// (the policy allows those by hash, `app::csp::EMPTY_PAGE_SCRIPTS`).
fn without_empty_script_nonces(bytes: &Bytes, nonce: &str) -> Bytes {
    let mut page = bytes.to_vec();
    for script in app::csp::EMPTY_PAGE_SCRIPTS {
        let with = format!("<script nonce=\"{nonce}\">{script}</script>");
        let without = format!("<script>{script}</script>");
        if let Some(at) = page.windows(with.len()).position(|w| w == with.as_bytes()) {
            page.splice(at..at + with.len(), without.bytes());
        }
    }
    page.into()
}

/// What to keep of a rendered page whose policy had `nonce`.
fn stored_body(bytes: &Bytes, csp: &str, nonce: &str) -> Option<StoredBody> {
    let bytes = &without_empty_script_nonces(bytes, nonce);
    if bytes.windows(nonce.len()).any(|w| w == nonce.as_bytes()) {
        return Some(StoredBody::Spliced {
            body: split_on(bytes, nonce.as_bytes()),
            csp: csp.split(nonce).map(str::to_owned).collect(),
        });
    }
    let (br, gz) = match (brotli(bytes), gzip(bytes)) {
        (Ok(br), Ok(gz)) => (br, gz),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "cannot compress a page; not cached");
            return None;
        }
    };
    Some(StoredBody::Ready {
        identity: bytes.clone(),
        br,
        gzip: gz,
        csp: HeaderValue::from_str(&without_nonce(csp, nonce)).ok()?,
    })
}

/// The middleware: serve from the cache, or render and keep the page when it qualifies.
pub async fn serve(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let (Some(pages), Some(key)) = (cache.pages.as_ref(), cacheable_request(&req)) else {
        return next.run(req).await;
    };
    if let Some(page) = pages.get(&key).await {
        return page.response(req.headers());
    }
    let request_headers = req.headers().clone();
    let res = next.run(req).await;
    let storable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CONTENT_ENCODING)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    let csp = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let nonce = csp.as_deref().and_then(nonce_of).map(str::to_owned);
    let (true, Some(csp), Some(nonce)) = (storable, csp, nonce) else {
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
    let Some(body) = stored_body(&bytes, &csp, &nonce) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let mut headers = parts.headers.clone();
    headers.remove(header::CONTENT_SECURITY_POLICY);
    headers.remove(header::CONTENT_LENGTH);
    let page = Arc::new(CachedPage {
        status: parts.status,
        headers,
        body,
    });
    // This visitor gets the stored page too: the same answer as everyone after them.
    let res = page.response(&request_headers);
    pages.insert(key, page).await;
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tower::ServiceExt;

    /// A page handler that counts its renders, behind the page cache.
    fn counted_pages() -> (axum::Router, Arc<AtomicUsize>) {
        let renders = Arc::new(AtomicUsize::new(0));
        let counter = renders.clone();
        let router = axum::Router::new()
            .route(
                "/en/products",
                axum::routing::get(move || {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    async move {
                        (
                            [
                                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                                (
                                    header::CONTENT_SECURITY_POLICY,
                                    "script-src 'nonce-AbCdEfGhIjKlMnOpQrSt'".to_owned(),
                                ),
                            ],
                            format!("<p>render {n}</p>"),
                        )
                    }
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                PageCache::new(Duration::from_secs(60)),
                serve,
            ));
        (router, renders)
    }

    async fn fetch(router: &axum::Router, uri: &str, cookie: Option<&str>) -> String {
        let mut req = Request::get(uri);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let res = router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn unknown_parameters_share_an_entry_and_signed_in_requests_skip_the_cache() {
        let (router, renders) = counted_pages();
        assert_eq!(
            fetch(&router, "/en/products?utm_source=a", None).await,
            "<p>render 0</p>"
        );
        assert_eq!(
            fetch(&router, "/en/products?utm_source=b&fbclid=c", None).await,
            "<p>render 0</p>"
        );
        assert_eq!(
            fetch(&router, "/en/products", None).await,
            "<p>render 0</p>"
        );
        assert_eq!(renders.load(Ordering::SeqCst), 1);
        assert_eq!(
            fetch(&router, "/en/products?q=oak", None).await,
            "<p>render 1</p>"
        );
        assert_eq!(
            fetch(&router, "/en/products?q=oak&utm_source=a", None).await,
            "<p>render 1</p>"
        );
        // A session cookie (even an unknown one) is never answered from, nor stored in, the cache.
        let signed_in = Some("theme=dark; pf_session=abc");
        assert_eq!(
            fetch(&router, "/en/products", signed_in).await,
            "<p>render 2</p>"
        );
        assert_eq!(
            fetch(&router, "/en/products", signed_in).await,
            "<p>render 3</p>"
        );
        assert_eq!(
            fetch(&router, "/en/products", None).await,
            "<p>render 0</p>"
        );
        // A cookie whose value merely mentions the name is not a session.
        assert_eq!(
            fetch(&router, "/en/products", Some("note=pf_session")).await,
            "<p>render 0</p>"
        );
        assert_eq!(renders.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_page_weighs_what_it_stores() {
        let page = CachedPage {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: StoredBody::Ready {
                identity: Bytes::from(vec![b'a'; 10_000]),
                br: Bytes::from(vec![b'b'; 1_000]),
                gzip: Bytes::from(vec![b'c'; 2_000]),
                csp: HeaderValue::from_static("script-src 'self'"),
            },
        };
        let weight = page.weight("/en/products");
        assert!((13_000..14_000).contains(&weight), "{weight}");
    }

    #[test]
    fn only_parameters_that_change_the_page_make_a_new_entry() {
        assert_eq!(cache_key("/en/products", None), "/en/products");
        assert_eq!(
            cache_key(
                "/en/products",
                Some("utm_source=mail&q=oak&fbclid=1&page=2")
            ),
            "/en/products?q=oak&page=2"
        );
        assert_eq!(
            cache_key("/en/products", Some("utm_source=x")),
            "/en/products"
        );
        assert_eq!(
            cache_key("/en/products/p", Some("qty=500&qty=7")),
            "/en/products/p?qty=500&qty=7"
        );
        assert_ne!(
            cache_key("/en/products", Some("q=oak")),
            cache_key("/en/products", Some("q=teak"))
        );
        // A parameter is matched by its whole name, not a prefix.
        assert_eq!(
            cache_key("/en/products", Some("query=1&qq=2")),
            "/en/products"
        );
    }

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

    #[test]
    fn a_stored_policy_loses_the_nonce_no_script_uses() {
        let csp = "script-src 'self' 'sha256-abc' 'nonce-AbCdEfGhIjKlMnOpQrSt' 'wasm-unsafe-eval'";
        assert_eq!(
            without_nonce(csp, "AbCdEfGhIjKlMnOpQrSt"),
            "script-src 'self' 'sha256-abc' 'wasm-unsafe-eval'"
        );
    }

    #[test]
    fn the_best_accepted_coding_is_chosen() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            accepted_coding(&h)
        };
        assert_eq!(with("gzip, deflate, br, zstd"), Coding::Br);
        assert_eq!(with("gzip"), Coding::Gzip);
        assert_eq!(with("br;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(with("identity"), Coding::Identity);
        assert_eq!(accepted_coding(&HeaderMap::new()), Coding::Identity);
    }

    #[test]
    fn leptos_empty_scripts_lose_their_nonce_and_others_keep_it() {
        let nonce = "AbCdEfGhIjKlMnOpQrSt";
        let page = Bytes::from(format!(
            "<p>x</p><script nonce=\"{nonce}\">__INCOMPLETE_CHUNKS=[];</script><script nonce=\"{nonce}\">__RESOLVED_RESOURCES[0] = 1;</script>"
        ));
        let out = without_empty_script_nonces(&page, nonce);
        assert_eq!(
            out,
            Bytes::from(format!(
                "<p>x</p><script>__INCOMPLETE_CHUNKS=[];</script><script nonce=\"{nonce}\">__RESOLVED_RESOURCES[0] = 1;</script>"
            ))
        );
        // A script with data keeps the page on the per-response nonce.
        assert!(matches!(
            stored_body(&page, &format!("'nonce-{nonce}'"), nonce),
            Some(StoredBody::Spliced { .. })
        ));
    }

    #[test]
    fn stored_bodies_decompress_to_the_page() {
        let page = Bytes::from("<!DOCTYPE html><p>".repeat(200));
        let Some(StoredBody::Ready { br, gzip, .. }) =
            stored_body(&page, "x 'nonce-N'", "NOT-THERE")
        else {
            panic!("a page without the nonce is stored ready-made");
        };
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut out).unwrap();
        assert_eq!(out, page);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut out).unwrap();
        assert_eq!(out, page);
    }
}
