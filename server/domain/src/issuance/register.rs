//! The register of issued certificates: look one up, publish the status list, verify a
//! presented credential against this site's DID and list, revoke or replace (irreversible),
//! retry a job after the data was fixed, and draw the PDF of a stored credential.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Issuer, STATUS_LIST};
use crate::eco::content::OriginContent;
use crate::eco::did;
use crate::eco::proof::{self, ProofOptions};
use crate::eco::status::{self, StatusList};
use crate::eco::verify::{self, CheckedStatusList, Evidence, Presented, StatusListEvidence};
use crate::eco::{VerificationReport, pdf};
use crate::entities::{certificate, eco_job, order};
use crate::trade::certificates::{self, PENDING, REJECTED, RETRYING, REVOKED, VALID};
use crate::trade::views::{CertificateVerification, CheckView, VerifiedGoods};
use crate::{DomainError, DomainResult};

/// A certificate by its number.
pub async fn by_number<C: ConnectionTrait>(
    db: &C,
    number: &str,
) -> DomainResult<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number.trim()))
        .one(db)
        .await?)
}

/// The signed status list as served, with its entity tag.
#[derive(Debug, Clone)]
pub struct PublishedList {
    pub json: Arc<str>,
    pub etag: Arc<str>,
    pub checked: Arc<CheckedStatusList>,
}

/// The status list, signed once per change of the revocations (`(count, newest revocation)`
/// is the version), shared by the `/status/…` route and local verification.
#[derive(Debug, Default)]
pub struct StatusListCache {
    current: Mutex<Option<(ListVersion, PublishedList)>>,
}

/// What a published list reflects: the number of revocations and the newest one.
type ListVersion = (u64, Option<DateTime<Utc>>);

impl StatusListCache {
    /// The list as it stands now (signing it again only when a revocation happened since).
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        issuer: &Issuer,
    ) -> DomainResult<PublishedList> {
        let revoked = certificate::Entity::find()
            .filter(certificate::Column::StatusList.eq(STATUS_LIST))
            .filter(certificate::Column::Status.eq(REVOKED));
        let count = revoked.clone().count(db).await?;
        let newest: Option<DateTime<Utc>> = revoked
            .clone()
            .select_only()
            .column(certificate::Column::RevokedAt)
            .order_by_desc(certificate::Column::RevokedAt)
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(db)
            .await?
            .flatten();
        let version = (count, newest);
        if let Ok(guard) = self.current.lock()
            && let Some((v, list)) = guard.as_ref()
            && *v == version
        {
            return Ok(list.clone());
        }
        let indices: Vec<i32> = revoked
            .select_only()
            .column(certificate::Column::StatusIndex)
            .into_tuple::<i32>()
            .all(db)
            .await?;
        let mut list = StatusList::new(status::MIN_ENTRIES)?;
        for i in indices {
            list.set(usize::try_from(i).unwrap_or(usize::MAX))?;
        }
        // validFrom is the last change, so the signed bytes only change with the list.
        let valid_from = newest.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let url = issuer.status_list_url(STATUS_LIST);
        let unsigned = status::status_list_credential(&url, issuer.did.as_str(), &list, valid_from);
        let signed = proof::sign(
            unsigned,
            &issuer.ring.current,
            &ProofOptions {
                verification_method: issuer.ring.current.verification_method(issuer.did.as_str()),
                created: valid_from,
            },
        )?;
        let did_doc = did::did_document(&issuer.did, &issuer.ring);
        let checked = CheckedStatusList::check(&signed, &did_doc)
            .map_err(|e| DomainError::invalid("status list", e))?;
        let json = serde_json::to_string(&signed)
            .map_err(|e| DomainError::invalid("status list", e.to_string()))?;
        let etag = format!(
            "\"{}\"",
            hex::encode(&Sha256::digest(json.as_bytes())[..16])
        );
        let published = PublishedList {
            json: json.into(),
            etag: etag.into(),
            checked: Arc::new(checked),
        };
        if let Ok(mut guard) = self.current.lock() {
            *guard = Some((version, published.clone()));
        }
        Ok(published)
    }
}

/// What the verify page and API add to the engine's report from the register: the record's
/// revocation, its replacement, and the public facts of the certificate (no prices).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RegisterFacts {
    pub revocation_reason: Option<String>,
    pub revoked_at: Option<String>,
    pub replaced_by: Option<String>,
}

/// A verification: the engine's three checks plus what the register knows.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    #[serde(flatten)]
    pub report: VerificationReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register: Option<RegisterFacts>,
}

