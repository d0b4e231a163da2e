//! The demo buying flow: six buyer companies in RCEP markets (JP, VN, MY, AU, TH, KR) with
//! RFQs, quotes and orders in every state, written through [`store`](super::store) — the
//! same services, transitions and outbox events as real use — with times spread over the
//! last weeks. Seeded once, when the demo catalog is there and no RFQ exists yet.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::forms::{CounterForm, CounterLineForm, ExportDataForm, RfqForm, RfqLineForm};
use super::order::OrderStatus;
use super::quote::QuoteStep;
use super::rfq::RfqStep;
use super::store::{self, Caller, StepInput};
use super::{Party, Source};
use crate::auth::role::Role;
use crate::entities::{product, rfq, user};
use crate::views::CompanyForm;
use crate::{DomainError, DomainResult};

/// One demo buyer: who, their company, and where their goods go.
struct Buyer {
    email: &'static str,
    name: &'static str,
    company: &'static str,
    country: &'static str,
    address: &'static str,
    registration_id: &'static str,
    /// The language they read mail in.
    locale: &'static str,
}

const BUYERS: [Buyer; 6] = [
    Buyer {
        email: "kenji.mori@osaka-kogyo.example",
        name: "Kenji Mori",
        company: "Osaka Kogyo Trading KK",
        country: "JP",
        address: "2-4-1 Nakanoshima, Kita-ku, Osaka 530-0005",
        registration_id: "T5120001234567",
        locale: "ja",
    },
    Buyer {
        email: "thu.nguyen@saigon-parts.example",
        name: "Nguyễn Thu",
        company: "Saigon Parts JSC",
        country: "VN",
        address: "72 Lê Thánh Tôn, Bến Nghé, Quận 1, TP. Hồ Chí Minh",
        registration_id: "0312345678",
        locale: "vi",
    },
    Buyer {
        email: "aziz@klang-industrial.example",
        name: "Aziz Rahman",
        company: "Klang Industrial Supply Sdn Bhd",
        country: "MY",
        address: "Lot 12, Jalan Pelabuhan Utara, 42000 Port Klang, Selangor",
        registration_id: "201901012345",
        locale: "ms",
    },
    Buyer {
        email: "jack.wilson@brisbane-equipment.example",
        name: "Jack Wilson",
        company: "Brisbane Equipment Pty Ltd",
        country: "AU",
        address: "18 Lytton Road, Hemmant QLD 4174",
        registration_id: "53 004 085 616",
        locale: "en",
    },
    Buyer {
        email: "somchai@bangkok-machinery.example",
        name: "Somchai Wongsakul",
        company: "Bangkok Machinery Co., Ltd.",
        country: "TH",
        address: "99 Rama IV Road, Khlong Toei, Bangkok 10110",
        registration_id: "0105561234567",
        locale: "th",
    },
    Buyer {
        email: "jiwoo.park@busan-trading.example",
        name: "Park Ji-woo",
        company: "Busan Global Trading Co., Ltd.",
        country: "KR",
        address: "45 Jungang-daero, Jung-gu, Busan 48939",
        registration_id: "602-81-12345",
        locale: "ko",
    },
];

/// What was seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoTrade {
    Seeded {
        rfqs: usize,
        orders: usize,
    },
    /// RFQs exist already, or there is no demo catalog.
    Skipped,
}

pub(crate) fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "demo@portfront".to_owned(),
        party: Party::Staff,
        company_id: None,
        source: Source::Ui,
    }
}

async fn buyer<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    b: &Buyer,
    now: DateTime<Utc>,
) -> DomainResult<Caller> {
    let id = Uuid::now_v7();
    let mut account =
        crate::auth::users::new_account(b.email, b.name.to_owned(), Role::BuyerAdmin, now);
    account.id = Set(id);
    account.email_verified = Set(true);
    account.locale = Set(Some(b.locale.to_owned()));
    account.insert(db).await?;
    let company = crate::auth::companies::onboard(
        db,
        id,
        &CompanyForm {
            name: b.company.to_owned(),
            country: b.country.to_owned(),
            address: b.address.to_owned(),
            registration_id: b.registration_id.to_owned(),
            contact_phone: String::new(),
        },
        None,
        now,
    )
    .await?;
    let company_id = company
        .id
        .parse()
        .map_err(|_| DomainError::invalid("company", "the demo company has no id"))?;
    Ok(Caller::buyer(id, b.email, company_id))
}

async fn product_id<C: ConnectionTrait>(db: &C, sku: &str) -> DomainResult<String> {
    product::Entity::find()
        .filter(product::Column::Sku.eq(sku))
        .one(db)
        .await?
        .map(|p| p.id.to_string())
        .ok_or_else(|| DomainError::not_found(format!("demo product {sku}")))
}

