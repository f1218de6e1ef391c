//! `retention`: the city's retention schedule (保存年限), the closed cases due for disposal, the
//! disposal itself (listed first; done only with `--yes`), and the 廃棄記録.

use clap::Subcommand;
use kasane::{Error, RetentionKind};

use super::input::id;
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, Subcommand)]
pub enum RetentionCmd {
    /// The retention period of each kind of record.
    Show,
    /// Set the retention period of a kind of record, in years (1–100).
    Set(RetentionSet),
    /// The closed cases this agency leads, with the day each may be disposed of.
    List(RetentionList),
    /// Dispose of cases whose retention has ended. Without --yes, lists what would go.
    Dispose(RetentionDispose),
    /// 廃棄記録: what was disposed of, when, on whose approval.
    Records,
}

#[derive(Debug, clap::Args)]
pub struct RetentionSet {
    /// general (ケース記録) | child-protection (児童虐待に関するケース記録)
    pub kind: String,
    pub years: u32,
}

#[derive(Debug, clap::Args)]
pub struct RetentionList {
    /// Only the cases due for disposal today.
    #[arg(long)]
    pub due: bool,
}

#[derive(Debug, clap::Args)]
pub struct RetentionDispose {
    /// A case to dispose of (repeatable); or --all-due.
    #[arg(long)]
    pub case: Vec<String>,
    /// Every case due for disposal today.
    #[arg(long)]
    pub all_due: bool,
    /// Who approved the disposal (the post, as said: 福祉総務課長 …).
    #[arg(long)]
    pub approved_by: String,
    /// Dispose of them: without it, the cases are listed and nothing is erased.
    #[arg(long)]
    pub yes: bool,
}

pub fn run(g: &Global, out: &Out, cmd: RetentionCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        RetentionCmd::Show => out.schedule(&v.retention_schedule()?),
        RetentionCmd::Set(a) => {
            let kind = RetentionKind::parse(&a.kind).map_err(Error::from)?;
            v.set_retention_years(kind, a.years)?;
            out.done("保存年限を設定しました / retention period set");
        }
        RetentionCmd::List(a) => {
            let list = if a.due {
                v.disposal_due_cases()?
            } else {
                v.retained_cases()?
            };
            out.retained(&list);
        }
        RetentionCmd::Dispose(a) => {
            let due = v.disposal_due_cases()?;
            let cases: Vec<uuid::Uuid> = if a.all_due {
                due.iter().map(|r| r.case).collect()
            } else {
                a.case.iter().map(|c| id(c, "case")).collect::<Result<_>>()?
            };
            if !a.yes {
                let chosen: Vec<kasane::RetainedCase> = due.into_iter().filter(|r| cases.contains(&r.case)).collect();
                out.retained(&chosen);
                if !out.json {
                    outln!(
                        "廃棄するには --yes を付けて実行してください（記録の本文は消去され、元に戻せません）/ run again with --yes to dispose of them (their contents are erased for good)"
                    );
                }
                return Ok(());
            }
            let report = v.dispose_cases(&cases, &a.approved_by, &mut |done, total| {
                out.progress("廃棄 / disposal", done, total);
            })?;
            out.disposal(&report);
        }
        RetentionCmd::Records => out.disposal_records(&v.disposal_records()?),
    }
    Ok(())
}

impl Out {
    fn schedule(&self, list: &[kasane::RetentionPeriod]) {
        if self.json {
            return self.print_json(&list);
        }
        for p in list {
            outln!(
                "{}  {}年{}",
                p.kind.label_ja(),
                p.years,
                if p.default { "（既定）" } else { "" }
            );
        }
    }

    fn retained(&self, list: &[kasane::RetainedCase]) {
        if self.json {
            return self.print_json(&list);
        }
        for r in list {
            outln!(
                "{}  {}  {}  終結 {}  {}年  廃棄可能 {}",
                r.case,
                r.household_label,
                r.title,
                date_cell(&r.closed),
                r.years,
                date_cell(&r.due)
            );
        }
        outln!("{} 件", list.len());
    }

    fn disposal(&self, r: &kasane::DisposalReport) {
        if self.json {
            return self.print_json(r);
        }
        outln!(
            "{} 件を廃棄しました（世帯 {} 件を含む、消去した記録 {} 件）/ disposed of {} case(s)",
            r.disposed.len(),
            r.households_erased,
            r.erased,
            r.disposed.len()
        );
    }

    fn disposal_records(&self, list: &[kasane::DisposalRecord]) {
        if self.json {
            return self.print_json(&list);
        }
        for d in list {
            outln!(
                "{}  {}  {}  終結 {}  廃棄 {}  承認 {}",
                d.case,
                d.title,
                d.kind.label_ja(),
                date_cell(&d.closed),
                date_cell(&d.disposed),
                d.approved_by
            );
        }
        outln!("{} 件", list.len());
    }
}
