//! The case records themselves: creating them (`init`), who can unlock them (`worker`,
//! `passphrase`, `recover`), opening them for every other command, and `status`. A password is
//! never taken from the command line, only from the environment or a no-echo prompt.

use std::path::PathBuf;

use clap::Subcommand;
use kasane::{Ambient, Error, KdfCost, Setup, Vault, VaultDir, WorkerSlot};
use serde_json::json;

use super::input::read_named;
use super::print::{Out, outln};
use super::{Global, Result, secrets, usage};

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
    /// Remove workers who left: their password no longer opens the case records, the database
    /// key and the recovery code are changed (the new code is printed once). Without --yes, says
    /// what would happen and changes nothing.
    Remove(WorkerRemove),
}

#[derive(Debug, clap::Args)]
pub struct WorkerRemove {
    /// The workers to remove (name or id); several are removed with one key change.
    #[arg(required = true)]
    pub names: Vec<String>,
    /// Remove them: without it, what would happen is listed and nothing changes.
    #[arg(long)]
    pub yes: bool,
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

pub fn vault_dir(args: &Global) -> Result<PathBuf> {
    if let Some(v) = &args.vault {
        return Ok(v.clone());
    }
    kasane::default_vault_dir().ok_or_else(|| usage("no home folder to put the case records in; pass --vault DIR"))
}

fn kdf(cost: Option<u8>) -> KdfCost {
    cost.map(KdfCost::Fixed).unwrap_or(KdfCost::Calibrated)
}

/// Opens the case records for a command. The prompt names the worker whose password is wanted,
/// since several workers may share one PC.
pub fn unlock(g: &Global) -> Result<Vault> {
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

pub fn init(g: &Global, out: &Out, a: InitArgs) -> Result<()> {
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
    Ok(())
}

pub fn worker(g: &Global, out: &Out, cmd: WorkerCmd) -> Result<()> {
    match cmd {
        WorkerCmd::Add(a) => {
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
        WorkerCmd::List => {
            let dir = VaultDir::open(&vault_dir(g)?)?;
            out.workers(dir.workers());
        }
        WorkerCmd::Remove(a) => {
            let mut v = unlock(g)?;
            let names: Vec<&str> = a.names.iter().map(String::as_str).collect();
            if !a.yes {
                out.worker_removal(&v.worker_removal(&names)?, None);
                return Ok(());
            }
            let plan = v.worker_removal(&names)?;
            // The new code is printed before the new key is put in force, so a code in force has
            // been shown even if this command is stopped before it ends; JSON comes whole, after.
            let (removal, code) = v.remove_workers(&names, &mut |code| {
                if !out.json {
                    out.new_recovery_code(&plan, &code.display());
                }
            })?;
            if out.json {
                out.worker_removal(&removal, Some(&code.display()));
            } else {
                outln!("職員を削除しました / removed: {}", names_of(&removal));
            }
        }
    }
    Ok(())
}

pub fn passphrase(g: &Global, out: &Out, cmd: PassphraseCmd) -> Result<()> {
    match cmd {
        PassphraseCmd::Change(a) => {
            let mut v = unlock(g)?;
            let current = secrets::passphrase("現在のパスワード / current password: ")?;
            let pass = secrets::new_passphrase(
                "KASANE_NEW_PASSPHRASE",
                "新しいパスワード（長めの文） / new password (a long sentence): ",
            )?;
            v.change_passphrase(&current, &pass, kdf(a.kdf_cost))?;
            out.done("password changed");
        }
    }
    Ok(())
}

pub fn recover(g: &Global, out: &Out, a: KdfArgs) -> Result<()> {
    let dir = VaultDir::open(&vault_dir(g)?)?;
    let code = secrets::recovery_code()?;
    let pass = secrets::new_passphrase(
        "KASANE_NEW_PASSPHRASE",
        "新しいパスワード（長めの文） / new password (a long sentence): ",
    )?;
    let v = dir.recover(&code, g.worker.as_deref(), &pass, kdf(a.kdf_cost), Ambient::system())?;
    out.done(&format!("access recovered: {} has a new password", v.worker_name()));
    Ok(())
}

pub fn status(g: &Global, out: &Out) -> Result<()> {
    let v = unlock(g)?;
    out.status(&v)?;
    Ok(())
}

fn names_of(r: &kasane::WorkerRemoval) -> String {
    r.removed.iter().map(|w| w.name.as_str()).collect::<Vec<_>>().join("、")
}

impl Out {
    pub fn created_vault(&self, v: &Vault, code: &str) {
        let me = v.identity();
        if self.json {
            self.print_json(&json!({
                "vault": me.vault, "site": me.site, "agency": me.agency, "worker": me.worker,
                "path": v.dir(), "recovery_code": code,
            }));
            return;
        }
        outln!("記録データを作成しました / case records created: {}", v.dir().display());
        outln!("  agency {}  site {}  worker {}", me.agency, me.site, me.worker);
        outln!();
        outln!("復旧用コード (recovery code) — 今だけ表示します。紙に書き、鍵のかかる場所に保管してください。");
        outln!("This is shown once. Write it down and keep it locked away:");
        outln!();
        outln!("    {code}");
        outln!();
        outln!(
            "相手機関と連携ファイルをやりとりしている場合は、このPCの鍵も新しくしてください / if this PC exchanges files with partners, give it new keys too: kasane site rotate-keys"
        );
    }

    pub fn workers(&self, w: &[WorkerSlot]) {
        if self.json {
            return self.print_json(&w);
        }
        for s in w {
            let older = if s.format < 3 {
                "  鍵ファイルが古い形式（次に開いたとき更新）/ older key file (updated at the next unlock)"
            } else {
                ""
            };
            outln!("{}  {}  (KDF 2^{}){older}", s.worker, s.name, s.kdf_log_n);
        }
    }

    /// What removing workers does (`code`: None before it is done) or did (JSON only: the text
    /// shows the code as it is made, in [`Out::new_recovery_code`]).
    pub fn worker_removal(&self, r: &kasane::WorkerRemoval, code: Option<&str>) {
        if self.json {
            return self.print_json(&json!({
                "removed": r.removed, "remaining": r.remaining, "done": code.is_some(), "recovery_code": code,
            }));
        }
        outln!("削除する職員 / to remove: {}", names_of(r));
        outln!(
            "  この職員のパスワードでは記録データを開けなくなります / their password will no longer open the case records"
        );
        outln!("  暗号の鍵と復旧用コードを新しくします / the database key and the recovery code will be changed");
        outln!(
            "  残る職員はいまのパスワードのまま使えます / those who stay keep their passwords: {}",
            r.remaining.join("、")
        );
        outln!(
            "削除するには --yes を付けて実行してください（ほかのかさねの画面やコマンドは閉じておいてください）/ run again with --yes to remove them (close other Kasane windows and commands first)"
        );
    }

    /// The new recovery code of a key change, shown once before the change is put in force.
    fn new_recovery_code(&self, r: &kasane::WorkerRemoval, code: &str) {
        outln!(
            "暗号の鍵を変更します。残る職員はいまのパスワードのまま使えます / changing the database key; those who stay keep their passwords: {}",
            r.remaining.join("、")
        );
        outln!();
        outln!(
            "新しい復旧用コード (new recovery code) — 今だけ表示します。紙に書き、鍵のかかる場所に保管してください。"
        );
        outln!(
            "This is shown once. Write it down and keep it locked away; once the workers are removed the old code no longer works:"
        );
        outln!();
        outln!("    {code}");
        outln!();
    }

    pub fn status(&self, v: &Vault) -> Result<()> {
        let me = v.identity();
        let (schema, latest) = v.schema_version()?;
        let households = v.households(&Default::default())?.len();
        let cases = v
            .cases(&kasane::CaseFilter {
                include_closed: true,
                ..Default::default()
            })?
            .len();
        let agency = v.agency(me.agency).map(|a| a.name).unwrap_or_default();
        let unreadable = v.unreadable_records()?;
        if self.json {
            self.print_json(&json!({
                "path": v.dir(), "identity": me, "agency_name": agency, "worker_name": v.worker_name(),
                "schema": schema, "schema_latest": latest, "households": households, "cases": cases,
                "unreadable": unreadable,
            }));
            return Ok(());
        }
        outln!("記録データ {}  (schema {schema}/{latest})", v.dir().display());
        outln!("  機関: {agency}  担当者: {}", v.worker_name());
        outln!("  世帯 {households}、ケース {cases}");
        if !unreadable.is_empty() {
            outln!("  ⚠ 読み取れない記録 {} 件（一覧には出ません）:", unreadable.len());
            for u in &unreadable {
                outln!("    {}  {}  {}", u.etype, u.id, u.scope);
            }
        }
        Ok(())
    }
}
