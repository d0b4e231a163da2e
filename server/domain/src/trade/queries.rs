//! What the pages of the buying flow read: RFQ lists and the RFQ page with its quote (the
//! version each side may see, the changes from the previous one, the buyer's counters), the
//! terms staff start a quote from, and the people an RFQ can be assigned to. Buyers see their
//! company's records only, and never a draft or the internal notes.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::Party;
use super::forms::{QuoteForm, QuoteLineForm};
use super::quote::{self, QuoteStatus};
use super::rfq::RfqStatus;
use super::store::{
    Caller, current_version, find_rfq, header_terms, history, line_terms, version_lines,
};
pub use super::views::{
    CompanyRef, CounterView, PortOption, QuoteLineView, QuoteView, RfqDetail, RfqLineView, RfqRow,
    StaffRef, TransitionRecord, VersionRef,
};
use crate::auth::role::Role;
use crate::codes::Currency;
use crate::entities::{
    company, order, price_tier, product, quote as quote_e, quote_counter, quote_line,
    quote_version, rfq, rfq_line, user,
};
use crate::logistics::locations::LocationMaster;
use crate::views::time_text;
use crate::{DomainError, DomainResult};

/// Days a quote stays valid unless staff set another date.
pub const DEFAULT_VALIDITY_DAYS: i64 = 30;

/// The payment terms a new quote starts with (staff change them per quote).
pub const DEFAULT_PAYMENT_TERMS: &str =
    "30% deposit with the order, 70% against a copy of the bill of lading";

/// Who an RFQ list is filtered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Nobody,
    Person(Uuid),
}

/// What an RFQ list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct RfqQuery {
    pub status: Option<RfqStatus>,
    /// Buyer country (ISO 3166 alpha-2), staff only.
    pub country: Option<String>,
    pub assignee: AssigneeFilter,
    /// Only RFQs sent at least this many days ago.
    pub min_age_days: Option<i64>,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

fn age_days(created: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - created).num_days().max(0)
}

