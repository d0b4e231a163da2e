//! `admin_quote_form`: the quote editor's starting terms — the current version, or the
//! RFQ's lines priced from the catalog — and whether the quote can be edited now.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::trade::forms::QuoteForm;

use crate::error::AppError;

/// The editor's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteEditorData {
    pub form: QuoteForm,
    /// The quote's number once a draft exists.
    pub quote_number: Option<String>,
    /// The quote's stored status (`draft`, `revised`, …), `None` before the first draft.
    pub status: Option<String>,
    pub version: Option<i32>,
}

#[server(prefix = "/sf")]
pub async fn admin_quote_form(rfq_number: String) -> Result<QuoteEditorData, AppError> {
    let number = crate::trade::server_fns::checked_number(&rfq_number)?;
    let (_, caller) = crate::trade::server_fns::staff_caller().await?;
    let db = crate::session::state()?.db.clone();
    let now = chrono::Utc::now();
    let (form, quote_number) =
        domain::trade::queries::quote_form(&db, &caller, &number, now.date_naive()).await?;
    let detail = domain::trade::queries::rfq_detail(&db, &caller, &number, now).await?;
    Ok(QuoteEditorData {
        form,
        quote_number,
        status: detail.quote.as_ref().map(|q| q.status.clone()),
        version: detail.quote.as_ref().map(|q| q.current_version),
    })
}
