//! Polled DCSA 3.0 publishers (`dcsa-poll` sources): a carrier that does not push is asked
//! `GET /events` on a schedule, with an OAuth2 client-credentials token, page by page along
//! its `Next-Page-Cursor`; when the pages run out, the next round asks for what was updated
//! since the newest update seen (`eventUpdatedDateTimeMin`). Where a poll stopped is stored
//! (`feed_polls`), so a restart goes on from there; a failed poll waits longer each time
//! (doubling from the interval, at most an hour). A replica takes a lease on a source before
//! polling it, so two replicas never poll one source at once.
//!
//! The rules are here; the HTTP calls are the server's (`server::feed_poller`). Each page is
//! stored as one delivery of the source through [`super::ingest`], like a webhook's body.
//!
//! The client secret is sealed with XChaCha20-Poly1305 under a key derived from the server's
//! feed key file ([`FeedKeys`]): the database alone does not reveal it.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use zeroize::Zeroizing;

use super::sources::{FeedKeys, FeedSource};
use crate::auth::secret::random_bytes;
use crate::entities::{feed_poll, feed_source};
use crate::form::FormCheck;
use crate::{DomainError, DomainResult};

/// Events asked for per page.
pub const PAGE_LIMIT: u32 = 100;
/// Pages read in one round before the source's turn ends (it is due again at once).
pub const PAGES_PER_ROUND: usize = 10;
/// How long a replica holds a source while it polls.
pub const LEASE_SECONDS: i64 = 120;
/// The longest wait after failures.
pub const MAX_BACKOFF_SECONDS: i64 = 3600;
/// The shortest and longest interval between rounds.
pub const MIN_INTERVAL_SECONDS: i32 = 10;
pub const MAX_INTERVAL_SECONDS: i32 = 86_400;
/// The DCSA Track & Trace version asked for (`API-Version` header).
pub const API_VERSION: &str = "3.0.0";

/// How to poll a publisher, as staff enter it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollSettings {
    /// The publisher's `GET /events` address (`https://…/events`).
    pub events_url: String,
    /// Its OAuth2 token endpoint.
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// A scope to ask for (empty for none).
    pub scope: String,
    pub interval_seconds: i32,
}

fn http_url(check: &mut FormCheck, field: &str, value: &str) -> Option<String> {
    let v = value.trim();
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() <= 500
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && v.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
    if v.is_empty() {
        check.add(field, "required", "enter the address");
        None
    } else if ok {
        Some(v.to_owned())
    } else {
        check.add(
            field,
            "poll_url",
            "use an http:// or https:// address of at most 500 characters",
        );
        None
    }
}

impl PollSettings {
    /// The settings checked field by field (`events_url`, `token_url`, `client_id`,
    /// `client_secret`, `scope`, `interval_seconds`).
    pub fn checked(&self) -> DomainResult<PollSettings> {
        let mut c = FormCheck::new();
        let events_url = http_url(&mut c, "events_url", &self.events_url);
        let token_url = http_url(&mut c, "token_url", &self.token_url);
        let client_id = self.client_id.trim();
        if client_id.is_empty() || client_id.len() > 200 {
            c.add(
                "client_id",
                "poll_client_id",
                "enter the client ID the publisher gave you (at most 200 characters)",
            );
        }
        if self.client_secret.is_empty() || self.client_secret.len() > 1000 {
            c.add(
                "client_secret",
                "poll_client_secret",
                "enter the client secret the publisher gave you (at most 1000 characters)",
            );
        }
        let scope = self.scope.trim();
        if scope.len() > 200 || scope.chars().any(char::is_control) {
            c.add("scope", "poll_scope", "use at most 200 characters");
        }
        if !(MIN_INTERVAL_SECONDS..=MAX_INTERVAL_SECONDS).contains(&self.interval_seconds) {
            c.add(
                "interval_seconds",
                "poll_interval",
                format!("poll every {MIN_INTERVAL_SECONDS} to {MAX_INTERVAL_SECONDS} seconds"),
            );
        }
        c.finish()?;
        Ok(PollSettings {
            events_url: events_url.unwrap_or_default(),
            token_url: token_url.unwrap_or_default(),
            client_id: client_id.to_owned(),
            client_secret: self.client_secret.clone(),
            scope: scope.to_owned(),
            interval_seconds: self.interval_seconds,
        })
    }
}

