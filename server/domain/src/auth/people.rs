//! Managing people from the admin panel (list, change role, disable, end sessions) and
//! signing people in with an OpenID Connect identity: match by provider + subject; else link
//! to an existing account by e-mail only when that account is a buyer's whose address a
//! trusted provider verified, and the new identity's address is verified by a trusted
//! provider too; else create a buyer account (whose address counts as verified only if the
//! provider vouched for it).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use thiserror::Error;

use super::audit::{self, Actor, AuditEntry};
use super::role::Role;
use super::sessions;
use super::users::{UserInfo, normalize_email};
use crate::entities::{company, company_member, session, user, user_identity};
use crate::views::{UserRow, time_text};
use crate::{DomainError, DomainResult};

fn actor_of(u: &UserInfo) -> Actor {
    Actor::User {
        id: u.id,
        email: u.email.clone(),
    }
}

/// One page of users, newest first, filtered by e-mail or name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    query: &str,
    page: u64,
    per_page: u64,
    now: DateTime<Utc>,
) -> DomainResult<(Vec<UserRow>, u64)> {
    let mut select = user::Entity::find();
    let q = query.trim();
    if !q.is_empty() {
        let pattern = crate::db::like_pattern(q);
        select = select.filter(
            Condition::any()
                .add(crate::db::lower_like(user::Column::Email, &pattern))
                .add(crate::db::lower_like(user::Column::DisplayName, &pattern)),
        );
    }
    let total = select.clone().count(db).await?;
    let models = select
        .order_by_desc(user::Column::CreatedAt)
        .order_by_desc(user::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let mut rows = Vec::with_capacity(models.len());
    for m in models {
        let id = m.id;
        let (created_at, last_sign_in_at, has_password) =
            (m.created_at, m.last_sign_in_at, m.password_hash.is_some());
        let company = match company_member::Entity::find_by_id(id).one(db).await? {
            Some(member) => company::Entity::find_by_id(member.company_id)
                .one(db)
                .await?
                .map(|c| c.name),
            None => None,
        };
        let sessions = session::Entity::find()
            .filter(session::Column::UserId.eq(id))
            .filter(session::Column::ExpiresAt.gt(now))
            .count(db)
            .await?;
        let identities = user_identity::Entity::find()
            .filter(user_identity::Column::UserId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.provider)
            .collect();
        let user: UserInfo = m.try_into()?;
        rows.push(UserRow {
            id: user.id.to_string(),
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            disabled: user.disabled,
            company,
            created_at: time_text(created_at),
            last_sign_in_at: last_sign_in_at.map(time_text),
            sessions,
            has_password,
            identities,
        });
    }
    Ok((rows, total))
}

/// Why an admin action on a person was refused.
fn refuse(message: &str) -> DomainError {
    DomainError::Conflict(message.to_owned())
}

async fn target_for_change<C: ConnectionTrait>(
    db: &C,
    actor: &UserInfo,
    target_id: uuid::Uuid,
) -> DomainResult<user::Model> {
    if !actor.role.is_admin() {
        return Err(refuse("only administrators manage people"));
    }
    if actor.id == target_id {
        return Err(refuse(
            "you cannot change your own account here; ask another administrator",
        ));
    }
    user::Entity::find_by_id(target_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))
}

