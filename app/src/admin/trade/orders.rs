//! `/{locale}/admin/orders` (every buyer's orders, by status) and
//! `/{locale}/admin/orders/{number}` (the order, its next status with what is still missing,
//! cancelling with a reason, the export data: invoice, transport, shipment references, and
//! the certificate-of-origin pre-flight check before export).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::trade::forms::{ExportDataForm, ExportLineForm, TRANSPORT_MODES};
use domain::trade::order::OrderStatus;
use domain::trade::views::OrderDetail;

use super::server_fns::{AdminSaveExportData, admin_eco_preflight, admin_list_orders};
use crate::admin::{csrf_token, island_context};
use crate::components::form::{ActionError, error_text, field_errors};
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, fill, use_i18n, use_locale};
use crate::paths;
use crate::trade::orders::{OrderTable, OrderView};
use crate::trade::rfqs::web_confirm;
use crate::trade::server_fns::{MoveOrder, get_order};
use crate::trade::status_name;

/// `/{locale}/admin/orders`.
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let q = use_query_map();
    let (status, page) = {
        let q = q.read_untracked();
        (
            q.get("status").unwrap_or_default(),
            q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        )
    };
    let data = Resource::new(|| (), {
        let status = status.clone();
        move |()| admin_list_orders(status.clone(), page)
    });
    view! {
        <Title text=t.admin_nav_orders />
        <h1>{t.admin_nav_orders}</h1>
        <form class="filters" method="get" role="search" aria-label=t.rfq_filters_label>
            <label>{t.trade_status}
                <select name="status">
                    <option value="">{t.rfq_filter_any}</option>
                    {OrderStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=status == s.as_str()>{status_name(t, "order", s.as_str())}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">{t.rfq_filter_apply}</button>
        </form>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let status = status.clone();
                Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">{t.orders_admin_empty}</p> }.into_any(),
                    Ok(p) => {
                        let count = p.page_count();
                        view! {
                            <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(p.total))])}</p>
                            <OrderTable locale rows=p.items buyer=false />
                            <Pagination current=p.page count=count href=move |n| paths::with_query(&paths::admin_section(locale, "orders"),
                                &[("status", Some(status.clone())), ("page", Some(n.to_string()))]) />
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

