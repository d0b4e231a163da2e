//! `get_order_eco`: the state of an order's certificate of origin, asked again by the order
//! page while it is being issued (the order's parties only).

use leptos::prelude::*;

use domain::trade::views::OrderEco;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn get_order_eco(number: String) -> Result<Option<OrderEco>, AppError> {
    let number = super::checked_number(&number)?;
    let (_, caller) = super::caller().await?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::trade::store::order_detail(&db, &caller, &number)
        .await?
        .eco)
}
