//! `household` and `relation`: households (世帯) and how their members are related. A household
//! is taken off the list, never deleted: its records are kept.

use clap::Subcommand;
use kasane::{
    CaseStatus, Error, HouseholdDetail, HouseholdFilter, HouseholdSummary, HouseholdUpdate, NewHousehold, NewRelation,
    PartnerStatus, RelationKind, Vault,
};
use uuid::Uuid;

use super::input::{agency, clearable, id};
use super::person::print_person_line;
use super::print::{Out, district_name, outln};
use super::vault::unlock;
use super::{Global, IdArg, Result, usage};

#[derive(Debug, Subcommand)]
pub enum HouseholdCmd {
    Add(HouseholdAdd),
    List(HouseholdList),
    Show(IdArg),
    Update(HouseholdUpdateArgs),
}

#[derive(Debug, clap::Args)]
pub struct HouseholdAdd {
    #[arg(long)]
    pub label: String,
    /// A code from `kasane districts`, e.g. kamakura-2.
    #[arg(long)]
    pub district: String,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct HouseholdList {
    #[arg(long)]
    pub district: Option<String>,
    /// Households with an open case of this problem code.
    #[arg(long)]
    pub problem: Option<String>,
    /// Households with a case in this status.
    #[arg(long)]
    pub status: Option<String>,
    /// Households with an open case led by this agency.
    #[arg(long)]
    pub lead: Option<String>,
    /// Include households taken off the list (their records are kept).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, clap::Args)]
pub struct HouseholdUpdateArgs {
    pub id: String,
    #[arg(long)]
    pub label: Option<String>,
    #[arg(long)]
    pub district: Option<String>,
    /// "none" clears it.
    #[arg(long)]
    pub address: Option<String>,
    /// "none" clears it.
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub archive: bool,
    #[arg(long)]
    pub unarchive: bool,
}

#[derive(Debug, Subcommand)]
pub enum RelationCmd {
    Add(RelationAdd),
}

#[derive(Debug, clap::Args)]
pub struct RelationAdd {
    /// For parent-child: the parent.
    #[arg(long)]
    pub a: String,
    #[arg(long)]
    pub b: String,
    /// parent-child | partner
    #[arg(long)]
    pub kind: String,
    /// For partners: married | cohabiting | separated | divorced
    #[arg(long)]
    pub status: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: HouseholdCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        HouseholdCmd::Add(a) => {
            let id = v.add_household(NewHousehold {
                label: a.label,
                district: a.district,
                address: a.address,
                phone: a.phone,
            })?;
            out.id("household", id);
        }
        HouseholdCmd::List(a) => {
            let lead = a.lead.as_deref().map(|s| agency(&v, s)).transpose()?;
            let list = v.households(&HouseholdFilter {
                district: a.district,
                problem: a.problem,
                case_status: a
                    .status
                    .as_deref()
                    .map(CaseStatus::parse)
                    .transpose()
                    .map_err(Error::from)?,
                lead_agency: lead,
                include_archived: a.all,
            })?;
            out.households(&list);
        }
        HouseholdCmd::Show(a) => {
            let d = v.household_detail(id(&a.id, "household")?)?;
            out.household(&v, &d)?;
        }
        HouseholdCmd::Update(a) => {
            let archived = match (a.archive, a.unarchive) {
                (true, true) => return Err(usage("--archive and --unarchive together")),
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            };
            v.update_household(
                id(&a.id, "household")?,
                HouseholdUpdate {
                    label: a.label,
                    district: a.district,
                    address: clearable(&a.address, |s| Ok(s.to_string()))?,
                    phone: clearable(&a.phone, |s| Ok(s.to_string()))?,
                    archived,
                },
            )?;
            out.done("household updated");
        }
    }
    Ok(())
}

pub fn relation(g: &Global, out: &Out, cmd: RelationCmd) -> Result<()> {
    match cmd {
        RelationCmd::Add(a) => {
            let mut v = unlock(g)?;
            let kind = RelationKind::parse(&a.kind).map_err(Error::from)?;
            let status = a
                .status
                .as_deref()
                .map(PartnerStatus::parse)
                .transpose()
                .map_err(Error::from)?;
            let id = v.add_relation(NewRelation {
                a: id(&a.a, "person")?,
                b: id(&a.b, "person")?,
                kind,
                status,
            })?;
            out.id("relation", id);
        }
    }
    Ok(())
}

impl Out {
    pub fn households(&self, list: &[HouseholdSummary]) {
        if self.json {
            return self.print_json(&list);
        }
        for h in list {
            outln!(
                "{}  {}  {}  {}  世帯員{}人  ケース{}件{}",
                h.id,
                h.label,
                district_name(&h.district),
                h.address.as_deref().unwrap_or("-"),
                h.members,
                h.open_cases,
                if h.archived {
                    "  （一覧から外しています・記録は保存）"
                } else {
                    ""
                }
            );
        }
        outln!("{} 世帯", list.len());
    }

    pub fn household(&self, v: &Vault, d: &HouseholdDetail) -> Result<()> {
        if self.json {
            self.print_json(d);
            return Ok(());
        }
        let h = &d.household;
        outln!("世帯 {}  {}", h.label, h.id);
        outln!(
            "  地区: {}  住所: {}  電話: {}",
            district_name(&h.district),
            h.address.as_deref().unwrap_or("-"),
            h.phone.as_deref().unwrap_or("-")
        );
        if !h.conflicts.is_empty() {
            outln!("  ⚠ 内容の食い違いがある項目: {}", h.conflicts.join(", "));
        }
        outln!("世帯員:");
        for p in &d.members {
            print_person_line(p);
        }
        if !d.relations.is_empty() {
            outln!("関係:");
            let name = |id: Uuid| {
                d.members
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.full_name())
                    .unwrap_or_else(|| id.to_string())
            };
            for r in &d.relations {
                let status = r.status.map(|s| format!(" ({})", s.label_ja())).unwrap_or_default();
                outln!("  {} — {}  {}{}", name(r.a), name(r.b), r.kind.label_ja(), status);
            }
        }
        outln!("ケース:");
        for c in &d.cases {
            let lead = v.agency(c.lead_agency).map(|a| a.name).unwrap_or_default();
            outln!("  {}  {}  [{}]  主担当: {}", c.id, c.title, c.status.label_ja(), lead);
        }
        Ok(())
    }
}
