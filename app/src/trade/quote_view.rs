//! A quote as both sides read it: the version shown, its lines and totals, what changed from
//! the previous version, and the buyer's counter-proposals. Internal notes only for staff.

use leptos::prelude::*;

use domain::trade::quote::LineChangeKind;
use domain::trade::views::{QuoteView, RfqLineView};

use super::{StatusBadge, money_shown, quantity_shown, unit_price_shown};
use crate::i18n::{Locale, fill};

/// The lines an RFQ asks for.
#[component]
pub fn RfqLines(locale: Locale, lines: Vec<RfqLineView>, currency: String) -> impl IntoView {
    let t = locale.messages();
    let rows = lines
        .into_iter()
        .map(|l| {
            let target = l
                .target_price
                .as_deref()
                .map(|p| unit_price_shown(locale, &currency, p));
            view! {
                <tr data-testid="rfq-line">
                    <td class="num">{l.position}</td>
                    <td>{l.description.clone()}{l.product_id.is_none().then(|| view! { " "<span class="badge">{t.rfq_free_text}</span> })}</td>
                    <td class="num">{quantity_shown(locale, l.quantity, &l.unit)}</td>
                    <td class="num">{target.unwrap_or_else(|| "—".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead><tr>
                    <th scope="col" class="num">"#"</th>
                    <th scope="col">{t.trade_item}</th>
                    <th scope="col" class="num">{t.trade_quantity}</th>
                    <th scope="col" class="num">{t.rfq_target_price}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One priced line of a quote version or an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: String,
    pub lead_time_days: i32,
    pub line_total: String,
}

/// Priced lines with subtotal, freight, insurance and total (a quote's or an order's);
/// rows are `{testid}-line`, the total `{testid}-total`.
#[component]
pub fn PricedLines(
    locale: Locale,
    currency: String,
    lines: Vec<PricedLine>,
    subtotal: String,
    freight: String,
    insurance: String,
    total: String,
    testid: &'static str,
) -> impl IntoView {
    let t = locale.messages();
    let cur = currency;
    let rows = lines
        .into_iter()
        .map(|l| {
            view! {
                <tr data-testid=format!("{testid}-line")>
                    <td>{l.description}</td>
                    <td class="num">{quantity_shown(locale, l.quantity, &l.unit)}</td>
                    <td class="num">{unit_price_shown(locale, &cur, &l.unit_price)}</td>
                    <td class="num">{fill(t.trade_days, &[("days", &l.lead_time_days)])}</td>
                    <td class="num">{money_shown(locale, &cur, &l.line_total)}</td>
                </tr>
            }
        })
        .collect_view();
    let sums = [
        (t.trade_subtotal, subtotal),
        (t.trade_freight, freight),
        (t.trade_insurance, insurance),
    ]
    .into_iter()
    .map(|(label, amount)| view! {
        <tr><th scope="row" colspan="4">{label}</th><td class="num">{money_shown(locale, &cur, &amount)}</td></tr>
    })
    .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead><tr>
                    <th scope="col">{t.trade_item}</th>
                    <th scope="col" class="num">{t.trade_quantity}</th>
                    <th scope="col" class="num">{t.trade_unit_price}</th>
                    <th scope="col" class="num">{t.trade_lead_time}</th>
                    <th scope="col" class="num">{t.trade_line_total}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    {sums}
                    <tr class="total"><th scope="row" colspan="4">{t.trade_total}</th><td class="num" data-testid=format!("{testid}-total")>{money_shown(locale, &cur, &total)}</td></tr>
                </tfoot>
            </table>
        </div>
    }
}

/// The languages a quote PDF is offered in: the reader's first, then English (for the
/// buyer the page's language; for staff the language of the buyer who sent the RFQ).
pub fn pdf_locales(first: Option<Locale>) -> Vec<Locale> {
    let mut list: Vec<Locale> = first.into_iter().collect();
    if !list.contains(&Locale::En) {
        list.push(Locale::En);
    }
    list
}

/// The quote at the version shown, with its changes and counters.
#[component]
pub fn QuoteSection(
    locale: Locale,
    quote: QuoteView,
    buyer: bool,
    /// The RFQ the quote answers (its PDF's address).
    rfq_number: String,
    /// The languages the PDF is offered in.
    pdf_locales: Vec<Locale>,
) -> impl IntoView {
    let t = locale.messages();
    let pdf_links = pdf_locales
        .into_iter()
        .map(|l| {
            let label = fill(t.quote_pdf_download, &[("language", &l.native_name())]);
            view! {
                <li><a href=crate::paths::quote_pdf(&rfq_number, l) download data-testid="quote-pdf" hreflang=l.tag()>{label}</a></li>
            }
        })
        .collect_view();
    let q = quote;
    let vocabulary = if buyer { "quote_buyer" } else { "quote" };
    let status = if buyer {
        q.buyer_status.clone()
    } else {
        q.status.clone()
    };
    let cur = q.currency.clone();
    let priced = q
        .lines
        .iter()
        .map(|l| PricedLine {
            description: l.description.clone(),
            quantity: l.quantity,
            unit: l.unit.clone(),
            unit_price: l.unit_price.clone(),
            lead_time_days: l.lead_time_days,
            line_total: l.line_total.clone(),
        })
        .collect();
    let changes = q.changes.clone().filter(|c| !c.is_empty()).map(|c| {
        let header = c
            .header
            .iter()
            .map(|f| {
                let label = t
                    .lookup(&format!("quote_field_{}", f.field))
                    .unwrap_or(f.field.as_str())
                    .to_owned();
                view! { <li>{label}": "<del>{f.old.clone()}</del>" → "<ins>{f.new.clone()}</ins></li> }
            })
            .collect_view();
        let lines = c
            .lines
            .iter()
            .filter(|l| l.kind != LineChangeKind::Unchanged)
            .map(|l| {
                let kind = match l.kind {
                    LineChangeKind::Added => t.quote_change_added,
                    LineChangeKind::Removed => t.quote_change_removed,
                    _ => t.quote_change_changed,
                };
                let fields = l
                    .fields
                    .iter()
                    .map(|f| {
                        let label = t
                            .lookup(&format!("quote_field_{}", f.field))
                            .unwrap_or(f.field.as_str())
                            .to_owned();
                        format!("{label}: {} → {}", f.old, f.new)
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                view! {
                    <li data-testid="quote-change"><strong>{l.description.clone()}</strong>" — "{kind}
                        {(!fields.is_empty()).then(|| view! { <span class="muted">" ("{fields}")"</span> })}
                    </li>
                }
            })
            .collect_view();
        let previous = q
            .versions
            .iter()
            .rev()
            .find(|v| v.version < q.version)
            .map_or(0, |v| v.version);
        view! {
            <section class="quote-changes" aria-labelledby="quote-changes-title">
                <h3 id="quote-changes-title">{fill(t.quote_changes_title, &[("old", &previous), ("new", &q.version)])}</h3>
                <ul>{header}{lines}</ul>
            </section>
        }
    });
    let counters = (!q.counters.is_empty()).then(|| {
        let items = q
            .counters
            .iter()
            .map(|c| {
                let proposals = c
                    .lines
                    .iter()
                    .map(|p| {
                        let what = q
                            .lines
                            .iter()
                            .find(|l| u32::try_from(l.key).ok() == Some(p.key))
                            .map_or_else(|| format!("#{}", p.key), |l| l.description.clone());
                        let mut parts = Vec::new();
                        if let Some(n) = p.quantity {
                            parts.push(format!("{}: {}", t.trade_quantity, locale.format_count(n)));
                        }
                        if let Some(price) = p.unit_price {
                            parts.push(format!("{}: {}", t.trade_unit_price, unit_price_shown(locale, &cur, &price.to_string())));
                        }
                        view! { <li>{what}" — "{parts.join(", ")}</li> }
                    })
                    .collect_view();
                view! {
                    <li data-testid="quote-counter">
                        <p class="muted small">{fill(t.quote_counter_on, &[("version", &c.version)])}" · "{crate::admin::short_time(&c.created_at)}</p>
                        <ul>{proposals}</ul>
                        {(!c.message.is_empty()).then(|| view! { <p class="pre">{c.message.clone()}</p> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="quote-counters-title">
                <h3 id="quote-counters-title">{t.quote_counters_title}</h3>
                <ul class="plain counters">{items}</ul>
            </section>
        }
    });
    let sent = q.sent_at.clone().map(|s| crate::admin::short_time(&s));
    let order_link = q.order_number.clone().map(|n| {
        let href = if buyer {
            crate::paths::order(locale, &n)
        } else {
            crate::paths::admin_section(locale, &format!("orders/{n}"))
        };
        (n, href)
    });
    view! {
        <section class="panel quote" aria-labelledby="quote-title" data-testid="quote">
            <div class="page-head">
                <h2 id="quote-title">{fill(t.quote_title, &[("number", &q.number), ("version", &q.version)])}</h2>
                <StatusBadge t vocabulary status />
            </div>
            {(!buyer && q.version != q.current_version).then(|| view! {
                <p class="notice">{fill(t.quote_newer_version, &[("version", &q.current_version)])}</p>
            })}
            <dl class="facts">
                <div><dt>{t.trade_incoterm}</dt><dd>{format!("{} {}", q.incoterm, q.named_place)}</dd></div>
                <div><dt>{t.quote_valid_until}</dt><dd data-testid="quote-valid-until">{q.valid_until.clone()}</dd></div>
                <div><dt>{t.quote_payment_terms}</dt><dd class="pre">{q.payment_terms.clone()}</dd></div>
                {sent.map(|s| view! { <div><dt>{t.quote_sent_at}</dt><dd>{s}</dd></div> })}
                {order_link.map(|(n, href)| view! {
                    <div><dt>{t.trade_subject_order}</dt><dd><a href=href>{n}</a></dd></div>
                })}
            </dl>
            <PricedLines locale currency=q.currency.clone() lines=priced subtotal=q.subtotal.clone()
                freight=q.freight.clone() insurance=q.insurance.clone() total=q.total.clone() testid="quote" />
            <nav class="downloads" aria-label=t.quote_pdf_downloads>
                <span class="muted">{t.quote_pdf_downloads}": "</span>
                <ul class="inline-list">{pdf_links}</ul>
            </nav>
            {q.internal_notes.clone().filter(|n| !n.is_empty()).map(|n| view! {
                <div class="internal-notes"><h3>{t.quote_internal_notes}</h3><p class="pre">{n}</p></div>
            })}
            {changes}
            {counters}
        </section>
    }
}
