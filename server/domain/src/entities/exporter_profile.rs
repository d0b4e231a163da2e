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
    /// Place written in the exporter's declaration (box 15).
    pub declaration_place: Option<String>,
    /// `approved_exporter` (Declaration of Origin signed here) or `issuing_body`.
    pub issuing_mode: String,
    pub issuing_body_name: Option<String>,
    pub issuing_body_place: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
