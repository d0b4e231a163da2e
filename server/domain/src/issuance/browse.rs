//! The e-CO register as staff browse and act on it: certificates by status, kind and number
//! (or order number), one certificate with its order's issuance jobs, the orders whose
//! certificate is still open, and the register's actions — revoke, replace, re-issue — each
//! in one transaction with its audit record.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::auth::audit::{self, Actor, AuditEntry};
use crate::entities::{certificate, company, eco_job, order};
use crate::trade::certificates::{self, REJECTED, RETRYING, REVOKED, SUBMITTED, VALID};
use crate::trade::order::OrderStatus;
use crate::trade::views::{EcoJobView, OpenEcoJob, RegisterDetail, RegisterQuery, RegisterRow};
use crate::views::{Paged, time_text};
use crate::{DomainError, DomainResult};

/// Rows per page of the register.
pub const PER_PAGE: u64 = 25;

/// The register's actions on one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterAction {
    /// Revoke with a reason (irreversible).
    Revoke,
    /// Revoke and issue a new certificate that names it in `replaces`.
    Replace,
    /// A revoked certificate with nothing in its place: issue a new one that replaces it.
    Reissue,
}

impl RegisterAction {
    pub fn parse(s: &str) -> DomainResult<Self> {
        match s {
            "revoke" => Ok(Self::Revoke),
            "replace" => Ok(Self::Replace),
            "reissue" => Ok(Self::Reissue),
            other => Err(DomainError::invalid(
                "action",
                format!("“{other}” is not a register action (revoke, replace or reissue)"),
            )),
        }
    }

    fn audit_name(self) -> &'static str {
        match self {
            Self::Revoke => "eco.revoke",
            Self::Replace => "eco.replace",
            Self::Reissue => "eco.reissue",
        }
    }
}

