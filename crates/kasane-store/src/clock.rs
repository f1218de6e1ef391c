//! Time and randomness as inputs: every engine path takes them from here, so tests and demos can
//! fix both and get the same vault twice.

use std::sync::{Arc, Mutex};

use jiff::{
    Timestamp,
    civil::{Date, DateTime},
    tz::TimeZone,
};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The wall clock as the engine sees it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
    /// The wall-clock date and time where the case workers are, at `at`: the day an audit entry
    /// is listed under is the day the worker saw on their PC, not the UTC one.
    fn local(&self, at: Timestamp) -> DateTime;
    /// The calendar date case workers live in; ages and due dates are counted against it.
    fn today(&self) -> Date {
        self.local(self.now()).date()
    }
}

/// The machine's clock in the machine's time zone (Asia/Tokyo on a municipal PC).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
    fn local(&self, at: Timestamp) -> DateTime {
        at.to_zoned_datetime(TimeZone::system()).datetime()
    }
}

/// A clock that stands still until moved; for tests, demos and benchmarks.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<Timestamp>>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        FixedClock(Arc::new(Mutex::new(at)))
    }
    /// Moves the clock by `ms` milliseconds (negative moves it back, as a skewed PC would).
    pub fn advance_ms(&self, ms: i64) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t = Timestamp::from_millisecond(t.as_millisecond().saturating_add(ms)).unwrap_or(*t);
    }
    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// In Japan (UTC+9) whatever the machine running the tests is set to, so a fixed time
    /// falls on the same day everywhere.
    fn local(&self, at: Timestamp) -> DateTime {
        at.to_zoned_datetime(TimeZone::fixed(jiff::tz::offset(9))).datetime()
    }
}

/// Randomness for ids and keys. Production draws from the OS; tests pass a seed.
#[derive(Clone)]
pub struct Entropy(Arc<Mutex<ChaCha20Rng>>);

impl Entropy {
    /// Seeded from the operating system's CSPRNG.
    pub fn from_os() -> Self {
        Entropy(Arc::new(Mutex::new(ChaCha20Rng::from_entropy())))
    }
    /// Reproducible; never use for a real vault.
    pub fn from_seed(seed: u64) -> Self {
        Entropy(Arc::new(Mutex::new(ChaCha20Rng::seed_from_u64(seed))))
    }
    pub fn fill(&self, buf: &mut [u8]) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).fill_bytes(buf)
    }
    pub fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut b = [0u8; N];
        self.fill(&mut b);
        b
    }
    pub fn u64(&self) -> u64 {
        u64::from_le_bytes(self.bytes())
    }
}

impl std::fmt::Debug for Entropy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Entropy(..)")
    }
}

/// Clock and randomness together: what every vault operation is given.
#[derive(Clone)]
pub struct Ambient {
    pub clock: Arc<dyn Clock>,
    pub entropy: Entropy,
}

impl Ambient {
    pub fn system() -> Self {
        Ambient {
            clock: Arc::new(SystemClock),
            entropy: Entropy::from_os(),
        }
    }
    pub fn fixed(clock: FixedClock, seed: u64) -> Self {
        Ambient {
            clock: Arc::new(clock),
            entropy: Entropy::from_seed(seed),
        }
    }
    /// A UUIDv7 from the injected clock and randomness: time-ordered, so ids sort by creation.
    pub fn uuid_v7(&self) -> uuid::Uuid {
        let ms = self.clock.now().as_millisecond().max(0) as u64;
        let rand: [u8; 10] = self.entropy.bytes();
        uuid::Builder::from_unix_timestamp_millis(ms, &rand).into_uuid()
    }
}

impl std::fmt::Debug for Ambient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ambient").field("now", &self.clock.now()).finish()
    }
}
