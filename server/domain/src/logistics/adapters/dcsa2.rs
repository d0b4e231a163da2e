//! DCSA Track & Trace 2.2 push callbacks: a JSON array of flat events, signed with
//! `Notification-Signature: sha256=<hex>` = HMAC-SHA256 over the raw body, keyed with the
//! base64-decoded shared secret of the subscription. Unsigned or wrongly signed bodies are
//! refused before a single byte of them is parsed.

use std::collections::HashMap;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::super::codes::{
    ContainerNumber, DocumentType, EmptyIndicator, EquipmentEventType, EventClassifier, EventType,
    ImoNumber, ModeOfTransport, ReferenceType, ShipmentEventType, ShortCode, TransportEventType,
};
use super::super::error::{FeedError, SignatureError};
use super::super::event::{
    DocumentReference, Equipment, EventFlag, EventId, EventKind, FeedItem, Reference,
    ShipmentReference, SourceId, TransportCall, Vessel,
};
use super::super::locations::LocationMaster;
use super::{
    Code, Coordinate, Delivery, Draft, EventDraft, LocationDraft, check_size, each_event,
    geo_point, keep_document, keep_reference, non_blank, parse_json,
};

/// The header DCSA 2.2 signs callbacks with.
pub const SIGNATURE_HEADER: &str = "Notification-Signature";

fn decode_secret(secret_base64: &str) -> Result<Vec<u8>, SignatureError> {
    let s = secret_base64.trim();
    let key = base64::engine::general_purpose::STANDARD
        .decode(s)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(s))
        .map_err(|_| SignatureError::BadSecret)?;
    if key.is_empty() {
        return Err(SignatureError::BadSecret);
    }
    Ok(key)
}

fn mac(key: &[u8], body: &[u8]) -> Result<Hmac<Sha256>, SignatureError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| SignatureError::BadSecret)?;
    mac.update(body);
    Ok(mac)
}

/// The header value a sender computes for `body` (`sha256=<lower-case hex>`); the demo voyage
/// simulator signs with it.
pub fn sign(secret_base64: &str, body: &[u8]) -> Result<String, SignatureError> {
    let key = decode_secret(secret_base64)?;
    let tag = mac(&key, body)?.finalize().into_bytes();
    Ok(format!("sha256={}", hex::encode(tag)))
}

/// Checks the `Notification-Signature` header against the raw body, in constant time.
pub fn verify_signature(
    header: Option<&str>,
    secret_base64: &str,
    body: &[u8],
) -> Result<(), SignatureError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty());
    let Some(header) = header else {
        return Err(SignatureError::Missing);
    };
    let digest_hex = header
        .strip_prefix("sha256=")
        .ok_or(SignatureError::Malformed)?;
    let expected = hex::decode(digest_hex.trim())
        .ok()
        .filter(|d| d.len() == 32)
        .ok_or(SignatureError::Malformed)?;
    let key = decode_secret(secret_base64)?;
    // `verify_slice` compares in constant time (subtle), so timing tells nothing.
    mac(&key, body)?
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// What the webhook handler calls: verify the signature, then parse.
pub fn receive(
    signature_header: Option<&str>,
    secret_base64: &str,
    body: &[u8],
    source: &SourceId,
    master: &LocationMaster,
) -> Result<Vec<FeedItem>, FeedError> {
    check_size(body)?;
    verify_signature(signature_header, secret_base64, body)?;
    parse(body, source, master)
}

/// Parses a DCSA 2.2 callback body (already verified) into feed items.
pub fn parse(
    body: &[u8],
    source: &SourceId,
    master: &LocationMaster,
) -> Result<Vec<FeedItem>, FeedError> {
    check_size(body)?;
    let events: Vec<Parsed> = parse_json(body)?;
    let none = HashMap::new();
    Ok(events
        .into_iter()
        .map(|p| p.0.finish(source, master, &none))
        .collect())
}

/// What the webhook calls: verify the signature, then read each event on its own (one bad
/// event is reported in [`Delivery::unusable`], the others kept). A body that is not a JSON
/// array at all is still an error naming its line and column.
pub fn receive_each(
    signature_header: Option<&str>,
    secret_base64: &str,
    body: &[u8],
    source: &SourceId,
    master: &LocationMaster,
) -> Result<Delivery, FeedError> {
    check_size(body)?;
    verify_signature(signature_header, secret_base64, body)?;
    parse_each(body, source, master)
}

