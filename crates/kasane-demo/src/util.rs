//! Small deterministic helpers shared by the generators: per-household seeding, picking from
//! const tables, day arithmetic and ISO formatting. Nothing here can panic on the inputs the
//! generators give it (non-empty const tables, day offsets of a few thousand).

use jiff::SignedDuration;
use jiff::civil::Date;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

/// ChaCha8 because its stream is specified and portable: the same seed gives the same city on
/// every platform and every future build, which the benchmarks rely on.
pub(super) type Rng = ChaCha8Rng;

/// One generator per household, derived from (seed, index) without collisions, so household
/// `i` is the same whether the caller asks for 10 or 10,000 households.
pub(super) fn rng_for(seed: u64, index: u64) -> Rng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&index.to_le_bytes());
    // Domain separation, so another Kasane generator fed the same seed yields unrelated streams.
    bytes[16..24].copy_from_slice(b"kasane-d");
    Rng::from_seed(bytes)
}

/// Uniform pick; callers only pass non-empty const tables.
pub(super) fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// Weighted pick; callers only pass non-empty const tables with a positive total.
pub(super) fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|&(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for &(item, w) in items {
        if roll < w {
            return item;
        }
        roll -= w;
    }
    items[items.len() - 1].0
}

pub(super) fn chance(rng: &mut Rng, per_mille: u32) -> bool {
    rng.gen_range(0..1000) < per_mille
}

/// Inclusive range that tolerates `hi < lo` (returns `lo`), so age arithmetic near the edges
/// of a scenario's bounds never has to be special-cased at the call site.
pub(super) fn between(rng: &mut Rng, lo: i32, hi: i32) -> i32 {
    if hi <= lo { lo } else { rng.gen_range(lo..=hi) }
}

pub(super) fn between64(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo { lo } else { rng.gen_range(lo..=hi) }
}

pub(super) fn add_days(date: Date, days: i64) -> Date {
    date.saturating_add(SignedDuration::from_hours(days.saturating_mul(24)))
}

pub(super) fn days_between(from: Date, to: Date) -> i64 {
    to.duration_since(from).as_hours() / 24
}

fn days_in_month(year: i32, month: i32) -> i32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Birth as the registry would show it. Old records are often incomplete (戸籍 transcriptions,
/// people who only know the year), so about a fifth of pre-1950 births are year or year-month
/// only. Never later than `today`.
pub(super) fn birth_string(rng: &mut Rng, year: i32, today: Date) -> String {
    let this_year = i32::from(today.year());
    let max_month = if year >= this_year {
        i32::from(today.month())
    } else {
        12
    };
    let month = between(rng, 1, max_month);
    if year < 1950 && chance(rng, 200) {
        return if chance(rng, 500) {
            format!("{year:04}")
        } else {
            format!("{year:04}-{month:02}")
        };
    }
    let max_day = if year >= this_year && month == i32::from(today.month()) {
        i32::from(today.day())
    } else {
        days_in_month(year, month)
    };
    let day = between(rng, 1, max_day);
    format!("{year:04}-{month:02}-{day:02}")
}
