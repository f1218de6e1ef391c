//! The counts the city reports to the prefecture and the state, and checks its plan against
//! (新規相談受付件数 by 経路, 支援決定, プラン作成・見直し, meetings held and cases considered, 参加支援,
//! アウトリーチ, つなぎ, 終結 by reason, open cases by 緊急度 and by how long they have been open). They
//! are computed from the records each time — there is no counter that could drift from them — for
//! a period (a 年度 runs April to March) and grouped by month, district, problem, lead agency or
//! age band. Anonymised, a count of 1 or 2 shows as "<3" and nothing names a person.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use uuid::Uuid;

use crate::{
    Vault,
    ja::{Date, PartialDate},
    log::load_all,
    meeting::Meeting,
    record::{Action, ActionTag, Case, ClosureReason, IntakeRoute, RecordError, Risk, msg, view},
    referral::{Referral, ReferralStatus},
};

/// How the columns of every table are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grouping {
    /// Only the total.
    None,
    Month,
    District,
    Problem,
    Agency,
    AgeBand,
}

impl Grouping {
    pub fn parse(s: &str) -> Result<Grouping, RecordError> {
        Ok(match s.trim() {
            "" | "none" | "なし" => Grouping::None,
            "month" | "月" | "月別" => Grouping::Month,
            "district" | "地区" | "地区別" => Grouping::District,
            "problem" | "課題" | "課題別" => Grouping::Problem,
            "agency" | "機関" | "機関別" => Grouping::Agency,
            "age-band" | "年齢" | "年齢層" => Grouping::AgeBand,
            other => {
                return Err(RecordError::BadChoice {
                    field: "by",
                    value: other.into(),
                    allowed: "month district problem agency age-band",
                });
            }
        })
    }
}

/// What to count.
#[derive(Debug, Clone)]
pub struct StatsQuery {
    pub from: Date,
    pub to: Date,
    pub by: Grouping,
    /// Counts of 1 and 2 shown as "<3", for sharing outside the agency.
    pub anonymised: bool,
}

impl StatsQuery {
    /// The 年度 (fiscal year) that begins in April of `year`.
    pub fn fiscal_year(year: i16, by: Grouping, anonymised: bool) -> Result<StatsQuery, RecordError> {
        let bad = |_| {
            RecordError::Inconsistent(msg!(
                ja: "{year}年度は数えられる年度ではありません",
                en: "fiscal year {year} is out of range"
            ))
        };
        Ok(StatsQuery {
            from: Date::new(year, 4, 1).map_err(bad)?,
            to: Date::new(year + 1, 3, 31).map_err(bad)?,
            by,
            anonymised,
        })
    }
}

/// One cell: a count, a count too small to show, or nothing (a row that is not split that way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "n")]
pub enum Cell {
    Count(u64),
    /// 1 or 2, anonymised.
    Suppressed,
    NotApplicable,
}

impl Cell {
    /// As printed and written to CSV.
    pub fn text(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Suppressed => "<3".into(),
            Cell::NotApplicable => "—".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    /// One per column, the total last.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub key: &'static str,
    pub title: &'static str,
    pub title_en: &'static str,
    /// What a count counts ("件", "人", "回" …).
    pub unit: &'static str,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub from: Date,
    pub to: Date,
    pub by: Grouping,
    pub anonymised: bool,
    /// The group columns, then 合計.
    pub columns: Vec<Column>,
    pub tables: Vec<Table>,
}

impl Statistics {
    pub fn table(&self, key: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }
}

/// The total column's key.
pub const TOTAL: &str = "total";

/// What one counted thing belongs to: the case it is of (for the district, problem, agency and
/// age groupings), the day it happened (for the month) and what makes two things the same one
/// (a person counted once however many actions).
struct Fact<'a> {
    case: Option<&'a CaseFacts>,
    date: Date,
    distinct: Option<String>,
}

/// What the groupings need of a case.
struct CaseFacts {
    district: String,
    problems: Vec<String>,
    lead: Uuid,
    age_band: &'static str,
}