impl FeedKeys {
    fn sealing_cipher(&self) -> XChaCha20Poly1305 {
        let key = self.derive(b"portfront poll client secret v1\0");
        XChaCha20Poly1305::new(key.as_slice().into())
    }

    /// Seals a publisher's client secret for storage: base64 of a random 24-byte nonce and
    /// the ciphertext with its tag.
    pub fn seal(&self, secret: &str) -> String {
        let nonce = random_bytes::<24>();
        let sealed = self
            .sealing_cipher()
            .encrypt(XNonce::from_slice(&nonce), secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("encryption into memory cannot fail"));
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// Opens a sealed secret; a damaged value, or one sealed under another key file, is an
    /// error naming what to do.
    pub fn open(&self, sealed: &str) -> DomainResult<Zeroizing<String>> {
        let broken = || {
            DomainError::Storage(
                "the publisher's client secret cannot be opened with this server's feed key \
                 file (keys/feed-secrets.key): enter the secret again on the source's page"
                    .to_owned(),
            )
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed.trim())
            .map_err(|_| broken())?;
        if bytes.len() < 24 + 16 {
            return Err(broken());
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let plain = Zeroizing::new(
            self.sealing_cipher()
                .decrypt(XNonce::from_slice(nonce), ciphertext)
                .map_err(|_| broken())?,
        );
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| broken())
    }
}

/// How long to wait after `failures` failed polls in a row: the interval doubled per failure,
/// at most [`MAX_BACKOFF_SECONDS`].
pub fn backoff(failures: i32, interval_seconds: i32) -> Duration {
    let doubled = i64::from(interval_seconds.max(1)).saturating_mul(1_i64 << failures.clamp(0, 20));
    Duration::seconds(doubled.min(MAX_BACKOFF_SECONDS))
}

/// A source due for polling, held under a lease.
#[derive(Debug, Clone)]
pub struct PollJob {
    pub source: FeedSource,
    pub poll: feed_poll::Model,
}

impl PollJob {
    /// The address of the next page: the cursor to go on from, else the updates since the
    /// newest seen (the whole history on the first poll).
    pub fn page_url(&self) -> String {
        let base = self.poll.events_url.as_str();
        let sep = if base.contains('?') { '&' } else { '?' };
        let mut url = format!("{base}{sep}limit={PAGE_LIMIT}");
        if let Some(cursor) = self.poll.cursor.as_deref().filter(|c| !c.is_empty()) {
            url.push_str("&cursor=");
            url.push_str(&urlencode(cursor));
        } else if let Some(since) = self.poll.updated_min {
            url.push_str("&eventUpdatedDateTimeMin=");
            url.push_str(&urlencode(
                &since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ));
        }
        url
    }

