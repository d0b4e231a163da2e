//! `list_my_orders`: a page of the orders the caller may see (a buyer: their company's),
//! most recently changed first, optionally in one status.

use leptos::prelude::*;

use domain::trade::views::OrderRow;
use domain::views::Paged;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn list_my_orders(status: String, page: u64) -> Result<Paged<OrderRow>, AppError> {
    use domain::trade::order::OrderStatus;
    let (_, caller) = super::caller().await?;
    let status = match status.trim() {
        "" => None,
        s => Some(
            OrderStatus::parse(s)
                .ok_or_else(|| AppError::BadRequest(format!("“{s}” is not an order status")))?,
        ),
    };
    let page = super::page_number(page);
    if caller.party == domain::trade::Party::Buyer && caller.company_id.is_none() {
        return Ok(Paged {
            items: Vec::new(),
            total: 0,
            page,
            per_page: super::PER_PAGE,
        });
    }
    let query = domain::trade::store::OrderQuery {
        status,
        page,
        per_page: super::PER_PAGE,
        ..Default::default()
    };
    let db = crate::session::state()?.db.clone();
    let (items, total) = domain::trade::store::list_orders(&db, &caller, &query).await?;
    Ok(Paged {
        items,
        total,
        page,
        per_page: super::PER_PAGE,
    })
}
