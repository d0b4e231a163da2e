//! The admin panel's "Quote requests" (inbox, one RFQ with the quote editor) and "Orders"
//! (list, one order with its next step and export data) sections.

pub mod orders;
pub mod rfqs;
pub mod server_fns;
