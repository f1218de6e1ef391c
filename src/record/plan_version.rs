//! Versions of the support plan (支援プラン): each with its 支援方針, a period, its goals, the
//! approval of a 重層的支援会議 that took the case up, and the person's agreement. A version is the
//! lead agency's document. An approval records a digest of what was approved, so a change made
//! after it (here, or by a partner's op on import or rebuild) shows as needing approval again; a
//! new version starts from the evaluation of the last one, carrying the goals not yet met.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Action, CaseStatus, Fields, Goal, GoalResult, Record, RecordError, conflicts_of, load_all, load_one, msg,
    optional_text, require_text, view,
};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope},
};

/// The conferences whose meeting approves a plan (重層 実施要綱: the 重層的支援会議 confirms plans).
pub const PLAN_APPROVING_CONFERENCES: &[&str] = &["jusoteki-shien-kaigi"];

/// A meeting's approval of one plan version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanApproval {
    pub meeting: Uuid,
    /// The meeting's date.
    pub date: Date,
    /// What was approved: see `digest`.
    pub digest: String,
}

/// The person's agreement to a plan version (本人の同意), signed on the printed plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAgreement {
    pub person: Uuid,
    pub date: Date,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanVersion {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    /// 第N版, from 1.
    pub number: u32,
    /// The plan period (期間), first and last day.
    pub from: Date,
    pub to: Date,
    /// 支援方針.
    pub policy: String,
    pub created: Date,
    /// 次回評価日.
    #[serde(default)]
    pub next_evaluation: Option<Date>,
    /// The version it follows.
    #[serde(default)]
    pub previous: Option<Uuid>,
    #[serde(default)]
    pub approval: Option<PlanApproval>,
    #[serde(default)]
    pub agreement: Option<PlanAgreement>,
    /// The newest version of the case: the plan in force.
    #[serde(skip_deserializing)]
    pub current: bool,
    /// Approved, and changed since (needs approval again).
    #[serde(skip_deserializing)]
    pub changed_since_approval: bool,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for PlanVersion {
    const ETYPE: &'static str = "plan";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

impl PlanVersion {
    /// An approved version does not change here; a change goes into a new version.
    pub(crate) fn refuse_if_approved(&self) -> Result<(), RecordError> {
        if self.approval.is_none() {
            return Ok(());
        }
        let n = self.number;
        Err(RecordError::Refused(msg!(
            ja: "第{n}版の支援プランは会議で承認済みのため変更できません。見直して新しい版を作ってください",
            en: "version {n} of the plan was approved at a meeting and does not change; revise it into a new version"
        )))
    }
}

/// A new version as asked for. `from` None: today; `policy` None: the case's 支援方針 from its
/// overall assessment, else the previous version's.
#[derive(Debug, Clone, Default)]
pub struct NewPlanVersion {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub policy: Option<String>,
    pub next_evaluation: Option<Date>,
}

/// A case's plan versions with the goals and actions that marked them.
type VersionsAndParts = (Vec<PlanVersion>, Vec<Goal>, Vec<Action>);

/// The part of a plan a digest covers, in a fixed order.
#[derive(Serialize)]
struct Approved<'a> {
    policy: &'a str,
    from: Date,
    to: Date,
    goals: Vec<(Uuid, &'a str, Option<super::GoalTerm>)>,
    actions: Vec<ApprovedAction<'a>>,
}

#[derive(Serialize)]
struct ApprovedAction<'a> {
    id: Uuid,
    goal: Option<Uuid>,
    text: &'a str,
    owner_agency: Uuid,
    owner_person: Option<Uuid>,
    frequency: Option<&'a str>,
    due: Option<Date>,
}

impl Vault {
    fn plan_quiet(&self, id: Uuid) -> Result<PlanVersion, RecordError> {
        view(&load_one(&self.conn, id, "plan")?)
    }

    /// Every plan version of a case, first first, the newest marked current, each approved one
    /// checked against what it approved.
    pub fn plan_versions(&self, case: Uuid) -> Result<Vec<PlanVersion>, RecordError> {
        Ok(self.plan_versions_and_parts(case)?.0)
    }

    /// The versions as `plan_versions` gives them, with the goals and actions read to mark them
    /// (none read when the case has no version).
    fn plan_versions_and_parts(&self, case: Uuid) -> Result<VersionsAndParts, RecordError> {
        let mut out: Vec<PlanVersion> = load_all(&self.conn, "plan", Some(case))?
            .iter()
            .filter_map(|st| view::<PlanVersion>(st).ok())
            .collect();
        // Two sites of the lead writing the same number at once: the order is still total.
        out.sort_by_key(|p| (p.number, p.id));
        if out.is_empty() {
            return Ok((out, Vec::new(), Vec::new()));
        }
        let (goals, actions) = self.plan_parts(case)?;
        let last = out.len() - 1;
        for (i, p) in out.iter_mut().enumerate() {
            p.current = i == last;
            p.changed_since_approval = p
                .approval
                .as_ref()
                .is_some_and(|a| a.digest != digest(p, &goals, &actions));
        }
        Ok((out, goals, actions))
    }

    /// The plan in force: the case's newest version.
    pub fn current_plan(&self, case: Uuid) -> Result<Option<PlanVersion>, RecordError> {
        Ok(self.plan_versions(case)?.pop())
    }

    /// Goals of a case including retracted ones, by date.
    fn all_goals(&self, case: Uuid) -> Result<Vec<Goal>, RecordError> {
        let mut out: Vec<Goal> = load_all(&self.conn, "goal", Some(case))?
            .iter()
            .filter_map(|st| view::<Goal>(st).ok())
            .collect();
        out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    pub(crate) fn refuse_if_goal_approved(&self, goal: Uuid) -> Result<(), RecordError> {
        let g: Goal = view(&load_one(&self.conn, goal, "goal")?)?;
        match g.plan {
            Some(p) => self.plan_quiet(p)?.refuse_if_approved(),
            None => Ok(()),
        }
    }

    /// Starts a new version of a case's plan (only its lead agency does). The first version takes
    /// the goals written before versions; a later one starts from the evaluation of the one before:
    /// every goal of it must be evaluated, goals not met (未達成, 一部達成) are carried into the new
    /// version with their open actions, and goals met stay with the old one.
    pub fn new_plan_version(&mut self, case: Uuid, new: NewPlanVersion) -> Result<Uuid, RecordError> {
        let c = self.case_quiet(case)?;
        self.require_lead_for(&c, "支援プランの作成と承認", "writes and approves the plan")?;
        if c.status == CaseStatus::Closed {
            return Err(RecordError::Refused(msg!(
                ja: "終結したケースの支援プランは作れません。先に再開してください",
                en: "a closed case takes no new plan; reopen it first"
            )));
        }
        let today = self.ambient.clock.today();
        let from = new.from.unwrap_or(today);
        let to = new.to.ok_or(RecordError::Missing("the last day of the plan period"))?;
        if to < from {
            return Err(RecordError::Inconsistent(msg!(
                ja: "支援プランの期間の終わり（{to}）が始まり（{from}）より前です",
                en: "the plan period ends ({to}) before it starts ({from})"
            )));
        }
        if let Some(d) = new.next_evaluation.filter(|d| *d < from) {
            return Err(RecordError::Inconsistent(msg!(
                ja: "次回評価日 {d} が支援プランの期間の始まり（{from}）より前です",
                en: "the next evaluation ({d}) is before the plan period starts ({from})"
            )));
        }
        let previous = self.current_plan(case)?;
        let goals: Vec<Goal> = self.all_goals(case)?.into_iter().filter(|g| !g.retracted).collect();
        let policy = match new.policy.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => require_text("support policy", p)?,
            None => previous
                .as_ref()
                .map(|p| p.policy.clone())
                .or_else(|| c.formulation.as_ref().map(|f| f.policy.clone()))
                .ok_or(RecordError::Missing("the support policy (支援方針)"))?,
        };
        let (adopt, carry): (Vec<Goal>, Vec<Goal>) = match &previous {
            None => (goals.into_iter().filter(|g| g.plan.is_none()).collect(), Vec::new()),
            Some(p) => {
                let of_previous: Vec<Goal> = goals.into_iter().filter(|g| g.plan == Some(p.id)).collect();
                let unevaluated = of_previous.iter().filter(|g| g.evaluation.is_none()).count();
                if unevaluated > 0 {
                    let n = p.number;
                    return Err(RecordError::Refused(msg!(
                        ja: "第{n}版に評価していない目標が{unevaluated}件あります。評価してから見直してください",
                        en: "{unevaluated} goal(s) of version {n} are not evaluated yet; evaluate them before revising the plan"
                    )));
                }
                let carry = of_previous
                    .into_iter()
                    .filter(|g| g.evaluation.as_ref().is_some_and(|e| e.result != GoalResult::Met))
                    .collect();
                (Vec::new(), carry)
            }
        };
        let open_actions: Vec<Action> = self
            .actions_of(case)?
            .into_iter()
            .filter(|a| a.status.is_open() && a.goal.is_some_and(|g| carry.iter().any(|k| k.id == g)))
            .collect();
        let number = previous.as_ref().map_or(1, |p| p.number + 1);
        let agency = self.me.agency;
        self.write(|tx| {
            tx.expect(case, "case")?;
            let f = Fields::new()
                .put("case", case)
                .put("number", number)
                .put("from", from)
                .put("to", to)
                .put("policy", &policy)
                .put("created", today)
                .maybe("next_evaluation", new.next_evaluation)
                .maybe("previous", previous.as_ref().map(|p| p.id))
                .into_map();
            let id = tx.create(Scope::Case(case), "plan", Some(case), f)?;
            for g in &adopt {
                tx.set(g.id, Fields::new().put("plan", id).into_map())?;
            }
            for g in &carry {
                let f = Fields::new()
                    .put("case", case)
                    .put("text", &g.text)
                    .put("agency", agency)
                    .put("date", today)
                    .put("plan", id)
                    .maybe("term", g.term)
                    .put("carried_from", g.id)
                    .into_map();
                let carried = tx.create(Scope::Case(case), "goal", Some(case), f)?;
                for a in open_actions.iter().filter(|a| a.goal == Some(g.id)) {
                    tx.set(a.id, Fields::new().put("goal", carried).into_map())?;
                }
            }
            tx.audit(
                "plan.version",
                Some(id.to_string()),
                Some(format!("case {case} version {number}")),
            );
            Ok(id)
        })
    }

    /// Changes the 支援方針, period or next evaluation of a version not yet approved (only the
    /// lead agency does).
    pub fn revise_plan(&mut self, id: Uuid, new: NewPlanVersion) -> Result<(), RecordError> {
        let p = self.plan_quiet(id)?;
        let c = self.case_quiet(p.case)?;
        self.require_lead_for(&c, "支援プランの作成と承認", "writes and approves the plan")?;
        if self.current_plan(p.case)?.is_none_or(|cur| cur.id != id) {
            return Err(RecordError::Refused(msg!(
                ja: "新しい版がある支援プランは変更できません",
                en: "a plan version followed by a newer one does not change"
            )));
        }
        p.refuse_if_approved()?;
        let (from, to) = (new.from.unwrap_or(p.from), new.to.unwrap_or(p.to));
        if to < from {
            return Err(RecordError::Inconsistent(msg!(
                ja: "支援プランの期間の終わり（{to}）が始まり（{from}）より前です",
                en: "the plan period ends ({to}) before it starts ({from})"
            )));
        }
        let policy = new
            .policy
            .as_deref()
            .map(|t| require_text("support policy", t))
            .transpose()?;
        let fields = Fields::new()
            .maybe("from", new.from)
            .maybe("to", new.to)
            .maybe("policy", policy)
            .maybe("next_evaluation", new.next_evaluation)
            .into_map();
        if fields.is_empty() {
            return Err(RecordError::Missing("something to change"));
        }
        self.write(|tx| {
            tx.set(id, fields.clone())?;
            tx.audit("plan.revise", Some(id.to_string()), None);
            Ok(())
        })
    }

    /// Records that a meeting approved the case's current plan version as it stands now (only
    /// the lead agency does). The meeting must be a 重層的支援会議 held by today that took the case
    /// up. An approved version that changed since is approved again; one that did not, is refused.
    pub fn approve_plan(&mut self, id: Uuid, meeting: Uuid) -> Result<(), RecordError> {
        let (versions, goals, actions) = self.plan_versions_and_parts(self.plan_quiet(id)?.case)?;
        let p = versions
            .into_iter()
            .find(|v| v.id == id)
            .ok_or(RecordError::NotFound(id))?;
        let c = self.case_quiet(p.case)?;
        self.require_lead_for(&c, "支援プランの作成と承認", "writes and approves the plan")?;
        if !p.current {
            return Err(RecordError::Refused(msg!(
                ja: "新しい版がある支援プランは承認できません。最新の版を承認してください",
                en: "a plan version followed by a newer one cannot be approved; approve the newest"
            )));
        }
        if p.approval.is_some() && !p.changed_since_approval {
            return Err(RecordError::Refused(msg!(
                ja: "この版はすでに承認されています",
                en: "this version is already approved"
            )));
        }
        // Read as fields: meetings sit above records.
        let m = load_one(&self.conn, meeting, "meeting")?;
        let kind = m.fields.get("type").and_then(|v| v.as_str()).unwrap_or_default();
        if !PLAN_APPROVING_CONFERENCES.contains(&kind) {
            let names = PLAN_APPROVING_CONFERENCES
                .iter()
                .filter_map(|k| crate::reference::conference_type(k))
                .map(|t| t.label_ja)
                .collect::<Vec<_>>()
                .join("・");
            return Err(RecordError::Refused(msg!(
                ja: "支援プランを承認するのは{names}です。その会議は承認できません",
                en: "a plan is approved by a {names}; that meeting cannot approve it"
            )));
        }
        let date: Date = m
            .fields
            .get("date")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .ok_or(RecordError::NotFound(meeting))?;
        if date > self.ambient.clock.today() {
            return Err(RecordError::Refused(msg!(
                ja: "{date}の会議はまだ開かれていません",
                en: "the meeting on {date} has not been held yet"
            )));
        }
        if !super::meeting_takes_up(&self.conn, meeting, p.case)? {
            return Err(RecordError::Inconsistent(msg!(
                ja: "その会議ではこのケースを検討していません",
                en: "that meeting did not take this case up"
            )));
        }
        let approval = PlanApproval {
            meeting,
            date,
            digest: digest(&p, &goals, &actions),
        };
        self.write(|tx| {
            tx.expect(id, "plan")?;
            tx.set(id, Fields::new().put("approval", &approval).into_map())?;
            tx.audit("plan.approve", Some(id.to_string()), Some(format!("meeting {meeting}")));
            Ok(())
        })
    }

    /// Records the person's agreement to a plan version (only the lead agency does): a member of
    /// the household, on a day from the version's writing to today.
    pub fn record_plan_agreement(
        &mut self,
        id: Uuid,
        person: Uuid,
        date: Option<Date>,
        note: Option<&str>,
    ) -> Result<(), RecordError> {
        let p = self.plan_quiet(id)?;
        let c = self.case_quiet(p.case)?;
        self.require_lead_for(&c, "支援プランの作成と承認", "writes and approves the plan")?;
        if self.person_quiet(person)?.household != c.household {
            return Err(RecordError::Inconsistent(msg!(
                ja: "同意した人はこのケースの世帯員から選んでください",
                en: "the person agreeing must be a member of the case's household"
            )));
        }
        let today = self.ambient.clock.today();
        let date = date.unwrap_or(today);
        if date > today || date < p.created {
            let created = p.created;
            return Err(RecordError::Inconsistent(msg!(
                ja: "同意日 {date} は支援プランを作った日（{created}）から今日までの日付にしてください",
                en: "the agreement date {date} must lie between the plan's writing ({created}) and today"
            )));
        }
        let agreement = PlanAgreement {
            person,
            date,
            note: optional_text("note", note)?,
        };
        self.write(|tx| {
            tx.expect(id, "plan")?;
            tx.set(id, Fields::new().put("agreement", &agreement).into_map())?;
            tx.audit("plan.agree", Some(id.to_string()), None);
            Ok(())
        })
    }

    /// The meetings that can approve a case's plan: of a conference that approves plans, held by
    /// today, that took the case up; newest first, with their dates.
    pub fn plan_approving_meetings(&self, case: Uuid) -> Result<Vec<(Uuid, Date)>, RecordError> {
        let case_text = case.to_string();
        let today = self.ambient.clock.today();
        let mut out = Vec::new();
        // Read as fields: meetings sit above records.
        for item in load_all(&self.conn, "agenda-item", None)? {
            let Some(meeting) = item.parent.filter(|_| super::item_takes_up(&item, &case_text)) else {
                continue;
            };
            let Ok(m) = load_one(&self.conn, meeting, "meeting") else {
                continue;
            };
            let kind = m.fields.get("type").and_then(|v| v.as_str()).unwrap_or_default();
            let date: Option<Date> = m
                .fields
                .get("date")
                .and_then(|v| serde_json::from_value(v.clone()).ok());
            if let (true, Some(date)) = (PLAN_APPROVING_CONFERENCES.contains(&kind), date) {
                if date <= today && !out.iter().any(|(id, _)| *id == meeting) {
                    out.push((meeting, date));
                }
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// One version with its derived marks.
    pub fn plan_version(&self, id: Uuid) -> Result<PlanVersion, RecordError> {
        let p = self.plan_quiet(id)?;
        self.plan_versions(p.case)?
            .into_iter()
            .find(|v| v.id == id)
            .ok_or(RecordError::NotFound(id))
    }

    /// What a digest reads: every goal (retracted ones too, which it leaves out) and the actions
    /// not retracted.
    fn plan_parts(&self, case: Uuid) -> Result<(Vec<Goal>, Vec<Action>), RecordError> {
        let actions = load_all(&self.conn, "action", Some(case))?
            .iter()
            .filter_map(|st| view::<Action>(st).ok())
            .filter(|a| !a.retracted)
            .collect();
        Ok((self.all_goals(case)?, actions))
    }
}

/// What an approval covers, as a hex digest: the 支援方針 and period, the version's goals (text and
/// term) and their actions (what, who, how often, by when) — not how the actions are going, which
/// is progress, not plan.
fn digest(p: &PlanVersion, goals: &[Goal], actions: &[Action]) -> String {
    let mut mine: Vec<&Goal> = goals.iter().filter(|g| g.plan == Some(p.id) && !g.retracted).collect();
    mine.sort_by_key(|g| g.id);
    let mut acts: Vec<ApprovedAction<'_>> = actions
        .iter()
        .filter(|a| a.goal.is_some_and(|g| mine.iter().any(|m| m.id == g)))
        .map(|a| ApprovedAction {
            id: a.id,
            goal: a.goal,
            text: &a.text,
            owner_agency: a.owner_agency,
            owner_person: a.owner_person,
            frequency: a.frequency.as_deref(),
            due: a.due,
        })
        .collect();
    acts.sort_by_key(|a| a.id);
    let approved = Approved {
        policy: &p.policy,
        from: p.from,
        to: p.to,
        goals: mine.iter().map(|g| (g.id, g.text.as_str(), g.term)).collect(),
        actions: acts,
    };
    let bytes = serde_json::to_vec(&approved).unwrap_or_default();
    blake3::hash(&bytes).to_hex().to_string()
}
