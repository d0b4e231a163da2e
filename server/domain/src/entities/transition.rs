//! `transitions`: every status change of an RFQ, quote or order: who, which side, from where, why, when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `rfq`, `quote` or `order`.
    pub subject: String,
    pub subject_id: Uuid,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_user_id: Option<Uuid>,
    /// The person's e-mail, the API client, or `system`.
    pub actor: String,
    /// `buyer`, `staff` or `system`.
    pub party: String,
    /// `ui`, `api`, `feed` or `system`.
    pub source: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
