//! Shipments and orders: which orders an event is about (by booking, B/L, container, order
//! or PO number), and how far an actual event moves such an order — pure rules first, then
//! the step-by-step moves through `trade::store::transition_order`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::entities::{order, order_reference};
use crate::logistics::codes::{
    EquipmentEventType, EventClassifier, MovementType, ShipmentEventType, TransportEventType,
};
use crate::logistics::{Event, EventKind, LocationMaster};
use crate::trade::order::OrderStatus;
use crate::trade::store::{self, Caller};
use crate::trade::{Party, Source};
use crate::{DomainError, DomainResult};

/// The references an event names, with their kind: its documents (`BKG`, `TRD` …), the
/// parties' shipment references (`PO`, `FF` …) and its container (`EQ`). An order is found
/// by these.
pub fn event_references(e: &Event) -> Vec<(String, String)> {
    let mut refs: Vec<(String, String)> = e
        .documents
        .iter()
        .map(|d| (d.reference.as_str().to_owned(), d.kind.as_str().to_owned()))
        .chain(
            e.references
                .iter()
                .map(|r| (r.reference.as_str().to_owned(), r.kind.as_str().to_owned())),
        )
        .collect();
    if let Some(eq) = e.kind.equipment() {
        refs.push((eq.reference.as_str().to_owned(), "EQ".to_owned()));
    }
    refs.sort();
    refs.dedup_by(|a, b| a.0 == b.0);
    refs
}

/// The index kind of a vessel event that names no document, under its voyage
/// ([`crate::logistics::TransportCall::voyage_key`]): it joins the shipments on that voyage.
pub const VOYAGE_EVENT_KIND: &str = "VOY";
/// The index kind of a shipment's event under the voyage it travels on: how a vessel event
/// naming no document finds the shipments (and orders) it is about.
pub const ON_VOYAGE_KIND: &str = "VOYREF";

/// Whether an event is a vessel event naming no document or party reference.
pub fn is_bare_vessel_event(e: &Event) -> bool {
    e.documents.is_empty()
        && e.references.is_empty()
        && matches!(e.kind, EventKind::Transport { .. })
}

/// What an event is indexed under: [`event_references`], and its voyage — as
/// [`VOYAGE_EVENT_KIND`] for a vessel event naming nothing else, as [`ON_VOYAGE_KIND`] for an
/// event of a shipment.
pub fn stored_references(e: &Event) -> Vec<(String, String)> {
    let mut refs = event_references(e);
    if let Some(key) = e.transport_call.as_ref().and_then(|t| t.voyage_key()) {
        if is_bare_vessel_event(e) {
            refs.push((key, VOYAGE_EVENT_KIND.to_owned()));
        } else if !refs.is_empty() {
            refs.push((key, ON_VOYAGE_KIND.to_owned()));
        }
    }
    refs
}

/// Per voyage: the references of the shipments on it (what their events travelling on it
/// name — booking, B/L, container, PO …).
pub async fn shipments_on_voyages<C: ConnectionTrait>(
    db: &C,
    voyages: &BTreeSet<String>,
) -> DomainResult<std::collections::BTreeMap<String, BTreeSet<String>>> {
    use crate::entities::shipment_event_ref;
    let mut out: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    if voyages.is_empty() {
        return Ok(out);
    }
    let on: Vec<shipment_event_ref::Model> = shipment_event_ref::Entity::find()
        .filter(shipment_event_ref::Column::Kind.eq(ON_VOYAGE_KIND))
        .filter(shipment_event_ref::Column::Reference.is_in(voyages.iter().cloned()))
        .all(db)
        .await?;
    let mut voyage_of: std::collections::HashMap<uuid::Uuid, Vec<String>> = Default::default();
    for r in on {
        voyage_of
            .entry(r.shipment_event_id)
            .or_default()
            .push(r.reference);
    }
    let ids: Vec<uuid::Uuid> = voyage_of.keys().copied().collect();
    for chunk in ids.chunks(500) {
        let named = shipment_event_ref::Entity::find()
            .filter(shipment_event_ref::Column::ShipmentEventId.is_in(chunk.iter().copied()))
            .filter(shipment_event_ref::Column::Kind.is_not_in([VOYAGE_EVENT_KIND, ON_VOYAGE_KIND]))
            .all(db)
            .await?;
        for r in named {
            for v in voyage_of.get(&r.shipment_event_id).into_iter().flatten() {
                out.entry(v.clone())
                    .or_default()
                    .insert(r.reference.clone());
            }
        }
    }
    Ok(out)
}

fn same_port(master: &LocationMaster, event: &Event, port: Option<&str>) -> bool {
    let (Some(at), Some(port)) = (event.unlocode(), port) else {
        return false;
    };
    master
        .resolve(port)
        .unlocode
        .is_some_and(|p| p.as_str() == at.as_str())
}

