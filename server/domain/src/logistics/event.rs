//! The internal shipment event, shaped after DCSA Track & Trace 3.0: what every adapter
//! produces and what the upsert rules, the shipment picture and the live map consume.

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use super::codes::{
    ContainerNumber, DocumentType, EmptyIndicator, EquipmentEventType, EventClassifier, EventType,
    ImoNumber, IotEventCode, IotEventType, ModeOfTransport, MovementType, ReeferEventType,
    ReferenceType, ShipmentEventType, ShortCode, TemperatureUnit, TransportEventType,
};
use super::locations::{GeoPoint, LocationRef};
use crate::codes::CodeError;

fn text_error(kind: &'static str, value: &str, reason: &'static str) -> CodeError {
    CodeError {
        kind,
        value: value.chars().take(40).collect(),
        reason,
    }
}

macro_rules! bounded_text {
    ($(#[$m:meta])* $name:ident, $kind:literal, $max:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, CodeError> {
                let t = s.trim();
                if t.is_empty() {
                    return Err(text_error($kind, s, "it must not be empty"));
                }
                if t.chars().count() > $max {
                    return Err(text_error($kind, s, concat!("use at most ", $max, " characters")));
                }
                if t.chars().any(char::is_control) {
                    return Err(text_error($kind, s, "control characters are not allowed"));
                }
                Ok(Self(t.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, CodeError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }
    };
}

bounded_text! {
    /// The feed an event came through (the `{source}` of the webhook path), e.g. `crx-dcsa`.
    SourceId, "source", 64
}

bounded_text! {
    /// The partner's identifier of an event; unique within its source.
    EventId, "event ID", 100
}

bounded_text! {
    /// A document number, voyage number, service code or vessel name as the partner sent it.
    Reference, "reference", 100
}

/// Which category an event belongs to, with that category's type code and details.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "eventType", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    Transport {
        code: TransportEventType,
    },
    Equipment {
        code: EquipmentEventType,
        equipment: Option<Equipment>,
    },
    Shipment {
        code: ShipmentEventType,
        /// The document the event is about (e.g. `TRD` when a bill of lading was issued).
        document_type: Option<DocumentType>,
        reason: Option<String>,
    },
    /// A device on the container reported (T&T 3.0): door opened or closed, a position.
    Iot {
        code: IotEventType,
        /// What was detected (`iotDetails.iotEventCode`).
        detail: Option<IotEventCode>,
        equipment: Option<Equipment>,
    },
    /// A reefer container's controller measured or was adjusted (T&T 3.0).
    Reefer {
        code: ReeferEventType,
        equipment: Option<Equipment>,
        reading: Option<ReeferReading>,
    },
    /// An event of a known type whose type code is not in the DCSA list this server knows:
    /// kept (it still names its shipment) and flagged, but it moves nothing.
    Unrecognised {
        event_type: EventType,
        /// The type code as sent.
        code: String,
    },
}

/// What a reefer reported, in its `unit` (T&T 3.0 `reeferDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReeferReading {
    pub unit: Option<TemperatureUnit>,
    pub setpoint: Option<Decimal>,
    /// The temperature each probe measured.
    pub probes: Vec<Decimal>,
    pub ambient: Option<Decimal>,
    pub o2_percentage: Option<Decimal>,
    pub co2_percentage: Option<Decimal>,
    pub humidity_percentage: Option<Decimal>,
}

impl EventKind {
    pub fn event_type(&self) -> EventType {
        match self {
            Self::Transport { .. } => EventType::TRANSPORT,
            Self::Equipment { .. } => EventType::EQUIPMENT,
            Self::Shipment { .. } => EventType::SHIPMENT,
            Self::Iot { .. } => EventType::IOT,
            Self::Reefer { .. } => EventType::REEFER,
            Self::Unrecognised { event_type, .. } => *event_type,
        }
    }

    /// The type code as sent (`ARRI`, `LOAD`, `ISSU` …; for an IoT event what was detected,
    /// `DRO`, `DRC` or `LOC`, when the device said).
    pub fn code(&self) -> &str {
        match self {
            Self::Transport { code } => code.as_str(),
            Self::Equipment { code, .. } => code.as_str(),
            Self::Shipment { code, .. } => code.as_str(),
            Self::Iot {
                detail: Some(d), ..
            } => d.as_str(),
            Self::Iot { code, .. } => code.as_str(),
            Self::Reefer { code, .. } => code.as_str(),
            Self::Unrecognised { code, .. } => code,
        }
    }

