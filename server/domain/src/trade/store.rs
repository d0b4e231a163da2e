//! The buying flow's services: each call checks its input and the caller, then writes the new
//! state, the [`transitions`](crate::entities::transition) record and the outbox event in one
//! transaction. Buyers reach only their own company's records: anything else is "not found",
//! never someone else's data.
//!
//! Races: a step's status change is a conditional update (`… WHERE status = <expected>`) made
//! before anything else in its transaction, so of two concurrent steps on one record one wins
//! and the other is told the record moved on; `orders.quote_id` is unique besides, so a quote
//! becomes one order at most.

use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::amounts::{self, Amounts, PricedLine, decimal_text, money_text, parse_decimal};
use super::events::{OrderTransitioned, TradeEvent};
pub use super::forms::ExportDataForm;
use super::forms::{CounterForm, QuoteForm, RfqForm};
use super::order::{OrderFacts, OrderStatus};
use super::quote::{
    self, CounterLine, HeaderTerms, LineTerms, QuoteStatus, QuoteStep, VersionDiff,
};
use super::rfq::{RfqStatus, RfqStep};
pub use super::views::{CompanyRef, OrderDetail, OrderLineView, OrderRow, TransitionRecord};
use super::{Party, Source, certificates, numbers, outbox};
use crate::codes::{Currency, Incoterm, UnLocode, UnitCode};
use crate::entities::{
    company, order, order_line, order_reference, product, quote as quote_e, quote_counter,
    quote_line, quote_version, rfq, rfq_line, transition,
};
use crate::form::FormCheck;
use crate::logistics::locations::LocationMaster;
use crate::views::time_text;
use crate::{DomainError, DomainResult};

/// The most lines on one RFQ or quote.
pub const MAX_LINES: usize = 50;
/// The longest lead time a line may quote.
pub const MAX_LEAD_TIME_DAYS: i64 = 730;

/// Who calls, from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Option<Uuid>,
    /// E-mail, API client name or `system` (recorded with each transition).
    pub name: String,
    pub party: Party,
    /// The buyer's company (buyers only).
    pub company_id: Option<Uuid>,
    pub source: Source,
}

impl Caller {
    /// A member of a buyer company in the browser.
    pub fn buyer(user_id: Uuid, email: &str, company_id: Uuid) -> Self {
        Self {
            user_id: Some(user_id),
            name: email.to_owned(),
            party: Party::Buyer,
            company_id: Some(company_id),
            source: Source::Ui,
        }
    }

    /// A staff member in the admin panel.
    pub fn staff(user_id: Uuid, email: &str) -> Self {
        Self {
            user_id: Some(user_id),
            name: email.to_owned(),
            party: Party::Staff,
            company_id: None,
            source: Source::Ui,
        }
    }

    /// The server itself.
    pub fn system(source: Source) -> Self {
        Self {
            user_id: None,
            name: "system".to_owned(),
            party: Party::System,
            company_id: None,
            source,
        }
    }

    /// Whether the caller may see records of `company_id`.
    fn sees(&self, company_id: Uuid) -> bool {
        match self.party {
            Party::Buyer => self.company_id == Some(company_id),
            Party::Staff | Party::System => true,
        }
    }

    fn require_staff(&self, what: &str) -> DomainResult<()> {
        if self.party == Party::Buyer {
            return Err(DomainError::Forbidden(format!(
                "only the exporter's staff can {what}"
            )));
        }
        Ok(())
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one record's fields, named at each call"
)]
async fn record_transition<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    subject: &str,
    subject_id: Uuid,
    from: Option<&str>,
    to: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    transition::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject: Set(subject.to_owned()),
        subject_id: Set(subject_id),
        from_status: Set(from.map(str::to_owned)),
        to_status: Set(to.to_owned()),
        actor_user_id: Set(caller.user_id),
        actor: Set(caller.name.chars().take(254).collect()),
        party: Set(caller.party.as_str().to_owned()),
        source: Set(caller.source.as_str().to_owned()),
        reason: Set(reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| r.chars().take(2000).collect())),
        at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

fn parse_date(check: &mut FormCheck, field: &str, value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            check.add(field, "invalid_date", "enter a date as YYYY-MM-DD");
            None
        }
    }
}

fn parse_code<T>(
    check: &mut FormCheck,
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Result<T, crate::codes::CodeError>,
) -> Option<T> {
    if value.trim().is_empty() {
        check.add(field, "required", "this field is required");
        return None;
    }
    match parse(value.trim()) {
        Ok(v) => Some(v),
        Err(e) => {
            check.add(field, "invalid", e.to_string());
            None
        }
    }
}

fn parse_amount(check: &mut FormCheck, field: &str, value: &str) -> Option<Decimal> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match Decimal::from_str(v) {
        Ok(d) => Some(d),
        Err(_) => {
            check.add(field, "not_a_number", "enter an amount like 12.50");
            None
        }
    }
}

fn port_known(check: &mut FormCheck, field: &str, value: &str) -> Option<UnLocode> {
    let code = parse_code(check, field, value, UnLocode::parse)?;
    match LocationMaster::embedded().get(&code) {
        Some(port) => Some(port.unlocode.clone()),
        None => {
            check.add(
                field,
                "unknown_port",
                format!("{code} is not a port we know; pick one from the list"),
            );
            None
        }
    }
}

