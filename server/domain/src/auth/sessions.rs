//! Server-side sessions: a random token in an HttpOnly cookie, its SHA-256 in the database,
//! idle and absolute expiry, rotation on sign-in, server-side revocation.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
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
    /// When the person last proved who they are (sign-in or [`confirm_identity`]).
    pub authenticated_at: DateTime<Utc>,
}

/// How recent the last proof of identity must be for a sensitive action (creating an API
/// client, changing roles, rotating keys, switching the e-CO issuing mode, turning two-step
/// sign-in off).
pub const RECENT_AUTHENTICATION: Duration = Duration::minutes(10);

/// How long a sign-in waits for its second factor.
pub const PENDING_FACTOR_FOR: Duration = Duration::minutes(5);

/// Wrong codes accepted against one pending sign-in before it is dropped (the person starts
/// again with their password, which has its own throttle).
pub const MAX_FACTOR_FAILURES: i32 = 5;

impl ActiveSession {
    /// Whether the person proved who they are within [`RECENT_AUTHENTICATION`].
    pub fn recently_authenticated(&self, now: DateTime<Utc>) -> bool {
        now - self.authenticated_at <= RECENT_AUTHENTICATION
    }
}

/// A sign-in waiting for its second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    pub session_id: uuid::Uuid,
    pub user: UserInfo,
}

/// One of a person's sessions, as the account page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub session_id: uuid::Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
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
    insert(
        db,
        user_id,
        previous,
        ip,
        user_agent,
        now + policy.absolute,
        false,
        now,
    )
    .await
}

/// Starts a sign-in that waits for its second factor ([`PENDING_FACTOR_FOR`]): it signs
/// nobody in ([`resume`] ignores it) until its code is accepted and [`start`] replaces it
/// (passing its token as `previous`).
pub async fn start_pending<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    previous: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<NewSession> {
    insert(
        db,
        user_id,
        previous,
        ip,
        user_agent,
        now + PENDING_FACTOR_FOR,
        true,
        now,
    )
    .await
}

#[expect(clippy::too_many_arguments, reason = "the two public starts name them")]
async fn insert<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    previous: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
    expires_at: DateTime<Utc>,
    pending_factor: bool,
    now: DateTime<Utc>,
) -> DomainResult<NewSession> {
    let token = new_token();
    let csrf_token = URL_SAFE_NO_PAD.encode(random_bytes::<24>());
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
        authenticated_at: Set(Some(now)),
        pending_factor: Set(pending_factor),
        factor_failures: Set(0),
    }
    .insert(&txn)
    .await?;
    if !pending_factor {
        let mut u: user::ActiveModel = user::Entity::find_by_id(user_id)
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::not_found("user"))?
            .into();
        u.last_sign_in_at = Set(Some(now));
        u.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(NewSession {
        token,
        csrf_token,
        expires_at,
    })
}

/// The row behind a cookie token and its user, when it is of the kind asked for (a pending
/// sign-in or a session) and still within `expired`'s limits; an expired row is deleted on
/// sight.
async fn find_live<C: ConnectionTrait>(
    db: &C,
    token: &str,
    pending_factor: bool,
    expired: impl Fn(&session::Model) -> bool,
) -> DomainResult<Option<(session::Model, UserInfo)>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let Some((row, Some(u))) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_secret(token)))
        .filter(session::Column::PendingFactor.eq(pending_factor))
        .find_also_related(user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if expired(&row) {
        session::Entity::delete_by_id(row.id).exec(db).await?;
        return Ok(None);
    }
    let user: UserInfo = u.try_into()?;
    Ok((!user.disabled).then_some((row, user)))
}

/// The sign-in behind `token` that waits for its second factor, or `None` (unknown,
/// expired, already a full session, or its user disabled).
pub async fn resume_pending<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<PendingSignIn>> {
    Ok(find_live(db, token, true, |row| row.expires_at <= now)
        .await?
        .map(|(row, user)| PendingSignIn {
            session_id: row.id,
            user,
        }))
}

/// Counts a wrong code against a pending sign-in; after [`MAX_FACTOR_FAILURES`] it is
/// deleted. Returns whether it is still usable.
pub async fn record_factor_failure<C: ConnectionTrait>(
    db: &C,
    session_id: uuid::Uuid,
) -> DomainResult<bool> {
    session::Entity::update_many()
        .col_expr(
            session::Column::FactorFailures,
            sea_orm::sea_query::ExprTrait::add(Expr::col(session::Column::FactorFailures), 1),
        )
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    let deleted = session::Entity::delete_many()
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::FactorFailures.gte(MAX_FACTOR_FAILURES))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 0)
}

/// Records that the person of `session_id` just proved who they are again (password or
/// code on the confirm-identity page).
pub async fn confirm_identity<C: ConnectionTrait>(
    db: &C,
    session_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::AuthenticatedAt, Expr::value(now))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::PendingFactor.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// A person's live sessions, most recently used first (pending sign-ins left out).
pub async fn list_for_user<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> DomainResult<Vec<SessionInfo>> {
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::PendingFactor.eq(false))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(now - policy.idle))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?
        .into_iter()
        .map(|row| SessionInfo {
            session_id: row.id,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            ip: row.ip,
            user_agent: row.user_agent,
        })
        .collect())
}

/// Ends one of a person's own sessions; `false` when it is not theirs (or already gone).
pub async fn end_own<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    session_id: uuid::Uuid,
) -> DomainResult<bool> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Ends every session of a person except `keep` (the one asking). Returns how many.
pub async fn end_others<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    keep: uuid::Uuid,
) -> DomainResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Id.ne(keep))
        .exec(db)
        .await?
        .rows_affected)
}

/// The live session behind a cookie token, or `None` when unknown, expired (idle or
/// absolute) or its user is disabled. Expired rows are deleted on sight.
pub async fn resume<C: ConnectionTrait>(
    db: &C,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> DomainResult<Option<ActiveSession>> {
    let expired =
        |row: &session::Model| row.expires_at <= now || row.last_seen_at + policy.idle <= now;
    let Some((row, user)) = find_live(db, token, false, expired).await? else {
        return Ok(None);
    };
    let session = ActiveSession {
        session_id: row.id,
        user,
        csrf_token: row.csrf_token.clone(),
        expires_at: row.expires_at,
        authenticated_at: row.authenticated_at.unwrap_or(row.created_at),
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
