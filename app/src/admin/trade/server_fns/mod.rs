//! Server functions of the "Quote requests", "Orders" and "Certificates of origin" sections,
//! one per file (staff only; writes check the CSRF token). The RFQ, quote and order pages read through the buying
//! flow's shared functions (`crate::trade::server_fns`), which answer staff with the internal
//! view.

mod admin_assign_rfq;
mod admin_certificate;
mod admin_certificate_action;
mod admin_eco_action;
mod admin_eco_preflight;
mod admin_list_certificates;
mod admin_list_orders;
mod admin_list_rfqs;
mod admin_quote_form;
mod admin_save_export_data;
mod admin_save_quote;
mod admin_staff_members;

pub use admin_assign_rfq::{AdminAssignRfq, admin_assign_rfq};
pub use admin_certificate::admin_certificate;
pub use admin_certificate_action::{AdminCertificateAction, admin_certificate_action};
pub use admin_eco_action::{AdminEcoAction, admin_eco_action};
pub use admin_eco_preflight::admin_eco_preflight;
pub use admin_list_certificates::{CertificateRegister, OPEN_SHOWN, admin_list_certificates};
pub use admin_list_orders::admin_list_orders;
pub use admin_list_rfqs::{RfqInbox, RfqInboxFilter, admin_list_rfqs};
pub use admin_quote_form::{QuoteEditorData, admin_quote_form};
pub use admin_save_export_data::{AdminSaveExportData, admin_save_export_data};
pub use admin_save_quote::{AdminSaveQuote, admin_save_quote};
pub use admin_staff_members::admin_staff_members;
