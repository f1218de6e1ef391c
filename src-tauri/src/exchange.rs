//! Exchange between agencies and what follows from it: member cards (this site's card, partners'
//! cards imported and verified by comparing fingerprints aloud, revocation), bundles (preview,
//! export to a folder, inspect and import a file, the inbox and the quarantine), conflicts to
//! resolve, and the home screen's panels (actions due, upcoming meetings, counts). Commands only
//! translate between the window and the engine; every rule is the engine's.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use kasane::{
    CaseFilter, Conflict, ExportPreview, ExportReport, ImportStatus, ImportSummary, InboxEntry, Preview,
    QuarantineEntry, SiteInfo, Vault,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

use crate::{
    desktop::Desktop,
    error::{CommandError, ErrorKind},
    view::{DateView, id, id_text},
};

/// A card or bundle file is small; anything larger is not one (and is not read into memory).
const MAX_CARD_BYTES: u64 = 64 * 1024;
/// How often the window hears from a long export or import, at the least.
pub const HEARTBEAT: Duration = Duration::from_millis(100);

fn own_error(code: &str, kind: ErrorKind, detail: String, ja: String, field: &str) -> CommandError {
    CommandError {
        code: code.to_string(),
        kind,
        detail,
        message_ja: ja,
        field: Some(field.to_string()),
        date: None,
    }
}

/// A path typed or chosen in the window must be absolute (it would otherwise depend on where the
/// app was started).
fn full_path(field: &str, text: &str) -> Result<PathBuf, CommandError> {
    let p = PathBuf::from(text.trim());
    if text.trim().is_empty() || !p.is_absolute() {
        return Err(own_error(
            "input.relative-path",
            ErrorKind::BadInput,
            format!("\"{}\" is not a full path", text.trim()),
            format!(
                "「{}」は完全な場所ではありません。「選ぶ…」ボタンで選ぶか、{} のように始まる場所を入力してください",
                text.trim(),
                if cfg!(windows) { "E:\\" } else { "/" }
            ),
            field,
        ));
    }
    Ok(p)
}

fn unreadable(path: &Path, e: &std::io::Error) -> CommandError {
    own_error(
        "file.unreadable",
        ErrorKind::BadInput,
        format!("cannot read {}: {e}", path.display()),
        format!("{} を読めません（ファイルがないか、開けません）", path.display()),
        "file",
    )
}

/// A site as the window shows it: names, the fingerprint in its six groups, and its state.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SiteView {
    pub site: String,
    pub site_name: String,
    pub agency: String,
    pub agency_name: String,
    pub agency_code: Option<String>,
    /// "12345 67890 …" as the engine writes it.
    pub fingerprint: String,
    /// The six groups of five digits.
    pub groups: Vec<String>,
    pub verified: bool,
    pub revoked: bool,
    pub own: bool,
}

pub fn fingerprint_groups(fp: &str) -> Vec<String> {
    fp.split_whitespace().map(str::to_string).collect()
}

impl From<SiteInfo> for SiteView {
    fn from(s: SiteInfo) -> Self {
        SiteView {
            site: id_text(s.site),
            site_name: s.site_name,
            agency: id_text(s.agency),
            agency_name: s.agency_name,
            agency_code: s.agency_code,
            groups: fingerprint_groups(&s.fingerprint),
            fingerprint: s.fingerprint,
            verified: s.verified,
            revoked: s.revoked,
            own: s.own,
        }
    }
}

/// The exchange screen's first view: this site's card and every partner site.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExchangeView {
    pub me: SiteView,
    /// Partner sites (cards imported), by agency then site name.
    pub partners: Vec<SiteView>,
}

pub fn exchange_overview(desk: &Desktop) -> Result<ExchangeView, CommandError> {
    desk.with_vault(|v| {
        let (_, me) = v.my_card()?;
        let partners = v.sites()?.into_iter().filter(|s| !s.own).map(SiteView::from).collect();
        Ok(ExchangeView {
            me: me.into(),
            partners,
        })
    })
}

/// Characters a file name may not hold on the PCs agencies use (Windows is the strictest).
fn file_name_part(s: &str) -> String {
    let cleaned: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.').trim().to_string();
    if cleaned.is_empty() { "kasane".into() } else { cleaned }
}

