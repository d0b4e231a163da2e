//! `orders`: orders, created exactly once from an accepted quote.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub company_id: Uuid,
    #[sea_orm(unique)]
    pub quote_id: Uuid,
    pub quote_version: i32,
    pub rfq_id: Uuid,
    pub status: String,
    pub currency: String,
    pub incoterm: String,
    pub named_place: String,
    /// UN/LOCODE, from the products.
    pub port_of_loading: Option<String>,
    /// UN/LOCODE, the RFQ's destination port.
    pub ship_to_port: String,
    pub po_number: Option<String>,
    pub subtotal: String,
    pub freight: String,
    pub insurance: String,
    pub total: String,
    pub invoice_number: Option<String>,
    pub invoice_date: Option<Date>,
    /// JSON array of booking, bill of lading or container references.
    pub shipment_references: Json,
    /// `sea`, `air`, `road` or `rail`.
    pub transport_mode: Option<String>,
    /// Vessel name, or the flight for air freight.
    pub vessel: Option<String>,
    pub voyage: Option<String>,
    pub departure_date: Option<Date>,
    /// UN/LOCODE; the destination port when not set.
    pub port_of_discharge: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
