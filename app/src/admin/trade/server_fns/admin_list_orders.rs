//! `admin_list_orders`: every buyer's orders, most recently changed first, optionally in one
//! status.

use leptos::prelude::*;

use domain::trade::views::OrderRow;
use domain::views::Paged;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn admin_list_orders(status: String, page: u64) -> Result<Paged<OrderRow>, AppError> {
    crate::session::require_staff().await?;
    crate::trade::server_fns::list_my_orders(status, page).await
}
