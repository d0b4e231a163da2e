//! The storefront catalog: home page, listings with filters, product pages.

pub mod home;
pub mod json_ld;
pub mod listing;
pub mod product_card;
pub mod product_page;
pub mod quantity_calculator;
pub mod server_fns;
pub mod trade_labels;