    /// The container the event is about (equipment, IoT and reefer events).
    pub fn equipment(&self) -> Option<&Equipment> {
        match self {
            Self::Equipment { equipment, .. }
            | Self::Iot { equipment, .. }
            | Self::Reefer { equipment, .. } => equipment.as_ref(),
            Self::Transport { .. } | Self::Shipment { .. } | Self::Unrecognised { .. } => None,
        }
    }
}

/// The container an equipment event is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Equipment {
    pub reference: ContainerNumber,
    /// ISO 6346 size-type code, e.g. `45G1`.
    pub iso_code: Option<ShortCode>,
    pub empty: Option<EmptyIndicator>,
    pub movement: Option<MovementType>,
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLocation {
    pub name: Option<String>,
    /// The UN/LOCODE as sent and what the location master made of it.
    pub code: Option<LocationRef>,
    /// Terminal or facility code (SMDG terminal code, `CMIT` …).
    pub facility: Option<String>,
    /// DCSA facility type (`POTE` port terminal, `COFS` freight station …).
    pub facility_type: Option<ShortCode>,
    pub coordinates: Option<GeoPoint>,
}

/// The vessel.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Vessel {
    pub imo: Option<ImoNumber>,
    pub name: Option<Reference>,
}

/// The call of a means of transport at a location (DCSA transport call).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TransportCall {
    pub sequence: Option<u32>,
    pub mode: Option<ModeOfTransport>,
    pub vessel: Option<Vessel>,
    pub export_voyage: Option<Reference>,
    pub import_voyage: Option<Reference>,
    pub service: Option<Reference>,
    /// The carrier (SMDG liner code), e.g. `CRX`.
    pub carrier: Option<Reference>,
}

impl TransportCall {
    /// The voyage the shipment travels on, export side first.
    pub fn voyage(&self) -> Option<&Reference> {
        self.export_voyage.as_ref().or(self.import_voyage.as_ref())
    }

    /// One text for the vessel's voyage (vessel by IMO number, else by name, and the voyage
    /// number): events of the same voyage share it, whoever sent them. It starts with `~`,
    /// which no document or container number does, and fits a reference column (100).
    pub fn voyage_key(&self) -> Option<String> {
        let vessel = self.vessel.as_ref()?;
        let name = match (&vessel.imo, &vessel.name) {
            (Some(imo), _) => imo.as_str().to_owned(),
            (None, Some(name)) => name.as_str().to_uppercase().chars().take(40).collect(),
            (None, None) => return None,
        };
        let voyage: String = self.voyage()?.as_str().chars().take(50).collect();
        Some(format!("~voyage {name} {voyage}"))
    }
}

/// A document an event belongs to (booking, bill of lading …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentReference {
    pub kind: DocumentType,
    pub reference: Reference,
}

/// A party's own number for the shipment (purchase order, forwarder's or shipper's
/// reference …): DCSA `shipmentReferences` (3.0) and `references` (2.2), EDIFACT `RFF`. The
/// type is kept as sent (the adapters flag one outside [`ReferenceType`]; a document of a type
/// outside [`DocumentType`] is kept here under its type code).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ShipmentReference {
    pub kind: ShortCode,
    pub reference: Reference,
}

impl ShipmentReference {
    /// The DCSA reference type, when the type is one.
    pub fn reference_type(&self) -> Option<ReferenceType> {
        ReferenceType::parse(self.kind.as_str()).ok()
    }
}

/// Something about an event a person may want to look at; the event is kept all the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum EventFlag {
    /// The container number's ISO 6346 check digit does not match (a typing error upstream,
    /// or a number the owner issued wrongly); the event is kept under the number as sent.
    BadCheckDigit { reference: String },
    /// The UN/LOCODE is well-formed but not in the location master.
    UnknownLocation { code: String },
    /// The location code is not a UN/LOCODE.
    MalformedLocation { code: String },
    /// The event references no booking or transport document: it can only be matched by
    /// container or vessel.
    NoDocumentReference,
    /// A code the DCSA list this server knows does not have (a newer list, or a partner's
    /// own): kept as sent; `field` names where it was.
    UnknownCode { field: String, code: String },
}

