//! What server functions reach through Leptos context (server only).

use domain::catalog::cache::CatalogCache;
use sea_orm::DatabaseConnection;

/// Shared by every request: the database pool, cached catalog reads and the public origin.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Catalog reads for the storefront; catalog writes must call `invalidate_all`.
    pub catalog: CatalogCache,
    /// Public origin without a trailing slash, e.g. `https://shop.example.com`.
    pub base_url: std::sync::Arc<str>,
    /// The exporter's trading name shown in the header.
    pub site_name: std::sync::Arc<str>,
}
