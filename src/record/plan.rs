//! The support plan: goals, and actions with an owner agency (and worker), a key person, a due
//! date and a status that distinguishes 完了, 実施中, 実施できず (could not: the person or the situation) and 未実施 (did not: on the owning agency's side) —
//! with the reason noted for the last two. The role matrix (役割分担) and overdue lists derive
//! from the actions.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, choice, conflicts_of, load_all, optional_text, require_text, view};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope, Tx},
};

choice!(ActionStatus, "action status", {
    NotStarted = "not-started" / "未着手",
    InProgress = "in-progress" / "実施中",
    Done = "done" / "完了",
    CouldNot = "could-not" / "実施できず（本人・状況の事情）",
    DidNot = "did-not" / "未実施（担当機関側）",
});

choice!(ActionTag, "action tag", {
    Participation = "participation" / "参加支援",
    Outreach = "outreach" / "アウトリーチ",
    CommunityResource = "community-resource" / "地域資源",
});

impl ActionStatus {
    /// Still to be carried out.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::NotStarted | ActionStatus::InProgress)
    }
    /// Whether a status may follow another. Finished actions can be reopened (to 実施中) when
    /// a meeting decides to try again; nothing goes back to 未着手 once started.
    pub fn can_become(self, next: ActionStatus) -> bool {
        use ActionStatus::*;
        match (self, next) {
            (a, b) if a == b => true,
            (NotStarted, _) => true,
            (InProgress, NotStarted) => false,
            (InProgress, _) => true,
            (Done | CouldNot | DidNot, InProgress) => true,
            (Done | CouldNot | DidNot, _) => false,
        }
    }
}

choice!(GoalTerm, "goal term", {
    Long = "long" / "長期目標",
    Short = "short" / "短期目標",
});

choice!(GoalResult, "evaluation", {
    Met = "met" / "達成",
    Partly = "partly" / "一部達成",
    NotMet = "not-met" / "未達成",
});

