//! `admin_certificate_action`: staff act on a certificate of the register — `revoke` it with
//! a reason (irreversible), `replace` it (revoke, and issue one that names it in `replaces`)
//! or `reissue` a revoked one that nothing replaced. Audited, in one transaction.

use leptos::prelude::*;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/admin_certificate_action")]
pub async fn admin_certificate_action(
    csrf: String,
    number: String,
    action: String,
    reason: String,
) -> Result<(), AppError> {
    let number = crate::trade::server_fns::checked_number(&number)?;
    let s = crate::session::require_staff().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let action = domain::issuance::browse::RegisterAction::parse(&action)?;
    let db = crate::session::state()?.db.clone();
    domain::issuance::browse::act(
        &db,
        &crate::session::actor(&s),
        crate::session::client_ip().as_deref(),
        &number,
        action,
        &reason,
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}
