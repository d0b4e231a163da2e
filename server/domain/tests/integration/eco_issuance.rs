//! Certificates of origin issued for orders, on both engines: the demo's certificates through
//! the real path (issued, revoked and replaced, one refused with its reason), exactly one
//! certificate under parallel export calls and two competing workers, a job whose worker
//! died taken up again after its lease, revocation on cancel, and verification of stored,
//! revoked and tampered credentials.

use crate::common;

use chrono::{Duration, Utc};
use domain::eco::keys::KeyRing;
use domain::eco::numbering::NumberPrefix;
use domain::eco::verify::Presented;
use domain::entities::{certificate, eco_job, order};
use domain::issuance::authority::NoAuthority;
use domain::issuance::{Issuer, demo, register, worker};
use domain::trade::forms::ExportDataForm;
use domain::trade::order::OrderStatus;
use domain::trade::store::{self, Caller};
use domain::trade::{Party, Source};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "test@portfront".into(),
        party: Party::Staff,
        company_id: None,
        source: Source::Ui,
    }
}

fn issuer() -> Issuer {
    Issuer::new(
        KeyRing::new(domain::eco::sample::demo_key()),
        "https://shop.example",
        NumberPrefix::parse("PF").expect("test setup"),
    )
    .expect("test setup")
}

async fn seeded(db: &sea_orm::DatabaseConnection) -> demo::DemoCertificates {
    let now = Utc::now();
    domain::catalog::demo::seed(db).await.expect("test setup");
    domain::trade::demo::seed(db, now)
        .await
        .expect("test setup");
    demo::seed(db, &issuer(), now).await.expect("test setup")
}

