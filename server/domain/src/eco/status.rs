//! W3C Bitstring Status List for revocation: a list of at least 131,072 bits, GZIP-compressed
//! and written as multibase base64url (`u…`), where bit 0 is the most significant bit of the
//! first byte. One list is one signed credential served at a stable URL.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rand::Rng;
use serde_json::{Value, json};
use thiserror::Error;

/// The minimum size the specification asks for (16 KiB of bits), for group privacy.
pub const MIN_ENTRIES: usize = 131_072;
/// The only purpose Portfront uses.
pub const REVOCATION: &str = "revocation";
/// Decompressed lists larger than this are refused (a guard against GZIP bombs): 16 MiB of bits.
const MAX_DECODED_BYTES: u64 = 16 * 1024 * 1024;

/// Why a status list or an index was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StatusError {
    #[error(
        "a status list has at least {MIN_ENTRIES} entries and a whole number of bytes; {0} was asked for"
    )]
    BadSize(usize),
    #[error("status index {index} is outside the list of {len} entries")]
    OutOfRange { index: usize, len: usize },
    #[error("encodedList is not multibase base64url (it must start with u)")]
    NotMultibase,
    #[error("encodedList is not valid base64url")]
    NotBase64,
    #[error("encodedList is not GZIP data")]
    NotGzip,
    #[error("the decoded list has {0} entries; at least {MIN_ENTRIES} are required")]
    TooShort(usize),
    #[error("the decoded list is larger than the 16 MiB this verifier accepts")]
    TooLong,
    #[error("every index of the list is in use; start a new list")]
    Full,
    #[error("the status list credential is malformed: {0}")]
    MalformedCredential(String),
}

/// The bits of one status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bytes: Vec<u8>,
}

impl StatusList {
    /// An all-zero list of `entries` bits (at least [`MIN_ENTRIES`], a multiple of 8).
    pub fn new(entries: usize) -> Result<Self, StatusError> {
        if entries < MIN_ENTRIES || !entries.is_multiple_of(8) {
            return Err(StatusError::BadSize(entries));
        }
        Ok(Self {
            bytes: vec![0; entries / 8],
        })
    }

    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn locate(&self, index: usize) -> Result<(usize, u8), StatusError> {
        if index >= self.len() {
            return Err(StatusError::OutOfRange {
                index,
                len: self.len(),
            });
        }
        Ok((index / 8, 0x80 >> (index % 8)))
    }

    /// Reads bit `index` (true = revoked).
    pub fn get(&self, index: usize) -> Result<bool, StatusError> {
        let (byte, mask) = self.locate(index)?;
        Ok(self.bytes[byte] & mask != 0)
    }

    /// Sets bit `index`. Revocation is irreversible, so there is no way to clear a bit.
    pub fn set(&mut self, index: usize) -> Result<(), StatusError> {
        let (byte, mask) = self.locate(index)?;
        self.bytes[byte] |= mask;
        Ok(())
    }

    /// `u` + base64url (no padding) of the GZIP-compressed bits.
    pub fn encode(&self) -> String {
        let mut gz = GzEncoder::new(Vec::with_capacity(256), Compression::default());
        // Writing into a Vec cannot fail.
        let compressed = gz
            .write_all(&self.bytes)
            .and_then(|()| gz.finish())
            .unwrap_or_default();
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Reads an `encodedList`, refusing anything malformed or shorter than the minimum.
    pub fn decode(encoded: &str) -> Result<Self, StatusError> {
        let b64 = encoded.strip_prefix('u').ok_or(StatusError::NotMultibase)?;
        let compressed = URL_SAFE_NO_PAD
            .decode(b64.trim_end_matches('='))
            .map_err(|_| StatusError::NotBase64)?;
        let mut bytes = Vec::new();
        GzDecoder::new(compressed.as_slice())
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| StatusError::NotGzip)?;
        if bytes.len() as u64 > MAX_DECODED_BYTES {
            return Err(StatusError::TooLong);
        }
        if bytes.len() * 8 < MIN_ENTRIES {
            return Err(StatusError::TooShort(bytes.len() * 8));
        }
        Ok(Self { bytes })
    }
}

