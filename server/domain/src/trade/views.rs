//! The read models of the buying flow as pages and the API receive them: plain data, ids and
//! times as text (RFC 3339, UTC), amounts as decimal text with the currency's decimals. Pure,
//! so the browser shares them.

use serde::{Deserialize, Serialize};

use super::quote::{CounterLine, VersionDiff};

/// One recorded status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionRecord {
    /// `rfq`, `quote` or `order`.
    pub subject: String,
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
    pub party: String,
    pub source: String,
    pub reason: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
}

/// An order line as shown and sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub position: i32,
    pub product_id: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: String,
    pub line_total: String,
    pub lead_time_days: i32,
    /// Shipping data for the certificate of origin: packages, marks and the FOB value.
    pub package_count: Option<i32>,
    pub package_kind: Option<String>,
    pub marks: Option<String>,
    pub fob_value: Option<String>,
}

/// The buyer company as an order names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRef {
    pub id: String,
    pub name: String,
    pub country: String,
}

/// An order with its lines and status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub number: String,
    pub status: String,
    pub buyer_status: String,
    pub company: CompanyRef,
    pub quote_number: String,
    pub quote_version: i32,
    pub rfq_number: String,
    pub currency: String,
    pub incoterm: String,
    pub named_place: String,
    pub port_of_loading: Option<String>,
    pub ship_to_port: String,
    pub po_number: Option<String>,
    pub subtotal: String,
    pub freight: String,
    pub insurance: String,
    pub total: String,
    pub invoice_number: Option<String>,
    pub invoice_date: Option<String>,
    /// ISO date the goods leave the port of loading.
    pub departure_date: Option<String>,
    pub vessel: Option<String>,
    pub voyage: Option<String>,
    /// UN/LOCODE; the destination port when absent.
    pub port_of_discharge: Option<String>,
    /// `sea`, `air`, `road`, `rail` or `multimodal`.
    pub transport_mode: Option<String>,
    pub shipment_references: Vec<String>,
    pub cancel_reason: Option<String>,
    pub lines: Vec<OrderLineView>,
    pub history: Vec<TransitionRecord>,
    /// What the next status needs that is missing, as field names (`port_of_loading`,
    /// `invoice_number`, `shipment_reference`; empty when nothing is).
    pub next_missing: Vec<String>,
    /// The certificate of origin: absent until the order reaches `export_cleared`.
    pub eco: Option<OrderEco>,
    pub created_at: String,
    pub updated_at: String,
}

/// The state of an order's certificate of origin, as its order page and the API show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEco {
    /// `pending` (waiting for the worker), `submitted` (with the issuing body),
    /// `retrying` (a failure, tried again at `next_attempt_at`), `rejected` (data missing:
    /// see `problems`), `issued` or `revoked`.
    pub state: String,
    /// The certificate's number once issued.
    pub number: Option<String>,
    /// `DeclarationOfOrigin` or `CertificateOfOrigin`.
    pub kind: Option<String>,
    pub issued_at: Option<String>,
    pub valid_until: Option<String>,
    /// Why it cannot be issued (rejected), line by line.
    pub problems: Vec<EcoProblem>,
    /// The next try (retrying).
    pub next_attempt_at: Option<String>,
    /// Tries so far.
    pub attempts: i32,
    /// The last failure (staff only; empty for buyers).
    pub last_error: Option<String>,
    pub revocation_reason: Option<String>,
    pub revoked_at: Option<String>,
    /// The number of the certificate that replaces a revoked one.
    pub replaced_by: Option<String>,
    /// The number of the certificate this one replaces.
    pub replaces: Option<String>,
}

impl OrderEco {
    /// Whether the worker has yet to answer (the page keeps asking).
    pub fn is_waiting(&self) -> bool {
        matches!(self.state.as_str(), "pending" | "submitted" | "retrying")
    }
}

/// One reason a certificate cannot be issued: the goods line (1-based, none for the document
/// as a whole), the field as the credential names it, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcoProblem {
    pub line: Option<usize>,
    pub field: String,
    pub problem: String,
    pub fix: String,
}

/// One row of an order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub number: String,
    pub status: String,
    pub buyer_status: String,
    pub company: String,
    pub currency: String,
    pub total: String,
    pub ship_to_port: String,
    pub updated_at: String,
}

