//! `/{locale}/admin/eco` (the e-CO register: every certificate issued, filtered by status,
//! kind and number, and the orders whose certificate is still on its way or was refused) and
//! `/{locale}/admin/eco/{number}` (one certificate, its order's issuance history, revoke,
//! replace or issue again).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::trade::views::{EcoJobView, OpenEcoJob, RegisterDetail, RegisterQuery, RegisterRow};

use super::trade::server_fns::{
    AdminCertificateAction, admin_certificate, admin_list_certificates,
};
use crate::admin::{csrf_token, island_context, short_time};
use crate::certificates::{ProblemList, kind_name, state_name};
use crate::components::form::ActionError;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, Messages, fill, use_i18n, use_locale};
use crate::paths;
use crate::trade::Fact;

fn status_name(t: &'static Messages, status: &str) -> String {
    t.lookup(&format!("eco_status_{status}"))
        .map_or_else(|| status.to_owned(), str::to_owned)
}

fn day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

fn register_link(locale: Locale, number: &str) -> String {
    paths::admin_section(locale, &format!("eco/{number}"))
}

/// A certificate's number, linked to its register page.
fn certificate_link(locale: Locale, number: String) -> impl IntoView {
    let href = register_link(locale, &number);
    view! { <a href=href>{number}</a> }
}