const AGE_BANDS: &[(&str, &str)] = &[
    ("0-17", "18歳未満"),
    ("18-39", "18〜39歳"),
    ("40-64", "40〜64歳"),
    ("65-74", "65〜74歳"),
    ("75-", "75歳以上"),
    ("unknown", "不明"),
];

fn age_band(age: Option<u16>) -> &'static str {
    match age {
        None => "unknown",
        Some(a) if a < 18 => "0-17",
        Some(a) if a < 40 => "18-39",
        Some(a) if a < 65 => "40-64",
        Some(a) if a < 75 => "65-74",
        Some(_) => "75-",
    }
}

const OPEN_FOR: &[(&str, &str)] = &[
    ("lt-6m", "6か月未満"),
    ("6m-1y", "6か月〜1年"),
    ("1y-2y", "1〜2年"),
    ("ge-2y", "2年以上"),
];

fn open_for(opened: Date, at: Date) -> &'static str {
    let months = (at.year() as i32 - opened.year() as i32) * 12 + at.month() as i32
        - opened.month() as i32
        - i32::from(at.day() < opened.day());
    match months {
        m if m < 6 => "lt-6m",
        m if m < 12 => "6m-1y",
        m if m < 24 => "1y-2y",
        _ => "ge-2y",
    }
}

