//! `meeting`: support meetings from planning to the finalised record, the per-agency meeting
//! files and printing. A finalised record is read-only; corrections are added beside it.

use std::path::PathBuf;

use clap::Subcommand;
use kasane::{Error, Vault};
use serde_json::json;
use uuid::Uuid;

use super::input::{agency, date, id, person_id};
use super::print::{Out, date_cell, outln};
use super::vault::unlock;
use super::{Global, IdArg, Result, usage};

#[derive(Debug, Subcommand)]
pub enum MeetingCmd {
    /// Plan a meeting coordinated by this agency.
    New(MeetingNew),
    Show(IdArg),
    List,
    /// Cases proposed for the agenda, best first, each with its reasons; the rest counted.
    Propose(MeetingPropose),
    #[command(subcommand)]
    Agenda(AgendaCmd),
    /// Record attendance, or (with --case) the discussion of one item.
    Record(MeetingRecord),
    /// Record an action decided at the meeting (it goes into the case's plan).
    Action(MeetingAction),
    /// Close the record (refused while an item has no next review date).
    Finalise(IdArg),
    /// Add a correction to a finalised record.
    Correct(MeetingCorrect),
    /// One meeting file per attendee agency (機関別会議資料ファイル), each with only the cases it may see.
    Pack(MeetingPack),
    /// Printable HTML (A4): agenda, prep pack or minutes.
    Print(MeetingPrint),
    /// Show, or set (1–365), how many days after a meeting a case disclosed for it stays with
    /// the attendees (default 30).
    DisclosureDays(DisclosureDays),
}

