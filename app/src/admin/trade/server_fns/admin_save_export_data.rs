//! `admin_save_export_data`: an order's invoice, port of loading and shipment references
//! (what `export_cleared` needs).

use leptos::prelude::*;

use domain::trade::forms::ExportDataForm;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/admin_save_export_data")]
pub async fn admin_save_export_data(
    csrf: String,
    number: String,
    form: ExportDataForm,
) -> Result<(), AppError> {
    let number = crate::trade::server_fns::checked_number(&number)?;
    let (s, caller) = crate::trade::server_fns::staff_caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let db = crate::session::state()?.db.clone();
    domain::trade::store::save_export_data(&db, &caller, &number, &form, chrono::Utc::now())
        .await?;
    Ok(())
}
