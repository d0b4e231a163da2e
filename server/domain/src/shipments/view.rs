//! A shipment as the API, the order page and the live stream show it
//! (`trade::views::ShipmentDocument`): its events (after the upsert rules) turned into a
//! `ShipmentPicture`, the sea lanes between its ports as GeoJSON, and the change sequence it
//! is at.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::links;
use serde::Serialize;

use crate::DomainResult;
use crate::entities::{shipment_event, shipment_event_ref};
use crate::logistics::event::EventId;
use crate::logistics::picture::{CallStatus, DelayFlag, PositionBasis, TimeInfo};
use crate::logistics::upsert::Entry;
use crate::logistics::{
    Event, EventKey, EventKind, EventStore, LocationMaster, PictureOptions, RouteOptions,
    SeaRouter, ShipmentEvent, ShipmentPicture, SourceId,
};
use crate::trade::views::{
    ShipmentDelay, ShipmentDocument, ShipmentEta, ShipmentMilestone, ShipmentPort,
    ShipmentPosition, ShipmentTimes,
};

/// A shipment's stored rows, and every reference whose change can change it.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rows: Vec<shipment_event::Model>,
    /// The reference asked for, the documents, containers and party references its events
    /// name, and the voyages they travel on: a stored change naming any of them may change
    /// the shipment (the live stream listens for them).
    pub covers: BTreeSet<String>,
}

/// The stored entries of a shipment: events naming `reference`, and — one hop further — the
/// events of the documents and containers those events name, and the vessel events naming no
/// document of the voyages they travel on. [`EventStore::shipment`] then picks what belongs.
pub async fn load<C: ConnectionTrait>(db: &C, reference: &str) -> DomainResult<Loaded> {
    let reference = reference.trim();
    let mut covers = BTreeSet::from([reference.to_owned()]);
    let direct: BTreeSet<uuid::Uuid> = shipment_event_ref::Entity::find()
        .filter(shipment_event_ref::Column::Reference.eq(reference))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.shipment_event_id)
        .collect();
    if direct.is_empty() {
        return Ok(Loaded {
            rows: Vec::new(),
            covers,
        });
    }
    let mut named: BTreeSet<String> = BTreeSet::new();
    let mut voyages: BTreeSet<String> = BTreeSet::new();
    for r in shipment_event_ref::Entity::find()
        .filter(shipment_event_ref::Column::ShipmentEventId.is_in(direct.iter().copied()))
        .all(db)
        .await?
    {
        if r.reference == reference {
            continue;
        }
        match r.kind.as_str() {
            links::ON_VOYAGE_KIND | links::VOYAGE_EVENT_KIND => voyages.insert(r.reference),
            _ => named.insert(r.reference),
        };
    }
    covers.extend(named.iter().cloned());
    covers.extend(voyages.iter().cloned());
    let mut ids = direct;
    let named: Vec<String> = named.into_iter().take(50).collect();
    let voyages: Vec<String> = voyages.into_iter().take(20).collect();
    if !named.is_empty() || !voyages.is_empty() {
        ids.extend(
            shipment_event_ref::Entity::find()
                .filter(
                    Condition::any()
                        .add(shipment_event_ref::Column::Reference.is_in(named))
                        .add(
                            Condition::all()
                                .add(shipment_event_ref::Column::Reference.is_in(voyages))
                                .add(shipment_event_ref::Column::Kind.eq(links::VOYAGE_EVENT_KIND)),
                        ),
                )
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.shipment_event_id),
        );
    }
    let mut rows = Vec::new();
    let ids: Vec<uuid::Uuid> = ids.into_iter().collect();
    for chunk in ids.chunks(500) {
        rows.extend(
            shipment_event::Entity::find()
                .filter(shipment_event::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(Loaded { rows, covers })
}

fn entries_of(rows: &[shipment_event::Model]) -> Vec<(EventKey, Entry)> {
    rows.iter()
        .filter_map(|row| {
            Some((
                EventKey {
                    source: SourceId::parse(&row.source).ok()?,
                    event_id: EventId::parse(&row.event_id).ok()?,
                },
                serde_json::from_value(row.entry.clone()).ok()?,
            ))
        })
        .collect()
}

fn container_of(e: &Event) -> Option<&str> {
    e.kind.equipment().map(|eq| eq.reference.as_str())
}

/// A reefer reading's value with its unit (`-17.8 °C`).
fn reefer(
    e: &Event,
    pick: impl Fn(&crate::logistics::event::ReeferReading) -> Option<&rust_decimal::Decimal>,
) -> Option<String> {
    let EventKind::Reefer {
        reading: Some(r), ..
    } = &e.kind
    else {
        return None;
    };
    let unit = r.unit.map_or("", |u| u.label());
    pick(r).map(|v| format!("{} {unit}", v.normalize()).trim_end().to_owned())
}

fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

fn utc_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn times(t: &TimeInfo) -> ShipmentTimes {
    ShipmentTimes {
        planned: t.planned.as_ref().map(rfc3339),
        estimated: t.estimated.as_ref().map(rfc3339),
        actual: t.actual.as_ref().map(rfc3339),
        first_estimate: t.first_estimate.as_ref().map(rfc3339),
    }
}

fn snake<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn delay(f: &DelayFlag) -> ShipmentDelay {
    let (flag, port, minutes, reason) = match f {
        DelayFlag::EtaSlipped { port, minutes } => {
            ("eta_slipped", Some(*port), Some(*minutes), None)
        }
        DelayFlag::ArrivalLate { port, minutes } => {
            ("arrival_late", Some(*port), Some(*minutes), None)
        }
        DelayFlag::DepartureLate { port, minutes } => {
            ("departure_late", Some(*port), Some(*minutes), None)
        }
        DelayFlag::DelayReported { port, reason } => (
            "delay_reported",
            *port,
            None,
            Some(reason.as_str().to_owned()),
        ),
        DelayFlag::Overdue { port, minutes } => ("overdue", Some(*port), Some(*minutes), None),
    };
    ShipmentDelay {
        flag: flag.to_owned(),
        port,
        minutes,
        reason,
    }
}

fn flag_names(e: &Event) -> Vec<String> {
    e.flags
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .ok()
                .and_then(|v| v.get("flag").and_then(|f| f.as_str()).map(str::to_owned))
                .unwrap_or_default()
        })
        .collect()
}

