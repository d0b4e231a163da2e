//! Server functions of the buying flow, one per file. Each resumes the session, turns it into
//! a `domain::trade::store::Caller` (a buyer acts for their company, staff for the exporter),
//! checks the CSRF token on writes and calls `domain::trade`. The same functions serve the
//! buyer pages and the admin panel: the caller decides what is seen and allowed.

mod get_buyer_context;
mod get_order;
mod get_order_eco;
mod get_order_shipment;
mod get_rfq;
mod get_rfq_product;
mod get_rfq_thread;
mod list_my_orders;
mod list_my_rfqs;
mod move_order;
mod search_ports;
mod submit_rfq;
mod take_quote_step;
mod take_rfq_step;
mod verify_certificate;
mod verify_document;

pub use get_buyer_context::{BuyerContext, get_buyer_context};
pub use get_order::get_order;
pub use get_order_eco::get_order_eco;
pub use get_order_shipment::{OrderShipment, get_order_shipment};
pub use get_rfq::get_rfq;
pub use get_rfq_product::{RfqProduct, get_rfq_product};
pub use get_rfq_thread::{RfqThread, get_rfq_thread};
pub use list_my_orders::list_my_orders;
pub use list_my_rfqs::list_my_rfqs;
pub use move_order::{MoveOrder, move_order};
pub use search_ports::search_ports;
pub use submit_rfq::{SubmitRfq, submit_rfq};
pub use take_quote_step::{QuoteStepDone, TakeQuoteStep, take_quote_step};
pub use take_rfq_step::{TakeRfqStep, take_rfq_step};
pub use verify_certificate::verify_certificate;
pub use verify_document::{MAX_UPLOAD_BYTES, VerifyDocument, verify_document};

/// Rows per page in the buyer's lists.
pub const PER_PAGE: u64 = 20;

/// The signed-in person as the buying flow's caller: staff (two-step rules applied) act for
/// the exporter; anyone else for their company (`company_id` empty until onboarding).
#[cfg(feature = "ssr")]
pub(crate) async fn caller() -> Result<
    (
        domain::auth::sessions::ActiveSession,
        domain::trade::store::Caller,
    ),
    crate::error::AppError,
> {
    use domain::trade::store::Caller;
    let s = crate::session::require_signed_in().await?;
    if s.user.role.is_staff() {
        let s = crate::session::require_staff().await?;
        let caller = Caller::staff(s.user.id, &s.user.email);
        return Ok((s, caller));
    }
    let db = crate::session::state()?.db.clone();
    let company = domain::auth::companies::company_of(&db, s.user.id).await?;
    let mut caller = Caller::buyer(s.user.id, &s.user.email, uuid::Uuid::nil());
    caller.company_id = company.and_then(|c| c.id.parse().ok());
    Ok((s, caller))
}

/// A staff caller, or 401/403.
#[cfg(feature = "ssr")]
pub(crate) async fn staff_caller() -> Result<
    (
        domain::auth::sessions::ActiveSession,
        domain::trade::store::Caller,
    ),
    crate::error::AppError,
> {
    let s = crate::session::require_staff().await?;
    let caller = domain::trade::store::Caller::staff(s.user.id, &s.user.email);
    Ok((s, caller))
}

/// A page number as lists accept it.
#[cfg(feature = "ssr")]
pub(crate) fn page_number(page: u64) -> u64 {
    page.clamp(1, 100_000)
}

/// A record number from the URL: letters, digits and dashes only, else "not found".
#[cfg(feature = "ssr")]
pub(crate) fn checked_number(number: &str) -> Result<String, crate::error::AppError> {
    let n = number.trim();
    if n.is_empty() || n.len() > 40 || !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(crate::error::AppError::NotFound);
    }
    Ok(n.to_owned())
}
