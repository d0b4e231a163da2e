//! The built site's static files — `pkg/` (CSS, JS, wasm), `images/`, `favicon.svg` — read
//! into memory once at start, with the brotli and gzip twins the build wrote beside them
//! (`cargo leptos build --precompress`), and the islands' texts per locale (`/texts/…`,
//! `app::i18n::texts_file`, compressed here once). A request is a map lookup and a reference-counted
//! body: no file system call, no compression, no blocking thread per request. The site is a
//! few megabytes and changes only with a new build (which restarts the server).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use sha2::{Digest, Sha256};

use crate::http_layers::static_policy;

/// Files bigger than this are not part of a site we build; they are left out (and logged).
const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// One file and its precompressed forms.
#[derive(Debug)]
struct StaticFile {
    content_type: HeaderValue,
    cache_control: Option<HeaderValue>,
    etag: HeaderValue,
    identity: Bytes,
    br: Option<Bytes>,
    gzip: Option<Bytes>,
}

/// Every static file of the site, by URL path.
#[derive(Debug, Default)]
pub struct StaticFiles {
    files: HashMap<String, StaticFile>,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn read_tree(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            read_tree(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// A strong validator from the content.
fn etag_of(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

impl StaticFiles {
    /// Reads `pkg/`, `images/`, `vendor/` (Leaflet and the land layer, copied from npm
    /// packages at build time) and `favicon.svg` under `site_root`; missing parts are skipped
    /// (start-up warns when the site was not built).
    pub fn load(site_root: &Path) -> std::io::Result<Self> {
        let mut paths = Vec::new();
        for dir in ["pkg", "images", "vendor"] {
            let dir = site_root.join(dir);
            if dir.is_dir() {
                read_tree(&dir, &mut paths)?;
            }
        }
        if site_root.join("favicon.svg").is_file() {
            paths.push(site_root.join("favicon.svg"));
        }
        let mut files = HashMap::new();
        for path in &paths {
            let name = path.to_string_lossy();
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            if std::fs::metadata(path)?.len() > MAX_FILE_BYTES {
                tracing::warn!(file = %path.display(), "static file too large to serve; left out");
                continue;
            }
            let Ok(relative) = path.strip_prefix(site_root) else {
                continue;
            };
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            let identity = Bytes::from(std::fs::read(path)?);
            let twin = |ext: &str| -> std::io::Result<Option<Bytes>> {
                let twin = PathBuf::from(format!("{name}.{ext}"));
                Ok(if twin.is_file() {
                    Some(Bytes::from(std::fs::read(twin)?))
                } else {
                    None
                })
            };
            // A compressed twin is kept only when it is smaller (images often are not).
            let smaller = |b: Option<Bytes>| b.filter(|b| b.len() < identity.len());
            let br = smaller(twin("br")?);
            let gzip = smaller(twin("gz")?);
            let etag = etag_of(&identity);
            files.insert(
                url.clone(),
                StaticFile {
                    content_type: HeaderValue::from_static(content_type(&url)),
                    cache_control: static_policy(&url).map(HeaderValue::from_static),
                    etag,
                    identity,
                    br,
                    gzip,
                },
            );
        }
        for locale in app::i18n::Locale::ALL {
            let (url, json) = app::i18n::texts_file(locale);
            let identity = Bytes::from(json.clone());
            files.insert(
                url.clone(),
                StaticFile {
                    content_type: HeaderValue::from_static("application/json"),
                    cache_control: static_policy(url).map(HeaderValue::from_static),
                    etag: etag_of(&identity),
                    br: Some(crate::page_cache::brotli(&identity)?),
                    gzip: Some(crate::page_cache::gzip(&identity)?),
                    identity,
                },
            );
        }
        Ok(Self { files })
    }

    /// How many files are held.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is held (the site was not built).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn respond(&self, method: &Method, path: &str, headers: &HeaderMap) -> Response {
        let Some(file) = self.files.get(path) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let mut out = HeaderMap::with_capacity(6);
        out.insert(header::CONTENT_TYPE, file.content_type.clone());
        out.insert(header::ETAG, file.etag.clone());
        if let Some(policy) = &file.cache_control {
            out.insert(header::CACHE_CONTROL, policy.clone());
        }
        if file.br.is_some() || file.gzip.is_some() {
            out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        let not_modified = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == file.etag)
            });
        if not_modified {
            let mut res = StatusCode::NOT_MODIFIED.into_response();
            res.headers_mut().extend(out);
            return res;
        }
        let body = match crate::page_cache::accepted_coding(headers) {
            crate::page_cache::Coding::Br if file.br.is_some() => {
                out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                file.br.clone()
            }
            crate::page_cache::Coding::Br | crate::page_cache::Coding::Gzip
                if file.gzip.is_some() =>
            {
                out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                file.gzip.clone()
            }
            _ => None,
        }
        .unwrap_or_else(|| file.identity.clone());
        let mut res = if *method == Method::HEAD {
            out.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(body))
        };
        *res.headers_mut() = out;
        res
    }
}

