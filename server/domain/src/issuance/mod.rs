//! Certificates of origin for orders (DESIGN §5, §7): the e-CO engine (`crate::eco`) meets the
//! database. An order's move to `export_cleared` writes an issuance job
//! (`crate::trade::certificates`); [`worker`] claims it and signs; [`register`] reads,
//! revokes, replaces, publishes the status list and verifies. [`input`] gathers what the
//! builder needs from the order, its products and the exporter profile (and runs the
//! pre-flight check).
//! [`browse`] is the register as staff list it and act on it (audited).
//!
//! Issuing modes (the exporter profile's `issuing_mode`): a Declaration of Origin signed here
//! with the exporter's own key (`approved_exporter`, the default), or a Certificate of Origin
//! the issuing body decides on over HTTP ([`authority`]), which this site then signs.

pub mod authority;
pub mod browse;
pub mod demo;
pub mod input;
pub mod register;
pub mod worker;

use std::sync::Arc;

use crate::eco::did::DidWeb;
use crate::eco::keys::KeyRing;
use crate::eco::numbering::NumberPrefix;

/// The one status list in use (131,072 entries); the URL names it so a second can follow.
pub const STATUS_LIST: i32 = 1;

/// Who signs, and where its documents live on the web.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub ring: Arc<KeyRing>,
    pub did: DidWeb,
    /// `PORTFRONT_BASE_URL` without a trailing slash.
    pub base_url: String,
    pub prefix: NumberPrefix,
}

impl Issuer {
    pub fn new(ring: KeyRing, base_url: &str, prefix: NumberPrefix) -> crate::DomainResult<Self> {
        Ok(Self {
            ring: Arc::new(ring),
            did: DidWeb::from_base_url(base_url)?,
            base_url: base_url.trim_end_matches('/').to_owned(),
            prefix,
        })
    }

    /// The credential's id: where the API serves it.
    pub fn credential_url(&self, number: &str) -> String {
        format!("{}/api/v1/eco/{number}", self.base_url)
    }

    pub fn status_list_url(&self, list: i32) -> String {
        format!("{}/status/{list}", self.base_url)
    }

    pub fn schema_url(&self) -> String {
        format!("{}{SCHEMA_PATH}", self.base_url)
    }

    pub fn context_url(&self) -> String {
        format!("{}{CONTEXT_PATH}", self.base_url)
    }

    /// The public page the PDF's QR code points to.
    pub fn verify_url(&self, number: &str) -> String {
        format!("{}/verify/{number}", self.base_url)
    }

    /// The DIDs whose certificates this site vouches for.
    pub fn trusted(&self) -> Vec<String> {
        vec![self.did.as_str().to_owned()]
    }
}

/// Where the credential's JSON Schema is published (the `$id` of the shipped schema).
pub const SCHEMA_PATH: &str = "/schemas/rcep-origin-credential/v1.json";

/// Where the JSON-LD context of the RCEP terms is hosted (the credentials' second `@context`).
pub const CONTEXT_PATH: &str = "/contexts/rcep-origin/v1.jsonld";

pub(crate) use crate::db::write_lock_first;
