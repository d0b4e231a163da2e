//! The demo's certificates, made through the real path: the exporter profile (an approved
//! exporter with a demo authorisation code), producers on the demo products (one left out,
//! so one order shows what is missing), and the two Korean demo orders moved to
//! `export_cleared` — their jobs worked by the same worker the server runs. The first is
//! issued, then revoked and replaced (a corrected consignee address), and departs; the second
//! is rejected, naming the product that lacks its producer. Runs once, right after the demo
//! buying flow is seeded.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::{Issuer, register, worker};
use crate::DomainResult;
use crate::auth::audit::Actor;
use crate::entities::{order, product, transition};
use crate::trade::order::OrderStatus;
use crate::trade::store;
use crate::views::ExporterProfile;

/// The demo exporter (matches the demo site name).
pub const DEMO_EXPORTER: &str = "Harbourline Industrial Co., Ltd.";
const DEMO_ADDRESS: &str = "88 Jiangnan Road, Beilun District, Ningbo, Zhejiang 315800";
/// The partner factory that makes the demo's Vietnamese goods.
const DEMO_VN_PRODUCER: &str = "Binh Duong Woodcraft JSC";
const DEMO_VN_ADDRESS: &str = "Lot C12, VSIP II Industrial Park, Thu Dau Mot, Binh Duong";
/// The one product whose producer the demo leaves out.
pub const PRODUCT_WITHOUT_PRODUCER: &str = "PF-TX-2020";

/// What the demo issuance did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoCertificates {
    pub issued: Vec<String>,
    pub rejected: Vec<String>,
}

async fn work_jobs<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    issuer: &Issuer,
    at: DateTime<Utc>,
    out: &mut DemoCertificates,
) -> DomainResult<()> {
    for job in worker::claim(db, 20, Duration::minutes(5), at).await? {
        match worker::issue(db, issuer, &super::authority::NoAuthority, &job, at, 500).await? {
            worker::JobOutcome::Issued { number } => out.issued.push(number),
            worker::JobOutcome::Rejected { .. } => out.rejected.push(job.order_id.to_string()),
            other => tracing::warn!(?other, "a demo certificate was not issued"),
        }
    }
    Ok(())
}

async fn order_by_po<C: ConnectionTrait>(db: &C, po: &str) -> DomainResult<Option<order::Model>> {
    Ok(order::Entity::find()
        .filter(order::Column::PoNumber.eq(po))
        .one(db)
        .await?)
}

/// When the order last changed (the demo continues from there).
async fn last_change<C: ConnectionTrait>(db: &C, o: &order::Model) -> DomainResult<DateTime<Utc>> {
    Ok(transition::Entity::find()
        .filter(transition::Column::SubjectId.eq(o.id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.at)
        .max()
        .map_or(o.updated_at, |t| t.max(o.updated_at)))
}

/// Seeds the demo certificates (see the module notes). Call it once, after
/// `trade::demo::seed` seeded.
pub async fn seed<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    issuer: &Issuer,
    now: DateTime<Utc>,
) -> DomainResult<DemoCertificates> {
    let mut out = DemoCertificates::default();
    crate::exporter::save(
        db,
        &ExporterProfile {
            legal_name: DEMO_EXPORTER.to_owned(),
            address: DEMO_ADDRESS.to_owned(),
            country: "CN".to_owned(),
            approved_exporter_code: "CN-AE-3302-2026-0042-DEMO".to_owned(),
            signatory_name: "Lin Wei".to_owned(),
            signatory_title: "Export Compliance Manager".to_owned(),
            contact_email: "exports@harbourline.example".to_owned(),
            declaration_place: "Ningbo, China".to_owned(),
            issuing_mode: crate::exporter::APPROVED_EXPORTER.to_owned(),
            issuing_body_name: String::new(),
            issuing_body_place: String::new(),
        },
        &Actor::System,
        None,
        now - Duration::days(60),
    )
    .await?;
    product::Entity::update_many()
        .col_expr(product::Column::ProducerName, Expr::value(DEMO_EXPORTER))
        .col_expr(product::Column::ProducerAddress, Expr::value(DEMO_ADDRESS))
        .col_expr(product::Column::ProducerCountry, Expr::value("CN"))
        .filter(product::Column::Sku.ne(PRODUCT_WITHOUT_PRODUCER))
        .filter(product::Column::CountryOfOrigin.eq("CN"))
        .exec(db)
        .await?;
    product::Entity::update_many()
        .col_expr(product::Column::ProducerName, Expr::value(DEMO_VN_PRODUCER))
        .col_expr(
            product::Column::ProducerAddress,
            Expr::value(DEMO_VN_ADDRESS),
        )
        .col_expr(product::Column::ProducerCountry, Expr::value("VN"))
        .filter(product::Column::CountryOfOrigin.eq("VN"))
        .exec(db)
        .await?;
    let staff = crate::trade::demo::staff();

    // KR 1: issued, revoked and replaced six hours later, then departed.
    if let Some(o) = order_by_po(db, "BGT-2026-0912").await? {
        let at = last_change(db, &o).await? + Duration::hours(20);
        store::transition_order(db, &staff, &o.number, OrderStatus::ExportCleared, None, at)
            .await?;
        work_jobs(db, issuer, at + Duration::minutes(1), &mut out).await?;
        if let Some(first) = out.issued.first().cloned() {
            let later = at + Duration::hours(6);
            register::revoke(
                db,
                &staff.name,
                &first,
                "Consignee address corrected at the buyer's request; replaced by a new declaration",
                true,
                later,
            )
            .await?;
            work_jobs(db, issuer, later + Duration::minutes(1), &mut out).await?;
        }
        store::transition_order(
            db,
            &staff,
            &o.number,
            OrderStatus::Departed,
            None,
            at + Duration::days(1),
        )
        .await?;
    }
    // KR 2: export-cleared, but one product lacks its producer: rejected with the reason.
    if let Some(o) = order_by_po(db, "BGT-2026-0935").await? {
        let at = (last_change(db, &o).await? + Duration::hours(20)).min(now);
        store::transition_order(db, &staff, &o.number, OrderStatus::ExportCleared, None, at)
            .await?;
        work_jobs(db, issuer, at + Duration::minutes(1), &mut out).await?;
    }
    Ok(out)
}

