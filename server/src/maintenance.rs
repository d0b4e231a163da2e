//! Housekeeping the server does on a timer while it runs: deleting sessions that can no
//! longer be resumed (idle or past their limit), so the table holds live sessions only and a
//! stolen database copy holds as few session hashes as possible; and marking quotes whose
//! validity date has passed as expired (recorded as a system transition), so lists and
//! notifications show what buyers can no longer accept.

use std::time::Duration;

use domain::auth::sessions::{self, SessionPolicy};
use sea_orm::DatabaseConnection;

/// How often the purge runs in the server.
pub const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// One round: purges expired sessions and expires quotes past their validity, logging (not
/// failing) a database error.
pub async fn purge_once(db: &DatabaseConnection, policy: SessionPolicy) {
    match sessions::purge_expired(db, policy, chrono::Utc::now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(sessions = n, "expired sessions purged"),
        Err(e) => tracing::warn!(error = %e, "cannot purge expired sessions; trying again later"),
    }
    match domain::trade::store::expire_due(db, chrono::Utc::now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(quotes = n, "quotes past their validity marked expired"),
        Err(e) => tracing::warn!(error = %e, "cannot expire quotes; trying again later"),
    }
}

/// Starts the periodic purge (first round at once); it ends with the runtime.
pub fn spawn(
    db: DatabaseConnection,
    policy: SessionPolicy,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            purge_once(&db, policy).await;
        }
    })
}
