//! `/{locale}/admin/rfqs` (the inbox: filters by status, buyer country, assignee and age, the
//! age of each unanswered RFQ) and `/{locale}/admin/rfqs/{number}` (the RFQ, its quote, and
//! the staff island: assign, ask for information, decline, write, send and revise the quote).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::codes::{Currency, Incoterm};
use domain::form::FieldError;
use domain::trade::forms::{QuoteForm, QuoteLineForm};
use domain::trade::rfq::RfqStatus;
use domain::trade::views::{RfqDetail, StaffRef};

use super::server_fns::{
    AdminAssignRfq, AdminSaveQuote, RfqInboxFilter, admin_list_rfqs, admin_quote_form,
    admin_staff_members,
};
use crate::account::country_options;
use crate::admin::{csrf_token, island_context, short_time};
use crate::components::form::{ActionError, error_text, field_errors};
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, fill, use_i18n, use_locale};
use crate::paths;
use crate::trade::messages::{MessageOutcome, MessageThread};
use crate::trade::quote_view::{QuoteSection, RfqLines, pdf_locales};
use crate::trade::rfqs::{RfqFacts, web_confirm};
use crate::trade::server_fns::{TakeQuoteStep, TakeRfqStep, get_rfq, get_rfq_thread};
use crate::trade::{History, StatusBadge, port_shown, status_name};

fn rfq_href(locale: Locale, number: &str) -> String {
    paths::admin_section(locale, &format!("rfqs/{number}"))
}