/// Gives a person another role. Staff roles need no company; buyer roles keep theirs.
pub async fn set_role<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &UserInfo,
    target_id: uuid::Uuid,
    role: Role,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<UserInfo> {
    let txn = db.begin().await?;
    let target = target_for_change(&txn, actor, target_id).await?;
    let before = target.role.clone();
    if before == role.as_str() {
        return target.try_into();
    }
    let in_company = company_member::Entity::find_by_id(target_id)
        .one(&txn)
        .await?
        .is_some();
    if role.is_staff() && in_company {
        return Err(refuse(
            "this person belongs to a buyer company; staff accounts cannot, so create a separate staff account",
        ));
    }
    let email = target.email.clone();
    let mut active: user::ActiveModel = target.into();
    active.role = Set(role.as_str().to_owned());
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    // New powers (or fewer) start with a fresh sign-in.
    sessions::end_all_for_user(&txn, target_id).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: &actor_of(actor),
            action: "user.role",
            target: &email,
            ip,
            detail: serde_json::json!({ "from": before, "to": role.as_str() }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    updated.try_into()
}

/// Disables (ending every session) or re-enables an account.
pub async fn set_disabled<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &UserInfo,
    target_id: uuid::Uuid,
    disabled: bool,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<UserInfo> {
    let txn = db.begin().await?;
    let target = target_for_change(&txn, actor, target_id).await?;
    let email = target.email.clone();
    let mut active: user::ActiveModel = target.into();
    active.disabled_at = Set(disabled.then_some(now));
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    let ended = if disabled {
        sessions::end_all_for_user(&txn, target_id).await?
    } else {
        0
    };
    audit::record(
        &txn,
        AuditEntry {
            actor: &actor_of(actor),
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            target: &email,
            ip,
            detail: serde_json::json!({ "sessions_ended": ended }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    updated.try_into()
}

/// Ends every session of a person (they must sign in again). Returns how many ended.
pub async fn end_sessions<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &UserInfo,
    target_id: uuid::Uuid,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    let txn = db.begin().await?;
    let target = target_for_change(&txn, actor, target_id).await?;
    let ended = sessions::end_all_for_user(&txn, target_id).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: &actor_of(actor),
            action: "user.sessions_end",
            target: &target.email,
            ip,
            detail: serde_json::json!({ "sessions_ended": ended }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}

/// What a provider vouched for, after the ID token was validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The provider's id in the configuration.
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    /// The provider's `email_verified` claim.
    pub email_verified: bool,
    /// The provider is marked `trusted_email = true` in the providers file.
    pub trusted_email: bool,
    pub name: Option<String>,
}

impl VerifiedIdentity {
    /// Whether the address is vouched for: verified, by a provider trusted for e-mail.
    pub fn email_vouched(&self) -> bool {
        self.email_verified && self.trusted_email
    }
}

/// How the identity was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// A returning user (provider + subject known).
    Known,
    /// An existing account linked by its verified e-mail address.
    LinkedByEmail,
    /// A new buyer account.
    Created,
}

/// Why an identity could not be signed in.
#[derive(Debug, Error)]
pub enum IdentityError {
    #[error("the provider did not share an e-mail address; allow it to, then try again")]
    NoEmail,
    #[error(
        "an account with this e-mail address exists, but the provider has not verified the address, so we cannot link them; verify it with the provider or sign in another way"
    )]
    UnverifiedEmail,
    #[error(
        "an account with this e-mail address exists and cannot be linked automatically; sign in the way you did before"
    )]
    LinkRefused,
    #[error("this account is disabled; ask the exporter's administrator")]
    Disabled,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<sea_orm::DbErr> for IdentityError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Domain(e.into())
    }
}

