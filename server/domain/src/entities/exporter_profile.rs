//! `exporter_profile`: the exporter's legal identity (one row, id 1), printed on e-COs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exporter_profile")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub legal_name: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub country: String,
    pub approved_exporter_code: Option<String>,
    pub signatory_name: String,
    pub signatory_title: String,
    pub contact_email: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
