//! The audit log: append-only records of who did what, when and from where.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::DomainResult;
use crate::entities::audit_event;

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    User { id: uuid::Uuid, email: String },
    /// An operator at the command line.
    Cli,
    /// The server itself (background work).
    System,
    /// Someone not signed in (failed sign-ins).
    Anonymous,
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub target: &'a str,
    pub ip: Option<&'a str>,
    /// Extra facts; must never hold a secret.
    pub detail: serde_json::Value,
}

/// A recorded event as the admin panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub ip: Option<String>,
    pub detail: String,
}

/// Appends an event (inside the caller's transaction when given one).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    entry: AuditEntry<'_>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let (actor_user_id, actor) = match entry.actor {
        Actor::User { id, email } => (Some(*id), email.clone()),
        Actor::Cli => (None, "cli".to_owned()),
        Actor::System => (None, "system".to_owned()),
        Actor::Anonymous => (None, "anonymous".to_owned()),
    };
    audit_event::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        at: Set(now),
        actor_user_id: Set(actor_user_id),
        actor: Set(actor),
        action: Set(entry.action.to_owned()),
        target: Set(entry.target.chars().take(200).collect()),
        ip: Set(entry.ip.map(|ip| ip.chars().take(45).collect())),
        detail: Set(entry.detail.to_string()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest `limit` events.
pub async fn recent<C: ConnectionTrait>(db: &C, limit: u64) -> DomainResult<Vec<AuditRecord>> {
    Ok(audit_event::Entity::find()
        .order_by_desc(audit_event::Column::At)
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| AuditRecord {
            at: m.at,
            actor: m.actor,
            action: m.action,
            target: m.target,
            ip: m.ip,
            detail: m.detail,
        })
        .collect())
}
