//! Portfront's UI, shared by server-side rendering and hydration: the document shell, the
//! routes, and the pages grouped by feature. Server functions are thin adapters over `domain`.

// Leptos view types nest deeply; the compiler needs room to lay them out.
#![recursion_limit = "512"]

pub mod account;
pub mod admin;
#[cfg(feature = "ssr")]
pub mod assets;
pub mod catalog;
pub mod certificates;
pub mod components;
#[cfg(feature = "ssr")]
pub mod csp;
pub mod error;
pub mod i18n;
pub mod mail;
pub mod notifications;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;
pub mod trade;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::LocaleLayout;
use crate::components::not_found::NotFound;

/// The HTML document around the app. Runs only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_page_csp(&options);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b3954" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {site_assets(options)}
                {seo_head()}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Stylesheet and hydration scripts (server only; the shell never runs in the browser).
fn site_assets(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        view! { <assets::SiteAssets options /> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = options;
    }
}

/// Canonical URL and hreflang alternates for the requested path (server-only head content).
fn seo_head() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let state = use_context::<state::AppState>();
        let parts = use_context::<http::request::Parts>();
        if let (Some(state), Some(parts)) = (state, parts) {
            let path = parts.uri.path().to_owned();
            if let Some((locale, rest)) = paths::split_locale(&path) {
                let base = state.base_url.clone();
                let alternates = i18n::Locale::ALL
                    .into_iter()
                    .map(|l| {
                        let href = format!("{base}{}", paths::localized(l, &rest));
                        view! { <link rel="alternate" hreflang=l.tag() href=href /> }
                    })
                    .collect_view();
                let canonical = format!("{base}{}", paths::localized(locale, &rest));
                let x_default = format!("{base}{}", paths::localized(i18n::Locale::DEFAULT, &rest));
                return Some(view! {
                    <link rel="canonical" href=canonical />
                    {alternates}
                    <link rel="alternate" hreflang="x-default" href=x_default />
                });
            }
        }
        None
    }
    #[cfg(not(feature = "ssr"))]
    {
        None::<()>
    }
}

/// The application: routes under a locale prefix, a 404 page for everything else.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <ParentRoute path=path!("/:locale") view=LocaleLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=catalog::home::HomePage ssr=SsrMode::Async />
                    <Route
                        path=path!("products")
                        view=catalog::listing::ProductListPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("products/:slug")
                        view=catalog::product_page::ProductPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("categories/:slug")
                        view=catalog::listing::CategoryPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("sign-in") view=account::SignInPage ssr=SsrMode::Async />
                    <Route
                        path=path!("sign-in/code")
                        view=account::two_factor::SignInCodePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("sign-in/email")
                        view=account::email_code::EmailCodePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("notifications")
                        view=notifications::NotificationsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("confirm-identity")
                        view=account::two_factor::ConfirmIdentityPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("account") view=account::AccountPage ssr=SsrMode::Async />
                    <Route path=path!("rfqs") view=trade::rfqs::MyRfqsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("rfqs/new")
                        view=trade::rfq_form::NewRfqPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("rfqs/:number") view=trade::rfqs::RfqPage ssr=SsrMode::Async />
                    <Route path=path!("orders") view=trade::orders::MyOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("verify") view=certificates::VerifyUploadPage ssr=SsrMode::Async />
                    <Route
                        path=path!("verify/:number")
                        view=certificates::VerifyPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("orders/:number")
                        view=trade::orders::OrderPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("onboarding")
                        view=account::OnboardingPage
                        ssr=SsrMode::Async
                    />
                    <ParentRoute path=path!("admin") view=admin::AdminLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=admin::DashboardPage ssr=SsrMode::Async />
                        <Route path=path!("users") view=admin::people::UsersPage ssr=SsrMode::Async />
                        <Route
                            path=path!("companies")
                            view=admin::people::CompaniesPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("audit") view=admin::audit::AuditPage ssr=SsrMode::Async />
                        <Route path=path!("outbox") view=admin::outbox::OutboxPage ssr=SsrMode::Async />
                        <Route
                            path=path!("api-clients")
                            view=admin::api_clients::ApiClientsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("rfqs")
                            view=admin::trade::rfqs::RfqInboxPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("rfqs/:number")
                            view=admin::trade::rfqs::AdminRfqPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("orders")
                            view=admin::trade::orders::AdminOrdersPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("orders/:number")
                            view=admin::trade::orders::AdminOrderPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("eco")
                            view=admin::certificates::CertificatesPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("eco/:number")
                            view=admin::certificates::CertificatePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("logistics")
                            view=admin::logistics::LogisticsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("logistics/:name")
                            view=admin::logistics::FeedPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("settings")
                            view=admin::settings::SettingsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("catalog")
                            view=admin::catalog::ProductsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("catalog/products/:id")
                            view=admin::catalog::ProductEditPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("catalog/categories")
                            view=admin::catalog::CategoriesPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("catalog/categories/:id")
                            view=admin::catalog::CategoryEditPage
                            ssr=SsrMode::Async
                        />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
