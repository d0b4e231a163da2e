//! Feed sources: who may push events, how their bodies are read, and their shared secrets.
//!
//! The webhook secret of a source is HMAC-SHA256(feed key, salt): the feed key is a file in
//! the data directory (`keys/feed-secrets.key`, 0600, made on first use), the salt a random
//! value in `feed_sources.secret_salt`. The database alone therefore does not reveal any
//! secret; a rotation draws a new salt, and the old secret stops working at once. The secret
//! is exchanged base64-encoded (DCSA's subscription `secret`, `format: byte`): the HMAC key of
//! `Notification-Signature` is the decoded 32 bytes.

use std::path::Path;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::auth::audit::{self, Actor, AuditEntry};
use crate::auth::secret::random_bytes;
use crate::entities::{feed_delivery, feed_source};
use crate::logistics::{PartnerProfile, SourceId};
use crate::private_file::load_or_create_key;
use crate::{DomainError, DomainResult};

/// Where the feed key lives under the data directory.
pub const FEED_KEY_FILE: &str = "keys/feed-secrets.key";

/// The deliveries a source's page lists.
pub const RECENT_DELIVERIES: u64 = 50;

/// How a source sends its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FeedKind {
    /// DCSA Track & Trace 2.2 callbacks: `POST /webhooks/dcsa/v2/{source}`.
    #[serde(rename = "dcsa2")]
    Dcsa2,
    /// DCSA Track & Trace 3.0: `POST /webhooks/dcsa/v3/{source}/events`.
    #[serde(rename = "dcsa3")]
    Dcsa3,
    /// UN/EDIFACT IFTSTA, COARRI, CODECO: `POST /webhooks/edifact/{source}`.
    #[serde(rename = "edifact")]
    Edifact,
    /// A DCSA 3.0 publisher this server polls (`GET /events`).
    #[serde(rename = "dcsa-poll")]
    DcsaPoll,
}

impl FeedKind {
    pub const ALL: [FeedKind; 4] = [
        FeedKind::Dcsa2,
        FeedKind::Dcsa3,
        FeedKind::Edifact,
        FeedKind::DcsaPoll,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Dcsa2 => "dcsa2",
            FeedKind::Dcsa3 => "dcsa3",
            FeedKind::Edifact => "edifact",
            FeedKind::DcsaPoll => "dcsa-poll",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The webhook path a partner posts to (`None` for a polled source).
    pub fn webhook_path(self, name: &str) -> Option<String> {
        match self {
            FeedKind::Dcsa2 => Some(format!("/webhooks/dcsa/v2/{name}")),
            FeedKind::Dcsa3 => Some(format!("/webhooks/dcsa/v3/{name}/events")),
            FeedKind::Edifact => Some(format!("/webhooks/edifact/{name}")),
            FeedKind::DcsaPoll => None,
        }
    }
}

/// The key every source's secret is derived from.
#[derive(Clone)]
pub struct FeedKeys {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for FeedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedKeys").finish_non_exhaustive()
    }
}

impl FeedKeys {
    /// Keys from raw bytes (tests).
    pub fn from_bytes(key: [u8; 32]) -> Self {
        Self {
            key: Zeroizing::new(key),
        }
    }

    /// Loads `<data_dir>/keys/feed-secrets.key`, creating it (mode 0600) on first use. A file
    /// others can read, or one that is not 64 hex digits, is refused with its path.
    pub fn load_or_create(data_dir: &Path) -> DomainResult<Self> {
        let key = load_or_create_key(&data_dir.join(FEED_KEY_FILE), "feed secrets key")
            .map_err(|e| DomainError::Storage(e.to_string()))?;
        Ok(Self { key })
    }

    /// A key for one purpose: HMAC-SHA256 of `label` under the key file's key.
    pub(crate) fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(label);
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    /// The shared secret of a source with `salt`, base64 as exchanged with the partner.
    pub fn secret(&self, salt: &str) -> Zeroizing<String> {
        let label =
            Zeroizing::new([b"portfront feed secret v1\0".as_slice(), salt.as_bytes()].concat());
        let bytes = self.derive(&label);
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()))
    }
}

