//! The audit trail (操作の記録) for the window: one page of the verified trail, filtered by
//! period, worker, kind of action and record, newest first. The engine checks the whole chain on
//! every call; an altered trail comes back as its error.

use kasane::{AuditFilter, AuditPage, AuditRow};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{DateView, date_input, id, id_text, mirror},
};

mirror!(AuditKind => kasane::AuditKind {
    View = "view", Household = "household", Case = "case", Share = "share", Meeting = "meeting",
    Exchange = "exchange", Print = "print", Open = "open", Settings = "settings", Other = "other",
});

/// What the 操作の記録 screen asks for. Blank texts and nulls leave a condition out.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AuditFilterInput {
    /// The first day, typed as people write dates (和暦 or ISO).
    pub from: String,
    /// The last day, included.
    pub to: String,
    /// A worker's id.
    pub worker: Option<String>,
    pub kind: Option<AuditKind>,
    /// An action code or its start up to a dot ("case" finds case.open, case.view …).
    pub action: String,
    /// A record id (or part of one) the entry names.
    pub target: String,
    /// At most this many entries; null for all.
    pub limit: Option<u32>,
    /// Leave out this many of the newest matching entries (the rows already shown).
    pub offset: u32,
}

/// One entry of the trail.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditEntryView {
    /// Its place in the trail (1 is the first entry ever written).
    pub seq: u32,
    /// The worker's calendar day when it was written.
    pub date: DateView,
    /// The time on the worker's PC ("14:05").
    pub time: String,
    pub worker: Option<String>,
    pub worker_name: Option<String>,
    pub kind: AuditKind,
    /// The engine's action code ("case.open"); the window words it.
    pub action: String,
    /// The record the entry is about (an id), if any.
    pub target: Option<String>,
    /// What the engine noted beside it (counts, fields changed, a case id …).
    pub detail: Option<String>,
}

impl From<AuditRow> for AuditEntryView {
    fn from(r: AuditRow) -> Self {
        AuditEntryView {
            seq: u32::try_from(r.entry.seq).unwrap_or(u32::MAX),
            date: DateView::from(r.day),
            time: r.time.strftime("%H:%M").to_string(),
            worker: r.entry.worker.map(id_text),
            worker_name: r.worker_name,
            kind: r.kind.into(),
            action: r.entry.action,
            target: r.entry.target,
            detail: r.entry.detail,
        }
    }
}

/// A page of the trail and what it was taken from.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditPageView {
    pub entries: Vec<AuditEntryView>,
    /// Entries matching the filter, on every page.
    pub matching: u32,
    /// Entries in the whole trail, every one verified.
    pub total: u32,
}

impl From<AuditPage> for AuditPageView {
    fn from(p: AuditPage) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        AuditPageView {
            matching: count(p.matching),
            total: count(p.total),
            entries: p.entries.into_iter().map(AuditEntryView::from).collect(),
        }
    }
}

pub fn audit_entries(desk: &Desktop, filter: AuditFilterInput) -> Result<AuditPageView, CommandError> {
    let text = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = AuditFilter {
        from: date_input("from", &filter.from)?,
        to: date_input("to", &filter.to)?,
        worker: filter
            .worker
            .as_deref()
            .filter(|w| !w.is_empty())
            .map(|w| id("worker", w))
            .transpose()?,
        kind: filter.kind.map(kasane::AuditKind::from),
        action: text(filter.action),
        target: text(filter.target),
        limit: filter.limit.map(|n| n as usize),
        offset: filter.offset as usize,
    };
    desk.with_vault(|v| Ok(v.audit_entries(&filter)?.into()))
}
