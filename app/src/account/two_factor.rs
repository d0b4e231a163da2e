//! Two-step sign-in and the person's sessions: the code step of signing in, the
//! confirm-identity page before sensitive actions, the set-up panel of the account page and
//! the list of active sessions.
//!
//! The forms of the code step, the confirm-identity page and the session list are plain HTML
//! posts to `/auth/two-factor`, `/auth/confirm` and `/auth/sessions/end` (they work without
//! JavaScript); only the set-up panel is an island (it shows the QR code and, once, the
//! recovery codes).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use domain::views::SessionRow;

use super::server_fns::{
    BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor, RenewRecoveryCodes, get_account,
};
use crate::components::form::{CsrfField, Field, FormStatus, field_errors};
use crate::components::status::{ErrorPanel, Loading, SignInNeeded};
use crate::error::AppError;
use crate::i18n::{Locale, Messages, fill, use_i18n, use_locale};
use crate::paths;

/// The `next` query parameter when it is a safe local path.
pub(crate) fn next_param() -> String {
    use_query_map()
        .read_untracked()
        .get("next")
        .and_then(|n| domain::auth::redirect::safe_next(&n))
        .unwrap_or_default()
}

/// `/{locale}/sign-in/code`: the second step of signing in. The first step left a pending
/// sign-in in the session cookie; a right code turns it into a session.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let next = next_param();
    let wrong = use_query_map()
        .read_untracked()
        .get("error")
        .is_some_and(|e| e == "bad_code");
    let described = if wrong {
        "code-hint code-error"
    } else {
        "code-hint"
    };
    view! {
        <Title text=t.sign_in_code_title />
        <Meta name="robots" content="noindex" />
        <section class="auth-page container narrow">
            <h1>{t.sign_in_code_title}</h1>
            <p class="lead">{t.sign_in_code_intro}</p>
            {wrong.then(|| view! { <p class="notice error" role="alert" id="code-error">{t.sign_in_code_error_bad}</p> })}
            <form class="card form" method="post" action="/auth/two-factor">
                <input type="hidden" name="next" value=next />
                <input type="hidden" name="locale" value=locale.tag() />
                <div class="field">
                    <label for="sign-in-code">{t.field_two_factor_code}</label>
                    <input id="sign-in-code" type="text" name="code" autocomplete="one-time-code"
                        required maxlength="32" autofocus spellcheck="false" autocapitalize="off"
                        aria-describedby=described />
                    <p class="hint" id="code-hint">{t.field_two_factor_code_hint}</p>
                </div>
                <button type="submit" class="button primary">{t.sign_in_code_button}</button>
            </form>
            <p><a href=paths::sign_in(locale)>{t.sign_in_code_start_again}</a></p>
        </section>
    }
}

