//! Carrier and port push feeds (DESIGN §6, §10): `POST /webhooks/dcsa/v2/{source}` (DCSA 2.2
//! callback, answered 204), `POST /webhooks/dcsa/v3/{source}/events` (DCSA 3.0, answered 200
//! with `feedbackElements` for events it could not use) and `POST /webhooks/edifact/{source}`
//! (IFTSTA, COARRI, CODECO; answered 200 with what was stored). Every body is signed:
//! `Notification-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with the source's shared
//! secret, checked in constant time before a byte is parsed.
//!
//! Outside the page middleware (no sessions, CSRF or page cache). An unknown or disabled
//! source is 404 (and nothing is recorded); a wrong signature 401, a malformed body 400 naming
//! the place, an oversized one 413, too many deliveries 429 — each recorded as a rejected
//! delivery of the source, with nothing else stored. A delivery that is stored is one
//! transaction (`domain::shipments::ingest`); a duplicate is a success that changes nothing.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use domain::logistics::adapters::{self, Delivery, ItemProblem, dcsa2, dcsa3, edifact};
use domain::logistics::{FeedError, LocationMaster};
use domain::shipments::{self, FeedKeys, FeedKind, FeedSource, IngestReport};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use http::{HeaderMap, StatusCode, header};
use serde::Serialize;

use crate::api::problem::ApiError;
use crate::startup::ServerState;

/// A source's limiter and the rate it was made for.
type SourceLimit = (u32, Arc<DefaultDirectRateLimiter>);

/// What the webhooks need beyond the database.
#[derive(Clone)]
pub struct FeedState {
    /// Derives each source's shared secret.
    pub keys: FeedKeys,
    limits: Arc<Mutex<HashMap<uuid::Uuid, SourceLimit>>>,
    /// Told of every stored change (the live stream listens).
    pub bus: crate::shipment_stream::Bus,
}

impl std::fmt::Debug for FeedState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedState").finish_non_exhaustive()
    }
}

impl FeedState {
    pub fn new(keys: FeedKeys, bus: crate::shipment_stream::Bus) -> Self {
        Self {
            keys,
            limits: Arc::default(),
            bus,
        }
    }

    /// `Ok` when the source may deliver now, else how many seconds to wait.
    fn check_rate(&self, source: &FeedSource) -> Result<(), u64> {
        let limiter = {
            let mut limits = self
                .limits
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let entry = limits.entry(source.id).or_insert_with(|| {
                (
                    source.rate_per_minute,
                    Arc::new(limiter(source.rate_per_minute)),
                )
            });
            if entry.0 != source.rate_per_minute {
                *entry = (
                    source.rate_per_minute,
                    Arc::new(limiter(source.rate_per_minute)),
                );
            }
            entry.1.clone()
        };
        limiter.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            wait.as_secs().max(1)
        })
    }
}

fn limiter(per_minute: u32) -> DefaultDirectRateLimiter {
    let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_minute(n).allow_burst(n))
}

/// The three webhook routes, with their own body limit (the adapters' 4 MiB).
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/webhooks/dcsa/v2/{source}", post(dcsa_v2))
        .route("/webhooks/dcsa/v3/{source}/events", post(dcsa_v3))
        .route("/webhooks/edifact/{source}", post(edifact_messages))
        .layer(DefaultBodyLimit::max(adapters::MAX_BODY_BYTES))
}

/// A DCSA 3.0 feedback element (`severity`, `message`, `propertyPath` as JSONPath).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FeedbackElement {
    severity: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    property_path: Option<String>,
}

/// `ERROR` elements for the events left out, `WARN` for kept events with codes outside the
/// DCSA lists.
fn feedback(problems: &[ItemProblem], warnings: &[ItemProblem]) -> Vec<FeedbackElement> {
    let path = |p: &ItemProblem| Some(format!("$.{}", p.path.trim_start_matches('.')));
    problems
        .iter()
        .map(|p| FeedbackElement {
            severity: "ERROR",
            message: format!("event not stored: {}", p.problem),
            property_path: path(p),
        })
        .chain(warnings.iter().map(|p| FeedbackElement {
            severity: "WARN",
            message: p.problem.clone(),
            property_path: path(p),
        }))
        .collect()
}

