//! Feed adapters: pure functions from a partner's bytes to [`FeedItem`]s, or a precise error.
//! DCSA T&T 2.2 callbacks (HMAC-signed), DCSA T&T 3.0 event bodies and UN/EDIFACT
//! IFTSTA/COARRI/CODECO with per-partner profiles.

pub mod dcsa2;
pub mod dcsa3;
pub mod edifact;
pub mod profile;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;

use super::codes::{EventClassifier, ShortCode};
use super::error::{FeedError, JsonError};
use super::event::{
    DocumentReference, Event, EventId, EventKind, EventLocation, FeedItem, Retraction, SourceId,
    TransportCall,
};
use super::locations::{GeoPoint, LocationMaster};

/// The largest body an adapter accepts (the webhook layer should cut earlier).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

pub(crate) fn check_size(body: &[u8]) -> Result<(), FeedError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(FeedError::TooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(())
}

/// Where an event happened, before the location master had a say.
#[derive(Debug, Clone, Default)]
pub(crate) struct LocationDraft {
    pub name: Option<String>,
    pub code: Option<String>,
    pub facility: Option<String>,
    pub facility_type: Option<ShortCode>,
    pub coordinates: Option<GeoPoint>,
}

impl LocationDraft {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.code.is_none()
            && self.facility.is_none()
            && self.facility_type.is_none()
            && self.coordinates.is_none()
    }

    fn finish(self, master: &LocationMaster, aliases: &HashMap<String, String>) -> EventLocation {
        let coordinates = self.coordinates;
        let code = self.code.map(|c| master.resolve_with(&c, aliases));
        // Partners often leave coordinates out; the master knows the port's.
        let coordinates = coordinates.or_else(|| {
            code.as_ref()
                .and_then(|c| master.port_of(c))
                .map(|p| p.position)
        });
        EventLocation {
            name: self.name,
            code,
            facility: self.facility,
            facility_type: self.facility_type,
            coordinates,
        }
    }
}

/// An event as parsed and validated, before source and location master are applied.
#[derive(Debug, Clone)]
pub(crate) struct EventDraft {
    pub event_id: EventId,
    pub kind: EventKind,
    pub classifier: EventClassifier,
    pub event_time: DateTime<FixedOffset>,
    pub updated_time: DateTime<Utc>,
    pub location: Option<LocationDraft>,
    pub transport_call: Option<TransportCall>,
    pub documents: Vec<DocumentReference>,
    pub delay_reason: Option<ShortCode>,
    pub change_remark: Option<String>,
}

/// What one parsed record says: an event, or that an event is withdrawn.
#[derive(Debug, Clone)]
pub(crate) enum Draft {
    Event(Box<EventDraft>),
    Retraction {
        event_id: EventId,
        updated_time: DateTime<Utc>,
    },
}

impl Draft {
    pub(crate) fn finish(
        self,
        source: &SourceId,
        master: &LocationMaster,
        aliases: &HashMap<String, String>,
    ) -> FeedItem {
        match self {
            Draft::Retraction {
                event_id,
                updated_time,
            } => FeedItem::Retraction(Retraction {
                source: source.clone(),
                event_id,
                updated_time,
            }),
            Draft::Event(d) => {
                let d = *d;
                let location = d
                    .location
                    .filter(|l| !l.is_empty())
                    .map(|l| l.finish(master, aliases));
                let mut documents = d.documents;
                documents.sort();
                documents.dedup();
                let mut event = Event {
                    source: source.clone(),
                    event_id: d.event_id,
                    kind: d.kind,
                    classifier: d.classifier,
                    event_time: d.event_time,
                    updated_time: d.updated_time,
                    location,
                    transport_call: d.transport_call,
                    documents,
                    delay_reason: d.delay_reason,
                    change_remark: d.change_remark,
                    flags: Vec::new(),
                };
                event.refresh_flags();
                FeedItem::Event(Box::new(event))
            }
        }
    }
}

/// A coordinate sent as a JSON number or as a string of one (DCSA uses strings).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Coordinate {
    Number(f64),
    Text(String),
}

impl Coordinate {
    fn value(&self) -> Option<f64> {
        match self {
            Coordinate::Number(n) => Some(*n),
            Coordinate::Text(t) => t.trim().parse().ok(),
        }
    }
}

/// Latitude and longitude as a checked point, or the reason they are not one.
pub(crate) fn geo_point(
    lat: Option<&Coordinate>,
    lon: Option<&Coordinate>,
) -> Result<Option<GeoPoint>, String> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(la), Some(lo)) => {
            let (Some(la), Some(lo)) = (la.value(), lo.value()) else {
                return Err("latitude and longitude must be decimal degrees".to_owned());
            };
            GeoPoint::new(la, lo).map(Some).ok_or_else(|| {
                format!("coordinates {la}, {lo} are out of range (latitude ±90, longitude ±180)")
            })
        }
        _ => Err("latitude and longitude come together".to_owned()),
    }
}

/// Parses a JSON body into `T`, with line, column and path on error.
pub(crate) fn parse_json<'de, T: Deserialize<'de>>(body: &'de [u8]) -> Result<T, FeedError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(JsonError::from_serde)?;
    de.end().map_err(|e| {
        FeedError::Json(JsonError {
            line: e.line(),
            column: e.column(),
            path: ".".to_owned(),
            problem: "trailing characters after the JSON body".to_owned(),
        })
    })?;
    Ok(value)
}

/// One event of a delivery that could not be used; the delivery's other events are kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct ItemProblem {
    /// 0-based position of the event in the body.
    pub index: usize,
    /// Where, as a JSON path from the body's top (`events[2].equipmentDetails`).
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for ItemProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// What one delivery gave: the usable items, in body order, and the events left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delivery {
    pub items: Vec<FeedItem>,
    pub unusable: Vec<ItemProblem>,
}

/// Reads each event of a body on its own, so one bad event (an unknown code, a failed check
/// digit) is reported with its path instead of discarding the others. `prefix` is the path
/// of the array (`events`, or empty for a bare array).
pub(crate) fn each_event<T: serde::de::DeserializeOwned>(
    values: Vec<serde_json::Value>,
    prefix: &str,
) -> (Vec<T>, Vec<ItemProblem>) {
    let mut ok = Vec::with_capacity(values.len());
    let mut bad = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(t) => ok.push(t),
            Err(e) => {
                let mut path = e.path().to_string();
                while let Some(stripped) = path.strip_suffix(".?") {
                    path.truncate(stripped.len());
                }
                let path = if path == "?" || path == "." || path.is_empty() {
                    format!("{prefix}[{index}]")
                } else {
                    format!("{prefix}[{index}].{path}")
                };
                let mut problem = e.into_inner().to_string();
                if let Some(i) = problem.rfind(" at line ") {
                    problem.truncate(i);
                }
                bad.push(ItemProblem {
                    index,
                    path,
                    problem,
                });
            }
        }
    }
    (ok, bad)
}

/// Text that is present and not blank.
pub(crate) fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}