/// Builds the document from stored rows (`None` when no live event is left).
pub fn build(
    reference: &str,
    rows: &[shipment_event::Model],
    master: &LocationMaster,
    router: Option<&SeaRouter>,
    now: DateTime<Utc>,
) -> Option<ShipmentDocument> {
    let reference = reference.trim();
    let store = EventStore::from_entries(entries_of(rows));
    let events: Vec<ShipmentEvent<'_>> = store.shipment(reference);
    if events.is_empty() {
        return None;
    }
    let picture = ShipmentPicture::build(
        &events,
        master,
        &PictureOptions {
            now,
            router,
            interpolate: true,
            threshold_minutes: 60,
        },
    );
    let status = if picture.arrived {
        "arrived"
    } else if picture.current_leg.as_ref().is_some_and(|l| l.underway) {
        "at_sea"
    } else if picture
        .port_calls
        .iter()
        .any(|c| c.status != CallStatus::Expected)
    {
        "in_port"
    } else {
        "planned"
    };
    let route = route_geojson(&picture, master, router);
    let by_key: std::collections::HashMap<(&str, &str), &Event> = events
        .iter()
        .map(|s| {
            (
                (s.event.source.as_str(), s.event.event_id.as_str()),
                s.event,
            )
        })
        .collect();
    let mut milestones: Vec<ShipmentMilestone> = picture
        .milestones
        .iter()
        .map(|m| {
            let e = by_key
                .get(&(m.event.source.as_str(), m.event.event_id.as_str()))
                .copied();
            ShipmentMilestone {
                source: m.source.as_str().to_owned(),
                event_id: m.event.event_id.as_str().to_owned(),
                event_type: e
                    .map(|e| e.kind.event_type().as_str().to_owned())
                    .unwrap_or_default(),
                code: m.code.clone(),
                label: m.label.clone(),
                classifier: m.classifier.as_str().to_owned(),
                time: rfc3339(&m.time),
                updated_time: utc_text(&m.updated_time),
                port: m.port,
                location_name: m.location_name.clone(),
                equipment: e.and_then(container_of).map(str::to_owned),
                superseded: m.superseded,
                delay_reason: e
                    .and_then(|e| e.delay_reason.as_ref().map(|d| d.as_str().to_owned())),
                remark: e.and_then(|e| e.change_remark.clone()),
                flags: e.map(flag_names).unwrap_or_default(),
                temperature: e.and_then(|e| reefer(e, |r| r.probes.first().or(r.ambient.as_ref()))),
                setpoint: e.and_then(|e| reefer(e, |r| r.setpoint.as_ref())),
            }
        })
        .collect();
    milestones.sort_by(|a, b| {
        DateTime::parse_from_rfc3339(&a.time)
            .ok()
            .cmp(&DateTime::parse_from_rfc3339(&b.time).ok())
            .then_with(|| a.event_id.cmp(&b.event_id))
    });
    let seq = rows.iter().map(|r| r.seq).max().unwrap_or(0);
    Some(ShipmentDocument {
        reference: reference.to_owned(),
        status: status.to_owned(),
        seq,
        last_updated: picture.last_updated.as_ref().map(utc_text),
        port_calls: picture
            .port_calls
            .iter()
            .map(|c| ShipmentPort {
                unlocode: c.unlocode.as_ref().map(|u| u.as_str().to_owned()),
                code_as_sent: c.code_as_sent.clone(),
                name: c.name.clone(),
                lat: c.position.map(|p| p.lat),
                lon: c.position.map(|p| p.lon),
                role: snake(&c.role),
                inland: c.inland,
                status: snake(&c.status),
                arrival: times(&c.arrival),
                departure: times(&c.departure),
            })
            .collect(),
        current_leg: picture.current_leg.as_ref().map(|l| [l.from, l.to]),
        position: picture.position.as_ref().map(|p| ShipmentPosition {
            lat: p.point.lat,
            lon: p.point.lon,
            basis: match p.basis {
                PositionBasis::LastActualEvent { .. } => "last_actual_event",
                PositionBasis::Interpolated { .. } => "interpolated",
            }
            .to_owned(),
        }),
        eta: picture.next_eta.as_ref().map(|e| ShipmentEta {
            port: e.port,
            time: rfc3339(&e.time),
            classifier: e.classifier.as_str().to_owned(),
            first_estimate: e.first_estimate.as_ref().map(rfc3339),
            change_minutes: e.change_minutes,
        }),
        delay_flags: picture.delay_flags.iter().map(delay).collect(),
        route,
        events: milestones,
    })
}

