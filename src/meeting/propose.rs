//! Agenda proposals: which cases a coordinator should consider for a meeting, and why — next
//! review due by the meeting date, new since the last meeting of the series, overdue actions,
//! a member agency's request to discuss, a proposal to close. Closed cases are never proposed, nor
//! cases outside the meeting's remit.

use crate::meeting::MeetingError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AgendaItem, Meeting};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope},
    record::{self, CaseStatus, Fields, Record, load_all, require_text, view},
};

/// Why a case is proposed.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalReason {
    /// review-due | new-case | overdue-actions | flagged | propose-close
    pub code: &'static str,
    pub label_ja: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub case: Uuid,
    pub household_label: String,
    pub title: String,
    pub lead_agency: Uuid,
    pub lead_agency_name: String,
    pub status: CaseStatus,
    pub next_review: Option<Date>,
    pub reasons: Vec<ProposalReason>,
    pub on_agenda: bool,
}

/// A member agency's request to discuss a case (or to close it) at the next meeting.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flag {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    /// "discuss" or "close".
    pub kind: String,
    pub reason: String,
    pub agency: Uuid,
    pub date: Date,
    /// The finalised meeting that dealt with it.
    #[serde(default)]
    pub resolved_meeting: Option<Uuid>,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Flag {
    const ETYPE: &'static str = "flag";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = record::conflicts_of(st);
    }
}

pub(crate) fn open_flags(v: &Vault, case: Uuid) -> Result<Vec<Flag>, MeetingError> {
    let mut out: Vec<Flag> = load_all(&v.conn, "flag", Some(case))?
        .iter()
        .filter_map(|st| view::<Flag>(st).ok())
        .collect();
    out.retain(|f| f.resolved_meeting.is_none());
    out.sort_by_key(|f| (f.date, f.id));
    Ok(out)
}

impl Vault {
    /// The requests to discuss (or close) a case that no finalised meeting has dealt with yet,
    /// oldest first.
    pub fn open_requests(&self, case: Uuid) -> Result<Vec<Flag>, MeetingError> {
        self.case_quiet(case)?;
        open_flags(self, case)
    }

    /// Asks for a case to be discussed (or closed) at the next meeting.
    pub fn flag_case(&mut self, case: Uuid, close: bool, reason: &str) -> Result<Uuid, MeetingError> {
        let reason = require_text("reason", reason)?;
        let (agency, today) = (self.me.agency, self.ambient.clock.today());
        self.write(|tx| {
            tx.expect(case, "case")?;
            let f = Fields::new()
                .put("case", case)
                .put("kind", if close { "close" } else { "discuss" })
                .put("reason", &reason)
                .put("agency", agency)
                .put("date", today)
                .into_map();
            let id = tx.create(Scope::Case(case), "flag", Some(case), f)?;
            tx.audit("case.flag", Some(case.to_string()), None);
            Ok(id)
        })
    }

