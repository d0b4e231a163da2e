//! DCSA Track & Trace 3.0 event bodies: `{"events": [...]}` (push) or a bare array (GET
//! /events), each event with `eventClassification`, `eventLocation`, `equipmentDetails`,
//! `transportDetails.transportCall` and `shipmentDetails`. `isRetracted` (or the beta's
//! `retractedEventID`) withdraws an event.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;

use super::super::codes::{
    ContainerNumber, DocumentType, EmptyIndicator, EquipmentEventType, EventClassifier, EventType,
    ImoNumber, IotEventCode, IotEventType, ModeOfTransport, MovementType, ReeferEventType,
    ReferenceType, ShipmentEventType, ShortCode, TemperatureUnit, TransportEventType,
};
use super::super::error::FeedError;
use super::super::event::{
    Equipment, EventFlag, EventId, EventKind, FeedItem, ReeferReading, Reference, SourceId,
    TransportCall, Vessel,
};
use super::super::locations::LocationMaster;
use super::{
    Code, Coordinate, Delivery, Draft, EventDraft, LocationDraft, check_size, each_event,
    geo_point, keep_document, keep_reference, non_blank, parse_json,
};

/// Parses a DCSA T&T 3.0 body into feed items.
pub fn parse(
    body: &[u8],
    source: &SourceId,
    master: &LocationMaster,
) -> Result<Vec<FeedItem>, FeedError> {
    check_size(body)?;
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let events: Vec<Parsed> = if first == Some(b'[') {
        parse_json(body)?
    } else {
        parse_json::<Body>(body)?.events
    };
    let none = HashMap::new();
    Ok(events
        .into_iter()
        .map(|p| p.0.finish(source, master, &none))
        .collect())
}

#[derive(Deserialize)]
struct Body {
    events: Vec<Parsed>,
}

/// Reads each event of a DCSA 3.0 body on its own: one bad event is reported in
/// [`Delivery::unusable`] with its path (`events[2].eventClassification…`), the others kept. A
/// body that is not JSON, or has no `events` array, is still an error naming the place.
pub fn parse_each(
    body: &[u8],
    source: &SourceId,
    master: &LocationMaster,
) -> Result<Delivery, FeedError> {
    check_size(body)?;
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let (values, prefix) = if first == Some(b'[') {
        (parse_json::<Vec<serde_json::Value>>(body)?, "")
    } else {
        (parse_json::<LooseBody>(body)?.events, "events")
    };
    let (parsed, unusable) = each_event::<Parsed>(values, prefix);
    Ok(Delivery::of(
        parsed.into_iter().map(|(i, p)| (i, p.0)).collect(),
        unusable,
        prefix,
        source,
        master,
    ))
}

#[derive(Deserialize)]
struct LooseBody {
    events: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(try_from = "Wire")]
struct Parsed(Draft);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    #[serde(rename = "eventID")]
    event_id: EventId,
    event_date_time: Option<DateTime<FixedOffset>>,
    event_updated_date_time: Option<DateTime<FixedOffset>>,
    event_created_date_time: Option<DateTime<FixedOffset>>,
    event_classification: Option<Classification>,
    event_location: Option<Location>,
    equipment_details: Option<EquipmentDetails>,
    transport_details: Option<TransportDetails>,
    shipment_details: Option<ShipmentDetails>,
    delay_reason_code: Option<ShortCode>,
    change_remark: Option<String>,
    is_retracted: Option<bool>,
    #[serde(rename = "retractedEventID")]
    retracted_event_id: Option<EventId>,
    event_routing: Option<EventRouting>,
    iot_details: Option<IotDetails>,
    reefer_details: Option<ReeferDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Classification {
    event_type_code: EventType,
    event_classifier_code: EventClassifier,
    transport_event_type_code: Option<Code<TransportEventType>>,
    equipment_event_type_code: Option<Code<EquipmentEventType>>,
    shipment_event_type_code: Option<Code<ShipmentEventType>>,
    iot_event_type_code: Option<Code<IotEventType>>,
    reefer_event_type_code: Option<Code<ReeferEventType>>,
    document_type_code: Option<Code<DocumentType>>,
    reason: Option<String>,
    delay_reason_code: Option<ShortCode>,
    change_remark: Option<String>,
}

