//! `plan`: the support plan (支援プラン), its goals and actions, and the division of roles
//! (役割分担). An action that could not be done, or was not, says why.

use clap::Subcommand;
use kasane::Error;

use super::input::{agency, clearable, date, id, person_id};
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{Global, IdArg, Result};

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// Start a new version of the case's plan (lead agency only); a later version starts from the
    /// evaluation of the last, carrying the goals not yet met.
    New(PlanNew),
    /// The case's plan versions, goals and actions.
    Show(IdArg),
    /// Change the policy, period or next evaluation of a version not yet approved.
    Revise(PlanRevise),
    /// Record that a 重層的支援会議 approved the current version (lead agency only).
    Approve(PlanApprove),
    /// Record the person's agreement to a version (lead agency only).
    Agree(PlanAgree),
    /// The support plan (支援プラン) of one version, printable (HTML), with signature lines.
    Print(PlanPrint),
    #[command(subcommand)]
    Goal(GoalCmd),
    #[command(subcommand)]
    Action(ActionCmd),
    /// The division of roles (役割分担): agencies × actions, the lead marked.
    Roles(IdArg),
    /// Open actions past their due date.
    Overdue(OverdueArgs),
}

#[derive(Debug, Subcommand)]
pub enum GoalCmd {
    Add(GoalAdd),
    /// Evaluate a goal of the current version (モニタリング・評価).
    Evaluate(GoalEvaluate),
}

