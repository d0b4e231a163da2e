//! What server functions reach through Leptos context (server only).

use std::sync::Arc;

use domain::auth::sessions::SessionPolicy;
use domain::catalog::cache::CatalogCache;
use sea_orm::DatabaseConnection;

/// Clears the server's cache of rendered anonymous pages (set by the server crate).
#[derive(Clone)]
pub struct PageCacheClearer(pub Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for PageCacheClearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageCacheClearer")
    }
}

/// The shipment document of the first of some references that carriers have sent events for
/// (set by the server crate, which owns the logistics engine and the live bus; the app only
/// shows the document).
#[derive(Clone)]
pub struct ShipmentDocs(pub Arc<dyn Fn(Vec<String>) -> ShipmentDocFuture + Send + Sync>);

/// What [`ShipmentDocs`] answers with.
pub type ShipmentDocFuture = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = domain::DomainResult<Option<domain::trade::views::ShipmentDocument>>,
            > + Send,
    >,
>;

impl std::fmt::Debug for ShipmentDocs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShipmentDocs")
    }
}

pub use crate::account::server_fns::ProviderLink;

/// Shared by every request: the database pool, cached catalog reads and the public origin.
/// Cloned for every request (context, handlers), so it is one reference-counted pointer.
#[derive(Clone, Debug)]
pub struct AppState(Arc<AppStateParts>);

impl AppState {
    pub fn new(parts: AppStateParts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateParts;
    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Debug)]
pub struct AppStateParts {
    pub db: DatabaseConnection,
    /// Catalog reads for the storefront; catalog writes call [`AppState::catalog_changed`].
    pub catalog: CatalogCache,
    /// Public origin without a trailing slash, e.g. `https://shop.example.com`.
    pub base_url: Arc<str>,
    /// The exporter's trading name shown in the header.
    pub site_name: Arc<str>,
    /// Idle and absolute session lifetimes.
    pub sessions: SessionPolicy,
    /// Whether the public origin is `https://` (cookies are then `Secure` and `__Host-`;
    /// a request may also be marked [`OverTls`] by a trusted proxy's word).
    pub secure_cookies: bool,
    /// OpenID providers offered on the sign-in page.
    pub providers: Arc<[ProviderLink]>,
    /// `PORTFRONT_REQUIRE_STAFF_2FA`: staff without two-step sign-in are sent to set it up.
    pub require_staff_2fa: bool,
    pub page_cache: PageCacheClearer,
    /// Whether a mail server is configured (`PORTFRONT_SMTP_URL`); without one, mail waits
    /// in the outbox (the admin panel's Outbox page says so).
    pub mail_configured: bool,
    /// Signs certificates of origin and publishes their status list (`domain::issuance`).
    pub issuer: Arc<domain::issuance::Issuer>,
    /// The signed status list, re-signed only when a revocation happened.
    pub status_lists: Arc<domain::issuance::register::StatusListCache>,
    /// Shipment documents for order pages.
    pub shipments: ShipmentDocs,
    /// Derives the feed sources' shared secrets (the admin panel shows one when it is made).
    pub feed_keys: domain::shipments::FeedKeys,
    /// `PORTFRONT_MAP_TILES`: a tile URL template; `None` = the offline land layer.
    pub map_tiles: Option<Arc<str>>,
}

impl AppStateParts {
    /// Call after any catalog write: drops cached catalog reads and rendered pages.
    pub fn catalog_changed(&self) {
        self.catalog.invalidate_all();
        (self.page_cache.0)();
    }
}

/// The client's address, put into request extensions by the server (behind trusted proxies,
/// the address they forwarded for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// Whether the browser reached the site over TLS — the public origin is `https://`, or a
/// trusted proxy said so — put into request extensions by the server. Cookies are then
/// `Secure` and `__Host-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverTls(pub bool);

/// [`OverTls`] of a request, or the site's setting when the server did not mark it.
pub fn over_tls(extensions: &http::Extensions, state: &AppStateParts) -> bool {
    extensions
        .get::<OverTls>()
        .map_or(state.secure_cookies, |t| t.0)
}
