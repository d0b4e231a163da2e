//! `rfq_messages`: the message thread of an RFQ and its quote, from either side.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rfq_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub rfq_id: Uuid,
    pub author_id: Option<Uuid>,
    /// The author's name when they wrote it.
    pub author_name: String,
    /// `buyer` or `staff`.
    pub party: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