impl Vault {
    /// Every table for the period, grouped as asked.
    pub fn statistics(&self, q: &StatsQuery) -> Result<Statistics, RecordError> {
        if q.to < q.from {
            let (from, to) = (q.from, q.to);
            return Err(RecordError::Inconsistent(msg!(
                ja: "期間の終わり（{to}）が始まり（{from}）より前です",
                en: "the period ends ({to}) before it begins ({from})"
            )));
        }
        let within = |d: Date| d >= q.from && d <= q.to;
        let conn = &self.conn;
        let all = |etype: &'static str| load_all(conn, etype, None);

        let mut districts: HashMap<Uuid, String> = HashMap::new();
        {
            let mut stmt =
                conn.prepare("SELECT id, json_extract(fields, '$.district') FROM entity WHERE etype = 'household'")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
                districts.insert(id, r.get::<_, Option<String>>(1)?.unwrap_or_default());
            }
        }
        // Only what the age band needs of a person, read straight from the fields: a city has
        // tens of thousands of them.
        let mut births: HashMap<Uuid, Option<PartialDate>> = HashMap::new();
        let mut principal: HashMap<Uuid, Uuid> = HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT id, json_extract(fields, '$.household'), json_extract(fields, '$.relation'), json_extract(fields, '$.birth')
                 FROM entity WHERE etype = 'person'",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
                let household: Option<Uuid> = r.get::<_, Option<String>>(1)?.and_then(|h| h.parse().ok());
                let relation: Option<String> = r.get(2)?;
                let birth = r.get::<_, Option<String>>(3)?.and_then(|b| PartialDate::from_iso(&b));
                if let (Some(h), Some("本人")) = (household, relation.as_deref()) {
                    principal.entry(h).or_insert(id);
                }
                births.insert(id, birth);
            }
        }
        let cases: Vec<Case> = all("case")?.iter().filter_map(|st| view::<Case>(st).ok()).collect();
        let facts: HashMap<Uuid, CaseFacts> = cases
            .iter()
            .map(|c| {
                // The case's 本人: its key person, else the household's 本人.
                let age = c
                    .key_person
                    .or_else(|| principal.get(&c.household).copied())
                    .and_then(|p| births.get(&p).copied().flatten())
                    .and_then(|b| b.age_on(q.to))
                    .and_then(|a| a.exact());
                (
                    c.id,
                    CaseFacts {
                        district: districts.get(&c.household).cloned().unwrap_or_default(),
                        problems: c.problems.clone(),
                        lead: c.lead_agency,
                        age_band: age_band(age),
                    },
                )
            })
            .collect();
        let of = |case: Uuid| facts.get(&case);

        let mut tables = Vec::new();

        // 新規相談受付 by 経路.
        let rows = by_choice(
            IntakeRoute::ALL.iter().map(|r| (r.code(), r.label_ja())),
            cases.iter().filter_map(|c| {
                let i = c.intake.as_ref().filter(|i| within(i.date))?;
                Some((
                    i.route.code(),
                    Fact {
                        case: of(c.id),
                        date: i.date,
                        distinct: None,
                    },
                ))
            }),
        );
        tables.push((
            "intake",
            "新規相談受付件数（経路別）",
            "New consultations (by route)",
            "件",
            rows,
        ));

        // 支援決定.
        let decided: Vec<Fact> = cases
            .iter()
            .filter_map(|c| {
                c.support_decision.as_ref().filter(|d| within(d.date)).map(|d| Fact {
                    case: of(c.id),
                    date: d.date,
                    distinct: None,
                })
            })
            .collect();
        tables.push((
            "decision",
            "支援決定件数",
            "Decisions to support",
            "件",
            vec![("decided".into(), "支援決定".into(), decided)],
        ));

        // プラン作成・見直し.
        let (mut made, mut revised) = (Vec::new(), Vec::new());
        {
            let mut stmt = conn.prepare(
                "SELECT json_extract(fields, '$.case'), json_extract(fields, '$.number'), json_extract(fields, '$.created')
                 FROM entity WHERE etype = 'plan'",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let case: Option<Uuid> = r.get::<_, Option<String>>(0)?.and_then(|c| c.parse().ok());
                let number: i64 = r.get::<_, Option<i64>>(1)?.unwrap_or(1);
                let created: Option<Date> = r.get::<_, Option<String>>(2)?.and_then(|d| d.parse().ok());
                let (Some(case), Some(created)) = (case, created.filter(|d| within(*d))) else {
                    continue;
                };
                let f = Fact {
                    case: of(case),
                    date: created,
                    distinct: None,
                };
                if number <= 1 { made.push(f) } else { revised.push(f) }
            }
        }
        tables.push((
            "plan",
            "プラン作成・見直し件数",
            "Plans made and revised",
            "件",
            vec![
                ("made".into(), "作成（第1版）".into(), made),
                ("revised".into(), "見直し（第2版以降）".into(), revised),
            ],
        ));

        // Meetings held and cases considered, per conference type.
        let today = self.ambient.clock.today();
        let meetings: HashMap<Uuid, Meeting> = all("meeting")?
            .iter()
            .filter_map(|st| view::<Meeting>(st).ok())
            .filter(|m| within(m.date) && (m.finalised.is_some() || m.date <= today))
            .map(|m| (m.id, m))
            .collect();
        let mut held: BTreeMap<String, Vec<Fact>> = BTreeMap::new();
        let mut considered: BTreeMap<String, Vec<Fact>> = BTreeMap::new();
        for m in meetings.values() {
            held.entry(m.kind.clone()).or_default().push(Fact {
                case: None,
                date: m.date,
                distinct: None,
            });
        }
        {
            let mut stmt = conn.prepare(
                "SELECT json_extract(fields, '$.meeting'), json_extract(fields, '$.case') FROM entity
                 WHERE etype = 'agenda-item' AND coalesce(json_extract(fields, '$.removed'), 0) = 0",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let meeting: Option<Uuid> = r.get::<_, Option<String>>(0)?.and_then(|c| c.parse().ok());
                let case: Option<Uuid> = r.get::<_, Option<String>>(1)?.and_then(|c| c.parse().ok());
                let (Some(m), Some(case)) = (meeting.and_then(|m| meetings.get(&m)), case) else {
                    continue;
                };
                considered.entry(m.kind.clone()).or_default().push(Fact {
                    case: of(case),
                    date: m.date,
                    distinct: None,
                });
            }
        }
        let mut rows = Vec::new();
        for t in crate::reference::conference_types() {
            let h = held.remove(t.code).unwrap_or_default();
            let c = considered.remove(t.code).unwrap_or_default();
            if h.is_empty() && c.is_empty() {
                continue;
            }
            rows.push((format!("{}:held", t.code), format!("{} 開催回数", t.label_ja), h));
            rows.push((format!("{}:cases", t.code), format!("{} 検討ケース数", t.label_ja), c));
        }
        tables.push((
            "meeting",
            "会議の開催回数と検討ケース数",
            "Meetings held and cases considered",
            "回・件",
            rows,
        ));

        // 参加支援, アウトリーチ: people and host organisations, from actions so tagged.
        // Only the tagged ones are read whole: most actions carry no tag.
        let tagged_ids: Vec<Vec<u8>> = conn
            .prepare(
                "SELECT id FROM entity WHERE etype = 'action'
                 AND json_array_length(coalesce(json_extract(fields, '$.tags'), '[]')) > 0",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut actions: Vec<Action> = Vec::new();
        for id in tagged_ids {
            let st = crate::record::load_one(conn, Uuid::from_slice(&id).unwrap_or_default(), "action")?;
            if let Ok(a) = view::<Action>(&st) {
                if !a.retracted && within(a.created) {
                    actions.push(a);
                }
            }
        }
        let person_of = |a: &Action| {
            a.key_person
                .or(a.owner_person)
                .map(|p| p.to_string())
                .unwrap_or_else(|| format!("case:{}", a.case))
        };
        let tagged = |tag: ActionTag| actions.iter().filter(move |a| a.tags.contains(&tag));
        let persons: Vec<Fact> = tagged(ActionTag::Participation)
            .map(|a| Fact {
                case: of(a.case),
                date: a.created,
                distinct: Some(person_of(a)),
            })
            .collect();
        let hosts: Vec<Fact> = tagged(ActionTag::Participation)
            .map(|a| Fact {
                case: of(a.case),
                date: a.created,
                distinct: Some(a.owner_agency.to_string()),
            })
            .collect();
        tables.push((
            "participation",
            "参加支援の対象者数と協力先数",
            "Participation support: people and host organisations",
            "人・か所",
            vec![
                ("persons".into(), "対象者数".into(), persons),
                ("hosts".into(), "協力先数".into(), hosts),
            ],
        ));
        let mut outreach: Vec<Fact> = tagged(ActionTag::Outreach)
            .map(|a| Fact {
                case: of(a.case),
                date: a.created,
                distinct: Some(person_of(a)),
            })
            .collect();
        // Only the contact-log entries that record outreach (a city has tens of thousands of
        // entries, few of them outreach).
        {
            let mut stmt = conn.prepare(
                "SELECT json_extract(fields, '$.case'), json_extract(fields, '$.date') FROM entity
                 WHERE etype = 'note' AND json_extract(fields, '$.outreach') IS NOT NULL
                   AND coalesce(json_extract(fields, '$.retracted'), 0) = 0",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let case: Option<Uuid> = r.get::<_, Option<String>>(0)?.and_then(|c| c.parse().ok());
                let date: Option<Date> = r.get::<_, Option<String>>(1)?.and_then(|d| d.parse().ok());
                if let (Some(case), Some(date)) = (case, date.filter(|d| within(*d))) {
                    outreach.push(Fact {
                        case: of(case),
                        date,
                        distinct: Some(format!("case:{case}")),
                    });
                }
            }
        }
        tables.push((
            "outreach",
            "アウトリーチの対象者数",
            "Outreach: people reached",
            "人",
            vec![("persons".into(), "対象者数".into(), outreach)],
        ));

        // つなぎ: referrals made, and those accepted.
        let (mut made, mut accepted) = (Vec::new(), Vec::new());
        for st in all("referral")? {
            let Ok(r) = view::<Referral>(&st) else { continue };
            if within(r.date) {
                made.push(Fact {
                    case: of(r.case),
                    date: r.date,
                    distinct: None,
                });
            }
            let took = matches!(r.status, ReferralStatus::Accepted | ReferralStatus::Completed);
            if let Some(d) = r.answered.filter(|d| took && within(*d)) {
                accepted.push(Fact {
                    case: of(r.case),
                    date: d,
                    distinct: None,
                });
            }
        }
        tables.push((
            "referral",
            "つなぎ件数",
            "Referrals",
            "件",
            vec![
                ("made".into(), "依頼".into(), made),
                ("accepted".into(), "受理".into(), accepted),
            ],
        ));

        // 終結 by reason.
        let rows = by_choice(
            ClosureReason::ALL.iter().map(|r| (r.code(), r.label_ja())),
            cases.iter().filter_map(|c| {
                let cl = c.closure.as_ref().filter(|cl| within(cl.date))?;
                Some((
                    cl.reason.code(),
                    Fact {
                        case: of(c.id),
                        date: cl.date,
                        distinct: None,
                    },
                ))
            }),
        );
        tables.push(("closure", "終結件数（理由別）", "Cases closed (by reason)", "件", rows));

        // Open at the end of the period, by 緊急度 and by how long.
        let open: Vec<&Case> = cases
            .iter()
            .filter(|c| c.opened <= q.to && c.closure.as_ref().is_none_or(|cl| cl.date > q.to))
            .collect();
        let at = |c: &Case| Fact {
            case: of(c.id),
            date: q.to,
            distinct: None,
        };
        let mut rows: Vec<(String, String, Vec<Fact>)> = Risk::ALL
            .iter()
            .rev()
            .map(|r| {
                let f = open.iter().filter(|c| c.risk == Some(*r)).map(|c| at(c)).collect();
                (format!("risk:{}", r.code()), format!("緊急度 {}", r.label_ja()), f)
            })
            .collect();
        rows.push((
            "risk:none".into(),
            "緊急度 未設定".into(),
            open.iter().filter(|c| c.risk.is_none()).map(|c| at(c)).collect(),
        ));
        for (key, label) in OPEN_FOR {
            let f = open
                .iter()
                .filter(|c| open_for(c.opened, q.to) == *key)
                .map(|c| at(c))
                .collect();
            rows.push((format!("open:{key}"), format!("継続 {label}"), f));
        }
        rows.push(("all".into(), "継続中 計".into(), open.iter().map(|c| at(c)).collect()));
        tables.push((
            "open",
            "継続中のケース（期末時点、緊急度別・期間別）",
            "Open cases at the end of the period (by urgency, by time open)",
            "件",
            rows,
        ));

        let columns = self.columns(q, &facts, &cases)?;
        let tables = tables
            .into_iter()
            .map(|(key, title, title_en, unit, rows)| Table {
                key,
                title,
                title_en,
                unit,
                rows: rows
                    .into_iter()
                    .map(|(key, label, facts)| Row {
                        cells: cells(q, &columns, &facts),
                        key,
                        label,
                    })
                    .collect(),
            })
            .collect();
        Ok(Statistics {
            from: q.from,
            to: q.to,
            by: q.by,
            anonymised: q.anonymised,
            columns,
            tables,
        })
    }

    /// The group columns for the grouping asked (every month of the period; every district,
    /// problem and agency that any case names; every age band), then 合計.
    fn columns(
        &self,
        q: &StatsQuery,
        facts: &HashMap<Uuid, CaseFacts>,
        cases: &[Case],
    ) -> Result<Vec<Column>, RecordError> {
        let mut out: Vec<Column> = match q.by {
            Grouping::None => Vec::new(),
            Grouping::Month => {
                let mut m = q.from.first_of_month();
                let mut out = Vec::new();
                while m <= q.to {
                    out.push(Column {
                        key: format!("{:04}-{:02}", m.year(), m.month()),
                        label: format!("{}年{}月", m.year(), m.month()),
                    });
                    let Ok(next) = m.checked_add(jiff::Span::new().months(1)) else {
                        break;
                    };
                    m = next;
                }
                out
            }
            Grouping::District => {
                let used: BTreeSet<&str> = facts.values().map(|f| f.district.as_str()).collect();
                crate::reference::districts()
                    .iter()
                    .filter(|d| used.contains(d.code))
                    .map(|d| Column {
                        key: d.code.to_string(),
                        label: d.name_ja.to_string(),
                    })
                    .collect()
            }
            Grouping::Problem => {
                let used: BTreeSet<&str> = cases
                    .iter()
                    .flat_map(|c| c.problems.iter().map(String::as_str))
                    .collect();
                crate::reference::problems()
                    .iter()
                    .filter(|p| used.contains(p.code))
                    .map(|p| Column {
                        key: p.code.to_string(),
                        label: p.label_ja.to_string(),
                    })
                    .collect()
            }
            Grouping::Agency => {
                let used: BTreeSet<Uuid> = facts.values().map(|f| f.lead).collect();
                let mut cols: Vec<Column> = used
                    .into_iter()
                    .map(|a| Column {
                        key: a.to_string(),
                        label: self.agency(a).map(|a| a.name).unwrap_or_else(|_| a.to_string()),
                    })
                    .collect();
                cols.sort_by(|a, b| a.label.cmp(&b.label));
                cols
            }
            Grouping::AgeBand => AGE_BANDS
                .iter()
                .map(|(k, l)| Column {
                    key: k.to_string(),
                    label: l.to_string(),
                })
                .collect(),
        };
        out.push(Column {
            key: TOTAL.into(),
            label: "合計".into(),
        });
        Ok(out)
    }
}

