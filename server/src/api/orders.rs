//! `GET /api/v1/orders` and `GET /api/v1/orders/{number}` (`orders:read`): orders with their
//! lines, amounts, ports and status history, for the exporter's own systems and forwarders.
//! A thin adapter over `domain::trade::store`.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use domain::auth::Scope;
use domain::trade::order::OrderStatus;
use domain::trade::store::{self, Caller, OrderDetail, OrderQuery};
use domain::trade::{Party, Source};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::bearer::ApiCaller;
use super::problem::ApiError;
use crate::startup::ServerState;

/// Orders per page unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: u64 = 50;
/// The largest page the API serves.
pub const MAX_PER_PAGE: u64 = 100;
/// The highest page number accepted.
pub const MAX_PAGE: u64 = 10_000;

/// Query parameters of the order list (text on arrival, so a bad value gets a 400 naming it).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// Only orders in this status.
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    /// Only orders changed at or after this time (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<String>,
    /// 1-based page number (default 1).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// Orders per page (default 50).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

fn status_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(OrderStatus::ALL.iter().map(|s| s.as_str())))
        .build()
}

fn number(name: &str, value: Option<&str>, max: u64) -> Result<Option<u64>, ApiError> {
    let Some(v) = value else { return Ok(None) };
    let ok = !v.is_empty()
        && v.len() <= 12
        && v.bytes().all(|b| b.is_ascii_digit())
        && !v.starts_with('0')
        && v.parse::<u64>().is_ok_and(|n| (1..=max).contains(&n));
    if ok {
        Ok(v.parse().ok())
    } else {
        Err(ApiError::bad_request(format!(
            "{name} must be a whole number from 1 to {max}, written with digits only"
        )))
    }
}

impl OrderListQuery {
    fn parse(&self) -> Result<OrderQuery, ApiError> {
        let status = match self.status.as_deref() {
            None => None,
            Some(s) => Some(OrderStatus::parse(s).ok_or_else(|| {
                let all: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
                ApiError::bad_request(format!(
                    "status must be one of {}; \u{201c}{}\u{201d} is not an order status",
                    all.join(", "),
                    s.chars().take(40).collect::<String>()
                ))
            })?),
        };
        let updated_since = match self.updated_since.as_deref() {
            None => None,
            Some(t) => Some(
                DateTime::parse_from_rfc3339(t)
                    .map_err(|_| {
                        ApiError::bad_request(
                            "updated_since must be an RFC 3339 time with its offset, e.g. 2026-12-01T00:00:00Z",
                        )
                    })?
                    .with_timezone(&Utc),
            ),
        };
        Ok(OrderQuery {
            status,
            updated_since,
            company_id: None,
            page: number("page", self.page.as_deref(), MAX_PAGE)?.unwrap_or(1),
            per_page: number("per_page", self.per_page.as_deref(), MAX_PER_PAGE)?
                .unwrap_or(DEFAULT_PER_PAGE),
        })
    }
}

/// The buyer company of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCompany {
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// One line of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrderLine {
    /// 1-based; the RFQ line it answers.
    pub position: i32,
    /// The catalog product, absent for a free-text item.
    pub product_id: Option<String>,
    pub description: String,
    pub quantity: i64,
    /// UN/ECE Recommendation 20 unit code.
    pub unit: String,
    /// Decimal string in the order currency.
    pub unit_price: String,
    /// quantity × unit price, rounded to the currency's minor unit (decimal string).
    pub line_total: String,
    pub lead_time_days: i32,
}

/// One recorded status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTransition {
    /// Absent for the order's creation.
    pub from: Option<String>,
    pub to: String,
    /// Who acted: an e-mail, an API client id or `system`.
    pub actor: String,
    /// `buyer`, `staff` or `system`.
    pub party: String,
    /// `ui`, `api`, `feed` or `system`.
    pub source: String,
    pub reason: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
}

