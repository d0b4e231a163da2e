//! The public and the parties' web side of certificates of origin (DESIGN §7, §10):
//!
//! - `GET /.well-known/did.json`: this site's `did:web` document (current and retired keys);
//! - `GET /status/{list}`: the signed Bitstring Status List, with `ETag` (304 on
//!   `If-None-Match`) and a short public cache lifetime;
//! - `GET /schemas/rcep-origin-credential/v1.json`: the JSON Schema the credentials name;
//! - `GET /verify/{number}`: to `/{locale}/verify/{number}` by `Accept-Language` (404 for an
//!   unknown number);
//! - `GET /eco/{number}/pdf` and `GET /eco/{number}/json`: the Form RCEP PDF (the signed VC
//!   embedded) and the VC JSON, for the order's buyer company and staff only (anyone else 404).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Utc;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use app::i18n::Locale;
use domain::DomainError;
use domain::entities::order;
use domain::issuance::{CONTEXT_PATH, SCHEMA_PATH, register};
use sea_orm::EntityTrait;

use crate::startup::ServerState;
use crate::trade_forms::{caller_of, file_download, not_found, signed_in_or_sign_in, unavailable};

/// The documents verifiers fetch: no session, CSRF or page cache in front of them.
pub fn public() -> Router<ServerState> {
    Router::new()
        .route("/.well-known/did.json", get(did_json))
        .route("/status/{list}", get(status_list))
        .route(SCHEMA_PATH, get(schema))
        .route(CONTEXT_PATH, get(context))
}

/// The routes that look at the visitor (language, session).
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/verify/{number}", get(verify_redirect))
        .route("/eco/{number}/{format}", get(download))
}

fn json_response(body: String, content_type: &'static str, cache: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

/// `GET /.well-known/did.json`.
async fn did_json(State(state): State<ServerState>) -> Response {
    let issuer = &state.app.issuer;
    let doc = domain::eco::did::did_document(&issuer.did, &issuer.ring);
    json_response(
        doc.to_string(),
        "application/did+json",
        "public, max-age=300",
    )
}

/// `GET /status/{list}`.
async fn status_list(
    State(state): State<ServerState>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Response {
    if list != domain::issuance::STATUS_LIST.to_string() {
        return (
            StatusCode::NOT_FOUND,
            "There is no status list with this number; certificates name theirs in credentialStatus.",
        )
            .into_response();
    }
    let published = match state
        .app
        .status_lists
        .get(&state.app.db, &state.app.issuer)
        .await
    {
        Ok(p) => p,
        Err(e) => return unavailable(&e),
    };
    let etag = HeaderValue::from_str(&published.etag).ok();
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == &*published.etag || t.trim() == "*")
        });
    let mut res = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        json_response(
            published.json.to_string(),
            "application/vc",
            "public, max-age=60, must-revalidate",
        )
    };
    if let Some(etag) = etag {
        res.headers_mut().insert(header::ETAG, etag);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60, must-revalidate"),
    );
    res
}

/// `GET /schemas/rcep-origin-credential/v1.json`: the shipped schema with `$id` set to the
/// URL it is published at, which is the URL credentials name in `credentialSchema`.
/// The JSON-LD context of the RCEP terms the credentials name.
async fn context(State(state): State<ServerState>) -> Response {
    json_response(
        domain::eco::vc::context_document(&state.app.issuer.context_url()).to_string(),
        "application/ld+json",
        "public, max-age=3600",
    )
}

async fn schema(State(state): State<ServerState>) -> Response {
    let mut schema: serde_json::Value =
        serde_json::from_str(domain::eco::vc::SCHEMA_JSON).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".to_owned(),
            serde_json::Value::from(state.app.issuer.schema_url()),
        );
    }
    json_response(
        schema.to_string(),
        "application/schema+json",
        "public, max-age=3600",
    )
}

/// Whether `number` can be a certificate number at all (before touching the database).
pub fn is_certificate_number(number: &str) -> bool {
    (1..=64).contains(&number.len())
        && number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/' || b == b'.')
}

/// `GET /verify/{number}`.
async fn verify_redirect(
    State(state): State<ServerState>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !is_certificate_number(&number) {
        return not_found();
    }
    match register::by_number(&state.app.db, &number).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return (
                StatusCode::NOT_FOUND,
                "No certificate of origin has this number. Check the number printed at the top of the certificate.",
            )
                .into_response();
        }
        Err(e) => return unavailable(&e),
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let locale = Locale::negotiate(accept);
    (
        [(header::VARY, "Accept-Language")],
        Redirect::to(&app::paths::verify(locale, &number)),
    )
        .into_response()
}

/// `GET /eco/{number}/pdf` and `/eco/{number}/json`.
async fn download(
    State(state): State<ServerState>,
    Path((number, format)): Path<(String, String)>,
    parts: Parts,
) -> Response {
    if !is_certificate_number(&number) || !matches!(format.as_str(), "pdf" | "json") {
        return not_found();
    }
    let locale = Locale::negotiate(
        parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let session = match signed_in_or_sign_in(
        &state,
        &parts,
        locale,
        app::paths::eco_download(&number, &format),
    )
    .await
    {
        Ok(s) => s,
        Err(res) => return res,
    };
    let caller = match caller_of(&state, &session).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let db = &state.app.db;
    let cert = match register::by_number(db, &number).await {
        Ok(Some(c)) => c,
        Ok(None) => return not_found(),
        Err(e) => return unavailable(&e),
    };
    // The order's parties only: the order page's own check decides.
    let order_number = match order::Entity::find_by_id(cert.order_id).one(db).await {
        Ok(Some(o)) => o.number,
        Ok(None) => return not_found(),
        Err(e) => return unavailable(&DomainError::Database(e)),
    };
    match domain::trade::store::order_detail(db, &caller, &order_number).await {
        Ok(_) => {}
        Err(DomainError::NotFound { .. }) => return not_found(),
        Err(e) => return unavailable(&e),
    }
    if format == "json" {
        return file_download(
            cert.credential.into_bytes(),
            "application/vc",
            &format!("{}.vc.json", cert.number),
        );
    }
    let issuer = state.app.issuer.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        register::render_pdf(&issuer, &cert, Utc::now()).map(|pdf| (pdf, cert.number))
    })
    .await;
    match rendered {
        Ok(Ok((pdf, number))) => file_download(pdf, "application/pdf", &format!("{number}.pdf")),
        Ok(Err(e)) => {
            tracing::error!(error = %e, number, "the e-CO PDF could not be drawn");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be produced just now. Please try again.",
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "the e-CO PDF task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