/// The demo's Thai order in production, made ready and exportable (its products are
/// complete).
async fn exportable_order(db: &sea_orm::DatabaseConnection) -> String {
    let o = order::Entity::find()
        .filter(order::Column::PoNumber.eq("BM-PO-3302"))
        .one(db)
        .await
        .expect("test setup")
        .expect("test setup");
    let now = Utc::now();
    store::save_export_data(
        db,
        &staff(),
        &o.number,
        &ExportDataForm {
            invoice_number: "HL-INV-2026-0400".into(),
            invoice_date: now.date_naive().to_string(),
            shipment_references: "MSKU1234565".into(),
            departure_date: (now + Duration::days(2)).date_naive().to_string(),
            vessel: "Wan Hai 316".into(),
            voyage: "S112".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .expect("test setup");
    store::transition_order(db, &staff(), &o.number, OrderStatus::ReadyToShip, None, now)
        .await
        .expect("test setup");
    o.number
}

async fn work(db: &sea_orm::DatabaseConnection, issuer: &Issuer) -> Vec<worker::JobOutcome> {
    let mut out = Vec::new();
    for job in worker::claim(db, 20, Duration::minutes(1), Utc::now())
        .await
        .expect("test setup")
    {
        out.push(
            worker::issue(db, issuer, &NoAuthority, &job, Utc::now(), 500)
                .await
                .expect("test setup"),
        );
    }
    out
}

#[tokio::test]
async fn the_demo_issues_replaces_and_refuses_through_the_worker() {
    for t in common::databases().await {
        let db = &t.db;
        let out = seeded(db).await;
        assert_eq!(out.issued.len(), 2, "{}: {out:?}", t.engine);
        assert_eq!(out.rejected.len(), 1, "{}: {out:?}", t.engine);
        let (first, second) = (&out.issued[0], &out.issued[1]);
        assert!(first.starts_with("PF-DOO-"), "{first}");

        let old = register::by_number(db, first).await.unwrap().unwrap();
        let new = register::by_number(db, second).await.unwrap().unwrap();
        assert_eq!(old.status, "revoked");
        assert_eq!(old.replaced_by_id, Some(new.id));
        assert_eq!(new.replaces_id, Some(old.id));
        assert_eq!(new.current_order_id, Some(new.order_id));
        let vc: serde_json::Value = serde_json::from_str(&new.credential).unwrap();
        assert_eq!(vc["credentialSubject"]["replaces"], first.as_str());

        // Each issue told the buyer, through the outbox written with the certificate.
        assert_eq!(
            domain::entities::outbox_message::Entity::find()
                .filter(domain::entities::outbox_message::Column::Kind.eq("eco_issued"))
                .count(db)
                .await
                .unwrap(),
            2,
            "{}",
            t.engine
        );

        // KR 1 departed with its replacement; the order page and the API see it.
        let o = order::Entity::find_by_id(new.order_id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(o.status, "departed");
        let eco = store::order_detail(db, &staff(), &o.number)
            .await
            .unwrap()
            .eco
            .unwrap();
        assert_eq!(
            (eco.state.as_str(), eco.number.as_deref()),
            ("issued", Some(second.as_str()))
        );
        assert_eq!(eco.replaces.as_deref(), Some(first.as_str()));

        // KR 2: refused, naming the product without a producer, and no number burned.
        let blocked = order::Entity::find()
            .filter(order::Column::PoNumber.eq("BGT-2026-0935"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let eco = store::order_detail(db, &staff(), &blocked.number)
            .await
            .unwrap()
            .eco
            .unwrap();
        assert_eq!(eco.state, "rejected");
        assert!(
            eco.problems.iter().any(|p| p.line == Some(1)
                && p.field == "producer"
                && p.problem.contains(demo::PRODUCT_WITHOUT_PRODUCER)),
            "{:?}",
            eco.problems
        );
        assert_eq!(
            certificate::Entity::find().count(db).await.unwrap(),
            2,
            "{}",
            t.engine
        );

        // Verification: the replacement passes all three checks, the revoked one fails the
        // status check and names its replacement.
        let lists = register::StatusListCache::default();
        let (_, v) = register::verify_number(db, &issuer(), &lists, second, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert!(v.report.valid, "{}: {:?}", t.engine, v.report);
        let (_, v) = register::verify_number(db, &issuer(), &lists, first, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert!(!v.report.valid && v.report.revoked, "{:?}", v.report);
        assert!(v.report.integrity.is_passed() && v.report.issuer.is_passed());
        assert_eq!(
            v.register.unwrap().replaced_by.as_deref(),
            Some(second.as_str())
        );

        // A tampered credential fails the integrity check, and nothing is stored.
        let mut tampered: serde_json::Value = serde_json::from_str(&new.credential).unwrap();
        tampered["credentialSubject"]["goods"][0]["hsCode"] = "999999".into();
        let presented = Presented::from_value(tampered).unwrap();
        let v = register::verify_presented(db, &issuer(), &lists, &presented, Utc::now())
            .await
            .unwrap();
        assert!(
            !v.report.integrity.is_passed() && !v.report.valid,
            "{:?}",
            v.report
        );
        assert_eq!(certificate::Entity::find().count(db).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn parallel_exports_and_competing_workers_make_one_certificate() {
    for t in common::databases().await {
        let db = &t.db;
        seeded(db).await;
        let number = exportable_order(db).await;
        let mut calls = Vec::new();
        for _ in 0..6 {
            let db = db.clone();
            let number = number.clone();
            calls.push(tokio::spawn(async move {
                store::export_order(&db, &staff(), &number, Utc::now()).await
            }));
        }
        for c in calls {
            assert_eq!(
                c.await.unwrap().unwrap(),
                OrderStatus::ExportCleared,
                "{}: every call answers with the same state",
                t.engine
            );
        }
        let o = order::Entity::find()
            .filter(order::Column::Number.eq(&number))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            eco_job::Entity::find()
                .filter(eco_job::Column::OrderId.eq(o.id))
                .count(db)
                .await
                .unwrap(),
            1,
            "{}",
            t.engine
        );
        // A job whose worker died: claimed, never finished; after the lease another takes it.
        let stale = worker::claim(db, 20, Duration::seconds(-1), Utc::now())
            .await
            .unwrap();
        assert_eq!(stale.len(), 1);
        // Two workers at once (two replicas): one certificate.
        let (one, two) = (issuer(), issuer());
        let (a, b) = tokio::join!(work(db, &one), work(db, &two));
        let issued: Vec<_> = a
            .iter()
            .chain(&b)
            .filter(|o| matches!(o, worker::JobOutcome::Issued { .. }))
            .collect();
        let why = store::order_detail(db, &staff(), &number)
            .await
            .unwrap()
            .eco;
        assert!(!issued.is_empty(), "{}: {a:?} {b:?} {why:?}", t.engine);
        // Anything that lost the race is retried and then closed as already issued.
        eco_job::Entity::update_many()
            .col_expr(
                eco_job::Column::NextAttemptAt,
                sea_orm::sea_query::Expr::value(Utc::now() - Duration::seconds(1)),
            )
            .exec(db)
            .await
            .unwrap();
        work(db, &issuer()).await;
        let certs = certificate::Entity::find()
            .filter(certificate::Column::OrderId.eq(o.id))
            .all(db)
            .await
            .unwrap();
        assert_eq!(certs.len(), 1, "{}", t.engine);
        let eco = store::order_detail(db, &staff(), &number)
            .await
            .unwrap()
            .eco
            .unwrap();
        assert_eq!(eco.state, "issued", "{}", t.engine);
        // A second export call still answers with the state, not an error.
        assert_eq!(
            store::export_order(db, &staff(), &number, Utc::now())
                .await
                .unwrap(),
            OrderStatus::ExportCleared
        );

        // Cancelling the cleared order revokes its certificate.
        store::transition_order(
            db,
            &staff(),
            &number,
            OrderStatus::Cancelled,
            Some("buyer withdrew before loading"),
            Utc::now(),
        )
        .await
        .unwrap();
        let c = register::by_number(db, eco.number.as_deref().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.status, "revoked");
        assert!(c.revocation_reason.unwrap().contains("buyer withdrew"));
        assert_eq!(c.current_order_id, None);
        let list = register::StatusListCache::default()
            .get(db, &issuer())
            .await
            .unwrap();
        assert!(
            list.checked
                .list()
                .get(usize::try_from(c.status_index).unwrap())
                .unwrap(),
            "{}: the revocation bit is set",
            t.engine
        );
    }
}

#[tokio::test]
async fn the_register_lists_filters_and_acts_with_an_audit_record() {
    use domain::auth::audit::Actor;
    use domain::entities::audit_event;
    use domain::issuance::browse::{self, RegisterAction};
    use domain::trade::views::RegisterQuery;

    for t in common::databases().await {
        let db = &t.db;
        let out = seeded(db).await;
        let (first, second) = (out.issued[0].clone(), out.issued[1].clone());
        let query = |status: &str, kind: &str, q: &str| RegisterQuery {
            status: status.into(),
            kind: kind.into(),
            q: q.into(),
            page: 1,
        };
        let numbers = |p: domain::views::Paged<domain::trade::views::RegisterRow>| {
            p.items.into_iter().map(|r| r.number).collect::<Vec<_>>()
        };

        // Newest first; by status, kind and part of a certificate or order number.
        let all = browse::list(db, &query("", "", "")).await.unwrap();
        assert_eq!(all.total, 2, "{}", t.engine);
        let row = &all.items[0];
        assert_eq!(row.number, second, "{}", t.engine);
        assert_eq!(row.replaces.as_deref(), Some(first.as_str()));
        assert_eq!(row.importing_party, "KR");
        assert!(!row.company.is_empty() && !row.order_number.is_empty());
        let order_number = row.order_number.clone();
        assert_eq!(
            numbers(browse::list(db, &query("revoked", "", "")).await.unwrap()),
            vec![first.clone()]
        );
        assert_eq!(
            numbers(
                browse::list(db, &query("valid", "DeclarationOfOrigin", ""))
                    .await
                    .unwrap()
            ),
            vec![second.clone()]
        );
        assert_eq!(
            browse::list(db, &query("", "CertificateOfOrigin", ""))
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            browse::list(db, &query("", "", &order_number.to_lowercase()))
                .await
                .unwrap()
                .total,
            2,
            "{}: an order number finds its certificates",
            t.engine
        );
        assert_eq!(
            numbers(
                browse::list(db, &query("", "", &first[first.len() - 6..]))
                    .await
                    .unwrap()
            ),
            vec![first.clone()]
        );
        for bad in [query("lost", "", ""), query("", "Invoice", "")] {
            assert!(matches!(
                browse::list(db, &bad).await,
                Err(domain::DomainError::Invalid { .. })
            ));
        }

        // The detail: the order's jobs, newest first, and what may be done.
        let d = browse::detail(db, &second).await.unwrap();
        assert_eq!(d.jobs.len(), 2, "{}: {:?}", t.engine, d.jobs);
        assert_eq!(d.jobs[0].certificate.as_deref(), Some(second.as_str()));
        assert_eq!(d.jobs[0].replaces.as_deref(), Some(first.as_str()));
        assert_eq!(d.jobs[0].state, "issued");
        assert!(!d.can_reissue, "a valid certificate is revoked or replaced");
        let d = browse::detail(db, &first).await.unwrap();
        assert_eq!(d.row.replaced_by.as_deref(), Some(second.as_str()));
        assert!(d.revocation_reason.is_some() && d.revoked_by.is_some());
        assert!(!d.can_reissue, "a replaced certificate is not issued again");
        assert!(matches!(
            browse::detail(db, "PF-DOO-1999-000001").await,
            Err(domain::DomainError::NotFound { .. })
        ));

        // The refused demo order waits, with its problems counted.
        let (open, total) = browse::open_jobs(db, 10).await.unwrap();
        assert_eq!(total, 1, "{}: {open:?}", t.engine);
        assert_eq!(open[0].state, "rejected");
        assert!(open[0].problem_count >= 1);

        // Revoke needs a reason; it is audited; then the certificate can be issued again,
        // once, and the new one replaces it.
        let actor = Actor::User {
            id: uuid::Uuid::now_v7(),
            email: "staff@harbourline.example".into(),
        };
        let now = Utc::now();
        assert!(matches!(
            browse::act(db, &actor, None, &second, RegisterAction::Revoke, "  ", now).await,
            Err(domain::DomainError::Invalid { .. })
        ));
        browse::act(
            db,
            &actor,
            Some("203.0.113.9"),
            &second,
            RegisterAction::Revoke,
            "Wrong HS code",
            now,
        )
        .await
        .unwrap();
        assert!(matches!(
            browse::act(
                db,
                &actor,
                None,
                &second,
                RegisterAction::Revoke,
                "again",
                now
            )
            .await,
            Err(domain::DomainError::Conflict(_))
        ));
        let audited = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("eco.revoke"))
            .filter(audit_event::Column::Target.eq(second.as_str()))
            .one(db)
            .await
            .unwrap()
            .expect("the revocation is audited");
        assert_eq!(audited.actor, "staff@harbourline.example");
        assert!(audited.detail.contains("Wrong HS code"));
        assert!(browse::detail(db, &second).await.unwrap().can_reissue);
        assert!(matches!(
            browse::act(db, &actor, None, &first, RegisterAction::Reissue, "", now).await,
            Err(domain::DomainError::Conflict(_))
        ));
        browse::act(db, &actor, None, &second, RegisterAction::Reissue, "", now)
            .await
            .unwrap();
        assert!(matches!(
            browse::act(db, &actor, None, &second, RegisterAction::Reissue, "", now).await,
            Err(domain::DomainError::Conflict(_))
        ));
        let issued = work(db, &issuer()).await;
        let third = match issued.as_slice() {
            [worker::JobOutcome::Issued { number }] => number.clone(),
            other => panic!("{}: {other:?}", t.engine),
        };
        let d = browse::detail(db, &second).await.unwrap();
        assert_eq!(d.row.replaced_by.as_deref(), Some(third.as_str()));
        assert!(!d.can_reissue);
        let vc: serde_json::Value = serde_json::from_str(
            &register::by_number(db, &third)
                .await
                .unwrap()
                .unwrap()
                .credential,
        )
        .unwrap();
        assert_eq!(vc["credentialSubject"]["replaces"], second.as_str());
        assert!(RegisterAction::parse("delete").is_err());
    }
}

#[tokio::test]
async fn the_demo_orders_certificate_matches_its_golden_file() {
    // The demo seeded at a fixed time: every field of the replacement certificate is fixed but
    // its status-list index (drawn at random, so one list position does not leak issue order)
    // and the signature over it; those two are masked, and the signature is checked instead.
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-02T09:00:00Z")
        .expect("fixed time")
        .with_timezone(&Utc);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/demo-replacement-declaration.json");
    for t in common::databases().await {
        let db = &t.db;
        domain::catalog::demo::seed(db).await.unwrap();
        domain::trade::demo::seed(db, at).await.unwrap();
        let out = demo::seed(db, &issuer(), at).await.unwrap();
        let stored = register::by_number(db, &out.issued[1])
            .await
            .unwrap()
            .unwrap();
        let mut vc: serde_json::Value = serde_json::from_str(&stored.credential).unwrap();
        domain::eco::proof::verify(&vc, &domain::eco::sample::demo_key().verifying_key())
            .unwrap_or_else(|e| panic!("{}: {e}", t.engine));
        vc["credentialStatus"]["statusListIndex"] = "<random index>".into();
        vc["credentialStatus"]["id"] = "<status list URL>#<random index>".into();
        vc["proof"]["proofValue"] = "<signature>".into();
        let canonical: serde_json::Value =
            serde_json::from_str(&domain::eco::proof::canonicalize(&vc).unwrap()).unwrap();
        let text = serde_json::to_string_pretty(&canonical).unwrap() + "\n";
        if std::env::var_os("UPDATE_GOLDEN").is_some() && t.engine == "sqlite" {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let golden = std::fs::read_to_string(&path).expect(
            "tests/golden/demo-replacement-declaration.json; run with UPDATE_GOLDEN=1 once",
        );
        assert_eq!(
            text, golden,
            "{}: the demo certificate differs from its golden file; if intended, run with UPDATE_GOLDEN=1",
            t.engine
        );
    }
}
