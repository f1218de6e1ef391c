//! `bundle`, `inbox`, `conflicts`, `quarantine`, `digest`: exchange files (連携ファイル) between
//! sites and what became of them. Inspecting a file applies nothing; a failed import is only
//! retried when asked.

use std::path::PathBuf;

use clap::Subcommand;
use kasane::{Conflict, ExportReport, ImportSummary, InboxEntry, Preview, QuarantineEntry};
use serde_json::json;
use uuid::Uuid;

use super::input::{self, id};
use super::print::{Out, outln, stamp};
use super::vault::unlock;
use super::{Global, Result, usage};

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Write an exchange file with what the partner may see and does not yet have.
    Export(BundleExport),
    /// Show what an exchange file holds without applying it.
    Inspect(FileArg),
    /// Verify and apply an exchange file.
    Import(FileArg),
}

#[derive(Debug, clap::Args)]
pub struct BundleExport {
    /// A partner agency (all its verified sites) or one site.
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub out: PathBuf,
    /// Resend everything the partner may see, not only what it lacks.
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, clap::Args)]
pub struct FileArg {
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct InboxArgs {
    #[command(subcommand)]
    pub action: Option<InboxCmd>,
}

#[derive(Debug, Subcommand)]
pub enum InboxCmd {
    /// Import again an exchange file whose import failed (or that waits for an update).
    Retry(InboxRetry),
}

#[derive(Debug, clap::Args)]
pub struct InboxRetry {
    /// The file name `kasane inbox` lists.
    pub file: String,
}

#[derive(Debug, clap::Args)]
pub struct ConflictsArgs {
    #[command(subcommand)]
    pub action: Option<ConflictsCmd>,
}

#[derive(Debug, Subcommand)]
pub enum ConflictsCmd {
    /// Settle a field: pick one of the values (--pick OP_ID) or give a merged value (--value JSON).
    Resolve(ConflictResolve),
}

#[derive(Debug, clap::Args)]
pub struct ConflictResolve {
    pub entity: String,
    #[arg(long)]
    pub field: String,
    #[arg(long, conflicts_with = "value")]
    pub pick: Option<String>,
    /// A JSON value (a string needs quotes: '"高橋家"').
    #[arg(long)]
    pub value: Option<String>,
}

pub fn bundle(g: &Global, out: &Out, cmd: BundleCmd) -> Result<()> {
    match cmd {
        BundleCmd::Export(a) => {
            let mut v = unlock(g)?;
            let to = match Uuid::parse_str(a.to.trim()) {
                Ok(u) => u,
                Err(_) => v.find_agency(&a.to)?.id,
            };
            let report = v.export_bundle(to, a.full, &a.out, &mut |p| out.progress(p.phase, p.done, p.total))?;
            out.exported(&report);
        }
        BundleCmd::Inspect(a) => {
            input::readable_named(&a.file)?;
            let v = unlock(g)?;
            let p = v.inspect_bundle(&a.file)?;
            out.preview(&p);
        }
        BundleCmd::Import(a) => {
            input::readable_named(&a.file)?;
            let mut v = unlock(g)?;
            let s = v.import_bundle(&a.file, &mut |p| out.progress(p.phase, p.done, p.total))?;
            out.imported(&s);
        }
    }
    Ok(())
}

pub fn inbox(g: &Global, out: &Out, cmd: InboxArgs) -> Result<()> {
    match cmd {
        InboxArgs { action: None } => {
            let v = unlock(g)?;
            out.inbox(&v.inbox()?);
        }
        InboxArgs {
            action: Some(InboxCmd::Retry(a)),
        } => {
            let mut v = unlock(g)?;
            let s = v.retry_inbox(&a.file, &mut |p| out.progress(p.phase, p.done, p.total))?;
            out.imported(&s);
        }
    }
    Ok(())
}

pub fn conflicts(g: &Global, out: &Out, cmd: ConflictsArgs) -> Result<()> {
    match cmd {
        ConflictsArgs { action: None } => {
            let v = unlock(g)?;
            out.conflicts(&v.conflicts()?);
        }
        ConflictsArgs {
            action: Some(ConflictsCmd::Resolve(a)),
        } => {
            let mut v = unlock(g)?;
            let pick = a.pick.as_deref().map(|p| id(p, "operation")).transpose()?;
            let merged = a
                .value
                .as_deref()
                .map(|t| {
                    serde_json::from_str::<serde_json::Value>(t).map_err(|e| {
                        usage(format!(
                            "--value is not JSON ({e}); a text needs quotes, e.g. '\"高橋家\"'"
                        ))
                    })
                })
                .transpose()?;
            let value = v.resolve_conflict(id(&a.entity, "record")?, &a.field, pick, merged)?;
            out.resolved(&value);
        }
    }
    Ok(())
}

pub fn quarantine(g: &Global, out: &Out) -> Result<()> {
    let v = unlock(g)?;
    out.quarantine(&v.quarantine()?);
    Ok(())
}

pub fn digest(g: &Global, out: &Out) -> Result<()> {
    let v = unlock(g)?;
    out.digest(&v.digest()?);
    Ok(())
}

impl Out {
    pub fn exported(&self, r: &ExportReport) {
        if self.json {
            return self.print_json(r);
        }
        outln!(
            "連携ファイルを出力しました / exchange file written: {} ({} bytes)",
            r.path.display(),
            r.bytes
        );
        outln!(
            "  宛先: {} ({} 端末)  範囲: ケース・世帯など {} 件、{} 区切り、{} 操作{}",
            r.agency_name,
            r.recipients.len(),
            r.scopes,
            r.segments,
            r.ops,
            if r.full { "（全件）" } else { "" }
        );
        if !r.purges.is_empty() {
            outln!("  削除依頼 / purge requests: {}", r.purges.join(", "));
        }
    }