/// Finds or creates the user behind a provider identity, in one transaction with its audit
/// record: known subject → that user; else a verified e-mail of an existing account → link;
/// else a new buyer account. Disabled users are refused.
pub async fn sign_in_with_identity<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: &VerifiedIdentity,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(UserInfo, Matched), IdentityError> {
    let txn = db.begin().await?;
    let known = user_identity::Entity::find()
        .filter(user_identity::Column::Provider.eq(&id.provider))
        .filter(user_identity::Column::Subject.eq(&id.subject))
        .one(&txn)
        .await?;
    let (model, matched) = if let Some(identity) = known {
        let user = user::Entity::find_by_id(identity.user_id)
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::not_found("user"))?;
        let mut active: user_identity::ActiveModel = identity.into();
        active.last_used_at = Set(now);
        active.update(&txn).await?;
        (user, Matched::Known)
    } else {
        let email = id
            .email
            .as_deref()
            .map(normalize_email)
            .transpose()
            .map_err(|_| IdentityError::NoEmail)?
            .ok_or(IdentityError::NoEmail)?;
        let existing = user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .one(&txn)
            .await?;
        let (user, matched) = match existing {
            // Staff and admin accounts connect an identity only from a signed-in session.
            Some(user) if Role::parse(&user.role).is_none_or(Role::is_staff) => {
                return Err(IdentityError::LinkRefused);
            }
            Some(_) if !id.email_vouched() => return Err(IdentityError::UnverifiedEmail),
            // An account made from an address nobody vouched for is never taken over by it.
            Some(user) if !user.email_verified => return Err(IdentityError::LinkRefused),
            Some(user) => (user, Matched::LinkedByEmail),
            None => {
                let display_name = id
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| n.chars().take(120).collect())
                    .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
                let mut user = super::users::new_account(&email, display_name, Role::Buyer, now);
                user.email_verified = Set(id.email_vouched());
                let user = user.insert(&txn).await?;
                (user, Matched::Created)
            }
        };
        user_identity::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            user_id: Set(user.id),
            provider: Set(id.provider.clone()),
            subject: Set(id.subject.chars().take(255).collect()),
            email: Set(Some(email)),
            created_at: Set(now),
            last_used_at: Set(now),
        }
        .insert(&txn)
        .await?;
        (user, matched)
    };
    if model.disabled_at.is_some() {
        // Roll back now rather than when the transaction is dropped: on SQLite the write
        // above holds the database's write lock until then, and another connection's
        // transaction that read first would get SQLITE_BUSY at once (no busy wait).
        txn.rollback().await?;
        return Err(IdentityError::Disabled);
    }
    let info: UserInfo = model.try_into()?;
    let action = match matched {
        Matched::Known => None,
        Matched::LinkedByEmail => Some("identity.link"),
        Matched::Created => Some("user.create"),
    };
    if let Some(action) = action {
        audit::record(
            &txn,
            AuditEntry {
                actor: &actor_of(&info),
                action,
                target: &info.email,
                ip,
                detail: serde_json::json!({
                    "provider": id.provider,
                    "email_verified": id.email_verified,
                    "trusted_email": id.trusted_email,
                }),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok((info, matched))
}

/// Why a provider identity could not be connected to the signed-in account.
#[derive(Debug, Error)]
pub enum ConnectError {
    /// The identity already signs in to another account.
    #[error("this provider account already signs in to another account here")]
    Taken,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<sea_orm::DbErr> for ConnectError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Domain(e.into())
    }
}

/// Connects a provider identity to the signed-in account `user_id` (the person started it
/// from their account page after confirming their identity): the only way a staff or admin
/// account gets one. One transaction with its audit record; connecting the same identity
/// again changes nothing.
pub async fn connect_identity<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    id: &VerifiedIdentity,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UserInfo, ConnectError> {
    let txn = db.begin().await?;
    let model = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?;
    let info: UserInfo = model.try_into()?;
    let known = user_identity::Entity::find()
        .filter(user_identity::Column::Provider.eq(&id.provider))
        .filter(user_identity::Column::Subject.eq(&id.subject))
        .one(&txn)
        .await?;
    match known {
        Some(identity) if identity.user_id != user_id => return Err(ConnectError::Taken),
        Some(_) => return Ok(info),
        None => {}
    }
    user_identity::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        user_id: Set(user_id),
        provider: Set(id.provider.clone()),
        subject: Set(id.subject.chars().take(255).collect()),
        email: Set(id.email.as_deref().and_then(|e| normalize_email(e).ok())),
        created_at: Set(now),
        last_used_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: &actor_of(&info),
            action: "identity.link",
            target: &info.email,
            ip,
            detail: serde_json::json!({
                "provider": id.provider,
                "from": "account_page",
                "email_verified": id.email_verified,
            }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(info)
}

/// Disconnects the provider `provider` from the signed-in account `user_id`, audited. Refused
/// when it is the account's only way to sign in (no password and no other provider).
/// `false` when no such identity was connected.
pub async fn disconnect_identity<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    provider: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let txn = db.begin().await?;
    let model = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?;
    let identities = user_identity::Entity::find()
        .filter(user_identity::Column::UserId.eq(user_id))
        .all(&txn)
        .await?;
    let Some(identity) = identities.iter().find(|i| i.provider == provider) else {
        return Ok(false);
    };
    if model.password_hash.is_none() && identities.len() == 1 {
        return Err(DomainError::Conflict(
            "this is the only way you sign in; connect another provider first".into(),
        ));
    }
    user_identity::Entity::delete_by_id(identity.id)
        .exec(&txn)
        .await?;
    let info: UserInfo = model.try_into()?;
    audit::record(
        &txn,
        AuditEntry {
            actor: &actor_of(&info),
            action: "identity.unlink",
            target: &info.email,
            ip,
            detail: serde_json::json!({ "provider": provider }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