/// The demo's Thai order (complete origin data), as load tests and process tests start from.
pub const TEMPLATE_ORDER_PO: &str = "BM-PO-3302";

/// `count` copies of the demo's Thai order with their lines (each with a copy of its RFQ and
/// accepted quote), `ready_to_ship` with complete export data, numbered `ORD-<tag>-00000`, …
/// (for load tests and process tests: each can be cleared for export and certified). Returns
/// their numbers.
pub async fn ready_copies<C: ConnectionTrait>(
    db: &C,
    count: u32,
    tag: &str,
    now: DateTime<Utc>,
) -> DomainResult<Vec<String>> {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

    use crate::entities::{order_line, quote, rfq};

    let template = order_by_po(db, TEMPLATE_ORDER_PO)
        .await?
        .ok_or_else(|| crate::DomainError::not_found("the demo's Thai order"))?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(template.id))
        .all(db)
        .await?;
    let rfq = rfq::Entity::find_by_id(template.rfq_id)
        .one(db)
        .await?
        .ok_or_else(|| crate::DomainError::not_found("the demo order's RFQ"))?;
    let quote = quote::Entity::find_by_id(template.quote_id)
        .one(db)
        .await?
        .ok_or_else(|| crate::DomainError::not_found("the demo order's quote"))?;
    let mut numbers = Vec::new();
    for i in 0..count {
        // An order comes from its own accepted quote of its own RFQ (both unique per order).
        let rfq_id = uuid::Uuid::now_v7();
        let mut r = rfq.clone().into_active_model().reset_all();
        r.id = Set(rfq_id);
        r.number = Set(format!("RFQ-{tag}-{i:05}"));
        r.insert(db).await?;
        let quote_id = uuid::Uuid::now_v7();
        let mut q = quote.clone().into_active_model().reset_all();
        q.id = Set(quote_id);
        q.rfq_id = Set(rfq_id);
        q.number = Set(format!("Q-{tag}-{i:05}"));
        q.insert(db).await?;
        let id = uuid::Uuid::now_v7();
        let number = format!("ORD-{tag}-{i:05}");
        let mut o = template.clone().into_active_model().reset_all();
        o.id = Set(id);
        o.rfq_id = Set(rfq_id);
        o.quote_id = Set(quote_id);
        o.number = Set(number.clone());
        o.status = Set(OrderStatus::ReadyToShip.as_str().to_owned());
        o.invoice_number = Set(Some(format!("INV-{tag}-{i}")));
        o.invoice_date = Set(Some(now.date_naive()));
        o.port_of_loading = Set(Some(
            template
                .port_of_loading
                .clone()
                .unwrap_or_else(|| "CNNGB".to_owned()),
        ));
        o.shipment_references = Set(serde_json::json!(["MSKU1234565"]));
        o.departure_date = Set(Some(now.date_naive() + chrono::Days::new(2)));
        o.vessel = Set(Some("Wan Hai 316".to_owned()));
        o.voyage = Set(Some("S112".to_owned()));
        o.created_at = Set(now);
        o.updated_at = Set(now);
        o.insert(db).await?;
        crate::entities::order_reference::ActiveModel {
            order_id: Set(id),
            reference: Set("MSKU1234565".to_owned()),
        }
        .insert(db)
        .await?;
        for l in &lines {
            let mut l = l.clone().into_active_model().reset_all();
            l.id = Set(uuid::Uuid::now_v7());
            l.order_id = Set(id);
            l.insert(db).await?;
        }
        numbers.push(number);
    }
    Ok(numbers)
}
