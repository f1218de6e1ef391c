//! Cases and consent records for a built household: a realistic status mix, opening dates in
//! the last three years, a plausible lead agency with one to three supporting ones, 1–4 problem
//! codes led by the case kind's own, review dates only on open cases, and contact-log entries
//! in date order between the opening date and today (or the closing date).

use jiff::civil::{Date, Weekday};

use super::notes::{self, Ctx, Memo, Who};
use super::scenario::{CaseSeed, Household, Role};
use super::specs::Group;
use super::util::{self, Rng};
use super::{DemoCase, DemoConsent, DemoNote};

/// 受付 → アセスメント → プラン → 支援中 → 終結; most open cases are in active support.
const STATUSES: &[(&str, u32)] = &[
    ("intake", 10),
    ("assessment", 15),
    ("planning", 12),
    ("active", 48),
    ("closed", 15),
];
const RISKS: [&str; 4] = ["low", "medium", "high", "urgent"];
const NOTE_KINDS: &[(&str, u32)] = &[
    ("visit", 28),
    ("phone", 28),
    ("office", 13),
    ("meeting", 10),
    ("accompany", 8),
    ("email", 6),
    ("other", 7),
];
/// For referrals whose wording does not say how they arrived (通告, 連絡, 紹介 …).
const INTAKE_KINDS: &[(&str, u32)] = &[("phone", 60), ("email", 15), ("other", 25)];
const CLOSE_KINDS: &[(&str, u32)] = &[("meeting", 35), ("office", 20), ("phone", 20), ("other", 25)];

const SCOPES_COMMON: &[&str] = &[
    "支援会議での情報共有",
    "関係機関への情報提供",
    "重層的支援会議での情報共有",
];
const SCOPES_ELDER: &[&str] = &[
    "地域包括支援センターへの情報提供",
    "ケアマネジャーとの情報共有",
    "民生委員への情報提供",
    "避難行動要支援者名簿への掲載",
];
const SCOPES_CHILD: &[&str] = &[
    "学校との情報共有",
    "保育園・学校との情報共有",
    "スクールソーシャルワーカーとの情報共有",
];
const SCOPES_ADULT: &[&str] = &[
    "医療機関への情報提供",
    "民生委員への情報提供",
    "ハローワークとの情報共有",
];

/// Longest a case stays open before closing, so old closed cases do not run for years.
const MAX_CASE_DAYS: i64 = 700;
const LOOKBACK_DAYS: i64 = 1090;
/// How often a closed case closed long ago (opened six to nine years before today), and when.
const OLD_CLOSED_PER_MILLE: u32 = 200;
pub(super) const OLD_CLOSED_DAYS: (i64, i64) = (6 * 365, 9 * 365);

/// National holidays on fixed dates; the movable ones (Happy Monday, equinoxes) are left
/// out, so a few entries still fall on those.
const FIXED_HOLIDAYS: &[(i8, i8)] = &[
    (2, 11),
    (2, 23),
    (4, 29),
    (5, 3),
    (5, 4),
    (5, 5),
    (8, 11),
    (11, 3),
    (11, 23),
];

pub(super) fn office_closed(date: Date) -> bool {
    let (m, d) = (date.month(), date.day());
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
        || (m == 12 && d >= 29)
        || (m == 1 && d <= 3)
        || FIXED_HOLIDAYS.contains(&(m, d))
}

/// Offices are shut at weekends, on holidays and over 年末年始 (29 December to 3 January), so
/// contact dates move back to the previous working day, never before `floor`.
fn workday_on_or_before(mut date: Date, floor: Option<Date>) -> Date {
    for _ in 0..10 {
        let off = office_closed(date);
        if !off || floor.is_some_and(|f| date <= f) {
            break;
        }
        date = util::add_days(date, -1);
    }
    date
}

fn age_of(hh: &Household, idx: usize, today: Date) -> i32 {
    hh.birth_years.get(idx).map_or(0, |b| i32::from(today.year()) - b)
}

