//! Case commands: the home list (this agency's cases, most urgent review first), one case with its
//! contact log and consents, and the forms that open and change cases, add and retract contact-log
//! entries, and record or withdraw consent.

use kasane::{Case, CaseDetail, CaseFilter, CaseSummary, CaseUpdate, Consent, NewCase, NewConsent, NewNote, Note};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    household::{HouseholdView, PersonView},
    view::{
        CaseStatus, Change, ClosureReason, ConsentGiver, ConsentHow, ConsentPurpose, ContactOutcome, DateView,
        InfoKind, IntakeRoute, NoteKind, Risk, Visitor, date_input, id, id_text, ids, optional,
    },
};

#[derive(Debug, Clone, Serialize, TS)]
pub struct CaseView {
    pub id: String,
    pub household: String,
    pub title: String,
    pub status: CaseStatus,
    pub lead_agency: String,
    pub problems: Vec<String>,
    pub risk: Option<Risk>,
    pub next_review: Option<DateView>,
    pub opened: DateView,
    pub key_person: Option<String>,
    /// How the consultation came (相談受付).
    pub intake: Option<IntakeView>,
    /// The overall 見立て and 支援方針.
    pub formulation: Option<FormulationView>,
    /// The decision to support it (支援決定).
    pub support_decision: Option<SupportDecisionView>,
    /// Set while the case is closed (終結).
    pub closure: Option<ClosureView>,
    /// The last reopening of a case that was closed.
    pub reopened: Option<ReopeningView>,
    pub conflicts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct IntakeView {
    pub date: DateView,
    /// HH:MM.
    pub time: Option<String>,
    pub received_by: String,
    pub route: IntakeRoute,
    pub referrer: Option<String>,
    pub visitor: Visitor,
    pub visitor_name: Option<String>,
    /// 主訴, in the person's own words.
    pub complaint: String,
    pub situation: Option<String>,
    /// The consent given at intake.
    pub consent: Option<String>,
}

/// The consultation as the form gives it; blanks are left out.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    pub case: String,
    /// As typed; blank: today.
    pub date: String,
    pub time: String,
    pub received_by: String,
    pub route: IntakeRoute,
    pub referrer: String,
    pub visitor: Visitor,
    pub visitor_name: String,
    pub complaint: String,
    pub situation: String,
    /// A consent id of the household; null: none given.
    pub consent: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FormulationView {
    pub date: DateView,
    /// 全体の見立て.
    pub view: String,
    /// 支援方針.
    pub policy: String,
    /// The agencies whose entries it drew on.
    pub agencies: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ClosureView {
    pub date: DateView,
    pub reason: ClosureReason,
    /// 見守り先.
    pub watch: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SupportDecisionView {
    pub date: DateView,
    /// Who decided (the post, as said).
    pub by: String,
    pub meeting: Option<String>,
    pub note: Option<String>,
}

/// The decision to support as the form gives it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DecideSupportInput {
    pub case: String,
    /// As typed; blank: today.
    pub date: String,
    pub by: String,
    /// Blank: no meeting named.
    pub meeting: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReopeningView {
    pub date: DateView,
    pub reason: String,
}

/// A closure as the form gives it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CloseCaseInput {
    pub case: String,
    /// As typed; blank: today.
    pub date: String,
    pub reason: ClosureReason,
    /// 見守り先; blank: none.
    pub watch: String,
    pub note: String,
}

impl From<Case> for CaseView {
    fn from(c: Case) -> Self {
        CaseView {
            id: id_text(c.id),
            household: id_text(c.household),
            title: c.title,
            status: c.status.into(),
            lead_agency: id_text(c.lead_agency),
            problems: c.problems,
            risk: c.risk.map(Risk::from),
            next_review: c.next_review.map(DateView::from),
            opened: c.opened.into(),
            key_person: c.key_person.map(id_text),
            intake: c.intake.map(|k| IntakeView {
                date: k.date.into(),
                time: k.time,
                received_by: k.received_by,
                route: k.route.into(),
                referrer: k.referrer,
                visitor: k.visitor.into(),
                visitor_name: k.visitor_name,
                complaint: k.complaint,
                situation: k.situation,
                consent: k.consent.map(id_text),
            }),
            formulation: c.formulation.map(|f| FormulationView {
                date: f.date.into(),
                view: f.view,
                policy: f.policy,
                agencies: f.agencies.into_iter().map(id_text).collect(),
            }),
            support_decision: c.support_decision.map(|d| SupportDecisionView {
                date: d.date.into(),
                by: d.by,
                meeting: d.meeting.map(id_text),
                note: d.note,
            }),
            closure: c.closure.map(|k| ClosureView {
                date: k.date.into(),
                reason: k.reason.into(),
                watch: k.watch,
                note: k.note,
            }),
            reopened: c.reopened.map(|r| ReopeningView {
                date: r.date.into(),
                reason: r.reason,
            }),
            conflicts: c.conflicts,
        }
    }
}

/// A line of a case list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CaseRow {
    pub id: String,
    pub household: String,
    pub household_label: String,
    pub title: String,
    pub status: CaseStatus,
    pub risk: Option<Risk>,
    pub lead_agency: String,
    pub lead_agency_name: String,
    pub problems: Vec<String>,
    pub opened: DateView,
    pub next_review: Option<DateView>,
    /// The next review date has passed (the engine's judgement).
    pub review_overdue: bool,
    pub in_conflict: bool,
}

impl From<CaseSummary> for CaseRow {
    fn from(c: CaseSummary) -> Self {
        CaseRow {
            id: id_text(c.id),
            household: id_text(c.household),
            household_label: c.household_label,
            title: c.title,
            status: c.status.into(),
            risk: c.risk.map(Risk::from),
            lead_agency: id_text(c.lead_agency),
            lead_agency_name: c.lead_agency_name,
            problems: c.problems,
            opened: c.opened.into(),
            next_review: c.next_review.map(DateView::from),
            review_overdue: c.review_overdue,
            in_conflict: c.in_conflict,
        }
    }
}

/// The home screen's data: the signed-in agency's open cases, earliest review first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeView {
    pub today: DateView,
    pub cases: Vec<CaseRow>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct NoteView {
    pub id: String,
    pub case: String,
    pub date: DateView,
    pub kind: NoteKind,
    pub agency: String,
    pub worker: String,
    pub text: String,
    pub retracted: bool,
    /// 機関内メモ: kept on this PC only, never shared.
    pub internal: bool,
    /// For a contact attempt: when, with whom, and how it went.
    pub outreach: Option<OutreachView>,
    pub conflicts: Vec<String>,
}

/// A contact attempt: its time of day ("14:30"), whom the worker met or reached, the outcome.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OutreachView {
    pub time: Option<String>,
    pub contacted: Option<String>,
    pub outcome: ContactOutcome,
}

