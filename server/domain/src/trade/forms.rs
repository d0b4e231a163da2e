//! The forms of the buying flow as the browser submits them (text fields, checked on the
//! server field by field; a line's fields are named `lines[<index>].<field>`).

use serde::{Deserialize, Serialize};

/// A buyer's request for quotation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqForm {
    /// Incoterms 2020 rule, e.g. `FOB`.
    pub incoterm: String,
    /// The Incoterm's named place, e.g. `Cai Mep, Vietnam`.
    pub named_place: String,
    /// UN/LOCODE of the port the goods go to.
    pub destination_port: String,
    /// `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub required_by: String,
    #[serde(default)]
    pub po_number: String,
    #[serde(default)]
    pub notes: String,
    /// ISO 4217 currency of the target prices.
    pub currency: String,
    pub lines: Vec<RfqLineForm>,
}

/// One requested line: a catalog product (`product_id`) or a free-text item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqLineForm {
    /// The product's id, or empty for a free-text item.
    #[serde(default)]
    pub product_id: String,
    /// The item (a catalog line defaults to the product's name).
    #[serde(default)]
    pub description: String,
    pub quantity: String,
    /// UN/ECE Rec 20 unit (a catalog line uses the product's unit).
    #[serde(default)]
    pub unit: String,
    /// Optional target unit price.
    #[serde(default)]
    pub target_price: String,
}

/// The terms of a quote version, as staff edit them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteForm {
    pub currency: String,
    pub incoterm: String,
    pub named_place: String,
    #[serde(default)]
    pub freight: String,
    #[serde(default)]
    pub insurance: String,
    pub payment_terms: String,
    /// `YYYY-MM-DD`, today or later.
    pub valid_until: String,
    /// Never shown to buyers.
    #[serde(default)]
    pub internal_notes: String,
    pub lines: Vec<QuoteLineForm>,
}

/// One priced line of a quote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLineForm {
    /// The RFQ line position it answers (0 = a line staff added).
    #[serde(default)]
    pub key: u32,
    #[serde(default)]
    pub product_id: String,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub lead_time_days: String,
}

/// A buyer's counter-proposal: other quantities or prices on some lines, and a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterForm {
    #[serde(default)]
    pub message: String,
    pub lines: Vec<CounterLineForm>,
}

/// A proposal for one line; empty fields keep the quoted value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterLineForm {
    pub key: u32,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub unit_price: String,
}

/// The export data staff keep on an order: invoice, transport and shipment references.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportDataForm {
    #[serde(default)]
    pub invoice_number: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub invoice_date: String,
    /// UN/LOCODE; empty keeps what the products gave.
    #[serde(default)]
    pub port_of_loading: String,
    /// One reference per line (booking, bill of lading, container number).
    #[serde(default)]
    pub shipment_references: String,
    /// `YYYY-MM-DD`: when the goods leave the port of loading (printed on the e-CO).
    #[serde(default)]
    pub departure_date: String,
    /// Vessel name (or the flight for air freight).
    #[serde(default)]
    pub vessel: String,
    #[serde(default)]
    pub voyage: String,
    /// UN/LOCODE; empty means the destination port.
    #[serde(default)]
    pub port_of_discharge: String,
    /// `sea`, `air`, `road`, `rail` or `multimodal` (empty: not said).
    #[serde(default)]
    pub transport_mode: String,
    /// Packages, marks and FOB value per order line (lines not listed keep theirs).
    #[serde(default)]
    pub lines: Vec<ExportLineForm>,
}

/// The means of transport an order's export data may name.
pub const TRANSPORT_MODES: [&str; 5] = ["sea", "air", "road", "rail", "multimodal"];

/// One order line's shipping data, as text fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportLineForm {
    /// The line's position on the order (1, 2, 3, …).
    pub position: i32,
    /// Number of packages (empty for goods in bulk).
    #[serde(default)]
    pub package_count: String,
    /// Kind of package, a UN/ECE Recommendation 21 code such as `CT` (carton) or `PX` (pallet).
    #[serde(default)]
    pub package_kind: String,
    /// Marks and numbers on the packages.
    #[serde(default)]
    pub marks: String,
    /// FOB value of the line in the order's currency (needed where the basis is RVC; under FOB
    /// terms the line total is used when this is empty).
    #[serde(default)]
    pub fob_value: String,
}

impl ExportLineForm {
    /// The form field of one of the line's values, as errors name it: `lines.2.marks`.
    pub fn field(position: i32, name: &str) -> String {
        format!("lines.{position}.{name}")
    }
}

/// The message thread's limits (`messages`), which the browser's form shows: the largest
/// file accepted,
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// files per message,
pub const MAX_ATTACHMENTS: usize = 5;
/// and the longest message.
pub const MAX_BODY_CHARS: usize = 4000;
