//! `referral` and `resource`: referrals (つなぎ) to agencies or community resources, and the
//! community resources themselves. A referral to an agency that cannot see the case yet must
//! name the consent it rests on.

use clap::Subcommand;
use kasane::Error;

use super::input::{agency, id};
use super::print::{Out, date_cell, district_name, outln};
use super::vault::unlock;
use super::{CaseArg, Global, Result};

#[derive(Debug, Subcommand)]
pub enum ReferralCmd {
    Add(ReferralAdd),
    Update(ReferralUpdateArgs),
    List(CaseArg),
}

#[derive(Debug, clap::Args)]
pub struct ReferralAdd {
    #[arg(long)]
    pub case: String,
    /// An agency (id, name or code).
    #[arg(long, conflicts_with = "resource")]
    pub to: Option<String>,
    /// A community resource id.
    #[arg(long)]
    pub resource: Option<String>,
    #[arg(long)]
    pub reason: String,
    /// The consent the referral rests on (needed when the agency cannot see the case yet).
    #[arg(long)]
    pub consent: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReferralUpdateArgs {
    pub id: String,
    /// requested | accepted | declined | completed (or 依頼中 / 受理 / 不受理 / 完了)
    #[arg(long)]
    pub status: String,
    #[arg(long)]
    pub response: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ResourceCmd {
    Add(ResourceAdd),
    List(ResourceList),
}

#[derive(Debug, clap::Args)]
pub struct ResourceAdd {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub district: Option<String>,
    #[arg(long)]
    pub contact: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ResourceList {
    #[arg(long)]
    pub district: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: ReferralCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        ReferralCmd::Add(a) => {
            let to = a.to.as_deref().map(|s| agency(&v, s)).transpose()?;
            let idv = v.add_referral(kasane::NewReferral {
                case: id(&a.case, "case")?,
                to_agency: to,
                to_resource: a.resource.as_deref().map(|r| id(r, "resource")).transpose()?,
                reason: a.reason,
                consent: a.consent.as_deref().map(|k| id(k, "consent")).transpose()?,
            })?;
            out.id("referral", idv);
        }
        ReferralCmd::Update(a) => {
            v.update_referral(
                id(&a.id, "referral")?,
                kasane::ReferralStatus::parse(&a.status).map_err(Error::from)?,
                a.response.as_deref(),
            )?;
            out.done("referral updated");
        }
        ReferralCmd::List(a) => out.referrals(&v.referrals_of(id(&a.case, "case")?)?),
    }
    Ok(())
}

pub fn resource(g: &Global, out: &Out, cmd: ResourceCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        ResourceCmd::Add(a) => {
            let idv = v.add_resource(kasane::NewResource {
                name: a.name,
                kind: a.kind,
                district: a.district,
                contact: a.contact,
                note: a.note,
            })?;
            out.id("resource", idv);
        }
        ResourceCmd::List(a) => out.resources(&v.resources(a.district.as_deref(), a.kind.as_deref())?),
    }
    Ok(())
}

impl Out {
    pub fn referrals(&self, list: &[kasane::Referral]) {
        if self.json {
            return self.print_json(&list);
        }
        for r in list {
            outln!(
                "{}  {} → {}  [{}]  {}  {}",
                r.id,
                date_cell(&r.date),
                r.to_name,
                r.status.label_ja(),
                r.reason,
                r.response.as_deref().unwrap_or("")
            );
        }
    }

    pub fn resources(&self, list: &[kasane::Resource]) {
        if self.json {
            return self.print_json(&list);
        }
        for r in list {
            outln!(
                "{}  [{}] {}  {}  {}",
                r.id,
                r.kind,
                r.name,
                r.district.as_deref().map(district_name).unwrap_or_default(),
                r.contact.as_deref().unwrap_or("")
            );
        }
    }
}
