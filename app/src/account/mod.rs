//! Signing in, the account page, buyer company onboarding, and the header's account menu.

pub mod email_code;
pub mod server_fns;
pub mod two_factor;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use domain::auth::Role;
use domain::codes::{CountryCode, RCEP_PARTIES};
use domain::views::CompanyForm;

use crate::catalog::trade_labels::country_name;
use crate::components::form::{CsrfField, Field, FormStatus, Input, SelectField, field_errors};
use crate::components::status::{ErrorPanel, Loading, SignInNeeded};
use crate::error::AppError;
use crate::i18n::{Locale, Messages, PageTexts, use_i18n, use_locale};
use crate::paths;
use server_fns::{OnboardCompany, get_account, get_sign_in_providers, get_viewer};

/// The RCEP countries as `(code, name)` options, sorted by name.
pub fn country_options(t: &'static Messages) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = RCEP_PARTIES
        .iter()
        .filter_map(|c| CountryCode::parse(c).ok())
        .map(|c| (c.as_str().to_owned(), country_name(t, &c)))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

/// The role's name in the page's language.
pub fn role_name(t: &'static Messages, role: Role) -> &'static str {
    match role {
        Role::Buyer => t.role_buyer,
        Role::BuyerAdmin => t.role_buyer_admin,
        Role::Staff => t.role_staff,
        Role::Admin => t.role_admin,
    }
}

/// What an error code on the sign-in page means.
fn sign_in_error(t: &'static Messages, code: &str) -> Option<&'static str> {
    Some(match code {
        "bad_credentials" => t.sign_in_error_bad_credentials,
        "missing_fields" => t.sign_in_error_missing_fields,
        "disabled" => t.sign_in_error_disabled,
        "unknown_provider" => t.sign_in_error_unknown_provider,
        "provider_unavailable" => t.sign_in_error_provider_unavailable,
        "oidc_state" => t.sign_in_error_oidc_state,
        "oidc_expired" => t.sign_in_error_oidc_expired,
        "oidc_denied" => t.sign_in_error_oidc_denied,
        "oidc_failed" => t.sign_in_error_oidc_failed,
        "oidc_email" => t.sign_in_error_oidc_email,
        "oidc_unverified" => t.sign_in_error_oidc_unverified,
        "oidc_link_refused" => t.sign_in_error_oidc_link_refused,
        "code_expired" => t.sign_in_error_code_expired,
        "too_many_codes" => t.sign_in_error_too_many_codes,
        "invalid_email" => t.sign_in_error_email_invalid,
        "unavailable" => t.error_internal_body,
        _ => return None,
    })
}

/// `/{locale}/sign-in`: provider buttons and the staff password form. Plain HTML forms, so
/// signing in works without JavaScript.
#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .and_then(|n| domain::auth::redirect::safe_next(&n))
            .unwrap_or_default()
    };
    let error = move || query.read().get("error").and_then(|c| sign_in_error(t, &c));
    let signed_out = move || query.read().get("signed_out").is_some();
    let providers = Resource::new(|| (), |()| get_sign_in_providers());
    view! {
        <Title text=t.sign_in_title />
        <Meta name="robots" content="noindex" />
        <section class="auth-page container narrow">
            <h1>{t.sign_in_title}</h1>
            {move || error().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
            {move || signed_out().then(|| view! { <p class="notice ok" role="status">{t.signed_out_notice}</p> })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let list = providers.await.unwrap_or_default();
                    if list.is_empty() {
                        return ().into_any();
                    }
                    view! {
                        <div class="provider-list">
                            <h2>{t.sign_in_with_provider_heading}</h2>
                            <p class="muted">{t.sign_in_buyers_hint}</p>
                            {list.into_iter().map(|p| {
                                let href = paths::with_query(
                                    &format!("/auth/oidc/{}/start", p.id),
                                    &[("next", Some(next())), ("locale", Some(locale.tag().to_owned()))],
                                );
                                let label = crate::i18n::fill(t.sign_in_with, &[("provider", &p.display_name)]);
                                view! { <a class="button provider" href=href rel="external">{label}</a> }
                            }).collect_view()}
                        </div>
                    }.into_any()
                })}
            </Suspense>
            <email_code::EmailCodeForm next=next() />
            <form class="card form password-form" method="post" action="/auth/password">
                <h2>{t.sign_in_staff_heading}</h2>
                <input type="hidden" name="next" value=next />
                <input type="hidden" name="locale" value=locale.tag() />
                <div class="field">
                    <label for="sign-in-email">{t.field_email}</label>
                    <input id="sign-in-email" type="email" name="email" autocomplete="username" required maxlength="254" />
                </div>
                <div class="field">
                    <label for="sign-in-password">{t.field_password}</label>
                    <input id="sign-in-password" type="password" name="password" autocomplete="current-password" required maxlength="256" />
                </div>
                <button type="submit" class="button primary">{t.sign_in_button}</button>
            </form>
        </section>
    }
}

