//! The shipment picture: from a shipment's events, the ordered port calls, the current leg,
//! the current position, the ETA at the next port and how far it moved since the first
//! estimate, delay flags and the milestone timeline — everything the order page's map and
//! timeline show, computed by one pure function.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::codes::{
    EquipmentEventType, EventClassifier, MovementType, ShortCode, TransportEventType,
};
use super::event::{EventKey, EventKind, SourceId};
use super::locations::{GeoPoint, LocationMaster};
use super::routing::{RouteOptions, SeaRoute, SeaRouter};
use super::upsert::{FirstVersion, ShipmentEvent};
use crate::codes::UnLocode;

/// Planned, estimated and actual times of one thing (an arrival, a departure).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeInfo {
    pub planned: Option<DateTime<FixedOffset>>,
    pub estimated: Option<DateTime<FixedOffset>>,
    pub actual: Option<DateTime<FixedOffset>>,
    /// The earliest estimate ever received.
    pub first_estimate: Option<DateTime<FixedOffset>>,
    #[serde(skip)]
    updated: [Option<DateTime<Utc>>; 3],
    #[serde(skip)]
    first_estimate_updated: Option<DateTime<Utc>>,
}

impl TimeInfo {
    /// The best knowledge: actual, else estimated, else planned.
    pub fn best(&self) -> Option<(DateTime<FixedOffset>, EventClassifier)> {
        self.actual
            .map(|t| (t, EventClassifier::ACT))
            .or(self.estimated.map(|t| (t, EventClassifier::EST)))
            .or(self.planned.map(|t| (t, EventClassifier::PLN)))
    }

    fn record(
        &mut self,
        classifier: EventClassifier,
        time: DateTime<FixedOffset>,
        updated: DateTime<Utc>,
        first: FirstVersion,
    ) {
        let slot = match classifier {
            EventClassifier::PLN => 0,
            EventClassifier::EST => 1,
            EventClassifier::ACT => 2,
        };
        // Several events of one kind: the most recently updated one is the current view.
        if self.updated[slot].is_none_or(|u| updated > u) {
            self.updated[slot] = Some(updated);
            let t = Some(time);
            match classifier {
                EventClassifier::PLN => self.planned = t,
                EventClassifier::EST => self.estimated = t,
                EventClassifier::ACT => self.actual = t,
            }
        }
        if classifier == EventClassifier::EST
            && self
                .first_estimate_updated
                .is_none_or(|u| first.updated_time < u)
        {
            self.first_estimate_updated = Some(first.updated_time);
            self.first_estimate = Some(first.event_time);
        }
    }
}

/// What a port is to this shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortRole {
    Origin,
    Transshipment,
    Intermediate,
    Destination,
}

/// How far the shipment got at a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Nothing actual yet.
    Expected,
    /// Arrived (or container handled), not yet departed.
    InPort,
    /// Departed (or loaded and the vessel moved on).
    Departed,
}

/// One port of the shipment's route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortCall {
    /// The master's UN/LOCODE; `None` for a flagged location.
    pub unlocode: Option<UnLocode>,
    /// The location code as the partner sent it.
    pub code_as_sent: String,
    pub name: Option<String>,
    pub position: Option<GeoPoint>,
    pub role: PortRole,
    pub status: CallStatus,
    pub arrival: TimeInfo,
    pub departure: TimeInfo,
    /// Equipment moves at this port (LOAD, DISC, GTIN …) with their best time.
    pub moves: Vec<EquipmentEventType>,
    /// An inland place (depot, inland terminal, rail ramp, customer location, border
    /// crossing, a place reached by truck, rail or barge, or one the location master has no
    /// seaport for): reached over land or river, so
    /// the legs to and from it are not sea-routed.
    pub inland: bool,
}

/// DCSA facility types that are not at the quay: depot, inland terminal, rail ramp, customer
/// location, border crossing (2.2 `BOCR`, 3.0 `BORD`), off-dock storage.
const INLAND_FACILITIES: &[&str] = &["DEPO", "INTE", "RAMP", "CLOC", "BOCR", "BORD", "OFFD"];

