//! `move_order`: staff move an order to its next status or cancel it with a reason; the buyer
//! confirms delivery (the guards of `domain::trade::order` apply).

use leptos::prelude::*;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/move_order")]
pub async fn move_order(
    csrf: String,
    number: String,
    to: String,
    reason: String,
) -> Result<String, AppError> {
    use domain::trade::order::OrderStatus;
    let number = super::checked_number(&number)?;
    let (s, caller) = super::caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let to = OrderStatus::parse(to.trim())
        .ok_or_else(|| AppError::BadRequest(format!("“{to}” is not an order status")))?;
    let reason = reason.trim();
    if reason.chars().count() > 2000 {
        return Err(AppError::BadRequest(
            "use at most 2000 characters".to_owned(),
        ));
    }
    let db = crate::session::state()?.db.clone();
    let to = domain::trade::store::transition_order(
        &db,
        &caller,
        &number,
        to,
        (!reason.is_empty()).then_some(reason),
        chrono::Utc::now(),
    )
    .await?;
    Ok(to.as_str().to_owned())
}
