//! Agenda proposals: which cases a coordinator should consider for a meeting, and why — next
//! review due by the meeting date, new since the last meeting of the series, overdue actions,
//! a member agency's request to discuss, a proposal to close. Closed cases are never proposed, nor
//! cases outside the meeting's remit.

use crate::meeting::MeetingError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Meeting;
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope},
    record::{self, CaseStatus, Fields, Record, Risk, load_all, require_text, view},
    share::{Basis, ShareError},
};

/// How many proposals an agenda shows at first: a list a coordinator reads before the meeting.
/// The rest are counted by reason, and the coordinator widens the list.
pub const PROPOSALS_SHOWN: usize = 20;

/// Why a case is proposed. A reason of each kind at most once per case; several overdue actions
/// or requests are one reason with their agencies and words.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalReason {
    /// review-due | new-case | overdue-actions | flagged | propose-close
    pub code: &'static str,
    pub label_ja: &'static str,
    /// The day it is about: the review date, the intake, the earliest missed due date, the
    /// earliest request.
    pub date: Option<Date>,
    /// The agencies concerned: the owners of the overdue actions, or the agencies asking.
    pub agencies: Vec<Uuid>,
    /// The overdue actions, or the requests' words.
    pub texts: Vec<String>,
    /// The reason as the Japanese agenda reads it, dates in 和暦.
    pub detail: String,
}

/// Whether putting the case on the agenda can disclose it to the attendees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Access {
    /// This agency leads the case: putting it on the agenda discloses it to the attendees.
    Lead,
    /// Every attendee already sees the case until past the meeting.
    Shared,
    /// Another agency leads the case and some attendees do not see it: only the lead can
    /// disclose it to them, so the coordinator asks the lead (a request in the case's next
    /// bundle). `asked` is the day this agency asked, when it has.
    AskLead { missing: Vec<Uuid>, asked: Option<Date> },
}

#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub case: Uuid,
    pub household_label: String,
    pub title: String,
    pub lead_agency: Uuid,
    pub lead_agency_name: String,
    pub status: CaseStatus,
    pub risk: Option<Risk>,
    pub next_review: Option<Date>,
    pub reasons: Vec<ProposalReason>,
    /// How much the case needs this meeting: the sum of [`weight`]s; higher comes first.
    pub score: i32,
    pub access: Access,
}

/// How many of the proposals not shown have a reason, or need the lead.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonCount {
    /// A reason code, or "ask-lead" for the proposals only their lead can disclose.
    pub code: &'static str,
    pub label_ja: &'static str,
    pub count: usize,
}

/// The cases proposed for a meeting, best first: the first `shown`, and the rest counted.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaProposals {
    pub shown: Vec<Proposal>,
    /// Every case proposed (shown or not).
    pub total: usize,
    /// The proposals not shown, counted by reason (a case under each of its reasons).
    pub rest: Vec<ReasonCount>,
}

/// The weights of the ranking, which docs/meetings.md explains to coordinators. A case's score
/// is the sum over what applies to it.
pub mod weight {
    /// 緊急度 緊急 / 高 / 中 (低 and none add nothing): the risk the lead recorded.
    pub const RISK_URGENT: i32 = 40;
    pub const RISK_HIGH: i32 = 30;
    pub const RISK_MEDIUM: i32 = 15;
    /// An agency asked for the case to be discussed, or closed, here.
    pub const REQUEST: i32 = 25;
    /// Actions past their due date, owned by an attendee or by this agency (whose people sit at
    /// the meeting and can answer for them) …
    pub const OVERDUE_ATTENDING: i32 = 20;
    /// … or only by agencies not attending.
    pub const OVERDUE_ELSEWHERE: i32 = 10;
    /// The review date falls by the meeting day …
    pub const REVIEW_DUE: i32 = 20;
    /// … and had already passed before today.
    pub const REVIEW_LATE: i32 = 10;
    /// Opened since the series' last meeting.
    pub const NEW_CASE: i32 = 15;
    /// The lead or an agency sharing the case attends: the people who know it are in the room.
    pub const KNOWN_TO_ATTENDEES: i32 = 10;
    /// Only its lead can disclose it to the attendees: it waits on the lead.
    pub const NEEDS_LEAD: i32 = -20;
}