/// Whether an event happened inland (see [`PortCall::inland`]).
fn inland_event(e: &super::event::Event, known_port: bool) -> bool {
    let facility_inland = e
        .location
        .as_ref()
        .and_then(|l| l.facility_type.as_ref())
        .is_some_and(|f| INLAND_FACILITIES.contains(&f.as_str()));
    let land_mode = e
        .transport_call
        .as_ref()
        .and_then(|t| t.mode)
        .is_some_and(|m| {
            matches!(
                m,
                super::codes::ModeOfTransport::RAIL | super::codes::ModeOfTransport::TRUCK
            )
        });
    !known_port || facility_inland || land_mode
}

/// The stretch of sea the shipment is on (or about to start).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leg {
    /// Indices into `port_calls`.
    pub from: usize,
    pub to: usize,
    /// Whether the vessel has left `from` (else it is still in port there).
    pub underway: bool,
    /// The sea lane, when a router was given.
    pub route: Option<SeaRoute>,
}

/// How the current position was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum PositionBasis {
    /// The place of the last actual event.
    LastActualEvent { event: EventKey },
    /// Dead reckoning along the planned lane: `fraction` of the leg by time.
    Interpolated { fraction: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub point: GeoPoint,
    pub basis: PositionBasis,
}

/// The expected arrival at the next port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eta {
    /// Index into `port_calls`.
    pub port: usize,
    pub time: DateTime<FixedOffset>,
    pub classifier: EventClassifier,
    pub first_estimate: Option<DateTime<FixedOffset>>,
    /// Current estimate minus first estimate, in minutes (positive = later).
    pub change_minutes: Option<i64>,
}

/// Something late.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum DelayFlag {
    /// The estimate moved later than the first estimate by at least the threshold.
    EtaSlipped { port: usize, minutes: i64 },
    /// Actual or estimated arrival later than planned.
    ArrivalLate { port: usize, minutes: i64 },
    /// Actual or estimated departure later than planned.
    DepartureLate { port: usize, minutes: i64 },
    /// The partner reported a delay reason.
    DelayReported {
        port: Option<usize>,
        reason: ShortCode,
    },
    /// The expected arrival has passed with no actual arrival.
    Overdue { port: usize, minutes: i64 },
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub event: EventKey,
    pub source: SourceId,
    /// `ARRI`, `LOAD`, `ISSU` …
    pub code: String,
    pub label: String,
    pub classifier: EventClassifier,
    pub time: DateTime<FixedOffset>,
    pub updated_time: DateTime<Utc>,
    /// Index into `port_calls`, when the event happened at one.
    pub port: Option<usize>,
    pub location_name: Option<String>,
    /// A plan or estimate that a later estimate or the actual event has overtaken.
    pub superseded: bool,
}

/// The picture of one shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentPicture {
    pub port_calls: Vec<PortCall>,
    pub current_leg: Option<Leg>,
    pub position: Option<Position>,
    pub next_eta: Option<Eta>,
    pub delay_flags: Vec<DelayFlag>,
    pub milestones: Vec<Milestone>,
    /// The newest update among the events.
    pub last_updated: Option<DateTime<Utc>>,
    /// Whether the shipment reached its last port.
    pub arrived: bool,
}

/// How to draw the picture.
#[derive(Debug, Clone, Copy)]
pub struct PictureOptions<'r> {
    /// The clock (for overdue flags and interpolation).
    pub now: DateTime<Utc>,
    /// Give the current leg its sea lane, and interpolate the position along it.
    pub router: Option<&'r SeaRouter>,
    /// Interpolate the position between departure and ETA (needs a router).
    pub interpolate: bool,
    /// Slips below this many minutes are not flagged.
    pub threshold_minutes: i64,
}

impl Default for PictureOptions<'_> {
    fn default() -> Self {
        Self {
            now: Utc::now(),
            router: None,
            interpolate: false,
            threshold_minutes: 60,
        }
    }
}

