//! `GET /rfqs/{number}/quote.pdf?locale=…`: an RFQ's quote as a PDF in one of the UI's
//! languages, for the buyer company's members and staff only (anyone else gets 404, as for an
//! unknown number). The buyer gets the latest version sent to them, staff the current one
//! (a version not yet sent is marked as a draft). The words come from
//! `app::trade::quote_sheet`, the drawing from `domain::trade::quote_pdf` on the blocking pool.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use http::StatusCode;
use http::request::Parts;

use app::i18n::Locale;
use domain::DomainError;
use domain::trade::queries;

use crate::startup::ServerState;
use crate::trade_forms::{
    caller_of, file_download, is_record_number, not_found, signed_in_or_sign_in, unavailable,
};

#[derive(serde::Deserialize)]
pub struct PdfQuery {
    #[serde(default)]
    locale: Option<String>,
}

fn bad_language(tag: &str) -> Response {
    let known: Vec<&str> = Locale::ALL.iter().map(|l| l.tag()).collect();
    (
        StatusCode::BAD_REQUEST,
        format!(
            "The quote is not available in the language \"{tag}\". Use one of: {}.",
            known.join(", ")
        ),
    )
        .into_response()
}

/// `GET /rfqs/{number}/quote.pdf`.
pub async fn download(
    State(state): State<ServerState>,
    Path(number): Path<String>,
    Query(query): Query<PdfQuery>,
    parts: Parts,
) -> Response {
    if !is_record_number(&number) {
        return not_found();
    }
    let locale = match query.locale.as_deref().filter(|t| !t.is_empty()) {
        None => Locale::DEFAULT,
        Some(tag) => match Locale::from_tag(tag) {
            Some(l) => l,
            None => return bad_language(tag),
        },
    };
    let session = match signed_in_or_sign_in(
        &state,
        &parts,
        locale,
        app::paths::quote_pdf(&number, locale),
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
    let now = Utc::now();
    let rfq = match queries::rfq_detail(&state.app.db, &caller, &number, now).await {
        Ok(r) => r,
        Err(DomainError::NotFound { .. }) => return not_found(),
        Err(e) => return unavailable(&e),
    };
    let Some(quote) = rfq.quote.clone() else {
        return (
            StatusCode::NOT_FOUND,
            "This request has no quote yet: the PDF is there once the exporter has written one.",
        )
            .into_response();
    };
    let exporter = match domain::exporter::load(&state.app.db).await {
        Ok(p) => p,
        Err(e) => return unavailable(&e),
    };
    let sheet = app::trade::quote_sheet::quote_sheet(
        locale,
        &rfq,
        &quote,
        exporter.as_ref(),
        &state.app.site_name,
        now,
    );
    let rendered =
        tokio::task::spawn_blocking(move || domain::trade::quote_pdf::render(&sheet)).await;
    let pdf = match rendered {
        Ok(Ok((pdf, _pages))) => pdf,
        Ok(Err(e)) => {
            tracing::error!(error = %e, number, "the quote PDF could not be drawn");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be produced just now. Please try again.",
            )
                .into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "the quote PDF task failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let name = app::trade::quote_sheet::file_name(&quote, locale);
    file_download(pdf, "application/pdf", &name)
}
