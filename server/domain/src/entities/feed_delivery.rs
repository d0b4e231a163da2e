//! `feed_deliveries`: every delivery a source made, accepted or rejected, with what it did.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub source_id: Uuid,
    pub received_at: DateTimeUtc,
    /// `accepted`, `partial` (some events unusable) or `rejected`.
    pub outcome: String,
    /// The HTTP status answered.
    pub status: i32,
    /// Why it was rejected, or what was unusable.
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
    pub body_bytes: i64,
    pub body_sha256: String,
    /// Events and retractions the body carried (usable ones).
    pub events: i32,
    pub inserted: i32,
    pub updated: i32,
    pub duplicates: i32,
    pub stale: i32,
    pub retracted: i32,
    /// Stored events carrying a flag (unknown location, no document reference, …).
    pub flagged: i32,
    /// Events left out, each with its problem in `problems`.
    pub unusable: i32,
    /// `[{"index", "path", "problem"}]` for the unusable events.
    pub problems: Option<Json>,
    /// Orders whose status this delivery moved.
    pub orders_moved: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
