//! Upsert rules for incoming events, as a pure state type the server can persist: key
//! (source, event ID); the newest `updated_time` wins; an identical copy is a no-op; a
//! retraction removes the event and stays as a tombstone so an older copy arriving late
//! cannot bring it back. Every version is ranked by one total order, so any arrival order of
//! the same events gives the same state.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::{Event, EventKey, FeedItem, Retraction};

/// What the store holds for one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Entry {
    /// The newest version of the event.
    Live { event: Box<Event> },
    /// The event was withdrawn at `updated_time`; older versions stay out.
    Retracted { updated_time: DateTime<Utc> },
}

impl Entry {
    pub fn updated_time(&self) -> DateTime<Utc> {
        match self {
            Self::Live { event } => event.updated_time,
            Self::Retracted { updated_time } => *updated_time,
        }
    }

    pub fn event(&self) -> Option<&Event> {
        match self {
            Self::Live { event } => Some(event),
            Self::Retracted { .. } => None,
        }
    }

    /// The total order of versions: newer update first; on a tie a retraction beats an event;
    /// between two different events with the same update time the larger canonical JSON
    /// wins (arbitrary, but the same on every replica and in every arrival order).
    fn rank(&self, other: &Self) -> Ordering {
        self.updated_time()
            .cmp(&other.updated_time())
            .then_with(|| match (self, other) {
                (Self::Retracted { .. }, Self::Retracted { .. }) => Ordering::Equal,
                (Self::Retracted { .. }, Self::Live { .. }) => Ordering::Greater,
                (Self::Live { .. }, Self::Retracted { .. }) => Ordering::Less,
                (Self::Live { event: a }, Self::Live { event: b }) => {
                    if a == b {
                        Ordering::Equal
                    } else {
                        canonical(a).cmp(&canonical(b))
                    }
                }
            })
    }
}

fn canonical(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

/// What one upsert did; the server pushes an update to live views unless nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpsertOutcome {
    /// A key seen for the first time.
    Inserted,
    /// A newer version replaced the one held.
    Updated,
    /// The event (or another event it names) is now withdrawn.
    Retracted,
    /// The very same version was already held.
    Duplicate,
    /// An older version than the one held: ignored.
    Stale,
}

impl UpsertOutcome {
    /// Whether the visible state may have changed.
    pub fn changed(&self) -> bool {
        matches!(self, Self::Inserted | Self::Updated | Self::Retracted)
    }
}

/// The events of one or many shipments, after the upsert rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventStore {
    entries: BTreeMap<EventKey, Entry>,
}

impl EventStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a store from persisted entries (e.g. rows of an `events` table).
    pub fn from_entries(entries: impl IntoIterator<Item = (EventKey, Entry)>) -> Self {
        let mut store = Self::new();
        for (key, entry) in entries {
            store.merge(key, entry);
        }
        store
    }

    /// Applies one adapter output: an event version or a retraction.
    pub fn apply(&mut self, item: FeedItem) -> UpsertOutcome {
        match item {
            FeedItem::Event(e) => self.upsert(*e),
            FeedItem::Retraction(r) => self.retract(r),
        }
    }

    /// Applies many adapter outputs, in the order given.
    pub fn apply_all(&mut self, items: impl IntoIterator<Item = FeedItem>) -> Vec<UpsertOutcome> {
        items.into_iter().map(|i| self.apply(i)).collect()
    }

    /// Applies one incoming event version.
    pub fn upsert(&mut self, event: Event) -> UpsertOutcome {
        let key = event.key();
        self.merge(
            key,
            Entry::Live {
                event: Box::new(event),
            },
        )
    }

    /// Withdraws an event (or records the withdrawal before the event itself arrives).
    pub fn retract(&mut self, retraction: Retraction) -> UpsertOutcome {
        let key = retraction.key();
        self.merge(
            key,
            Entry::Retracted {
                updated_time: retraction.updated_time,
            },
        )
    }

    fn merge(&mut self, key: EventKey, entry: Entry) -> UpsertOutcome {
        match self.entries.get_mut(&key) {
            None => {
                let outcome = match entry {
                    Entry::Live { .. } => UpsertOutcome::Inserted,
                    Entry::Retracted { .. } => UpsertOutcome::Retracted,
                };
                self.entries.insert(key, entry);
                outcome
            }
            Some(held) => match entry.rank(held) {
                Ordering::Equal => UpsertOutcome::Duplicate,
                Ordering::Less => UpsertOutcome::Stale,
                Ordering::Greater => {
                    let outcome = match entry {
                        Entry::Live { .. } => UpsertOutcome::Updated,
                        Entry::Retracted { .. } => UpsertOutcome::Retracted,
                    };
                    *held = entry;
                    outcome
                }
            },
        }
    }

    /// The live events (retracted ones left out), in key order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.entries.values().filter_map(Entry::event)
    }

    /// Every entry including tombstones: what the server persists.
    pub fn entries(&self) -> impl Iterator<Item = (&EventKey, &Entry)> {
        self.entries.iter()
    }

    /// The live event under a key.
    pub fn get(&self, key: &EventKey) -> Option<&Event> {
        self.entries.get(key).and_then(Entry::event)
    }

    /// Number of live events.
    pub fn len(&self) -> usize {
        self.events().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The live events of one shipment: those referencing the booking or transport document
    /// number, or carried in a container that such an event names.
    pub fn shipment_events(&self, reference: &str) -> Vec<&Event> {
        let containers: Vec<&str> = self
            .events()
            .filter(|e| e.references(reference))
            .filter_map(|e| match &e.kind {
                super::event::EventKind::Equipment {
                    equipment: Some(eq),
                    ..
                } => Some(eq.reference.as_str()),
                _ => None,
            })
            .collect();
        self.events()
            .filter(|e| {
                e.references(reference)
                    || match &e.kind {
                        super::event::EventKind::Equipment {
                            equipment: Some(eq),
                            ..
                        } => e.documents.is_empty() && containers.contains(&eq.reference.as_str()),
                        _ => false,
                    }
            })
            .collect()
    }
}
