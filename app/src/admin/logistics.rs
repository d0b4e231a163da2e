//! `/{locale}/admin/logistics`: the carrier and port feeds — list, create (the shared secret is
//! shown once), and per source (`/{locale}/admin/logistics/{name}`) its counters, the last 50
//! deliveries with their outcome and the reason for rejected ones, secret rotation and
//! enable / disable. The same sources `server create-feed` makes (`domain::shipments`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use domain::views::{FeedDetail, FeedRow, FeedSecret};

use super::{csrf_token, short_time};
use crate::components::form::{ActionError, CsrfField, FormStatus, error_text, field_errors};
use crate::components::status::{ErrorPanel, Loading};
use crate::error::AppError;
use crate::i18n::{Locale, Messages, fill, use_i18n, use_locale};
use crate::paths;

/// The kinds a source can be created as here.
pub const KINDS: [&str; 4] = ["dcsa3", "dcsa2", "edifact", "dcsa-poll"];

/// The poll interval when the form leaves it empty.
pub const DEFAULT_POLL_SECONDS: i32 = 60;

#[server(prefix = "/sf")]
pub async fn admin_feeds() -> Result<Vec<FeedRow>, AppError> {
    crate::session::require_staff().await?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::shipments::sources::list(&db)
        .await?
        .iter()
        .map(domain::shipments::FeedSource::row)
        .collect())
}

/// A source's page: the source with its latest deliveries, and the token the upload form
/// posts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedView {
    pub detail: FeedDetail,
    pub csrf: String,
}

#[server(prefix = "/sf")]
pub async fn admin_feed(name: String) -> Result<FeedView, AppError> {
    let s = crate::session::require_staff().await?;
    let db = crate::session::state()?.db.clone();
    Ok(FeedView {
        detail: domain::shipments::sources::detail(&db, &name).await?,
        csrf: s.csrf_token.clone(),
    })
}

/// What the upload form's answer says (`server::feed_upload` puts it in the query).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadOutcome {
    /// `stored` with the counts, or none.
    pub stored: Option<[String; 4]>,
    /// `required`, `too_large`, `not_edifact`, `disabled`, `rejected`, `unavailable`.
    pub error: Option<String>,
    /// The parser's words for a rejected file (where in the file, what is wrong).
    pub detail: Option<String>,
}

impl UploadOutcome {
    pub fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
        let n = |k: &str| q.get(k).unwrap_or_else(|| "0".to_owned());
        Self {
            stored: (q.get("upload").as_deref() == Some("stored"))
                .then(|| [n("events"), n("inserted"), n("updated"), n("duplicates")]),
            error: q.get("upload_error"),
            detail: q.get("upload_detail"),
        }
    }
}

