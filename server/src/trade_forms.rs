//! The buying flow's plain-HTTP routes for the browser (they work without JavaScript):
//!
//! - `POST /rfqs/{number}/messages`: the RFQ page's message form (multipart: `csrf`,
//!   `locale`, `body`, `files`), for the buyer company and staff alike; the files go under
//!   `PORTFRONT_DATA_DIR/attachments/` through `domain::trade::messages::post_message`. The
//!   answer is a 303 back to the RFQ page of the sender's side with the outcome in the query
//!   (`app::trade::messages::MessageOutcome`).
//! - `GET /attachments/{id}`: a message's file, to the buyer company's members and staff only
//!   (anyone else gets 404, as for an unknown id), always as a download
//!   (`Content-Disposition: attachment`, `nosniff`, a CSP that runs nothing).
//!
//! - `GET /rfqs/{number}/quote.pdf?locale=…`: the RFQ's quote as a PDF in one of the UI's
//!   languages, to the same two parties (`crate::quote_pdf`).
//! - `GET /notifications/{id}?locale=…`: marks the person's notification read and sends them
//!   to the RFQ or order page of their side; `POST /notifications/read-all` (`csrf`,
//!   `locale`) marks them all read.
//!
//! The first two build the `domain::trade::store::Caller` from the session as the server functions do
//! (`app::trade::server_fns`).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};

use app::i18n::Locale;
use domain::DomainError;
use domain::auth::sessions::ActiveSession;
use domain::trade::Party;
use domain::trade::messages::{
    self, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_BODY_CHARS, Upload,
};
use domain::trade::store::Caller;

use crate::auth::{locale_of, see_other};
use crate::startup::ServerState;

/// The largest message request: every file at its limit, the text and the form's overhead.
pub const MAX_MESSAGE_REQUEST_BYTES: usize =
    MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 4 * MAX_BODY_CHARS + 64 * 1024;

/// The routes, each with the body limit it needs (the message form's is larger than the
/// site's default, `PORTFRONT_MAX_BODY_BYTES`, which every other route keeps).
pub fn router() -> Router<ServerState> {
    let uploads = Router::new()
        .route("/rfqs/{number}/messages", post(post_message))
        .layer(DefaultBodyLimit::max(MAX_MESSAGE_REQUEST_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_MESSAGE_REQUEST_BYTES,
        ));
    Router::new()
        .route("/attachments/{id}", get(download))
        .route("/rfqs/{number}/quote.pdf", get(crate::quote_pdf::download))
        .route("/notifications/read-all", post(read_all_notifications))
        .route("/notifications/{id}", get(open_notification))
        .merge(uploads)
}

/// What the message form sent.
#[derive(Default)]
struct MessageForm {
    csrf: String,
    locale: String,
    body: String,
    files: Vec<Upload>,
}

/// Why a form could not be read.
enum ReadError {
    TooLarge,
    Malformed,
}

