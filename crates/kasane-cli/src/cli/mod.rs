//! Argument parsing and dispatch for the `kasane` binary: each command reads its inputs, calls
//! one engine operation, and prints the result as text or JSON.

mod args;
mod output;
mod secrets;

use std::path::PathBuf;

pub use args::Args;
use args::*;
use kasane::{
    Ambient, CaseFilter, CaseStatus, CaseUpdate, ConsentHow, Error, HouseholdFilter, HouseholdUpdate, KdfCost, NewCase,
    NewConsent, NewHousehold, NewNote, NewPerson, NewRelation, NoteKind, PartialDate, PartnerStatus, PersonUpdate,
    RelationKind, Risk, Setup, Sex, Vault, VaultDir, parse_date,
};
use output::Out;
use uuid::Uuid;

/// What can end a command: an engine error, or a problem with the command line itself.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Engine(#[from] Error),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A file named on the command line could not be read or written: the user's to fix, so it
    /// exits 2 like any other bad input and names the file.
    #[error("cannot use {}: {}", path.display(), reason(source))]
    File { path: PathBuf, source: std::io::Error },
}

fn reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder",
        std::io::ErrorKind::PermissionDenied => "permission denied",
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file",
        _ => "the file could not be read or written",
    }
}

fn reason_ja(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "ファイルまたはフォルダが見つかりません",
        std::io::ErrorKind::PermissionDenied => "このファイルを使う権限がありません",
        std::io::ErrorKind::IsADirectory => "ファイルではなくフォルダです",
        _ => "ファイルを読み書きできませんでした",
    }
}

/// Reads a file the user named, mapping failures to a message that names it.
fn read_named(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| CliError::File {
        path: path.to_owned(),
        source,
    })
}

/// Writes a file the user named, mapping failures to a message that names it.
fn write_named(path: &std::path::Path, contents: impl AsRef<[u8]>) -> Result<()> {
    std::fs::write(path, contents).map_err(|source| CliError::File {
        path: path.to_owned(),
        source,
    })
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Engine(e) => e.kind().exit_code(),
            CliError::Usage(_) | CliError::File { .. } => 2,
            CliError::Io(_) => 1,
        }
    }
    /// The message in the user's language: Japanese when LANG (or KASANE_LANG) says so.
    pub fn message(&self) -> String {
        let lang = std::env::var("KASANE_LANG")
            .or_else(|_| std::env::var("LANG"))
            .unwrap_or_default();
        match self {
            CliError::Engine(e) => e.message(&lang),
            CliError::File { .. } if lang.starts_with("ja") => self.message_ja(),
            other => other.to_string(),
        }
    }

    pub fn message_ja(&self) -> String {
        match self {
            CliError::Engine(e) => e.message_ja(),
            CliError::File { path, source } => format!("{}: {}", path.display(), reason_ja(source)),
            other => other.to_string(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            CliError::Engine(e) => e.code(),
            CliError::Usage(_) => "usage",
            CliError::File { .. } => "input.file",
            CliError::Io(_) => "io",
        }
    }
    pub fn kind_name(&self) -> &'static str {
        match self {
            CliError::Engine(e) => e.kind().name(),
            CliError::Usage(_) | CliError::File { .. } => "bad-input",
            CliError::Io(_) => "internal",
        }
    }
}

type Result<T> = std::result::Result<T, CliError>;

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

fn vault_dir(args: &Global) -> Result<PathBuf> {
    if let Some(v) = &args.vault {
        return Ok(v.clone());
    }
    kasane::default_vault_dir().ok_or_else(|| usage("no home folder to put the case records in; pass --vault DIR"))
}

fn kdf(cost: Option<u8>) -> KdfCost {
    cost.map(KdfCost::Fixed).unwrap_or(KdfCost::Calibrated)
}

