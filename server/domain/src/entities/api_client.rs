//! `api_clients`: platform integrations that call `/api/v1` with OAuth2 client credentials.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The public id the client authenticates with (`pfc_…`).
    #[sea_orm(unique)]
    pub client_id: String,
    pub name: String,
    /// Hex SHA-256 of the secret; the secret itself is never stored.
    pub secret_hash: String,
    /// Space-separated scopes the client may request.
    pub scopes: String,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
