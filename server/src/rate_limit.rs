//! Per-client-address rate limits (GCRA, `governor`) for sign-in, token and form endpoints,
//! counted per IPv4 address and per IPv6 /64 (`forwarding::rate_key`); and the per-account
//! delay after wrong passwords (`domain::auth::throttle`). Over a limit the answer is 429 with
//! `Retry-After` in whole seconds.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use chrono::{DateTime, Utc};
use domain::auth::throttle::Failures;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::request::Parts;

/// A limiter keyed by the client's IP address.
#[derive(Clone)]
pub struct RateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit").finish_non_exhaustive()
    }
}

impl RateLimit {
    /// Allows `per_minute` requests a minute per address, all of which may come at once.
    pub fn per_minute(per_minute: NonZeroU32) -> Self {
        let quota = Quota::per_minute(per_minute).allow_burst(per_minute);
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            clock: DefaultClock::default(),
        }
    }

    /// `Ok` when the request may go ahead, otherwise how long to wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        // Forget idle addresses now and then so the table stays small.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&crate::forwarding::rate_key(ip))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// The client's address: what `auth::request_context` found (the TCP peer, or behind trusted
/// proxies the address they forwarded for), else the TCP peer.
pub fn client_ip(parts: &Parts) -> IpAddr {
    if let Some(app::state::ClientIp(ip)) = parts.extensions.get::<app::state::ClientIp>() {
        return *ip;
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// Recent wrong passwords per account (normalised e-mail), kept in memory for an hour after
/// the last one. (Each server process keeps its own; replicas each apply the delay.)
#[derive(Clone)]
pub struct AccountFailures {
    failures: moka::future::Cache<String, Failures>,
}

impl std::fmt::Debug for AccountFailures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountFailures").finish_non_exhaustive()
    }
}

impl Default for AccountFailures {
    fn default() -> Self {
        Self {
            failures: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(Duration::from_secs(3600))
                .build(),
        }
    }
}

impl AccountFailures {
    /// How long a sign-in to `account` must still wait at `now`, if at all.
    pub async fn wait(&self, account: &str, now: DateTime<Utc>) -> Option<Duration> {
        self.failures
            .get(account)
            .await?
            .wait_at(now)
            .and_then(|w| w.to_std().ok())
    }

    /// Counts a wrong password for `account`.
    pub async fn record(&self, account: &str, now: DateTime<Utc>) {
        let previous = self.failures.get(account).await;
        self.failures
            .insert(account.to_owned(), Failures::after_failure(previous, now))
            .await;
    }

    /// A successful sign-in clears the count.
    pub async fn forget(&self, account: &str) {
        self.failures.invalidate(account).await;
    }
}

/// Whole seconds to wait, at least one.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_engages_after_the_burst_and_is_per_address() {
        let limit = RateLimit::per_minute(NonZeroU32::new(3).unwrap());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limit.check(a).is_ok());
        }
        let wait = limit.check(a).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limit.check(b).is_ok());
    }

    #[test]
    fn ipv6_addresses_of_one_network_share_a_limit() {
        let limit = RateLimit::per_minute(NonZeroU32::new(2).unwrap());
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limit.check(a).is_ok());
        assert!(limit.check(b).is_ok());
        assert!(limit.check(a).is_err());
        assert!(
            limit.check(b).is_err(),
            "a new address in the same /64 gains nothing"
        );
        assert!(limit.check(other).is_ok());
    }

    #[tokio::test]
    async fn wrong_passwords_delay_that_account_only() {
        let f = AccountFailures::default();
        let now = Utc::now();
        for _ in 0..3 {
            assert_eq!(f.wait("ana@example.com", now).await, None);
            f.record("ana@example.com", now).await;
        }
        assert_eq!(
            f.wait("ana@example.com", now).await,
            Some(Duration::from_secs(2))
        );
        assert_eq!(f.wait("bo@example.com", now).await, None);
        f.forget("ana@example.com").await;
        assert_eq!(f.wait("ana@example.com", now).await, None);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_seconds(Duration::from_millis(2001)), 3);
    }
}