/// `folder/stem.ext`, or `folder/stem (2).ext` … when that name is taken: never overwrites.
fn free_name(folder: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = folder.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| folder.join(format!("{stem} ({n}).{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

fn existing_folder(field: &str, text: &str) -> Result<PathBuf, CommandError> {
    let folder = full_path(field, text)?;
    if !folder.is_dir() {
        return Err(own_error(
            "file.no-folder",
            ErrorKind::BadInput,
            format!("{} is not a folder", folder.display()),
            format!("{} というフォルダはありません", folder.display()),
            field,
        ));
    }
    Ok(folder)
}

/// Writes this site's card into `folder` as `<agency>-<site>.kasanecard` (another name if that
/// one is taken) and returns the full path written.
pub fn card_export(desk: &Desktop, folder: String) -> Result<String, CommandError> {
    let folder = existing_folder("folder", &folder)?;
    let (text, me) = desk.with_vault(|v| Ok(v.my_card()?))?;
    let stem = format!("{}-{}", file_name_part(&me.agency_name), file_name_part(&me.site_name));
    let path = free_name(&folder, &stem, "kasanecard");
    // create_new: even if another program made the file since we looked, nothing is overwritten.
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    };
    write().map_err(|e| {
        own_error(
            "file.unwritable",
            ErrorKind::BadInput,
            format!("cannot write {}: {e}", path.display()),
            format!("{} に書き込めません", path.display()),
            "folder",
        )
    })?;
    Ok(path.display().to_string())
}

/// Imports a partner's card from a file (unverified until its fingerprint is compared).
pub fn card_import(desk: &Desktop, path: String) -> Result<SiteView, CommandError> {
    let path = full_path("file", &path)?;
    let len = std::fs::metadata(&path).map_err(|e| unreadable(&path, &e))?.len();
    if len > MAX_CARD_BYTES {
        return Err(own_error(
            "card.too-large",
            ErrorKind::BadInput,
            format!(
                "{} is {len} bytes: too large to be an agency check file",
                path.display()
            ),
            "このファイルは機関確認ファイルにしては大きすぎます。ファイルを確かめてください".into(),
            "file",
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| unreadable(&path, &e))?;
    let text = kasane::card_text_of(&bytes).map_err(kasane::Error::from)?;
    desk.with_vault(|v| Ok(v.import_card(text)?.into()))
}

/// Marks a partner's card verified when the fingerprint read out by the partner matches.
pub fn card_verify(desk: &Desktop, site: String, fingerprint: String) -> Result<SiteView, CommandError> {
    let site = id("site", &site)?;
    desk.with_vault(|v| Ok(v.verify_card(site, &fingerprint)?.into()))
}

pub fn site_revoke(desk: &Desktop, site: String) -> Result<SiteView, CommandError> {
    let site = id("site", &site)?;
    desk.with_vault(|v| Ok(v.revoke_site(site)?.into()))
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PreviewCaseView {
    pub case: String,
    pub household_label: String,
    pub title: String,
    pub ops: u32,
}

/// What an export would carry.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportPreviewView {
    pub agency: String,
    pub agency_name: String,
    /// Sites it would be encrypted to.
    pub recipients: u32,
    pub full: bool,
    pub cases: Vec<PreviewCaseView>,
    /// Households of those cases.
    pub households: u32,
    pub meetings: u32,
    pub scopes: u32,
    /// Operations that would go, in all (directory included).
    pub ops: u32,
    /// Operations of the directory (agencies, sites, workers) and other scopes than cases.
    pub directory_ops: u32,
    pub purges: u32,
}

fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

impl From<ExportPreview> for ExportPreviewView {
    fn from(p: ExportPreview) -> Self {
        let households: std::collections::BTreeSet<&str> = p.cases.iter().map(|c| c.household_label.as_str()).collect();
        let case_ops: u64 = p.cases.iter().map(|c| c.ops).sum();
        ExportPreviewView {
            agency: id_text(p.agency),
            agency_name: p.agency_name,
            recipients: count(p.recipients.len()),
            full: p.full,
            households: count(households.len()),
            cases: p
                .cases
                .into_iter()
                .map(|c| PreviewCaseView {
                    case: id_text(c.case),
                    household_label: c.household_label,
                    title: c.title,
                    ops: count(c.ops),
                })
                .collect(),
            meetings: count(p.meetings),
            scopes: count(p.scopes),
            ops: count(p.ops),
            directory_ops: count(p.ops.saturating_sub(case_ops)),
            purges: count(p.purges.len()),
        }
    }
}

/// `to` is an agency id (all its verified sites) or one site's id.
pub fn bundle_preview(desk: &Desktop, to: String, full: bool) -> Result<ExportPreviewView, CommandError> {
    let to = id("agency", &to)?;
    desk.with_vault(|v| Ok(v.export_preview(to, full)?.into()))
}

/// Progress of an export or import: the engine's phase, and a heartbeat at least every
/// `HEARTBEAT` while a phase runs, so the window can show that work goes on.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BundleProgress {
    /// "prepare" (before the engine's first report), then "collect", "compress", "encrypt",
    /// "write" (export) or "decrypt", "verify", "apply" (import).
    pub phase: String,
    pub done: u32,
    pub total: u32,
    /// Since the command started.
    pub elapsed_ms: u32,
}

/// Where bundle progress goes: a Tauri channel in the app, a closure in tests.
pub trait BundleReport: Send + Sync {
    fn report(&self, p: BundleProgress);
}

impl<F: Fn(BundleProgress) + Send + Sync> BundleReport for F {
    fn report(&self, p: BundleProgress) {
        self(p)
    }
}

/// Runs `work` with an engine progress callback, forwarding each engine report at once and the
/// latest one again every `HEARTBEAT` from a side thread while the engine is busy between reports
/// (decrypting or writing one large piece gives no report of its own).
fn with_progress<T>(
    sink: &dyn BundleReport,
    work: impl FnOnce(&mut dyn FnMut(kasane::Progress)) -> Result<T, CommandError>,
) -> Result<T, CommandError> {
    let started = Instant::now();
    let elapsed = move || count(started.elapsed().as_millis());
    // Reading the file (import) or gathering what to send (export) comes before the engine's
    // first report: the window hears "prepare" at once, and the heartbeat repeats it.
    let first = BundleProgress {
        phase: "prepare".into(),
        done: 0,
        total: 0,
        elapsed_ms: 0,
    };
    sink.report(first.clone());
    let latest: Arc<Mutex<Option<BundleProgress>>> = Arc::new(Mutex::new(Some(first)));
    let stop = Arc::new(AtomicBool::new(false));
    std::thread::scope(|scope| {
        let (latest_t, stop_t) = (latest.clone(), stop.clone());
        scope.spawn(move || {
            while !stop_t.load(Ordering::Relaxed) {
                std::thread::sleep(HEARTBEAT / 5);
                let mut l = latest_t.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(p) = l.as_mut() {
                    let now = elapsed();
                    // Checked every fifth of the period, so no gap exceeds the period by more
                    // than scheduling delay.
                    if now.saturating_sub(p.elapsed_ms) >= count((HEARTBEAT - HEARTBEAT / 5).as_millis()) {
                        p.elapsed_ms = now;
                        sink.report(p.clone());
                    }
                }
            }
        });
        let mut forward = |p: kasane::Progress| {
            let p = BundleProgress {
                phase: p.phase.to_string(),
                done: count(p.done),
                total: count(p.total),
                elapsed_ms: elapsed(),
            };
            let mut l = latest.lock().unwrap_or_else(|p| p.into_inner());
            sink.report(p.clone());
            *l = Some(p);
        };
        let out = work(&mut forward);
        stop.store(true, Ordering::Relaxed);
        out
    })
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BundleExportInput {
    /// Agency id or site id.
    pub to: String,
    pub full: bool,
    /// The folder to write the bundle into (a new file; nothing is overwritten).
    pub folder: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportReportView {
    pub path: String,
    pub agency_name: String,
    pub recipients: u32,
    pub full: bool,
    pub segments: u32,
    pub ops: u32,
    pub bytes: f64,
    pub seconds: f64,
}

impl From<ExportReport> for ExportReportView {
    fn from(r: ExportReport) -> Self {
        ExportReportView {
            path: r.path.display().to_string(),
            agency_name: r.agency_name,
            recipients: count(r.recipients.len()),
            full: r.full,
            segments: count(r.segments),
            ops: count(r.ops),
            bytes: r.bytes as f64,
            seconds: r.seconds,
        }
    }
}

pub fn bundle_export(
    desk: &Desktop,
    input: BundleExportInput,
    sink: &dyn BundleReport,
) -> Result<ExportReportView, CommandError> {
    let to = id("agency", &input.to)?;
    let folder = existing_folder("folder", &input.folder)?;
    with_progress(sink, |progress| {
        desk.with_vault(|v: &mut Vault| {
            let me = v.identity();
            let from = v.agency(me.agency).map(|a| a.name).unwrap_or_default();
            // `to` is an agency, or one of its sites.
            let partner = match v.agency(to) {
                Ok(a) => a.name,
                Err(_) => v.site_info(to).map(|s| s.agency_name).unwrap_or_default(),
            };
            let day = v.ambient().clock.today().to_string().replace('-', "");
            let stem = format!("{}から{}へ-{day}", file_name_part(&from), file_name_part(&partner));
            let out = free_name(&folder, &stem, "kasane");
            Ok(v.export_bundle(to, input.full, &out, progress)?.into())
        })
    })
}

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
        }
    }
}

pub fn bundle_import(desk: &Desktop, path: String, sink: &dyn BundleReport) -> Result<ImportSummaryView, CommandError> {
    let path = full_path("file", &path)?;
    with_progress(sink, |progress| {
        desk.with_vault(|v| Ok(v.import_bundle(&path, progress)?.into()))
    })
}

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

/// One live value of a field in conflict.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConflictValueView {
    /// The op that wrote it: what "choose this value" sends back.
    pub op: String,
    /// The value as JSON text (exact).
    pub json: String,
    /// The value when it is text.
    pub text: Option<String>,
    /// The value when it is a date.
    pub date: Option<DateView>,
    pub agency_name: Option<String>,
    pub worker_name: Option<String>,
    pub at_ms: f64,
}

/// A field of a record with more than one live value; the value shown until resolved first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConflictView {
    pub entity: String,
    /// "case", "household", "person", "note", "action" …
    pub etype: String,
    pub label: String,
    /// The engine's field name ("risk", "next_review", "title" …).
    pub field: String,
    /// A free-text field (not a choice, date or reference): a merged text can be written.
    pub text: bool,
    pub values: Vec<ConflictValueView>,
}

