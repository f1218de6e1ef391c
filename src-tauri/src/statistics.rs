//! The statistics screen (集計): the counts the city reports for a 年度 or a period, grouped as
//! chosen, and the same tables written as CSV or an .xlsx workbook into a folder the user chose
//! (a new file; nothing is overwritten). Every count is the engine's.

use kasane::{Grouping, Statistics, StatsCell, StatsQuery};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    exchange::{existing_folder, free_name},
    view::date_input,
};

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StatsInput {
    /// The 年度 beginning in April of this year; ignored when `from` and `to` are both given.
    pub year: Option<i16>,
    /// A period instead of a 年度 (any date form the engine reads); blank: not given.
    pub from: String,
    pub to: String,
    /// none | month | district | problem | agency | age-band
    pub by: String,
    pub anonymised: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatsColumnView {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatsCellView {
    /// As printed: a number, "<3", or "—".
    pub text: String,
    /// The count, when it is shown.
    pub n: Option<f64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatsRowView {
    pub key: String,
    pub label: String,
    pub cells: Vec<StatsCellView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatsTableView {
    pub key: String,
    pub title: String,
    pub title_en: String,
    pub unit: String,
    pub rows: Vec<StatsRowView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatisticsView {
    /// The period and grouping, as a heading says them.
    pub heading: String,
    pub from: String,
    pub to: String,
    pub anonymised: bool,
    /// The group columns, then 合計.
    pub columns: Vec<StatsColumnView>,
    pub tables: Vec<StatsTableView>,
}

impl From<Statistics> for StatisticsView {
    fn from(s: Statistics) -> Self {
        StatisticsView {
            heading: s.heading(),
            from: s.from.to_string(),
            to: s.to.to_string(),
            anonymised: s.anonymised,
            columns: s
                .columns
                .iter()
                .map(|c| StatsColumnView {
                    key: c.key.clone(),
                    label: c.label.clone(),
                })
                .collect(),
            tables: s
                .tables
                .iter()
                .map(|t| StatsTableView {
                    key: t.key.into(),
                    title: t.title.into(),
                    title_en: t.title_en.into(),
                    unit: t.unit.into(),
                    rows: t
                        .rows
                        .iter()
                        .map(|r| StatsRowView {
                            key: r.key.clone(),
                            label: r.label.clone(),
                            cells: r
                                .cells
                                .iter()
                                .map(|c| StatsCellView {
                                    text: c.text(),
                                    n: match c {
                                        StatsCell::Count(n) => Some(*n as f64),
                                        _ => None,
                                    },
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn query(desk: &Desktop, input: &StatsInput) -> Result<StatsQuery, CommandError> {
    let by = Grouping::parse(&input.by).map_err(kasane::Error::from)?;
    match (date_input("from", &input.from)?, date_input("to", &input.to)?) {
        (Some(from), Some(to)) => Ok(StatsQuery {
            from,
            to,
            by,
            anonymised: input.anonymised,
        }),
        _ => {
            let year = match input.year {
                Some(y) => y,
                None => desk.with_vault(|v| {
                    let today = v.ambient().clock.today();
                    Ok(if today.month() >= 4 {
                        today.year()
                    } else {
                        today.year() - 1
                    })
                })?,
            };
            Ok(StatsQuery::fiscal_year(year, by, input.anonymised).map_err(kasane::Error::from)?)
        }
    }
}

pub fn statistics(desk: &Desktop, input: StatsInput) -> Result<StatisticsView, CommandError> {
    let q = query(desk, &input)?;
    desk.with_vault(|v| Ok(v.statistics(&q)?.into()))
}

/// Writes the tables into `folder` as 「集計-<from>-<to>.csv」 or `.xlsx` (another name if that
/// one is taken) and returns the path written.
pub fn statistics_export(
    desk: &Desktop,
    input: StatsInput,
    folder: String,
    xlsx: bool,
) -> Result<String, CommandError> {
    let folder = existing_folder("folder", &folder)?;
    let q = query(desk, &input)?;
    let s = desk.with_vault(|v| Ok(v.statistics(&q)?))?;
    let bytes = if xlsx {
        s.to_xlsx().map_err(kasane::Error::from)?
    } else {
        s.to_csv().into_bytes()
    };
    let anon = if s.anonymised { "-匿名" } else { "" };
    let path = free_name(
        &folder,
        &format!("集計-{}-{}{anon}", s.from, s.to),
        if xlsx { "xlsx" } else { "csv" },
    );
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        f.write_all(&bytes)?;
        f.sync_all()
    };
    write().map_err(|e| crate::exchange::unwritable(&path, e))?;
    Ok(path.display().to_string())
}
