//! `did:web` identifiers and DID documents: the site's public origin becomes its DID, and the
//! document served at `/.well-known/did.json` lists every signing key (current and retired) as an
//! Ed25519 Multikey usable for `assertionMethod`.

use serde_json::{Value, json};
use thiserror::Error;

use super::keys::{KeyRing, decode_public_key_multibase};

/// Why an identifier or DID document was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DidError {
    #[error("\u{201c}{0}\u{201d} is not an http(s) origin such as https://shop.example.com")]
    NotAnOrigin(String),
    #[error("\u{201c}{0}\u{201d} is not a did:web identifier")]
    NotDidWeb(String),
}

/// A `did:web` identifier such as `did:web:shop.example.com` (a port is written `%3A`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DidWeb(String);

impl DidWeb {
    /// The DID of a site from its public origin (`PORTFRONT_BASE_URL`), e.g.
    /// `https://shop.example.com` → `did:web:shop.example.com`,
    /// `http://127.0.0.1:3000` → `did:web:127.0.0.1%3A3000`. A path becomes `:`-separated.
    pub fn from_base_url(base_url: &str) -> Result<Self, DidError> {
        let bad = || DidError::NotAnOrigin(base_url.chars().take(80).collect());
        let rest = base_url
            .strip_prefix("https://")
            .or_else(|| base_url.strip_prefix("http://"))
            .ok_or_else(bad)?;
        let rest = rest.trim_end_matches('/');
        let (host, path) = match rest.split_once('/') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        };
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        if !host_ok || rest.contains(['?', '#', '@']) {
            return Err(bad());
        }
        let mut did = format!("did:web:{}", host.to_ascii_lowercase().replace(':', "%3A"));
        if let Some(path) = path {
            for segment in path.split('/').filter(|s| !s.is_empty()) {
                did.push(':');
                did.push_str(segment);
            }
        }
        Ok(Self(did))
    }

    /// Accepts an existing `did:web` identifier.
    pub fn parse(text: &str) -> Result<Self, DidError> {
        match text.strip_prefix("did:web:") {
            Some(rest) if !rest.is_empty() && !rest.contains(['/', '#', '?']) => {
                Ok(Self(text.to_owned()))
            }
            _ => Err(DidError::NotDidWeb(text.chars().take(80).collect())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the DID document is fetched from (https, as did:web requires).
    pub fn document_url(&self) -> String {
        let rest = &self.0["did:web:".len()..];
        let mut parts = rest.split(':');
        let host = parts.next().unwrap_or_default().replace("%3A", ":");
        let path: Vec<&str> = parts.collect();
        if path.is_empty() {
            format!("https://{host}/.well-known/did.json")
        } else {
            format!("https://{host}/{}/did.json", path.join("/"))
        }
    }
}

impl std::fmt::Display for DidWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The DID document for `did` listing every key of `ring` (current first, then retired) as a
/// Multikey referenced from `assertionMethod`.
pub fn did_document(did: &DidWeb, ring: &KeyRing) -> Value {
    let methods: Vec<Value> = ring
        .public_keys()
        .map(|key| {
            json!({
                "id": format!("{did}#{key}"),
                "type": "Multikey",
                "controller": did.as_str(),
                "publicKeyMultibase": key,
            })
        })
        .collect();
    let refs: Vec<Value> = ring
        .public_keys()
        .map(|key| Value::from(format!("{did}#{key}")))
        .collect();
    json!({
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1"
        ],
        "id": did.as_str(),
        "verificationMethod": methods,
        "assertionMethod": refs,
    })
}

/// What resolving a verification method in a DID document found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MethodProblem {
    #[error("the DID document is not a JSON object with an id")]
    MalformedDocument,
    #[error("the DID document is for {found}, not for the issuer {expected}")]
    WrongSubject { expected: String, found: String },
    #[error("the key {0} is not listed in the issuer's DID document")]
    UnknownKey(String),
    #[error("the key {0} is not a Multikey with an Ed25519 publicKeyMultibase: {1}")]
    NotEd25519(String, String),
    #[error("the key {0} is listed, but not as an assertionMethod of the issuer")]
    NotAssertionMethod(String),
    #[error("the key {method} does not belong to the issuer {issuer}")]
    ForeignKey { method: String, issuer: String },
}

