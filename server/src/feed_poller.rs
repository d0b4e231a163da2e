//! The DCSA 3.0 poller: every [`ROUND_EVERY`], the due `dcsa-poll` sources are claimed with a
//! lease (`domain::shipments::polling::claim_due`; replicas never poll one source at once) and
//! each is read page by page: an OAuth2 client-credentials token (`client_credentials`; kept
//! until 30 s before it expires, dropped on a 401), `GET {events}?limit=100&cursor=…` (or
//! `eventUpdatedDateTimeMin=…` when no cursor is left) with `API-Version: 3.0.0`, each page
//! stored as one delivery (`domain::shipments::ingest`, then the live bus), its
//! `Next-Page-Cursor` kept. A failure — the token refused, the publisher down, a page that does
//! not read — is recorded as a rejected delivery and on the source, which then waits longer
//! (`polling::backoff`).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::logistics::adapters::{Delivery, dcsa3};
use domain::logistics::{FeedItem, LocationMaster};
use domain::shipments::polling::{self, PollJob};
use domain::shipments::{self, FeedKeys};
use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;

use crate::client_credentials::{self, CachedToken, Grant, GrantError};
use crate::shipment_stream::Bus;

/// How often the poller looks for due sources.
pub const ROUND_EVERY: Duration = Duration::from_secs(2);
/// The response header that names the next page (DCSA 3.0).
pub const NEXT_PAGE_CURSOR: &str = "Next-Page-Cursor";
/// The most of a failing answer kept as the reason.
const REASON_CHARS: usize = 300;

/// What the poller needs; cheap to clone.
#[derive(Clone)]
pub struct Poller {
    db: DatabaseConnection,
    keys: FeedKeys,
    bus: Bus,
    http: reqwest::Client,
    /// Per source: a bearer token and until when it is good.
    tokens: std::sync::Arc<Mutex<HashMap<uuid::Uuid, CachedToken>>>,
}

/// Why one page could not be had.
#[derive(Debug)]
struct PollError {
    /// The status the delivery is recorded with (the publisher's, or 502 when it did not
    /// answer, 400 for a body that does not read).
    status: u16,
    reason: String,
    /// What the publisher sent, when it sent something.
    body: Vec<u8>,
}

impl PollError {
    fn new(status: u16, reason: impl Into<String>) -> Self {
        Self {
            status,
            reason: reason.into(),
            body: Vec::new(),
        }
    }
}