/// A member agency's request about a case: to discuss it at the next meeting ("discuss"), to
/// close it there ("close"), or — asked of the lead by a meeting's coordinator — to disclose it
/// to the meeting's attendees who do not see it ("share").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flag {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    /// "discuss", "close" or "share".
    pub kind: String,
    pub reason: String,
    pub agency: Uuid,
    pub date: Date,
    /// The finalised meeting that dealt with it.
    #[serde(default)]
    pub resolved_meeting: Option<Uuid>,
    /// A share request: the meeting, its conference type (which fixes the basis of the share),
    /// its day, and the attendees to disclose the case to.
    #[serde(default)]
    pub meeting: Option<Uuid>,
    #[serde(default)]
    pub conference: Option<String>,
    #[serde(default)]
    pub meeting_date: Option<Date>,
    #[serde(default)]
    pub agencies: Vec<Uuid>,
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

/// The requests on a case no finalised meeting has dealt with (a share request: until its
/// meeting's day has passed or every agency it names sees the case), oldest first.
pub(crate) fn open_flags(v: &Vault, case: Uuid) -> Result<Vec<Flag>, MeetingError> {
    let today = v.ambient.clock.today();
    let mut out: Vec<Flag> = load_all(&v.conn, "flag", Some(case))?
        .iter()
        .filter_map(|st| view::<Flag>(st).ok())
        .filter(|f| f.resolved_meeting.is_none())
        .collect();
    if out.iter().any(|f| f.kind == SHARE) {
        let shares = v.shares_of(case)?;
        out.retain(|f| {
            f.kind != SHARE
                || f.meeting_date.is_some_and(|d| d >= today)
                    && f.agencies
                        .iter()
                        .any(|a| !sees_until(&shares, *a, f.meeting_date.unwrap_or(today)))
        });
    }
    out.sort_by_key(|f| (f.date, f.id));
    Ok(out)
}

/// The kind of a request asking the lead to disclose a case for a meeting.
const SHARE: &str = "share";

/// What the agenda's rules read of a share: whose it is, whether it is in force, its last day.
pub(crate) trait Reach {
    fn reach(&self) -> (Uuid, bool, Option<Date>);
}

impl Reach for record::Share {
    fn reach(&self) -> (Uuid, bool, Option<Date>) {
        (self.agency, self.active, self.until)
    }
}

impl Reach for ShareHead {
    fn reach(&self) -> (Uuid, bool, Option<Date>) {
        (self.agency, self.active, self.until)
    }
}

/// Whether an agency has an active share of the case lasting at least until `day`.
pub(crate) fn sees_until(shares: &[impl Reach], agency: Uuid, day: Date) -> bool {
    shares.iter().any(|s| {
        let (holder, active, until) = s.reach();
        active && holder == agency && until.is_none_or(|u| u >= day)
    })
}

fn risk_weight(r: Option<Risk>) -> i32 {
    match r {
        Some(Risk::Urgent) => weight::RISK_URGENT,
        Some(Risk::High) => weight::RISK_HIGH,
        Some(Risk::Medium) => weight::RISK_MEDIUM,
        Some(Risk::Low) | None => 0,
    }
}

/// What the ranking reads of an action, straight from its stored fields.
#[derive(Deserialize)]
struct ActionHead {
    case: Uuid,
    text: String,
    owner_agency: Uuid,
    #[serde(default)]
    due: Option<Date>,
    status: record::ActionStatus,
    #[serde(default)]
    retracted: bool,
}

/// What the ranking reads of a share.
#[derive(Deserialize)]
struct ShareHead {
    agency: Uuid,
    active: bool,
    #[serde(default)]
    until: Option<Date>,
}

/// One case's standing before the ranking: enough to score and count it. Households and names
/// are read only for the proposals shown.
struct Candidate {
    case: record::CaseHead,
    reasons: Vec<ProposalReason>,
    score: i32,
    access: Access,
}

impl Vault {
    /// The requests to discuss, close or disclose a case that are still open, oldest first.
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