/// Picks a random index that `is_used` says is free, so that neighbouring certificates do not
/// sit on neighbouring bits. The caller records the choice (the database's unique constraint on
/// (list, index) is the real guard between replicas; on conflict, pick again).
pub fn choose_unused_index<R: Rng + ?Sized>(
    rng: &mut R,
    entries: usize,
    mut is_used: impl FnMut(usize) -> bool,
) -> Result<usize, StatusError> {
    if entries == 0 {
        return Err(StatusError::Full);
    }
    for _ in 0..64 {
        let candidate = rng.random_range(0..entries);
        if !is_used(candidate) {
            return Ok(candidate);
        }
    }
    // Nearly full: walk from a random start so the answer is still not predictable.
    let start = rng.random_range(0..entries);
    (0..entries)
        .map(|k| (start + k) % entries)
        .find(|&i| !is_used(i))
        .ok_or(StatusError::Full)
}

/// The `credentialStatus` entry of a certificate.
pub fn status_entry(list_url: &str, index: usize) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": REVOCATION,
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The unsigned status list credential for `list` at `list_url`; sign it with
/// [`super::proof::sign`] like any other credential.
pub fn status_list_credential(
    list_url: &str,
    issuer: &str,
    list: &StatusList,
    valid_from: DateTime<Utc>,
) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": REVOCATION,
            "encodedList": list.encode(),
        },
    })
}

/// A certificate's status entry, read back from its `credentialStatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub list_url: String,
    pub index: usize,
    pub purpose: String,
}

/// Reads the `credentialStatus` of a credential.
pub fn read_entry(credential: &Value) -> Result<StatusEntry, StatusError> {
    let bad = |m: &str| StatusError::MalformedCredential(format!("credentialStatus {m}"));
    let status = credential
        .get("credentialStatus")
        .ok_or_else(|| bad("is missing"))?;
    if status.get("type").and_then(Value::as_str) != Some("BitstringStatusListEntry") {
        return Err(bad("type is not BitstringStatusListEntry"));
    }
    let purpose = status
        .get("statusPurpose")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no statusPurpose"))?;
    let index = status
        .get("statusListIndex")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<usize>().ok())
        .ok_or_else(|| bad("statusListIndex is not a decimal string"))?;
    let list_url = status
        .get("statusListCredential")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no statusListCredential"))?;
    Ok(StatusEntry {
        list_url: list_url.to_owned(),
        index,
        purpose: purpose.to_owned(),
    })
}