/// A page of the RFQs the caller may see, newest first (staff: those waiting for them
/// first, the oldest of those first), with the total count.
pub async fn list_rfqs<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    query: &RfqQuery,
    now: DateTime<Utc>,
) -> DomainResult<(Vec<RfqRow>, u64)> {
    let mut find = rfq::Entity::find();
    if caller.party == Party::Buyer {
        find = find.filter(rfq::Column::CompanyId.eq(caller.company_id.unwrap_or_default()));
    } else if let Some(country) = query.country.as_deref().filter(|c| !c.is_empty()) {
        let ids: Vec<Uuid> = company::Entity::find()
            .filter(company::Column::Country.eq(country.to_ascii_uppercase()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        find = find.filter(rfq::Column::CompanyId.is_in(ids));
    }
    if let Some(s) = query.status {
        find = find.filter(rfq::Column::Status.eq(s.as_str()));
    }
    if caller.party != Party::Buyer {
        find = match query.assignee {
            AssigneeFilter::Anyone => find,
            AssigneeFilter::Nobody => find.filter(rfq::Column::AssigneeId.is_null()),
            AssigneeFilter::Person(id) => find.filter(rfq::Column::AssigneeId.eq(id)),
        };
    }
    if let Some(days) = query.min_age_days.filter(|d| *d > 0) {
        find = find.filter(rfq::Column::CreatedAt.lte(now - chrono::Duration::days(days)));
    }
    let find = if caller.party == Party::Buyer {
        find.order_by_desc(rfq::Column::CreatedAt)
    } else {
        find.order_by_asc(rfq::Column::CreatedAt)
    };
    let per_page = query.per_page.clamp(1, 100);
    let paginator = find.order_by_desc(rfq::Column::Id).paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(query.page.max(1) - 1).await?;
    let company_ids: Vec<Uuid> = rows.iter().map(|r| r.company_id).collect();
    let companies = company::Entity::find()
        .filter(company::Column::Id.is_in(company_ids))
        .all(db)
        .await?;
    let rfq_ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let quotes = quote_e::Entity::find()
        .filter(quote_e::Column::RfqId.is_in(rfq_ids.clone()))
        .all(db)
        .await?;
    let lines = rfq_line::Entity::find()
        .filter(rfq_line::Column::RfqId.is_in(rfq_ids))
        .all(db)
        .await?;
    let assignee_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.assignee_id).collect();
    let assignees = user::Entity::find()
        .filter(user::Column::Id.is_in(assignee_ids))
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let status = RfqStatus::parse(&r.status).unwrap_or(RfqStatus::Submitted);
        let company = companies.iter().find(|c| c.id == r.company_id);
        let q = quotes.iter().find(|q| q.rfq_id == r.id);
        let q_status = q.map(|q| QuoteStatus::parse(&q.status).unwrap_or(QuoteStatus::Draft));
        // A buyer does not see a draft: the RFQ is still under review for them.
        let buyer_visible = q_status.filter(|s| s.visible_to_buyer());
        let awaits_staff = status.awaits_staff()
            || matches!(
                q_status,
                Some(QuoteStatus::Countered | QuoteStatus::Revised | QuoteStatus::Draft)
            ) && !status.is_closed();
        out.push(RfqRow {
            number: r.number.clone(),
            status: status.as_str().to_owned(),
            buyer_status: status.for_buyer().as_str().to_owned(),
            company: company.map(|c| c.name.clone()).unwrap_or_default(),
            country: company.map(|c| c.country.clone()).unwrap_or_default(),
            lines: lines.iter().filter(|l| l.rfq_id == r.id).count() as u64,
            destination_port: r.destination_port.clone(),
            assignee: (caller.party != Party::Buyer)
                .then(|| {
                    r.assignee_id
                        .and_then(|a| assignees.iter().find(|u| u.id == a))
                })
                .flatten()
                .map(|u| u.display_name.clone()),
            quote_number: if caller.party == Party::Buyer {
                buyer_visible.and(q.map(|q| q.number.clone()))
            } else {
                q.map(|q| q.number.clone())
            },
            quote_status: (caller.party != Party::Buyer)
                .then(|| q_status.map(|s| s.as_str().to_owned()))
                .flatten(),
            buyer_quote_status: buyer_visible.map(|s| s.for_buyer().as_str().to_owned()),
            awaits_staff,
            age_days: age_days(r.created_at, now),
            created_at: time_text(r.created_at),
            updated_at: time_text(r.updated_at),
        });
    }
    Ok((out, total))
}