/// Fields a person writes freely, whose values can be merged by editing (choices, dates and
/// references can only be chosen).
const FREE_TEXT_FIELDS: &[&str] = &[
    "label",
    "title",
    "text",
    "address",
    "phone",
    "place",
    "note",
    "name",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "scope",
    "seen",
    "strengths",
    "needs",
    "discussion",
];

fn value_date(v: &Value) -> Option<DateView> {
    let s = v.as_str()?;
    let b = s.as_bytes();
    let iso = s.len() == 10 && b[4] == b'-' && b[7] == b'-';
    iso.then(|| kasane::parse_date(s).ok()).flatten().map(DateView::from)
}

impl From<Conflict> for ConflictView {
    fn from(c: Conflict) -> Self {
        let text = FREE_TEXT_FIELDS.contains(&c.field.as_str())
            && c.values.iter().all(|v| v.value.is_string() || v.value.is_null());
        ConflictView {
            entity: id_text(c.entity),
            etype: c.etype,
            label: c.label,
            field: c.field,
            text,
            values: c
                .values
                .into_iter()
                .map(|v| ConflictValueView {
                    op: id_text(v.op),
                    json: v.value.to_string(),
                    text: v.value.as_str().map(str::to_string),
                    date: value_date(&v.value),
                    agency_name: v.agency_name,
                    worker_name: v.worker_name,
                    at_ms: v.at_ms as f64,
                })
                .collect(),
        }
    }
}

