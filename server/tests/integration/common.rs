//! What the test apps share: one app at a time.
//!
//! Leptos keeps process-wide reactive state (its arena and transition registry), while every
//! `#[tokio::test]` runs on a runtime of its own. Two runtimes rendering pages at once in one
//! process can lose a wake-up and hang a test (seen about once in eight runs with islands). The
//! server has a single runtime, where a test renders 200 pages concurrently without trouble
//! (`router::many_concurrent_page_renders_all_finish`); here each test holds this guard for
//! as long as its app lives.

/// Held by a test app for its lifetime; the next test's app waits for it.
pub type Serial = tokio::sync::MutexGuard<'static, ()>;

static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Waits until no other test app is alive.
pub async fn serial() -> Serial {
    ONE_APP_AT_A_TIME.lock().await
}

/// Everything the code logs on this thread while the guard lives (a `#[tokio::test]` on the
/// default single-threaded runtime runs the whole request on it).
#[derive(Clone, Default)]
pub struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Self::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// A `server serve` process; killed when dropped.
pub struct Serve(pub std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `server serve` on `database_url` with `data_dir` (its keys), listening on `addr`
/// (`127.0.0.1:0` when the test does not talk to it over HTTP), without demo data.
pub fn serve(database_url: &str, data_dir: &std::path::Path, addr: &str) -> Serve {
    let site = data_dir.join("site");
    std::fs::create_dir_all(&site).expect("test setup");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PORTFRONT_DATA_DIR", data_dir)
        .env("PORTFRONT_BASE_URL", "https://shop.test")
        .env("LEPTOS_SITE_ROOT", &site)
        .env("LEPTOS_SITE_ADDR", addr)
        .env("PORTFRONT_DEMO", "0")
        .env("RUST_LOG", "warn")
        .env_remove("PORTFRONT_AUTHORITY_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server binary starts");
    Serve(child)
}

/// A free local port (bound and released; a race with another process is unlikely).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A fresh, migrated PostgreSQL database for one test (dropped by [`Pg::drop_database`]), or
/// `None` when `PORTFRONT_TEST_PG_URL` is not set (a failure when `PORTFRONT_REQUIRE_PG` is).
pub struct Pg {
    admin: sea_orm::DatabaseConnection,
    name: String,
    pub url: String,
    pub db: sea_orm::DatabaseConnection,
}

impl Pg {
    pub async fn fresh() -> Option<Self> {
        use sea_orm::ConnectionTrait;
        let Ok(admin_url) = std::env::var("PORTFRONT_TEST_PG_URL") else {
            assert!(
                std::env::var_os("PORTFRONT_REQUIRE_PG").is_none(),
                "PORTFRONT_REQUIRE_PG is set but PORTFRONT_TEST_PG_URL is not"
            );
            return None;
        };
        let admin = sea_orm::Database::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        let name = format!("pf_test_{}", uuid::Uuid::now_v7().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let db = domain::db::connect(&url).await.expect("open test database");
        use migration::MigratorTrait;
        migration::Migrator::up(&db, None)
            .await
            .expect("migrate PostgreSQL");
        Some(Self {
            admin,
            name,
            url,
            db,
        })
    }

    pub async fn drop_database(self) {
        use sea_orm::ConnectionTrait;
        drop(self.db);
        let _ = self
            .admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await;
    }
}
