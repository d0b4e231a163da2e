//! The RFQ form (`/{locale}/rfqs/new`): catalog products and free-text items, quantities with
//! the products' MOQ and increment as warnings, target prices, Incoterm and named place, the
//! destination port from the UN/LOCODE master, required-by date, PO number, notes and files.
//! The files (PDF, PNG, JPEG, checked for count and size here, sniffed by the server) go up
//! right after the RFQ is created, as its first message (`POST /rfqs/{number}/messages`, the
//! thread's multipart form), so they land under the same rules as any attachment.
//!
//! A visitor may fill it in signed out: the draft lives in this browser's `localStorage` and
//! is there again after signing in and setting up the company. "Request a quote" on a product
//! page adds the product to the draft.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use domain::catalog::pricing::QuantityRule;
use domain::codes::{Currency, Incoterm, UnitCode};
use domain::form::FieldError;
use domain::trade::forms::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, RfqForm, RfqLineForm};
use domain::trade::views::PortOption;

use super::server_fns::{
    BuyerContext, RfqProduct, SubmitRfq, get_buyer_context, get_rfq_product, search_ports,
};
use crate::catalog::trade_labels::{quantity_error, unit_name};
use crate::components::form::{ActionError, error_text, field_errors};
use crate::components::status::Loading;
use crate::error::AppError;
use crate::i18n::{Locale, PageTexts, fill, use_i18n, use_locale};
use crate::paths;

/// Where the draft is kept in the browser.
#[cfg(feature = "hydrate")]
const DRAFT_KEY: &str = "portfront.rfq_draft";

/// `/{locale}/rfqs/new`.
#[component]
pub fn NewRfqPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let query = use_query_map();
    let product = query
        .read_untracked()
        .get("product")
        .filter(|s| domain::codes::Slug::parse(s).is_ok());
    view! {
        <Title text=t.rfq_new_title />
        <Meta name="robots" content="noindex" />
        <PageTexts locale />
        <section class="container trade-page">
            <h1>{t.rfq_new_title}</h1>
            <p class="lead">{t.rfq_new_intro}</p>
            // Hidden by the stylesheet once the page is hydrated (`<noscript>` is not enough:
            // a browser that blocks scripts for a site may still parse it as scripting on).
            <p class="notice error needs-js" data-testid="rfq-needs-js">{t.rfq_needs_javascript}</p>
            <RfqFormIsland locale product />
        </section>
    }
}

/// One line of the draft as stored in the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct DraftLine {
    product: Option<RfqProduct>,
    description: String,
    quantity: String,
    unit: String,
    target_price: String,
}

/// The whole draft as stored in the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Draft {
    incoterm: String,
    named_place: String,
    destination_port: String,
    required_by: String,
    po_number: String,
    notes: String,
    currency: String,
    lines: Vec<DraftLine>,
}

/// A line on the page: fixed product data, editable fields as signals (so typing in one
/// field does not rebuild the others).
#[derive(Clone)]
struct LineState {
    uid: u32,
    product: Option<RfqProduct>,
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit: RwSignal<String>,
    target_price: RwSignal<String>,
}

impl LineState {
    fn new(uid: u32, d: DraftLine) -> Self {
        Self {
            uid,
            product: d.product,
            description: RwSignal::new(d.description),
            quantity: RwSignal::new(d.quantity),
            unit: RwSignal::new(d.unit),
            target_price: RwSignal::new(d.target_price),
        }
    }

    fn draft(&self) -> DraftLine {
        DraftLine {
            product: self.product.clone(),
            description: self.description.get(),
            quantity: self.quantity.get(),
            unit: self.unit.get(),
            target_price: self.target_price.get(),
        }
    }
}

#[cfg(feature = "hydrate")]
fn stored_draft() -> Option<Draft> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let text = storage.get_item(DRAFT_KEY).ok()??;
    serde_json::from_str(&text).ok()
}

fn store_draft(draft: &Draft) {
    #[cfg(feature = "hydrate")]
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage())
        && let Ok(text) = serde_json::to_string(draft)
    {
        let _ = storage.set_item(DRAFT_KEY, &text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = draft;
}

fn forget_draft() {
    #[cfg(feature = "hydrate")]
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.remove_item(DRAFT_KEY);
    }
}