fn upload_error_text(t: &'static Messages, code: &str) -> &'static str {
    match code {
        "required" => t.feeds_upload_error_required,
        "too_large" => t.feeds_upload_error_too_large,
        "not_edifact" => t.feeds_upload_error_not_edifact,
        "disabled" => t.feeds_upload_error_disabled,
        "rejected" => t.feeds_upload_error_rejected,
        _ => t.feeds_upload_error_unavailable,
    }
}

/// How a polled source is polled and where it stands.
#[component]
fn PollFacts(t: &'static Messages, poll: domain::views::FeedPollRow) -> impl IntoView {
    let standing = if poll.resuming_cursor {
        t.feeds_poll_resume_cursor.to_owned()
    } else {
        match &poll.updated_since {
            Some(since) => fill(t.feeds_poll_resume_since, &[("time", &short_time(since))]),
            None => t.feeds_poll_first.to_owned(),
        }
    };
    view! {
        <section class="panel" aria-labelledby="feed-poll-title" data-testid="feed-poll">
            <h2 id="feed-poll-title">{t.feeds_poll_title}</h2>
            <dl class="facts">
                <div><dt>{t.feeds_poll_events_url}</dt><dd><code>{poll.events_url.clone()}</code></dd></div>
                <div><dt>{t.feeds_poll_token_url}</dt><dd><code>{poll.token_url.clone()}</code></dd></div>
                <div><dt>{t.feeds_poll_client_id}</dt><dd><code>{poll.client_id.clone()}</code></dd></div>
                <div><dt>{t.feeds_poll_interval}</dt><dd>{fill(t.feeds_poll_every, &[("n", &poll.interval_seconds)])}</dd></div>
                <div><dt>{t.feeds_poll_last}</dt><dd>{when(t, poll.last_poll_at.as_deref())}</dd></div>
                <div><dt>{t.feeds_poll_next}</dt><dd>{short_time(&poll.next_poll_at)}</dd></div>
                <div><dt>{t.feeds_poll_standing}</dt><dd data-testid="poll-standing">{standing}</dd></div>
            </dl>
            {poll.last_error.clone().map(|e| view! {
                <div class="notice error" role="alert" data-testid="poll-error">
                    <p>{fill(t.feeds_poll_failing, &[("n", &poll.failures)])}</p>
                    <p><code>{e}</code></p>
                </div>
            })}
        </section>
    }
}

/// The EDIFACT upload form (plain HTML: it works without JavaScript).
#[component]
fn UploadForm(locale: Locale, name: String, csrf: String, outcome: UploadOutcome) -> impl IntoView {
    let t = locale.messages();
    view! {
        <section class="panel" id="feed-upload" aria-labelledby="feed-upload-title" data-testid="feed-upload">
            <h2 id="feed-upload-title">{t.feeds_upload_title}</h2>
            <p class="muted small">{t.feeds_upload_hint}</p>
            {outcome.stored.map(|[events, inserted, updated, duplicates]| view! {
                <p class="notice ok" role="status" data-testid="upload-stored">{fill(t.feeds_upload_stored, &[
                    ("events", &events), ("inserted", &inserted), ("updated", &updated), ("duplicates", &duplicates),
                ])}</p>
            })}
            {outcome.error.map(|code| view! {
                <div class="notice error" role="alert" data-testid="upload-error">
                    <p>{upload_error_text(t, &code)}</p>
                    {outcome.detail.map(|d| view! { <p><code>{d}</code></p> })}
                </div>
            })}
            <form method="post" action=paths::feed_upload(&name) enctype="multipart/form-data" class="upload-form">
                <CsrfField token=csrf />
                <input type="hidden" name="locale" value=locale.tag() />
                <label for="feed-upload-file">{t.feeds_upload_file}</label>
                <input id="feed-upload-file" type="file" name="file" required
                    accept=".edi,.edifact,.txt,text/plain,application/edifact" />
                <div><button type="submit" class="button primary">{t.feeds_upload_submit}</button></div>
            </form>
        </section>
    }
}

/// What the create form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFeedForm {
    pub name: String,
    pub kind: String,
    pub moves_orders: bool,
    pub profile: String,
    /// A polled source's publisher (`dcsa-poll` only).
    #[serde(default)]
    pub events_url: String,
    #[serde(default)]
    pub token_url: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub scope: String,
    /// Seconds between polls, as typed (empty for the default).
    #[serde(default)]
    pub interval_seconds: String,
}

#[server(prefix = "/sf", endpoint = "act/admin_create_feed")]
pub async fn admin_create_feed(csrf: String, form: NewFeedForm) -> Result<FeedSecret, AppError> {
    use domain::shipments::sources::{self, NewFeed};
    let s = crate::session::require_admin().await?;
    crate::session::check_csrf(&s, &csrf)?;
    crate::session::require_recent_auth(&s)?;
    let mut c = domain::form::FormCheck::new();
    if let Err(e) = sources::validate_name(&form.name) {
        c.add("name", "feed_name", e.to_string());
    }
    if !KINDS.contains(&form.kind.as_str()) {
        c.add(
            "kind",
            "invalid",
            "choose DCSA 3.0, DCSA 2.2, EDIFACT or a polled DCSA 3.0 publisher",
        );
    }
    let interval = match form.interval_seconds.trim() {
        "" => Some(DEFAULT_POLL_SECONDS),
        text => text.parse::<i32>().ok(),
    };
    if form.kind == "dcsa-poll" && interval.is_none() {
        c.add(
            "interval_seconds",
            "poll_interval",
            "enter a number of seconds",
        );
    }
    c.finish()?;
    let poll = (form.kind == "dcsa-poll").then(|| domain::shipments::polling::PollSettings {
        events_url: form.events_url.clone(),
        token_url: form.token_url.clone(),
        client_id: form.client_id.clone(),
        client_secret: form.client_secret.clone(),
        scope: form.scope.clone(),
        interval_seconds: interval.unwrap_or(DEFAULT_POLL_SECONDS),
    });
    let state = crate::session::state()?;
    let created = sources::create(
        &state.db,
        &state.feed_keys,
        &NewFeed {
            name: &form.name,
            kind: &form.kind,
            profile: &form.profile,
            moves_orders: form.moves_orders,
            poll,
        },
        &crate::session::actor(&s),
        chrono::Utc::now(),
    )
    .await?;
    Ok(FeedSecret {
        feed: created.source.row(),
        secret: created.secret.to_string(),
    })
}