/// One row per choice (in the choice's own order, empty ones included), then 計.
fn by_choice<'a>(
    choices: impl Iterator<Item = (&'static str, &'static str)>,
    facts: impl Iterator<Item = (&'static str, Fact<'a>)>,
) -> Vec<(String, String, Vec<Fact<'a>>)> {
    let mut by: BTreeMap<&'static str, Vec<Fact<'a>>> = BTreeMap::new();
    for (code, f) in facts {
        by.entry(code).or_default().push(f);
    }
    let mut rows: Vec<(String, String, Vec<Fact<'a>>)> = choices
        .map(|(code, label)| (code.to_string(), label.to_string(), by.remove(code).unwrap_or_default()))
        .collect();
    let total: Vec<Fact<'a>> = rows.iter().flat_map(|(_, _, f)| f.iter().map(Fact::again)).collect();
    rows.push(("all".into(), "計".into(), total));
    rows
}

impl<'a> Fact<'a> {
    fn again(&self) -> Fact<'a> {
        Fact {
            case: self.case,
            date: self.date,
            distinct: self.distinct.clone(),
        }
    }
}

/// Whether a fact falls in a group column.
fn in_column(by: Grouping, key: &str, f: &Fact) -> Option<bool> {
    match by {
        Grouping::None => Some(false),
        Grouping::Month => Some(format!("{:04}-{:02}", f.date.year(), f.date.month()) == key),
        _ => {
            let c = f.case?;
            Some(match by {
                Grouping::District => c.district == key,
                // A case of several problems counts under each.
                Grouping::Problem => c.problems.iter().any(|p| p == key),
                Grouping::Agency => c.lead.to_string() == key,
                Grouping::AgeBand => c.age_band == key,
                Grouping::None | Grouping::Month => false,
            })
        }
    }
}

