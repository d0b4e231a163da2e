//! The W3C Verifiable Credential 2.0 form of an e-CO: `RcepCertificateOfOrigin` or
//! `RcepDeclarationOfOrigin`, with validity, status entry, schema reference and the authority
//! artefact bound by digest — checked against the shipped JSON Schema, then signed.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::content::OriginContent;
use super::keys::IssuerKey;
use super::proof::{self, ProofError, ProofOptions};
use super::status;

/// The JSON Schema of the credential (draft 2020-12), shipped with the library.
pub const SCHEMA_JSON: &str = include_str!("schema/rcep-origin-credential.schema.json");
/// The VC 2.0 base context. eddsa-jcs-2022 signs the JSON itself, so no verifier has to fetch
/// a context; the second one, hosted by the issuing site ([`context_document`]), gives the
/// RCEP terms their own vocabulary instead of the v2 context's issuer-dependent one.
pub const VC_CONTEXT_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// The JSON-LD context for the RCEP terms, as hosted at `context_url`: every term of the
/// credential subject (and the two credential types) in the vocabulary `<context_url>#`.
pub fn context_document(context_url: &str) -> Value {
    let vocab = format!("{context_url}#");
    json!({
        "@context": {
            "@version": 1.1,
            "@protected": true,
            "@vocab": vocab,
            "RcepCertificateOfOrigin": format!("{vocab}RcepCertificateOfOrigin"),
            "RcepDeclarationOfOrigin": format!("{vocab}RcepDeclarationOfOrigin"),
            "issueDate": { "@id": format!("{vocab}issueDate"), "@type": "http://www.w3.org/2001/XMLSchema#date" },
        }
    })
}

static SCHEMA: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(SCHEMA_JSON).map_err(|e| e.to_string())?;
    jsonschema::validator_for(&schema).map_err(|e| e.to_string())
});

/// Why a credential could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CredentialError {
    #[error("the credential does not match its JSON Schema: {}", .0.join("; "))]
    Schema(Vec<String>),
    #[error("the shipped JSON Schema cannot be loaded: {0}")]
    SchemaUnavailable(String),
    #[error("signing failed: {0}")]
    Proof(#[from] ProofError),
}

impl From<CredentialError> for crate::DomainError {
    fn from(e: CredentialError) -> Self {
        crate::DomainError::invalid("e-CO credential", e.to_string())
    }
}

/// A document of the issuing authority (its own signed certificate, PDF or XML) bound to the
/// credential by its SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityArtefact {
    /// Where the artefact can be fetched, or a URN naming it.
    pub id: String,
    pub media_type: String,
    pub sha256: [u8; 32],
}

impl AuthorityArtefact {
    /// Digests `bytes`.
    pub fn of_bytes(id: impl Into<String>, media_type: impl Into<String>, bytes: &[u8]) -> Self {
        Self {
            id: id.into(),
            media_type: media_type.into(),
            sha256: Sha256::digest(bytes).into(),
        }
    }

    /// Subresource-integrity form: `sha256-<base64>`.
    pub fn digest_sri(&self) -> String {
        format!("sha256-{}", STANDARD.encode(self.sha256))
    }
}

/// Everything about a credential that is not the origin content.
#[derive(Debug, Clone)]
pub struct CredentialSettings {
    /// The credential's id: its public URL, e.g. `https://shop.example/api/v1/eco/PF-DOO-2026-000042`.
    pub id: String,
    /// The issuer's DID (`did:web:…`).
    pub issuer: String,
    /// When it is issued; becomes `validFrom` (validUntil is the end of the content's last day).
    pub issued_at: DateTime<Utc>,
    /// URL of the status list credential and this certificate's index in it.
    pub status_list_url: String,
    pub status_index: usize,
    /// URL at which the JSON Schema is published.
    pub schema_url: String,
    /// URL of the hosted JSON-LD context for the RCEP terms ([`context_document`]).
    pub context_url: String,
    pub authority_artefact: Option<AuthorityArtefact>,
}

/// The unsigned credential for `content`.
pub fn credential(
    content: &OriginContent,
    settings: &CredentialSettings,
) -> Result<Value, CredentialError> {
    let subject =
        serde_json::to_value(content).map_err(|e| CredentialError::Schema(vec![e.to_string()]))?;
    let valid_until = content
        .data()
        .valid_until
        .and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default())
        .and_utc();
    let mut vc = Map::new();
    vc.insert(
        "@context".into(),
        json!([VC_CONTEXT_V2, settings.context_url.clone()]),
    );
    vc.insert("id".into(), Value::from(settings.id.clone()));
    vc.insert(
        "type".into(),
        json!(["VerifiableCredential", content.kind().credential_type()]),
    );
    vc.insert("issuer".into(), Value::from(settings.issuer.clone()));
    vc.insert(
        "validFrom".into(),
        Value::from(
            settings
                .issued_at
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
    );
    vc.insert(
        "validUntil".into(),
        Value::from(valid_until.to_rfc3339_opts(SecondsFormat::Secs, true)),
    );
    vc.insert("credentialSubject".into(), subject);
    vc.insert(
        "credentialStatus".into(),
        status::status_entry(&settings.status_list_url, settings.status_index),
    );
    vc.insert(
        "credentialSchema".into(),
        json!({ "id": settings.schema_url, "type": "JsonSchema" }),
    );
    if let Some(a) = &settings.authority_artefact {
        vc.insert(
            "relatedResource".into(),
            json!([{ "id": a.id, "mediaType": a.media_type, "digestSRI": a.digest_sri() }]),
        );
    }
    let vc = Value::Object(vc);
    check_schema(&vc)?;
    Ok(vc)
}