/// Finds `method` (a DID URL) in `document` for `issuer` and returns its Ed25519 key, checking
/// that the key belongs to the issuer and is authorised for `assertionMethod`.
pub fn resolve_assertion_key(
    document: &Value,
    issuer: &str,
    method: &str,
) -> Result<ed25519_dalek::VerifyingKey, MethodProblem> {
    let id = document
        .get("id")
        .and_then(Value::as_str)
        .ok_or(MethodProblem::MalformedDocument)?;
    if id != issuer {
        return Err(MethodProblem::WrongSubject {
            expected: issuer.to_owned(),
            found: id.to_owned(),
        });
    }
    let (method_did, fragment) = method.split_once('#').unwrap_or((method, ""));
    if method_did != issuer || fragment.is_empty() {
        return Err(MethodProblem::ForeignKey {
            method: method.to_owned(),
            issuer: issuer.to_owned(),
        });
    }
    let matches_id = |v: &Value| {
        v.get("id")
            .and_then(Value::as_str)
            .is_some_and(|m| m == method || m == format!("#{fragment}"))
    };
    let listed = document
        .get("verificationMethod")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|v| matches_id(v));
    let assertion = document
        .get("assertionMethod")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|v| match v {
            Value::String(s) => s == method || *s == format!("#{fragment}"),
            Value::Object(_) => matches_id(v),
            _ => false,
        });
    let entry = match (listed, assertion) {
        (_, Some(embedded @ Value::Object(_))) => embedded,
        (Some(entry), Some(_)) => entry,
        (Some(_), None) => return Err(MethodProblem::NotAssertionMethod(method.to_owned())),
        (None, _) => return Err(MethodProblem::UnknownKey(method.to_owned())),
    };
    let ty = entry
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if ty != "Multikey" {
        return Err(MethodProblem::NotEd25519(
            method.to_owned(),
            format!("its type is \u{201c}{ty}\u{201d}"),
        ));
    }
    let multibase = entry
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            MethodProblem::NotEd25519(method.to_owned(), "no publicKeyMultibase".into())
        })?;
    decode_public_key_multibase(multibase)
        .map_err(|e| MethodProblem::NotEd25519(method.to_owned(), e.to_string()))
}

/// The Ed25519 key of `method` wherever the document lists it (any relationship). Integrity can
/// be checked with it even when the key is not authorised for `assertionMethod`.
pub fn listed_key(document: &Value, method: &str) -> Option<ed25519_dalek::VerifyingKey> {
    let fragment = method.split_once('#').map(|(_, f)| f)?;
    document
        .get("verificationMethod")
        .and_then(Value::as_array)?
        .iter()
        .find(|v| {
            v.get("id")
                .and_then(Value::as_str)
                .is_some_and(|m| m == method || m == format!("#{fragment}"))
        })
        .and_then(|v| v.get("publicKeyMultibase"))
        .and_then(Value::as_str)
        .and_then(|k| decode_public_key_multibase(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eco::keys::IssuerKey;

    fn ring() -> KeyRing {
        let mut ring = KeyRing::new(IssuerKey::from_secret_bytes(&[1; 32]));
        let at = crate::eco::proof::parse_datetime("2026-01-01T00:00:00Z").unwrap();
        ring.rotate(IssuerKey::from_secret_bytes(&[2; 32]), at);
        ring
    }

    #[test]
    fn did_web_is_derived_from_the_base_url() {
        let did = |u| DidWeb::from_base_url(u).unwrap().to_string();
        assert_eq!(did("https://Shop.Example.com/"), "did:web:shop.example.com");
        assert_eq!(did("http://127.0.0.1:3000"), "did:web:127.0.0.1%3A3000");
        assert_eq!(
            did("https://example.com/exporters/acme"),
            "did:web:example.com:exporters:acme"
        );
        assert!(DidWeb::from_base_url("ftp://example.com").is_err());
        assert!(DidWeb::from_base_url("https://user@example.com").is_err());
    }

    #[test]
    fn did_web_document_url_follows_the_did_web_method() {
        let did = DidWeb::from_base_url("http://127.0.0.1:3000").unwrap();
        assert_eq!(
            did.document_url(),
            "https://127.0.0.1:3000/.well-known/did.json"
        );
        let did = DidWeb::parse("did:web:example.com:exporters:acme").unwrap();
        assert_eq!(
            did.document_url(),
            "https://example.com/exporters/acme/did.json"
        );
    }

    #[test]
    fn did_document_lists_current_and_retired_keys_as_assertion_methods() {
        let ring = ring();
        let did = DidWeb::from_base_url("https://shop.example").unwrap();
        let doc = did_document(&did, &ring);
        assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 2);
        assert_eq!(doc["assertionMethod"].as_array().unwrap().len(), 2);
        assert_eq!(doc["verificationMethod"][0]["type"], "Multikey");
        for key in ring.public_keys() {
            let method = format!("{did}#{key}");
            let resolved = resolve_assertion_key(&doc, did.as_str(), &method).unwrap();
            assert_eq!(crate::eco::keys::public_key_multibase(&resolved), key);
        }
    }

    #[test]
    fn rejects_a_key_that_is_not_an_assertion_method() {
        let ring = ring();
        let did = DidWeb::from_base_url("https://shop.example").unwrap();
        let mut doc = did_document(&did, &ring);
        doc["assertionMethod"] = json!([]);
        let method = ring.current.verification_method(did.as_str());
        assert_eq!(
            resolve_assertion_key(&doc, did.as_str(), &method),
            Err(MethodProblem::NotAssertionMethod(method.clone()))
        );
    }

    #[test]
    fn rejects_unknown_and_non_ed25519_keys() {
        let ring = ring();
        let did = DidWeb::from_base_url("https://shop.example").unwrap();
        let mut doc = did_document(&did, &ring);
        let unknown = format!("{did}#z6MkUnknown");
        assert_eq!(
            resolve_assertion_key(&doc, did.as_str(), &unknown),
            Err(MethodProblem::UnknownKey(unknown.clone()))
        );
        doc["verificationMethod"][0]["publicKeyMultibase"] =
            json!("zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv");
        let method = ring.current.verification_method(did.as_str());
        assert!(matches!(
            resolve_assertion_key(&doc, did.as_str(), &method),
            Err(MethodProblem::NotEd25519(..))
        ));
    }
}
