//! Upsert rules for incoming events, as a pure state type the server can persist: key
//! (source, event ID); the newest `updated_time` wins; an identical copy is a no-op; a
//! retraction removes the event and stays as a tombstone so an older copy arriving late
//! cannot bring it back. Every version is ranked by one total order, so any arrival order of
//! the same events gives the same state.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::event::{Event, EventKey, EventKind, FeedItem, Retraction, TransportCall};

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

    /// The live events of one shipment, with their first versions.
    ///
    /// `reference` is a document number (booking, bill of lading), a party reference (PO,
    /// order number) or a container number. The shipment is every event naming it, and
    /// - the moves without any document of the containers those events name, within the
    ///   containers' cycle for this shipment: not more than [`CYCLE_MARGIN_DAYS`] before the
    ///   first or after the last event naming the container, and never across an event of
    ///   the same container for another document (a reused container's old moves stay out);
    /// - the vessel events without any document of the voyages those events travel on
    ///   (same vessel and voyage), at the ports the shipment calls at.
    ///
    /// A container number with no event naming it as a document stands for the shipment of
    /// the document its latest move names, or for the container's own moves when none does.
    pub fn shipment(&self, reference: &str) -> Vec<ShipmentEvent<'_>> {
        let reference = reference.trim();
        let live = || {
            self.entries.values().filter_map(|entry| match entry {
                Entry::Live { event, first } => Some(ShipmentEvent {
                    event,
                    first: *first,
                }),
                Entry::Retracted { .. } => None,
            })
        };
        let named: Vec<&Event> = self.events().filter(|e| e.references(reference)).collect();
        if named.is_empty() {
            let document = self
                .events()
                .filter(|e| container_of(e) == Some(reference) && !e.documents.is_empty())
                .max_by_key(|e| (e.event_time, e.updated_time))
                .and_then(|e| e.documents.first())
                .map(|d| d.reference.as_str().to_owned());
            return match document {
                Some(d) if d != reference => self.shipment(&d),
                _ => live()
                    .filter(|s| container_of(s.event) == Some(reference))
                    .collect(),
            };
        }
        // Each container's span in this shipment.
        let mut spans: BTreeMap<&str, (DateTime<Utc>, DateTime<Utc>)> = BTreeMap::new();
        for e in &named {
            if let Some(c) = container_of(e) {
                let t = e.event_time.with_timezone(&Utc);
                let span = spans.entry(c).or_insert((t, t));
                span.0 = span.0.min(t);
                span.1 = span.1.max(t);
            }
        }
        // Moves of those containers for other documents bound the cycle.
        let mut bounds: BTreeMap<&str, CycleBounds> = BTreeMap::new();
        for e in self.events() {
            let Some(c) = container_of(e) else { continue };
            let Some(&(start, end)) = spans.get(c) else {
                continue;
            };
            if e.documents.is_empty() || e.references(reference) {
                continue;
            }
            let t = e.event_time.with_timezone(&Utc);
            let b = bounds.entry(c).or_default();
            if t < start {
                b.0 = Some(b.0.map_or(t, |x: DateTime<Utc>| x.max(t)));
            } else if t > end {
                b.1 = Some(b.1.map_or(t, |x: DateTime<Utc>| x.min(t)));
            }
        }
        let margin = chrono::Duration::days(CYCLE_MARGIN_DAYS);
        let in_cycle = |e: &Event| -> bool {
            let Some(c) = container_of(e) else {
                return false;
            };
            let Some(&(start, end)) = spans.get(c) else {
                return false;
            };
            let t = e.event_time.with_timezone(&Utc);
            let (before, after) = bounds.get(c).copied().unwrap_or_default();
            t >= start - margin
                && t <= end + margin
                && before.is_none_or(|b| t > b)
                && after.is_none_or(|a| t < a)
        };
        let voyages: Vec<String> = named
            .iter()
            .filter_map(|e| {
                e.transport_call
                    .as_ref()
                    .and_then(TransportCall::voyage_key)
            })
            .collect();
        let ports: Vec<&str> = named
            .iter()
            .filter_map(|e| e.unlocode().map(|u| u.as_str()))
            .collect();
        let on_voyage = |e: &Event| -> bool {
            matches!(e.kind, EventKind::Transport { .. })
                && e.transport_call
                    .as_ref()
                    .and_then(TransportCall::voyage_key)
                    .is_some_and(|k| voyages.contains(&k))
                && e.unlocode().is_some_and(|u| ports.contains(&u.as_str()))
        };
        live()
            .filter(|s| {
                s.event.references(reference)
                    || (s.event.documents.is_empty() && (in_cycle(s.event) || on_voyage(s.event)))
            })
            .collect()
    }
}

/// The moves of a container for other documents just before and just after a shipment's.
type CycleBounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// How far before its first, or after its last, event naming a shipment a container's
/// document-less moves still count as that shipment's (empty pick-up, return).
pub const CYCLE_MARGIN_DAYS: i64 = 30;

fn container_of(e: &Event) -> Option<&str> {
    e.kind.equipment().map(|eq| eq.reference.as_str())
}

/// A live event of a shipment with the earliest version seen of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShipmentEvent<'a> {
    pub event: &'a Event,
    pub first: FirstVersion,
}
