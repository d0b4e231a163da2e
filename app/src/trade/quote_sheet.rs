//! The quote PDF's words and figures in the reader's language: turns an RFQ with its quote,
//! the exporter's profile and the site's name into the `domain::trade::quote_pdf::QuoteSheet`
//! the server draws (`GET /rfqs/{number}/quote.pdf`). Amounts, quantities and units are
//! written as the RFQ page writes them.

use chrono::{DateTime, Utc};
use domain::codes::CountryCode;
use domain::trade::quote_pdf::QuoteSheet;
use domain::trade::views::{QuoteView, RfqDetail};
use domain::views::ExporterProfile;

use super::{money_shown, port_shown, quantity_shown, status_name, unit_price_shown};
use crate::catalog::trade_labels::country_name;
use crate::i18n::{Locale, fill};

fn country(t: &'static crate::i18n::Messages, code: &str) -> String {
    CountryCode::parse(code).map_or_else(|_| code.to_owned(), |c| country_name(t, &c))
}

fn address_lines(address: &str) -> impl Iterator<Item = String> + '_ {
    address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

/// The sheet of `quote` (the version `rfq` shows the caller) in `locale`.
pub fn quote_sheet(
    locale: Locale,
    rfq: &RfqDetail,
    quote: &QuoteView,
    exporter: Option<&ExporterProfile>,
    site_name: &str,
    now: DateTime<Utc>,
) -> QuoteSheet {
    let t = locale.messages();
    let cur = quote.currency.as_str();
    let document_title = fill(
        t.quote_title,
        &[("number", &quote.number), ("version", &quote.version)],
    );
    let seller: Vec<String> = match exporter {
        Some(p) => std::iter::once(p.legal_name.clone())
            .chain(address_lines(&p.address))
            .chain(std::iter::once(country(t, &p.country)))
            .chain((!p.contact_email.is_empty()).then(|| p.contact_email.clone()))
            .collect(),
        None => vec![site_name.to_owned()],
    };
    let buyer: Vec<String> = std::iter::once(rfq.company.name.clone())
        .chain(address_lines(&rfq.buyer_address))
        .chain(std::iter::once(country(t, &rfq.company.country)))
        .collect();
    // A version the buyer was never sent, or one that can no longer be accepted, says so.
    let mark = if quote.sent_at.is_none() {
        Some(status_name(t, "quote", "draft"))
    } else if matches!(quote.status.as_str(), "expired" | "declined") {
        Some(status_name(t, "quote", &quote.status))
    } else {
        None
    };
    let day = |text: &str| text.get(..10).unwrap_or(text).to_owned();
    let mut facts = vec![
        (t.trade_number.to_owned(), quote.number.clone()),
        (t.quote_pdf_version.to_owned(), quote.version.to_string()),
        (
            t.quote_pdf_date.to_owned(),
            quote
                .sent_at
                .as_deref()
                .map_or_else(|| now.date_naive().to_string(), day),
        ),
        (t.quote_valid_until.to_owned(), quote.valid_until.clone()),
        (t.trade_subject_rfq.to_owned(), rfq.number.clone()),
    ];
    if let Some(po) = rfq.po_number.as_ref().filter(|p| !p.is_empty()) {
        facts.push((t.rfq_po_number.to_owned(), po.clone()));
    }
    let mut terms = vec![
        (
            t.trade_incoterm.to_owned(),
            format!("{} {} (Incoterms® 2020)", quote.incoterm, quote.named_place),
        ),
        (
            t.rfq_destination_port.to_owned(),
            port_shown(&rfq.destination_port),
        ),
        (t.quote_field_currency.to_owned(), quote.currency.clone()),
    ];
    if let Some(by) = &rfq.required_by {
        terms.push((t.rfq_required_by.to_owned(), by.clone()));
    }
    let lines = quote
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            [
                (i + 1).to_string(),
                l.description.clone(),
                quantity_shown(locale, l.quantity, &l.unit),
                unit_price_shown(locale, cur, &l.unit_price),
                fill(t.trade_days, &[("days", &l.lead_time_days)]),
                money_shown(locale, cur, &l.line_total),
            ]
        })
        .collect();
    let totals = vec![
        (
            t.trade_subtotal.to_owned(),
            money_shown(locale, cur, &quote.subtotal),
        ),
        (
            t.trade_freight.to_owned(),
            money_shown(locale, cur, &quote.freight),
        ),
        (
            t.trade_insurance.to_owned(),
            money_shown(locale, cur, &quote.insurance),
        ),
        (
            t.trade_total.to_owned(),
            money_shown(locale, cur, &quote.total),
        ),
    ];
    let mut notes = Vec::new();
    if !quote.payment_terms.trim().is_empty() {
        notes.push((
            t.quote_payment_terms.to_owned(),
            quote.payment_terms.clone(),
        ));
    }
    notes.push((
        t.quote_valid_until.to_owned(),
        fill(t.quote_pdf_validity, &[("date", &quote.valid_until)]),
    ));
    let seller_name = seller.first().cloned().unwrap_or_default();
    QuoteSheet {
        language: locale.tag().to_owned(),
        title: t.quote_pdf_title.to_owned(),
        document_title: document_title.clone(),
        mark,
        seller,
        buyer_heading: t.quote_pdf_buyer.to_owned(),
        buyer,
        facts,
        terms_heading: t.order_terms_title.to_owned(),
        terms,
        columns: [
            t.quote_pdf_line.to_owned(),
            t.trade_item.to_owned(),
            t.trade_quantity.to_owned(),
            t.trade_unit_price.to_owned(),
            t.trade_lead_time.to_owned(),
            t.trade_line_total.to_owned(),
        ],
        lines,
        totals,
        notes,
        footer: format!("{seller_name} · {document_title}"),
        page_label: t.quote_pdf_page.to_owned(),
        generated_at: now,
    }
}

/// The file name of the download: `Q-2026-00012-v2-ja.pdf`.
pub fn file_name(quote: &QuoteView, locale: Locale) -> String {
    format!("{}-v{}-{}.pdf", quote.number, quote.version, locale.tag())
}