fn count(facts: &[&Fact]) -> u64 {
    let mut seen = BTreeSet::new();
    let mut n = 0;
    for f in facts {
        match &f.distinct {
            Some(d) => {
                if seen.insert(d.as_str()) {
                    n += 1;
                }
            }
            None => n += 1,
        }
    }
    n
}

fn cells(q: &StatsQuery, columns: &[Column], facts: &[Fact]) -> Vec<Cell> {
    let shown = |n: u64| {
        if q.anonymised && (1..3).contains(&n) {
            Cell::Suppressed
        } else {
            Cell::Count(n)
        }
    };
    columns
        .iter()
        .map(|col| {
            if col.key == TOTAL {
                return shown(count(&facts.iter().collect::<Vec<_>>()));
            }
            // A fact without a case (a meeting held) has no district, problem, agency or age.
            if facts.iter().any(|f| in_column(q.by, &col.key, f).is_none()) {
                return Cell::NotApplicable;
            }
            let inside: Vec<&Fact> = facts
                .iter()
                .filter(|f| in_column(q.by, &col.key, f) == Some(true))
                .collect();
            shown(count(&inside))
        })
        .collect()
}

/// Why a table file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StatsExportError {
    #[error("could not make the workbook: {0}")]
    Workbook(String),
}

impl StatsExportError {
    pub fn code(&self) -> &'static str {
        "stats.workbook"
    }
    pub fn message_ja(&self) -> String {
        "集計表のExcelファイルを作れませんでした".into()
    }
}

