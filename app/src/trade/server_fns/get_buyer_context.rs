//! `get_buyer_context`: who fills in the RFQ form — nobody yet, staff, or a buyer with or
//! without a company — and the CSRF token for sending it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The signed-in person as the RFQ form needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerContext {
    pub csrf: String,
    pub staff: bool,
    /// The buyer company's name; `None` before onboarding.
    pub company: Option<String>,
}

#[server(prefix = "/sf")]
pub async fn get_buyer_context() -> Result<Option<BuyerContext>, AppError> {
    let Some(s) = crate::session::current().await? else {
        return Ok(None);
    };
    let db = crate::session::state()?.db.clone();
    let company = if s.user.role.is_staff() {
        None
    } else {
        domain::auth::companies::company_of(&db, s.user.id)
            .await?
            .map(|c| c.name)
    };
    Ok(Some(BuyerContext {
        csrf: s.csrf_token.clone(),
        staff: s.user.role.is_staff(),
        company,
    }))
}