/// Per (code, port): the highest classifier seen, and the newest update per classifier.
type Newest = (u8, [Option<DateTime<Utc>>; 3]);

fn minutes(d: Duration) -> i64 {
    d.num_minutes()
}

/// Per port call: per voyage (its key) the lowest transport call sequence number, and the
/// earliest time there.
type CallSequence = (Vec<(Option<String>, u32)>, Option<DateTime<Utc>>);

/// The order of the port calls: by the earliest time at each, then, within each voyage,
/// the calls it numbers put in its transport call sequence (on the places those calls hold).
/// Sequence numbers order only the calls of one voyage: they restart on the next vessel
/// after a transshipment.
fn call_order(sequence: &[CallSequence]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sequence.len()).collect();
    order.sort_by_key(|&i| (sequence[i].1, i));
    let mut voyages: Vec<&Option<String>> = Vec::new();
    for (seqs, _) in sequence {
        for (v, _) in seqs {
            if !voyages.contains(&v) {
                voyages.push(v);
            }
        }
    }
    let seq_in =
        |i: usize, v: &Option<String>| sequence[i].0.iter().find(|(w, _)| w == v).map(|(_, n)| *n);
    for v in voyages {
        let places: Vec<usize> = (0..order.len())
            .filter(|&p| seq_in(order[p], v).is_some())
            .collect();
        let mut members: Vec<usize> = places.iter().map(|&p| order[p]).collect();
        members.sort_by_key(|&i| (seq_in(i, v), sequence[i].1, i));
        for (p, i) in places.into_iter().zip(members) {
            order[p] = i;
        }
    }
    order
}

