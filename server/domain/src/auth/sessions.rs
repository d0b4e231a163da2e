//! Server-side sessions: a random token in an HttpOnly cookie, its SHA-256 in the database,
//! idle and absolute expiry, rotation on sign-in, server-side revocation.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use zeroize::Zeroizing;

use super::secret::{hash_secret, random_bytes};
use super::users::UserInfo;
use crate::entities::{session, user};
use crate::{DomainError, DomainResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

/// `last_seen_at` is written at most this often (saves a write per request).
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A new session: the cookie value (shown to the browser only) and the form token.
#[derive(Debug)]
pub struct NewSession {
    pub token: Zeroizing<String>,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A live session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    pub session_id: uuid::Uuid,
    pub user: UserInfo,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

fn new_token() -> Zeroizing<String> {
    Zeroizing::new(URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// Starts a session for `user_id`. When the browser already had a session (`previous`), that
/// one is deleted in the same transaction: the id always changes on sign-in (no fixation).
pub async fn start<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    previous: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> DomainResult<NewSession> {
    let token = new_token();
    let csrf_token = URL_SAFE_NO_PAD.encode(random_bytes::<24>());
    let expires_at = now + policy.absolute;
    let txn = db.begin().await?;
    if let Some(old) = previous {
        session::Entity::delete_many()
            .filter(session::Column::TokenHash.eq(hash_secret(old)))
            .exec(&txn)
            .await?;
    }
    session::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        token_hash: Set(hash_secret(&token)),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        ip: Set(ip.map(|s| s.chars().take(45).collect())),
        user_agent: Set(user_agent.map(|s| s.chars().take(200).collect())),
    }
    .insert(&txn)
    .await?;
    let mut u: user::ActiveModel = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?
        .into();
    u.last_sign_in_at = Set(Some(now));
    u.update(&txn).await?;
    txn.commit().await?;
    Ok(NewSession {
        token,
        csrf_token,
        expires_at,
    })
}

/// The live session behind a cookie token, or `None` when unknown, expired (idle or
/// absolute) or its user is disabled. Expired rows are deleted on sight.
pub async fn resume<C: ConnectionTrait>(
    db: &C,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> DomainResult<Option<ActiveSession>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let Some((row, Some(u))) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_secret(token)))
        .find_also_related(user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.expires_at <= now || row.last_seen_at + policy.idle <= now {
        session::Entity::delete_by_id(row.id).exec(db).await?;
        return Ok(None);
    }
    let user: UserInfo = u.try_into()?;
    if user.disabled {
        return Ok(None);
    }
    let session = ActiveSession {
        session_id: row.id,
        user,
        csrf_token: row.csrf_token.clone(),
        expires_at: row.expires_at,
    };
    if now - row.last_seen_at >= TOUCH_EVERY {
        let mut active: session::ActiveModel = row.into();
        active.last_seen_at = Set(now);
        active.update(db).await?;
        tracing::trace!(session = %session.session_id, "session touched");
    }
    Ok(Some(session))
}

/// Ends the session behind `token` (sign-out).
pub async fn end<C: ConnectionTrait>(db: &C, token: &str) -> DomainResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(hash_secret(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user (admin action, disabling, password change). Returns how many.
pub async fn end_all_for_user<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
) -> DomainResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes sessions that can no longer be resumed: past their absolute expiry, or unused for
/// longer than the idle time. Run periodically (`server::maintenance`).
pub async fn purge_expired<C: ConnectionTrait>(
    db: &C,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - policy.idle)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