#[derive(Debug, clap::Args)]
pub struct DisclosureDays {
    pub days: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub struct MeetingNew {
    /// shien-kaigi | jusoteki-shien-kaigi | kobetsu-case-kento | jitsumusha-kaigi | chiiki-care-kaigi |
    /// konkyu-shien-kaigi | shien-chosei-kaigi | consent-only
    #[arg(long = "type")]
    pub kind: String,
    /// "2026-12-10 14:00", "R8.12.10 14:00" …
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub place: String,
    #[arg(long, num_args = 1.., required = true)]
    pub attendee: Vec<String>,
    #[arg(long)]
    pub chair: Option<String>,
    /// Meetings of one series follow each other (default: the type).
    #[arg(long)]
    pub series: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AgendaCmd {
    Add(AgendaAdd),
    Remove(AgendaCase),
    /// Ask the lead agency of a case another agency leads to disclose it to the attendees who
    /// do not see it (the request travels in the next exchange file).
    AskLead(AgendaCase),
    /// Move an item (--to N, 1 = first) and/or set its time (--minutes).
    Move(AgendaMove),
}

#[derive(Debug, clap::Args)]
pub struct MeetingPropose {
    pub id: String,
    /// How many proposals to show (the rest are counted by reason).
    #[arg(long, default_value_t = kasane::PROPOSALS_SHOWN)]
    pub limit: usize,
    /// Show every proposal.
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
}

#[derive(Debug, clap::Args)]
pub struct AgendaAdd {
    pub meeting: String,
    #[arg(long)]
    pub case: String,
    #[arg(long)]
    pub minutes: Option<u32>,
    #[arg(long)]
    pub note: Option<String>,
    /// Disclose the case for the meeting only to these attendees (default: every attendee).
    #[arg(long, num_args = 1..)]
    pub to: Vec<String>,
    /// Disclose the case's shared contact-log entries (支援経過) too (by default they stay out).
    #[arg(long)]
    pub with_progress_notes: bool,
}

#[derive(Debug, clap::Args)]
pub struct AgendaCase {
    pub meeting: String,
    #[arg(long)]
    pub case: String,
}

#[derive(Debug, clap::Args)]
pub struct AgendaMove {
    pub meeting: String,
    #[arg(long)]
    pub case: String,
    #[arg(long)]
    pub to: Option<usize>,
    #[arg(long)]
    pub minutes: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub struct MeetingRecord {
    pub meeting: String,
    #[arg(long, num_args = 1..)]
    pub present: Vec<String>,
    #[arg(long, num_args = 1..)]
    pub apologies: Vec<String>,
    #[arg(long)]
    pub observer: Vec<String>,
    #[arg(long)]
    pub case: Option<String>,
    #[arg(long)]
    pub discussion: Option<String>,
    #[arg(long)]
    pub decision: Vec<String>,
    #[arg(long)]
    pub next_review: Option<String>,
    /// Attendees that keep the case after the disclosure for the meeting ends (the meeting's
    /// decision); needs --keep-basis.
    #[arg(long, num_args = 1..)]
    pub keep_shared: Vec<String>,
    /// The legal basis they keep it on (shien-kaigi, consent:<id> …).
    #[arg(long)]
    pub keep_basis: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct MeetingAction {
    pub meeting: String,
    #[arg(long)]
    pub case: String,
    #[arg(long)]
    pub text: String,
    #[arg(long)]
    pub owner: String,
    #[arg(long)]
    pub worker: Option<String>,
    #[arg(long)]
    pub due: Option<String>,
    #[arg(long)]
    pub key_person: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct MeetingCorrect {
    pub meeting: String,
    #[arg(long)]
    pub text: String,
    #[arg(long)]
    pub case: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct MeetingPack {
    pub meeting: String,
    #[arg(long)]
    pub out_dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct MeetingPrint {
    pub meeting: String,
    /// agenda | pack | minutes
    #[arg(long)]
    pub what: String,
    #[arg(long)]
    pub out: PathBuf,
    /// Numbered handouts 配布資料 No. 1/N … N/N.
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
    /// With --what pack: only this case.
    #[arg(long)]
    pub case: Option<String>,
}

pub fn run(g: &Global, out: &Out, cmd: MeetingCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        MeetingCmd::New(a) => {
            let (d, time) = date_time(&a.date)?;
            let attendees = a.attendee.iter().map(|s| agency(&v, s)).collect::<Result<Vec<_>>>()?;
            let chair = a.chair.as_deref().map(|s| agency(&v, s)).transpose()?;
            let idv = v.new_meeting(kasane::NewMeeting {
                kind: a.kind,
                series: a.series,
                date: d,
                time,
                place: a.place,
                chair,
                attendees,
            })?;
            out.id("meeting", idv);
        }
        MeetingCmd::Show(a) => {
            let d = v.meeting_detail(id(&a.id, "meeting")?)?;
            out.meeting(&d);
        }
        MeetingCmd::List => out.meetings(&v.meetings()?),
        MeetingCmd::Propose(a) => {
            let limit = (!a.all).then_some(a.limit);
            out.proposals(&v.propose_agenda(id(&a.id, "meeting")?, limit)?);
        }
        MeetingCmd::Agenda(AgendaCmd::Add(a)) => {
            let m = id(&a.meeting, "meeting")?;
            let c = id(&a.case, "case")?;
            let reasons: Vec<String> = v
                .propose_agenda(m, None)?
                .shown
                .into_iter()
                .find(|p| p.case == c)
                .map(|p| p.reasons.into_iter().map(|r| r.code.to_string()).collect())
                .unwrap_or_default();
            let to = a.to.iter().map(|s| agency(&v, s)).collect::<Result<Vec<_>>>()?;
            let disclose = kasane::Disclose {
                to: (!to.is_empty()).then_some(to.as_slice()),
                progress_notes: a.with_progress_notes,
            };
            let idv = v.add_to_agenda_disclosing(m, c, a.minutes, reasons, a.note.as_deref(), disclose)?;
            out.id("agenda-item", idv);
        }
        MeetingCmd::Agenda(AgendaCmd::AskLead(a)) => {
            let idv = v.ask_lead_to_share(id(&a.meeting, "meeting")?, id(&a.case, "case")?)?;
            out.id("flag", idv);
        }
        MeetingCmd::Agenda(AgendaCmd::Remove(a)) => {
            v.remove_from_agenda(id(&a.meeting, "meeting")?, id(&a.case, "case")?)?;
            out.done("removed from the agenda");
        }
        MeetingCmd::Agenda(AgendaCmd::Move(a)) => {
            v.arrange_agenda(id(&a.meeting, "meeting")?, id(&a.case, "case")?, a.to, a.minutes)?;
            out.done("agenda arranged");
        }
        MeetingCmd::Record(a) => {
            let m = id(&a.meeting, "meeting")?;
            match &a.case {
                None => {
                    let present = a.present.iter().map(|s| agency(&v, s)).collect::<Result<Vec<_>>>()?;
                    let apologies = a.apologies.iter().map(|s| agency(&v, s)).collect::<Result<Vec<_>>>()?;
                    v.record_attendance(m, present, apologies, a.observer)?;
                    out.done("attendance recorded");
                }
                Some(c) => {
                    let lasting = match (a.keep_shared.is_empty(), &a.keep_basis) {
                        (true, None) => None,
                        (false, Some(b)) => Some(kasane::LastingShare {
                            agencies: a
                                .keep_shared
                                .iter()
                                .map(|s| agency(&v, s))
                                .collect::<Result<Vec<_>>>()?,
                            basis: kasane::Basis::parse(b).map_err(Error::from)?,
                        }),
                        _ => return Err(usage("--keep-shared and --keep-basis go together")),
                    };
                    v.record_item(
                        m,
                        id(c, "case")?,
                        kasane::ItemRecord {
                            lasting,
                            discussion: a.discussion,
                            decisions: a.decision,
                            next_review: a.next_review.as_deref().map(date).transpose()?,
                            actions: Vec::new(),
                        },
                    )?;
                    out.done("item recorded");
                }
            }
        }
        MeetingCmd::Action(a) => {
            let m = id(&a.meeting, "meeting")?;
            let c = id(&a.case, "case")?;
            let owner = agency(&v, &a.owner)?;
            let ids = v.record_item(
                m,
                c,
                kasane::ItemRecord {
                    actions: vec![kasane::NewAction {
                        case: c,
                        goal: None,
                        text: a.text,
                        owner_agency: owner,
                        owner_worker: a.worker,
                        key_person: person_id(&a.key_person)?,
                        owner_person: None,
                        frequency: None,
                        due: a.due.as_deref().map(date).transpose()?,
                        meeting: Some(m),
                        tags: Vec::new(),
                    }],
                    ..Default::default()
                },
            )?;
            out.id("action", ids.first().copied().unwrap_or_default());
        }
        MeetingCmd::Finalise(a) => {
            v.finalise_meeting(id(&a.id, "meeting")?)?;
            out.done("record finalised (now read-only)");
        }
        MeetingCmd::Correct(a) => {
            let case = a.case.as_deref().map(|c| id(c, "case")).transpose()?;
            let idv = v.correct_meeting(id(&a.meeting, "meeting")?, case, &a.text)?;
            out.id("correction", idv);
        }
        MeetingCmd::Pack(a) => {
            let results = v.export_meeting_pack(id(&a.meeting, "meeting")?, &a.out_dir)?;
            out.pack(&v, &results);
        }
        MeetingCmd::Print(a) => {
            let case = a.case.as_deref().map(|c| id(c, "case")).transpose()?;
            let what = kasane::PrintWhat::parse(&a.what, case).map_err(Error::from)?;
            let html = v.print_meeting(id(&a.meeting, "meeting")?, what, a.copies)?;
            v.save_printout(&a.out, &html)?;
            out.printout(
                &format!("印刷用ファイルを出力しました / written: {}", a.out.display()),
                &a.out,
            );
        }
        MeetingCmd::DisclosureDays(a) => {
            if let Some(days) = a.days {
                v.set_meeting_disclosure_days(days).map_err(Error::from)?;
            }
            let days = v.meeting_disclosure_days().map_err(Error::from)?;
            if out.json {
                out.print_json(&json!({ "disclosure_days": days }));
            } else {
                outln!(
                    "会議のための情報提供は会議の{days}日後まで / a case disclosed for a meeting stays with the attendees until {days} days after it"
                );
            }
        }
    }
    Ok(())
}

/// "2026-12-10 14:00", "R8.12.10 14:00", "2026-12-10T14:00" or a date alone.
fn date_time(s: &str) -> Result<(kasane::Date, Option<String>)> {
    let t = s.trim();
    let (d, time) = match t.rsplit_once([' ', 'T', '\u{3000}']) {
        Some((d, tm)) if tm.contains(':') => (d, Some(tm.trim().to_string())),
        _ => (t, None),
    };
    if let Some(tm) = &time {
        let ok = tm.split_once(':').is_some_and(|(h, m)| {
            h.parse::<u8>().is_ok_and(|h| h < 24) && m.len() == 2 && m.parse::<u8>().is_ok_and(|m| m < 60)
        });
        if !ok {
            return Err(usage(format!("\"{tm}\" is not a time; write it as 14:00")));
        }
    }
    Ok((date(d)?, time))
}

impl Out {
    pub fn meetings(&self, list: &[kasane::Meeting]) {
        if self.json {
            return self.print_json(&list);
        }
        for m in list {
            outln!(
                "{}  {} {}  {}  {}{}",
                m.id,
                date_cell(&m.date),
                m.time.as_deref().unwrap_or(""),
                m.type_label,
                m.place,
                if m.finalised.is_some() { "  [確定]" } else { "" }
            );
        }
    }

    pub fn meeting(&self, d: &kasane::MeetingDetail) {
        if self.json {
            return self.print_json(d);
        }
        let m = &d.meeting;
        let name = |a: &Uuid| d.agency_names.get(a).cloned().unwrap_or_else(|| a.to_string());
        outln!(
            "{}  {}({}) {} ({})  {}",
            m.type_label,
            kasane::wareki(m.date),
            kasane::weekday_ja(m.date),
            m.time.as_deref().unwrap_or(""),
            m.date,
            m.place
        );
        outln!("  根拠: {}  守秘義務: {}", m.legal_basis, m.confidentiality);
        outln!(
            "  出席機関: {}",
            m.attendees.iter().map(name).collect::<Vec<_>>().join("、")
        );
        if m.finalised.is_some() {
            outln!("  [確定済み・読み取り専用]");
        }
        for (i, e) in d.agenda.iter().enumerate() {
            outln!(
                "  {}. {}分  {}  {}  ({})  {}{}",
                i + 1,
                e.item.minutes,
                e.household_label,
                e.title,
                e.item.reasons.join(","),
                e.item
                    .next_review
                    .map(|r| format!("次回 {}", date_cell(&r)))
                    .unwrap_or_default(),
                if e.needs_review_date {
                    "  ⚠次回見直し未設定"
                } else {
                    ""
                }
            );
        }
        outln!("  合計 {} 分", d.total_minutes);
    }

    pub fn proposals(&self, p: &kasane::AgendaProposals) {
        if self.json {
            return self.print_json(&p);
        }
        for p in &p.shown {
            let risk = p.risk.map(|r| format!("  緊急度:{}", r.label_ja())).unwrap_or_default();
            outln!(
                "{}  {}  {}  主担当:{}{risk}  [{}]",
                p.case,
                p.household_label,
                p.title,
                p.lead_agency_name,
                p.score
            );
            for r in &p.reasons {
                outln!("    - {}: {}", r.label_ja, r.detail);
            }
            if let kasane::ProposalAccess::AskLead { missing, asked } = &p.access {
                outln!(
                    "    ! 主担当機関だけが情報提供できます（未提供の出席機関 {} 機関）{}",
                    missing.len(),
                    asked
                        .map(|d| format!("。{} に依頼済み", kasane::wareki(d)))
                        .unwrap_or_else(|| "。kasane meeting agenda ask-lead で依頼できます".into())
                );
            }
        }
        let hidden = p.total - p.shown.len();
        outln!("{} 件中 {} 件を表示", p.total, p.shown.len());
        if hidden > 0 {
            let by = p
                .rest
                .iter()
                .map(|r| format!("{} {}", r.label_ja, r.count))
                .collect::<Vec<_>>()
                .join("、");
            outln!("ほか {hidden} 件（{by}）: --all ですべて表示");
        }
    }

    pub fn pack(&self, v: &Vault, results: &[kasane::PackResult]) {
        if self.json {
            let list: Vec<serde_json::Value> = results
                .iter()
                .map(|(a, r)| match r {
                    Ok(rep) => json!({ "agency": a, "ok": true, "report": rep }),
                    Err(e) => json!({ "agency": a, "ok": false, "reason": e }),
                })
                .collect();
            return self.print_json(&list);
        }
        for (a, r) in results {
            let name = v.agency(*a).map(|x| x.name).unwrap_or_default();
            match r {
                Ok(rep) => outln!("{name}: {} ({} ops)", rep.path.display(), rep.ops),
                Err(e) => outln!("{name}: 出力できませんでした / not written: {e}"),
            }
        }
    }
}
