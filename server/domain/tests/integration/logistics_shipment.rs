//! Upsert rules and the shipment picture, on a voyage Cai Mep → Port Klang (transshipment) →
//! Tokyo told through DCSA 3.0 events: revisions, retractions, out-of-order arrival.
#![cfg(feature = "logistics")]

use chrono::{DateTime, TimeZone, Utc};
use domain::logistics::adapters::dcsa3;
use domain::logistics::codes::{EquipmentEventType, EventClassifier, ShortCode};
use domain::logistics::event::{EventKind, EventLocation, Retraction};
use domain::logistics::picture::{CallStatus, DelayFlag, PortRole, PositionBasis};
use domain::logistics::{
    Event, EventStore, FeedItem, LocationMaster, PictureOptions, SeaRouter, ShipmentPicture,
    SourceId, UpsertOutcome,
};
use proptest::prelude::*;

const BOOKING: &str = "BK7781234";

fn source() -> SourceId {
    SourceId::parse("crx").expect("valid source")
}

/// One DCSA 3.0 event as JSON.
fn event_json(
    id: &str,
    class: &str,
    code: &str,
    classifier: &str,
    time: &str,
    updated: &str,
    locode: &str,
) -> String {
    let (type_field, details) = match class {
        "TRANSPORT" => ("transportEventTypeCode", String::new()),
        _ => (
            "equipmentEventTypeCode",
            r#","equipmentDetails": {"equipmentReference": "ABCU1234560", "emptyIndicatorCode": "LADEN"}"#.to_owned(),
        ),
    };
    format!(
        r#"{{"eventID": "{id}", "eventDateTime": "{time}", "eventUpdatedDateTime": "{updated}",
            "eventClassification": {{"eventTypeCode": "{class}", "eventClassifierCode": "{classifier}", "{type_field}": "{code}"}},
            "eventLocation": {{"UNLocationCode": "{locode}"}}{details},
            "transportDetails": {{"transportCall": {{"modeOfTransport": "VESSEL",
                "exportVoyageNumberOrReference": {{"carrierVoyageNumber": "512S"}},
                "vesselTransport": {{"vesselIMONumber": "9321483", "vesselName": "EXAMPLE TRADER"}}}}}},
            "shipmentDetails": {{"documentReference": {{"typeCode": "BKG", "reference": "{BOOKING}"}}}}}}"#
    )
}

fn items(events: &[String]) -> Vec<FeedItem> {
    let body = format!("{{\"events\": [{}]}}", events.join(","));
    dcsa3::parse(body.as_bytes(), &source(), LocationMaster::embedded()).expect("test events parse")
}

/// The voyage, as a carrier would report it over two weeks.
fn voyage() -> Vec<String> {
    vec![
        event_json(
            "gtin-cmt",
            "EQUIPMENT",
            "GTIN",
            "ACT",
            "2026-03-10T14:05:00+07:00",
            "2026-03-10T07:10:00Z",
            "VNCMT",
        ),
        event_json(
            "depa-cmt-pln",
            "TRANSPORT",
            "DEPA",
            "PLN",
            "2026-03-12T18:00:00+07:00",
            "2026-03-01T00:00:00Z",
            "VNCMT",
        ),
        event_json(
            "arri-pkg-pln",
            "TRANSPORT",
            "ARRI",
            "PLN",
            "2026-03-14T08:00:00+08:00",
            "2026-03-01T00:00:00Z",
            "MYPKG",
        ),
        event_json(
            "arri-tyo-pln",
            "TRANSPORT",
            "ARRI",
            "PLN",
            "2026-03-25T08:00:00+09:00",
            "2026-03-01T00:00:00Z",
            "JPTYO",
        ),
        event_json(
            "load-cmt",
            "EQUIPMENT",
            "LOAD",
            "ACT",
            "2026-03-12T07:42:00+07:00",
            "2026-03-12T00:50:13Z",
            "VNCMT",
        ),
        event_json(
            "depa-cmt",
            "TRANSPORT",
            "DEPA",
            "ACT",
            "2026-03-12T20:00:00+07:00",
            "2026-03-12T13:05:00Z",
            "VNCMT",
        ),
        // The ETA at Port Klang: first estimate, then a later revision of the same event.
        event_json(
            "arri-pkg-est",
            "TRANSPORT",
            "ARRI",
            "EST",
            "2026-03-14T10:00:00+08:00",
            "2026-03-12T14:00:00Z",
            "MYPKG",
        ),
        event_json(
            "arri-pkg-est",
            "TRANSPORT",
            "ARRI",
            "EST",
            "2026-03-14T14:00:00+08:00",
            "2026-03-13T09:00:00Z",
            "MYPKG",
        ),
    ]
}

