//! `POST /logistics/feeds/{name}/edifact`: the admin panel's EDIFACT upload form (multipart:
//! `csrf`, `locale`, `file`), for a partner that sends its IFTSTA / COARRI / CODECO files by
//! mail or SFTP instead of the webhook. Staff only (with two-step sign-in where required); the
//! file goes through the same parsing and the same one-transaction store as
//! `POST /webhooks/edifact/{name}` (`crate::webhooks::receive_edifact`) and is recorded as a
//! delivery of the source. There is no signature to check: the session and its CSRF token
//! stand for the sender.
//!
//! The answer is a 303 back to the source's page with the outcome in the query
//! (`app::admin::logistics::UploadOutcome`), so the form works without JavaScript.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use http::StatusCode;
use http::request::Parts;

use app::i18n::Locale;
use domain::logistics::adapters::MAX_BODY_BYTES;
use domain::shipments::{self, FeedKind};

use crate::auth::{locale_of, see_other};
use crate::startup::ServerState;

/// The largest upload request: the adapters' limit and the form's own fields.
pub const MAX_UPLOAD_REQUEST_BYTES: usize = MAX_BODY_BYTES + 64 * 1024;

/// The most characters of a parser's message carried back in the query.
const DETAIL_CHARS: usize = 300;

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/logistics/feeds/{name}/edifact", post(upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_REQUEST_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_UPLOAD_REQUEST_BYTES,
        ))
}

#[derive(Default)]
struct UploadForm {
    csrf: String,
    locale: String,
    file: Option<(String, Vec<u8>)>,
}

async fn read_form(mut multipart: Multipart) -> Result<UploadForm, StatusCode> {
    let mut form = UploadForm::default();
    let failed = |e: axum::extract::multipart::MultipartError| e.status();
    while let Some(field) = multipart.next_field().await.map_err(failed)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(failed)?;
                if !(name.is_empty() && bytes.is_empty()) {
                    form.file = Some((name, bytes.to_vec()));
                }
            }
            "csrf" => form.csrf = field.text().await.map_err(failed)?,
            "locale" => form.locale = field.text().await.map_err(failed)?,
            _ => {}
        }
    }
    Ok(form)
}

/// The source's page with the outcome.
fn back(locale: Locale, name: &str, outcome: &[(&str, Option<String>)]) -> Response {
    let page = app::paths::admin_feed(locale, name);
    see_other(&format!(
        "{}#feed-upload",
        app::paths::with_query(&page, outcome)
    ))
}

fn failed(locale: Locale, name: &str, code: &str, detail: Option<String>) -> Response {
    back(
        locale,
        name,
        &[
            ("upload_error", Some(code.to_owned())),
            (
                "upload_detail",
                detail.map(|d| d.chars().take(DETAIL_CHARS).collect()),
            ),
        ],
    )
}

async fn upload(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    if domain::shipments::sources::validate_name(&name).is_err() {
        return crate::trade_forms::not_found();
    }
    let form = match read_form(multipart).await {
        Ok(f) => f,
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            // Nothing was read that names the language: the page the form was on does.
            let referer = parts
                .headers
                .get(http::header::REFERER)
                .and_then(|r| r.to_str().ok())
                .and_then(|r| r.parse::<http::Uri>().ok())
                .map(|u| u.path().to_owned());
            let locale = locale_of(None, referer.as_deref());
            return failed(locale, &name, "too_large", None);
        }
        Err(_) => {
            return (
                StatusCode::BAD_REQUEST,
                "The form could not be read: send it again from the feed's page.",
            )
                .into_response();
        }
    };
    let locale = locale_of(Some(&form.locale), None);
    let page = app::paths::admin_feed(locale, &name);
    let session =
        match crate::auth::account::signed_in_form(&state, &parts, &form.csrf, locale, &page).await
        {
            Ok(s) => s,
            Err(res) => return res,
        };
    if !session.user.role.is_staff() || app::session::staff_two_factor_missing(&state.app, &session)
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    let source = match shipments::sources::find(&state.app.db, &name).await {
        Ok(Some(s)) => s,
        Ok(None) => return crate::trade_forms::not_found(),
        Err(e) => return crate::trade_forms::unavailable(&e),
    };
    if source.kind != FeedKind::Edifact {
        return failed(locale, &name, "not_edifact", None);
    }
    if !source.enabled {
        return failed(locale, &name, "disabled", None);
    }
    let Some((_, bytes)) = form.file.filter(|(_, b)| !b.is_empty()) else {
        return failed(locale, &name, "required", None);
    };
    match crate::webhooks::receive_edifact(&state, &source, &bytes).await {
        Ok(report) => {
            tracing::info!(source = %source.name, user = %session.user.email, events = report.events, "EDIFACT file uploaded");
            back(
                locale,
                &name,
                &[
                    ("upload", Some("stored".to_owned())),
                    ("events", Some(report.events.to_string())),
                    ("inserted", Some(report.inserted.to_string())),
                    ("updated", Some(report.updated.to_string())),
                    ("duplicates", Some(report.duplicates.to_string())),
                ],
            )
        }
        Err(res) => {
            // The refusal was recorded as a delivery; its problem detail is what to show.
            let status = res.status();
            let body = axum::body::to_bytes(res.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            let detail = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned));
            let code = if status.is_server_error() {
                "unavailable"
            } else {
                "rejected"
            };
            failed(locale, &name, code, detail)
        }
    }
}