/// The legs between consecutive port calls along the sea lanes (a straight segment only when
/// a port is not on the marine network), and the current position.
fn route_geojson(
    picture: &ShipmentPicture,
    master: &LocationMaster,
    router: Option<&SeaRouter>,
) -> serde_json::Value {
    let mut features = Vec::new();
    for (i, pair) in picture.port_calls.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let by_sea = !a.inland && !b.inland;
        let lane = match (router, a.unlocode.as_ref(), b.unlocode.as_ref()) {
            (Some(r), Some(from), Some(to)) if by_sea => r
                .route_ports(from, to, master, &RouteOptions::default())
                .ok()
                .map(|route| {
                    route
                        .points
                        .iter()
                        .map(|p| [p.lon, p.lat])
                        .collect::<Vec<_>>()
                }),
            _ => None,
        };
        let points = lane.or_else(|| match (a.position, b.position) {
            (Some(p), Some(q)) => Some(vec![[p.lon, p.lat], [q.lon, q.lat]]),
            _ => None,
        });
        let Some(points) = points else { continue };
        let state = if b.status != CallStatus::Expected {
            "actual"
        } else {
            "planned"
        };
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": points},
            "properties": {
                "from": i,
                "to": i + 1,
                "state": state,
                "mode": if by_sea { "sea" } else { "land" },
            },
        }));
    }
    if let Some(p) = &picture.position {
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.point.lon, p.point.lat]},
            "properties": {"kind": "position"},
        }));
    }
    serde_json::json!({"type": "FeatureCollection", "features": features})
}

/// The shipment under `reference`, as stored now.
pub async fn shipment<C: ConnectionTrait>(
    db: &C,
    reference: &str,
    master: &LocationMaster,
    now: DateTime<Utc>,
) -> DomainResult<Option<ShipmentDocument>> {
    Ok(shipment_covering(db, reference, master, now).await?.0)
}

/// The shipment under `reference`, and the references whose changes can change it
/// ([`Loaded::covers`]).
pub async fn shipment_covering<C: ConnectionTrait>(
    db: &C,
    reference: &str,
    master: &LocationMaster,
    now: DateTime<Utc>,
) -> DomainResult<(Option<ShipmentDocument>, BTreeSet<String>)> {
    let loaded = load(db, reference).await?;
    let router = SeaRouter::embedded().ok();
    let document = build(reference, &loaded.rows, master, router, now);
    Ok((document, loaded.covers))
}
