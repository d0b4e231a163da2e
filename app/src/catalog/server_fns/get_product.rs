//! `get_product`: one product page's data by slug, `None` when there is no such product.

use leptos::prelude::*;

use domain::catalog::model::ProductDetail;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn get_product(locale: String, slug: String) -> Result<Option<ProductDetail>, AppError> {
    let locale = super::checked_locale(&locale)?;
    if domain::codes::Slug::parse(&slug).is_err() {
        return Ok(None);
    }
    let catalog = super::state()?.catalog.clone();
    let mut product = catalog
        .product_by_slug(locale.tag(), &slug)
        .await?
        .as_ref()
        .clone();
    if let Some(p) = product.as_mut() {
        let master = domain::logistics::locations::LocationMaster::embedded();
        p.port_of_loading_name = master.get(&p.port_of_loading).map(|port| port.name.clone());
    }
    Ok(product)
}
