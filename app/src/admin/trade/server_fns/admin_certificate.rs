//! `admin_certificate`: one certificate of the e-CO register with its order's issuance jobs.

use leptos::prelude::*;

use domain::trade::views::RegisterDetail;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn admin_certificate(number: String) -> Result<RegisterDetail, AppError> {
    let number = crate::trade::server_fns::checked_number(&number)?;
    crate::session::require_staff().await?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::issuance::browse::detail(&db, &number).await?)
}
