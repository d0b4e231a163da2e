//! The demo voyage (`server simulate-voyage`): a realistic, time-compressed voyage of one
//! order's container from its port of loading through a transshipment at Cai Mep (Singapore
//! when the order itself loads or discharges at Cai Mep) to its port of discharge, as DCSA 3.0 event bodies — a plan, estimates revised with a delay, and the
//! actual moves. Every event says it is a simulation (`changeRemark`, and an event ID that
//! starts with `sim-`). The player posts them through the signed webhook like any carrier.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde_json::{Value, json};

/// The transshipment port (Cai Mep, Vietnam).
pub const TRANSSHIPMENT: &str = "VNCMT";
/// The transshipment port when the voyage starts or ends at Cai Mep (Singapore).
pub const OTHER_TRANSSHIPMENT: &str = "SGSIN";
/// Where the voyage starts when the order names no port of loading (Shanghai Yangshan).
pub const DEFAULT_ORIGIN: &str = "CNYSA";
/// Where it ends when the order names no port of discharge (Port Klang).
pub const DEFAULT_DESTINATION: &str = "MYPKG";
/// What every simulated event says of itself.
pub const REMARK: &str =
    "SIMULATION: demo voyage played by `server simulate-voyage`, not a carrier event";

/// One step of the voyage: what the player says, and the body it posts.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub description: String,
    pub body: Value,
}

/// What the voyage is about.
#[derive(Debug, Clone)]
pub struct Voyage {
    /// The booking (or other) reference the order is known by.
    pub reference: String,
    /// ISO 6346 container number.
    pub container: String,
    pub origin: String,
    pub destination: String,
    /// Voyage time zero (the first planned departure is a day later).
    pub start: DateTime<Utc>,
    /// Prefix of the event IDs (`sim-<order>`).
    pub id_prefix: String,
}

struct Vessel {
    imo: &'static str,
    name: &'static str,
    voyage: &'static str,
    service: &'static str,
}

const FEEDER: Vessel = Vessel {
    imo: "9321483",
    name: "DEMO TRADER",
    voyage: "512S",
    service: "CVX",
};
const MAINLINE: Vessel = Vessel {
    imo: "9811000",
    name: "DEMO EXPRESS",
    voyage: "033W",
    service: "SEA",
};

fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(
        &FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("0 is a valid offset")),
    )
    .to_rfc3339()
}

