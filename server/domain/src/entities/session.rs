//! `sessions`: server-side sign-in sessions. The cookie holds a random token; the table holds
//! only its SHA-256, so a database leak does not hand out sessions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub user_id: Uuid,
    /// The token forms must echo (synchronizer-token CSRF defence).
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    /// Absolute expiry: the session ends then, however active.
    pub expires_at: DateTimeUtc,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// When the person last proved who they are in this session (sign-in, or confirming
    /// their identity again); `None` on sessions older than the column: `created_at` then.
    pub authenticated_at: Option<DateTimeUtc>,
    /// The first factor was accepted, the second (a TOTP or recovery code) is still to come:
    /// the session signs nobody in until it is.
    pub pending_factor: bool,
    /// Wrong codes entered against a pending session.
    pub factor_failures: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
