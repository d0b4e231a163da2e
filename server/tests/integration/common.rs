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
