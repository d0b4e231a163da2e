//! Feeds stored on both engines: a delivery through the upsert rules in one transaction, a
//! duplicate that changes nothing, a retraction that removes the event from the shipment, an
//! event that cannot be used beside ones that can, the linked order moved to `export_cleared`
//! by the container loaded at its port of loading (the certificate of origin queued with it),
//! and the shipment view with its port calls and sea lanes.

use crate::common;

use chrono::Utc;
use domain::auth::audit::Actor;
use domain::entities::{eco_job, feed_delivery, feed_source, order, shipment_event};
use domain::logistics::adapters::dcsa3;
use domain::logistics::{LocationMaster, SourceId};
use domain::shipments::sources::{self, NewFeed};
use domain::shipments::{FeedKeys, FeedSource, ingest, view};
use domain::trade::forms::ExportDataForm;
use domain::trade::order::OrderStatus;
use domain::trade::store::{self, Caller};
use domain::trade::{Party, Source};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

const DCSA3_LOAD: &str = include_str!("../data/logistics/dcsa3-equipment-load-at-caimep.json");

fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "test@portfront".into(),
        party: Party::Staff,
        company_id: None,
        source: Source::Ui,
    }
}

fn keys() -> FeedKeys {
    FeedKeys::from_bytes([7; 32])
}

/// A `ready_to_ship` order loading at Cai Mep for Port Klang, known by the sample's booking.
async fn order_at_cai_mep(db: &DatabaseConnection) -> String {
    let now = Utc::now();
    domain::catalog::demo::seed(db).await.expect("test setup");
    domain::trade::demo::seed(db, now)
        .await
        .expect("test setup");
    let number = domain::issuance::demo::ready_copies(db, 1, "SHP", now)
        .await
        .expect("test setup")
        .remove(0);
    store::save_export_data(
        db,
        &staff(),
        &number,
        &ExportDataForm {
            invoice_number: "INV-SHP-1".into(),
            invoice_date: now.date_naive().to_string(),
            port_of_loading: "VNCMT".into(),
            shipment_references: "BK7781234\nMSKU1234565".into(),
            departure_date: now.date_naive().to_string(),
            vessel: "EXAMPLE TRADER".into(),
            voyage: "512S".into(),
            port_of_discharge: "MYPKG".into(),
            transport_mode: "sea".into(),
            lines: Vec::new(),
        },
        now,
    )
    .await
    .expect("test setup");
    number
}

async fn feed(db: &DatabaseConnection) -> FeedSource {
    sources::create(
        db,
        &keys(),
        &NewFeed {
            name: "crx-vietnam",
            kind: "dcsa3",
            profile: "",
            moves_orders: true,
            poll: None,
        },
        &Actor::Cli,
        Utc::now(),
    )
    .await
    .expect("test setup")
    .source
}

fn parsed(body: &str) -> domain::logistics::adapters::Delivery {
    dcsa3::parse_each(
        body.as_bytes(),
        &SourceId::parse("crx-vietnam").expect("test setup"),
        LocationMaster::embedded(),
    )
    .expect("the body reads")
}

/// Stores a DCSA 3.0 body as the webhook would.
async fn deliver(
    db: &DatabaseConnection,
    source: &FeedSource,
    body: &str,
) -> domain::shipments::IngestReport {
    ingest(
        db,
        source,
        parsed(body),
        body.as_bytes(),
        200,
        LocationMaster::embedded(),
        Utc::now(),
    )
    .await
    .expect("stored")
}

async fn status_of(db: &DatabaseConnection, number: &str) -> String {
    order::Entity::find()
        .filter(order::Column::Number.eq(number))
        .one(db)
        .await
        .expect("query")
        .expect("order")
        .status
}