/// What happens at Port Klang: arrival, discharge, reload onto the feeder, departure.
fn at_port_klang() -> Vec<String> {
    vec![
        event_json(
            "arri-pkg",
            "TRANSPORT",
            "ARRI",
            "ACT",
            "2026-03-14T10:45:00+08:00",
            "2026-03-14T02:50:00Z",
            "MYPKG",
        ),
        event_json(
            "disc-pkg",
            "EQUIPMENT",
            "DISC",
            "ACT",
            "2026-03-14T11:30:00+08:00",
            "2026-03-14T03:35:00Z",
            "MYPKG",
        ),
        event_json(
            "load-pkg",
            "EQUIPMENT",
            "LOAD",
            "ACT",
            "2026-03-15T09:00:00+08:00",
            "2026-03-15T01:05:00Z",
            "MYPKG",
        ),
        event_json(
            "depa-pkg",
            "TRANSPORT",
            "DEPA",
            "ACT",
            "2026-03-15T20:00:00+08:00",
            "2026-03-15T12:05:00Z",
            "MYPKG",
        ),
        event_json(
            "arri-tyo-est",
            "TRANSPORT",
            "ARRI",
            "EST",
            "2026-03-26T06:00:00+09:00",
            "2026-03-15T12:10:00Z",
            "JPTYO",
        ),
    ]
}

fn store_of(events: Vec<String>) -> EventStore {
    let mut store = EventStore::new();
    store.apply_all(items(&events));
    store
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 13, 12, 0, 0).unwrap()
}

fn picture(store: &EventStore, now: DateTime<Utc>) -> ShipmentPicture {
    ShipmentPicture::build(
        &store.shipment(BOOKING),
        LocationMaster::embedded(),
        &PictureOptions {
            now,
            ..PictureOptions::default()
        },
    )
}

fn codes(p: &ShipmentPicture) -> Vec<&str> {
    p.port_calls
        .iter()
        .map(|c| c.unlocode.as_ref().map_or("?", |u| u.as_str()))
        .collect()
}

// --- Upsert rules ---------------------------------------------------------------------

#[test]
fn the_newest_update_of_an_event_wins() {
    let v = voyage();
    let mut store = EventStore::new();
    let outcomes = store.apply_all(items(&[v[6].clone(), v[7].clone()]));
    assert_eq!(outcomes, [UpsertOutcome::Inserted, UpsertOutcome::Updated]);
    let held = store.events().next().unwrap();
    assert_eq!(held.event_time.to_rfc3339(), "2026-03-14T14:00:00+08:00");
}

#[test]
fn a_duplicate_is_a_no_op() {
    let v = voyage();
    let mut store = EventStore::new();
    store.apply_all(items(&v));
    let before = store.clone();
    let outcomes = store.apply_all(items(&v));
    assert!(outcomes.iter().all(|o| !o.changed()), "{outcomes:?}");
    assert_eq!(store, before);
}

#[test]
fn an_older_version_arriving_late_is_kept_only_as_the_first_estimate() {
    let v = voyage();
    let mut store = EventStore::new();
    assert_eq!(
        store.apply_all(items(&[v[7].clone()])),
        [UpsertOutcome::Inserted]
    );
    assert_eq!(
        store.apply_all(items(&[v[6].clone()])),
        [UpsertOutcome::History]
    );
    assert_eq!(
        store.apply_all(items(&[v[6].clone()])),
        [UpsertOutcome::Stale]
    );
    let held = store.events().next().unwrap();
    assert_eq!(held.event_time.to_rfc3339(), "2026-03-14T14:00:00+08:00");
}

