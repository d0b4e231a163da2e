//! What the account pages and the admin panel show and send: plain data shared with the
//! browser (ids and times as text, so the browser build needs no date or UUID library).
//! The rules that fill and check them live in `auth`, `exporter`, `dashboard` and
//! `catalog::admin` (server only).

use serde::{Deserialize, Deserializer, Serialize};

use crate::auth::Role;

/// An HTML checkbox: `on` (or `true`) when ticked, absent when not.
pub fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    Ok(match Option::<B>::deserialize(d)? {
        Some(B::Bool(b)) => b,
        Some(B::Text(t)) => matches!(t.as_str(), "on" | "true" | "1" | "yes"),
        None => false,
    })
}

/// The buyer company form (onboarding).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyForm {
    pub name: String,
    pub country: String,
    pub address: String,
    pub registration_id: String,
    #[serde(default)]
    pub contact_phone: String,
}

/// A buyer company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyInfo {
    pub id: String,
    pub name: String,
    pub country: String,
    pub address: String,
    pub registration_id: String,
    pub contact_phone: Option<String>,
    pub members: u64,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// One of the signed-in person's sessions, as the account page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub last_seen_at: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The session of the page asking.
    pub current: bool,
}

/// A row of the admin panel's people list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub company: Option<String>,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
    /// Live sessions.
    pub sessions: u64,
    /// A local password (staff), and the providers linked.
    pub has_password: bool,
    pub identities: Vec<String>,
}

/// An audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub ip: Option<String>,
    pub detail: String,
}

/// The dashboard's live counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub products: u64,
    pub published_products: u64,
    pub categories: u64,
    pub users: u64,
    pub companies: u64,
    pub active_sessions: u64,
    pub api_clients: u64,
}

/// The exporter's legal identity, printed on certificates of origin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExporterProfile {
    pub legal_name: String,
    pub address: String,
    pub country: String,
    /// The approved-exporter authorisation code (needed for declarations of origin).
    #[serde(default)]
    pub approved_exporter_code: String,
    pub signatory_name: String,
    pub signatory_title: String,
    #[serde(default)]
    pub contact_email: String,
    /// Where the exporter's declaration is made (box 15), e.g. "Ningbo, China".
    #[serde(default)]
    pub declaration_place: String,
    /// How certificates of origin are issued: `approved_exporter` (a Declaration of Origin
    /// signed here) or `issuing_body` (a Certificate of Origin certified by the body below).
    #[serde(default)]
    pub issuing_mode: String,
    #[serde(default)]
    pub issuing_body_name: String,
    #[serde(default)]
    pub issuing_body_place: String,
}

/// The product form, as text fields (what the browser sends back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForm {
    pub sku: String,
    pub slug: String,
    pub category_id: String,
    /// The locale of `name`, `summary` and `description`.
    pub locale: String,
    pub name: String,
    pub summary: String,
    pub description: String,
    pub unit: String,
    pub moq: String,
    pub order_increment: String,
    pub currency: String,
    #[serde(default, deserialize_with = "checkbox")]
    pub price_on_request: bool,
    /// One tier per line: `min_quantity = unit_price`, e.g. `500 = 12.40`.
    #[serde(default)]
    pub price_tiers: String,
    pub lead_time_min_days: String,
    pub lead_time_max_days: String,
    /// Incoterms separated by spaces or commas.
    pub incoterms: String,
    pub port_of_loading: String,
    pub hs_code: String,
    pub country_of_origin: String,
    pub origin_criterion: String,
    #[serde(default)]
    pub rvc_percent: String,
    #[serde(default)]
    pub tariff_shift: String,
    /// The HS edition the code is read in (`HS2012`, `HS2017`, `HS2022`; empty = not set).
    #[serde(default)]
    pub hs_edition: String,
    /// Origin modifiers shown with the criterion: accumulation (Article 3.4) …
    #[serde(default, deserialize_with = "checkbox")]
    pub modifier_acu: bool,
    /// … and de minimis (Article 3.7).
    #[serde(default, deserialize_with = "checkbox")]
    pub modifier_dmi: bool,
    /// The producer, for box 3 of certificates (all three, or none).
    #[serde(default)]
    pub producer_name: String,
    #[serde(default)]
    pub producer_address: String,
    #[serde(default)]
    pub producer_country: String,
    /// The producer is shown as CONFIDENTIAL on certificates.
    #[serde(default, deserialize_with = "checkbox")]
    pub producer_confidential: bool,
    #[serde(default, deserialize_with = "checkbox")]
    pub featured: bool,
    #[serde(default, deserialize_with = "checkbox")]
    pub published: bool,
}

