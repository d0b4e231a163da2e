//! `get_order`: one order with its lines, amounts and status history (its buyer's members and
//! staff; anyone else gets "not found").

use leptos::prelude::*;

use domain::trade::views::OrderDetail;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn get_order(number: String) -> Result<OrderDetail, AppError> {
    let number = super::checked_number(&number)?;
    let (_, caller) = super::caller().await?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::trade::store::order_detail(&db, &caller, &number).await?)
}
