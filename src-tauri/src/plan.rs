//! Working together on a case: the share set with each agency's legal basis, the shared
//! assessment by domain, the plan (goals, actions with their owners, the role matrix), referrals
//! and community resources, and the fields of a case or its household that are in conflict.
//! Every rule (who may share, which status may follow which, whose entries one may retract) is the
//! engine's; these functions only translate ids and dates.

use kasane::{
    Action, ActionUpdate, AssessmentEntry, AssessmentRevision, Basis, Conflict, DomainView, Goal, NewAction,
    NewAssessmentEntry, NewPlanVersion, NewReferral, NewResource, PlanVersion, Referral, Resource, RoleMatrix, Share,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{
        ActionStatus, ActionTag, Change, DateView, GoalResult, GoalTerm, ReferralStatus, Risk, date_input, id, id_text,
    },
};

/// A legal basis one can share a case under (the engine's code and its Japanese name).
#[derive(Debug, Clone, Serialize, TS)]
pub struct BasisView {
    /// "shien-kaigi", "jusoteki-shien-kaigi", "yotaikyo", "chiiki-care-kaigi", "konkyu-shien-kaigi"
    /// or "consent:<id>".
    pub code: String,
    pub label_ja: String,
    pub needs_consent: bool,
}

impl From<Basis> for BasisView {
    fn from(b: Basis) -> Self {
        BasisView {
            code: b.code(),
            label_ja: b.label_ja().to_string(),
            needs_consent: b.needs_consent(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DomainInfo {
    pub code: String,
    pub label_ja: String,
    pub label_en: String,
    pub covers: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConferenceTypeView {
    pub code: String,
    pub label_ja: String,
    pub label_en: String,
    pub legal_basis: String,
    pub consent_required: bool,
    /// The confidentiality statement the printed pages carry (Japanese, from the engine).
    pub confidentiality_ja: String,
    pub confidentiality_en: String,
    /// Whom the meeting's law lets it take up (Japanese, English); none when any household.
    pub remit_ja: Option<String>,
    pub remit_en: Option<String>,
    /// The basis a case is shared under when it goes on this meeting's agenda; none for a
    /// meeting held only on the person's consent, whose shares rest on the consent record (本人同意).
    pub basis: Option<String>,
}

/// The lists the plan and meeting forms offer (no vault needed).
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanReference {
    pub bases: Vec<BasisView>,
    pub domains: Vec<DomainInfo>,
    pub conference_types: Vec<ConferenceTypeView>,
    pub action_statuses: Vec<ActionStatus>,
    pub action_tags: Vec<ActionTag>,
    pub referral_statuses: Vec<ReferralStatus>,
    pub goal_terms: Vec<GoalTerm>,
    pub goal_results: Vec<GoalResult>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ShareView {
    pub agency: String,
    pub agency_name: String,
    pub basis: BasisView,
    pub active: bool,
    pub since: DateView,
    /// The meeting a disclosure for a meeting was made for.
    pub meeting: Option<String>,
    /// The last day of a disclosure for a meeting; null for a lasting share.
    pub until: Option<DateView>,
    /// False when the share leaves out the case's shared contact-log entries (a disclosure for a
    /// meeting, unless the lead included them).
    pub progress_notes: bool,
    pub removed: Option<DateView>,
    pub removed_reason: Option<String>,
    pub conflicts: Vec<String>,
}

impl From<Share> for ShareView {
    fn from(s: Share) -> Self {
        ShareView {
            agency: id_text(s.agency),
            agency_name: s.agency_name,
            basis: s.basis.into(),
            active: s.active,
            since: s.since.into(),
            meeting: s.meeting.map(id_text),
            until: s.until.map(DateView::from),
            progress_notes: s.progress_notes != Some(false),
            removed: s.removed.map(DateView::from),
            removed_reason: s.removed_reason,
            conflicts: s.conflicts,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AssessmentEntryView {
    pub id: String,
    pub domain: String,
    /// The member it is about; null: the whole household.
    pub person: Option<String>,
    pub agency: String,
    pub agency_name: String,
    pub worker: String,
    pub date: DateView,
    /// 把握した状況（事実）.
    pub seen: String,
    /// 見立て（課題の背景・判断）: judgement, which a reviewer may withhold from a disclosure request.
    pub judgement: Option<String>,
    pub strengths: Option<String>,
    pub needs: Option<String>,
    pub risk: Option<Risk>,
    pub no_contact: bool,
    /// Written by this vault's agency (only those can be retracted here).
    pub mine: bool,
    pub conflicts: Vec<String>,
}

impl AssessmentEntryView {
    fn of(e: AssessmentEntry, me: uuid::Uuid) -> Self {
        AssessmentEntryView {
            id: id_text(e.id),
            domain: e.domain,
            person: e.person.map(id_text),
            mine: e.agency == me,
            agency: id_text(e.agency),
            agency_name: e.agency_name,
            worker: id_text(e.worker),
            date: e.date.into(),
            seen: e.seen,
            judgement: e.judgement,
            strengths: e.strengths,
            needs: e.needs,
            risk: e.risk.map(Risk::from),
            no_contact: e.no_contact,
            conflicts: e.conflicts,
        }
    }
}

/// One assessment domain with every agency's entries, newest first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AssessmentDomainView {
    pub domain: String,
    pub label_ja: String,
    pub label_en: String,
    pub entries: Vec<AssessmentEntryView>,
}

impl AssessmentDomainView {
    fn of(d: DomainView, me: uuid::Uuid) -> Self {
        let mut entries: Vec<AssessmentEntryView> = d
            .entries
            .into_iter()
            .filter(|e| !e.retracted)
            .map(|e| AssessmentEntryView::of(e, me))
            .collect();
        entries.sort_by(|a, b| b.date.iso.cmp(&a.date.iso));
        AssessmentDomainView {
            domain: d.domain,
            label_ja: d.label_ja,
            label_en: d.label_en,
            entries,
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewAssessmentInput {
    pub case: String,
    pub domain: String,
    /// A member id; null: the whole household.
    pub person: Option<String>,
    pub seen: String,
    pub judgement: String,
    pub strengths: String,
    pub needs: String,
    pub risk: Option<Risk>,
    pub no_contact: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EvaluationView {
    pub date: DateView,
    pub result: GoalResult,
    pub comment: Option<String>,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct GoalView {
    pub id: String,
    pub text: String,
    pub agency: String,
    pub date: DateView,
    /// The plan version it belongs to; null: written before the case had one.
    pub plan: Option<String>,
    pub term: Option<GoalTerm>,
    /// The goal of the previous version it carries on.
    pub carried_from: Option<String>,
    pub evaluation: Option<EvaluationView>,
}

impl From<Goal> for GoalView {
    fn from(g: Goal) -> Self {
        GoalView {
            id: id_text(g.id),
            text: g.text,
            agency: id_text(g.agency),
            date: g.date.into(),
            plan: g.plan.map(id_text),
            term: g.term.map(GoalTerm::from),
            carried_from: g.carried_from.map(id_text),
            evaluation: g.evaluation.map(|e| EvaluationView {
                date: e.date.into(),
                result: e.result.into(),
                comment: e.comment,
                agency: id_text(e.agency),
            }),
        }
    }
}

/// One version of the support plan.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanVersionView {
    pub id: String,
    pub number: u32,
    pub from: DateView,
    pub to: DateView,
    /// 支援方針.
    pub policy: String,
    pub created: DateView,
    pub next_evaluation: Option<DateView>,
    /// The meeting that approved it and its date.
    pub approved_by: Option<String>,
    pub approved_on: Option<DateView>,
    /// Approved, and changed since: it needs approving again.
    pub changed_since_approval: bool,
    /// The member of the household who agreed, and when.
    pub agreed_by: Option<String>,
    pub agreed_on: Option<DateView>,
    /// The newest version: the plan in force.
    pub current: bool,
}

impl From<PlanVersion> for PlanVersionView {
    fn from(p: PlanVersion) -> Self {
        PlanVersionView {
            id: id_text(p.id),
            number: p.number,
            from: p.from.into(),
            to: p.to.into(),
            policy: p.policy,
            created: p.created.into(),
            next_evaluation: p.next_evaluation.map(DateView::from),
            approved_by: p.approval.as_ref().map(|a| id_text(a.meeting)),
            approved_on: p.approval.as_ref().map(|a| a.date.into()),
            changed_since_approval: p.changed_since_approval,
            agreed_by: p.agreement.as_ref().map(|a| id_text(a.person)),
            agreed_on: p.agreement.as_ref().map(|a| a.date.into()),
            current: p.current,
        }
    }
}

/// A meeting that can approve the plan (a 重層的支援会議 held that took the case up).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApprovingMeetingView {
    pub id: String,
    pub date: DateView,
}

/// A new plan version, or a change to one not yet approved, as the form gives it; blanks are
/// left out (a new version's blank policy is taken from the overall view or the last version).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PlanVersionInput {
    pub from: String,
    pub to: String,
    pub policy: String,
    pub next_evaluation: String,
}

impl PlanVersionInput {
    fn new_version(&self) -> Result<NewPlanVersion, CommandError> {
        Ok(NewPlanVersion {
            from: date_input("from", &self.from)?,
            to: date_input("to", &self.to)?,
            policy: blank_none(&self.policy).map(str::to_string),
            next_evaluation: date_input("next evaluation", &self.next_evaluation)?,
        })
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ActionView {
    pub id: String,
    pub goal: Option<String>,
    pub text: String,
    pub owner_agency: String,
    pub owner_agency_name: String,
    pub owner_worker: Option<String>,
    pub key_person: Option<String>,
    /// A member of the household who carries it themselves.
    pub owner_person: Option<String>,
    /// 頻度.
    pub frequency: Option<String>,
    pub due: Option<DateView>,
    pub status: ActionStatus,
    /// Why (実施できず / 未実施), or any note.
    pub note: Option<String>,
    /// The statuses the engine allows next (the current one included).
    pub next_statuses: Vec<ActionStatus>,
    pub meeting: Option<String>,
    /// 参加支援 / アウトリーチ / 地域資源.
    pub tags: Vec<ActionTag>,
    pub overdue: bool,
    pub conflicts: Vec<String>,
}

impl From<Action> for ActionView {
    fn from(a: Action) -> Self {
        let next_statuses = kasane::ActionStatus::ALL
            .iter()
            .filter(|s| a.status.can_become(**s))
            .map(|s| ActionStatus::from(*s))
            .collect();
        ActionView {
            id: id_text(a.id),
            goal: a.goal.map(id_text),
            text: a.text,
            owner_agency: id_text(a.owner_agency),
            owner_agency_name: a.owner_agency_name,
            owner_worker: a.owner_worker,
            key_person: a.key_person.map(id_text),
            owner_person: a.owner_person.map(id_text),
            frequency: a.frequency,
            due: a.due.map(DateView::from),
            status: a.status.into(),
            note: a.note,
            next_statuses,
            meeting: a.meeting.map(id_text),
            tags: a.tags.into_iter().map(ActionTag::from).collect(),
            overdue: a.overdue,
            conflicts: a.conflicts,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RoleAgencyView {
    pub id: String,
    pub name: String,
    pub lead: bool,
    pub open: u32,
    pub overdue: u32,
}

/// The plan of a case: goals, actions (by due date) and 役割分担 (agencies × actions).
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanView {
    /// First first; the last is the plan in force.
    pub versions: Vec<PlanVersionView>,
    /// Meetings that can approve the current version.
    pub approving_meetings: Vec<ApprovingMeetingView>,
    pub goals: Vec<GoalView>,
    pub actions: Vec<ActionView>,
    /// Lead first, then by name.
    pub agencies: Vec<RoleAgencyView>,
    /// For each action (same order), the index of its owner in `agencies`.
    pub owner_of: Vec<u32>,
}

impl PlanView {
    fn of(
        versions: Vec<PlanVersion>,
        meetings: Vec<(uuid::Uuid, kasane::Date)>,
        goals: Vec<Goal>,
        m: RoleMatrix,
    ) -> Self {
        PlanView {
            versions: versions.into_iter().map(PlanVersionView::from).collect(),
            approving_meetings: meetings
                .into_iter()
                .map(|(id, date)| ApprovingMeetingView {
                    id: id_text(id),
                    date: date.into(),
                })
                .collect(),
            goals: goals.into_iter().map(GoalView::from).collect(),
            actions: m.actions.into_iter().map(ActionView::from).collect(),
            agencies: m
                .agencies
                .into_iter()
                .map(|a| RoleAgencyView {
                    id: id_text(a.id),
                    name: a.name,
                    lead: a.lead,
                    open: a.open as u32,
                    overdue: a.overdue as u32,
                })
                .collect(),
            owner_of: m.owner_of.into_iter().map(|i| i as u32).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewActionInput {
    pub case: String,
    pub goal: Option<String>,
    pub text: String,
    pub owner_agency: String,
    /// Blank: none.
    pub owner_worker: String,
    pub key_person: Option<String>,
    /// A member of the household who carries it themselves; null: the owner agency does.
    pub owner_person: Option<String>,
    /// 頻度; blank: none.
    pub frequency: String,
    /// As typed (和暦 or ISO); blank: none.
    pub due: String,
    pub tags: Vec<ActionTag>,
}

/// Only the fields that are not null change.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdateInput {
    pub status: Option<ActionStatus>,
    pub note: Option<String>,
    /// `value` as typed; null or blank clears the due date.
    pub due: Option<Change<String>>,
    pub owner_agency: Option<String>,
    pub owner_worker: Option<Change<String>>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReferralView {
    pub id: String,
    pub from_agency: String,
    pub to_agency: Option<String>,
    pub to_resource: Option<String>,
    pub to_name: String,
    pub reason: String,
    pub status: ReferralStatus,
    pub response: Option<String>,
    pub date: DateView,
    pub answered: Option<DateView>,
}

impl From<Referral> for ReferralView {
    fn from(r: Referral) -> Self {
        ReferralView {
            id: id_text(r.id),
            from_agency: id_text(r.from_agency),
            to_agency: r.to_agency.map(id_text),
            to_resource: r.to_resource.map(id_text),
            to_name: r.to_name,
            reason: r.reason,
            status: r.status.into(),
            response: r.response,
            date: r.date.into(),
            answered: r.answered.map(DateView::from),
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewReferralInput {
    pub case: String,
    /// An agency or a resource (exactly one).
    pub to_agency: Option<String>,
    pub to_resource: Option<String>,
    pub reason: String,
    pub consent: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ResourceView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub district: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
}

impl From<Resource> for ResourceView {
    fn from(r: Resource) -> Self {
        ResourceView {
            id: id_text(r.id),
            name: r.name,
            kind: r.kind,
            district: r.district,
            contact: r.contact,
            note: r.note,
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewResourceInput {
    pub name: String,
    pub kind: String,
    /// Blank: none.
    pub district: String,
    pub contact: String,
    pub note: String,
}

/// A field of this case (or its household, a member, an entry of the case) that has more than
/// one live value.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CaseConflictView {
    pub entity: String,
    /// "case", "household", "person", "action" …
    pub etype: String,
    pub label: String,
    /// The engine's field name ("risk", "next_review", "title" …).
    pub field: String,
    pub values: u32,
}

fn blank_none(s: &str) -> Option<&str> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t) }
}

fn opt_id(what: &'static str, s: &Option<String>) -> Result<Option<uuid::Uuid>, CommandError> {
    s.as_deref().and_then(blank_none).map(|x| id(what, x)).transpose()
}

pub fn plan_reference() -> PlanReference {
    PlanReference {
        bases: [
            Basis::ShienKaigi,
            Basis::JusotekiShienKaigi,
            Basis::Yotaikyo,
            Basis::ChiikiCareKaigi,
            Basis::KonkyuShienKaigi,
        ]
        .into_iter()
        .map(BasisView::from)
        .collect(),
        domains: kasane::assessment_domains()
            .iter()
            .map(|d| DomainInfo {
                code: d.code.to_string(),
                label_ja: d.label_ja.to_string(),
                label_en: d.label_en.to_string(),
                covers: d.covers.to_string(),
            })
            .collect(),
        conference_types: kasane::conference_types()
            .iter()
            .map(|c| {
                let remit = kasane::meeting_remit_text(c.code);
                ConferenceTypeView {
                    code: c.code.to_string(),
                    label_ja: c.label_ja.to_string(),
                    label_en: c.label_en.to_string(),
                    legal_basis: c.legal_basis.to_string(),
                    consent_required: c.consent_required,
                    confidentiality_ja: kasane::meeting_confidentiality_ja(c.code).to_string(),
                    confidentiality_en: c.confidentiality.to_string(),
                    remit_ja: remit.map(|(ja, _)| ja.to_string()),
                    remit_en: remit.map(|(_, en)| en.to_string()),
                    basis: Basis::of_conference_type(c.code)
                        .filter(|_| !Basis::rests_on_consent_record(c.code))
                        .map(|b| b.code()),
                }
            })
            .collect(),
        action_statuses: ActionStatus::all(),
        action_tags: ActionTag::all(),
        referral_statuses: ReferralStatus::all(),
        goal_terms: GoalTerm::all(),
        goal_results: GoalResult::all(),
    }
}

pub fn case_shares(desk: &Desktop, case: String) -> Result<Vec<ShareView>, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.shares_of(case)?.into_iter().map(ShareView::from).collect()))
}

pub fn case_share(desk: &Desktop, case: String, agency: String, basis: String) -> Result<(), CommandError> {
    let case = id("case", &case)?;
    let agency = id("agency", &agency)?;
    let basis = Basis::parse(&basis)?;
    desk.with_vault(|v| Ok(v.share_case(case, agency, Some(basis))?))
}

/// How many days after a meeting a disclosure for it lasts (the city's setting).
pub fn disclosure_days(desk: &Desktop) -> Result<u32, CommandError> {
    desk.with_vault(|v| Ok(v.meeting_disclosure_days()?))
}

pub fn disclosure_days_set(desk: &Desktop, days: u32) -> Result<(), CommandError> {
    desk.with_vault(|v| Ok(v.set_meeting_disclosure_days(days)?))
}

pub fn case_unshare(desk: &Desktop, case: String, agency: String, reason: String) -> Result<(), CommandError> {
    let case = id("case", &case)?;
    let agency = id("agency", &agency)?;
    desk.with_vault(|v| Ok(v.unshare_case(case, agency, &reason)?))
}

pub fn assessment(desk: &Desktop, case: String) -> Result<Vec<AssessmentDomainView>, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| {
        let me = v.identity().agency;
        Ok(v.assessment_view(case)?
            .into_iter()
            .map(|d| AssessmentDomainView::of(d, me))
            .collect())
    })
}

pub fn assessment_add(desk: &Desktop, input: NewAssessmentInput) -> Result<String, CommandError> {
    let new = NewAssessmentEntry {
        case: id("case", &input.case)?,
        domain: input.domain,
        person: opt_id("person", &input.person)?,
        seen: input.seen,
        judgement: blank_none(&input.judgement).map(str::to_string),
        strengths: blank_none(&input.strengths).map(str::to_string),
        needs: blank_none(&input.needs).map(str::to_string),
        risk: input.risk.map(kasane::Risk::from),
        no_contact: input.no_contact,
        date: None,
    };
    desk.with_vault(|v| Ok(id_text(v.add_assessment(new)?)))
}

pub fn assessment_retract(desk: &Desktop, entry: String) -> Result<(), CommandError> {
    let entry = id("assessment entry", &entry)?;
    desk.with_vault(|v| Ok(v.retract_assessment(entry)?))
}

pub fn case_plan(desk: &Desktop, case: String) -> Result<PlanView, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| {
        Ok(PlanView::of(
            v.plan_versions(case)?,
            v.plan_approving_meetings(case)?,
            v.goals_of(case)?,
            v.role_matrix(case)?,
        ))
    })
}

pub fn goal_add(desk: &Desktop, case: String, text: String, term: Option<GoalTerm>) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(id_text(v.add_goal(case, &text, term.map(kasane::GoalTerm::from))?)))
}

pub fn goal_evaluate(
    desk: &Desktop,
    goal: String,
    result: GoalResult,
    comment: String,
    date: String,
) -> Result<(), CommandError> {
    let goal = id("goal", &goal)?;
    let date = date_input("date", &date)?;
    desk.with_vault(|v| Ok(v.evaluate_goal(goal, result.into(), blank_none(&comment), date)?))
}

pub fn plan_version_new(desk: &Desktop, case: String, input: PlanVersionInput) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    let new = input.new_version()?;
    desk.with_vault(|v| Ok(id_text(v.new_plan_version(case, new)?)))
}

pub fn plan_revise(desk: &Desktop, plan: String, input: PlanVersionInput) -> Result<(), CommandError> {
    let plan = id("plan", &plan)?;
    let new = input.new_version()?;
    desk.with_vault(|v| Ok(v.revise_plan(plan, new)?))
}

pub fn plan_approve(desk: &Desktop, plan: String, meeting: String) -> Result<(), CommandError> {
    let plan = id("plan", &plan)?;
    let meeting = id("meeting", &meeting)?;
    desk.with_vault(|v| Ok(v.approve_plan(plan, meeting)?))
}

pub fn plan_agree(desk: &Desktop, plan: String, person: String, date: String) -> Result<(), CommandError> {
    let plan = id("plan", &plan)?;
    let person = id("person", &person)?;
    let date = date_input("date", &date)?;
    desk.with_vault(|v| Ok(v.record_plan_agreement(plan, person, date, None)?))
}

/// The 支援プラン of one version, for the app's print preview.
pub fn plan_print(desk: &Desktop, plan: String) -> Result<String, CommandError> {
    let plan = id("plan", &plan)?;
    desk.with_vault(|v| Ok(v.print_plan(plan, 1)?))
}

/// The overall 見立て and 支援方針 of a case (its lead agency's).
pub fn assessment_overall(desk: &Desktop, case: String, view: String, policy: String) -> Result<(), CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.set_formulation(case, &view, &policy, None)?))
}

/// A new version of one of this agency's entries: its facts and its judgement.
pub fn assessment_revise(desk: &Desktop, entry: String, seen: String, judgement: String) -> Result<(), CommandError> {
    let entry = id("assessment entry", &entry)?;
    desk.with_vault(|v| {
        Ok(v.revise_assessment(
            entry,
            AssessmentRevision {
                seen: Some(&seen),
                judgement: Some(&judgement),
                ..Default::default()
            },
        )?)
    })
}

pub(crate) fn new_action(input: &NewActionInput, meeting: Option<uuid::Uuid>) -> Result<NewAction, CommandError> {
    Ok(NewAction {
        case: id("case", &input.case)?,
        goal: opt_id("goal", &input.goal)?,
        text: input.text.clone(),
        owner_agency: id("agency", &input.owner_agency)?,
        owner_worker: blank_none(&input.owner_worker).map(str::to_string),
        key_person: opt_id("person", &input.key_person)?,
        owner_person: opt_id("person", &input.owner_person)?,
        frequency: blank_none(&input.frequency).map(str::to_string),
        due: date_input("due", &input.due)?,
        meeting,
        tags: input.tags.iter().copied().map(kasane::ActionTag::from).collect(),
    })
}

pub fn action_add(desk: &Desktop, input: NewActionInput) -> Result<String, CommandError> {
    let new = new_action(&input, None)?;
    desk.with_vault(|v| Ok(id_text(v.add_action(new)?)))
}

pub fn action_update(desk: &Desktop, action: String, input: ActionUpdateInput) -> Result<(), CommandError> {
    let action = id("action", &action)?;
    let due = match input.due {
        None => None,
        Some(Change { value: None }) => Some(None),
        Some(Change { value: Some(text) }) => Some(date_input("due", &text)?),
    };
    let update = ActionUpdate {
        status: input.status.map(kasane::ActionStatus::from),
        note: input.note,
        due,
        owner_agency: input.owner_agency.as_deref().map(|a| id("agency", a)).transpose()?,
        owner_worker: input.owner_worker.map(|c| c.value.filter(|w| !w.trim().is_empty())),
        text: input.text,
    };
    desk.with_vault(|v| Ok(v.update_action(action, update)?))
}

pub fn referrals(desk: &Desktop, case: String) -> Result<Vec<ReferralView>, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(v.referrals_of(case)?.into_iter().map(ReferralView::from).collect()))
}

pub fn referral_add(desk: &Desktop, input: NewReferralInput) -> Result<String, CommandError> {
    let new = NewReferral {
        case: id("case", &input.case)?,
        to_agency: opt_id("agency", &input.to_agency)?,
        to_resource: opt_id("resource", &input.to_resource)?,
        reason: input.reason,
        consent: opt_id("consent", &input.consent)?,
    };
    desk.with_vault(|v| Ok(id_text(v.add_referral(new)?)))
}

pub fn referral_update(
    desk: &Desktop,
    referral: String,
    status: ReferralStatus,
    response: String,
) -> Result<(), CommandError> {
    let referral = id("referral", &referral)?;
    desk.with_vault(|v| Ok(v.update_referral(referral, status.into(), blank_none(&response))?))
}

pub fn resources(desk: &Desktop) -> Result<Vec<ResourceView>, CommandError> {
    desk.with_vault(|v| Ok(v.resources(None, None)?.into_iter().map(ResourceView::from).collect()))
}

pub fn resource_add(desk: &Desktop, input: NewResourceInput) -> Result<String, CommandError> {
    let new = NewResource {
        name: input.name,
        kind: input.kind,
        district: blank_none(&input.district).map(str::to_string),
        contact: blank_none(&input.contact).map(str::to_string),
        note: blank_none(&input.note).map(str::to_string),
    };
    desk.with_vault(|v| Ok(id_text(v.add_resource(new)?)))
}

fn touches(c: &Conflict, case: uuid::Uuid, household: uuid::Uuid) -> bool {
    let scopes = [format!("case:{case}"), format!("household:{household}")];
    c.entity == case || c.entity == household || scopes.contains(&c.scope)
}

/// The engine's conflicts that concern this case: its own fields, its household and members,
/// and records kept in the case (notes, actions, assessment entries …).
/// The window passes the household it already shows, so asking does not log another view of the case.
pub fn case_conflicts(desk: &Desktop, case: String, household: String) -> Result<Vec<CaseConflictView>, CommandError> {
    let case = id("case", &case)?;
    let household = id("household", &household)?;
    desk.with_vault(|v| {
        Ok(v.conflicts()?
            .into_iter()
            .filter(|c| touches(c, case, household))
            .map(|c| CaseConflictView {
                entity: id_text(c.entity),
                etype: c.etype,
                label: c.label,
                field: c.field,
                values: c.values.len() as u32,
            })
            .collect())
    })
}
