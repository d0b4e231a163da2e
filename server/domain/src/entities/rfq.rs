//! `rfqs`: requests for quotation, owned by the buyer company.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rfqs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub company_id: Uuid,
    pub created_by: Uuid,
    pub status: String,
    /// Incoterms 2020 rule.
    pub incoterm: String,
    pub named_place: String,
    /// UN/LOCODE.
    pub destination_port: String,
    pub required_by: Option<Date>,
    pub po_number: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    /// The currency of the target prices (ISO 4217).
    pub currency: String,
    pub assignee_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decline_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
