//! `take_quote_step`: a step on a quote — the buyer accepts (the order is created), declines
//! or counters the version they looked at; staff send, revise or re-quote.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use domain::trade::forms::CounterForm;

use crate::error::AppError;

/// Where the quote stands after the step, and the order an acceptance created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteStepDone {
    pub status: String,
    pub order_number: Option<String>,
}

#[server(prefix = "/sf", endpoint = "act/take_quote_step", input = Json)]
pub async fn take_quote_step(
    csrf: String,
    number: String,
    step: String,
    version: Option<i32>,
    reason: String,
    counter: Option<CounterForm>,
) -> Result<QuoteStepDone, AppError> {
    use domain::trade::quote::QuoteStep;
    use domain::trade::store::StepInput;
    let number = super::checked_number(&number)?;
    let (s, caller) = super::caller().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let step = match step.as_str() {
        "send" => QuoteStep::Send,
        "counter" => QuoteStep::Counter,
        "revise" => QuoteStep::Revise,
        "accept" => QuoteStep::Accept,
        "decline" => QuoteStep::Decline,
        "requote" => QuoteStep::Requote,
        other => {
            return Err(AppError::BadRequest(format!(
                "“{other}” is not a step on a quote"
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
    let (status, order_number) = domain::trade::store::quote_step(
        &db,
        &caller,
        &number,
        step,
        StepInput {
            version,
            reason: (!reason.is_empty()).then_some(reason),
            counter: counter.as_ref(),
        },
        chrono::Utc::now(),
    )
    .await?;
    Ok(QuoteStepDone {
        status: status.as_str().to_owned(),
        order_number,
    })
}
