//! Portfront UI.