/// The order's certificate of origin (issued automatically at `export_cleared`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiEcoRef {
    /// The certificate number; null until issued.
    pub number: Option<String>,
    /// `pending`, `retrying`, `rejected`, `issued` or `revoked`.
    pub status: String,
    /// `DeclarationOfOrigin` or `CertificateOfOrigin`, once issued.
    pub kind: Option<String>,
    /// RFC 3339, UTC.
    pub issued_at: Option<String>,
    /// Why it cannot be issued yet (rejected): one sentence per problem, by goods line.
    pub problems: Vec<String>,
    /// The certificate that replaces a revoked one.
    pub replaced_by: Option<String>,
}

/// An order with its lines and status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrder {
    pub number: String,
    #[schema(schema_with = status_schema)]
    pub status: String,
    /// The status as the buyer sees it.
    pub buyer_status: String,
    pub company: ApiCompany,
    pub rfq_number: String,
    pub quote_number: String,
    /// The accepted version of the quote.
    pub quote_version: i32,
    /// ISO 4217.
    pub currency: String,
    /// Incoterms 2020 rule.
    pub incoterm: String,
    /// The Incoterm's named place.
    pub named_place: String,
    /// UN/LOCODE.
    pub port_of_loading: Option<String>,
    /// UN/LOCODE.
    pub ship_to_port: String,
    pub po_number: Option<String>,
    pub subtotal: String,
    pub freight: String,
    pub insurance: String,
    pub total: String,
    pub invoice_number: Option<String>,
    /// ISO date.
    pub invoice_date: Option<String>,
    /// Booking, bill of lading and container references.
    pub shipment_references: Vec<String>,
    pub cancel_reason: Option<String>,
    /// The certificate of origin; null until one is issued.
    pub eco: Option<ApiEcoRef>,
    pub lines: Vec<ApiOrderLine>,
    /// Every status change, oldest first.
    pub history: Vec<ApiTransition>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

/// One row of the order list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrderSummary {
    pub number: String,
    #[schema(schema_with = status_schema)]
    pub status: String,
    pub company: String,
    pub currency: String,
    pub total: String,
    /// UN/LOCODE.
    pub ship_to_port: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

/// One page of orders, most recently changed first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<ApiOrderSummary>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    pub page_count: u64,
}

fn api_caller(caller: &ApiCaller) -> Caller {
    Caller {
        user_id: None,
        name: caller.0.client_id.clone(),
        party: Party::Staff,
        company_id: None,
        source: Source::Api,
    }
}

fn to_api(o: OrderDetail) -> ApiOrder {
    ApiOrder {
        number: o.number,
        status: o.status,
        buyer_status: o.buyer_status,
        company: ApiCompany {
            id: o.company.id,
            name: o.company.name,
            country: o.company.country,
        },
        rfq_number: o.rfq_number,
        quote_number: o.quote_number,
        quote_version: o.quote_version,
        currency: o.currency,
        incoterm: o.incoterm,
        named_place: o.named_place,
        port_of_loading: o.port_of_loading,
        ship_to_port: o.ship_to_port,
        po_number: o.po_number,
        subtotal: o.subtotal,
        freight: o.freight,
        insurance: o.insurance,
        total: o.total,
        invoice_number: o.invoice_number,
        invoice_date: o.invoice_date,
        shipment_references: o.shipment_references,
        cancel_reason: o.cancel_reason,
        eco: o.eco.map(|e| ApiEcoRef {
            number: e.number,
            status: e.state,
            kind: e.kind,
            issued_at: e.issued_at,
            problems: e
                .problems
                .iter()
                .map(|p| match p.line {
                    Some(l) => format!("line {l}: {}: {} \u{2014} {}", p.field, p.problem, p.fix),
                    None => format!("{}: {} \u{2014} {}", p.field, p.problem, p.fix),
                })
                .collect(),
            replaced_by: e.replaced_by,
        }),
        lines: o
            .lines
            .into_iter()
            .map(|l| ApiOrderLine {
                position: l.position,
                product_id: l.product_id,
                description: l.description,
                quantity: l.quantity,
                unit: l.unit,
                unit_price: l.unit_price,
                line_total: l.line_total,
                lead_time_days: l.lead_time_days,
            })
            .collect(),
        history: o
            .history
            .into_iter()
            .map(|t| ApiTransition {
                from: t.from,
                to: t.to,
                actor: t.actor,
                party: t.party,
                source: t.source,
                reason: t.reason,
                at: t.at,
            })
            .collect(),
        created_at: o.created_at,
        updated_at: o.updated_at,
    }
}

