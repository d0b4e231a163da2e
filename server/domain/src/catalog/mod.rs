//! The catalog: products, categories and the rules buyers meet when they pick a quantity.

pub mod pricing;