/// The status an actual event says an order has reached (DESIGN §6 and §5): customs release
/// for export, or the container loaded at the port of loading → `export_cleared`; the vessel
/// departing the port of loading → `departed`; the vessel arriving (or the container
/// discharged) at the port of discharge → `arrived`. Planned and estimated events move
/// nothing.
pub fn status_reached(
    event: &Event,
    port_of_loading: Option<&str>,
    port_of_discharge: Option<&str>,
    master: &LocationMaster,
) -> Option<OrderStatus> {
    if event.classifier != EventClassifier::ACT {
        return None;
    }
    let at_loading = same_port(master, event, port_of_loading);
    let at_discharge = same_port(master, event, port_of_discharge);
    match &event.kind {
        EventKind::Equipment {
            code: EquipmentEventType::CUSR,
            equipment,
        } => {
            let export = equipment
                .as_ref()
                .is_some_and(|e| e.movement == Some(MovementType::EXPORT));
            (at_loading || export).then_some(OrderStatus::ExportCleared)
        }
        EventKind::Equipment {
            code: EquipmentEventType::LOAD,
            ..
        } if at_loading => Some(OrderStatus::ExportCleared),
        EventKind::Equipment {
            code: EquipmentEventType::DISC,
            ..
        } if at_discharge => Some(OrderStatus::Arrived),
        EventKind::Transport {
            code: TransportEventType::DEPA,
        } if at_loading => Some(OrderStatus::Departed),
        EventKind::Transport {
            code: TransportEventType::ARRI,
        } if at_discharge => Some(OrderStatus::Arrived),
        EventKind::Shipment {
            code: ShipmentEventType::RELS,
            document_type: Some(d),
            ..
        } if d.is_customs_clearance() => Some(OrderStatus::ExportCleared),
        _ => None,
    }
}

/// What an order is known by to the feeds: its number, its purchase-order number and the
/// shipment references staff keep on it.
pub fn references_of(order: &order::Model) -> BTreeSet<String> {
    let mut refs: BTreeSet<String> =
        serde_json::from_value::<Vec<String>>(order.shipment_references.clone())
            .unwrap_or_default()
            .into_iter()
            .collect();
    refs.insert(order.number.clone());
    if let Some(po) = order.po_number.as_deref().filter(|p| !p.trim().is_empty()) {
        refs.insert(po.trim().to_owned());
    }
    refs
}

