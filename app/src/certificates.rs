//! Certificates of origin in the UI: the order page's e-CO panel (both sides; it asks the
//! server again every few seconds while the certificate is on its way, so it appears without
//! a reload; staff also see why one cannot be issued, retry, revoke and replace) and the
//! public verify page `/{locale}/verify/{number}` with the three checks shown separately.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use domain::trade::views::{CertificateVerification, CheckView, OrderEco};

use crate::admin::short_time;
use crate::components::form::ActionError;
use crate::components::status::{ErrorPanel, Loading, set_http_status};
use crate::error::AppError;
use crate::i18n::{Locale, Messages, PageTexts, fill, use_i18n, use_locale};
use crate::paths;
use crate::trade::Fact;
use crate::trade::server_fns::{get_order_eco, verify_certificate};

/// How often an open order page asks for news of its certificate.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

pub(crate) fn kind_name(t: &'static Messages, kind: &str) -> &'static str {
    if kind == "CertificateOfOrigin" {
        t.eco_kind_co
    } else {
        t.eco_kind_doo
    }
}

pub(crate) fn state_name(t: &'static Messages, state: &str) -> String {
    t.lookup(&format!("eco_state_{state}"))
        .map_or_else(|| state.replace('_', " "), str::to_owned)
}

/// The order page's certificate section (an island: it keeps itself current). `watch` is
/// whether the order can still get a certificate (not cancelled): then an empty or waiting
/// panel asks the server again every two seconds.
#[island(lazy)]
pub fn EcoPanel(
    locale: Locale,
    number: String,
    eco: Option<OrderEco>,
    staff: bool,
    watch: bool,
) -> impl IntoView {
    if staff {
        crate::admin::island_context(locale);
    } else {
        provide_context(locale);
    }
    let t = locale.messages();
    let state = RwSignal::new(eco);
    let waiting = move || {
        watch
            && state.with(|e| match e {
                None => true,
                Some(e) => e.is_waiting(),
            })
    };
    Effect::new({
        let number = number.clone();
        move |_| {
            if !waiting() {
                return;
            }
            let number = number.clone();
            let handle = set_interval_with_handle(
                move || {
                    let number = number.clone();
                    leptos::task::spawn_local(async move {
                        if let Ok(e) = get_order_eco(number).await
                            && state.get_untracked() != e
                        {
                            state.set(e);
                        }
                    });
                },
                POLL_EVERY,
            );
            if let Ok(h) = handle {
                on_cleanup(move || h.clear());
            }
        }
    });
    view! {
        <section class="panel" aria-labelledby="order-eco-title" data-testid="order-eco">
            <h2 id="order-eco-title">{t.order_eco_title}</h2>
            <div aria-live="polite">
                {move || {
                    let number = number.clone();
                    match state.get() {
                        None => view! { <p class="empty">{t.order_eco_empty}</p> }.into_any(),
                        Some(e) => view! { <EcoBody locale order=number eco=e staff /> }.into_any(),
                    }
                }}
            </div>
        </section>
    }
}

#[component]
fn EcoBody(locale: Locale, order: String, eco: OrderEco, staff: bool) -> impl IntoView {
    let t = locale.messages();
    let badge = view! {
        <p><span class=format!("badge eco-{}", eco.state) data-testid="eco-state">{state_name(t, &eco.state)}</span></p>
    };
    let body = match eco.state.as_str() {
        "issued" | "revoked" => {
            let number = eco.number.clone().unwrap_or_default();
            let revoked = eco.state == "revoked";
            view! {
                <dl class="facts">
                    <div><dt>{t.eco_number}</dt><dd data-testid="eco-number">{number.clone()}</dd></div>
                    <Fact label=t.eco_kind value=eco.kind.as_deref().map(|k| kind_name(t, k).to_owned()) />
                    <Fact label=t.eco_issued_at value=eco.issued_at.as_deref().map(short_time) />
                    <Fact label=t.eco_valid_until value=eco.valid_until.as_deref().map(|d| d.get(..10).unwrap_or(d).to_owned()) />
                    <Fact label=t.eco_replaces value=eco.replaces.clone() />
                    <Fact label=t.eco_revoked_at value=eco.revoked_at.as_deref().map(short_time) />
                    <Fact label=t.eco_revocation_reason value=eco.revocation_reason.clone() />
                    <Fact label=t.eco_replaced_by value=eco.replaced_by.clone() />
                </dl>
                <p class="actions-row">
                    {(!revoked).then(|| view! {
                        <a class="button" href=paths::eco_download(&number, "pdf") data-testid="eco-pdf">{t.eco_download_pdf}</a>
                        <a class="button" href=paths::eco_download(&number, "json") data-testid="eco-json">{t.eco_download_json}</a>
                    })}
                    <a href=paths::verify(locale, &number) data-testid="eco-verify">{t.eco_verify_link}</a>
                </p>
                {(staff && !revoked).then(|| view! { <RevokeForm locale order=order.clone() /> })}
            }
            .into_any()
        }
        "rejected" => {
            let problems = eco.problems.clone();
            view! {
                <p>{if staff { t.eco_rejected_staff } else { t.eco_rejected_buyer }}</p>
                {(staff && !problems.is_empty()).then(|| view! { <ProblemList locale problems testid="eco-problems" /> })}
                {staff.then(|| view! { <RetryButton locale order=order.clone() /> })}
            }
            .into_any()
        }
        "retrying" => view! {
            <p>{t.eco_retrying}</p>
            <Fact label=t.eco_next_attempt value=eco.next_attempt_at.as_deref().map(short_time) />
            {staff.then(|| eco.last_error.clone().map(|e| view! { <p class="muted small" data-testid="eco-error">{e}</p> }))}
            {staff.then(|| view! { <RetryButton locale order=order.clone() /> })}
        }
        .into_any(),
        _ => view! {
            <p role="status"><span class="spinner" aria-hidden="true"></span>" "{t.eco_pending}</p>
            {eco.replaces.clone().map(|r| view! { <p class="muted small">{fill(t.eco_replacing, &[("number", &r)])}</p> })}
        }
        .into_any(),
    };
    view! { {badge} {body} }
}

/// Why a certificate cannot be issued, line by line, each with its fix.
#[component]
pub fn ProblemList(
    locale: Locale,
    problems: Vec<domain::trade::views::EcoProblem>,
    testid: &'static str,
) -> impl IntoView {
    let t = locale.messages();
    view! {
        <ul class="problems" data-testid=testid>
            {problems.into_iter().map(|p| {
                let place = match p.line {
                    Some(l) => fill(t.eco_problem_line, &[("line", &l)]),
                    None => t.eco_problem_document.to_owned(),
                };
                view! { <li><strong>{place}</strong>" · "<code>{p.field}</code>": "{p.problem}<br/><span class="muted">{p.fix}</span></li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn RetryButton(locale: Locale, order: String) -> impl IntoView {
    let t = locale.messages();
    let action = ServerAction::<crate::admin::trade::server_fns::AdminEcoAction>::new();
    let here = paths::admin_section(locale, &format!("orders/{order}"));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            paths::go_to(&here);
        }
    });
    view! {
        {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> })}
        <button type="button" class="button primary" data-testid="eco-retry" disabled=move || action.pending().get()
            on:click=move |_| {
                action.dispatch(crate::admin::trade::server_fns::AdminEcoAction {
                    csrf: crate::admin::csrf_token(), number: order.clone(), action: "retry".to_owned(), reason: String::new(),
                });
            }>{t.eco_retry}</button>
    }
}

#[component]
fn RevokeForm(locale: Locale, order: String) -> impl IntoView {
    let t = locale.messages();
    let action = ServerAction::<crate::admin::trade::server_fns::AdminEcoAction>::new();
    let reason = RwSignal::new(String::new());
    let here = paths::admin_section(locale, &format!("orders/{order}"));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            paths::go_to(&here);
        }
    });
    let order2 = order.clone();
    let go = move |what: &'static str, order: String| {
        if crate::trade::rfqs::web_confirm(if what == "replace" {
            t.eco_replace_confirm
        } else {
            t.eco_revoke_confirm
        }) {
            action.dispatch(crate::admin::trade::server_fns::AdminEcoAction {
                csrf: crate::admin::csrf_token(),
                number: order,
                action: what.to_owned(),
                reason: reason.get_untracked(),
            });
        }
    };
    view! {
        <div class="card form" data-testid="eco-revoke">
            <h3>{t.eco_revoke_title}</h3>
            <p class="hint">{t.eco_revoke_hint}</p>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> })}
            <div class="field">
                <label for="eco-revoke-reason">{t.eco_revoke_reason}</label>
                <input id="eco-revoke-reason" type="text" maxlength="2000" required="" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev)) />
            </div>
            <button type="button" class="button" data-testid="eco-replace" disabled=move || action.pending().get() || reason.with(|r| r.trim().is_empty())
                on:click=move |_| go("replace", order.clone())>{t.eco_replace}</button>
            " "
            <button type="button" class="button danger" data-testid="eco-revoke-button" disabled=move || action.pending().get() || reason.with(|r| r.trim().is_empty())
                on:click=move |_| go("revoke", order2.clone())>{t.eco_revoke}</button>
        </div>
    }
}