impl Poller {
    pub fn new(db: DatabaseConnection, keys: FeedKeys, bus: Bus) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            db,
            keys,
            bus,
            http,
            tokens: std::sync::Arc::default(),
        })
    }

    /// One round: claims the due sources and polls each. Returns how many were polled.
    pub async fn round(&self) -> usize {
        let jobs = match polling::claim_due(&self.db, Utc::now(), 10).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim polled feed sources; trying again later");
                return 0;
            }
        };
        let n = jobs.len();
        for mut job in jobs {
            if let Err(e) = self.poll(&mut job).await {
                tracing::error!(source = %job.source.name, error = %e, "cannot record a poll");
            }
        }
        n
    }

    /// Reads up to [`polling::PAGES_PER_ROUND`] pages of one source.
    pub async fn poll(&self, job: &mut PollJob) -> domain::DomainResult<()> {
        for page in 0..polling::PAGES_PER_ROUND {
            let now = Utc::now();
            match self.page(job).await {
                Ok((body, delivery, cursor)) => {
                    let newest = self.store(job, delivery, &body).await?;
                    let more = page + 1 < polling::PAGES_PER_ROUND;
                    let go_on = cursor.is_some();
                    polling::page_done(&self.db, job, cursor, newest, now, more).await?;
                    if !go_on {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(source = %job.source.name, status = e.status, reason = %e.reason, "poll failed");
                    shipments::record_rejection(
                        &self.db,
                        &job.source,
                        e.status,
                        &e.reason,
                        &e.body,
                        now,
                    )
                    .await?;
                    polling::failed(&self.db, job, &e.reason, now).await?;
                    break;
                }
            }
        }
        Ok(())
    }

    /// Stores one page as a delivery (an empty page stores nothing); the newest event update
    /// time in it.
    async fn store(
        &self,
        job: &PollJob,
        delivery: Delivery,
        body: &[u8],
    ) -> domain::DomainResult<Option<DateTime<Utc>>> {
        // Retractions sent without a time rank above everything: only events' times count.
        let newest = delivery
            .items
            .iter()
            .filter_map(FeedItem::as_event)
            .map(|e| e.updated_time)
            .max();
        if delivery.items.is_empty() && delivery.unusable.is_empty() {
            return Ok(newest);
        }
        let report = shipments::ingest(
            &self.db,
            &job.source,
            delivery,
            body,
            200,
            LocationMaster::embedded(),
            Utc::now(),
        )
        .await?;
        if report.changed() {
            self.bus.publish(&report.references, report.last_seq);
        }
        Ok(newest)
    }

    /// The next page: its body, its events read, and its `Next-Page-Cursor`.
    async fn page(&self, job: &PollJob) -> Result<(Vec<u8>, Delivery, Option<String>), PollError> {
        let source_id = job
            .source
            .source_id()
            .map_err(|e| PollError::new(400, e.to_string()))?;
        for attempt in 0..2 {
            let token = self.token(job).await?;
            let res = self
                .http
                .get(job.page_url())
                .bearer_auth(token)
                .header("API-Version", polling::API_VERSION)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|e| PollError::new(502, format!("the publisher did not answer: {e}")))?;
            let status = res.status();
            if status == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                self.tokens.lock().await.remove(&job.source.id);
                continue;
            }
            let cursor = res
                .headers()
                .get(NEXT_PAGE_CURSOR)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = res
                .bytes()
                .await
                .map_err(|e| PollError::new(502, format!("the page was cut off: {e}")))?
                .to_vec();
            if !status.is_success() {
                let text: String = String::from_utf8_lossy(&body)
                    .chars()
                    .take(REASON_CHARS)
                    .collect();
                return Err(PollError {
                    status: status.as_u16(),
                    reason: format!("GET /events answered {status}: {text}"),
                    body,
                });
            }
            return match dcsa3::parse_each(&body, &source_id, LocationMaster::embedded()) {
                Ok(delivery) => Ok((body, delivery, cursor)),
                Err(e) => Err(PollError {
                    status: 400,
                    reason: format!("the publisher's page does not read: {e}"),
                    body,
                }),
            };
        }
        Err(PollError::new(
            401,
            "GET /events refused a fresh token (401): check the client's rights at the publisher",
        ))
    }

    /// A bearer token for the source's publisher, from the cache while it has 30 s left.
    async fn token(&self, job: &PollJob) -> Result<String, PollError> {
        if let Some(token) =
            client_credentials::still_good(self.tokens.lock().await.get(&job.source.id))
        {
            return Ok(token);
        }
        let secret = job
            .client_secret(&self.keys)
            .map_err(|e| PollError::new(500, e.to_string()))?;
        let fresh = client_credentials::request(
            &self.http,
            Grant {
                token_url: &job.poll.token_url,
                client_id: &job.poll.client_id,
                client_secret: &secret,
                scope: job.poll.scope.as_deref(),
            },
        )
        .await
        .map_err(|e| match e {
            GrantError::BadUrl(e) => PollError::new(400, format!("the token endpoint: {e}")),
            GrantError::Refused(e) => PollError::new(
                401,
                format!("the publisher's token endpoint refused our client credentials: {e}"),
            ),
            GrantError::Failed(e) => PollError::new(502, format!("the token request failed: {e}")),
        })?;
        let token = fresh.0.clone();
        self.tokens.lock().await.insert(job.source.id, fresh);
        Ok(token)
    }
}

/// Starts the poller; it ends with the runtime.
pub fn spawn(poller: Poller) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            poller.round().await;
            tokio::time::sleep(ROUND_EVERY).await;
        }
    })
}
