//! One delivery from a feed, in one transaction: the upsert rules over what is stored, the
//! changed entries and their references written, the linked orders moved, the delivery
//! recorded and the source's counters updated. A refused delivery (bad signature, bad body)
//! is recorded on its own, with nothing else written.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::links::{self, OrderMove};
use super::sources::FeedSource;
use crate::DomainResult;
use crate::entities::{feed_delivery, feed_source, shipment_event, shipment_event_ref};
use crate::logistics::adapters::{Delivery, ItemProblem};
use crate::logistics::upsert::Entry;
use crate::logistics::{EventKey, EventStore, LocationMaster, UpsertOutcome};
use crate::trade::numbers;

/// The counter the change sequence is drawn from.
pub const SEQ_SERIES: &str = "shipment-events";
/// The PostgreSQL channel a committed change is announced on (to the other replicas): the
/// payload is `{"references": […], "seq": n}`, split so each stays under PostgreSQL's limit.
pub const PG_CHANNEL: &str = "portfront_shipments";
/// PostgreSQL refuses payloads of 8000 bytes and more.
const PG_PAYLOAD_MAX: usize = 7000;

/// What a delivery did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    pub delivery_id: String,
    /// Usable events and retractions in the body.
    pub events: usize,
    pub inserted: usize,
    pub updated: usize,
    pub duplicates: usize,
    pub stale: usize,
    pub retracted: usize,
    /// Stored events carrying a flag (unknown location, no document reference, …).
    pub flagged: usize,
    /// Events left out, with their problems.
    pub unusable: Vec<ItemProblem>,
    /// Orders this delivery moved (or tried to).
    pub orders: Vec<OrderMove>,
    /// The references whose shipment changed (for live views).
    pub references: BTreeSet<String>,
    /// The largest change sequence written (0 when nothing changed).
    pub last_seq: i64,
}

impl IngestReport {
    /// `accepted`, or `partial` when events were left out.
    pub fn outcome(&self) -> &'static str {
        if self.unusable.is_empty() {
            "accepted"
        } else {
            "partial"
        }
    }

    /// Whether anything stored changed.
    pub fn changed(&self) -> bool {
        self.last_seq > 0
    }
}

fn sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn entry_refs(entry: &Entry) -> Vec<(String, String)> {
    entry
        .event()
        .map(links::stored_references)
        .unwrap_or_default()
}

