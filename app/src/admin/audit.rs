//! `/{locale}/admin/audit`: the audit log — who did what, when, from where — searchable and
//! paged.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

use domain::views::AuditRecord;

use super::server_fns::admin_audit;
use super::short_time;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{fill, use_i18n, use_locale};
use crate::paths;

/// A table of audit events (or "nothing yet").
#[component]
pub fn AuditTable(rows: Vec<AuditRecord>) -> impl IntoView {
    let t = use_i18n();
    if rows.is_empty() {
        return view! { <p class="empty">{t.audit_empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data" data-testid="audit-table">
                <thead><tr>
                    <th scope="col">{t.audit_when}</th>
                    <th scope="col">{t.audit_who}</th>
                    <th scope="col">{t.audit_action}</th>
                    <th scope="col">{t.audit_target}</th>
                    <th scope="col">{t.audit_from}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td class="nowrap">{short_time(&r.at)}</td>
                            <td>{r.actor}</td>
                            <td><code>{r.action}</code></td>
                            <td>{r.target}</td>
                            <td>{r.ip.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A search box for an admin list (a GET form: every state has a URL).
#[component]
pub fn ListSearch(value: String, label: &'static str) -> impl IntoView {
    let t = use_i18n();
    view! {
        <form class="list-search" method="get" role="search">
            <label class="visually-hidden" for="list-q">{label}</label>
            <input id="list-q" type="search" name="q" value=value maxlength="100" placeholder=label />
            <button type="submit" class="button">{t.search_button}</button>
        </form>
    }
}

/// The search and page of an admin list, read from the URL on the server; a list that is an
/// island gets it as a prop (islands have no router to ask).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListQuery {
    pub path: String,
    pub q: String,
    pub page: u64,
}

impl ListQuery {
    /// Page links keeping the search.
    pub fn page_href(&self) -> impl Fn(u64) -> String + 'static {
        let (path, q) = (self.path.clone(), self.q.clone());
        move |p| {
            paths::with_query(
                &path,
                &[
                    ("q", Some(q.clone())),
                    ("page", (p > 1).then(|| p.to_string())),
                ],
            )
        }
    }
}

/// `q` and `page` of the current URL (and its path, for page links).
pub fn list_query() -> ListQuery {
    let query = use_query_map();
    let query = query.read_untracked();
    ListQuery {
        path: use_location().pathname.get_untracked(),
        q: query.get("q").unwrap_or_default(),
        page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let list = list_query();
    let data = Resource::new(|| (), {
        let (q, page) = (list.q.clone(), list.page);
        move |()| admin_audit(q.clone(), page)
    });
    view! {
        <Title text=t.admin_nav_audit />
        <h1>{t.admin_nav_audit}</h1>
        <p class="muted">{t.audit_intro}</p>
        <ListSearch value=list.q.clone() label=t.audit_search />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let list = list.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(p) => {
                            let count = p.page_count();
                            view! {
                                <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(p.total))])}</p>
                                <AuditTable rows=p.items />
                                <Pagination current=p.page count=count href=list.page_href() />
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