/// What the EDIFACT webhook answers.
#[derive(Debug, Serialize)]
struct Stored {
    events: usize,
    inserted: usize,
    updated: usize,
    duplicates: usize,
    stale: usize,
    retracted: usize,
    flagged: usize,
    orders_moved: Vec<String>,
}

impl From<&IngestReport> for Stored {
    fn from(r: &IngestReport) -> Self {
        Self {
            events: r.events,
            inserted: r.inserted,
            updated: r.updated,
            duplicates: r.duplicates,
            stale: r.stale,
            retracted: r.retracted,
            flagged: r.flagged,
            orders_moved: r
                .orders
                .iter()
                .filter(|m| m.to != m.from)
                .map(|m| format!("{} {} → {}", m.number, m.from.as_str(), m.to.as_str()))
                .collect(),
        }
    }
}

/// The source, its signature checked; or the answer (recorded when the source exists).
async fn admit(
    state: &ServerState,
    name: &str,
    kind: FeedKind,
    headers: &HeaderMap,
    body: &Result<Bytes, BytesRejection>,
) -> Result<(FeedSource, Bytes), Response> {
    let db = &state.app.db;
    let source = match shipments::sources::for_webhook(db, name, kind).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return Err(ApiError::not_found(format!(
                "there is no enabled {} feed source named {}; the exporter creates sources in the admin panel (Logistics) or with `server create-feed`",
                kind.as_str(),
                name.chars().take(64).collect::<String>()
            ))
            .into_response());
        }
        Err(e) => return Err(ApiError::from(e).into_response()),
    };
    let reject = |status: StatusCode, detail: String, bytes: &[u8]| {
        let source = source.clone();
        let db = db.clone();
        let bytes = bytes.to_vec();
        async move {
            if let Err(e) = shipments::record_rejection(
                &db,
                &source,
                status.as_u16(),
                &detail,
                &bytes,
                Utc::now(),
            )
            .await
            {
                tracing::error!(error = %e, source = %source.name, "cannot record a rejected delivery");
            }
            ApiError::new(status, detail).into_response()
        }
    };
    let body = match body {
        Ok(b) => b.clone(),
        Err(rejection) => {
            let status = rejection.status();
            let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "the body is larger than {} bytes; send the events in several deliveries",
                    adapters::MAX_BODY_BYTES
                )
            } else {
                format!("the body could not be read: {rejection}")
            };
            return Err(reject(status, detail, &[]).await);
        }
    };
    if let Err(wait) = state.feeds.check_rate(&source) {
        let mut res = reject(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "this source may deliver {} times a minute; try again in {wait} s",
                source.rate_per_minute
            ),
            &body,
        )
        .await;
        if let Ok(v) = http::HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(res);
    }
    let signature = headers
        .get(dcsa2::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    let secret = source.secret(&state.feeds.keys);
    if let Err(e) = dcsa2::verify_signature(signature, &secret, &body) {
        let detail = format!(
            "{e}: sign the raw body with HMAC-SHA256, keyed with the base64-decoded shared secret of this source, and send it as {}: sha256=<hex>",
            dcsa2::SIGNATURE_HEADER
        );
        return Err(reject(StatusCode::UNAUTHORIZED, detail, &body).await);
    }
    Ok((source, body))
}

/// Refuses a body that could not be read at all (400 naming the place), recorded.
async fn refuse_body(
    state: &ServerState,
    source: &FeedSource,
    e: &FeedError,
    body: &[u8],
) -> Response {
    let status = match e {
        FeedError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        FeedError::Signature(_) => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    };
    let detail = e.to_string();
    if let Err(err) = shipments::record_rejection(
        &state.app.db,
        source,
        status.as_u16(),
        &detail,
        body,
        Utc::now(),
    )
    .await
    {
        tracing::error!(error = %err, source = %source.name, "cannot record a rejected delivery");
    }
    ApiError::new(status, detail).into_response()
}