/// The contact attempts of a case at a glance.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OutreachSummaryView {
    pub attempts: u32,
    pub by_outcome: Vec<(ContactOutcome, u32)>,
    pub last_met: Option<DateView>,
    /// Attempts after the last meeting (all of them when no one was ever met).
    pub since_last_met: u32,
}

impl From<kasane::OutreachSummary> for OutreachSummaryView {
    fn from(s: kasane::OutreachSummary) -> Self {
        OutreachSummaryView {
            attempts: s.attempts as u32,
            by_outcome: s.by_outcome.into_iter().map(|(o, n)| (o.into(), n as u32)).collect(),
            last_met: s.last_met.map(DateView::from),
            since_last_met: s.since_last_met as u32,
        }
    }
}

impl From<Note> for NoteView {
    fn from(n: Note) -> Self {
        NoteView {
            id: id_text(n.id),
            case: id_text(n.case),
            date: n.date.into(),
            kind: n.kind.into(),
            agency: id_text(n.agency),
            worker: id_text(n.worker),
            text: n.text,
            retracted: n.retracted,
            internal: n.internal,
            outreach: n.outreach.map(|o| OutreachView {
                time: o.time,
                contacted: o.contacted,
                outcome: o.outcome.into(),
            }),
            conflicts: n.conflicts,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConsentView {
    pub id: String,
    pub household: String,
    pub person: String,
    pub given_by: ConsentGiver,
    pub giver_name: Option<String>,
    pub giver_relation: Option<String>,
    pub scope: String,
    pub purposes: Vec<ConsentPurpose>,
    pub kinds: Vec<InfoKind>,
    pub agencies: Vec<String>,
    pub date: DateView,
    pub until: Option<DateView>,
    pub how: ConsentHow,
    pub witness: Option<String>,
    pub withdrawn: Option<DateView>,
    /// Recorded before consents had purposes, kinds and a period: shown, never used for a new share.
    pub old_form: bool,
    pub conflicts: Vec<String>,
}

impl From<Consent> for ConsentView {
    fn from(c: Consent) -> Self {
        ConsentView {
            id: id_text(c.id),
            household: id_text(c.household),
            person: id_text(c.person),
            given_by: c.given_by.into(),
            old_form: c.is_old_form(),
            giver_name: c.giver_name,
            giver_relation: c.giver_relation,
            scope: c.scope,
            purposes: c.purposes.into_iter().map(ConsentPurpose::from).collect(),
            kinds: c.kinds.into_iter().map(InfoKind::from).collect(),
            agencies: c.agencies.into_iter().map(id_text).collect(),
            date: c.date.into(),
            until: c.until.map(DateView::from),
            how: c.how.into(),
            witness: c.witness,
            withdrawn: c.withdrawn.map(DateView::from),
            conflicts: c.conflicts,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CaseDetailView {
    pub case: CaseView,
    pub lead_agency_name: String,
    pub household: HouseholdView,
    pub members: Vec<PersonView>,
    /// Newest first; internal entries are marked.
    pub notes: Vec<NoteView>,
    pub outreach: OutreachSummaryView,
    /// Newest first.
    pub consents: Vec<ConsentView>,
    /// This PC's today, to tell a consent whose period is over.
    pub today: DateView,
}

impl CaseDetailView {
    fn of(d: CaseDetail, today: kasane::Date) -> Self {
        CaseDetailView {
            case: d.case.into(),
            lead_agency_name: d.lead_agency_name,
            household: d.household.into(),
            members: d.members.into_iter().map(PersonView::from).collect(),
            notes: d.notes.into_iter().map(NoteView::from).collect(),
            outreach: d.outreach.into(),
            consents: d.consents.into_iter().map(ConsentView::from).collect(),
            today: today.into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewCaseInput {
    pub household: String,
    pub title: String,
    pub problems: Vec<String>,
    /// Agency id; null: this vault's agency.
    pub lead_agency: Option<String>,
    pub risk: Option<Risk>,
    /// As typed; blank: none.
    pub next_review: String,
    /// As typed; blank: today.
    pub opened: String,
}

/// Only the fields that are not null change.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CaseUpdateInput {
    pub title: Option<String>,
    pub status: Option<CaseStatus>,
    pub risk: Option<Change<Risk>>,
    pub lead_agency: Option<String>,
    /// `value` as typed; null or blank clears the review date.
    pub next_review: Option<Change<String>>,
    pub problems: Option<Vec<String>>,
    pub key_person: Option<Change<String>>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewNoteInput {
    pub case: String,
    pub kind: NoteKind,
    pub text: String,
    /// As typed; blank: today.
    pub date: String,
    pub internal: bool,
    /// Null: not a contact attempt.
    pub outreach: Option<OutreachView>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewConsentInput {
    pub person: String,
    pub given_by: ConsentGiver,
    /// Blank unless a proxy consented.
    pub giver_name: String,
    pub giver_relation: String,
    pub scope: String,
    pub purposes: Vec<ConsentPurpose>,
    pub kinds: Vec<InfoKind>,
    pub agencies: Vec<String>,
    /// As typed; blank: today.
    pub date: String,
    /// As typed: the last day.
    pub until: String,
    pub how: ConsentHow,
    /// Blank: none (a verbal consent needs one).
    pub witness: String,
}

/// One entry of a case's disclosure ledger (情報提供の記録).
#[derive(Debug, Clone, Serialize, TS)]
pub struct DisclosureView {
    pub agency: String,
    pub agency_name: String,
    /// "case-records" (the case was shared) or "meeting" (a meeting took the case up).
    pub what: String,
    /// In Japanese, as the engine words it.
    pub what_ja: String,
    pub basis: String,
    pub basis_ja: String,
    pub purpose: Option<ConsentPurpose>,
    pub meeting: Option<String>,
    pub from: DateView,
    pub until: Option<DateView>,
    pub ended_reason: Option<String>,
    /// A disclosure for a meeting: the last day of access it was given.
    pub last_day: Option<DateView>,
    /// The case's shared contact-log entries were left out.
    pub without_progress_notes: bool,
}

impl From<kasane::Disclosure> for DisclosureView {
    fn from(d: kasane::Disclosure) -> Self {
        DisclosureView {
            agency: id_text(d.agency),
            agency_name: d.agency_name,
            what: match d.what {
                kasane::DisclosureKind::CaseRecords => "case-records".into(),
                kasane::DisclosureKind::Meeting => "meeting".into(),
            },
            what_ja: if d.without_progress_notes {
                format!("{}（支援経過を除く）", d.what.label_ja())
            } else {
                d.what.label_ja().into()
            },
            basis: d.basis,
            basis_ja: d.basis_ja,
            purpose: d.purpose.map(ConsentPurpose::from),
            meeting: d.meeting.map(id_text),
            from: d.from.into(),
            until: d.until.map(DateView::from),
            ended_reason: d.ended_reason,
            last_day: d.last_day.map(DateView::from),
            without_progress_notes: d.without_progress_notes,
        }
    }
}

pub fn case_disclosures(desk: &Desktop, case: String) -> Result<Vec<DisclosureView>, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| {
        Ok(v.disclosure_ledger(case)?
            .into_iter()
            .map(DisclosureView::from)
            .collect())
    })
}

/// A request on a case not yet dealt with: to discuss or close it at the next meeting, or (asked
/// of the lead by a meeting's coordinator) to disclose it to that meeting's attendees.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RequestView {
    pub id: String,
    /// "discuss", "close" or "share".
    pub kind: String,
    pub reason: String,
    pub agency: String,
    pub date: DateView,
    /// A share request: the meeting's day and the agencies to disclose the case to.
    pub meeting_date: Option<DateView>,
    pub agencies: Vec<String>,
}

pub fn case_requests(desk: &Desktop, case: String) -> Result<Vec<RequestView>, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| {
        Ok(v.open_requests(case)?
            .into_iter()
            .map(|f| RequestView {
                id: id_text(f.id),
                kind: f.kind,
                reason: f.reason,
                agency: id_text(f.agency),
                date: f.date.into(),
                meeting_date: f.meeting_date.map(DateView::from),
                agencies: f.agencies.into_iter().map(id_text).collect(),
            })
            .collect())
    })
}

/// The lead grants a request to disclose the case for a meeting.
pub fn case_request_grant(desk: &Desktop, request: String) -> Result<(), CommandError> {
    let request = id("request", &request)?;
    desk.with_vault(|v| Ok(v.grant_share_request(request)?))
}

/// Asks for the case to be discussed — or, with `close`, closed — at the next meeting.
pub fn case_request(desk: &Desktop, case: String, close: bool, reason: String) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(id_text(v.flag_case(case, close, &reason)?)))
}

pub fn case_decide(desk: &Desktop, input: DecideSupportInput) -> Result<(), CommandError> {
    let case = id("case", &input.case)?;
    let meeting = if input.meeting.trim().is_empty() {
        None
    } else {
        Some(id("meeting", &input.meeting)?)
    };
    let date = date_input("date", &input.date)?;
    desk.with_vault(|v| {
        let decision = kasane::SupportDecision {
            date: date.unwrap_or(v.ambient().clock.today()),
            by: input.by,
            meeting,
            note: optional(input.note),
        };
        Ok(v.decide_support(case, decision)?)
    })
}

pub fn case_close(desk: &Desktop, input: CloseCaseInput) -> Result<(), CommandError> {
    let case = id("case", &input.case)?;
    let new = kasane::NewClosure {
        date: date_input("date", &input.date)?,
        reason: input.reason.into(),
        watch: optional(input.watch),
        note: optional(input.note),
    };
    desk.with_vault(|v| Ok(v.close_case(case, new)?))
}

pub fn case_reopen(desk: &Desktop, case: String, reason: String, date: String) -> Result<(), CommandError> {
    let case = id("case", &case)?;
    let date = date_input("date", &date)?;
    desk.with_vault(|v| Ok(v.reopen_case(case, &reason, date)?))
}

pub fn case_intake(desk: &Desktop, input: IntakeInput) -> Result<(), CommandError> {
    let case = id("case", &input.case)?;
    let new = kasane::NewIntake {
        date: date_input("date", &input.date)?,
        time: optional(input.time),
        received_by: input.received_by,
        route: input.route.into(),
        referrer: optional(input.referrer),
        visitor: input.visitor.into(),
        visitor_name: optional(input.visitor_name),
        complaint: input.complaint,
        situation: optional(input.situation),
        consent: input.consent.as_deref().map(|k| id("consent", k)).transpose()?,
    };
    desk.with_vault(|v| Ok(v.record_intake(case, new)?))
}

/// The アセスメントシート of a case, for the app's print preview (取扱注意; the print is logged).
pub fn case_assessment_sheet(desk: &Desktop, case: String) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.print_assessment(case, 1)?))
}

