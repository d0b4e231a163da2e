//! Whole-engine tests: golden files of a signed CO and DoO (Ed25519 is deterministic, so the
//! signed JSON is byte-stable), and property tests of sign → verify.
//!
//! To refresh the golden files after an intended change: `UPDATE_GOLDEN=1 cargo test -p domain eco::tests`.

use proptest::prelude::*;
use serde_json::Value;

use super::content::{OriginContent, OriginContentData};
use super::proof::{self, parse_datetime};
use super::{sample, vc};

const GOLDEN_CO: &str = "src/eco/testdata/certificate-of-origin.signed.json";
const GOLDEN_DOO: &str = "src/eco/testdata/declaration-of-origin.signed.json";

fn signed(data: OriginContentData, index: usize) -> Value {
    let content = OriginContent::new(data).unwrap();
    let settings = sample::settings(
        content.number(),
        parse_datetime("2026-11-25T09:00:00Z").unwrap(),
        index,
    );
    vc::issue(&content, &settings, &sample::demo_key()).unwrap()
}

fn check_golden(path: &str, value: &Value) {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    // Pretty-printed from the canonical form, so member order is the same whether or not
    // serde_json's `preserve_order` feature is on in the build.
    let canonical: Value = serde_json::from_str(&proof::canonicalize(value).unwrap()).unwrap();
    let text = serde_json::to_string_pretty(&canonical).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, &text).unwrap();
    }
    let golden = std::fs::read_to_string(&full)
        .unwrap_or_else(|_| panic!("{path} is missing; run with UPDATE_GOLDEN=1 once"));
    assert_eq!(
        text, golden,
        "{path} differs; if intended, run with UPDATE_GOLDEN=1"
    );
    let parsed: Value = serde_json::from_str(&golden).unwrap();
    proof::verify(&parsed, &sample::demo_key().verifying_key()).unwrap();
}

#[test]
fn full_certificate_of_origin_matches_its_golden_file() {
    check_golden(GOLDEN_CO, &signed(sample::full_certificate(3), 4711));
}

#[test]
fn declaration_of_origin_matches_its_golden_file() {
    check_golden(GOLDEN_DOO, &signed(sample::declaration(2), 94_567));
}

/// Every leaf of a JSON value, as a JSON pointer.
fn leaves(value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(
                    v,
                    format!("{path}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{path}/{i}"), out);
            }
        }
        _ => out.push(path),
    }
}

fn mutate(value: &mut Value) {
    *value = match value.take() {
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1),
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => Value::Bool(true),
        other => other,
    };
}

fn generated() -> impl Strategy<Value = OriginContentData> {
    (
        1usize..12,
        any::<bool>(),
        0u32..5_000,
        "[A-Za-z0-9 ,.()/-]{1,60}",
    )
        .prop_map(|(goods, co, extra, desc)| {
            let mut d = if co {
                sample::full_certificate(goods)
            } else {
                sample::declaration(goods)
            };
            for item in &mut d.goods {
                item.description =
                    super::content::Text::parse(&format!("{desc} #{}", item.item_number))
                        .unwrap_or_else(|_| item.description.clone());
                if let Some(p) = &mut item.packages {
                    p.count += extra;
                }
            }
            d
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_generated_certificate_verifies_after_signing(data in generated(), index in 0usize..131_072) {
        let vc = signed(data, index);
        prop_assert!(proof::verify(&vc, &sample::demo_key().verifying_key()).is_ok());
    }

    #[test]
    fn changing_any_signed_field_fails_integrity(data in generated(), pick in any::<prop::sample::Index>()) {
        let mut vc = signed(data, 7);
        let mut paths = Vec::new();
        leaves(&vc, String::new(), &mut paths);
        paths.retain(|p| p != "/proof/proofValue");
        let path = pick.get(&paths).clone();
        mutate(vc.pointer_mut(&path).unwrap());
        prop_assert!(proof::verify(&vc, &sample::demo_key().verifying_key()).is_err(), "{} changed", path);
    }

    #[test]
    fn changing_any_byte_of_the_proof_fails_integrity(byte in 0usize..64, flip in 1u8..=255) {
        let mut vc = signed(sample::declaration(2), 7);
        let value = vc["proof"]["proofValue"].as_str().unwrap().to_owned();
        let mut sig = bs58::decode(&value[1..]).into_vec().unwrap();
        sig[byte] ^= flip;
        vc["proof"]["proofValue"] = Value::from(format!("z{}", bs58::encode(sig).into_string()));
        prop_assert!(proof::verify(&vc, &sample::demo_key().verifying_key()).is_err());
    }
}

#[test]
fn sample_order_builds_into_a_declaration() {
    let (options, profile, order, catalog) = sample::order(12);
    let content = super::builder::build(&options, &profile, &order, &catalog).unwrap();
    assert_eq!(content.data().goods.len(), 12);
    assert!(
        content
            .data()
            .goods
            .iter()
            .all(
                |g| (g.origin_criterion.basis == crate::codes::OriginCriterion::RVC)
                    == g.fob_value.is_some()
            )
    );
}

fn evidence_for<'a>(did_doc: &'a Value, trusted: &'a [String]) -> super::verify::Evidence<'a> {
    super::verify::Evidence {
        did_document: Some(did_doc),
        status_list: super::verify::StatusListEvidence::Unavailable,
        trusted_issuers: trusted,
        now: parse_datetime("2027-01-01T00:00:00Z").unwrap(),
    }
}

fn demo_did_document() -> Value {
    let did = super::did::DidWeb::parse("did:web:shop.example").unwrap();
    super::did::did_document(&did, &super::keys::KeyRing::new(sample::demo_key()))
}

#[test]
fn verification_never_panics_on_any_truncation_of_a_credential() {
    let bytes = serde_json::to_vec(&signed(sample::declaration(2), 7)).unwrap();
    let (doc, trusted) = (demo_did_document(), vec!["did:web:shop.example".to_owned()]);
    for len in 0..bytes.len() {
        let report = super::verify::verify_bytes(&bytes[..len], &evidence_for(&doc, &trusted));
        assert!(!report.valid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn verification_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let (doc, trusted) = (demo_did_document(), vec!["did:web:shop.example".to_owned()]);
        let report = super::verify::verify_bytes(&bytes, &evidence_for(&doc, &trusted));
        prop_assert!(!report.valid);
    }

    #[test]
    fn verification_never_panics_when_any_field_changes_type(pick in any::<prop::sample::Index>(), replacement in prop_oneof![Just(Value::Null), Just(Value::from(1)), Just(Value::from("x")), Just(serde_json::json!([])), Just(serde_json::json!({}))]) {
        let mut vc = signed(sample::declaration(2), 7);
        let mut paths = Vec::new();
        leaves(&vc, String::new(), &mut paths);
        let path = pick.get(&paths).clone();
        *vc.pointer_mut(&path).unwrap() = replacement;
        let (doc, trusted) = (demo_did_document(), vec!["did:web:shop.example".to_owned()]);
        let report = super::verify::verify_bytes(&serde_json::to_vec(&vc).unwrap(), &evidence_for(&doc, &trusted));
        prop_assert!(!report.valid);
    }
}
