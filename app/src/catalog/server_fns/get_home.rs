//! `get_home`: categories and featured products for the home page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::catalog::model::{CategorySummary, ProductCard};

use crate::error::AppError;

/// The home page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub categories: Vec<CategorySummary>,
    pub featured: Vec<ProductCard>,
}

#[server(prefix = "/sf")]
pub async fn get_home(locale: String) -> Result<HomeData, AppError> {
    /// How many featured products the home page shows.
    const FEATURED_ON_HOME: u64 = 8;
    let locale = super::checked_locale(&locale)?;
    let catalog = super::state()?.catalog.clone();
    Ok(HomeData {
        categories: catalog
            .list_categories(locale.tag())
            .await?
            .as_ref()
            .clone(),
        featured: catalog
            .featured_products(locale.tag(), FEATURED_ON_HOME)
            .await?
            .as_ref()
            .clone(),
    })
}
