//! The stored side of e-mail sign-in codes (see the parent module).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{CODE_VALID_FOR_MINUTES, CODE_WINDOW_MINUTES, MAX_CODES, MAX_FAILURES};
use crate::DomainResult;
use crate::auth::Role;
use crate::auth::audit::{self, Actor, AuditEntry};
use crate::auth::secret::{random_bytes, same_text};
use crate::auth::users::{UserInfo, normalize_email};
use crate::entities::{sign_in_code, user};
use crate::notify::{Mail, MailMessage, enqueue_mail};

/// How long a code works.
pub const CODE_VALID_FOR: Duration = Duration::minutes(CODE_VALID_FOR_MINUTES);
/// The window [`MAX_CODES`] counts in.
pub const CODE_WINDOW: Duration = Duration::minutes(CODE_WINDOW_MINUTES);

/// What [`request`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// A code is in the outbox for the address — or the address belongs to staff or a
    /// disabled account, which get none. The page says the same in every case.
    Sent,
    /// Too many codes for this address lately.
    TooMany { retry_after: Duration },
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// The code was right: the buyer (`created` on first sign-in).
    SignedIn { user: UserInfo, created: bool },
    /// Wrong code; this many tries are left on it.
    Wrong { left: i32 },
    /// No usable code for the address (none asked, expired, used or burned).
    Expired,
}

fn code_hash(id: Uuid, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{id}:{code}").as_bytes()))
}

/// Six random digits.
fn new_code() -> String {
    let n = u64::from_le_bytes(random_bytes::<8>()) % 1_000_000;
    format!("{n:06}")
}

/// A code as typed: spaces and dashes dropped.
fn typed(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).collect()
}

/// Sends a sign-in code to `email` (in the `locale` the person asked in).
pub async fn request<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: &str,
    locale: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<Requested> {
    let email = normalize_email(email)?;
    let txn = db.begin().await?;
    let recent = sign_in_code::Entity::find()
        .filter(sign_in_code::Column::Email.eq(&email))
        .filter(sign_in_code::Column::CreatedAt.gt(now - CODE_WINDOW))
        .order_by_asc(sign_in_code::Column::CreatedAt)
        .all(&txn)
        .await?;
    if recent.len() as u64 >= MAX_CODES {
        let oldest = recent.first().map_or(now, |c| c.created_at);
        txn.rollback().await?;
        return Ok(Requested::TooMany {
            retry_after: (oldest + CODE_WINDOW - now).max(Duration::seconds(1)),
        });
    }
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&txn)
        .await?;
    let refused = existing.as_ref().is_some_and(|u| {
        u.disabled_at.is_some() || Role::parse(&u.role).is_none_or(Role::is_staff)
    });
    let id = Uuid::now_v7();
    let code = new_code();
    // A refused address still counts against the limit, so asking tells nothing apart.
    sign_in_code::ActiveModel {
        id: Set(id),
        email: Set(email.clone()),
        code_hash: Set(code_hash(id, &code)),
        created_at: Set(now),
        expires_at: Set(now + CODE_VALID_FOR),
        used_at: Set(refused.then_some(now)),
        failures: Set(0),
        ip: Set(ip.map(|i| i.chars().take(64).collect())),
    }
    .insert(&txn)
    .await?;
    if !refused {
        sign_in_code::Entity::update_many()
            .col_expr(sign_in_code::Column::UsedAt, Some(now).into())
            .filter(sign_in_code::Column::Email.eq(&email))
            .filter(sign_in_code::Column::UsedAt.is_null())
            .filter(sign_in_code::Column::Id.ne(id))
            .exec(&txn)
            .await?;
        enqueue_mail(
            &txn,
            &Mail {
                to: email.clone(),
                locale: locale.to_owned(),
                message: MailMessage::SignInCode {
                    code,
                    minutes: CODE_VALID_FOR.num_minutes(),
                },
            },
            now,
        )
        .await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            actor: &Actor::Anonymous,
            action: if refused {
                "sign_in.code_refused"
            } else {
                "sign_in.code_sent"
            },
            target: &email,
            ip,
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Requested::Sent)
}

/// Checks a code typed for `email`; a right one signs the buyer in (see the module).
pub async fn verify<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: &str,
    code: &str,
    locale: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<Verified> {
    let Ok(email) = normalize_email(email) else {
        return Ok(Verified::Expired);
    };
    let code = typed(code);
    let txn = db.begin().await?;
    let Some(row) = sign_in_code::Entity::find()
        .filter(sign_in_code::Column::Email.eq(&email))
        .filter(sign_in_code::Column::UsedAt.is_null())
        .filter(sign_in_code::Column::ExpiresAt.gt(now))
        .order_by_desc(sign_in_code::Column::CreatedAt)
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(Verified::Expired);
    };
    if !same_text(&code_hash(row.id, &code), &row.code_hash) {
        let failures = row.failures + 1;
        let burned = failures >= MAX_FAILURES;
        sign_in_code::Entity::update_many()
            .col_expr(sign_in_code::Column::Failures, failures.into())
            .col_expr(sign_in_code::Column::UsedAt, burned.then_some(now).into())
            .filter(sign_in_code::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            AuditEntry {
                actor: &Actor::Anonymous,
                action: "sign_in.failed",
                target: &email,
                ip,
                detail: serde_json::json!({ "method": "email_code", "reason": "bad_code" }),
            },
            now,
        )
        .await?;
        txn.commit().await?;
        return Ok(if burned {
            Verified::Expired
        } else {
            Verified::Wrong {
                left: MAX_FAILURES - failures,
            }
        });
    }
    // Used once: of two requests with the same code, one takes it.
    let taken = sign_in_code::Entity::update_many()
        .col_expr(sign_in_code::Column::UsedAt, Some(now).into())
        .filter(sign_in_code::Column::Id.eq(row.id))
        .filter(sign_in_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if taken != 1 {
        txn.rollback().await?;
        return Ok(Verified::Expired);
    }
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&txn)
        .await?;
    let (model, created) = match existing {
        Some(u) if u.disabled_at.is_some() || Role::parse(&u.role).is_none_or(Role::is_staff) => {
            txn.rollback().await?;
            return Ok(Verified::Expired);
        }
        Some(u) => {
            let mut active: user::ActiveModel = u.into();
            active.email_verified = Set(true);
            active.locale = Set(Some(locale.to_owned()));
            active.updated_at = Set(now);
            (active.update(&txn).await?, false)
        }
        None => {
            let display_name = email.split('@').next().unwrap_or_default().to_owned();
            let mut u = crate::auth::users::new_account(&email, display_name, Role::Buyer, now);
            u.email_verified = Set(true);
            u.locale = Set(Some(locale.to_owned()));
            let u = u.insert(&txn).await?;
            (u, true)
        }
    };
    let info: UserInfo = model.try_into()?;
    if created {
        audit::record(
            &txn,
            AuditEntry {
                actor: &Actor::User {
                    id: info.id,
                    email: info.email.clone(),
                },
                action: "user.create",
                target: &info.email,
                ip,
                detail: serde_json::json!({ "method": "email_code" }),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Verified::SignedIn {
        user: info,
        created,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_typed_codes_keep_their_digits_only() {
        for _ in 0..100 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|d| d.is_ascii_digit()));
        }
        assert_eq!(typed(" 123-456 "), "123456");
        let id = Uuid::now_v7();
        assert_ne!(code_hash(id, "123456"), code_hash(Uuid::now_v7(), "123456"));
        assert_eq!(code_hash(id, "123456").len(), 64);
    }
}