pub fn conflicts(desk: &Desktop) -> Result<Vec<ConflictView>, CommandError> {
    desk.with_vault(|v| Ok(v.conflicts()?.into_iter().map(ConflictView::from).collect()))
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConflictResolveInput {
    pub entity: String,
    pub field: String,
    /// The op id of the value chosen; or null with `merged`.
    pub pick: Option<String>,
    /// A merged text (text fields only); or null with `pick`.
    pub merged: Option<String>,
}

pub fn conflict_resolve(desk: &Desktop, input: ConflictResolveInput) -> Result<(), CommandError> {
    let entity = id("record", &input.entity)?;
    let pick = input.pick.as_deref().map(|p| id("op", p)).transpose()?;
    let merged = input.merged.map(Value::String);
    desk.with_vault(|v| {
        v.resolve_conflict(entity, &input.field, pick, merged)?;
        Ok(())
    })
}

/// How far ahead the home screen looks for actions due.
const ACTIONS_AHEAD_DAYS: i64 = 14;

#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeActionRow {
    pub id: String,
    pub case: String,
    pub case_title: String,
    pub household_label: String,
    pub text: String,
    pub due: Option<DateView>,
    pub overdue: bool,
    /// The engine's status code ("not-started", "in-progress" …).
    pub status: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeMeetingRow {
    pub id: String,
    pub type_label: String,
    pub date: DateView,
    pub time: Option<String>,
    pub place: String,
}

/// The home screen's panels beside the review list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HomePanelsView {
    /// This agency's open actions overdue or due within two weeks, earliest first.
    pub actions: Vec<HomeActionRow>,
    /// Meetings from today on, soonest first.
    pub meetings: Vec<HomeMeetingRow>,
    /// Bundles in the inbox still waiting to be applied.
    pub inbox_waiting: u32,
    pub conflicts: u32,
    pub quarantined: u32,
}

