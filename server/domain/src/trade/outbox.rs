//! The transactional outbox: events are written in the same transaction as the change they
//! describe ([`enqueue`]), and workers take them out with a lease ([`claim`]), so a crash
//! between the change and its side effect loses nothing and a message held by one worker
//! is not handed to another (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the claim is
//! one write transaction, and SQLite has one writer at a time).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::events::TradeEvent;
use crate::DomainResult;
use crate::entities::outbox_message;

/// Writes `event` to the outbox (call it inside the change's transaction).
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    event: &TradeEvent,
    now: DateTime<Utc>,
) -> DomainResult<Uuid> {
    enqueue_kind(
        db,
        event.kind(),
        serde_json::to_value(event).unwrap_or_default(),
        now,
    )
    .await
}

/// Writes a message of any kind (`notify::enqueue_mail` writes `mail`).
pub async fn enqueue_kind<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> DomainResult<Uuid> {
    let id = Uuid::now_v7();
    outbox_message::ActiveModel {
        id: Set(id),
        kind: Set(kind.to_owned()),
        payload: Set(payload),
        created_at: Set(now),
        available_at: Set(now),
        attempts: Set(0),
        last_error: Set(None),
        lease_until: Set(None),
        processed_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// A claimed message.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub kind: String,
    pub event: Option<TradeEvent>,
    pub payload: serde_json::Value,
    /// Including this one.
    pub attempts: i32,
}

/// Takes up to `limit` due messages of the given kinds (all kinds when empty), oldest first,
/// and holds them for `lease`.
pub async fn claim<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    kinds: &[&str],
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Claimed>> {
    let txn = db.begin().await?;
    let mut query = outbox_message::Entity::find()
        .filter(outbox_message::Column::ProcessedAt.is_null())
        .filter(outbox_message::Column::AvailableAt.lte(now))
        .filter(
            Condition::any()
                .add(outbox_message::Column::LeaseUntil.is_null())
                .add(outbox_message::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(outbox_message::Column::CreatedAt)
        .order_by_asc(outbox_message::Column::Id)
        .limit(limit);
    if !kinds.is_empty() {
        query = query.filter(outbox_message::Column::Kind.is_in(kinds.iter().copied()));
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    } else {
        // Take SQLite's write lock before reading, so two workers queue here instead of one
        // failing to upgrade a read snapshot that the other's commit made stale.
        txn.execute_unprepared("UPDATE outbox SET attempts = attempts WHERE 0 = 1")
            .await?;
    }
    let rows = query.all(&txn).await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let attempts = row.attempts + 1;
        let mut active: outbox_message::ActiveModel = row.clone().into();
        active.lease_until = Set(Some(now + lease));
        active.attempts = Set(attempts);
        active.update(&txn).await?;
        claimed.push(Claimed {
            id: row.id,
            event: serde_json::from_value(row.payload.clone()).ok(),
            kind: row.kind,
            payload: row.payload,
            attempts,
        });
    }
    txn.commit().await?;
    Ok(claimed)
}

/// Marks a claimed message done.
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::ProcessedAt, now.into())
        .col_expr(
            outbox_message::Column::LeaseUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks a claimed message done and replaces what it keeps (a sent mail's secrets blanked).
pub async fn complete_with<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Payload, payload.into())
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await?;
    complete(db, id, now).await
}

/// Gives a claimed message back with the error, to be tried again from `retry_at`.
pub async fn fail<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    error: &str,
    retry_at: DateTime<Utc>,
) -> DomainResult<()> {
    outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::LastError,
            Some(error.chars().take(2000).collect::<String>()).into(),
        )
        .col_expr(outbox_message::Column::AvailableAt, retry_at.into())
        .col_expr(
            outbox_message::Column::LeaseUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Exponential backoff with full jitter: up to 30 s × 2^(attempts − 1), at most one hour,
/// at least one second. `jitter_permille` in 0..=1000 is the caller's random draw (so this
/// stays testable).
pub fn backoff(attempts: i32, jitter_permille: u32) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    let ceiling_ms = (30_000_i64 << exp).min(3_600_000);
    let ms = ceiling_ms * i64::from(jitter_permille.min(1000)) / 1000;
    Duration::milliseconds(ms.max(1_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour_and_never_retries_at_once() {
        assert_eq!(backoff(1, 1000), Duration::seconds(30));
        assert_eq!(backoff(2, 1000), Duration::seconds(60));
        assert_eq!(backoff(20, 1000), Duration::hours(1));
        assert_eq!(backoff(3, 0), Duration::seconds(1));
        assert!(backoff(4, 500) <= Duration::seconds(120));
    }
}
