//! Upsert rules for incoming events, as a pure state type the server can persist: key
//! (source, event ID); the newest `updated_time` wins; an identical copy is a no-op; a
//! retraction removes the event and stays as a tombstone so an older copy arriving late
//! cannot bring it back. Every version is ranked by one total order, so any arrival order of
//! the same events gives the same state.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::event::{Event, EventKey, EventKind, FeedItem, Retraction};

/// The earliest version of an event ever seen (by update time): for an estimate, the first
/// estimate, against which the picture measures how far the ETA moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstVersion {
    pub updated_time: DateTime<Utc>,
    pub event_time: DateTime<FixedOffset>,
}

impl FirstVersion {
    fn of(e: &Event) -> Self {
        Self {
            updated_time: e.updated_time,
            event_time: e.event_time,
        }
    }

    /// Total order (the offset breaks ties between equal instants written differently).
    fn key(&self) -> (DateTime<Utc>, DateTime<Utc>, i32) {
        (
            self.updated_time,
            self.event_time.with_timezone(&Utc),
            self.event_time.offset().local_minus_utc(),
        )
    }

    fn earliest(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.key() < a.key() { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// What the store holds for one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Entry {
    /// The newest version of the event, and the earliest one seen.
    Live {
        event: Box<Event>,
        first: FirstVersion,
    },
    /// The event was withdrawn at `updated_time`; older versions stay out.
    Retracted {
        updated_time: DateTime<Utc>,
        first: Option<FirstVersion>,
    },
}

impl Entry {
    pub fn updated_time(&self) -> DateTime<Utc> {
        match self {
            Self::Live { event, .. } => event.updated_time,
            Self::Retracted { updated_time, .. } => *updated_time,
        }
    }

    pub fn event(&self) -> Option<&Event> {
        match self {
            Self::Live { event, .. } => Some(event),
            Self::Retracted { .. } => None,
        }
    }

    pub fn first(&self) -> Option<FirstVersion> {
        match self {
            Self::Live { first, .. } => Some(*first),
            Self::Retracted { first, .. } => *first,
        }
    }

    fn set_first(&mut self, f: Option<FirstVersion>) {
        match self {
            Self::Live { first, .. } => {
                if let Some(f) = f {
                    *first = f;
                }
            }
            Self::Retracted { first, .. } => *first = f,
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
                (Self::Live { event: a, .. }, Self::Live { event: b, .. }) => {
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
    /// An older version, kept only as the earliest version seen (e.g. the first estimate).
    History,
    /// The very same version was already held.
    Duplicate,
    /// An older version than the one held: ignored.
    Stale,
}

impl UpsertOutcome {
    /// Whether the state changed (persist it and push to live views).
    pub fn changed(&self) -> bool {
        matches!(
            self,
            Self::Inserted | Self::Updated | Self::Retracted | Self::History
        )
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
        let first = FirstVersion::of(&event);
        self.merge(
            key,
            Entry::Live {
                event: Box::new(event),
                first,
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
                first: None,
            },
        )
    }

    fn merge(&mut self, key: EventKey, mut entry: Entry) -> UpsertOutcome {
        let Some(held) = self.entries.get_mut(&key) else {
            let outcome = match entry {
                Entry::Live { .. } => UpsertOutcome::Inserted,
                Entry::Retracted { .. } => UpsertOutcome::Retracted,
            };
            self.entries.insert(key, entry);
            return outcome;
        };
        let first = FirstVersion::earliest(held.first(), entry.first());
        match entry.rank(held) {
            Ordering::Equal if first == held.first() => UpsertOutcome::Duplicate,
            Ordering::Equal => {
                held.set_first(first);
                UpsertOutcome::History
            }
            Ordering::Less => {
                if first == held.first() {
                    UpsertOutcome::Stale
                } else {
                    held.set_first(first);
                    UpsertOutcome::History
                }
            }
            Ordering::Greater => {
                let outcome = match entry {
                    Entry::Live { .. } => UpsertOutcome::Updated,
                    Entry::Retracted { .. } => UpsertOutcome::Retracted,
                };
                entry.set_first(first);
                *held = entry;
                outcome
            }
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

    /// The live events of one shipment, with their first versions: those referencing the
    /// booking or transport document number, plus events without any document reference
    /// about a container that such an event names.
    pub fn shipment(&self, reference: &str) -> Vec<ShipmentEvent<'_>> {
        let containers: Vec<&str> = self
            .events()
            .filter(|e| e.references(reference))
            .filter_map(container_of)
            .collect();
        self.entries
            .values()
            .filter_map(|entry| match entry {
                Entry::Live { event, first } => Some(ShipmentEvent {
                    event,
                    first: *first,
                }),
                Entry::Retracted { .. } => None,
            })
            .filter(|s| {
                s.event.references(reference)
                    || (s.event.documents.is_empty()
                        && container_of(s.event).is_some_and(|c| containers.contains(&c)))
            })
            .collect()
    }
}

fn container_of(e: &Event) -> Option<&str> {
    match &e.kind {
        EventKind::Equipment {
            equipment: Some(eq),
            ..
        } => Some(eq.reference.as_str()),
        _ => None,
    }
}

/// A live event of a shipment with the earliest version seen of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShipmentEvent<'a> {
    pub event: &'a Event,
    pub first: FirstVersion,
}