/// One shipment event in the internal model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub source: SourceId,
    pub event_id: EventId,
    pub kind: EventKind,
    pub classifier: EventClassifier,
    /// When it happened (ACT), is expected to happen (EST) or was planned to (PLN), with the
    /// offset the partner sent.
    pub event_time: DateTime<FixedOffset>,
    /// When the partner last changed this event; the newest version of an event wins.
    pub updated_time: DateTime<Utc>,
    pub location: Option<EventLocation>,
    pub transport_call: Option<TransportCall>,
    pub documents: Vec<DocumentReference>,
    /// The parties' own numbers for the shipment (PO, forwarder's reference …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<ShipmentReference>,
    /// SMDG delay reason code, when the partner gave one.
    pub delay_reason: Option<ShortCode>,
    pub change_remark: Option<String>,
    pub flags: Vec<EventFlag>,
}

/// The withdrawal of an event: T&T 3.0 `isRetracted` on a new version of the event, or the
/// 3.0 beta `retractedEventID` naming it. The event must disappear from the shipment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Retraction {
    pub source: SourceId,
    /// The event withdrawn.
    pub event_id: EventId,
    /// When the partner withdrew it; a newer version of the event would win again.
    pub updated_time: DateTime<Utc>,
}

impl Retraction {
    pub fn key(&self) -> EventKey {
        EventKey {
            source: self.source.clone(),
            event_id: self.event_id.clone(),
        }
    }
}

/// What an adapter produces: an event version, or the withdrawal of one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum FeedItem {
    Event(Box<Event>),
    Retraction(Retraction),
}

impl FeedItem {
    pub fn key(&self) -> EventKey {
        match self {
            Self::Event(e) => e.key(),
            Self::Retraction(r) => r.key(),
        }
    }

    /// The event, unless this is a retraction.
    pub fn as_event(&self) -> Option<&Event> {
        match self {
            Self::Event(e) => Some(e),
            Self::Retraction(_) => None,
        }
    }
}

impl Event {
    /// The key the upsert rules use.
    pub fn key(&self) -> EventKey {
        EventKey {
            source: self.source.clone(),
            event_id: self.event_id.clone(),
        }
    }

    /// The UN/LOCODE of the event's location, when it is a known or aliased port.
    pub fn unlocode(&self) -> Option<&crate::codes::UnLocode> {
        self.location
            .as_ref()
            .and_then(|l| l.code.as_ref())
            .filter(|c| !c.is_flagged())
            .and_then(|c| c.unlocode.as_ref())
    }

    /// Whether the event names this reference: a document number (booking, transport
    /// document …) or a party's shipment reference (PO …).
    pub fn references(&self, reference: &str) -> bool {
        self.documents
            .iter()
            .any(|d| d.reference.as_str() == reference)
            || self
                .references
                .iter()
                .any(|r| r.reference.as_str() == reference)
    }

    /// Sets the location-related flags from the location's resolution and references.
    pub(crate) fn refresh_flags(&mut self) {
        // What the adapter found stays; what follows from the location is worked out again.
        self.flags
            .retain(|f| matches!(f, EventFlag::UnknownCode { .. }));
        if let Some(code) = self.location.as_ref().and_then(|l| l.code.as_ref()) {
            match code.status {
                super::locations::LocationStatus::Unknown => {
                    self.flags.push(EventFlag::UnknownLocation {
                        code: code.as_sent.clone(),
                    });
                }
                super::locations::LocationStatus::Malformed => {
                    self.flags.push(EventFlag::MalformedLocation {
                        code: code.as_sent.clone(),
                    });
                }
                super::locations::LocationStatus::Known
                | super::locations::LocationStatus::Alias => {}
            }
        }
        if self.documents.is_empty() {
            self.flags.push(EventFlag::NoDocumentReference);
        }
        if let Some(eq) = self.kind.equipment()
            && !eq.reference.check_digit_ok()
        {
            self.flags.push(EventFlag::BadCheckDigit {
                reference: eq.reference.as_str().to_owned(),
            });
        }
    }
}

/// The upsert key: (source, event ID).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EventKey {
    pub source: SourceId,
    pub event_id: EventId,
}