#[test]
fn a_retraction_removes_the_event_and_a_late_older_copy_stays_out() {
    let v = voyage();
    let mut store = store_of(v.clone());
    let depa = store
        .events()
        .find(|e| e.event_id.as_str() == "depa-cmt")
        .unwrap()
        .clone();
    let outcome = store.retract(Retraction {
        source: source(),
        event_id: depa.event_id.clone(),
        updated_time: depa.updated_time + chrono::Duration::hours(1),
    });
    assert_eq!(outcome, UpsertOutcome::Retracted);
    assert!(store.get(&depa.key()).is_none());
    assert_eq!(store.upsert(depa.clone()), UpsertOutcome::Stale);
    assert!(store.get(&depa.key()).is_none());
}

#[test]
fn out_of_order_arrival_gives_same_state() {
    let mut all = voyage();
    all.extend(at_port_klang());
    let in_order = store_of(all.clone());
    all.reverse();
    let reversed = store_of(all);
    assert_eq!(in_order, reversed);
    assert_eq!(picture(&in_order, now()), picture(&reversed, now()));
}

// --- Shipment picture -----------------------------------------------------------------

#[test]
fn picture_while_sailing_to_port_klang() {
    let store = store_of(voyage());
    let p = picture(&store, now());
    assert_eq!(codes(&p), ["VNCMT", "MYPKG", "JPTYO"]);
    assert_eq!(p.port_calls[0].role, PortRole::Origin);
    assert_eq!(p.port_calls[0].status, CallStatus::Departed);
    assert_eq!(p.port_calls[2].role, PortRole::Destination);
    let leg = p.current_leg.as_ref().unwrap();
    assert_eq!((leg.from, leg.to, leg.underway), (0, 1, true));
    // ETA at Port Klang, 4 h later than first estimated.
    let eta = p.next_eta.as_ref().unwrap();
    assert_eq!(eta.port, 1);
    assert_eq!(eta.classifier, EventClassifier::EST);
    assert_eq!(eta.time.to_rfc3339(), "2026-03-14T14:00:00+08:00");
    assert_eq!(
        eta.first_estimate.unwrap().to_rfc3339(),
        "2026-03-14T10:00:00+08:00"
    );
    assert_eq!(eta.change_minutes, Some(240));
    assert!(p.delay_flags.contains(&DelayFlag::EtaSlipped {
        port: 1,
        minutes: 240
    }));
    assert!(p.delay_flags.contains(&DelayFlag::DepartureLate {
        port: 0,
        minutes: 120
    }));
    assert!(p.delay_flags.contains(&DelayFlag::ArrivalLate {
        port: 1,
        minutes: 360
    }));
    // Position: where the last actual event happened (the departure from Cai Mep).
    let pos = p.position.as_ref().unwrap();
    assert!(
        matches!(&pos.basis, PositionBasis::LastActualEvent { event } if event.event_id.as_str() == "depa-cmt")
    );
    assert!((pos.point.lat - 10.535778).abs() < 1e-6);
    assert_eq!(
        p.last_updated.unwrap().to_rfc3339(),
        "2026-03-13T09:00:00+00:00"
    );
    assert!(!p.arrived);
}

#[test]
fn milestones_show_plan_estimate_and_actual_with_overtaken_ones_marked() {
    let mut all = voyage();
    all.extend(at_port_klang());
    let p = picture(&store_of(all), now());
    let pkg_arrivals: Vec<(EventClassifier, bool)> = p
        .milestones
        .iter()
        .filter(|m| m.code == "ARRI" && m.port == Some(1))
        .map(|m| (m.classifier, m.superseded))
        .collect();
    assert_eq!(
        pkg_arrivals,
        [
            (EventClassifier::PLN, true),
            (EventClassifier::ACT, false),
            (EventClassifier::EST, true),
        ]
    );
    let times: Vec<_> = p.milestones.iter().map(|m| m.time).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    // 13 reports, two of them versions of one event.
    assert_eq!(p.milestones.len(), 12);
    assert!(p.milestones.iter().all(|m| m.source.as_str() == "crx"));
}

#[test]
fn transshipment_at_port_klang() {
    let mut all = voyage();
    all.extend(at_port_klang());
    let p = picture(
        &store_of(all),
        Utc.with_ymd_and_hms(2026, 3, 18, 0, 0, 0).unwrap(),
    );
    assert_eq!(p.port_calls[1].role, PortRole::Transshipment);
    assert_eq!(p.port_calls[1].status, CallStatus::Departed);
    assert_eq!(
        p.port_calls[1].moves,
        [EquipmentEventType::DISC, EquipmentEventType::LOAD]
    );
    let leg = p.current_leg.as_ref().unwrap();
    assert_eq!((leg.from, leg.to, leg.underway), (1, 2, true));
    let eta = p.next_eta.as_ref().unwrap();
    assert_eq!(eta.port, 2);
    assert_eq!(eta.time.to_rfc3339(), "2026-03-26T06:00:00+09:00");
    assert!(p.delay_flags.contains(&DelayFlag::ArrivalLate {
        port: 2,
        minutes: 22 * 60
    }));
}

