//! `/{locale}/admin/users` (administrators: change role, disable, end sessions) and
//! `/{locale}/admin/companies` (staff: buyer companies).

use leptos::prelude::*;
use leptos_meta::Title;

use domain::auth::Role;
use domain::codes::CountryCode;
use domain::views::UserRow;

use super::audit::{ListQuery, ListSearch, list_query};
use super::server_fns::{
    AdminEndSessions, AdminSetDisabled, AdminSetRole, admin_companies, admin_users,
};
use super::{csrf_token, short_time};
use crate::account::role_name;
use crate::catalog::trade_labels::country_name;
use crate::components::form::ActionError;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, fill, use_i18n, use_locale};

#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let list = list_query();
    view! {
        <Title text=t.admin_nav_users />
        <h1>{t.admin_nav_users}</h1>
        <ListSearch value=list.q.clone() label=t.users_search />
        <UsersTable locale list />
    }
}

/// The people list with its row actions (an island, loaded only in the admin panel).
#[island(lazy)]
fn UsersTable(locale: Locale, list: ListQuery) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let (q, page) = (list.q.clone(), list.page);
    let set_role = ServerAction::<AdminSetRole>::new();
    let set_disabled = ServerAction::<AdminSetDisabled>::new();
    let end_sessions = ServerAction::<AdminEndSessions>::new();
    let data = Resource::new(
        move || {
            set_role.version().get() + set_disabled.version().get() + end_sessions.version().get()
        },
        move |_| admin_users(q.clone(), page),
    );
    // The outcome of the latest action on a row, for the status line.
    let outcome = move || {
        let done = [
            set_role
                .value()
                .get()
                .map(|r| r.map(|()| t.users_role_changed.to_owned())),
            set_disabled
                .value()
                .get()
                .map(|r| r.map(|()| t.users_updated.to_owned())),
            end_sessions
                .value()
                .get()
                .map(|r| r.map(|n| fill(t.users_sessions_ended, &[("count", &n)]))),
        ];
        done.into_iter().flatten().last()
    };
    let row = move |u: UserRow| {
        let id = u.id.clone();
        let (role, set_role_choice) = signal(u.role.as_str().to_owned());
        let role_options = Role::ALL
            .into_iter()
            .map(|r| view! { <option value=r.as_str() selected=r == u.role>{role_name(t, r)}</option> })
            .collect_view();
        let apply_role = {
            let id = id.clone();
            move |_| {
                set_role.dispatch(AdminSetRole {
                    csrf: csrf_token(),
                    user_id: id.clone(),
                    role: role.get_untracked(),
                });
            }
        };
        let toggle = {
            let id = id.clone();
            let disabled = u.disabled;
            move |_| {
                set_disabled.dispatch(AdminSetDisabled {
                    csrf: csrf_token(),
                    user_id: id.clone(),
                    disabled: !disabled,
                });
            }
        };
        let end = {
            let id = id.clone();
            move |_| {
                end_sessions.dispatch(AdminEndSessions {
                    csrf: csrf_token(),
                    user_id: id.clone(),
                });
            }
        };
        let select_id = format!("role-{id}");
        let methods = {
            let mut m = u.identities.clone();
            if u.has_password {
                m.push(t.account_password_method.to_owned());
            }
            m.join(", ")
        };
        view! {
            <tr data-testid="user-row" data-email=u.email.clone()>
                <td>
                    <strong>{u.display_name.clone()}</strong><br />
                    <span class="muted small">{u.email.clone()}</span>
                    {u.disabled.then(|| view! { <span class="badge warn">{t.users_disabled}</span> })}
                </td>
                <td>{u.company.clone().unwrap_or_else(|| "—".into())}</td>
                <td class="small">{methods}</td>
                <td class="nowrap small">{u.last_sign_in_at.as_deref().map_or_else(|| t.users_never.to_owned(), short_time)}</td>
                <td class="num">{u.sessions}</td>
                <td>
                    <div class="row-actions">
                        <label class="visually-hidden" for=select_id.clone()>{t.field_role}</label>
                        <select id=select_id on:change=move |ev| set_role_choice.set(event_target_value(&ev))>{role_options}</select>
                        <button type="button" class="button small" on:click=apply_role>{t.users_apply_role}</button>
                        <button type="button" class="button small" on:click=toggle>
                            {if u.disabled { t.users_enable } else { t.users_disable }}
                        </button>
                        <button type="button" class="button small" on:click=end disabled=u.sessions == 0>{t.users_end_sessions}</button>
                    </div>
                </td>
            </tr>
        }
    };
    view! {
        <p class="form-status" role="status" aria-live="polite">
            {move || outcome().map(|r| match r {
                Ok(msg) => view! { <span class="ok">{msg}</span> }.into_any(),
                Err(e) => view! { <ActionError error=e /> }.into_any(),
            })}
        </p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || { let list = list.clone(); Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">{t.list_empty}</p> }.into_any(),
                    Ok(p) => {
                        let count = p.page_count();
                        view! {
                            <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(p.total))])}</p>
                            <div class="table-wrap">
                                <table class="data">
                                    <thead><tr>
                                        <th scope="col">{t.field_name}</th>
                                        <th scope="col">{t.field_company_name}</th>
                                        <th scope="col">{t.account_sign_in_methods}</th>
                                        <th scope="col">{t.users_last_sign_in}</th>
                                        <th scope="col">{t.users_sessions}</th>
                                        <th scope="col">{t.users_actions}</th>
                                    </tr></thead>
                                    <tbody>{p.items.into_iter().map(row).collect_view()}</tbody>
                                </table>
                            </div>
                            <Pagination current=p.page count=count href=list.page_href() />
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let list = list_query();
    let data = Resource::new(|| (), {
        let (q, page) = (list.q.clone(), list.page);
        move |()| admin_companies(q.clone(), page)
    });
    view! {
        <Title text=t.admin_nav_companies />
        <h1>{t.admin_nav_companies}</h1>
        <ListSearch value=list.q.clone() label=t.companies_search />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || { let list = list.clone(); Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">{t.companies_empty}</p> }.into_any(),
                    Ok(p) => {
                        let count = p.page_count();
                        view! {
                            <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(p.total))])}</p>
                            <div class="table-wrap">
                                <table class="data">
                                    <thead><tr>
                                        <th scope="col">{t.field_company_name}</th>
                                        <th scope="col">{t.field_country}</th>
                                        <th scope="col">{t.field_registration_id}</th>
                                        <th scope="col">{t.companies_members}</th>
                                        <th scope="col">{t.companies_since}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.items.into_iter().map(|c| {
                                            let country = CountryCode::parse(&c.country).map(|cc| country_name(t, &cc)).unwrap_or(c.country.clone());
                                            view! {
                                                <tr>
                                                    <td><strong>{c.name}</strong><br /><span class="muted small pre">{c.address}</span></td>
                                                    <td>{country}</td>
                                                    <td>{c.registration_id}</td>
                                                    <td class="num">{c.members}</td>
                                                    <td class="nowrap small">{short_time(&c.created_at)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination current=p.page count=count href=list.page_href() />
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}
