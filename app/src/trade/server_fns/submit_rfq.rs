//! `submit_rfq`: a buyer sends the RFQ form for their company; returns the RFQ number.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use domain::trade::forms::RfqForm;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/submit_rfq", input = Json)]
pub async fn submit_rfq(csrf: String, form: RfqForm) -> Result<String, AppError> {
    let (s, caller) = super::caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::trade::store::submit_rfq(&db, &caller, &form, chrono::Utc::now()).await?)
}
