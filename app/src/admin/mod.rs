//! The admin panel (`/{locale}/admin…`, staff only): the frame with its navigation, and the
//! dashboard. Sections live in their own modules; their data comes from `server_fns`.

pub mod api_clients;
pub mod audit;
pub mod catalog;
pub mod certificates;
pub mod logistics;
pub mod outbox;
pub mod people;
pub mod server_fns;
pub mod settings;
pub mod trade;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::account::server_fns::Viewer;
use crate::components::status::{ErrorPanel, Loading};
use crate::error::AppError;
use crate::i18n::{Locale, Messages, PageTexts, fill, use_i18n, use_locale};
use crate::paths;
use server_fns::{admin_dashboard, admin_viewer};

/// The signed-in staff member, shared by the panel's pages.
#[derive(Clone, Copy)]
pub struct AdminViewer(pub Resource<Result<Viewer, AppError>>);

/// What every admin island sets up first. An island does not see the context of the
/// server-rendered page around it, so it provides the page's locale (for `use_i18n`) and asks
/// for the signed-in staff member itself (its CSRF token goes with every form).
pub fn island_context(locale: Locale) {
    provide_context(locale);
    provide_context(AdminViewer(Resource::new(|| (), |()| admin_viewer())));
}

/// The session's CSRF token for the panel's forms (empty until known).
pub fn csrf_token() -> String {
    use_context::<AdminViewer>()
        .and_then(|v| v.0.get_untracked())
        .and_then(Result::ok)
        .map(|v| v.csrf)
        .unwrap_or_default()
}

/// `2026-11-26T05:14:00Z` → `2026-11-26 05:14 UTC`.
pub fn short_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t} UTC"),
        _ => rfc3339.to_owned(),
    }
}

/// The frame: the navigation (once the role is known) beside the section. The section is
/// not nested in the navigation's `Suspense`: resources created after an `.await` would not
/// be sent with the page, and hydration would fail. Every section's server functions check
/// the role themselves (a buyer sees the 403 panel of the section).
#[component]
pub fn AdminLayout() -> impl IntoView {
    let viewer = Resource::new(|| (), |()| admin_viewer());
    provide_context(AdminViewer(viewer));
    let locale = use_locale();
    view! {
        <Meta name="robots" content="noindex" />
        <PageTexts locale />
        <div class="admin-shell container">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    viewer.await.ok().map(|v| view! { <AdminNav locale is_admin=v.role.is_admin() /> })
                })}
            </Suspense>
            <div class="admin-main">
                <Outlet />
            </div>
        </div>
    }
}

/// Waits for the signed-in staff member (sections call this in their `Suspend` before
/// rendering forms that carry the CSRF token).
pub async fn admin_viewer_ready() -> Result<Viewer, AppError> {
    match use_context::<AdminViewer>() {
        Some(v) => v.0.await,
        None => Err(AppError::NotSignedIn),
    }
}

/// Sections of the panel; those later releases fill are shown but not yet links.
fn sections(t: &'static Messages) -> Vec<(&'static str, &'static str, bool, bool)> {
    // (path under /admin, label, admin only, available)
    vec![
        ("", t.admin_nav_dashboard, false, true),
        ("catalog", t.admin_nav_catalog, false, true),
        ("catalog/categories", t.admin_nav_categories, false, true),
        ("rfqs", t.admin_nav_rfqs, false, true),
        ("orders", t.admin_nav_orders, false, true),
        ("eco", t.admin_nav_eco, false, true),
        ("logistics", t.admin_nav_logistics, false, true),
        ("companies", t.admin_nav_companies, false, true),
        ("users", t.admin_nav_users, true, true),
        ("api-clients", t.admin_nav_api_clients, true, true),
        ("audit", t.admin_nav_audit, false, true),
        ("outbox", t.admin_nav_outbox, false, true),
        ("settings", t.admin_nav_settings, true, true),
    ]
}

#[component]
fn AdminNav(locale: Locale, is_admin: bool) -> impl IntoView {
    let t = locale.messages();
    let location = use_location();
    let items = sections(t)
        .into_iter()
        .filter(|(_, _, admin_only, _)| is_admin || !admin_only)
        .map(|(section, label, _, available)| {
            let href = if section.is_empty() {
                paths::admin(locale)
            } else {
                paths::admin_section(locale, section)
            };
            if !available {
                return view! {
                    <li><span class="nav-soon" aria-disabled="true" title=t.admin_nav_soon>{label}<small>{t.admin_nav_soon}</small></span></li>
                }
                .into_any();
            }
            let current = {
                let href = href.clone();
                move || (location.pathname.get() == href).then_some("page")
            };
            view! { <li><a href=href aria-current=current>{label}</a></li> }.into_any()
        })
        .collect_view();
    view! {
        <nav class="admin-nav" aria-label=t.admin_nav_label>
            <p class="admin-nav-title">{t.nav_admin}</p>
            <ul class="plain">{items}</ul>
        </nav>
    }
}

/// `/{locale}/admin`: live counts and the latest audit events.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let data = Resource::new(|| (), |()| admin_dashboard());
    view! {
        <Title text=t.admin_nav_dashboard />
        <h1>{t.admin_nav_dashboard}</h1>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(d) => {
                        let c = d.counts;
                        let n = |v: u64| locale.format_count(v);
                        let tiles = [
                            ("products", t.dashboard_products, fill(t.dashboard_products_detail, &[("published", &n(c.published_products))]), n(c.products), paths::admin_section(locale, "catalog")),
                            ("categories", t.admin_nav_categories, String::new(), n(c.categories), paths::admin_section(locale, "catalog/categories")),
                            ("companies", t.admin_nav_companies, String::new(), n(c.companies), paths::admin_section(locale, "companies")),
                            ("users", t.dashboard_users, fill(t.dashboard_sessions_detail, &[("sessions", &n(c.active_sessions))]), n(c.users), paths::admin_section(locale, "users")),
                            ("api-clients", t.admin_nav_api_clients, String::new(), n(c.api_clients), paths::admin_section(locale, "api-clients")),
                        ];
                        view! {
                            <ul class="tiles plain">
                                {tiles.into_iter().map(|(id, label, detail, value, href)| view! {
                                    <li class="tile">
                                        <a href=href>
                                            <span class="tile-value" data-testid=format!("count-{id}")>{value}</span>
                                            <span class="tile-label">{label}</span>
                                            <span class="tile-detail muted small">{detail}</span>
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <h2>{t.dashboard_recent}</h2>
                            <audit::AuditTable rows=d.recent />
                            <p><a href=paths::admin_section(locale, "audit")>{t.dashboard_all_audit}</a></p>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
