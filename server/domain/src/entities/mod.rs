//! sea-orm entities: one module per table, mirroring `migrations/` exactly. Hand-written
//! behaviour lives in the feature modules (`catalog::repo`, …), not here.

pub mod api_client;
pub mod audit_event;
pub mod category;
pub mod category_translation;
pub mod company;
pub mod company_member;
pub mod exporter_profile;
pub mod oidc_login;
pub mod price_tier;
pub mod product;
pub mod product_image;
pub mod product_translation;
pub mod recovery_code;
pub mod session;
pub mod user;
pub mod user_identity;
