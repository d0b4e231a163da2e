//! The audit log: append-only records of who did what, when and from where.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::DomainResult;
use crate::entities::audit_event;
use crate::views::{AuditRecord, time_text};

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

fn to_record(m: audit_event::Model) -> AuditRecord {
    AuditRecord {
        at: time_text(m.at),
        actor: m.actor,
        action: m.action,
        target: m.target,
        ip: m.ip,
        detail: m.detail,
    }
}

/// The newest `limit` events.
pub async fn recent<C: ConnectionTrait>(db: &C, limit: u64) -> DomainResult<Vec<AuditRecord>> {
    Ok(page(db, "", 1, limit).await?.0)
}

/// One page of events, newest first, filtered by actor, action or target; with the total.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    query: &str,
    page: u64,
    per_page: u64,
) -> DomainResult<(Vec<AuditRecord>, u64)> {
    let mut select = audit_event::Entity::find();
    let q = query.trim();
    if !q.is_empty() {
        let pattern = crate::db::like_pattern(q);
        select = select.filter(
            Condition::any()
                .add(crate::db::lower_like(audit_event::Column::Actor, &pattern))
                .add(crate::db::lower_like(audit_event::Column::Action, &pattern))
                .add(crate::db::lower_like(audit_event::Column::Target, &pattern)),
        );
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(audit_event::Column::At)
        .order_by_desc(audit_event::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect();
    Ok((rows, total))
}