/// モニタリング・評価 of one goal: how far it was met, why, when, by which agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub date: Date,
    pub result: GoalResult,
    #[serde(default)]
    pub comment: Option<String>,
    pub agency: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Goal {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    pub text: String,
    pub agency: Uuid,
    pub date: Date,
    /// The plan version it belongs to; None: written before the case had a versioned plan.
    #[serde(default)]
    pub plan: Option<Uuid>,
    #[serde(default)]
    pub term: Option<GoalTerm>,
    /// The goal of the previous version it carries on (未達成 or 一部達成 there).
    #[serde(default)]
    pub carried_from: Option<Uuid>,
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
    #[serde(default)]
    pub retracted: bool,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Goal {
    const ETYPE: &'static str = "goal";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Action {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    #[serde(default)]
    pub goal: Option<Uuid>,
    pub text: String,
    pub owner_agency: Uuid,
    #[serde(default)]
    pub owner_worker: Option<String>,
    /// キーパーソン: the member of the household this action works with.
    #[serde(default)]
    pub key_person: Option<Uuid>,
    /// A member of the household who carries the action themselves (本人・家族の役割); the owner
    /// agency then supports and follows it up.
    #[serde(default)]
    pub owner_person: Option<Uuid>,
    /// 頻度 as said (週1回, 月2回 …).
    #[serde(default)]
    pub frequency: Option<String>,
    #[serde(default)]
    pub due: Option<Date>,
    pub status: ActionStatus,
    /// Why (required for 実施できず and 未実施), or any note.
    #[serde(default)]
    pub note: Option<String>,
    /// The meeting that decided it, if any.
    #[serde(default)]
    pub meeting: Option<Uuid>,
    /// What kind of support it is, for the counts the city reports (参加支援, アウトリーチ, 地域資源).
    #[serde(default)]
    pub tags: Vec<ActionTag>,
    pub created: Date,
    #[serde(default)]
    pub retracted: bool,
    #[serde(skip_deserializing)]
    pub owner_agency_name: String,
    #[serde(skip_deserializing)]
    pub overdue: bool,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

/// What a scan over every action decides on, read straight from the stored fields.
#[derive(Deserialize)]
struct ActionLine {
    owner_agency: Uuid,
    #[serde(default)]
    due: Option<Date>,
    status: ActionStatus,
    #[serde(default)]
    retracted: bool,
}

impl Record for Action {
    const ETYPE: &'static str = "action";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone)]
pub struct NewAction {
    pub case: Uuid,
    pub goal: Option<Uuid>,
    pub text: String,
    pub owner_agency: Uuid,
    pub owner_worker: Option<String>,
    pub key_person: Option<Uuid>,
    pub owner_person: Option<Uuid>,
    pub frequency: Option<String>,
    pub due: Option<Date>,
    pub meeting: Option<Uuid>,
    pub tags: Vec<ActionTag>,
}

#[derive(Debug, Clone, Default)]
pub struct ActionUpdate {
    pub status: Option<ActionStatus>,
    pub note: Option<String>,
    pub due: Option<Option<Date>>,
    pub owner_agency: Option<Uuid>,
    pub owner_worker: Option<Option<String>>,
    pub text: Option<String>,
}

/// 役割分担: which agency carries which action; the lead agency is marked.
#[derive(Debug, Clone, Serialize)]
pub struct RoleMatrix {
    pub case: Uuid,
    pub lead_agency: Uuid,
    pub agencies: Vec<RoleAgency>,
    pub actions: Vec<Action>,
    /// For each action (same order), the index into `agencies` of its owner.
    pub owner_of: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleAgency {
    pub id: Uuid,
    pub name: String,
    pub lead: bool,
    pub open: usize,
    pub overdue: usize,
}

pub(crate) fn insert_action(tx: &mut Tx<'_>, new: &NewAction, today: Date) -> Result<Uuid, RecordError> {
    let text = require_text("action", &new.text)?;
    let case = tx.expect(new.case, "case")?;
    let household = case.parent;
    if !super::directory::agency_exists(tx, new.owner_agency)? {
        return Err(RecordError::UnknownAgency(new.owner_agency));
    }
    for (p, ja, en) in [
        (new.key_person, "キーパーソン", "the key person"),
        (
            new.owner_person,
            "役割を担う本人・家族",
            "the person carrying the action",
        ),
    ] {
        if let Some(p) = p {
            if tx.expect(p, "person")?.parent != household {
                return Err(RecordError::Inconsistent(
                    super::msg!(ja: "{ja}はこのケースの世帯員から選んでください", en: "{en} must be a member of the case's household"),
                ));
            }
        }
    }
    if let Some(g) = new.goal {
        if tx.expect(g, "goal")?.parent != Some(new.case) {
            return Err(RecordError::Inconsistent(
                super::msg!(ja: "その目標は別のケースのものです", en: "the goal belongs to another case"),
            ));
        }
    }
    let fields = Fields::new()
        .put("case", new.case)
        .maybe("goal", new.goal)
        .put("text", text)
        .put("owner_agency", new.owner_agency)
        .maybe("owner_worker", optional_text("worker", new.owner_worker.as_deref())?)
        .maybe("key_person", new.key_person)
        .maybe("owner_person", new.owner_person)
        .maybe("frequency", optional_text("frequency", new.frequency.as_deref())?)
        .maybe("due", new.due)
        .put("status", ActionStatus::NotStarted)
        .maybe("meeting", new.meeting)
        .maybe("tags", tags(&new.tags))
        .put("created", today)
        .into_map();
    Ok(tx.create(Scope::Case(new.case), "action", Some(new.case), fields)?)
}

/// The tags in the list's order, each once; None when there are none (the field is left out).
fn tags(given: &[ActionTag]) -> Option<Vec<ActionTag>> {
    let out: Vec<ActionTag> = ActionTag::ALL.iter().copied().filter(|t| given.contains(t)).collect();
    (!out.is_empty()).then_some(out)
}

impl Vault {
    /// Adds a goal to the case's current plan version (or to its plan before versions). Refused
    /// while the current version stands approved: a change goes into a new version (見直し).
    pub fn add_goal(&mut self, case: Uuid, text: &str, term: Option<GoalTerm>) -> Result<Uuid, RecordError> {
        let text = require_text("goal", text)?;
        let (agency, today) = (self.me.agency, self.ambient.clock.today());
        let plan = self.current_plan(case)?;
        if let Some(p) = &plan {
            p.refuse_if_approved()?;
        }
        self.write(|tx| {
            tx.expect(case, "case")?;
            let f = Fields::new()
                .put("case", case)
                .put("text", &text)
                .put("agency", agency)
                .put("date", today)
                .maybe("plan", plan.as_ref().map(|p| p.id))
                .maybe("term", term)
                .into_map();
            let id = tx.create(Scope::Case(case), "goal", Some(case), f)?;
            tx.audit("plan.goal", Some(id.to_string()), Some(format!("case {case}")));
            Ok(id)
        })
    }

    /// Records how far a goal was met (モニタリング・評価), at a review or at the end of the plan
    /// period; a later evaluation of the same goal replaces it (the log keeps the earlier one).
    /// Refused for a goal of a plan version a newer one has followed (that plan is finished), for
    /// a closed case, for a day before the goal was set or in the future, and without a comment
    /// when the goal was not fully met.
    pub fn evaluate_goal(
        &mut self,
        id: Uuid,
        result: GoalResult,
        comment: Option<&str>,
        date: Option<Date>,
    ) -> Result<(), RecordError> {
        let g: Goal = view(&super::load_one(&self.conn, id, "goal")?)?;
        let c = self.case_quiet(g.case)?;
        if c.status == super::CaseStatus::Closed {
            return Err(RecordError::Refused(super::msg!(
                ja: "終結したケースの目標は評価できません。先に再開してください",
                en: "a closed case's goals cannot be evaluated; reopen it first"
            )));
        }
        if let Some(plan) = g.plan {
            let current = self.current_plan(g.case)?;
            if current.as_ref().map(|p| p.id) != Some(plan) {
                let next = current.map(|p| p.number).unwrap_or_default();
                return Err(RecordError::Refused(super::msg!(
                    ja: "この目標の支援プランは終わり、第{next}版に引き継がれています。新しい版の目標を評価してください",
                    en: "this goal's plan is finished (followed by version {next}); evaluate the goals of the new version"
                )));
            }
        }
        let today = self.ambient.clock.today();
        let date = date.unwrap_or(today);
        if date > today || date < g.date {
            let set = g.date;
            return Err(RecordError::Inconsistent(super::msg!(
                ja: "評価日 {date} は目標を立てた日（{set}）から今日までの日付にしてください",
                en: "the evaluation date {date} must lie between the day the goal was set ({set}) and today"
            )));
        }
        let comment = optional_text("comment", comment)?;
        if result != GoalResult::Met && comment.is_none() {
            return Err(RecordError::Missing("a comment saying why the goal was not fully met"));
        }
        let evaluation = Evaluation {
            date,
            result,
            comment,
            agency: self.me.agency,
        };
        self.write(|tx| {
            tx.expect(id, "goal")?;
            tx.set(id, Fields::new().put("evaluation", &evaluation).into_map())?;
            tx.audit(
                "plan.goal.evaluate",
                Some(id.to_string()),
                Some(result.code().to_string()),
            );
            Ok(())
        })
    }

    pub fn goals_of(&self, case: Uuid) -> Result<Vec<Goal>, RecordError> {
        let mut out: Vec<Goal> = load_all(&self.conn, "goal", Some(case))?
            .iter()
            .filter_map(|st| view::<Goal>(st).ok())
            .collect();
        out.retain(|g| !g.retracted);
        out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    pub fn add_action(&mut self, new: NewAction) -> Result<Uuid, RecordError> {
        if let Some(g) = new.goal {
            self.refuse_if_goal_approved(g)?;
        }
        let today = self.ambient.clock.today();
        self.write(|tx| {
            let id = insert_action(tx, &new, today)?;
            tx.audit("plan.action", Some(id.to_string()), Some(format!("case {}", new.case)));
            Ok(id)
        })
    }

    /// Changes an action; a status must follow the allowed transitions, and 実施できず / 未実施
    /// need a note saying why.
    pub fn update_action(&mut self, id: Uuid, u: ActionUpdate) -> Result<(), RecordError> {
        let current = self.action(id)?;
        // Carrying the action out is progress; what it is, who does it and by when is the plan.
        let changes_plan = u.text.is_some() || u.owner_agency.is_some() || u.due.is_some();
        if let (true, Some(g)) = (changes_plan, current.goal) {
            self.refuse_if_goal_approved(g)?;
        }
        if let Some(next) = u.status {
            if !current.status.can_become(next) {
                let (from_ja, to_ja, from, to) = (
                    current.status.label_ja(),
                    next.label_ja(),
                    current.status.code(),
                    next.code(),
                );
                return Err(RecordError::Refused(super::msg!(
                    ja: "支援内容の状況を「{from_ja}」から「{to_ja}」には変えられません",
                    en: "an action cannot go from {from} to {to}"
                )));
            }
            let note = u.note.as_deref().or(current.note.as_deref()).unwrap_or("").trim();
            if matches!(next, ActionStatus::CouldNot | ActionStatus::DidNot) && note.is_empty() {
                return Err(RecordError::Missing(
                    "a note saying why the action could not be or was not carried out",
                ));
            }
        }
        if let Some(a) = u.owner_agency {
            self.agency(a)?;
        }
        let mut f = Fields::new();
        if let Some(t) = &u.text {
            f = f.put("text", require_text("action", t)?);
        }
        if let Some(n) = &u.note {
            f = f.put("note", optional_text("note", Some(n))?);
        }
        if let Some(w) = &u.owner_worker {
            f = f.put("owner_worker", optional_text("worker", w.as_deref())?);
        }
        let fields = f
            .maybe("status", u.status)
            .maybe("due", u.due)
            .maybe("owner_agency", u.owner_agency)
            .into_map();
        if fields.is_empty() {
            return Err(RecordError::Missing("something to change"));
        }
        self.write(|tx| {
            tx.set(id, fields.clone())?;
            tx.audit(
                "plan.action.update",
                Some(id.to_string()),
                Some(fields.keys().cloned().collect::<Vec<_>>().join(",")),
            );
            Ok(())
        })
    }

    pub fn action(&self, id: Uuid) -> Result<Action, RecordError> {
        let mut a: Action = view(&super::load_one(&self.conn, id, "action")?)?;
        self.dress_action(&mut a, &HashMap::new())?;
        Ok(a)
    }

    fn dress_action(&self, a: &mut Action, names: &HashMap<Uuid, String>) -> Result<(), RecordError> {
        let today = self.ambient.clock.today();
        a.overdue = a.status.is_open() && a.due.is_some_and(|d| d < today);
        a.owner_agency_name = match names.get(&a.owner_agency) {
            Some(n) => n.clone(),
            None => self.agency(a.owner_agency).map(|x| x.name).unwrap_or_default(),
        };
        Ok(())
    }

    /// The actions of a case (retracted ones left out), by due date.
    pub fn actions_of(&self, case: Uuid) -> Result<Vec<Action>, RecordError> {
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut out: Vec<Action> = load_all(&self.conn, "action", Some(case))?
            .iter()
            .filter_map(|st| view::<Action>(st).ok())
            .collect();
        out.retain(|a| !a.retracted);
        for a in &mut out {
            self.dress_action(a, &names)?;
        }
        out.sort_by(|a, b| {
            a.due
                .is_none()
                .cmp(&b.due.is_none())
                .then(a.due.cmp(&b.due))
                .then(a.created.cmp(&b.created))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Every open action past its due date, optionally of one agency, oldest due first.
    pub fn overdue_actions(&self, agency: Option<Uuid>) -> Result<Vec<Action>, RecordError> {
        let today = self.ambient.clock.today();
        self.open_actions_where(|a| agency.is_none_or(|g| g == a.owner_agency) && a.due.is_some_and(|d| d < today))
    }

    /// The open actions an agency carries that are due by `until` (past due ones too), oldest due
    /// first: what its workers have to do soon.
    pub fn open_actions_due(&self, agency: Uuid, until: Date) -> Result<Vec<Action>, RecordError> {
        self.open_actions_where(|a| a.owner_agency == agency && a.due.is_some_and(|d| d <= until))
    }

    /// The open, unretracted actions `keep` accepts, read whole only once kept: the scan over
    /// every action reads the few fields it decides on.
    fn open_actions_where(&self, keep: impl Fn(&ActionLine) -> bool) -> Result<Vec<Action>, RecordError> {
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut out = Vec::new();
        for r in crate::log::scan_fields::<ActionLine>(&self.conn, "action")? {
            let line = r.fields;
            if line.retracted || !line.status.is_open() || !keep(&line) {
                continue;
            }
            let Ok(mut a) = view::<Action>(&super::load_one(&self.conn, r.id, "action")?) else {
                continue;
            };
            self.dress_action(&mut a, &names)?;
            out.push(a);
        }
        out.sort_by_key(|a| (a.due, a.id));
        Ok(out)
    }

    /// 役割分担: the agencies of a case (lead first, then by name) against its actions.
    pub fn role_matrix(&self, case: Uuid) -> Result<RoleMatrix, RecordError> {
        let c = self.case_quiet(case)?;
        let actions = self.actions_of(case)?;
        let mut agencies: BTreeMap<(bool, String, Uuid), (usize, usize)> = BTreeMap::new();
        let name = |id: Uuid| self.agency(id).map(|a| a.name).unwrap_or_else(|_| id.to_string());
        agencies.insert((false, name(c.lead_agency), c.lead_agency), (0, 0));
        for s in self.shares_of(case)?.into_iter().filter(|s| s.active) {
            agencies
                .entry((true, s.agency_name.clone(), s.agency))
                .or_insert((0, 0));
        }
        for a in &actions {
            let key = if a.owner_agency == c.lead_agency {
                (false, name(c.lead_agency), c.lead_agency)
            } else {
                (true, a.owner_agency_name.clone(), a.owner_agency)
            };
            let e = agencies.entry(key).or_insert((0, 0));
            if a.status.is_open() {
                e.0 += 1;
            }
            if a.overdue {
                e.1 += 1;
            }
        }
        let list: Vec<RoleAgency> = agencies
            .into_iter()
            .map(|((_, name, id), (open, overdue))| RoleAgency {
                id,
                name,
                lead: id == c.lead_agency,
                open,
                overdue,
            })
            .collect();
        let owner_of = actions
            .iter()
            .map(|a| list.iter().position(|g| g.id == a.owner_agency).unwrap_or(0))
            .collect();
        Ok(RoleMatrix {
            case,
            lead_agency: c.lead_agency,
            agencies: list,
            actions,
            owner_of,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ActionStatus::*;

    #[test]
    fn action_statuses_follow_the_allowed_transitions() {
        assert!(NotStarted.can_become(InProgress));
        assert!(NotStarted.can_become(DidNot));
        assert!(InProgress.can_become(Done));
        assert!(InProgress.can_become(CouldNot));
        assert!(
            !InProgress.can_become(NotStarted),
            "a started action does not become 未着手 again"
        );
        assert!(
            !Done.can_become(CouldNot),
            "a finished action is reopened first, not relabelled"
        );
        assert!(Done.can_become(InProgress), "a meeting may decide to try again");
        assert!(
            NotStarted.is_open() && InProgress.is_open() && !Done.is_open() && !CouldNot.is_open() && !DidNot.is_open()
        );
    }
}
