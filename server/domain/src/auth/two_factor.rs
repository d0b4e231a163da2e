//! Two-step sign-in: a TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of
//! clock drift either way) after the password or provider, and one-time recovery codes for a
//! lost authenticator.
//!
//! Enrolment has two steps so a mistyped secret never locks anyone out: [`begin`] stores a new
//! secret (nothing changes at sign-in yet), [`confirm`] checks a first code from the app, turns
//! the second step on and hands out the recovery codes — shown once, stored as SHA-256 only.
//! [`verify`] accepts each time step once (RFC 6238 §5.2) and each recovery code once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::Zeroizing;

use super::audit::{self, Actor, AuditEntry};
use super::secret::{hash_secret, random_bytes};
use crate::entities::{recovery_code, user};
use crate::form::FieldError;
use crate::{DomainError, DomainResult};

/// Digits of a code.
pub const DIGITS: u8 = 6;
/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Steps of clock drift accepted either way.
pub const SKEW_STEPS: u16 = 1;
/// Recovery codes handed out at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Letters of a recovery code (shown as two groups of five): 50 bits from an alphabet without
/// look-alikes (no 0/o, 1/l/i).
const RECOVERY_LEN: usize = 10;
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// What the account page shows while enrolling: the secret for typing in, and the
/// `otpauth://` address as a QR code (SVG) for scanning.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32, in groups of four for reading.
    pub secret: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

/// How a code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Totp,
    RecoveryCode,
}

impl Factor {
    /// The name the audit log uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::Totp => "totp",
            Factor::RecoveryCode => "recovery_code",
        }
    }
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> DomainResult<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(SKEW_STEPS)
        .with_step_duration(STEP_SECONDS)
        .with_secret(Secret::from(secret.to_vec()))
        .with_account_name(account.replace(':', " "))
        .with_issuer(Some(issuer.replace(':', " ")))
        .build()
        .map_err(|e| DomainError::invalid("totp", e.to_string()))
}

fn stored_totp(model: &user::Model) -> DomainResult<Option<Totp>> {
    let Some(encoded) = model.totp_secret.as_deref() else {
        return Ok(None);
    };
    let secret = Secret::try_from_base32(encoded)
        .map_err(|e| DomainError::invalid("users.totp_secret", e.to_string()))?;
    totp(secret.as_bytes(), "Portfront", &model.email).map(Some)
}

fn wrong_code(message: &str) -> DomainError {
    DomainError::Fields(vec![FieldError {
        field: "code".into(),
        code: "wrong_code".into(),
        message: message.into(),
    }])
}

/// A code as typed: spaces and dashes dropped, letters lower-cased.
fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn unix_seconds(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

/// The time step a TOTP code matches, within the allowed drift.
pub fn matching_step(totp: &Totp, code: &str, now: DateTime<Utc>) -> Option<u64> {
    let code = normalize_code(code);
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp.check(&code, unix_seconds(now))
}

/// Starts (or restarts) enrolment: a new secret for `user_id`, not yet asked at sign-in.
/// Refused while two-step sign-in is on (turn it off first).
pub async fn begin<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    issuer: &str,
    now: DateTime<Utc>,
) -> DomainResult<Enrolment> {
    let model = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?;
    if model.totp_enabled_at.is_some() {
        return Err(DomainError::Conflict(
            "two-step sign-in is already on for this account".into(),
        ));
    }
    let secret = Zeroizing::new(random_bytes::<20>());
    let generator = totp(secret.as_slice(), issuer, &model.email)?;
    let encoded = generator.secret().to_base32();
    let otpauth_url = generator
        .to_url()
        .map_err(|e| DomainError::invalid("totp", e.to_string()))?;
    let qr_svg = qr_svg(&otpauth_url)?;
    let mut active: user::ActiveModel = model.into();
    active.totp_secret = Set(Some(encoded.clone()));
    active.totp_last_step = Set(None);
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(Enrolment {
        secret: group_secret(&encoded),
        otpauth_url,
        qr_svg,
    })
}