impl Statistics {
    /// The period and grouping, as a table's heading says them.
    pub fn heading(&self) -> String {
        let by = match self.by {
            Grouping::None => "",
            Grouping::Month => "・月別",
            Grouping::District => "・地区別",
            Grouping::Problem => "・課題別",
            Grouping::Agency => "・主担当機関別",
            Grouping::AgeBand => "・年齢層別",
        };
        let anon = if self.anonymised {
            "（3未満は「<3」と表示）"
        } else {
            ""
        };
        format!("{} 〜 {}{by}{anon}", self.from, self.to)
    }

    /// Every table one after another as CSV: UTF-8 with a byte-order mark, so Excel opens it as
    /// UTF-8; CRLF line ends; a field quoted when it holds a comma, a quote or a line end.
    pub fn to_csv(&self) -> String {
        let field = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = String::from("\u{feff}");
        let mut line = |cells: Vec<String>| {
            out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        };
        line(vec![self.heading()]);
        for t in &self.tables {
            line(vec![]);
            line(vec![format!("{}（{}）", t.title, t.unit)]);
            line(
                std::iter::once(String::new())
                    .chain(self.columns.iter().map(|c| c.label.clone()))
                    .collect(),
            );
            for r in &t.rows {
                line(
                    std::iter::once(r.label.clone())
                        .chain(r.cells.iter().map(Cell::text))
                        .collect(),
                );
            }
        }
        out
    }

