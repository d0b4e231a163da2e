//! "My quote requests" (`/{locale}/rfqs`) and one RFQ with its quote (`/{locale}/rfqs/{number}`),
//! for every member of the buyer company; the buyer's steps (answer, withdraw, accept, counter,
//! decline) are a lazy island.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::trade::forms::{CounterForm, CounterLineForm};
use domain::trade::views::{QuoteView, RfqDetail};

use super::messages::{MessageOutcome, MessageThread};
use super::quote_view::{QuoteSection, RfqLines, pdf_locales};
use super::server_fns::{TakeQuoteStep, TakeRfqStep, get_rfq, get_rfq_thread, list_my_rfqs};
use super::{Fact, History, StatusBadge, port_shown};
use crate::account::server_fns::get_viewer;
use crate::admin::short_time;
use crate::components::form::ActionError;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading, SignInNeeded};
use crate::error::AppError;
use crate::i18n::{Locale, PageTexts, fill, use_i18n, use_locale};
use crate::paths;

/// `/{locale}/rfqs`: the company's RFQs, newest first.
#[component]
pub fn MyRfqsPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let page = use_query_map()
        .read_untracked()
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let data = Resource::new(|| (), move |()| list_my_rfqs(page));
    view! {
        <Title text=t.rfqs_title />
        <Meta name="robots" content="noindex" />
        <section class="container trade-page">
            <div class="page-head">
                <h1>{t.rfqs_title}</h1>
                <a class="button primary" href=paths::new_rfq(locale, None)>{t.rfq_new_title}</a>
            </div>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotSignedIn) => view! { <SignInNeeded /> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(p) if p.items.is_empty() => view! {
                            <div class="empty-state">
                                <p>{t.rfqs_empty}</p>
                                <p><a class="button" href=paths::products(locale)>{t.action_back_to_catalog}</a></p>
                            </div>
                        }.into_any(),
                        Ok(p) => {
                            let count = p.page_count();
                            view! {
                                <div class="table-wrap">
                                    <table class="data">
                                        <thead><tr>
                                            <th scope="col">{t.trade_number}</th>
                                            <th scope="col">{t.trade_sent_on}</th>
                                            <th scope="col" class="num">{t.trade_lines}</th>
                                            <th scope="col">{t.rfq_destination_port}</th>
                                            <th scope="col">{t.trade_status}</th>
                                            <th scope="col">{t.trade_subject_quote}</th>
                                        </tr></thead>
                                        <tbody>
                                            {p.items.into_iter().map(|r| view! {
                                                <tr data-testid="rfq-row">
                                                    <td><a href=paths::rfq(locale, &r.number)>{r.number.clone()}</a></td>
                                                    <td class="nowrap small">{short_time(&r.created_at)}</td>
                                                    <td class="num">{r.lines}</td>
                                                    <td>{port_shown(&r.destination_port)}</td>
                                                    <td><StatusBadge t vocabulary="rfq_buyer" status=r.buyer_status.clone() /></td>
                                                    <td>{r.buyer_quote_status.clone().map(|s| view! { <StatusBadge t vocabulary="quote_buyer" status=s /> })}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <Pagination current=p.page count=count href=move |n| paths::with_query(&paths::rfqs(locale), &[("page", Some(n.to_string()))]) />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The RFQ's terms (both sides).
#[component]
pub fn RfqFacts(locale: Locale, rfq: RfqDetail, buyer: bool) -> impl IntoView {
    let t = locale.messages();
    let r = rfq;
    let company = format!("{} ({})", r.company.name, r.company.country);
    let port = r.destination_port_name.clone().map_or_else(
        || r.destination_port.clone(),
        |n| format!("{n} ({})", r.destination_port),
    );
    view! {
        <dl class="facts">
            {(!buyer).then(|| view! { <Fact label=t.trade_company value=Some(company) /> })}
            <Fact label=t.trade_sent_by value=Some(r.created_by.clone()) />
            <Fact label=t.trade_sent_on value=Some(short_time(&r.created_at)) />
            <Fact label=t.trade_incoterm value=Some(format!("{} {}", r.incoterm, r.named_place)) />
            <Fact label=t.rfq_destination_port value=Some(port) />
            <Fact label=t.rfq_currency value=Some(r.currency.clone()) />
            <Fact label=t.rfq_required_by value=r.required_by.clone() />
            <Fact label=t.rfq_po_number value=r.po_number.clone() />
            <Fact label=t.rfq_notes value=Some(r.notes.clone()) />
            <Fact label=t.rfq_decline_reason value=r.decline_reason.clone() />
        </dl>
    }
}

/// `/{locale}/rfqs/{number}`: the RFQ, its quote and what the buyer can do next.
#[component]
pub fn RfqPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let number = use_params_map()
        .read_untracked()
        .get("number")
        .unwrap_or_default();
    let query = use_query_map().read_untracked();
    let sent = query.get("sent").is_some();
    let outcome = MessageOutcome::from_query(&query);
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
        <Meta name="robots" content="noindex" />
        <PageTexts locale />
        <section class="container trade-page">
            <p><a href=paths::rfqs(locale)>{t.rfqs_back}</a></p>
            {sent.then(|| view! { <p class="notice ok" role="status" data-testid="rfq-sent">{t.rfq_sent_notice}</p> })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || {
                    let outcome = outcome.clone();
                    Suspend::new(async move {
                    match (data.await, thread.await) {
                        (Err(AppError::NotSignedIn), _) => view! { <SignInNeeded /> }.into_any(),
                        (Err(e), _) | (Ok(_), Err(e)) => view! { <ErrorPanel error=e /> }.into_any(),
                        (Ok(r), Ok(thread)) => {
                            let actions_rfq = r.number.clone();
                            let quote = r.quote.clone();
                            view! {
                                <div class="page-head">
                                    <h1>{fill(t.rfq_page_title, &[("number", &r.number)])}</h1>
                                    <StatusBadge t vocabulary="rfq_buyer" status=r.buyer_status.clone() />
                                </div>
                                <RfqFacts locale rfq=r.clone() buyer=true />
                                <h2>{t.rfq_lines_title}</h2>
                                <RfqLines locale lines=r.lines.clone() currency=r.currency.clone() />
                                {match quote.clone() {
                                    Some(q) => view! { <QuoteSection locale quote=q buyer=true rfq_number=r.number.clone() pdf_locales=pdf_locales(Some(locale)) /> }.into_any(),
                                    None if r.status == "submitted" || r.status == "info_requested" => view! {
                                        <section class="panel empty-state" data-testid="quote-pending"><p>{t.rfq_quote_pending}</p></section>
                                    }.into_any(),
                                    None => ().into_any(),
                                }}
                                <BuyerRfqActions locale number=actions_rfq status=r.status.clone() quote />
                                <MessageThread locale number=r.number.clone() thread outcome />
                                <h2>{t.trade_history_title}</h2>
                                <History locale records=r.history.clone() buyer=true />
                            }.into_any()
                        }
                    }
                })}}
            </Suspense>
        </section>
    }
}

/// What the buyer can do now: answer a question or withdraw the RFQ; accept, counter or
/// decline the quote. An island (lazy): loaded on the RFQ page only.
#[island(lazy)]
fn BuyerRfqActions(
    locale: Locale,
    number: String,
    status: String,
    quote: Option<QuoteView>,
) -> impl IntoView {
    provide_context(locale);
    let t = locale.messages();
    let viewer = Resource::new(|| (), |()| get_viewer());
    let rfq_step = ServerAction::<TakeRfqStep>::new();
    let quote_step = ServerAction::<TakeQuoteStep>::new();
    let answer = RwSignal::new(String::new());
    let withdraw_reason = RwSignal::new(String::new());
    let decline_reason = RwSignal::new(String::new());
    let counter_message = RwSignal::new(String::new());
    let counter_open = RwSignal::new(false);
    // One quantity and one price field per quoted line (signals, so typing keeps the focus).
    let counter_lines: Vec<(u32, String, RwSignal<String>, RwSignal<String>)> = quote
        .as_ref()
        .map(|q| {
            q.lines
                .iter()
                .map(|l| {
                    (
                        u32::try_from(l.key).unwrap_or(0),
                        l.description.clone(),
                        RwSignal::new(String::new()),
                        RwSignal::new(String::new()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let counter_lines = StoredValue::new(counter_lines);
    let here = paths::rfq(locale, &number);
    Effect::new({
        let here = here.clone();
        move |_| {
            if let Some(Ok(_)) = rfq_step.value().get() {
                paths::go_to(&here);
            }
        }
    });
    Effect::new({
        let here = here.clone();
        move |_| {
            if let Some(Ok(done)) = quote_step.value().get() {
                match done.order_number {
                    Some(n) => paths::go_to(&paths::order(locale, &n)),
                    None => paths::go_to(&here),
                }
            }
        }
    });
    let error = move || {
        rfq_step
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| quote_step.value().get().and_then(Result::err))
            .map(
                |e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> },
            )
    };
    let pending = move || rfq_step.pending().get() || quote_step.pending().get();
    let rfq_open = status == "submitted" || status == "info_requested";
    let info_requested = status == "info_requested";
    let quote_open = quote
        .as_ref()
        .is_some_and(|q| matches!(q.status.as_str(), "sent" | "countered"));
    let awaiting = quote.as_ref().is_some_and(|q| q.status == "sent");
    let (quote_number, quote_version) = quote
        .as_ref()
        .map_or((String::new(), 0), |q| (q.number.clone(), q.version));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (number, quote_number) = (number.clone(), quote_number.clone());
                Suspend::new(async move {
                let csrf = match viewer.await {
                    Ok(Some(v)) => v.csrf,
                    _ => return ().into_any(),
                };
                let step_rfq = {
                    let (csrf, number) = (csrf.clone(), number.clone());
                    move |step: &str, reason: String| {
                        rfq_step.dispatch(TakeRfqStep { csrf: csrf.clone(), number: number.clone(), step: step.to_owned(), reason });
                    }
                };
                let step_quote = {
                    let (csrf, quote_number) = (csrf.clone(), quote_number.clone());
                    move |step: &str, reason: String, counter: Option<CounterForm>| {
                        quote_step.dispatch(TakeQuoteStep {
                            csrf: csrf.clone(),
                            number: quote_number.clone(),
                            step: step.to_owned(),
                            version: Some(quote_version),
                            reason,
                            counter,
                        });
                    }
                };
                let (s1, s2) = (step_rfq.clone(), step_rfq.clone());
                let (q1, q2, q3) = (step_quote.clone(), step_quote.clone(), step_quote.clone());
                view! {
                    <section class="panel actions" aria-labelledby="actions-title" data-testid="buyer-actions">
                        <h2 id="actions-title">{t.trade_next_steps}</h2>
                        {error}
                        {info_requested.then(move || view! {
                            <div class="field">
                                <label for="rfq-answer">{t.rfq_answer_label}</label>
                                <textarea id="rfq-answer" rows="3" maxlength="2000" prop:value=move || answer.get()
                                    on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                            </div>
                            <button type="button" class="button primary" disabled=pending
                                on:click=move |_| s1("provide_info", answer.get_untracked())>{t.rfq_answer_send}</button>
                        })}
                        {quote_open.then(move || view! {
                            <div class="quote-actions">
                                {awaiting.then(move || view! {
                                    <button type="button" class="button primary" data-testid="accept-quote" disabled=pending
                                        on:click=move |_| {
                                            if web_confirm(t.quote_accept_confirm) { q1("accept", String::new(), None); }
                                        }>{t.quote_accept}</button>
                                    <button type="button" class="button" aria-expanded=move || counter_open.get().to_string()
                                        on:click=move |_| counter_open.update(|o| *o = !*o)>{t.quote_counter}</button>
                                })}
                                <div class="field inline-field">
                                    <label for="quote-decline-reason">{t.quote_decline_reason}</label>
                                    <input id="quote-decline-reason" type="text" maxlength="2000" prop:value=move || decline_reason.get()
                                        on:input=move |ev| decline_reason.set(event_target_value(&ev)) />
                                    <button type="button" class="button danger" disabled=pending
                                        on:click=move |_| q2("decline", decline_reason.get_untracked(), None)>{t.quote_decline}</button>
                                </div>
                            </div>
                        })}
                        <Show when=move || counter_open.get()>
                            {
                                let q3 = q3.clone();
                                view! {
                                <fieldset class="counter-form">
                                    <legend>{t.quote_counter_title}</legend>
                                    <p class="hint">{t.quote_counter_hint}</p>
                                    {counter_lines.get_value().into_iter().map(|(_, desc, qty, price)| {
                                        view! {
                                            <div class="counter-line">
                                                <span class="counter-desc">{desc.clone()}</span>
                                                <label>{t.trade_quantity}
                                                    <input type="number" min="1" inputmode="numeric" prop:value=move || qty.get()
                                                        on:input=move |ev| qty.set(event_target_value(&ev)) />
                                                </label>
                                                <label>{t.trade_unit_price}
                                                    <input type="text" inputmode="decimal" prop:value=move || price.get()
                                                        on:input=move |ev| price.set(event_target_value(&ev)) />
                                                </label>
                                            </div>
                                        }
                                    }).collect_view()}
                                    <div class="field">
                                        <label for="counter-message">{t.quote_counter_message}</label>
                                        <textarea id="counter-message" rows="3" maxlength="4000" prop:value=move || counter_message.get()
                                            on:input=move |ev| counter_message.set(event_target_value(&ev))></textarea>
                                    </div>
                                    <button type="button" class="button primary" disabled=pending
                                        on:click={
                                            let q3 = q3.clone();
                                            move |_| {
                                                let form = CounterForm {
                                                    message: counter_message.get_untracked(),
                                                    lines: counter_lines.get_value().into_iter().map(|(key, _, quantity, unit_price)| CounterLineForm {
                                                        key,
                                                        quantity: quantity.get_untracked(),
                                                        unit_price: unit_price.get_untracked(),
                                                    }).collect(),
                                                };
                                                q3("counter", String::new(), Some(form));
                                            }
                                        }>{t.quote_counter_send}</button>
                                </fieldset>
                            }}
                        </Show>
                        {rfq_open.then(move || view! {
                            <div class="field inline-field">
                                <label for="rfq-withdraw-reason">{t.rfq_withdraw_reason}</label>
                                <input id="rfq-withdraw-reason" type="text" maxlength="2000" prop:value=move || withdraw_reason.get()
                                    on:input=move |ev| withdraw_reason.set(event_target_value(&ev)) />
                                <button type="button" class="button danger" disabled=pending
                                    on:click=move |_| {
                                        if web_confirm(t.rfq_withdraw_confirm) { s2("cancel", withdraw_reason.get_untracked()); }
                                    }>{t.rfq_withdraw}</button>
                            </div>
                        })}
                        {(!rfq_open && !quote_open).then(|| view! { <p class="muted">{t.trade_nothing_to_do}</p> })}
                    </section>
                }.into_any()
            })}}
        </Suspense>
    }
}

/// Asks the browser to confirm (always yes while rendering on the server).
pub fn web_confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}
