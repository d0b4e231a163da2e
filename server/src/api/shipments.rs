//! `GET /api/v1/shipments/{reference}` and `GET /api/v1/shipments/{reference}/stream`
//! (`shipments:read` bearer for machines; the order's parties with their session cookie): a
//! shipment — by booking, transport document, container, order or PO number — with its port
//! calls (PLN/EST/ACT times), route geometry (GeoJSON), ETA, delay flags and events; the
//! stream sends the same document as server-sent events whenever it changes.
//!
//! Streams send whole snapshots with the change sequence as the event id: a reconnect with
//! `Last-Event-ID` gets the current snapshot if it is newer than the one it had, so it misses
//! nothing. Idle streams get a comment every 15 s.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRequestParts, Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use domain::auth::Scope;
use domain::shipments::links;
use http::request::Parts;
use http::{HeaderMap, StatusCode, header};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;

use super::bearer::ApiCaller;
use super::problem::ApiError;
use crate::startup::ServerState;

/// A shipment (see the module docs); the same document is each stream event's data
/// (`domain::trade::views::ShipmentDocument`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiShipment {
    /// The reference asked for.
    pub reference: String,
    /// `planned`, `in_port`, `at_sea` or `arrived`.
    pub status: String,
    /// The change sequence this document is at (the stream's event id).
    pub seq: i64,
    /// The newest update among the events (RFC 3339, UTC).
    pub last_updated: Option<String>,
    /// Port calls in route order: `unlocode`, `name`, `lat`, `lon`, `role`
    /// (origin/transshipment/intermediate/destination), `status` (expected/in_port/departed),
    /// `arrival` and `departure` with `planned`, `estimated`, `actual`, `first_estimate`, and
    /// `inland` (a depot or inland terminal, reached over land).
    #[schema(value_type = Vec<Object>)]
    pub port_calls: serde_json::Value,
    /// The leg under way or next, as indices into `port_calls`.
    pub current_leg: Option<[usize; 2]>,
    /// `{lat, lon, basis}`: the last actual event's place, or `interpolated` along the lane.
    #[schema(value_type = Option<Object>)]
    pub position: serde_json::Value,
    /// `{port, time, classifier, first_estimate, change_minutes}`.
    #[schema(value_type = Option<Object>)]
    pub eta: serde_json::Value,
    /// `{flag, port, minutes, reason}`: eta_slipped, arrival_late, departure_late,
    /// delay_reported, overdue.
    #[schema(value_type = Vec<Object>)]
    pub delay_flags: serde_json::Value,
    /// GeoJSON FeatureCollection: a LineString per leg along the sea lanes
    /// (`properties.state` = `actual` or `planned`; `properties.mode` = `sea`, or `land` for
    /// a leg to or from an inland place, drawn straight) and the current position as a Point.
    #[schema(value_type = Object)]
    pub route: serde_json::Value,
    /// The timeline: `source`, `event_id`, `event_type` (TRANSPORT, EQUIPMENT, SHIPMENT, IOT,
    /// REEFER), `code`, `classifier`, `time`, `updated_time`, `port`, `superseded`,
    /// `delay_reason`, `remark`, `flags` (e.g. `unknown_code`, `bad_check_digit`), and for a
    /// reefer `temperature` and `setpoint`.
    #[schema(value_type = Vec<Object>)]
    pub events: serde_json::Value,
}

/// Who is asking.
enum Viewer {
    /// An API client holding `shipments:read`, or staff.
    Everything,
    /// A buyer's member: shipments of the company's orders only.
    Company(uuid::Uuid),
}

async fn viewer(state: &ServerState, parts: &mut Parts) -> Result<Viewer, ApiError> {
    if parts.headers.contains_key(header::AUTHORIZATION) {
        let caller = ApiCaller::from_request_parts(parts, state).await?;
        caller.require(Scope::ShipmentsRead)?;
        return Ok(Viewer::Everything);
    }
    let session = app::session::resume_for_request(&state.app, &parts.headers, &parts.extensions)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "sign in as a party of the order, or send an access token with the shipments:read scope",
            )
            .header(header::WWW_AUTHENTICATE, "Bearer realm=\"portfront\"")
        })?;
    if session.user.role.is_staff() {
        if app::session::staff_two_factor_missing(&state.app, &session) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "set up two-step sign-in before opening the exporter's records",
            ));
        }
        return Ok(Viewer::Everything);
    }
    let company = domain::auth::companies::company_of(&state.app.db, session.user.id)
        .await
        .map_err(ApiError::from)?
        .and_then(|c| c.id.parse().ok());
    Ok(Viewer::Company(company.unwrap_or_else(uuid::Uuid::nil)))
}

/// The reference as looked up; text that cannot be a reference (empty, over 100 characters,
/// control characters) names no shipment, so it is a 404 like any unknown reference.
fn checked_reference(reference: &str) -> Result<String, ApiError> {
    let r = reference.trim();
    if r.is_empty() || r.chars().count() > 100 || r.chars().any(char::is_control) {
        return Err(unknown(r));
    }
    Ok(r.to_owned())
}

fn unknown(reference: &str) -> ApiError {
    let shown: String = reference
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect();
    ApiError::not_found(format!(
        "there is no shipment “{shown}” you can see: use a booking, bill of lading, container, order or PO number of one of your orders"
    ))
}

