//! `admin_eco_preflight`: what the certificate of origin of an order would still lack if it
//! were cleared for export now (the e-CO builder run without signing), line by line.

use leptos::prelude::*;

use domain::trade::views::EcoProblem;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn admin_eco_preflight(number: String) -> Result<Vec<EcoProblem>, AppError> {
    let number = crate::trade::server_fns::checked_number(&number)?;
    let (_, caller) = crate::trade::server_fns::staff_caller().await?;
    let db = crate::session::state()?.db.clone();
    // The order page's own lookup decides whether the order exists.
    domain::trade::store::order_detail(&db, &caller, &number).await?;
    Ok(
        domain::issuance::input::preflight_order(&db, &number, chrono::Utc::now().date_naive())
            .await?
            .into_iter()
            .map(|p| EcoProblem {
                line: p.line,
                field: p.field,
                problem: p.problem,
                fix: p.fix,
            })
            .collect(),
    )
}
