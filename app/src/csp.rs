//! The Content-Security-Policy of rendered pages (server only): scripts run only with the
//! per-response nonce; WebAssembly and OpenStreetMap tiles are allowed; nothing may frame us.

use leptos::prelude::*;

/// The policy for a page whose inline scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https://tile.openstreetmap.org \
         https://*.tile.openstreetmap.org; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts the page policy on the response being rendered, when a nonce was provided.
pub fn set_page_csp() {
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(value) = http::HeaderValue::from_str(&page_csp(&nonce.to_string()))
    {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_csp_allows_the_nonce_wasm_and_map_tiles_but_no_framing() {
        let csp = page_csp("abc");
        assert!(csp.contains("'nonce-abc'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("tile.openstreetmap.org"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
