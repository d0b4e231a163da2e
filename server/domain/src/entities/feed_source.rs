//! `feed_sources`: the carrier and port feeds allowed to push events (DCSA 2.2 / 3.0 webhooks,
//! EDIFACT) or to be polled, with their counters. The webhook secret is derived from
//! `secret_salt` and the server's key file (`shipments::sources`), never stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The `{source}` of the webhook paths and the source of every event it sends.
    #[sea_orm(unique)]
    pub name: String,
    /// `dcsa2`, `dcsa3`, `edifact` or `dcsa-poll`.
    pub kind: String,
    /// Hex; with the key file it gives the shared secret. A rotation draws a new one.
    pub secret_salt: String,
    /// The EDIFACT partner profile (TOML); the default profile when empty.
    #[sea_orm(column_type = "Text", nullable)]
    pub profile: Option<String>,
    /// Whether this feed's events move the linked orders' status.
    pub moves_orders: bool,
    pub enabled: bool,
    /// Deliveries allowed per minute.
    pub rate_per_minute: i32,
    pub accepted_count: i64,
    pub rejected_count: i64,
    pub event_count: i64,
    pub flagged_count: i64,
    pub last_event_at: Option<DateTimeUtc>,
    pub last_delivery_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
