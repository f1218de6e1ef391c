//! The audit trail read as people look for something in it: by period (local calendar days), by
//! worker, by kind of action or action code, and by the record an entry is about, newest first and
//! a page at a time. The whole hash chain is verified on every read, whatever the filter, so a
//! page never shows entries of a trail that was altered elsewhere.
//!
//! Reading the trail is not itself written to the trail: it holds ids, action codes and counts,
//! never what a household's records say (kasane-store's `audit` writes only those).

use std::collections::HashMap;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Vault,
    audit::{self, AuditEntry},
    record::{RecordError, msg},
};

/// What kind of work an audit entry records, so a worker can ask for "every view" or "everything
/// done to cases" without knowing the action codes. Each action belongs to exactly one kind
/// (`AuditKind::of`); a view of a case is a view, not a change of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditKind {
    /// Looking at records: a household, a case, a person, the contact log, search, the ledger …
    View,
    /// Households, their members and relations recorded or changed.
    Household,
    /// Cases and what belongs to them: contact log, assessment, plan, referrals, decisions.
    Case,
    /// Who a case is shared with, consents, and what was erased when a share ended.
    Share,
    /// Meetings, their agendas, records and rosters.
    Meeting,
    /// Exchange files, partners' agency check files, differing entries, alerts.
    Exchange,
    /// Printed documents.
    Print,
    /// Opening the case records (unlocking, the recovery code).
    Open,
    /// Setting up: the case records, workers, passwords, agencies and resources.
    Settings,
    /// Anything this build does not sort into a kind.
    Other,
}

impl AuditKind {
    pub const ALL: &'static [AuditKind] = &[
        AuditKind::View,
        AuditKind::Household,
        AuditKind::Case,
        AuditKind::Share,
        AuditKind::Meeting,
        AuditKind::Exchange,
        AuditKind::Print,
        AuditKind::Open,
        AuditKind::Settings,
        AuditKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditKind::View => "view",
            AuditKind::Household => "household",
            AuditKind::Case => "case",
            AuditKind::Share => "share",
            AuditKind::Meeting => "meeting",
            AuditKind::Exchange => "exchange",
            AuditKind::Print => "print",
            AuditKind::Open => "open",
            AuditKind::Settings => "settings",
            AuditKind::Other => "other",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            AuditKind::View => "閲覧",
            AuditKind::Household => "世帯・世帯員",
            AuditKind::Case => "ケース",
            AuditKind::Share => "共有・同意",
            AuditKind::Meeting => "会議",
            AuditKind::Exchange => "連携ファイル",
            AuditKind::Print => "印刷",
            AuditKind::Open => "記録データを開く",
            AuditKind::Settings => "設定・職員",
            AuditKind::Other => "その他",
        }
    }

    /// The kind named by its code or its Japanese label.
    pub fn parse(s: &str) -> Result<AuditKind, RecordError> {
        let t = s.trim();
        if let Some(k) = AuditKind::ALL
            .iter()
            .find(|k| t.eq_ignore_ascii_case(k.code()) || t == k.label_ja())
        {
            return Ok(*k);
        }
        let en = AuditKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ");
        let ja = AuditKind::ALL
            .iter()
            .map(|k| k.label_ja())
            .collect::<Vec<_>>()
            .join("、");
        Err(RecordError::Inconsistent(msg!(
            ja: "「{t}」は操作の種類として選べません（{ja}）",
            en: "\"{t}\" is not a kind of action; use one of: {en}",
        )))
    }

    /// The kind of an action code as the engine writes them (`case.open`, `household.view`,
    /// `bundle.import` …). Views come first, so `case.view` is a view and `case.share` a share.
    pub fn of(action: &str) -> AuditKind {
        if action.ends_with(".view") || matches!(action, "search" | "note.list" | "case.disclosures") {
            return AuditKind::View;
        }
        if matches!(action, "case.share" | "case.unshare") {
            return AuditKind::Share;
        }
        match action.split('.').next().unwrap_or(action) {
            "household" | "person" | "relation" => AuditKind::Household,
            "case" | "note" | "assessment" | "plan" | "referral" | "disposal" => AuditKind::Case,
            "consent" | "purge" => AuditKind::Share,
            "meeting" | "roster" => AuditKind::Meeting,
            "bundle" | "card" | "site" | "quarantine" | "alert" | "conflict" => AuditKind::Exchange,
            // The open archive takes every record out as documents, as printing takes some.
            "print" | "archive" => AuditKind::Print,
            "unlock" | "recover" => AuditKind::Open,
            "vault" | "worker" | "passphrase" | "slot" | "agency" | "resource" | "demo" => AuditKind::Settings,
            _ => AuditKind::Other,
        }
    }
}

