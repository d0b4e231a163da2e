//! Verification of a presented e-CO, reported as three separate checks — integrity (the
//! signature), status (validity period and revocation bit) and issuer identity (DID document,
//! assertionMethod, trusted issuer) — each with human-readable reasons. Bad input of any kind
//! yields reasons, never a panic.
//!
//! Verification is two-phase so that it stays free of I/O: [`Presented::read`] parses the bytes
//! and tells what must be fetched (the issuer's DID document, the status list credential); the
//! caller fetches them however it likes and passes them to [`verify`] as [`Evidence`].

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;

use super::did::{listed_key, resolve_assertion_key};
use super::proof::{self, parse_datetime};
use super::status::{self, REVOCATION, StatusEntry, StatusList};

/// The largest credential accepted (a 50-line certificate is about 40 KB).
pub const MAX_CREDENTIAL_BYTES: usize = 1024 * 1024;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    /// Could not be decided, e.g. the status list could not be fetched.
    NotChecked,
}

/// One of the three checks with the reasons for its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub outcome: Outcome,
    pub reasons: Vec<String>,
}

impl Check {
    fn passed(reason: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Passed,
            reasons: vec![reason.into()],
        }
    }

    fn failed(reason: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Failed,
            reasons: vec![reason.into()],
        }
    }

    fn not_checked(reason: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::NotChecked,
            reasons: vec![reason.into()],
        }
    }

    pub fn is_passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }
}

/// The answer to "is this e-CO genuine and in force?", as `POST /api/v1/eco/verify` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerificationReport {
    pub integrity: Check,
    pub status: Check,
    pub issuer: Check,
    /// True only when all three checks passed.
    pub valid: bool,
    /// The certificate or reference number, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// True when the revocation bit is set (the server adds "replaced by N" from its records).
    pub revoked: bool,
}

impl VerificationReport {
    fn new(
        integrity: Check,
        status: Check,
        issuer: Check,
        number: Option<String>,
        revoked: bool,
    ) -> Self {
        let valid = integrity.is_passed() && status.is_passed() && issuer.is_passed();
        Self {
            integrity,
            status,
            issuer,
            valid,
            number,
            revoked,
        }
    }

    /// The report for input that is not a credential at all (`reason` says why).
    pub fn unreadable(reason: String) -> Self {
        let skip = "not checked: the credential could not be read";
        Self::new(
            Check::failed(reason),
            Check::not_checked(skip),
            Check::not_checked(skip),
            None,
            false,
        )
    }
}

/// A parsed credential and what a verifier must fetch for it.
#[derive(Debug, Clone)]
pub struct Presented {
    credential: Value,
    issuer: Option<String>,
    status_entry: Result<StatusEntry, String>,
}

impl Presented {
    /// Parses presented bytes (a VC JSON upload or API body).
    pub fn read(bytes: &[u8]) -> Result<Self, Box<VerificationReport>> {
        if bytes.len() > MAX_CREDENTIAL_BYTES {
            return Err(Box::new(VerificationReport::unreadable(format!(
                "the credential is {} bytes; at most {MAX_CREDENTIAL_BYTES} are accepted",
                bytes.len()
            ))));
        }
        let credential: Value = serde_json::from_slice(bytes).map_err(|e| {
            let reason = if e.is_eof() {
                format!("the credential is truncated: the JSON ends early ({e})")
            } else {
                format!("the credential is not valid JSON ({e})")
            };
            Box::new(VerificationReport::unreadable(reason))
        })?;
        Self::from_value(credential)
    }

    /// Accepts an already parsed credential.
    pub fn from_value(credential: Value) -> Result<Self, Box<VerificationReport>> {
        if !credential.is_object() {
            return Err(Box::new(VerificationReport::unreadable(
                "the credential is JSON but not an object".into(),
            )));
        }
        let issuer = match credential.get("issuer") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        let status_entry = status::read_entry(&credential).map_err(|e| e.to_string());
        Ok(Self {
            credential,
            issuer,
            status_entry,
        })
    }

    /// The issuer DID whose document the caller should resolve.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The status list credential URL the caller should fetch.
    pub fn status_list_url(&self) -> Option<&str> {
        self.status_entry.as_ref().ok().map(|e| e.list_url.as_str())
    }