async fn read_form(mut multipart: Multipart) -> Result<MessageForm, ReadError> {
    let mut form = MessageForm::default();
    let failed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ReadError::TooLarge
        } else {
            ReadError::Malformed
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "files" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(failed)?;
                // A file input with nothing chosen still sends an empty, nameless part.
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                form.files.push(Upload {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
            "csrf" | "locale" | "body" => {
                let text = field.text().await.map_err(failed)?;
                match name.as_str() {
                    "csrf" => form.csrf = text,
                    "locale" => form.locale = text,
                    _ => form.body = text,
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// The request's session, or the answer: to the sign-in page (in `locale`) with `next` to
/// come back to, or 503 when the session cannot be read.
pub(crate) async fn signed_in_or_sign_in(
    state: &ServerState,
    parts: &Parts,
    locale: Locale,
    next: String,
) -> Result<ActiveSession, Response> {
    match app::session::resume_for_request(&state.app, &parts.headers, &parts.extensions).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(see_other(&app::paths::with_query(
            &app::paths::sign_in(locale),
            &[("next", Some(next))],
        ))),
        Err(e) => Err(unavailable(&e)),
    }
}

/// The buying flow's caller for a signed-in session: staff act for the exporter (when the
/// two-step rule lets them into the admin panel), anyone else for their company.
pub(crate) async fn caller_of(
    state: &ServerState,
    session: &ActiveSession,
) -> Result<Caller, Response> {
    if session.user.role.is_staff() {
        if app::session::staff_two_factor_missing(&state.app, session) {
            return Err(StatusCode::FORBIDDEN.into_response());
        }
        return Ok(Caller::staff(session.user.id, &session.user.email));
    }
    let company = domain::auth::companies::company_of(&state.app.db, session.user.id)
        .await
        .map_err(|e| unavailable(&e))?;
    let mut caller = Caller::buyer(session.user.id, &session.user.email, uuid::Uuid::nil());
    caller.company_id = company.and_then(|c| c.id.parse().ok());
    Ok(caller)
}

pub(crate) fn unavailable(e: &DomainError) -> Response {
    tracing::error!(error = %e, "buying-flow form failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The service is unavailable just now. Please try again.",
    )
        .into_response()
}

pub(crate) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found.").into_response()
}

/// The RFQ page of the caller's side, with the form's outcome.
fn back_to(
    locale: Locale,
    party: Party,
    number: &str,
    outcome: &[(&str, Option<String>)],
) -> String {
    let page = if party == Party::Staff {
        app::paths::admin_rfq(locale, number)
    } else {
        app::paths::rfq(locale, number)
    };
    format!("{}#messages", app::paths::with_query(&page, outcome))
}

/// The session of a request whose form carried the right CSRF token, else the answer.
async fn session_for(
    state: &ServerState,
    parts: &Parts,
    csrf: &str,
    locale: Locale,
    page: &str,
) -> Result<ActiveSession, Response> {
    crate::auth::account::signed_in_form(state, parts, csrf, locale, page).await
}

/// `POST /rfqs/{number}/messages`.
async fn post_message(
    State(state): State<ServerState>,
    Path(number): Path<String>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    if !is_record_number(&number) {
        return not_found();
    }
    let form = match read_form(multipart).await {
        Ok(f) => f,
        Err(ReadError::TooLarge) => {
            // Nothing was read that says who sent it: back to the RFQ page the form was on.
            let (locale, party) = sending_page(&parts.headers, &number);
            return see_other(&back_to(
                locale,
                party,
                &number,
                &[("message_error", Some("request_too_large".into()))],
            ));
        }
        Err(ReadError::Malformed) => {
            return (
                StatusCode::BAD_REQUEST,
                "The form could not be read: send it again from the RFQ page.",
            )
                .into_response();
        }
    };
    let locale = locale_of(Some(&form.locale), None);
    let page = app::paths::rfq(locale, &number);
    let session = match session_for(&state, &parts, &form.csrf, locale, &page).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let caller = match caller_of(&state, &session).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let posted = messages::post_message(
        &state.app.db,
        &state.data_dir,
        &caller,
        &number,
        &form.body,
        &form.files,
        Utc::now(),
    )
    .await;
    match posted {
        Ok(_) => see_other(&back_to(
            locale,
            caller.party,
            &number,
            &[("message_sent", Some("1".into()))],
        )),
        Err(DomainError::Fields(errors)) => {
            let first = errors.first();
            let code = first.map_or("unavailable", |e| e.code.as_str());
            // `files[i]` names the file the error is about.
            let file = first
                .and_then(|e| e.field.strip_prefix("files["))
                .and_then(|i| i.trim_end_matches(']').parse::<usize>().ok())
                .and_then(|i| form.files.get(i))
                .map(|f| shown_file_name(&f.file_name));
            see_other(&back_to(
                locale,
                caller.party,
                &number,
                &[
                    ("message_error", Some(code.to_owned())),
                    ("message_file", file),
                ],
            ))
        }
        Err(DomainError::NotFound { .. }) => not_found(),
        Err(DomainError::Forbidden(_)) => StatusCode::FORBIDDEN.into_response(),
        Err(e) => {
            tracing::error!(error = %e, rfq = %number, "cannot post a message");
            see_other(&back_to(
                locale,
                caller.party,
                &number,
                &[("message_error", Some("unavailable".into()))],
            ))
        }
    }
}

/// The uploaded name as an error message quotes it: without its path, at most 80 characters.
fn shown_file_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect()
}

/// The locale and side of the RFQ page a form came from (its `Referer`): the admin panel's
/// page means staff; anything else the buyer's page in the default locale.
fn sending_page(headers: &http::HeaderMap, number: &str) -> (Locale, Party) {
    let path = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse::<http::Uri>().ok())
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    match app::paths::split_locale(&path) {
        Some((locale, _)) if path == app::paths::admin_rfq(locale, number) => {
            (locale, Party::Staff)
        }
        Some((locale, _)) => (locale, Party::Buyer),
        None => (Locale::DEFAULT, Party::Buyer),
    }
}

/// Record numbers are letters, digits and dashes (`RFQ-2026-00012`).
pub(crate) fn is_record_number(n: &str) -> bool {
    !n.is_empty() && n.len() <= 40 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `GET /attachments/{id}`.
async fn download(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return not_found();
    };
    let session = match signed_in_or_sign_in(
        &state,
        &parts,
        locale_of(None, None),
        app::paths::attachment(&id.to_string()),
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
    let (file, path) =
        match messages::attachment_for(&state.app.db, &state.data_dir, &caller, id).await {
            Ok(found) => found,
            Err(DomainError::NotFound { .. }) => return not_found(),
            Err(e) => return unavailable(&e),
        };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "an attachment's file is missing");
            return not_found();
        }
    };
    file_download(bytes, &file.content_type, &file.file_name)
}