impl ShipmentPicture {
    /// Builds the picture from a shipment's events (see [`super::EventStore::shipment`]).
    pub fn build(
        events: &[ShipmentEvent<'_>],
        master: &LocationMaster,
        options: &PictureOptions<'_>,
    ) -> Self {
        // Port calls, keyed by the canonical code (or the code as sent for flagged ones).
        let mut calls: Vec<PortCall> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        // Per call: the earliest time there, and per voyage the lowest transport call
        // sequence number (carriers number the calls of each voyage from 1 again).
        let mut sequence: Vec<CallSequence> = Vec::new();
        let mut loaded_here: Vec<(bool, bool)> = Vec::new();
        for s in events {
            let e = s.event;
            let port_event = matches!(
                e.kind,
                EventKind::Transport { .. }
                    | EventKind::Equipment {
                        code: EquipmentEventType::LOAD
                            | EquipmentEventType::DISC
                            | EquipmentEventType::GTIN
                            | EquipmentEventType::GTOT,
                        ..
                    }
            );
            let Some(code) = e.location.as_ref().and_then(|l| l.code.as_ref()) else {
                continue;
            };
            if !port_event {
                continue;
            }
            let key = code
                .unlocode
                .as_ref()
                .map_or_else(|| code.as_sent.clone(), |c| c.to_string());
            let here_inland = inland_event(e, master.port_of(code).is_some());
            let i = *index.entry(key).or_insert_with(|| {
                let port = master.port_of(code);
                calls.push(PortCall {
                    unlocode: port.map(|p| p.unlocode.clone()),
                    code_as_sent: code.as_sent.clone(),
                    name: port
                        .map(|p| p.name.clone())
                        .or_else(|| e.location.as_ref().and_then(|l| l.name.clone())),
                    position: port
                        .map(|p| p.position)
                        .or_else(|| e.location.as_ref().and_then(|l| l.coordinates)),
                    role: PortRole::Intermediate,
                    status: CallStatus::Expected,
                    arrival: TimeInfo::default(),
                    departure: TimeInfo::default(),
                    moves: Vec::new(),
                    inland: true,
                });
                sequence.push((Vec::new(), None));
                loaded_here.push((false, false));
                calls.len() - 1
            });
            let call = &mut calls[i];
            call.inland &= here_inland;
            let when = e.event_time.with_timezone(&Utc);
            let seq = &mut sequence[i];
            if let Some(tc) = e.transport_call.as_ref()
                && let Some(n) = tc.sequence
            {
                let voyage = tc.voyage_key();
                match seq.0.iter_mut().find(|(v, _)| *v == voyage) {
                    Some((_, m)) => *m = (*m).min(n),
                    None => seq.0.push((voyage, n)),
                }
            }
            seq.1 = Some(seq.1.map_or(when, |m| m.min(when)));
            match &e.kind {
                EventKind::Transport {
                    code: TransportEventType::ARRI,
                } => call
                    .arrival
                    .record(e.classifier, e.event_time, e.updated_time, s.first),
                EventKind::Transport {
                    code: TransportEventType::DEPA,
                } => call
                    .departure
                    .record(e.classifier, e.event_time, e.updated_time, s.first),
                EventKind::Equipment { code, equipment } => {
                    if !call.moves.contains(code) {
                        call.moves.push(*code);
                    }
                    let l = &mut loaded_here[i];
                    if *code == EquipmentEventType::LOAD {
                        l.0 = true;
                    }
                    if *code == EquipmentEventType::DISC {
                        l.1 = true;
                    }
                    if equipment
                        .as_ref()
                        .is_some_and(|q| q.movement == Some(MovementType::TRANSSHIPMENT))
                    {
                        *l = (true, true);
                    }
                    if e.classifier == EventClassifier::ACT {
                        call.status = CallStatus::InPort.max_with(call.status);
                    }
                }
                EventKind::Shipment { .. }
                | EventKind::Iot { .. }
                | EventKind::Reefer { .. }
                | EventKind::Unrecognised { .. } => {}
            }
        }
        let order = call_order(&sequence);
        let mut calls: Vec<PortCall> = order.iter().map(|&i| calls[i].clone()).collect();
        let loaded_here: Vec<(bool, bool)> = order.iter().map(|&i| loaded_here[i]).collect();
        let last = calls.len().saturating_sub(1);
        for (i, c) in calls.iter_mut().enumerate() {
            if c.arrival.actual.is_some() {
                c.status = CallStatus::InPort.max_with(c.status);
            }
            if c.departure.actual.is_some() {
                c.status = CallStatus::Departed;
            }
            c.role = if i == 0 {
                PortRole::Origin
            } else if i == last {
                PortRole::Destination
            } else if loaded_here[i] == (true, true) {
                PortRole::Transshipment
            } else {
                PortRole::Intermediate
            };
        }
        // A later port with anything actual means the ship left the earlier ones.
        if let Some(k) = calls.iter().rposition(|c| c.status != CallStatus::Expected) {
            for c in &mut calls[..k] {
                c.status = CallStatus::Departed;
            }
        }
        let last_actual = calls.iter().rposition(|c| c.status != CallStatus::Expected);
        let arrived = !calls.is_empty()
            && last_actual == Some(last)
            && calls.len() > 1
            && (calls[last].arrival.actual.is_some()
                || calls[last].moves.contains(&EquipmentEventType::DISC));

        let mut current_leg = match last_actual {
            Some(k) if k < last => Some(Leg {
                from: k,
                to: k + 1,
                underway: calls[k].status == CallStatus::Departed,
                route: None,
            }),
            None if calls.len() > 1 => Some(Leg {
                from: 0,
                to: 1,
                underway: false,
                route: None,
            }),
            _ => None,
        };
        if let (Some(leg), Some(router)) = (current_leg.as_mut(), options.router)
            && !calls[leg.from].inland
            && !calls[leg.to].inland
            && let (Some(a), Some(b)) = (calls[leg.from].position, calls[leg.to].position)
        {
            leg.route = router
                .route(a, b, &RouteOptions::default())
                .ok()
                .map(|r| (*r).clone());
        }

        // ETA at the next port.
        let next_eta = current_leg.as_ref().and_then(|leg| {
            let info = &calls[leg.to].arrival;
            let (time, classifier) = info.best()?;
            Some(Eta {
                port: leg.to,
                time,
                classifier,
                first_estimate: info.first_estimate,
                change_minutes: info.first_estimate.map(|f| minutes(time - f)),
            })
        });

        // Position: the last actual event, or interpolated along the lane.
        let last_act = events
            .iter()
            .filter(|s| s.event.classifier == EventClassifier::ACT)
            .filter(|s| {
                s.event
                    .location
                    .as_ref()
                    .and_then(|l| l.coordinates)
                    .is_some()
            })
            .max_by_key(|s| (s.event.event_time, s.event.updated_time));
        let mut position = last_act.and_then(|s| {
            Some(Position {
                point: s.event.location.as_ref()?.coordinates?,
                basis: PositionBasis::LastActualEvent {
                    event: s.event.key(),
                },
            })
        });
        if options.interpolate
            && let (Some(leg), Some(eta)) = (current_leg.as_ref(), next_eta.as_ref())
        {
            let dep = calls[leg.from].departure.best().map(|(t, _)| t);
            if let (true, Some(route), Some(dep)) = (leg.underway, leg.route.as_ref(), dep) {
                let total = (eta.time - dep).num_seconds();
                if total > 0 {
                    let done = (options.now - dep.with_timezone(&Utc)).num_seconds();
                    #[expect(
                        clippy::cast_precision_loss,
                        reason = "seconds of a voyage fit an f64 exactly enough"
                    )]
                    let fraction = (done as f64 / total as f64).clamp(0.0, 1.0);
                    if let Some(point) = route.point_at(fraction) {
                        position = Some(Position {
                            point,
                            basis: PositionBasis::Interpolated { fraction },
                        });
                    }
                }
            }
        }