#[derive(Debug, clap::Args)]
pub struct GoalAdd {
    #[arg(long)]
    pub case: String,
    #[arg(long)]
    pub text: String,
    /// long | short (or 長期目標 / 短期目標).
    #[arg(long)]
    pub term: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct GoalEvaluate {
    pub goal: String,
    /// met | partly | not-met (or 達成 / 一部達成 / 未達成).
    #[arg(long)]
    pub result: String,
    /// Why (required unless met).
    #[arg(long)]
    pub comment: Option<String>,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PlanNew {
    #[arg(long)]
    pub case: String,
    /// The first day of the plan period (default: today).
    #[arg(long)]
    pub from: Option<String>,
    /// The last day of the plan period.
    #[arg(long)]
    pub to: String,
    /// 支援方針 (default: the case's overall policy, else the last version's).
    #[arg(long)]
    pub policy: Option<String>,
    /// 次回評価日.
    #[arg(long)]
    pub next_evaluation: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PlanRevise {
    pub plan: String,
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub policy: Option<String>,
    #[arg(long)]
    pub next_evaluation: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PlanApprove {
    pub plan: String,
    /// The 重層的支援会議 that approved it (it must have taken the case up and been held).
    #[arg(long)]
    pub meeting: String,
}

#[derive(Debug, clap::Args)]
pub struct PlanAgree {
    pub plan: String,
    /// The member of the household who agreed.
    #[arg(long)]
    pub person: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PlanPrint {
    pub plan: String,
    #[arg(long)]
    pub out: std::path::PathBuf,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

/// A case's plan as `plan show` gives it.
#[derive(serde::Serialize)]
struct PlanShow {
    versions: Vec<kasane::PlanVersion>,
    goals: Vec<kasane::Goal>,
    actions: Vec<kasane::Action>,
}

#[derive(Debug, Subcommand)]
pub enum ActionCmd {
    Add(ActionAdd),
    Update(ActionUpdateArgs),
}

#[derive(Debug, clap::Args)]
pub struct ActionAdd {
    #[arg(long)]
    pub case: String,
    #[arg(long)]
    pub text: String,
    /// Owner agency (id, name or code).
    #[arg(long)]
    pub owner: String,
    #[arg(long)]
    pub worker: Option<String>,
    /// キーパーソン: a member of the household.
    #[arg(long)]
    pub key_person: Option<String>,
    #[arg(long)]
    pub due: Option<String>,
    #[arg(long)]
    pub goal: Option<String>,
    /// A member of the household who carries the action themselves (本人・家族の役割).
    #[arg(long)]
    pub person: Option<String>,
    /// 頻度 (週1回, 月2回 …).
    #[arg(long)]
    pub frequency: Option<String>,
    /// participation | outreach | community-resource (or 参加支援 / アウトリーチ / 地域資源); repeatable.
    #[arg(long)]
    pub tag: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ActionUpdateArgs {
    pub id: String,
    /// not-started | in-progress | done | could-not | did-not (or 未着手 / 実施中 / 完了 / 実施できず / 未実施);
    /// could-not: the person or the situation prevented it; did-not: the owning agency did not do it
    #[arg(long)]
    pub status: Option<String>,
    /// Why (required for could-not and did-not).
    #[arg(long)]
    pub note: Option<String>,
    /// A date, or "none".
    #[arg(long)]
    pub due: Option<String>,
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long)]
    pub text: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct OverdueArgs {
    #[arg(long)]
    pub agency: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: PlanCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        PlanCmd::New(a) => {
            let idv = v.new_plan_version(
                id(&a.case, "case")?,
                kasane::NewPlanVersion {
                    from: a.from.as_deref().map(date).transpose()?,
                    to: Some(date(&a.to)?),
                    policy: a.policy,
                    next_evaluation: a.next_evaluation.as_deref().map(date).transpose()?,
                },
            )?;
            out.id("plan", idv);
        }
        PlanCmd::Show(a) => {
            let case = id(&a.id, "case")?;
            let show = PlanShow {
                versions: v.plan_versions(case)?,
                goals: v.goals_of(case)?,
                actions: v.actions_of(case)?,
            };
            out.plan(&show);
        }
        PlanCmd::Revise(a) => {
            v.revise_plan(
                id(&a.plan, "plan")?,
                kasane::NewPlanVersion {
                    from: a.from.as_deref().map(date).transpose()?,
                    to: a.to.as_deref().map(date).transpose()?,
                    policy: a.policy,
                    next_evaluation: a.next_evaluation.as_deref().map(date).transpose()?,
                },
            )?;
            out.done("支援プランを変更しました / plan revised");
        }
        PlanCmd::Approve(a) => {
            v.approve_plan(id(&a.plan, "plan")?, id(&a.meeting, "meeting")?)?;
            out.done("支援プランの承認を記録しました / plan approval recorded");
        }
        PlanCmd::Agree(a) => {
            v.record_plan_agreement(
                id(&a.plan, "plan")?,
                id(&a.person, "person")?,
                a.date.as_deref().map(date).transpose()?,
                a.note.as_deref(),
            )?;
            out.done("本人の同意を記録しました / agreement recorded");
        }
        PlanCmd::Print(a) => {
            let html = v.print_plan(id(&a.plan, "plan")?, a.copies)?;
            v.save_printout(&a.out, &html)?;
            out.printout(
                &format!("支援プランを出力しました / support plan written: {}", a.out.display()),
                &a.out,
            );
        }
        PlanCmd::Goal(GoalCmd::Add(a)) => {
            let term = a
                .term
                .as_deref()
                .map(kasane::GoalTerm::parse)
                .transpose()
                .map_err(Error::from)?;
            let idv = v.add_goal(id(&a.case, "case")?, &a.text, term)?;
            out.id("goal", idv);
        }
        PlanCmd::Goal(GoalCmd::Evaluate(a)) => {
            v.evaluate_goal(
                id(&a.goal, "goal")?,
                kasane::GoalResult::parse(&a.result).map_err(Error::from)?,
                a.comment.as_deref(),
                a.date.as_deref().map(date).transpose()?,
            )?;
            out.done("目標を評価しました / goal evaluated");
        }
        PlanCmd::Action(ActionCmd::Add(a)) => {
            let owner = agency(&v, &a.owner)?;
            let idv = v.add_action(kasane::NewAction {
                case: id(&a.case, "case")?,
                goal: a.goal.as_deref().map(|g| id(g, "goal")).transpose()?,
                text: a.text,
                owner_agency: owner,
                owner_worker: a.worker,
                key_person: person_id(&a.key_person)?,
                owner_person: person_id(&a.person)?,
                frequency: a.frequency,
                due: a.due.as_deref().map(date).transpose()?,
                meeting: None,
                tags: a
                    .tag
                    .iter()
                    .map(|t| kasane::ActionTag::parse(t).map_err(Error::from))
                    .collect::<std::result::Result<_, _>>()?,
            })?;
            out.id("action", idv);
        }
        PlanCmd::Action(ActionCmd::Update(a)) => {
            let owner = a.owner.as_deref().map(|s| agency(&v, s)).transpose()?;
            v.update_action(
                id(&a.id, "action")?,
                kasane::ActionUpdate {
                    status: a
                        .status
                        .as_deref()
                        .map(kasane::ActionStatus::parse)
                        .transpose()
                        .map_err(Error::from)?,
                    note: a.note,
                    due: clearable(&a.due, date)?,
                    owner_agency: owner,
                    owner_worker: None,
                    text: a.text,
                },
            )?;
            out.done("action updated");
        }
        PlanCmd::Roles(a) => {
            let m = v.role_matrix(id(&a.id, "case")?)?;
            out.roles(&m);
        }
        PlanCmd::Overdue(a) => {
            let ag = a.agency.as_deref().map(|s| agency(&v, s)).transpose()?;
            out.actions(&v.overdue_actions(ag)?);
        }
    }
    Ok(())
}

impl Out {
    fn plan(&self, p: &PlanShow) {
        if self.json {
            return self.print_json(p);
        }
        if p.versions.is_empty() {
            outln!("支援プランの版はまだありません / no plan version yet");
        }
        for ver in &p.versions {
            let approval = match &ver.approval {
                Some(a) if ver.changed_since_approval => format!("承認 {}（承認後に変更あり）", date_cell(&a.date)),
                Some(a) => format!("承認 {}", date_cell(&a.date)),
                None => "未承認".into(),
            };
            outln!(
                "第{}版{}  {}  {} 〜 {}  {approval}",
                ver.number,
                if ver.current { "（現行）" } else { "" },
                ver.id,
                date_cell(&ver.from),
                date_cell(&ver.to)
            );
            outln!("  支援方針: {}", ver.policy.replace('\n', " "));
            for g in p.goals.iter().filter(|g| g.plan == Some(ver.id)) {
                outln!(
                    "  目標 {}  {}{}",
                    g.id,
                    g.text,
                    g.evaluation
                        .as_ref()
                        .map(|e| format!("  [{}]", e.result.label_ja()))
                        .unwrap_or_default()
                );
            }
        }
        self.actions(&p.actions);
    }

    pub fn roles(&self, m: &kasane::RoleMatrix) {
        if self.json {
            return self.print_json(m);
        }
        for (i, g) in m.agencies.iter().enumerate() {
            outln!(
                "[{}] {}{}  未完了 {}  期限超過 {}",
                i + 1,
                g.name,
                if g.lead { "（主担当）" } else { "" },
                g.open,
                g.overdue
            );
        }
        outln!();
        for (a, owner) in m.actions.iter().zip(&m.owner_of) {
            let cells: String = (0..m.agencies.len())
                .map(|k| if k == *owner { "●" } else { "・" })
                .collect();
            outln!(
                "{cells}  {}  [{}]  期限 {}{}",
                a.text,
                a.status.label_ja(),
                a.due.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                if a.overdue { " ⚠期限超過" } else { "" }
            );
        }
    }

    pub fn actions(&self, list: &[kasane::Action]) {
        if self.json {
            return self.print_json(&list);
        }
        for a in list {
            outln!(
                "{}  {}  {}  期限 {}  [{}]",
                a.id,
                a.owner_agency_name,
                a.text,
                a.due.map(|d| date_cell(&d)).unwrap_or_default(),
                a.status.label_ja()
            );
        }
        outln!("{} 件", list.len());
    }
}
