//! `audit_events`: who did what, when, from where (security-relevant and business actions).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub actor_user_id: Option<Uuid>,
    /// The actor as shown: an e-mail address, `cli` or `system`.
    pub actor: String,
    /// Dotted action name, e.g. `session.sign_in`, `api_client.create`.
    pub action: String,
    /// What the action touched, e.g. an e-mail address or a client id.
    pub target: String,
    pub ip: Option<String>,
    /// Extra facts as JSON text (never secrets).
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
