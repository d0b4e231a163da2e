//! Plain axum handlers (everything that is not a Leptos page).

pub mod health;
pub mod root;
pub mod seo;
pub mod server_fns;