/// An RFQ of catalog lines `(sku, quantity, target price)`.
#[expect(
    clippy::too_many_arguments,
    reason = "one RFQ's terms, named at each call"
)]
async fn send_rfq<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    lines: &[(&str, u64, &str)],
    incoterm: &str,
    named_place: &str,
    port: &str,
    po: &str,
    at: DateTime<Utc>,
) -> DomainResult<String> {
    let mut form_lines = Vec::new();
    for (sku, quantity, target) in lines {
        form_lines.push(RfqLineForm {
            product_id: product_id(db, sku).await?,
            description: String::new(),
            quantity: quantity.to_string(),
            unit: String::new(),
            target_price: (*target).to_owned(),
        });
    }
    let form = RfqForm {
        incoterm: incoterm.to_owned(),
        named_place: named_place.to_owned(),
        destination_port: port.to_owned(),
        required_by: (at + Duration::days(75)).date_naive().to_string(),
        po_number: po.to_owned(),
        notes: String::new(),
        currency: "USD".to_owned(),
        lines: form_lines,
    };
    store::submit_rfq(db, caller, &form, at).await
}

/// Staff quote the RFQ at the catalog's prices (with freight) and send it. Returns the quote.
async fn quote_and_send<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    rfq_number: &str,
    freight: &str,
    at: DateTime<Utc>,
) -> DomainResult<String> {
    let staff = staff();
    let (mut form, _) = super::queries::quote_form(db, &staff, rfq_number, at.date_naive()).await?;
    form.freight = freight.to_owned();
    let number = store::save_quote(db, &staff, rfq_number, &form, at).await?;
    step(db, &staff, &number, QuoteStep::Send, at).await?;
    Ok(number)
}

async fn step<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    quote: &str,
    s: QuoteStep,
    at: DateTime<Utc>,
) -> DomainResult<Option<String>> {
    Ok(
        store::quote_step(db, caller, quote, s, StepInput::default(), at)
            .await?
            .1,
    )
}

async fn advance<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    order: &str,
    to: &[OrderStatus],
    mut at: DateTime<Utc>,
) -> DomainResult<()> {
    for s in to {
        at += Duration::days(3);
        store::transition_order(db, &staff(), order, *s, None, at).await?;
    }
    Ok(())
}

async fn export_data<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    order: &str,
    invoice: &str,
    references: &str,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    let form = ExportDataForm {
        invoice_number: invoice.to_owned(),
        invoice_date: at.date_naive().to_string(),
        port_of_loading: String::new(),
        shipment_references: references.to_owned(),
        departure_date: (at + Duration::days(1)).date_naive().to_string(),
        vessel: "HMM Garnet".to_owned(),
        voyage: "0057E".to_owned(),
        port_of_discharge: String::new(),
        transport_mode: "sea".to_owned(),
        lines: Vec::new(),
    };
    store::save_export_data(db, &staff(), order, &form, at).await
}