/// Verifies a presented credential (bytes of JSON) against this site's DID document and
/// status list. Nothing is stored.
pub async fn verify_presented<C: ConnectionTrait>(
    db: &C,
    issuer: &Issuer,
    lists: &StatusListCache,
    presented: &Presented,
    now: DateTime<Utc>,
) -> DomainResult<Verification> {
    let ours = presented.issuer() == Some(issuer.did.as_str());
    let did_doc = did::did_document(&issuer.did, &issuer.ring);
    let list = if ours
        && presented.status_list_url() == Some(issuer.status_list_url(STATUS_LIST).as_str())
    {
        Some(lists.get(db, issuer).await?)
    } else {
        None
    };
    let trusted = issuer.trusted();
    let report = verify::verify(
        presented,
        &Evidence {
            did_document: ours.then_some(&did_doc),
            status_list: match &list {
                Some(l) => StatusListEvidence::Checked(&l.checked),
                None => StatusListEvidence::Unavailable,
            },
            trusted_issuers: &trusted,
            now,
        },
    );
    let register = match (ours, report.number.as_deref()) {
        (true, Some(number)) => by_number(db, number).await?.map(|c| register_facts(db, c)),
        _ => None,
    };
    let register = match register {
        Some(f) => Some(f.await?),
        None => None,
    };
    Ok(Verification { report, register })
}

async fn register_facts<C: ConnectionTrait>(
    db: &C,
    c: certificate::Model,
) -> DomainResult<RegisterFacts> {
    let replaced_by = match c.replaced_by_id {
        Some(id) => certificate::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| r.number),
        None => None,
    };
    Ok(RegisterFacts {
        revocation_reason: c.revocation_reason,
        revoked_at: c.revoked_at.map(crate::views::time_text),
        replaced_by,
    })
}

/// Verifies the stored certificate `number` (the public verify page); `None` for an unknown
/// number.
pub async fn verify_number<C: ConnectionTrait>(
    db: &C,
    issuer: &Issuer,
    lists: &StatusListCache,
    number: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<(certificate::Model, Verification)>> {
    let Some(c) = by_number(db, number).await? else {
        return Ok(None);
    };
    let presented = match Presented::read(c.credential.as_bytes()) {
        Ok(p) => p,
        Err(report) => {
            return Ok(Some((
                c,
                Verification {
                    report: *report,
                    register: None,
                },
            )));
        }
    };
    let v = verify_presented(db, issuer, lists, &presented, now).await?;
    Ok(Some((c, v)))
}

/// The origin content a stored credential carries (its subject).
pub fn content_of(c: &certificate::Model) -> DomainResult<(Value, OriginContent)> {
    let vc: Value = serde_json::from_str(&c.credential)
        .map_err(|e| DomainError::invalid("stored credential", e.to_string()))?;
    let subject = vc
        .get("credentialSubject")
        .cloned()
        .ok_or_else(|| DomainError::invalid("stored credential", "no credentialSubject"))?;
    let content: OriginContent = serde_json::from_value(subject)
        .map_err(|e| DomainError::invalid("stored credential", e.to_string()))?;
    Ok((vc, content))
}

/// The Form RCEP PDF of a stored certificate, its signed credential embedded.
pub fn render_pdf(
    issuer: &Issuer,
    c: &certificate::Model,
    now: DateTime<Utc>,
) -> DomainResult<Vec<u8>> {
    let (vc, content) = content_of(c)?;
    pdf::render(
        &content,
        &vc,
        &pdf::PdfOptions {
            verification_url: issuer.verify_url(&c.number),
            generated_at: now,
        },
    )
    .map_err(|e| DomainError::invalid("e-CO PDF", e.to_string()))
}

/// Staff revoke certificate `number` with `reason` (irreversible); with `replace`, a new
/// issuance job for the same order follows in the same transaction, its certificate
/// carrying `replaces`.
pub async fn revoke<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &str,
    number: &str,
    reason: &str,
    replace: bool,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let txn = db.begin().await?;
    super::write_lock_first(&txn).await?;
    revoke_in(&txn, actor, number, reason, replace, now).await?;
    txn.commit().await?;
    Ok(())
}

/// [`revoke`] inside the caller's transaction; returns the revoked certificate. The reason
/// is required (the verify page shows it).
pub(crate) async fn revoke_in<C: ConnectionTrait>(
    txn: &C,
    actor: &str,
    number: &str,
    reason: &str,
    replace: bool,
    now: DateTime<Utc>,
) -> DomainResult<certificate::Model> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::invalid(
            "reason",
            "say why the certificate is revoked (it is shown on the verify page)",
        ));
    }
    let c = by_number(txn, number)
        .await?
        .ok_or_else(|| DomainError::not_found(format!("certificate {}", number.trim())))?;
    if c.status != VALID {
        return Err(DomainError::Conflict(format!(
            "certificate {} is already revoked",
            c.number
        )));
    }
    certificates::revoke_rows(txn, certificate::Column::Id.eq(c.id), reason, actor, now).await?;
    if replace {
        let o = order::Entity::find_by_id(c.order_id).one(txn).await?;
        if o.is_some_and(|o| o.status == crate::trade::order::OrderStatus::Cancelled.as_str()) {
            return Err(DomainError::Conflict(
                "the order is cancelled: its certificate can be revoked, not replaced".to_owned(),
            ));
        }
        if !certificates::enqueue_issuance(txn, c.order_id, Some(c.id), now).await? {
            return Err(DomainError::Conflict(
                "a certificate for this order is already being issued".to_owned(),
            ));
        }
    }
    Ok(c)
}