fn unlock(g: &Global) -> Result<Vault> {
    let dir = VaultDir::open(&vault_dir(g)?)?;
    let slot = dir.workers().iter().find(|w| {
        g.worker
            .as_deref()
            .is_none_or(|n| n == w.name || n == w.worker.to_string())
    });
    let who = slot.map(|w| w.name.clone()).unwrap_or_default();
    let pass = secrets::passphrase(&format!("{who} のパスワード / password: "))?;
    Ok(dir.unlock(g.worker.as_deref(), &pass, Ambient::system())?)
}

fn id(s: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        usage(format!(
            "\"{s}\" is not a {what} id (ids look like 0196f3a2-…; copy them from earlier output)"
        ))
    })
}

fn date(s: &str) -> Result<kasane::Date> {
    Ok(parse_date(s).map_err(Error::from)?)
}

fn partial(s: &str) -> Result<PartialDate> {
    Ok(PartialDate::parse(s).map_err(Error::from)?)
}

/// "none" or "" clears an optional value on update.
fn clearable<T>(s: &Option<String>, f: impl Fn(&str) -> Result<T>) -> Result<Option<Option<T>>> {
    match s.as_deref().map(str::trim) {
        None => Ok(None),
        Some("" | "none" | "なし") => Ok(Some(None)),
        Some(v) => Ok(Some(Some(f(v)?))),
    }
}

fn yes_no(s: &str) -> Result<bool> {
    match s.trim() {
        "yes" | "y" | "true" | "はい" | "同居" => Ok(true),
        "no" | "n" | "false" | "いいえ" | "別居" => Ok(false),
        other => Err(usage(format!("\"{other}\" is not yes or no"))),
    }
}

fn agency(v: &Vault, s: &str) -> Result<Uuid> {
    Ok(v.find_agency(s)?.id)
}

