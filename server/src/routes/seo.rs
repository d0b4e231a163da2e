//! `robots.txt` and `sitemap.xml` (every page in every language, with hreflang alternates).

use std::fmt::Write as _;

use app::i18n::Locale;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::startup::ServerState;

pub async fn robots_txt(State(state): State<ServerState>) -> impl IntoResponse {
    let base = &state.app.base_url;
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("User-agent: *\nAllow: /\nDisallow: /sf/\n\nSitemap: {base}/sitemap.xml\n"),
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One `<url>` per page and language, each listing all languages plus `x-default`.
pub fn sitemap(base: &str, pages: &[(String, Option<chrono::DateTime<chrono::Utc>>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (path, updated) in pages {
        for locale in Locale::ALL {
            let loc = xml_escape(&format!("{base}{}", app::paths::localized(locale, path)));
            let _ = writeln!(xml, "  <url>\n    <loc>{loc}</loc>");
            if let Some(updated) = updated {
                let _ = writeln!(xml, "    <lastmod>{}</lastmod>", updated.format("%Y-%m-%d"));
            }
            for alt in Locale::ALL {
                let href = xml_escape(&format!("{base}{}", app::paths::localized(alt, path)));
                let _ = writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{href}\"/>",
                    alt.tag()
                );
            }
            let x_default = xml_escape(&format!(
                "{base}{}",
                app::paths::localized(Locale::DEFAULT, path)
            ));
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{x_default}\"/>\n  </url>"
            );
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

pub async fn sitemap_xml(State(state): State<ServerState>) -> Response {
    let entries = match domain::catalog::repo::sitemap_entries(&state.app.db).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the sitemap");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the sitemap is unavailable, try again shortly",
            )
                .into_response();
        }
    };
    let mut pages: Vec<(String, Option<chrono::DateTime<chrono::Utc>>)> =
        vec![(String::new(), None), ("/products".to_owned(), None)];
    pages.extend(entries.into_iter().map(|e| (e.path, Some(e.updated_at))));
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        sitemap(&state.app.base_url, &pages),
    )
        .into_response()
}
