//! The page frame under a locale prefix: header with search and language switcher, main
//! content, footer. Unknown locale prefixes are 404s.

use leptos::prelude::*;
use leptos::server::SharedValue;
use leptos_meta::Html;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_params_map;

use crate::components::locale_switcher::LocaleSwitcher;
use crate::components::not_found::NotFound;
use crate::i18n::{Locale, fill};
use crate::paths;

/// Site-wide facts the header and footer show, sent once from the server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SiteInfo {
    pub name: String,
    /// Public origin without a trailing slash, for absolute URLs (structured data).
    pub base_url: String,
}

fn site_info() -> SiteInfo {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>()
            .map(|s| SiteInfo {
                name: s.site_name.to_string(),
                base_url: s.base_url.to_string(),
            })
            .unwrap_or(SiteInfo {
                name: String::new(),
                base_url: String::new(),
            })
    }
    #[cfg(not(feature = "ssr"))]
    {
        SiteInfo {
            name: String::new(),
            base_url: String::new(),
        }
    }
}

/// Validates the `:locale` segment, provides the locale to the pages and frames them.
#[component]
pub fn LocaleLayout() -> impl IntoView {
    let params = use_params_map();
    let site = SharedValue::new(site_info).into_inner();
    // Only a change of locale re-renders the frame, not every navigation.
    let tag = Memo::new(move |_| params.read().get("locale").unwrap_or_default());
    move || {
        let tag = tag.get();
        match Locale::from_tag(&tag) {
            Some(locale) if locale.tag() == tag => {
                provide_context(locale);
                provide_context(site.clone());
                let site = site.clone();
                view! {
                    <Html {..} lang=locale.tag() dir="ltr" />
                    <SiteHeader locale site_name=site.name.clone() />
                    <main id="main" tabindex="-1">
                        <Outlet />
                    </main>
                    <SiteFooter locale site_name=site.name />
                }
                .into_any()
            }
            _ => view! { <NotFound /> }.into_any(),
        }
    }
}

#[component]
fn SiteHeader(locale: Locale, site_name: String) -> impl IntoView {
    let t = locale.messages();
    view! {
        <a class="skip-link" href="#main">{t.skip_to_content}</a>
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href=paths::home(locale) aria-label=fill(t.brand_home_label, &[("name", &site_name)])>
                    <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                        <path d="M4 22h24l-4 6H8z" fill="currentColor" />
                        <path d="M9 20V9h6v11M17 20V4h6v16" fill="none" stroke="currentColor" stroke-width="2.5" />
                    </svg>
                    <span class="brand-name">{site_name.clone()}</span>
                </a>
                <nav class="main-nav" aria-label=t.nav_label>
                    <a href=paths::home(locale)>{t.nav_home}</a>
                    <a href=paths::products(locale)>{t.nav_catalog}</a>
                </nav>
                <form class="header-search" method="get" action=paths::products(locale) role="search">
                    <label class="visually-hidden" for="header-q">{t.search_label}</label>
                    <input id="header-q" type="search" name="q" maxlength="100" placeholder=t.search_placeholder autocomplete="off" />
                    <button type="submit" aria-label=t.search_button>
                        <svg viewBox="0 0 24 24" aria-hidden="true" width="18" height="18">
                            <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" stroke-width="2" />
                            <path d="M16.5 16.5L21 21" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                        </svg>
                    </button>
                </form>
                <LocaleSwitcher locale />
                <crate::account::UserMenu locale />
            </div>
        </header>
    }
}

#[component]
fn SiteFooter(locale: Locale, site_name: String) -> impl IntoView {
    let t = locale.messages();
    view! {
        <footer class="site-footer">
            <div class="container footer-grid">
                <div>
                    <p class="footer-brand">{site_name}</p>
                    <p class="muted">{t.footer_tagline}</p>
                </div>
                <nav aria-label=t.footer_nav_label>
                    <ul class="plain">
                        <li><a href=paths::products(locale)>{t.nav_catalog}</a></li>
                        <li><a href="/sitemap.xml" rel="external">{t.footer_sitemap}</a></li>
                    </ul>
                </nav>
                <div>
                    <p class="muted small">{t.footer_prices_note}</p>
                    <p class="muted small">{t.footer_origin_note}</p>
                </div>
            </div>
        </footer>
    }
}
