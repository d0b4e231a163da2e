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