/// One row of an RFQ list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqRow {
    pub number: String,
    pub status: String,
    pub buyer_status: String,
    pub company: String,
    /// ISO 3166 alpha-2 of the buyer company.
    pub country: String,
    pub lines: u64,
    pub destination_port: String,
    pub assignee: Option<String>,
    pub quote_number: Option<String>,
    pub quote_status: Option<String>,
    pub buyer_quote_status: Option<String>,
    /// Whether the next step is the exporter's (staff see these first).
    pub awaits_staff: bool,
    /// Whole days since it was sent.
    pub age_days: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// One requested line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqLineView {
    pub position: i32,
    pub product_id: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub target_price: Option<String>,
}

/// A staff member as lists and pickers name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRef {
    pub id: String,
    pub name: String,
}

/// One version of a quote in its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRef {
    pub version: i32,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// A priced line of a quote version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLineView {
    /// The RFQ line it answers (the key counters and diffs use).
    pub key: i32,
    pub product_id: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: String,
    pub lead_time_days: i32,
    pub line_total: String,
}

/// A buyer's counter-proposal on a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterView {
    pub version: i32,
    pub message: String,
    pub lines: Vec<CounterLine>,
    pub created_at: String,
}

/// The quote of an RFQ, at the version the caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteView {
    pub number: String,
    /// Internal status, with a sent quote past its validity shown as `expired`.
    pub status: String,
    pub buyer_status: String,
    /// The newest version (staff may be editing it).
    pub current_version: i32,
    /// The version shown: the current one for staff, the latest sent one for the buyer.
    pub version: i32,
    pub versions: Vec<VersionRef>,
    pub currency: String,
    pub incoterm: String,
    pub named_place: String,
    pub freight: String,
    pub insurance: String,
    pub subtotal: String,
    pub total: String,
    pub payment_terms: String,
    pub valid_until: String,
    /// Staff only.
    pub internal_notes: Option<String>,
    pub sent_at: Option<String>,
    pub lines: Vec<QuoteLineView>,
    /// What changed from the previous version the caller may see.
    pub changes: Option<VersionDiff>,
    pub counters: Vec<CounterView>,
    /// The order this quote became.
    pub order_number: Option<String>,
}

/// An RFQ with its lines, history and quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqDetail {
    pub number: String,
    pub status: String,
    pub buyer_status: String,
    pub company: CompanyRef,
    /// Who sent it (staff only; buyers see their colleagues' names in their own list).
    pub created_by: String,
    /// The UI language its sender reads (staff only: the quote PDF is offered in it).
    pub buyer_locale: Option<String>,
    /// The buyer company's postal address (printed on the quote PDF).
    pub buyer_address: String,
    pub assignee: Option<StaffRef>,
    pub incoterm: String,
    pub named_place: String,
    pub destination_port: String,
    pub destination_port_name: Option<String>,
    pub required_by: Option<String>,
    pub po_number: Option<String>,
    pub notes: String,
    pub currency: String,
    pub decline_reason: Option<String>,
    pub lines: Vec<RfqLineView>,
    pub history: Vec<TransitionRecord>,
    pub quote: Option<QuoteView>,
    pub age_days: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A port as the destination picker offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortOption {
    pub code: String,
    pub name: String,
    pub country: String,
}

/// A file on a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
}

/// One message of an RFQ's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    /// The author's name; empty for the exporter's staff when a buyer reads it.
    pub author: String,
    /// `buyer` or `staff`.
    pub party: String,
    pub body: String,
    pub attachments: Vec<AttachmentRef>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// One of a verification's three checks as the verify page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// `passed`, `failed` or `not_checked`.
    pub outcome: String,
    pub reasons: Vec<String>,
}

/// A goods line as the public verify page shows it (no prices or FOB values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedGoods {
    pub item_number: u32,
    pub description: String,
    pub hs_code: String,
    /// The basis with its modifiers, e.g. `RVC ACU`.
    pub origin_criterion: String,
    pub country_of_origin: String,
    /// Quantity and its Rec 20 unit, e.g. `25 PCE`.
    pub quantity: String,
}