/// The 相談受付票, for the app's print preview.
pub fn case_intake_sheet(desk: &Desktop, case: String) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.print_intake(case, 1)?))
}

/// The 終結シート of a closed case, for the app's print preview.
pub fn case_closing_sheet(desk: &Desktop, case: String) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.print_closure(case, 1)?))
}

/// The ledger on paper, for the app's print preview (nothing is written to a file).
pub fn case_disclosures_print(desk: &Desktop, case: String) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.print_disclosure_ledger(case, 1)?))
}

/// What the 同意書 is printed from.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "kebab-case", tag = "from", content = "value")]
pub enum ConsentPrintInput {
    Terms(Box<NewConsentInput>),
    /// A recorded consent's id.
    Recorded(String),
}

pub fn home(desk: &Desktop) -> Result<HomeView, CommandError> {
    desk.with_vault(|v| {
        let filter = CaseFilter {
            lead_agency: Some(v.identity().agency),
            ..CaseFilter::default()
        };
        Ok(HomeView {
            today: v.ambient().clock.today().into(),
            cases: v.cases(&filter)?.into_iter().map(CaseRow::from).collect(),
        })
    })
}

pub fn case_detail(desk: &Desktop, case: String) -> Result<CaseDetailView, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| {
        let today = v.ambient().clock.today();
        Ok(CaseDetailView::of(v.case_detail(case)?, today))
    })
}