fn quantity(check: &mut FormCheck, field: &str, value: &str) -> u64 {
    let n = check.integer(
        field,
        value,
        1,
        i64::try_from(amounts::MAX_QUANTITY).unwrap_or(i64::MAX),
    );
    u64::try_from(n).unwrap_or(1)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// An RFQ's fields once checked.
struct ValidRfq {
    incoterm: Incoterm,
    named_place: String,
    destination_port: UnLocode,
    required_by: Option<NaiveDate>,
    po_number: Option<String>,
    notes: String,
    currency: Currency,
    lines: Vec<ValidRfqLine>,
}

struct ValidRfqLine {
    product_id: Option<Uuid>,
    description: String,
    quantity: u64,
    unit: String,
    target_price: Option<Decimal>,
}

async fn check_rfq<C: ConnectionTrait>(
    db: &C,
    form: &RfqForm,
    today: NaiveDate,
) -> DomainResult<ValidRfq> {
    let mut check = FormCheck::new();
    let incoterm = parse_code(&mut check, "incoterm", &form.incoterm, Incoterm::parse);
    let named_place = check.text("named_place", &form.named_place, 100, false);
    let destination_port = port_known(&mut check, "destination_port", &form.destination_port);
    let required_by = parse_date(&mut check, "required_by", &form.required_by);
    if required_by.is_some_and(|d| d < today) {
        check.add("required_by", "date_in_past", "pick today or a later date");
    }
    let po_number = check.optional_text("po_number", &form.po_number, 35);
    let notes = form.notes.trim().to_owned();
    if notes.chars().count() > 4000 {
        check.add("notes", "too_long", "use at most 4000 characters");
    }
    let currency = parse_code(&mut check, "currency", &form.currency, Currency::parse);
    if form.lines.is_empty() {
        check.add("lines", "required", "add at least one line");
    } else if form.lines.len() > MAX_LINES {
        check.add(
            "lines",
            "too_many",
            format!("use at most {MAX_LINES} lines"),
        );
    }
    let mut lines = Vec::with_capacity(form.lines.len());
    for (i, l) in form.lines.iter().take(MAX_LINES).enumerate() {
        let field = |f: &str| format!("lines[{i}].{f}");
        let product = if l.product_id.trim().is_empty() {
            None
        } else {
            match Uuid::parse_str(l.product_id.trim()) {
                Ok(id) => {
                    let p = product::Entity::find_by_id(id)
                        .filter(product::Column::Published.eq(true))
                        .one(db)
                        .await?;
                    if p.is_none() {
                        check.add(&field("product_id"), "unknown_product", "this product is no longer in the catalog; remove the line or describe the item");
                    }
                    p
                }
                Err(_) => {
                    check.add(
                        &field("product_id"),
                        "unknown_product",
                        "this product is not in the catalog",
                    );
                    None
                }
            }
        };
        let description = match (&product, l.description.trim()) {
            (Some(p), "") => p.sku.clone(),
            _ => check.text(&field("description"), &l.description, 200, false),
        };
        let quantity = quantity(&mut check, &field("quantity"), &l.quantity);
        let unit = match &product {
            Some(p) => p.unit.clone(),
            None => parse_code(&mut check, &field("unit"), &l.unit, UnitCode::parse)
                .map(|u| u.as_str().to_owned())
                .unwrap_or_default(),
        };
        let target_price = parse_amount(&mut check, &field("target_price"), &l.target_price)
            .and_then(
                |p| match amounts::check_unit_price(&field("target_price"), p) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        check.add(&e.field, e.code, e.message);
                        None
                    }
                },
            );
        lines.push(ValidRfqLine {
            product_id: product.map(|p| p.id),
            description,
            quantity,
            unit,
            target_price,
        });
    }
    check.finish()?;
    let (Some(incoterm), Some(destination_port), Some(currency)) =
        (incoterm, destination_port, currency)
    else {
        return Err(DomainError::invalid("form", "the form is incomplete"));
    };
    Ok(ValidRfq {
        incoterm,
        named_place,
        destination_port,
        required_by,
        po_number,
        notes,
        currency,
        lines,
    })
}

/// A buyer sends an RFQ for their company. Returns its number.
pub async fn submit_rfq<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    form: &RfqForm,
    now: DateTime<Utc>,
) -> DomainResult<String> {
    let Some(company_id) = caller.company_id.filter(|_| caller.party == Party::Buyer) else {
        return Err(DomainError::Forbidden(
            "requests for quotation are sent by a buyer company's members; set up your company first".to_owned(),
        ));
    };
    let v = check_rfq(db, form, now.date_naive()).await?;
    let txn = db.begin().await?;
    let id = Uuid::now_v7();
    let number = numbers::next(&txn, "RFQ", now.year()).await?;
    rfq::ActiveModel {
        id: Set(id),
        number: Set(number.clone()),
        company_id: Set(company_id),
        created_by: Set(caller.user_id.unwrap_or_default()),
        status: Set(RfqStatus::Submitted.as_str().to_owned()),
        incoterm: Set(v.incoterm.as_str().to_owned()),
        named_place: Set(v.named_place),
        destination_port: Set(v.destination_port.as_str().to_owned()),
        required_by: Set(v.required_by),
        po_number: Set(v.po_number),
        notes: Set(v.notes),
        currency: Set(v.currency.code().to_owned()),
        assignee_id: Set(None),
        decline_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for (i, l) in v.lines.into_iter().enumerate() {
        rfq_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            rfq_id: Set(id),
            position: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            product_id: Set(l.product_id),
            description: Set(l.description),
            quantity: Set(to_i64(l.quantity)),
            unit: Set(l.unit),
            target_price: Set(l.target_price.map(decimal_text)),
        }
        .insert(&txn)
        .await?;
    }
    record_transition(
        &txn,
        caller,
        "rfq",
        id,
        None,
        RfqStatus::Submitted.as_str(),
        None,
        now,
    )
    .await?;
    outbox::enqueue(
        &txn,
        &TradeEvent::RfqSubmitted {
            rfq_id: id.to_string(),
            number: number.clone(),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(number)
}

pub(super) async fn find_rfq<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
) -> DomainResult<rfq::Model> {
    rfq::Entity::find()
        .filter(rfq::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .filter(|r| caller.sees(r.company_id))
        .ok_or_else(|| DomainError::not_found(format!("request for quotation {}", number.trim())))
}

/// Moves a row's `status` from `from` to `to` if it is still `from`; false when another
/// request moved it first. The first write of its transaction (see the module notes).
#[expect(
    clippy::too_many_arguments,
    reason = "the row, its status column and the two states"
)]
async fn swap_status<E, C>(
    txn: &C,
    id_col: E::Column,
    id: Uuid,
    status_col: E::Column,
    updated_col: E::Column,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> DomainResult<bool>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let res = E::update_many()
        .col_expr(status_col, Expr::value(to))
        .col_expr(updated_col, Expr::value(now))
        .filter(id_col.eq(id))
        .filter(status_col.eq(from))
        .exec(txn)
        .await?;
    Ok(res.rows_affected == 1)
}

fn moved_on(what: &str) -> DomainError {
    DomainError::Conflict(format!(
        "the {what} was changed by someone else a moment ago; reload the page to see its current state"
    ))
}

/// A step on an RFQ other than quoting: ask for information, answer, decline, withdraw.
pub async fn rfq_step<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    step: RfqStep,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<RfqStatus> {
    if step == RfqStep::Quote {
        return Err(DomainError::invalid(
            "step",
            "an RFQ is quoted by sending its quote",
        ));
    }
    let r = find_rfq(db, caller, number).await?;
    let from = RfqStatus::parse(&r.status).unwrap_or(RfqStatus::Submitted);
    let to = from.next(step, caller.party, reason)?;
    let txn = db.begin().await?;
    if !swap_status::<rfq::Entity, _>(
        &txn,
        rfq::Column::Id,
        r.id,
        rfq::Column::Status,
        rfq::Column::UpdatedAt,
        from.as_str(),
        to.as_str(),
        now,
    )
    .await?
    {
        return Err(moved_on("request for quotation"));
    }
    if step == RfqStep::Decline {
        rfq::Entity::update_many()
            .col_expr(
                rfq::Column::DeclineReason,
                Expr::value(reason.map(|r| r.trim().to_owned())),
            )
            .filter(rfq::Column::Id.eq(r.id))
            .exec(&txn)
            .await?;
    }
    record_transition(
        &txn,
        caller,
        "rfq",
        r.id,
        Some(from.as_str()),
        to.as_str(),
        reason,
        now,
    )
    .await?;
    let (rfq_id, number) = (r.id.to_string(), r.number.clone());
    let event = match step {
        RfqStep::RequestInfo => TradeEvent::InfoRequested { rfq_id, number },
        RfqStep::ProvideInfo => TradeEvent::InfoProvided { rfq_id, number },
        RfqStep::Decline => TradeEvent::RfqDeclined { rfq_id, number },
        RfqStep::Cancel | RfqStep::Quote => TradeEvent::RfqCancelled { rfq_id, number },
    };
    outbox::enqueue(&txn, &event, now).await?;
    txn.commit().await?;
    Ok(to)
}

