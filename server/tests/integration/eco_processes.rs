//! The issuance worker in real `server serve` processes: one killed (SIGKILL) while it works
//! through a backlog and started again finishes it with no duplicate number or status-list
//! index and no gap in the numbers; two processes on one PostgreSQL database share a backlog
//! and still make exactly one certificate per order.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::entities::{certificate, eco_job};
use domain::issuance::Issuer;
use domain::trade::store::{self, Caller};
use domain::trade::{Party, Source};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::common::{Pg, serve as serve_at};

fn serve(database_url: &str, data_dir: &std::path::Path) -> crate::common::Serve {
    serve_at(database_url, data_dir, "127.0.0.1:0")
}

fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "test@portfront".into(),
        party: Party::Staff,
        company_id: None,
        source: Source::Api,
    }
}

/// The demo dataset (its certificates issued with the test's key) and `count` more orders
/// cleared for export, their issuance jobs waiting.
async fn backlog(db: &DatabaseConnection, count: u32, tag: &str) -> Vec<String> {
    let now = Utc::now();
    let issuer = Issuer::new(
        domain::eco::keys::KeyRing::new(domain::eco::sample::demo_key()),
        "https://shop.example.com",
        domain::eco::numbering::NumberPrefix::parse("PF").expect("test setup"),
    )
    .expect("test setup");
    domain::catalog::demo::seed(db).await.expect("test setup");
    domain::trade::demo::seed(db, now)
        .await
        .expect("test setup");
    domain::issuance::demo::seed(db, &issuer, now)
        .await
        .expect("test setup");
    let numbers = domain::issuance::demo::ready_copies(db, count, tag, now)
        .await
        .expect("test setup");
    for n in &numbers {
        store::export_order(db, &staff(), n, now)
            .await
            .expect("test setup");
    }
    numbers
}

async fn certificates(db: &DatabaseConnection) -> u64 {
    certificate::Entity::find()
        .count(db)
        .await
        .expect("count certificates")
}

async fn open_jobs(db: &DatabaseConnection) -> u64 {
    eco_job::Entity::find()
        .filter(eco_job::Column::OpenOrderId.is_not_null())
        .filter(eco_job::Column::State.ne("rejected"))
        .count(db)
        .await
        .expect("count jobs")
}

/// Waits until `done` holds (checked every 20 ms), at most `limit`.
async fn wait_for(db: &DatabaseConnection, limit: Duration, done: impl Fn(u64, u64) -> bool) {
    let started = Instant::now();
    loop {
        let (certs, open) = (certificates(db).await, open_jobs(db).await);
        if done(certs, open) {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "gave up after {limit:?}: {certs} certificates, {open} jobs open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every order has one valid certificate; numbers run 1, 2, 3, … without a gap within each
/// year's series; no status-list index is used twice.
async fn check_register(db: &DatabaseConnection, orders: &[String], engine: &str) {
    let all = certificate::Entity::find()
        .all(db)
        .await
        .expect("certificates");
    let indexes: BTreeSet<i32> = all.iter().map(|c| c.status_index).collect();
    assert_eq!(
        indexes.len(),
        all.len(),
        "{engine}: a status index used twice"
    );
    let mut sequences: Vec<u64> = all
        .iter()
        .filter_map(|c| c.number.rsplit('-').next()?.parse().ok())
        .collect();
    sequences.sort_unstable();
    let expected: Vec<u64> = (1..=all.len() as u64).collect();
    assert_eq!(sequences, expected, "{engine}: numbers with a gap or twice");
    for n in orders {
        let o = domain::entities::order::Entity::find()
            .filter(domain::entities::order::Column::Number.eq(n.as_str()))
            .one(db)
            .await
            .expect("order")
            .expect("order");
        let valid = certificate::Entity::find()
            .filter(certificate::Column::OrderId.eq(o.id))
            .filter(certificate::Column::Status.eq("valid"))
            .count(db)
            .await
            .expect("count");
        assert_eq!(
            valid, 1,
            "{engine}: order {n} has {valid} valid certificates"
        );
    }
}

#[tokio::test]
async fn a_server_killed_mid_issuance_finishes_after_restart_without_duplicates() {
    let dir = tempfile::tempdir().expect("test setup");
    let url = format!("sqlite://{}/eco.db?mode=rwc", dir.path().display());
    let db = domain::db::connect(&url).await.expect("test setup");
    use migration::MigratorTrait;
    migration::Migrator::up(&db, None)
        .await
        .expect("test setup");
    let orders = backlog(&db, 300, "K").await;
    let before = certificates(&db).await;
    let total = before + orders.len() as u64;

    // Killed as soon as it has stored its first certificates, with most of the backlog open.
    let first = serve(&url, dir.path());
    wait_for(&db, Duration::from_secs(60), |certs, _| certs > before).await;
    drop(first);
    let at_kill = certificates(&db).await;
    eprintln!(
        "killed after {} of {} certificates",
        at_kill - before,
        orders.len()
    );

    // The jobs it held come back when their lease ends (60 s; the lease logic has its own
    // test in the domain): end them now rather than wait.
    eco_job::Entity::update_many()
        .col_expr(
            eco_job::Column::LeaseUntil,
            sea_orm::sea_query::Expr::value(Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(eco_job::Column::LeaseUntil.is_not_null())
        .exec(&db)
        .await
        .expect("end the dead worker's leases");
    let second = serve(&url, dir.path());
    wait_for(&db, Duration::from_secs(120), |certs, open| {
        certs == total && open == 0
    })
    .await;
    drop(second);
    check_register(&db, &orders, "sqlite").await;
}

#[tokio::test]
async fn two_servers_on_one_postgresql_make_one_certificate_per_order() {
    let Some(pg) = Pg::fresh().await else {
        return;
    };
    let (url, db) = (pg.url.clone(), pg.db.clone());
    let orders = backlog(&db, 200, "P").await;
    let total = certificates(&db).await + orders.len() as u64;

    // Two replicas of one exporter: one data directory (its signing key), one database. The
    // second starts once the first has migrated and begun issuing (no two migrations at once).
    let dir = tempfile::tempdir().expect("test setup");
    let one = serve(&url, dir.path());
    let demo = total - orders.len() as u64;
    wait_for(&db, Duration::from_secs(60), |certs, _| certs > demo).await;
    let two = serve(&url, dir.path());
    wait_for(&db, Duration::from_secs(120), |certs, open| {
        certs == total && open == 0
    })
    .await;
    drop((one, two));
    check_register(&db, &orders, "postgres").await;
    drop(db);
    pg.drop_database().await;
}