#[test]
fn retracting_the_departure_puts_the_ship_back_in_port() {
    let mut all = voyage();
    all.extend(at_port_klang());
    let mut store = store_of(all);
    store.retract(Retraction {
        source: source(),
        event_id: domain::logistics::event::EventId::parse("depa-pkg").unwrap(),
        updated_time: Utc.with_ymd_and_hms(2026, 3, 16, 0, 0, 0).unwrap(),
    });
    let p = picture(&store, Utc.with_ymd_and_hms(2026, 3, 16, 1, 0, 0).unwrap());
    let leg = p.current_leg.as_ref().unwrap();
    assert_eq!((leg.from, leg.to, leg.underway), (1, 2, false));
    assert_eq!(p.port_calls[1].status, CallStatus::InPort);
}

#[test]
fn arrival_at_the_destination_ends_the_voyage() {
    let mut all = voyage();
    all.extend(at_port_klang());
    all.push(event_json(
        "arri-tyo",
        "TRANSPORT",
        "ARRI",
        "ACT",
        "2026-03-26T07:10:00+09:00",
        "2026-03-25T22:15:00Z",
        "JPTYO",
    ));
    let p = picture(
        &store_of(all),
        Utc.with_ymd_and_hms(2026, 3, 27, 0, 0, 0).unwrap(),
    );
    assert!(p.arrived);
    assert!(p.current_leg.is_none() && p.next_eta.is_none());
    assert_eq!(p.port_calls[2].status, CallStatus::InPort);
}

#[test]
fn overdue_and_reported_delays_are_flagged() {
    let mut v = voyage();
    v.push(
        event_json(
            "delay",
            "TRANSPORT",
            "ARRI",
            "EST",
            "2026-03-14T16:00:00+08:00",
            "2026-03-13T10:00:00Z",
            "MYPKG",
        )
        .replacen(
            "\"eventClassification\"",
            "\"delayReasonCode\": \"WEA\", \"eventClassification\"",
            1,
        ),
    );
    let p = picture(
        &store_of(v),
        Utc.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap(),
    );
    assert!(p.delay_flags.contains(&DelayFlag::DelayReported {
        port: Some(1),
        reason: ShortCode::parse("WEA").unwrap()
    }));
    assert!(
        p.delay_flags
            .iter()
            .any(|f| matches!(f, DelayFlag::Overdue { port: 1, .. }))
    );
}

#[test]
fn position_can_be_interpolated_along_the_lane() {
    let store = store_of(voyage());
    let router = SeaRouter::embedded().unwrap();
    let p = ShipmentPicture::build(
        &store.shipment(BOOKING),
        LocationMaster::embedded(),
        &PictureOptions {
            now: Utc.with_ymd_and_hms(2026, 3, 13, 15, 0, 0).unwrap(),
            router: Some(router),
            interpolate: true,
            threshold_minutes: 60,
        },
    );
    let leg = p.current_leg.as_ref().unwrap();
    assert!(leg.route.as_ref().unwrap().distance_km > 900.0);
    let pos = p.position.as_ref().unwrap();
    let PositionBasis::Interpolated { fraction } = pos.basis else {
        panic!("{:?}", pos.basis)
    };
    // Departed 13:00Z on the 12th, ETA 06:00Z on the 14th: 26 of 41 hours gone.
    assert!((fraction - 26.0 / 41.0).abs() < 1e-6, "{fraction}");
    // Past the tip of the peninsula, near Singapore: on the lane, not on the straight line.
    assert!((0.5..10.0).contains(&pos.point.lat), "{:?}", pos.point);
    assert!((101.0..107.0).contains(&pos.point.lon), "{:?}", pos.point);
}

