//! `get_rfq`: one RFQ with its lines, history and the quote version the caller may see.

use leptos::prelude::*;

use domain::trade::views::RfqDetail;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn get_rfq(number: String) -> Result<RfqDetail, AppError> {
    let number = super::checked_number(&number)?;
    let (_, caller) = super::caller().await?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::trade::queries::rfq_detail(&db, &caller, &number, chrono::Utc::now()).await?)
}