    pub fn preview(&self, p: &Preview) {
        if self.json {
            return self.print_json(p);
        }
        let who = p
            .sender_agency_name
            .as_deref()
            .unwrap_or("不明な送信元 / unknown sender");
        let state = if !p.sender_known {
            "機関確認ファイル未登録"
        } else if p.sender_revoked {
            "失効"
        } else if p.sender_verified {
            "確認済み"
        } else {
            "未確認（取り込むと保留になります）"
        };
        outln!(
            "連携ファイル {}  送信元: {} {} [{}]",
            p.bundle,
            who,
            p.sender_site_name.as_deref().unwrap_or(""),
            state
        );
        outln!(
            "  作成: {}  形式: {}  {} bytes",
            jiff::Timestamp::from_millisecond(p.created)
                .map(|t| stamp(t, false))
                .unwrap_or_default(),
            p.format,
            p.bytes
        );
        if let Some(problem) = &p.problem {
            outln!("  ⚠ {problem}");
            return;
        }
        if p.contents_hidden {
            outln!(
                "  中身は照合番号を確認するまで表示しません / contents are shown once the check number is compared (kasane card verify)"
            );
            return;
        }
        outln!(
            "  {} 区切り、{} 操作: {}",
            p.segments,
            p.ops,
            p.scopes
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if p.already_imported {
            outln!("  取り込み済み / already imported");
        }
        if !p.purge.is_empty() {
            outln!("  削除依頼 / purge requests: {}", p.purge.join(", "));
        }
    }

    pub fn imported(&self, s: &ImportSummary) {
        if self.json {
            return self.print_json(s);
        }
        outln!(
            "取り込み / import: {:?}  送信元 {}",
            s.status,
            s.sender_agency_name.as_deref().unwrap_or("")
        );
        outln!(
            "  新規記録 {}、更新 {}、新しい操作 {}（既知 {}）、区切り {}",
            s.records_new,
            s.records_changed,
            s.ops_new,
            s.ops_known,
            s.segments
        );
        if !s.conflicts.is_empty() {
            outln!(
                "  ⚠ 内容の食い違い {} 件: kasane conflicts で確認してください",
                s.conflicts.len()
            );
        }
        for (r, n) in &s.held {
            outln!("  保留 / held {n}: {r}");
        }
        for (r, n) in &s.quarantined {
            outln!("  保留した区切り {n} / quarantined {n} segments: {r}");
        }
        if s.released > 0 {
            outln!("  保留から適用 / released {}", s.released);
        }
        if !s.purged.is_empty() {
            outln!("  削除 / purged: {}", s.purged.join(", "));
        }
        if s.future_ops > 0 {
            outln!("  ⚠ 時刻が未来の操作 {} 件（相手の時計を確認）", s.future_ops);
        }
    }

    pub fn inbox(&self, list: &[InboxEntry]) {
        if self.json {
            return self.print_json(&list);
        }
        for e in list {
            outln!(
                "{}  {}  {}  {}",
                e.file,
                e.status,
                e.bundle.map(|b| b.to_string()).unwrap_or_default(),
                e.reason.as_deref().unwrap_or("")
            );
        }
        if list.iter().any(|e| e.status == "failed") {
            outln!(
                "取り込みに失敗したファイルは自動ではやり直しません。原因を確かめてから `kasane inbox retry FILE` / failed files are not retried automatically: `kasane inbox retry FILE`"
            );
        }
    }

    pub fn conflicts(&self, list: &[Conflict]) {
        if self.json {
            return self.print_json(&list);
        }
        for c in list {
            outln!("{}  {}  項目: {}", c.entity, c.label, c.field);
            for v in &c.values {
                let at = jiff::Timestamp::from_millisecond(v.at_ms as i64)
                    .map(|t| stamp(t, false))
                    .unwrap_or_default();
                outln!(
                    "    {}  {}  {}  {}  (--pick {})",
                    v.value,
                    v.agency_name.as_deref().unwrap_or("?"),
                    v.worker_name.as_deref().unwrap_or(""),
                    at,
                    v.op
                );
            }
        }
        outln!("{} 件", list.len());
    }

    pub fn resolved(&self, v: &serde_json::Value) {
        if self.json {
            return self.print_json(&json!({ "ok": true, "value": v }));
        }
        outln!("解決しました / resolved: {v}");
    }

    pub fn quarantine(&self, list: &[QuarantineEntry]) {
        if self.json {
            return self.print_json(&list);
        }
        for q in list {
            outln!(
                "[{}] {}  {}  {}..={} ({}件)  {}: {}",
                q.kind,
                q.author_agency.as_deref().unwrap_or("?"),
                q.scope,
                q.first,
                q.last,
                q.count,
                q.reason,
                q.explanation
            );
        }
        outln!("{} 件", list.len());
    }

    pub fn digest(&self, d: &std::collections::BTreeMap<String, kasane::Hash32>) {
        let mut all = blake3::Hasher::new();
        for (k, v) in d {
            all.update(k.as_bytes());
            all.update(&v.0);
        }
        let total = kasane::Hash32(*all.finalize().as_bytes());
        if self.json {
            return self.print_json(&json!({ "digest": total, "scopes": d }));
        }
        for (k, v) in d {
            outln!("{k}  {v}");
        }
        outln!("digest {total}");
    }
}