#[test]
fn events_of_another_booking_are_left_out() {
    let mut v = voyage();
    v.push(
        event_json(
            "other",
            "TRANSPORT",
            "ARRI",
            "ACT",
            "2026-03-14T10:45:00+08:00",
            "2026-03-14T02:50:00Z",
            "SGSIN",
        )
        .replace(BOOKING, "BK0000001"),
    );
    let store = store_of(v);
    assert_eq!(store.len(), 8);
    assert_eq!(store.shipment(BOOKING).len(), 7);
}

/// An event with everything spelled out: `doc` and `container` may be absent, the vessel
/// and voyage name the transport call.
struct Ev<'a> {
    id: &'a str,
    class: &'a str,
    code: &'a str,
    classifier: &'a str,
    time: &'a str,
    locode: &'a str,
    doc: Option<&'a str>,
    container: Option<&'a str>,
    vessel: (&'a str, &'a str),
    seq: Option<u32>,
    facility_type: Option<&'a str>,
    empty: bool,
}

impl Default for Ev<'_> {
    fn default() -> Self {
        Self {
            id: "e",
            class: "TRANSPORT",
            code: "ARRI",
            classifier: "ACT",
            time: "2026-03-12T00:00:00Z",
            locode: "VNCMT",
            doc: Some(BOOKING),
            container: None,
            vessel: ("9321483", "512S"),
            seq: None,
            facility_type: None,
            empty: false,
        }
    }
}

impl Ev<'_> {
    fn json(&self) -> String {
        let type_field = if self.class == "TRANSPORT" {
            "transportEventTypeCode"
        } else {
            "equipmentEventTypeCode"
        };
        let mut v = serde_json::json!({
            "eventID": self.id,
            "eventDateTime": self.time,
            "eventUpdatedDateTime": "2026-03-20T00:00:00Z",
            "eventClassification": {"eventTypeCode": self.class, "eventClassifierCode": self.classifier, type_field: self.code},
            "eventLocation": {"UNLocationCode": self.locode},
            "transportDetails": {"transportCall": {
                "modeOfTransport": "VESSEL",
                "exportVoyageNumberOrReference": {"carrierVoyageNumber": self.vessel.1},
                "vesselTransport": {"vesselIMONumber": self.vessel.0}}},
        });
        if let Some(n) = self.seq {
            v["transportDetails"]["transportCall"]["transportCallSequenceNumber"] = n.into();
        }
        if let Some(f) = self.facility_type {
            v["eventLocation"]["facilityTypeCode"] = f.into();
        }
        if let Some(c) = self.container {
            v["equipmentDetails"] = serde_json::json!({
                "equipmentReference": c,
                "emptyIndicatorCode": if self.empty { "EMPTY" } else { "LADEN" },
            });
        }
        if let Some(d) = self.doc {
            v["shipmentDetails"] =
                serde_json::json!({"documentReference": {"typeCode": "BKG", "reference": d}});
        }
        v.to_string()
    }
}

