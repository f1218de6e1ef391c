//! Hybrid logical clock: physical milliseconds plus a counter, so ops from many PCs get a total
//! order that respects causality even when their clocks disagree a little.

use serde::{Deserialize, Serialize};

/// Packed as `ms << 16 | counter`, so comparing the integers compares the clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hlc(u64);

/// How far a remote clock may pull ours ahead of the wall clock. Beyond this the op is kept (and
/// flagged as from the future) but our clock does not follow it, so one PC with a wrong date
/// cannot drag every partner's clock into next year.
pub const MAX_FORWARD_DRIFT_MS: u64 = 5 * 60 * 1000;

impl Hlc {
    pub const ZERO: Hlc = Hlc(0);

    pub fn new(ms: u64, counter: u16) -> Hlc {
        Hlc((ms << 16) | counter as u64)
    }
    pub fn from_raw(raw: u64) -> Hlc {
        Hlc(raw)
    }
    pub fn raw(self) -> u64 {
        self.0
    }
    pub fn ms(self) -> u64 {
        self.0 >> 16
    }
    pub fn counter(self) -> u16 {
        (self.0 & 0xffff) as u16
    }

    /// The next timestamp for a local event: never behind `self`, never behind the wall clock.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.ms() {
            Hlc::new(now_ms, 0)
        } else if self.counter() == u16::MAX {
            Hlc::new(self.ms() + 1, 0)
        } else {
            Hlc(self.0 + 1)
        }
    }

    /// Takes a remote timestamp into account (on import), within the drift limit.
    pub fn observe(self, remote: Hlc, now_ms: u64) -> Hlc {
        let ceiling = Hlc::new(now_ms.saturating_add(MAX_FORWARD_DRIFT_MS), 0);
        self.max(remote.min(ceiling))
    }

    /// True when this timestamp lies further ahead of `now_ms` than the drift limit.
    pub fn is_future(self, now_ms: u64) -> bool {
        self.ms() > now_ms.saturating_add(MAX_FORWARD_DRIFT_MS)
    }
}

impl std::fmt::Display for Hlc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.ms(), self.counter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_monotonic_when_the_wall_clock_goes_back() {
        let a = Hlc::new(1_000, 0).tick(2_000);
        let b = a.tick(1_500);
        assert!(b > a, "a clock set back must not make a later op sort earlier");
        assert_eq!(b.ms(), 2_000);
        assert_eq!(b.counter(), 1);
    }

    #[test]
    fn counter_overflow_moves_to_the_next_millisecond() {
        let a = Hlc::new(10, u16::MAX);
        let b = a.tick(5);
        assert!(b > a, "overflowing the counter must still produce a later timestamp");
        assert_eq!((b.ms(), b.counter()), (11, 0));
    }

    #[test]
    fn observe_does_not_follow_a_clock_far_in_the_future() {
        let now = 1_000_000;
        let local = Hlc::new(now, 0);
        let remote = Hlc::new(now + 86_400_000, 0);
        let seen = local.observe(remote, now);
        assert!(
            seen.ms() <= now + MAX_FORWARD_DRIFT_MS,
            "a day-ahead PC must not drag our clock a day ahead"
        );
        assert!(remote.is_future(now));
        let near = Hlc::new(now + 1000, 3);
        assert_eq!(local.observe(near, now), near, "a slightly fast clock is followed");
    }
}
