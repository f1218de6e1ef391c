//! `demo`: fills the case records with a synthetic demo city, so the program can be shown and
//! tried without anyone's real records.

use super::print::{Out, outln};
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 200)]
    pub households: usize,
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Make this site's agency the lead of every demo case (so they can be shared from here).
    #[arg(long)]
    pub lead_here: bool,
}

pub fn run(g: &Global, out: &Out, a: DemoArgs) -> Result<()> {
    let mut v = unlock(g)?;
    let report = kasane_demo::fill_demo(
        &mut v,
        a.households,
        a.seed,
        if a.lead_here {
            kasane_demo::DemoLead::ThisAgency
        } else {
            kasane_demo::DemoLead::AsGenerated
        },
        &mut |done, total| {
            out.progress("demo", done, total);
        },
    )?;
    out.demo(&report);
    Ok(())
}

impl Out {
    pub fn demo(&self, r: &kasane_demo::DemoReport) {
        if self.json {
            return self.print_json(r);
        }
        outln!(
            "デモ市を作成しました: 世帯 {}、世帯員 {}、ケース {}、支援経過 {}、見立て {}、支援内容 {}、同意 {} ({} ops, {:.1} s)",
            r.households,
            r.persons,
            r.cases,
            r.notes,
            r.assessments,
            r.actions,
            r.consents,
            r.ops,
            r.seconds
        );
    }
}