/// Staff ask for another try after fixing the data (a rejected or retrying job goes now).
pub async fn retry<C: ConnectionTrait>(
    db: &C,
    order_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let res = eco_job::Entity::update_many()
        .col_expr(eco_job::Column::State, Expr::value(PENDING))
        .col_expr(eco_job::Column::NextAttemptAt, Expr::value(now))
        .col_expr(eco_job::Column::UpdatedAt, Expr::value(now))
        .filter(eco_job::Column::OpenOrderId.eq(order_id))
        .filter(eco_job::Column::State.is_in([REJECTED, RETRYING]))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// A certificate's number by id.
pub async fn number_of<C: ConnectionTrait>(db: &C, id: uuid::Uuid) -> DomainResult<Option<String>> {
    Ok(certificate::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|c| c.number))
}

/// A check as the pages and the API show it: its outcome and reasons.
pub fn check_view(c: &crate::eco::Check) -> CheckView {
    let json = serde_json::to_value(c).unwrap_or_default();
    CheckView {
        outcome: json
            .get("outcome")
            .and_then(Value::as_str)
            .unwrap_or("not_checked")
            .to_owned(),
        reasons: json
            .get("reasons")
            .and_then(|r| serde_json::from_value(r.clone()).ok())
            .unwrap_or_default(),
    }
}

/// What the public verify page shows of a stored certificate: its checks and its public
/// facts (parties' names and countries, dates, goods without values).
pub fn public_view(c: &certificate::Model, v: &Verification) -> CertificateVerification {
    let subject: Value = serde_json::from_str::<Value>(&c.credential)
        .ok()
        .and_then(|vc| vc.get("credentialSubject").cloned())
        .unwrap_or_default();
    let text = |path: &[&str]| {
        let mut at = &subject;
        for p in path {
            at = at.get(*p).unwrap_or(&Value::Null);
        }
        at.as_str().unwrap_or_default().to_owned()
    };
    let goods = subject
        .get("goods")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|g| {
                    let s = |k: &str| g.get(k).and_then(Value::as_str).unwrap_or_default();
                    let criterion = g.get("originCriterion");
                    let mut basis = criterion
                        .and_then(|c| c.get("basis"))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    for m in criterion
                        .and_then(|c| c.get("modifiers"))
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        basis.push(' ');
                        basis.push_str(m);
                    }
                    let q = g.get("quantity");
                    VerifiedGoods {
                        item_number: g
                            .get("itemNumber")
                            .and_then(Value::as_u64)
                            .and_then(|n| u32::try_from(n).ok())
                            .unwrap_or(0),
                        description: s("description").to_owned(),
                        hs_code: s("hsCode").to_owned(),
                        origin_criterion: basis,
                        country_of_origin: s("countryOfOrigin").to_owned(),
                        quantity: format!(
                            "{} {}",
                            q.and_then(|q| q.get("value"))
                                .and_then(Value::as_str)
                                .unwrap_or_default(),
                            q.and_then(|q| q.get("unit"))
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                        ),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let register = v.register.clone();
    CertificateVerification {
        number: c.number.clone(),
        kind: c.kind.clone(),
        issuer: serde_json::from_str::<Value>(&c.credential)
            .ok()
            .and_then(|vc| vc.get("issuer").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default(),
        exporter: text(&["exporter", "name"]),
        exporting_party: text(&["exportingParty"]),
        importing_party: text(&["importingParty"]),
        issue_date: text(&["issueDate"]),
        valid_until: text(&["validUntil"]),
        goods,
        integrity: check_view(&v.report.integrity),
        status: check_view(&v.report.status),
        issuer_check: check_view(&v.report.issuer),
        valid: v.report.valid,
        revoked: v.report.revoked || c.status == REVOKED,
        revocation_reason: register.as_ref().and_then(|r| r.revocation_reason.clone()),
        revoked_at: register.as_ref().and_then(|r| r.revoked_at.clone()),
        replaced_by: register.and_then(|r| r.replaced_by),
        replaces: None,
    }
}

/// Staff ask for another try of order `number`'s certificate after fixing its data.
pub async fn retry_order<C: ConnectionTrait>(
    db: &C,
    number: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let o = order::Entity::find()
        .filter(order::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found(format!("order {}", number.trim())))?;
    if retry(db, o.id, now).await? {
        Ok(())
    } else {
        Err(DomainError::Conflict(
            "this order's certificate is not waiting for a retry".to_owned(),
        ))
    }
}

/// What the verify page shows for an uploaded credential: the checks, its number, and from
/// the register whether it was revoked and by what replaced (no facts from the upload itself,
/// which may be tampered).
pub fn upload_view(v: &Verification) -> CertificateVerification {
    let register = v.register.clone();
    CertificateVerification {
        number: v.report.number.clone().unwrap_or_default(),
        integrity: check_view(&v.report.integrity),
        status: check_view(&v.report.status),
        issuer_check: check_view(&v.report.issuer),
        valid: v.report.valid,
        revoked: v.report.revoked,
        revocation_reason: register.as_ref().and_then(|r| r.revocation_reason.clone()),
        revoked_at: register.as_ref().and_then(|r| r.revoked_at.clone()),
        replaced_by: register.and_then(|r| r.replaced_by),
        ..CertificateVerification::default()
    }
}
