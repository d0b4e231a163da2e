//! `attachments`: files sent with a message (the bytes are under the data directory).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub rfq_id: Uuid,
    pub message_id: Uuid,
    /// The name as uploaded, cleaned (no path, no control characters).
    pub file_name: String,
    /// Sniffed from the bytes: `application/pdf`, `image/png` or `image/jpeg`.
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
