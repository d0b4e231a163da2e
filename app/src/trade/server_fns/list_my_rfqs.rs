//! `list_my_rfqs`: a page of the buyer company's RFQs, newest first, with their quotes'
//! buyer-facing status.

use leptos::prelude::*;

use domain::trade::views::RfqRow;
use domain::views::Paged;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn list_my_rfqs(page: u64) -> Result<Paged<RfqRow>, AppError> {
    let (_, caller) = super::caller().await?;
    let page = super::page_number(page);
    if caller.party == domain::trade::Party::Buyer && caller.company_id.is_none() {
        return Ok(Paged {
            items: Vec::new(),
            total: 0,
            page,
            per_page: super::PER_PAGE,
        });
    }
    let query = domain::trade::queries::RfqQuery {
        page,
        per_page: super::PER_PAGE,
        ..Default::default()
    };
    let db = crate::session::state()?.db.clone();
    let (items, total) =
        domain::trade::queries::list_rfqs(&db, &caller, &query, chrono::Utc::now()).await?;
    Ok(Paged {
        items,
        total,
        page,
        per_page: super::PER_PAGE,
    })
}
