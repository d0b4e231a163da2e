//! `sign_in_codes`: one-time e-mail sign-in codes, stored as their SHA-256 only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased e-mail address the code was sent to.
    pub email: String,
    /// SHA-256 (hex) of the code's id and the code.
    pub code_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Set when the code signed someone in, was replaced by a newer one, or failed too often.
    pub used_at: Option<DateTimeUtc>,
    pub failures: i32,
    /// The address that asked for it.
    pub ip: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
