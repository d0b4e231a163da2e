//! `admin_assign_rfq`: gives an RFQ to a staff member (empty: to nobody).

use leptos::prelude::*;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/admin_assign_rfq")]
pub async fn admin_assign_rfq(
    csrf: String,
    number: String,
    assignee: String,
) -> Result<(), AppError> {
    let number = crate::trade::server_fns::checked_number(&number)?;
    let (s, caller) = crate::trade::server_fns::staff_caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let assignee = match assignee.trim() {
        "" => None,
        id => Some(id.parse().map_err(|_| {
            AppError::BadRequest("pick a member of staff from the list".to_owned())
        })?),
    };
    let db = crate::session::state()?.db.clone();
    domain::trade::store::assign_rfq(&db, &caller, &number, assignee, chrono::Utc::now()).await?;
    Ok(())
}
