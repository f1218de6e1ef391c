//! `ledger`: the case progress register (進行管理台帳), listed or written as printable HTML; the
//! same filters and order apply either way, so the printout matches the list.

use std::path::PathBuf;

use kasane::{CaseFilter, CaseStatus, Error, Risk};

use super::input::agency;
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, clap::Args)]
pub struct LedgerArgs {
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub lead: Option<String>,
    #[arg(long)]
    pub risk: Option<String>,
    #[arg(long)]
    pub district: Option<String>,
    #[arg(long)]
    pub problem: Option<String>,
    /// Only cases with overdue actions or an overdue review.
    #[arg(long)]
    pub overdue: bool,
    /// Include closed cases.
    #[arg(long)]
    pub all: bool,
    /// next-review | last-review | risk | lead | opened | household
    #[arg(long, default_value = "next-review")]
    pub sort: String,
    /// Write the printable HTML case progress register here instead of listing it.
    #[arg(long)]
    pub print: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

pub fn run(g: &Global, out: &Out, a: LedgerArgs) -> Result<()> {
    let mut v = unlock(g)?;
    let lead = a.lead.as_deref().map(|s| agency(&v, s)).transpose()?;
    let filter = kasane::LedgerFilter {
        cases: CaseFilter {
            status: a
                .status
                .as_deref()
                .map(CaseStatus::parse)
                .transpose()
                .map_err(Error::from)?,
            lead_agency: lead,
            problem: a.problem,
            district: a.district,
            include_closed: a.all,
        },
        risk: a.risk.as_deref().map(Risk::parse).transpose().map_err(Error::from)?,
        overdue_only: a.overdue,
        sort: kasane::LedgerSort::parse(&a.sort).map_err(Error::from)?,
    };
    match a.print {
        Some(path) => {
            let html = v.print_ledger(&filter, a.copies)?;
            v.save_printout(&path, &html)?;
            out.printout(
                &format!(
                    "進行管理台帳を出力しました / case progress register written: {}",
                    path.display()
                ),
                &path,
            );
        }
        None => out.ledger(&v.ledger(&filter)?),
    }
    Ok(())
}

impl Out {
    pub fn ledger(&self, rows: &[kasane::LedgerRow]) {
        if self.json {
            return self.print_json(&rows);
        }
        for r in rows {
            outln!(
                "{}  {}  {}  主担当:{}  [{}]  緊急度:{}  前回:{}  次回:{}{}  未完了:{}  超過:{}",
                r.case,
                r.household_label,
                r.title,
                r.lead_agency_name,
                r.status.label_ja(),
                r.risk.map(|x| x.label_ja()).unwrap_or("-"),
                r.last_review.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                r.next_review.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                if r.review_overdue { "⚠" } else { "" },
                r.open_actions,
                r.overdue_actions
            );
        }
        outln!("{} 件", rows.len());
    }
}
