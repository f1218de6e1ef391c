//! `audit`: the audit trail. The whole hash chain is verified before any entry is shown, even
//! when only the last few are asked for.

use kasane::AuditEntry;
use serde_json::json;

use super::print::{Out, outln, stamp};
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Show only the last N entries (the whole chain is still verified).
    #[arg(long)]
    pub limit: Option<usize>,
}

pub fn run(g: &Global, out: &Out, a: AuditArgs) -> Result<()> {
    let v = unlock(g)?;
    let trail = v.audit_trail()?;
    let skip = trail.len().saturating_sub(a.limit.unwrap_or(usize::MAX));
    out.audit(&trail[skip..], trail.len());
    Ok(())
}

impl Out {
    pub fn audit(&self, entries: &[AuditEntry], total: usize) {
        if self.json {
            return self.print_json(&json!({ "verified": true, "total": total, "entries": entries }));
        }
        for e in entries {
            outln!(
                "{:>6}  {}  {}  {}  {}  {}",
                e.seq,
                stamp(e.at, true),
                e.worker.map(|w| w.to_string()).unwrap_or_default(),
                e.action,
                e.target.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or("")
            );
        }
        outln!("監査証跡 {total} 件: ハッシュチェーン検証済み / hash chain verified");
    }
}
