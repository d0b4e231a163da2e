//! `take_rfq_step`: a step on an RFQ other than quoting — staff ask for information or
//! decline (with a reason); the buyer answers or withdraws.

use leptos::prelude::*;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/take_rfq_step")]
pub async fn take_rfq_step(
    csrf: String,
    number: String,
    step: String,
    reason: String,
) -> Result<String, AppError> {
    use domain::trade::rfq::RfqStep;
    let number = super::checked_number(&number)?;
    let (s, caller) = super::caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let step = match step.as_str() {
        "request_info" => RfqStep::RequestInfo,
        "provide_info" => RfqStep::ProvideInfo,
        "decline" => RfqStep::Decline,
        "cancel" => RfqStep::Cancel,
        other => {
            return Err(AppError::BadRequest(format!(
                "“{other}” is not a step on a request for quotation"
            )));
        }
    };
    let reason = reason.trim();
    if reason.chars().count() > 2000 {
        return Err(AppError::BadRequest(
            "use at most 2000 characters".to_owned(),
        ));
    }
    let db = crate::session::state()?.db.clone();
    let to = domain::trade::store::rfq_step(
        &db,
        &caller,
        &number,
        step,
        (!reason.is_empty()).then_some(reason),
        chrono::Utc::now(),
    )
    .await?;
    Ok(to.as_str().to_owned())
}
