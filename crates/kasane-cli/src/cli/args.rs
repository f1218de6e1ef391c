//! The command line, as clap structures. Flag names are part of the stable interface
//! (docs/cli.md); add, never rename.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "kasane", version, about = "Kasane (かさね): encrypted multi-agency case records", long_about = None)]
pub struct Args {
    #[command(flatten)]
    pub global: Global,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct Global {
    /// The case records folder (default: the platform's data folder, e.g. ~/.local/share/kasane/vault).
    #[arg(long, global = true, env = "KASANE_VAULT", value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Which worker unlocks (name or id); needed when the case records have more than one.
    #[arg(long, global = true, env = "KASANE_WORKER", value_name = "NAME")]
    pub worker: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the case records for an agency and site, with its first worker; prints the recovery code once.
    Init(InitArgs),
    /// Workers who can unlock these case records.
    #[command(subcommand)]
    Worker(WorkerCmd),
    /// Change the signed-in worker's password.
    #[command(subcommand)]
    Passphrase(PassphraseCmd),
    /// Regain access with the recovery code: set a new password for a worker.
    Recover(KdfArgs),
    /// Households (世帯).
    #[command(subcommand)]
    Household(HouseholdCmd),
    /// Persons (世帯員).
    #[command(subcommand)]
    Person(PersonCmd),
    /// Relationships between members of a household.
    #[command(subcommand)]
    Relation(RelationCmd),
    /// Cases.
    #[command(subcommand)]
    Case(CaseCmd),
    /// Consent records.
    #[command(subcommand)]
    Consent(ConsentCmd),
    /// The contact log (支援経過).
    #[command(subcommand)]
    Note(NoteCmd),
    /// Agencies in the directory of these case records.
    #[command(subcommand)]
    Agency(AgencyCmd),
    /// The city's district codes.
    Districts,
    /// The problem taxonomy codes.
    Problems,
    /// Search persons, households and the contact log (kanji, kana, romaji, name variants).
    Search(SearchArgs),
    /// The audit trail, after checking its hash chain.
    Audit(AuditArgs),
    /// Fill the case records with a synthetic demo city.
    Demo(DemoArgs),
    /// Where these case records are and what they hold.
    Status,
    /// Agency check files: this site's, and partners'.
    #[command(subcommand)]
    Card(CardCmd),
    /// Partner sites (from their agency check files) and their state.
    Sites,
    /// Sites: revoke a lost or retired PC.
    #[command(subcommand)]
    Site(SiteCmd),
    /// Exchange files: write one for a partner, inspect, import.
    #[command(subcommand)]
    Bundle(BundleCmd),
    /// Exchange files received and what became of them; retry one whose import failed.
    Inbox(InboxArgs),
    /// Differing entries: fields two agencies changed at the same time; resolve them.
    Conflicts(ConflictsArgs),
    /// Writes received but not applied, and why.
    Quarantine,
    /// A hash of the shared state per scope: equal on every site that has seen the same operations.
    Digest,
    /// The shared family assessment (見立て).
    #[command(subcommand)]
    Assessment(AssessmentCmd),
    /// The support plan: goals and actions, with the division of roles (役割分担).
    #[command(subcommand)]
    Plan(PlanCmd),
    /// Referrals (つなぎ) to agencies and community resources.
    #[command(subcommand)]
    Referral(ReferralCmd),
    /// Community resources (居場所, 食料支援, 学習支援 …).
    #[command(subcommand)]
    Resource(ResourceCmd),
    /// Support meetings: cases for discussion, record, finalise, per-agency meeting files, printing.
    #[command(subcommand)]
    Meeting(MeetingCmd),
    /// The case progress register (進行管理台帳).
    Ledger(LedgerArgs),
}

#[derive(Debug, Subcommand)]
pub enum AssessmentCmd {
    Add(AssessmentAdd),
    /// Every agency's entries side by side, per domain.
    List(CaseArg),
    /// What changed since the last meeting that discussed the case.
    Changes(CaseArg),
}

#[derive(Debug, clap::Args)]
pub struct CaseArg {
    #[arg(long)]
    pub case: String,
}

#[derive(Debug, clap::Args)]
pub struct AssessmentAdd {
    #[arg(long)]
    pub case: String,
    /// wishes household health care money housing children safety connection daily-life
    #[arg(long)]
    pub domain: String,
    /// What was seen (for wishes: what the person or family wants, in their words).
    #[arg(long)]
    pub seen: String,
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

#[derive(Debug, Subcommand)]
pub enum MeetingCmd {
    /// Plan a meeting coordinated by this agency.
    New(MeetingNew),
    Show(IdArg),
    List,
    /// Cases proposed for the agenda, each with its reasons.
    Propose(IdArg),
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
}

#[derive(Debug, clap::Args)]
pub struct MeetingNew {
    /// shien-kaigi | jusoteki-shien-kaigi | kobetsu-case-kento | jitsumusha-kaigi | chiiki-care-kaigi | consent-only
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
    /// Move an item (--to N, 1 = first) and/or set its time (--minutes).
    Move(AgendaMove),
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

#[derive(Debug, clap::Args)]
pub struct LedgerArgs {
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub lead: Option<String>,
    #[arg(long)]
    pub risk: Option<String>,
    #[arg(long)]
    pub district: Option<String>,
    #[arg(long)]
    pub problem: Option<String>,
    /// Only cases with overdue actions or an overdue review.
    #[arg(long)]
    pub overdue: bool,
    /// Include closed cases.
    #[arg(long)]
    pub all: bool,
    /// next-review | last-review | risk | lead | opened | household
    #[arg(long, default_value = "next-review")]
    pub sort: String,
    /// Write the printable HTML case progress register here instead of listing it.
    #[arg(long)]
    pub print: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
}

#[derive(Debug, Subcommand)]
pub enum CardCmd {
    /// Write this site's agency check file.
    Export(OutArg),
    /// Import a partner's agency check file; prints its check number to compare by phone.
    Import(CardImport),
    /// Mark a partner's agency check file verified after comparing the check number.
    Verify(CardVerify),
}

#[derive(Debug, clap::Args)]
pub struct OutArg {
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct FileArg {
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CardImport {
    pub file: PathBuf,
    /// The file is of another PC of this agency (one that joined it with `init --join`), not a
    /// partner's.
    #[arg(long)]
    pub own_pc: bool,
}

#[derive(Debug, clap::Args)]
pub struct InboxArgs {
    #[command(subcommand)]
    pub action: Option<InboxCmd>,
}

#[derive(Debug, Subcommand)]
pub enum InboxCmd {
    /// Import again an exchange file whose import failed (or that waits for an update).
    Retry(InboxRetry),
}

#[derive(Debug, clap::Args)]
pub struct InboxRetry {
    /// The file name `kasane inbox` lists.
    pub file: String,
}

#[derive(Debug, clap::Args)]
pub struct CardVerify {
    pub site: String,
    /// The check number the partner read out (30 digits; spaces do not matter).
    #[arg(long)]
    pub fingerprint: String,
}

#[derive(Debug, Subcommand)]
pub enum SiteCmd {
    Revoke(IdArg),
}

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Write an exchange file with what the partner may see and does not yet have.
    Export(BundleExport),
    /// Show what an exchange file holds without applying it.
    Inspect(FileArg),
    /// Verify and apply an exchange file.
    Import(FileArg),
}

#[derive(Debug, clap::Args)]
pub struct BundleExport {
    /// A partner agency (all its verified sites) or one site.
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub out: PathBuf,
    /// Resend everything the partner may see, not only what it lacks.
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConflictsArgs {
    #[command(subcommand)]
    pub action: Option<ConflictsCmd>,
}

#[derive(Debug, Subcommand)]
pub enum ConflictsCmd {
    /// Settle a field: pick one of the values (--pick OP_ID) or give a merged value (--value JSON).
    Resolve(ConflictResolve),
}

#[derive(Debug, clap::Args)]
pub struct ConflictResolve {
    pub entity: String,
    #[arg(long)]
    pub field: String,
    #[arg(long, conflicts_with = "value")]
    pub pick: Option<String>,
    /// A JSON value (a string needs quotes: '"高橋家"').
    #[arg(long)]
    pub value: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The agency's name (not needed with --join).
    #[arg(long, required_unless_present = "join")]
    pub agency: Option<String>,
    /// Join an agency that already uses Kasane: the agency check file of one of its sites.
    #[arg(long, value_name = "CARD")]
    pub join: Option<PathBuf>,
    #[arg(long)]
    pub site: String,
    #[arg(long)]
    pub worker: String,
    /// scrypt cost as log2(N) instead of calibrating to ~0.5–1 s; for tests only.
    #[arg(long, value_name = "LOG_N")]
    pub kdf_cost: Option<u8>,
}

#[derive(Debug, clap::Args)]
pub struct KdfArgs {
    /// scrypt cost as log2(N) instead of calibrating; for tests only.
    #[arg(long, value_name = "LOG_N")]
    pub kdf_cost: Option<u8>,
}

#[derive(Debug, Subcommand)]
pub enum WorkerCmd {
    /// Add a worker; their password comes from KASANE_NEW_PASSPHRASE or a prompt.
    Add(WorkerAdd),
    /// List the workers who have a key slot.
    List,
}

#[derive(Debug, clap::Args)]
pub struct WorkerAdd {
    pub name: String,
    #[arg(long, value_name = "LOG_N")]
    pub kdf_cost: Option<u8>,
}

#[derive(Debug, Subcommand)]
pub enum PassphraseCmd {
    /// New password from KASANE_NEW_PASSPHRASE or a prompt (asked twice).
    Change(KdfArgs),
}

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

#[derive(Debug, clap::Args)]
pub struct IdArg {
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    Add(PersonAdd),
    Show(IdArg),
    Update(PersonUpdateArgs),
}

#[derive(Debug, clap::Args)]
pub struct PersonAdd {
    #[arg(long)]
    pub household: String,
    #[arg(long)]
    pub family_name: String,
    #[arg(long)]
    pub given_name: String,
    #[arg(long)]
    pub family_kana: String,
    #[arg(long)]
    pub given_kana: String,
    /// 和暦 (S23.5.1, 昭和23年5月1日, R1.5.1) or ISO (1948-05-01); partial dates (S15, 1990-03) are fine.
    #[arg(long)]
    pub birth: String,
    /// female | male | other | unanswered (or 女性 / 男性 / その他 / 未回答).
    #[arg(long)]
    pub sex: String,
    /// Relation as seen from the person supported (支援対象者（本人）からみた続柄): 本人, 妻, 長男 …
    #[arg(long)]
    pub relation: String,
    /// yes | no (default yes).
    #[arg(long)]
    pub living_together: Option<String>,
    #[arg(long)]
    pub deceased: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PersonUpdateArgs {
    pub id: String,
    #[arg(long)]
    pub family_name: Option<String>,
    #[arg(long)]
    pub given_name: Option<String>,
    #[arg(long)]
    pub family_kana: Option<String>,
    #[arg(long)]
    pub given_kana: Option<String>,
    #[arg(long)]
    pub birth: Option<String>,
    #[arg(long)]
    pub sex: Option<String>,
    #[arg(long)]
    pub relation: Option<String>,
    #[arg(long)]
    pub living_together: Option<String>,
    #[arg(long)]
    pub deceased: Option<String>,
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

#[derive(Debug, clap::Args)]
pub struct CaseShare {
    pub case: String,
    #[arg(long)]
    pub agency: String,
    /// shien-kaigi | jusoteki-shien-kaigi | yotaikyo | chiiki-care-kaigi | consent:<consent id>
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

#[derive(Debug, Subcommand)]
pub enum ConsentCmd {
    Add(ConsentAdd),
    Withdraw(ConsentWithdraw),
}

#[derive(Debug, clap::Args)]
pub struct ConsentAdd {
    #[arg(long)]
    pub person: String,
    /// What was agreed, e.g. "支援会議での情報共有".
    #[arg(long)]
    pub scope: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    /// written | verbal | other (or 書面 / 口頭 / その他)
    #[arg(long)]
    pub how: String,
    /// Agencies the consent names (repeatable).
    #[arg(long)]
    pub agency: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ConsentWithdraw {
    pub id: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum NoteCmd {
    Add(NoteAdd),
    List(NoteList),
    Edit(NoteEdit),
    Retract(IdArg),
}

#[derive(Debug, clap::Args)]
pub struct NoteAdd {
    #[arg(long)]
    pub case: String,
    /// visit | office | phone | email | meeting | accompany | other (or 訪問 / 来所 / 電話 / メール / 会議 / 同行 / その他)
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub text: String,
    /// Default: today.
    #[arg(long)]
    pub date: Option<String>,
    /// Keep on this PC only (機関内メモ): never shared.
    #[arg(long)]
    pub internal: bool,
}

#[derive(Debug, clap::Args)]
pub struct NoteList {
    #[arg(long)]
    pub case: String,
}

#[derive(Debug, clap::Args)]
pub struct NoteEdit {
    pub id: String,
    #[arg(long)]
    pub text: String,
}

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

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    #[arg(required = true)]
    pub query: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Show only the last N entries (the whole chain is still verified).
    #[arg(long)]
    pub limit: Option<usize>,
}

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