/// The secret in groups of four, as authenticator apps accept it typed.
fn group_secret(encoded: &str) -> String {
    encoded
        .trim_end_matches('=')
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of `text` as an inline SVG (no XML declaration, scales to its box).
fn qr_svg(text: &str) -> DomainResult<String> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
        .map_err(|e| DomainError::invalid("totp", e.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

/// Finishes enrolment with a first code from the app: turns two-step sign-in on and returns
/// the recovery codes (the only time they exist in the clear). One transaction with its audit
/// record.
pub async fn confirm<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    user_id: uuid::Uuid,
    code: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<Vec<String>> {
    let txn = db.begin().await?;
    let model = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?;
    if model.totp_enabled_at.is_some() {
        return Err(DomainError::Conflict(
            "two-step sign-in is already on for this account".into(),
        ));
    }
    let Some(generator) = stored_totp(&model)? else {
        return Err(DomainError::Conflict(
            "start the set-up again: no secret is waiting to be confirmed".into(),
        ));
    };
    let Some(step) = matching_step(&generator, code, now) else {
        return Err(wrong_code(
            "the code does not match; enter the 6 digits your app shows now",
        ));
    };
    let email = model.email.clone();
    let mut active: user::ActiveModel = model.into();
    active.totp_enabled_at = Set(Some(now));
    active.totp_last_step = Set(Some(i64::try_from(step).unwrap_or(i64::MAX)));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    let codes = replace_recovery_codes(&txn, user_id, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "two_factor.enable",
            target: &email,
            ip,
            detail: serde_json::json!({ "recovery_codes": codes.len() }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

async fn replace_recovery_codes<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> DomainResult<Vec<String>> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    for code in &codes {
        recovery_code::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            user_id: Set(user_id),
            code_hash: Set(hash_secret(&normalize_code(code))),
            created_at: Set(now),
            used_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(codes)
}

/// A new recovery code, `xxxxx-xxxxx`.
fn new_recovery_code() -> String {
    let bytes = random_bytes::<RECOVERY_LEN>();
    let letters: String = bytes
        .iter()
        // 31 letters: the small bias of `% 31` costs a fraction of a bit.
        .map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()]))
        .collect();
    format!("{}-{}", &letters[..5], &letters[5..])
}

/// New recovery codes for an account with two-step sign-in on (the old ones stop working).
pub async fn renew_recovery_codes<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    user_id: uuid::Uuid,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<Vec<String>> {
    let txn = db.begin().await?;
    let model = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?;
    if model.totp_enabled_at.is_none() {
        return Err(DomainError::Conflict(
            "two-step sign-in is off for this account".into(),
        ));
    }
    let codes = replace_recovery_codes(&txn, user_id, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "two_factor.recovery_codes",
            target: &model.email,
            ip,
            detail: serde_json::json!({ "recovery_codes": codes.len() }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns two-step sign-in off: the secret and the recovery codes are deleted, audited.
pub async fn disable<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    user_id: uuid::Uuid,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let txn = db.begin().await?;
    let model = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?;
    if model.totp_enabled_at.is_none() && model.totp_secret.is_none() {
        return Err(DomainError::Conflict(
            "two-step sign-in is already off for this account".into(),
        ));
    }
    let email = model.email.clone();
    let mut active: user::ActiveModel = model.into();
    active.totp_secret = Set(None);
    active.totp_enabled_at = Set(None);
    active.totp_last_step = Set(None);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "two_factor.disable",
            target: &email,
            ip,
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Checks a second-factor code of an account with two-step sign-in on: a TOTP code whose time
/// step is later than the last one accepted, or an unused recovery code. Spends what it
/// accepts (a conditional update, so two requests racing with one code cannot both win).
/// `None` for a wrong, reused or malformed code.
pub async fn verify<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<Factor>> {
    let Some(model) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    if model.totp_enabled_at.is_none() {
        return Ok(None);
    }
    let typed = normalize_code(code);
    if typed.len() > 32 {
        return Ok(None);
    }
    if typed.len() == usize::from(DIGITS) {
        let Some(generator) = stored_totp(&model)? else {
            return Ok(None);
        };
        let Some(step) = matching_step(&generator, &typed, now) else {
            return Ok(None);
        };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let spent = user::Entity::update_many()
            .col_expr(user::Column::TotpLastStep, Expr::value(step))
            .filter(user::Column::Id.eq(user_id))
            .filter(
                Condition::any()
                    .add(user::Column::TotpLastStep.is_null())
                    .add(user::Column::TotpLastStep.lt(step)),
            )
            .exec(db)
            .await?;
        return Ok((spent.rows_affected == 1).then_some(Factor::Totp));
    }
    if typed.len() == RECOVERY_LEN {
        let spent = recovery_code::Entity::update_many()
            .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
            .filter(recovery_code::Column::UserId.eq(user_id))
            .filter(recovery_code::Column::CodeHash.eq(hash_secret(&typed)))
            .filter(recovery_code::Column::UsedAt.is_null())
            .exec(db)
            .await?;
        return Ok((spent.rows_affected == 1).then_some(Factor::RecoveryCode));
    }
    Ok(None)
}

/// How many unused recovery codes an account has left.
pub async fn recovery_codes_left<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
) -> DomainResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// The current code for a base32 secret (tests and the browser suite's authenticator).
pub fn code_at(secret_base32: &str, now: DateTime<Utc>) -> DomainResult<String> {
    let compact: String = secret_base32.split_whitespace().collect();
    let secret = Secret::try_from_base32(&compact)
        .map_err(|e| DomainError::invalid("secret", e.to_string()))?;
    Ok(totp(secret.as_bytes(), "Portfront", "code@example.com")?
        .generate(unix_seconds(now))
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn rfc_6238_sha1_test_vectors() {
        // RFC 6238 Appendix B, SHA-1, secret "12345678901234567890", 8 digits there; the last
        // 6 digits are the 6-digit code (dynamic truncation mod 10^6).
        let generator = totp(b"12345678901234567890", "Portfront", "a@example.com").unwrap();
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(generator.generate(time).to_string(), eight[2..], "{time}");
        }
    }

    #[test]
    fn codes_match_within_one_step_of_drift_only() {
        let generator = totp(b"12345678901234567890", "Portfront", "a@example.com").unwrap();
        let now = at(1_234_567_890);
        let code = generator.generate(1_234_567_890).to_string();
        assert_eq!(
            matching_step(&generator, &code, now),
            Some(1_234_567_890 / 30)
        );
        assert!(matching_step(&generator, &code, at(1_234_567_890 + 30)).is_some());
        assert!(matching_step(&generator, &code, at(1_234_567_890 + 90)).is_none());
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(matching_step(&generator, &spaced, now).is_some());
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert!(matching_step(&generator, bad, now).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn recovery_codes_are_two_groups_from_the_alphabet() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(
            normalize_code(&code)
                .bytes()
                .all(|b| RECOVERY_ALPHABET.contains(&b))
        );
        assert_ne!(new_recovery_code(), code);
        assert_eq!(normalize_code(" ABCDE-fghjk "), "abcdefghjk");
    }

    #[test]
    fn the_qr_code_is_an_inline_svg() {
        let svg = qr_svg("otpauth://totp/Portfront:a%40example.com?secret=AAAA").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("</svg>"));
        assert_eq!(group_secret("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }

    #[test]
    fn code_at_follows_the_secret() {
        let encoded = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&encoded, at(59)).unwrap(), "287082");
    }
}