/// Seeds the demo buying flow (see the module notes).
pub async fn seed<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> DomainResult<DemoTrade> {
    if rfq::Entity::find().count(db).await? > 0
        || product::Entity::find()
            .filter(product::Column::Sku.eq("PF-ME-1010"))
            .count(db)
            .await?
            == 0
        || user::Entity::find()
            .filter(user::Column::Email.eq(BUYERS[0].email))
            .count(db)
            .await?
            > 0
    {
        return Ok(DemoTrade::Skipped);
    }
    let ago = |days: i64| now - Duration::days(days);
    let mut callers = Vec::new();
    for b in &BUYERS {
        callers.push(buyer(db, b, ago(60)).await?);
    }
    let [jp, vn, my, au, th, kr] = &callers[..] else {
        return Ok(DemoTrade::Skipped);
    };
    let mut rfqs = 0;
    let mut orders = 0;

    // JP: two RFQs waiting for the exporter (one fresh, one four days old).
    send_rfq(
        db,
        jp,
        &[("PF-ME-1070", 96, "185.00"), ("PF-ME-1080", 400, "")],
        "CIF",
        "Osaka, Japan",
        "JPOSA",
        "OKT-2026-118",
        ago(4),
    )
    .await?;
    send_rfq(
        db,
        jp,
        &[("PF-FU-3050", 200, "")],
        "FOB",
        "Shanghai, China",
        "JPUKB",
        "",
        now - Duration::hours(5),
    )
    .await?;
    rfqs += 2;

    // VN: staff asked for information; a second one was declined.
    let r = send_rfq(
        db,
        vn,
        &[("PF-PK-5050", 1000, "")],
        "FOB",
        "Shanghai Yangshan, China",
        "VNCMT",
        "SP-PO-5521",
        ago(9),
    )
    .await?;
    store::rfq_step(db, &staff(), &r, RfqStep::RequestInfo, Some("Do you need the pallets with steel reinforcement for racking, or the standard nestable type?"), ago(8)).await?;
    let r = send_rfq(
        db,
        vn,
        &[("PF-ME-1060", 1, "")],
        "EXW",
        "Ningbo, China",
        "VNSGN",
        "",
        ago(20),
    )
    .await?;
    store::rfq_step(db, &staff(), &r, RfqStep::Decline, Some("The control cabinet needs a full electrical specification; please send the drawings and we will quote it as a new request."), ago(18)).await?;
    rfqs += 2;

    // MY: a quote waiting for the buyer; AU: a quote the buyer countered.
    let r = send_rfq(
        db,
        my,
        &[("PF-TX-2050", 2000, ""), ("PF-TX-2070", 800, "")],
        "CIF",
        "Port Klang, Malaysia",
        "MYPKG",
        "KIS-7781",
        ago(6),
    )
    .await?;
    quote_and_send(db, &r, "1250", ago(5)).await?;
    let r = send_rfq(
        db,
        au,
        &[("PF-FU-3010", 300, "52.00")],
        "CIF",
        "Brisbane, Australia",
        "AUBNE",
        "BE-2026-044",
        ago(12),
    )
    .await?;
    let q = quote_and_send(db, &r, "2400", ago(11)).await?;
    let counter = CounterForm {
        message: "We can commit to 400 chairs at 54.50 each.".to_owned(),
        lines: vec![CounterLineForm {
            key: 1,
            quantity: "400".to_owned(),
            unit_price: "54.50".to_owned(),
        }],
    };
    store::quote_step(
        db,
        au,
        &q,
        QuoteStep::Counter,
        StepInput {
            version: Some(1),
            reason: None,
            counter: Some(&counter),
        },
        ago(10),
    )
    .await?;
    rfqs += 2;

    // AU: an older quote that ran out.
    let r = send_rfq(
        db,
        au,
        &[("PF-PK-5030", 6000, "")],
        "FOB",
        "Ningbo, China",
        "AUMEL",
        "",
        ago(50),
    )
    .await?;
    quote_and_send(db, &r, "0", ago(48)).await?;
    store::expire_due(db, now).await?;
    rfqs += 1;

    // TH: an order just confirmed and one in production.
    let r = send_rfq(
        db,
        th,
        &[("PF-ME-1010", 1000, "")],
        "CIF",
        "Laem Chabang, Thailand",
        "THLCH",
        "BM-PO-3301",
        ago(30),
    )
    .await?;
    let q = quote_and_send(db, &r, "680", ago(29)).await?;
    step(db, th, &q, QuoteStep::Accept, ago(27)).await?;
    let r = send_rfq(
        db,
        th,
        &[("PF-ME-1030", 100, ""), ("PF-ME-1020", 800, "")],
        "FOB",
        "Ningbo, China",
        "THBKK",
        "BM-PO-3302",
        ago(5),
    )
    .await?;
    let q = quote_and_send(db, &r, "0", ago(4)).await?;
    if let Some(o) = step(db, th, &q, QuoteStep::Accept, ago(4)).await? {
        // In production since yesterday: the newest demo change is a day old.
        advance(db, &o, &[OrderStatus::InProduction], ago(4)).await?;
    }
    rfqs += 2;
    orders += 2;

    // KR: two orders ready to ship with their export data complete (what the e-CO needs next).
    for (i, (lines, po, invoice, refs)) in [
        (
            vec![("PF-FU-3020", 120, ""), ("PF-FU-3060", 60, "")],
            "BGT-2026-0912",
            "HL-INV-2026-0311",
            "MEDU4471207\nVNCMT-BKG-778120",
        ),
        (
            vec![("PF-TX-2020", 6000, "")],
            "BGT-2026-0935",
            "HL-INV-2026-0326",
            "COSU6213904551",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let start = ago(45 - i64::try_from(i).unwrap_or(0) * 10);
        let r = send_rfq(db, kr, &lines, "CIF", "Busan, Korea", "KRPUS", po, start).await?;
        let q = quote_and_send(db, &r, "1850", start + Duration::days(1)).await?;
        if let Some(o) = step(db, kr, &q, QuoteStep::Accept, start + Duration::days(2)).await? {
            advance(
                db,
                &o,
                &[OrderStatus::InProduction, OrderStatus::ReadyToShip],
                start + Duration::days(2),
            )
            .await?;
            export_data(db, &o, invoice, refs, start + Duration::days(9)).await?;
        }
        rfqs += 1;
        orders += 1;
    }
    Ok(DemoTrade::Seeded { rfqs, orders })
}
