//! The issuance worker's steps: [`claim`] due jobs with a lease, then [`issue`] each in one
//! transaction — read the order, build the content, draw the number and the status-list
//! index, sign, store the certificate and close the job. A crash anywhere before the commit
//! leaves nothing behind (the number counter and the index roll back with it); the job's
//! lease runs out and the next round does the work again.
//!
//! Exactly one valid certificate per order: `certificates.current_order_id` is unique, so of
//! two workers (replicas) that issue for one order at the same time, the second's commit fails
//! and its job is found issued on the next round.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use rand::SeedableRng;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::authority::{AuthorityAnswer, AuthorityError, IssuingAuthority};
use super::{Issuer, STATUS_LIST, input, write_lock_first};
use crate::eco::builder::IssuingBody;
use crate::eco::content::{DocumentKind, Problem, Reference, Text};
use crate::eco::numbering::DocumentNumber;
use crate::eco::{status, vc};
use crate::entities::{certificate, eco_job, order};
use crate::trade::certificates::{
    CANCELLED, ISSUED, PENDING, REJECTED, RETRYING, SUBMITTED, VALID,
};
use crate::trade::numbers;
use crate::trade::order::OrderStatus;
use crate::{DomainError, DomainResult};

/// After this many failed tries a job waits for a person (it stays `retrying` a day apart).
pub const MAX_ATTEMPTS: i32 = 10;

/// Takes up to `limit` due jobs (pending or retrying, lease free or run out), oldest first,
/// and holds them for `lease`.
pub async fn claim<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> DomainResult<Vec<eco_job::Model>> {
    let txn = db.begin().await?;
    let mut query = eco_job::Entity::find()
        .filter(eco_job::Column::State.is_in([PENDING, RETRYING, SUBMITTED]))
        .filter(eco_job::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(eco_job::Column::LeaseUntil.is_null())
                .add(eco_job::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(eco_job::Column::NextAttemptAt)
        .order_by_asc(eco_job::Column::Id)
        .limit(limit);
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    } else {
        // SQLite: take the write lock first, so two workers queue instead of both reading.
        txn.execute_unprepared("UPDATE eco_jobs SET attempts = attempts WHERE 0 = 1")
            .await?;
    }
    let rows = query.all(&txn).await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let mut active: eco_job::ActiveModel = row.clone().into();
        active.lease_until = Set(Some(now + lease));
        active.attempts = Set(row.attempts + 1);
        claimed.push(active.update(&txn).await?);
    }
    txn.commit().await?;
    Ok(claimed)
}

/// How a job ended this round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    /// Signed and stored (or found already issued).
    Issued { number: String },
    /// Data is missing: the problems are on the job until someone fixes them and retries.
    Rejected { problems: usize },
    /// The order no longer needs a certificate (cancelled).
    Cancelled,
    /// Sent to the issuing body, which has not decided yet: asked again from `retry_at`.
    Submitted { retry_at: DateTime<Utc> },
    /// Something failed; tried again from `retry_at`.
    Retrying {
        error: String,
        retry_at: DateTime<Utc>,
    },
}