/// The error the server gave for `field`, in the page's language.
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

/// The form (an island, loaded on this page only).
#[island(lazy)]
fn RfqFormIsland(locale: Locale, product: Option<String>) -> impl IntoView {
    provide_context(locale);
    let t = locale.messages();
    let context = Resource::new(|| (), |()| get_buyer_context());
    let submit = ServerAction::<SubmitRfq>::new();
    let errors = field_errors(submit.value());

    let incoterm = RwSignal::new("FOB".to_owned());
    let named_place = RwSignal::new(String::new());
    let destination_port = RwSignal::new(String::new());
    let required_by = RwSignal::new(String::new());
    let po_number = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let currency = RwSignal::new("USD".to_owned());
    let lines: RwSignal<Vec<LineState>> = RwSignal::new(Vec::new());
    let next_uid = StoredValue::new(0u32);
    let loaded = RwSignal::new(false);
    let ports: RwSignal<Vec<PortOption>> = RwSignal::new(Vec::new());
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let files_input: NodeRef<leptos::html::Input> = NodeRef::new();
    let files_error: RwSignal<Option<String>> = RwSignal::new(None);
    // The CSRF token the RFQ was sent with, for the files' upload after it.
    let sent_csrf = StoredValue::new(String::new());

    let add_line = move |d: DraftLine| {
        let uid = next_uid.get_value() + 1;
        next_uid.set_value(uid);
        lines.update(|l| l.push(LineState::new(uid, d)));
    };
    let snapshot = move || Draft {
        incoterm: incoterm.get(),
        named_place: named_place.get(),
        destination_port: destination_port.get(),
        required_by: required_by.get(),
        po_number: po_number.get(),
        notes: notes.get(),
        currency: currency.get(),
        lines: lines.get().iter().map(LineState::draft).collect(),
    };

    // In the browser: the stored draft first, then the product the page was opened for.
    Effect::new(move |_| {
        if loaded.get_untracked() {
            return;
        }
        #[cfg(feature = "hydrate")]
        if let Some(d) = stored_draft() {
            incoterm.set(if d.incoterm.is_empty() {
                "FOB".to_owned()
            } else {
                d.incoterm
            });
            named_place.set(d.named_place);
            destination_port.set(d.destination_port);
            required_by.set(d.required_by);
            po_number.set(d.po_number);
            notes.set(d.notes);
            if !d.currency.is_empty() {
                currency.set(d.currency);
            }
            for l in d.lines {
                add_line(l);
            }
        }
        loaded.set(true);
        if let Some(slug) = product.clone() {
            let known = lines.with_untracked(|l| {
                l.iter()
                    .any(|x| x.product.as_ref().is_some_and(|p| p.slug == slug))
            });
            if !known {
                leptos::task::spawn_local(async move {
                    if let Ok(Some(p)) = get_rfq_product(locale.tag().to_owned(), slug).await {
                        if lines.with_untracked(Vec::is_empty) {
                            currency.set(p.currency.clone());
                        }
                        add_line(DraftLine {
                            description: p.name.clone(),
                            quantity: p.moq.to_string(),
                            unit: p.unit.clone(),
                            product: Some(p),
                            target_price: String::new(),
                        });
                        notice.set(Some(t.rfq_product_added));
                    }
                });
            }
        }
        if lines.with_untracked(Vec::is_empty) && product.is_none() {
            add_line(DraftLine {
                unit: "PCE".to_owned(),
                ..Default::default()
            });
        }
    });
    // Every change is kept in the browser once the stored draft was read.
    Effect::new(move |_| {
        let d = snapshot();
        if loaded.get() {
            store_draft(&d);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(number)) = submit.value().get() {
            forget_draft();
            let page = paths::with_query(
                &paths::rfq(locale, &number),
                &[("sent", Some("1".to_owned()))],
            );
            #[cfg(feature = "hydrate")]
            if let Some(input) = files_input.get_untracked()
                && input.files().is_some_and(|f| f.length() > 0)
            {
                let csrf = sent_csrf.get_value();
                leptos::task::spawn_local(async move {
                    let outcome =
                        upload_files(&number, &csrf, locale, t.rfq_files_message, &input).await;
                    // The thread's answer carries the upload's outcome in its query; when
                    // there was none, the RFQ page says the files did not go.
                    let next = outcome.unwrap_or_else(|| {
                        paths::with_query(
                            &paths::rfq(locale, &number),
                            &[("message_error", Some("unavailable".to_owned()))],
                        )
                    });
                    paths::go_to(&format!("{}#messages", with_sent(&next)));
                });
                return;
            }
            paths::go_to(&page);
        }
    });

    let on_port_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        destination_port.set(v.clone());
        let q = v.trim().to_owned();
        if q.chars().count() >= 2 {
            leptos::task::spawn_local(async move {
                if let Ok(found) = search_ports(q).await {
                    ports.set(found);
                }
            });
        }
    };
    let port_label = move || {
        let code = destination_port.get().trim().to_ascii_uppercase();
        ports.with(|list| {
            list.iter()
                .find(|p| p.code == code)
                .map(|p| format!("{} — {}", p.name, p.country))
        })
    };

    let send = move |ctx: Option<BuyerContext>| {
        let draft = snapshot();
        store_draft(&draft);
        let next = paths::new_rfq(locale, None);
        match ctx {
            None => paths::go_to(&paths::with_query(
                &paths::sign_in(locale),
                &[("next", Some(next))],
            )),
            Some(c) if c.staff => notice.set(Some(t.rfq_staff_cannot_send)),
            Some(c) if c.company.is_none() => paths::go_to(&paths::with_query(
                &paths::onboarding(locale),
                &[("next", Some(next))],
            )),
            Some(c) => {
                let form = RfqForm {
                    incoterm: draft.incoterm,
                    named_place: draft.named_place,
                    destination_port: draft.destination_port.trim().to_ascii_uppercase(),
                    required_by: draft.required_by,
                    po_number: draft.po_number,
                    notes: draft.notes,
                    currency: draft.currency,
                    lines: draft
                        .lines
                        .into_iter()
                        .map(|l| RfqLineForm {
                            product_id: l
                                .product
                                .as_ref()
                                .map(|p| p.id.clone())
                                .unwrap_or_default(),
                            description: l.description,
                            quantity: l.quantity.trim().to_owned(),
                            unit: l.unit,
                            target_price: l.target_price.trim().to_owned(),
                        })
                        .collect(),
                };
                if let Some(problem) = files_problem(t, files_input) {
                    files_error.set(Some(problem));
                    return;
                }
                files_error.set(None);
                sent_csrf.set_value(c.csrf.clone());
                submit.dispatch(SubmitRfq { csrf: c.csrf, form });
            }
        }
    };

    let incoterms: Vec<&'static str> = Incoterm::ALL.iter().map(|i| i.as_str()).collect();
    let currencies: Vec<&'static str> = Currency::codes().collect();
    let units: Vec<(String, String)> = UnitCode::ALL
        .iter()
        .map(|u| (u.as_str().to_owned(), unit_name(t, *u).to_owned()))
        .collect();
    let field_error = move |field: &'static str| move || errors.with(|e| error_of(t, e, field));

    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let (incoterms, currencies, units) = (incoterms.clone(), currencies.clone(), units.clone());
                Suspend::new(async move {
                let ctx: Option<BuyerContext> = context.await.ok().flatten();
                let who = match &ctx {
                    None => view! {
                        <p class="notice" data-testid="rfq-signed-out">{t.rfq_signed_out_hint}" "
                            <a href=paths::with_query(&paths::sign_in(locale), &[("next", Some(paths::new_rfq(locale, None)))])>{t.sign_in_title}</a>
                        </p>
                    }.into_any(),
                    Some(c) if c.staff => view! { <p class="notice">{t.rfq_staff_cannot_send}</p> }.into_any(),
                    Some(c) => match c.company.clone() {
                        None => view! {
                            <p class="notice">{t.rfq_company_needed}" "
                                <a href=paths::with_query(&paths::onboarding(locale), &[("next", Some(paths::new_rfq(locale, None)))])>{t.onboarding_title}</a>
                            </p>
                        }.into_any(),
                        Some(name) => view! { <p class="muted">{fill(t.rfq_for_company, &[("company", &name)])}</p> }.into_any(),
                    },
                };
                let ctx_for_send = ctx.clone();
                view! {
                    {who}
                    {move || notice.get().map(|n| view! { <p class="notice ok" role="status">{n}</p> })}
                    <form class="card form rfq-form" novalidate=""
                        on:submit=move |ev| { ev.prevent_default(); send(ctx_for_send.clone()); }>
                        <fieldset>
                            <legend>{t.rfq_lines_title}</legend>
                            <p class="field-error" role="alert">{field_error("lines")}</p>
                            <For each=move || lines.get() key=|l| l.uid let:line>
                                <RfqLineRow locale line errors lines />
                            </For>
                            <button type="button" class="button" data-testid="add-line"
                                on:click=move |_| add_line(DraftLine { unit: "PCE".to_owned(), ..Default::default() })>{t.rfq_add_line}</button>
                            <p class="hint">{t.rfq_add_line_hint}" "<a href=paths::products(locale)>{t.nav_catalog}</a></p>
                        </fieldset>
                        <fieldset>
                            <legend>{t.rfq_terms_title}</legend>
                            <div class="field required" class:has-error=move || field_error("incoterm")().is_some()>
                                <label for="rfq-incoterm">{t.trade_incoterm}</label>
                                <select id="rfq-incoterm" on:change=move |ev| incoterm.set(event_target_value(&ev))>
                                    {incoterms.iter().map(|i| { let i = *i; view! { <option value=i selected=move || incoterm.get() == i>{i}</option> } }).collect_view()}
                                </select>
                                <p class="field-error" role="alert">{field_error("incoterm")}</p>
                            </div>
                            <div class="field required" class:has-error=move || field_error("named_place")().is_some()>
                                <label for="rfq-named-place">{t.rfq_named_place}</label>
                                <input id="rfq-named-place" type="text" maxlength="100" required=""
                                    prop:value=move || named_place.get() on:input=move |ev| named_place.set(event_target_value(&ev)) />
                                <p class="hint">{t.rfq_named_place_hint}</p>
                                <p class="field-error" role="alert">{field_error("named_place")}</p>
                            </div>
                            <div class="field required" class:has-error=move || field_error("destination_port")().is_some()>
                                <label for="rfq-port">{t.rfq_destination_port}</label>
                                <input id="rfq-port" type="text" list="rfq-port-options" maxlength="60" autocomplete="off" required=""
                                    prop:value=move || destination_port.get() on:input=on_port_input />
                                <datalist id="rfq-port-options">
                                    {move || ports.get().into_iter().map(|p| view! {
                                        <option value=p.code.clone()>{format!("{} — {}", p.name, p.country)}</option>
                                    }).collect_view()}
                                </datalist>
                                <p class="hint" data-testid="port-label">{move || port_label().unwrap_or_else(|| t.rfq_port_hint.to_owned())}</p>
                                <p class="field-error" role="alert">{field_error("destination_port")}</p>
                            </div>
                            <div class="field required" class:has-error=move || field_error("currency")().is_some()>
                                <label for="rfq-currency">{t.rfq_currency}</label>
                                <select id="rfq-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                                    {currencies.iter().map(|c| { let c = *c; view! { <option value=c selected=move || currency.get() == c>{c}</option> } }).collect_view()}
                                </select>
                                <p class="field-error" role="alert">{field_error("currency")}</p>
                            </div>
                            <div class="field" class:has-error=move || field_error("required_by")().is_some()>
                                <label for="rfq-required-by">{t.rfq_required_by}</label>
                                <input id="rfq-required-by" type="date"
                                    prop:value=move || required_by.get() on:input=move |ev| required_by.set(event_target_value(&ev)) />
                                <p class="field-error" role="alert">{field_error("required_by")}</p>
                            </div>
                            <div class="field" class:has-error=move || field_error("po_number")().is_some()>
                                <label for="rfq-po">{t.rfq_po_number}</label>
                                <input id="rfq-po" type="text" maxlength="35"
                                    prop:value=move || po_number.get() on:input=move |ev| po_number.set(event_target_value(&ev)) />
                                <p class="field-error" role="alert">{field_error("po_number")}</p>
                            </div>
                            <div class="field" class:has-error=move || field_error("notes")().is_some()>
                                <label for="rfq-notes">{t.rfq_notes}</label>
                                <textarea id="rfq-notes" rows="4" maxlength="4000"
                                    prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                                <p class="field-error" role="alert">{field_error("notes")}</p>
                            </div>
                            <div class="field" class:has-error=move || files_error.get().is_some()>
                                <label for="rfq-files">{t.message_files_label}</label>
                                <input id="rfq-files" type="file" multiple node_ref=files_input
                                    accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
                                    aria-describedby="rfq-files-hint"
                                    on:change=move |_| files_error.set(files_problem(t, files_input)) />
                                <p class="hint" id="rfq-files-hint">
                                    {fill(t.message_files_hint, &[("count", &MAX_ATTACHMENTS), ("mb", &(MAX_ATTACHMENT_BYTES / (1024 * 1024)))])}
                                    " "{t.rfq_files_not_in_draft}
                                </p>
                                <p class="field-error" role="alert" data-testid="rfq-files-error">{move || files_error.get()}</p>
                            </div>
                        </fieldset>
                        <datalist id="rfq-units">
                            {units.iter().map(|(code, name)| view! { <option value=code.clone()>{name.clone()}</option> }).collect_view()}
                        </datalist>
                        {move || match submit.value().get() {
                            Some(Err(AppError::Fields(_))) => Some(view! { <p class="form-status error" role="alert">{t.form_fix_errors}</p> }.into_any()),
                            Some(Err(e)) => Some(view! { <p class="form-status error" role="alert"><ActionError error=e /></p> }.into_any()),
                            _ => None,
                        }}
                        <div class="form-actions">
                            <button type="submit" class="button primary" data-testid="send-rfq" disabled=move || submit.pending().get()>
                                {move || if submit.pending().get() { t.form_saving } else { t.rfq_send }}
                            </button>
                            <p class="hint">{t.rfq_draft_kept}</p>
                        </div>
                    </form>
                }.into_any()
            })}}
        </Suspense>
    }
}

