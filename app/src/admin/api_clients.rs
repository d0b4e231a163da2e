//! `/{locale}/admin/api-clients` (administrators): platform API clients — create (the secret
//! is shown once), list, revoke.

use leptos::prelude::*;
use leptos_meta::Title;

use domain::auth::Scope;

use super::server_fns::{AdminCreateApiClient, AdminRevokeApiClient, admin_api_clients};
use super::{csrf_token, short_time};
use crate::components::form::{ActionError, FormStatus, error_text, field_errors};
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, use_i18n, use_locale};

#[component]
pub fn ApiClientsPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    view! {
        <Title text=t.admin_nav_api_clients />
        <h1>{t.admin_nav_api_clients}</h1>
        <p class="muted">{t.api_clients_intro}</p>
        <ApiClientsPanel locale />
    }
}

/// The create form and the list of clients (an island, loaded only in the admin panel).
#[island(lazy)]
fn ApiClientsPanel(locale: Locale) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let create = ServerAction::<AdminCreateApiClient>::new();
    let revoke = ServerAction::<AdminRevokeApiClient>::new();
    let data = Resource::new(
        move || create.version().get() + revoke.version().get(),
        |_| admin_api_clients(),
    );
    let errors = field_errors(create.value());
    let (name, set_name) = signal(String::new());
    let (scopes, set_scopes) = signal(Vec::<String>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(AdminCreateApiClient {
            csrf: csrf_token(),
            name: name.get_untracked(),
            scopes: scopes.get_untracked(),
        });
    };
    let error_of = move |field: &'static str| {
        move || {
            errors.with(|list| {
                list.iter()
                    .find(|e| e.field == field)
                    .map(|e| error_text(t, e))
            })
        }
    };
    let scope_boxes = Scope::ALL
        .into_iter()
        .map(|s| {
            let code = s.as_str();
            let id = format!("scope-{}", code.replace(':', "-"));
            view! {
                <div class="field check">
                    <input type="checkbox" id=id.clone() value=code
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set_scopes.update(|list| {
                                list.retain(|x| x != code);
                                if on { list.push(code.to_owned()); }
                            });
                        } />
                    <label for=id><code>{code}</code></label>
                </div>
            }
        })
        .collect_view();
    let secret_box = move || {
        create.value().get().and_then(Result::ok).map(|c| {
            view! {
                <div class="notice ok secret-box" role="status" data-testid="new-client">
                    <p><strong>{t.api_clients_created}</strong></p>
                    <p>{t.api_clients_secret_once}</p>
                    <dl class="facts">
                        <dt>"client_id"</dt><dd><code data-testid="new-client-id">{c.client.client_id.clone()}</code></dd>
                        <dt>"client_secret"</dt><dd><code data-testid="new-client-secret">{c.client_secret.clone()}</code></dd>
                    </dl>
                </div>
            }
        })
    };
    view! {
        {secret_box}
        <form class="card form" on:submit=submit novalidate>
            <h2>{t.api_clients_new}</h2>
            <div class="field required" class:has-error=move || error_of("name")().is_some()>
                <label for="client-name">{t.field_name}</label>
                <input id="client-name" type="text" maxlength="80" required
                    prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))
                    aria-invalid=move || error_of("name")().map(|_| "true") aria-describedby="client-name-error" />
                <p class="field-error" id="client-name-error" role="alert">{error_of("name")}</p>
            </div>
            <fieldset class="field" class:has-error=move || error_of("scopes")().is_some()>
                <legend>{t.api_clients_scopes}</legend>
                {scope_boxes}
                <p class="field-error" role="alert">{error_of("scopes")}</p>
            </fieldset>
            <FormStatus value=create.value() pending=create.pending() success=t.api_clients_created />
            <button type="submit" class="button primary" disabled=move || create.pending().get()>{t.api_clients_create}</button>
        </form>
        <h2>{t.api_clients_list}</h2>
        <p class="form-status" role="status">
            {move || revoke.value().get().and_then(Result::err).map(|e| view! { <ActionError error=e /> })}
        </p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{t.api_clients_empty}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="data">
                                <thead><tr>
                                    <th scope="col">{t.field_name}</th>
                                    <th scope="col">"client_id"</th>
                                    <th scope="col">{t.api_clients_scopes}</th>
                                    <th scope="col">{t.api_clients_last_used}</th>
                                    <th scope="col">{t.users_actions}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let id = c.client_id.clone();
                                        let revoked = c.revoked_at.is_some();
                                        view! {
                                            <tr data-testid="client-row" data-client-id=c.client_id.clone()>
                                                <td>{c.name.clone()}{revoked.then(|| view! { <span class="badge warn">{t.api_clients_revoked}</span> })}</td>
                                                <td><code>{c.client_id.clone()}</code></td>
                                                <td><code>{c.scopes.clone()}</code></td>
                                                <td class="nowrap small">{c.last_used_at.as_deref().map_or_else(|| t.users_never.to_owned(), short_time)}</td>
                                                <td>
                                                    {(!revoked).then(|| view! {
                                                        <button type="button" class="button small danger"
                                                            on:click=move |_| { revoke.dispatch(AdminRevokeApiClient { csrf: csrf_token(), client_id: id.clone() }); }>
                                                            {t.api_clients_revoke}
                                                        </button>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