fn who(hh: &Household, role: Role, today: Date) -> Who {
    Who {
        label: role.label,
        age: age_of(hh, role.idx, today),
    }
}

pub(super) fn case(rng: &mut Rng, today: Date, hh: &Household, seed: &CaseSeed) -> DemoCase {
    let spec = seed.spec;
    let status = util::weighted(rng, STATUSES);
    let closed = status == "closed";
    let a = who(hh, seed.cast.a, today);

    let (lo, hi) = match status {
        "intake" => (0, 45),
        "assessment" => (10, 240),
        "planning" => (30, 400),
        "active" => (45, LOOKBACK_DAYS),
        // Some cases closed long ago, past the city's retention period, wait for disposal.
        _ if util::chance(rng, OLD_CLOSED_PER_MILLE) => (OLD_CLOSED_DAYS.0, OLD_CLOSED_DAYS.1),
        _ => (90, LOOKBACK_DAYS),
    };
    // A baby's case cannot have opened before the baby was born, whatever its status.
    let born: Option<Date> = hh.members.get(seed.cast.a.idx).and_then(|m| m.birth.parse().ok());
    let since_birth = born.map_or(i64::MAX, |b| util::days_between(b, today).max(0));
    let offset = util::between64(rng, lo, hi).min(since_birth);
    let opened = workday_on_or_before(util::add_days(today, -offset), born);
    let end = if closed {
        let close = util::add_days(opened, util::between64(rng, 45, offset.min(MAX_CASE_DAYS)));
        workday_on_or_before(close.min(today), Some(opened))
    } else {
        today
    };
    let span = util::days_between(opened, end).max(0);

    let lead = util::weighted(rng, spec.leads);
    let supports = util::between(rng, 1, 3) as usize;
    let mut agencies = Vec::with_capacity(supports + 1);
    agencies.push(lead);
    for _ in 0..supports * 3 {
        if agencies.len() > supports {
            break;
        }
        let s = util::pick(rng, spec.supports);
        if !agencies.contains(&s) {
            agencies.push(s);
        }
    }

    let (cond, cond_code) = util::pick(rng, spec.conditions);
    let mut problems = Vec::with_capacity(4);
    problems.push(spec.code);
    if !cond_code.is_empty() && !problems.contains(&cond_code) {
        problems.push(cond_code);
    }
    for &(code, per_mille) in spec.extra {
        if problems.len() >= 4 {
            break;
        }
        if util::chance(rng, per_mille) && !problems.contains(&code) {
            problems.push(code);
        }
    }
    let risk_table = [
        (RISKS[0], spec.risk[0]),
        (RISKS[1], spec.risk[1]),
        (RISKS[2], spec.risk[2]),
        (RISKS[3], spec.risk[3]),
    ];
    let risk = util::weighted(rng, &risk_table);

    let ctx = Ctx {
        a,
        b: seed.cast.b.map(|r| who(hh, r, today)),
        c: seed.cast.c.map(|r| who(hh, r, today)),
        cond,
        b_contact: spec.b_contact,
        agencies: &agencies,
    };
    let title = notes::title(rng, spec, &ctx);

    let count = match status {
        "intake" => util::between64(rng, 1, 3),
        "assessment" => util::between64(rng, 2, 7),
        "planning" => util::between64(rng, 4, 10),
        "active" => 3 + span / 60 + util::between64(rng, 0, 3),
        _ => 3 + span / 45 + util::between64(rng, 0, 3),
    }
    .clamp(1, 40) as usize;
    let mut dates: Vec<Date> = (0..count)
        .map(|i| match i {
            0 => opened,
            _ if closed && i + 1 == count => end,
            _ => workday_on_or_before(util::add_days(opened, util::between64(rng, 0, span)), Some(opened)),
        })
        .collect();
    dates.sort_unstable();

    let mut memo = Memo::default();
    let mut entries = Vec::with_capacity(count);
    for (i, &date) in dates.iter().enumerate() {
        let note = if i == 0 {
            let (text, implied) = notes::intake(rng, spec, &ctx, lead);
            DemoNote {
                date,
                kind: implied.unwrap_or_else(|| util::weighted(rng, INTAKE_KINDS)),
                agency: lead,
                text,
                internal: false,
            }
        } else if closed && i + 1 == count {
            DemoNote {
                date,
                kind: util::weighted(rng, CLOSE_KINDS),
                agency: lead,
                text: notes::closing(rng, spec, &ctx, lead),
                internal: false,
            }
        } else {
            let kind = util::weighted(rng, NOTE_KINDS);
            let agency = if util::chance(rng, if kind == "meeting" { 800 } else { 550 }) {
                lead
            } else {
                writer(rng, &agencies, lead)
            };
            let internal = util::chance(rng, 115);
            DemoNote {
                date,
                kind,
                agency,
                text: notes::progress(rng, spec, &ctx, kind, agency, internal, &mut memo),
                internal,
            }
        };
        entries.push(note);
    }

    let next_review = if closed {
        None
    } else {
        let delta = if util::chance(rng, 200) {
            -util::between64(rng, 1, 30)
        } else {
            util::between64(rng, 0, 90)
        };
        Some(util::add_days(today, delta).max(util::add_days(opened, 7)))
    };

    DemoCase {
        title,
        problems,
        status,
        risk,
        lead_agency: lead,
        opened,
        next_review,
        notes: entries,
    }
}

