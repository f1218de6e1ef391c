//! Support meetings: the list, planning a meeting, the agenda (proposals with their reasons, the
//! legal-basis gate when a case is accepted, order and minutes), the record made during the
//! meeting, finalisation, the printable documents and the meeting pack, and the ledger.

use std::collections::HashMap;

use kasane::{
    AgendaEntry, ItemRecord, LedgerFilter, LedgerRow, LedgerSort, Meeting, NewMeeting, PrintWhat, Proposal,
    ProposalAccess,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::{
    desktop::Desktop,
    error::CommandError,
    plan::{NewActionInput, new_action},
    view::{CaseStatus, DateView, Risk, date_input, id, id_text, ids},
};

#[derive(Debug, Clone, Serialize, TS)]
pub struct MeetingView {
    pub id: String,
    /// Conference type code ("shien-kaigi" …).
    pub kind: String,
    pub type_label: String,
    pub legal_basis: String,
    pub confidentiality: String,
    pub series: String,
    pub date: DateView,
    pub time: Option<String>,
    pub place: String,
    pub chair: Option<String>,
    pub coordinator: String,
    pub attendees: Vec<String>,
    pub present: Vec<String>,
    pub apologies: Vec<String>,
    pub observers: Vec<String>,
    pub finalised: Option<DateView>,
    /// This vault's agency coordinates it (only the coordinator records it).
    pub mine: bool,
}

impl MeetingView {
    fn of(m: Meeting, me: Uuid) -> Self {
        MeetingView {
            id: id_text(m.id),
            kind: m.kind,
            type_label: m.type_label,
            legal_basis: m.legal_basis,
            confidentiality: m.confidentiality,
            series: m.series,
            date: m.date.into(),
            time: m.time,
            place: m.place,
            chair: m.chair.map(id_text),
            mine: m.coordinator == me,
            coordinator: id_text(m.coordinator),
            attendees: m.attendees.into_iter().map(id_text).collect(),
            present: m.present.into_iter().map(id_text).collect(),
            apologies: m.apologies.into_iter().map(id_text).collect(),
            observers: m.observers,
            finalised: m.finalised.map(DateView::from),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AgendaItemView {
    pub case: String,
    pub household_label: String,
    pub title: String,
    pub lead_agency_name: String,
    /// Proposal reason codes ("review-due" …) or "added".
    pub reasons: Vec<String>,
    pub note: Option<String>,
    pub minutes: u32,
    pub discussion: Option<String>,
    pub decisions: Vec<String>,
    pub next_review: Option<DateView>,
    /// No next review date yet and the case is not being closed: finalising will refuse.
    pub needs_review_date: bool,
    /// Attendees the case was not disclosed to (agency ids).
    pub withheld_from: Vec<String>,
}

impl From<AgendaEntry> for AgendaItemView {
    fn from(e: AgendaEntry) -> Self {
        AgendaItemView {
            case: id_text(e.item.case),
            household_label: e.household_label,
            title: e.title,
            lead_agency_name: e.lead_agency_name,
            reasons: e.item.reasons,
            note: e.item.note,
            minutes: e.item.minutes,
            discussion: e.item.discussion,
            decisions: e.item.decisions,
            next_review: e.item.next_review.map(DateView::from),
            needs_review_date: e.needs_review_date,
            withheld_from: e.withheld_from.into_iter().map(id_text).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CorrectionView {
    pub id: String,
    pub case: Option<String>,
    pub text: String,
    pub agency: String,
    pub date: DateView,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MeetingDetailView {
    pub meeting: MeetingView,
    /// In order.
    pub agenda: Vec<AgendaItemView>,
    pub total_minutes: u32,
    pub corrections: Vec<CorrectionView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProposalReasonView {
    /// review-due | new-case | overdue-actions | flagged | propose-close
    pub code: String,
    pub label_ja: String,
    /// The review date, the intake, the earliest missed due date, the earliest request.
    pub date: Option<DateView>,
    /// The owners of the overdue actions, or the agencies asking.
    pub agencies: Vec<String>,
    /// The overdue actions, or the requests' words.
    pub texts: Vec<String>,
    /// As the Japanese agenda reads it (和暦).
    pub detail: String,
}

/// Whether putting the case on the agenda can disclose it to the attendees.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AccessView {
    /// This agency leads the case.
    Lead,
    /// Every attendee sees the case until past the meeting.
    Shared,
    /// Only the lead can disclose it to `missing`; `asked`: when this agency asked the lead.
    AskLead {
        missing: Vec<String>,
        asked: Option<DateView>,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProposalView {
    pub case: String,
    pub household_label: String,
    pub title: String,
    pub lead_agency: String,
    pub lead_agency_name: String,
    pub status: CaseStatus,
    pub risk: Option<Risk>,
    pub next_review: Option<DateView>,
    pub reasons: Vec<ProposalReasonView>,
    pub score: i32,
    pub access: AccessView,
}

impl From<Proposal> for ProposalView {
    fn from(p: Proposal) -> Self {
        ProposalView {
            case: id_text(p.case),
            household_label: p.household_label,
            title: p.title,
            lead_agency: id_text(p.lead_agency),
            lead_agency_name: p.lead_agency_name,
            status: p.status.into(),
            risk: p.risk.map(Risk::from),
            next_review: p.next_review.map(DateView::from),
            reasons: p
                .reasons
                .into_iter()
                .map(|r| ProposalReasonView {
                    code: r.code.to_string(),
                    label_ja: r.label_ja.to_string(),
                    date: r.date.map(DateView::from),
                    agencies: r.agencies.into_iter().map(id_text).collect(),
                    texts: r.texts,
                    detail: r.detail,
                })
                .collect(),
            score: p.score,
            access: match p.access {
                ProposalAccess::Lead => AccessView::Lead,
                ProposalAccess::Shared => AccessView::Shared,
                ProposalAccess::AskLead { missing, asked } => AccessView::AskLead {
                    missing: missing.into_iter().map(id_text).collect(),
                    asked: asked.map(DateView::from),
                },
            },
        }
    }
}

/// The proposals for a meeting, best first: those shown, and the rest counted by reason.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProposalsView {
    pub shown: Vec<ProposalView>,
    pub total: u32,
    pub rest: Vec<ReasonCountView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReasonCountView {
    /// A reason code, or "ask-lead".
    pub code: String,
    pub label_ja: String,
    pub count: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingInput {
    /// Conference type code.
    pub kind: String,
    /// As typed (和暦 or ISO).
    pub date: String,
    /// "14:00"; blank: none.
    pub time: String,
    pub place: String,
    pub chair: Option<String>,
    pub attendees: Vec<String>,
    /// Blank: the type's own series.
    pub series: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ItemRecordInput {
    /// Null: unchanged.
    pub discussion: Option<String>,
    /// Added to the decisions already recorded.
    pub decisions: Vec<String>,
    /// As typed; blank: unchanged.
    pub next_review: String,
    pub actions: Vec<NewActionInput>,
    /// Attendees the meeting decides keep the case after the disclosure for it ends.
    pub keep_shared: Vec<String>,
    /// The basis they keep it on (a basis code); blank when `keep_shared` is empty.
    pub keep_basis: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum PrintDocument {
    #[serde(rename = "agenda")]
    Agenda,
    #[serde(rename = "pack")]
    Pack,
    #[serde(rename = "minutes")]
    Minutes,
}

/// One attendee agency's bundle from a meeting pack, or why none was written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PackResultView {
    pub agency: String,
    pub agency_name: String,
    /// The file written; null when none was.
    pub path: Option<String>,
    pub scopes: u32,
    pub bytes: u64,
    /// Why no bundle was written for this agency.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LedgerRowView {
    pub case: String,
    pub household: String,
    pub household_label: String,
    pub district: String,
    pub title: String,
    pub lead_agency: String,
    pub lead_agency_name: String,
    pub status: CaseStatus,
    pub risk: Option<Risk>,
    pub problems: Vec<String>,
    pub opened: DateView,
    pub last_review: Option<DateView>,
    pub next_review: Option<DateView>,
    pub review_overdue: bool,
    pub open_actions: u32,
    pub overdue_actions: u32,
    pub in_conflict: bool,
}

impl From<LedgerRow> for LedgerRowView {
    fn from(r: LedgerRow) -> Self {
        LedgerRowView {
            case: id_text(r.case),
            household: id_text(r.household),
            household_label: r.household_label,
            district: r.district,
            title: r.title,
            lead_agency: id_text(r.lead_agency),
            lead_agency_name: r.lead_agency_name,
            status: r.status.into(),
            risk: r.risk.map(Risk::from),
            problems: r.problems,
            opened: r.opened.into(),
            last_review: r.last_review.map(DateView::from),
            next_review: r.next_review.map(DateView::from),
            review_overdue: r.review_overdue,
            open_actions: r.open_actions as u32,
            overdue_actions: r.overdue_actions as u32,
            in_conflict: r.in_conflict,
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LedgerFilterInput {
    pub overdue_only: bool,
    pub risk: Option<Risk>,
    /// next-review | last-review | risk | lead | opened | household
    pub sort: String,
    pub include_closed: bool,
}

pub fn meetings(desk: &Desktop) -> Result<Vec<MeetingView>, CommandError> {
    desk.with_vault(|v| {
        let me = v.identity().agency;
        Ok(v.meetings()?.into_iter().map(|m| MeetingView::of(m, me)).collect())
    })
}

pub fn meeting_new(desk: &Desktop, input: NewMeetingInput) -> Result<String, CommandError> {
    let date =
        date_input("date", &input.date)?.ok_or_else(|| CommandError::from(kasane::RecordError::Missing("date")))?;
    let new = NewMeeting {
        kind: input.kind,
        series: Some(input.series).filter(|s| !s.trim().is_empty()),
        date,
        time: Some(input.time).filter(|s| !s.trim().is_empty()),
        place: input.place,
        chair: input
            .chair
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| id("agency", c))
            .transpose()?,
        attendees: ids("agency", &input.attendees)?,
    };
    desk.with_vault(|v| Ok(id_text(v.new_meeting(new)?)))
}

pub fn meeting_detail(desk: &Desktop, meeting: String) -> Result<MeetingDetailView, CommandError> {
    let meeting = id("meeting", &meeting)?;
    desk.with_vault(|v| {
        let me = v.identity().agency;
        let d = v.meeting_detail(meeting)?;
        Ok(MeetingDetailView {
            meeting: MeetingView::of(d.meeting, me),
            agenda: d.agenda.into_iter().map(AgendaItemView::from).collect(),
            total_minutes: d.total_minutes,
            corrections: d
                .corrections
                .into_iter()
                .map(|c| CorrectionView {
                    id: id_text(c.id),
                    case: c.case.map(id_text),
                    text: c.text,
                    agency: id_text(c.agency),
                    date: c.date.into(),
                })
                .collect(),
        })
    })
}

/// The best `limit` proposals (every one when None), the rest counted.
pub fn meeting_proposals(desk: &Desktop, meeting: String, limit: Option<u32>) -> Result<ProposalsView, CommandError> {
    let meeting = id("meeting", &meeting)?;
    desk.with_vault(|v| {
        let p = v.propose_agenda(meeting, limit.map(|n| n as usize))?;
        Ok(ProposalsView {
            shown: p.shown.into_iter().map(ProposalView::from).collect(),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            rest: p
                .rest
                .into_iter()
                .map(|r| ReasonCountView {
                    code: r.code.to_string(),
                    label_ja: r.label_ja.to_string(),
                    count: u32::try_from(r.count).unwrap_or(u32::MAX),
                })
                .collect(),
        })
    })
}

/// Asks the lead of a case another agency leads to disclose it to the attendees who do not see
/// it; the request goes in the next exchange file to the lead.
pub fn agenda_ask_lead(desk: &Desktop, meeting: String, case: String) -> Result<String, CommandError> {
    let (meeting, case) = (id("meeting", &meeting)?, id("case", &case)?);
    desk.with_vault(|v| Ok(id_text(v.ask_lead_to_share(meeting, case)?)))
}

pub fn agenda_add(
    desk: &Desktop,
    meeting: String,
    case: String,
    minutes: Option<u32>,
    reasons: Vec<String>,
    to: Option<Vec<String>>,
    progress_notes: bool,
) -> Result<(), CommandError> {
    let meeting = id("meeting", &meeting)?;
    let case = id("case", &case)?;
    let to = to
        .map(|to| to.iter().map(|a| id("agency", a)).collect::<Result<Vec<_>, _>>())
        .transpose()?;
    desk.with_vault(|v| {
        let disclose = kasane::Disclose {
            to: to.as_deref(),
            progress_notes,
        };
        v.add_to_agenda_disclosing(meeting, case, minutes, reasons, None, disclose)?;
        Ok(())
    })
}

/// The last day a case disclosed for the meeting stays with its attendees.
pub fn meeting_disclosure_until(desk: &Desktop, meeting: String) -> Result<DateView, CommandError> {
    let meeting = id("meeting", &meeting)?;
    desk.with_vault(|v| Ok(v.meeting_disclosure_last_day(meeting)?.into()))
}

pub fn agenda_remove(desk: &Desktop, meeting: String, case: String) -> Result<(), CommandError> {
    let meeting = id("meeting", &meeting)?;
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.remove_from_agenda(meeting, case)?))
}

/// Moves an item to `position` (1 = first) and/or sets its minutes.
pub fn agenda_arrange(
    desk: &Desktop,
    meeting: String,
    case: String,
    position: Option<u32>,
    minutes: Option<u32>,
) -> Result<(), CommandError> {
    let meeting = id("meeting", &meeting)?;
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.arrange_agenda(meeting, case, position.map(|p| p as usize), minutes)?))
}

pub fn meeting_attendance(
    desk: &Desktop,
    meeting: String,
    present: Vec<String>,
    apologies: Vec<String>,
    observers: Vec<String>,
) -> Result<(), CommandError> {
    let meeting = id("meeting", &meeting)?;
    let present = ids("agency", &present)?;
    let apologies = ids("agency", &apologies)?;
    let observers = observers
        .into_iter()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    desk.with_vault(|v| Ok(v.record_attendance(meeting, present, apologies, observers)?))
}

pub fn meeting_record_item(
    desk: &Desktop,
    meeting: String,
    case: String,
    input: ItemRecordInput,
) -> Result<Vec<String>, CommandError> {
    let meeting_id = id("meeting", &meeting)?;
    let case = id("case", &case)?;
    let actions = input
        .actions
        .iter()
        .map(|a| new_action(a, Some(meeting_id)))
        .collect::<Result<Vec<_>, _>>()?;
    let lasting = if input.keep_shared.is_empty() {
        None
    } else {
        Some(kasane::LastingShare {
            agencies: input
                .keep_shared
                .iter()
                .map(|a| id("agency", a))
                .collect::<Result<Vec<_>, _>>()?,
            basis: kasane::Basis::parse(&input.keep_basis)?,
        })
    };
    let rec = ItemRecord {
        discussion: input.discussion,
        decisions: input.decisions,
        next_review: date_input("next review", &input.next_review)?,
        actions,
        lasting,
    };
    desk.with_vault(|v| Ok(v.record_item(meeting_id, case, rec)?.into_iter().map(id_text).collect()))
}

/// Adds a correction beside a finalised record (about one case, or the whole meeting); the record
/// itself stays as it was.
pub fn meeting_correct(
    desk: &Desktop,
    meeting: String,
    case: Option<String>,
    text: String,
) -> Result<String, CommandError> {
    let meeting = id("meeting", &meeting)?;
    let case = case
        .filter(|c| !c.trim().is_empty())
        .map(|c| id("case", &c))
        .transpose()?;
    desk.with_vault(|v| Ok(id_text(v.correct_meeting(meeting, case, &text)?)))
}

pub fn meeting_finalise(desk: &Desktop, meeting: String) -> Result<(), CommandError> {
    let meeting = id("meeting", &meeting)?;
    desk.with_vault(|v| Ok(v.finalise_meeting(meeting)?))
}

/// The engine's printable HTML (A4, numbered handouts) for the print preview. It is returned in
/// memory and shown in a frame: the app writes no file for printing (no temporary copy to clean
/// up). The preview says that a PDF saved from the print dialog is not encrypted.
pub fn meeting_print(
    desk: &Desktop,
    meeting: String,
    what: PrintDocument,
    case: Option<String>,
    copies: u32,
) -> Result<String, CommandError> {
    let meeting = id("meeting", &meeting)?;
    let case = case
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| id("case", c))
        .transpose()?;
    let what = match what {
        PrintDocument::Agenda => PrintWhat::Agenda,
        PrintDocument::Pack => PrintWhat::Pack(case),
        PrintDocument::Minutes => PrintWhat::Minutes,
    };
    desk.with_vault(|v| Ok(v.print_meeting(meeting, what, copies.clamp(1, 99))?))
}

/// One bundle per attendee agency into `dir`, each with only the cases that agency may see.
pub fn meeting_pack_export(desk: &Desktop, meeting: String, dir: String) -> Result<Vec<PackResultView>, CommandError> {
    let meeting = id("meeting", &meeting)?;
    let dir = std::path::PathBuf::from(dir.trim());
    desk.with_vault(|v| {
        let names: HashMap<Uuid, String> = v.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        Ok(v.export_meeting_pack(meeting, &dir)?
            .into_iter()
            .map(|(agency, r)| {
                let agency_name = names.get(&agency).cloned().unwrap_or_default();
                match r {
                    Ok(rep) => PackResultView {
                        agency: id_text(agency),
                        agency_name,
                        path: Some(rep.path.display().to_string()),
                        scopes: rep.scopes as u32,
                        bytes: rep.bytes,
                        problem: None,
                    },
                    Err(why) => PackResultView {
                        agency: id_text(agency),
                        agency_name,
                        path: None,
                        scopes: 0,
                        bytes: 0,
                        problem: Some(why),
                    },
                }
            })
            .collect())
    })
}

pub fn ledger(desk: &Desktop, filter: LedgerFilterInput) -> Result<Vec<LedgerRowView>, CommandError> {
    let filter = ledger_filter(filter)?;
    desk.with_vault(|v| Ok(v.ledger(&filter)?.into_iter().map(LedgerRowView::from).collect()))
}

/// The 進行管理台帳 as shown, on paper (A4), for the app's print preview.
pub fn ledger_print(desk: &Desktop, filter: LedgerFilterInput) -> Result<String, CommandError> {
    let filter = ledger_filter(filter)?;
    desk.with_vault(|v| Ok(v.print_ledger(&filter, 1)?))
}

fn ledger_filter(filter: LedgerFilterInput) -> Result<LedgerFilter, CommandError> {
    let sort = if filter.sort.trim().is_empty() {
        LedgerSort::default()
    } else {
        LedgerSort::parse(&filter.sort)?
    };
    Ok(LedgerFilter {
        cases: kasane::CaseFilter {
            include_closed: filter.include_closed,
            ..kasane::CaseFilter::default()
        },
        risk: filter.risk.map(kasane::Risk::from),
        overdue_only: filter.overdue_only,
        sort,
    })
}