/// A source as the admin panel and the webhooks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSource {
    pub id: uuid::Uuid,
    pub name: String,
    pub kind: FeedKind,
    pub profile: Option<String>,
    pub moves_orders: bool,
    pub enabled: bool,
    pub rate_per_minute: u32,
    pub accepted_count: i64,
    pub rejected_count: i64,
    pub event_count: i64,
    pub flagged_count: i64,
    pub last_event_at: Option<DateTime<Utc>>,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    salt: String,
}

impl FeedSource {
    pub(crate) fn from_model(m: feed_source::Model) -> Self {
        Self {
            id: m.id,
            kind: FeedKind::parse(&m.kind).unwrap_or(FeedKind::Dcsa3),
            name: m.name,
            profile: m.profile,
            moves_orders: m.moves_orders,
            enabled: m.enabled,
            rate_per_minute: u32::try_from(m.rate_per_minute.max(1)).unwrap_or(1),
            accepted_count: m.accepted_count,
            rejected_count: m.rejected_count,
            event_count: m.event_count,
            flagged_count: m.flagged_count,
            last_event_at: m.last_event_at,
            last_delivery_at: m.last_delivery_at,
            created_at: m.created_at,
            salt: m.secret_salt,
        }
    }

    /// The source's shared secret (base64).
    pub fn secret(&self, keys: &FeedKeys) -> Zeroizing<String> {
        keys.secret(&self.salt)
    }

    /// The name as the events' source.
    pub fn source_id(&self) -> DomainResult<SourceId> {
        SourceId::parse(&self.name).map_err(|e| DomainError::invalid("name", e.to_string()))
    }

    /// The EDIFACT partner profile: the source's own, else the default.
    pub fn partner_profile(&self) -> DomainResult<PartnerProfile> {
        match self
            .profile
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(text) => PartnerProfile::from_toml(text)
                .map_err(|e| DomainError::invalid("profile", e.to_string())),
            None => Ok(PartnerProfile::default_profile().clone()),
        }
    }
}

/// A new source and its secret, shown this once.
#[derive(Debug)]
pub struct CreatedFeed {
    pub source: FeedSource,
    pub secret: Zeroizing<String>,
}

/// What creating a source takes.
#[derive(Debug, Clone, Default)]
pub struct NewFeed<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    /// EDIFACT partner profile (TOML); empty for the default.
    pub profile: &'a str,
    pub moves_orders: bool,
    /// How a `dcsa-poll` source is polled (required for that kind, refused for the others).
    pub poll: Option<super::polling::PollSettings>,
}

/// Checks a source name: the `{source}` of a URL path, so lower-case letters, digits and
/// hyphens, 2 to 64 characters, starting with a letter.
pub fn validate_name(name: &str) -> DomainResult<String> {
    let n = name.trim();
    let ok = (2..=64).contains(&n.len())
        && n.starts_with(|c: char| c.is_ascii_lowercase())
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(n.to_owned())
    } else {
        Err(DomainError::invalid(
            "name",
            "use 2 to 64 lower-case letters, digits and hyphens, starting with a letter (e.g. crx-vietnam)",
        ))
    }
}

fn check_profile(kind: FeedKind, profile: &str) -> DomainResult<Option<String>> {
    let p = profile.trim();
    if p.is_empty() {
        return Ok(None);
    }
    if kind != FeedKind::Edifact {
        return Err(DomainError::invalid(
            "profile",
            "a partner profile applies to EDIFACT sources only; leave it empty",
        ));
    }
    PartnerProfile::from_toml(p).map_err(|e| DomainError::invalid("profile", e.to_string()))?;
    Ok(Some(p.to_owned()))
}