fn shipment_ids(store: &EventStore, reference: &str) -> Vec<String> {
    let mut ids: Vec<String> = store
        .shipment(reference)
        .iter()
        .map(|s| s.event.event_id.as_str().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn port_calls_stay_in_route_order_when_sequence_numbers_restart_on_the_next_vessel() {
    // Each vessel numbers its own calls: the first from 7, the feeder after the
    // transshipment from 5. Sorting every call by its number would put Port Klang first.
    let first = ("9321483", "512S");
    let feeder = ("9074729", "88N");
    let events = [
        Ev {
            id: "depa-ysa",
            code: "DEPA",
            time: "2026-03-01T10:00:00+08:00",
            locode: "CNYSA",
            vessel: first,
            seq: Some(7),
            ..Ev::default()
        },
        Ev {
            id: "arri-cmt",
            code: "ARRI",
            time: "2026-03-05T10:00:00+07:00",
            locode: "VNCMT",
            vessel: first,
            seq: Some(8),
            ..Ev::default()
        },
        Ev {
            id: "depa-cmt",
            code: "DEPA",
            time: "2026-03-07T10:00:00+07:00",
            locode: "VNCMT",
            vessel: feeder,
            seq: Some(5),
            ..Ev::default()
        },
        Ev {
            id: "arri-pkg",
            code: "ARRI",
            classifier: "EST",
            time: "2026-03-09T10:00:00+08:00",
            locode: "MYPKG",
            vessel: feeder,
            seq: Some(6),
            ..Ev::default()
        },
    ];
    let store = store_of(events.iter().map(Ev::json).collect());
    let p = picture(&store, Utc.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap());
    assert_eq!(codes(&p), ["CNYSA", "VNCMT", "MYPKG"]);
    // Within one voyage the numbers win over times that disagree (a plan sent late).
    let events = [
        Ev {
            id: "a",
            code: "ARRI",
            classifier: "PLN",
            time: "2026-03-20T10:00:00+08:00",
            locode: "SGSIN",
            seq: Some(2),
            ..Ev::default()
        },
        Ev {
            id: "b",
            code: "DEPA",
            classifier: "PLN",
            time: "2026-03-21T10:00:00+08:00",
            locode: "MYPKG",
            seq: Some(1),
            ..Ev::default()
        },
    ];
    let store = store_of(events.iter().map(Ev::json).collect());
    assert_eq!(codes(&picture(&store, now())), ["MYPKG", "SGSIN"]);
}

#[test]
fn vessel_events_without_a_document_join_through_their_voyage() {
    let bare = |id, locode, vessel| Ev {
        id,
        code: "ARRI",
        time: "2026-03-14T10:00:00+08:00",
        locode,
        doc: None,
        vessel,
        ..Ev::default()
    };
    let events = [
        Ev {
            id: "load",
            class: "EQUIPMENT",
            code: "LOAD",
            time: "2026-03-12T07:42:00+07:00",
            container: Some("ABCU1234560"),
            ..Ev::default()
        },
        Ev {
            id: "arri-pln",
            code: "ARRI",
            classifier: "PLN",
            time: "2026-03-14T08:00:00+08:00",
            locode: "MYPKG",
            ..Ev::default()
        },
        // The port's own report of the arrival: same vessel and voyage, no booking.
        bare("port-arri", "MYPKG", ("9321483", "512S")),
        // The same vessel at a port this shipment does not call at, and another voyage.
        bare("port-sin", "SGSIN", ("9321483", "512S")),
        bare("other-voyage", "MYPKG", ("9321483", "513N")),
    ];
    let store = store_of(events.iter().map(Ev::json).collect());
    assert_eq!(
        shipment_ids(&store, BOOKING),
        ["arri-pln", "load", "port-arri"]
    );
    let p = picture(&store, Utc.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap());
    assert!(
        p.port_calls[1].arrival.actual.is_some(),
        "{:?}",
        p.port_calls
    );
}

#[test]
fn a_reused_containers_old_moves_stay_out() {
    let c = Some("ABCU1234560");
    let move_of = |id, code, time, doc| Ev {
        id,
        class: "EQUIPMENT",
        code,
        time,
        container: c,
        doc,
        empty: doc.is_none(),
        ..Ev::default()
    };
    let events = [
        // Half a year ago, for another booking, and the empty return after it.
        move_of(
            "old-load",
            "LOAD",
            "2025-09-01T08:00:00+07:00",
            Some("BK-OLD"),
        ),
        move_of("old-return", "GTIN", "2025-09-20T08:00:00+07:00", None),
        // This shipment: the empty pick-up two days before, then the moves naming it.
        move_of("pickup", "GTOT", "2026-03-08T08:00:00+07:00", None),
        move_of("gtin", "GTIN", "2026-03-10T14:05:00+07:00", Some(BOOKING)),
        move_of("load", "LOAD", "2026-03-12T07:42:00+07:00", Some(BOOKING)),
        // A move long after, and one after the container's next booking began.
        move_of("much-later", "GTOT", "2026-06-30T08:00:00+07:00", None),
        move_of(
            "next-load",
            "LOAD",
            "2026-03-25T08:00:00+07:00",
            Some("BK-NEXT"),
        ),
        move_of("after-next", "DISC", "2026-03-28T08:00:00+07:00", None),
    ];
    let store = store_of(events.iter().map(Ev::json).collect());
    assert_eq!(shipment_ids(&store, BOOKING), ["gtin", "load", "pickup"]);
    // The container number alone stands for its latest shipment.
    assert_eq!(
        shipment_ids(&store, "ABCU1234560"),
        ["after-next", "next-load"]
    );
}

#[test]
fn inland_depots_are_not_sea_routed() {
    let events = [
        Ev {
            id: "pickup",
            class: "EQUIPMENT",
            code: "GTOT",
            time: "2026-03-08T08:00:00+07:00",
            locode: "VNSGN",
            facility_type: Some("DEPO"),
            container: Some("ABCU1234560"),
            empty: true,
            ..Ev::default()
        },
        Ev {
            id: "gtin",
            class: "EQUIPMENT",
            code: "GTIN",
            classifier: "PLN",
            time: "2026-03-10T14:05:00+07:00",
            locode: "VNCMT",
            facility_type: Some("POTE"),
            container: Some("ABCU1234560"),
            ..Ev::default()
        },
        Ev {
            id: "depa",
            code: "DEPA",
            classifier: "PLN",
            time: "2026-03-12T20:00:00+07:00",
            locode: "VNCMT",
            ..Ev::default()
        },
        Ev {
            id: "arri",
            code: "ARRI",
            classifier: "EST",
            time: "2026-03-14T10:00:00+08:00",
            locode: "MYPKG",
            ..Ev::default()
        },
    ];
    let store = store_of(events.iter().map(Ev::json).collect());
    let router = SeaRouter::embedded().expect("router");
    let p = ShipmentPicture::build(
        &store.shipment(BOOKING),
        LocationMaster::embedded(),
        &PictureOptions {
            now: Utc.with_ymd_and_hms(2026, 3, 9, 0, 0, 0).unwrap(),
            router: Some(router),
            ..PictureOptions::default()
        },
    );
    assert_eq!(codes(&p)[1..], ["VNCMT", "MYPKG"]);
    assert!(p.port_calls[0].inland, "{:?}", p.port_calls[0]);
    assert!(!p.port_calls[1].inland && !p.port_calls[2].inland);
    // The leg from the depot to the port is over land: no sea lane drawn for it.
    let leg = p.current_leg.as_ref().expect("a current leg");
    assert_eq!((leg.from, leg.to), (0, 1));
    assert!(leg.route.is_none());
}

// --- Property: any arrival order gives the same state ---------------------------------

fn arbitrary_item() -> impl Strategy<Value = FeedItem> {
    (
        0usize..4,
        0i64..4,
        0usize..3,
        0i64..72,
        0usize..3,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(id, updated, class, hour, place, retract)| {
            let ids = ["a", "b", "c", "d"];
            let updated_time = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
                + chrono::Duration::hours(updated);
            if retract {
                return FeedItem::Retraction(Retraction {
                    source: source(),
                    event_id: domain::logistics::event::EventId::parse(ids[id]).expect("valid id"),
                    updated_time,
                });
            }
            let master = LocationMaster::embedded();
            let code = master.resolve(["VNCMT", "MYPKG", "JPTYO"][place]);
            let classifier = [
                EventClassifier::PLN,
                EventClassifier::EST,
                EventClassifier::ACT,
            ][class];
            let event_time = (Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap()
                + chrono::Duration::hours(hour))
            .fixed_offset();
            FeedItem::Event(Box::new(Event {
                source: source(),
                event_id: domain::logistics::event::EventId::parse(ids[id]).expect("valid id"),
                kind: EventKind::Transport {
                    code: domain::logistics::codes::TransportEventType::ARRI,
                },
                classifier,
                event_time,
                updated_time,
                location: Some(EventLocation {
                    name: None,
                    coordinates: master.port_of(&code).map(|p| p.position),
                    code: Some(code),
                    facility: None,
                    facility_type: None,
                }),
                transport_call: None,
                documents: vec![domain::logistics::event::DocumentReference {
                    kind: domain::logistics::codes::DocumentType::BKG,
                    reference: domain::logistics::event::Reference::parse(BOOKING)
                        .expect("valid reference"),
                }],
                references: Vec::new(),
                delay_reason: None,
                change_remark: None,
                flags: Vec::new(),
            }))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_permutation_of_the_same_events_gives_the_same_state(
        (items, shuffled) in prop::collection::vec(arbitrary_item(), 1..14)
            .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
    ) {
        let mut a = EventStore::new();
        a.apply_all(items.clone());
        let mut b = EventStore::new();
        b.apply_all(shuffled);
        prop_assert_eq!(&a, &b);
        // Applying everything again changes nothing.
        let mut c = a.clone();
        prop_assert!(c.apply_all(items).iter().all(|o| !o.changed()));
        prop_assert_eq!(&a, &c);
        prop_assert_eq!(picture(&a, now()), picture(&b, now()));
    }
}
