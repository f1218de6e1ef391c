//! `case`: opening, updating, listing and sharing cases. `share` and `unshare` print the case's
//! shares as they stand afterwards, so the result can be checked at once.

use clap::Subcommand;
use kasane::{CaseDetail, CaseFilter, CaseStatus, CaseSummary, CaseUpdate, Error, NewCase, Risk, Share, Vault};

use super::input::{agency, clearable, date, id};
use super::person::print_person_line;
use super::print::{Out, date_both, date_cell, outln, problem_names};
use super::vault::unlock;
use super::{Global, IdArg, Result};

#[derive(Debug, Subcommand)]
pub enum CaseCmd {
    Open(CaseOpen),
    Update(CaseUpdateArgs),
    Show(IdArg),
    List(CaseList),
    /// Share a case with an agency under a legal basis (lead agency only).
    Share(CaseShare),
    /// Remove an agency from a case; its copy is asked to purge.
    Unshare(CaseUnshare),
    /// Ask for the case to be discussed (or closed) at the next meeting.
    Flag(CaseFlag),
    /// The open requests on a case: to discuss or close it, or to disclose it for a meeting.
    Requests(IdArg),
    /// Grant a meeting coordinator's request to disclose the case to its attendees (lead agency
    /// only): shared for that meeting as putting it on the agenda would.
    Grant(IdArg),
    /// The case's disclosure ledger (情報提供の記録): every share and meeting, with its basis and end;
    /// `--out FILE` writes it printable (HTML).
    Disclosures(CaseDisclosures),
    /// Record (or correct) how the consultation came (相談受付; lead agency only).
    Intake(CaseIntake),
    /// The intake form (相談受付票), printable (HTML).
    IntakeSheet(CaseClosingSheet),
    /// The assessment sheet (アセスメントシート), printable (HTML): per domain, what was found apart
    /// from the worker's judgement, and the overall 見立て and 支援方針.
    AssessmentSheet(CaseClosingSheet),
    /// Record the decision to support the case (支援決定; lead agency only).
    Decide(CaseDecide),
    /// Close the case (終結; lead agency only): the reason, the day, who keeps watching.
    Close(CaseClose),
    /// Reopen a closed case, with the reason (lead agency only).
    Reopen(CaseReopen),
    /// The closing sheet (終結シート) of a closed case, printable (HTML).
    ClosingSheet(CaseClosingSheet),
}

