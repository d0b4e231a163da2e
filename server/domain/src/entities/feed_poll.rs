//! `feed_polls`: how a `dcsa-poll` source is polled and where its last poll stopped
//! (`shipments::polling`). The client secret is sealed, never stored in the clear.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_polls")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub feed_source_id: Uuid,
    /// The publisher's DCSA 3.0 `GET /events` address.
    pub events_url: String,
    /// Its OAuth2 token endpoint (client credentials).
    pub token_url: String,
    pub client_id: String,
    /// XChaCha20-Poly1305 of the client secret (base64 of nonce and ciphertext).
    #[sea_orm(column_type = "Text")]
    pub client_secret_sealed: String,
    /// The OAuth2 scope to ask for, when the publisher wants one.
    pub scope: Option<String>,
    pub interval_seconds: i32,
    /// The `Next-Page-Cursor` to go on from (set while pages remain).
    #[sea_orm(column_type = "Text", nullable)]
    pub cursor: Option<String>,
    /// The newest event update time seen: the next round asks from there.
    pub updated_min: Option<DateTimeUtc>,
    pub next_poll_at: DateTimeUtc,
    /// Set while a replica polls (a crashed poll's lease runs out).
    pub lease_until: Option<DateTimeUtc>,
    /// Failed polls in a row (the backoff grows with them).
    pub failures: i32,
    pub last_poll_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
