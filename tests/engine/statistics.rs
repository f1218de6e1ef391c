//! The counts the city reports, on a demo city, against numbers this test works out on its own
//! from what the case screens show (each case's detail, plan versions and referrals): by route,
//! by reason, by urgency, by district; the totals equal the sum of the groups; a count of 1 or 2
//! is hidden when anonymised and nothing else changes.

use std::collections::BTreeMap;

use kasane::{Grouping, StatsCell as Cell, StatsQuery};

use crate::support::*;

type Counts = BTreeMap<String, u64>;

/// What the case screens show, counted here without the statistics module.
struct Expected {
    intake: Counts,
    intake_by_district: BTreeMap<(String, String), u64>,
    closure: Counts,
    decided: u64,
    plans_made: u64,
    plans_revised: u64,
    open_by_risk: Counts,
    referrals: u64,
    outreach_cases: u64,
}

fn expected(v: &mut kasane::Vault, q: &StatsQuery) -> Expected {
    let within = |d: jiff::civil::Date| d >= q.from && d <= q.to;
    let mut e = Expected {
        intake: Counts::new(),
        intake_by_district: BTreeMap::new(),
        closure: Counts::new(),
        decided: 0,
        plans_made: 0,
        plans_revised: 0,
        open_by_risk: Counts::new(),
        referrals: 0,
        outreach_cases: 0,
    };
    let cases = v
        .cases(&kasane::CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap();
    assert!(cases.len() > 20, "the demo city has cases to count");
    for s in cases {
        let d = v.case_detail(s.id).unwrap();
        let c = &d.case;
        if let Some(i) = c.intake.as_ref().filter(|i| within(i.date)) {
            *e.intake.entry(i.route.code().into()).or_default() += 1;
            *e.intake_by_district
                .entry((i.route.code().into(), d.household.district.clone()))
                .or_default() += 1;
        }
        if let Some(cl) = c.closure.as_ref().filter(|cl| within(cl.date)) {
            *e.closure.entry(cl.reason.code().into()).or_default() += 1;
        }
        if c.support_decision.as_ref().is_some_and(|s| within(s.date)) {
            e.decided += 1;
        }
        for p in v.plan_versions(c.id).unwrap() {
            if within(p.created) {
                if p.number == 1 {
                    e.plans_made += 1
                } else {
                    e.plans_revised += 1
                }
            }
        }
        if c.opened <= q.to && c.closure.as_ref().is_none_or(|cl| cl.date > q.to) {
            let key = c
                .risk
                .map(|r| format!("risk:{}", r.code()))
                .unwrap_or("risk:none".into());
            *e.open_by_risk.entry(key).or_default() += 1;
        }
        if d.notes
            .iter()
            .any(|n| n.outreach.is_some() && !n.retracted && within(n.date))
        {
            e.outreach_cases += 1;
        }
        e.referrals += v.referrals_of(c.id).unwrap().iter().filter(|r| within(r.date)).count() as u64;
    }
    e
}

fn total(s: &kasane::Statistics, table: &str, row: &str) -> u64 {
    let t = s.table(table).unwrap_or_else(|| panic!("table {table}"));
    let r = t
        .rows
        .iter()
        .find(|r| r.key == row)
        .unwrap_or_else(|| panic!("{table}: row {row}"));
    match r.cells.last() {
        Some(Cell::Count(n)) => *n,
        other => panic!("{table}/{row}: the total is a count, not {other:?}"),
    }
}

fn cell(s: &kasane::Statistics, table: &str, row: &str, column: &str) -> Cell {
    let i = s.columns.iter().position(|c| c.key == column).unwrap();
    s.table(table)
        .unwrap()
        .rows
        .iter()
        .find(|r| r.key == row)
        .unwrap()
        .cells[i]
}

#[test]
fn the_city_counts_match_what_the_case_screens_show() {
    let mut t = new_vault(3301);
    kasane_demo::fill_demo(&mut t.vault, 120, 9, kasane_demo::DemoLead::AsGenerated, &mut |_, _| {}).unwrap();
    let today = t.vault.ambient().clock.today();
    // Two visits to one household that did not answer the door: one person reached by outreach.
    let reached = t
        .vault
        .cases(&kasane::CaseFilter::default())
        .unwrap()
        .into_iter()
        .find(|c| c.status != kasane::CaseStatus::Closed)
        .unwrap()
        .id;
    for outcome in [kasane::ContactOutcome::NotHome, kasane::ContactOutcome::Met] {
        t.vault
            .add_note(kasane::NewNote {
                case: reached,
                kind: kasane::NoteKind::Visit,
                text: "訪問".into(),
                date: None,
                internal: false,
                outreach: Some(kasane::Outreach {
                    time: None,
                    contacted: None,
                    outcome,
                }),
            })
            .unwrap();
    }
    let wide = StatsQuery {
        from: jiff::civil::date(2010, 4, 1),
        to: today,
        by: Grouping::District,
        anonymised: false,
    };
    let s = t.vault.statistics(&wide).unwrap();
    let e = expected(&mut t.vault, &wide);

    for (route, n) in &e.intake {
        assert_eq!(total(&s, "intake", route), *n, "consultations received by {route}");
    }
    assert_eq!(
        total(&s, "intake", "all"),
        e.intake.values().sum::<u64>(),
        "the 計 row is the sum of the routes"
    );
    assert!(
        total(&s, "intake", "all") > 0,
        "the demo city records how consultations came"
    );
    for ((route, district), n) in &e.intake_by_district {
        assert_eq!(
            cell(&s, "intake", route, district),
            Cell::Count(*n),
            "{route} in {district}"
        );
    }
    // Every row of a case table: the districts add up to the total.
    for table in &s.tables {
        for row in &table.rows {
            let groups: Option<u64> = row.cells[..row.cells.len() - 1]
                .iter()
                .map(|c| match c {
                    Cell::Count(n) => Some(*n),
                    _ => None,
                })
                .sum();
            if let (Some(sum), Some(Cell::Count(total))) = (groups, row.cells.last()) {
                if row.key.starts_with("persons") || row.key == "hosts" {
                    assert!(
                        sum >= *total,
                        "{}/{}: a person in two districts counts once in all",
                        table.key,
                        row.key
                    );
                } else {
                    assert_eq!(sum, *total, "{}/{}: each case has one district", table.key, row.key);
                }
            }
        }
    }
    for (reason, n) in &e.closure {
        assert_eq!(total(&s, "closure", reason), *n, "cases closed for {reason}");
    }
    assert!(!e.closure.is_empty(), "the demo city closes cases");
    assert_eq!(total(&s, "decision", "decided"), e.decided);
    assert_eq!(total(&s, "plan", "made"), e.plans_made);
    assert_eq!(total(&s, "plan", "revised"), e.plans_revised);
    assert!(e.plans_revised > 0, "the demo city revises plans");
    for (risk, n) in &e.open_by_risk {
        assert_eq!(total(&s, "open", risk), *n, "open cases of {risk}");
    }
    assert_eq!(total(&s, "referral", "made"), e.referrals);
    assert!(
        total(&s, "outreach", "persons") >= e.outreach_cases && e.outreach_cases > 0,
        "every case reached by outreach in the contact log counts ({} of them)",
        e.outreach_cases
    );

    // One fiscal year, by month: the months add up to the year, and nothing outside it counts.
    let fy = StatsQuery::fiscal_year(2025, Grouping::Month, false).unwrap();
    let s = t.vault.statistics(&fy).unwrap();
    assert_eq!(s.columns.len(), 13, "April to March, then 合計");
    assert_eq!(s.columns[0].label, "2025年4月");
    let e = expected(&mut t.vault, &fy);
    assert_eq!(total(&s, "intake", "all"), e.intake.values().sum::<u64>());
    assert_eq!(total(&s, "decision", "decided"), e.decided);

    // Anonymised: 1 and 2 hidden, every other count as it was.
    let plain = t.vault.statistics(&wide).unwrap();
    let anon = t
        .vault
        .statistics(&StatsQuery {
            anonymised: true,
            ..wide.clone()
        })
        .unwrap();
    let mut hidden = 0;
    for (a, b) in plain.tables.iter().zip(&anon.tables) {
        for (ra, rb) in a.rows.iter().zip(&b.rows) {
            for (ca, cb) in ra.cells.iter().zip(&rb.cells) {
                match ca {
                    Cell::Count(1 | 2) => {
                        assert_eq!(*cb, Cell::Suppressed, "{}/{}", a.key, ra.key);
                        hidden += 1;
                    }
                    other => assert_eq!(cb, other, "{}/{}", a.key, ra.key),
                }
            }
        }
    }
    assert!(hidden > 0, "a city of 120 households has small cells by district");
    assert_eq!(Cell::Suppressed.text(), "<3", "as the prefecture's tables write it");
}

#[test]
fn a_period_that_ends_before_it_begins_is_refused() {
    let t = new_vault(3302);
    let err = t
        .vault
        .statistics(&StatsQuery {
            from: jiff::civil::date(2026, 4, 1),
            to: jiff::civil::date(2026, 3, 31),
            by: Grouping::None,
            anonymised: false,
        })
        .unwrap_err();
    assert!(err.to_string().contains("before it begins"), "{err}");
    assert_eq!(Grouping::parse("地区").unwrap(), Grouping::District);
    assert!(Grouping::parse("weekday").is_err(), "an unknown grouping is refused");
}
