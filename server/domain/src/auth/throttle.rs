//! Password sign-in throttled per account: after a few wrong passwords for one address, the
//! next attempt must wait, twice as long after each further failure (capped), whoever sends
//! it. Unlike a per-address limit this slows a password-guessing botnet spread over many
//! addresses; unlike a lock-out it never locks an account for long, and people sharing one
//! proxy are not affected by each other.

use chrono::{DateTime, Duration, Utc};

/// Failures allowed before any delay.
pub const FREE_FAILURES: u32 = 3;
/// The first delay; it doubles with each further failure.
pub const FIRST_DELAY: Duration = Duration::seconds(2);
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::minutes(5);

/// The wrong passwords one account has seen lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last_at: DateTime<Utc>,
}

impl Failures {
    /// The record after one more failure at `now`.
    pub fn after_failure(previous: Option<Failures>, now: DateTime<Utc>) -> Failures {
        Failures {
            count: previous.map_or(1, |f| f.count.saturating_add(1)),
            last_at: now,
        }
    }

    /// How long after the last failure the next attempt must wait.
    pub fn delay(&self) -> Duration {
        if self.count < FREE_FAILURES {
            return Duration::zero();
        }
        let doublings = (self.count - FREE_FAILURES).min(16);
        let delay = FIRST_DELAY * (1 << doublings);
        delay.min(MAX_DELAY)
    }

    /// `Some(wait)` while an attempt at `now` must wait.
    pub fn wait_at(&self, now: DateTime<Utc>) -> Option<Duration> {
        let until = self.last_at + self.delay();
        (until > now).then(|| until - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        let t0 = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .to_utc();
        let mut f = None;
        let mut delays = Vec::new();
        for _ in 0..12 {
            let next = Failures::after_failure(f, t0);
            delays.push(next.delay().num_seconds());
            f = Some(next);
        }
        assert_eq!(delays, [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        let f = f.unwrap();
        assert_eq!(
            f.wait_at(t0 + Duration::seconds(100)),
            Some(Duration::seconds(200))
        );
        assert_eq!(f.wait_at(t0 + MAX_DELAY), None);
    }

    #[test]
    fn two_failures_never_make_anyone_wait() {
        let t0 = Utc::now();
        let f = Failures::after_failure(Some(Failures::after_failure(None, t0)), t0);
        assert_eq!(f.wait_at(t0), None);
    }
}