#[tokio::test]
async fn a_delivery_is_stored_once_and_moves_its_order() {
    for t in common::databases().await {
        let db = &t.db;
        let number = order_at_cai_mep(db).await;
        let source = feed(db).await;
        let master = LocationMaster::embedded();

        let report = ingest(
            db,
            &source,
            parsed(DCSA3_LOAD),
            DCSA3_LOAD.as_bytes(),
            200,
            master,
            Utc::now(),
        )
        .await
        .expect("stored");
        assert_eq!((report.inserted, report.duplicates), (1, 0), "{}", t.engine);
        assert!(report.references.contains("BK7781234"), "{}", t.engine);
        assert_eq!(report.orders.len(), 1, "{}: {:?}", t.engine, report.orders);
        assert_eq!(
            report.orders[0].to,
            OrderStatus::ExportCleared,
            "{}: {:?}",
            t.engine,
            report.orders
        );
        assert_eq!(
            status_of(db, &number).await,
            "export_cleared",
            "{}",
            t.engine
        );
        let o = order::Entity::find()
            .filter(order::Column::Number.eq(&number))
            .one(db)
            .await
            .expect("query")
            .expect("order");
        let jobs = eco_job::Entity::find()
            .filter(eco_job::Column::OrderId.eq(o.id))
            .count(db)
            .await
            .expect("query");
        assert_eq!(
            jobs, 1,
            "{}: the export status queues the certificate",
            t.engine
        );

        // The same body again: a success that changes nothing.
        let again = ingest(
            db,
            &source,
            parsed(DCSA3_LOAD),
            DCSA3_LOAD.as_bytes(),
            200,
            master,
            Utc::now(),
        )
        .await
        .expect("stored");
        assert_eq!(
            (again.inserted, again.duplicates, again.last_seq),
            (0, 1, 0),
            "{}",
            t.engine
        );
        assert!(again.orders.is_empty(), "{}", t.engine);
        assert_eq!(
            shipment_event::Entity::find()
                .count(db)
                .await
                .expect("query"),
            1,
            "{}",
            t.engine
        );
        let counted = feed_source::Entity::find_by_id(source.id)
            .one(db)
            .await
            .expect("query")
            .expect("source");
        assert_eq!(
            (counted.accepted_count, counted.event_count),
            (2, 1),
            "{}",
            t.engine
        );
        assert_eq!(
            feed_delivery::Entity::find()
                .count(db)
                .await
                .expect("query"),
            2,
            "{}",
            t.engine
        );

        // The shipment: Cai Mep, with the container loaded there.
        let shown = view::shipment(db, "BK7781234", master, Utc::now())
            .await
            .expect("query")
            .expect("a shipment");
        assert_eq!(shown.events.len(), 1, "{}", t.engine);
        assert_eq!(shown.events[0].code, "LOAD", "{}", t.engine);
        assert_eq!(
            shown.port_calls[0].unlocode.as_deref(),
            Some("VNCMT"),
            "{}",
            t.engine
        );
        assert_ne!(shown.status, "planned", "{}", t.engine);
        // By container number too.
        assert!(
            view::shipment(db, "ABCU1234560", master, Utc::now())
                .await
                .expect("query")
                .is_some(),
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn a_retraction_removes_the_event_and_a_bad_event_spares_the_others() {
    for t in common::databases().await {
        let db = &t.db;
        order_at_cai_mep(db).await;
        let source = feed(db).await;
        let master = LocationMaster::embedded();
        ingest(
            db,
            &source,
            parsed(DCSA3_LOAD),
            DCSA3_LOAD.as_bytes(),
            200,
            master,
            Utc::now(),
        )
        .await
        .expect("stored");

        // One event withdrawn (DCSA 3.0: only its ID and isRetracted), one whose classifier is
        // not PLN, EST or ACT: the retraction is applied, the bad one reported.
        let body = r#"{"events":[
            {"eventID":"crx-LOAD-ABCU1234560-VNCMT-512S","isRetracted":true,
             "eventUpdatedDateTime":"2026-03-12T02:00:00Z"},
            {"eventID":"bad-1","eventDateTime":"2026-03-12T07:42:00+07:00",
             "eventUpdatedDateTime":"2026-03-12T00:50:13Z",
             "eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"GUESS","equipmentEventTypeCode":"LOAD"},
             "equipmentDetails":{"equipmentReference":"ABCU1234560"}}
        ]}"#;
        let delivery = parsed(body);
        assert_eq!(delivery.items.len(), 1, "{}", t.engine);
        assert_eq!(delivery.unusable.len(), 1, "{}", t.engine);
        assert!(
            delivery.unusable[0].path.starts_with("events[1]"),
            "{}: {:?}",
            t.engine,
            delivery.unusable
        );
        let report = ingest(
            db,
            &source,
            delivery,
            body.as_bytes(),
            200,
            master,
            Utc::now(),
        )
        .await
        .expect("stored");
        assert_eq!(report.retracted, 1, "{}", t.engine);
        assert_eq!(report.outcome(), "partial", "{}", t.engine);
        assert!(
            report.references.contains("BK7781234"),
            "{}: {:?}",
            t.engine,
            report.references
        );
        assert!(
            view::shipment(db, "BK7781234", master, Utc::now())
                .await
                .expect("query")
                .is_none(),
            "{}: the withdrawn event is gone from the shipment",
            t.engine
        );
        let row = shipment_event::Entity::find()
            .one(db)
            .await
            .expect("query")
            .expect("the tombstone stays");
        assert!(!row.live, "{}", t.engine);

        // A late copy of the withdrawn event does not bring it back.
        let late = ingest(
            db,
            &source,
            parsed(DCSA3_LOAD),
            DCSA3_LOAD.as_bytes(),
            200,
            master,
            Utc::now(),
        )
        .await
        .expect("stored");
        assert_eq!(late.stale + late.duplicates, 1, "{}: {late:?}", t.engine);
        assert!(
            view::shipment(db, "BK7781234", master, Utc::now())
                .await
                .expect("query")
                .is_none(),
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn a_rejected_delivery_is_recorded_with_nothing_else() {
    for t in common::databases().await {
        let db = &t.db;
        let source = feed(db).await;
        domain::shipments::record_rejection(
            db,
            &source,
            401,
            "the signature does not match the body",
            b"[]",
            Utc::now(),
        )
        .await
        .expect("recorded");
        let s = feed_source::Entity::find_by_id(source.id)
            .one(db)
            .await
            .expect("query")
            .expect("source");
        assert_eq!((s.accepted_count, s.rejected_count), (0, 1), "{}", t.engine);
        let d = feed_delivery::Entity::find()
            .one(db)
            .await
            .expect("query")
            .expect("delivery");
        assert_eq!(
            (d.outcome.as_str(), d.status),
            ("rejected", 401),
            "{}",
            t.engine
        );
        assert_eq!(
            shipment_event::Entity::find()
                .count(db)
                .await
                .expect("query"),
            0,
            "{}",
            t.engine
        );
        // The recent list shows it; a disabled source is not offered to the webhooks.
        assert_eq!(
            sources::recent_deliveries(db, source.id)
                .await
                .expect("query")
                .len(),
            1
        );
        sources::set_enabled(db, "crx-vietnam", false, &Actor::Cli, Utc::now())
            .await
            .expect("disabled");
        assert!(
            sources::for_webhook(db, "crx-vietnam", domain::shipments::FeedKind::Dcsa3)
                .await
                .expect("query")
                .is_none(),
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn a_vessel_event_without_a_document_moves_the_orders_on_its_voyage() {
    for t in common::databases().await {
        let db = &t.db;
        let number = order_at_cai_mep(db).await;
        let source = feed(db).await;
        let master = LocationMaster::embedded();
        deliver(db, &source, DCSA3_LOAD).await;
        assert_eq!(
            status_of(db, &number).await,
            "export_cleared",
            "{}",
            t.engine
        );
        // The terminal reports the vessel's departure: vessel and voyage, no booking.
        let depa = r#"{"events":[{"eventID":"cmt-depa-512S","eventDateTime":"2026-03-12T20:00:00+07:00",
            "eventUpdatedDateTime":"2026-03-12T13:05:00Z",
            "eventClassification":{"eventTypeCode":"TRANSPORT","eventClassifierCode":"ACT","transportEventTypeCode":"DEPA"},
            "eventLocation":{"UNLocationCode":"VNCMT"},
            "transportDetails":{"transportCall":{"modeOfTransport":"VESSEL",
              "exportVoyageNumberOrReference":{"carrierVoyageNumber":"512S"},
              "vesselTransport":{"vesselIMONumber":"9321483"}}}}]}"#;
        let report = deliver(db, &source, depa).await;
        assert!(
            report.references.contains("~voyage 9321483 512S"),
            "{}: {:?}",
            t.engine,
            report.references
        );
        assert_eq!(status_of(db, &number).await, "departed", "{}", t.engine);
        let (shown, covers) = view::shipment_covering(db, "BK7781234", master, Utc::now())
            .await
            .expect("reads");
        let shown = shown.expect("the shipment");
        assert!(
            shown.events.iter().any(|m| m.event_id == "cmt-depa-512S"),
            "{}: {:?}",
            t.engine,
            shown.events
        );
        assert!(covers.contains("~voyage 9321483 512S"), "{}", t.engine);
        assert!(covers.contains("ABCU1234560"), "{}", t.engine);
    }
}
