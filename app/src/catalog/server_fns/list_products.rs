//! `list_products`: one page of the catalog listing, with the data its filters need.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::catalog::model::{CategorySummary, ListingParams, Page, ProductCard, ProductFilter};
use domain::codes::CountryCode;

use crate::error::AppError;

/// A listing page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingData {
    pub results: Page<ProductCard>,
    /// The filter as understood (normalised), for the form and the pagination links.
    pub filter: ProductFilter,
    /// Every category, for the category filter.
    pub categories: Vec<CategorySummary>,
    /// Countries products come from, for the origin filter.
    pub origins: Vec<CountryCode>,
    /// The category whose page this is (category pages only).
    pub category: Option<CategorySummary>,
}

/// `category_page` is set on `/categories/{slug}`: it must exist, and it fixes the category.
#[server(prefix = "/sf")]
pub async fn list_products(
    locale: String,
    params: ListingParams,
    category_page: Option<String>,
) -> Result<ListingData, AppError> {
    let locale = super::checked_locale(&locale)?;
    let catalog = super::state()?.catalog.clone();
    let categories = catalog
        .list_categories(locale.tag())
        .await?
        .as_ref()
        .clone();
    let category = match &category_page {
        None => None,
        Some(slug) => Some(
            categories
                .iter()
                .find(|c| &c.slug == slug)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
    };
    let mut params = params;
    if let Some(c) = &category {
        params.category = Some(c.slug.clone());
    }
    let filter = ProductFilter::parse(&params).map_err(AppError::BadFilter)?;
    if let Some(slug) = &filter.category
        && !categories.iter().any(|c| c.slug == slug.as_str())
    {
        return Err(AppError::BadFilter(
            domain::catalog::model::FilterError::Category,
        ));
    }
    let results = catalog
        .search_products(locale.tag(), &filter)
        .await?
        .as_ref()
        .clone();
    if filter.page > results.page_count() {
        return Err(AppError::NotFound);
    }
    let origins = catalog.origin_countries().await?.as_ref().clone();
    Ok(ListingData {
        results,
        filter,
        categories,
        origins,
        category,
    })
}
