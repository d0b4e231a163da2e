//! The e-CO issuance worker: every [`ROUND_EVERY`], the due issuance jobs are claimed with a
//! lease (`domain::issuance::worker::claim`: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
//! replicas share the work without doubling it) and each is issued in its own transaction.
//! A job that fails is tried again with backoff; one whose data is missing waits, with the
//! reasons, until staff fix the data and retry.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use domain::issuance::Issuer;
use domain::issuance::worker::{self, JobOutcome};
use sea_orm::DatabaseConnection;

use crate::authority::Authority;

/// How often the worker looks for jobs when the last round found none.
pub const ROUND_EVERY: Duration = Duration::from_millis(500);
/// How long a claimed job is held before another worker may take it (a crashed worker's jobs
/// come back after this).
pub const LEASE: chrono::Duration = chrono::Duration::seconds(60);

/// One round: claims up to 20 due jobs and works them. Returns how many were claimed.
pub async fn round(db: &DatabaseConnection, issuer: &Issuer, authority: &Authority) -> usize {
    let jobs = match worker::claim(db, 20, LEASE, Utc::now()).await {
        Ok(jobs) => jobs,
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim e-CO issuance jobs; trying again later");
            return 0;
        }
    };
    for job in &jobs {
        let jitter =
            u32::from(u16::from_le_bytes(domain::auth::secret::random_bytes::<2>())) % 1001;
        match worker::issue(db, issuer, authority, job, Utc::now(), jitter).await {
            Ok(JobOutcome::Issued { number }) => {
                tracing::info!(order_id = %job.order_id, %number, "e-CO issued");
            }
            Ok(JobOutcome::Rejected { problems }) => {
                tracing::info!(order_id = %job.order_id, problems, "e-CO refused: origin data missing");
            }
            Ok(JobOutcome::Cancelled) => {
                tracing::info!(order_id = %job.order_id, "e-CO job closed: the order is cancelled");
            }
            Ok(JobOutcome::Submitted { retry_at }) => {
                tracing::info!(order_id = %job.order_id, %retry_at, "e-CO application with the issuing body; asking again later");
            }
            Ok(JobOutcome::Retrying { error, retry_at }) => {
                tracing::warn!(order_id = %job.order_id, attempts = job.attempts, %error, %retry_at, "e-CO issuance failed; will retry");
            }
            Err(e) => {
                tracing::error!(order_id = %job.order_id, error = %e, "cannot record an e-CO job's outcome");
            }
        }
    }
    jobs.len()
}

/// Starts the worker; it ends with the runtime.
pub fn spawn(
    db: DatabaseConnection,
    issuer: Arc<Issuer>,
    authority: Arc<Authority>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if round(&db, &issuer, &authority).await == 0 {
                tokio::time::sleep(ROUND_EVERY).await;
            }
        }
    })
}