/// Creates a source; its secret is returned this once.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    keys: &FeedKeys,
    new: &NewFeed<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<CreatedFeed> {
    let name = validate_name(new.name)?;
    let kind = FeedKind::parse(new.kind)
        .ok_or_else(|| DomainError::invalid("kind", "choose dcsa2, dcsa3, edifact or dcsa-poll"))?;
    let poll = match (kind, &new.poll) {
        (FeedKind::DcsaPoll, Some(p)) => Some(p.checked()?),
        (FeedKind::DcsaPoll, None) => {
            return Err(DomainError::invalid(
                "kind",
                "a polled source needs the publisher's events address, token endpoint and client credentials; create it in the admin panel (Logistics)",
            ));
        }
        (_, Some(_)) => {
            return Err(DomainError::invalid(
                "kind",
                "polling settings apply to dcsa-poll sources only",
            ));
        }
        (_, None) => None,
    };
    let profile = check_profile(kind, new.profile)?;
    let txn = db.begin().await?;
    let db = &txn;
    if feed_source::Entity::find()
        .filter(feed_source::Column::Name.eq(&name))
        .one(db)
        .await?
        .is_some()
    {
        return Err(DomainError::Conflict(format!(
            "a feed source named {name} exists already; choose another name or rotate its secret"
        )));
    }
    let salt = hex::encode(random_bytes::<32>());
    let model = feed_source::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        name: Set(name.clone()),
        kind: Set(kind.as_str().to_owned()),
        secret_salt: Set(salt),
        profile: Set(profile),
        moves_orders: Set(new.moves_orders),
        enabled: Set(true),
        rate_per_minute: Set(600),
        accepted_count: Set(0),
        rejected_count: Set(0),
        event_count: Set(0),
        flagged_count: Set(0),
        last_event_at: Set(None),
        last_delivery_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        AuditEntry {
            actor,
            action: "feed.create",
            target: &name,
            ip: None,
            detail: serde_json::json!({ "kind": kind.as_str() }),
        },
        now,
    )
    .await?;
    if let Some(p) = &poll {
        super::polling::insert(db, keys, model.id, p, now).await?;
    }
    txn.commit().await?;
    let source = FeedSource::from_model(model);
    let secret = source.secret(keys);
    Ok(CreatedFeed { source, secret })
}

