//! Test databases: a fresh SQLite file always, and a fresh PostgreSQL database when
//! `PORTFRONT_TEST_PG_URL` is set (`PORTFRONT_REQUIRE_PG=1` makes its absence a failure).

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// A migrated, empty database and the name of its engine.
pub struct TestDb {
    pub engine: &'static str,
    pub db: DatabaseConnection,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
    let db = domain::db::connect(&url).await.expect("open SQLite");
    Migrator::up(&db, None).await.expect("migrate SQLite");
    TestDb {
        engine: "sqlite",
        db,
        _dir: Some(dir),
    }
}

/// Drops test databases that earlier runs left behind (their names carry a UUID v7 time).
async fn drop_stale_databases(admin: &DatabaseConnection) {
    use sea_orm::{DbBackend, Statement};
    let rows = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'pf_test_%'",
        ))
        .await
        .unwrap_or_default();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let stale = uuid::Uuid::parse_str(name.trim_start_matches("pf_test_"))
            .ok()
            .and_then(|id| id.get_timestamp())
            .map(|ts| {
                let (secs, nanos) = ts.to_unix();
                std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos) < hour_ago
            })
            .unwrap_or(false);
        if stale {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

async fn postgres(admin_url: &str) -> TestDb {
    let admin = Database::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    drop_stale_databases(&admin).await;
    let name = format!("pf_test_{}", uuid::Uuid::now_v7().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    let db = domain::db::connect(&format!("{base}/{name}"))
        .await
        .expect("open test database");
    Migrator::up(&db, None).await.expect("migrate PostgreSQL");
    TestDb {
        engine: "postgres",
        db,
        _dir: None,
    }
}

/// Every engine the suite runs against on this machine.
pub async fn databases() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    match std::env::var("PORTFRONT_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => dbs.push(postgres(&url).await),
        _ => assert!(
            std::env::var("PORTFRONT_REQUIRE_PG").is_err(),
            "PORTFRONT_REQUIRE_PG is set but PORTFRONT_TEST_PG_URL is not"
        ),
    }
    dbs
}
