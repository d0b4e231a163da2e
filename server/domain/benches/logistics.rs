//! Logistics engine benchmarks: feed parsing throughput, graph build, routes with and without
//! the cache. Targets: DCSA ≥ 50,000 events/s, EDIFACT ≥ 20,000 messages/s, graph build
//! ≤ 300 ms, cached route ≤ 50 µs, uncached ≤ 5 ms.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::codes::UnLocode;
use domain::logistics::adapters::{dcsa2, dcsa3, edifact};
use domain::logistics::{LocationMaster, PartnerProfile, RouteOptions, SeaRouter, SourceId};

const DCSA3_SAMPLE: &str =
    include_str!("../tests/data/logistics/dcsa3-equipment-load-at-caimep.json");
const IFTSTA_SAMPLE: &str = include_str!("../tests/data/logistics/iftsta-loaded-at-caimep.edi");
const COARRI_SAMPLE: &str =
    include_str!("../tests/data/logistics/coarri-discharge-at-portklang.edi");
const MARNET: &str = include_str!("../data/logistics/searoute/marnet_searoute.geojson");

const EVENTS_PER_BODY: usize = 100;

/// A DCSA 3.0 body with 100 events: the sample event with distinct IDs.
fn dcsa3_body() -> String {
    let start = DCSA3_SAMPLE.find("[{").map_or(0, |i| i + 1);
    let end = DCSA3_SAMPLE
        .rfind("}]")
        .map_or(DCSA3_SAMPLE.len(), |i| i + 1);
    let event = &DCSA3_SAMPLE[start..end];
    let events: Vec<String> = (0..EVENTS_PER_BODY)
        .map(|i| event.replace("crx-LOAD-ABCU1234560-VNCMT-512S", &format!("crx-{i}")))
        .collect();
    format!("{{\"events\": [{}]}}", events.join(","))
}

/// A DCSA 2.2 callback body with 100 flat equipment events.
fn dcsa2_body() -> String {
    let events: Vec<String> = (0..EVENTS_PER_BODY)
        .map(|i| {
            format!(
                r#"{{"eventID": "crx-{i}", "eventType": "EQUIPMENT", "eventClassifierCode": "ACT",
                "eventDateTime": "2026-03-12T07:42:00+07:00", "eventCreatedDateTime": "2026-03-12T00:50:13Z",
                "equipmentEventTypeCode": "LOAD", "equipmentReference": "ABCU1234560",
                "ISOEquipmentCode": "45G1", "emptyIndicatorCode": "LADEN",
                "eventLocation": {{"locationName": "Cai Mep", "UNLocationCode": "VNCMT"}},
                "transportCall": {{"transportCallSequenceNumber": 2, "exportVoyageNumber": "512S",
                  "UNLocationCode": "VNCMT", "modeOfTransport": "VESSEL",
                  "vessel": {{"vesselIMONumber": "9321483", "vesselName": "EXAMPLE TRADER"}}}},
                "documentReferences": [{{"documentReferenceType": "BKG", "documentReferenceValue": "BK7781234"}}]}}"#
            )
        })
        .collect();
    format!("[{}]", events.join(","))
}

fn feeds(c: &mut Criterion) {
    let master = LocationMaster::embedded();
    let source = SourceId::parse("bench").expect("valid source");
    let profile = PartnerProfile::default_profile();

    let body3 = dcsa3_body();
    let mut g = c.benchmark_group("dcsa");
    g.throughput(Throughput::Elements(EVENTS_PER_BODY as u64));
    g.bench_function("dcsa3_parse_validate_100_events", |b| {
        b.iter(|| dcsa3::parse(black_box(body3.as_bytes()), &source, master).expect("parses"))
    });
    let body2 = dcsa2_body();
    let secret =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
    let signature = dcsa2::sign(secret, body2.as_bytes()).expect("signs");
    g.bench_function("dcsa2_verify_parse_validate_100_events", |b| {
        b.iter(|| {
            dcsa2::receive(
                Some(&signature),
                secret,
                black_box(body2.as_bytes()),
                &source,
                master,
            )
            .expect("parses")
        })
    });
    g.finish();

    let mut g = c.benchmark_group("edifact");
    g.throughput(Throughput::Elements(1));
    g.bench_function("iftsta_message", |b| {
        b.iter(|| {
            edifact::parse(
                black_box(IFTSTA_SAMPLE.as_bytes()),
                &source,
                profile,
                master,
            )
            .expect("parses")
        })
    });
    g.bench_function("coarri_message", |b| {
        b.iter(|| {
            edifact::parse(
                black_box(COARRI_SAMPLE.as_bytes()),
                &source,
                profile,
                master,
            )
            .expect("parses")
        })
    });
    g.finish();
}

fn routing(c: &mut Criterion) {
    let mut g = c.benchmark_group("routing");
    g.sample_size(10);
    g.bench_function("graph_build", |b| {
        b.iter(|| SeaRouter::from_geojson(black_box(MARNET)).expect("builds"))
    });
    g.finish();

    let master = LocationMaster::embedded();
    let router = SeaRouter::embedded().expect("builds");
    let code = |c: &str| UnLocode::parse(c).expect("valid code");
    let position = |c: &str| master.get(&code(c)).expect("known port").position;
    let options = RouteOptions::default();
    let mut g = c.benchmark_group("routing");
    g.bench_function("route_cached_shanghai_port_klang", |b| {
        b.iter(|| {
            router
                .route_ports(&code("CNSHA"), &code("MYPKG"), master, &options)
                .expect("route")
        })
    });
    let (sha, pkg) = (position("CNSHA"), position("MYPKG"));
    g.bench_function("route_uncached_shanghai_port_klang", |b| {
        b.iter(|| {
            router
                .route_uncached(black_box(sha), black_box(pkg), &options)
                .expect("route")
        })
    });
    let (ysa, cmt) = (position("CNYSA"), position("VNCMT"));
    g.bench_function("route_uncached_yangshan_cai_mep", |b| {
        b.iter(|| {
            router
                .route_uncached(black_box(ysa), black_box(cmt), &options)
                .expect("route")
        })
    });
    let rtm = position("NLRTM");
    g.bench_function("route_uncached_shanghai_rotterdam", |b| {
        b.iter(|| {
            router
                .route_uncached(black_box(sha), black_box(rtm), &options)
                .expect("route")
        })
    });
    g.finish();
}

criterion_group!(benches, feeds, routing);
criterion_main!(benches);