/// `/{locale}/admin/eco`.
#[component]
pub fn CertificatesPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let q = use_query_map();
    let query = {
        let q = q.read_untracked();
        RegisterQuery {
            status: q.get("status").unwrap_or_default(),
            kind: q.get("kind").unwrap_or_default(),
            q: q.get("q").unwrap_or_default(),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    };
    let data = Resource::new(|| (), {
        let query = query.clone();
        move |()| admin_list_certificates(query.clone())
    });
    let filters = query.clone();
    view! {
        <Title text=t.admin_nav_eco />
        <h1>{t.admin_nav_eco}</h1>
        <p class="muted">{t.eco_register_intro}</p>
        <form class="filters" method="get" role="search" aria-label=t.rfq_filters_label>
            <label>{t.trade_status}
                <select name="status">
                    <option value="">{t.rfq_filter_any}</option>
                    {["valid", "revoked"].into_iter().map(|s| view! {
                        <option value=s selected=filters.status == s>{status_name(t, s)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{t.eco_kind}
                <select name="kind">
                    <option value="">{t.rfq_filter_any}</option>
                    {["DeclarationOfOrigin", "CertificateOfOrigin"].into_iter().map(|k| view! {
                        <option value=k selected=filters.kind == k>{kind_name(t, k)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{t.eco_search}
                <input type="search" name="q" maxlength="64" value=filters.q.clone() />
            </label>
            <button type="submit" class="button">{t.rfq_filter_apply}</button>
        </form>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(r) => {
                            let p = r.certificates;
                            let count = p.page_count();
                            let list = if p.items.is_empty() {
                                view! { <p class="empty" data-testid="eco-register-empty">{t.eco_register_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(p.total))])}</p>
                                    <RegisterTable locale rows=p.items />
                                    <Pagination current=p.page count=count href=move |n| paths::with_query(&paths::admin_section(locale, "eco"), &[
                                        ("status", Some(query.status.clone())),
                                        ("kind", Some(query.kind.clone())),
                                        ("q", Some(query.q.clone())),
                                        ("page", Some(n.to_string())),
                                    ]) />
                                }.into_any()
                            };
                            view! {
                                {list}
                                <OpenJobs locale jobs=r.open total=r.open_total />
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn RegisterTable(locale: Locale, rows: Vec<RegisterRow>) -> impl IntoView {
    let t = locale.messages();
    view! {
        <div class="table-wrap">
            <table class="data" data-testid="eco-register">
                <thead><tr>
                    <th scope="col">{t.eco_number}</th>
                    <th scope="col">{t.eco_kind}</th>
                    <th scope="col">{t.trade_status}</th>
                    <th scope="col">{t.eco_order}</th>
                    <th scope="col">{t.eco_buyer}</th>
                    <th scope="col">{t.eco_importing_party}</th>
                    <th scope="col">{t.eco_issued_at}</th>
                    <th scope="col">{t.eco_valid_until}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr data-testid="eco-register-row">
                            <td><a href=register_link(locale, &r.number)>{r.number.clone()}</a>
                                {r.replaces.clone().map(|n| view! { <br/><span class="muted small">{t.eco_replaces}" "{n}</span> })}
                            </td>
                            <td>{kind_name(t, &r.kind)}</td>
                            <td><span class=format!("badge eco-{}", if r.status == "valid" { "issued" } else { "revoked" })>{status_name(t, &r.status)}</span>
                                {r.replaced_by.clone().map(|n| view! { <br/><span class="muted small">{t.eco_replaced_by}" "{n}</span> })}
                            </td>
                            <td><a href=paths::admin_section(locale, &format!("orders/{}", r.order_number))>{r.order_number.clone()}</a></td>
                            <td>{r.company}</td>
                            <td>{r.importing_party}</td>
                            <td>{short_time(&r.issued_at)}</td>
                            <td>{day(&r.valid_until)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Orders cleared for export whose certificate is not issued yet.
#[component]
fn OpenJobs(locale: Locale, jobs: Vec<OpenEcoJob>, total: u64) -> impl IntoView {
    let t = locale.messages();
    let more = total.saturating_sub(jobs.len() as u64);
    view! {
        <section class="panel" aria-labelledby="eco-open-title" data-testid="eco-open-jobs">
            <h2 id="eco-open-title">{t.eco_open_title}</h2>
            {if jobs.is_empty() {
                view! { <p class="empty">{t.eco_open_empty}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data">
                            <thead><tr>
                                <th scope="col">{t.eco_order}</th>
                                <th scope="col">{t.eco_buyer}</th>
                                <th scope="col">{t.trade_status}</th>
                                <th scope="col">{t.eco_attempts}</th>
                                <th scope="col">{t.eco_updated}</th>
                            </tr></thead>
                            <tbody>
                                {jobs.into_iter().map(|j| {
                                    let detail = if j.state == "rejected" {
                                        Some(fill(t.eco_problem_count, &[("count", &j.problem_count)]))
                                    } else {
                                        j.next_attempt_at.as_deref().map(|n| format!("{}: {}", t.eco_next_attempt, short_time(n)))
                                    };
                                    view! {
                                        <tr data-testid="eco-open-row">
                                            <td><a href=paths::admin_section(locale, &format!("orders/{}", j.order_number))>{j.order_number.clone()}</a></td>
                                            <td>{j.company}</td>
                                            <td><span class=format!("badge eco-{}", j.state)>{state_name(t, &j.state)}</span>
                                                {detail.map(|d| view! { <br/><span class="muted small">{d}</span> })}
                                            </td>
                                            <td>{j.attempts}</td>
                                            <td>{short_time(&j.updated_at)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(more > 0).then(|| view! { <p class="muted small">{fill(t.eco_open_more, &[("count", &more)])}</p> })}
                }.into_any()
            }}
        </section>
    }
}

/// `/{locale}/admin/eco/{number}`.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let number = use_params_map()
        .read_untracked()
        .get("number")
        .unwrap_or_default();
    let data = Resource::new(|| (), {
        let number = number.clone();
        move |()| admin_certificate(number.clone())
    });
    view! {
        <Title text=fill(t.eco_detail_title, &[("number", &number)]) />
        <p><a href=paths::admin_section(locale, "eco")>{t.eco_back}</a></p>
        <h1>{fill(t.eco_detail_title, &[("number", &number)])}</h1>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(d) => view! { <CertificateDetail locale d /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CertificateDetail(locale: Locale, d: RegisterDetail) -> impl IntoView {
    let t = locale.messages();
    let r = d.row.clone();
    let valid = r.status == "valid";
    let link = move |n: Option<String>| n.map(|n| certificate_link(locale, n));
    view! {
        <section class="panel" aria-labelledby="eco-facts-title" data-testid="eco-detail">
            <h2 id="eco-facts-title">
                <span class=format!("badge eco-{}", if valid { "issued" } else { "revoked" }) data-testid="eco-detail-status">{status_name(t, &r.status)}</span>
                " "{kind_name(t, &r.kind)}
            </h2>
            <dl class="facts">
                <div><dt>{t.eco_order}</dt><dd><a href=paths::admin_section(locale, &format!("orders/{}", r.order_number))>{r.order_number.clone()}</a></dd></div>
                <Fact label=t.eco_buyer value=Some(r.company.clone()) />
                <Fact label=t.eco_importing_party value=Some(r.importing_party.clone()) />
                <Fact label=t.eco_issued_at value=Some(short_time(&r.issued_at)) />
                <Fact label=t.eco_valid_until value=Some(day(&r.valid_until)) />
                <Fact label=t.eco_application_reference value=Some(d.application_reference.clone()) />
                <Fact label=t.eco_status_entry value=Some(format!("{} / {}", d.status_list, d.status_index)) />
                {r.replaces.is_some().then(|| view! { <div><dt>{t.eco_replaces}</dt><dd>{link(r.replaces.clone())}</dd></div> })}
                {r.replaced_by.is_some().then(|| view! { <div><dt>{t.eco_replaced_by}</dt><dd data-testid="eco-detail-replaced-by">{link(r.replaced_by.clone())}</dd></div> })}
                <Fact label=t.eco_revoked_at value=d.revoked_at.as_deref().map(short_time) />
                <Fact label=t.eco_revoked_by value=d.revoked_by.clone() />
                <Fact label=t.eco_revocation_reason value=d.revocation_reason.clone() />
            </dl>
            <p class="actions-row">
                {valid.then(|| view! {
                    <a class="button" href=paths::eco_download(&r.number, "pdf")>{t.eco_download_pdf}</a>
                    <a class="button" href=paths::eco_download(&r.number, "json")>{t.eco_download_json}</a>
                })}
                <a href=paths::verify(locale, &r.number)>{t.eco_verify_link}</a>
            </p>
        </section>
        {(valid || d.can_reissue).then(|| view! { <RegisterActions locale number=r.number.clone() valid /> })}
        <JobHistory locale jobs=d.jobs />
    }
}

#[component]
fn JobHistory(locale: Locale, jobs: Vec<EcoJobView>) -> impl IntoView {
    let t = locale.messages();
    view! {
        <section class="panel" aria-labelledby="eco-jobs-title" data-testid="eco-jobs">
            <h2 id="eco-jobs-title">{t.eco_jobs_title}</h2>
            {if jobs.is_empty() {
                view! { <p class="empty">{t.eco_jobs_empty}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline">
                        {jobs.into_iter().map(|j| view! {
                            <li data-testid="eco-job">
                                <p>
                                    <span class=format!("badge eco-{}", j.state)>{state_name(t, &j.state)}</span>
                                    " "{short_time(&j.created_at)}" → "{short_time(&j.updated_at)}
                                    " · "{t.eco_attempts}": "{j.attempts}
                                </p>
                                {j.certificate.clone().map(|n| view! { <p>{t.eco_job_certificate}": "{certificate_link(locale, n)}</p> })}
                                {j.replaces.clone().map(|n| view! { <p>{t.eco_replaces}": "{certificate_link(locale, n)}</p> })}
                                {j.application_reference.clone().map(|a| view! { <p class="muted small">{t.eco_application_reference}": "{a}</p> })}
                                {j.next_attempt_at.as_deref().map(|n| view! { <p class="muted small">{t.eco_next_attempt}": "{short_time(n)}</p> })}
                                {j.last_error.clone().map(|e| view! { <p class="muted small">{t.eco_last_error}": "{e}</p> })}
                                {(!j.problems.is_empty()).then(|| view! { <ProblemList locale problems=j.problems testid="eco-job-problems" /> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// Revoke or replace a valid certificate, or issue again for a revoked one that nothing
/// replaced (an island: the reason field and the confirmations need the browser).
#[island(lazy)]
fn RegisterActions(locale: Locale, number: String, valid: bool) -> impl IntoView {
    island_context(locale);
    let t = locale.messages();
    let action = ServerAction::<AdminCertificateAction>::new();
    let reason = RwSignal::new(String::new());
    let here = register_link(locale, &number);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            paths::go_to(&here);
        }
    });
    let go = move |what: &'static str, confirm: &'static str, number: String| {
        if crate::trade::rfqs::web_confirm(confirm) {
            action.dispatch(AdminCertificateAction {
                csrf: csrf_token(),
                number,
                action: what.to_owned(),
                reason: reason.get_untracked(),
            });
        }
    };
    let error = move || {
        action.value().get().and_then(Result::err).map(
            |e| view! { <p class="form-status error" role="alert"><ActionError error=e /></p> },
        )
    };
    if !valid {
        return view! {
            <div class="card form" data-testid="eco-reissue">
                <h2>{t.eco_reissue_title}</h2>
                <p class="hint">{t.eco_reissue_hint}</p>
                {error}
                <button type="button" class="button primary" data-testid="eco-reissue-button" disabled=move || action.pending().get()
                    on:click=move |_| go("reissue", t.eco_reissue_confirm, number.clone())>{t.eco_reissue}</button>
            </div>
        }
        .into_any();
    }
    let n2 = number.clone();
    let empty = move || action.pending().get() || reason.with(|r| r.trim().is_empty());
    view! {
        <div class="card form" data-testid="eco-revoke">
            <h2>{t.eco_revoke_title}</h2>
            <p class="hint">{t.eco_revoke_hint}</p>
            {error}
            <div class="field">
                <label for="eco-register-reason">{t.eco_revoke_reason}</label>
                <input id="eco-register-reason" type="text" maxlength="2000" required="" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev)) />
            </div>
            <button type="button" class="button" data-testid="eco-replace" disabled=empty
                on:click=move |_| go("replace", t.eco_replace_confirm, number.clone())>{t.eco_replace}</button>
            " "
            <button type="button" class="button danger" data-testid="eco-revoke-button" disabled=empty
                on:click=move |_| go("revoke", t.eco_revoke_confirm, n2.clone())>{t.eco_revoke}</button>
        </div>
    }
    .into_any()
}
