//! `agency`, `districts`, `problems`: the agencies in the directory and the city's reference
//! codes. The code lists are built in, so they print without unlocking anything.

use clap::Subcommand;
use kasane::Agency;
use uuid::Uuid;

use super::print::{Out, outln};
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, Subcommand)]
pub enum AgencyCmd {
    List,
    Add(AgencyAdd),
    /// The city's agency codes.
    Codes,
}

#[derive(Debug, clap::Args)]
pub struct AgencyAdd {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub code: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: AgencyCmd) -> Result<()> {
    match cmd {
        AgencyCmd::List => {
            let v = unlock(g)?;
            out.agencies(&v.agencies()?, v.identity().agency);
        }
        AgencyCmd::Add(a) => {
            let mut v = unlock(g)?;
            let id = v.add_agency(&a.name, a.code.as_deref())?;
            out.id("agency", id);
        }
        AgencyCmd::Codes => out.agency_codes(),
    }
    Ok(())
}

impl Out {
    pub fn agencies(&self, list: &[Agency], mine: Uuid) {
        if self.json {
            return self.print_json(&list);
        }
        for a in list {
            let star = if a.id == mine { "＊" } else { "  " };
            outln!("{star}{}  {}  {}", a.id, a.name, a.code.as_deref().unwrap_or(""));
        }
    }

    pub fn agency_codes(&self) {
        let list = kasane::reference_agencies();
        if self.json {
            return self.print_json(&list);
        }
        for a in list {
            outln!("{:<20} {}", a.code, a.name_ja);
        }
    }

    pub fn districts(&self) {
        let list = kasane::districts();
        if self.json {
            return self.print_json(&list);
        }
        for d in list {
            outln!("{:<14} {} / {}", d.code, d.area_ja, d.name_ja);
        }
    }

    pub fn problems(&self) {
        let list = kasane::problems();
        if self.json {
            return self.print_json(&list);
        }
        for p in list {
            outln!("{:<24} {}", p.code, p.label_ja);
        }
    }
}