/// Checks that `viewer` may see `reference` and that it names something: an order (of the
/// buyer's company) or stored events.
async fn admit(state: &ServerState, viewer: &Viewer, reference: &str) -> Result<(), ApiError> {
    let names = BTreeSet::from([reference.to_owned()]);
    let orders = links::orders_naming(&state.app.db, &names)
        .await
        .map_err(ApiError::from)?;
    match viewer {
        Viewer::Company(company) => {
            if orders.iter().any(|o| o.company_id == *company) {
                Ok(())
            } else {
                Err(unknown(reference))
            }
        }
        Viewer::Everything => {
            if !orders.is_empty() {
                return Ok(());
            }
            let snapshot = state
                .feeds
                .bus
                .snapshot(&state.app.db, reference)
                .await
                .map_err(ApiError::from)?;
            if snapshot.json.is_some() {
                Ok(())
            } else {
                Err(unknown(reference))
            }
        }
    }
}

/// One shipment.
#[utoipa::path(
    get,
    path = "/api/v1/shipments/{reference}",
    tag = "shipments",
    params(("reference" = String, Path, description = "Booking, transport document (B/L), container, order or PO number")),
    security(("oauth2" = ["shipments:read"])),
    responses(
        (status = 200, description = "The shipment", body = ApiShipment),
        (status = 401, description = "No or a bad access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks shipments:read", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such shipment (or not yours)", body = super::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn get_shipment(
    State(state): State<ServerState>,
    Path(reference): Path<String>,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    let viewer = viewer(&state, &mut parts).await?;
    let reference = checked_reference(&reference)?;
    admit(&state, &viewer, &reference).await?;
    let snapshot = state
        .feeds
        .bus
        .snapshot(&state.app.db, &reference)
        .await
        .map_err(ApiError::from)?;
    let body = snapshot
        .json
        .clone()
        .unwrap_or_else(|| empty_document(&reference));
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// The document of a shipment no event has reached yet.
fn empty_document(reference: &str) -> String {
    serde_json::to_string(&domain::trade::views::ShipmentDocument {
        reference: reference.to_owned(),
        status: "planned".to_owned(),
        seq: 0,
        last_updated: None,
        port_calls: Vec::new(),
        current_leg: None,
        position: None,
        eta: None,
        delay_flags: Vec::new(),
        route: serde_json::json!({"type": "FeatureCollection", "features": []}),
        events: Vec::new(),
    })
    .unwrap_or_default()
}

fn last_event_id(headers: &HeaderMap) -> i64 {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1)
}

/// The shipment's updates as server-sent events (`event: shipment`, `id:` the change
/// sequence, `data:` the document of `GET /api/v1/shipments/{reference}`).
#[utoipa::path(
    get,
    path = "/api/v1/shipments/{reference}/stream",
    tag = "shipments",
    params(
        ("reference" = String, Path, description = "Booking, transport document (B/L), container, order or PO number"),
        ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event received; only newer snapshots are sent")
    ),
    security(("oauth2" = ["shipments:read"])),
    responses(
        (status = 200, description = "text/event-stream of shipment documents", content_type = "text/event-stream"),
        (status = 401, description = "No or a bad access token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks shipments:read", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such shipment (or not yours)", body = super::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn stream_shipment(
    State(state): State<ServerState>,
    Path(reference): Path<String>,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    let viewer = viewer(&state, &mut parts).await?;
    let reference = checked_reference(&reference)?;
    admit(&state, &viewer, &reference).await?;
    // Subscribe before the first snapshot, so a change in between is not missed.
    let rx = state.feeds.bus.subscribe();
    let closing = state.feeds.bus.closing();
    let last = last_event_id(&parts.headers);
    // What the last snapshot sent covers (its containers, voyages …): a change to any of them
    // is a change to this shipment.
    let covers: BTreeSet<String> = BTreeSet::from([reference.clone()]);
    let stream = futures_util::stream::unfold(
        (state, reference, rx, closing, last, true, covers),
        |(state, reference, mut rx, mut closing, mut last, mut first, mut covers)| async move {
            loop {
                if *closing.borrow() {
                    return None;
                }
                if !first {
                    let received = tokio::select! {
                        r = rx.recv() => r,
                        _ = closing.changed() => return None,
                    };
                    match received {
                        Ok(change) if !change.touches(&covers) => continue,
                        Ok(_) | Err(RecvError::Lagged(_)) => {}
                        Err(RecvError::Closed) => return None,
                    }
                }
                first = false;
                let Ok(snapshot) = state.feeds.bus.snapshot(&state.app.db, &reference).await else {
                    continue;
                };
                covers.clone_from(&snapshot.covers);
                covers.insert(reference.clone());
                if snapshot.seq <= last {
                    continue;
                }
                last = snapshot.seq;
                let data = snapshot
                    .json
                    .clone()
                    .unwrap_or_else(|| empty_document(&reference));
                let event = Event::default()
                    .event("shipment")
                    .id(snapshot.seq.to_string())
                    .data(data);
                return Some((
                    Ok::<Event, Infallible>(event),
                    (state, reference, rx, closing, last, first, covers),
                ));
            }
        },
    );
    let mut res = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    res.headers_mut()
        .insert("x-accel-buffering", http::HeaderValue::from_static("no"));
    Ok(res)
}