/// A private file as a download: its type, `Content-Disposition: attachment` with its name,
/// `nosniff`, a CSP that runs nothing, never stored by caches.
pub(crate) fn file_download(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&content_disposition(file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

#[derive(serde::Deserialize)]
struct LocaleQuery {
    #[serde(default)]
    locale: String,
}

/// `GET /notifications/{id}`.
async fn open_notification(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<LocaleQuery>,
    parts: Parts,
) -> Response {
    let locale = locale_of(Some(&query.locale), None);
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return not_found();
    };
    let session =
        match signed_in_or_sign_in(&state, &parts, locale, app::paths::notifications(locale)).await
        {
            Ok(s) => s,
            Err(res) => return res,
        };
    let n = match domain::notify::open(&state.app.db, session.user.id, id, Utc::now()).await {
        Ok(n) => n,
        Err(DomainError::NotFound { .. }) => return not_found(),
        Err(e) => return unavailable(&e),
    };
    let about_order = matches!(n.kind.as_str(), "order_transitioned" | "eco_issued");
    let kind = match (session.user.role.is_staff(), about_order) {
        (true, true) => domain::notify::PathKind::StaffOrder,
        (true, false) => domain::notify::PathKind::StaffRfq,
        (false, true) => domain::notify::PathKind::BuyerOrder,
        (false, false) => domain::notify::PathKind::BuyerRfq,
    };
    see_other(&app::mail::link_path(locale, kind, &n.number))
}

#[derive(serde::Deserialize)]
struct ReadAllForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    locale: String,
}

/// `POST /notifications/read-all`.
async fn read_all_notifications(
    State(state): State<ServerState>,
    parts: Parts,
    axum::Form(form): axum::Form<ReadAllForm>,
) -> Response {
    let locale = locale_of(Some(&form.locale), None);
    let page = app::paths::notifications(locale);
    let session = match session_for(&state, &parts, &form.csrf, locale, &page).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    match domain::notify::read_all(&state.app.db, session.user.id, Utc::now()).await {
        Ok(_) => see_other(&app::paths::with_query(
            &page,
            &[("read", Some("1".into()))],
        )),
        Err(e) => unavailable(&e),
    }
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name>`
/// (RFC 6266), so every browser saves the file under its name, in any script.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_keep_their_name_in_any_script() {
        assert_eq!(
            content_disposition("spec sheet.pdf"),
            "attachment; filename=\"spec sheet.pdf\"; filename*=UTF-8''spec%20sheet.pdf"
        );
        assert_eq!(
            content_disposition("図面.pdf"),
            "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E5%9B%B3%E9%9D%A2.pdf"
        );
    }

    #[test]
    fn record_numbers_are_plain() {
        assert!(is_record_number("RFQ-2026-00001"));
        assert!(!is_record_number("../x"));
        assert!(!is_record_number(""));
    }
}