/// The header's account area: "Sign in", or the person's name with their pages and
/// "Sign out".
#[component]
pub fn UserMenu(locale: Locale) -> impl IntoView {
    let t = locale.messages();
    let viewer = Resource::new(|| (), |()| get_viewer());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(v)) => {
                        let staff = v.role.is_staff();
                        view! {
                            <div class="user-menu">
                                <a href=paths::account(locale) class="user-name">{v.display_name.clone()}</a>
                                <NotificationsLink locale unread=v.unread_notifications />
                                {staff.then(|| view! { <a href=paths::admin(locale)>{t.nav_admin}</a> })}
                                {(!staff).then(|| view! {
                                    <a href=paths::rfqs(locale)>{t.nav_my_rfqs}</a>
                                    <a href=paths::orders(locale)>{t.nav_my_orders}</a>
                                })}
                                <form method="post" action="/auth/sign-out" class="inline">
                                    <CsrfField token=v.csrf.clone() />
                                    <input type="hidden" name="locale" value=locale.tag() />
                                    <button type="submit" class="link-button">{t.sign_out_button}</button>
                                </form>
                            </div>
                        }.into_any()
                    }
                    _ => view! {
                        <a class="sign-in-link" href=paths::sign_in(locale)>{t.sign_in_title}</a>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The header's link to the notifications, with the unread count.
#[component]
fn NotificationsLink(locale: Locale, unread: u64) -> impl IntoView {
    let t = locale.messages();
    let label = if unread == 0 {
        t.nav_notifications.to_owned()
    } else {
        crate::i18n::fill(t.nav_notifications_unread, &[("count", &unread)])
    };
    view! {
        <a href=paths::notifications(locale) class="notifications-link" aria-label=label data-testid="notifications-link">
            {t.nav_notifications}
            {(unread > 0).then(|| view! { <span class="count" aria-hidden="true" data-testid="unread-count">{locale.format_count(unread)}</span> })}
        </a>
    }
}

/// `/{locale}/account`: who is signed in, their company, how they sign in.
#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let account = Resource::new(|| (), |()| get_account());
    // The admin panel sends staff here when the site requires two-step sign-in.
    let asked = use_query_map()
        .read_untracked()
        .get("two_factor")
        .is_some_and(|v| v == "required");
    let two_factor_asked = move || asked;
    view! {
        <Title text=t.account_title />
        <Meta name="robots" content="noindex" />
        <section class="container narrow account-page">
            <h1>{t.account_title}</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match account.await {
                        Err(AppError::NotSignedIn) => view! { <SignInNeeded /> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(a) => {
                            let methods = {
                                let mut m = a.identities.clone();
                                if a.has_password {
                                    m.push(t.account_password_method.to_owned());
                                }
                                m.join(", ")
                            };
                            view! {
                                <dl class="facts">
                                    <dt>{t.field_name}</dt><dd data-testid="account-name">{a.viewer.display_name.clone()}</dd>
                                    <dt>{t.field_email}</dt><dd data-testid="account-email">{a.viewer.email.clone()}</dd>
                                    <dt>{t.field_role}</dt><dd data-testid="account-role">{role_name(t, a.viewer.role)}</dd>
                                    <dt>{t.account_sign_in_methods}</dt><dd>{methods}</dd>
                                </dl>
                                <two_factor::SignInMethods locale csrf=a.viewer.csrf.clone() identities=a.identities.clone()
                                    providers=a.providers.clone() />
                                <h2 id="two-factor">{t.two_factor_heading}</h2>
                                {two_factor_asked().then(|| view! {
                                    <p class="notice error" role="alert">{t.two_factor_required_body}</p>
                                })}
                                <PageTexts locale />
                                <two_factor::TwoFactorPanel locale csrf=a.viewer.csrf.clone() enabled=a.totp_enabled
                                    codes_left=a.recovery_codes_left required=a.two_factor_required />
                                <two_factor::SessionList locale csrf=a.viewer.csrf.clone() sessions=a.sessions.clone() />
                                {match a.company {
                                    Some(c) => {
                                        let country = CountryCode::parse(&c.country).map(|cc| country_name(t, &cc)).unwrap_or(c.country.clone());
                                        view! {
                                            <h2>{t.account_company_heading}</h2>
                                            <dl class="facts" data-testid="account-company">
                                                <dt>{t.field_company_name}</dt><dd>{c.name}</dd>
                                                <dt>{t.field_country}</dt><dd>{country}</dd>
                                                <dt>{t.field_address}</dt><dd class="pre">{c.address}</dd>
                                                <dt>{t.field_registration_id}</dt><dd>{c.registration_id}</dd>
                                                <dt>{t.field_contact_phone}</dt><dd>{c.contact_phone.unwrap_or_else(|| "—".into())}</dd>
                                            </dl>
                                        }.into_any()
                                    }
                                    None if !a.viewer.role.is_staff() => view! {
                                        <p class="notice">{t.account_no_company}" "<a href=paths::onboarding(locale)>{t.onboarding_title}</a></p>
                                    }.into_any(),
                                    None => view! {
                                        <p><a class="button" href=paths::admin(locale)>{t.nav_admin}</a></p>
                                    }.into_any(),
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/{locale}/onboarding`: the company form a buyer fills in after their first sign-in.
#[component]
pub fn OnboardingPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .and_then(|n| domain::auth::redirect::safe_next(&n))
        .unwrap_or_else(|| paths::account(locale));
    view! {
        <Title text=t.onboarding_title />
        <Meta name="robots" content="noindex" />
        <section class="container narrow">
            <h1>{t.onboarding_title}</h1>
            <p class="lead">{t.onboarding_intro}</p>
            <PageTexts locale />
            <OnboardingForm locale next />
        </section>
    }
}

/// The onboarding form (an island, loaded only on this page); after the company is registered
/// the browser goes to `next`.
#[island(lazy)]
fn OnboardingForm(locale: Locale, next: String) -> impl IntoView {
    provide_context(locale);
    let t = locale.messages();
    let viewer = Resource::new(|| (), |()| get_viewer());
    let action = ServerAction::<OnboardCompany>::new();
    let errors = field_errors(action.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            paths::go_to(&next);
        }
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(v)) if v.role.is_staff() => view! {
                        <p class="notice">{t.onboarding_staff}</p>
                    }.into_any(),
                    Ok(Some(v)) => {
                        let f = CompanyForm::default();
                        view! {
                            <ActionForm action=action attr:class="card form" attr:novalidate="">
                                <CsrfField token=v.csrf.clone() />
                                <Field label=t.field_company_name name="form[name]" field="name" value=f.name.clone() errors required=true maxlength=200 />
                                <SelectField label=t.field_country name="form[country]" field="country" value=f.country.clone()
                                    options=country_options(t) errors required=true placeholder=t.field_choose />
                                <Field label=t.field_address name="form[address]" field="address" value=f.address.clone() errors kind=Input::TextArea required=true maxlength=500 />
                                <Field label=t.field_registration_id name="form[registration_id]" field="registration_id" value=f.registration_id.clone()
                                    errors required=true hint=t.field_registration_id_hint maxlength=64 />
                                <Field label=t.field_contact_phone name="form[contact_phone]" field="contact_phone" value=f.contact_phone.clone() errors maxlength=40 />
                                <FormStatus value=action.value() pending=action.pending() success=t.onboarding_done />
                                <button type="submit" class="button primary" disabled=move || action.pending().get()>{t.onboarding_submit}</button>
                            </ActionForm>
                        }.into_any()
                    }
                    Ok(None) | Err(AppError::NotSignedIn) => view! { <SignInNeeded /> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