pub fn case_open(desk: &Desktop, input: NewCaseInput) -> Result<String, CommandError> {
    let new = NewCase {
        household: id("household", &input.household)?,
        title: input.title,
        problems: input.problems,
        lead_agency: input.lead_agency.as_deref().map(|a| id("agency", a)).transpose()?,
        risk: input.risk.map(kasane::Risk::from),
        next_review: date_input("next review", &input.next_review)?,
        opened: date_input("opened", &input.opened)?,
    };
    desk.with_vault(|v| Ok(id_text(v.open_case(new)?)))
}

pub fn case_update(desk: &Desktop, case: String, input: CaseUpdateInput) -> Result<(), CommandError> {
    let case = id("case", &case)?;
    let next_review = match input.next_review {
        None => None,
        Some(Change { value: None }) => Some(None),
        Some(Change { value: Some(text) }) => Some(date_input("next review", &text)?),
    };
    let key_person = match input.key_person {
        None => None,
        Some(Change { value: None }) => Some(None),
        Some(Change { value: Some(p) }) => Some(Some(id("person", &p)?)),
    };
    let update = CaseUpdate {
        title: input.title,
        status: input.status.map(kasane::CaseStatus::from),
        risk: input.risk.map(|c| c.value.map(kasane::Risk::from)),
        lead_agency: input.lead_agency.as_deref().map(|a| id("agency", a)).transpose()?,
        next_review,
        problems: input.problems,
        key_person,
    };
    desk.with_vault(|v| Ok(v.update_case(case, update)?))
}

