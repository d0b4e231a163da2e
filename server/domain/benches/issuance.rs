//! Issuance end to end on SQLite: the export call (transition + issuance job in one
//! transaction) and the worker (claim with a lease, build, number, status-list index, sign,
//! store) for a batch of orders, approved-exporter mode, no PDF. Each round makes 100 copies
//! of the demo's Thai order ready to ship (`demo::ready_copies`, untimed), then times the
//! exports and the worker until every certificate is stored.
//! Run: `cargo bench -p domain --bench issuance` (target: ≥ 500 orders/s sustained).

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::eco::keys::KeyRing;
use domain::eco::numbering::NumberPrefix;
use domain::issuance::authority::NoAuthority;
use domain::issuance::{Issuer, demo, worker};
use domain::trade::store::{self, Caller};
use domain::trade::{Party, Source};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

const BATCH: u64 = 100;

fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "bench@portfront".into(),
        party: Party::Staff,
        company_id: None,
        source: Source::Api,
    }
}

fn issuer() -> Issuer {
    Issuer::new(
        KeyRing::new(domain::eco::sample::demo_key()),
        "https://shop.example",
        NumberPrefix::parse("PF").expect("bench setup"),
    )
    .expect("bench setup")
}

/// A migrated SQLite file with the demo dataset.
async fn setup(dir: &std::path::Path) -> DatabaseConnection {
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let db = domain::db::connect(&url).await.expect("open SQLite");
    Migrator::up(&db, None).await.expect("migrate");
    let now = Utc::now();
    domain::catalog::demo::seed(&db)
        .await
        .expect("catalog demo");
    domain::trade::demo::seed(&db, now)
        .await
        .expect("trade demo");
    demo::seed(&db, &issuer(), now)
        .await
        .expect("issuance demo");
    db
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = rt.block_on(setup(dir.path()));
    let issuer = issuer();
    let mut round = 0u64;
    let mut group = c.benchmark_group("issuance (SQLite)");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("export call → certificate stored, 100 orders", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let numbers = rt
                    .block_on(demo::ready_copies(
                        &db,
                        BATCH as u32,
                        &format!("B{round:04}"),
                        Utc::now(),
                    ))
                    .expect("order copies");
                let started = Instant::now();
                rt.block_on(async {
                    for n in &numbers {
                        store::export_order(&db, &staff(), n, Utc::now())
                            .await
                            .expect("export");
                    }
                    let mut issued = 0;
                    while issued < numbers.len() {
                        let jobs = worker::claim(&db, 50, chrono::Duration::minutes(1), Utc::now())
                            .await
                            .expect("claim");
                        assert!(!jobs.is_empty(), "every job is claimable");
                        for job in &jobs {
                            match worker::issue(&db, &issuer, &NoAuthority, job, Utc::now(), 500)
                                .await
                                .expect("issue")
                            {
                                worker::JobOutcome::Issued { .. } => issued += 1,
                                other => panic!("not issued: {other:?}"),
                            }
                        }
                    }
                });
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(issuance, benches);
criterion_main!(issuance);