impl std::fmt::Display for AuditKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Which entries to show. Every condition given must hold; `None` (or a blank text) leaves it
/// out. `from` and `to` are local calendar days, both included.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// The worker who did it (their id in the directory, as in the trail).
    pub worker: Option<Uuid>,
    pub kind: Option<AuditKind>,
    /// An action code, or its start up to a dot: `case` (or `case.`) finds `case.open`,
    /// `case.view` … but not `caseload`; `meeting.agenda` finds `meeting.agenda.add`.
    pub action: Option<String>,
    /// Text of the entry's target or detail, case and surrounding spaces ignored: a record id
    /// (a case's id also finds the contact-log entries and actions added to it) or part of one.
    pub target: Option<String>,
    /// At most this many entries; `None` for every one from `offset` on.
    pub limit: Option<usize>,
    /// Leave out this many of the newest matching entries (the pages already shown).
    pub offset: usize,
}

/// One entry as a list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// The calendar day and the time (to the second) on the worker's PC.
    pub day: Date,
    pub time: Time,
    /// The worker's name in the directory (or on their key slot); `None` when no worker is
    /// named or the name is not known here.
    pub worker_name: Option<String>,
    pub kind: AuditKind,
}

/// A page of the trail.
#[derive(Debug, Clone, Serialize)]
pub struct AuditPage {
    /// The matching entries, newest first, from `offset`, at most `limit`.
    pub entries: Vec<AuditRow>,
    /// How many entries match the filter, on every page.
    pub matching: usize,
    /// How many entries the whole trail holds; every one of them was verified.
    pub total: usize,
}

/// Whether `action` is `wanted` or begins with it followed by a dot.
fn action_matches(action: &str, wanted: &str) -> bool {
    let wanted = wanted.trim().trim_end_matches('.');
    wanted.is_empty() || action == wanted || action.strip_prefix(wanted).is_some_and(|rest| rest.starts_with('.'))
}

impl Vault {
    /// The audit trail's entries that match `filter`, newest first, with the worker's name and
    /// the local day and time of each. The whole hash chain is verified first: an altered trail
    /// is an error (`audit.damaged`, naming the first altered entry) even when no entry of the
    /// page is the altered one. A period that ends before it starts is refused.
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<AuditPage, RecordError> {
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                let (fw, tw) = (crate::ja::wareki(from), crate::ja::wareki(to));
                return Err(RecordError::Inconsistent(msg!(
                    ja: "期間の始まり（{fw}）が終わり（{tw}）より後になっています",
                    en: "the period starts ({from}) after it ends ({to})",
                )));
            }
        }
        let trail = audit::read_verified(&self.conn)?;
        let total = trail.len();
        let names = self.worker_names()?;
        let target = filter
            .target
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let clock = &self.ambient.clock;
        let mut matching = 0;
        let mut entries = Vec::new();
        let wanted = filter.limit.unwrap_or(usize::MAX);
        for entry in trail.into_iter().rev() {
            let local = clock.local(entry.at);
            let day = local.date();
            let kind = AuditKind::of(&entry.action);
            let fits = filter.from.is_none_or(|f| day >= f)
                && filter.to.is_none_or(|t| day <= t)
                && filter.worker.is_none_or(|w| entry.worker == Some(w))
                && filter.kind.is_none_or(|k| kind == k)
                && filter
                    .action
                    .as_deref()
                    .is_none_or(|a| action_matches(&entry.action, a))
                && target.as_deref().is_none_or(|t| {
                    [entry.target.as_deref(), entry.detail.as_deref()]
                        .into_iter()
                        .flatten()
                        .any(|s| s.to_lowercase().contains(t))
                });
            if !fits {
                continue;
            }
            matching += 1;
            if matching <= filter.offset || entries.len() >= wanted {
                continue;
            }
            let t = local.time();
            entries.push(AuditRow {
                worker_name: entry.worker.and_then(|w| names.get(&w).cloned()),
                day,
                // Milliseconds are kept in the entry itself; a list reads to the second.
                time: Time::new(t.hour(), t.minute(), t.second(), 0).unwrap_or(t),
                kind,
                entry,
            });
        }
        Ok(AuditPage {
            entries,
            matching,
            total,
        })
    }

    /// Every worker's name by id: the directory's, else the key slot's (a worker whose
    /// directory entry has not been read yet still has a name).
    fn worker_names(&self) -> Result<HashMap<Uuid, String>, RecordError> {
        let mut names: HashMap<Uuid, String> = self.workers().iter().map(|s| (s.worker, s.name.clone())).collect();
        for w in self.directory_workers()? {
            names.insert(w.id, w.name);
        }
        Ok(names)
    }
}