    /// A real .xlsx workbook (its bytes), one sheet per table: the heading, the column labels, then a row per
    /// count (numbers as numbers; "<3" and "—" as text).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, StatsExportError> {
        use rust_xlsxwriter::{Format, Workbook};
        let fail = |e: rust_xlsxwriter::XlsxError| StatsExportError::Workbook(e.to_string());
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        for (i, t) in self.tables.iter().enumerate() {
            let sheet = book.add_worksheet();
            // Sheet names: at most 31 characters, unique; the table's key is both.
            sheet.set_name(format!("{:02}-{}", i + 1, t.key)).map_err(fail)?;
            sheet
                .write_string_with_format(0, 0, format!("{}（{}）", t.title, t.unit), &bold)
                .map_err(fail)?;
            sheet.write_string(1, 0, self.heading()).map_err(fail)?;
            for (c, col) in self.columns.iter().enumerate() {
                sheet
                    .write_string_with_format(3, c as u16 + 1, &col.label, &bold)
                    .map_err(fail)?;
            }
            for (r, row) in t.rows.iter().enumerate() {
                let y = r as u32 + 4;
                sheet.write_string(y, 0, &row.label).map_err(fail)?;
                for (c, cell) in row.cells.iter().enumerate() {
                    let x = c as u16 + 1;
                    match cell {
                        Cell::Count(n) => sheet.write_number(y, x, *n as f64),
                        other => sheet.write_string(y, x, other.text()),
                    }
                    .map_err(fail)?;
                }
            }
            sheet.set_column_width(0, 36).map_err(fail)?;
        }
        book.save_to_buffer().map_err(fail)
    }
}
