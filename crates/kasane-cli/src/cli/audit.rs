//! `audit`: the audit trail, filtered by period, worker, kind of action, action code and record.
//! The whole hash chain is verified before any entry is shown, even when only a few are asked for.
//! Entries print oldest first, as they always have: the newest N matching ones, in order.

use kasane::{AuditFilter, AuditKind, AuditPage, Error};
use serde_json::json;

use super::input::{date, id};
use super::print::{Out, outln};
use super::vault::unlock;
use super::{Global, Result, usage};

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Show only the last N matching entries (the whole chain is still verified).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Leave out the N newest matching entries (with --limit: the next page back).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// From this day on (this PC's calendar day; 和暦 or ISO).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Up to and including this day.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Entries by this worker (name or id). `--worker` itself names who unlocks.
    #[arg(long, value_name = "WORKER")]
    pub by: Option<String>,
    /// view | household | case | share | meeting | exchange | print | open | settings | other
    /// (or 閲覧, ケース …).
    #[arg(long)]
    pub kind: Option<String>,
    /// An action code or its start up to a dot: `case` finds case.open, case.view …
    #[arg(long)]
    pub action: Option<String>,
    /// A record id (or part of one) the entry's target or detail contains.
    #[arg(long, value_name = "ID")]
    pub target: Option<String>,
}

pub fn run(g: &Global, out: &Out, a: AuditArgs) -> Result<()> {
    let v = unlock(g)?;
    let worker = match a.by.as_deref().map(str::trim) {
        None => None,
        Some(by) => Some(match v.workers().iter().find(|w| w.name == by) {
            Some(w) => w.worker,
            None if uuid::Uuid::parse_str(by).is_ok() => id(by, "worker")?,
            None => {
                let names: Vec<&str> = v.workers().iter().map(|w| w.name.as_str()).collect();
                return Err(usage(format!(
                    "no worker is called \"{by}\"; the workers are: {}",
                    names.join(", ")
                )));
            }
        }),
    };
    let filter = AuditFilter {
        from: a.from.as_deref().map(date).transpose()?,
        to: a.to.as_deref().map(date).transpose()?,
        worker,
        kind: a
            .kind
            .as_deref()
            .map(AuditKind::parse)
            .transpose()
            .map_err(Error::from)?,
        action: a.action,
        target: a.target,
        limit: a.limit,
        offset: a.offset,
    };
    out.audit(&v.audit_entries(&filter).map_err(Error::from)?);
    Ok(())
}

impl Out {
    pub fn audit(&self, page: &AuditPage) {
        // The engine pages newest first; people and scripts read a trail oldest first.
        let entries: Vec<_> = page.entries.iter().rev().collect();
        if self.json {
            return self.print_json(&json!({
                "verified": true,
                "total": page.total,
                "matching": page.matching,
                "entries": entries,
            }));
        }
        for r in &entries {
            let e = &r.entry;
            let who = match (&r.worker_name, e.worker) {
                (Some(name), _) => name.clone(),
                (None, Some(w)) => w.to_string(),
                (None, None) => String::new(),
            };
            outln!(
                "{:>6}  {} {} ({})  {}  {}  {}  {}",
                e.seq,
                kasane::PartialDate::from_date(r.day).wareki_short(),
                r.time,
                r.day,
                who,
                e.action,
                e.target.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or("")
            );
        }
        if page.matching < page.total {
            outln!("条件に合う記録 {} 件 / {} matching", page.matching, page.matching);
        }
        outln!(
            "監査証跡 {} 件: ハッシュチェーン検証済み / hash chain verified",
            page.total
        );
    }
}
