//! `users`: people who sign in — buyers and the exporter's staff.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased e-mail address.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    /// `buyer`, `buyer_admin`, `staff` or `admin`.
    pub role: String,
    /// argon2id PHC string; only staff may have one.
    pub password_hash: Option<String>,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_sign_in_at: Option<DateTimeUtc>,
    /// Whether a trusted provider has vouched for `email` (`email_verified` from a provider
    /// marked `trusted_email`). Only such an account is ever linked to a new identity by its
    /// address; staff accounts never are (they connect identities while signed in).
    pub email_verified: bool,
    /// The TOTP secret (RFC 6238, base32), from the start of enrolment. Sign-in asks for a code
    /// only once `totp_enabled_at` is set (the first code was confirmed).
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// The last TOTP time step accepted: a code is accepted once.
    pub totp_last_step: Option<i64>,
    /// The language the person reads mail and notifications in (a UI locale tag); set when
    /// they sign in with an e-mail code, else English.
    pub locale: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::session::Entity")]
    Sessions,
    #[sea_orm(has_many = "super::recovery_code::Entity")]
    RecoveryCodes,
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sessions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
