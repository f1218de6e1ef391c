//! The case ledger (進行管理台帳): every case with its lead agency, status, risk, last and next
//! review, and open and overdue actions — what the coordinator keeps in Excel today.

use crate::meeting::MeetingError;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    Vault,
    ja::Date,
    record::{self, CaseStatus, Risk},
};

#[derive(Debug, Clone, Serialize)]
pub struct LedgerRow {
    pub case: Uuid,
    pub household: Uuid,
    pub household_label: String,
    pub district: String,
    pub title: String,
    pub lead_agency: Uuid,
    pub lead_agency_name: String,
    pub status: CaseStatus,
    pub risk: Option<Risk>,
    pub problems: Vec<String>,
    pub opened: Date,
    /// Date of the last finalised meeting that discussed the case.
    pub last_review: Option<Date>,
    pub next_review: Option<Date>,
    pub review_overdue: bool,
    pub open_actions: usize,
    pub overdue_actions: usize,
    pub in_conflict: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LedgerSort {
    #[default]
    NextReview,
    LastReview,
    Risk,
    Lead,
    Opened,
    Household,
}

impl LedgerSort {
    pub fn parse(s: &str) -> Result<LedgerSort, record::RecordError> {
        Ok(match s.trim() {
            "next-review" | "次回見直し" => LedgerSort::NextReview,
            "last-review" | "前回検討" => LedgerSort::LastReview,
            "risk" | "緊急度" | "リスク" => LedgerSort::Risk,
            "lead" | "主担当" => LedgerSort::Lead,
            "opened" | "受付日" => LedgerSort::Opened,
            "household" | "世帯" => LedgerSort::Household,
            other => {
                return Err(record::RecordError::BadChoice {
                    field: "sort",
                    value: other.into(),
                    allowed: "next-review last-review risk lead opened household",
                });
            }
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub cases: record::CaseFilter,
    pub risk: Option<Risk>,
    pub overdue_only: bool,
    pub sort: LedgerSort,
}

fn risk_rank(r: Option<Risk>) -> u8 {
    match r {
        Some(Risk::Urgent) => 0,
        Some(Risk::High) => 1,
        Some(Risk::Medium) => 2,
        Some(Risk::Low) => 3,
        None => 4,
    }
}

impl Vault {
    /// The ledger, filtered and sorted.
    pub fn ledger(&mut self, filter: &LedgerFilter) -> Result<Vec<LedgerRow>, MeetingError> {
        let mut last: std::collections::HashMap<Uuid, Date> = std::collections::HashMap::new();
        for m in self.meetings()?.into_iter().filter(|m| m.finalised.is_some()) {
            for item in self.meeting_detail_quiet(m.id)?.agenda {
                let e = last.entry(item.item.case).or_insert(m.date);
                if m.date > *e {
                    *e = m.date;
                }
            }
        }
        let households: std::collections::HashMap<Uuid, String> = record::load_all(&self.conn, "household", None)?
            .iter()
            .filter_map(|st| {
                st.fields
                    .get("district")
                    .and_then(|v| v.as_str())
                    .map(|d| (st.id, d.to_string()))
            })
            .collect();
        let mut rows = Vec::new();
        for c in self.cases(&filter.cases)? {
            if filter.risk.is_some_and(|r| c.risk != Some(r)) {
                continue;
            }
            let actions = self.actions_of(c.id)?;
            let open_actions = actions.iter().filter(|a| a.status.is_open()).count();
            let overdue_actions = actions.iter().filter(|a| a.overdue).count();
            if filter.overdue_only && overdue_actions == 0 && !c.review_overdue {
                continue;
            }
            rows.push(LedgerRow {
                last_review: last.get(&c.id).copied(),
                district: households.get(&c.household).cloned().unwrap_or_default(),
                case: c.id,
                household: c.household,
                household_label: c.household_label,
                title: c.title,
                lead_agency: c.lead_agency,
                lead_agency_name: c.lead_agency_name,
                status: c.status,
                risk: c.risk,
                problems: c.problems,
                opened: c.opened,
                next_review: c.next_review,
                review_overdue: c.review_overdue,
                open_actions,
                overdue_actions,
                in_conflict: c.in_conflict,
            });
        }
        match filter.sort {
            LedgerSort::NextReview => rows.sort_by(|a, b| {
                a.next_review
                    .is_none()
                    .cmp(&b.next_review.is_none())
                    .then(a.next_review.cmp(&b.next_review))
            }),
            LedgerSort::LastReview => rows.sort_by(|a, b| {
                a.last_review
                    .is_some()
                    .cmp(&b.last_review.is_some())
                    .then(a.last_review.cmp(&b.last_review))
            }),
            LedgerSort::Risk => rows.sort_by_key(|r| risk_rank(r.risk)),
            LedgerSort::Lead => rows.sort_by(|a, b| a.lead_agency_name.cmp(&b.lead_agency_name)),
            LedgerSort::Opened => rows.sort_by_key(|r| std::cmp::Reverse(r.opened)),
            LedgerSort::Household => rows.sort_by_cached_key(|r| crate::ja::gojuon_key(&r.household_label)),
        }
        self.audit_now("ledger.view", None, Some(format!("{} cases", rows.len())))?;
        Ok(rows)
    }
}
