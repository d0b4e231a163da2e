//! The buying flow's pages for buyers — the RFQ form, "My quote requests" with each RFQ and
//! its quote, "My orders" and the order page — and the pieces the admin panel's "Quote
//! requests" and "Orders" sections share with them (status names, line tables, the quote,
//! the order view). Read-only pages are server-rendered and work without JavaScript; the
//! forms and buttons are lazy islands.

pub mod messages;
pub mod orders;
#[cfg(feature = "ssr")]
pub mod quote_sheet;
pub mod quote_view;
pub mod rfq_form;
pub mod rfqs;
pub mod server_fns;
pub mod shipment;

use std::str::FromStr;

use leptos::prelude::*;
use rust_decimal::Decimal;

use domain::codes::{Currency, UnitCode};
use domain::trade::views::TransitionRecord;

use crate::admin::short_time;
use crate::catalog::trade_labels::unit_name;
use crate::i18n::{Locale, Messages};

/// A status's name in the page's language (`rfq_status_submitted`, `order_buyer_status_in_transit`,
/// …); the wire name if a translation is missing.
pub fn status_name(t: &'static Messages, vocabulary: &str, status: &str) -> String {
    t.lookup(&format!("{vocabulary}_status_{status}"))
        .map_or_else(|| status.replace('_', " "), str::to_owned)
}

/// The tone of a status badge: done, needs the viewer, closed, or in progress.
fn tone(status: &str) -> &'static str {
    match status {
        "accepted" | "delivered" | "quote_received" | "quoted" | "arrived" | "confirmed" => "ok",
        "action_required" | "info_requested" | "countered" | "awaiting_response" | "submitted" => {
            "warn"
        }
        "declined" | "cancelled" | "expired" => "muted",
        _ => "",
    }
}

/// A status as a badge.
#[component]
pub fn StatusBadge(
    t: &'static Messages,
    vocabulary: &'static str,
    status: String,
) -> impl IntoView {
    let class = format!("badge {}", tone(&status));
    view! { <span class=class data-status=status.clone()>{status_name(t, vocabulary, &status)}</span> }
}

/// Decimal text with the locale's separators and `decimals` digits (text that is not a
/// number is shown as it is).
pub fn decimal_shown(locale: Locale, text: &str, decimals: u32) -> String {
    Decimal::from_str(text).map_or_else(|_| text.to_owned(), |d| locale.format_decimal(d, decimals))
}

/// An amount in its currency: `USD 12,345.00`.
pub fn money_shown(locale: Locale, currency: &str, text: &str) -> String {
    let decimals = Currency::parse(currency).map_or(2, |c| c.minor_units());
    format!("{currency} {}", decimal_shown(locale, text, decimals))
}

/// A unit price keeps the digits it was quoted with (up to four decimals).
pub fn unit_price_shown(locale: Locale, currency: &str, text: &str) -> String {
    let decimals = Currency::parse(currency).map_or(2, |c| c.minor_units());
    let scale = Decimal::from_str(text).map_or(decimals, |d| d.normalize().scale().max(decimals));
    format!("{currency} {}", decimal_shown(locale, text, scale))
}

/// `1,200 pieces`.
pub fn quantity_shown(locale: Locale, quantity: i64, unit: &str) -> String {
    let t = locale.messages();
    let unit =
        UnitCode::parse(unit).map_or_else(|_| unit.to_owned(), |u| unit_name(t, u).to_owned());
    format!(
        "{} {unit}",
        locale.format_count(u64::try_from(quantity).unwrap_or(0))
    )
}

/// A port as `Cai Mep (VNCMT)`.
pub fn port_shown(code: &str) -> String {
    #[cfg(feature = "ssr")]
    let name = domain::codes::UnLocode::parse(code).ok().and_then(|c| {
        domain::logistics::locations::LocationMaster::embedded()
            .get(&c)
            .map(|p| p.name.clone())
    });
    // The location master stays on the server; islands show the code.
    #[cfg(not(feature = "ssr"))]
    let name: Option<String> = None;
    match name {
        Some(n) => format!("{n} ({code})"),
        None => code.to_owned(),
    }
}

/// Who acted, as the history shows it.
fn actor_shown(t: &'static Messages, r: &TransitionRecord) -> String {
    match r.party.as_str() {
        "system" => t.trade_actor_system.to_owned(),
        "staff" if r.actor == "staff" => t.trade_actor_staff.to_owned(),
        _ => r.actor.clone(),
    }
}

/// The recorded status changes, oldest first: when, what, who, from where, why.
#[component]
pub fn History(locale: Locale, records: Vec<TransitionRecord>, buyer: bool) -> impl IntoView {
    let t = locale.messages();
    if records.is_empty() {
        return view! { <p class="empty">{t.trade_history_empty}</p> }.into_any();
    }
    let items = records
        .into_iter()
        .map(|r| {
            let vocabulary = match (r.subject.as_str(), buyer) {
                ("order", true) => "order_buyer",
                ("order", false) => "order",
                ("quote", true) => "quote_buyer",
                ("quote", false) => "quote",
                (_, true) => "rfq_buyer",
                _ => "rfq",
            };
            let to = buyer_facing(&r.subject, &r.to, buyer);
            let subject = match r.subject.as_str() {
                "order" => t.trade_subject_order,
                "quote" => t.trade_subject_quote,
                _ => t.trade_subject_rfq,
            };
            let source = t
                .lookup(&format!("trade_source_{}", r.source))
                .unwrap_or_default();
            view! {
                <li data-testid="history-entry">
                    <time datetime=r.at.clone()>{short_time(&r.at)}</time>
                    <span class="history-what">{subject}": "<strong>{status_name(t, vocabulary, &to)}</strong></span>
                    <span class="muted small">{actor_shown(t, &r)}{(!buyer).then(|| format!(" · {source}"))}</span>
                    {r.reason.clone().map(|why| view! { <p class="history-reason">{why}</p> })}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="history plain">{items}</ol> }.into_any()
}

/// The buyer-facing name of an internal status for the history (internal for staff).
fn buyer_facing(subject: &str, status: &str, buyer: bool) -> String {
    use domain::trade::order::OrderStatus;
    use domain::trade::quote::QuoteStatus;
    use domain::trade::rfq::RfqStatus;
    if !buyer {
        return status.to_owned();
    }
    match subject {
        "order" => OrderStatus::parse(status).map(|s| s.for_buyer().as_str().to_owned()),
        "quote" => QuoteStatus::parse(status).map(|s| s.for_buyer().as_str().to_owned()),
        _ => RfqStatus::parse(status).map(|s| s.for_buyer().as_str().to_owned()),
    }
    .unwrap_or_else(|| status.to_owned())
}

/// A definition in a facts list, left out when there is nothing to say.
#[component]
pub fn Fact(label: &'static str, #[prop(into)] value: Option<String>) -> impl IntoView {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| view! { <div><dt>{label}</dt><dd>{v}</dd></div> })
}
