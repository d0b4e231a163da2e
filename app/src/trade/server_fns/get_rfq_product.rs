//! `get_rfq_product`: what the RFQ form needs to add a catalog product as a line (its id,
//! name in the page's language, unit and quantity rule).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A catalog product as an RFQ line starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqProduct {
    pub id: String,
    pub slug: String,
    pub sku: String,
    pub name: String,
    /// UN/ECE Rec 20 unit code.
    pub unit: String,
    pub moq: u64,
    pub increment: u64,
    pub currency: String,
}

#[server(prefix = "/sf")]
pub async fn get_rfq_product(locale: String, slug: String) -> Result<Option<RfqProduct>, AppError> {
    let locale = crate::i18n::Locale::from_tag(&locale).ok_or(AppError::NotFound)?;
    if domain::codes::Slug::parse(&slug).is_err() {
        return Ok(None);
    }
    let state = crate::session::state()?;
    let Some(id) = domain::trade::queries::published_product_id(&state.db, &slug).await? else {
        return Ok(None);
    };
    let detail = state.catalog.product_by_slug(locale.tag(), &slug).await?;
    Ok(detail.as_ref().as_ref().map(|p| RfqProduct {
        id: id.to_string(),
        slug: p.slug.clone(),
        sku: p.sku.clone(),
        name: p.name.clone(),
        unit: p.unit.as_str().to_owned(),
        moq: p.quantity_rule.moq,
        increment: p.quantity_rule.increment,
        currency: p.currency.code().to_owned(),
    }))
}
