//! Retention and disposal (保存年限と廃棄): how long this agency keeps a closed case, by kind of
//! record, counted as a city's 文書管理規程 counts it — from the first of April after the fiscal
//! year in which the case closed; which of its closed cases are due; and the disposal of a case
//! that is due. A disposal erases the bodies of every op of the case (its shared part, its
//! contact log and its internal notes) as a purge does, and of its household when no other case
//! of the household remains; headers and hashes stay, so chains still verify. Each case is
//! disposed in its own transaction together with its 廃棄記録 (a local record, never sent), so a
//! run cut short leaves every case either whole or disposed and recorded, and the next run goes
//! on with what is left. Partners that received the case are asked to purge it in the files they
//! get next (`bundle::export`), driven by the 廃棄記録 because the case's share records are gone.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Vault,
    ja::{Date, wareki},
    log::Scope,
    record::{self, CaseStatus, Fields, RecordError, msg, require_text},
};

/// The kinds of case record the city's schedule sets a retention period for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetentionKind {
    /// ケース記録 (general case files).
    General,
    /// 児童虐待に関するケース記録, kept longer.
    ChildProtection,
}

impl RetentionKind {
    pub const ALL: &'static [RetentionKind] = &[RetentionKind::General, RetentionKind::ChildProtection];

    pub fn code(self) -> &'static str {
        match self {
            RetentionKind::General => "general",
            RetentionKind::ChildProtection => "child-protection",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            RetentionKind::General => "ケース記録",
            RetentionKind::ChildProtection => "児童虐待に関するケース記録",
        }
    }

    pub fn parse(s: &str) -> Result<RetentionKind, RecordError> {
        let t = s.trim();
        RetentionKind::ALL
            .iter()
            .copied()
            .find(|k| k.code() == t || k.label_ja() == t)
            .ok_or_else(|| RecordError::BadChoice {
                field: "kind of record",
                value: t.to_string(),
                allowed: "general (ケース記録) child-protection (児童虐待に関するケース記録)",
            })
    }

    /// Years kept when the city has set nothing: five for case files, ten for child protection.
    pub fn default_years(self) -> u32 {
        match self {
            RetentionKind::General => 5,
            RetentionKind::ChildProtection => 10,
        }
    }

    /// The kind of a case, from its problems.
    pub fn of_case(problems: &[String]) -> RetentionKind {
        if problems.iter().any(|p| p == "child-abuse") {
            RetentionKind::ChildProtection
        } else {
            RetentionKind::General
        }
    }

    fn meta_key(self) -> String {
        format!("retention_years.{}", self.code())
    }
}

/// The retention period of each kind, in years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionPeriod {
    pub kind: RetentionKind,
    pub years: u32,
    /// The city has not set it: the default applies.
    pub default: bool,
}

/// The longest period a schedule may set.
pub const MAX_RETENTION_YEARS: u32 = 100;

/// A closed case this agency leads, with when its retention ends.
#[derive(Debug, Clone, Serialize)]
pub struct RetainedCase {
    pub case: Uuid,
    pub title: String,
    pub household: Uuid,
    pub household_label: String,
    pub opened: Date,
    pub closed: Date,
    pub kind: RetentionKind,
    pub years: u32,
    /// The first day it may be disposed of.
    pub due: Date,
    /// The agencies that received it (asked to purge their copies when it is disposed).
    pub shared_with: Vec<Uuid>,
}

/// 廃棄記録: what was disposed of, when, by whom, on whose approval.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisposalRecord {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    /// 件名, as the case was titled.
    pub title: String,
    pub household: Uuid,
    pub opened: Date,
    pub closed: Date,
    pub kind: RetentionKind,
    pub years: u32,
    pub due: Date,
    pub disposed: Date,
    pub worker: Uuid,
    /// Who approved the disposal (the post, as said: 福祉総務課長 …).
    pub approved_by: String,
    /// The agencies asked to purge their copies.
    #[serde(default)]
    pub notified: Vec<Uuid>,
    /// The household's records were erased too (no other case of it remained).
    #[serde(default)]
    pub household_erased: bool,
    /// How many op bodies were erased.
    pub erased: u64,
}

impl record::Record for DisposalRecord {
    const ETYPE: &'static str = "disposal";
    fn set_meta(&mut self, st: &crate::log::EntityState) {
        self.id = st.id;
    }
}

/// What a disposal run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DisposalReport {
    pub disposed: Vec<Uuid>,
    pub households_erased: usize,
    pub erased: u64,
}

