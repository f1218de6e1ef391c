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
}

#[derive(Debug, clap::Args)]
pub struct GoalAdd {
    #[arg(long)]
    pub case: String,
    #[arg(long)]
    pub text: String,
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
        PlanCmd::Goal(GoalCmd::Add(a)) => {
            let idv = v.add_goal(id(&a.case, "case")?, &a.text)?;
            out.id("goal", idv);
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
