//! Building blocks shared by every feature: layout, status pages, pagination.

pub mod form;
pub mod layout;
pub mod locale_switcher;
pub mod not_found;
pub mod pagination;
pub mod status;