/// The filters of the inbox from the URL.
fn inbox_filter() -> RfqInboxFilter {
    let q = use_query_map();
    let q = q.read_untracked();
    RfqInboxFilter {
        status: q.get("status").unwrap_or_default(),
        country: q.get("country").unwrap_or_default(),
        assignee: q.get("assignee").unwrap_or_default(),
        min_age_days: q.get("age").unwrap_or_default(),
        page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

/// `/{locale}/admin/rfqs`.
#[component]
pub fn RfqInboxPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let filter = inbox_filter();
    let data = Resource::new(|| (), {
        let filter = filter.clone();
        move |()| admin_list_rfqs(filter.clone())
    });
    let statuses: Vec<(String, String)> = RfqStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), status_name(t, "rfq", s.as_str())))
        .collect();
    let ages = [
        ("", t.rfq_age_any),
        ("1", t.rfq_age_1),
        ("3", t.rfq_age_3),
        ("7", t.rfq_age_7),
        ("14", t.rfq_age_14),
    ];
    view! {
        <Title text=t.admin_nav_rfqs />
        <h1>{t.admin_nav_rfqs}</h1>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let (filter, statuses) = (filter.clone(), statuses.clone());
                Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(inbox) => {
                        let count = inbox.rows.page_count();
                        let page_href = {
                            let f = filter.clone();
                            move |n: u64| paths::with_query(&paths::admin_section(locale, "rfqs"), &[
                                ("status", Some(f.status.clone())), ("country", Some(f.country.clone())),
                                ("assignee", Some(f.assignee.clone())), ("age", Some(f.min_age_days.clone())),
                                ("page", Some(n.to_string())),
                            ])
                        };
                        let sel = |cur: &str, v: &str| cur == v;
                        view! {
                            <form class="filters" method="get" role="search" aria-label=t.rfq_filters_label>
                                <label>{t.trade_status}
                                    <select name="status">
                                        <option value="">{t.rfq_filter_any}</option>
                                        {statuses.iter().map(|(v, n)| view! { <option value=v.clone() selected=sel(&filter.status, v)>{n.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>{t.field_country}
                                    <select name="country">
                                        <option value="">{t.rfq_filter_any}</option>
                                        {country_options(t).into_iter().map(|(v, n)| { let s = sel(&filter.country, &v); view! { <option value=v selected=s>{n}</option> } }).collect_view()}
                                    </select>
                                </label>
                                <label>{t.rfq_assignee}
                                    <select name="assignee">
                                        <option value="">{t.rfq_filter_any}</option>
                                        <option value="me" selected=sel(&filter.assignee, "me")>{t.rfq_assignee_me}</option>
                                        <option value="none" selected=sel(&filter.assignee, "none")>{t.rfq_assignee_nobody}</option>
                                        {inbox.staff.iter().map(|s| view! { <option value=s.id.clone() selected=sel(&filter.assignee, &s.id)>{s.name.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>{t.rfq_age}
                                    <select name="age">
                                        {ages.iter().map(|(v, n)| view! { <option value=*v selected=sel(&filter.min_age_days, v)>{*n}</option> }).collect_view()}
                                    </select>
                                </label>
                                <button type="submit" class="button">{t.rfq_filter_apply}</button>
                            </form>
                            {if inbox.rows.items.is_empty() {
                                view! { <p class="empty">{t.rfq_inbox_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(inbox.rows.total))])}</p>
                                    <div class="table-wrap">
                                        <table class="data">
                                            <thead><tr>
                                                <th scope="col">{t.trade_number}</th>
                                                <th scope="col">{t.trade_company}</th>
                                                <th scope="col">{t.trade_status}</th>
                                                <th scope="col">{t.trade_subject_quote}</th>
                                                <th scope="col">{t.rfq_destination_port}</th>
                                                <th scope="col">{t.rfq_assignee}</th>
                                                <th scope="col" class="num">{t.rfq_age}</th>
                                            </tr></thead>
                                            <tbody>
                                                {inbox.rows.items.into_iter().map(|r| view! {
                                                    <tr data-testid="rfq-row" class:awaits=r.awaits_staff>
                                                        <td><a href=rfq_href(locale, &r.number)>{r.number.clone()}</a></td>
                                                        <td>{r.company.clone()}" "<span class="muted small">{r.country.clone()}</span></td>
                                                        <td><StatusBadge t vocabulary="rfq" status=r.status.clone() /></td>
                                                        <td>{r.quote_status.clone().map(|s| view! { <StatusBadge t vocabulary="quote" status=s /> })}</td>
                                                        <td>{port_shown(&r.destination_port)}</td>
                                                        <td>{r.assignee.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                                        <td class="num">
                                                            {if r.awaits_staff {
                                                                view! { <span class="badge warn" title=t.rfq_awaiting_you>{fill(t.rfq_age_days, &[("days", &r.age_days)])}</span> }.into_any()
                                                            } else {
                                                                view! { <span class="muted">{fill(t.rfq_age_days, &[("days", &r.age_days)])}</span> }.into_any()
                                                            }}
                                                        </td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                    <Pagination current=inbox.rows.page count=count href=page_href />
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

/// `/{locale}/admin/rfqs/{number}`.
#[component]
pub fn AdminRfqPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let number = use_params_map()
        .read_untracked()
        .get("number")
        .unwrap_or_default();
    let outcome = MessageOutcome::from_query(&use_query_map().read_untracked());
    let data = Resource::new(|| (), {
        let number = number.clone();
        move |()| get_rfq(number.clone())
    });
    let thread = Resource::new(|| (), {
        let number = number.clone();
        move |()| get_rfq_thread(number.clone())
    });
    view! {
        <Title text=fill(t.rfq_page_title, &[("number", &number)]) />
        <p><a href=paths::admin_section(locale, "rfqs")>{t.rfq_back_to_inbox}</a></p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let outcome = outcome.clone();
                Suspend::new(async move {
                match (data.await, thread.await) {
                    (Err(e), _) | (Ok(_), Err(e)) => view! { <ErrorPanel error=e /> }.into_any(),
                    (Ok(r), Ok(thread)) => {
                        let panel = r.clone();
                        view! {
                            <div class="page-head">
                                <h1>{fill(t.rfq_page_title, &[("number", &r.number)])}</h1>
                                <StatusBadge t vocabulary="rfq" status=r.status.clone() />
                            </div>
                            <p class="muted small">{fill(t.rfq_age_days, &[("days", &r.age_days)])}" · "{short_time(&r.updated_at)}</p>
                            <RfqFacts locale rfq=r.clone() buyer=false />
                            <h2>{t.rfq_lines_title}</h2>
                            <RfqLines locale lines=r.lines.clone() currency=r.currency.clone() />
                            {r.quote.clone().map(|q| view! {
                                <QuoteSection locale quote=q buyer=false rfq_number=r.number.clone()
                                    pdf_locales=pdf_locales(r.buyer_locale.as_deref().and_then(Locale::from_tag)) />
                            })}
                            <StaffRfqPanel locale rfq=panel />
                            <MessageThread locale number=r.number.clone() thread outcome />
                            <h2>{t.trade_history_title}</h2>
                            <History locale records=r.history.clone() buyer=false />
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

/// One editable quote line.
#[derive(Clone)]
struct EditLine {
    uid: u32,
    key: u32,
    product_id: String,
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit: RwSignal<String>,
    unit_price: RwSignal<String>,
    lead_time_days: RwSignal<String>,
}

impl EditLine {
    fn new(uid: u32, l: QuoteLineForm) -> Self {
        Self {
            uid,
            key: l.key,
            product_id: l.product_id,
            description: RwSignal::new(l.description),
            quantity: RwSignal::new(l.quantity),
            unit: RwSignal::new(l.unit),
            unit_price: RwSignal::new(l.unit_price),
            lead_time_days: RwSignal::new(l.lead_time_days),
        }
    }

    fn form(&self) -> QuoteLineForm {
        QuoteLineForm {
            key: self.key,
            product_id: self.product_id.clone(),
            description: self.description.get_untracked(),
            quantity: self.quantity.get_untracked(),
            unit: self.unit.get_untracked(),
            unit_price: self.unit_price.get_untracked(),
            lead_time_days: self.lead_time_days.get_untracked(),
        }
    }
}

fn error_of(
    t: &'static crate::i18n::Messages,
    errors: &[FieldError],
    field: &str,
) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| error_text(t, e))
}

/// Staff actions on an RFQ and the quote editor (an island, loaded on this page only).
#[island(lazy)]
fn StaffRfqPanel(locale: Locale, rfq: RfqDetail) -> impl IntoView {
    island_context(locale);
    let t = locale.messages();
    let number = rfq.number.clone();
    let assign = ServerAction::<AdminAssignRfq>::new();
    let rfq_step = ServerAction::<TakeRfqStep>::new();
    let quote_step = ServerAction::<TakeQuoteStep>::new();
    let save = ServerAction::<AdminSaveQuote>::new();
    let errors = field_errors(save.value());
    let editor = Resource::new(|| (), {
        let number = number.clone();
        move |()| admin_quote_form(number.clone())
    });
    let staff = Resource::new(|| (), |()| admin_staff_members());
    let here = rfq_href(locale, &number);
    Effect::new({
        let here = here.clone();
        move |_| {
            if let Some(Ok(())) = assign.value().get() {
                paths::go_to(&here);
            }
        }
    });
    Effect::new({
        let here = here.clone();
        move |_| {
            if let Some(Ok(_)) = rfq_step.value().get() {
                paths::go_to(&here);
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = quote_step.value().get() {
            paths::go_to(&here);
        }
    });
    let reason = RwSignal::new(String::new());
    let status = rfq.status.clone();
    let rfq_open = status == "submitted" || status == "info_requested";
    let quote_status = rfq.quote.as_ref().map(|q| q.status.clone());
    let quote_number = rfq.quote.as_ref().map(|q| q.number.clone());
    let editable = matches!(quote_status.as_deref(), Some("draft" | "revised"))
        || (rfq_open && quote_status.is_none());
    let editor_number = number.clone();
    let failures = move || {
        [
            assign.value().get().and_then(Result::err),
            rfq_step.value().get().and_then(Result::err),
            quote_step.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> })
    };
    let pending = move || {
        assign.pending().get()
            || rfq_step.pending().get()
            || quote_step.pending().get()
            || save.pending().get()
    };
    let step_quote = {
        let quote_number = quote_number.clone();
        move |step: &'static str| {
            if let Some(n) = quote_number.clone() {
                quote_step.dispatch(TakeQuoteStep {
                    csrf: csrf_token(),
                    number: n,
                    step: step.to_owned(),
                    version: None,
                    reason: String::new(),
                    counter: None,
                });
            }
        }
    };
    let (sq1, sq2) = (step_quote.clone(), step_quote.clone());
    let step_rfq = {
        let number = number.clone();
        move |step: &'static str| {
            rfq_step.dispatch(TakeRfqStep {
                csrf: csrf_token(),
                number: number.clone(),
                step: step.to_owned(),
                reason: reason.get_untracked(),
            });
        }
    };
    let (sr1, sr2) = (step_rfq.clone(), step_rfq.clone());
    let assignee_now = rfq
        .assignee
        .as_ref()
        .map(|a| a.id.clone())
        .unwrap_or_default();
    view! {
        <section class="panel actions" aria-labelledby="staff-actions-title" data-testid="staff-actions">
            <h2 id="staff-actions-title">{t.trade_next_steps}</h2>
            {failures}
            <Suspense fallback=|| ()>
                {move || {
                    let (number, assignee_now) = (number.clone(), assignee_now.clone());
                    Suspend::new(async move {
                    let list: Vec<StaffRef> = staff.await.unwrap_or_default();
                    let chosen = RwSignal::new(assignee_now.clone());
                    view! {
                        <div class="field inline-field">
                            <label for="rfq-assignee">{t.rfq_assignee}</label>
                            <select id="rfq-assignee" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                <option value="">{t.rfq_assignee_nobody}</option>
                                {list.into_iter().map(|s| { let sel = s.id == assignee_now; view! { <option value=s.id.clone() selected=sel>{s.name}</option> } }).collect_view()}
                            </select>
                            <button type="button" class="button" disabled=pending
                                on:click=move |_| { assign.dispatch(AdminAssignRfq { csrf: csrf_token(), number: number.clone(), assignee: chosen.get_untracked() }); }>{t.rfq_assign}</button>
                        </div>
                    }
                })}}
            </Suspense>
            {rfq_open.then(move || view! {
                <div class="field">
                    <label for="rfq-reason">{t.rfq_staff_message}</label>
                    <textarea id="rfq-reason" rows="3" maxlength="2000" prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <p class="hint">{t.rfq_staff_message_hint}</p>
                </div>
                <div class="form-actions">
                    {(status == "submitted").then(move || view! {
                        <button type="button" class="button" disabled=pending on:click=move |_| sr1("request_info")>{t.rfq_request_info}</button>
                    })}
                    <button type="button" class="button danger" disabled=pending
                        on:click=move |_| { if web_confirm(t.rfq_decline_confirm) { sr2("decline"); } }>{t.rfq_decline}</button>
                </div>
            })}
            {match quote_status.as_deref() {
                Some("sent") => Some(view! {
                    <div class="form-actions"><button type="button" class="button" disabled=pending on:click=move |_| sq1("revise")>{t.quote_revise}</button></div>
                }.into_any()),
                Some("countered") => Some(view! {
                    <div class="form-actions"><button type="button" class="button primary" data-testid="apply-counter" disabled=pending on:click=move |_| sq1("revise")>{t.quote_apply_counter}</button></div>
                }.into_any()),
                Some("expired") => Some(view! {
                    <div class="form-actions"><button type="button" class="button primary" disabled=pending on:click=move |_| sq2("requote")>{t.quote_requote}</button></div>
                }.into_any()),
                _ => None,
            }}
        </section>
        {editable.then(move || view! {
            <Suspense fallback=|| view! { <Loading /> }>
                {move || {
                    let number = editor_number.clone();
                    Suspend::new(async move {
                    match editor.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(data) => view! { <QuoteEditor locale number form=data.form quote_number=data.quote_number save errors quote_step pending=Signal::derive(pending) /> }.into_any(),
                    }
                })}}
            </Suspense>
        })}
    }
}

/// The quote's terms and lines; "Save" writes the draft, "Send" sends the saved draft.
#[component]
fn QuoteEditor(
    locale: Locale,
    number: String,
    form: QuoteForm,
    quote_number: Option<String>,
    save: ServerAction<AdminSaveQuote>,
    errors: Signal<Vec<FieldError>>,
    quote_step: ServerAction<TakeQuoteStep>,
    pending: Signal<bool>,
) -> impl IntoView {
    let t = locale.messages();
    let next_uid = StoredValue::new(0u32);
    let mk = move |l: QuoteLineForm| {
        let uid = next_uid.get_value() + 1;
        next_uid.set_value(uid);
        EditLine::new(uid, l)
    };
    let lines: RwSignal<Vec<EditLine>> =
        RwSignal::new(form.lines.iter().cloned().map(mk).collect());
    let currency = RwSignal::new(form.currency.clone());
    let incoterm = RwSignal::new(form.incoterm.clone());
    let named_place = RwSignal::new(form.named_place.clone());
    let freight = RwSignal::new(form.freight.clone());
    let insurance = RwSignal::new(form.insurance.clone());
    let payment_terms = RwSignal::new(form.payment_terms.clone());
    let valid_until = RwSignal::new(form.valid_until.clone());
    let internal_notes = RwSignal::new(form.internal_notes.clone());
    let saved = RwSignal::new(quote_number.is_some());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            saved.set(true);
        }
    });
    let err = move |f: String| move || errors.with(|e| error_of(t, e, &f));
    let collect = move || QuoteForm {
        currency: currency.get_untracked(),
        incoterm: incoterm.get_untracked(),
        named_place: named_place.get_untracked(),
        freight: freight.get_untracked(),
        insurance: insurance.get_untracked(),
        payment_terms: payment_terms.get_untracked(),
        valid_until: valid_until.get_untracked(),
        internal_notes: internal_notes.get_untracked(),
        lines: lines.get_untracked().iter().map(EditLine::form).collect(),
    };
    let dirty = move || {
        // Any edit after the last save asks for another save before sending.
        let _ = (
            currency.get(),
            incoterm.get(),
            named_place.get(),
            freight.get(),
            insurance.get(),
            payment_terms.get(),
            valid_until.get(),
            internal_notes.get(),
        );
        lines.with(|l| {
            l.iter().for_each(|x| {
                let _ = (
                    x.description.get(),
                    x.quantity.get(),
                    x.unit_price.get(),
                    x.lead_time_days.get(),
                );
            })
        });
    };
    Effect::new(move |first: Option<()>| {
        dirty();
        if first.is_some() {
            saved.set(false);
        }
    });
    let number_for_save = number.clone();
    let currencies: Vec<&'static str> = Currency::codes().collect();
    let incoterms: Vec<&'static str> = Incoterm::ALL.iter().map(|i| i.as_str()).collect();
    let text = move |id: &'static str,
                     label: &'static str,
                     field: &'static str,
                     sig: RwSignal<String>| {
        view! {
            <div class="field" class:has-error=move || err(field.to_owned())().is_some()>
                <label for=id>{label}</label>
                <input id=id type="text" prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
                <p class="field-error" role="alert">{err(field.to_owned())}</p>
            </div>
        }
    };
    view! {
        <form class="card form quote-editor" novalidate="" data-testid="quote-editor"
            on:submit=move |ev| { ev.prevent_default(); save.dispatch(AdminSaveQuote { csrf: csrf_token(), rfq_number: number_for_save.clone(), form: collect() }); }>
            <h2>{t.quote_editor_title}</h2>
            <fieldset>
                <legend>{t.rfq_lines_title}</legend>
                <p class="field-error" role="alert">{err("lines".to_owned())}</p>
                <div class="table-wrap">
                    <table class="data edit-lines">
                        <thead><tr>
                            <th scope="col">{t.trade_item}</th>
                            <th scope="col">{t.trade_quantity}</th>
                            <th scope="col">{t.field_unit}</th>
                            <th scope="col">{t.trade_unit_price}</th>
                            <th scope="col">{t.trade_lead_time_days}</th>
                            <th scope="col"><span class="visually-hidden">{t.users_actions}</span></th>
                        </tr></thead>
                        <tbody>
                            <For each=move || lines.get() key=|l| l.uid let:line>
                                {
                                    let uid = line.uid;
                                    let index = move || lines.with(|l| l.iter().position(|x| x.uid == uid).unwrap_or(0));
                                    let e = move |f: &'static str| move || errors.with(|list| error_of(t, list, &format!("lines[{}].{f}", index())));
                                    let cell = move |f: &'static str, sig: RwSignal<String>, label: &'static str| view! {
                                        <td class:has-error=move || e(f)().is_some()>
                                            <input type="text" aria-label=label prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
                                            <span class="field-error" role="alert">{e(f)}</span>
                                        </td>
                                    };
                                    view! {
                                        <tr data-testid="quote-edit-line">
                                            {cell("description", line.description, t.trade_item)}
                                            {cell("quantity", line.quantity, t.trade_quantity)}
                                            {cell("unit", line.unit, t.field_unit)}
                                            {cell("unit_price", line.unit_price, t.trade_unit_price)}
                                            {cell("lead_time_days", line.lead_time_days, t.trade_lead_time_days)}
                                            <td><button type="button" class="button small" on:click=move |_| lines.update(|l| l.retain(|x| x.uid != uid))>{t.rfq_remove_line}</button></td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                </div>
                <button type="button" class="button" on:click=move |_| {
                    let l = mk(QuoteLineForm { unit: "PCE".to_owned(), ..Default::default() });
                    lines.update(|v| v.push(l));
                }>{t.rfq_add_line}</button>
            </fieldset>
            <fieldset>
                <legend>{t.rfq_terms_title}</legend>
                <div class="field">
                    <label for="q-currency">{t.rfq_currency}</label>
                    <select id="q-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                        {currencies.iter().map(|c| { let c = *c; view! { <option value=c selected=move || currency.get() == c>{c}</option> } }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="q-incoterm">{t.trade_incoterm}</label>
                    <select id="q-incoterm" on:change=move |ev| incoterm.set(event_target_value(&ev))>
                        {incoterms.iter().map(|i| { let i = *i; view! { <option value=i selected=move || incoterm.get() == i>{i}</option> } }).collect_view()}
                    </select>
                </div>
                {text("q-named-place", t.rfq_named_place, "named_place", named_place)}
                {text("q-freight", t.trade_freight, "freight", freight)}
                {text("q-insurance", t.trade_insurance, "insurance", insurance)}
                <div class="field" class:has-error=move || err("valid_until".to_owned())().is_some()>
                    <label for="q-valid-until">{t.quote_valid_until}</label>
                    <input id="q-valid-until" type="date" prop:value=move || valid_until.get() on:input=move |ev| valid_until.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{err("valid_until".to_owned())}</p>
                </div>
                <div class="field" class:has-error=move || err("payment_terms".to_owned())().is_some()>
                    <label for="q-payment-terms">{t.quote_payment_terms}</label>
                    <textarea id="q-payment-terms" rows="2" prop:value=move || payment_terms.get() on:input=move |ev| payment_terms.set(event_target_value(&ev))></textarea>
                    <p class="field-error" role="alert">{err("payment_terms".to_owned())}</p>
                </div>
                <div class="field" class:has-error=move || err("internal_notes".to_owned())().is_some()>
                    <label for="q-internal-notes">{t.quote_internal_notes}</label>
                    <textarea id="q-internal-notes" rows="3" prop:value=move || internal_notes.get() on:input=move |ev| internal_notes.set(event_target_value(&ev))></textarea>
                    <p class="hint">{t.quote_internal_notes_hint}</p>
                    <p class="field-error" role="alert">{err("internal_notes".to_owned())}</p>
                </div>
            </fieldset>
            {move || match save.value().get() {
                Some(Ok(_)) => Some(view! { <p class="form-status ok" role="status">{t.quote_saved}</p> }.into_any()),
                Some(Err(crate::error::AppError::Fields(_))) => Some(view! { <p class="form-status error" role="alert">{t.form_fix_errors}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="form-status error" role="alert"><ActionError error=e /></p> }.into_any()),
                None => None,
            }}
            <div class="form-actions">
                <button type="submit" class="button" data-testid="save-quote" disabled=move || pending.get()>{t.quote_save_draft}</button>
                <button type="button" class="button primary" data-testid="send-quote"
                    disabled=move || pending.get() || !saved.get()
                    title=move || (!saved.get()).then_some(t.quote_save_before_send)
                    on:click=move |_| {
                        let saved_number = save.value().get_untracked().and_then(Result::ok);
                        if let Some(n) = saved_number.or_else(|| quote_number.clone()) {
                            quote_step.dispatch(TakeQuoteStep { csrf: csrf_token(), number: n, step: "send".to_owned(), version: None, reason: String::new(), counter: None });
                        }
                    }>{t.quote_send}</button>
            </div>
        </form>
    }
}