    /// Cases to consider for a meeting, each with every reason it is proposed, most reasons first.
    pub fn propose_agenda(&self, meeting: Uuid) -> Result<Vec<Proposal>, MeetingError> {
        let m = self.meeting(meeting)?;
        let day = m.date;
        let since = self
            .previous_in_series(&m)?
            .map(|p| p.date)
            .unwrap_or_else(|| day.checked_sub(jiff::Span::new().months(1)).unwrap_or(day));
        let on_agenda: Vec<Uuid> = load_all(&self.conn, "agenda-item", Some(meeting))?
            .iter()
            .filter_map(|st| view::<AgendaItem>(st).ok())
            .collect::<Vec<_>>()
            .into_iter()
            .filter(|i| !i.removed)
            .map(|i| i.case)
            .collect();
        let names: std::collections::HashMap<Uuid, String> =
            self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        // Every action and request once, grouped by case, rather than a query per case.
        let mut actions: std::collections::HashMap<Uuid, Vec<record::Action>> = std::collections::HashMap::new();
        for st in load_all(&self.conn, "action", None)? {
            let Ok(a) = view::<record::Action>(&st) else {
                continue;
            };
            if !a.retracted && a.status.is_open() && a.due.is_some_and(|d| d < day) {
                actions.entry(a.case).or_default().push(a);
            }
        }
        let mut flags: std::collections::HashMap<Uuid, Vec<Flag>> = std::collections::HashMap::new();
        for st in load_all(&self.conn, "flag", None)? {
            let Ok(f) = view::<Flag>(&st) else {
                continue;
            };
            if f.resolved_meeting.is_none() {
                flags.entry(f.case).or_default().push(f);
            }
        }
        // A meeting whose law is for some people only (要対協, 地域ケア会議, the 困窮 meetings)
        // proposes only cases within that remit, read from every household's members at once.
        let mut members: std::collections::HashMap<Uuid, Vec<record::Person>> = std::collections::HashMap::new();
        let restricted = crate::remit::restricts(&m.kind);
        if restricted {
            for st in load_all(&self.conn, "person", None)? {
                if let (Some(household), Ok(p)) = (st.parent, view::<record::Person>(&st)) {
                    members.entry(household).or_default().push(p);
                }
            }
        }
        let mut out = Vec::new();
        for c in self.cases(&record::CaseFilter::default())? {
            if c.status == CaseStatus::Closed {
                continue;
            }
            let mut reasons = Vec::new();
            if let Some(r) = c.next_review.filter(|r| *r <= day) {
                reasons.push(ProposalReason {
                    code: "review-due",
                    label_ja: "見直し期日",
                    detail: format!("次回見直し {r}"),
                });
            }
            if c.opened > since && c.opened <= day {
                reasons.push(ProposalReason {
                    code: "new-case",
                    label_ja: "新規ケース",
                    detail: format!("受付 {}（前回 {since} 以降）", c.opened),
                });
            }
            let overdue = actions.remove(&c.id).unwrap_or_default();
            if !overdue.is_empty() {
                let detail = overdue
                    .iter()
                    .map(|a| {
                        format!(
                            "{}（{}、期限 {}）",
                            a.text,
                            names.get(&a.owner_agency).map(String::as_str).unwrap_or(""),
                            a.due.map(|d| d.to_string()).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("、");
                reasons.push(ProposalReason {
                    code: "overdue-actions",
                    label_ja: "期限超過の支援内容",
                    detail,
                });
            }
            let mut case_flags = flags.remove(&c.id).unwrap_or_default();
            case_flags.sort_by_key(|f| (f.date, f.id));
            for f in case_flags {
                let by = names.get(&f.agency).cloned().unwrap_or_default();
                if f.kind == "close" {
                    reasons.push(ProposalReason {
                        code: "propose-close",
                        label_ja: "終結の提案",
                        detail: format!("{by}: {}", f.reason),
                    });
                } else {
                    reasons.push(ProposalReason {
                        code: "flagged",
                        label_ja: "協議の依頼",
                        detail: format!("{by}: {}", f.reason),
                    });
                }
            }
            if reasons.is_empty() {
                continue;
            }
            let household = members.get(&c.household).map(Vec::as_slice).unwrap_or_default();
            if restricted && crate::remit::outside(&m.kind, &m.type_label, day, household, &c.problems).is_some() {
                continue;
            }
            out.push(Proposal {
                on_agenda: on_agenda.contains(&c.id),
                case: c.id,
                household_label: c.household_label,
                title: c.title,
                lead_agency: c.lead_agency,
                lead_agency_name: c.lead_agency_name,
                status: c.status,
                next_review: c.next_review,
                reasons,
            });
        }
        out.sort_by(|a, b| {
            b.reasons
                .len()
                .cmp(&a.reasons.len())
                .then(a.next_review.cmp(&b.next_review))
                .then(a.case.cmp(&b.case))
        });
        Ok(out)
    }

    /// The latest meeting of the same series held before this one.
    fn previous_in_series(&self, m: &Meeting) -> Result<Option<Meeting>, MeetingError> {
        Ok(self
            .meetings()?
            .into_iter()
            .filter(|p| p.id != m.id && p.series == m.series && p.date < m.date)
            .max_by_key(|p| p.date))
    }
}