#[server(prefix = "/sf", endpoint = "act/admin_rotate_feed_secret")]
pub async fn admin_rotate_feed_secret(csrf: String, name: String) -> Result<FeedSecret, AppError> {
    use domain::shipments::sources;
    let s = crate::session::require_admin().await?;
    crate::session::check_csrf(&s, &csrf)?;
    crate::session::require_recent_auth(&s)?;
    let state = crate::session::state()?;
    let secret = sources::rotate_secret(
        &state.db,
        &state.feed_keys,
        &name,
        &crate::session::actor(&s),
        chrono::Utc::now(),
    )
    .await?;
    let feed = sources::detail(&state.db, &name).await?.feed;
    Ok(FeedSecret {
        feed,
        secret: secret.to_string(),
    })
}

#[server(prefix = "/sf", endpoint = "act/admin_set_feed_enabled")]
pub async fn admin_set_feed_enabled(
    csrf: String,
    name: String,
    enabled: bool,
) -> Result<(), AppError> {
    let s = crate::session::require_admin().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let db = crate::session::state()?.db.clone();
    domain::shipments::sources::set_enabled(
        &db,
        &name,
        enabled,
        &crate::session::actor(&s),
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}

fn kind_label(t: &'static Messages, kind: &str) -> &'static str {
    match kind {
        "dcsa2" => t.feeds_kind_dcsa2,
        "edifact" => t.feeds_kind_edifact,
        "dcsa-poll" => t.feeds_kind_dcsa_poll,
        _ => t.feeds_kind_dcsa3,
    }
}

fn when(t: &'static Messages, at: Option<&str>) -> String {
    at.map_or_else(|| t.users_never.to_owned(), short_time)
}

/// The secret of a source, shown this once.
#[component]
fn SecretBox(t: &'static Messages, secret: FeedSecret) -> impl IntoView {
    if secret.feed.kind == "dcsa-poll" {
        // A polled source has no webhook and no secret to hand out.
        return view! {
            <div class="notice ok" role="status" data-testid="feed-secret">
                <p><strong>{fill(t.feeds_poll_created, &[("name", &secret.feed.name)])}</strong></p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="notice ok secret-box" role="status" data-testid="feed-secret">
            <p><strong>{fill(t.feeds_secret_for, &[("name", &secret.feed.name)])}</strong></p>
            <p>{t.feeds_secret_once}</p>
            <dl class="facts">
                {secret.feed.webhook_path.clone().map(|p| view! { <dt>{t.feeds_webhook}</dt><dd><code>{p}</code></dd> })}
                <dt>"secret"</dt><dd><code data-testid="feed-secret-value">{secret.secret.clone()}</code></dd>
            </dl>
        </div>
    }
    .into_any()
}

#[component]
pub fn LogisticsPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    view! {
        <Title text=t.admin_nav_logistics />
        <h1>{t.admin_nav_logistics}</h1>
        <p class="muted">{t.feeds_intro}</p>
        <FeedsPanel locale />
    }
}

/// The create form and the list of sources (an island, loaded only in the admin panel).
#[island(lazy)]
fn FeedsPanel(locale: Locale) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let create = ServerAction::<AdminCreateFeed>::new();
    let data = Resource::new(move || create.version().get(), |_| admin_feeds());
    let errors = field_errors(create.value());
    let (name, set_name) = signal(String::new());
    let (kind, set_kind) = signal(KINDS[0].to_owned());
    let (moves, set_moves) = signal(true);
    let (profile, set_profile) = signal(String::new());
    // A polled source's settings: each field's value with its name (for its error).
    let poll_field = |name: &'static str| (RwSignal::new(String::new()), name);
    let events_url = poll_field("events_url");
    let token_url = poll_field("token_url");
    let client_id = poll_field("client_id");
    let client_secret = poll_field("client_secret");
    let scope = poll_field("scope");
    let interval = poll_field("interval_seconds");
    let error_of = move |field: &'static str| {
        move || {
            errors.with(|list| {
                list.iter()
                    .find(|e| e.field == field)
                    .map(|e| error_text(t, e))
            })
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(AdminCreateFeed {
            csrf: csrf_token(),
            form: NewFeedForm {
                name: name.get_untracked(),
                kind: kind.get_untracked(),
                moves_orders: moves.get_untracked(),
                profile: profile.get_untracked(),
                events_url: events_url.0.get_untracked(),
                token_url: token_url.0.get_untracked(),
                client_id: client_id.0.get_untracked(),
                client_secret: client_secret.0.get_untracked(),
                scope: scope.0.get_untracked(),
                interval_seconds: interval.0.get_untracked(),
            },
        });
    };
    let poll_input = move |(value, field): (RwSignal<String>, &'static str),
                           label: &'static str,
                           kind: &'static str,
                           hint: Option<&'static str>| {
        let id = format!("feed-{}", field.replace('_', "-"));
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let described = format!("{hint_id} {error_id}");
        view! {
            <div class="field" class:required=field != "scope" class:has-error=move || error_of(field)().is_some()>
                <label for=id.clone()>{label}</label>
                <input id=id type=kind autocomplete="off" prop:value=value
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || error_of(field)().map(|_| "true") aria-describedby=described />
                {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
                <p class="field-error" id=error_id role="alert">{error_of(field)}</p>
            </div>
        }
    };
    let secret_box = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .map(|s| view! { <SecretBox t secret=s /> })
    };
    view! {
        {secret_box}
        <form class="card form" on:submit=submit novalidate>
            <h2>{t.feeds_new}</h2>
            <div class="field required" class:has-error=move || error_of("name")().is_some()>
                <label for="feed-name">{t.field_name}</label>
                <input id="feed-name" type="text" maxlength="64" required autocomplete="off"
                    prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))
                    aria-invalid=move || error_of("name")().map(|_| "true") aria-describedby="feed-name-hint feed-name-error" />
                <p class="hint" id="feed-name-hint">{t.feeds_name_hint}</p>
                <p class="field-error" id="feed-name-error" role="alert">{error_of("name")}</p>
            </div>
            <div class="field" class:has-error=move || error_of("kind")().is_some()>
                <label for="feed-kind">{t.feeds_kind}</label>
                <select id="feed-kind" on:change=move |ev| set_kind.set(event_target_value(&ev))>
                    {KINDS.into_iter().map(|k| view! { <option value=k selected=move || kind.get() == k>{kind_label(t, k)}</option> }).collect_view()}
                </select>
                <p class="field-error" role="alert">{error_of("kind")}</p>
            </div>
            <div class="field check">
                <input type="checkbox" id="feed-moves" prop:checked=moves on:change=move |ev| set_moves.set(event_target_checked(&ev)) />
                <label for="feed-moves">{t.feeds_moves_orders}</label>
            </div>
            <div class="field" hidden=move || kind.get() != "edifact" class:has-error=move || error_of("profile")().is_some()>
                <label for="feed-profile">{t.feeds_profile}</label>
                <textarea id="feed-profile" rows="6" class="mono" prop:value=profile
                    on:input=move |ev| set_profile.set(event_target_value(&ev)) aria-describedby="feed-profile-hint"></textarea>
                <p class="hint" id="feed-profile-hint">{t.feeds_profile_hint}</p>
                <p class="field-error" role="alert">{error_of("profile")}</p>
            </div>
            <fieldset class="poll-settings" hidden=move || kind.get() != "dcsa-poll">
                <legend>{t.feeds_poll_title}</legend>
                <p class="hint">{t.feeds_poll_intro}</p>
                {poll_input(events_url, t.feeds_poll_events_url, "url", Some(t.feeds_poll_events_url_hint))}
                {poll_input(token_url, t.feeds_poll_token_url, "url", None)}
                {poll_input(client_id, t.feeds_poll_client_id, "text", None)}
                {poll_input(client_secret, t.feeds_poll_client_secret, "password", Some(t.feeds_poll_client_secret_hint))}
                {poll_input(scope, t.feeds_poll_scope, "text", None)}
                {poll_input(interval, t.feeds_poll_interval, "number", Some(t.feeds_poll_interval_hint))}
            </fieldset>
            <FormStatus value=create.value() pending=create.pending() success=t.feeds_created />
            <button type="submit" class="button primary" disabled=move || create.pending().get()>{t.feeds_create}</button>
        </form>
        <h2>{t.feeds_list}</h2>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{t.feeds_empty}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="data">
                                <thead><tr>
                                    <th scope="col">{t.field_name}</th>
                                    <th scope="col">{t.feeds_kind}</th>
                                    <th scope="col">{t.feeds_deliveries}</th>
                                    <th scope="col">{t.feeds_events}</th>
                                    <th scope="col">{t.feeds_last_delivery}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|f| view! {
                                        <tr data-testid="feed-row" data-feed=f.name.clone()>
                                            <td>
                                                <a href=paths::admin_feed(locale, &f.name)>{f.name.clone()}</a>
                                                {(!f.enabled).then(|| view! { <span class="badge warn">{t.feeds_disabled}</span> })}
                                            </td>
                                            <td>{kind_label(t, &f.kind)}</td>
                                            <td class="nowrap">{fill(t.feeds_accepted_rejected, &[("accepted", &f.accepted_count), ("rejected", &f.rejected_count)])}</td>
                                            <td class="nowrap">{fill(t.feeds_events_flagged, &[("events", &f.event_count), ("flagged", &f.flagged_count)])}</td>
                                            <td class="nowrap small">{when(t, f.last_delivery_at.as_deref())}</td>
                                        </tr>
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

/// `/{locale}/admin/logistics/{name}`.
#[component]
pub fn FeedPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let name = use_params_map()
        .read_untracked()
        .get("name")
        .unwrap_or_default();
    let data = Resource::new(|| (), {
        let name = name.clone();
        move |()| admin_feed(name.clone())
    });
    let outcome = UploadOutcome::from_query(&use_query_map().read_untracked());
    view! {
        <Title text=fill(t.feeds_page_title, &[("name", &name)]) />
        <p><a href=paths::admin_section(locale, "logistics")>{t.feeds_back}</a></p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || { let outcome = outcome.clone(); Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(FeedView { detail: d, csrf }) => {
                        let f = d.feed.clone();
                        let upload = (f.kind == "edifact").then(|| view! {
                            <UploadForm locale name=f.name.clone() csrf outcome />
                        });
                        view! {
                            <h1>{fill(t.feeds_page_title, &[("name", &f.name)])}</h1>
                            <dl class="facts" data-testid="feed-facts">
                                <div><dt>{t.feeds_kind}</dt><dd>{kind_label(t, &f.kind)}</dd></div>
                                <div><dt>{t.feeds_webhook}</dt><dd><code>{f.webhook_path.clone().unwrap_or_default()}</code></dd></div>
                                <div><dt>{t.feeds_state}</dt><dd>{if f.enabled { t.feeds_enabled } else { t.feeds_disabled }}</dd></div>
                                <div><dt>{t.feeds_moves_orders}</dt><dd>{if f.moves_orders { t.feeds_yes } else { t.feeds_no }}</dd></div>
                                <div><dt>{t.feeds_deliveries}</dt><dd>{fill(t.feeds_accepted_rejected, &[("accepted", &f.accepted_count), ("rejected", &f.rejected_count)])}</dd></div>
                                <div><dt>{t.feeds_events}</dt><dd>{fill(t.feeds_events_flagged, &[("events", &f.event_count), ("flagged", &f.flagged_count)])}</dd></div>
                                <div><dt>{t.feeds_rate}</dt><dd>{fill(t.feeds_rate_value, &[("n", &f.rate_per_minute)])}</dd></div>
                                <div><dt>{t.feeds_last_event}</dt><dd>{when(t, f.last_event_at.as_deref())}</dd></div>
                            </dl>
                            {d.poll.clone().map(|p| view! { <PollFacts t poll=p /> })}
                            <FeedActions locale name=f.name.clone() enabled=f.enabled />
                            {upload}
                            <h2>{t.feeds_recent}</h2>
                            {if d.deliveries.is_empty() {
                                view! { <p class="empty">{t.feeds_no_deliveries}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="data" data-testid="feed-deliveries">
                                            <thead><tr>
                                                <th scope="col">{t.feeds_received}</th>
                                                <th scope="col">{t.feeds_outcome}</th>
                                                <th scope="col">{t.feeds_events}</th>
                                                <th scope="col">{t.feeds_detail}</th>
                                            </tr></thead>
                                            <tbody>
                                                {d.deliveries.into_iter().map(|r| {
                                                    let outcome = match r.outcome.as_str() {
                                                        "accepted" => t.feeds_outcome_accepted,
                                                        "partial" => t.feeds_outcome_partial,
                                                        _ => t.feeds_outcome_rejected,
                                                    };
                                                    let class = if r.outcome == "rejected" { "badge warn" } else { "badge ok" };
                                                    view! {
                                                        <tr data-testid="delivery-row" data-outcome=r.outcome.clone()>
                                                            <td class="nowrap small">{short_time(&r.received_at)}</td>
                                                            <td><span class=class>{outcome}</span>" "<span class="muted small">{r.status}</span></td>
                                                            <td class="small">{fill(t.feeds_delivery_counts, &[
                                                                ("events", &r.events), ("inserted", &r.inserted), ("updated", &r.updated),
                                                                ("duplicates", &r.duplicates), ("retracted", &r.retracted), ("unusable", &r.unusable),
                                                                ("orders", &r.orders_moved),
                                                            ])}</td>
                                                            <td class="small">{r.detail.clone().unwrap_or_default()}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

/// Rotate the secret (shown once) and enable / disable (an island).
#[island(lazy)]
fn FeedActions(locale: Locale, name: String, enabled: bool) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let rotate = ServerAction::<AdminRotateFeedSecret>::new();
    let toggle = ServerAction::<AdminSetFeedEnabled>::new();
    let on = RwSignal::new(enabled);
    Effect::new(move |_| {
        if let Some(Ok(())) = toggle.value().get() {
            on.update(|v| *v = !*v);
        }
    });
    let name_r = name.clone();
    let name_t = name.clone();
    view! {
        {move || rotate.value().get().and_then(Result::ok).map(|s| view! { <SecretBox t secret=s /> })}
        <div class="row-actions">
            <button type="button" class="button" disabled=move || rotate.pending().get()
                on:click=move |_| { rotate.dispatch(AdminRotateFeedSecret { csrf: csrf_token(), name: name_r.clone() }); }>
                {t.feeds_rotate}
            </button>
            <button type="button" class="button" class:danger=move || on.get() disabled=move || toggle.pending().get()
                data-testid="feed-toggle"
                on:click=move |_| { toggle.dispatch(AdminSetFeedEnabled { csrf: csrf_token(), name: name_t.clone(), enabled: !on.get_untracked() }); }>
                {move || if on.get() { t.feeds_disable } else { t.feeds_enable }}
            </button>
            <span class="muted small" role="status">{move || if on.get() { t.feeds_enabled } else { t.feeds_disabled }}</span>
        </div>
        <p class="form-status" role="status">
            {move || rotate.value().get().and_then(Result::err).map(|e| view! { <ActionError error=e /> })}
            {move || toggle.value().get().and_then(Result::err).map(|e| view! { <ActionError error=e /> })}
        </p>
    }
}