fn check_row(
    t: &'static Messages,
    name: &'static str,
    id: &'static str,
    c: CheckView,
) -> impl IntoView {
    let label = t
        .lookup(&format!("verify_outcome_{}", c.outcome))
        .unwrap_or(c.outcome.as_str())
        .to_owned();
    view! {
        <li class=format!("check check-{}", c.outcome) data-testid=format!("check-{id}")>
            <h3>{name}" "<span class=format!("badge outcome-{}", c.outcome) data-testid="check-outcome">{label}</span></h3>
            <ul>{c.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
        </li>
    }
}

/// The three checks and the verdict.
#[component]
pub fn VerificationChecks(
    locale: Locale,
    integrity: CheckView,
    status: CheckView,
    issuer: CheckView,
    valid: bool,
) -> impl IntoView {
    let t = locale.messages();
    view! {
        <div class=if valid { "notice ok verdict" } else { "notice error verdict" } role="status" data-testid="verify-verdict">
            <strong>{if valid { t.verify_valid } else { t.verify_not_valid }}</strong>
        </div>
        <ol class="checks">
            {check_row(t, t.verify_check_integrity, "integrity", integrity)}
            {check_row(t, t.verify_check_status, "status", status)}
            {check_row(t, t.verify_check_issuer, "issuer", issuer)}
        </ol>
    }
}

/// `/{locale}/verify/{number}`: the public verification of a certificate this site issued.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let number = use_params_map()
        .read_untracked()
        .get("number")
        .unwrap_or_default();
    let data = Resource::new(|| (), {
        let number = number.clone();
        move |()| verify_certificate(number.clone())
    });
    view! {
        <Title text=fill(t.verify_title, &[("number", &number)]) />
        <Meta name="robots" content="noindex" />
        <PageTexts locale />
        <section class="container trade-page verify-page">
            <h1>{fill(t.verify_title, &[("number", &number)])}</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotFound) => {
                            set_http_status(404);
                            view! {
                                <div class="notice error" role="alert" data-testid="verify-unknown"><p>{t.verify_unknown}</p></div>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(v) => view! { <VerificationView locale v /> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{t.verify_upload_title}</h2>
            <VerifyUpload locale />
            <p class="muted small">{t.verify_about}</p>
        </section>
    }
}

/// `/{locale}/verify`: verify a certificate from its file (the VC JSON, or the PDF with the
/// credential inside).
#[component]
pub fn VerifyUploadPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    view! {
        <Title text=t.verify_upload_title />
        <PageTexts locale />
        <section class="container trade-page verify-page">
            <h1>{t.verify_upload_title}</h1>
            <p>{t.verify_upload_intro}</p>
            <VerifyUpload locale />
            <p class="muted small">{t.verify_about}</p>
        </section>
    }
}

/// Reads the chosen file and sends it for verification (an island: needs JavaScript; without
/// it the page says to use the link printed on the certificate).
#[island(lazy)]
pub fn VerifyUpload(locale: Locale) -> impl IntoView {
    provide_context(locale);
    let t = locale.messages();
    let action = ServerAction::<crate::trade::server_fns::VerifyDocument>::new();
    let problem = RwSignal::new(None::<&'static str>);
    let input = NodeRef::<leptos::html::Input>::new();
    let send = move |_| {
        problem.set(None);
        #[cfg(feature = "hydrate")]
        {
            let Some(el) = input.get_untracked() else {
                return;
            };
            let Some(file) = el.files().and_then(|f| f.get(0)) else {
                problem.set(Some(t.verify_upload_choose));
                return;
            };
            if file.size() > crate::trade::server_fns::MAX_UPLOAD_BYTES as f64 {
                problem.set(Some(t.verify_upload_too_large));
                return;
            }
            leptos::task::spawn_local(async move {
                let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await
                else {
                    problem.set(Some(t.verify_upload_unreadable));
                    return;
                };
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                let mut hex = String::with_capacity(bytes.len() * 2);
                for b in bytes {
                    hex.push_str(&format!("{b:02x}"));
                }
                action.dispatch(crate::trade::server_fns::VerifyDocument { hex });
            });
        }
    };
    view! {
        <div class="card form" data-testid="verify-upload">
            <noscript><p class="notice">{t.verify_upload_needs_js}</p></noscript>
            <div class="field">
                <label for="verify-file">{t.verify_upload_label}</label>
                <input id="verify-file" type="file" accept=".json,.pdf,application/json,application/pdf" node_ref=input />
                <p class="hint">{t.verify_upload_hint}</p>
            </div>
            {move || problem.get().map(|p| view! { <p class="form-status error" role="alert">{p}</p> })}
            {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> })}
            <button type="button" class="button primary" data-testid="verify-upload-button" disabled=move || action.pending().get() on:click=send>{t.verify_upload_button}</button>
            <div aria-live="polite" data-testid="verify-upload-result">
                {move || action.value().get().and_then(Result::ok).map(|v| {
                    let revoked = v.revoked.then(|| view! {
                        <div class="notice error" role="alert">
                            <p><strong>{t.verify_revoked}</strong>{v.replaced_by.clone().map(|n| format!(" {}", fill(t.verify_replaced_by, &[("number", &n)])))}</p>
                            {v.revocation_reason.clone().map(|r| view! { <p>{r}</p> })}
                        </div>
                    });
                    view! {
                        {(!v.number.is_empty()).then(|| view! { <p>{t.eco_number}": "<strong>{v.number.clone()}</strong></p> })}
                        {revoked}
                        <VerificationChecks locale integrity=v.integrity status=v.status issuer=v.issuer_check valid=v.valid />
                    }
                })}
            </div>
        </div>
    }
}

