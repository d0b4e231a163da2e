//! `quote_lines`: the priced lines of a quote version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub quote_version_id: Uuid,
    /// The RFQ line position it answers, or a new one for an added line.
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    /// Decimal text.
    pub unit_price: String,
    pub lead_time_days: i32,
    /// Decimal text, rounded to the currency's minor unit.
    pub line_total: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
