//! `roster`: the conference rosters (構成員名簿) — listed, printed, kept by the city (add a member,
//! end a membership) and, on a partner's PC, which agency's rosters to follow.

use std::path::PathBuf;

use clap::Subcommand;
use kasane::{NewRosterEntry, RosterEntry};
use serde_json::json;

use super::input::{agency, date, id};
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, Subcommand)]
pub enum RosterCmd {
    /// Every roster this PC follows, and who keeps them.
    List,
    /// Put an agency on a conference's roster (only the keeper).
    Add(RosterAdd),
    /// End a membership on its last day (only the keeper).
    End(RosterEnd),
    /// Follow the rosters of this agency (its card must be verified); without an agency, show who keeps them.
    Keeper(RosterKeeper),
    /// Write the printable rosters (HTML).
    Print(RosterPrint),
}

#[derive(Debug, clap::Args)]
pub struct RosterAdd {
    /// shien-kaigi | kobetsu-case-kento | jitsumusha-kaigi | chiiki-care-kaigi | konkyu-shien-kaigi
    #[arg(long)]
    pub conference: String,
    #[arg(long)]
    pub agency: String,
    /// First day of membership (default: today).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day of membership (default: open-ended).
    #[arg(long)]
    pub to: Option<String>,
    /// The 要綱 (or council decision) that makes the agency a member.
    #[arg(long)]
    pub charter: String,
}

#[derive(Debug, clap::Args)]
pub struct RosterEnd {
    pub id: String,
    /// The last day of membership (default: today).
    #[arg(long)]
    pub on: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RosterKeeper {
    pub agency: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RosterPrint {
    #[arg(long)]
    pub out: PathBuf,
    /// Members on this day are marked (default: today).
    #[arg(long)]
    pub on: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

pub fn run(g: &Global, out: &Out, cmd: RosterCmd) -> Result<()> {
    let mut v = unlock(g)?;
    let today = v.ambient().clock.today();
    let day = |s: &Option<String>| -> Result<kasane::Date> { Ok(s.as_deref().map(date).transpose()?.unwrap_or(today)) };
    match cmd {
        RosterCmd::List => {
            let keeper = v.roster_keeper()?;
            let keeper_name = v.agency(keeper).map(|a| a.name).unwrap_or_default();
            let names = |e: &RosterEntry| {
                v.agency(e.agency)
                    .map(|a| a.name)
                    .unwrap_or_else(|_| e.agency.to_string())
            };
            let entries = v.rosters()?;
            if out.json {
                let rows: Vec<_> = entries
                    .iter()
                    .map(|e| json!({"entry": e, "agency_name": names(e), "member_today": e.covers(today)}))
                    .collect();
                out.print_json(&json!({"keeper": keeper, "keeper_name": keeper_name, "entries": rows}));
            } else {
                outln!("名簿の管理 / kept by: {keeper_name}");
                for e in &entries {
                    let label = kasane::conference_type(&e.conference).map_or(e.conference.as_str(), |t| t.label_ja);
                    outln!(
                        "{}  {}  {}  {} 〜 {}  {}",
                        e.id,
                        label,
                        names(e),
                        date_cell(&e.from),
                        e.to.as_ref().map(date_cell).unwrap_or_default(),
                        e.charter
                    );
                }
            }
        }
        RosterCmd::Add(a) => {
            let member = agency(&v, &a.agency)?;
            let entry = v.add_roster_entry(NewRosterEntry {
                conference: a.conference,
                agency: member,
                from: day(&a.from)?,
                to: a.to.as_deref().map(date).transpose()?,
                charter: a.charter,
            })?;
            out.id("roster-entry", entry);
        }
        RosterCmd::End(a) => {
            v.end_roster_entry(id(&a.id, "roster entry")?, day(&a.on)?)?;
            out.done("membership ended");
        }
        RosterCmd::Keeper(a) => match a.agency {
            Some(s) => {
                let keeper = agency(&v, &s)?;
                let changed = v.designate_roster_keeper(keeper)?;
                if out.json {
                    out.print_json(&json!({"ok": true, "keeper": keeper, "verdicts_changed": changed}));
                } else {
                    outln!("rosters now kept by {keeper} ({changed} received operations judged differently)");
                }
            }
            None => {
                let keeper = v.roster_keeper()?;
                if out.json {
                    out.print_json(&json!({"keeper": keeper}));
                } else {
                    outln!("{keeper}");
                }
            }
        },
        RosterCmd::Print(a) => {
            let html = v.print_rosters(day(&a.on)?, a.copies)?;
            v.save_printout(&a.out, &html)?;
            out.printout(
                &format!("構成員名簿を出力しました / rosters written: {}", a.out.display()),
                &a.out,
            );
        }
    }
    Ok(())
}
