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

use super::codes::{DocumentType, EventClassifier, ReferenceType, ShortCode};
use super::error::{FeedError, JsonError};
use super::event::{
    DocumentReference, Event, EventFlag, EventId, EventKind, EventLocation, FeedItem, Reference,
    Retraction, ShipmentReference, SourceId, TransportCall,
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
    pub references: Vec<ShipmentReference>,
    pub delay_reason: Option<ShortCode>,
    pub change_remark: Option<String>,
    /// What the adapter noticed (codes outside the DCSA lists).
    pub flags: Vec<EventFlag>,
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
                let mut references = d.references;
                references.sort();
                references.dedup();
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
                    references,
                    delay_reason: d.delay_reason,
                    change_remark: d.change_remark,
                    flags: d.flags,
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

    /// The value as a decimal, exactly as written (a JSON number's shortest form).
    pub(crate) fn decimal(&self) -> Option<rust_decimal::Decimal> {
        let text = match self {
            Coordinate::Number(n) if n.is_finite() => n.to_string(),
            Coordinate::Number(_) => return None,
            Coordinate::Text(t) => t.trim().to_owned(),
        };
        text.parse().ok()
    }
}

/// A document of a type outside the list is kept as a shipment reference (its number still
/// links the shipment), the type flagged under `field`.
pub(crate) fn keep_document(
    kind: Code<DocumentType>,
    reference: Reference,
    field: &str,
    documents: &mut Vec<DocumentReference>,
    references: &mut Vec<ShipmentReference>,
    flags: &mut Vec<EventFlag>,
) {
    match kind {
        Code::Known(kind) => documents.push(DocumentReference { kind, reference }),
        Code::Unlisted(code) => {
            if let Ok(kind) = ShortCode::parse(&code) {
                references.push(ShipmentReference { kind, reference });
            }
            flags.push(EventFlag::UnknownCode {
                field: field.to_owned(),
                code,
            });
        }
    }
}

/// A shipment reference, its type kept as sent and flagged under `field` when outside the list.
pub(crate) fn keep_reference(
    kind: Code<ReferenceType>,
    reference: Reference,
    field: &str,
    references: &mut Vec<ShipmentReference>,
    flags: &mut Vec<EventFlag>,
) {
    let code = match kind {
        Code::Known(t) => t.as_str().to_owned(),
        Code::Unlisted(code) => {
            flags.push(EventFlag::UnknownCode {
                field: field.to_owned(),
                code: code.clone(),
            });
            code
        }
    };
    if let Ok(kind) = ShortCode::parse(&code) {
        references.push(ShipmentReference { kind, reference });
    }
}

/// A code as sent: one of the list `T` knows, or text outside it (kept and flagged, so one
/// unlisted code never costs the event).
#[derive(Debug, Clone)]
pub(crate) enum Code<T> {
    Known(T),
    Unlisted(String),
}

impl<'de, T: TryFrom<String>> Deserialize<'de> for Code<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match T::try_from(text.clone()) {
            Ok(t) => Code::Known(t),
            Err(_) => Code::Unlisted(text.trim().chars().take(40).collect()),
        })
    }
}

impl<T> Code<T> {
    /// The known value; an unlisted one is recorded in `flags` under `field`.
    pub(crate) fn known(self, field: &str, flags: &mut Vec<EventFlag>) -> Option<T> {
        match self {
            Code::Known(t) => Some(t),
            Code::Unlisted(code) => {
                flags.push(EventFlag::UnknownCode {
                    field: field.to_owned(),
                    code,
                });
                None
            }
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

/// What one delivery gave: the usable items, in body order, the events left out, and what
/// was noticed on events that were kept (codes outside the DCSA lists).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delivery {
    pub items: Vec<FeedItem>,
    pub unusable: Vec<ItemProblem>,
    pub warnings: Vec<ItemProblem>,
}

impl Delivery {
    /// A delivery of parsed records: `parsed` holds each usable record with its 0-based
    /// position in the body (`prefix` is the path of the array).
    pub(crate) fn of(
        parsed: Vec<(usize, Draft)>,
        unusable: Vec<ItemProblem>,
        prefix: &str,
        source: &SourceId,
        master: &LocationMaster,
    ) -> Self {
        let none = HashMap::new();
        let mut warnings = Vec::new();
        let items = parsed
            .into_iter()
            .map(|(index, draft)| {
                let item = draft.finish(source, master, &none);
                if let Some(e) = item.as_event() {
                    for f in &e.flags {
                        if let EventFlag::UnknownCode { field, code } = f {
                            warnings.push(ItemProblem {
                                index,
                                path: format!("{prefix}[{index}].{field}"),
                                problem: format!(
                                    "event stored, but “{code}” is not in the DCSA code list of {field}: it is flagged and moves nothing"
                                ),
                            });
                        }
                    }
                }
                item
            })
            .collect();
        Self {
            items,
            unusable,
            warnings,
        }
    }
}

/// Reads each event of a body on its own, so one bad event (an unknown code, a failed check
/// digit) is reported with its path instead of discarding the others. `prefix` is the path
/// of the array (`events`, or empty for a bare array).
pub(crate) fn each_event<T: serde::de::DeserializeOwned>(
    values: Vec<serde_json::Value>,
    prefix: &str,
) -> (Vec<(usize, T)>, Vec<ItemProblem>) {
    let mut ok = Vec::with_capacity(values.len());
    let mut bad = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(t) => ok.push((index, t)),
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
