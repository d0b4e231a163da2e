//! `rfq_lines`: what a buyer asks a price for: a catalog product or a free-text item.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rfq_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub rfq_id: Uuid,
    /// 1-based; the key that follows the line into quote versions.
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: i64,
    /// UN/ECE Rec 20 unit code.
    pub unit: String,
    /// Decimal text in the RFQ currency.
    pub target_price: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
