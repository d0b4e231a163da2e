//! `admin_staff_members`: the staff an RFQ can be assigned to.

use leptos::prelude::*;

use domain::trade::views::StaffRef;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn admin_staff_members() -> Result<Vec<StaffRef>, AppError> {
    crate::session::require_staff().await?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::trade::queries::staff_members(&db).await?)
}
