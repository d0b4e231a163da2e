//! `order_lines`: the lines of an order, copied from the accepted quote version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: String,
    pub line_total: String,
    pub lead_time_days: i32,
    pub package_count: Option<i32>,
    /// Kind of package (UN/ECE Rec 21 code or words, e.g. `CT` or `cartons`).
    pub package_kind: Option<String>,
    /// Marks and numbers; N/M when empty.
    pub marks: Option<String>,
    /// FOB value of the line (decimal text, order currency); needed for RVC goods.
    pub fob_value: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
