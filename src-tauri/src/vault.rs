//! Vault lifecycle commands: what the app knows at start, creating a vault (and showing its
//! recovery code once), unlocking, recovering with the recovery code, locking, workers (adding,
//! removing one who left, which changes the key and shows a new recovery code once) and
//! passphrases. Passphrases and the recovery code pass through as secrets and are not kept.

use std::path::{Path, PathBuf};

use kasane::{ExposeSecret, KeyError, SecretString, Setup, Vault, VaultDir, WorkerSlot};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    progress::{Report, Step, Steps},
    view::{DateView, id, id_text},
};

/// Who is signed in to which vault.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Session {
    pub vault_id: String,
    pub path: String,
    pub agency_id: String,
    pub agency_name: String,
    pub worker_id: String,
    pub worker_name: String,
    /// The engine's today (ages and due dates are counted against it).
    pub today: DateView,
}

/// A worker who can unlock the vault (readable before unlocking).
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkerSlotView {
    pub id: String,
    pub name: String,
}

impl From<&WorkerSlot> for WorkerSlotView {
    fn from(w: &WorkerSlot) -> Self {
        WorkerSlotView {
            id: id_text(w.worker),
            name: w.name.clone(),
        }
    }
}

/// What the window needs before anything is unlocked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StartInfo {
    /// The folder named by `KASANE_VAULT`: open its unlock screen directly.
    pub env_vault: Option<String>,
    /// Where a new vault goes by default (the same folder the `kasane` command uses).
    pub default_vault_path: Option<String>,
    /// Whether a vault already exists at the default folder.
    pub default_vault_exists: bool,
    pub min_passphrase_chars: u32,
    pub max_text_chars: u32,
    /// The session, when the window was reloaded while unlocked.
    pub session: Option<Session>,
}