/// The handler for every static path.
pub async fn serve(State(files): State<Arc<StaticFiles>>, req: Request) -> Response {
    files.respond(req.method(), req.uri().path(), req.headers())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, StaticFiles) {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(dir.path().join("images/products")).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        let css = "body{color:red}".repeat(50);
        std::fs::write(pkg.join("portfront.EZmIpKiJfDT_jBROthoxQg.css"), &css).unwrap();
        std::fs::write(pkg.join("portfront.EZmIpKiJfDT_jBROthoxQg.css.br"), b"tiny").unwrap();
        std::fs::write(dir.path().join("images/products/a.jpg"), b"jpeg").unwrap();
        std::fs::write(
            dir.path().join("images/products/a.jpg.br"),
            b"bigger than it",
        )
        .unwrap();
        let files = StaticFiles::load(dir.path()).unwrap();
        (dir, files)
    }

    fn get(files: &StaticFiles, path: &str, headers: &[(header::HeaderName, &str)]) -> Response {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        files.respond(&Method::GET, path, &h)
    }

    #[test]
    fn files_are_served_with_type_policy_and_the_best_accepted_twin() {
        let (_dir, files) = site();
        let texts = app::i18n::Locale::ALL.len();
        assert_eq!(files.len(), 2 + texts, "twins are not files of their own");
        let css = "/pkg/portfront.EZmIpKiJfDT_jBROthoxQg.css";
        let plain = get(&files, css, &[]);
        assert_eq!(plain.status(), StatusCode::OK);
        assert_eq!(
            plain.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        assert_eq!(
            plain.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let br = get(&files, css, &[(header::ACCEPT_ENCODING, "gzip, br")]);
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(br.headers()[header::VARY], "accept-encoding");
        // A twin that is not smaller is never sent.
        let jpg = get(
            &files,
            "/images/products/a.jpg",
            &[(header::ACCEPT_ENCODING, "br")],
        );
        assert!(jpg.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            jpg.headers()[header::CACHE_CONTROL],
            "public, max-age=86400"
        );
    }

    #[test]
    fn every_locale_has_a_texts_file_cached_for_a_year() {
        let (_dir, files) = site();
        for locale in app::i18n::Locale::ALL {
            let (url, json) = app::i18n::texts_file(locale);
            let res = get(&files, url, &[]);
            assert_eq!(res.status(), StatusCode::OK, "{url}");
            assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
            assert_eq!(
                res.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
            let texts: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(json).expect("the texts are JSON");
            assert_eq!(
                texts.get("qty_label").and_then(|v| v.as_str()),
                Some(locale.messages().qty_label)
            );
        }
    }

    #[test]
    fn a_known_etag_is_answered_304_and_unknown_paths_404() {
        let (_dir, files) = site();
        let first = get(&files, "/images/products/a.jpg", &[]);
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        let again = get(
            &files,
            "/images/products/a.jpg",
            &[(header::IF_NONE_MATCH, &etag)],
        );
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            get(&files, "/images/products/none.jpg", &[]).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get(&files, "/images/../pkg", &[]).status(),
            StatusCode::NOT_FOUND
        );
    }
}
