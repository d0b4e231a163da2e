//! `shipment_event_refs`: the references an event names (booking, transport document,
//! container, purchase order), by which shipments and orders find it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipment_event_refs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shipment_event_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub reference: String,
    /// The DCSA document type (`BKG`, `TRD`, …) or `EQ` for a container.
    pub kind: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