/// T&T 3.0 `iotDetails`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IotDetails {
    iot_event_code: Option<Code<IotEventCode>>,
}

/// T&T 3.0 `reeferDetails` (the parts the timeline shows).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReeferDetails {
    temperature_unit: Option<Code<TemperatureUnit>>,
    internal_setpoint_temperature: Option<Coordinate>,
    temperature_probe_measurements: Option<Vec<ProbeMeasurement>>,
    ambient_measured_temperature: Option<Coordinate>,
    setpoint_parameters: Option<ReeferParameters>,
    measured_parameters: Option<ReeferParameters>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProbeMeasurement {
    measured_temperature_value: Option<Coordinate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReeferParameters {
    o2_percentage: Option<Coordinate>,
    co2_percentage: Option<Coordinate>,
    humidity_percentage: Option<Coordinate>,
}

impl ReeferDetails {
    fn reading(self, flags: &mut Vec<EventFlag>) -> Result<ReeferReading, String> {
        let number = |c: Option<Coordinate>, field: &str| -> Result<_, String> {
            c.map(|c| {
                c.decimal()
                    .ok_or_else(|| format!("reeferDetails.{field} must be a number"))
            })
            .transpose()
        };
        let measured = self.measured_parameters.or(self.setpoint_parameters);
        let (o2, co2, humidity) = match measured {
            Some(p) => (p.o2_percentage, p.co2_percentage, p.humidity_percentage),
            None => (None, None, None),
        };
        Ok(ReeferReading {
            unit: self
                .temperature_unit
                .and_then(|u| u.known("reeferDetails.temperatureUnit", flags)),
            setpoint: number(
                self.internal_setpoint_temperature,
                "internalSetpointTemperature",
            )?,
            probes: self
                .temperature_probe_measurements
                .into_iter()
                .flatten()
                .filter_map(|p| p.measured_temperature_value)
                .map(|v| {
                    v.decimal().ok_or_else(|| {
                        "reeferDetails.temperatureProbeMeasurements[].measuredTemperatureValue must be a number"
                            .to_owned()
                    })
                })
                .collect::<Result<_, _>>()?,
            ambient: number(
                self.ambient_measured_temperature,
                "ambientMeasuredTemperature",
            )?,
            o2_percentage: number(o2, "measuredParameters.o2Percentage")?,
            co2_percentage: number(co2, "measuredParameters.co2Percentage")?,
            humidity_percentage: number(humidity, "measuredParameters.humidityPercentage")?,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    location_name: Option<String>,
    #[serde(rename = "UNLocationCode")]
    un_location_code: Option<String>,
    facility_code: Option<String>,
    /// DCSA 3.0: `facility: {facilityCode, facilityCodeListProvider}`.
    facility: Option<Facility>,
    facility_type_code: Option<ShortCode>,
    geo_coordinate: Option<GeoCoordinate>,
    latitude: Option<Coordinate>,
    longitude: Option<Coordinate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Facility {
    facility_code: Option<String>,
}

#[derive(Deserialize)]
struct GeoCoordinate {
    latitude: Coordinate,
    longitude: Coordinate,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EquipmentDetails {
    equipment_reference: Option<ContainerNumber>,
    #[serde(rename = "ISOEquipmentCode")]
    iso_equipment_code: Option<ShortCode>,
    empty_indicator_code: Option<EmptyIndicator>,
    movement_type: Option<MovementType>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransportDetails {
    transport_call: Option<WireTransportCall>,
    /// DCSA 3.0 puts the delay reasons (SMDG codes) and the remark here.
    delay_reason_codes: Option<Vec<ShortCode>>,
    change_remark: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTransportCall {
    transport_call_sequence_number: Option<u32>,
    mode_of_transport: Option<Code<ModeOfTransport>>,
    export_voyage_number_or_reference: Option<Voyage>,
    import_voyage_number_or_reference: Option<Voyage>,
    carrier_service_code: Option<Reference>,
    service_code_or_reference: Option<ServiceCode>,
    vessel_transport: Option<WireVessel>,
    #[serde(rename = "UNLocationCode")]
    un_location_code: Option<String>,
    location: Option<Location>,
}

/// DCSA 3.0's `serviceCodeOrReference`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceCode {
    carrier_service_code: Option<Reference>,
    universal_service_reference: Option<Reference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Voyage {
    carrier_voyage_number: Option<Reference>,
    universal_voyage_reference: Option<Reference>,
}

impl Voyage {
    fn reference(self) -> Option<Reference> {
        self.carrier_voyage_number
            .or(self.universal_voyage_reference)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireVessel {
    #[serde(rename = "vesselIMONumber")]
    vessel_imo_number: Option<ImoNumber>,
    vessel_name: Option<Reference>,
    /// The carrier operating the vessel (SMDG code).
    operator_carrier_code: Option<Reference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShipmentDetails {
    /// DCSA 3.0: why a shipment event happened (e.g. the reason for a rejection).
    reason: Option<String>,
    document_reference: Option<WireDocument>,
    additional_document_references: Option<Vec<WireDocument>>,
    document_references: Option<Vec<WireDocument>>,
    /// A booking split or combined, a transport document voided and reissued: the event
    /// names the old and the new documents.
    document_reference_replacements: Option<Vec<Replacement<WireDocument>>>,
    shipment_references: Option<Vec<WireReference>>,
    shipment_reference_replacements: Option<Vec<Replacement<WireReference>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDocument {
    type_code: Code<DocumentType>,
    reference: Reference,
}

/// A replacement of references (T&T 3.0 `documentReferenceReplacements`,
/// `shipmentReferenceReplacements`): the event names the old ones and the new.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<T> {
    old_references: Option<Vec<T>>,
    new_references: Option<Vec<T>>,
}

impl<T> Replacement<T> {
    fn all(self) -> impl Iterator<Item = T> {
        self.old_references
            .into_iter()
            .flatten()
            .chain(self.new_references.into_iter().flatten())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireReference {
    type_code: Code<ReferenceType>,
    reference: Reference,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventRouting {
    originating_party: Option<Party>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Party {
    party_code: Option<Reference>,
}

impl Location {
    fn draft(self) -> Result<LocationDraft, String> {
        let coordinates = match &self.geo_coordinate {
            Some(g) => geo_point(Some(&g.latitude), Some(&g.longitude)),
            None => geo_point(self.latitude.as_ref(), self.longitude.as_ref()),
        }?;
        Ok(LocationDraft {
            name: non_blank(self.location_name),
            code: non_blank(self.un_location_code),
            facility: non_blank(
                self.facility_code
                    .or(self.facility.and_then(|f| f.facility_code)),
            ),
            facility_type: self.facility_type_code,
            coordinates,
        })
    }
}

/// The update time given to a retraction sent without one: later than any real update.
fn retracted_without_time() -> chrono::DateTime<Utc> {
    chrono::DateTime::from_timestamp(253_402_300_799, 0).unwrap_or_default()
}

fn missing(field: &str) -> String {
    format!("missing field `{field}`")
}

impl TryFrom<Wire> for Parsed {
    type Error = String;

    fn try_from(w: Wire) -> Result<Self, String> {
        let sent_time = w
            .event_updated_date_time
            .or(w.event_created_date_time)
            .map(|t| t.with_timezone(&Utc));
        let retracting = w.retracted_event_id.is_some() || w.is_retracted == Some(true);
        // DCSA 3.0 lets a retraction carry only `eventID` and `isRetracted`: without a time it
        // outranks every version of the event (an event ID is never reused after it).
        let updated_time = match (sent_time, retracting) {
            (Some(t), _) => t,
            (None, true) => retracted_without_time(),
            (None, false) => return Err(missing("eventUpdatedDateTime")),
        };
        if let Some(target) = w.retracted_event_id {
            return Ok(Parsed(Draft::Retraction {
                event_id: target,
                updated_time,
            }));
        }
        if w.is_retracted == Some(true) {
            return Ok(Parsed(Draft::Retraction {
                event_id: w.event_id,
                updated_time,
            }));
        }
        let event_time = w.event_date_time.ok_or_else(|| missing("eventDateTime"))?;
        let c = w
            .event_classification
            .ok_or_else(|| missing("eventClassification"))?;
        let mut flags = Vec::new();
        let equipment = match w.equipment_details {
            Some(d) => match d.equipment_reference {
                Some(reference) => Some(Equipment {
                    reference,
                    iso_code: d.iso_equipment_code,
                    empty: d.empty_indicator_code,
                    movement: d.movement_type,
                }),
                None => {
                    return Err("equipmentDetails needs an equipmentReference".to_owned());
                }
            },
            None => None,
        };
        let event_type = c.event_type_code;
        // A type code outside the list: the event is kept, flagged, and moves nothing.
        let unlisted = |code: String, field: &str, flags: &mut Vec<EventFlag>| {
            flags.push(EventFlag::UnknownCode {
                field: format!("eventClassification.{field}"),
                code: code.clone(),
            });
            EventKind::Unrecognised { event_type, code }
        };
        let needs = |field: &str| {
            format!(
                "{} {event_type} event needs eventClassification.{field}",
                article(event_type)
            )
        };
        let kind = match event_type {
            EventType::TRANSPORT => {
                only(&c, "transportEventTypeCode")?;
                match c
                    .transport_event_type_code
                    .ok_or_else(|| needs("transportEventTypeCode"))?
                {
                    Code::Known(code) => EventKind::Transport { code },
                    Code::Unlisted(code) => unlisted(code, "transportEventTypeCode", &mut flags),
                }
            }
            EventType::EQUIPMENT => {
                only(&c, "equipmentEventTypeCode")?;
                match c
                    .equipment_event_type_code
                    .ok_or_else(|| needs("equipmentEventTypeCode"))?
                {
                    Code::Known(code) => EventKind::Equipment { code, equipment },
                    Code::Unlisted(code) => unlisted(code, "equipmentEventTypeCode", &mut flags),
                }
            }
            EventType::SHIPMENT => {
                only(&c, "shipmentEventTypeCode")?;
                match c
                    .shipment_event_type_code
                    .ok_or_else(|| needs("shipmentEventTypeCode"))?
                {
                    Code::Known(code) => EventKind::Shipment {
                        code,
                        document_type: c.document_type_code.and_then(|d| {
                            d.known("eventClassification.documentTypeCode", &mut flags)
                        }),
                        reason: non_blank(c.reason),
                    },
                    Code::Unlisted(code) => unlisted(code, "shipmentEventTypeCode", &mut flags),
                }
            }
            EventType::IOT => {
                only(&c, "iotEventTypeCode")?;
                match c
                    .iot_event_type_code
                    .ok_or_else(|| needs("iotEventTypeCode"))?
                {
                    Code::Known(code) => EventKind::Iot {
                        code,
                        detail: w
                            .iot_details
                            .and_then(|d| d.iot_event_code)
                            .and_then(|d| d.known("iotDetails.iotEventCode", &mut flags)),
                        equipment,
                    },
                    Code::Unlisted(code) => unlisted(code, "iotEventTypeCode", &mut flags),
                }
            }
            EventType::REEFER => {
                only(&c, "reeferEventTypeCode")?;
                match c
                    .reefer_event_type_code
                    .ok_or_else(|| needs("reeferEventTypeCode"))?
                {
                    Code::Known(code) => EventKind::Reefer {
                        code,
                        equipment,
                        reading: w
                            .reefer_details
                            .map(|r| r.reading(&mut flags))
                            .transpose()?,
                    },
                    Code::Unlisted(code) => unlisted(code, "reeferEventTypeCode", &mut flags),
                }
            }
        };
        let mut location = w.event_location.map(Location::draft).transpose()?;
        let mut transport_call = None;
        let (details_delay, details_remark, details_call) = match w.transport_details {
            Some(t) => (
                t.delay_reason_codes.and_then(|c| c.into_iter().next()),
                t.change_remark,
                t.transport_call,
            ),
            None => (None, None, None),
        };
        if let Some(tc) = details_call {
            if location.is_none() {
                location = match (tc.location, tc.un_location_code) {
                    (Some(l), _) => Some(l.draft()?),
                    (None, Some(code)) => Some(LocationDraft {
                        code: non_blank(Some(code)),
                        ..LocationDraft::default()
                    }),
                    (None, None) => None,
                };
            }
            transport_call = Some(TransportCall {
                sequence: tc.transport_call_sequence_number,
                mode: tc.mode_of_transport.and_then(|m| {
                    m.known("transportDetails.transportCall.modeOfTransport", &mut flags)
                }),
                vessel: tc.vessel_transport.as_ref().map(|v| Vessel {
                    imo: v.vessel_imo_number.clone(),
                    name: v.vessel_name.clone(),
                }),
                export_voyage: tc
                    .export_voyage_number_or_reference
                    .and_then(Voyage::reference),
                import_voyage: tc
                    .import_voyage_number_or_reference
                    .and_then(Voyage::reference),
                service: tc.carrier_service_code.or(tc
                    .service_code_or_reference
                    .and_then(|s| s.carrier_service_code.or(s.universal_service_reference))),
                carrier: tc
                    .vessel_transport
                    .as_ref()
                    .and_then(|v| v.operator_carrier_code.clone())
                    .or(w
                        .event_routing
                        .and_then(|r| r.originating_party)
                        .and_then(|p| p.party_code)),
            });
        }
        let mut documents = Vec::new();
        let mut references = Vec::new();
        let mut shipment_reason = None;
        if let Some(s) = w.shipment_details {
            shipment_reason = non_blank(s.reason);
            let replaced = s
                .document_reference_replacements
                .into_iter()
                .flatten()
                .flat_map(Replacement::all);
            for d in s
                .document_reference
                .into_iter()
                .chain(s.additional_document_references.into_iter().flatten())
                .chain(s.document_references.into_iter().flatten())
                .chain(replaced)
            {
                keep_document(
                    d.type_code,
                    d.reference,
                    "shipmentDetails.documentReference.typeCode",
                    &mut documents,
                    &mut references,
                    &mut flags,
                );
            }
            let replaced = s
                .shipment_reference_replacements
                .into_iter()
                .flatten()
                .flat_map(Replacement::all);
            for r in s.shipment_references.into_iter().flatten().chain(replaced) {
                keep_reference(
                    r.type_code,
                    r.reference,
                    "shipmentDetails.shipmentReferences[].typeCode",
                    &mut references,
                    &mut flags,
                );
            }
        }
        let kind = match kind {
            EventKind::Shipment {
                code,
                document_type,
                reason,
            } => EventKind::Shipment {
                code,
                document_type,
                reason: reason.or(shipment_reason),
            },
            other => other,
        };
        Ok(Parsed(Draft::Event(Box::new(EventDraft {
            event_id: w.event_id,
            kind,
            classifier: c.event_classifier_code,
            event_time,
            updated_time,
            location,
            transport_call,
            documents,
            references,
            flags,
            delay_reason: w
                .delay_reason_code
                .or(c.delay_reason_code)
                .or(details_delay),
            change_remark: non_blank(w.change_remark.or(c.change_remark).or(details_remark)),
        }))))
    }
}

/// `an` before a type read as a word starting with a vowel sound (EQUIPMENT, IOT).
fn article(t: EventType) -> &'static str {
    match t {
        EventType::EQUIPMENT | EventType::IOT => "an",
        EventType::TRANSPORT | EventType::SHIPMENT | EventType::REEFER => "a",
    }
}

/// Refuses a classification that carries the type code of another event type.
fn only(c: &Classification, expected: &str) -> Result<(), String> {
    let present = [
        (
            "transportEventTypeCode",
            c.transport_event_type_code.is_some(),
        ),
        (
            "equipmentEventTypeCode",
            c.equipment_event_type_code.is_some(),
        ),
        (
            "shipmentEventTypeCode",
            c.shipment_event_type_code.is_some(),
        ),
        ("iotEventTypeCode", c.iot_event_type_code.is_some()),
        ("reeferEventTypeCode", c.reefer_event_type_code.is_some()),
    ];
    match present.iter().find(|(name, set)| *set && *name != expected) {
        Some((name, _)) => Err(format!(
            "{} {} event carries {expected}, not {name}",
            article(c.event_type_code),
            c.event_type_code
        )),
        None => Ok(()),
    }
}