impl Voyage {
    /// Where the container changes vessel: Cai Mep, or Singapore when the voyage itself
    /// starts or ends at Cai Mep (a port is never its own transshipment).
    pub fn hub(&self) -> &'static str {
        if self.origin == TRANSSHIPMENT || self.destination == TRANSSHIPMENT {
            OTHER_TRANSSHIPMENT
        } else {
            TRANSSHIPMENT
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one event's facts, named at each call"
    )]
    fn event(
        &self,
        n: usize,
        updated: DateTime<Utc>,
        classifier: &str,
        kind: (&str, &str),
        at: &str,
        when: DateTime<Utc>,
        vessel: &Vessel,
        extra: Value,
    ) -> Value {
        let (event_type, code) = kind;
        let code_field = match event_type {
            "TRANSPORT" => "transportEventTypeCode",
            _ => "equipmentEventTypeCode",
        };
        let mut e = json!({
            "eventID": format!("{}-{n:02}", self.id_prefix),
            "eventDateTime": time(when),
            "eventUpdatedDateTime": time(updated),
            "eventClassification": {
                "eventTypeCode": event_type,
                "eventClassifierCode": classifier,
                code_field: code,
            },
            "eventLocation": {"UNLocationCode": at},
            "transportDetails": {"transportCall": {
                "modeOfTransport": "VESSEL",
                "exportVoyageNumberOrReference": {"carrierVoyageNumber": vessel.voyage},
                "serviceCodeOrReference": {"carrierServiceCode": vessel.service},
                "vesselTransport": {"vesselIMONumber": vessel.imo, "vesselName": vessel.name},
            }},
            "shipmentDetails": {"documentReference": {"typeCode": "BKG", "reference": self.reference}},
            "changeRemark": REMARK,
        });
        if event_type == "EQUIPMENT" {
            e["equipmentDetails"] = json!({
                "equipmentReference": self.container,
                "ISOEquipmentCode": "45G1",
                "emptyIndicatorCode": "LADEN",
            });
        }
        if let (Some(obj), Some(extra)) = (e.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                obj.insert(k.clone(), v.clone());
            }
        }
        e
    }

    /// The steps, in the order they are played; `updated(i)` gives the update time of step
    /// `i` (the player passes the wall clock, so later steps always win).
    pub fn steps(&self, updated: impl Fn(usize) -> DateTime<Utc>) -> Vec<Step> {
        let d = |days: i64, hours: i64| self.start + Duration::days(days) + Duration::hours(hours);
        let (o, t, z) = (self.origin.as_str(), self.hub(), self.destination.as_str());
        let none = json!({});
        let body = |events: Vec<Value>| json!({ "events": events });
        let mut steps = Vec::new();
        let mut push = |description: String, events: Vec<Value>| {
            steps.push(Step {
                description,
                body: body(events),
            });
        };
        let u = |i: usize| updated(i);
        push(
            format!("plan: {o} → {t} (transshipment) → {z}"),
            vec![
                self.event(
                    1,
                    u(0),
                    "PLN",
                    ("TRANSPORT", "DEPA"),
                    o,
                    d(1, 0),
                    &FEEDER,
                    none.clone(),
                ),
                self.event(
                    2,
                    u(0),
                    "PLN",
                    ("TRANSPORT", "ARRI"),
                    t,
                    d(4, 0),
                    &FEEDER,
                    none.clone(),
                ),
                self.event(
                    3,
                    u(0),
                    "PLN",
                    ("TRANSPORT", "DEPA"),
                    t,
                    d(5, 0),
                    &MAINLINE,
                    none.clone(),
                ),
                self.event(
                    4,
                    u(0),
                    "PLN",
                    ("TRANSPORT", "ARRI"),
                    z,
                    d(7, 0),
                    &MAINLINE,
                    none.clone(),
                ),
            ],
        );
        push(
            format!("container gated in at {o}"),
            vec![self.event(
                5,
                u(1),
                "ACT",
                ("EQUIPMENT", "GTIN"),
                o,
                d(0, 6),
                &FEEDER,
                none.clone(),
            )],
        );
        push(
            format!("container loaded at {o} (export status)"),
            vec![self.event(
                6,
                u(2),
                "ACT",
                ("EQUIPMENT", "LOAD"),
                o,
                d(0, 20),
                &FEEDER,
                none.clone(),
            )],
        );
        push(
            format!("vessel departed {o}"),
            vec![self.event(
                1,
                u(3),
                "ACT",
                ("TRANSPORT", "DEPA"),
                o,
                d(1, 2),
                &FEEDER,
                none.clone(),
            )],
        );
        push(
            format!("estimate: arrival at {t} 10 h late (weather)"),
            vec![self.event(
                2,
                u(4),
                "EST",
                ("TRANSPORT", "ARRI"),
                t,
                d(4, 10),
                &FEEDER,
                json!({"transportDetails": {
                    "delayReasonCodes": ["WEA"],
                    "transportCall": {
                        "modeOfTransport": "VESSEL",
                        "exportVoyageNumberOrReference": {"carrierVoyageNumber": FEEDER.voyage},
                        "vesselTransport": {"vesselIMONumber": FEEDER.imo, "vesselName": FEEDER.name},
                    }
                }}),
            )],
        );
        push(
            format!("vessel arrived at {t}"),
            vec![self.event(
                2,
                u(5),
                "ACT",
                ("TRANSPORT", "ARRI"),
                t,
                d(4, 11),
                &FEEDER,
                none.clone(),
            )],
        );
        push(
            format!("container discharged at {t} for transshipment"),
            vec![self.event(
                7,
                u(6),
                "ACT",
                ("EQUIPMENT", "DISC"),
                t,
                d(4, 16),
                &FEEDER,
                none.clone(),
            )],
        );
        push(
            format!("container loaded at {t} onto {}", MAINLINE.name),
            vec![self.event(
                8,
                u(7),
                "ACT",
                ("EQUIPMENT", "LOAD"),
                t,
                d(5, 4),
                &MAINLINE,
                none.clone(),
            )],
        );
        push(
            format!("vessel departed {t}; estimate for {z}"),
            vec![
                self.event(
                    3,
                    u(8),
                    "ACT",
                    ("TRANSPORT", "DEPA"),
                    t,
                    d(5, 8),
                    &MAINLINE,
                    none.clone(),
                ),
                self.event(
                    4,
                    u(8),
                    "EST",
                    ("TRANSPORT", "ARRI"),
                    z,
                    d(7, 6),
                    &MAINLINE,
                    none.clone(),
                ),
            ],
        );
        push(
            format!("vessel arrived at {z}"),
            vec![self.event(
                4,
                u(9),
                "ACT",
                ("TRANSPORT", "ARRI"),
                z,
                d(7, 5),
                &MAINLINE,
                none.clone(),
            )],
        );
        push(
            format!("container discharged at {z}"),
            vec![self.event(
                9,
                u(10),
                "ACT",
                ("EQUIPMENT", "DISC"),
                z,
                d(7, 12),
                &MAINLINE,
                none,
            )],
        );
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logistics::adapters::dcsa3;
    use crate::logistics::{EventStore, LocationMaster, PictureOptions, ShipmentPicture, SourceId};

    #[test]
    fn every_step_reads_and_the_voyage_ends_at_its_destination() {
        let start = Utc::now();
        let v = Voyage {
            reference: "BK-SIM-1".into(),
            container: "ABCU1234560".into(),
            origin: "CNYSA".into(),
            destination: "MYPKG".into(),
            start,
            id_prefix: "sim-ORD-1".into(),
        };
        let steps = v.steps(|i| start + Duration::seconds(i as i64 + 1));
        assert_eq!(steps.len(), 11);
        let source = SourceId::parse("demo-voyage").expect("source");
        let mut store = EventStore::new();
        for s in &steps {
            let body = serde_json::to_vec(&s.body).expect("json");
            let d = dcsa3::parse_each(&body, &source, LocationMaster::embedded()).expect("reads");
            assert!(d.unusable.is_empty(), "{}: {:?}", s.description, d.unusable);
            for item in d.items {
                let e = item.as_event().expect("event");
                assert!(
                    e.change_remark
                        .as_deref()
                        .is_some_and(|r| r.contains("SIMULATION"))
                );
                store.apply(item);
            }
        }
        let events = store.shipment("BK-SIM-1");
        let picture = ShipmentPicture::build(
            &events,
            LocationMaster::embedded(),
            &PictureOptions {
                now: start + Duration::days(8),
                router: None,
                interpolate: false,
                threshold_minutes: 60,
            },
        );
        let ports: Vec<String> = picture
            .port_calls
            .iter()
            .filter_map(|c| c.unlocode.as_ref().map(|u| u.as_str().to_owned()))
            .collect();
        assert_eq!(ports, ["CNYSA", "VNCMT", "MYPKG"]);
        assert!(picture.arrived);
    }

    #[test]
    fn a_voyage_from_cai_mep_changes_vessel_at_singapore() {
        let v = Voyage {
            reference: "BK-SIM-2".into(),
            container: "ABCU1234560".into(),
            origin: "VNCMT".into(),
            destination: "JPTYO".into(),
            start: Utc::now(),
            id_prefix: "sim-ORD-2".into(),
        };
        assert_eq!(v.hub(), "SGSIN");
        let at: Vec<String> = v
            .steps(|_| Utc::now())
            .iter()
            .flat_map(|s| s.body["events"].as_array().cloned().unwrap_or_default())
            .filter_map(|e| {
                e["eventLocation"]["UNLocationCode"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        assert!(at.iter().any(|p| p == "SGSIN"), "{at:?}");
        let cai_mep = Voyage {
            origin: "CNYSA".into(),
            ..v
        };
        assert_eq!(cai_mep.hub(), "VNCMT");
    }
}