async fn quote_view<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    q: &quote_e::Model,
    today: NaiveDate,
) -> DomainResult<Option<QuoteView>> {
    let buyer = caller.party == Party::Buyer;
    let stored = QuoteStatus::parse(&q.status).unwrap_or(QuoteStatus::Draft);
    if buyer && !stored.visible_to_buyer() {
        return Ok(None);
    }
    let all = quote_version::Entity::find()
        .filter(quote_version::Column::QuoteId.eq(q.id))
        .order_by_asc(quote_version::Column::Version)
        .all(db)
        .await?;
    let visible: Vec<&quote_version::Model> = all
        .iter()
        .filter(|v| !buyer || v.sent_at.is_some())
        .collect();
    let Some(shown) = (if buyer {
        visible.last().copied()
    } else {
        all.iter().find(|v| v.version == q.current_version)
    }) else {
        return Ok(None);
    };
    let previous = visible
        .iter()
        .rev()
        .find(|v| v.version < shown.version)
        .copied();
    let lines = version_lines(db, shown.id).await?;
    let changes = match previous {
        Some(p) => {
            let old = version_lines(db, p.id).await?;
            Some(quote::diff(
                &header_terms(p),
                &line_terms(&old),
                &header_terms(shown),
                &line_terms(&lines),
            ))
        }
        None => None,
    };
    let counters = quote_counter::Entity::find()
        .filter(quote_counter::Column::QuoteId.eq(q.id))
        .order_by_asc(quote_counter::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CounterView {
            version: c.version,
            message: c.message,
            lines: serde_json::from_value(c.lines).unwrap_or_default(),
            created_at: time_text(c.created_at),
        })
        .collect();
    let order_number = order::Entity::find()
        .filter(order::Column::QuoteId.eq(q.id))
        .one(db)
        .await?
        .map(|o| o.number);
    let current = all.iter().find(|v| v.version == q.current_version);
    let past_validity = current.is_some_and(|v| today > v.valid_until);
    let status = stored.effective(past_validity);
    Ok(Some(QuoteView {
        number: q.number.clone(),
        status: status.as_str().to_owned(),
        buyer_status: status.for_buyer().as_str().to_owned(),
        current_version: q.current_version,
        version: shown.version,
        versions: visible
            .iter()
            .map(|v| VersionRef {
                version: v.version,
                created_at: time_text(v.created_at),
                sent_at: v.sent_at.map(time_text),
            })
            .collect(),
        currency: shown.currency.clone(),
        incoterm: shown.incoterm.clone(),
        named_place: shown.named_place.clone(),
        freight: shown.freight.clone(),
        insurance: shown.insurance.clone(),
        subtotal: shown.subtotal.clone(),
        total: shown.total.clone(),
        payment_terms: shown.payment_terms.clone(),
        valid_until: shown.valid_until.to_string(),
        internal_notes: (!buyer).then(|| shown.internal_notes.clone()),
        sent_at: shown.sent_at.map(time_text),
        lines: lines
            .into_iter()
            .map(|l| QuoteLineView {
                key: l.position,
                product_id: l.product_id.map(|p| p.to_string()),
                description: l.description,
                quantity: l.quantity,
                unit: l.unit,
                unit_price: l.unit_price,
                lead_time_days: l.lead_time_days,
                line_total: l.line_total,
            })
            .collect(),
        changes,
        counters,
        order_number,
    }))
}

/// One RFQ as its buyer's members and staff see it.
pub async fn rfq_detail<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    number: &str,
    now: DateTime<Utc>,
) -> DomainResult<RfqDetail> {
    let r = find_rfq(db, caller, number).await?;
    let buyer = caller.party == Party::Buyer;
    let status = RfqStatus::parse(&r.status).unwrap_or(RfqStatus::Submitted);
    let company = company::Entity::find_by_id(r.company_id).one(db).await?;
    let people: Vec<Uuid> = [Some(r.created_by), r.assignee_id]
        .into_iter()
        .flatten()
        .collect();
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await?;
    let name_of = |id: Uuid| people.iter().find(|u| u.id == id);
    let lines = rfq_line::Entity::find()
        .filter(rfq_line::Column::RfqId.eq(r.id))
        .order_by_asc(rfq_line::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| RfqLineView {
            position: l.position,
            product_id: l.product_id.map(|p| p.to_string()),
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            target_price: l.target_price,
        })
        .collect();
    let q = quote_e::Entity::find()
        .filter(quote_e::Column::RfqId.eq(r.id))
        .one(db)
        .await?;
    let quote = match &q {
        Some(q) => quote_view(db, caller, q, now.date_naive()).await?,
        None => None,
    };
    let mut history = history(db, r.id, buyer).await?;
    if let Some(q) = &q {
        let mut quote_history = history_of_quote(db, q, buyer).await?;
        history.append(&mut quote_history);
        history.sort_by(|a, b| a.at.cmp(&b.at));
    }
    let port_name = crate::codes::UnLocode::parse(&r.destination_port)
        .ok()
        .and_then(|c| LocationMaster::embedded().get(&c).map(|p| p.name.clone()));
    Ok(RfqDetail {
        number: r.number.clone(),
        status: status.as_str().to_owned(),
        buyer_status: status.for_buyer().as_str().to_owned(),
        company: super::store::company_ref(company.clone(), r.company_id),
        created_by: name_of(r.created_by)
            .map(|u| u.display_name.clone())
            .unwrap_or_default(),
        buyer_locale: if buyer {
            None
        } else {
            name_of(r.created_by).and_then(|u| u.locale.clone())
        },
        buyer_address: company
            .as_ref()
            .map(|c| c.address.clone())
            .unwrap_or_default(),
        assignee: if buyer {
            None
        } else {
            r.assignee_id.and_then(name_of).map(|u| StaffRef {
                id: u.id.to_string(),
                name: u.display_name.clone(),
            })
        },
        incoterm: r.incoterm.clone(),
        named_place: r.named_place.clone(),
        destination_port: r.destination_port.clone(),
        destination_port_name: port_name,
        required_by: r.required_by.map(|d| d.to_string()),
        po_number: r.po_number.clone(),
        notes: r.notes.clone(),
        currency: r.currency.clone(),
        decline_reason: r.decline_reason.clone(),
        lines,
        history,
        quote,
        age_days: age_days(r.created_at, now),
        created_at: time_text(r.created_at),
        updated_at: time_text(r.updated_at),
    })
}

