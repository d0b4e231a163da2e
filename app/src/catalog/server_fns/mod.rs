//! Catalog server functions, one per file. Each validates its input, calls `domain`, and
//! returns read models as they are.

mod get_home;
mod get_product;
mod list_products;

pub use get_home::{HomeData, get_home};
pub use get_product::get_product;
pub use list_products::{ListingData, list_products};

/// Parses the locale tag a page sends; unknown tags are refused.
#[cfg(feature = "ssr")]
fn checked_locale(tag: &str) -> Result<crate::i18n::Locale, crate::error::AppError> {
    crate::i18n::Locale::from_tag(tag).ok_or(crate::error::AppError::NotFound)
}

/// The shared server state, or an internal error when the server forgot to provide it.
#[cfg(feature = "ssr")]
fn state() -> Result<crate::state::AppState, crate::error::AppError> {
    leptos::prelude::use_context::<crate::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        crate::error::AppError::Internal
    })
}