#[component]
fn VerificationView(locale: Locale, v: CertificateVerification) -> impl IntoView {
    let t = locale.messages();
    let revoked = v.revoked.then(|| {
        let replaced = v.replaced_by.clone().map(|n| {
            view! { " " <a href=paths::verify(locale, &n) data-testid="verify-replaced-by">{fill(t.verify_replaced_by, &[("number", &n)])}</a> }
        });
        view! {
            <div class="notice error" role="alert" data-testid="verify-revoked">
                <p><strong>{t.verify_revoked}</strong>{replaced}</p>
                {v.revocation_reason.clone().map(|r| view! { <p>{r}</p> })}
                {v.revoked_at.clone().map(|d| view! { <p class="muted small">{short_time(&d)}</p> })}
            </div>
        }
    });
    view! {
        {revoked}
        <VerificationChecks locale integrity=v.integrity status=v.status issuer=v.issuer_check valid=v.valid />
        <section class="panel" aria-labelledby="verify-facts-title">
            <h2 id="verify-facts-title">{t.verify_facts_title}</h2>
            <dl class="facts">
                <Fact label=t.eco_kind value=Some(kind_name(t, &v.kind).to_owned()) />
                <Fact label=t.verify_exporter value=Some(v.exporter.clone()) />
                <Fact label=t.verify_route value=Some(format!("{} → {}", v.exporting_party, v.importing_party)) />
                <Fact label=t.verify_issue_date value=Some(v.issue_date.clone()) />
                <Fact label=t.eco_valid_until value=Some(v.valid_until.clone()) />
                <Fact label=t.verify_issuer value=Some(v.issuer.clone()) />
                <Fact label=t.eco_replaces value=v.replaces.clone() />
            </dl>
            <div class="table-wrap">
                <table class="data">
                    <thead><tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{t.verify_goods_description}</th>
                        <th scope="col">{t.verify_goods_hs}</th>
                        <th scope="col">{t.verify_goods_criterion}</th>
                        <th scope="col">{t.verify_goods_origin}</th>
                        <th scope="col">{t.verify_goods_quantity}</th>
                    </tr></thead>
                    <tbody>
                        {v.goods.into_iter().map(|g| view! {
                            <tr>
                                <td>{g.item_number}</td>
                                <td>{g.description}</td>
                                <td>{g.hs_code}</td>
                                <td>{g.origin_criterion}</td>
                                <td>{g.country_of_origin}</td>
                                <td>{g.quantity}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
