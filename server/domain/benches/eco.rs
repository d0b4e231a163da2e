//! e-CO engine benchmarks: build + sign, verify, status-list update + re-sign, PDF.
//! Run: `cargo bench -p domain --bench eco` (targets: ≥ 10,000 build+sign/s, ≥ 5,000 verify/s,
//! status update + re-sign ≤ 5 ms, PDF ≤ 100 ms).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use domain::eco::did::{DidWeb, did_document};
use domain::eco::keys::KeyRing;
use domain::eco::pdf::{self, PdfOptions};
use domain::eco::proof::{self, ProofOptions, parse_datetime};
use domain::eco::status::{MIN_ENTRIES, StatusList, status_list_credential};
use domain::eco::verify::{CheckedStatusList, Evidence, StatusListEvidence, verify_bytes};
use domain::eco::{builder, sample, vc};

fn benches(c: &mut Criterion) {
    let key = sample::demo_key();
    let at = parse_datetime("2026-11-25T09:00:00Z").expect("fixed timestamp");
    let (options, profile, order, catalog) = sample::order(5);

    c.bench_function("build + sign (5-line DoO)", |b| {
        b.iter(|| {
            let content =
                builder::build(&options, &profile, &order, &catalog).expect("valid sample");
            let settings = sample::settings(content.number(), at, 4711);
            black_box(vc::issue(&content, &settings, &key).expect("signs"))
        })
    });

    let content = builder::build(&options, &profile, &order, &catalog).expect("valid sample");
    let settings = sample::settings(content.number(), at, 4711);
    c.bench_function("part: build content only", |b| {
        b.iter(|| {
            black_box(builder::build(&options, &profile, &order, &catalog).expect("valid sample"))
        })
    });
    c.bench_function("part: credential JSON + schema check", |b| {
        b.iter(|| black_box(vc::credential(&content, &settings).expect("valid")))
    });
    let unsigned = vc::credential(&content, &settings).expect("valid");
    c.bench_function("part: schema check only", |b| {
        b.iter(|| vc::check_schema(black_box(&unsigned)).expect("valid"))
    });
    let sign_options = ProofOptions {
        verification_method: key.verification_method("did:web:shop.example"),
        created: at,
    };
    c.bench_function("part: JCS of the credential", |b| {
        b.iter(|| black_box(proof::canonicalize(black_box(&unsigned)).expect("canonical")))
    });
    c.bench_function("part: Ed25519 sign of 64 bytes", |b| {
        b.iter(|| black_box(key.sign_bytes(black_box(&[7u8; 64]))))
    });
    c.bench_function("part: eddsa-jcs-2022 sign only", |b| {
        b.iter(|| black_box(proof::sign(unsigned.clone(), &key, &sign_options).expect("signs")))
    });
    let signed = vc::issue(
        &content,
        &sample::settings(content.number(), at, 4711),
        &key,
    )
    .expect("signs");
    let bytes = serde_json::to_vec(&signed).expect("serialises");
    let did = DidWeb::parse("did:web:shop.example").expect("valid DID");
    let did_doc = did_document(&did, &KeyRing::new(sample::demo_key()));
    let list_url = "https://shop.example/status/1";
    let list_options = ProofOptions {
        verification_method: key.verification_method(did.as_str()),
        created: at,
    };
    let list_vc = proof::sign(
        status_list_credential(
            list_url,
            did.as_str(),
            &StatusList::new(MIN_ENTRIES).expect("size"),
            at,
        ),
        &key,
        &list_options,
    )
    .expect("signs");
    let trusted = vec![did.to_string()];
    let now = parse_datetime("2027-01-01T00:00:00Z").expect("fixed timestamp");

    c.bench_function(
        "verify cold (also checks the status list credential)",
        |b| {
            b.iter(|| {
                let evidence = Evidence {
                    did_document: Some(&did_doc),
                    status_list: StatusListEvidence::Credential(&list_vc),
                    trusted_issuers: &trusted,
                    now,
                };
                let report = verify_bytes(black_box(&bytes), &evidence);
                assert!(report.valid);
                report
            })
        },
    );

    let checked = CheckedStatusList::check(&list_vc, &did_doc).expect("valid list");
    c.bench_function("verify with the status list checked once and cached", |b| {
        b.iter(|| {
            let evidence = Evidence {
                did_document: Some(&did_doc),
                status_list: StatusListEvidence::Checked(&checked),
                trusted_issuers: &trusted,
                now,
            };
            let report = verify_bytes(black_box(&bytes), &evidence);
            assert!(report.valid);
            report
        })
    });

    let mut list = StatusList::new(MIN_ENTRIES).expect("size");
    let mut next = 0usize;
    c.bench_function(
        "status list: set bit + encode + re-sign (131,072 entries)",
        |b| {
            b.iter(|| {
                next = (next + 7919) % MIN_ENTRIES;
                list.set(next).expect("in range");
                let vc = status_list_credential(list_url, did.as_str(), &list, at);
                black_box(proof::sign(vc, &key, &list_options).expect("signs"))
            })
        },
    );

    let pdf_options = PdfOptions {
        verification_url: format!("https://shop.example/verify/{}", content.number()),
        generated_at: at,
    };
    c.bench_function("PDF (5 items, 1 sheet)", |b| {
        b.iter(|| black_box(pdf::render(&content, &signed, &pdf_options).expect("renders")))
    });
    let big = sample::checked(sample::full_certificate(50)).expect("valid sample");
    let big_vc = vc::issue(&big, &sample::settings(big.number(), at, 1), &key).expect("signs");
    c.bench_function("PDF (50 items, continuation sheets)", |b| {
        b.iter(|| black_box(pdf::render(&big, &big_vc, &pdf_options).expect("renders")))
    });
}

criterion_group! {
    name = eco;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = benches
}
criterion_main!(eco);
