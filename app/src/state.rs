//! What server functions reach through Leptos context (server only).

use sea_orm::DatabaseConnection;

/// Shared by every request: the database pool and the public origin.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Public origin without a trailing slash, e.g. `https://shop.example.com`.
    pub base_url: String,
    /// The exporter's trading name shown in the header.
    pub site_name: String,
}
