//! `assessment`: the shared family assessment (見立て), every agency's entries side by side per
//! domain, and what changed since the case was last discussed at a meeting.

use clap::Subcommand;
use kasane::{Error, Risk};

use super::input::{date, id, person_id};
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{CaseArg, Global, Result};

#[derive(Debug, Subcommand)]
pub enum AssessmentCmd {
    Add(AssessmentAdd),
    /// A new version of one of this agency's entries; options left out stay as they are.
    Revise(AssessmentReviseArgs),
    /// The overall 見立て and 支援方針 of a case (lead agency only).
    Overall(AssessmentOverall),
    /// Every agency's entries side by side, per domain.
    List(CaseArg),
    /// What changed since the last meeting that discussed the case.
    Changes(CaseArg),
}

#[derive(Debug, clap::Args)]
pub struct AssessmentAdd {
    #[arg(long)]
    pub case: String,
    /// wishes household health care money housing children safety connection daily-life
    #[arg(long)]
    pub domain: String,
    /// 把握した状況（事実）: what was found (for wishes: what the person or family wants, in their words).
    #[arg(long)]
    pub seen: String,
    /// 見立て（課題の背景・判断）: the worker's reading, kept apart from the facts.
    #[arg(long)]
    pub judgement: Option<String>,
    #[arg(long)]
    pub strengths: Option<String>,
    #[arg(long)]
    pub needs: Option<String>,
    #[arg(long)]
    pub risk: Option<String>,
    /// The member it is about (default: the whole household).
    #[arg(long)]
    pub person: Option<String>,
    #[arg(long)]
    pub date: Option<String>,
    /// The person or family does not want contact.
    #[arg(long)]
    pub no_contact: bool,
}

#[derive(Debug, clap::Args)]
pub struct AssessmentReviseArgs {
    pub id: String,
    #[arg(long)]
    pub seen: Option<String>,
    #[arg(long)]
    pub judgement: Option<String>,
    #[arg(long)]
    pub strengths: Option<String>,
    #[arg(long)]
    pub needs: Option<String>,
    #[arg(long)]
    pub risk: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AssessmentOverall {
    #[arg(long)]
    pub case: String,
    /// 全体の見立て.
    #[arg(long)]
    pub view: String,
    /// 支援方針.
    #[arg(long)]
    pub policy: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: AssessmentCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        AssessmentCmd::Add(a) => {
            let idv = v.add_assessment(kasane::NewAssessmentEntry {
                case: id(&a.case, "case")?,
                domain: a.domain,
                person: person_id(&a.person)?,
                seen: a.seen,
                judgement: a.judgement,
                strengths: a.strengths,
                needs: a.needs,
                risk: a.risk.as_deref().map(Risk::parse).transpose().map_err(Error::from)?,
                no_contact: a.no_contact,
                date: a.date.as_deref().map(date).transpose()?,
            })?;
            out.id("assessment", idv);
        }
        AssessmentCmd::Revise(a) => {
            v.revise_assessment(
                id(&a.id, "assessment")?,
                kasane::AssessmentRevision {
                    seen: a.seen.as_deref(),
                    judgement: a.judgement.as_deref(),
                    strengths: a.strengths.as_deref(),
                    needs: a.needs.as_deref(),
                    risk: a.risk.as_deref().map(Risk::parse).transpose().map_err(Error::from)?,
                },
            )?;
            out.done("見立てを更新しました / assessment entry revised");
        }
        AssessmentCmd::Overall(a) => {
            v.set_formulation(
                id(&a.case, "case")?,
                &a.view,
                &a.policy,
                a.date.as_deref().map(date).transpose()?,
            )?;
            out.done("全体の見立てと支援方針を記録しました / overall assessment and support policy recorded");
        }
        AssessmentCmd::List(a) => {
            let view = v.assessment_view(id(&a.case, "case")?)?;
            out.assessment(&view);
        }
        AssessmentCmd::Changes(a) => {
            let ch = v.assessment_changes(id(&a.case, "case")?)?;
            out.changes(ch.as_ref());
        }
    }
    Ok(())
}

impl Out {
    pub fn assessment(&self, view: &[kasane::DomainView]) {
        if self.json {
            return self.print_json(&view);
        }
        for d in view {
            outln!("■ {}（{}）", d.label_ja, d.entries.len());
            for e in &d.entries {
                outln!(
                    "  {}  {}  {}{}  緊急度:{}",
                    date_cell(&e.date),
                    e.agency_name,
                    e.seen.replace('\n', " "),
                    if e.no_contact {
                        " 【関わり・連絡を拒否（援助拒否）】"
                    } else {
                        ""
                    },
                    e.risk.map(|r| r.label_ja()).unwrap_or("-")
                );
                if let Some(j) = &e.judgement {
                    outln!("      見立て（評価・判断）: {j}");
                }
                if let Some(n) = &e.needs {
                    outln!("      ニーズ: {n}");
                }
                if let Some(st) = &e.strengths {
                    outln!("      強み: {st}");
                }
            }
        }
    }

    pub fn changes(&self, ch: Option<&kasane::AssessmentChanges>) {
        if self.json {
            return self.print_json(&ch);
        }
        match ch {
            None => outln!("まだ会議で検討されていません / not discussed at a finalised meeting yet"),
            Some(ch) => {
                outln!(
                    "前回 {} {} 以降: 新規 {}、更新 {}、取消 {}",
                    ch.since.type_label,
                    date_cell(&ch.since.date),
                    ch.added.len(),
                    ch.revised.len(),
                    ch.retracted.len()
                );
                for (label, list) in [("新規", &ch.added), ("更新", &ch.revised), ("取消", &ch.retracted)] {
                    for e in list {
                        outln!(
                            "  [{label}] {} {} {}",
                            e.domain,
                            e.agency_name,
                            e.seen.replace('\n', " ")
                        );
                    }
                }
            }
        }
    }
}
