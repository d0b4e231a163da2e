//! The stored side of notifications (see the parent module).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{MAIL_KIND, Mail, MailMessage, NotificationView, OutboxRow, PathKind};

use crate::auth::Role;
use crate::catalog::model::Page;
use crate::entities::{company_member, notification, order, outbox_message, quote, rfq, user};
use crate::trade::events::TradeEvent;
use crate::trade::outbox;
use crate::views::time_text;
use crate::{DomainError, DomainResult};

/// Events this much older than their dispatch are not mailed (the notification still shows).
pub const MAIL_FRESH_FOR: Duration = Duration::hours(24);

/// Writes a mail to the outbox (call it inside the transaction of what it tells about).
pub async fn enqueue_mail<C: ConnectionTrait>(
    db: &C,
    mail: &Mail,
    now: DateTime<Utc>,
) -> DomainResult<Uuid> {
    outbox::enqueue_kind(
        db,
        MAIL_KIND,
        serde_json::to_value(mail).unwrap_or_default(),
        now,
    )
    .await
}

/// One person to tell.
#[derive(Debug, Clone)]
struct Recipient {
    user_id: Uuid,
    email: String,
    locale: String,
    staff: bool,
}

fn recipient(u: user::Model) -> Option<Recipient> {
    if u.disabled_at.is_some() {
        return None;
    }
    let staff = Role::parse(&u.role).is_some_and(Role::is_staff);
    Some(Recipient {
        user_id: u.id,
        email: u.email,
        locale: u.locale.unwrap_or_else(|| "en".to_owned()),
        staff,
    })
}

async fn company_members<C: ConnectionTrait>(
    db: &C,
    company_id: Uuid,
) -> DomainResult<Vec<Recipient>> {
    let ids: Vec<Uuid> = company_member::Entity::find()
        .filter(company_member::Column::CompanyId.eq(company_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .filter_map(recipient)
        .collect())
}

/// The RFQ's assignee, else every active staff member.
async fn staff_for<C: ConnectionTrait>(
    db: &C,
    assignee: Option<Uuid>,
) -> DomainResult<Vec<Recipient>> {
    if let Some(id) = assignee
        && let Some(r) = user::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(recipient)
        && r.staff
    {
        return Ok(vec![r]);
    }
    Ok(user::Entity::find()
        .filter(user::Column::Role.is_in([Role::Staff.as_str(), Role::Admin.as_str()]))
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .filter_map(recipient)
        .collect())
}

/// Who hears about `event`, what their notification says and which page it opens.
struct Plan {
    recipients: Vec<Recipient>,
    number: String,
    status: Option<String>,
    order: bool,
}

async fn rfq_by_id<C: ConnectionTrait>(db: &C, id: &str) -> DomainResult<rfq::Model> {
    let id: Uuid = id.parse().map_err(|_| DomainError::not_found("rfq"))?;
    rfq::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("rfq"))
}

async fn rfq_of_quote<C: ConnectionTrait>(db: &C, id: &str) -> DomainResult<rfq::Model> {
    let id: Uuid = id.parse().map_err(|_| DomainError::not_found("quote"))?;
    let q = quote::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("quote"))?;
    rfq::Entity::find_by_id(q.rfq_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("rfq"))
}

async fn order_by_id<C: ConnectionTrait>(db: &C, id: &str) -> DomainResult<order::Model> {
    let id: Uuid = id.parse().map_err(|_| DomainError::not_found("order"))?;
    order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("order"))
}

async fn plan<C: ConnectionTrait>(db: &C, event: &TradeEvent) -> DomainResult<Plan> {
    let about_rfq = |r: &rfq::Model, recipients| Plan {
        recipients,
        number: r.number.clone(),
        status: None,
        order: false,
    };
    Ok(match event {
        TradeEvent::RfqSubmitted { rfq_id, .. }
        | TradeEvent::InfoProvided { rfq_id, .. }
        | TradeEvent::RfqCancelled { rfq_id, .. } => {
            let r = rfq_by_id(db, rfq_id).await?;
            let staff = staff_for(db, r.assignee_id).await?;
            about_rfq(&r, staff)
        }
        TradeEvent::InfoRequested { rfq_id, .. } | TradeEvent::RfqDeclined { rfq_id, .. } => {
            let r = rfq_by_id(db, rfq_id).await?;
            let members = company_members(db, r.company_id).await?;
            about_rfq(&r, members)
        }
        TradeEvent::QuoteSent { quote_id, .. } => {
            let r = rfq_of_quote(db, quote_id).await?;
            let members = company_members(db, r.company_id).await?;
            about_rfq(&r, members)
        }
        TradeEvent::QuoteCountered { quote_id, .. }
        | TradeEvent::QuoteDeclined { quote_id, .. }
        | TradeEvent::QuoteAccepted { quote_id, .. } => {
            let r = rfq_of_quote(db, quote_id).await?;
            let staff = staff_for(db, r.assignee_id).await?;
            about_rfq(&r, staff)
        }
        TradeEvent::MessagePosted { rfq_id, party, .. } => {
            let r = rfq_by_id(db, rfq_id).await?;
            let recipients = if party == "buyer" {
                staff_for(db, r.assignee_id).await?
            } else {
                company_members(db, r.company_id).await?
            };
            about_rfq(&r, recipients)
        }
        TradeEvent::OrderTransitioned(t) => {
            let o = order_by_id(db, &t.order_id).await?;
            Plan {
                recipients: company_members(db, o.company_id).await?,
                number: o.number,
                status: Some(t.to.as_str().to_owned()),
                order: true,
            }
        }
        TradeEvent::EcoIssued { order_id, .. } => {
            let o = order_by_id(db, order_id).await?;
            Plan {
                recipients: company_members(db, o.company_id).await?,
                number: o.number,
                status: None,
                order: true,
            }
        }
    })
}