/// A vault folder as seen before unlocking.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VaultFolder {
    pub path: String,
    pub vault_id: String,
    pub workers: Vec<WorkerSlotView>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewVaultInput {
    pub path: String,
    pub agency: String,
    pub site: String,
    pub worker: String,
    pub passphrase: String,
    pub passphrase_again: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CreatedVault {
    pub session: Session,
    /// Shown once, to be written down; never stored by Kasane.
    pub recovery_code: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct UnlockInput {
    pub path: String,
    /// Worker id (from `VaultFolder.workers`).
    pub worker: String,
    pub passphrase: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RecoverInput {
    pub path: String,
    pub worker: String,
    pub recovery_code: String,
    pub new_passphrase: String,
    pub new_passphrase_again: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RestoreInput {
    /// The backup folder (a `kasane-backup-…` folder on a USB stick or a file server).
    pub backup: String,
    /// Where the restored case records go on this PC: a new or empty folder.
    pub path: String,
    /// Worker id (from `VaultFolder.workers` of the backup).
    pub worker: String,
    pub passphrase: String,
    /// The name of this PC, as partners will see it.
    pub site: String,
}

/// A backup restored onto this PC.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RestoredVault {
    pub session: Session,
    /// This PC's 照合番号 (new keys), in its six groups, for partners to compare.
    pub groups: Vec<String>,
    /// The name of the PC the backup came from, now retired.
    pub old_site_name: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewWorkerInput {
    pub name: String,
    pub passphrase: String,
    pub passphrase_again: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct WorkerRemoveInput {
    /// Worker id (from `vault_workers`).
    pub worker: String,
}

/// A worker removed: the database key and the recovery code were changed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkerRemoved {
    pub removed: WorkerSlotView,
    /// The workers who keep access, with the passwords they have.
    pub remaining: Vec<String>,
    /// The new recovery code: shown once, to be written down; the old one no longer works.
    pub recovery_code: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PassphraseChangeInput {
    /// Asked again so that an unlocked, unattended window is not enough to take over the slot.
    pub current_passphrase: String,
    pub passphrase: String,
    pub passphrase_again: String,
}

/// The folder the `kasane` command uses when given none.
pub fn default_vault_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("jp", "Kasane", "Kasane").map(|d| d.data_dir().join("vault"))
}

fn folder(path: &str) -> Result<PathBuf, CommandError> {
    let p = PathBuf::from(path.trim());
    if p.as_os_str().is_empty() {
        return Err(kasane::RecordError::Missing("folder").into());
    }
    if !p.is_absolute() {
        return Err(CommandError::relative_path(path));
    }
    Ok(p)
}

/// Both entries of a new passphrase, as a secret, when they match.
fn new_passphrase(first: String, again: String) -> Result<SecretString, CommandError> {
    let first = SecretString::from(first);
    let again = SecretString::from(again);
    if first.expose_secret() != again.expose_secret() {
        return Err(KeyError::PassphraseMismatch.into());
    }
    Ok(first)
}

fn session_of(vault: &Vault) -> Result<Session, CommandError> {
    let me = vault.identity();
    let agency_name = vault.agency(me.agency)?.name;
    Ok(Session {
        vault_id: id_text(me.vault),
        path: vault.dir().display().to_string(),
        agency_id: id_text(me.agency),
        agency_name,
        worker_id: id_text(me.worker),
        worker_name: vault.worker_name().to_string(),
        today: vault.ambient().clock.today().into(),
    })
}

pub fn app_start(desk: &Desktop) -> Result<StartInfo, CommandError> {
    let default = default_vault_path();
    let session = if desk.is_unlocked() {
        desk.with_vault(|v| session_of(v)).map(Some)?
    } else {
        None
    };
    Ok(StartInfo {
        env_vault: desk.env_vault.as_ref().map(|p| p.display().to_string()),
        default_vault_exists: default.as_deref().is_some_and(|p| VaultDir::open(p).is_ok()),
        default_vault_path: default.map(|p| p.display().to_string()),
        min_passphrase_chars: kasane::MIN_PASSPHRASE_CHARS as u32,
        max_text_chars: kasane::MAX_TEXT_CHARS as u32,
        session,
    })
}

fn open_folder(path: &Path) -> Result<VaultDir, CommandError> {
    Ok(VaultDir::open(path)?)
}

pub fn vault_inspect(path: String) -> Result<VaultFolder, CommandError> {
    let dir = open_folder(&folder(&path)?)?;
    Ok(VaultFolder {
        path: dir.path().display().to_string(),
        vault_id: id_text(dir.id()),
        workers: dir.workers().iter().map(WorkerSlotView::from).collect(),
    })
}

pub fn vault_create(desk: &Desktop, input: NewVaultInput, report: &dyn Report) -> Result<CreatedVault, CommandError> {
    let mut steps = Steps::new(report, 2);
    let path = folder(&input.path)?;
    let passphrase = new_passphrase(input.passphrase, input.passphrase_again)?;
    steps.step(Step::CreateVault);
    desk.lock();
    let (vault, code) = Vault::create(
        &path,
        Setup {
            agency: input.agency,
            site: input.site,
            worker: input.worker,
            passphrase,
            kdf: desk.kdf,
            // Joining an agency that already uses Kasane (from a member card) comes with exchange.
            join: None,
        },
        desk.ambient(),
    )?;
    steps.step(Step::ReadIdentity);
    let session = session_of(&vault)?;
    let recovery_code = code.display().to_string();
    desk.open(vault);
    steps.done();
    Ok(CreatedVault { session, recovery_code })
}

pub fn vault_unlock(desk: &Desktop, input: UnlockInput, report: &dyn Report) -> Result<Session, CommandError> {
    let mut steps = Steps::new(report, 3);
    let path = folder(&input.path)?;
    let worker = id("worker", &input.worker)?.to_string();
    let passphrase = SecretString::from(input.passphrase);
    steps.step(Step::OpenFolder);
    let dir = open_folder(&path)?;
    desk.lock();
    steps.step(Step::Unlock);
    let vault = dir.unlock(Some(&worker), &passphrase, desk.ambient())?;
    steps.step(Step::ReadIdentity);
    let session = session_of(&vault)?;
    desk.open(vault);
    steps.done();
    Ok(session)
}

pub fn vault_recover(desk: &Desktop, input: RecoverInput, report: &dyn Report) -> Result<Session, CommandError> {
    let mut steps = Steps::new(report, 3);
    let path = folder(&input.path)?;
    let worker = id("worker", &input.worker)?.to_string();
    let passphrase = new_passphrase(input.new_passphrase, input.new_passphrase_again)?;
    let code = SecretString::from(input.recovery_code);
    steps.step(Step::OpenFolder);
    let dir = open_folder(&path)?;
    desk.lock();
    steps.step(Step::Recover);
    let vault = dir.recover(
        code.expose_secret(),
        Some(&worker),
        &passphrase,
        desk.kdf,
        desk.ambient(),
    )?;
    steps.step(Step::ReadIdentity);
    let session = session_of(&vault)?;
    desk.open(vault);
    steps.done();
    Ok(session)
}

/// Restores a backup onto this PC: a new PC of the same agency with new keys; the PC the backup
/// came from is retired (its past work stays valid, nothing newer from it is accepted).
pub fn vault_restore(desk: &Desktop, input: RestoreInput, report: &dyn Report) -> Result<RestoredVault, CommandError> {
    let mut steps = Steps::new(report, 3);
    let backup = folder(&input.backup)?;
    let path = folder(&input.path)?;
    let worker = id("worker", &input.worker)?.to_string();
    let passphrase = SecretString::from(input.passphrase);
    steps.step(Step::OpenFolder);
    open_folder(&backup)?;
    desk.lock();
    steps.step(Step::Restore);
    let (vault, report) = VaultDir::restore(
        &backup,
        &path,
        Some(&worker),
        &passphrase,
        input.site.trim(),
        desk.ambient(),
    )?;
    steps.step(Step::ReadIdentity);
    let session = session_of(&vault)?;
    let old_site_name = vault
        .site_info(report.old_site)
        .map(|s| s.site_name)
        .unwrap_or_default();
    desk.open(vault);
    steps.done();
    Ok(RestoredVault {
        session,
        groups: crate::exchange::fingerprint_groups(&report.fingerprint),
        old_site_name,
    })
}

/// Locks. Safe to call when already locked.
pub fn vault_lock(desk: &Desktop) -> bool {
    desk.lock()
}

pub fn vault_workers(desk: &Desktop) -> Result<Vec<WorkerSlotView>, CommandError> {
    desk.with_vault(|v| Ok(v.workers().iter().map(WorkerSlotView::from).collect()))
}

pub fn worker_add(desk: &Desktop, input: NewWorkerInput, report: &dyn Report) -> Result<WorkerSlotView, CommandError> {
    let mut steps = Steps::new(report, 1);
    let passphrase = new_passphrase(input.passphrase, input.passphrase_again)?;
    steps.step(Step::WriteKeySlot);
    let kdf = desk.kdf;
    let added = desk.with_vault(|v| {
        let id = v.add_worker(&input.name, &passphrase, kdf)?;
        let slot = v
            .workers()
            .iter()
            .find(|w| w.worker == id)
            .map(WorkerSlotView::from)
            .ok_or_else(|| CommandError::from(kasane::RecordError::NotFound(id)))?;
        Ok(slot)
    })?;
    steps.done();
    Ok(added)
}

/// Removes a worker who left: the engine refuses yourself, the last worker and remaining workers
/// whose key files are still in an older form, and otherwise changes the key.
pub fn worker_remove(
    desk: &Desktop,
    input: WorkerRemoveInput,
    report: &dyn Report,
) -> Result<WorkerRemoved, CommandError> {
    let mut steps = Steps::new(report, 1);
    let worker = id("worker", &input.worker)?;
    steps.step(Step::ChangeKey);
    let removed = desk.with_vault(|v| {
        // The app shows the code from the answer; the window cannot show it any earlier.
        let (removal, code) = v.remove_workers(&[worker.to_string().as_str()], &mut |_| {})?;
        let removed = removal
            .removed
            .first()
            .map(|w| WorkerSlotView {
                id: id_text(w.worker),
                name: w.name.clone(),
            })
            .ok_or_else(|| CommandError::from(kasane::RecordError::NotFound(worker)))?;
        Ok(WorkerRemoved {
            removed,
            remaining: removal.remaining,
            recovery_code: code.display().to_string(),
        })
    })?;
    steps.done();
    Ok(removed)
}

pub fn passphrase_change(
    desk: &Desktop,
    input: PassphraseChangeInput,
    report: &dyn Report,
) -> Result<(), CommandError> {
    let mut steps = Steps::new(report, 1);
    let current = SecretString::from(input.current_passphrase);
    let passphrase = new_passphrase(input.passphrase, input.passphrase_again)?;
    steps.step(Step::WriteKeySlot);
    let kdf = desk.kdf;
    desk.with_vault(|v| Ok(v.change_passphrase(&current, &passphrase, kdf)?))?;
    steps.done();
    Ok(())
}

pub fn session(desk: &Desktop) -> Result<Session, CommandError> {
    desk.with_vault(|v| session_of(v))
}
