//! The only source of "now" in the service: the system clock in the server, a settable clock in
//! tests, so that tests move time instead of sleeping. Clippy's `disallowed-methods` forbids
//! reading the system time anywhere else.

use std::fmt::Debug;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

/// Tells the time.
pub trait Clock: Send + Sync + Debug {
    /// The current time, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the system clock is the one place that reads the system time"
    )]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until it is set or advanced: tests use it to expire things.
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: OffsetDateTime) -> Self {
        ManualClock(Mutex::new(at))
    }

    /// Sets the time.
    pub fn set(&self, at: OffsetDateTime) {
        match self.0.lock() {
            Ok(mut now) => *now = at,
            Err(poisoned) => *poisoned.into_inner() = at,
        }
    }

    /// Moves the time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let now = self.now();
        self.set(now + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        match self.0.lock() {
            Ok(now) => *now,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(datetime!(2026-12-01 10:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-12-01 10:00 UTC));
        clock.advance(Duration::minutes(5));
        assert_eq!(clock.now(), datetime!(2026-12-01 10:05 UTC));
        clock.set(datetime!(2030-01-01 0:00 UTC));
        assert_eq!(clock.now(), datetime!(2030-01-01 0:00 UTC));
    }
}
