//! Retention and disposal for the window: the city's schedule (保存年限), the closed cases with
//! their disposal day, the disposal of confirmed cases with progress after each, and the
//! 廃棄記録. Which cases are due and every refusal are the engine's.

use kasane::{DisposalRecord, RetainedCase, RetentionPeriod};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{DateView, id, id_text, mirror},
};

mirror!(RetentionKind => kasane::RetentionKind { General = "general", ChildProtection = "child-protection" });

#[derive(Debug, Clone, Serialize, TS)]
pub struct RetentionPeriodView {
    pub kind: RetentionKind,
    pub years: u32,
    /// Not set by the city: the default applies.
    pub default: bool,
}

impl From<RetentionPeriod> for RetentionPeriodView {
    fn from(p: RetentionPeriod) -> Self {
        RetentionPeriodView {
            kind: p.kind.into(),
            years: p.years,
            default: p.default,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RetainedCaseView {
    pub case: String,
    pub title: String,
    pub household_label: String,
    pub opened: DateView,
    pub closed: DateView,
    pub kind: RetentionKind,
    pub years: u32,
    /// The first day it may be disposed of.
    pub due: DateView,
    /// Today is on or after `due`.
    pub is_due: bool,
    /// How many agencies received it (asked to erase their copies on disposal).
    pub shared_with: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DisposalRecordView {
    pub case: String,
    pub title: String,
    pub closed: DateView,
    pub kind: RetentionKind,
    pub years: u32,
    pub disposed: DateView,
    pub approved_by: String,
    pub notified: u32,
    pub household_erased: bool,
}

impl From<DisposalRecord> for DisposalRecordView {
    fn from(d: DisposalRecord) -> Self {
        DisposalRecordView {
            case: id_text(d.case),
            title: d.title,
            closed: d.closed.into(),
            kind: d.kind.into(),
            years: d.years,
            disposed: d.disposed.into(),
            approved_by: d.approved_by,
            notified: d.notified.len() as u32,
            household_erased: d.household_erased,
        }
    }
}

/// After each disposed case.
#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct DisposalProgress {
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DisposalReportView {
    pub disposed: u32,
    pub households_erased: u32,
}

pub fn retention_schedule(desk: &Desktop) -> Result<Vec<RetentionPeriodView>, CommandError> {
    desk.with_vault(|v| Ok(v.retention_schedule()?.into_iter().map(Into::into).collect()))
}

pub fn retention_set(desk: &Desktop, kind: RetentionKind, years: u32) -> Result<(), CommandError> {
    desk.with_vault(|v| Ok(v.set_retention_years(kind.into(), years)?))
}

/// This agency's closed cases, soonest disposal day first.
pub fn retention_cases(desk: &Desktop) -> Result<Vec<RetainedCaseView>, CommandError> {
    desk.with_vault(|v| {
        let today = v.ambient().clock.today();
        Ok(v.retained_cases()?
            .into_iter()
            .map(|r: RetainedCase| RetainedCaseView {
                case: id_text(r.case),
                title: r.title,
                household_label: r.household_label,
                opened: r.opened.into(),
                closed: r.closed.into(),
                kind: r.kind.into(),
                years: r.years,
                is_due: r.due <= today,
                due: r.due.into(),
                shared_with: r.shared_with.len() as u32,
            })
            .collect())
    })
}

/// Disposes of the cases the user confirmed; `sink` hears after each one.
pub fn retention_dispose(
    desk: &Desktop,
    cases: Vec<String>,
    approved_by: String,
    sink: &(dyn Fn(DisposalProgress) + Send + Sync),
) -> Result<DisposalReportView, CommandError> {
    let cases = cases.iter().map(|c| id("case", c)).collect::<Result<Vec<_>, _>>()?;
    desk.with_vault(|v| {
        let r = v.dispose_cases(&cases, &approved_by, &mut |done, total| {
            sink(DisposalProgress {
                done: done as u32,
                total: total as u32,
            })
        })?;
        Ok(DisposalReportView {
            disposed: r.disposed.len() as u32,
            households_erased: r.households_erased as u32,
        })
    })
}

pub fn disposal_records(desk: &Desktop) -> Result<Vec<DisposalRecordView>, CommandError> {
    desk.with_vault(|v| Ok(v.disposal_records()?.into_iter().map(Into::into).collect()))
}