/// A row of the admin product list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: String,
    pub sku: String,
    pub slug: String,
    pub name: String,
    pub category: String,
    pub published: bool,
    pub featured: bool,
    pub updated_at: String,
}

/// A row of the admin category list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub id: String,
    pub slug: String,
    pub position: i32,
    pub name: String,
    pub products: u64,
}

/// The category form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryForm {
    pub slug: String,
    pub position: String,
    pub locale: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// An API client as the admin panel lists it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClientRow {
    pub client_id: String,
    pub name: String,
    pub scopes: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// One page of a list, with the total across pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Paged<T> {
    /// How many pages there are (at least one).
    pub fn page_count(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// A time as the views carry it: RFC 3339 in UTC, to the second.
#[cfg(feature = "db")]
pub fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkboxes_read_html_values() {
        let f: ProductForm = serde_json::from_str(
            r#"{"sku":"","slug":"","category_id":"","locale":"en","name":"","summary":"","description":"","unit":"","moq":"","order_increment":"","currency":"","lead_time_min_days":"","lead_time_max_days":"","incoterms":"","port_of_loading":"","hs_code":"","country_of_origin":"","origin_criterion":"","published":"on"}"#,
        )
        .unwrap();
        assert!(f.published && !f.featured && !f.price_on_request);
        let p = Paged::<u8> {
            items: vec![],
            total: 41,
            page: 1,
            per_page: 20,
        };
        assert_eq!(p.page_count(), 3);
    }
}

/// A carrier or port feed source as the admin panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedRow {
    pub name: String,
    /// `dcsa2`, `dcsa3`, `edifact` or `dcsa-poll`.
    pub kind: String,
    pub enabled: bool,
    pub moves_orders: bool,
    /// Where the partner posts (absent for a polled source).
    pub webhook_path: Option<String>,
    pub rate_per_minute: u32,
    pub accepted_count: i64,
    pub rejected_count: i64,
    pub event_count: i64,
    pub flagged_count: i64,
    pub last_event_at: Option<String>,
    pub last_delivery_at: Option<String>,
    pub created_at: String,
}

/// One delivery of a feed source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub received_at: String,
    /// `accepted`, `partial` or `rejected`.
    pub outcome: String,
    /// The HTTP status answered.
    pub status: i32,
    pub detail: Option<String>,
    pub body_bytes: i64,
    pub events: i32,
    pub inserted: i32,
    pub updated: i32,
    pub duplicates: i32,
    pub stale: i32,
    pub retracted: i32,
    pub flagged: i32,
    pub unusable: i32,
    pub orders_moved: i32,
}

/// A source with its latest deliveries, and for a polled source how it is polled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedDetail {
    pub feed: FeedRow,
    pub deliveries: Vec<DeliveryRow>,
    #[serde(default)]
    pub poll: Option<FeedPollRow>,
}

/// How a `dcsa-poll` source is polled and where it stands (the client secret is never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPollRow {
    pub events_url: String,
    pub token_url: String,
    pub client_id: String,
    pub interval_seconds: i32,
    /// Going on from the publisher's `Next-Page-Cursor`.
    pub resuming_cursor: bool,
    /// The newest update seen (the next round asks for what came after), RFC 3339 UTC.
    pub updated_since: Option<String>,
    pub last_poll_at: Option<String>,
    pub next_poll_at: String,
    /// Failed polls in a row.
    pub failures: i32,
    pub last_error: Option<String>,
}

/// A new or rotated secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSecret {
    pub feed: FeedRow,
    /// Base64, as DCSA's subscription `secret`.
    pub secret: String,
}