#[derive(Debug, clap::Args)]
pub struct CaseClose {
    pub case: String,
    /// goals-met | moved-away | died | persons-wish | transferred | no-longer-needed | other
    /// (or 目標達成 / 転出 / 死亡 / 本人の意思 / 他機関へ移管 / 支援の必要がなくなった / その他)
    #[arg(long)]
    pub reason: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    /// 見守り先: who keeps watching (民生委員, 地域包括 …).
    #[arg(long)]
    pub watch: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CaseIntake {
    pub case: String,
    /// visit | phone | family | referral | outreach | community | other
    /// (or 本人来所 / 電話 / 家族から / 関係機関から紹介 / 訪問・アウトリーチ / 地域住民・民生委員から / その他)
    #[arg(long)]
    pub route: String,
    /// Who made the referral (the agency, the 民生委員 …).
    #[arg(long)]
    pub referrer: Option<String>,
    /// Who came: person | family | related (or 本人 / 家族 / 関係者).
    #[arg(long)]
    pub visitor: String,
    /// The visitor's name or relationship to the person.
    #[arg(long)]
    pub visitor_name: Option<String>,
    /// 主訴, in the person's own words.
    #[arg(long)]
    pub complaint: String,
    /// 世帯の状況 as told.
    #[arg(long)]
    pub situation: Option<String>,
    /// 受付者: the worker who received it.
    #[arg(long)]
    pub received_by: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    /// HH:MM.
    #[arg(long)]
    pub time: Option<String>,
    /// The consent given at intake (a consent id of the household).
    #[arg(long)]
    pub consent: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CaseDecide {
    pub case: String,
    /// Who decided (the post, as said: 福祉総務課長 …).
    #[arg(long)]
    pub by: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    /// The meeting that decided it (it must have taken the case up).
    #[arg(long)]
    pub meeting: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CaseReopen {
    pub case: String,
    #[arg(long)]
    pub reason: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CaseClosingSheet {
    pub case: String,
    #[arg(long)]
    pub out: std::path::PathBuf,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

#[derive(Debug, clap::Args)]
pub struct CaseDisclosures {
    pub case: String,
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

#[derive(Debug, clap::Args)]
pub struct CaseOpen {
    #[arg(long)]
    pub household: String,
    #[arg(long)]
    pub title: String,
    /// Problem codes from `kasane problems`; repeat or separate by spaces.
    #[arg(long, num_args = 1.., required = true)]
    pub problem: Vec<String>,
    /// Lead agency (id, name or code); default: this site's agency.
    #[arg(long)]
    pub lead: Option<String>,
    #[arg(long)]
    pub risk: Option<String>,
    #[arg(long)]
    pub next_review: Option<String>,
    #[arg(long)]
    pub opened: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CaseUpdateArgs {
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    /// intake | assessment | planning | active | closed (or 受付 / アセスメント / プラン / 支援中 / 終結)
    #[arg(long)]
    pub status: Option<String>,
    /// low | medium | high | urgent (or 低 / 中 / 高 / 緊急); "none" clears it.
    #[arg(long)]
    pub risk: Option<String>,
    #[arg(long)]
    pub lead: Option<String>,
    /// A date, or "none".
    #[arg(long)]
    pub next_review: Option<String>,
    #[arg(long, num_args = 1..)]
    pub problem: Vec<String>,
    /// A person of the household, or "none".
    #[arg(long)]
    pub key_person: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CaseList {
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub lead: Option<String>,
    #[arg(long)]
    pub problem: Option<String>,
    #[arg(long)]
    pub district: Option<String>,
    /// Include closed cases.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, clap::Args)]
pub struct CaseShare {
    pub case: String,
    #[arg(long)]
    pub agency: String,
    /// shien-kaigi | jusoteki-shien-kaigi | yotaikyo | chiiki-care-kaigi | konkyu-shien-kaigi |
    /// consent:<consent id>
    #[arg(long)]
    pub basis: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CaseUnshare {
    pub case: String,
    #[arg(long)]
    pub agency: String,
    #[arg(long, default_value = "共有終了 / share ended")]
    pub reason: String,
}

#[derive(Debug, clap::Args)]
pub struct CaseFlag {
    pub case: String,
    #[arg(long)]
    pub reason: String,
    /// Propose closing the case.
    #[arg(long)]
    pub close: bool,
}

pub fn run(g: &Global, out: &Out, cmd: CaseCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        CaseCmd::Open(a) => {
            let lead = a.lead.as_deref().map(|s| agency(&v, s)).transpose()?;
            let id = v.open_case(NewCase {
                household: id(&a.household, "household")?,
                title: a.title,
                problems: a.problem,
                lead_agency: lead,
                risk: a.risk.as_deref().map(Risk::parse).transpose().map_err(Error::from)?,
                next_review: a.next_review.as_deref().map(date).transpose()?,
                opened: a.opened.as_deref().map(date).transpose()?,
            })?;
            out.id("case", id);
        }
        CaseCmd::Update(a) => {
            let lead = a.lead.as_deref().map(|s| agency(&v, s)).transpose()?;
            v.update_case(
                id(&a.id, "case")?,
                CaseUpdate {
                    title: a.title,
                    status: a
                        .status
                        .as_deref()
                        .map(CaseStatus::parse)
                        .transpose()
                        .map_err(Error::from)?,
                    risk: clearable(&a.risk, |s| Ok(Risk::parse(s).map_err(Error::from)?))?,
                    lead_agency: lead,
                    next_review: clearable(&a.next_review, date)?,
                    problems: (!a.problem.is_empty()).then_some(a.problem),
                    key_person: clearable(&a.key_person, |s| id(s, "person"))?,
                },
            )?;
            out.done("case updated");
        }
        CaseCmd::Show(a) => {
            let d = v.case_detail(id(&a.id, "case")?)?;
            out.case(&v, &d)?;
        }
        CaseCmd::Share(a) => {
            let case = id(&a.case, "case")?;
            let to = agency(&v, &a.agency)?;
            let basis = a
                .basis
                .as_deref()
                .map(kasane::Basis::parse)
                .transpose()
                .map_err(Error::from)?;
            v.share_case(case, to, basis)?;
            out.shares(&v.shares_of(case)?);
        }
        CaseCmd::Unshare(a) => {
            let case = id(&a.case, "case")?;
            let to = agency(&v, &a.agency)?;
            v.unshare_case(case, to, &a.reason)?;
            out.shares(&v.shares_of(case)?);
        }
        CaseCmd::Disclosures(a) => {
            let case = id(&a.case, "case")?;
            match &a.out {
                Some(path) => {
                    let html = v.print_disclosure_ledger(case, a.copies)?;
                    v.save_printout(path, &html)?;
                    out.printout(
                        &format!(
                            "情報提供の記録を出力しました / disclosure ledger written: {}",
                            path.display()
                        ),
                        path,
                    );
                }
                None => out.disclosures(&v.disclosure_ledger(case)?),
            }
        }
        CaseCmd::Intake(a) => {
            let case = id(&a.case, "case")?;
            v.record_intake(
                case,
                kasane::NewIntake {
                    date: a.date.as_deref().map(date).transpose()?,
                    time: a.time,
                    received_by: a.received_by,
                    route: kasane::IntakeRoute::parse(&a.route).map_err(Error::from)?,
                    referrer: a.referrer,
                    visitor: kasane::Visitor::parse(&a.visitor).map_err(Error::from)?,
                    visitor_name: a.visitor_name,
                    complaint: a.complaint,
                    situation: a.situation,
                    consent: a.consent.as_deref().map(|k| id(k, "consent")).transpose()?,
                },
            )?;
            out.done("相談受付を記録しました / intake recorded");
        }
        CaseCmd::IntakeSheet(a) => {
            let html = v.print_intake(id(&a.case, "case")?, a.copies)?;
            v.save_printout(&a.out, &html)?;
            out.printout(
                &format!("相談受付票を出力しました / intake form written: {}", a.out.display()),
                &a.out,
            );
        }
        CaseCmd::AssessmentSheet(a) => {
            let html = v.print_assessment(id(&a.case, "case")?, a.copies)?;
            v.save_printout(&a.out, &html)?;
            out.printout(
                &format!(
                    "アセスメントシートを出力しました / assessment sheet written: {}",
                    a.out.display()
                ),
                &a.out,
            );
        }
        CaseCmd::Decide(a) => {
            let case = id(&a.case, "case")?;
            let today = v.ambient().clock.today();
            v.decide_support(
                case,
                kasane::SupportDecision {
                    date: a.date.as_deref().map(date).transpose()?.unwrap_or(today),
                    by: a.by,
                    meeting: a.meeting.as_deref().map(|m| id(m, "meeting")).transpose()?,
                    note: a.note,
                },
            )?;
            out.done("支援決定を記録しました / decision to support recorded");
        }
        CaseCmd::Close(a) => {
            let case = id(&a.case, "case")?;
            v.close_case(
                case,
                kasane::NewClosure {
                    date: a.date.as_deref().map(date).transpose()?,
                    reason: kasane::ClosureReason::parse(&a.reason).map_err(Error::from)?,
                    watch: a.watch,
                    note: a.note,
                },
            )?;
            out.done("終結しました / case closed");
        }
        CaseCmd::Reopen(a) => {
            let case = id(&a.case, "case")?;
            v.reopen_case(case, &a.reason, a.date.as_deref().map(date).transpose()?)?;
            out.done("再開しました / case reopened");
        }
        CaseCmd::ClosingSheet(a) => {
            let html = v.print_closure(id(&a.case, "case")?, a.copies)?;
            v.save_printout(&a.out, &html)?;
            out.printout(
                &format!("終結シートを出力しました / closing sheet written: {}", a.out.display()),
                &a.out,
            );
        }
        CaseCmd::Flag(a) => {
            let idv = v.flag_case(id(&a.case, "case")?, a.close, &a.reason)?;
            out.id("flag", idv);
        }
        CaseCmd::Requests(a) => {
            let list = v.open_requests(id(&a.id, "case")?)?;
            if out.json {
                out.print_json(&list);
            } else {
                for f in &list {
                    let by = v.agency(f.agency).map(|a| a.name).unwrap_or_default();
                    outln!("{}  {}  {}  {by}: {}", f.id, kasane::wareki(f.date), f.kind, f.reason);
                }
                outln!("{} 件", list.len());
            }
        }
        CaseCmd::Grant(a) => {
            v.grant_share_request(id(&a.id, "request")?)?;
            out.done("情報提供しました / disclosed for the meeting");
        }
        CaseCmd::List(a) => {
            let lead = a.lead.as_deref().map(|s| agency(&v, s)).transpose()?;
            let list = v.cases(&CaseFilter {
                status: a
                    .status
                    .as_deref()
                    .map(CaseStatus::parse)
                    .transpose()
                    .map_err(Error::from)?,
                lead_agency: lead,
                problem: a.problem,
                district: a.district,
                include_closed: a.all,
            })?;
            out.cases(&list);
        }
    }
    Ok(())
}

impl Out {
    pub fn cases(&self, list: &[CaseSummary]) {
        if self.json {
            return self.print_json(&list);
        }
        for c in list {
            outln!(
                "{}  {}  {}  [{}]  緊急度:{}  主担当:{}  次回見直し:{}{}",
                c.id,
                c.household_label,
                c.title,
                c.status.label_ja(),
                c.risk.map(|r| r.label_ja()).unwrap_or("-"),
                c.lead_agency_name,
                c.next_review.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                if c.review_overdue { " ⚠期限超過" } else { "" }
            );
        }
        outln!("{} 件", list.len());
    }

    pub fn case(&self, v: &Vault, d: &CaseDetail) -> Result<()> {
        if self.json {
            self.print_json(d);
            return Ok(());
        }
        let c = &d.case;
        outln!("ケース {}  {}", c.title, c.id);
        outln!("  世帯: {} ({})", d.household.label, d.household.id);
        outln!(
            "  状況: {}  緊急度: {}  主担当機関: {}",
            c.status.label_ja(),
            c.risk.map(|r| r.label_ja()).unwrap_or("-"),
            d.lead_agency_name
        );
        outln!("  課題: {}", problem_names(&c.problems));
        outln!(
            "  受付日: {}  次回見直し: {}",
            date_both(&c.opened),
            c.next_review.map(|d| date_both(&d)).unwrap_or_else(|| "-".into())
        );
        if !c.conflicts.is_empty() {
            outln!("  ⚠ 内容の食い違いがある項目: {}", c.conflicts.join(", "));
        }
        outln!("世帯員:");
        for p in &d.members {
            print_person_line(p);
        }
        if !d.consents.is_empty() {
            outln!("同意:");
            for k in &d.consents {
                let who = d
                    .members
                    .iter()
                    .find(|p| p.id == k.person)
                    .map(|p| p.full_name())
                    .unwrap_or_default();
                let state = match (k.withdrawn, k.is_old_form()) {
                    (Some(w), _) => format!("撤回 {}", date_cell(&w)),
                    (None, true) => "旧様式（目的・種類・期間なし）".into(),
                    (None, false) => "記録".into(),
                };
                let by = match k.given_by {
                    kasane::ConsentGiver::Person => String::new(),
                    g => format!(
                        "（{}：{} {}）",
                        g.label_ja(),
                        k.giver_name.as_deref().unwrap_or(""),
                        k.giver_relation.as_deref().unwrap_or("")
                    ),
                };
                let list = |v: Vec<&str>| v.join("・");
                outln!(
                    "  {}  {}{}  {}  {}〜{}  {}  目的: {}  種類: {}  [{}]",
                    k.id,
                    who,
                    by,
                    k.scope,
                    date_cell(&k.date),
                    k.until.as_ref().map(date_cell).unwrap_or_default(),
                    k.how.label_ja(),
                    list(k.purposes.iter().map(|p| p.label_ja()).collect()),
                    list(k.kinds.iter().map(|x| x.label_ja()).collect()),
                    state
                );
            }
        }
        outln!("支援経過:");
        self.notes(v, &d.notes)
    }

    pub fn disclosures(&self, list: &[kasane::Disclosure]) {
        if self.json {
            return self.print_json(&list);
        }
        if list.is_empty() {
            outln!("このケースの記録を他の機関に提供したことはありません。");
        }
        for d in list {
            let end = match (d.until, d.what) {
                (Some(u), _) => format!("〜{} {}", date_cell(&u), d.ended_reason.as_deref().unwrap_or("")),
                (None, kasane::DisclosureKind::Meeting) => "（会議当日）".into(),
                (None, kasane::DisclosureKind::CaseRecords) => "継続中".into(),
            };
            let purpose = d.purpose.map(|p| p.label_ja()).unwrap_or("—");
            outln!(
                "{}  {}  {}  {}  目的: {}  [{}]",
                date_cell(&d.from),
                d.agency_name,
                d.what.label_ja(),
                d.basis_ja,
                purpose,
                end
            );
        }
    }

    pub fn shares(&self, list: &[Share]) {
        if self.json {
            return self.print_json(&list);
        }
        for s in list {
            let state = if s.active {
                match &s.until {
                    Some(u) => format!("共有中 {}〜 会議のための提供 {}まで", date_cell(&s.since), date_cell(u)),
                    None => format!("共有中 {}〜", date_cell(&s.since)),
                }
            } else {
                format!("終了 {}", s.removed.map(|d| date_cell(&d)).unwrap_or_default())
            };
            outln!("{}  {}  {}  [{}]", s.agency, s.agency_name, s.basis.label_ja(), state);
        }
    }
}