/// `/{locale}/admin/orders/{number}`.
#[component]
pub fn AdminOrderPage() -> impl IntoView {
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
    let preflight = Resource::new(|| (), {
        let number = number.clone();
        move |()| admin_eco_preflight(number.clone())
    });
    view! {
        <Title text=fill(t.order_page_title, &[("number", &number)]) />
        <p><a href=paths::admin_section(locale, "orders")>{t.orders_back}</a></p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(o) => {
                        let before_export = matches!(o.status.as_str(), "confirmed" | "in_production" | "ready_to_ship");
                        view! {
                            <OrderStaffPanel locale order=o.clone() />
                            {before_export.then(|| view! { <Preflight locale problems=preflight /> })}
                            <OrderView locale order=o buyer=false />
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// What the certificate of origin would still lack if the order were cleared for export now.
#[component]
fn Preflight(
    locale: Locale,
    problems: Resource<Result<Vec<domain::trade::views::EcoProblem>, crate::error::AppError>>,
) -> impl IntoView {
    let t = locale.messages();
    view! {
        <section class="panel" aria-labelledby="eco-preflight-title" data-testid="eco-preflight">
            <h2 id="eco-preflight-title">{t.eco_preflight_title}</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match problems.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(p) if p.is_empty() => view! { <p class="ok-text" data-testid="eco-preflight-ok">{t.eco_preflight_ok}</p> }.into_any(),
                        Ok(p) => view! {
                            <p>{t.eco_preflight_missing}</p>
                            <crate::certificates::ProblemList locale problems=p testid="eco-preflight-problems" />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One order line's shipping inputs in the export data form.
#[derive(Clone)]
struct LineInputs {
    position: i32,
    description: String,
    package_count: RwSignal<String>,
    package_kind: RwSignal<String>,
    marks: RwSignal<String>,
    fob_value: RwSignal<String>,
}

/// The next status (with what it still needs), cancelling, and the export data form (an
/// island, loaded on this page only).
#[island(lazy)]
fn OrderStaffPanel(locale: Locale, order: OrderDetail) -> impl IntoView {
    island_context(locale);
    let t = locale.messages();
    let number = order.number.clone();
    let status = OrderStatus::parse(&order.status).unwrap_or(OrderStatus::Confirmed);
    let next = status.following();
    let move_action = ServerAction::<MoveOrder>::new();
    let save = ServerAction::<AdminSaveExportData>::new();
    let errors = field_errors(save.value());
    let here = paths::admin_section(locale, &format!("orders/{number}"));
    Effect::new({
        let here = here.clone();
        move |_| {
            if let Some(Ok(_)) = move_action.value().get() {
                paths::go_to(&here);
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            paths::go_to(&here);
        }
    });
    let reason = RwSignal::new(String::new());
    let invoice_number = RwSignal::new(order.invoice_number.clone().unwrap_or_default());
    let invoice_date = RwSignal::new(order.invoice_date.clone().unwrap_or_default());
    let port_of_loading = RwSignal::new(order.port_of_loading.clone().unwrap_or_default());
    let references = RwSignal::new(order.shipment_references.join("\n"));
    let departure_date = RwSignal::new(order.departure_date.clone().unwrap_or_default());
    let vessel = RwSignal::new(order.vessel.clone().unwrap_or_default());
    let voyage = RwSignal::new(order.voyage.clone().unwrap_or_default());
    let port_of_discharge = RwSignal::new(order.port_of_discharge.clone().unwrap_or_default());
    let transport_mode = RwSignal::new(order.transport_mode.clone().unwrap_or_default());
    let line_inputs: Vec<LineInputs> = order
        .lines
        .iter()
        .map(|l| LineInputs {
            position: l.position,
            description: l.description.clone(),
            package_count: RwSignal::new(
                l.package_count.map(|c| c.to_string()).unwrap_or_default(),
            ),
            package_kind: RwSignal::new(l.package_kind.clone().unwrap_or_default()),
            marks: RwSignal::new(l.marks.clone().unwrap_or_default()),
            fob_value: RwSignal::new(l.fob_value.clone().unwrap_or_default()),
        })
        .collect();
    let line_forms = {
        let inputs = line_inputs.clone();
        move || {
            inputs
                .iter()
                .map(|l| ExportLineForm {
                    position: l.position,
                    package_count: l.package_count.get_untracked(),
                    package_kind: l.package_kind.get_untracked().trim().to_ascii_uppercase(),
                    marks: l.marks.get_untracked(),
                    fob_value: l.fob_value.get_untracked(),
                })
                .collect::<Vec<_>>()
        }
    };
    let line_err = move |position: i32, name: &'static str| {
        let field = ExportLineForm::field(position, name);
        move || {
            errors.with(|e| {
                e.iter()
                    .find(|x| x.field == field)
                    .map(|x| error_text(t, x))
            })
        }
    };
    let currency = order.currency.clone();
    let pending = move || move_action.pending().get() || save.pending().get();
    let err = move |f: &'static str| {
        move || errors.with(|e| e.iter().find(|x| x.field == f).map(|x| error_text(t, x)))
    };
    let missing = order.next_missing.clone();
    let blocked = !missing.is_empty();
    let (n1, n2, n3) = (number.clone(), number.clone(), number.clone());
    view! {
        <section class="panel actions" aria-labelledby="order-actions-title" data-testid="order-actions">
            <h2 id="order-actions-title">{t.trade_next_steps}</h2>
            {move || move_action.value().get().and_then(Result::err).map(|e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> })}
            {next.filter(|_| status != OrderStatus::Cancelled).map(move |to| {
                let label = fill(t.order_move_to, &[("status", &status_name(t, "order", to.as_str()))]);
                view! {
                    {blocked.then(|| view! {
                        <div class="notice" data-testid="order-missing">
                            <p>{fill(t.order_missing_for, &[("status", &status_name(t, "order", to.as_str()))])}</p>
                            <ul>{missing.iter().map(|m| view! { <li>{t.lookup(&format!("order_missing_{m}")).unwrap_or(m.as_str()).to_owned()}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    <button type="button" class="button primary" data-testid="advance-order" disabled=move || pending() || blocked
                        on:click=move |_| { move_action.dispatch(MoveOrder { csrf: csrf_token(), number: n1.clone(), to: to.as_str().to_owned(), reason: String::new() }); }>{label}</button>
                }
            })}
            {status.cancellable().then(move || view! {
                <div class="field inline-field">
                    <label for="order-cancel-reason">{t.order_cancel_reason}</label>
                    <input id="order-cancel-reason" type="text" maxlength="2000" prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev)) />
                    <button type="button" class="button danger" disabled=pending
                        on:click=move |_| {
                            if web_confirm(t.order_cancel_confirm) {
                                move_action.dispatch(MoveOrder { csrf: csrf_token(), number: n2.clone(), to: "cancelled".to_owned(), reason: reason.get_untracked() });
                            }
                        }>{t.order_cancel}</button>
                </div>
            })}
        </section>
        <form class="card form" novalidate="" data-testid="export-data-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(AdminSaveExportData { csrf: csrf_token(), number: n3.clone(), form: ExportDataForm {
                    invoice_number: invoice_number.get_untracked(),
                    invoice_date: invoice_date.get_untracked(),
                    port_of_loading: port_of_loading.get_untracked().trim().to_ascii_uppercase(),
                    shipment_references: references.get_untracked(),
                    departure_date: departure_date.get_untracked(),
                    vessel: vessel.get_untracked(),
                    voyage: voyage.get_untracked(),
                    port_of_discharge: port_of_discharge.get_untracked().trim().to_ascii_uppercase(),
                    transport_mode: transport_mode.get_untracked(),
                    lines: line_forms(),
                } });
            }>
            <h2>{t.order_export_data_title}</h2>
            <p class="hint">{t.order_export_data_hint}</p>
            <div class="field" class:has-error=move || err("invoice_number")().is_some()>
                <label for="o-invoice-number">{t.order_invoice_number}</label>
                <input id="o-invoice-number" type="text" maxlength="35" prop:value=move || invoice_number.get() on:input=move |ev| invoice_number.set(event_target_value(&ev)) />
                <p class="field-error" role="alert">{err("invoice_number")}</p>
            </div>
            <div class="field" class:has-error=move || err("invoice_date")().is_some()>
                <label for="o-invoice-date">{t.order_invoice_date}</label>
                <input id="o-invoice-date" type="date" prop:value=move || invoice_date.get() on:input=move |ev| invoice_date.set(event_target_value(&ev)) />
                <p class="field-error" role="alert">{err("invoice_date")}</p>
            </div>
            <div class="field" class:has-error=move || err("port_of_loading")().is_some()>
                <label for="o-port-of-loading">{t.order_port_of_loading}</label>
                <input id="o-port-of-loading" type="text" maxlength="5" prop:value=move || port_of_loading.get() on:input=move |ev| port_of_loading.set(event_target_value(&ev)) />
                <p class="hint">{t.field_port_hint}</p>
                <p class="field-error" role="alert">{err("port_of_loading")}</p>
            </div>
            <div class="field" class:has-error=move || err("transport_mode")().is_some()>
                <label for="o-transport-mode">{t.order_transport_mode}</label>
                <select id="o-transport-mode" prop:value=move || transport_mode.get() on:change=move |ev| transport_mode.set(event_target_value(&ev))>
                    <option value="">{t.field_not_set}</option>
                    {TRANSPORT_MODES.iter().map(|m| view! {
                        <option value=*m selected=transport_mode.get_untracked() == *m>{t.lookup(&format!("order_transport_{m}")).unwrap_or(*m).to_owned()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{err("transport_mode")}</p>
            </div>
            <div class="field" class:has-error=move || err("departure_date")().is_some()>
                <label for="o-departure-date">{t.order_departure_date}</label>
                <input id="o-departure-date" type="date" prop:value=move || departure_date.get() on:input=move |ev| departure_date.set(event_target_value(&ev)) />
                <p class="field-error" role="alert">{err("departure_date")}</p>
            </div>
            <div class="field" class:has-error=move || err("vessel")().is_some()>
                <label for="o-vessel">{t.order_vessel}</label>
                <input id="o-vessel" type="text" maxlength="100" prop:value=move || vessel.get() on:input=move |ev| vessel.set(event_target_value(&ev)) />
                <p class="field-error" role="alert">{err("vessel")}</p>
            </div>
            <div class="field" class:has-error=move || err("voyage")().is_some()>
                <label for="o-voyage">{t.order_voyage}</label>
                <input id="o-voyage" type="text" maxlength="35" prop:value=move || voyage.get() on:input=move |ev| voyage.set(event_target_value(&ev)) />
                <p class="field-error" role="alert">{err("voyage")}</p>
            </div>
            <div class="field" class:has-error=move || err("port_of_discharge")().is_some()>
                <label for="o-port-of-discharge">{t.order_port_of_discharge}</label>
                <input id="o-port-of-discharge" type="text" maxlength="5" prop:value=move || port_of_discharge.get() on:input=move |ev| port_of_discharge.set(event_target_value(&ev)) />
                <p class="hint">{t.order_port_of_discharge_hint}</p>
                <p class="field-error" role="alert">{err("port_of_discharge")}</p>
            </div>
            <div class="field" class:has-error=move || err("shipment_references")().is_some()>
                <label for="o-references">{t.order_shipment_references}</label>
                <textarea id="o-references" rows="3" prop:value=move || references.get() on:input=move |ev| references.set(event_target_value(&ev))></textarea>
                <p class="hint">{t.order_shipment_references_hint}</p>
                <p class="field-error" role="alert">{err("shipment_references")}</p>
            </div>
            <fieldset data-testid="export-lines">
                <legend>{t.order_export_lines_title}</legend>
                <p class="hint">{fill(t.order_export_lines_hint, &[("currency", &currency)])}</p>
                <div class="table-wrap">
                    <table class="data form-table">
                        <thead><tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{t.order_line_description}</th>
                            <th scope="col">{t.order_package_count}</th>
                            <th scope="col">{t.order_package_kind}</th>
                            <th scope="col">{t.order_marks}</th>
                            <th scope="col">{fill(t.order_fob_value, &[("currency", &currency)])}</th>
                        </tr></thead>
                        <tbody>
                            {line_inputs.into_iter().map(|l| {
                                let p = l.position;
                                let input = move |name: &'static str, signal: RwSignal<String>, max: u32, label: String| {
                                    let error = line_err(p, name);
                                    let error2 = line_err(p, name);
                                    view! {
                                        <td class:has-error=move || error().is_some()>
                                            <input type="text" maxlength=max aria-label=label prop:value=move || signal.get()
                                                on:input=move |ev| signal.set(event_target_value(&ev)) />
                                            <p class="field-error" role="alert">{error2}</p>
                                        </td>
                                    }
                                };
                                let label = |what: &str| format!("{} {p}: {what}", t.order_line);
                                view! {
                                    <tr data-testid=format!("export-line-{p}")>
                                        <td>{p}</td>
                                        <td>{l.description.clone()}</td>
                                        {input("package_count", l.package_count, 7, label(t.order_package_count))}
                                        {input("package_kind", l.package_kind, 2, label(t.order_package_kind))}
                                        {input("marks", l.marks, 200, label(t.order_marks))}
                                        {input("fob_value", l.fob_value, 20, label(t.order_fob_value_short))}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </fieldset>
            {move || match save.value().get() {
                Some(Err(crate::error::AppError::Fields(_))) => Some(view! { <p class="form-status error" role="alert">{t.form_fix_errors}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="form-status error" role="alert"><ActionError error=e /></p> }.into_any()),
                _ => None,
            }}
            <button type="submit" class="button" data-testid="save-export-data" disabled=pending>{t.form_save}</button>
        </form>
    }
}
