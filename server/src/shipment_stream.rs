//! Live shipment updates: an in-process bus that every stored change is published on (the
//! webhooks publish after their transaction commits; with PostgreSQL, changes committed by
//! other replicas arrive through `LISTEN portfront_shipments` and are published here too), and
//! the shipment snapshots the streams send, built once per change and shared by every client
//! watching that shipment.
//!
//! A stream sends whole snapshots (the view at a change sequence), never deltas: a client that
//! reconnects with `Last-Event-ID` gets the current snapshot when it is newer than the one it
//! had, so nothing is missed, and a slow client only ever has the newest snapshot waiting —
//! the bus is a bounded broadcast channel, and a client that falls behind skips to the latest.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::logistics::LocationMaster;
use domain::shipments::view;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

/// How many changes the bus holds for a client that has not read them yet.
pub const BUS_CAPACITY: usize = 1024;
/// The PostgreSQL channel replicas tell each other on.
pub use domain::shipments::ingest::PG_CHANNEL;

/// One stored change: the shipments it touched and its sequence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub references: BTreeSet<String>,
    pub seq: i64,
    /// Any shipment may have changed (the replicas' notifications were not heard for a
    /// while): every stream looks again.
    #[serde(default)]
    pub everything: bool,
}

impl Change {
    /// Whether this change can touch a shipment covering `covers`.
    pub fn touches(&self, covers: &BTreeSet<String>) -> bool {
        self.everything || !covers.is_disjoint(&self.references)
    }
}

/// A shipment's view at a change sequence, ready to send.
#[derive(Debug)]
pub struct Snapshot {
    pub seq: i64,
    /// The view as JSON (`None` when the shipment has no live event).
    pub json: Option<String>,
    /// The references whose changes can change this view (its documents, containers,
    /// voyages …; `domain::shipments::view::Loaded::covers`).
    pub covers: BTreeSet<String>,
}

impl Snapshot {
    /// Whether a change to `references` can change this view.
    pub fn touched_by(&self, references: &BTreeSet<String>) -> bool {
        !self.covers.is_disjoint(references)
    }
}

/// How long a snapshot is reused while nothing changes (the dead-reckoned position moves).
pub const SNAPSHOT_FOR: Duration = Duration::from_secs(30);

type Cell = Arc<tokio::sync::OnceCell<(Instant, Arc<Snapshot>)>>;

/// The bus and the shared snapshots.
#[derive(Clone)]
pub struct Bus {
    tx: broadcast::Sender<Arc<Change>>,
    /// One cell per shipment: the first caller builds, the others wait for it. A change
    /// removes the cell, so whoever asks after it builds anew (a build still running on the
    /// old cell only serves those who asked before the change; they hear of it and ask again).
    snapshots: Arc<Mutex<HashMap<String, Cell>>>,
    /// Set when the server stops: open streams end, so the graceful shutdown does not wait
    /// for them forever.
    closing: Arc<tokio::sync::watch::Sender<bool>>,
}

impl std::fmt::Debug for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bus").finish_non_exhaustive()
    }
}

impl Default for Bus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(BUS_CAPACITY);
        Self {
            tx,
            snapshots: Arc::default(),
            closing: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Changes to `true` when the server stops.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    fn cells(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cell>> {
        self.snapshots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Tells the streams of `references` that they changed at `seq`: the snapshots naming
    /// or covering any of them are built anew when next asked for.
    pub fn publish(&self, references: &BTreeSet<String>, seq: i64) {
        {
            let mut cells = self.cells();
            cells.retain(|key, cell| {
                !references.contains(key)
                    && cell
                        .get()
                        .is_none_or(|(_, snapshot)| !snapshot.touched_by(references))
            });
        }
        // No receiver (nobody watching) is fine.
        let _ = self.tx.send(Arc::new(Change {
            references: references.clone(),
            seq,
            everything: false,
        }));
    }

    /// Every snapshot is built anew and every stream looks again: after (re)connecting to
    /// the other replicas' notifications, whatever they stored meanwhile is not missed.
    pub fn resync(&self) {
        self.cells().clear();
        let _ = self.tx.send(Arc::new(Change {
            references: BTreeSet::new(),
            seq: 0,
            everything: true,
        }));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.tx.subscribe()
    }

    /// The current snapshot of `reference`, built once for all clients asking at once.
    pub async fn snapshot(
        &self,
        db: &DatabaseConnection,
        reference: &str,
    ) -> Result<Arc<Snapshot>, domain::DomainError> {
        let cell = {
            let mut cells = self.cells();
            if cells.len() > 10_000 {
                cells.clear();
            }
            let fresh = |c: &Cell| c.get().is_none_or(|(at, _)| at.elapsed() < SNAPSHOT_FOR);
            match cells.get(reference) {
                Some(c) if fresh(c) => c.clone(),
                _ => {
                    let c = Cell::default();
                    cells.insert(reference.to_owned(), c.clone());
                    c
                }
            }
        };
        let (_, snapshot) = cell
            .get_or_try_init(|| async {
                let (shown, covers) =
                    view::shipment_covering(db, reference, LocationMaster::embedded(), Utc::now())
                        .await?;
                Ok::<_, domain::DomainError>((
                    Instant::now(),
                    Arc::new(match shown {
                        Some(v) => Snapshot {
                            seq: v.seq,
                            json: serde_json::to_string(&v).ok(),
                            covers,
                        },
                        None => Snapshot {
                            seq: 0,
                            json: None,
                            covers,
                        },
                    }),
                ))
            })
            .await?;
        Ok(snapshot.clone())
    }
}

/// With PostgreSQL: listens on [`PG_CHANNEL`] and publishes what other replicas stored (and,
/// harmlessly, this one's own changes a second time). Reconnects after a failure.
pub fn spawn_pg_listener(database_url: String, bus: Bus) -> Option<tokio::task::JoinHandle<()>> {
    if !database_url.starts_with("postgres") {
        return None;
    }
    Some(tokio::spawn(async move {
        loop {
            match listen(&database_url, &bus).await {
                Ok(()) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "shipment notifications: listening failed; retrying in 2 s")
                }
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }))
}

async fn listen(database_url: &str, bus: &Bus) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
    listener.listen(PG_CHANNEL).await?;
    // What the other replicas stored before this replica listened (at start, or while the
    // connection was down) reaches the open streams now.
    bus.resync();
    loop {
        let n = listener.recv().await?;
        match serde_json::from_str::<Change>(n.payload()) {
            Ok(change) => bus.publish(&change.references, change.seq),
            Err(e) => tracing::warn!(error = %e, "shipment notifications: a payload did not read"),
        }
    }
}