fn writer(rng: &mut Rng, agencies: &[&'static str], lead: &'static str) -> &'static str {
    let able = agencies.iter().skip(1).filter(|a| notes::keeps_records(a)).count();
    if able == 0 {
        return lead;
    }
    let n = util::between(rng, 0, able as i32 - 1) as usize;
    agencies
        .iter()
        .skip(1)
        .filter(|a| notes::keeps_records(a))
        .nth(n)
        .copied()
        .unwrap_or(lead)
}

/// Consent from the person the case is about, or from the parent when that is a child; now
/// and then also from the key family member. A few have since been withdrawn.
pub(super) fn consents(
    rng: &mut Rng,
    today: Date,
    hh: &Household,
    seed: &CaseSeed,
    case: &DemoCase,
    out: &mut Vec<DemoConsent>,
) {
    // At intake, consent is often still to be obtained.
    if case.status == "intake" && util::chance(rng, 400) {
        return;
    }
    let cast = seed.cast;
    let person = if age_of(hh, cast.a.idx, today) >= 15 {
        cast.a.idx
    } else {
        cast.b.map_or(0, |b| b.idx)
    };
    let group_scopes = match seed.spec.group {
        Group::Elder => SCOPES_ELDER,
        Group::Child => SCOPES_CHILD,
        Group::Adult => SCOPES_ADULT,
    };
    let n = util::between(rng, 1, 2);
    for k in 0..n {
        let scope = util::pick(rng, if k == 0 { SCOPES_COMMON } else { group_scopes });
        out.push(consent(rng, today, case.opened, person, scope));
    }
    let second = cast
        .b
        .filter(|b| {
            b.idx != person
                && age_of(hh, b.idx, today) >= 18
                && hh
                    .members
                    .get(b.idx)
                    .is_some_and(|m| m.living_together && m.deceased.is_none())
        })
        .filter(|_| util::chance(rng, 300));
    if let Some(b) = second {
        let scope = util::pick(rng, SCOPES_COMMON);
        out.push(consent(rng, today, case.opened, b.idx, scope));
    }
}

fn consent(rng: &mut Rng, today: Date, opened: Date, person: usize, scope: &str) -> DemoConsent {
    let date = util::add_days(opened, util::between64(rng, 0, 14)).min(today);
    let how = if util::chance(rng, 700) { "書面" } else { "口頭" };
    let remaining = util::days_between(date, today);
    let withdrawn = if remaining > 30 && util::chance(rng, 30) {
        Some(util::add_days(date, util::between64(rng, 30, remaining)))
    } else {
        None
    };
    DemoConsent {
        person,
        scope: scope.to_string(),
        date,
        how,
        withdrawn,
    }
}
