//! `quote_versions`: the terms of one version of a quote (a sent version is never changed).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub quote_id: Uuid,
    pub version: i32,
    pub currency: String,
    pub incoterm: String,
    pub named_place: String,
    /// Decimal text.
    pub freight: String,
    /// Decimal text.
    pub insurance: String,
    #[sea_orm(column_type = "Text")]
    pub payment_terms: String,
    pub valid_until: Date,
    /// Never shown to buyers.
    #[sea_orm(column_type = "Text")]
    pub internal_notes: String,
    pub subtotal: String,
    pub total: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