    /// The client secret, opened.
    pub fn client_secret(&self, keys: &FeedKeys) -> DomainResult<Zeroizing<String>> {
        keys.open(&self.poll.client_secret_sealed)
    }
}

/// Percent-encodes a query value (unreserved characters kept).
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Stores how a new `dcsa-poll` source is polled (its first poll is due at once).
pub(crate) async fn insert<C: ConnectionTrait>(
    db: &C,
    keys: &FeedKeys,
    source_id: uuid::Uuid,
    settings: &PollSettings,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    feed_poll::ActiveModel {
        feed_source_id: Set(source_id),
        events_url: Set(settings.events_url.clone()),
        token_url: Set(settings.token_url.clone()),
        client_id: Set(settings.client_id.clone()),
        client_secret_sealed: Set(keys.seal(&settings.client_secret)),
        scope: Set(Some(settings.scope.clone()).filter(|s| !s.is_empty())),
        interval_seconds: Set(settings.interval_seconds),
        cursor: Set(None),
        updated_min: Set(None),
        next_poll_at: Set(now),
        lease_until: Set(None),
        failures: Set(0),
        last_poll_at: Set(None),
        last_error: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How a source is polled, if it is a polled one.
pub async fn settings_of<C: ConnectionTrait>(
    db: &C,
    source: &FeedSource,
) -> DomainResult<Option<feed_poll::Model>> {
    Ok(feed_poll::Entity::find_by_id(source.id).one(db).await?)
}

/// Takes the leases of the enabled polled sources that are due (at most `limit`): each is
/// claimed with a conditional update, so of two replicas asking at once only one gets it.
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> DomainResult<Vec<PollJob>> {
    let due = feed_poll::Entity::find()
        .filter(feed_poll::Column::NextPollAt.lte(now))
        .filter(
            Condition::any()
                .add(feed_poll::Column::LeaseUntil.is_null())
                .add(feed_poll::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(feed_poll::Column::NextPollAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut jobs = Vec::new();
    for poll in due {
        let Some(model) = feed_source::Entity::find_by_id(poll.feed_source_id)
            .one(db)
            .await?
        else {
            continue;
        };
        if !model.enabled {
            continue;
        }
        let lease = now + Duration::seconds(LEASE_SECONDS);
        let claimed = feed_poll::Entity::update_many()
            .col_expr(feed_poll::Column::LeaseUntil, Expr::value(lease))
            .filter(feed_poll::Column::FeedSourceId.eq(poll.feed_source_id))
            .filter(
                Condition::any()
                    .add(feed_poll::Column::LeaseUntil.is_null())
                    .add(feed_poll::Column::LeaseUntil.lt(now)),
            )
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            jobs.push(PollJob {
                source: FeedSource::from_model(model),
                poll: feed_poll::Model {
                    lease_until: Some(lease),
                    ..poll
                },
            });
        }
    }
    Ok(jobs)
}

/// A page was read and stored: go on from `next_cursor` at once when there is one, else
/// remember the newest update seen and wait the interval. The lease is given back.
pub async fn page_done<C: ConnectionTrait>(
    db: &C,
    job: &mut PollJob,
    next_cursor: Option<String>,
    newest_update: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    more_this_round: bool,
) -> DomainResult<()> {
    let p = &mut job.poll;
    p.cursor = next_cursor.filter(|c| !c.is_empty() && c.len() <= 4000);
    p.updated_min = match (p.updated_min, newest_update) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    p.failures = 0;
    p.last_poll_at = Some(now);
    p.last_error = None;
    let go_on = p.cursor.is_some();
    p.next_poll_at = if go_on {
        now
    } else {
        now + Duration::seconds(i64::from(p.interval_seconds))
    };
    // Within a round the lease is kept; the last page of a round gives it back.
    p.lease_until = if go_on && more_this_round {
        p.lease_until
    } else {
        None
    };
    save(db, p).await
}

/// A poll failed: the source waits [`backoff`] and says why on its page.
pub async fn failed<C: ConnectionTrait>(
    db: &C,
    job: &mut PollJob,
    error: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let p = &mut job.poll;
    p.failures = p.failures.saturating_add(1);
    p.last_poll_at = Some(now);
    p.last_error = Some(error.chars().take(1000).collect());
    p.next_poll_at = now + backoff(p.failures, p.interval_seconds);
    p.lease_until = None;
    save(db, p).await
}

async fn save<C: ConnectionTrait>(db: &C, p: &feed_poll::Model) -> DomainResult<()> {
    feed_poll::Entity::update_many()
        .col_expr(feed_poll::Column::Cursor, Expr::value(p.cursor.clone()))
        .col_expr(feed_poll::Column::UpdatedMin, Expr::value(p.updated_min))
        .col_expr(feed_poll::Column::NextPollAt, Expr::value(p.next_poll_at))
        .col_expr(feed_poll::Column::LeaseUntil, Expr::value(p.lease_until))
        .col_expr(feed_poll::Column::Failures, Expr::value(p.failures))
        .col_expr(feed_poll::Column::LastPollAt, Expr::value(p.last_poll_at))
        .col_expr(
            feed_poll::Column::LastError,
            Expr::value(p.last_error.clone()),
        )
        .filter(feed_poll::Column::FeedSourceId.eq(p.feed_source_id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_sealed_and_open_only_with_the_same_key() {
        let keys = FeedKeys::from_bytes([3; 32]);
        let sealed = keys.seal("s3cret");
        assert!(!sealed.contains("s3cret"));
        assert_ne!(sealed, keys.seal("s3cret"), "a fresh nonce each time");
        assert_eq!(keys.open(&sealed).unwrap().as_str(), "s3cret");
        let other = FeedKeys::from_bytes([4; 32]);
        assert!(other.open(&sealed).is_err());
        assert!(keys.open("not base64!").is_err());
        assert!(keys.open("AAAA").is_err());
    }

    #[test]
    fn the_wait_doubles_per_failure_up_to_an_hour() {
        assert_eq!(backoff(1, 60), Duration::seconds(120));
        assert_eq!(backoff(2, 60), Duration::seconds(240));
        assert_eq!(backoff(30, 60), Duration::seconds(MAX_BACKOFF_SECONDS));
        assert_eq!(backoff(0, 10), Duration::seconds(10));
    }

    #[test]
    fn settings_are_checked_field_by_field() {
        let e = PollSettings {
            events_url: "ftp://x".into(),
            token_url: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            scope: String::new(),
            interval_seconds: 1,
        }
        .checked()
        .unwrap_err();
        let DomainError::Fields(fields) = e else {
            panic!("{e:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "events_url",
                "token_url",
                "client_id",
                "client_secret",
                "interval_seconds"
            ]
        );
        let ok = PollSettings {
            events_url: " https://carrier.example/tnt/v3/events ".into(),
            token_url: "https://carrier.example/oauth/token".into(),
            client_id: "portfront".into(),
            client_secret: "x".into(),
            scope: String::new(),
            interval_seconds: 60,
        }
        .checked()
        .unwrap();
        assert_eq!(ok.events_url, "https://carrier.example/tnt/v3/events");
    }

    #[test]
    fn the_next_page_goes_on_from_the_cursor_else_from_the_newest_update() {
        let t = DateTime::parse_from_rfc3339("2026-03-12T00:50:13Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut job = PollJob {
            source: FeedSource::from_model(feed_source::Model {
                id: uuid::Uuid::nil(),
                name: "crx-poll".into(),
                kind: "dcsa-poll".into(),
                secret_salt: String::new(),
                profile: None,
                moves_orders: true,
                enabled: true,
                rate_per_minute: 600,
                accepted_count: 0,
                rejected_count: 0,
                event_count: 0,
                flagged_count: 0,
                last_event_at: None,
                last_delivery_at: None,
                created_at: t,
                updated_at: t,
            }),
            poll: feed_poll::Model {
                feed_source_id: uuid::Uuid::nil(),
                events_url: "https://c.example/events".into(),
                token_url: "https://c.example/token".into(),
                client_id: "id".into(),
                client_secret_sealed: String::new(),
                scope: None,
                interval_seconds: 60,
                cursor: None,
                updated_min: None,
                next_poll_at: t,
                lease_until: None,
                failures: 0,
                last_poll_at: None,
                last_error: None,
            },
        };
        assert_eq!(job.page_url(), "https://c.example/events?limit=100");
        job.poll.updated_min = Some(t);
        assert_eq!(
            job.page_url(),
            "https://c.example/events?limit=100&eventUpdatedDateTimeMin=2026-03-12T00%3A50%3A13.000Z"
        );
        job.poll.cursor = Some("fE9mZnNldHw9MTA=".into());
        assert_eq!(
            job.page_url(),
            "https://c.example/events?limit=100&cursor=fE9mZnNldHw9MTA%3D"
        );
    }
}
