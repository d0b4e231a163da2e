//! Notifications for both sides: the sentence each one reads (shared with the mail that
//! tells the same, `crate::mail`), `/{locale}/notifications` (newest first, unread marked,
//! "Mark all as read"), and the unread count in the header (`account::UserMenu`). Opening one
//! goes through `/notifications/{id}` (`server::trade_forms`), which marks it read and sends
//! the person to the RFQ or order page of their side.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use domain::catalog::model::Page;
use domain::notify::NotificationView;

use crate::admin::short_time;
use crate::components::form::CsrfField;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading, SignInNeeded};
use crate::error::AppError;
use crate::i18n::{Messages, fill, use_i18n, use_locale};
use crate::paths;

/// What a notification says: `kind` is the event's, `status` an order's new status (staff
/// read the internal status name, buyers the buyer-facing one).
pub fn notification_text(
    t: &'static Messages,
    kind: &str,
    number: &str,
    status: Option<&str>,
    staff: bool,
) -> String {
    let template = match kind {
        "rfq_submitted" => t.notification_rfq_submitted,
        "info_requested" => t.notification_info_requested,
        "info_provided" => t.notification_info_provided,
        "rfq_declined" => t.notification_rfq_declined,
        "rfq_cancelled" => t.notification_rfq_cancelled,
        "quote_sent" => t.notification_quote_sent,
        "quote_countered" => t.notification_quote_countered,
        "quote_declined" => t.notification_quote_declined,
        "quote_accepted" => t.notification_quote_accepted,
        "order_transitioned" => t.notification_order_transitioned,
        "eco_issued" => t.notification_eco_issued,
        _ => t.notification_message_posted,
    };
    let status = status
        .map(|s| {
            if staff {
                crate::trade::status_name(t, "order", s)
            } else {
                let buyer = domain::trade::order::OrderStatus::parse(s)
                    .map_or_else(|| s.to_owned(), |o| o.for_buyer().as_str().to_owned());
                crate::trade::status_name(t, "order_buyer", &buyer)
            }
        })
        .unwrap_or_default();
    fill(template, &[("number", &number), ("status", &status)])
}

/// The notifications page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsData {
    pub page: Page<NotificationView>,
    pub unread: u64,
    pub staff: bool,
    pub csrf: String,
}

/// Rows per page.
pub const PER_PAGE: u64 = 30;

#[server(prefix = "/sf")]
pub async fn list_notifications(page: u64) -> Result<NotificationsData, AppError> {
    let s = crate::session::require_signed_in().await?;
    let db = crate::session::state()?.db.clone();
    let page = domain::notify::list(&db, s.user.id, page.clamp(1, 100_000), PER_PAGE).await?;
    let unread = domain::notify::unread_count(&db, s.user.id).await?;
    Ok(NotificationsData {
        page,
        unread,
        staff: s.user.role.is_staff(),
        csrf: s.csrf_token.clone(),
    })
}

/// `/{locale}/notifications`.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let query = use_query_map().read_untracked();
    let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let cleared = query.get("read").is_some();
    let data = Resource::new(|| (), move |()| list_notifications(page));
    view! {
        <Title text=t.notifications_title />
        <Meta name="robots" content="noindex" />
        <section class="container trade-page">
            <h1>{t.notifications_title}</h1>
            {cleared.then(|| view! { <p class="notice ok" role="status">{t.notifications_all_read}</p> })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotSignedIn) => view! { <SignInNeeded /> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(d) if d.page.items.is_empty() => view! {
                            <p class="empty-state" data-testid="notifications-empty">{t.notifications_empty}</p>
                        }.into_any(),
                        Ok(d) => {
                            let count = d.page.page_count();
                            let staff = d.staff;
                            view! {
                                <div class="page-head">
                                    <p class="muted">{fill(t.notifications_unread_count, &[("count", &locale.format_count(d.unread))])}</p>
                                    {(d.unread > 0).then(|| view! {
                                        <form method="post" action="/notifications/read-all" class="inline">
                                            <CsrfField token=d.csrf.clone() />
                                            <input type="hidden" name="locale" value=locale.tag() />
                                            <button type="submit" class="button">{t.notifications_mark_all_read}</button>
                                        </form>
                                    })}
                                </div>
                                <ol class="notifications plain">
                                    {d.page.items.into_iter().map(|n| {
                                        let text = notification_text(t, &n.kind, &n.number, n.status.as_deref(), staff);
                                        let class = if n.read { "notification" } else { "notification unread" };
                                        view! {
                                            <li class=class data-testid="notification">
                                                <a href=format!("/notifications/{}?locale={}", n.id, locale.tag())>{text}</a>
                                                " "<time class="muted small" datetime=n.created_at.clone()>{short_time(&n.created_at)}</time>
                                                {(!n.read).then(|| view! { <span class="badge warn">{t.notifications_new}</span> })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                                <Pagination current=d.page.page count=count href=move |n| paths::with_query(&paths::notifications(locale), &[("page", Some(n.to_string()))]) />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