        // Delay flags.
        let threshold = options.threshold_minutes;
        let mut delay_flags = Vec::new();
        for (i, c) in calls.iter().enumerate() {
            if let (Some(first), Some(est)) = (c.arrival.first_estimate, c.arrival.estimated)
                && c.arrival.actual.is_none()
                && minutes(est - first) >= threshold
            {
                delay_flags.push(DelayFlag::EtaSlipped {
                    port: i,
                    minutes: minutes(est - first),
                });
            }
            for (info, arrival) in [(&c.arrival, true), (&c.departure, false)] {
                if let (Some(plan), Some((best, cl))) = (info.planned, info.best()) {
                    let late = minutes(best - plan);
                    if cl != EventClassifier::PLN && late >= threshold {
                        delay_flags.push(if arrival {
                            DelayFlag::ArrivalLate {
                                port: i,
                                minutes: late,
                            }
                        } else {
                            DelayFlag::DepartureLate {
                                port: i,
                                minutes: late,
                            }
                        });
                    }
                }
            }
            if c.arrival.actual.is_none()
                && c.status == CallStatus::Expected
                && let Some((eta, _)) = c.arrival.best()
            {
                let over = minutes(options.now - eta.with_timezone(&Utc));
                if over >= threshold {
                    delay_flags.push(DelayFlag::Overdue {
                        port: i,
                        minutes: over,
                    });
                }
            }
        }
        let call_of = |e: &super::event::Event| {
            let code = e.location.as_ref()?.code.as_ref()?;
            calls.iter().position(|c| {
                c.code_as_sent == code.as_sent
                    || (c.unlocode.is_some() && c.unlocode == code.unlocode)
            })
        };
        for s in events {
            if let Some(reason) = &s.event.delay_reason {
                let flag = DelayFlag::DelayReported {
                    port: call_of(s.event),
                    reason: reason.clone(),
                };
                if !delay_flags.contains(&flag) {
                    delay_flags.push(flag);
                }
            }
        }