/// `/{locale}/confirm-identity?next=…`: the password or a two-step code again, before a
/// sensitive action (create an API client, change a role, rotate keys, switch the e-CO
/// issuing mode, turn two-step sign-in off); then back to `next`.
#[component]
pub fn ConfirmIdentityPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let next = next_param();
    let wrong = use_query_map()
        .read_untracked()
        .get("error")
        .is_some_and(|e| e == "wrong");
    let account = Resource::new(|| (), |()| get_account());
    view! {
        <Title text=t.confirm_identity_title />
        <Meta name="robots" content="noindex" />
        <section class="auth-page container narrow">
            <h1>{t.confirm_identity_title}</h1>
            <p class="lead">{t.confirm_identity_intro}</p>
            {wrong.then(|| view! { <p class="notice error" role="alert">{t.confirm_identity_error}</p> })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || {
                    let next = next.clone();
                    Suspend::new(async move {
                        match account.await {
                            Err(AppError::NotSignedIn) => view! { <SignInNeeded /> }.into_any(),
                            Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                            Ok(a) if !a.has_password && !a.totp_enabled => view! {
                                <p class="notice">{t.confirm_identity_no_method}</p>
                            }.into_any(),
                            Ok(a) => view! {
                                <form class="card form" method="post" action="/auth/confirm">
                                    <CsrfField token=a.viewer.csrf.clone() />
                                    <input type="hidden" name="next" value=next />
                                    <input type="hidden" name="locale" value=locale.tag() />
                                    {a.has_password.then(|| view! {
                                        <div class="field">
                                            <label for="confirm-password">{t.field_password}</label>
                                            <input id="confirm-password" type="password" name="password"
                                                autocomplete="current-password" maxlength="256" autofocus />
                                        </div>
                                    })}
                                    {a.totp_enabled.then(|| view! {
                                        <div class="field">
                                            <label for="confirm-code">{t.field_two_factor_code}</label>
                                            <input id="confirm-code" type="text" name="code" autocomplete="one-time-code"
                                                maxlength="32" spellcheck="false" autocapitalize="off" aria-describedby="confirm-code-hint" />
                                            <p class="hint" id="confirm-code-hint">{t.confirm_identity_either}</p>
                                        </div>
                                    })}
                                    <button type="submit" class="button primary">{t.confirm_identity_button}</button>
                                </form>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The account page's two-step sign-in panel (an island): set up with a QR code and a first
/// code, then the recovery codes once; when on, new recovery codes or turning it off.
#[island(lazy)]
pub fn TwoFactorPanel(
    locale: Locale,
    csrf: String,
    enabled: bool,
    codes_left: u64,
    required: bool,
) -> impl IntoView {
    provide_context(locale);
    let t = locale.messages();
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let code_errors = field_errors(confirm.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            paths::go_to(&paths::account(locale));
        }
    });
    let fresh_codes = move || {
        confirm
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| renew.value().get().and_then(Result::ok))
    };
    let csrf = StoredValue::new(csrf);
    view! {
        {move || {
            if let Some(codes) = fresh_codes() {
                return view! { <RecoveryCodes locale codes /> }.into_any();
            }
            if enabled {
                let left = fill(t.two_factor_codes_left, &[("count", &codes_left)]);
                return view! {
                    <p class="notice ok" data-testid="two-factor-status">{t.two_factor_on}</p>
                    <p class="muted">{left}</p>
                    <div class="actions">
                        <ActionForm action=renew attr:class="inline">
                            <CsrfField token=csrf.get_value() />
                            <button type="submit" class="button">{t.two_factor_renew_codes}</button>
                        </ActionForm>
                        {(!required).then(|| view! {
                            <ActionForm action=disable attr:class="inline">
                                <CsrfField token=csrf.get_value() />
                                <button type="submit" class="button danger">{t.two_factor_turn_off}</button>
                            </ActionForm>
                        })}
                    </div>
                    <FormStatus value=renew.value() pending=renew.pending() success=t.two_factor_codes_renewed />
                    <FormStatus value=disable.value() pending=disable.pending() success=t.two_factor_turned_off />
                }
                .into_any();
            }
            match begin.value().get() {
                Some(Ok(setup)) => view! {
                    <ol class="steps">
                        <li>{t.two_factor_step_scan}</li>
                        <li>{t.two_factor_step_code}</li>
                    </ol>
                    <div class="qr" role="img" aria-label=t.two_factor_qr_label inner_html=setup.qr_svg.clone()></div>
                    <p class="muted">{t.two_factor_secret_label}" "<code data-testid="two-factor-secret">{setup.secret.clone()}</code></p>
                    <ActionForm action=confirm attr:class="form" attr:novalidate="">
                        <CsrfField token=csrf.get_value() />
                        <Field label=t.field_two_factor_code name="code" field="code" value=String::new()
                            errors=code_errors required=true maxlength=16 hint=t.two_factor_code_hint />
                        <FormStatus value=confirm.value() pending=confirm.pending() success=t.two_factor_turned_on />
                        <button type="submit" class="button primary" disabled=move || confirm.pending().get()>{t.two_factor_confirm}</button>
                    </ActionForm>
                }
                .into_any(),
                _ => view! {
                    <p>{t.two_factor_intro}</p>
                    {required.then(|| view! { <p class="notice error" role="alert">{t.two_factor_required_body}</p> })}
                    <ActionForm action=begin attr:class="inline">
                        <CsrfField token=csrf.get_value() />
                        <button type="submit" class="button primary" disabled=move || begin.pending().get()>{t.two_factor_set_up}</button>
                    </ActionForm>
                    <FormStatus value=begin.value() pending=begin.pending() success="" />
                }
                .into_any(),
            }
        }}
    }
}

/// The recovery codes, shown once, with the way back to the account page.
#[component]
fn RecoveryCodes(locale: Locale, codes: Vec<String>) -> impl IntoView {
    let t = locale.messages();
    view! {
        <p class="notice ok" role="status">{t.two_factor_turned_on}</p>
        <h3>{t.two_factor_codes_heading}</h3>
        <p>{t.two_factor_codes_intro}</p>
        <ul class="recovery-codes" data-testid="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <p><a class="button primary" href=paths::account(locale)>{t.two_factor_codes_saved}</a></p>
    }
}

/// The providers connected to the account (each can be disconnected) and the ones that can
/// be connected (a provider sign-in started with `connect=1`, after confirming one's identity).
#[component]
pub fn SignInMethods(
    locale: Locale,
    csrf: String,
    identities: Vec<String>,
    providers: Vec<super::server_fns::ProviderLink>,
) -> impl IntoView {
    let t = locale.messages();
    let query = use_query_map().get_untracked();
    let notice = [
        ("connected", "1", t.identity_connected, "ok"),
        ("disconnected", "1", t.identity_disconnected, "ok"),
        ("connect_error", "taken", t.identity_connect_taken, "error"),
        (
            "disconnect_error",
            "last",
            t.identity_disconnect_last,
            "error",
        ),
    ]
    .into_iter()
    .find(|(key, value, _, _)| query.get(key).is_some_and(|v| v == *value))
    .map(|(_, _, text, kind)| (text, kind));
    let name_of = {
        let providers = providers.clone();
        move |id: &str| {
            providers
                .iter()
                .find(|p| p.id == id)
                .map_or_else(|| id.to_owned(), |p| p.display_name.clone())
        }
    };
    let connectable: Vec<_> = providers
        .into_iter()
        .filter(|p| !identities.contains(&p.id))
        .collect();
    if identities.is_empty() && connectable.is_empty() {
        return ().into_any();
    }
    view! {
        <h2 id="sign-in-methods">{t.identity_heading}</h2>
        {notice.map(|(text, kind)| {
            let class = format!("notice {kind}");
            view! { <p class=class role="status">{text}</p> }
        })}
        <ul class="plain-list" data-testid="sign-in-methods">
            {identities.into_iter().map(|id| {
                let label = fill(t.identity_connected_with, &[("provider", &name_of(&id))]);
                view! {
                    <li>
                        {label}" "
                        <form method="post" action="/auth/identities/disconnect" class="inline">
                            <CsrfField token=csrf.clone() />
                            <input type="hidden" name="locale" value=locale.tag() />
                            <input type="hidden" name="provider" value=id.clone() />
                            <button type="submit" class="link-button">{t.identity_disconnect}</button>
                        </form>
                    </li>
                }
            }).collect_view()}
        </ul>
        {(!connectable.is_empty()).then(|| view! {
            <p class="muted">{t.identity_connect_hint}</p>
            <div class="actions">
                {connectable.into_iter().map(|p| {
                    let href = paths::with_query(
                        &format!("/auth/oidc/{}/start", p.id),
                        &[("connect", Some("1".to_owned())), ("locale", Some(locale.tag().to_owned()))],
                    );
                    let label = fill(t.identity_connect, &[("provider", &p.display_name)]);
                    view! { <a class="button" href=href rel="external">{label}</a> }
                }).collect_view()}
            </div>
        })}
    }
    .into_any()
}

/// A browser's user agent in a few words (`Chrome on Linux`), for the session list.
fn device_name(t: &'static Messages, agent: Option<&str>) -> String {
    let Some(agent) = agent else {
        return t.sessions_unknown_device.to_owned();
    };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| agent.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| agent.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => fill(t.sessions_device, &[("browser", &b), ("system", &s)]),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => agent.chars().take(60).collect(),
    }
}

/// The person's active sessions with a way to end any other one, or all others.
#[component]
pub fn SessionList(locale: Locale, csrf: String, sessions: Vec<SessionRow>) -> impl IntoView {
    let t = locale.messages();
    let others = sessions.iter().filter(|s| !s.current).count();
    let ended = use_query_map()
        .read_untracked()
        .get("sessions_ended")
        .and_then(|n| n.parse::<u64>().ok());
    let short = crate::admin::short_time;
    view! {
        <h2 id="sessions">{t.sessions_heading}</h2>
        {ended.map(|n| view! {
            <p class="notice ok" role="status">{fill(t.sessions_ended_notice, &[("count", &n)])}</p>
        })}
        <div class="table-wrap">
            <table class="table" data-testid="session-list">
                <thead>
                    <tr>
                        <th scope="col">{t.sessions_device_column}</th>
                        <th scope="col">{t.sessions_ip_column}</th>
                        <th scope="col">{t.sessions_started_column}</th>
                        <th scope="col">{t.sessions_last_seen_column}</th>
                        <th scope="col"><span class="visually-hidden">{t.sessions_action_column}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {sessions.into_iter().map(|s| {
                        let csrf = csrf.clone();
                        view! {
                            <tr>
                                <td>{device_name(t, s.user_agent.as_deref())}</td>
                                <td>{s.ip.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>{short(&s.created_at)}</td>
                                <td>{short(&s.last_seen_at)}</td>
                                <td>
                                    {if s.current {
                                        view! { <span class="badge">{t.sessions_this_one}</span> }.into_any()
                                    } else {
                                        view! {
                                            <form method="post" action="/auth/sessions/end" class="inline">
                                                <CsrfField token=csrf />
                                                <input type="hidden" name="locale" value=locale.tag() />
                                                <input type="hidden" name="session" value=s.id.clone() />
                                                <button type="submit" class="link-button">{t.sessions_end_one}</button>
                                            </form>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(others > 0).then(|| view! {
            <form method="post" action="/auth/sessions/end" class="inline">
                <CsrfField token=csrf.clone() />
                <input type="hidden" name="locale" value=locale.tag() />
                <input type="hidden" name="session" value="others" />
                <button type="submit" class="button">{t.sessions_end_others}</button>
            </form>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_become_short_device_names() {
        let t = Locale::DEFAULT.messages();
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(device_name(t, Some(chrome)), "Chrome on Linux");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device_name(t, Some(safari)), "Safari on iOS");
        assert_eq!(device_name(t, Some("curl/8.5.0")), "curl");
        assert_eq!(device_name(t, None), t.sessions_unknown_device);
    }
}
