//! `shipment_events`: what the upsert rules hold per (source, event ID) — the newest version
//! of an event with its first version, or a retraction's tombstone (`logistics::upsert::Entry`
//! as JSON).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipment_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub source: String,
    pub event_id: String,
    /// The upsert entry (`{"state":"live","event":…,"first":…}` or a tombstone).
    pub entry: Json,
    /// False for a retraction's tombstone.
    pub live: bool,
    pub event_time: Option<DateTimeUtc>,
    pub updated_time: DateTimeUtc,
    /// The change sequence (larger = later change); the live stream's event id.
    pub seq: i64,
    pub delivery_id: Option<Uuid>,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