    /// Asks a case's lead agency to disclose the case for this meeting to the attendees who do
    /// not see it: a request in the case's records, which travels to the lead in the next
    /// exchange file. Only the coordinator asks, and only when the lead is another agency.
    pub fn ask_lead_to_share(&mut self, meeting: Uuid, case: Uuid) -> Result<Uuid, MeetingError> {
        let m = self.meeting(meeting)?;
        self.require_open(&m)?;
        let c = self.case_quiet(case)?;
        if c.lead_agency == self.me.agency {
            return Err(MeetingError::OwnLead);
        }
        let until = self.disclosure_last_day(m.date)?;
        let shares = self.shares_of(case)?;
        let missing = super::without_access(&m.attendees, c.lead_agency, &shares, until, None);
        if missing.is_empty() {
            return Err(MeetingError::AlreadyShared);
        }
        let names: std::collections::HashMap<Uuid, String> =
            self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let who = missing
            .iter()
            .map(|a| names.get(a).cloned().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("、");
        let reason = format!(
            "{}（{}）で検討するため、{who}への情報提供をお願いします",
            m.type_label,
            crate::ja::wareki(m.date)
        );
        let (agency, today) = (self.me.agency, self.ambient.clock.today());
        self.write(|tx| {
            let f = Fields::new()
                .put("case", case)
                .put("kind", SHARE)
                .put("reason", &reason)
                .put("agency", agency)
                .put("date", today)
                .put("meeting", meeting)
                .put("conference", &m.kind)
                .put("meeting_date", m.date)
                .put("agencies", &missing)
                .into_map();
            let id = tx.create(Scope::Case(case), "flag", Some(case), f)?;
            tx.audit(
                "case.ask-share",
                Some(case.to_string()),
                Some(format!("meeting {meeting}")),
            );
            Ok(id)
        })
    }

    /// The lead grants a coordinator's request: discloses the case to the agencies it names, for
    /// that meeting and as putting the case on its agenda would (the meeting's basis and purpose,
    /// until the set number of days after it), with every check of a share.
    pub fn grant_share_request(&mut self, request: Uuid) -> Result<(), MeetingError> {
        let f: Flag = view(&record::load_one(&self.conn, request, "flag")?)?;
        let (Some(meeting), Some(conference), Some(day)) = (f.meeting, f.conference.as_deref(), f.meeting_date) else {
            return Err(MeetingError::NotShareRequest);
        };
        if f.kind != SHARE {
            return Err(MeetingError::NotShareRequest);
        }
        let basis =
            Basis::of_conference_type(conference).ok_or_else(|| MeetingError::UnknownType(conference.into()))?;
        let purpose = Basis::purpose_of_conference(conference).or(basis.default_purpose());
        let until = self.disclosure_last_day(day)?;
        let shares = self.shares_of(f.case)?;
        for a in f.agencies.iter().filter(|a| !sees_until(&shares, **a, until)) {
            let term = crate::share::MeetingTerm {
                meeting,
                until,
                progress_notes: false,
            };
            match self.share_cases_for(&[f.case], *a, basis, purpose, Some(term)) {
                Ok(()) | Err(ShareError::OwnAgency(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Cases to consider for a meeting, best first (see [`weight`]): the first `shown` (every one
    /// when None) with their reasons, and the rest counted by reason. Cases on the agenda already,
    /// closed cases and cases outside the meeting's remit are not proposed.
    pub fn propose_agenda(&self, meeting: Uuid, shown: Option<usize>) -> Result<AgendaProposals, MeetingError> {
        use std::collections::{HashMap, HashSet};
        let m = self.meeting(meeting)?;
        let day = m.date;
        let today = self.ambient.clock.today();
        let since = self
            .previous_in_series(&m)?
            .map(|p| p.date)
            .unwrap_or_else(|| day.checked_sub(jiff::Span::new().months(1)).unwrap_or(day));
        let until = self.disclosure_last_day(m.date)?;
        let on_agenda: HashSet<Uuid> = self.items_of(meeting)?.into_iter().map(|i| i.case).collect();
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let name = |a: &Uuid| names.get(a).cloned().unwrap_or_default();
        // The people who answer for an overdue action at this meeting: the attendees and us.
        let in_room = |a: &Uuid| *a == self.me.agency || m.attendees.contains(a);
        // Every overdue action and open request once, grouped by case, rather than a query per case.
        let mut actions: HashMap<Uuid, Vec<(Uuid, ActionHead)>> = HashMap::new();
        for r in crate::log::scan_fields::<ActionHead>(&self.conn, "action")? {
            let a = r.fields;
            if !a.retracted && a.status.is_open() && a.due.is_some_and(|d| d < day) {
                actions.entry(a.case).or_default().push((r.id, a));
            }
        }
        // Who sees each case another agency leads, read once for all of them.
        let mut shares: HashMap<Uuid, Vec<ShareHead>> = HashMap::new();
        for r in crate::log::scan_fields::<ShareHead>(&self.conn, "share")? {
            if let Some(case) = r.parent {
                shares.entry(case).or_default().push(r.fields);
            }
        }
        let mut flags: HashMap<Uuid, Vec<Flag>> = HashMap::new();
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
        let mut members: HashMap<Uuid, Vec<record::Person>> = HashMap::new();
        let restricted = crate::remit::restricts(&m.kind);
        if restricted {
            for st in load_all(&self.conn, "person", None)? {
                if let (Some(household), Ok(p)) = (st.parent, view::<record::Person>(&st)) {
                    members.entry(household).or_default().push(p);
                }
            }
        }
        let mut candidates = Vec::new();
        for r in crate::log::scan_fields::<record::CaseHead>(&self.conn, "case")? {
            let c = record::CaseHead { id: r.id, ..r.fields };
            if c.status == CaseStatus::Closed || on_agenda.contains(&c.id) {
                continue;
            }
            let mut reasons = Vec::new();
            let mut score = risk_weight(c.risk);
            if let Some(r) = c.next_review.filter(|r| *r <= day) {
                score += weight::REVIEW_DUE + if r < today { weight::REVIEW_LATE } else { 0 };
                reasons.push(ProposalReason {
                    code: "review-due",
                    label_ja: "見直し期日",
                    date: Some(r),
                    agencies: Vec::new(),
                    texts: Vec::new(),
                    detail: format!("次回見直し {}", crate::ja::wareki(r)),
                });
            }
            if c.opened > since && c.opened <= day {
                score += weight::NEW_CASE;
                reasons.push(ProposalReason {
                    code: "new-case",
                    label_ja: "新規ケース",
                    date: Some(c.opened),
                    agencies: Vec::new(),
                    texts: Vec::new(),
                    detail: format!(
                        "受付 {}（前回 {} 以降）",
                        crate::ja::wareki(c.opened),
                        crate::ja::wareki(since)
                    ),
                });
            }
            let mut overdue = actions.remove(&c.id).unwrap_or_default();
            if !overdue.is_empty() {
                overdue.sort_by_key(|(id, a)| (a.due, *id));
                let overdue: Vec<ActionHead> = overdue.into_iter().map(|(_, a)| a).collect();
                score += if overdue.iter().any(|a| in_room(&a.owner_agency)) {
                    weight::OVERDUE_ATTENDING
                } else {
                    weight::OVERDUE_ELSEWHERE
                };
                let mut owners: Vec<Uuid> = overdue.iter().map(|a| a.owner_agency).collect();
                owners.dedup();
                let detail = overdue
                    .iter()
                    .map(|a| {
                        let due = a.due.map(crate::ja::wareki).unwrap_or_default();
                        format!("{}（{}、期限 {due}）", a.text, name(&a.owner_agency))
                    })
                    .collect::<Vec<_>>()
                    .join("、");
                reasons.push(ProposalReason {
                    code: "overdue-actions",
                    label_ja: "期限超過の支援内容",
                    date: overdue.iter().filter_map(|a| a.due).min(),
                    agencies: owners,
                    texts: overdue.into_iter().map(|a| a.text).collect(),
                    detail,
                });
            }
            let mut case_flags = flags.remove(&c.id).unwrap_or_default();
            case_flags.sort_by_key(|f| (f.date, f.id));
            let asked = case_flags
                .iter()
                .filter(|f| f.kind == SHARE && f.meeting == Some(meeting) && f.agency == self.me.agency)
                .map(|f| f.date)
                .min();
            for (code, label_ja, kind) in [
                ("flagged", "協議の依頼", "discuss"),
                ("propose-close", "終結の提案", "close"),
            ] {
                let these: Vec<&Flag> = case_flags
                    .iter()
                    .filter(|f| f.kind == kind || (kind == "discuss" && f.kind != "close" && f.kind != SHARE))
                    .collect();
                if these.is_empty() {
                    continue;
                }
                score += weight::REQUEST;
                let mut agencies: Vec<Uuid> = these.iter().map(|f| f.agency).collect();
                agencies.dedup();
                reasons.push(ProposalReason {
                    code,
                    label_ja,
                    date: these.first().map(|f| f.date),
                    agencies,
                    texts: these.iter().map(|f| f.reason.clone()).collect(),
                    detail: these
                        .iter()
                        .map(|f| format!("{}: {}", name(&f.agency), f.reason))
                        .collect::<Vec<_>>()
                        .join("、"),
                });
            }
            if reasons.is_empty() {
                continue;
            }
            if restricted {
                let household = members.get(&c.household).map(Vec::as_slice).unwrap_or_default();
                if crate::remit::outside(&m.kind, &m.type_label, day, household, &c.problems).is_some() {
                    continue;
                }
            }
            // Who sees the case matters only for cases another agency leads (this agency discloses
            // its own cases itself).
            let (access, known) = if c.lead_agency == self.me.agency {
                (Access::Lead, true)
            } else {
                let shares = shares.get(&c.id).map(Vec::as_slice).unwrap_or_default();
                let missing = super::without_access(&m.attendees, c.lead_agency, shares, until, None);
                let known =
                    m.attendees.contains(&c.lead_agency) || m.attendees.iter().any(|a| sees_until(shares, *a, today));
                if missing.is_empty() {
                    (Access::Shared, known)
                } else {
                    score += weight::NEEDS_LEAD;
                    (Access::AskLead { missing, asked }, known)
                }
            };
            if known {
                score += weight::KNOWN_TO_ATTENDEES;
            }
            candidates.push(Candidate {
                case: c,
                reasons,
                score,
                access,
            });
        }
        candidates.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(risk_weight(b.case.risk).cmp(&risk_weight(a.case.risk)))
                .then(a.case.next_review.cmp(&b.case.next_review))
                .then(a.case.opened.cmp(&b.case.opened))
                .then(a.case.id.cmp(&b.case.id))
        });
        let total = candidates.len();
        let keep = shown.unwrap_or(total).min(total);
        let rest_part = candidates.split_off(keep);
        let mut rest: Vec<ReasonCount> = Vec::new();
        let mut count = |code: &'static str, label_ja: &'static str| match rest.iter_mut().find(|r| r.code == code) {
            Some(r) => r.count += 1,
            None => rest.push(ReasonCount {
                code,
                label_ja,
                count: 1,
            }),
        };
        for c in &rest_part {
            for r in &c.reasons {
                count(r.code, r.label_ja);
            }
            if matches!(c.access, Access::AskLead { .. }) {
                count("ask-lead", "主担当機関への依頼が必要");
            }
        }
        rest.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
        let mut out = Vec::with_capacity(candidates.len());
        for c in candidates {
            let household_label = record::load_one(&self.conn, c.case.household, "household")
                .ok()
                .and_then(|st| view::<record::Household>(&st).ok())
                .map(|h| h.label)
                .unwrap_or_default();
            out.push(Proposal {
                household_label,
                lead_agency_name: name(&c.case.lead_agency),
                case: c.case.id,
                title: c.case.title,
                lead_agency: c.case.lead_agency,
                status: c.case.status,
                risk: c.case.risk,
                next_review: c.case.next_review,
                reasons: c.reasons,
                score: c.score,
                access: c.access,
            });
        }
        Ok(AgendaProposals {
            shown: out,
            total,
            rest,
        })
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
