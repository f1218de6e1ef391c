//! `stats`: the counts the city reports (新規相談受付 by 経路, 支援決定, プラン, meetings, 参加支援,
//! アウトリーチ, つなぎ, 終結 by reason, open cases) for a 年度 or a period, grouped as asked, printed
//! or written as CSV (UTF-8 with BOM, for Excel) and as an .xlsx workbook.

use std::path::PathBuf;

use kasane::{Error, Grouping, Statistics, StatsQuery};

use super::input::{date, write_named};
use super::print::{Out, outln};
use super::vault::unlock;
use super::{Global, Result, usage};

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The 年度 (April to March) that begins in this year, e.g. 2026 for 令和8年度. Default: the
    /// 年度 of today.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub year: Option<i16>,
    /// The first day of the period (with --to), instead of a 年度.
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// month | district | problem | agency | age-band (default: totals only)
    #[arg(long, default_value = "none")]
    pub by: String,
    /// Show counts of 1 and 2 as "<3", for tables that leave the agency.
    #[arg(long)]
    pub anonymised: bool,
    /// Also write every table to this CSV file (UTF-8 with BOM).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Also write every table to this .xlsx workbook, one sheet per table.
    #[arg(long)]
    pub xlsx: Option<PathBuf>,
}

pub fn run(g: &Global, out: &Out, a: StatsArgs) -> Result<()> {
    let v = unlock(g)?;
    let by = Grouping::parse(&a.by).map_err(Error::from)?;
    let q = match (a.from, a.to, a.year) {
        (Some(from), Some(to), _) => StatsQuery {
            from: date(&from)?,
            to: date(&to)?,
            by,
            anonymised: a.anonymised,
        },
        (_, _, year) => {
            let today = v.ambient().clock.today();
            let fiscal = if today.month() >= 4 {
                today.year()
            } else {
                today.year() - 1
            };
            StatsQuery::fiscal_year(year.unwrap_or(fiscal), by, a.anonymised).map_err(Error::from)?
        }
    };
    let s = v.statistics(&q).map_err(Error::from)?;
    if let Some(path) = &a.csv {
        write_named(path, s.to_csv())?;
    }
    if let Some(path) = &a.xlsx {
        if path.extension().is_none_or(|e| !e.eq_ignore_ascii_case("xlsx")) {
            return Err(usage(format!("{} must end in .xlsx", path.display())));
        }
        write_named(path, s.to_xlsx().map_err(Error::from)?)?;
    }
    out.statistics(&s);
    Ok(())
}

impl Out {
    fn statistics(&self, s: &Statistics) {
        if self.json {
            return self.print_json(s);
        }
        outln!("{}", s.heading());
        for t in &s.tables {
            outln!();
            outln!("■ {}（{}）", t.title, t.unit);
            let labels: Vec<&str> = s.columns.iter().map(|c| c.label.as_str()).collect();
            outln!("  {:<28} {}", "", labels.join("\t"));
            for r in &t.rows {
                let cells: Vec<String> = r.cells.iter().map(|c| c.text()).collect();
                outln!("  {:<28} {}", r.label, cells.join("\t"));
            }
        }
    }
}