/// Checks a credential against the shipped schema, listing every violation with its path.
pub fn check_schema(vc: &Value) -> Result<(), CredentialError> {
    let validator = SCHEMA
        .as_ref()
        .map_err(|e| CredentialError::SchemaUnavailable(e.clone()))?;
    // The fast yes/no first; the error walk only for a credential that fails.
    if validator.is_valid(vc) {
        return Ok(());
    }
    let errors: Vec<String> = validator
        .iter_errors(vc)
        .take(20)
        .map(|e| {
            let path = e.instance_path().as_str().to_owned();
            let path = if path.is_empty() {
                "/".to_owned()
            } else {
                path
            };
            format!("{path}: {e}")
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CredentialError::Schema(errors))
    }
}

/// Builds, schema-checks and signs the credential with `key`, whose DID URL is
/// `issuer#publicKeyMultibase`. The proof's `created` is `issued_at`.
pub fn issue(
    content: &OriginContent,
    settings: &CredentialSettings,
    key: &IssuerKey,
) -> Result<Value, CredentialError> {
    let vc = credential(content, settings)?;
    let options = ProofOptions {
        verification_method: key.verification_method(&settings.issuer),
        created: settings.issued_at,
    };
    Ok(proof::sign(vc, key, &options)?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::eco::content::OriginContentData;
    use crate::eco::content::tests::valid_declaration;

    pub(crate) fn settings() -> CredentialSettings {
        CredentialSettings {
            id: "https://shop.example/api/v1/eco/PF-DOO-2026-000042".into(),
            issuer: "did:web:shop.example".into(),
            issued_at: proof::parse_datetime("2026-11-20T08:30:00Z").unwrap(),
            status_list_url: "https://shop.example/status/1".into(),
            status_index: 94_567,
            schema_url: "https://shop.example/schemas/rcep-origin-credential/v1.json".into(),
            context_url: "https://shop.example/contexts/rcep-origin/v1.jsonld".into(),
            authority_artefact: None,
        }
    }

    #[test]
    fn the_hosted_context_gives_every_term_the_rcep_vocabulary() {
        let c = context_document("https://shop.example/contexts/rcep-origin/v1.jsonld");
        assert_eq!(
            c["@context"]["@vocab"],
            "https://shop.example/contexts/rcep-origin/v1.jsonld#"
        );
        assert_eq!(c["@context"]["@protected"], true);
        assert!(c["@context"]["RcepDeclarationOfOrigin"].is_string());
    }

    #[test]
    fn credential_has_the_vc_2_shape() {
        let content = OriginContent::new(valid_declaration()).unwrap();
        let vc = credential(&content, &settings()).unwrap();
        assert_eq!(
            vc["type"],
            json!(["VerifiableCredential", "RcepDeclarationOfOrigin"])
        );
        assert_eq!(
            vc["@context"],
            json!([
                VC_CONTEXT_V2,
                "https://shop.example/contexts/rcep-origin/v1.jsonld"
            ])
        );
        assert_eq!(vc["validFrom"], "2026-11-20T08:30:00Z");
        assert_eq!(vc["validUntil"], "2027-11-20T23:59:59Z");
        assert_eq!(vc["credentialStatus"]["statusListIndex"], "94567");
        assert_eq!(
            vc["credentialSubject"]["goods"][0]["fobValue"]["amount"],
            "1250.00"
        );
        let back: OriginContentData =
            serde_json::from_value(vc["credentialSubject"].clone()).unwrap();
        assert_eq!(back, *content.data());
    }

    #[test]
    fn binds_the_authority_artefact_by_digest() {
        let content = OriginContent::new(valid_declaration()).unwrap();
        let mut s = settings();
        s.authority_artefact = Some(AuthorityArtefact::of_bytes(
            "urn:authority:CO-1",
            "application/pdf",
            b"abc",
        ));
        let vc = credential(&content, &s).unwrap();
        assert_eq!(
            vc["relatedResource"][0]["digestSRI"],
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn schema_rejects_fob_value_on_a_non_rvc_line() {
        let content = OriginContent::new(valid_declaration()).unwrap();
        let mut vc = credential(&content, &settings()).unwrap();
        vc["credentialSubject"]["goods"][1]["fobValue"] = json!({"amount": "1", "currency": "USD"});
        let err = check_schema(&vc).unwrap_err().to_string();
        assert!(err.contains("/credentialSubject/goods/1"), "{err}");
    }

    #[test]
    fn schema_rejects_numbers_where_decimals_must_be_strings() {
        let content = OriginContent::new(valid_declaration()).unwrap();
        let mut vc = credential(&content, &settings()).unwrap();
        vc["credentialSubject"]["goods"][0]["quantity"]["value"] = json!(40);
        let err = check_schema(&vc).unwrap_err().to_string();
        assert!(
            err.contains("/credentialSubject/goods/0/quantity/value"),
            "{err}"
        );
    }

    #[test]
    fn schema_file_is_valid_json_schema() {
        assert!(SCHEMA.is_ok(), "{:?}", SCHEMA.as_ref().err());
    }
}
