//! The inbox (bundles received, and what became of each) and the quarantine (what was received
//! but not applied, and why). A bundle whose import failed is tried again only when the user asks.

use kasane::{InboxEntry, QuarantineEntry, Vault};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::{ImportSummaryView, count};
use crate::{desktop::Desktop, error::CommandError, view::id_text};

/// A bundle received and what became of it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InboxEntryView {
    pub file: String,
    pub bundle: Option<String>,
    pub sender_agency_name: Option<String>,
    /// "applied", "quarantined", "refused", "needs-update", "failed" (kept with the reason; tried
    /// again only when someone asks), or another engine state (waiting).
    pub status: String,
    /// The engine's English reason, for a refused or waiting bundle.
    pub reason: Option<String>,
    pub received_ms: f64,
    pub done_ms: Option<f64>,
    /// Still waiting to be applied (after a crash, or for a newer Kasane).
    pub waiting: bool,
}

fn inbox_view(e: InboxEntry, names: &std::collections::HashMap<Uuid, String>) -> InboxEntryView {
    let waiting = !matches!(e.status.as_str(), "applied" | "quarantined" | "refused" | "failed");
    InboxEntryView {
        file: e.file,
        bundle: e.bundle.map(id_text),
        sender_agency_name: e.sender.and_then(|s| names.get(&s).cloned()),
        status: e.status,
        reason: e.reason,
        received_ms: e.received_at as f64,
        done_ms: e.done_at.map(|d| d as f64),
        waiting,
    }
}

fn site_agency_names(v: &Vault) -> Result<std::collections::HashMap<Uuid, String>, CommandError> {
    Ok(v.sites()?.into_iter().map(|s| (s.site, s.agency_name)).collect())
}

pub fn inbox(desk: &Desktop) -> Result<Vec<InboxEntryView>, CommandError> {
    desk.with_vault(|v| {
        let names = site_agency_names(v)?;
        Ok(v.inbox()?.into_iter().map(|e| inbox_view(e, &names)).collect())
    })
}

/// One bundle of an inbox run: its summary, or why it was refused.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InboxResult {
    pub summary: Option<ImportSummaryView>,
    pub error: Option<CommandError>,
}

/// Processes the inbox when the user asks: what an unlock would, and the files whose import
/// failed before (an unlock never retries those by itself).
pub fn inbox_process(desk: &Desktop) -> Result<Vec<InboxResult>, CommandError> {
    desk.with_vault(|v| {
        let mut results = v.process_inbox()?;
        let failed: Vec<String> = v
            .inbox()?
            .into_iter()
            .filter(|e| e.status == "failed")
            .map(|e| e.file)
            .collect();
        for file in failed {
            results.push(v.retry_inbox(&file, &mut |_| {}));
        }
        Ok(results
            .into_iter()
            .map(|r| match r {
                Ok(s) => InboxResult {
                    summary: Some(s.into()),
                    error: None,
                },
                Err(e) => InboxResult {
                    summary: None,
                    error: Some(e.into()),
                },
            })
            .collect())
    })
}

/// Something received but not applied, with the reason code (the window words it).
#[derive(Debug, Clone, Serialize, TS)]
pub struct QuarantineView {
    /// "segment" (kept whole), "ops" (stored, not applied) or "file" (a whole exchange file from
    /// a sender whose check number is not compared yet: not even decrypted).
    pub kind: String,
    pub author_agency: Option<String>,
    pub scope: String,
    pub count: u32,
    /// The engine's reason code ("unverified-sender", "gap", "not-shared" …).
    pub reason: String,
    /// The engine's English explanation.
    pub explanation: String,
    pub detail: Option<String>,
    pub at_ms: Option<f64>,
}

impl From<QuarantineEntry> for QuarantineView {
    fn from(q: QuarantineEntry) -> Self {
        QuarantineView {
            kind: q.kind.to_string(),
            author_agency: q.author_agency,
            scope: q.scope,
            count: count(q.count),
            reason: q.reason,
            explanation: q.explanation.to_string(),
            detail: q.detail,
            at_ms: q.at.map(|a| a as f64),
        }
    }
}

pub fn quarantine(desk: &Desktop) -> Result<Vec<QuarantineView>, CommandError> {
    desk.with_vault(|v| Ok(v.quarantine()?.into_iter().map(QuarantineView::from).collect()))
}

/// Tries the quarantine again; returns how many segments were applied.
pub fn quarantine_retry(desk: &Desktop) -> Result<u32, CommandError> {
    desk.with_vault(|v| Ok(count(v.retry_quarantine()?)))
}
