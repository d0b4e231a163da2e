//! The buying flow against real databases (SQLite, and PostgreSQL when available): RFQ →
//! quote → counter → revision → acceptance → order and its lifecycle; refusals that write
//! nothing; companies that cannot see each other's records; two acceptances at once making
//! one order; expiry and re-quoting; the outbox.

use crate::common;

use chrono::{DateTime, Duration, Utc};
use domain::DomainError;
use domain::auth::audit::Actor;
use domain::auth::people::{self, VerifiedIdentity};
use domain::auth::role::Role;
use domain::auth::{companies, users};
use domain::entities::{company_member, order, outbox_message, product, rfq, transition};
use domain::trade::forms::{
    CounterForm, CounterLineForm, QuoteForm, QuoteLineForm, RfqForm, RfqLineForm,
};
use domain::trade::order::OrderStatus;
use domain::trade::quote::{LineChangeKind, QuoteStatus, QuoteStep};
use domain::trade::rfq::{RfqStatus, RfqStep};
use domain::trade::store::{self, Caller, ExportDataForm, OrderQuery, StepInput};
use domain::trade::{Source, outbox};
use domain::views::CompanyForm;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

struct World {
    staff: Caller,
    buyer: Caller,
    colleague: Caller,
    rival: Caller,
    product_id: String,
    product_port: String,
}

async fn buyer(
    db: &DatabaseConnection,
    subject: &str,
    email: &str,
    company: Option<&str>,
    now: DateTime<Utc>,
) -> (uuid::Uuid, Option<uuid::Uuid>) {
    let (user, _) = people::sign_in_with_identity(
        db,
        &VerifiedIdentity {
            provider: "local".into(),
            subject: subject.into(),
            email: Some(email.into()),
            email_verified: true,
            trusted_email: true,
            name: None,
        },
        None,
        now,
    )
    .await
    .expect("test setup");
    let company_id = match company {
        Some(name) => {
            let c = companies::onboard(
                db,
                user.id,
                &CompanyForm {
                    name: name.into(),
                    country: "JP".into(),
                    address: "1-2-3 Marunouchi, Tokyo".into(),
                    registration_id: format!("T{}", subject.len() * 1_000_000_007),
                    contact_phone: String::new(),
                },
                None,
                now,
            )
            .await
            .expect("test setup");
            Some(uuid::Uuid::parse_str(&c.id).expect("test setup"))
        }
        None => None,
    };
    (user.id, company_id)
}