/// The orders that name any of `references`: as a shipment reference kept on the order, or
/// as its order or purchase-order number.
pub async fn orders_naming<C: ConnectionTrait>(
    db: &C,
    references: &BTreeSet<String>,
) -> DomainResult<Vec<order::Model>> {
    if references.is_empty() {
        return Ok(Vec::new());
    }
    let refs: Vec<String> = references.iter().cloned().collect();
    let mut ids: BTreeSet<uuid::Uuid> = BTreeSet::new();
    for chunk in refs.chunks(500) {
        ids.extend(
            order_reference::Entity::find()
                .filter(order_reference::Column::Reference.is_in(chunk.iter().cloned()))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.order_id),
        );
    }
    let mut orders = Vec::new();
    for chunk in refs.chunks(500) {
        orders.extend(
            order::Entity::find()
                .filter(
                    Condition::any()
                        .add(order::Column::Number.is_in(chunk.iter().cloned()))
                        .add(order::Column::PoNumber.is_in(chunk.iter().cloned())),
                )
                .all(db)
                .await?,
        );
    }
    let known: BTreeSet<uuid::Uuid> = orders.iter().map(|o| o.id).collect();
    let missing: Vec<uuid::Uuid> = ids.difference(&known).copied().collect();
    for chunk in missing.chunks(500) {
        orders.extend(
            order::Entity::find()
                .filter(order::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    orders.sort_by(|a, b| a.number.cmp(&b.number));
    orders.dedup_by_key(|o| o.id);
    Ok(orders)
}

/// One order a delivery moved (or tried to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderMove {
    pub number: String,
    pub from: OrderStatus,
    /// Where it stands now (`from` when nothing could move).
    pub to: OrderStatus,
    /// Why it stopped short of what the event said (missing export data, cancelled, …).
    pub stopped: Option<String>,
}

/// Moves `order` forward, one lifecycle step at a time, until it has reached `target`; each
/// step is a transition by the feed (recorded, with its outbox event; reaching
/// `export_cleared` queues the certificate of origin). Never moves backwards; a cancelled or
/// delivered order stays as it is.
pub async fn advance_order<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    order: &order::Model,
    target: OrderStatus,
    source_name: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<OrderMove>> {
    let from = OrderStatus::parse(&order.status).unwrap_or(OrderStatus::Confirmed);
    if from.is_closed() || from.position() >= target.position() {
        return Ok(None);
    }
    let caller = Caller {
        user_id: None,
        name: format!("feed {source_name}"),
        party: Party::System,
        company_id: None,
        source: Source::Feed,
    };
    let mut now_at = from;
    let mut stopped = None;
    while now_at.position() < target.position() {
        let Some(next) = now_at.following() else {
            break;
        };
        match store::transition_order(txn, &caller, &order.number, next, None, now).await {
            Ok(s) => now_at = s,
            Err(e @ (DomainError::Invalid { .. } | DomainError::Conflict(_))) => {
                stopped = Some(e.to_string());
                break;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Some(OrderMove {
        number: order.number.clone(),
        from,
        to: now_at,
        stopped,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logistics::adapters::dcsa3;
    use crate::logistics::{FeedItem, SourceId};

    fn event(json: &str) -> Event {
        let source = SourceId::parse("test").expect("source");
        let items =
            dcsa3::parse(json.as_bytes(), &source, LocationMaster::embedded()).expect("parses");
        match items.into_iter().next() {
            Some(FeedItem::Event(e)) => *e,
            other => panic!("not an event: {other:?}"),
        }
    }

    fn body(classification: &str, location: &str, extra: &str) -> String {
        format!(
            r#"{{"events":[{{"eventID":"e1","eventDateTime":"2026-03-12T07:42:00+07:00",
            "eventUpdatedDateTime":"2026-03-12T00:50:13Z",
            "eventClassification":{classification},
            "eventLocation":{{"UNLocationCode":"{location}"}}{extra}}}]}}"#
        )
    }

    const MASTER: fn() -> &'static LocationMaster = LocationMaster::embedded;

    #[test]
    fn loading_at_the_port_of_loading_clears_for_export() {
        let e = event(&body(
            r#"{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"LOAD"}"#,
            "VNCMT",
            r#","equipmentDetails":{"equipmentReference":"ABCU1234560"}"#,
        ));
        assert_eq!(
            status_reached(&e, Some("VNCMT"), Some("MYPKG"), MASTER()),
            Some(OrderStatus::ExportCleared)
        );
        // Loaded somewhere else (a transshipment port): nothing.
        assert_eq!(
            status_reached(&e, Some("CNYSA"), Some("MYPKG"), MASTER()),
            None
        );
    }

    #[test]
    fn departure_and_arrival_move_at_their_ports_only() {
        let depa = event(&body(
            r#"{"eventTypeCode":"TRANSPORT","eventClassifierCode":"ACT","transportEventTypeCode":"DEPA"}"#,
            "VNCMT",
            "",
        ));
        assert_eq!(
            status_reached(&depa, Some("VNCMT"), Some("MYPKG"), MASTER()),
            Some(OrderStatus::Departed)
        );
        assert_eq!(
            status_reached(&depa, Some("CNYSA"), Some("VNCMT"), MASTER()),
            None
        );
        let arri = event(&body(
            r#"{"eventTypeCode":"TRANSPORT","eventClassifierCode":"ACT","transportEventTypeCode":"ARRI"}"#,
            "MYPKG",
            "",
        ));
        assert_eq!(
            status_reached(&arri, Some("VNCMT"), Some("MYPKG"), MASTER()),
            Some(OrderStatus::Arrived)
        );
    }

    #[test]
    fn estimates_move_nothing() {
        let e = event(&body(
            r#"{"eventTypeCode":"TRANSPORT","eventClassifierCode":"EST","transportEventTypeCode":"ARRI"}"#,
            "MYPKG",
            "",
        ));
        assert_eq!(
            status_reached(&e, Some("VNCMT"), Some("MYPKG"), MASTER()),
            None
        );
    }

    #[test]
    fn an_export_customs_release_clears_anywhere() {
        let e = event(&body(
            r#"{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"CUSR"}"#,
            "VNSGN",
            r#","equipmentDetails":{"equipmentReference":"ABCU1234560","movementType":"EXPORT"}"#,
        ));
        assert_eq!(
            status_reached(&e, Some("VNCMT"), Some("MYPKG"), MASTER()),
            Some(OrderStatus::ExportCleared)
        );
    }

    #[test]
    fn references_are_documents_and_the_container() {
        let e = event(&body(
            r#"{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"LOAD"}"#,
            "VNCMT",
            r#","equipmentDetails":{"equipmentReference":"ABCU1234560"},
            "shipmentDetails":{"documentReference":{"typeCode":"BKG","reference":"BK7781234"}}"#,
        ));
        let refs: Vec<String> = event_references(&e).into_iter().map(|r| r.0).collect();
        assert_eq!(refs, ["ABCU1234560", "BK7781234"]);
    }
}