/// Every source, by name.
pub async fn list<C: ConnectionTrait>(db: &C) -> DomainResult<Vec<FeedSource>> {
    Ok(feed_source::Entity::find()
        .order_by_asc(feed_source::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(FeedSource::from_model)
        .collect())
}

/// One source by name (enabled or not).
pub async fn find<C: ConnectionTrait>(db: &C, name: &str) -> DomainResult<Option<FeedSource>> {
    Ok(feed_source::Entity::find()
        .filter(feed_source::Column::Name.eq(name.trim()))
        .one(db)
        .await?
        .map(FeedSource::from_model))
}

/// The source a webhook names, if it exists, is enabled and has that kind; `None` answers 404
/// (an unknown, disabled or differently configured source looks the same from outside).
pub async fn for_webhook<C: ConnectionTrait>(
    db: &C,
    name: &str,
    kind: FeedKind,
) -> DomainResult<Option<FeedSource>> {
    Ok(find(db, name)
        .await?
        .filter(|s| s.enabled && s.kind == kind))
}

async fn require<C: ConnectionTrait>(db: &C, name: &str) -> DomainResult<FeedSource> {
    find(db, name)
        .await?
        .ok_or_else(|| DomainError::not_found(format!("feed source {}", name.trim())))
}

/// Draws a new secret for a source (the old one stops working at once) and returns it, once.
pub async fn rotate_secret<C: ConnectionTrait>(
    db: &C,
    keys: &FeedKeys,
    name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Zeroizing<String>> {
    let source = require(db, name).await?;
    let salt = hex::encode(random_bytes::<32>());
    feed_source::Entity::update_many()
        .col_expr(feed_source::Column::SecretSalt, Expr::value(salt.clone()))
        .col_expr(feed_source::Column::UpdatedAt, Expr::value(now))
        .filter(feed_source::Column::Id.eq(source.id))
        .exec(db)
        .await?;
    audit::record(
        db,
        AuditEntry {
            actor,
            action: "feed.rotate_secret",
            target: &source.name,
            ip: None,
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    Ok(keys.secret(&salt))
}

/// Enables or disables a source; a disabled source's webhooks answer 404.
pub async fn set_enabled<C: ConnectionTrait>(
    db: &C,
    name: &str,
    enabled: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let source = require(db, name).await?;
    feed_source::Entity::update_many()
        .col_expr(feed_source::Column::Enabled, Expr::value(enabled))
        .col_expr(feed_source::Column::UpdatedAt, Expr::value(now))
        .filter(feed_source::Column::Id.eq(source.id))
        .exec(db)
        .await?;
    audit::record(
        db,
        AuditEntry {
            actor,
            action: if enabled {
                "feed.enable"
            } else {
                "feed.disable"
            },
            target: &source.name,
            ip: None,
            detail: serde_json::json!({}),
        },
        now,
    )
    .await
}

/// A source's latest deliveries, newest first.
pub async fn recent_deliveries<C: ConnectionTrait>(
    db: &C,
    source_id: uuid::Uuid,
) -> DomainResult<Vec<feed_delivery::Model>> {
    Ok(feed_delivery::Entity::find()
        .filter(feed_delivery::Column::SourceId.eq(source_id))
        .order_by_desc(feed_delivery::Column::ReceivedAt)
        .limit(RECENT_DELIVERIES)
        .all(db)
        .await?)
}

impl FeedSource {
    /// The row the admin panel lists.
    pub fn row(&self) -> crate::views::FeedRow {
        use crate::views::time_text;
        crate::views::FeedRow {
            name: self.name.clone(),
            kind: self.kind.as_str().to_owned(),
            enabled: self.enabled,
            moves_orders: self.moves_orders,
            webhook_path: self.kind.webhook_path(&self.name),
            rate_per_minute: self.rate_per_minute,
            accepted_count: self.accepted_count,
            rejected_count: self.rejected_count,
            event_count: self.event_count,
            flagged_count: self.flagged_count,
            last_event_at: self.last_event_at.map(time_text),
            last_delivery_at: self.last_delivery_at.map(time_text),
            created_at: time_text(self.created_at),
        }
    }
}

/// A delivery as the admin panel lists it.
pub fn delivery_row(d: feed_delivery::Model) -> crate::views::DeliveryRow {
    crate::views::DeliveryRow {
        received_at: crate::views::time_text(d.received_at),
        outcome: d.outcome,
        status: d.status,
        detail: d.detail,
        body_bytes: d.body_bytes,
        events: d.events,
        inserted: d.inserted,
        updated: d.updated,
        duplicates: d.duplicates,
        stale: d.stale,
        retracted: d.retracted,
        flagged: d.flagged,
        unusable: d.unusable,
        orders_moved: d.orders_moved,
    }
}

/// A source with its latest deliveries.
pub async fn detail<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> DomainResult<crate::views::FeedDetail> {
    let source = require(db, name).await?;
    let deliveries = recent_deliveries(db, source.id)
        .await?
        .into_iter()
        .map(delivery_row)
        .collect();
    let poll = super::polling::settings_of(db, &source)
        .await?
        .map(|p| crate::views::FeedPollRow {
            events_url: p.events_url,
            token_url: p.token_url,
            client_id: p.client_id,
            interval_seconds: p.interval_seconds,
            resuming_cursor: p.cursor.is_some(),
            updated_since: p.updated_min.map(crate::views::time_text),
            last_poll_at: p.last_poll_at.map(crate::views::time_text),
            next_poll_at: crate::views::time_text(p.next_poll_at),
            failures: p.failures,
            last_error: p.last_error,
        });
    Ok(crate::views::FeedDetail {
        feed: source.row(),
        deliveries,
        poll,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_depend_on_key_and_salt_and_decode_to_32_bytes() {
        let a = FeedKeys::from_bytes([1; 32]);
        let b = FeedKeys::from_bytes([2; 32]);
        assert_ne!(*a.secret("s1"), *a.secret("s2"));
        assert_ne!(*a.secret("s1"), *b.secret("s1"));
        assert_eq!(*a.secret("s1"), *a.secret("s1"));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.secret("s1").as_bytes())
            .expect("base64");
        assert_eq!(bytes.len(), 32);
    }

    #[test]
    fn names_are_url_safe() {
        assert!(validate_name("crx-vietnam").is_ok());
        assert!(validate_name("a").is_err());
        assert!(validate_name("Crx").is_err());
        assert!(validate_name("1abc").is_err());
        assert!(validate_name("a/b").is_err());
    }

    #[test]
    fn kinds_round_trip_and_name_their_paths() {
        for k in FeedKind::ALL {
            assert_eq!(FeedKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            FeedKind::Dcsa3.webhook_path("crx").as_deref(),
            Some("/webhooks/dcsa/v3/crx/events")
        );
        assert_eq!(FeedKind::DcsaPoll.webhook_path("crx"), None);
    }
}
