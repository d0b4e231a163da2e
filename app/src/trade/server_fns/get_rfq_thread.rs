//! `get_rfq_thread`: the RFQ's messages, oldest first, and the CSRF token the page's message
//! form posts with.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::trade::views::MessageView;

use crate::error::AppError;

/// The thread as the RFQ page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqThread {
    pub messages: Vec<MessageView>,
    pub csrf: String,
}

#[server(prefix = "/sf")]
pub async fn get_rfq_thread(number: String) -> Result<RfqThread, AppError> {
    let number = super::checked_number(&number)?;
    let (session, caller) = super::caller().await?;
    let db = crate::session::state()?.db.clone();
    let messages = domain::trade::messages::thread(&db, &caller, &number).await?;
    Ok(RfqThread {
        messages,
        csrf: session.csrf_token.clone(),
    })
}