/// The public verify page: the three checks and what the certificate says, without prices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateVerification {
    pub number: String,
    /// `DeclarationOfOrigin` or `CertificateOfOrigin`.
    pub kind: String,
    pub issuer: String,
    pub exporter: String,
    pub exporting_party: String,
    pub importing_party: String,
    pub issue_date: String,
    pub valid_until: String,
    pub goods: Vec<VerifiedGoods>,
    pub integrity: CheckView,
    pub status: CheckView,
    pub issuer_check: CheckView,
    pub valid: bool,
    pub revoked: bool,
    pub revocation_reason: Option<String>,
    pub revoked_at: Option<String>,
    pub replaced_by: Option<String>,
    /// The number this one replaces.
    pub replaces: Option<String>,
}

/// What the staff's e-CO register lists: certificates by status, kind and number or order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterQuery {
    /// `valid`, `revoked`, or empty for both.
    pub status: String,
    /// `DeclarationOfOrigin`, `CertificateOfOrigin`, or empty for both.
    pub kind: String,
    /// Part of a certificate or order number.
    pub q: String,
    pub page: u64,
}

/// One certificate in the staff's e-CO register.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub number: String,
    /// `DeclarationOfOrigin` or `CertificateOfOrigin`.
    pub kind: String,
    /// `valid` or `revoked`.
    pub status: String,
    pub order_number: String,
    /// The buyer company.
    pub company: String,
    pub importing_party: String,
    pub issued_at: String,
    pub valid_until: String,
    pub replaces: Option<String>,
    pub replaced_by: Option<String>,
}

/// A certificate with what staff need to act on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDetail {
    pub row: RegisterRow,
    /// Our application reference (the number itself for a Declaration of Origin).
    pub application_reference: String,
    pub status_list: i32,
    pub status_index: i32,
    pub revocation_reason: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    /// The order's issuance jobs, newest first.
    pub jobs: Vec<EcoJobView>,
    /// A revoked certificate with nothing in its place, on an order still going: staff may
    /// issue a new one that replaces it.
    pub can_reissue: bool,
}

/// One issuance job as the register's detail shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcoJobView {
    /// `pending`, `submitted`, `retrying`, `rejected`, `issued` or `cancelled`.
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub problems: Vec<EcoProblem>,
    pub application_reference: Option<String>,
    /// The certificate it issued.
    pub certificate: Option<String>,
    /// The certificate it replaces.
    pub replaces: Option<String>,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// An order whose certificate is still being issued or was refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenEcoJob {
    pub order_number: String,
    pub company: String,
    /// `pending`, `submitted`, `retrying` or `rejected`.
    pub state: String,
    pub attempts: i32,
    /// How many problems a refusal named.
    pub problem_count: usize,
    pub next_attempt_at: Option<String>,
    pub updated_at: String,
}

/// Planned, estimated and actual times of an arrival or departure (RFC 3339, with the offset
/// the partner sent), and the first estimate ever received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentTimes {
    pub planned: Option<String>,
    pub estimated: Option<String>,
    pub actual: Option<String>,
    pub first_estimate: Option<String>,
}

impl ShipmentTimes {
    /// The best knowledge: actual, else estimated, else planned, with its classifier.
    pub fn best(&self) -> Option<(&str, &'static str)> {
        self.actual
            .as_deref()
            .map(|t| (t, "ACT"))
            .or(self.estimated.as_deref().map(|t| (t, "EST")))
            .or(self.planned.as_deref().map(|t| (t, "PLN")))
    }
}

/// One port of a shipment's route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentPort {
    /// The UN/LOCODE; absent for a location the master does not know.
    pub unlocode: Option<String>,
    pub code_as_sent: String,
    pub name: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `origin`, `transshipment`, `intermediate` or `destination`.
    pub role: String,
    /// `expected`, `in_port` or `departed`.
    pub status: String,
    pub arrival: ShipmentTimes,
    pub departure: ShipmentTimes,
    /// A depot, inland terminal or other place off the sea lanes (reached over land).
    #[serde(default)]
    pub inland: bool,
}