pub fn run(args: Args) -> Result<()> {
    let out = Out::new(args.json);
    let g = &args.global;
    match args.command {
        Command::Init(a) => {
            let dir = vault_dir(g)?;
            let passphrase = secrets::new_passphrase(
                "KASANE_PASSPHRASE",
                "新しいパスワード（長めの文） / new password (a long sentence): ",
            )?;
            let join = match a.join.as_deref() {
                Some(path) => {
                    let bytes = read_named(path)?;
                    Some(kasane::card_text_of(&bytes).map_err(Error::from)?.to_string())
                }
                None => None,
            };
            let (vault, code) = Vault::create(
                &dir,
                Setup {
                    agency: a.agency.unwrap_or_default(),
                    join,
                    site: a.site,
                    worker: a.worker,
                    passphrase,
                    kdf: kdf(a.kdf_cost),
                },
                Ambient::system(),
            )?;
            out.created_vault(&vault, &code.display());
        }
        Command::Worker(WorkerCmd::Add(a)) => {
            let mut v = unlock(g)?;
            let pass = secrets::new_passphrase(
                "KASANE_NEW_PASSPHRASE",
                &format!(
                    "{} の新しいパスワード（長めの文） / new password (a long sentence): ",
                    a.name
                ),
            )?;
            let id = v.add_worker(&a.name, &pass, kdf(a.kdf_cost))?;
            out.id("worker", id);
        }
        Command::Worker(WorkerCmd::List) => {
            let dir = VaultDir::open(&vault_dir(g)?)?;
            out.workers(dir.workers());
        }
        Command::Passphrase(PassphraseCmd::Change(a)) => {
            let mut v = unlock(g)?;
            let current = secrets::passphrase("現在のパスワード / current password: ")?;
            let pass = secrets::new_passphrase(
                "KASANE_NEW_PASSPHRASE",
                "新しいパスワード（長めの文） / new password (a long sentence): ",
            )?;
            v.change_passphrase(&current, &pass, kdf(a.kdf_cost))?;
            out.done("password changed");
        }
        Command::Recover(a) => {
            let dir = VaultDir::open(&vault_dir(g)?)?;
            let code = secrets::recovery_code()?;
            let pass = secrets::new_passphrase(
                "KASANE_NEW_PASSPHRASE",
                "新しいパスワード（長めの文） / new password (a long sentence): ",
            )?;
            let v = dir.recover(&code, g.worker.as_deref(), &pass, kdf(a.kdf_cost), Ambient::system())?;
            out.done(&format!("access recovered: {} has a new password", v.worker_name()));
        }
        Command::Household(cmd) => household(g, &out, cmd)?,
        Command::Person(cmd) => person(g, &out, cmd)?,
        Command::Relation(RelationCmd::Add(a)) => {
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
        Command::Case(cmd) => case(g, &out, cmd)?,
        Command::Consent(ConsentCmd::Add(a)) => {
            let mut v = unlock(g)?;
            let agencies = a.agency.iter().map(|s| agency(&v, s)).collect::<Result<Vec<_>>>()?;
            let id = v.add_consent(NewConsent {
                person: id(&a.person, "person")?,
                scope: a.scope,
                agencies,
                date: a
                    .date
                    .as_deref()
                    .map(date)
                    .transpose()?
                    .unwrap_or_else(|| v.ambient().clock.today()),
                how: ConsentHow::parse(&a.how).map_err(Error::from)?,
            })?;
            out.id("consent", id);
        }
        Command::Consent(ConsentCmd::Withdraw(a)) => {
            let mut v = unlock(g)?;
            let on = a
                .date
                .as_deref()
                .map(date)
                .transpose()?
                .unwrap_or_else(|| v.ambient().clock.today());
            v.withdraw_consent(id(&a.id, "consent")?, on)?;
            out.done("consent withdrawn");
        }
        Command::Note(cmd) => note(g, &out, cmd)?,
        Command::Agency(AgencyCmd::List) => {
            let v = unlock(g)?;
            out.agencies(&v.agencies()?, v.identity().agency);
        }
        Command::Agency(AgencyCmd::Add(a)) => {
            let mut v = unlock(g)?;
            let id = v.add_agency(&a.name, a.code.as_deref())?;
            out.id("agency", id);
        }
        Command::Agency(AgencyCmd::Codes) => out.agency_codes(),
        Command::Districts => out.districts(),
        Command::Problems => out.problems(),
        Command::Search(a) => {
            let mut v = unlock(g)?;
            let q = a.query.join(" ");
            let hits = v.search(&q)?;
            out.hits(&hits);
        }
        Command::Audit(a) => {
            let v = unlock(g)?;
            let trail = v.audit_trail()?;
            let skip = trail.len().saturating_sub(a.limit.unwrap_or(usize::MAX));
            out.audit(&trail[skip..], trail.len());
        }
        Command::Demo(a) => {
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
        }
        Command::Status => {
            let v = unlock(g)?;
            out.status(&v)?;
        }
        Command::Card(CardCmd::Export(a)) => {
            let v = unlock(g)?;
            let (text, info) = v.my_card()?;
            write_named(&a.out, text)?;
            out.card_exported(&info, &a.out);
        }
        Command::Card(CardCmd::Import(a)) => {
            let mut v = unlock(g)?;
            let bytes = read_named(&a.file)?;
            let text = kasane::card_text_of(&bytes).map_err(Error::from)?;
            let info = if a.own_pc {
                v.import_own_pc_card(text)?
            } else {
                v.import_card(text)?
            };
            out.site(&info);
        }
        Command::Card(CardCmd::Verify(a)) => {
            let mut v = unlock(g)?;
            let info = v.verify_card(id(&a.site, "site")?, &a.fingerprint)?;
            out.site(&info);
        }
        Command::Sites => {
            let v = unlock(g)?;
            out.sites(&v.sites()?);
        }
        Command::Site(SiteCmd::Revoke(a)) => {
            let mut v = unlock(g)?;
            let info = v.revoke_site(id(&a.id, "site")?)?;
            out.site(&info);
        }
        Command::Bundle(BundleCmd::Export(a)) => {
            let mut v = unlock(g)?;
            let to = match Uuid::parse_str(a.to.trim()) {
                Ok(u) => u,
                Err(_) => v.find_agency(&a.to)?.id,
            };
            let report = v.export_bundle(to, a.full, &a.out, &mut |p| out.progress(p.phase, p.done, p.total))?;
            out.exported(&report);
        }
        Command::Bundle(BundleCmd::Inspect(a)) => {
            let v = unlock(g)?;
            let p = v.inspect_bundle(&a.file)?;
            out.preview(&p);
        }
        Command::Bundle(BundleCmd::Import(a)) => {
            let mut v = unlock(g)?;
            let s = v.import_bundle(&a.file, &mut |p| out.progress(p.phase, p.done, p.total))?;
            out.imported(&s);
        }
        Command::Inbox(InboxArgs { action: None }) => {
            let v = unlock(g)?;
            out.inbox(&v.inbox()?);
        }
        Command::Inbox(InboxArgs {
            action: Some(InboxCmd::Retry(a)),
        }) => {
            let mut v = unlock(g)?;
            let s = v.retry_inbox(&a.file, &mut |p| out.progress(p.phase, p.done, p.total))?;
            out.imported(&s);
        }
        Command::Conflicts(ConflictsArgs { action: None }) => {
            let v = unlock(g)?;
            out.conflicts(&v.conflicts()?);
        }
        Command::Conflicts(ConflictsArgs {
            action: Some(ConflictsCmd::Resolve(a)),
        }) => {
            let mut v = unlock(g)?;
            let pick = a.pick.as_deref().map(|p| id(p, "operation")).transpose()?;
            let merged = a
                .value
                .as_deref()
                .map(|t| {
                    serde_json::from_str::<serde_json::Value>(t).map_err(|e| {
                        usage(format!(
                            "--value is not JSON ({e}); a text needs quotes, e.g. '\"高橋家\"'"
                        ))
                    })
                })
                .transpose()?;
            let value = v.resolve_conflict(id(&a.entity, "record")?, &a.field, pick, merged)?;
            out.resolved(&value);
        }
        Command::Quarantine => {
            let v = unlock(g)?;
            out.quarantine(&v.quarantine()?);
        }
        Command::Digest => {
            let v = unlock(g)?;
            out.digest(&v.digest()?);
        }
        Command::Assessment(cmd) => assessment(g, &out, cmd)?,
        Command::Plan(cmd) => plan(g, &out, cmd)?,
        Command::Referral(cmd) => referral(g, &out, cmd)?,
        Command::Resource(cmd) => resource(g, &out, cmd)?,
        Command::Meeting(cmd) => meeting(g, &out, cmd)?,
        Command::Ledger(a) => {
            let mut v = unlock(g)?;
            let lead = a.lead.as_deref().map(|s| agency(&v, s)).transpose()?;
            let filter = kasane::LedgerFilter {
                cases: CaseFilter {
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
                },
                risk: a.risk.as_deref().map(Risk::parse).transpose().map_err(Error::from)?,
                overdue_only: a.overdue,
                sort: kasane::LedgerSort::parse(&a.sort).map_err(Error::from)?,
            };
            match a.print {
                Some(path) => {
                    let html = v.print_ledger(&filter, a.copies)?;
                    v.save_printout(&path, &html)?;
                    out.printout(
                        &format!(
                            "進行管理台帳を出力しました / case progress register written: {}",
                            path.display()
                        ),
                        &path,
                    );
                }
                None => out.ledger(&v.ledger(&filter)?),
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

fn person_id(s: &Option<String>) -> Result<Option<Uuid>> {
    s.as_deref().map(|p| id(p, "person")).transpose()
}

fn assessment(g: &Global, out: &Out, cmd: AssessmentCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        AssessmentCmd::Add(a) => {
            let idv = v.add_assessment(kasane::NewAssessmentEntry {
                case: id(&a.case, "case")?,
                domain: a.domain,
                person: person_id(&a.person)?,
                seen: a.seen,
                strengths: a.strengths,
                needs: a.needs,
                risk: a.risk.as_deref().map(Risk::parse).transpose().map_err(Error::from)?,
                no_contact: a.no_contact,
                date: a.date.as_deref().map(date).transpose()?,
            })?;
            out.id("assessment", idv);
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

fn plan(g: &Global, out: &Out, cmd: PlanCmd) -> Result<()> {
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

fn referral(g: &Global, out: &Out, cmd: ReferralCmd) -> Result<()> {
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

fn resource(g: &Global, out: &Out, cmd: ResourceCmd) -> Result<()> {
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

fn meeting(g: &Global, out: &Out, cmd: MeetingCmd) -> Result<()> {
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
        MeetingCmd::Propose(a) => out.proposals(&v.propose_agenda(id(&a.id, "meeting")?)?),
        MeetingCmd::Agenda(AgendaCmd::Add(a)) => {
            let m = id(&a.meeting, "meeting")?;
            let c = id(&a.case, "case")?;
            let reasons: Vec<String> = v
                .propose_agenda(m)?
                .into_iter()
                .find(|p| p.case == c)
                .map(|p| p.reasons.into_iter().map(|r| r.code.to_string()).collect())
                .unwrap_or_default();
            let idv = v.add_to_agenda(m, c, a.minutes, reasons, a.note.as_deref())?;
            out.id("agenda-item", idv);
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
                    v.record_item(
                        m,
                        id(c, "case")?,
                        kasane::ItemRecord {
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
                        due: a.due.as_deref().map(date).transpose()?,
                        meeting: Some(m),
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
    }
    Ok(())
}

fn household(g: &Global, out: &Out, cmd: HouseholdCmd) -> Result<()> {
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

fn person(g: &Global, out: &Out, cmd: PersonCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        PersonCmd::Add(a) => {
            let id = v.add_person(NewPerson {
                household: id(&a.household, "household")?,
                family_name: a.family_name,
                given_name: a.given_name,
                family_kana: a.family_kana,
                given_kana: a.given_kana,
                birth: Some(partial(&a.birth)?),
                sex: Sex::parse(&a.sex).map_err(Error::from)?,
                relation: a.relation,
                living_together: a.living_together.as_deref().map(yes_no).transpose()?.unwrap_or(true),
                deceased: a.deceased.as_deref().map(partial).transpose()?,
            })?;
            out.id("person", id);
        }
        PersonCmd::Show(a) => {
            let p = v.person(id(&a.id, "person")?)?;
            out.person(&p);
        }
        PersonCmd::Update(a) => {
            v.update_person(
                id(&a.id, "person")?,
                PersonUpdate {
                    family_name: a.family_name,
                    given_name: a.given_name,
                    family_kana: a.family_kana,
                    given_kana: a.given_kana,
                    birth: clearable(&a.birth, partial)?,
                    sex: a.sex.as_deref().map(Sex::parse).transpose().map_err(Error::from)?,
                    relation: a.relation,
                    living_together: a.living_together.as_deref().map(yes_no).transpose()?,
                    deceased: clearable(&a.deceased, partial)?,
                    archived: None,
                },
            )?;
            out.done("person updated");
        }
    }
    Ok(())
}

fn case(g: &Global, out: &Out, cmd: CaseCmd) -> Result<()> {
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
        CaseCmd::Flag(a) => {
            let idv = v.flag_case(id(&a.case, "case")?, a.close, &a.reason)?;
            out.id("flag", idv);
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

fn note(g: &Global, out: &Out, cmd: NoteCmd) -> Result<()> {
    let mut v = unlock(g)?;
    match cmd {
        NoteCmd::Add(a) => {
            let id = v.add_note(NewNote {
                case: id(&a.case, "case")?,
                kind: NoteKind::parse(&a.kind).map_err(Error::from)?,
                text: a.text,
                date: a.date.as_deref().map(date).transpose()?,
                internal: a.internal,
            })?;
            out.id("note", id);
        }
        NoteCmd::List(a) => {
            let notes = v.notes_of(id(&a.case, "case")?)?;
            out.notes(&v, &notes)?;
        }
        NoteCmd::Edit(a) => {
            v.edit_note(id(&a.id, "note")?, &a.text)?;
            out.done("note edited (the earlier version stays in the log)");
        }
        NoteCmd::Retract(a) => {
            v.retract_note(id(&a.id, "note")?)?;
            out.done("note retracted");
        }
    }
    Ok(())
}