/// List orders.
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "orders",
    params(OrderListQuery),
    security(("oauth2" = ["orders:read"])),
    responses(
        (status = 200, description = "A page of orders", body = OrderPage),
        (status = 400, description = "A query parameter is invalid", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, expired or invalid token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks orders:read", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 500, description = "An unexpected error; the cause is logged on the server", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_orders(
    State(state): State<ServerState>,
    caller: ApiCaller,
    query: Result<Query<OrderListQuery>, QueryRejection>,
) -> Result<Json<OrderPage>, ApiError> {
    caller.require(Scope::OrdersRead)?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let q = query.parse()?;
    let (rows, total) = store::list_orders(&state.app.db, &api_caller(&caller), &q).await?;
    Ok(Json(OrderPage {
        items: rows
            .into_iter()
            .map(|r| ApiOrderSummary {
                number: r.number,
                status: r.status,
                company: r.company,
                currency: r.currency,
                total: r.total,
                ship_to_port: r.ship_to_port,
                updated_at: r.updated_at,
            })
            .collect(),
        page: q.page,
        per_page: q.per_page,
        total,
        page_count: total.div_ceil(q.per_page),
    }))
}

/// One order with its lines and status history.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{number}",
    tag = "orders",
    params(("number" = String, Path, description = "The order number, e.g. ORD-2026-00001", max_length = 20)),
    security(("oauth2" = ["orders:read"])),
    responses(
        (status = 200, description = "The order", body = ApiOrder),
        (status = 401, description = "Missing, expired or invalid token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks orders:read", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this number", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 500, description = "An unexpected error; the cause is logged on the server", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_order(
    State(state): State<ServerState>,
    caller: ApiCaller,
    number: Result<Path<String>, PathRejection>,
) -> Result<Json<ApiOrder>, ApiError> {
    caller.require(Scope::OrdersRead)?;
    let Ok(Path(number)) = number else {
        return Err(ApiError::not_found("no order has this number"));
    };
    let order = store::order_detail(&state.app.db, &api_caller(&caller), &number).await?;
    Ok(Json(to_api(order)))
}

/// Mark an order export-cleared: its certificate of origin is then issued automatically.
/// Idempotent: an order already cleared (or further along) answers with its current state.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{number}/export",
    tag = "orders",
    params(("number" = String, Path, description = "The order number, e.g. ORD-2026-00001", max_length = 20)),
    security(("oauth2" = ["orders:export"])),
    responses(
        (status = 200, description = "The order, export-cleared (its e-CO pending or issued)", body = ApiOrder),
        (status = 401, description = "Missing, expired or invalid token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks orders:export", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this number", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order cannot be cleared now (not ready to ship, export data missing, or cancelled)", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export_order(
    State(state): State<ServerState>,
    caller: ApiCaller,
    number: Result<Path<String>, PathRejection>,
) -> Result<Json<ApiOrder>, ApiError> {
    caller.require(Scope::OrdersExport)?;
    let Ok(Path(number)) = number else {
        return Err(ApiError::not_found("no order has this number"));
    };
    let api = api_caller(&caller);
    store::export_order(&state.app.db, &api, &number, Utc::now()).await?;
    let order = store::order_detail(&state.app.db, &api, &number).await?;
    Ok(Json(to_api(order)))
}
