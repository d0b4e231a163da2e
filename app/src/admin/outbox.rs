//! `/{locale}/admin/outbox`: what waits in the outbox — mails (each readable as sent: a
//! buyer's sign-in code can be passed on when no mail server is configured) and the buying
//! flow's events — newest first, with attempts and the last error. A GET filter (`mail=1`)
//! keeps mails alone. Read-only: a server component with no code in the browser.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use domain::catalog::model::Page;
use domain::notify::OutboxRow;

use super::short_time;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::error::AppError;
use crate::i18n::{fill, use_i18n, use_locale};
use crate::mail::RenderedMail;
use crate::paths;

/// Rows per page.
#[cfg(feature = "ssr")]
const PER_PAGE: u64 = 50;

/// The page's data: rows with each mail rendered as its recipient reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxData {
    pub rows: Page<(OutboxRow, Option<RenderedMail>)>,
    pub mail_configured: bool,
}

#[server(prefix = "/sf")]
pub async fn admin_outbox(mail_only: bool, page: u64) -> Result<OutboxData, AppError> {
    crate::session::require_staff().await?;
    let state = crate::session::state()?;
    let p =
        domain::notify::outbox_page(&state.db, mail_only, page.clamp(1, 100_000), PER_PAGE).await?;
    let rows = Page {
        items: p
            .items
            .into_iter()
            .map(|row| {
                let rendered = row
                    .mail
                    .as_ref()
                    .map(|m| crate::mail::render(m, &state.base_url, &state.site_name));
                (row, rendered)
            })
            .collect(),
        page: p.page,
        per_page: p.per_page,
        total: p.total,
    };
    Ok(OutboxData {
        rows,
        mail_configured: state.mail_configured,
    })
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let query = use_query_map().read_untracked();
    let mail_only = query.get("mail").is_some_and(|m| m == "1");
    let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let data = Resource::new(|| (), move |()| admin_outbox(mail_only, page));
    let here = paths::admin_section(locale, "outbox");
    let filter = {
        let here = here.clone();
        move |mail: bool, label: &'static str| {
            let href = if mail {
                paths::with_query(&here, &[("mail", Some("1".into()))])
            } else {
                here.clone()
            };
            let current = (mail == mail_only).then_some("page");
            view! { <a href=href class="chip" aria-current=current>{label}</a> }
        }
    };
    view! {
        <Title text=t.admin_nav_outbox />
        <h1>{t.admin_nav_outbox}</h1>
        <p class="muted">{t.outbox_intro}</p>
        <nav class="chips" aria-label=t.admin_nav_outbox>
            {filter(false, t.outbox_everything)}
            {filter(true, t.outbox_mail_only)}
        </nav>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(d) => {
                        let configured = d.mail_configured;
                        let notice = if configured {
                            view! { <p class="notice ok" data-testid="outbox-smtp">{t.outbox_smtp}</p> }.into_any()
                        } else {
                            view! { <p class="notice" data-testid="outbox-no-smtp">{t.outbox_no_smtp}</p> }.into_any()
                        };
                        if d.rows.items.is_empty() {
                            return view! { {notice}<p class="empty-state">{t.outbox_empty}</p> }.into_any();
                        }
                        let count = d.rows.page_count();
                        let rows = d.rows.items.into_iter().map(|(row, rendered)| {
                            let is_mail = row.mail.is_some();
                            let state = match row.state.as_str() {
                                "done" => t.outbox_state_done.to_owned(),
                                "retrying" => fill(t.outbox_state_retrying, &[("attempts", &row.attempts)]),
                                _ if is_mail && !configured => t.outbox_state_no_server.to_owned(),
                                _ => t.outbox_state_pending.to_owned(),
                            };
                            let what = match (&rendered, &row.number) {
                                (Some(m), _) => view! {
                                    <details>
                                        <summary><span class="badge">{t.outbox_kind_mail}</span>" "{m.subject.clone()}</summary>
                                        <pre class="mail-text" data-testid="outbox-mail-text">{m.text.clone()}</pre>
                                    </details>
                                }.into_any(),
                                (None, number) => view! {
                                    <span>{fill(t.outbox_kind_event, &[("kind", &row.kind)])}{number.clone().map(|n| format!(" · {n}"))}</span>
                                }.into_any(),
                            };
                            view! {
                                <tr data-testid="outbox-row" data-kind=row.kind.clone()>
                                    <td class="nowrap small">{short_time(&row.created_at)}</td>
                                    <td>{what}</td>
                                    <td>{row.mail.as_ref().map(|m| m.to.clone())}</td>
                                    <td>
                                        <span class="badge">{state}</span>
                                        {row.last_error.clone().map(|e| view! { <p class="small error-text">{fill(t.outbox_last_error, &[("error", &e)])}</p> })}
                                    </td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            {notice}
                            <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(d.rows.total))])}</p>
                            <div class="table-wrap">
                                <table class="data" data-testid="outbox-table">
                                    <thead><tr>
                                        <th scope="col">{t.outbox_when}</th>
                                        <th scope="col">{t.outbox_what}</th>
                                        <th scope="col">{t.outbox_to}</th>
                                        <th scope="col">{t.outbox_state}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                            <Pagination current=d.rows.page count=count href=move |n| paths::with_query(&here, &[
                                ("mail", mail_only.then(|| "1".to_owned())),
                                ("page", Some(n.to_string())),
                            ]) />
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}