/// The local scope that holds this vault's 廃棄記録 (one per agency; never exported).
pub(crate) fn register_scope(agency: Uuid) -> Scope {
    let mut h = blake3::Hasher::new_derive_key("kasane disposal register v1");
    h.update(agency.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.finalize().as_bytes()[..16]);
    Scope::Local(uuid::Builder::from_custom_bytes(b).into_uuid())
}

/// The first day a case closed on `closed` may be disposed of after `years`: the period starts on
/// the first of April after the fiscal year (April to March) of the closing.
pub fn disposal_due(closed: Date, years: u32) -> Date {
    let fiscal_year = if closed.month() >= 4 {
        closed.year()
    } else {
        closed.year() - 1
    };
    let start_year = i32::from(fiscal_year) + 1 + years as i32;
    Date::new(start_year.clamp(1, 9999) as i16, 4, 1).unwrap_or(closed)
}

impl Vault {
    /// The city's retention schedule as this vault keeps it.
    pub fn retention_schedule(&self) -> Result<Vec<RetentionPeriod>, RecordError> {
        let mut out = Vec::new();
        for kind in RetentionKind::ALL {
            let years = self
                .setting(&kind.meta_key())?
                .and_then(|y| u32::try_from(y).ok())
                .filter(|y| (1..=MAX_RETENTION_YEARS).contains(y));
            out.push(RetentionPeriod {
                kind: *kind,
                years: years.unwrap_or(kind.default_years()),
                default: years.is_none(),
            });
        }
        Ok(out)
    }

    /// Sets the retention period of a kind of record (1 to 100 years).
    pub fn set_retention_years(&mut self, kind: RetentionKind, years: u32) -> Result<(), RecordError> {
        if !(1..=MAX_RETENTION_YEARS).contains(&years) {
            return Err(RecordError::Inconsistent(msg!(
                ja: "保存年限は1年から{MAX_RETENTION_YEARS}年の間で指定してください（{years}年は指定できません）",
                en: "a retention period must be 1 to {MAX_RETENTION_YEARS} years, not {years}"
            )));
        }
        Ok(self.set_setting(
            &kind.meta_key(),
            i64::from(years),
            "setting.retention",
            Some(kind.code()),
            &years.to_string(),
        )?)
    }

    /// The closed cases this agency leads, with when each may be disposed of, soonest first.
    pub fn retained_cases(&self) -> Result<Vec<RetainedCase>, RecordError> {
        let me = self.me.agency;
        let schedule = self.retention_schedule()?;
        let mut out = Vec::new();
        for c in self.cases(&record::CaseFilter {
            status: Some(CaseStatus::Closed),
            lead_agency: Some(me),
            ..Default::default()
        })? {
            out.push(self.retained(c.id, &schedule)?);
        }
        out.sort_by_key(|r| (r.due, r.case));
        Ok(out)
    }

    /// The closed cases whose retention has ended today.
    pub fn disposal_due_cases(&self) -> Result<Vec<RetainedCase>, RecordError> {
        let today = self.ambient.clock.today();
        let mut all = self.retained_cases()?;
        all.retain(|r| r.due <= today);
        Ok(all)
    }

    /// A closed case with its kind and disposal day under `schedule`.
    fn retained(&self, id: Uuid, schedule: &[RetentionPeriod]) -> Result<RetainedCase, RecordError> {
        let c = self.case_quiet(id)?;
        let closed = match (&c.status, &c.closure) {
            (CaseStatus::Closed, Some(k)) => k.date,
            _ => {
                return Err(RecordError::Refused(msg!(
                    ja: "このケースは終結していないため、廃棄できません",
                    en: "this case is not closed, so it cannot be disposed of"
                )));
            }
        };
        let kind = RetentionKind::of_case(&c.problems);
        let years = schedule
            .iter()
            .find(|p| p.kind == kind)
            .map_or(kind.default_years(), |p| p.years);
        let mut shared_with: Vec<Uuid> = self.shares_of(id)?.into_iter().map(|s| s.agency).collect();
        shared_with.sort();
        shared_with.dedup();
        Ok(RetainedCase {
            case: id,
            household_label: self.household(c.household).map(|h| h.label).unwrap_or_default(),
            title: c.title,
            household: c.household,
            opened: c.opened,
            closed,
            kind,
            years,
            due: disposal_due(closed, years),
            shared_with,
        })
    }

