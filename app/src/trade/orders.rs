//! "My orders" (`/{locale}/orders`) and the order page (`/{locale}/orders/{number}`): header,
//! lines, amounts, the status timeline, documents, and the certificate-of-origin and shipment
//! sections (empty until those features issue and track). `OrderView` is shared with the admin
//! panel's order page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::trade::order::{LIFECYCLE, OrderStatus};
use domain::trade::views::OrderDetail;

use super::quote_view::{PricedLine, PricedLines};
use super::server_fns::{MoveOrder, get_order, list_my_orders};
use super::{Fact, History, StatusBadge, money_shown, port_shown};
use crate::account::server_fns::get_viewer;
use crate::admin::short_time;
use crate::certificates::EcoPanel;
use crate::components::form::ActionError;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading, SignInNeeded};
use crate::error::AppError;
use crate::i18n::{Locale, PageTexts, fill, use_i18n, use_locale};
use crate::paths;

/// `/{locale}/orders`: the company's orders, most recently changed first.
#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let page = use_query_map()
        .read_untracked()
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let data = Resource::new(|| (), move |()| list_my_orders(String::new(), page));
    view! {
        <Title text=t.orders_title />
        <Meta name="robots" content="noindex" />
        <section class="container trade-page">
            <h1>{t.orders_title}</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotSignedIn) => view! { <SignInNeeded /> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(p) if p.items.is_empty() => view! {
                            <div class="empty-state">
                                <p>{t.orders_empty}</p>
                                <p><a class="button" href=paths::rfqs(locale)>{t.rfqs_title}</a></p>
                            </div>
                        }.into_any(),
                        Ok(p) => {
                            let count = p.page_count();
                            view! {
                                <OrderTable locale rows=p.items buyer=true />
                                <Pagination current=p.page count=count href=move |n| paths::with_query(&paths::orders(locale), &[("page", Some(n.to_string()))]) />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A list of orders (buyer or staff columns).
#[component]
pub fn OrderTable(
    locale: Locale,
    rows: Vec<domain::trade::views::OrderRow>,
    buyer: bool,
) -> impl IntoView {
    let t = locale.messages();
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead><tr>
                    <th scope="col">{t.trade_number}</th>
                    {(!buyer).then(|| view! { <th scope="col">{t.trade_company}</th> })}
                    <th scope="col">{t.trade_status}</th>
                    <th scope="col">{t.order_ship_to_port}</th>
                    <th scope="col" class="num">{t.trade_total}</th>
                    <th scope="col">{t.trade_updated}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|o| {
                        let href = if buyer { paths::order(locale, &o.number) } else { paths::admin_section(locale, &format!("orders/{}", o.number)) };
                        let (vocabulary, status) = if buyer { ("order_buyer", o.buyer_status.clone()) } else { ("order", o.status.clone()) };
                        view! {
                            <tr data-testid="order-row">
                                <td><a href=href>{o.number.clone()}</a></td>
                                {(!buyer).then(|| view! { <td>{o.company.clone()}</td> })}
                                <td><StatusBadge t vocabulary status /></td>
                                <td>{port_shown(&o.ship_to_port)}</td>
                                <td class="num">{money_shown(locale, &o.currency, &o.total)}</td>
                                <td class="nowrap small">{short_time(&o.updated_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The lifecycle as steps: done, current, to come (or cancelled).
#[component]
fn Timeline(locale: Locale, order: OrderDetail, buyer: bool) -> impl IntoView {
    let t = locale.messages();
    let status = OrderStatus::parse(&order.status).unwrap_or(OrderStatus::Confirmed);
    let reached = |s: OrderStatus| {
        order
            .history
            .iter()
            .filter(|h| h.subject == "order")
            .find(|h| h.to == s.as_str())
            .map(|h| short_time(&h.at))
    };
    let current = LIFECYCLE.iter().position(|s| *s == status);
    let steps = LIFECYCLE
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = match current {
                Some(c) if i < c => "done",
                Some(c) if i == c => "current",
                _ => "todo",
            };
            let name = if buyer {
                super::status_name(t, "order_buyer", s.for_buyer().as_str())
            } else {
                super::status_name(t, "order", s.as_str())
            };
            let at = reached(*s);
            view! {
                <li class=format!("step {state}") aria-current=(state == "current").then_some("step")>
                    <span class="step-name">{name}</span>
                    {at.map(|a| view! { <span class="muted small">{a}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="timeline plain" aria-label=t.order_timeline_label data-testid="order-timeline">{steps}</ol>
        {(status == OrderStatus::Cancelled).then(|| view! {
            <p class="notice error">{t.order_cancelled_notice}" "{order.cancel_reason.clone().unwrap_or_default()}</p>
        })}
    }
}

/// The whole order (both sides; staff see internal statuses and who acted).
#[component]
pub fn OrderView(locale: Locale, order: OrderDetail, buyer: bool) -> impl IntoView {
    let t = locale.messages();
    let o = order;
    let (vocabulary, status) = if buyer {
        ("order_buyer", o.buyer_status.clone())
    } else {
        ("order", o.status.clone())
    };
    let rfq_href = if buyer {
        paths::rfq(locale, &o.rfq_number)
    } else {
        paths::admin_section(locale, &format!("rfqs/{}", o.rfq_number))
    };
    let priced = o
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
    let references = (!o.shipment_references.is_empty()).then(|| o.shipment_references.join(", "));
    let loading = o
        .port_of_loading
        .as_deref()
        .map_or_else(|| t.order_port_of_loading_unknown.to_owned(), port_shown);
    let invoice = o.invoice_number.clone().map(|n| match &o.invoice_date {
        Some(d) => format!("{n} ({d})"),
        None => n,
    });
    let company = format!("{} ({})", o.company.name, o.company.country);
    view! {
        <div class="page-head">
            <h1>{fill(t.order_page_title, &[("number", &o.number)])}</h1>
            <StatusBadge t vocabulary status />
        </div>
        <Timeline locale order=o.clone() buyer />
        <section class="panel" aria-labelledby="order-terms-title">
            <h2 id="order-terms-title">{t.order_terms_title}</h2>
            <dl class="facts">
                {(!buyer).then(|| view! { <Fact label=t.trade_company value=Some(company) /> })}
                <div><dt>{t.trade_subject_quote}</dt><dd>{fill(t.order_from_quote, &[("quote", &o.quote_number), ("version", &o.quote_version)])}" · "<a href=rfq_href>{o.rfq_number.clone()}</a></dd></div>
                <Fact label=t.trade_incoterm value=Some(format!("{} {}", o.incoterm, o.named_place)) />
                <Fact label=t.order_port_of_loading value=Some(loading) />
                <Fact label=t.order_ship_to_port value=Some(port_shown(&o.ship_to_port)) />
                <Fact label=t.rfq_po_number value=o.po_number.clone() />
                <Fact label=t.order_invoice value=invoice />
                <Fact label=t.order_shipment_references value=references />
                <Fact label=t.order_placed value=Some(short_time(&o.created_at)) />
            </dl>
        </section>
        <h2>{t.order_lines_title}</h2>
        <PricedLines locale currency=o.currency.clone() lines=priced subtotal=o.subtotal.clone()
            freight=o.freight.clone() insurance=o.insurance.clone() total=o.total.clone() testid="order" />
        <div class="order-sections">
            <EcoPanel locale number=o.number.clone() eco=o.eco.clone() staff=!buyer watch=o.status != "cancelled" />
            <super::shipment::ShipmentSection locale number=o.number.clone() />
            <section class="panel" aria-labelledby="order-documents-title" data-testid="order-documents">
                <h2 id="order-documents-title">{t.order_documents_title}</h2>
                <p class="empty">{t.order_documents_empty}</p>
            </section>
        </div>
        <h2>{t.trade_history_title}</h2>
        <History locale records=o.history.clone() buyer />
    }
}

/// `/{locale}/orders/{number}`.
#[component]
pub fn OrderPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let number = use_params_map()
        .read_untracked()
        .get("number")
        .unwrap_or_default();
    let data = Resource::new(|| (), {
        let number = number.clone();
        move |()| get_order(number.clone())
    });
    view! {
        <Title text=fill(t.order_page_title, &[("number", &number)]) />
        <Meta name="robots" content="noindex" />
        <PageTexts locale />
        <section class="container trade-page">
            <p><a href=paths::orders(locale)>{t.orders_back}</a></p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotSignedIn) => view! { <SignInNeeded /> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(o) => {
                            let arrived = o.status == "arrived";
                            let number = o.number.clone();
                            view! {
                                <OrderView locale order=o buyer=true />
                                {arrived.then(|| view! { <ConfirmDelivery locale number /> })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The buyer confirms the goods arrived with them (an island, on arrived orders only).
#[island(lazy)]
fn ConfirmDelivery(locale: Locale, number: String) -> impl IntoView {
    provide_context(locale);
    let t = locale.messages();
    let viewer = Resource::new(|| (), |()| get_viewer());
    let action = ServerAction::<MoveOrder>::new();
    let here = paths::order(locale, &number);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            paths::go_to(&here);
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let number = number.clone();
                Suspend::new(async move {
                let Ok(Some(v)) = viewer.await else { return ().into_any() };
                view! {
                    <section class="panel actions">
                        <p>{t.order_confirm_delivery_hint}</p>
                        {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> })}
                        <button type="button" class="button primary" disabled=move || action.pending().get()
                            on:click=move |_| { action.dispatch(MoveOrder { csrf: v.csrf.clone(), number: number.clone(), to: "delivered".to_owned(), reason: String::new() }); }>
                            {t.order_confirm_delivery}
                        </button>
                    </section>
                }.into_any()
            })}}
        </Suspense>
    }
}
