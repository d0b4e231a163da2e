//! The Content-Security-Policy of rendered pages (server only). The islands loader is allowed
//! by its SHA-256 (it is the same text on every page of a build), so a page needs no nonce in
//! its body; the per-response nonce covers the inline scripts Leptos itself writes (resource
//! data of islands on signed-in pages). WebAssembly and OpenStreetMap tiles are allowed;
//! nothing may frame us.

use std::sync::OnceLock;

use base64::Engine;
use leptos::prelude::*;
use sha2::{Digest, Sha256};

/// The two scripts Leptos writes into every page, as they read when the page has no island
/// data to hand over. They are allowed by hash too, so a cached page can drop their nonce.
pub const EMPTY_PAGE_SCRIPTS: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// `'sha256-…'` sources for [`EMPTY_PAGE_SCRIPTS`].
fn empty_page_script_sources() -> &'static str {
    static SOURCES: OnceLock<String> = OnceLock::new();
    SOURCES.get_or_init(|| {
        EMPTY_PAGE_SCRIPTS
            .iter()
            .map(|s| format!("'sha256-{}'", sha256_base64(s)))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Base64 SHA-256 of a script's text, as CSP hash sources spell it.
pub fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text))
}

/// The policy for a page whose loader has hash `loader_sha256` (base64) and whose other
/// inline scripts carry `nonce`.
pub fn page_csp(nonce: &str, loader_sha256: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'sha256-{loader_sha256}' {empty} \
         'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: \
         https://tile.openstreetmap.org https://*.tile.openstreetmap.org; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'",
        empty = empty_page_script_sources()
    )
}

/// Puts the page policy on the response being rendered, when a nonce was provided.
pub fn set_page_csp(options: &LeptosOptions) {
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(value) = http::HeaderValue::from_str(&page_csp(
        &nonce.to_string(),
        &crate::assets::Loader::get(options).sha256,
    )) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_csp_allows_the_loader_the_nonce_wasm_and_map_tiles_but_no_framing() {
        let csp = page_csp("abc", "LOADERHASH=");
        assert!(csp.contains("'sha256-LOADERHASH='"));
        // The hash of "__INCOMPLETE_CHUNKS=[];", as `openssl dgst -sha256 -binary | base64` says.
        assert!(csp.contains("'sha256-PEoA+SZ6ZbFCusLsUEMftpXvTp6Abhw9kvgQnCC8l3U='"));
        assert!(csp.contains("'nonce-abc'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("tile.openstreetmap.org"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(
            !csp.contains(" 'unsafe-eval'"),
            "only wasm compilation is allowed: {csp}"
        );
    }
}
