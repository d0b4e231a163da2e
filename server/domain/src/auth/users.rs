//! People: staff accounts with local passwords (the first admin comes from the command line),
//! and sign-in by password.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::audit::{self, Actor, AuditEntry};
use super::password::{
    burn_verification_blocking, hash_password_blocking, verify_password_blocking,
};
use super::role::Role;
use crate::entities::user;
use crate::{DomainError, DomainResult};

/// The longest e-mail address accepted (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// A person as the rest of the system sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: uuid::Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Whether sign-in asks for a second factor (TOTP or recovery code).
    pub totp_enabled: bool,
}

impl TryFrom<user::Model> for UserInfo {
    type Error = DomainError;
    fn try_from(m: user::Model) -> DomainResult<Self> {
        Ok(Self {
            role: Role::parse(&m.role).ok_or_else(|| {
                DomainError::invalid("users.role", format!("unknown role {}", m.role))
            })?,
            id: m.id,
            email: m.email,
            display_name: m.display_name,
            disabled: m.disabled_at.is_some(),
            totp_enabled: m.totp_enabled_at.is_some(),
        })
    }
}

/// Normalises and checks an e-mail address: trimmed, lower-cased, one `@` with text on both
/// sides and a dot in the domain, no spaces or control characters.
pub fn normalize_email(email: &str) -> DomainResult<String> {
    let email = email.trim().to_lowercase();
    let bad = |m: &str| Err(DomainError::invalid("email", m));
    if email.is_empty() {
        return bad("enter an e-mail address");
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return bad("the e-mail address is longer than 254 characters");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return bad("an e-mail address needs an @, as in name@company.com");
    };
    if local.is_empty()
        || domain.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return bad("this is not a valid e-mail address; check it for typos");
    }
    Ok(email)
}

/// A new account's row for `email` (already normalised): no password, no second step, its
/// address not vouched for, no language chosen; callers set what differs.
pub fn new_account(
    email: &str,
    display_name: String,
    role: Role,
    now: DateTime<Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        email: Set(email.to_owned()),
        display_name: Set(display_name),
        role: Set(role.as_str().to_owned()),
        password_hash: Set(None),
        disabled_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        last_sign_in_at: Set(None),
        email_verified: Set(false),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        locale: Set(None),
    }
}

/// Creates a staff or admin account with a local password, recording it in the audit log.
/// Refuses an address that already has an account.
pub async fn create_staff<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: &str,
    display_name: &str,
    role: Role,
    password: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<UserInfo> {
    if !role.is_staff() {
        return Err(DomainError::invalid(
            "role",
            "only staff and admin accounts have local passwords",
        ));
    }
    let email = normalize_email(email)?;
    let display_name = match display_name.trim() {
        "" => email.split('@').next().unwrap_or_default().to_owned(),
        name if name.chars().count() > 120 => {
            return Err(DomainError::invalid(
                "display_name",
                "the name is longer than 120 characters",
            ));
        }
        name => name.to_owned(),
    };
    let hash = hash_password_blocking(password)
        .await
        .map_err(|e| DomainError::invalid("password", e.to_string()))?;
    let txn = db.begin().await?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .count(&txn)
        .await?
        > 0
    {
        return Err(DomainError::Conflict(format!(
            "an account for {email} already exists"
        )));
    }
    let mut model = new_account(&email, display_name, role, now);
    model.password_hash = Set(Some(hash));
    let model = model.insert(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "user.create",
            target: &email,
            ip: None,
            detail: serde_json::json!({ "role": role.as_str() }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    model.try_into()
}

/// Why a password sign-in failed.
#[derive(Debug, Error)]
pub enum SignInError {
    /// Unknown address, no password, or a wrong one: one answer for all.
    #[error("the e-mail address or password is wrong")]
    BadCredentials,
    #[error("this account is disabled; ask an administrator")]
    Disabled,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<sea_orm::DbErr> for SignInError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Domain(e.into())
    }
}

/// Checks an e-mail address and password. Costs one argon2 verification whatever happens.
pub async fn authenticate_password<C: ConnectionTrait>(
    db: &C,
    email: &str,
    password: &str,
) -> Result<UserInfo, SignInError> {
    let Ok(email) = normalize_email(email) else {
        burn_verification_blocking(password).await;
        return Err(SignInError::BadCredentials);
    };
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?;
    let Some(model) = found else {
        burn_verification_blocking(password).await;
        return Err(SignInError::BadCredentials);
    };
    let Some(hash) = model.password_hash.as_deref() else {
        burn_verification_blocking(password).await;
        return Err(SignInError::BadCredentials);
    };
    if !verify_password_blocking(password, hash).await {
        return Err(SignInError::BadCredentials);
    }
    if model.disabled_at.is_some() {
        return Err(SignInError::Disabled);
    }
    Ok(model.try_into()?)
}

/// One user by id.
pub async fn find<C: ConnectionTrait>(db: &C, id: uuid::Uuid) -> DomainResult<Option<UserInfo>> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(UserInfo::try_from)
        .transpose()
}

/// How many accounts exist.
pub async fn count<C: ConnectionTrait>(db: &C) -> DomainResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Ana@Example.COM ").unwrap(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.com",
            "ana@.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
        assert!(normalize_email(&format!("{}@example.com", "a".repeat(250))).is_err());
    }
}