pub fn note_add(desk: &Desktop, input: NewNoteInput) -> Result<String, CommandError> {
    let new = NewNote {
        case: id("case", &input.case)?,
        kind: input.kind.into(),
        text: input.text,
        date: date_input("date", &input.date)?,
        internal: input.internal,
        outreach: input.outreach.map(|o| kasane::Outreach {
            time: o.time,
            contacted: o.contacted,
            outcome: o.outcome.into(),
        }),
    };
    desk.with_vault(|v| Ok(id_text(v.add_note(new)?)))
}

pub fn note_edit(desk: &Desktop, note: String, text: String) -> Result<(), CommandError> {
    let note = id("note", &note)?;
    desk.with_vault(|v| Ok(v.edit_note(note, &text)?))
}

pub fn note_retract(desk: &Desktop, note: String) -> Result<(), CommandError> {
    let note = id("note", &note)?;
    desk.with_vault(|v| Ok(v.retract_note(note)?))
}

/// The engine's terms from the form: blanks are none, a blank first day is today.
fn consent_terms(v: &kasane::Vault, input: NewConsentInput) -> Result<NewConsent, CommandError> {
    let person = id("person", &input.person)?;
    let agencies = ids("agency", &input.agencies)?;
    let date = date_input("date", &input.date)?.unwrap_or_else(|| v.ambient().clock.today());
    let until = date_input("until", &input.until)?.ok_or(kasane::RecordError::Missing("until"))?;
    Ok(NewConsent {
        person,
        given_by: input.given_by.into(),
        giver_name: optional(input.giver_name),
        giver_relation: optional(input.giver_relation),
        scope: input.scope,
        purposes: input.purposes.into_iter().map(Into::into).collect(),
        kinds: input.kinds.into_iter().map(Into::into).collect(),
        agencies,
        date,
        until,
        how: input.how.into(),
        witness: optional(input.witness),
    })
}

pub fn consent_add(desk: &Desktop, input: NewConsentInput) -> Result<String, CommandError> {
    desk.with_vault(|v| {
        let new = consent_terms(v, input)?;
        Ok(id_text(v.add_consent(new)?))
    })
}

/// The 同意書 to sign, from the form's terms (before they are recorded) or from a recorded
/// consent. Printed in the app's preview; nothing is written to a file.
pub fn consent_print(desk: &Desktop, input: ConsentPrintInput) -> Result<String, CommandError> {
    desk.with_vault(|v| {
        let draft = match input {
            ConsentPrintInput::Terms(t) => consent_terms(v, *t)?,
            ConsentPrintInput::Recorded(k) => v.consent(id("consent", &k)?)?.as_new(),
        };
        Ok(v.print_consent_form(&draft, 1)?)
    })
}

pub fn consent_withdraw(desk: &Desktop, consent: String, date: String) -> Result<(), CommandError> {
    let consent = id("consent", &consent)?;
    let date = date_input("date", &date)?;
    desk.with_vault(|v| {
        let on = date.unwrap_or_else(|| v.ambient().clock.today());
        v.withdraw_consent(consent, on)?;
        Ok(())
    })
}
