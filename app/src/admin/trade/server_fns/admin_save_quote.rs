//! `admin_save_quote`: writes the RFQ's quote draft (or the revision being prepared);
//! returns the quote number. Sending is a separate step (`take_quote_step`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use domain::trade::forms::QuoteForm;

use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "act/admin_save_quote", input = Json)]
pub async fn admin_save_quote(
    csrf: String,
    rfq_number: String,
    form: QuoteForm,
) -> Result<String, AppError> {
    let number = crate::trade::server_fns::checked_number(&rfq_number)?;
    let (s, caller) = crate::trade::server_fns::staff_caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::trade::store::save_quote(&db, &caller, &number, &form, chrono::Utc::now()).await?)
}