/// Reads the list out of a status list credential, checking its id, type and purpose.
pub fn read_list_credential(
    credential: &Value,
    entry: &StatusEntry,
) -> Result<StatusList, StatusError> {
    let bad = |m: String| StatusError::MalformedCredential(m);
    if credential.get("id").and_then(Value::as_str) != Some(entry.list_url.as_str()) {
        return Err(bad(format!("its id is not {}", entry.list_url)));
    }
    let types = credential.get("type").and_then(Value::as_array);
    if !types.is_some_and(|t| t.iter().any(|v| v == "BitstringStatusListCredential")) {
        return Err(bad("it is not a BitstringStatusListCredential".into()));
    }
    let subject = credential
        .get("credentialSubject")
        .ok_or_else(|| bad("it has no credentialSubject".into()))?;
    if subject.get("statusPurpose").and_then(Value::as_str) != Some(entry.purpose.as_str()) {
        return Err(bad(format!("its statusPurpose is not {}", entry.purpose)));
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("it has no encodedList".into()))?;
    StatusList::decode(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn sets_and_reads_bit_zero_as_the_most_significant_bit() {
        let mut list = StatusList::new(MIN_ENTRIES).unwrap();
        list.set(0).unwrap();
        assert!(list.get(0).unwrap());
        assert!(!list.get(1).unwrap());
        assert_eq!(list.bytes[0], 0x80);
        let back = StatusList::decode(&list.encode()).unwrap();
        assert!(back.get(0).unwrap());
    }

    #[test]
    fn sets_and_reads_the_last_bit() {
        let mut list = StatusList::new(MIN_ENTRIES).unwrap();
        let last = MIN_ENTRIES - 1;
        list.set(last).unwrap();
        assert_eq!(list.bytes[list.bytes.len() - 1], 0x01);
        let back = StatusList::decode(&list.encode()).unwrap();
        assert!(back.get(last).unwrap() && !back.get(last - 1).unwrap());
        assert_eq!(
            back.get(MIN_ENTRIES),
            Err(StatusError::OutOfRange {
                index: MIN_ENTRIES,
                len: MIN_ENTRIES
            })
        );
    }

    #[test]
    fn encoded_list_is_multibase_base64url_of_gzip() {
        let encoded = StatusList::new(MIN_ENTRIES).unwrap().encode();
        assert!(encoded.starts_with("uH4sI"), "{encoded}");
        assert!(!encoded.contains(['+', '/', '=']));
    }

    #[test]
    fn refuses_lists_below_the_minimum_size() {
        assert_eq!(StatusList::new(1024), Err(StatusError::BadSize(1024)));
        let small = {
            let mut gz = GzEncoder::new(Vec::new(), Compression::default());
            gz.write_all(&[0u8; 16]).unwrap();
            format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()))
        };
        assert_eq!(StatusList::decode(&small), Err(StatusError::TooShort(128)));
    }

    #[test]
    fn refuses_malformed_encoded_lists() {
        assert_eq!(StatusList::decode("zabc"), Err(StatusError::NotMultibase));
        assert_eq!(StatusList::decode("u***"), Err(StatusError::NotBase64));
        assert_eq!(StatusList::decode("uAAAA"), Err(StatusError::NotGzip));
    }

    #[test]
    fn chooses_random_unused_indices_deterministically_with_a_seeded_rng() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = choose_unused_index(&mut rng, MIN_ENTRIES, |_| false).unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        let b = choose_unused_index(&mut rng, MIN_ENTRIES, |_| false).unwrap();
        assert_eq!(a, b);
        let only_free = 12_345;
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(
            choose_unused_index(&mut rng, MIN_ENTRIES, |i| i != only_free),
            Ok(only_free)
        );
        assert_eq!(
            choose_unused_index(&mut rng, 16, |_| true),
            Err(StatusError::Full)
        );
    }

    #[test]
    fn status_entry_round_trips() {
        let url = "https://shop.example/status/1";
        let vc = json!({ "credentialStatus": status_entry(url, 94_567) });
        let entry = read_entry(&vc).unwrap();
        assert_eq!(
            entry,
            StatusEntry {
                list_url: url.into(),
                index: 94_567,
                purpose: REVOCATION.into()
            }
        );
        let list_vc = status_list_credential(
            url,
            "did:web:shop.example",
            &StatusList::new(MIN_ENTRIES).unwrap(),
            Utc::now(),
        );
        assert!(
            !read_list_credential(&list_vc, &entry)
                .unwrap()
                .get(94_567)
                .unwrap()
        );
    }

    proptest! {
        #[test]
        fn any_set_bit_reads_back_after_encoding(indices in proptest::collection::vec(0usize..MIN_ENTRIES, 1..20)) {
            let mut list = StatusList::new(MIN_ENTRIES).unwrap();
            for &i in &indices { list.set(i).unwrap(); }
            let back = StatusList::decode(&list.encode()).unwrap();
            for &i in &indices { prop_assert!(back.get(i).unwrap()); }
            let set = (0..MIN_ENTRIES).filter(|&i| back.get(i).unwrap()).count();
            let mut unique = indices.clone(); unique.sort_unstable(); unique.dedup();
            prop_assert_eq!(set, unique.len());
        }
    }
}