async fn world(db: &DatabaseConnection, now: DateTime<Utc>) -> World {
    domain::catalog::demo::seed(db).await.expect("test setup");
    let staff = users::create_staff(
        db,
        "sales@harbourline.example",
        "Sales",
        Role::Staff,
        "long enough password",
        &Actor::Cli,
        now,
    )
    .await
    .expect("test setup");
    let (ana, sakura) = buyer(
        db,
        "sub-ana",
        "ana@sakura.example",
        Some("Sakura Trading KK"),
        now,
    )
    .await;
    let sakura = sakura.expect("test setup");
    let (ken, _) = buyer(db, "sub-ken", "ken@sakura.example", None, now).await;
    company_member::ActiveModel {
        user_id: Set(ken),
        company_id: Set(sakura),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .expect("test setup");
    let (lee, rival) = buyer(
        db,
        "sub-lee-rival",
        "lee@rival.example",
        Some("Rival Imports Pty"),
        now,
    )
    .await;
    let p = product::Entity::find()
        .filter(product::Column::Published.eq(true))
        .one(db)
        .await
        .expect("test setup")
        .expect("test setup");
    World {
        staff: Caller::staff(staff.id, &staff.email),
        buyer: Caller::buyer(ana, "ana@sakura.example", sakura),
        colleague: Caller::buyer(ken, "ken@sakura.example", sakura),
        rival: Caller::buyer(lee, "lee@rival.example", rival.expect("test setup")),
        product_id: p.id.to_string(),
        product_port: p.port_of_loading,
    }
}

fn rfq_form(product_id: &str, now: DateTime<Utc>) -> RfqForm {
    RfqForm {
        incoterm: "FOB".into(),
        named_place: "Cai Mep, Vietnam".into(),
        destination_port: "JPYOK".into(),
        required_by: (now + Duration::days(60)).date_naive().to_string(),
        po_number: "PO-77812".into(),
        notes: "Palletised, please.".into(),
        currency: "USD".into(),
        lines: vec![
            RfqLineForm {
                product_id: product_id.into(),
                quantity: "500".into(),
                target_price: "11.20".into(),
                ..Default::default()
            },
            RfqLineForm {
                description: "Custom crate, 120 × 80 cm".into(),
                quantity: "40".into(),
                unit: "PCE".into(),
                ..Default::default()
            },
        ],
    }
}

fn quote_form(product_id: &str, now: DateTime<Utc>, valid_days: i64) -> QuoteForm {
    QuoteForm {
        currency: "USD".into(),
        incoterm: "FOB".into(),
        named_place: "Cai Mep, Vietnam".into(),
        freight: "0".into(),
        insurance: "0".into(),
        payment_terms: "30% deposit, 70% against copy of B/L".into(),
        valid_until: (now + Duration::days(valid_days)).date_naive().to_string(),
        internal_notes: "margin 18%".into(),
        lines: vec![
            QuoteLineForm {
                key: 1,
                product_id: product_id.into(),
                description: "Oak chair".into(),
                quantity: "500".into(),
                unit: "PCE".into(),
                unit_price: "12.40".into(),
                lead_time_days: "35".into(),
            },
            QuoteLineForm {
                key: 2,
                description: "Custom crate, 120 × 80 cm".into(),
                quantity: "40".into(),
                unit: "PCE".into(),
                unit_price: "18.5".into(),
                lead_time_days: "20".into(),
                ..Default::default()
            },
        ],
    }
}

macro_rules! count {
    ($entity:ty, $db:expr) => {
        <$entity>::find().count($db).await.expect("test setup")
    };
}

#[tokio::test]
async fn an_rfq_becomes_a_quote_a_counter_a_revision_and_one_order() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let w = world(db, now).await;

        let rfq_number = store::submit_rfq(db, &w.buyer, &rfq_form(&w.product_id, now), now)
            .await
            .unwrap();
        assert!(rfq_number.starts_with("RFQ-"), "{}: {rfq_number}", t.engine);
        let second = store::submit_rfq(db, &w.colleague, &rfq_form(&w.product_id, now), now)
            .await
            .unwrap();
        assert_ne!(second, rfq_number, "numbers are unique");

        // Staff ask for information; the buyer answers.
        assert_eq!(
            store::rfq_step(
                db,
                &w.staff,
                &rfq_number,
                RfqStep::RequestInfo,
                Some("which finish?"),
                now
            )
            .await
            .unwrap(),
            RfqStatus::InfoRequested
        );
        assert!(matches!(
            store::rfq_step(db, &w.buyer, &rfq_number, RfqStep::RequestInfo, None, now).await,
            Err(DomainError::Forbidden(_))
        ));
        assert_eq!(
            store::rfq_step(
                db,
                &w.colleague,
                &rfq_number,
                RfqStep::ProvideInfo,
                Some("natural oil"),
                now
            )
            .await
            .unwrap(),
            RfqStatus::Submitted
        );

        // A draft quote is invisible to the buyer; sending it marks the RFQ quoted.
        let quote_number = store::save_quote(
            db,
            &w.staff,
            &rfq_number,
            &quote_form(&w.product_id, now, 30),
            now,
        )
        .await
        .unwrap();
        assert!(matches!(
            store::quote_step(
                db,
                &w.buyer,
                &quote_number,
                QuoteStep::Accept,
                StepInput::default(),
                now
            )
            .await,
            Err(DomainError::NotFound { .. })
        ));
        assert!(matches!(
            store::save_quote(
                db,
                &w.buyer,
                &rfq_number,
                &quote_form(&w.product_id, now, 30),
                now
            )
            .await,
            Err(DomainError::Forbidden(_))
        ));
        let (status, _) = store::quote_step(
            db,
            &w.staff,
            &quote_number,
            QuoteStep::Send,
            StepInput::default(),
            now,
        )
        .await
        .unwrap();
        assert_eq!(status, QuoteStatus::Sent);
        let r = rfq::Entity::find()
            .filter(rfq::Column::Number.eq(&rfq_number))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.status, "quoted");
        assert!(matches!(
            store::save_quote(db, &w.staff, &rfq_number, &quote_form(&w.product_id, now, 30), now).await,
            Err(DomainError::Conflict(m)) if m.contains("revise")
        ));

        // The buyer counters line 1; staff revise in one action, which applies it.
        let counter = CounterForm {
            message: "Can you do 11.90 at 600?".into(),
            lines: vec![CounterLineForm {
                key: 1,
                quantity: "600".into(),
                unit_price: "11.90".into(),
            }],
        };
        let bad = CounterForm {
            message: String::new(),
            lines: vec![CounterLineForm {
                key: 9,
                quantity: "1".into(),
                unit_price: String::new(),
            }],
        };
        assert!(matches!(
            store::quote_step(db, &w.buyer, &quote_number, QuoteStep::Counter, StepInput { counter: Some(&bad), ..Default::default() }, now).await,
            Err(DomainError::Fields(f)) if f[0].field == "lines[0].key"
        ));
        let (status, _) = store::quote_step(
            db,
            &w.buyer,
            &quote_number,
            QuoteStep::Counter,
            StepInput {
                version: Some(1),
                counter: Some(&counter),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        assert_eq!(status, QuoteStatus::Countered);
        let (status, _) = store::quote_step(
            db,
            &w.staff,
            &quote_number,
            QuoteStep::Revise,
            StepInput::default(),
            now,
        )
        .await
        .unwrap();
        assert_eq!(status, QuoteStatus::Revised);
        // The revision is editable, then sent.
        let mut revised = quote_form(&w.product_id, now, 30);
        revised.lines[0].quantity = "600".into();
        revised.lines[0].unit_price = "11.95".into();
        revised.freight = "850".into();
        store::save_quote(db, &w.staff, &rfq_number, &revised, now)
            .await
            .unwrap();
        store::quote_step(
            db,
            &w.staff,
            &quote_number,
            QuoteStep::Send,
            StepInput::default(),
            now,
        )
        .await
        .unwrap();

        // The buyer sees what changed between the versions.
        let diff = store::version_diff(db, &w.buyer, &quote_number, 1, 2)
            .await
            .unwrap();
        assert_eq!(diff.header.len(), 1, "{:?}", diff.header);
        assert_eq!(diff.header[0].field, "freight");
        assert_eq!(diff.lines[0].kind, LineChangeKind::Changed);
        let fields: Vec<&str> = diff.lines[0]
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, ["quantity", "unit_price"]);
        assert_eq!(diff.lines[1].kind, LineChangeKind::Unchanged);

        // Accepting the superseded version is refused; the current one makes the order.
        assert!(matches!(
            store::quote_step(db, &w.buyer, &quote_number, QuoteStep::Accept, StepInput { version: Some(1), ..Default::default() }, now).await,
            Err(DomainError::Conflict(m)) if m.contains("superseded")
        ));
        let (status, order_number) = store::quote_step(
            db,
            &w.buyer,
            &quote_number,
            QuoteStep::Accept,
            StepInput {
                version: Some(2),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        assert_eq!(status, QuoteStatus::Accepted);
        let order_number = order_number.unwrap();
        assert!(matches!(
            store::quote_step(db, &w.colleague, &quote_number, QuoteStep::Accept, StepInput::default(), now).await,
            Err(DomainError::Conflict(m)) if m.contains("accepted")
        ));

        let o = store::order_detail(db, &w.colleague, &order_number)
            .await
            .unwrap();
        assert_eq!(o.status, "confirmed");
        assert_eq!(o.quote_version, 2);
        assert_eq!(o.currency, "USD");
        assert_eq!(o.ship_to_port, "JPYOK");
        assert_eq!(
            o.port_of_loading.as_deref(),
            Some(w.product_port.as_str()),
            "the products' port"
        );
        assert_eq!(o.lines.len(), 2);
        // 600 × 11.95 + 40 × 18.5 + 850 freight
        assert_eq!(o.lines[0].line_total, "7170.00");
        assert_eq!(o.subtotal, "7910.00");
        assert_eq!(o.total, "8760.00");
        assert_eq!(o.po_number.as_deref(), Some("PO-77812"));
        assert_eq!(o.history.len(), 1);
        assert_eq!(o.history[0].actor, "ana@sakura.example");

        // The lifecycle: one step at a time, with its guards.
        assert!(matches!(
            store::transition_order(
                db,
                &w.staff,
                &order_number,
                OrderStatus::ReadyToShip,
                None,
                now
            )
            .await,
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            store::transition_order(
                db,
                &w.buyer,
                &order_number,
                OrderStatus::InProduction,
                None,
                now
            )
            .await,
            Err(DomainError::Forbidden(_))
        ));
        store::transition_order(
            db,
            &w.staff,
            &order_number,
            OrderStatus::InProduction,
            None,
            now,
        )
        .await
        .unwrap();
        let bad_export = ExportDataForm {
            port_of_loading: "XXZZZ".into(),
            invoice_date: "31/12/2026".into(),
            ..Default::default()
        };
        let Err(DomainError::Fields(f)) =
            store::save_export_data(db, &w.staff, &order_number, &bad_export, now).await
        else {
            panic!("bad export data was accepted")
        };
        let named: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["invoice_date", "port_of_loading"]);
        store::save_export_data(
            db,
            &w.staff,
            &order_number,
            &ExportDataForm {
                port_of_loading: w.product_port.clone(),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        // Per line: packages come as a count with its kind, an FOB value in the currency's
        // decimals, and only for lines the order has; each problem names its line's field.
        use domain::trade::forms::ExportLineForm;
        let line = |position: i32, count: &str, kind: &str, fob: &str| ExportLineForm {
            position,
            package_count: count.into(),
            package_kind: kind.into(),
            marks: "PF/OSAKA 1-20".into(),
            fob_value: fob.into(),
        };
        let bad_lines = ExportDataForm {
            port_of_loading: w.product_port.clone(),
            transport_mode: "teleport".into(),
            lines: vec![line(1, "20", "", "12.345"), line(99, "1", "CT", "")],
            ..Default::default()
        };
        let Err(DomainError::Fields(f)) =
            store::save_export_data(db, &w.staff, &order_number, &bad_lines, now).await
        else {
            panic!("bad line data was accepted")
        };
        let named: Vec<(&str, &str)> = f
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("transport_mode", "invalid"),
                ("lines.1.package_kind", "packages_incomplete"),
                ("lines.1.fob_value", "too_precise"),
                ("lines.99.position", "invalid"),
            ]
        );
        store::save_export_data(
            db,
            &w.staff,
            &order_number,
            &ExportDataForm {
                port_of_loading: w.product_port.clone(),
                transport_mode: "sea".into(),
                lines: vec![line(1, "20", "ct", "1250.5")],
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        let o = store::order_detail(db, &w.staff, &order_number)
            .await
            .unwrap();
        assert_eq!(o.transport_mode.as_deref(), Some("sea"));
        let l = &o.lines[0];
        assert_eq!(
            (
                l.package_count,
                l.package_kind.as_deref(),
                l.marks.as_deref()
            ),
            (Some(20), Some("CT"), Some("PF/OSAKA 1-20"))
        );
        assert_eq!(
            l.fob_value.as_deref(),
            Some("1250.50"),
            "USD has two decimals"
        );
        store::transition_order(
            db,
            &w.staff,
            &order_number,
            OrderStatus::ReadyToShip,
            None,
            now,
        )
        .await
        .unwrap();
        let o = store::order_detail(db, &w.staff, &order_number)
            .await
            .unwrap();
        assert_eq!(o.next_missing.len(), 2, "{:?}", o.next_missing);
        let err = store::transition_order(
            db,
            &w.staff,
            &order_number,
            OrderStatus::ExportCleared,
            None,
            now,
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string().contains("invoice number")
                && err.to_string().contains("shipment reference"),
            "{err}"
        );
        store::save_export_data(
            db,
            &w.staff,
            &order_number,
            &ExportDataForm {
                invoice_number: "INV-2026-0042".into(),
                invoice_date: now.date_naive().to_string(),
                port_of_loading: String::new(),
                shipment_references: "MAEU123456789\nMSKU1234565\nMAEU123456789".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        let api = Caller {
            source: Source::Api,
            ..w.staff.clone()
        };
        store::transition_order(
            db,
            &api,
            &order_number,
            OrderStatus::ExportCleared,
            None,
            now,
        )
        .await
        .unwrap();
        let o = store::order_detail(db, &w.buyer, &order_number)
            .await
            .unwrap();
        assert_eq!(o.buyer_status, "cleared_for_export");
        assert_eq!(o.shipment_references, ["MAEU123456789", "MSKU1234565"]);
        let last = o.history.last().unwrap();
        assert_eq!(
            (last.from.as_deref(), last.to.as_str(), last.source.as_str()),
            (Some("ready_to_ship"), "export_cleared", "api")
        );
        assert_eq!(last.actor, "staff", "buyers see that staff acted, not who");
        assert_eq!(o.port_of_loading.as_deref(), Some(w.product_port.as_str()));

        // Every order transition left an event in the outbox, in order.
        let events = outbox::claim(db, &["order_transitioned"], 10, Duration::minutes(1), now)
            .await
            .unwrap();
        let tos: Vec<String> = events
            .iter()
            .map(|e| e.payload["to"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            tos,
            [
                "confirmed",
                "in_production",
                "ready_to_ship",
                "export_cleared"
            ],
            "{}",
            t.engine
        );
        assert!(events.iter().all(|e| e.event.is_some() && e.attempts == 1));
        // Claimed messages are held: a second worker gets none of them.
        assert!(
            outbox::claim(db, &["order_transitioned"], 10, Duration::minutes(1), now)
                .await
                .unwrap()
                .is_empty()
        );
        outbox::complete(db, events[0].id, now).await.unwrap();
        outbox::fail(
            db,
            events[1].id,
            "SMTP said 451",
            now + Duration::minutes(5),
        )
        .await
        .unwrap();
        let later = outbox::claim(
            db,
            &["order_transitioned"],
            10,
            Duration::minutes(1),
            now + Duration::minutes(6),
        )
        .await
        .unwrap();
        let ids: Vec<_> = later.iter().map(|e| e.id).collect();
        assert_eq!(
            ids,
            [events[1].id, events[2].id, events[3].id],
            "expired leases and retries come back; completed ones do not"
        );
        assert_eq!(later[0].attempts, 2);

        let (rows, total) = store::list_orders(
            db,
            &w.buyer,
            &OrderQuery {
                page: 1,
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        let (_, filtered) = store::list_orders(
            db,
            &w.staff,
            &OrderQuery {
                status: Some(OrderStatus::Delivered),
                page: 1,
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(filtered, 0);
    }
}

#[tokio::test]
async fn bad_rfqs_and_quotes_are_refused_field_by_field_and_write_nothing() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let w = world(db, now).await;
        let mut form = rfq_form(&w.product_id, now);
        form.incoterm = "FOO".into();
        form.destination_port = "ZZZZZ".into();
        form.required_by = (now - Duration::days(1)).date_naive().to_string();
        form.lines[0].quantity = "0".into();
        form.lines[1].unit = String::new();
        form.lines[1].target_price = "-3".into();
        let Err(DomainError::Fields(errors)) = store::submit_rfq(db, &w.buyer, &form, now).await
        else {
            panic!("{}: a bad RFQ was accepted", t.engine)
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("incoterm", "invalid"),
                ("destination_port", "unknown_port"),
                ("required_by", "date_in_past"),
                ("lines[0].quantity", "out_of_range"),
                ("lines[1].unit", "required"),
                ("lines[1].target_price", "negative"),
            ],
            "{}",
            t.engine
        );
        let mut empty = rfq_form(&w.product_id, now);
        empty.lines.clear();
        assert!(matches!(
            store::submit_rfq(db, &w.buyer, &empty, now).await,
            Err(DomainError::Fields(_))
        ));
        // Someone without a company, or staff, cannot send one.
        let staff_rfq = store::submit_rfq(db, &w.staff, &rfq_form(&w.product_id, now), now).await;
        assert!(matches!(staff_rfq, Err(DomainError::Forbidden(_))));
        assert_eq!(count!(rfq::Entity, db), 0);
        assert_eq!(count!(transition::Entity, db), 0);
        assert_eq!(count!(outbox_message::Entity, db), 0);

        let rfq_number = store::submit_rfq(db, &w.buyer, &rfq_form(&w.product_id, now), now)
            .await
            .unwrap();
        let mut quote = quote_form(&w.product_id, now, 30);
        quote.valid_until = (now - Duration::days(2)).date_naive().to_string();
        quote.freight = "12.345".into();
        quote.lines[0].unit_price = "abc".into();
        quote.lines[1].lead_time_days = "9999".into();
        let Err(DomainError::Fields(errors)) =
            store::save_quote(db, &w.staff, &rfq_number, &quote, now).await
        else {
            panic!("a bad quote was accepted")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "valid_until",
                "freight",
                "lines[0].unit_price",
                "lines[1].lead_time_days"
            ]
        );
        assert_eq!(count!(domain::entities::quote::Entity, db), 0);

        // A declined RFQ needs a reason, and then cannot be quoted.
        assert!(matches!(
            store::rfq_step(db, &w.staff, &rfq_number, RfqStep::Decline, Some(" "), now).await,
            Err(DomainError::Invalid { .. })
        ));
        store::rfq_step(
            db,
            &w.staff,
            &rfq_number,
            RfqStep::Decline,
            Some("We do not make this size"),
            now,
        )
        .await
        .unwrap();
        assert!(matches!(
            store::save_quote(
                db,
                &w.staff,
                &rfq_number,
                &quote_form(&w.product_id, now, 30),
                now
            )
            .await,
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            store::rfq_step(db, &w.buyer, &rfq_number, RfqStep::Cancel, None, now).await,
            Err(DomainError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn one_company_never_sees_another_companys_records() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let w = world(db, now).await;
        let rfq_number = store::submit_rfq(db, &w.buyer, &rfq_form(&w.product_id, now), now)
            .await
            .unwrap();
        let quote_number = store::save_quote(
            db,
            &w.staff,
            &rfq_number,
            &quote_form(&w.product_id, now, 30),
            now,
        )
        .await
        .unwrap();
        store::quote_step(
            db,
            &w.staff,
            &quote_number,
            QuoteStep::Send,
            StepInput::default(),
            now,
        )
        .await
        .unwrap();

        let not_found = |r: Result<_, DomainError>| matches!(r, Err(DomainError::NotFound { .. }));
        assert!(not_found(
            store::rfq_step(db, &w.rival, &rfq_number, RfqStep::Cancel, None, now)
                .await
                .map(|_| ())
        ));
        assert!(not_found(
            store::quote_step(
                db,
                &w.rival,
                &quote_number,
                QuoteStep::Accept,
                StepInput::default(),
                now
            )
            .await
            .map(|_| ())
        ));
        assert!(not_found(
            store::version_diff(db, &w.rival, &quote_number, 1, 1)
                .await
                .map(|_| ())
        ));
        let (_, order_number) = store::quote_step(
            db,
            &w.buyer,
            &quote_number,
            QuoteStep::Accept,
            StepInput::default(),
            now,
        )
        .await
        .unwrap();
        let order_number = order_number.unwrap();
        assert!(not_found(
            store::order_detail(db, &w.rival, &order_number)
                .await
                .map(|_| ())
        ));
        assert!(not_found(
            store::transition_order(
                db,
                &w.rival,
                &order_number,
                OrderStatus::Delivered,
                None,
                now
            )
            .await
            .map(|_| ())
        ));
        let (rows, total) = store::list_orders(
            db,
            &w.rival,
            &OrderQuery {
                page: 1,
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(rows.is_empty() && total == 0, "{}", t.engine);
        // Unknown numbers are not found either, for everyone.
        assert!(not_found(
            store::order_detail(db, &w.staff, "ORD-2026-99999")
                .await
                .map(|_| ())
        ));
    }
}

#[tokio::test]
async fn two_acceptances_at_once_make_exactly_one_order() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let w = world(db, now).await;
        for round in 0..3 {
            let rfq_number = store::submit_rfq(db, &w.buyer, &rfq_form(&w.product_id, now), now)
                .await
                .unwrap();
            let quote_number = store::save_quote(
                db,
                &w.staff,
                &rfq_number,
                &quote_form(&w.product_id, now, 30),
                now,
            )
            .await
            .unwrap();
            store::quote_step(
                db,
                &w.staff,
                &quote_number,
                QuoteStep::Send,
                StepInput::default(),
                now,
            )
            .await
            .unwrap();
            // Round 0: one member twice; then two members of the company at once.
            let second = if round == 0 { &w.buyer } else { &w.colleague };
            let (a, b) = tokio::join!(
                store::quote_step(
                    db,
                    &w.buyer,
                    &quote_number,
                    QuoteStep::Accept,
                    StepInput::default(),
                    now
                ),
                store::quote_step(
                    db,
                    second,
                    &quote_number,
                    QuoteStep::Accept,
                    StepInput::default(),
                    now
                ),
            );
            let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
            assert_eq!(wins, 1, "{} round {round}: {a:?} / {b:?}", t.engine);
            let loser = if a.is_ok() { b } else { a };
            assert!(
                matches!(loser, Err(DomainError::Conflict(_))),
                "{}: {loser:?}",
                t.engine
            );
        }
        assert_eq!(count!(order::Entity, db), 3, "{}", t.engine);
    }
}

#[tokio::test]
async fn an_expired_quote_is_locked_until_staff_requote_it() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let w = world(db, now).await;
        let rfq_number = store::submit_rfq(db, &w.buyer, &rfq_form(&w.product_id, now), now)
            .await
            .unwrap();
        let quote_number = store::save_quote(
            db,
            &w.staff,
            &rfq_number,
            &quote_form(&w.product_id, now, 0),
            now,
        )
        .await
        .unwrap();
        store::quote_step(
            db,
            &w.staff,
            &quote_number,
            QuoteStep::Send,
            StepInput::default(),
            now,
        )
        .await
        .unwrap();
        let tomorrow = now + Duration::days(1);
        let err = store::quote_step(
            db,
            &w.buyer,
            &quote_number,
            QuoteStep::Accept,
            StepInput::default(),
            tomorrow,
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
        assert_eq!(store::expire_due(db, tomorrow).await.unwrap(), 1);
        assert_eq!(store::expire_due(db, tomorrow).await.unwrap(), 0);
        assert!(
            store::quote_step(
                db,
                &w.staff,
                &quote_number,
                QuoteStep::Revise,
                StepInput::default(),
                tomorrow
            )
            .await
            .is_err()
        );
        let (status, _) = store::quote_step(
            db,
            &w.staff,
            &quote_number,
            QuoteStep::Requote,
            StepInput::default(),
            tomorrow,
        )
        .await
        .unwrap();
        assert_eq!(status, QuoteStatus::Revised);
        store::quote_step(
            db,
            &w.staff,
            &quote_number,
            QuoteStep::Send,
            StepInput::default(),
            tomorrow,
        )
        .await
        .unwrap();
        let (status, order) = store::quote_step(
            db,
            &w.buyer,
            &quote_number,
            QuoteStep::Accept,
            StepInput {
                version: Some(2),
                ..Default::default()
            },
            tomorrow,
        )
        .await
        .unwrap();
        assert_eq!(status, QuoteStatus::Accepted);
        assert!(order.is_some());
        let d = store::version_diff(db, &w.buyer, &quote_number, 1, 2)
            .await
            .unwrap();
        assert_eq!(
            d.header
                .iter()
                .map(|c| c.field.as_str())
                .collect::<Vec<_>>(),
            ["valid_until"]
        );
    }
}
