//! The machine API (DESIGN.md §10): `POST /oauth/token` (client credentials) and `/api/v1/*`
//! (bearer tokens with scopes), documented by `/api/v1/openapi.json`. Errors are
//! `application/problem+json`.

pub mod bearer;
pub mod eco;
pub mod openapi;
pub mod orders;
pub mod problem;
pub mod products;
pub mod shipments;
pub mod token;

use axum::Router;
use axum::routing::{get, post};
use domain::auth::token::TokenAuthority;

use crate::rate_limit::RateLimit;
use crate::startup::ServerState;

/// What the API handlers need beyond the database.
#[derive(Clone, Debug)]
pub struct ApiState {
    /// Signs and checks access tokens.
    pub tokens: TokenAuthority,
    /// Limits `/oauth/token` per client address.
    pub token_rate: RateLimit,
}

/// `/oauth/token` and `/api/v1/*`.
pub fn router() -> Router<ServerState> {
    let v1 = Router::new()
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/products", get(products::list_products))
        .route("/orders", get(orders::list_orders))
        .route("/orders/{number}", get(orders::get_order))
        .route("/orders/{number}/export", post(orders::export_order))
        .route("/eco/verify", post(eco::verify))
        .route("/eco/{number}", get(eco::get_eco))
        .route("/shipments/{reference}", get(shipments::get_shipment))
        .route(
            "/shipments/{reference}/stream",
            get(shipments::stream_shipment),
        )
        .fallback(problem::api_not_found);
    Router::new()
        .route("/oauth/token", post(token::token))
        .nest("/api/v1", v1)
}