/// A page of the register, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    query: &RegisterQuery,
) -> DomainResult<Paged<RegisterRow>> {
    let mut find = certificate::Entity::find();
    match query.status.as_str() {
        "" => {}
        VALID | REVOKED => {
            find = find.filter(certificate::Column::Status.eq(query.status.as_str()))
        }
        other => {
            return Err(DomainError::invalid(
                "status",
                format!("“{other}” is not a certificate status (valid or revoked)"),
            ));
        }
    }
    match query.kind.as_str() {
        "" => {}
        "DeclarationOfOrigin" | "CertificateOfOrigin" => {
            find = find.filter(certificate::Column::Kind.eq(query.kind.as_str()));
        }
        other => {
            return Err(DomainError::invalid(
                "kind",
                format!(
                    "“{other}” is not a kind of certificate (DeclarationOfOrigin or CertificateOfOrigin)"
                ),
            ));
        }
    }
    let q = query.q.trim().to_uppercase();
    if q.chars().count() > 64 {
        return Err(DomainError::invalid(
            "q",
            "search with at most 64 characters of a certificate or order number",
        ));
    }
    if !q.is_empty() {
        let orders: Vec<Uuid> = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .filter(order::Column::Number.contains(&q))
            .into_tuple()
            .all(db)
            .await?;
        find = find.filter(
            Condition::any()
                .add(certificate::Column::Number.contains(&q))
                .add(certificate::Column::OrderId.is_in(orders)),
        );
    }
    let paginator = find
        .order_by_desc(certificate::Column::IssuedAt)
        .order_by_desc(certificate::Column::Id)
        .paginate(db, PER_PAGE);
    let total = paginator.num_items().await?;
    let page = query.page.max(1);
    let certs = paginator.fetch_page(page - 1).await?;
    let items = rows(db, &certs).await?;
    Ok(Paged {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// Register rows for `certs`, with their orders, buyers and linked numbers.
async fn rows<C: ConnectionTrait>(
    db: &C,
    certs: &[certificate::Model],
) -> DomainResult<Vec<RegisterRow>> {
    let orders = orders_of(db, certs.iter().map(|c| c.order_id).collect()).await?;
    let linked = numbers_of(
        db,
        certs
            .iter()
            .flat_map(|c| [c.replaces_id, c.replaced_by_id])
            .flatten()
            .collect(),
    )
    .await?;
    Ok(certs
        .iter()
        .map(|c| {
            let o = orders.iter().find(|(o, _)| o.id == c.order_id);
            RegisterRow {
                number: c.number.clone(),
                kind: c.kind.clone(),
                status: c.status.clone(),
                order_number: o.map(|(o, _)| o.number.clone()).unwrap_or_default(),
                company: o.map(|(_, name)| name.clone()).unwrap_or_default(),
                importing_party: importing_party(c),
                issued_at: time_text(c.issued_at),
                valid_until: time_text(c.valid_until),
                replaces: number_in(&linked, c.replaces_id),
                replaced_by: number_in(&linked, c.replaced_by_id),
            }
        })
        .collect())
}

/// The orders with these ids, and the company of each order's buyer: `(order, company name)`.
async fn orders_of<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
) -> DomainResult<Vec<(order::Model, String)>> {
    let orders = order::Entity::find()
        .filter(order::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let company_ids: Vec<Uuid> = orders.iter().map(|o| o.company_id).collect();
    let companies = company::Entity::find()
        .filter(company::Column::Id.is_in(company_ids))
        .all(db)
        .await?;
    Ok(orders
        .into_iter()
        .map(|o| {
            let name = companies
                .iter()
                .find(|c| c.id == o.company_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (o, name)
        })
        .collect())
}

/// The numbers of the certificates with these ids.
async fn numbers_of<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
) -> DomainResult<Vec<(Uuid, String)>> {
    Ok(certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Id)
        .column(certificate::Column::Number)
        .filter(certificate::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?)
}

/// Looks up a number among `numbers`.
fn number_in(numbers: &[(Uuid, String)], id: Option<Uuid>) -> Option<String> {
    id.and_then(|id| numbers.iter().find(|(l, _)| *l == id))
        .map(|(_, n)| n.clone())
}

/// The importing Party the signed credential names.
fn importing_party(c: &certificate::Model) -> String {
    serde_json::from_str::<Value>(&c.credential)
        .ok()
        .and_then(|vc| {
            vc.pointer("/credentialSubject/importingParty")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// One certificate with its order's issuance jobs.
pub async fn detail<C: ConnectionTrait>(db: &C, number: &str) -> DomainResult<RegisterDetail> {
    let c = super::register::by_number(db, number)
        .await?
        .ok_or_else(|| DomainError::not_found(format!("certificate {}", number.trim())))?;
    let row = rows(db, std::slice::from_ref(&c))
        .await?
        .pop()
        .unwrap_or_default();
    let jobs = eco_job::Entity::find()
        .filter(eco_job::Column::OrderId.eq(c.order_id))
        .order_by_desc(eco_job::Column::CreatedAt)
        .order_by_desc(eco_job::Column::Id)
        .all(db)
        .await?;
    let numbers = numbers_of(
        db,
        jobs.iter()
            .flat_map(|j| [j.certificate_id, j.replaces_certificate_id])
            .flatten()
            .collect(),
    )
    .await?;
    let can_reissue = reissue_blocker(db, &c).await?.is_none();
    Ok(RegisterDetail {
        row,
        application_reference: c.application_reference.clone(),
        status_list: c.status_list,
        status_index: c.status_index,
        revocation_reason: c.revocation_reason.clone(),
        revoked_at: c.revoked_at.map(time_text),
        revoked_by: c.revoked_by.clone(),
        jobs: jobs
            .into_iter()
            .map(|j| EcoJobView {
                problems: j
                    .problems
                    .clone()
                    .and_then(|p| serde_json::from_value(p).ok())
                    .unwrap_or_default(),
                next_attempt_at: (j.state == RETRYING).then(|| time_text(j.next_attempt_at)),
                certificate: number_in(&numbers, j.certificate_id),
                replaces: number_in(&numbers, j.replaces_certificate_id),
                state: j.state,
                attempts: j.attempts,
                last_error: j.last_error,
                application_reference: j.application_reference,
                created_at: time_text(j.created_at),
                updated_at: time_text(j.updated_at),
            })
            .collect(),
        can_reissue,
    })
}

/// Why certificate `c` cannot be re-issued now, or `None` when it can.
async fn reissue_blocker<C: ConnectionTrait>(
    db: &C,
    c: &certificate::Model,
) -> DomainResult<Option<String>> {
    if c.status != REVOKED {
        return Ok(Some(format!(
            "certificate {} is valid: revoke it, or replace it in one step",
            c.number
        )));
    }
    if c.replaced_by_id.is_some() {
        return Ok(Some(format!(
            "certificate {} is already replaced; act on its replacement",
            c.number
        )));
    }
    let o = order::Entity::find_by_id(c.order_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("the certificate's order"))?;
    if o.status == OrderStatus::Cancelled.as_str() {
        return Ok(Some(format!(
            "order {} is cancelled: no new certificate is issued for it",
            o.number
        )));
    }
    let valid = certificate::Entity::find()
        .filter(certificate::Column::CurrentOrderId.eq(o.id))
        .one(db)
        .await?;
    if let Some(v) = valid {
        return Ok(Some(format!(
            "order {} already has a valid certificate, {}",
            o.number, v.number
        )));
    }
    let open = eco_job::Entity::find()
        .filter(eco_job::Column::OpenOrderId.eq(o.id))
        .count(db)
        .await?;
    if open > 0 {
        return Ok(Some(format!(
            "a certificate for order {} is already being issued",
            o.number
        )));
    }
    Ok(None)
}

/// Staff act on certificate `number`; the change and its audit record are one transaction.
/// Revoking and replacing need a reason (the verify page shows it).
pub async fn act<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    ip: Option<&str>,
    number: &str,
    action: RegisterAction,
    reason: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let reason = reason.trim();
    if reason.chars().count() > 2000 {
        return Err(DomainError::invalid(
            "reason",
            "use at most 2000 characters",
        ));
    }
    let actor_name = match actor {
        Actor::User { email, .. } => email.clone(),
        Actor::Cli => "cli".to_owned(),
        Actor::System | Actor::Anonymous => "system".to_owned(),
    };
    let txn = db.begin().await?;
    super::write_lock_first(&txn).await?;
    let c = match action {
        RegisterAction::Revoke | RegisterAction::Replace => {
            super::register::revoke_in(
                &txn,
                &actor_name,
                number,
                reason,
                action == RegisterAction::Replace,
                now,
            )
            .await?
        }
        RegisterAction::Reissue => {
            let c = super::register::by_number(&txn, number)
                .await?
                .ok_or_else(|| DomainError::not_found(format!("certificate {}", number.trim())))?;
            if let Some(why) = reissue_blocker(&txn, &c).await? {
                return Err(DomainError::Conflict(why));
            }
            if !certificates::enqueue_issuance(&txn, c.order_id, Some(c.id), now).await? {
                return Err(DomainError::Conflict(
                    "a certificate for this order is already being issued".to_owned(),
                ));
            }
            c
        }
    };
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: action.audit_name(),
            target: &c.number,
            ip,
            detail: json!({ "reason": reason, "kind": c.kind }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Orders whose certificate is still being issued or was refused, the oldest change first
/// (at most `limit`), with how many there are.
pub async fn open_jobs<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> DomainResult<(Vec<OpenEcoJob>, u64)> {
    let find = eco_job::Entity::find()
        .filter(eco_job::Column::OpenOrderId.is_not_null())
        .filter(eco_job::Column::State.is_in([
            certificates::PENDING,
            SUBMITTED,
            RETRYING,
            REJECTED,
        ]));
    let total = find.clone().count(db).await?;
    let jobs = find
        .order_by_asc(eco_job::Column::UpdatedAt)
        .order_by_asc(eco_job::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let orders = orders_of(db, jobs.iter().map(|j| j.order_id).collect()).await?;
    let items = jobs
        .into_iter()
        .map(|j| {
            let o = orders.iter().find(|(o, _)| o.id == j.order_id);
            OpenEcoJob {
                order_number: o.map(|(o, _)| o.number.clone()).unwrap_or_default(),
                company: o.map(|(_, name)| name.clone()).unwrap_or_default(),
                problem_count: j
                    .problems
                    .as_ref()
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
                next_attempt_at: (j.state == RETRYING).then(|| time_text(j.next_attempt_at)),
                state: j.state,
                attempts: j.attempts,
                updated_at: time_text(j.updated_at),
            }
        })
        .collect();
    Ok((items, total))
}
