//! `GET /api/v1/openapi.json`: the API description, generated from the handlers' annotations.

use std::sync::LazyLock;

use axum::Json;
use axum::extract::State;
use domain::auth::Scope;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::openapi::{OpenApi as OpenApiDoc, Server};
use utoipa::{Modify, OpenApi};

use crate::startup::ServerState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portfront platform API",
        description = "Catalog, certificates of origin, orders and shipments of this exporter's store. \
Authenticate with OAuth 2.0 client credentials at /oauth/token (HTTP Basic client authentication) \
and send the token as `Authorization: Bearer`. Errors are application/problem+json with a `detail` \
that says what to fix.",
        license(name = "Apache-2.0")
    ),
    paths(
        super::token::token,
        super::products::list_products,
        super::orders::list_orders,
        super::orders::get_order,
        super::orders::export_order,
        super::eco::get_eco,
        super::eco::verify,
        super::shipments::get_shipment,
        super::shipments::stream_shipment
    ),
    components(schemas(
        super::problem::Problem,
        super::token::TokenResponse,
        super::products::ProductPage,
        super::products::ApiProduct,
        super::orders::OrderPage,
        super::orders::ApiOrderSummary,
        super::orders::ApiOrder,
        super::orders::ApiOrderLine,
        super::orders::ApiTransition,
        super::orders::ApiCompany,
        super::orders::ApiEcoRef,
        super::eco::ApiVerification,
        super::eco::ApiCheck,
        super::eco::ApiRegisterFacts,
        super::shipments::ApiShipment
    )),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Access tokens"),
        (name = "catalog", description = "Products and categories"),
        (name = "orders", description = "Orders, their lines and status history"),
        (name = "eco", description = "Certificates of origin: the signed credential and its verification"),
        (name = "shipments", description = "Shipments from carrier and port events: route, port calls, ETA, live updates")
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scopes = Scopes::from_iter(Scope::ALL.map(|s| (s.as_str(), s.description())));
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::new([Flow::ClientCredentials(
                ClientCredentials::new("/oauth/token", scopes),
            )])),
        );
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
        );
    }
}

static SPEC: LazyLock<OpenApiDoc> = LazyLock::new(ApiDoc::openapi);

/// The OpenAPI 3.1 description of this API.
pub async fn openapi_json(State(state): State<ServerState>) -> Json<OpenApiDoc> {
    let mut spec = SPEC.clone();
    spec.servers = Some(vec![Server::new(state.app.base_url.to_string())]);
    Json(spec)
}