/// The expected arrival at the next port, and how far it moved since the first estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentEta {
    /// Index into `port_calls`.
    pub port: usize,
    pub time: String,
    /// PLN, EST or ACT.
    pub classifier: String,
    pub first_estimate: Option<String>,
    /// Minutes later (positive) or earlier than the first estimate.
    pub change_minutes: Option<i64>,
}

/// Something late: `eta_slipped`, `arrival_late`, `departure_late`, `delay_reported` or
/// `overdue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentDelay {
    pub flag: String,
    pub port: Option<usize>,
    pub minutes: Option<i64>,
    /// The partner's delay reason code (SMDG), for `delay_reported`.
    pub reason: Option<String>,
}

/// Where the shipment is: the place of the last actual event (`last_actual_event`) or dead
/// reckoning along the lane (`interpolated`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentPosition {
    pub lat: f64,
    pub lon: f64,
    pub basis: String,
}

/// One event of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentMilestone {
    /// The feed source that sent it.
    pub source: String,
    pub event_id: String,
    /// `TRANSPORT`, `EQUIPMENT`, `SHIPMENT`, `IOT` or `REEFER`.
    pub event_type: String,
    /// ARRI, DEPA, LOAD, DISC, … (an IoT event's detection: DRO, DRC, LOC).
    pub code: String,
    /// The code's meaning in English (the page shows its own words for known codes).
    pub label: String,
    /// PLN, EST or ACT.
    pub classifier: String,
    /// When it happened or is expected (RFC 3339 with the partner's offset).
    pub time: String,
    /// When the partner last updated it (RFC 3339, UTC).
    pub updated_time: String,
    /// Index into `port_calls`.
    pub port: Option<usize>,
    pub location_name: Option<String>,
    pub equipment: Option<String>,
    /// A plan or estimate a later one (or the actual event) overtook.
    pub superseded: bool,
    pub delay_reason: Option<String>,
    pub remark: Option<String>,
    /// `unknown_location`, `malformed_location`, `no_document_reference`, `bad_check_digit`,
    /// `unknown_code`.
    pub flags: Vec<String>,
    /// A reefer's measured temperature with its unit (`-17.8 °C`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<String>,
    /// The reefer's set point with its unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setpoint: Option<String>,
}

/// A shipment as the API, its live stream and the order page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentDocument {
    /// The reference asked for (booking, B/L, container, order or PO number).
    pub reference: String,
    /// `planned`, `in_port`, `at_sea` or `arrived`.
    pub status: String,
    /// The change sequence this document is at (the stream's event id).
    pub seq: i64,
    /// The newest update among the events (RFC 3339, UTC).
    pub last_updated: Option<String>,
    pub port_calls: Vec<ShipmentPort>,
    /// The leg under way or about to start (indices into `port_calls`).
    pub current_leg: Option<[usize; 2]>,
    pub position: Option<ShipmentPosition>,
    pub eta: Option<ShipmentEta>,
    pub delay_flags: Vec<ShipmentDelay>,
    /// GeoJSON FeatureCollection: a LineString per leg along the sea lanes
    /// (`properties.state`: `actual` or `planned`; `from`/`to` index `port_calls`), and the
    /// position as a Point.
    pub route: serde_json::Value,
    /// The timeline, in event-time order.
    pub events: Vec<ShipmentMilestone>,
}

impl ShipmentDocument {
    /// The legs of `route`: (from, to, actual, points as `[lat, lon]`).
    pub fn legs(&self) -> Vec<(usize, usize, bool, Vec<[f64; 2]>)> {
        let Some(features) = self.route.get("features").and_then(|f| f.as_array()) else {
            return Vec::new();
        };
        features
            .iter()
            .filter(|f| f["geometry"]["type"] == "LineString")
            .map(|f| {
                let index = |k: &str| {
                    f["properties"][k]
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .unwrap_or(0)
                };
                let points = f["geometry"]["coordinates"]
                    .as_array()
                    .map(|c| {
                        c.iter()
                            .filter_map(|p| Some([p.get(1)?.as_f64()?, p.get(0)?.as_f64()?]))
                            .collect()
                    })
                    .unwrap_or_default();
                (
                    index("from"),
                    index("to"),
                    f["properties"]["state"] == "actual",
                    points,
                )
            })
            .collect()
    }
}
