//! The demo buying flow seeds through the real services on both engines: every RFQ, quote and
//! order state is there, the KR orders are ready to ship with their export data, staff and
//! buyers read them through `trade::queries`, and a second start seeds nothing.

use crate::common;

use chrono::Utc;
use domain::entities::{order, rfq};
use domain::trade::demo::{self, DemoTrade};
use domain::trade::queries::{self, AssigneeFilter, RfqQuery};
use domain::trade::store::{self, Caller};
use domain::trade::{Party, Source};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "test".into(),
        party: Party::Staff,
        company_id: None,
        source: Source::Ui,
    }
}

#[tokio::test]
async fn the_demo_has_every_state_and_seeds_once() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        domain::catalog::demo::seed(db).await.expect("demo catalog");
        let seeded = demo::seed(db, now).await.expect("demo trade");
        assert_eq!(
            seeded,
            DemoTrade::Seeded {
                rfqs: 11,
                orders: 4
            },
            "{}",
            t.engine
        );
        assert_eq!(
            demo::seed(db, now).await.unwrap(),
            DemoTrade::Skipped,
            "{}",
            t.engine
        );

        let count = |status: &'static str| async move {
            rfq::Entity::find()
                .filter(rfq::Column::Status.eq(status))
                .count(db)
                .await
                .unwrap()
        };
        assert_eq!(count("submitted").await, 2, "{}", t.engine);
        assert_eq!(count("info_requested").await, 1, "{}", t.engine);
        assert_eq!(count("declined").await, 1, "{}", t.engine);
        assert_eq!(count("quoted").await, 7, "{}", t.engine);

        let ready = order::Entity::find()
            .filter(order::Column::Status.eq("ready_to_ship"))
            .all(db)
            .await
            .unwrap();
        assert_eq!(ready.len(), 2, "{}", t.engine);
        for o in &ready {
            let d = store::order_detail(db, &staff(), &o.number).await.unwrap();
            assert!(
                d.invoice_number.is_some() && !d.shipment_references.is_empty(),
                "{}: {d:?}",
                t.engine
            );
            assert!(d.port_of_loading.is_some(), "{}", t.engine);
            assert_eq!(
                d.next_missing,
                Vec::<String>::new(),
                "{}: ready for export clearance",
                t.engine
            );
        }

        // The inbox: RFQs waiting for staff first, oldest first; filters by country and age.
        let all = RfqQuery {
            page: 1,
            per_page: 50,
            ..Default::default()
        };
        let (rows, total) = queries::list_rfqs(db, &staff(), &all, now).await.unwrap();
        assert_eq!(total, 11, "{}", t.engine);
        assert!(
            rows.iter().any(|r| r.awaits_staff && r.country == "JP"),
            "{}",
            t.engine
        );
        let jp = RfqQuery {
            country: Some("JP".into()),
            ..all.clone()
        };
        let (rows, _) = queries::list_rfqs(db, &staff(), &jp, now).await.unwrap();
        assert_eq!(rows.len(), 2, "{}", t.engine);
        assert!(
            rows.iter().all(|r| r.company == "Osaka Kogyo Trading KK"),
            "{}",
            t.engine
        );
        let old = RfqQuery {
            min_age_days: Some(3),
            country: Some("JP".into()),
            ..all.clone()
        };
        assert_eq!(
            queries::list_rfqs(db, &staff(), &old, now)
                .await
                .unwrap()
                .0
                .len(),
            1,
            "{}",
            t.engine
        );
        let nobody = RfqQuery {
            assignee: AssigneeFilter::Nobody,
            ..all.clone()
        };
        assert_eq!(
            queries::list_rfqs(db, &staff(), &nobody, now)
                .await
                .unwrap()
                .1,
            11,
            "{}",
            t.engine
        );

        // The countered quote: staff see the counter and internal view; the version is 1.
        let (rows, _) = queries::list_rfqs(
            db,
            &staff(),
            &RfqQuery {
                country: Some("AU".into()),
                ..all.clone()
            },
            now,
        )
        .await
        .unwrap();
        let countered = rows
            .iter()
            .find(|r| r.quote_status.as_deref() == Some("countered"))
            .expect("AU countered quote");
        let detail = queries::rfq_detail(db, &staff(), &countered.number, now)
            .await
            .unwrap();
        let q = detail.quote.expect("quote");
        assert_eq!(q.counters.len(), 1, "{}", t.engine);
        assert!(
            q.internal_notes.is_some(),
            "{}: staff see internal notes",
            t.engine
        );
        assert!(
            rows.iter()
                .any(|r| r.quote_status.as_deref() == Some("expired")),
            "{}: {rows:?}",
            t.engine
        );
    }
}

#[test]
fn the_demo_ports_are_in_the_location_master() {
    for code in [
        "JPOSA", "JPUKB", "VNCMT", "VNSGN", "MYPKG", "AUBNE", "AUMEL", "THLCH", "THBKK", "KRPUS",
    ] {
        let found = queries::search_ports(code, 1);
        assert_eq!(found.first().map(|p| p.code.as_str()), Some(code));
    }
}