/// What is wrong with the chosen files (too many, one too large), if anything.
fn files_problem(
    t: &'static crate::i18n::Messages,
    input: NodeRef<leptos::html::Input>,
) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let files = input.get_untracked()?.files()?;
        if files.length() as usize > MAX_ATTACHMENTS {
            return Some(fill(
                t.message_error_too_many,
                &[("count", &MAX_ATTACHMENTS)],
            ));
        }
        for i in 0..files.length() {
            let file = files.get(i)?;
            if file.size() > MAX_ATTACHMENT_BYTES as f64 {
                return Some(fill(
                    t.message_error_file_too_large,
                    &[
                        ("file", &file.name()),
                        ("mb", &(MAX_ATTACHMENT_BYTES / (1024 * 1024))),
                    ],
                ));
            }
        }
        None
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (t, input);
        None
    }
}

/// `url` (the RFQ page the message form answered with) also saying the RFQ was sent.
#[cfg(feature = "hydrate")]
fn with_sent(url: &str) -> String {
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}sent=1")
}

/// Sends the chosen files as the RFQ's first message; the page the server answered with.
#[cfg(feature = "hydrate")]
async fn upload_files(
    number: &str,
    csrf: &str,
    locale: Locale,
    body: &str,
    input: &web_sys::HtmlInputElement,
) -> Option<String> {
    use wasm_bindgen::JsCast;
    let files = input.files()?;
    let form = web_sys::FormData::new().ok()?;
    form.append_with_str("csrf", csrf).ok()?;
    form.append_with_str("locale", locale.tag()).ok()?;
    form.append_with_str("body", body).ok()?;
    for i in 0..files.length() {
        let file = files.get(i)?;
        form.append_with_blob_and_filename("files", &file, &file.name())
            .ok()?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let promise =
        web_sys::window()?.fetch_with_str_and_init(&format!("/rfqs/{number}/messages"), &init);
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    // The form answers with a redirect to the RFQ page; anything else is a failure.
    if !response.redirected() || !response.ok() {
        return None;
    }
    // Relative to the site, whatever host served the page.
    let url = web_sys::Url::new(&response.url()).ok()?;
    Some(format!("{}{}", url.pathname(), url.search()))
}

/// One line of the form, with the product's quantity rule as a warning.
#[component]
fn RfqLineRow(
    locale: Locale,
    line: LineState,
    errors: Signal<Vec<FieldError>>,
    lines: RwSignal<Vec<LineState>>,
) -> impl IntoView {
    let t = locale.messages();
    let uid = line.uid;
    let index = move || lines.with(|l| l.iter().position(|x| x.uid == uid).unwrap_or(0));
    let error = move |f: &'static str| {
        move || errors.with(|e| error_of(t, e, &format!("lines[{}].{f}", index())))
    };
    let product = line.product.clone();
    let quantity = line.quantity;
    let warning = {
        let product = product.clone();
        move || {
            let p = product.as_ref()?;
            let q: u64 = quantity.get().trim().parse().ok()?;
            let rule = QuantityRule::new(p.moq, p.increment).ok()?;
            let unit = UnitCode::parse(&p.unit).ok()?;
            rule.check(q)
                .err()
                .map(|e| quantity_error(locale, unit, &e))
        }
    };
    let id = |f: &str| format!("rfq-line-{uid}-{f}");
    view! {
        <div class="rfq-line" data-testid="rfq-form-line">
            {match product.clone() {
                Some(p) => view! {
                    <div class="rfq-line-product">
                        <strong>{p.name.clone()}</strong>" "<span class="muted small">{fill(t.product_sku, &[("sku", &p.sku)])}</span>
                        <p class="hint">{fill(t.rfq_line_rule, &[("moq", &locale.format_count(p.moq)), ("increment", &locale.format_count(p.increment)),
                            ("unit", &UnitCode::parse(&p.unit).map_or(p.unit.clone(), |u| unit_name(t, u).to_owned()))])}</p>
                    </div>
                }.into_any(),
                None => view! {
                    <div class="field required" class:has-error=move || error("description")().is_some()>
                        <label for=id("description")>{t.rfq_item_description}</label>
                        <input id=id("description") type="text" maxlength="200"
                            prop:value=move || line.description.get() on:input=move |ev| line.description.set(event_target_value(&ev)) />
                        <p class="field-error" role="alert">{error("description")}</p>
                    </div>
                }.into_any(),
            }}
            <div class="field required" class:has-error=move || error("quantity")().is_some()>
                <label for=id("quantity")>{t.trade_quantity}</label>
                <input id=id("quantity") type="number" min="1" inputmode="numeric"
                    prop:value=move || quantity.get() on:input=move |ev| quantity.set(event_target_value(&ev)) />
                <p class="warning" role="status">{warning}</p>
                <p class="field-error" role="alert">{error("quantity")}</p>
            </div>
            {product.is_none().then(|| view! {
                <div class="field required" class:has-error=move || error("unit")().is_some()>
                    <label for=id("unit")>{t.field_unit}</label>
                    <input id=id("unit") type="text" list="rfq-units" maxlength="3"
                        prop:value=move || line.unit.get() on:input=move |ev| line.unit.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{error("unit")}</p>
                </div>
            })}
            <div class="field" class:has-error=move || error("target_price")().is_some()>
                <label for=id("target_price")>{t.rfq_target_price}</label>
                <input id=id("target_price") type="text" inputmode="decimal" maxlength="20"
                    prop:value=move || line.target_price.get() on:input=move |ev| line.target_price.set(event_target_value(&ev)) />
                <p class="field-error" role="alert">{error("target_price")}</p>
            </div>
            <p class="field-error" role="alert">{error("product_id")}</p>
            <button type="button" class="button small" aria-label=t.rfq_remove_line
                on:click=move |_| lines.update(|l| l.retain(|x| x.uid != uid))>{t.rfq_remove_line}</button>
        </div>
    }
}