async fn history_of_quote<C: ConnectionTrait>(
    db: &C,
    q: &quote_e::Model,
    buyer: bool,
) -> DomainResult<Vec<TransitionRecord>> {
    let mut list = history(db, q.id, buyer).await?;
    // A buyer never saw the draft being written or revised.
    if buyer {
        list.retain(|t| !matches!(t.to.as_str(), "draft" | "revised"));
    }
    Ok(list)
}

/// The terms staff start from: the quote's current version when there is one, else the
/// RFQ's lines priced from the catalog's price list (or the buyer's target price), with the
/// products' lead times, the RFQ's Incoterm and currency, and a 30-day validity.
pub async fn quote_form<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    rfq_number: &str,
    today: NaiveDate,
) -> DomainResult<(QuoteForm, Option<String>)> {
    if caller.party == Party::Buyer {
        return Err(DomainError::Forbidden(
            "only the exporter's staff can write quotes".to_owned(),
        ));
    }
    let r = find_rfq(db, caller, rfq_number).await?;
    if let Some(q) = quote_e::Entity::find()
        .filter(quote_e::Column::RfqId.eq(r.id))
        .one(db)
        .await?
    {
        let v = current_version(db, &q).await?;
        let lines = version_lines(db, v.id).await?;
        let cur = Currency::parse(&v.currency).ok();
        let form = QuoteForm {
            currency: v.currency,
            incoterm: v.incoterm,
            named_place: v.named_place,
            freight: v.freight,
            insurance: v.insurance,
            payment_terms: v.payment_terms,
            valid_until: v.valid_until.to_string(),
            internal_notes: v.internal_notes,
            lines: lines.into_iter().map(|l| line_form(l, cur)).collect(),
        };
        return Ok((form, Some(q.number)));
    }
    let lines = rfq_line::Entity::find()
        .filter(rfq_line::Column::RfqId.eq(r.id))
        .order_by_asc(rfq_line::Column::Position)
        .all(db)
        .await?;
    let product_ids: Vec<Uuid> = lines.iter().filter_map(|l| l.product_id).collect();
    let products = product::Entity::find()
        .filter(product::Column::Id.is_in(product_ids.clone()))
        .all(db)
        .await?;
    let tiers = price_tier::Entity::find()
        .filter(price_tier::Column::ProductId.is_in(product_ids))
        .order_by_asc(price_tier::Column::MinQuantity)
        .all(db)
        .await?;
    let form_lines = lines
        .into_iter()
        .map(|l| {
            let p = l
                .product_id
                .and_then(|id| products.iter().find(|p| p.id == id));
            // The list price for this quantity, in the RFQ's currency only.
            let list_price = p
                .filter(|p| p.currency == r.currency && !p.price_on_request)
                .and_then(|p| {
                    tiers
                        .iter()
                        .rfind(|t| t.product_id == p.id && t.min_quantity <= l.quantity)
                        .or_else(|| tiers.iter().find(|t| t.product_id == p.id))
                })
                .map(|t| t.unit_price.clone());
            QuoteLineForm {
                key: u32::try_from(l.position).unwrap_or(0),
                product_id: l.product_id.map(|p| p.to_string()).unwrap_or_default(),
                description: l.description,
                quantity: l.quantity.to_string(),
                unit: l.unit,
                unit_price: list_price.or(l.target_price).unwrap_or_default(),
                lead_time_days: p
                    .map(|p| p.lead_time_max_days.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let form = QuoteForm {
        currency: r.currency,
        incoterm: r.incoterm,
        named_place: r.named_place,
        freight: String::new(),
        insurance: String::new(),
        payment_terms: DEFAULT_PAYMENT_TERMS.to_owned(),
        valid_until: (today + chrono::Duration::days(DEFAULT_VALIDITY_DAYS)).to_string(),
        internal_notes: String::new(),
        lines: form_lines,
    };
    Ok((form, None))
}

/// A unit price as the editor shows it: at least the currency's decimals (`21.50`), more when
/// quoted with more (`0.0825`).
fn price_text(text: &str, currency: Option<Currency>) -> String {
    let mut d = super::amounts::parse_decimal(text).normalize();
    let minor = currency.map_or(2, |c| c.minor_units());
    if d.scale() < minor {
        d.rescale(minor);
    }
    d.to_string()
}

fn line_form(l: quote_line::Model, currency: Option<Currency>) -> QuoteLineForm {
    QuoteLineForm {
        key: u32::try_from(l.position).unwrap_or(0),
        product_id: l.product_id.map(|p| p.to_string()).unwrap_or_default(),
        description: l.description,
        quantity: l.quantity.to_string(),
        unit: l.unit,
        unit_price: price_text(&l.unit_price, currency),
        lead_time_days: l.lead_time_days.to_string(),
    }
}

/// The staff an RFQ can be assigned to, by name.
pub async fn staff_members<C: ConnectionTrait>(db: &C) -> DomainResult<Vec<StaffRef>> {
    let mut list: Vec<StaffRef> = user::Entity::find()
        .filter(user::Column::Role.is_in([Role::Staff.as_str(), Role::Admin.as_str()]))
        .filter(user::Column::DisabledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|u| StaffRef {
            id: u.id.to_string(),
            name: u.display_name,
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list)
}

/// The id of the published product with this slug (the RFQ form's catalog lines).
pub async fn published_product_id<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> DomainResult<Option<Uuid>> {
    Ok(product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .filter(product::Column::Published.eq(true))
        .one(db)
        .await?
        .map(|p| p.id))
}

/// Ports whose UN/LOCODE, name or country match `q` (RCEP hubs first), at most `limit`.
pub fn search_ports(q: &str, limit: usize) -> Vec<PortOption> {
    let q = q.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    let mut hits: Vec<(u8, &crate::logistics::locations::Port)> = LocationMaster::embedded()
        .ports()
        .iter()
        .filter_map(|p| {
            let code = p.unlocode.as_str().to_lowercase();
            let name = p.name.to_lowercase();
            let rank = if code == compact {
                0
            } else if code.starts_with(&compact) {
                1
            } else if name.starts_with(&q) {
                2
            } else if name.contains(&q) {
                3
            } else {
                return None;
            };
            Some((rank * 2 + u8::from(!p.rcep_hub), p))
        })
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
    hits.into_iter()
        .take(limit)
        .map(|(_, p)| PortOption {
            code: p.unlocode.as_str().to_owned(),
            name: p.name.clone(),
            country: p.country.as_str().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_search_finds_by_code_first_then_by_name() {
        let by_code = search_ports("VNCMT", 5);
        assert_eq!(by_code.first().map(|p| p.code.as_str()), Some("VNCMT"));
        let by_name = search_ports("klang", 5);
        assert!(
            by_name.iter().any(|p| p.code == "MYPKG"),
            "Port Klang in {by_name:?}"
        );
        assert!(search_ports("  ", 5).is_empty());
        assert!(search_ports("a", 7).len() <= 7);
    }
}