/// Reads each event of a callback body whose signature the caller has already checked (the
/// webhook checks it before the source's limits are even counted): one bad event is reported
/// in [`Delivery::unusable`], the others kept.
pub fn parse_each(
    body: &[u8],
    source: &SourceId,
    master: &LocationMaster,
) -> Result<Delivery, FeedError> {
    check_size(body)?;
    let values: Vec<serde_json::Value> = parse_json(body)?;
    let (parsed, unusable) = each_event::<Parsed>(values, "");
    Ok(Delivery::of(
        parsed.into_iter().map(|(i, p)| (i, p.0)).collect(),
        unusable,
        "",
        source,
        master,
    ))
}

#[derive(Deserialize)]
#[serde(try_from = "Wire")]
struct Parsed(Draft);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    #[serde(rename = "eventID")]
    event_id: EventId,
    event_type: EventType,
    event_classifier_code: EventClassifier,
    event_date_time: DateTime<FixedOffset>,
    event_created_date_time: DateTime<FixedOffset>,
    transport_event_type_code: Option<Code<TransportEventType>>,
    equipment_event_type_code: Option<Code<EquipmentEventType>>,
    shipment_event_type_code: Option<Code<ShipmentEventType>>,
    document_type_code: Option<Code<DocumentType>>,
    #[serde(rename = "documentID")]
    document_id: Option<Reference>,
    reason: Option<String>,
    equipment_reference: Option<ContainerNumber>,
    #[serde(rename = "ISOEquipmentCode")]
    iso_equipment_code: Option<ShortCode>,
    empty_indicator_code: Option<EmptyIndicator>,
    event_location: Option<Location>,
    transport_call: Option<WireTransportCall>,
    document_references: Option<Vec<WireDocument>>,
    /// The parties' references (`FF`, `SI`, `PO`, `CR`, `AAO`, `EQ`).
    references: Option<Vec<WireReference>>,
    delay_reason_code: Option<ShortCode>,
    change_remark: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    location_name: Option<String>,
    #[serde(rename = "UNLocationCode")]
    un_location_code: Option<String>,
    facility_code: Option<String>,
    latitude: Option<Coordinate>,
    longitude: Option<Coordinate>,
}

