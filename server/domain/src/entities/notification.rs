//! `notifications`: what happened in the buying flow that one person should see, with the
//! time they read it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The outbox event's kind (`quote_sent`, `order_transitioned`, …).
    pub kind: String,
    /// The RFQ or order number it is about.
    pub number: String,
    /// For order events: the status the order moved to.
    pub status: Option<String>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
