//! Working together on a case: the share set with each agency's legal basis, the shared
//! assessment by domain, the plan (goals, actions with their owners, the role matrix), referrals
//! and community resources, and the fields of a case or its household that are in conflict.
//! Every rule (who may share, which status may follow which, whose entries one may retract) is the
//! engine's; these functions only translate ids and dates.

use kasane::{
    Action, ActionUpdate, AssessmentEntry, Basis, Conflict, DomainView, Goal, NewAction, NewAssessmentEntry,
    NewReferral, NewResource, Referral, Resource, RoleMatrix, Share,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{ActionStatus, ActionTag, Change, DateView, ReferralStatus, Risk, date_input, id, id_text},
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
    pub seen: String,
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
    pub strengths: String,
    pub needs: String,
    pub risk: Option<Risk>,
    pub no_contact: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct GoalView {
    pub id: String,
    pub text: String,
    pub agency: String,
    pub date: DateView,
    pub achieved: Option<DateView>,
}

impl From<Goal> for GoalView {
    fn from(g: Goal) -> Self {
        GoalView {
            id: id_text(g.id),
            text: g.text,
            agency: id_text(g.agency),
            date: g.date.into(),
            achieved: g.achieved.map(DateView::from),
        }
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
    pub goals: Vec<GoalView>,
    pub actions: Vec<ActionView>,
    /// Lead first, then by name.
    pub agencies: Vec<RoleAgencyView>,
    /// For each action (same order), the index of its owner in `agencies`.
    pub owner_of: Vec<u32>,
}

impl PlanView {
    fn of(goals: Vec<Goal>, m: RoleMatrix) -> Self {
        PlanView {
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
    desk.with_vault(|v| Ok(PlanView::of(v.goals_of(case)?, v.role_matrix(case)?)))
}

pub fn goal_add(desk: &Desktop, case: String, text: String) -> Result<String, CommandError> {
    let case = id("case", &case)?;
    desk.with_vault(|v| Ok(id_text(v.add_goal(case, &text)?)))
}

pub(crate) fn new_action(input: &NewActionInput, meeting: Option<uuid::Uuid>) -> Result<NewAction, CommandError> {
    Ok(NewAction {
        case: id("case", &input.case)?,
        goal: opt_id("goal", &input.goal)?,
        text: input.text.clone(),
        owner_agency: id("agency", &input.owner_agency)?,
        owner_worker: blank_none(&input.owner_worker).map(str::to_string),
        key_person: opt_id("person", &input.key_person)?,
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