/// Stores a parsed delivery; `Err` is the answer when nothing in it was usable or the
/// database failed.
async fn store(
    state: &ServerState,
    source: &FeedSource,
    delivery: Delivery,
    body: &[u8],
    status: StatusCode,
) -> Result<IngestReport, Response> {
    if delivery.items.is_empty() && !delivery.unusable.is_empty() {
        let detail = format!(
            "no event in this delivery could be used: {}",
            delivery
                .unusable
                .iter()
                .take(5)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        );
        if let Err(e) =
            shipments::record_rejection(&state.app.db, source, 400, &detail, body, Utc::now()).await
        {
            tracing::error!(error = %e, source = %source.name, "cannot record a rejected delivery");
        }
        let res = if source.kind == FeedKind::Dcsa3 {
            // DCSA 3.0's error answer carries the feedback elements too.
            refused_v3(&detail, &delivery.unusable)
        } else {
            ApiError::bad_request(detail).into_response()
        };
        return Err(res);
    }
    let report = shipments::ingest(
        &state.app.db,
        source,
        delivery,
        body,
        status.as_u16(),
        LocationMaster::embedded(),
        Utc::now(),
    )
    .await
    .map_err(|e| ApiError::from(e).into_response())?;
    for m in report.orders.iter().filter(|m| m.to != m.from) {
        tracing::info!(order = %m.number, from = m.from.as_str(), to = m.to.as_str(), source = %source.name, "order moved by a carrier event");
    }
    if report.changed() {
        state.feeds.bus.publish(&report.references, report.last_seq);
    }
    Ok(report)
}

/// DCSA 3.0's answer when no event was usable: a problem with the feedback elements.
fn refused_v3(detail: &str, problems: &[ItemProblem]) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": detail,
        "feedbackElements": feedback(problems, &[]),
    });
    let mut res = (StatusCode::BAD_REQUEST, Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// `POST /webhooks/dcsa/v2/{source}`: 204 when stored (or already held).
async fn dcsa_v2(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (source, body) = match admit(&state, &name, FeedKind::Dcsa2, &headers, &body).await {
        Ok(admitted) => admitted,
        Err(res) => return res,
    };
    let Ok(source_id) = source.source_id() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // `admit` has checked the signature.
    let delivery = match dcsa2::parse_each(&body, &source_id, LocationMaster::embedded()) {
        Ok(d) => d,
        Err(e) => return refuse_body(&state, &source, &e, &body).await,
    };
    match store(&state, &source, delivery, &body, StatusCode::NO_CONTENT).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(res) => res,
    }
}

/// `POST /webhooks/dcsa/v3/{source}/events`: 200 with `feedbackElements` (empty when every
/// event was stored or already held).
async fn dcsa_v3(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (source, body) = match admit(&state, &name, FeedKind::Dcsa3, &headers, &body).await {
        Ok(admitted) => admitted,
        Err(res) => return res,
    };
    let Ok(source_id) = source.source_id() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let delivery = match dcsa3::parse_each(&body, &source_id, LocationMaster::embedded()) {
        Ok(d) => d,
        Err(e) => return refuse_body(&state, &source, &e, &body).await,
    };
    let warnings = delivery.warnings.clone();
    match store(&state, &source, delivery, &body, StatusCode::OK).await {
        Ok(report) => Json(serde_json::json!({
            "feedbackElements": feedback(&report.unusable, &warnings),
        }))
        .into_response(),
        Err(res) => res,
    }
}

/// `POST /webhooks/edifact/{source}`: 200 with what was stored.
async fn edifact_messages(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (source, body) = match admit(&state, &name, FeedKind::Edifact, &headers, &body).await {
        Ok(admitted) => admitted,
        Err(res) => return res,
    };
    match receive_edifact(&state, &source, &body).await {
        Ok(report) => Json(Stored::from(&report)).into_response(),
        Err(res) => res,
    }
}

/// Parses and stores an EDIFACT interchange for `source` (the webhook, and the admin panel's
/// upload form, which has no signature to check).
pub async fn receive_edifact(
    state: &ServerState,
    source: &FeedSource,
    body: &[u8],
) -> Result<IngestReport, Response> {
    let (Ok(source_id), Ok(profile)) = (source.source_id(), source.partner_profile()) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "this source's partner profile no longer reads; fix it in the admin panel",
        )
        .into_response());
    };
    let items = match edifact::parse(body, &source_id, &profile, LocationMaster::embedded()) {
        Ok(items) => items,
        Err(e) => return Err(refuse_body(state, source, &e, body).await),
    };
    store(
        state,
        source,
        Delivery {
            items,
            ..Delivery::default()
        },
        body,
        StatusCode::OK,
    )
    .await
}