/// Stores one delivery's items for `source` (see the module docs). `status` is what the
/// webhook answers on success (recorded with the delivery).
pub async fn ingest<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    source: &FeedSource,
    delivery: Delivery,
    body: &[u8],
    status: u16,
    master: &LocationMaster,
    now: DateTime<Utc>,
) -> DomainResult<IngestReport> {
    let source_id = source.source_id()?;
    let mut report = IngestReport {
        delivery_id: uuid::Uuid::now_v7().to_string(),
        events: delivery.items.len(),
        unusable: delivery.unusable,
        ..IngestReport::default()
    };
    let delivery_id =
        uuid::Uuid::parse_str(&report.delivery_id).unwrap_or_else(|_| uuid::Uuid::now_v7());
    let txn = db.begin().await?;
    // A write first: it takes SQLite's write lock before anything is read, and reserves the
    // change sequence numbers this delivery may use.
    let n = std::cmp::max(i64::try_from(delivery.items.len()).unwrap_or(i64::MAX), 1);
    let last = numbers::advance(&txn, SEQ_SERIES, n).await?;
    let mut next_seq = last - n + 1;

    // What is stored under the delivery's keys.
    let ids: Vec<String> = {
        let mut ids: Vec<String> = delivery
            .items
            .iter()
            .map(|i| i.key().event_id.as_str().to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let mut stored: BTreeMap<String, shipment_event::Model> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for row in shipment_event::Entity::find()
            .filter(shipment_event::Column::Source.eq(source_id.as_str()))
            .filter(shipment_event::Column::EventId.is_in(chunk.iter().cloned()))
            .all(&txn)
            .await?
        {
            stored.insert(row.event_id.clone(), row);
        }
    }
    let mut store = EventStore::from_entries(stored.values().filter_map(|row| {
        let entry: Entry = serde_json::from_value(row.entry.clone()).ok()?;
        Some((
            EventKey {
                source: source_id.clone(),
                event_id: crate::logistics::event::EventId::parse(&row.event_id).ok()?,
            },
            entry,
        ))
    }));

    let mut changed: BTreeSet<EventKey> = BTreeSet::new();
    for item in delivery.items {
        let key = item.key();
        let outcome = store.apply(item);
        match outcome {
            UpsertOutcome::Inserted => report.inserted += 1,
            UpsertOutcome::Updated => report.updated += 1,
            UpsertOutcome::Retracted => report.retracted += 1,
            UpsertOutcome::History => report.updated += 1,
            UpsertOutcome::Duplicate => report.duplicates += 1,
            UpsertOutcome::Stale => report.stale += 1,
        }
        if outcome.changed() {
            changed.insert(key);
        }
    }

    let entries: BTreeMap<&EventKey, &Entry> = store.entries().collect();
    for key in &changed {
        let Some(entry) = entries.get(key) else {
            continue;
        };
        let seq = next_seq;
        next_seq += 1;
        report.last_seq = std::cmp::max(report.last_seq, seq);
        let json = serde_json::to_value(entry).map_err(|e| {
            crate::DomainError::Storage(format!("cannot store event {}: {e}", key.event_id))
        })?;
        let event = entry.event();
        if event.is_some_and(|e| !e.flags.is_empty()) {
            report.flagged += 1;
        }
        let new_refs = entry_refs(entry);
        let row_id = match stored.get(key.event_id.as_str()) {
            Some(row) => {
                // The references of the version replaced still hear of the change.
                if let Ok(old) = serde_json::from_value::<Entry>(row.entry.clone()) {
                    report
                        .references
                        .extend(entry_refs(&old).into_iter().map(|r| r.0));
                }
                shipment_event::Entity::update_many()
                    .col_expr(shipment_event::Column::Entry, Expr::value(json))
                    .col_expr(shipment_event::Column::Live, Expr::value(event.is_some()))
                    .col_expr(
                        shipment_event::Column::EventTime,
                        Expr::value(event.map(|e| e.event_time.with_timezone(&Utc))),
                    )
                    .col_expr(
                        shipment_event::Column::UpdatedTime,
                        Expr::value(entry.updated_time()),
                    )
                    .col_expr(shipment_event::Column::Seq, Expr::value(seq))
                    .col_expr(
                        shipment_event::Column::DeliveryId,
                        Expr::value(Some(delivery_id)),
                    )
                    .col_expr(shipment_event::Column::ReceivedAt, Expr::value(now))
                    .filter(shipment_event::Column::Id.eq(row.id))
                    .exec(&txn)
                    .await?;
                if event.is_some() {
                    shipment_event_ref::Entity::delete_many()
                        .filter(shipment_event_ref::Column::ShipmentEventId.eq(row.id))
                        .exec(&txn)
                        .await?;
                }
                row.id
            }
            None => {
                let id = uuid::Uuid::now_v7();
                shipment_event::ActiveModel {
                    id: Set(id),
                    source: Set(source_id.as_str().to_owned()),
                    event_id: Set(key.event_id.as_str().to_owned()),
                    entry: Set(json),
                    live: Set(event.is_some()),
                    event_time: Set(event.map(|e| e.event_time.with_timezone(&Utc))),
                    updated_time: Set(entry.updated_time()),
                    seq: Set(seq),
                    delivery_id: Set(Some(delivery_id)),
                    received_at: Set(now),
                }
                .insert(&txn)
                .await?;
                id
            }
        };
        // A tombstone keeps the references of the version it withdrew, so the shipment it
        // belonged to still finds (and drops) it.
        if event.is_some() && !new_refs.is_empty() {
            shipment_event_ref::Entity::insert_many(new_refs.iter().map(|(reference, kind)| {
                shipment_event_ref::ActiveModel {
                    shipment_event_id: Set(row_id),
                    reference: Set(reference.clone()),
                    kind: Set(kind.clone()),
                }
            }))
            .exec(&txn)
            .await?;
        }
        report.references.extend(new_refs.into_iter().map(|r| r.0));
    }

    // Linked orders follow the feed where the source is trusted to move them.
    if source.moves_orders && !report.references.is_empty() {
        // A vessel event naming no document is about the shipments on its voyage.
        let bare_voyages: BTreeSet<String> = changed
            .iter()
            .filter_map(|k| entries.get(k).and_then(|e| e.event()))
            .filter(|e| links::is_bare_vessel_event(e))
            .filter_map(|e| e.transport_call.as_ref().and_then(|t| t.voyage_key()))
            .collect();
        let on_voyage = links::shipments_on_voyages(&txn, &bare_voyages).await?;
        let mut lookup = report.references.clone();
        lookup.extend(on_voyage.values().flatten().cloned());
        let orders = links::orders_naming(&txn, &lookup).await?;
        for order in orders {
            let pol = order.port_of_loading.as_deref();
            let pod = Some(
                order
                    .port_of_discharge
                    .as_deref()
                    .unwrap_or(order.ship_to_port.as_str()),
            );
            let order_refs: BTreeSet<String> = links::references_of(&order);
            let voyages: BTreeSet<&String> = on_voyage
                .iter()
                .filter(|(_, refs)| !refs.is_disjoint(&order_refs))
                .map(|(v, _)| v)
                .collect();
            let target = changed
                .iter()
                .filter_map(|k| entries.get(k).and_then(|e| e.event()))
                .filter(|e| {
                    links::event_references(e)
                        .iter()
                        .any(|(r, _)| order_refs.contains(r))
                        || (links::is_bare_vessel_event(e)
                            && e.transport_call
                                .as_ref()
                                .and_then(|t| t.voyage_key())
                                .is_some_and(|k| voyages.contains(&k)))
                })
                .filter_map(|e| links::status_reached(e, pol, pod, master))
                .max_by_key(|s| s.position());
            if let Some(target) = target
                && let Some(m) =
                    links::advance_order(&txn, &order, target, &source.name, now).await?
            {
                report.orders.push(m);
            }
        }
    }

    let detail = (!report.unusable.is_empty()).then(|| {
        report
            .unusable
            .iter()
            .take(5)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    });
    feed_delivery::ActiveModel {
        id: Set(delivery_id),
        source_id: Set(source.id),
        received_at: Set(now),
        outcome: Set(report.outcome().to_owned()),
        status: Set(i32::from(status)),
        detail: Set(detail),
        body_bytes: Set(i64::try_from(body.len()).unwrap_or(i64::MAX)),
        body_sha256: Set(sha256_hex(body)),
        events: Set(count(report.events)),
        inserted: Set(count(report.inserted)),
        updated: Set(count(report.updated)),
        duplicates: Set(count(report.duplicates)),
        stale: Set(count(report.stale)),
        retracted: Set(count(report.retracted)),
        flagged: Set(count(report.flagged)),
        unusable: Set(count(report.unusable.len())),
        problems: Set((!report.unusable.is_empty())
            .then(|| serde_json::to_value(&report.unusable).unwrap_or_default())),
        orders_moved: Set(count(
            report.orders.iter().filter(|m| m.to != m.from).count(),
        )),
    }
    .insert(&txn)
    .await?;
    let stored_events =
        i64::try_from(report.inserted + report.updated + report.retracted).unwrap_or(i64::MAX);
    let mut update = feed_source::Entity::update_many()
        .col_expr(
            feed_source::Column::AcceptedCount,
            Expr::col(feed_source::Column::AcceptedCount).add(1),
        )
        .col_expr(
            feed_source::Column::EventCount,
            Expr::col(feed_source::Column::EventCount).add(stored_events),
        )
        .col_expr(
            feed_source::Column::FlaggedCount,
            Expr::col(feed_source::Column::FlaggedCount)
                .add(i64::try_from(report.flagged).unwrap_or(i64::MAX)),
        )
        .col_expr(feed_source::Column::LastDeliveryAt, Expr::value(Some(now)));
    if report.changed() {
        update = update.col_expr(feed_source::Column::LastEventAt, Expr::value(Some(now)));
    }
    update
        .filter(feed_source::Column::Id.eq(source.id))
        .exec(&txn)
        .await?;
    if report.changed() && txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        announce(&txn, &report.references, report.last_seq).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// `NOTIFY` in the transaction: PostgreSQL delivers it to the listeners when it commits, and
/// never if it rolls back.
async fn announce<C: ConnectionTrait>(
    txn: &C,
    references: &BTreeSet<String>,
    seq: i64,
) -> DomainResult<()> {
    let mut batch: Vec<&String> = Vec::new();
    let mut size = 0;
    let send = |batch: Vec<&String>| {
        let payload = serde_json::json!({ "references": batch, "seq": seq }).to_string();
        sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [PG_CHANNEL.into(), payload.into()],
        )
    };
    for r in references {
        if size + r.len() + 4 > PG_PAYLOAD_MAX && !batch.is_empty() {
            txn.execute_raw(send(std::mem::take(&mut batch))).await?;
            size = 0;
        }
        size += r.len() + 4;
        batch.push(r);
    }
    if !batch.is_empty() {
        txn.execute_raw(send(batch)).await?;
    }
    Ok(())
}

/// Records a delivery that was refused as a whole (`status` 400, 401, 413, 429), so the admin
/// panel shows it with its reason; nothing else is written.
pub async fn record_rejection<C: ConnectionTrait>(
    db: &C,
    source: &FeedSource,
    status: u16,
    detail: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> DomainResult<()> {
    feed_delivery::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        source_id: Set(source.id),
        received_at: Set(now),
        outcome: Set("rejected".to_owned()),
        status: Set(i32::from(status)),
        detail: Set(Some(detail.chars().take(2000).collect())),
        body_bytes: Set(i64::try_from(body.len()).unwrap_or(i64::MAX)),
        body_sha256: Set(sha256_hex(body)),
        events: Set(0),
        inserted: Set(0),
        updated: Set(0),
        duplicates: Set(0),
        stale: Set(0),
        retracted: Set(0),
        flagged: Set(0),
        unusable: Set(0),
        problems: Set(None),
        orders_moved: Set(0),
    }
    .insert(db)
    .await?;
    feed_source::Entity::update_many()
        .col_expr(
            feed_source::Column::RejectedCount,
            Expr::col(feed_source::Column::RejectedCount).add(1),
        )
        .col_expr(feed_source::Column::LastDeliveryAt, Expr::value(Some(now)))
        .filter(feed_source::Column::Id.eq(source.id))
        .exec(db)
        .await?;
    Ok(())
}
