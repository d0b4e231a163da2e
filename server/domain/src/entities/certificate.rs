//! `certificates`: issued e-COs (Declarations or Certificates of Origin), with the signed
//! credential as issued, its status-list entry and, once revoked, why, when and by whom.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The certificate's number (`PF-DOO-2026-000042`; an authority's own number for a CO).
    #[sea_orm(unique)]
    pub number: String,
    /// `DeclarationOfOrigin` or `CertificateOfOrigin`.
    pub kind: String,
    pub order_id: Uuid,
    /// The order's id while this certificate is valid, NULL once revoked: unique, so an order
    /// has one valid certificate at most.
    #[sea_orm(unique)]
    pub current_order_id: Option<Uuid>,
    /// Our reference for the application (the number itself for a Declaration of Origin).
    pub application_reference: String,
    /// `valid` or `revoked`.
    pub status: String,
    /// The signed VC JSON, byte for byte as issued.
    #[sea_orm(column_type = "Text")]
    pub credential: String,
    pub status_list: i32,
    pub status_index: i32,
    pub replaces_id: Option<Uuid>,
    pub replaced_by_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub revocation_reason: Option<String>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<String>,
    pub issued_at: DateTimeUtc,
    pub valid_until: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
