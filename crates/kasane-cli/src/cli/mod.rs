//! The `kasane` command line: the global flags, the list of commands, dispatch to the module of
//! each noun, and the one error type every command ends with. Flag names, output and exit codes
//! are a stable interface (docs/cli.md): add, never rename.

mod agency;
mod archive;
mod assessment;
mod audit;
mod backup;
mod case;
mod consent;
mod demo;
mod exchange;
mod household;
mod input;
mod ledger;
mod meeting;
mod note;
mod person;
mod plan;
mod print;
mod referral;
mod retention;
mod roster;
mod search;
mod secrets;
mod site;
mod stats;
mod vault;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kasane::Error;

use agency::AgencyCmd;
use assessment::AssessmentCmd;
use audit::AuditArgs;
use case::CaseCmd;
use consent::ConsentCmd;
use demo::DemoArgs;
use exchange::{BundleCmd, ConflictsArgs, InboxArgs};
use household::{HouseholdCmd, RelationCmd};
use ledger::LedgerArgs;
use meeting::MeetingCmd;
use note::NoteCmd;
use person::PersonCmd;
use plan::PlanCmd;
use print::Out;
use referral::{ReferralCmd, ResourceCmd};
use roster::RosterCmd;
use search::SearchArgs;
use site::{CardCmd, SiteCmd};
use vault::{InitArgs, KdfArgs, PassphraseCmd, WorkerCmd};

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
    /// The counts the city reports, for a 年度 or a period, grouped by month, district, problem,
    /// agency or age band; also as CSV and .xlsx.
    Stats(stats::StatsArgs),
    /// Retention (保存年限) and disposal of closed cases, and the 廃棄記録.
    #[command(subcommand)]
    Retention(retention::RetentionCmd),
    /// Everything these case records hold, with the printed forms, in one file encrypted with its own
    /// password that the standard `age` and `tar` tools open (記録一式; docs/archive-format.md).
    Archive(archive::ArchiveArgs),
    /// Write a backup of the case records to a folder (--out), set the reminder, or show when the
    /// last backup was taken.
    Backup(backup::BackupArgs),
    /// Restore a backup onto this PC as a new PC of the same agency (the old PC is retired).
    Restore(backup::RestoreArgs),
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
    /// Conference rosters (構成員名簿): who may attend and be shared cases under a conference's law.
    #[command(subcommand)]
    Roster(RosterCmd),
}

// Arguments shared by several nouns' subcommands. Like every clap struct here they have no `///`
// of their own: clap could show it as help text, and help text is part of the interface.

#[derive(Debug, clap::Args)]
pub struct IdArg {
    pub id: String,
}

#[derive(Debug, clap::Args)]
pub struct CaseArg {
    #[arg(long)]
    pub case: String,
}

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

/// Every engine module's own error ends the command the way the engine's API error does.
macro_rules! engine_errors {
    ($($t:ty),* $(,)?) => {
        $(impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Engine(e.into())
            }
        })*
    };
}

engine_errors!(
    kasane::StoreError,
    kasane::VaultError,
    kasane::RecordError,
    kasane::SiteError,
    kasane::ShareError,
    kasane::BundleError,
    kasane::MeetingError,
    kasane::KeyError,
);

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

/// Runs one command. Each noun's module reads its own arguments and prints its own result; what
/// comes back here is only the error, which main turns into the message and the exit code.
pub fn run(args: Args) -> Result<()> {
    let out = Out::new(args.json);
    let g = &args.global;
    match args.command {
        Command::Init(a) => vault::init(g, &out, a),
        Command::Worker(cmd) => vault::worker(g, &out, cmd),
        Command::Passphrase(cmd) => vault::passphrase(g, &out, cmd),
        Command::Recover(a) => vault::recover(g, &out, a),
        Command::Household(cmd) => household::run(g, &out, cmd),
        Command::Person(cmd) => person::run(g, &out, cmd),
        Command::Relation(cmd) => household::relation(g, &out, cmd),
        Command::Case(cmd) => case::run(g, &out, cmd),
        Command::Consent(cmd) => consent::run(g, &out, cmd),
        Command::Note(cmd) => note::run(g, &out, cmd),
        Command::Agency(cmd) => agency::run(g, &out, cmd),
        Command::Districts => {
            out.districts();
            Ok(())
        }
        Command::Problems => {
            out.problems();
            Ok(())
        }
        Command::Search(a) => search::run(g, &out, a),
        Command::Audit(a) => audit::run(g, &out, a),
        Command::Stats(a) => stats::run(g, &out, a),
        Command::Retention(c) => retention::run(g, &out, c),
        Command::Archive(a) => archive::run(g, &out, a),
        Command::Backup(a) => backup::backup(g, &out, a),
        Command::Restore(a) => backup::restore(g, &out, a),
        Command::Demo(a) => demo::run(g, &out, a),
        Command::Status => vault::status(g, &out),
        Command::Card(cmd) => site::card(g, &out, cmd),
        Command::Sites => site::sites(g, &out),
        Command::Site(cmd) => site::site(g, &out, cmd),
        Command::Bundle(cmd) => exchange::bundle(g, &out, cmd),
        Command::Inbox(cmd) => exchange::inbox(g, &out, cmd),
        Command::Conflicts(cmd) => exchange::conflicts(g, &out, cmd),
        Command::Quarantine => exchange::quarantine(g, &out),
        Command::Digest => exchange::digest(g, &out),
        Command::Assessment(cmd) => assessment::run(g, &out, cmd),
        Command::Plan(cmd) => plan::run(g, &out, cmd),
        Command::Referral(cmd) => referral::run(g, &out, cmd),
        Command::Resource(cmd) => referral::resource(g, &out, cmd),
        Command::Meeting(cmd) => meeting::run(g, &out, cmd),
        Command::Ledger(a) => ledger::run(g, &out, a),
        Command::Roster(cmd) => roster::run(g, &out, cmd),
    }
}