/// Writes the notifications and mails for one claimed event and marks it done, in one
/// transaction.
async fn deliver<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    claimed: &outbox::Claimed,
    event: &TradeEvent,
    now: DateTime<Utc>,
) -> DomainResult<usize> {
    let plan = plan(db, event).await?;
    let created = outbox_message::Entity::find_by_id(claimed.id)
        .one(db)
        .await?
        .map_or(now, |m| m.created_at);
    let mail = now - created < MAIL_FRESH_FOR;
    let txn = db.begin().await?;
    for r in &plan.recipients {
        notification::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(r.user_id),
            kind: Set(event.kind().to_owned()),
            number: Set(plan.number.clone()),
            status: Set(plan.status.clone()),
            created_at: Set(created),
            read_at: Set(None),
        }
        .insert(&txn)
        .await?;
        if mail {
            let path_kind = match (r.staff, plan.order) {
                (true, true) => PathKind::StaffOrder,
                (true, false) => PathKind::StaffRfq,
                (false, true) => PathKind::BuyerOrder,
                (false, false) => PathKind::BuyerRfq,
            };
            enqueue_mail(
                &txn,
                &Mail {
                    to: r.email.clone(),
                    locale: r.locale.clone(),
                    message: MailMessage::Trade {
                        kind: event.kind().to_owned(),
                        number: plan.number.clone(),
                        status: plan.status.clone(),
                        path_kind,
                    },
                },
                now,
            )
            .await?;
        }
    }
    outbox::complete(&txn, claimed.id, now).await?;
    txn.commit().await?;
    Ok(plan.recipients.len())
}

/// Takes up to `limit` trade events from the outbox and delivers each; a failing one goes back
/// with backoff. Returns how many events were handled.
pub async fn dispatch<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    limit: u64,
    now: DateTime<Utc>,
) -> DomainResult<usize> {
    let claimed = outbox::claim(db, TradeEvent::KINDS, limit, Duration::minutes(2), now).await?;
    let mut handled = 0;
    for c in &claimed {
        let Some(event) = &c.event else {
            outbox::fail(
                db,
                c.id,
                "the event could not be read",
                now + Duration::days(365),
            )
            .await?;
            continue;
        };
        match deliver(db, c, event, now).await {
            Ok(_) => handled += 1,
            Err(e) => {
                let jitter = u32::from(crate::auth::secret::random_bytes::<2>()[0]) * 4;
                outbox::fail(
                    db,
                    c.id,
                    &e.to_string(),
                    now + outbox::backoff(c.attempts, jitter),
                )
                .await?;
            }
        }
    }
    Ok(handled)
}

fn view_of(n: notification::Model) -> NotificationView {
    NotificationView {
        id: n.id.to_string(),
        kind: n.kind,
        number: n.number,
        status: n.status,
        created_at: time_text(n.created_at),
        read: n.read_at.is_some(),
    }
}

/// The person's notifications, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    page: u64,
    per_page: u64,
) -> DomainResult<Page<NotificationView>> {
    let query = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id);
    paged(db, query, page, per_page, view_of).await
}

/// Page `page` (from 1) of `query`, each row made into what the page shows.
async fn paged<C, E, T>(
    db: &C,
    query: Select<E>,
    page: u64,
    per_page: u64,
    view: impl FnMut(E::Model) -> T,
) -> DomainResult<Page<T>>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: Sync,
{
    let page = page.max(1);
    let total = query.clone().count(db).await?;
    let items = query
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(Page {
        items,
        page,
        per_page,
        total,
    })
}

/// How many of the person's notifications are unread.
pub async fn unread_count<C: ConnectionTrait>(db: &C, user_id: Uuid) -> DomainResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// The person's notification `id`, marked read (someone else's is "not found").
pub async fn open<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<NotificationView> {
    let n = notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("notification"))?;
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Some(now).into())
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    let mut v = view_of(n);
    v.read = true;
    Ok(v)
}

/// Marks all the person's notifications read; returns how many were unread.
pub async fn read_all<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Some(now).into())
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// The outbox, newest first; `mail_only` keeps mails alone.
pub async fn outbox_page<C: ConnectionTrait>(
    db: &C,
    mail_only: bool,
    page: u64,
    per_page: u64,
) -> DomainResult<Page<OutboxRow>> {
    let mut query = outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::CreatedAt)
        .order_by_desc(outbox_message::Column::Id);
    if mail_only {
        query = query.filter(outbox_message::Column::Kind.eq(MAIL_KIND));
    }
    paged(db, query, page, per_page, |m| {
        let state = if m.processed_at.is_some() {
            "done"
        } else if m.attempts > 0 {
            "retrying"
        } else {
            "pending"
        };
        let mail = (m.kind == MAIL_KIND)
            .then(|| serde_json::from_value::<Mail>(m.payload.clone()).ok())
            .flatten();
        let number = m
            .payload
            .get("number")
            .and_then(|n| n.as_str())
            .map(str::to_owned);
        OutboxRow {
            id: m.id.to_string(),
            kind: m.kind,
            state: state.to_owned(),
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: time_text(m.created_at),
            processed_at: m.processed_at.map(time_text),
            mail,
            number,
        }
    })
    .await
}
