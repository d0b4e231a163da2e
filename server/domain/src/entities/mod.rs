//! sea-orm entities: one module per table, mirroring `migrations/` exactly. Hand-written
//! behaviour lives in the feature modules (`catalog::repo`, …), not here.

pub mod api_client;
pub mod attachment;
pub mod audit_event;
pub mod category;
pub mod category_translation;
pub mod certificate;
pub mod company;
pub mod company_member;
pub mod counter;
pub mod eco_job;
pub mod exporter_profile;
pub mod notification;
pub mod oidc_login;
pub mod order;
pub mod order_line;
pub mod outbox_message;
pub mod price_tier;
pub mod product;
pub mod product_image;
pub mod product_translation;
pub mod quote;
pub mod quote_counter;
pub mod quote_line;
pub mod quote_version;
pub mod recovery_code;
pub mod rfq;
pub mod rfq_line;
pub mod rfq_message;
pub mod session;
pub mod sign_in_code;
pub mod transition;
pub mod user;
pub mod user_identity;
