//! `eco_jobs`: one issuance job per order reaching `export_cleared` (or per re-issue), written
//! in the same transaction as the transition and worked off by the issuance worker with a lease.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "eco_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    /// The order's id while the job is open (pending, retrying, rejected); unique, so an order
    /// has one open job at most.
    #[sea_orm(unique)]
    pub open_order_id: Option<Uuid>,
    /// `pending`, `submitted`, `retrying`, `rejected`, `issued` or `cancelled`.
    pub state: String,
    /// A re-issue: the certificate the new one replaces.
    pub replaces_certificate_id: Option<Uuid>,
    /// Our application reference with the issuing body (a Certificate of Origin), kept across
    /// retries as its idempotency key.
    pub application_reference: Option<String>,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// The refusal's problems (line, field, problem, fix), when rejected.
    pub problems: Option<Json>,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub certificate_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
