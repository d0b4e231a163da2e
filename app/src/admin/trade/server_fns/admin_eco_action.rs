//! `admin_eco_action`: staff act on an order's certificate of origin — `retry` after fixing
//! the data it lacked, `revoke` it with a reason (irreversible), or `replace` it (revoke and
//! issue a new one that names it in `replaces`).

use leptos::prelude::*;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/admin_eco_action")]
pub async fn admin_eco_action(
    csrf: String,
    number: String,
    action: String,
    reason: String,
) -> Result<(), AppError> {
    let number = crate::trade::server_fns::checked_number(&number)?;
    let (s, caller) = crate::trade::server_fns::staff_caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let db = crate::session::state()?.db.clone();
    let now = chrono::Utc::now();
    match action.as_str() {
        "retry" => domain::issuance::register::retry_order(&db, &number, now).await?,
        "revoke" | "replace" => {
            let eco = domain::trade::store::order_detail(&db, &caller, &number)
                .await?
                .eco
                .and_then(|e| e.number.filter(|_| e.state == "issued"))
                .ok_or_else(|| {
                    AppError::BadRequest("this order has no valid certificate to revoke".to_owned())
                })?;
            domain::issuance::browse::act(
                &db,
                &crate::session::actor(&s),
                crate::session::client_ip().as_deref(),
                &eco,
                domain::issuance::browse::RegisterAction::parse(&action)?,
                &reason,
                now,
            )
            .await?;
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "“{other}” is not an e-CO action (retry, revoke or replace)"
            )));
        }
    }
    Ok(())
}