/// Staff assign an RFQ to a staff member (or to nobody).
pub async fn assign_rfq<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    assignee: Option<Uuid>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    caller.require_staff("assign requests for quotation")?;
    let r = find_rfq(db, caller, number).await?;
    if let Some(a) = assignee {
        let staff = crate::entities::user::Entity::find_by_id(a).one(db).await?;
        let is_staff = staff
            .as_ref()
            .and_then(|u| crate::auth::role::Role::parse(&u.role))
            .is_some_and(|role| role.is_staff());
        if !is_staff {
            return Err(DomainError::invalid("assignee", "pick a member of staff"));
        }
    }
    rfq::Entity::update_many()
        .col_expr(rfq::Column::AssigneeId, Expr::value(assignee))
        .col_expr(rfq::Column::UpdatedAt, Expr::value(now))
        .filter(rfq::Column::Id.eq(r.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A quote version's terms once checked.
struct ValidQuote {
    header: HeaderTerms,
    valid_until: NaiveDate,
    internal_notes: String,
    currency: Currency,
    lines: Vec<(LineTerms, Option<Uuid>, String)>,
}

fn check_quote(form: &QuoteForm, today: NaiveDate) -> DomainResult<ValidQuote> {
    let mut check = FormCheck::new();
    let currency = parse_code(&mut check, "currency", &form.currency, Currency::parse);
    let incoterm = parse_code(&mut check, "incoterm", &form.incoterm, Incoterm::parse);
    let named_place = check.text("named_place", &form.named_place, 100, false);
    let payment_terms = check.text("payment_terms", &form.payment_terms, 1000, true);
    let valid_until = parse_date(&mut check, "valid_until", &form.valid_until);
    if valid_until.is_none() && !check.has("valid_until") {
        check.add("valid_until", "required", "this field is required");
    }
    if valid_until.is_some_and(|d| d < today) {
        check.add("valid_until", "date_in_past", "pick today or a later date");
    }
    let internal_notes = form.internal_notes.trim().to_owned();
    if internal_notes.chars().count() > 4000 {
        check.add("internal_notes", "too_long", "use at most 4000 characters");
    }
    let mut charge = |field: &str, value: &str| -> Decimal {
        let Some(d) = parse_amount(&mut check, field, value) else {
            return Decimal::ZERO;
        };
        match currency.map(|c| amounts::check_charge(field, d, c)) {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                check.add(&e.field, e.code, e.message);
                Decimal::ZERO
            }
            None => d,
        }
    };
    let freight = charge("freight", &form.freight);
    let insurance = charge("insurance", &form.insurance);
    if form.lines.is_empty() {
        check.add("lines", "required", "add at least one line");
    } else if form.lines.len() > MAX_LINES {
        check.add(
            "lines",
            "too_many",
            format!("use at most {MAX_LINES} lines"),
        );
    }
    let mut next_key = form.lines.iter().map(|l| l.key).max().unwrap_or(0);
    let mut lines = Vec::with_capacity(form.lines.len());
    let mut seen = Vec::new();
    for (i, l) in form.lines.iter().take(MAX_LINES).enumerate() {
        let field = |f: &str| format!("lines[{i}].{f}");
        let key = if l.key == 0 {
            next_key += 1;
            next_key
        } else {
            l.key
        };
        if seen.contains(&key) {
            check.add(&field("key"), "duplicate", "this line appears twice");
        }
        seen.push(key);
        let description = check.text(&field("description"), &l.description, 200, false);
        let quantity = quantity(&mut check, &field("quantity"), &l.quantity);
        let unit = parse_code(&mut check, &field("unit"), &l.unit, UnitCode::parse)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default();
        let unit_price = match parse_amount(&mut check, &field("unit_price"), &l.unit_price) {
            None => {
                if !check.has(&field("unit_price")) {
                    check.add(&field("unit_price"), "required", "enter the unit price");
                }
                Decimal::ZERO
            }
            Some(p) => amounts::check_unit_price(&field("unit_price"), p).unwrap_or_else(|e| {
                check.add(&e.field, e.code, e.message);
                Decimal::ZERO
            }),
        };
        let lead = check.integer(
            &field("lead_time_days"),
            &l.lead_time_days,
            0,
            MAX_LEAD_TIME_DAYS,
        );
        let product_id = Uuid::parse_str(l.product_id.trim()).ok();
        lines.push((
            LineTerms {
                key,
                description,
                quantity,
                unit_price,
                lead_time_days: u32::try_from(lead).unwrap_or(0),
            },
            product_id,
            unit,
        ));
    }
    check.finish()?;
    let (Some(currency), Some(incoterm), Some(valid_until)) = (currency, incoterm, valid_until)
    else {
        return Err(DomainError::invalid("form", "the form is incomplete"));
    };
    Ok(ValidQuote {
        header: HeaderTerms {
            currency: currency.code().to_owned(),
            incoterm: incoterm.as_str().to_owned(),
            named_place,
            freight,
            insurance,
            payment_terms,
            valid_until: valid_until.to_string(),
        },
        valid_until,
        internal_notes,
        currency,
        lines,
    })
}

async fn write_version<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    quote_id: Uuid,
    version: i32,
    v: &ValidQuote,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let priced: Vec<PricedLine> = v
        .lines
        .iter()
        .map(|(l, _, _)| PricedLine {
            quantity: l.quantity,
            unit_price: l.unit_price,
        })
        .collect();
    let a = Amounts::compute(v.currency, &priced, v.header.freight, v.header.insurance);
    let version_id = Uuid::now_v7();
    quote_version::ActiveModel {
        id: Set(version_id),
        quote_id: Set(quote_id),
        version: Set(version),
        currency: Set(v.header.currency.clone()),
        incoterm: Set(v.header.incoterm.clone()),
        named_place: Set(v.header.named_place.clone()),
        freight: Set(money_text(a.freight, v.currency)),
        insurance: Set(money_text(a.insurance, v.currency)),
        payment_terms: Set(v.header.payment_terms.clone()),
        valid_until: Set(v.valid_until),
        internal_notes: Set(v.internal_notes.clone()),
        subtotal: Set(money_text(a.subtotal, v.currency)),
        total: Set(money_text(a.total, v.currency)),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        sent_at: Set(None),
    }
    .insert(txn)
    .await?;
    for ((l, product_id, unit), total) in v.lines.iter().zip(&a.line_totals) {
        quote_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            quote_version_id: Set(version_id),
            position: Set(i32::try_from(l.key).unwrap_or(i32::MAX)),
            product_id: Set(*product_id),
            description: Set(l.description.clone()),
            quantity: Set(to_i64(l.quantity)),
            unit: Set(unit.clone()),
            unit_price: Set(decimal_text(l.unit_price)),
            lead_time_days: Set(i32::try_from(l.lead_time_days).unwrap_or(0)),
            line_total: Set(money_text(*total, v.currency)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

pub(super) async fn find_quote<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
) -> DomainResult<(quote_e::Model, rfq::Model)> {
    let not_found = || DomainError::not_found(format!("quote {}", number.trim()));
    let q = quote_e::Entity::find()
        .filter(quote_e::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let r = rfq::Entity::find_by_id(q.rfq_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let status = QuoteStatus::parse(&q.status).unwrap_or(QuoteStatus::Draft);
    if !caller.sees(r.company_id) || (caller.party == Party::Buyer && !status.visible_to_buyer()) {
        return Err(not_found());
    }
    Ok((q, r))
}

pub(super) async fn current_version<C: ConnectionTrait>(
    db: &C,
    q: &quote_e::Model,
) -> DomainResult<quote_version::Model> {
    quote_version::Entity::find()
        .filter(quote_version::Column::QuoteId.eq(q.id))
        .filter(quote_version::Column::Version.eq(q.current_version))
        .one(db)
        .await?
        .ok_or_else(|| {
            DomainError::not_found(format!(
                "version {} of quote {}",
                q.current_version, q.number
            ))
        })
}

pub(super) async fn version_lines<C: ConnectionTrait>(
    db: &C,
    version_id: Uuid,
) -> DomainResult<Vec<quote_line::Model>> {
    Ok(quote_line::Entity::find()
        .filter(quote_line::Column::QuoteVersionId.eq(version_id))
        .order_by_asc(quote_line::Column::Position)
        .all(db)
        .await?)
}

/// Staff write the terms of the RFQ's quote: the first draft, or the current draft or
/// revision again. A sent quote is changed by revising it first. Returns the quote number.
pub async fn save_quote<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    rfq_number: &str,
    form: &QuoteForm,
    now: DateTime<Utc>,
) -> DomainResult<String> {
    caller.require_staff("write quotes")?;
    let r = find_rfq(db, caller, rfq_number).await?;
    let rfq_status = RfqStatus::parse(&r.status).unwrap_or(RfqStatus::Submitted);
    if rfq_status.is_closed() {
        return Err(DomainError::Conflict(format!(
            "request for quotation {} is {rfq_status}: it cannot be quoted",
            r.number
        )));
    }
    let v = check_quote(form, now.date_naive())?;
    let existing = quote_e::Entity::find()
        .filter(quote_e::Column::RfqId.eq(r.id))
        .one(db)
        .await?;
    let txn = db.begin().await?;
    let number = match existing {
        None => {
            let id = Uuid::now_v7();
            let number = numbers::next(&txn, "Q", now.year()).await?;
            quote_e::ActiveModel {
                id: Set(id),
                rfq_id: Set(r.id),
                number: Set(number.clone()),
                status: Set(QuoteStatus::Draft.as_str().to_owned()),
                current_version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            write_version(&txn, caller, id, 1, &v, now).await?;
            record_transition(
                &txn,
                caller,
                "quote",
                id,
                None,
                QuoteStatus::Draft.as_str(),
                None,
                now,
            )
            .await?;
            number
        }
        Some(q) => {
            let status = QuoteStatus::parse(&q.status).unwrap_or(QuoteStatus::Draft);
            if !status.editable() {
                return Err(DomainError::Conflict(format!(
                    "quote {} is {status}: revise it to change its terms (a new version)",
                    q.number
                )));
            }
            // The status check again as the transaction's first write (two editors at once).
            if !swap_status::<quote_e::Entity, _>(
                &txn,
                quote_e::Column::Id,
                q.id,
                quote_e::Column::Status,
                quote_e::Column::UpdatedAt,
                status.as_str(),
                status.as_str(),
                now,
            )
            .await?
            {
                return Err(moved_on("quote"));
            }
            quote_version::Entity::delete_many()
                .filter(quote_version::Column::QuoteId.eq(q.id))
                .filter(quote_version::Column::Version.eq(q.current_version))
                .exec(&txn)
                .await?;
            write_version(&txn, caller, q.id, q.current_version, &v, now).await?;
            q.number
        }
    };
    txn.commit().await?;
    Ok(number)
}

pub(super) fn line_terms(lines: &[quote_line::Model]) -> Vec<LineTerms> {
    lines
        .iter()
        .map(|l| LineTerms {
            key: u32::try_from(l.position).unwrap_or(0),
            description: l.description.clone(),
            quantity: to_u64(l.quantity),
            unit_price: parse_decimal(&l.unit_price),
            lead_time_days: u32::try_from(l.lead_time_days).unwrap_or(0),
        })
        .collect()
}

pub(super) fn header_terms(v: &quote_version::Model) -> HeaderTerms {
    HeaderTerms {
        currency: v.currency.clone(),
        incoterm: v.incoterm.clone(),
        named_place: v.named_place.clone(),
        freight: parse_decimal(&v.freight),
        insurance: parse_decimal(&v.insurance),
        payment_terms: v.payment_terms.clone(),
        valid_until: v.valid_until.to_string(),
    }
}

/// What a quote step needs besides the caller.
#[derive(Debug, Clone, Default)]
pub struct StepInput<'a> {
    /// The version the buyer looked at (accept and counter refuse a superseded one).
    pub version: Option<i32>,
    pub reason: Option<&'a str>,
    pub counter: Option<&'a CounterForm>,
}

fn check_counter(form: &CounterForm, lines: &[LineTerms]) -> DomainResult<Vec<CounterLine>> {
    let mut check = FormCheck::new();
    let mut out = Vec::new();
    for (i, l) in form.lines.iter().enumerate() {
        let field = |f: &str| format!("lines[{i}].{f}");
        if !lines.iter().any(|t| t.key == l.key) {
            check.add(
                &field("key"),
                "unknown_line",
                "this line is not in the quote",
            );
            continue;
        }
        let quantity = if l.quantity.trim().is_empty() {
            None
        } else {
            Some(quantity(&mut check, &field("quantity"), &l.quantity))
        };
        let unit_price =
            parse_amount(&mut check, &field("unit_price"), &l.unit_price).and_then(|p| {
                amounts::check_unit_price(&field("unit_price"), p)
                    .map_err(|e| check.add(&e.field, e.code, e.message))
                    .ok()
            });
        if quantity.is_some() || unit_price.is_some() {
            out.push(CounterLine {
                key: l.key,
                quantity,
                unit_price,
            });
        }
    }
    if out.is_empty() && !check.has("lines") && check.errors().is_empty() {
        check.add(
            "lines",
            "required",
            "propose another quantity or price on at least one line",
        );
    }
    if form.message.chars().count() > 4000 {
        check.add("message", "too_long", "use at most 4000 characters");
    }
    check.finish()?;
    Ok(out)
}

/// A step on a quote: send, counter, revise (with the buyer's counter applied when there is
/// one), accept (creates the order), decline, re-quote. Returns the new status and, for an
/// acceptance, the order number.
pub async fn quote_step<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    step: QuoteStep,
    input: StepInput<'_>,
    now: DateTime<Utc>,
) -> DomainResult<(QuoteStatus, Option<String>)> {
    let (q, r) = find_quote(db, caller, number).await?;
    let version = current_version(db, &q).await?;
    let past_validity = now.date_naive() > version.valid_until;
    let from = QuoteStatus::parse(&q.status).unwrap_or(QuoteStatus::Draft);
    if let Some(seen) = input.version
        && seen != q.current_version
        && matches!(step, QuoteStep::Accept | QuoteStep::Counter)
    {
        return Err(DomainError::Conflict(format!(
            "version {seen} of quote {} was superseded by version {}; review the new version first",
            q.number, q.current_version
        )));
    }
    let to = from.next(step, caller.party, past_validity)?;
    let lines = version_lines(db, version.id).await?;
    let terms = line_terms(&lines);
    let counter = match (step, input.counter) {
        (QuoteStep::Counter, Some(form)) => Some(check_counter(form, &terms)?),
        (QuoteStep::Counter, None) => {
            return Err(DomainError::invalid(
                "lines",
                "propose another quantity or price on at least one line",
            ));
        }
        _ => None,
    };
    let txn = db.begin().await?;
    if !swap_status::<quote_e::Entity, _>(
        &txn,
        quote_e::Column::Id,
        q.id,
        quote_e::Column::Status,
        quote_e::Column::UpdatedAt,
        from.as_str(),
        to.as_str(),
        now,
    )
    .await?
    {
        return Err(moved_on("quote"));
    }
    let mut order_number = None;
    let event_version = u32::try_from(q.current_version).unwrap_or(0);
    let (quote_id, qnumber) = (q.id.to_string(), q.number.clone());
    let event = match step {
        QuoteStep::Send => {
            quote_version::Entity::update_many()
                .col_expr(quote_version::Column::SentAt, Expr::value(now))
                .filter(quote_version::Column::Id.eq(version.id))
                .exec(&txn)
                .await?;
            let rfq_from = RfqStatus::parse(&r.status).unwrap_or(RfqStatus::Submitted);
            if rfq_from != RfqStatus::Quoted {
                let rfq_to = rfq_from.next(RfqStep::Quote, Party::Staff, None)?;
                if !swap_status::<rfq::Entity, _>(
                    &txn,
                    rfq::Column::Id,
                    r.id,
                    rfq::Column::Status,
                    rfq::Column::UpdatedAt,
                    rfq_from.as_str(),
                    rfq_to.as_str(),
                    now,
                )
                .await?
                {
                    return Err(moved_on("request for quotation"));
                }
                record_transition(
                    &txn,
                    caller,
                    "rfq",
                    r.id,
                    Some(rfq_from.as_str()),
                    rfq_to.as_str(),
                    None,
                    now,
                )
                .await?;
            }
            Some(TradeEvent::QuoteSent {
                quote_id,
                number: qnumber,
                version: event_version,
            })
        }
        QuoteStep::Counter => {
            let lines = counter.unwrap_or_default();
            quote_counter::ActiveModel {
                id: Set(Uuid::now_v7()),
                quote_id: Set(q.id),
                version: Set(q.current_version),
                lines: Set(serde_json::to_value(&lines).unwrap_or_default()),
                message: Set(input
                    .counter
                    .map(|c| c.message.trim().to_owned())
                    .unwrap_or_default()),
                created_by: Set(caller.user_id),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            Some(TradeEvent::QuoteCountered {
                quote_id,
                number: qnumber,
                version: event_version,
            })
        }
        QuoteStep::Revise | QuoteStep::Requote => {
            let mut new_lines = terms.clone();
            if from == QuoteStatus::Countered {
                let latest = quote_counter::Entity::find()
                    .filter(quote_counter::Column::QuoteId.eq(q.id))
                    .filter(quote_counter::Column::Version.eq(q.current_version))
                    .order_by_desc(quote_counter::Column::CreatedAt)
                    .one(&txn)
                    .await?;
                if let Some(c) = latest {
                    let proposals: Vec<CounterLine> =
                        serde_json::from_value(c.lines).unwrap_or_default();
                    new_lines = quote::apply_counter(&terms, &proposals);
                }
            }
            let next_version = q.current_version + 1;
            let mut header = header_terms(&version);
            let mut valid_until = version.valid_until;
            if valid_until < now.date_naive() {
                // A re-quote starts with the old validity period again, from today.
                let days = (version.valid_until - version.created_at.date_naive())
                    .num_days()
                    .max(7);
                valid_until = now.date_naive() + chrono::Duration::days(days);
                header.valid_until = valid_until.to_string();
            }
            let currency = Currency::parse(&version.currency)
                .map_err(|e| DomainError::invalid("currency", e.to_string()))?;
            let v = ValidQuote {
                header,
                valid_until,
                internal_notes: version.internal_notes.clone(),
                currency,
                lines: new_lines
                    .into_iter()
                    .map(|t| {
                        let old = lines
                            .iter()
                            .find(|l| u32::try_from(l.position).ok() == Some(t.key));
                        (
                            t,
                            old.and_then(|l| l.product_id),
                            old.map(|l| l.unit.clone()).unwrap_or_default(),
                        )
                    })
                    .collect(),
            };
            write_version(&txn, caller, q.id, next_version, &v, now).await?;
            quote_e::Entity::update_many()
                .col_expr(quote_e::Column::CurrentVersion, Expr::value(next_version))
                .filter(quote_e::Column::Id.eq(q.id))
                .exec(&txn)
                .await?;
            None
        }
        QuoteStep::Decline => Some(TradeEvent::QuoteDeclined {
            quote_id,
            number: qnumber,
            version: event_version,
        }),
        QuoteStep::Expire => None,
        QuoteStep::Accept => {
            let number = create_order(&txn, caller, &q, &r, &version, &lines, now).await?;
            order_number = Some(number);
            Some(TradeEvent::QuoteAccepted {
                quote_id,
                number: qnumber,
                version: event_version,
            })
        }
    };
    record_transition(
        &txn,
        caller,
        "quote",
        q.id,
        Some(from.as_str()),
        to.as_str(),
        input.reason,
        now,
    )
    .await?;
    if let Some(event) = event {
        outbox::enqueue(&txn, &event, now).await?;
    }
    txn.commit().await?;
    Ok((to, order_number))
}

/// Marks every sent or countered quote past its validity date as expired (the server's
/// periodic sweep). Returns how many.
pub async fn expire_due<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> DomainResult<usize> {
    let open = quote_e::Entity::find()
        .filter(
            quote_e::Column::Status
                .is_in([QuoteStatus::Sent.as_str(), QuoteStatus::Countered.as_str()]),
        )
        .all(db)
        .await?;
    let system = Caller::system(Source::System);
    let mut expired = 0;
    for q in open {
        let v = current_version(db, &q).await?;
        if now.date_naive() <= v.valid_until {
            continue;
        }
        match quote_step(
            db,
            &system,
            &q.number,
            QuoteStep::Expire,
            StepInput::default(),
            now,
        )
        .await
        {
            Ok(_) => expired += 1,
            // Accepted or revised meanwhile: nothing to expire.
            Err(DomainError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}

async fn create_order<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    q: &quote_e::Model,
    r: &rfq::Model,
    version: &quote_version::Model,
    lines: &[quote_line::Model],
    now: DateTime<Utc>,
) -> DomainResult<String> {
    let id = Uuid::now_v7();
    let number = numbers::next(txn, "ORD", now.year()).await?;
    // The port of loading: the products' port when they agree on one.
    let product_ids: Vec<Uuid> = lines.iter().filter_map(|l| l.product_id).collect();
    let ports: Vec<String> = if product_ids.is_empty() {
        Vec::new()
    } else {
        product::Entity::find()
            .filter(product::Column::Id.is_in(product_ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|p| p.port_of_loading)
            .collect()
    };
    let port_of_loading = match ports.split_first() {
        Some((first, rest)) if rest.iter().all(|p| p == first) => Some(first.clone()),
        _ => None,
    };
    order::ActiveModel {
        id: Set(id),
        number: Set(number.clone()),
        company_id: Set(r.company_id),
        quote_id: Set(q.id),
        quote_version: Set(q.current_version),
        rfq_id: Set(r.id),
        status: Set(OrderStatus::Confirmed.as_str().to_owned()),
        currency: Set(version.currency.clone()),
        incoterm: Set(version.incoterm.clone()),
        named_place: Set(version.named_place.clone()),
        port_of_loading: Set(port_of_loading),
        ship_to_port: Set(r.destination_port.clone()),
        po_number: Set(r.po_number.clone()),
        subtotal: Set(version.subtotal.clone()),
        freight: Set(version.freight.clone()),
        insurance: Set(version.insurance.clone()),
        total: Set(version.total.clone()),
        invoice_number: Set(None),
        invoice_date: Set(None),
        shipment_references: Set(serde_json::json!([])),
        transport_mode: Set(None),
        vessel: Set(None),
        voyage: Set(None),
        departure_date: Set(None),
        port_of_discharge: Set(None),
        cancel_reason: Set(None),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::Conflict(format!("quote {} has already become an order", q.number))
        }
        _ => DomainError::Database(e),
    })?;
    for l in lines {
        order_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            order_id: Set(id),
            position: Set(l.position),
            product_id: Set(l.product_id),
            description: Set(l.description.clone()),
            quantity: Set(l.quantity),
            unit: Set(l.unit.clone()),
            unit_price: Set(l.unit_price.clone()),
            line_total: Set(l.line_total.clone()),
            lead_time_days: Set(l.lead_time_days),
            package_count: Set(None),
            package_kind: Set(None),
            marks: Set(None),
            fob_value: Set(None),
        }
        .insert(txn)
        .await?;
    }
    record_transition(
        txn,
        caller,
        "order",
        id,
        None,
        OrderStatus::Confirmed.as_str(),
        None,
        now,
    )
    .await?;
    outbox::enqueue(
        txn,
        &TradeEvent::OrderTransitioned(OrderTransitioned {
            order_id: id.to_string(),
            number: number.clone(),
            from: None,
            to: OrderStatus::Confirmed,
            source: caller.source,
        }),
        now,
    )
    .await?;
    Ok(number)
}

async fn find_order<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
) -> DomainResult<order::Model> {
    order::Entity::find()
        .filter(order::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .filter(|o| caller.sees(o.company_id))
        .ok_or_else(|| DomainError::not_found(format!("order {}", number.trim())))
}

fn references(o: &order::Model) -> Vec<String> {
    serde_json::from_value(o.shipment_references.clone()).unwrap_or_default()
}

/// Moves an order to `to` (the next status, or `cancelled` with a reason), with the guards
/// of [`OrderStatus::check`]; writes the transition and an
/// [`OrderTransitioned`] event in the same transaction.
pub async fn transition_order<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    to: OrderStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<OrderStatus> {
    let o = find_order(db, caller, number).await?;
    let from = OrderStatus::parse(&o.status).unwrap_or(OrderStatus::Confirmed);
    let facts = OrderFacts {
        port_of_loading: o.port_of_loading.clone(),
        invoice_number: o.invoice_number.clone(),
        shipment_references: references(&o).len(),
    };
    from.check(to, caller.party, &facts, reason)?;
    let txn = db.begin().await?;
    if !swap_status::<order::Entity, _>(
        &txn,
        order::Column::Id,
        o.id,
        order::Column::Status,
        order::Column::UpdatedAt,
        from.as_str(),
        to.as_str(),
        now,
    )
    .await?
    {
        return Err(moved_on("order"));
    }
    if to == OrderStatus::Cancelled {
        order::Entity::update_many()
            .col_expr(
                order::Column::CancelReason,
                Expr::value(reason.map(|r| r.trim().to_owned())),
            )
            .filter(order::Column::Id.eq(o.id))
            .exec(&txn)
            .await?;
        certificates::close_for_cancelled_order(
            &txn,
            o.id,
            reason.unwrap_or_default(),
            &caller.name,
            now,
        )
        .await?;
    }
    if to == OrderStatus::ExportCleared {
        // The export status issues the certificate of origin: the job commits with the move.
        certificates::enqueue_issuance(&txn, o.id, None, now).await?;
    }
    record_transition(
        &txn,
        caller,
        "order",
        o.id,
        Some(from.as_str()),
        to.as_str(),
        reason,
        now,
    )
    .await?;
    outbox::enqueue(
        &txn,
        &TradeEvent::OrderTransitioned(OrderTransitioned {
            order_id: o.id.to_string(),
            number: o.number.clone(),
            from: Some(from),
            to,
            source: caller.source,
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(to)
}

/// Moves an order to `export_cleared` for a forwarder or the exporter's systems
/// (`POST /api/v1/orders/{number}/export`). Idempotent: an order already cleared or beyond
/// answers with its status, also when a concurrent call moved it a moment ago; a cancelled
/// order is a conflict.
pub async fn export_order<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    now: DateTime<Utc>,
) -> DomainResult<OrderStatus> {
    let cleared = |s: OrderStatus| {
        s != OrderStatus::Cancelled && s.position() >= OrderStatus::ExportCleared.position()
    };
    let status_of =
        |o: &order::Model| OrderStatus::parse(&o.status).unwrap_or(OrderStatus::Confirmed);
    let o = find_order(db, caller, number).await?;
    let status = status_of(&o);
    if cleared(status) {
        return Ok(status);
    }
    if status == OrderStatus::Cancelled {
        return Err(DomainError::Conflict(format!(
            "order {} is cancelled; it cannot be cleared for export",
            o.number
        )));
    }
    match transition_order(db, caller, number, OrderStatus::ExportCleared, None, now).await {
        Err(DomainError::Conflict(message)) => {
            let now_status = status_of(&find_order(db, caller, number).await?);
            if cleared(now_status) {
                Ok(now_status)
            } else {
                Err(DomainError::Conflict(message))
            }
        }
        other => other,
    }
}

/// Staff set an order's invoice, port of loading and shipment references.
pub async fn save_export_data<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    form: &ExportDataForm,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    caller.require_staff("change an order's export data")?;
    let o = find_order(db, caller, number).await?;
    let mut check = FormCheck::new();
    let transport_mode = match form.transport_mode.trim() {
        "" => None,
        m if super::forms::TRANSPORT_MODES.contains(&m) => Some(m.to_owned()),
        _ => {
            check.add(
                "transport_mode",
                "invalid",
                "choose sea, air, road, rail or multimodal",
            );
            None
        }
    };
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(o.id))
        .all(db)
        .await?;
    let line_data = export_lines(
        &mut check,
        &lines,
        &form.lines,
        Currency::parse(&o.currency).ok(),
    );
    let invoice_number = check.optional_text("invoice_number", &form.invoice_number, 35);
    let invoice_date = parse_date(&mut check, "invoice_date", &form.invoice_date);
    let port = if form.port_of_loading.trim().is_empty() {
        o.port_of_loading.clone()
    } else {
        port_known(&mut check, "port_of_loading", &form.port_of_loading)
            .map(|p| p.as_str().to_owned())
    };
    let mut refs: Vec<String> = Vec::new();
    for r in form
        .shipment_references
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        if r.chars().count() > 35 || r.chars().any(char::is_control) {
            check.add(
                "shipment_references",
                "invalid",
                format!(
                    "“{}” is not a reference (at most 35 characters)",
                    r.chars().take(40).collect::<String>()
                ),
            );
        } else if !refs.iter().any(|x| x == r) {
            refs.push(r.to_owned());
        }
    }
    if refs.len() > 20 {
        check.add(
            "shipment_references",
            "too_many",
            "use at most 20 references",
        );
    }
    let departure_date = parse_date(&mut check, "departure_date", &form.departure_date);
    let vessel = check.optional_text("vessel", &form.vessel, 100);
    let voyage = check.optional_text("voyage", &form.voyage, 35);
    if voyage.as_deref().is_some_and(|v| v.contains('\n')) {
        check.add("voyage", "invalid", "write the voyage on one line");
    }
    let port_of_discharge = if form.port_of_discharge.trim().is_empty() {
        None
    } else {
        port_known(&mut check, "port_of_discharge", &form.port_of_discharge)
            .map(|p| p.as_str().to_owned())
    };
    check.finish()?;
    let txn = db.begin().await?;
    order::Entity::update_many()
        .col_expr(order::Column::TransportMode, Expr::value(transport_mode))
        .col_expr(order::Column::InvoiceNumber, Expr::value(invoice_number))
        .col_expr(order::Column::InvoiceDate, Expr::value(invoice_date))
        .col_expr(order::Column::PortOfLoading, Expr::value(port))
        .col_expr(
            order::Column::ShipmentReferences,
            Expr::value(serde_json::to_value(&refs).unwrap_or_default()),
        )
        .col_expr(order::Column::DepartureDate, Expr::value(departure_date))
        .col_expr(order::Column::Vessel, Expr::value(vessel))
        .col_expr(order::Column::Voyage, Expr::value(voyage))
        .col_expr(
            order::Column::PortOfDischarge,
            Expr::value(port_of_discharge),
        )
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(o.id))
        .exec(&txn)
        .await?;
    for (id, l) in line_data {
        order_line::Entity::update_many()
            .col_expr(
                order_line::Column::PackageCount,
                Expr::value(l.package_count),
            )
            .col_expr(order_line::Column::PackageKind, Expr::value(l.package_kind))
            .col_expr(order_line::Column::Marks, Expr::value(l.marks))
            .col_expr(order_line::Column::FobValue, Expr::value(l.fob_value))
            .filter(order_line::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    // The same references as rows, by which carrier events find the order.
    order_reference::Entity::delete_many()
        .filter(order_reference::Column::OrderId.eq(o.id))
        .exec(&txn)
        .await?;
    if !refs.is_empty() {
        order_reference::Entity::insert_many(refs.iter().map(|r| order_reference::ActiveModel {
            order_id: Set(o.id),
            reference: Set(r.clone()),
        }))
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// One line's checked shipping data.
struct ExportLine {
    package_count: Option<i32>,
    package_kind: Option<String>,
    marks: Option<String>,
    fob_value: Option<String>,
}

/// Checks the per-line shipping data against the order's lines; returns the line ids with
/// their new values.
fn export_lines(
    check: &mut FormCheck,
    lines: &[order_line::Model],
    forms: &[super::forms::ExportLineForm],
    currency: Option<Currency>,
) -> Vec<(Uuid, ExportLine)> {
    let decimals = currency.as_ref().map_or(2, Currency::minor_units);
    use super::forms::ExportLineForm;
    let mut out: Vec<(Uuid, ExportLine)> = Vec::new();
    for f in forms {
        let field = |name: &str| ExportLineForm::field(f.position, name);
        let Some(line) = lines.iter().find(|l| l.position == f.position) else {
            check.add(
                &field("position"),
                "invalid",
                format!("the order has no line {}", f.position),
            );
            continue;
        };
        if out.iter().any(|(id, _)| *id == line.id) {
            check.add(
                &field("position"),
                "duplicate",
                format!("line {} is given twice", f.position),
            );
            continue;
        }
        let count = match f.package_count.trim() {
            "" => None,
            c => match c.parse::<i32>() {
                Ok(n) if (1..=9_999_999).contains(&n) => Some(n),
                _ => {
                    check.add(
                        &field("package_count"),
                        "out_of_range",
                        format!(
                            "line {}: give the number of packages as a whole number from 1",
                            f.position
                        ),
                    );
                    None
                }
            },
        };
        let kind = f.package_kind.trim().to_ascii_uppercase();
        let kind = if kind.is_empty() {
            None
        } else if kind.len() == 2 && kind.chars().all(|c| c.is_ascii_alphanumeric()) {
            Some(kind)
        } else {
            check.add(
                &field("package_kind"),
                "invalid",
                format!(
                    "line {}: give the kind of package as a two-character UN/ECE Rec 21 code, like CT or PX",
                    f.position
                ),
            );
            None
        };
        let count_given = !f.package_count.trim().is_empty();
        let kind_given = !f.package_kind.trim().is_empty();
        if count_given != kind_given {
            check.add(
                &field(if count_given { "package_kind" } else { "package_count" }),
                "packages_incomplete",
                format!(
                    "line {}: give both the number and the kind of packages, or neither (goods in bulk)",
                    f.position
                ),
            );
        }
        let marks = check.optional_text(&field("marks"), &f.marks, 200);
        let fob_value = match f.fob_value.trim() {
            "" => None,
            v => match Decimal::from_str(v) {
                Ok(d) if d > Decimal::ZERO && d.scale() <= decimals => Some(match currency {
                    Some(c) => money_text(d, c),
                    None => decimal_text(d),
                }),
                Ok(d) if d.scale() > decimals => {
                    check.add(
                        &field("fob_value"),
                        "too_precise",
                        format!("line {}: use at most {decimals} decimal places", f.position),
                    );
                    None
                }
                _ => {
                    check.add(
                        &field("fob_value"),
                        "invalid",
                        format!(
                            "line {}: give the FOB value as a positive amount, like 1250.00",
                            f.position
                        ),
                    );
                    None
                }
            },
        };
        out.push((
            line.id,
            ExportLine {
                package_count: count,
                package_kind: kind,
                marks,
                fob_value,
            },
        ));
    }
    out
}

pub(super) async fn history<C: ConnectionTrait>(
    db: &C,
    subject_id: Uuid,
    for_buyer: bool,
) -> DomainResult<Vec<TransitionRecord>> {
    Ok(transition::Entity::find()
        .filter(transition::Column::SubjectId.eq(subject_id))
        .order_by_asc(transition::Column::At)
        .order_by_asc(transition::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TransitionRecord {
            subject: t.subject,
            from: t.from_status,
            to: t.to_status,
            // Buyers see that staff acted, not who.
            actor: if for_buyer && t.party == "staff" {
                "staff".to_owned()
            } else {
                t.actor
            },
            party: t.party,
            source: t.source,
            reason: t.reason,
            at: time_text(t.at),
        })
        .collect())
}

/// The buyer company as records name it (only the id when the company row is gone).
pub(super) fn company_ref(company: Option<company::Model>, id: Uuid) -> CompanyRef {
    company.map_or_else(
        || CompanyRef {
            id: id.to_string(),
            name: String::new(),
            country: String::new(),
        },
        |c| CompanyRef {
            id: c.id.to_string(),
            name: c.name,
            country: c.country,
        },
    )
}

/// One order as its buyer's members and staff see it.
pub async fn order_detail<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
) -> DomainResult<OrderDetail> {
    let o = find_order(db, caller, number).await?;
    let status = OrderStatus::parse(&o.status).unwrap_or(OrderStatus::Confirmed);
    let company = company::Entity::find_by_id(o.company_id).one(db).await?;
    let quote_number = quote_e::Entity::find_by_id(o.quote_id)
        .one(db)
        .await?
        .map(|q| q.number)
        .unwrap_or_default();
    let rfq_number = rfq::Entity::find_by_id(o.rfq_id)
        .one(db)
        .await?
        .map(|r| r.number)
        .unwrap_or_default();
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(o.id))
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| OrderLineView {
            position: l.position,
            product_id: l.product_id.map(|p| p.to_string()),
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: l.unit_price,
            line_total: l.line_total,
            lead_time_days: l.lead_time_days,
            package_count: l.package_count,
            package_kind: l.package_kind,
            marks: l.marks,
            fob_value: l.fob_value,
        })
        .collect();
    let shipment_references = references(&o);
    let facts = OrderFacts {
        port_of_loading: o.port_of_loading.clone(),
        invoice_number: o.invoice_number.clone(),
        shipment_references: shipment_references.len(),
    };
    Ok(OrderDetail {
        number: o.number,
        status: status.as_str().to_owned(),
        buyer_status: status.for_buyer().as_str().to_owned(),
        company: company_ref(company, o.company_id),
        quote_number,
        quote_version: o.quote_version,
        rfq_number,
        currency: o.currency,
        incoterm: o.incoterm,
        named_place: o.named_place,
        port_of_loading: o.port_of_loading,
        ship_to_port: o.ship_to_port,
        po_number: o.po_number,
        subtotal: o.subtotal,
        freight: o.freight,
        insurance: o.insurance,
        total: o.total,
        invoice_number: o.invoice_number,
        invoice_date: o.invoice_date.map(|d| d.to_string()),
        departure_date: o.departure_date.map(|d| d.to_string()),
        vessel: o.vessel,
        voyage: o.voyage,
        port_of_discharge: o.port_of_discharge,
        transport_mode: o.transport_mode,
        shipment_references,
        cancel_reason: o.cancel_reason,
        lines,
        history: history(db, o.id, caller.party == Party::Buyer).await?,
        next_missing: status
            .following()
            .map(|n| {
                n.missing_fields(&facts)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        eco: certificates::order_eco(db, o.id, caller.party == Party::Buyer).await?,
        created_at: time_text(o.created_at),
        updated_at: time_text(o.updated_at),
    })
}

/// What an order list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    pub status: Option<OrderStatus>,
    pub updated_since: Option<DateTime<Utc>>,
    pub company_id: Option<Uuid>,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

/// A page of orders the caller may see, most recently changed first, with the total count.
pub async fn list_orders<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    query: &OrderQuery,
) -> DomainResult<(Vec<OrderRow>, u64)> {
    let mut find = order::Entity::find();
    let company = match caller.party {
        Party::Buyer => Some(caller.company_id.unwrap_or_default()),
        Party::Staff | Party::System => query.company_id,
    };
    if let Some(c) = company {
        find = find.filter(order::Column::CompanyId.eq(c));
    }
    if let Some(s) = query.status {
        find = find.filter(order::Column::Status.eq(s.as_str()));
    }
    if let Some(t) = query.updated_since {
        find = find.filter(order::Column::UpdatedAt.gte(t));
    }
    let per_page = query.per_page.clamp(1, 100);
    let paginator = find
        .order_by_desc(order::Column::UpdatedAt)
        .order_by_desc(order::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(query.page.max(1) - 1).await?;
    let ids: Vec<Uuid> = rows.iter().map(|o| o.company_id).collect();
    let companies = company::Entity::find()
        .filter(company::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let member_view = rows
        .into_iter()
        .map(|o| {
            let status = OrderStatus::parse(&o.status).unwrap_or(OrderStatus::Confirmed);
            OrderRow {
                number: o.number,
                status: status.as_str().to_owned(),
                buyer_status: status.for_buyer().as_str().to_owned(),
                company: companies
                    .iter()
                    .find(|c| c.id == o.company_id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                currency: o.currency,
                total: o.total,
                ship_to_port: o.ship_to_port,
                updated_at: time_text(o.updated_at),
            }
        })
        .collect();
    Ok((member_view, total))
}

/// The difference between two versions of a quote, as the buyer sees it.
pub async fn version_diff<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    old: i32,
    new: i32,
) -> DomainResult<VersionDiff> {
    let (q, _) = find_quote(db, caller, number).await?;
    let load = |v: i32| {
        let q = &q;
        async move {
            let version = quote_version::Entity::find()
                .filter(quote_version::Column::QuoteId.eq(q.id))
                .filter(quote_version::Column::Version.eq(v))
                .one(db)
                .await?
                .ok_or_else(|| {
                    DomainError::not_found(format!("version {v} of quote {}", q.number))
                })?;
            // A buyer sees sent versions only.
            if caller.party == Party::Buyer && version.sent_at.is_none() {
                return Err(DomainError::not_found(format!(
                    "version {v} of quote {}",
                    q.number
                )));
            }
            let lines = version_lines(db, version.id).await?;
            Ok::<_, DomainError>((header_terms(&version), line_terms(&lines)))
        }
    };
    let (oh, ol) = load(old).await?;
    let (nh, nl) = load(new).await?;
    Ok(quote::diff(&oh, &ol, &nh, &nl))
}