impl Location {
    fn draft(self) -> Result<LocationDraft, String> {
        Ok(LocationDraft {
            coordinates: geo_point(self.latitude.as_ref(), self.longitude.as_ref())?,
            name: non_blank(self.location_name),
            code: non_blank(self.un_location_code),
            facility: non_blank(self.facility_code),
            facility_type: None,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireTransportCall {
    transport_call_sequence_number: Option<u32>,
    carrier_service_code: Option<Reference>,
    export_voyage_number: Option<Reference>,
    import_voyage_number: Option<Reference>,
    carrier_voyage_number: Option<Reference>,
    #[serde(rename = "UNLocationCode")]
    un_location_code: Option<String>,
    facility_code: Option<String>,
    facility_type_code: Option<ShortCode>,
    mode_of_transport: Option<Code<ModeOfTransport>>,
    location: Option<Location>,
    vessel: Option<WireVessel>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireVessel {
    #[serde(rename = "vesselIMONumber")]
    vessel_imo_number: Option<ImoNumber>,
    vessel_name: Option<Reference>,
    vessel_operator_carrier_code: Option<Reference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDocument {
    document_reference_type: Code<DocumentType>,
    document_reference_value: Reference,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireReference {
    reference_type: Code<ReferenceType>,
    reference_value: Reference,
}

fn kind(w: &mut Wire, flags: &mut Vec<EventFlag>) -> Result<EventKind, String> {
    let present = [
        (
            "transportEventTypeCode",
            w.transport_event_type_code.is_some(),
        ),
        (
            "equipmentEventTypeCode",
            w.equipment_event_type_code.is_some(),
        ),
        (
            "shipmentEventTypeCode",
            w.shipment_event_type_code.is_some(),
        ),
    ];
    let event_type = w.event_type;
    let expected = match event_type {
        EventType::TRANSPORT => "transportEventTypeCode",
        EventType::EQUIPMENT => "equipmentEventTypeCode",
        EventType::SHIPMENT => "shipmentEventTypeCode",
        EventType::IOT | EventType::REEFER => {
            return Err(format!(
                "eventType {event_type} is a Track & Trace 3.0 event: send it to the 3.0 endpoint (/webhooks/dcsa/v3/{{source}}/events); 2.2 has TRANSPORT, EQUIPMENT and SHIPMENT"
            ));
        }
    };
    if let Some((other, _)) = present.iter().find(|(n, set)| *set && *n != expected) {
        return Err(format!(
            "a {event_type} event carries {expected}, not {other}"
        ));
    }
    let need = || format!("a {event_type} event needs {expected}");
    // A type code outside the list: the event is kept, flagged, and moves nothing.
    let mut unlisted = |code: String| {
        flags.push(EventFlag::UnknownCode {
            field: expected.to_owned(),
            code: code.clone(),
        });
        EventKind::Unrecognised { event_type, code }
    };
    Ok(match event_type {
        EventType::TRANSPORT => match w.transport_event_type_code.take().ok_or_else(need)? {
            Code::Known(code) => EventKind::Transport { code },
            Code::Unlisted(code) => unlisted(code),
        },
        EventType::EQUIPMENT => match w.equipment_event_type_code.take().ok_or_else(need)? {
            Code::Known(code) => EventKind::Equipment {
                code,
                equipment: w.equipment_reference.take().map(|reference| Equipment {
                    reference,
                    iso_code: w.iso_equipment_code.take(),
                    empty: w.empty_indicator_code,
                    movement: None,
                }),
            },
            Code::Unlisted(code) => unlisted(code),
        },
        _ => match w.shipment_event_type_code.take().ok_or_else(need)? {
            Code::Known(code) => EventKind::Shipment {
                code,
                document_type: match &w.document_type_code {
                    Some(Code::Known(d)) => Some(*d),
                    _ => None,
                },
                reason: non_blank(w.reason.take()),
            },
            Code::Unlisted(code) => unlisted(code),
        },
    })
}

impl TryFrom<Wire> for Parsed {
    type Error = String;

    fn try_from(mut w: Wire) -> Result<Self, String> {
        let mut flags = Vec::new();
        let kind = kind(&mut w, &mut flags)?;
        let mut location = w.event_location.map(Location::draft).transpose()?;
        let mut transport_call = None;
        if let Some(tc) = w.transport_call {
            if location.is_none() {
                let mut l = match tc.location {
                    Some(l) => l.draft()?,
                    None => LocationDraft::default(),
                };
                l.code = l.code.or(non_blank(tc.un_location_code));
                l.facility = l.facility.or(non_blank(tc.facility_code));
                l.facility_type = tc.facility_type_code;
                location = Some(l);
            }
            let carrier = tc
                .vessel
                .as_ref()
                .and_then(|v| v.vessel_operator_carrier_code.clone());
            transport_call = Some(TransportCall {
                sequence: tc.transport_call_sequence_number,
                mode: tc
                    .mode_of_transport
                    .and_then(|m| m.known("transportCall.modeOfTransport", &mut flags)),
                vessel: tc.vessel.map(|v| Vessel {
                    imo: v.vessel_imo_number,
                    name: v.vessel_name,
                }),
                export_voyage: tc.export_voyage_number.or(tc.carrier_voyage_number),
                import_voyage: tc.import_voyage_number,
                service: tc.carrier_service_code,
                carrier,
            });
        }
        let mut documents: Vec<DocumentReference> = Vec::new();
        let mut references: Vec<ShipmentReference> = Vec::new();
        for d in w.document_references.into_iter().flatten() {
            keep_document(
                d.document_reference_type,
                d.document_reference_value,
                "documentReferences[].documentReferenceType",
                &mut documents,
                &mut references,
                &mut flags,
            );
        }
        if let (Some(kind), Some(reference)) = (w.document_type_code, w.document_id) {
            keep_document(
                kind,
                reference,
                "documentTypeCode",
                &mut documents,
                &mut references,
                &mut flags,
            );
        }
        for r in w.references.into_iter().flatten() {
            keep_reference(
                r.reference_type,
                r.reference_value,
                "references[].referenceType",
                &mut references,
                &mut flags,
            );
        }
        Ok(Parsed(Draft::Event(Box::new(EventDraft {
            event_id: w.event_id,
            kind,
            classifier: w.event_classifier_code,
            event_time: w.event_date_time,
            updated_time: w.event_created_date_time.with_timezone(&Utc),
            location,
            transport_call,
            documents,
            references,
            flags,
            delay_reason: w.delay_reason_code,
            change_remark: non_blank(w.change_remark),
        }))))
    }
}