pub fn home_panels(desk: &Desktop) -> Result<HomePanelsView, CommandError> {
    desk.with_vault(|v| {
        let me = v.identity().agency;
        let today = v.ambient().clock.today();
        let horizon = (0..ACTIONS_AHEAD_DAYS).fold(today, |d, _| d.tomorrow().unwrap_or(d));
        let cases: std::collections::HashMap<Uuid, (String, String)> = v
            .cases(&CaseFilter::default())?
            .into_iter()
            .map(|c| (c.id, (c.title, c.household_label)))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut actions = Vec::new();
        let mut push = |a: kasane::Action, actions: &mut Vec<HomeActionRow>| {
            if !seen.insert(a.id) {
                return;
            }
            let (title, household) = cases.get(&a.case).cloned().unwrap_or_default();
            actions.push(HomeActionRow {
                id: id_text(a.id),
                case: id_text(a.case),
                case_title: title,
                household_label: household,
                text: a.text,
                due: a.due.map(DateView::from),
                overdue: a.overdue,
                status: a.status.code().to_string(),
            });
        };
        for a in v.overdue_actions(Some(me))? {
            push(a, &mut actions);
        }
        // Due soon: the actions of the cases this agency can see (its own and shared ones).
        for case in cases.keys() {
            for a in v.actions_of(*case)? {
                let soon = a.due.is_some_and(|d| d <= horizon);
                if a.owner_agency == me && a.status.is_open() && soon {
                    push(a, &mut actions);
                }
            }
        }
        actions.sort_by(|a, b| {
            let key = |r: &HomeActionRow| r.due.as_ref().map(|d| d.iso.clone());
            key(a).cmp(&key(b)).then(a.id.cmp(&b.id))
        });
        let mut meetings: Vec<HomeMeetingRow> = v
            .meetings()?
            .into_iter()
            .filter(|m| m.date >= today && m.finalised.is_none())
            .map(|m| HomeMeetingRow {
                id: id_text(m.id),
                type_label: m.type_label,
                date: m.date.into(),
                time: m.time,
                place: m.place,
            })
            .collect();
        meetings.reverse();
        let inbox_waiting = v
            .inbox()?
            .into_iter()
            .filter(|e| !matches!(e.status.as_str(), "applied" | "quarantined" | "refused" | "failed"))
            .count();
        Ok(HomePanelsView {
            actions,
            meetings,
            inbox_waiting: count(inbox_waiting),
            conflicts: count(v.conflicts()?.len()),
            quarantined: count(v.quarantine()?.len()),
        })
    })
}