        // Milestones, oldest first; plans and estimates overtaken by later knowledge marked.
        let mut milestones: Vec<Milestone> = events
            .iter()
            .map(|s| {
                let e = s.event;
                Milestone {
                    event: e.key(),
                    source: e.source.clone(),
                    code: e.kind.code().to_owned(),
                    label: label(&e.kind),
                    classifier: e.classifier,
                    time: e.event_time,
                    updated_time: e.updated_time,
                    port: call_of(e),
                    location_name: e
                        .location
                        .as_ref()
                        .and_then(|l| l.name.clone())
                        .or_else(|| call_of(e).and_then(|i| calls[i].name.clone())),
                    superseded: false,
                }
            })
            .collect();
        let rank = |c: EventClassifier| -> u8 {
            match c {
                EventClassifier::PLN => 0,
                EventClassifier::EST => 1,
                EventClassifier::ACT => 2,
            }
        };
        // Per (code, port): the highest classifier, and the newest update per classifier.
        let mut newest: HashMap<(String, Option<usize>), Newest> = HashMap::new();
        for m in &milestones {
            let entry = newest
                .entry((m.code.clone(), m.port))
                .or_insert((0, [None; 3]));
            let r = rank(m.classifier);
            entry.0 = entry.0.max(r);
            let slot = &mut entry.1[usize::from(r)];
            *slot = Some(slot.map_or(m.updated_time, |u| u.max(m.updated_time)));
        }
        for m in &mut milestones {
            let r = rank(m.classifier);
            m.superseded = m.classifier != EventClassifier::ACT
                && newest
                    .get(&(m.code.clone(), m.port))
                    .is_some_and(|(top, upd)| {
                        *top > r || upd[usize::from(r)].is_some_and(|u| u > m.updated_time)
                    });
        }
        milestones.sort_by(|a, b| {
            (a.time, rank(a.classifier), &a.event).cmp(&(b.time, rank(b.classifier), &b.event))
        });

        ShipmentPicture {
            last_updated: events.iter().map(|s| s.event.updated_time).max(),
            port_calls: calls,
            current_leg: if arrived { None } else { current_leg },
            position,
            next_eta: if arrived { None } else { next_eta },
            delay_flags,
            milestones,
            arrived,
        }
    }
}

impl CallStatus {
    fn max_with(self, other: Self) -> Self {
        let r = |s: Self| match s {
            Self::Expected => 0,
            Self::InPort => 1,
            Self::Departed => 2,
        };
        if r(other) > r(self) { other } else { self }
    }
}

fn label(kind: &EventKind) -> String {
    match kind {
        EventKind::Transport { code } => format!("Vessel {}", code.label().to_lowercase()),
        EventKind::Equipment { code, .. } => format!("Container {}", code.label().to_lowercase()),
        EventKind::Shipment {
            code,
            document_type,
            ..
        } => match document_type {
            Some(d) => format!("{} {}", d.label(), code.label().to_lowercase()),
            None => format!("Shipment {}", code.label().to_lowercase()),
        },
        EventKind::Iot {
            detail: Some(d), ..
        } => format!("Container {}", d.label().to_lowercase()),
        EventKind::Iot { code, .. } => format!("Container device {}", code.label().to_lowercase()),
        EventKind::Reefer { code, reading, .. } => {
            let what = format!("Reefer {}", code.label().to_lowercase());
            match reading.as_ref().and_then(reefer_temperature) {
                Some(t) => format!("{what}: {t}"),
                None => what,
            }
        }
        EventKind::Unrecognised { event_type, code } => {
            format!("{} {code} (code not in the DCSA list)", event_type.label())
        }
    }
}

/// A reefer's temperature as the timeline shows it: the first probe (else ambient), and the
/// setpoint, e.g. `4.5 °C (set 5 °C)`.
fn reefer_temperature(r: &super::event::ReeferReading) -> Option<String> {
    let unit = r.unit.map_or("", |u| u.label());
    let measured = r.probes.first().or(r.ambient.as_ref());
    match (measured, r.setpoint) {
        (Some(m), Some(s)) => Some(format!(
            "{} {unit} (set {} {unit})",
            m.normalize(),
            s.normalize()
        )),
        (Some(m), None) => Some(format!("{} {unit}", m.normalize())),
        (None, Some(s)) => Some(format!("set {} {unit}", s.normalize())),
        (None, None) => None,
    }
}
