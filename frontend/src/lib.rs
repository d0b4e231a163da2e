//! Browser entry point. Pages are server-rendered; only their islands (`#[island]` components
//! in `app`) become interactive. The page's loader script (`app::assets`) calls `hydrate` once
//! and then each island's own export.

// The islands are exported from `app`; linking the crate is what puts them in the bundle.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