/// Works one claimed job. `jitter_permille` (0..=1000) spreads retries.
pub async fn issue<C, A>(
    db: &C,
    issuer: &Issuer,
    authority: &A,
    job: &eco_job::Model,
    now: DateTime<Utc>,
    jitter_permille: u32,
) -> DomainResult<JobOutcome>
where
    C: ConnectionTrait + TransactionTrait,
    A: IssuingAuthority,
{
    match issue_in_transaction(db, issuer, authority, job, now).await {
        Ok(outcome) => Ok(outcome),
        Err(e) => {
            let error = match &e {
                DomainError::Database(inner) => format!("database: {inner}"),
                other => other.to_string(),
            };
            let retry_at = if job.attempts >= MAX_ATTEMPTS {
                now + Duration::days(1)
            } else {
                now + crate::trade::outbox::backoff(job.attempts, jitter_permille)
            };
            eco_job::Entity::update_many()
                .col_expr(eco_job::Column::State, Expr::value(RETRYING))
                .col_expr(
                    eco_job::Column::LastError,
                    Expr::value(error.chars().take(2000).collect::<String>()),
                )
                .col_expr(eco_job::Column::NextAttemptAt, Expr::value(retry_at))
                .col_expr(
                    eco_job::Column::LeaseUntil,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(eco_job::Column::UpdatedAt, Expr::value(now))
                .filter(eco_job::Column::Id.eq(job.id))
                .filter(eco_job::Column::State.is_in([PENDING, RETRYING, SUBMITTED]))
                .exec(db)
                .await?;
            Ok(JobOutcome::Retrying { error, retry_at })
        }
    }
}

async fn close_job<C: ConnectionTrait>(
    txn: &C,
    job: &eco_job::Model,
    state: &str,
    certificate_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    eco_job::Entity::update_many()
        .col_expr(eco_job::Column::State, Expr::value(state))
        .col_expr(
            eco_job::Column::OpenOrderId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(eco_job::Column::CertificateId, Expr::value(certificate_id))
        .col_expr(
            eco_job::Column::Problems,
            Expr::value(Option::<serde_json::Value>::None),
        )
        .col_expr(
            eco_job::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            eco_job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(eco_job::Column::UpdatedAt, Expr::value(now))
        .filter(eco_job::Column::Id.eq(job.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The draft number used to check the content before a real number is drawn, so a refusal
/// burns no number.
const PLACEHOLDER: &str = "PENDING";

async fn issue_in_transaction<C, A>(
    db: &C,
    issuer: &Issuer,
    authority: &A,
    job: &eco_job::Model,
    now: DateTime<Utc>,
) -> DomainResult<JobOutcome>
where
    C: ConnectionTrait + TransactionTrait,
    A: IssuingAuthority,
{
    let txn = db.begin().await?;
    write_lock_first(&txn).await?;
    let o = order::Entity::find_by_id(job.order_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("order"))?;
    if o.status == OrderStatus::Cancelled.as_str() {
        close_job(&txn, job, CANCELLED, None, now).await?;
        txn.commit().await?;
        if let Some(reference) = &job.application_reference {
            // Best effort: the body learns the application is withdrawn.
            let _ = authority.cancel(reference, "the order was cancelled").await;
        }
        return Ok(JobOutcome::Cancelled);
    }
    // Already issued (another worker got there first, or a crash after the commit): close.
    if job.replaces_certificate_id.is_none()
        && let Some(existing) = certificate::Entity::find()
            .filter(certificate::Column::CurrentOrderId.eq(o.id))
            .one(&txn)
            .await?
    {
        close_job(&txn, job, ISSUED, Some(existing.id), now).await?;
        txn.commit().await?;
        return Ok(JobOutcome::Issued {
            number: existing.number,
        });
    }
    let replaced = match job.replaces_certificate_id {
        Some(id) => certificate::Entity::find_by_id(id).one(&txn).await?,
        None => None,
    };
    let replaces_ref = replaced
        .as_ref()
        .and_then(|c| Reference::parse_line(&c.number).ok());
    let gathered = match input::gather(&txn, o.id).await? {
        Ok(g) => g,
        Err(problems) => return reject(txn, job, &problems, now).await,
    };
    let placeholder =
        Reference::parse(PLACEHOLDER).map_err(|e| DomainError::invalid("number", e))?;
    let draft = crate::eco::build(
        &input::options(
            &gathered,
            placeholder,
            now.date_naive(),
            replaces_ref.clone(),
        ),
        &gathered.exporter,
        &gathered.order,
        &gathered.origins,
    );
    if let Err(refusal) = draft {
        return reject(txn, job, &refusal.problems, now).await;
    }
    let year = now.year();
    match gathered.kind {
        DocumentKind::DeclarationOfOrigin => {
            let sequence = numbers::next_value(&txn, &series(issuer, gathered.kind, year)).await?;
            let number = document_number(issuer, gathered.kind, year, sequence)?;
            let stored = Signed {
                number: number.clone(),
                application_reference: number,
                body: None,
                artefact: None,
            };
            let outcome = sign_and_store(
                &txn,
                issuer,
                job,
                &o,
                &gathered,
                replaced.as_ref(),
                replaces_ref,
                stored,
                now,
            )
            .await?;
            txn.commit().await?;
            Ok(outcome)
        }
        DocumentKind::CertificateOfOrigin => {
            // Our application reference: drawn once, kept on the job (the body's idempotency
            // key), so a retry asks about the same application.
            let reference = match &job.application_reference {
                Some(r) => r.clone(),
                None => {
                    let sequence =
                        numbers::next_value(&txn, &series(issuer, gathered.kind, year)).await?;
                    let r = document_number(issuer, gathered.kind, year, sequence)?;
                    eco_job::Entity::update_many()
                        .col_expr(
                            eco_job::Column::ApplicationReference,
                            Expr::value(r.clone()),
                        )
                        .filter(eco_job::Column::Id.eq(job.id))
                        .exec(&txn)
                        .await?;
                    r
                }
            };
            let application = crate::eco::build(
                &input::options(
                    &gathered,
                    Reference::parse_line(&reference)
                        .map_err(|e| DomainError::invalid("number", e))?,
                    now.date_naive(),
                    replaces_ref.clone(),
                ),
                &gathered.exporter,
                &gathered.order,
                &gathered.origins,
            )
            .map_err(DomainError::from)?;
            txn.commit().await?;
            let content = serde_json::to_value(&application)
                .map_err(|e| DomainError::invalid("e-CO content", e.to_string()))?;
            let answer = if job.state == SUBMITTED {
                authority.poll(&reference).await
            } else {
                authority.submit(&reference, &content).await
            };
            let answer = match answer {
                Ok(a) => a,
                Err(AuthorityError::Transient(e)) => {
                    return Err(DomainError::invalid("issuing body", e));
                }
                Err(AuthorityError::Permanent(e)) => {
                    let txn = db.begin().await?;
                    let problem = Problem::document(
                        "attestation",
                        e,
                        "check the issuing body's configuration, or switch to the approved-exporter mode",
                    );
                    return reject(txn, job, &[problem], now).await;
                }
            };
            match answer {
                AuthorityAnswer::Pending {
                    retry_after_seconds,
                } => {
                    let retry_at =
                        now + Duration::seconds(i64::from(retry_after_seconds.clamp(1, 3600)));
                    eco_job::Entity::update_many()
                        .col_expr(eco_job::Column::State, Expr::value(SUBMITTED))
                        .col_expr(eco_job::Column::NextAttemptAt, Expr::value(retry_at))
                        .col_expr(
                            eco_job::Column::LastError,
                            Expr::value(Option::<String>::None),
                        )
                        .col_expr(
                            eco_job::Column::LeaseUntil,
                            Expr::value(Option::<DateTime<Utc>>::None),
                        )
                        .col_expr(eco_job::Column::UpdatedAt, Expr::value(now))
                        .filter(eco_job::Column::Id.eq(job.id))
                        .exec(db)
                        .await?;
                    Ok(JobOutcome::Submitted { retry_at })
                }
                AuthorityAnswer::Rejected { reasons } => {
                    let problems: Vec<Problem> = reasons
                        .into_iter()
                        .map(|r| Problem {
                            line: r.line,
                            field: if r.field.is_empty() { "attestation".to_owned() } else { r.field },
                            problem: r.problem,
                            fix: if r.fix.is_empty() {
                                "correct the data and retry; the issuing body gets a new application".to_owned()
                            } else {
                                r.fix
                            },
                        })
                        .collect();
                    let txn = db.begin().await?;
                    // A new application follows the fix.
                    forget_application(&txn, job).await?;
                    reject(txn, job, &problems, now).await
                }
                AuthorityAnswer::Cancelled => {
                    let txn = db.begin().await?;
                    let problem = Problem::document(
                        "attestation",
                        "the issuing body cancelled the application",
                        "retry to send a new application",
                    );
                    forget_application(&txn, job).await?;
                    reject(txn, job, &[problem], now).await
                }
                AuthorityAnswer::Issued {
                    certificate_number,
                    body,
                    artefact_media_type,
                    artefact,
                } => {
                    let txn = db.begin().await?;
                    write_lock_first(&txn).await?;
                    if let Some(existing) = certificate::Entity::find()
                        .filter(certificate::Column::CurrentOrderId.eq(o.id))
                        .one(&txn)
                        .await?
                        .filter(|_| job.replaces_certificate_id.is_none())
                    {
                        close_job(&txn, job, ISSUED, Some(existing.id), now).await?;
                        txn.commit().await?;
                        return Ok(JobOutcome::Issued {
                            number: existing.number,
                        });
                    }
                    let number = Reference::parse_line(&certificate_number).map_err(|e| {
                        DomainError::invalid("the issuing body's certificate number", e)
                    })?;
                    let body = IssuingBody {
                        name: Text::parse(&body.name)
                            .map_err(|e| DomainError::invalid("the issuing body's name", e))?,
                        place: Text::parse(&body.place)
                            .map_err(|e| DomainError::invalid("the issuing body's place", e))?,
                    };
                    let stored = Signed {
                        number: number.to_string(),
                        application_reference: reference.clone(),
                        body: Some(body),
                        artefact: Some(vc::AuthorityArtefact::of_bytes(
                            format!("urn:portfront:issuing-body-certificate:{certificate_number}"),
                            artefact_media_type,
                            &artefact,
                        )),
                    };
                    let outcome = sign_and_store(
                        &txn,
                        issuer,
                        job,
                        &o,
                        &gathered,
                        replaced.as_ref(),
                        replaces_ref,
                        stored,
                        now,
                    )
                    .await?;
                    txn.commit().await?;
                    Ok(outcome)
                }
            }
        }
    }
}

fn series(issuer: &Issuer, kind: DocumentKind, year: i32) -> String {
    let code = match kind {
        DocumentKind::CertificateOfOrigin => "CO",
        DocumentKind::DeclarationOfOrigin => "DOO",
    };
    format!("{}-{code}-{year}", issuer.prefix.as_str())
}

fn document_number(
    issuer: &Issuer,
    kind: DocumentKind,
    year: i32,
    sequence: i64,
) -> DomainResult<String> {
    Ok(DocumentNumber::new(
        issuer.prefix.clone(),
        kind,
        year,
        u64::try_from(sequence).unwrap_or(0),
    )
    .map_err(|e| DomainError::invalid("e-CO number", e))?
    .to_string())
}

/// What the stored certificate is numbered and attested with.
struct Signed {
    number: String,
    application_reference: String,
    /// The body that certified (a Certificate of Origin).
    body: Option<IssuingBody>,
    artefact: Option<vc::AuthorityArtefact>,
}

/// Builds the final content, signs it and stores the certificate, closing the job (inside
/// the caller's transaction).
#[expect(
    clippy::too_many_arguments,
    reason = "one issuance's parts, named at the two calls"
)]
async fn sign_and_store<C: ConnectionTrait>(
    txn: &C,
    issuer: &Issuer,
    job: &eco_job::Model,
    o: &order::Model,
    gathered: &input::Gathered,
    replaced: Option<&certificate::Model>,
    replaces_ref: Option<Reference>,
    signed: Signed,
    now: DateTime<Utc>,
) -> DomainResult<JobOutcome> {
    let mut options = input::options(
        gathered,
        Reference::parse_line(&signed.number).map_err(|e| DomainError::invalid("number", e))?,
        now.date_naive(),
        replaces_ref,
    );
    options.issuing_body = signed.body.clone().or(options.issuing_body);
    let content = crate::eco::build(
        &options,
        &gathered.exporter,
        &gathered.order,
        &gathered.origins,
    )
    .map_err(DomainError::from)?;
    let index = free_status_index(txn).await?;
    let issued_at = now.with_nanosecond(0).unwrap_or(now);
    let settings = vc::CredentialSettings {
        id: issuer.credential_url(&signed.number),
        issuer: issuer.did.as_str().to_owned(),
        issued_at,
        status_list_url: issuer.status_list_url(STATUS_LIST),
        status_index: index,
        schema_url: issuer.schema_url(),
        context_url: issuer.context_url(),
        authority_artefact: signed.artefact.clone(),
    };
    let credential = vc::issue(&content, &settings, &issuer.ring.current)?;
    let valid_until = content
        .data()
        .valid_until
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc())
        .unwrap_or(issued_at);
    let id = Uuid::now_v7();
    if let Some(old) = replaced {
        // The replaced certificate is revoked (if it is not already) and points here.
        crate::trade::certificates::revoke_rows(
            txn,
            certificate::Column::Id.eq(old.id),
            "replaced",
            "system",
            now,
        )
        .await?;
        certificate::Entity::update_many()
            .col_expr(certificate::Column::ReplacedById, Expr::value(id))
            .filter(certificate::Column::Id.eq(old.id))
            .exec(txn)
            .await?;
    }
    certificate::ActiveModel {
        id: Set(id),
        number: Set(signed.number.clone()),
        kind: Set(match gathered.kind {
            DocumentKind::CertificateOfOrigin => "CertificateOfOrigin",
            DocumentKind::DeclarationOfOrigin => "DeclarationOfOrigin",
        }
        .to_owned()),
        order_id: Set(o.id),
        current_order_id: Set(Some(o.id)),
        application_reference: Set(signed.application_reference),
        status: Set(VALID.to_owned()),
        credential: Set(serde_json::to_string(&credential)
            .map_err(|e| DomainError::invalid("e-CO credential", e.to_string()))?),
        status_list: Set(STATUS_LIST),
        status_index: Set(i32::try_from(index).unwrap_or(i32::MAX)),
        replaces_id: Set(replaced.map(|c| c.id)),
        replaced_by_id: Set(None),
        revocation_reason: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        issued_at: Set(issued_at),
        valid_until: Set(valid_until),
    }
    .insert(txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => DomainError::Conflict(
            "another worker issued this order's certificate at the same moment".to_owned(),
        ),
        _ => DomainError::Database(e),
    })?;
    close_job(txn, job, ISSUED, Some(id), now).await?;
    // The buyer is told (notification and mail) through the outbox, in this transaction.
    crate::trade::outbox::enqueue(
        txn,
        &crate::trade::events::TradeEvent::EcoIssued {
            order_id: o.id.to_string(),
            number: o.number.clone(),
            certificate: signed.number.clone(),
        },
        now,
    )
    .await?;
    Ok(JobOutcome::Issued {
        number: signed.number,
    })
}

async fn reject<T: TransactionSession + ConnectionTrait>(
    txn: T,
    job: &eco_job::Model,
    problems: &[crate::eco::Problem],
    now: DateTime<Utc>,
) -> DomainResult<JobOutcome> {
    eco_job::Entity::update_many()
        .col_expr(eco_job::Column::State, Expr::value(REJECTED))
        .col_expr(
            eco_job::Column::Problems,
            Expr::value(serde_json::to_value(problems).unwrap_or_default()),
        )
        .col_expr(
            eco_job::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            eco_job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(eco_job::Column::UpdatedAt, Expr::value(now))
        .filter(eco_job::Column::Id.eq(job.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(JobOutcome::Rejected {
        problems: problems.len(),
    })
}

/// The job's application with the issuing body is over (refused or cancelled): the next try
/// sends a new one under a new reference.
async fn forget_application<C: ConnectionTrait>(txn: &C, job: &eco_job::Model) -> DomainResult<()> {
    eco_job::Entity::update_many()
        .col_expr(
            eco_job::Column::ApplicationReference,
            Expr::value(Option::<String>::None),
        )
        .filter(eco_job::Column::Id.eq(job.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// A random free index in the status list: sixteen random candidates checked in one query
/// (the list has 131,072 entries, so one is almost always free), the whole list read only
/// when it is nearly full.
async fn free_status_index<C: ConnectionTrait>(txn: &C) -> DomainResult<usize> {
    use rand::Rng;
    let mut rng = rand::rngs::StdRng::from_os_rng();
    let candidates: Vec<i32> = (0..16)
        .filter_map(|_| i32::try_from(rng.random_range(0..status::MIN_ENTRIES)).ok())
        .collect();
    let taken: std::collections::HashSet<i32> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::StatusIndex)
        .filter(certificate::Column::StatusList.eq(STATUS_LIST))
        .filter(certificate::Column::StatusIndex.is_in(candidates.clone()))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    if let Some(free) = candidates.iter().find(|c| !taken.contains(c)) {
        return Ok(usize::try_from(*free).unwrap_or_default());
    }
    let used: std::collections::HashSet<i32> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::StatusIndex)
        .filter(certificate::Column::StatusList.eq(STATUS_LIST))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    Ok(status::choose_unused_index(
        &mut rng,
        status::MIN_ENTRIES,
        |i| i32::try_from(i).is_ok_and(|i| used.contains(&i)),
    )?)
}