    pub fn credential(&self) -> &Value {
        &self.credential
    }

    /// The certificate or reference number in the subject.
    pub fn number(&self) -> Option<&str> {
        self.credential
            .get("credentialSubject")
            .and_then(|s| s.get("number"))
            .and_then(Value::as_str)
    }
}

/// What the caller fetched for a [`Presented`] credential, and whom it trusts.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// The issuer's DID document; `None` when it could not be resolved.
    pub did_document: Option<&'a Value>,
    /// The status list: fetched as a credential, already checked (cached), or unavailable.
    pub status_list: StatusListEvidence<'a>,
    /// DIDs whose e-COs are accepted (this site, configured issuing bodies).
    pub trusted_issuers: &'a [String],
    pub now: DateTime<Utc>,
}

/// The status list a verifier has for a credential.
#[derive(Debug, Clone, Copy)]
pub enum StatusListEvidence<'a> {
    /// It could not be fetched; the status check is then "not checked".
    Unavailable,
    /// The status list credential as fetched; it is checked on every call.
    Credential(&'a Value),
    /// A list checked once with [`CheckedStatusList::check`] and cached by the caller.
    Checked(&'a CheckedStatusList),
}

/// A status list credential checked once — issuer's key, signature, shape — and decoded, so
/// that verifying many certificates against the same list does not repeat that work. Cache it
/// per URL for as long as the list is considered fresh.
#[derive(Debug, Clone)]
pub struct CheckedStatusList {
    pub url: String,
    pub issuer: String,
    pub purpose: String,
    /// The list credential's own validity; a list outside it proves nothing.
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    list: StatusList,
}

impl CheckedStatusList {
    /// Checks `list_vc` against the issuer's DID document and decodes the list.
    pub fn check(list_vc: &Value, did_document: &Value) -> Result<Self, String> {
        let issuer = list_vc
            .get("issuer")
            .and_then(Value::as_str)
            .ok_or("the status list names no issuer")?;
        if did_document.get("id").and_then(Value::as_str) != Some(issuer) {
            return Err("the status list is not issued by the credential's issuer".into());
        }
        let summary =
            proof::inspect(list_vc).map_err(|e| format!("the status list's proof: {e}"))?;
        // Only a key the issuer lists for assertionMethod may sign its status list.
        let key = crate::eco::did::resolve_assertion_key(
            did_document,
            issuer,
            &summary.verification_method,
        )
        .map_err(|e| format!("the status list's signing key: {e}"))?;
        proof::verify(list_vc, &key)
            .map_err(|e| format!("the status list's signature does not hold: {e}"))?;
        let url = list_vc
            .get("id")
            .and_then(Value::as_str)
            .ok_or("the status list credential has no id")?;
        let purpose = list_vc
            .get("credentialSubject")
            .and_then(|s| s.get("statusPurpose"))
            .and_then(Value::as_str)
            .ok_or("the status list has no statusPurpose")?;
        let entry = StatusEntry {
            list_url: url.to_owned(),
            index: 0,
            purpose: purpose.to_owned(),
        };
        let list = status::read_list_credential(list_vc, &entry).map_err(|e| e.to_string())?;
        let time = |name: &str| -> Result<Option<DateTime<Utc>>, String> {
            match list_vc.get(name) {
                None => Ok(None),
                Some(v) => v
                    .as_str()
                    .and_then(proof::parse_datetime)
                    .map(Some)
                    .ok_or_else(|| format!("the status list's {name} is not a date-time")),
            }
        };
        Ok(Self {
            url: url.to_owned(),
            issuer: issuer.to_owned(),
            purpose: purpose.to_owned(),
            valid_from: time("validFrom")?,
            valid_until: time("validUntil")?,
            list,
        })
    }

    pub fn list(&self) -> &StatusList {
        &self.list
    }
}

/// Parses and verifies in one go.
pub fn verify_bytes(bytes: &[u8], evidence: &Evidence<'_>) -> VerificationReport {
    match Presented::read(bytes) {
        Ok(p) => verify(&p, evidence),
        Err(report) => *report,
    }
}

/// Runs the three checks.
pub fn verify(presented: &Presented, evidence: &Evidence<'_>) -> VerificationReport {
    let vc = &presented.credential;
    let summary = proof::inspect(vc);
    let issuer = check_issuer(presented, summary.as_ref().ok(), evidence);
    let integrity = check_integrity(presented, &summary, evidence);
    let (status, revoked) = check_status(presented, evidence);
    VerificationReport::new(
        integrity,
        status,
        issuer,
        presented.number().map(str::to_owned),
        revoked,
    )
}

fn check_integrity(
    presented: &Presented,
    summary: &Result<proof::ProofSummary, proof::ProofError>,
    evidence: &Evidence<'_>,
) -> Check {
    let summary = match summary {
        Ok(s) => s,
        Err(e) => return Check::failed(e.to_string()),
    };
    let Some(doc) = evidence.did_document else {
        return Check::not_checked(
            "the issuer's DID document could not be resolved, so the signing key is unknown",
        );
    };
    let method = &summary.verification_method;
    let Some(key) = listed_key(doc, method) else {
        return Check::failed(format!(
            "the signing key {method} is unknown or not an Ed25519 Multikey in the issuer's DID document"
        ));
    };
    match proof::verify(&presented.credential, &key) {
        Ok(()) => Check::passed(format!("the eddsa-jcs-2022 signature by {method} is valid")),
        Err(e) => Check::failed(e.to_string()),
    }
}

fn check_issuer(
    presented: &Presented,
    summary: Option<&proof::ProofSummary>,
    evidence: &Evidence<'_>,
) -> Check {
    let Some(issuer) = presented.issuer() else {
        return Check::failed("the credential names no issuer");
    };
    let Some(summary) = summary else {
        return Check::not_checked("the proof is unreadable, so the signing key is unknown");
    };
    let Some(doc) = evidence.did_document else {
        return Check::failed(format!(
            "the DID document of {issuer} could not be resolved"
        ));
    };
    let mut reasons = Vec::new();
    let mut ok = true;
    match resolve_assertion_key(doc, issuer, &summary.verification_method) {
        Ok(_) => reasons.push(format!(
            "{} is an assertionMethod of {issuer}",
            summary.verification_method
        )),
        Err(problem) => {
            ok = false;
            reasons.push(problem.to_string());
        }
    }
    if evidence.trusted_issuers.iter().any(|t| t == issuer) {
        reasons.push(format!("{issuer} is a trusted issuer"));
    } else {
        ok = false;
        reasons.push(format!("{issuer} is not on the list of trusted issuers"));
    }
    Check {
        outcome: if ok { Outcome::Passed } else { Outcome::Failed },
        reasons,
    }
}

fn check_status(presented: &Presented, evidence: &Evidence<'_>) -> (Check, bool) {
    let vc = &presented.credential;
    let mut reasons = Vec::new();
    let stamp = |d: DateTime<Utc>| d.to_rfc3339_opts(SecondsFormat::Secs, true);
    match vc
        .get("validFrom")
        .and_then(Value::as_str)
        .map(|s| (s, parse_datetime(s)))
    {
        Some((_, Some(from))) if from > evidence.now => {
            return (
                Check::failed(format!("not yet valid: valid from {}", stamp(from))),
                false,
            );
        }
        Some((_, Some(_))) => {}
        Some((raw, None)) => {
            return (
                Check::failed(format!("validFrom \u{201c}{raw}\u{201d} is not a dateTime")),
                false,
            );
        }
        None => return (Check::failed("the credential has no validFrom"), false),
    }
    match vc
        .get("validUntil")
        .and_then(Value::as_str)
        .map(|s| (s, parse_datetime(s)))
    {
        Some((_, Some(until))) if until < evidence.now => {
            return (
                Check::failed(format!("expired: valid until {}", stamp(until))),
                false,
            );
        }
        Some((_, Some(until))) => reasons.push(format!(
            "within its validity period (until {})",
            stamp(until)
        )),
        Some((raw, None)) => {
            return (
                Check::failed(format!(
                    "validUntil \u{201c}{raw}\u{201d} is not a dateTime"
                )),
                false,
            );
        }
        None => return (Check::failed("the credential has no validUntil"), false),
    }
    let entry = match &presented.status_entry {
        Ok(e) => e,
        Err(e) => return (Check::failed(e.clone()), false),
    };
    if entry.purpose != REVOCATION {
        return (
            Check::failed(format!(
                "status purpose \u{201c}{}\u{201d} is not revocation",
                entry.purpose
            )),
            false,
        );
    }
    let owned;
    let checked: &CheckedStatusList = match evidence.status_list {
        StatusListEvidence::Unavailable => {
            let mut c = Check::not_checked(format!(
                "the status list {} could not be fetched",
                entry.list_url
            ));
            c.reasons.splice(0..0, reasons);
            return (c, false);
        }
        StatusListEvidence::Credential(list_vc) => {
            let Some(doc) = evidence.did_document else {
                return (
                    Check::not_checked(
                        "the issuer's DID document could not be resolved, so the status list's signature cannot be checked",
                    ),
                    false,
                );
            };
            match CheckedStatusList::check(list_vc, doc) {
                Ok(c) => {
                    owned = c;
                    &owned
                }
                Err(e) => return (Check::failed(e), false),
            }
        }
        StatusListEvidence::Checked(c) => c,
    };
    if checked.url != entry.list_url {
        return (
            Check::failed(format!(
                "the status list given is {} but the credential points to {}",
                checked.url, entry.list_url
            )),
            false,
        );
    }
    if Some(checked.issuer.as_str()) != presented.issuer() {
        return (
            Check::failed("the status list is not issued by the credential's issuer"),
            false,
        );
    }
    let stamp_opt = |d: Option<DateTime<Utc>>| d.map(stamp).unwrap_or_else(|| "-".to_owned());
    if checked.valid_from.is_some_and(|f| evidence.now < f)
        || checked.valid_until.is_some_and(|u| evidence.now > u)
    {
        return (
            Check::failed(format!(
                "the status list is not valid now (valid from {} until {})",
                stamp_opt(checked.valid_from),
                stamp_opt(checked.valid_until)
            )),
            false,
        );
    }
    if checked.purpose != entry.purpose {
        return (
            Check::failed(format!(
                "the status list's purpose is {}, the credential's entry says {}",
                checked.purpose, entry.purpose
            )),
            false,
        );
    }
    let list = &checked.list;
    match list.get(entry.index) {
        Ok(true) => (
            Check::failed(format!(
                "revoked: bit {} of {} is set",
                entry.index, entry.list_url
            )),
            true,
        ),
        Ok(false) => {
            reasons.push("not revoked".into());
            (
                Check {
                    outcome: Outcome::Passed,
                    reasons,
                },
                false,
            )
        }
        Err(e) => (Check::failed(e.to_string()), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eco::content::OriginContent;
    use crate::eco::content::tests::valid_declaration;
    use crate::eco::did::{DidWeb, did_document};
    use crate::eco::keys::{IssuerKey, KeyRing};
    use crate::eco::proof::ProofOptions;
    use crate::eco::status::{MIN_ENTRIES, StatusList, status_list_credential};
    use crate::eco::vc::{self, tests::settings};
    use serde_json::json;

    struct Fixture {
        vc: Value,
        did_doc: Value,
        list_vc: Value,
        trusted: Vec<String>,
        key: IssuerKey,
    }

    fn fixture_with(list: &StatusList) -> Fixture {
        let key = IssuerKey::from_secret_bytes(&[42; 32]);
        let did = DidWeb::parse("did:web:shop.example").unwrap();
        let content = OriginContent::new(valid_declaration()).unwrap();
        let vc = vc::issue(&content, &settings(), &key).unwrap();
        let issued = settings().issued_at;
        let list_vc = proof::sign(
            status_list_credential("https://shop.example/status/1", did.as_str(), list, issued),
            &key,
            &ProofOptions {
                verification_method: key.verification_method(did.as_str()),
                created: issued,
            },
        )
        .unwrap();
        let ring = KeyRing::new(IssuerKey::from_secret_bytes(&[42; 32]));
        Fixture {
            vc,
            did_doc: did_document(&did, &ring),
            list_vc,
            trusted: vec![did.to_string()],
            key,
        }
    }

    fn fixture() -> Fixture {
        fixture_with(&StatusList::new(MIN_ENTRIES).unwrap())
    }

    fn now() -> DateTime<Utc> {
        parse_datetime("2027-01-15T00:00:00Z").unwrap()
    }

    fn run(f: &Fixture, vc: &Value) -> VerificationReport {
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Credential(&f.list_vc),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        verify_bytes(&serde_json::to_vec(vc).unwrap(), &evidence)
    }

    fn reasons(c: &Check) -> String {
        c.reasons.join(" | ")
    }

    #[test]
    fn accepts_a_genuine_certificate_on_all_three_checks() {
        let f = fixture();
        let r = run(&f, &f.vc);
        assert!(r.valid, "{r:#?}");
        assert_eq!(r.number.as_deref(), Some("PF-DOO-2026-000042"));
    }

    #[test]
    fn rejects_truncated_json() {
        let f = fixture();
        let bytes = serde_json::to_vec(&f.vc).unwrap();
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Unavailable,
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(&bytes[..bytes.len() / 2], &evidence);
        assert!(!r.valid);
        assert!(reasons(&r.integrity).contains("truncated"), "{r:?}");
        assert_eq!(r.status.outcome, Outcome::NotChecked);
    }

    #[test]
    fn rejects_non_json_input() {
        let f = fixture();
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Unavailable,
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(b"%PDF-1.7 not json", &evidence);
        assert!(reasons(&r.integrity).contains("not valid JSON"), "{r:?}");
        let r = verify_bytes(b"[1,2,3]", &evidence);
        assert!(reasons(&r.integrity).contains("not an object"), "{r:?}");
    }

    #[test]
    fn rejects_a_wrong_cryptosuite() {
        let f = fixture();
        let mut vc = f.vc.clone();
        vc["proof"]["cryptosuite"] = json!("ecdsa-jcs-2019");
        let r = run(&f, &vc);
        assert_eq!(r.integrity.outcome, Outcome::Failed);
        assert!(
            reasons(&r.integrity).contains("only eddsa-jcs-2022"),
            "{r:?}"
        );
    }

    #[test]
    fn rejects_a_proof_context_mismatch() {
        let f = fixture();
        let mut vc = f.vc.clone();
        vc["proof"]["@context"] = json!(["https://example.org/other"]);
        let r = run(&f, &vc);
        assert!(reasons(&r.integrity).contains("@context"), "{r:?}");
    }

    #[test]
    fn rejects_a_changed_field() {
        let f = fixture();
        let mut vc = f.vc.clone();
        vc["credentialSubject"]["goods"][0]["hsCode"] = json!("940171");
        let r = run(&f, &vc);
        assert_eq!(r.integrity.outcome, Outcome::Failed);
        assert!(r.issuer.is_passed() && r.status.is_passed());
    }

    #[test]
    fn rejects_an_unknown_key() {
        let f = fixture();
        let mut doc = f.did_doc.clone();
        doc["verificationMethod"] = json!([]);
        doc["assertionMethod"] = json!([]);
        let evidence = Evidence {
            did_document: Some(&doc),
            status_list: StatusListEvidence::Credential(&f.list_vc),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert!(
            reasons(&r.integrity).contains("unknown or not an Ed25519"),
            "{r:?}"
        );
        assert!(reasons(&r.issuer).contains("is not listed"), "{r:?}");
    }

    #[test]
    fn rejects_a_non_ed25519_key() {
        let f = fixture();
        let mut doc = f.did_doc.clone();
        doc["verificationMethod"][0]["type"] = json!("JsonWebKey");
        doc["verificationMethod"][0]["publicKeyMultibase"] =
            json!("zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv");
        let evidence = Evidence {
            did_document: Some(&doc),
            status_list: StatusListEvidence::Credential(&f.list_vc),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert!(
            reasons(&r.issuer).contains("not a Multikey with an Ed25519"),
            "{r:?}"
        );
        assert_eq!(r.integrity.outcome, Outcome::Failed);
    }

    #[test]
    fn rejects_a_key_not_in_assertion_method() {
        let f = fixture();
        let mut doc = f.did_doc.clone();
        doc["assertionMethod"] = json!([]);
        let evidence = Evidence {
            did_document: Some(&doc),
            status_list: StatusListEvidence::Credential(&f.list_vc),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert!(r.integrity.is_passed(), "the signature itself is fine");
        assert!(
            reasons(&r.issuer).contains("not as an assertionMethod"),
            "{r:?}"
        );
        assert!(!r.valid);
    }

    #[test]
    fn rejects_an_untrusted_issuer() {
        let f = fixture();
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Credential(&f.list_vc),
            trusted_issuers: &[],
            now: now(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert!(
            reasons(&r.issuer).contains("not on the list of trusted issuers"),
            "{r:?}"
        );
    }

    #[test]
    fn rejects_an_expired_certificate() {
        let f = fixture();
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Credential(&f.list_vc),
            trusted_issuers: &f.trusted,
            now: parse_datetime("2027-11-21T00:00:00Z").unwrap(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert!(
            reasons(&r.status).contains("expired: valid until 2027-11-20T23:59:59Z"),
            "{r:?}"
        );
        assert!(r.integrity.is_passed() && !r.valid);
    }

    #[test]
    fn rejects_a_revoked_certificate() {
        let mut list = StatusList::new(MIN_ENTRIES).unwrap();
        list.set(settings().status_index).unwrap();
        let f = fixture_with(&list);
        let r = run(&f, &f.vc);
        assert!(r.revoked && !r.valid);
        assert!(reasons(&r.status).contains("revoked"), "{r:?}");
    }

    #[test]
    fn rejects_a_malformed_status_list() {
        let f = fixture();
        let mut list_vc = f.list_vc.clone();
        list_vc["credentialSubject"]["encodedList"] = json!("uAAAAAAAA");
        list_vc = proof::sign(
            list_vc,
            &f.key,
            &ProofOptions {
                verification_method: f.key.verification_method("did:web:shop.example"),
                created: now(),
            },
        )
        .unwrap();
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Credential(&list_vc),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert!(reasons(&r.status).contains("not GZIP"), "{r:?}");
    }

    #[test]
    fn rejects_a_forged_status_list() {
        let f = fixture();
        let mut list_vc = f.list_vc.clone();
        list_vc["validFrom"] = json!("2030-01-01T00:00:00Z");
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Credential(&list_vc),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert!(
            reasons(&r.status).contains("status list's signature"),
            "{r:?}"
        );
    }

    #[test]
    fn accepts_a_status_list_checked_once_and_rejects_one_for_another_url() {
        let f = fixture();
        let checked = CheckedStatusList::check(&f.list_vc, &f.did_doc).unwrap();
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Checked(&checked),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        assert!(verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence).valid);
        let mut other = f.vc.clone();
        other["credentialStatus"]["statusListCredential"] = json!("https://shop.example/status/2");
        let p = Presented::from_value(other).unwrap();
        let r = verify(&p, &evidence);
        assert!(
            reasons(&r.status).contains("points to https://shop.example/status/2"),
            "{r:?}"
        );
    }

    #[test]
    fn reports_status_not_checked_when_the_list_cannot_be_fetched() {
        let f = fixture();
        let evidence = Evidence {
            did_document: Some(&f.did_doc),
            status_list: StatusListEvidence::Unavailable,
            trusted_issuers: &f.trusted,
            now: now(),
        };
        let r = verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence);
        assert_eq!(r.status.outcome, Outcome::NotChecked);
        assert!(!r.valid);
    }

    #[test]
    fn old_certificates_verify_after_key_rotation() {
        let f = fixture();
        let did = DidWeb::parse("did:web:shop.example").unwrap();
        let mut ring = KeyRing::new(IssuerKey::from_secret_bytes(&[42; 32]));
        ring.rotate(IssuerKey::from_secret_bytes(&[43; 32]), now());
        let doc = did_document(&did, &ring);
        let evidence = Evidence {
            did_document: Some(&doc),
            status_list: StatusListEvidence::Credential(&f.list_vc),
            trusted_issuers: &f.trusted,
            now: now(),
        };
        assert!(verify_bytes(&serde_json::to_vec(&f.vc).unwrap(), &evidence).valid);
    }

    #[test]
    fn report_serialises_the_three_checks_and_valid() {
        let f = fixture();
        let json = serde_json::to_value(run(&f, &f.vc)).unwrap();
        assert_eq!(json["integrity"]["outcome"], "passed");
        assert_eq!(json["valid"], true);
        assert!(json["status"]["reasons"].is_array());
    }
}
