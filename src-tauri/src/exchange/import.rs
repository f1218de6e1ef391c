//! Bundles in: what a bundle file holds before it is applied (from an unverified sender, only its
//! header), and importing it.

use std::path::Path;

use kasane::{ImportStatus, ImportSummary, Preview};
use serde::Serialize;
use ts_rs::TS;

use super::{BundleReport, count, full_path, with_progress};
use crate::{desktop::Desktop, error::CommandError, view::id_text};

#[derive(Debug, Clone, Serialize, TS)]
pub struct KindCount {
    pub kind: String,
    pub count: u32,
}

/// What a bundle file holds, before it is applied.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BundlePreviewView {
    pub path: String,
    pub bundle: String,
    pub created_ms: f64,
    pub sender: String,
    pub sender_known: bool,
    pub sender_verified: bool,
    pub sender_revoked: bool,
    pub sender_agency_name: Option<String>,
    pub sender_site_name: Option<String>,
    pub fingerprint: Option<String>,
    pub already_imported: bool,
    /// Why its contents cannot be read here (it will be refused), in the engine's English.
    pub problem: Option<String>,
    /// The sender's card is not verified: nothing was decrypted, so the counts below are empty.
    pub contents_hidden: bool,
    pub full: bool,
    pub segments: u32,
    pub ops: u32,
    /// Scope kind ("case", "household", "directory", "meeting" …) → how many.
    pub scopes: Vec<KindCount>,
    pub purges: u32,
    pub bytes: f64,
}

fn preview_view(path: &Path, p: Preview) -> BundlePreviewView {
    BundlePreviewView {
        path: path.display().to_string(),
        bundle: id_text(p.bundle),
        created_ms: p.created as f64,
        sender: id_text(p.sender),
        sender_known: p.sender_known,
        sender_verified: p.sender_verified,
        sender_revoked: p.sender_revoked,
        sender_agency_name: p.sender_agency_name,
        sender_site_name: p.sender_site_name,
        fingerprint: p.fingerprint,
        already_imported: p.already_imported,
        problem: p.problem,
        contents_hidden: p.contents_hidden,
        full: p.full,
        segments: count(p.segments),
        ops: count(p.ops),
        scopes: p
            .scopes
            .into_iter()
            .map(|(kind, n)| KindCount { kind, count: count(n) })
            .collect(),
        purges: count(p.purge.len()),
        bytes: p.bytes as f64,
    }
}

pub fn bundle_inspect(desk: &Desktop, path: String) -> Result<BundlePreviewView, CommandError> {
    let path = full_path("file", &path)?;
    desk.with_vault(|v| Ok(preview_view(&path, v.inspect_bundle(&path)?)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ImportStatusView {
    Applied,
    AlreadyImported,
    Quarantined,
    NeedsUpdate,
}

impl From<ImportStatus> for ImportStatusView {
    fn from(s: ImportStatus) -> Self {
        match s {
            ImportStatus::Applied => ImportStatusView::Applied,
            ImportStatus::AlreadyImported => ImportStatusView::AlreadyImported,
            ImportStatus::Quarantined => ImportStatusView::Quarantined,
            ImportStatus::NeedsUpdate => ImportStatusView::NeedsUpdate,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportSummaryView {
    pub bundle: String,
    pub sender_agency_name: Option<String>,
    pub status: ImportStatusView,
    pub segments: u32,
    pub ops_new: u32,
    pub ops_known: u32,
    pub records_new: u32,
    pub records_changed: u32,
    /// Records with a field now in conflict.
    pub conflicts: u32,
    /// Ops kept but not applied, by reason code.
    pub held: Vec<KindCount>,
    /// Segments kept in quarantine, by reason code.
    pub quarantined: Vec<KindCount>,
    pub released: u32,
    pub acks_learned: u32,
    pub purged: u32,
    pub future_ops: u32,
    /// Partner PCs whose new keys this file brought.
    pub key_changes: u32,
}

impl From<ImportSummary> for ImportSummaryView {
    fn from(s: ImportSummary) -> Self {
        let counts = |m: std::collections::BTreeMap<String, usize>| {
            m.into_iter()
                .map(|(kind, n)| KindCount { kind, count: count(n) })
                .collect()
        };
        ImportSummaryView {
            bundle: id_text(s.bundle),
            sender_agency_name: s.sender_agency_name,
            status: s.status.into(),
            segments: count(s.segments),
            ops_new: count(s.ops_new),
            ops_known: count(s.ops_known),
            records_new: count(s.records_new),
            records_changed: count(s.records_changed),
            conflicts: count(s.conflicts.len()),
            held: counts(s.held),
            quarantined: counts(s.quarantined),
            released: count(s.released),
            acks_learned: count(s.acks_learned),
            purged: count(s.purged.len()),
            future_ops: count(s.future_ops),
            key_changes: count(s.key_changes),
        }
    }
}

pub fn bundle_import(desk: &Desktop, path: String, sink: &dyn BundleReport) -> Result<ImportSummaryView, CommandError> {
    let path = full_path("file", &path)?;
    with_progress(sink, |progress| {
        desk.with_vault(|v| Ok(v.import_bundle(&path, progress)?.into()))
    })
}
