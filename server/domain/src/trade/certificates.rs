//! The order's side of the certificate of origin, in the buying flow's transactions: the
//! issuance job written with the move to `export_cleared` ([`enqueue_issuance`]), the job and
//! certificate closed when the order is cancelled ([`close_for_cancelled_order`]), and the
//! state an order page shows ([`order_eco`]). Signing lives in `crate::issuance`; this module
//! only reads and writes rows, so the buying flow does not compile the e-CO engine.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TryInsertResult,
};
use uuid::Uuid;

use super::views::OrderEco;
use crate::DomainResult;
use crate::entities::{certificate, eco_job};
use crate::views::time_text;

/// Job states.
pub const PENDING: &str = "pending";
pub const RETRYING: &str = "retrying";
/// Sent to the issuing body, waiting for its decision.
pub const SUBMITTED: &str = "submitted";
pub const REJECTED: &str = "rejected";
pub const ISSUED: &str = "issued";
pub const CANCELLED: &str = "cancelled";
/// Certificate states.
pub const VALID: &str = "valid";
pub const REVOKED: &str = "revoked";

/// Writes an issuance job for `order_id` (call it in the transaction that moves the order to
/// `export_cleared`). An order with a job still open keeps that one: `false` then.
pub async fn enqueue_issuance<C: ConnectionTrait>(
    txn: &C,
    order_id: Uuid,
    replaces: Option<Uuid>,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let job = eco_job::ActiveModel {
        id: Set(Uuid::now_v7()),
        order_id: Set(order_id),
        open_order_id: Set(Some(order_id)),
        state: Set(PENDING.to_owned()),
        replaces_certificate_id: Set(replaces),
        application_reference: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        problems: Set(None),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        certificate_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let inserted = eco_job::Entity::insert(job)
        .on_conflict(
            OnConflict::column(eco_job::Column::OpenOrderId)
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec(txn)
        .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(_)))
}

/// A cancelled order: its open job stops, and a valid certificate is revoked with the
/// cancellation's reason (the status-list bit follows from the row; it is never cleared).
pub async fn close_for_cancelled_order<C: ConnectionTrait>(
    txn: &C,
    order_id: Uuid,
    reason: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    eco_job::Entity::update_many()
        .col_expr(eco_job::Column::State, Expr::value(CANCELLED))
        .col_expr(
            eco_job::Column::OpenOrderId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            eco_job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(eco_job::Column::UpdatedAt, Expr::value(now))
        .filter(eco_job::Column::OpenOrderId.eq(order_id))
        .exec(txn)
        .await?;
    revoke_rows(
        txn,
        certificate::Column::CurrentOrderId.eq(order_id),
        &format!("order cancelled: {}", reason.trim()),
        actor,
        now,
    )
    .await
}

/// Marks the valid certificates matching `filter` revoked (irreversible: only `valid` rows
/// change).
pub async fn revoke_rows<C: ConnectionTrait>(
    txn: &C,
    filter: impl sea_orm::sea_query::IntoCondition,
    reason: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::Status, Expr::value(REVOKED))
        .col_expr(
            certificate::Column::CurrentOrderId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            certificate::Column::RevocationReason,
            Expr::value(reason.chars().take(2000).collect::<String>()),
        )
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevokedBy, Expr::value(actor))
        .filter(filter)
        .filter(certificate::Column::Status.eq(VALID))
        .exec(txn)
        .await?;
    Ok(())
}

/// The certificate part of an order page: the newest certificate and the newest job decide.
/// Buyers never see the worker's internal error text.
pub async fn order_eco<C: ConnectionTrait>(
    db: &C,
    order_id: Uuid,
    for_buyer: bool,
) -> DomainResult<Option<OrderEco>> {
    let job = eco_job::Entity::find()
        .filter(eco_job::Column::OrderId.eq(order_id))
        .order_by_desc(eco_job::Column::CreatedAt)
        .order_by_desc(eco_job::Column::Id)
        .one(db)
        .await?;
    let certs = certificate::Entity::find()
        .filter(certificate::Column::OrderId.eq(order_id))
        .order_by_desc(certificate::Column::IssuedAt)
        .all(db)
        .await?;
    let number_of = |id: Option<Uuid>| {
        id.and_then(|id| certs.iter().find(|c| c.id == id))
            .map(|c| c.number.clone())
    };
    let newest = certs
        .iter()
        .find(|c| c.status == VALID)
        .or_else(|| certs.first());
    // A job still open (the first issuance, a re-issue, or data being fixed) speaks for the
    // order; otherwise its newest certificate does.
    if let Some(j) = job.as_ref().filter(|j| j.open_order_id.is_some()) {
        return Ok(Some(OrderEco {
            state: j.state.clone(),
            problems: j
                .problems
                .clone()
                .and_then(|p| serde_json::from_value(p).ok())
                .unwrap_or_default(),
            attempts: j.attempts,
            next_attempt_at: (j.state == RETRYING).then(|| time_text(j.next_attempt_at)),
            last_error: if for_buyer {
                None
            } else {
                j.last_error.clone()
            },
            replaces: number_of(j.replaces_certificate_id),
            ..OrderEco::default()
        }));
    }
    Ok(newest.map(|c| {
        let mut eco = OrderEco {
            state: if c.status == VALID { ISSUED } else { REVOKED }.to_owned(),
            attempts: job.as_ref().map_or(0, |j| j.attempts),
            ..OrderEco::default()
        };
        fill_certificate(&mut eco, c, &number_of);
        eco
    }))
}

fn fill_certificate(
    eco: &mut OrderEco,
    c: &certificate::Model,
    number_of: &impl Fn(Option<Uuid>) -> Option<String>,
) {
    eco.number = Some(c.number.clone());
    eco.kind = Some(c.kind.clone());
    eco.issued_at = Some(time_text(c.issued_at));
    eco.valid_until = Some(time_text(c.valid_until));
    eco.revocation_reason = c.revocation_reason.clone();
    eco.revoked_at = c.revoked_at.map(time_text);
    eco.replaced_by = number_of(c.replaced_by_id);
    eco.replaces = number_of(c.replaces_id);
}