    /// Disposes of the given cases (the list the user confirmed), one transaction each, calling
    /// `progress(done, total)` after each. Every case must still be this agency's, closed and
    /// due today — one reopened or changed since the list was shown is refused before anything is
    /// erased. `approved_by` is the post that approved the disposal (所属長の決裁).
    pub fn dispose_cases(
        &mut self,
        cases: &[Uuid],
        approved_by: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<DisposalReport, RecordError> {
        let approved_by = require_text("approved by", approved_by)?;
        if cases.is_empty() {
            return Err(RecordError::Missing("at least one case to dispose of"));
        }
        let today = self.ambient.clock.today();
        let me = self.me.agency;
        let schedule = self.retention_schedule()?;
        let mut due = Vec::with_capacity(cases.len());
        for &id in cases {
            let r = self.retained(id, &schedule)?;
            let c = self.case_quiet(id)?;
            if c.lead_agency != me {
                let title = &r.title;
                return Err(RecordError::Refused(msg!(
                    ja: "「{title}」は他の機関が主担当のケースです。廃棄は主担当機関が行います",
                    en: "\"{title}\" is led by another agency; its lead disposes of it"
                )));
            }
            if r.due > today {
                let (title, day) = (&r.title, wareki(r.due));
                return Err(RecordError::Refused(msg!(
                    ja: "「{title}」の保存期間は{day}まで終わりません",
                    en: "\"{title}\" is kept until its retention ends ({day})"
                )));
            }
            due.push(r);
        }
        let worker = self.me.worker;
        let register = register_scope(me);
        let mut report = DisposalReport::default();
        let total = due.len();
        progress(0, total);
        for (i, r) in due.into_iter().enumerate() {
            let (erased, household_erased) = self.write(|tx| -> Result<(u64, bool), RecordError> {
                let mut erased = 0u64;
                for scope in [Scope::Case(r.case), Scope::Progress(r.case), Scope::Local(r.case)] {
                    erased += tx.purge_scope(scope)? as u64;
                }
                tx.flush()?;
                // The household goes too when no other case of it remains here.
                let others: i64 = tx
                    .conn()
                    .query_row(
                        "SELECT count(*) FROM entity WHERE etype = 'case' AND parent = ?1",
                        [r.household.as_bytes()],
                        |row| row.get(0),
                    )
                    .map_err(kasane_store::StoreError::from)?;
                let household_erased = others == 0;
                if household_erased {
                    erased += tx.purge_scope(Scope::Household(r.household))? as u64;
                }
                let fields = Fields::new()
                    .put("case", r.case)
                    .put("title", &r.title)
                    .put("household", r.household)
                    .put("opened", r.opened)
                    .put("closed", r.closed)
                    .put("kind", r.kind)
                    .put("years", r.years)
                    .put("due", r.due)
                    .put("disposed", today)
                    .put("worker", worker)
                    .put("approved_by", &approved_by)
                    .put("notified", &r.shared_with)
                    .put("household_erased", household_erased)
                    .put("erased", erased)
                    .into_map();
                tx.create(register, "disposal", None, fields)?;
                tx.audit(
                    "disposal",
                    Some(r.case.to_string()),
                    Some(format!("{erased} bodies erased; approved by {approved_by}")),
                );
                crate::vault::test_pause("disposal-uncommitted");
                Ok((erased, household_erased))
            })?;
            crate::vault::test_pause("disposal-committed");
            report.disposed.push(r.case);
            report.erased += erased;
            report.households_erased += usize::from(household_erased);
            progress(i + 1, total);
        }
        Ok(report)
    }

    /// 廃棄記録: every disposal this agency made, newest first.
    pub fn disposal_records(&self) -> Result<Vec<DisposalRecord>, RecordError> {
        let mut out: Vec<DisposalRecord> = record::load_all(&self.conn, "disposal", None)?
            .iter()
            .filter_map(|st| record::view::<DisposalRecord>(st).ok())
            .collect();
        out.sort_by(|a, b| b.disposed.cmp(&a.disposed).then(a.case.cmp(&b.case)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::disposal_due;

    #[test]
    fn retention_counts_from_the_april_after_the_fiscal_year_of_closing() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().expect("a date");
        assert_eq!(
            disposal_due(d("2020-04-01"), 5),
            d("2026-04-01"),
            "FY2020 closes in March 2021"
        );
        assert_eq!(disposal_due(d("2021-03-31"), 5), d("2026-04-01"), "still FY2020");
        assert_eq!(disposal_due(d("2021-04-01"), 5), d("2027-04-01"), "FY2021");
        assert_eq!(disposal_due(d("2020-12-25"), 10), d("2031-04-01"));
    }
}
