//! The vault: a folder holding the SQLCipher database (`kasane.db`), its key slots (`keys/`) and a
//! marker (`vault.json`, written last at setup). Nothing in the folder is readable without a
//! worker's passphrase or the recovery code: the database, its WAL and temporary data are all
//! encrypted or kept in memory. On Unix the folder is 0700 and every file in it 0600 (older
//! vaults are tightened when opened).
//!
//! A key change (a worker left) writes the database again under a new key and every key slot
//! anew; it is staged beside the live files and switched by renames, so a crash at any point
//! leaves a folder that opens under the old key or the new one, never neither (see
//! [`Vault::rekey`] and [`settle_rekey`]).
//!
//! This module knows no record type: it opens the folder, unlocks the key, and runs write
//! transactions. Creating a vault with its first directory records, adding workers and unlocking
//! with interrupted imports retried are in `setup`, which sits above the records and the exchange.

use std::{
    fs,
    path::{Path, PathBuf},
};

use age::secrecy::SecretString;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use kasane_store::{Kind, StoreError, is_busy};

use crate::{
    clock::Ambient,
    durable,
    keyring::{DbKey, KdfCost, KeyError, Keyring, RecoveryCode, WorkerSlot, check_new_passphrase, kdf_floor},
    log::{Author, Hlc, Tx},
    migrate,
};

pub(crate) const MARKER: &str = "vault.json";
pub(crate) const DB_FILE: &str = "kasane.db";
const VAULT_FORMAT: u32 = 1;
/// vault_meta keys of the register of worker slots in the first form (no worker sealed inside):
/// the marker that the register was taken, and one row per such slot with its fingerprint.
const LEGACY_REGISTERED: &str = "legacy_slots_registered";
const LEGACY_SLOT: &str = "legacy_slot:";
/// A key change in progress: the database copied under the new key, the new key slots, the old
/// slots set aside while the new ones move in, and the lock held while any of them exist.
const STAGED_DB: &str = "kasane.db.next";
const STAGED_KEYS: &str = "keys.next";
const OLD_KEYS: &str = "keys.old";
const REKEY_LOCK: &str = "rekey.lock";

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    kasane_vault: u32,
    id: Uuid,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("there are no case records at {0}; create them with `kasane init` or choose another folder")]
    Missing(PathBuf),
    #[error("{0} is not a Kasane case records folder (it has other files in it)")]
    NotAVault(PathBuf),
    #[error("setting up the case records at {0} was interrupted; delete that folder and set it up again")]
    Incomplete(PathBuf),
    #[error("{0} already contains files; choose an empty or new folder for new case records")]
    NotEmpty(PathBuf),
    #[error("the case records at {0} were made by a newer version of Kasane; update Kasane to open them")]
    NewerFormat(PathBuf),
    #[error(
        "the case records could not be opened with their key; the folder may mix files from different case records or be damaged"
    )]
    Unreadable,
    #[error("the case records are being used by another Kasane window or command; close it and try again")]
    Busy,
    #[error("the case records are damaged: {0}")]
    Damaged(String),
    #[error("\"{0}\" is the only worker of these case records and cannot be removed")]
    LastWorker(String),
    #[error("you cannot remove yourself (\"{0}\"); another worker signed in on this PC removes you")]
    RemovingYourself(String),
    #[error(
        "the key files of {0} are still in an older form that a key change cannot reach: each of them opens Kasane once with their own password first (or is removed at the same time), then try again"
    )]
    OlderKeyFiles(String),
    #[error("could not access {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

kasane_store::carries_store_errors!(VaultError);

impl VaultError {
    pub fn kind(&self) -> Kind {
        match self {
            VaultError::NotEmpty(_) => Kind::BadInput,
            VaultError::LastWorker(_) | VaultError::RemovingYourself(_) | VaultError::OlderKeyFiles(_) => Kind::Refused,
            VaultError::Store(e) => e.kind(),
            _ => Kind::Vault,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::Missing(_) => "vault.missing",
            VaultError::NotAVault(_) => "vault.not-a-vault",
            VaultError::Incomplete(_) => "vault.incomplete",
            VaultError::NotEmpty(_) => "vault.not-empty",
            VaultError::NewerFormat(_) => "vault.newer-version",
            VaultError::Unreadable => "vault.unreadable",
            VaultError::Busy => "vault.busy",
            VaultError::Damaged(_) => "vault.damaged",
            VaultError::LastWorker(_) => "vault.last-worker",
            VaultError::RemovingYourself(_) => "vault.removing-yourself",
            VaultError::OlderKeyFiles(_) => "vault.older-key-files",
            VaultError::Io { .. } => "vault.io",
            VaultError::Store(e) => e.code(),
        }
    }

    /// The message in Japanese, as a case worker reads it.
    pub fn message_ja(&self) -> String {
        match self {
            VaultError::Missing(p) => format!(
                "{} に記録データがありません。新しく作成するか、別のフォルダを選んでください",
                p.display()
            ),
            VaultError::NotAVault(p) => format!(
                "{} はかさねの記録データのフォルダではありません（ほかのファイルがあります）",
                p.display()
            ),
            VaultError::Incomplete(p) => format!(
                "{} の記録データの作成が途中で止まっています。フォルダを削除して作り直してください",
                p.display()
            ),
            VaultError::NotEmpty(p) => format!(
                "{} にはすでにファイルがあります。空のフォルダか新しいフォルダを選んでください",
                p.display()
            ),
            VaultError::NewerFormat(_) => {
                "この記録データは新しいバージョンのかさねで作られています。かさねを更新してください".into()
            }
            VaultError::Unreadable => {
                "記録データを開けません。別の記録データのファイルが混ざっているか、壊れている可能性があります".into()
            }
            VaultError::Busy => {
                "記録データは別のかさねの画面またはコマンドで使用中です。そちらを閉じてからやり直してください".into()
            }
            VaultError::Damaged(_) => "記録データが壊れています".into(),
            VaultError::LastWorker(n) => {
                format!("{n}さんはこの記録データのただ一人の職員のため、削除できません")
            }
            VaultError::RemovingYourself(n) => {
                format!("自分自身（{n}さん）は削除できません。ほかの職員がこのPCで記録データを開いて削除してください")
            }
            VaultError::OlderKeyFiles(names) => format!(
                "{names}の鍵ファイルが古い形式のままのため、暗号の鍵を変更できません。その職員が一度自分のパスワードでかさねを開いてから（または同時に削除して）、やり直してください"
            ),
            VaultError::Io { path, .. } => format!("{} を読み書きできません", path.display()),
            VaultError::Store(e) => e.message_ja(),
        }
    }
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> VaultError + '_ {
    move |source| VaultError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The folder a vault lives in when none is named: the platform's data folder
/// (`~/.local/share/kasane/vault` on Linux, `%APPDATA%\Kasane\Kasane\data\vault` on Windows).
pub fn default_vault_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("jp", "Kasane", "Kasane").map(|d| d.data_dir().join("vault"))
}

/// The identities this vault acts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub vault: Uuid,
    pub site: Uuid,
    pub agency: Uuid,
    pub worker: Uuid,
}

/// A locked vault folder: what can be known before anyone unlocks it.
#[derive(Debug, Clone)]
pub struct VaultDir {
    dir: PathBuf,
    id: Uuid,
    keyring: Keyring,
}

impl VaultDir {
    pub fn open(dir: &Path) -> Result<VaultDir, VaultError> {
        let marker_path = dir.join(MARKER);
        let bytes = match fs::read(&marker_path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !dir.exists() {
                    return Err(VaultError::Missing(dir.to_path_buf()));
                }
                if dir.join(DB_FILE).exists() {
                    return Err(VaultError::Incomplete(dir.to_path_buf()));
                }
                let empty = fs::read_dir(dir).map_err(io(dir))?.next().is_none();
                return Err(if empty {
                    VaultError::Missing(dir.to_path_buf())
                } else {
                    VaultError::NotAVault(dir.to_path_buf())
                });
            }
            Err(e) => return Err(io(&marker_path)(e)),
        };
        let marker: Marker =
            serde_json::from_slice(&bytes).map_err(|e| VaultError::Damaged(format!("{MARKER}: {e}")))?;
        if marker.kasane_vault > VAULT_FORMAT {
            return Err(VaultError::NewerFormat(dir.to_path_buf()));
        }
        // Vaults made before Kasane set owner-only modes get them now.
        durable::tighten(dir);
        settle_rekey(dir)?;
        let keyring = Keyring::load(dir, marker.id)?;
        Ok(VaultDir {
            dir: dir.to_path_buf(),
            id: marker.id,
            keyring,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
    pub fn id(&self) -> Uuid {
        self.id
    }
    pub fn workers(&self) -> &[WorkerSlot] {
        self.keyring.workers()
    }

    /// Unlocks as a worker (by name or id; None when the vault has one worker) without
    /// retrying interrupted imports; [`VaultDir::unlock`] does both.
    pub(crate) fn unlock_without_inbox(
        self,
        worker: Option<&str>,
        passphrase: &SecretString,
        ambient: Ambient,
    ) -> Result<Vault, VaultError> {
        let slot = self.keyring.find(worker)?.clone();
        let opened = self.keyring.unwrap_worker(&slot, passphrase)?;
        let mut vault = Vault::open_db(self, opened.key, &slot, ambient)?;
        if let Some(fingerprint) = opened.legacy {
            // A slot in the first form names no worker inside: it is trusted only as this version
            // first found it for this worker, and then rewritten in the current form.
            vault.check_legacy_slot(&slot, fingerprint)?;
            vault.audit_now("unlock", None, None)?;
            vault.upgrade_slot(&slot, passphrase)?;
        } else {
            vault.audit_now("unlock", None, None)?;
            if opened.format < crate::keyring::SLOT_FORMAT {
                // A slot whose key only the passphrase opens is given its own identity, so a
                // later key change reaches it.
                vault.upgrade_slot(&slot, passphrase)?;
            }
        }
        Ok(vault)
    }

    /// Regains access with the recovery code by giving `worker` a new passphrase.
    pub fn recover(
        self,
        code: &str,
        worker: Option<&str>,
        new_passphrase: &SecretString,
        kdf: KdfCost,
        ambient: Ambient,
    ) -> Result<Vault, VaultError> {
        check_new_passphrase(new_passphrase)?;
        let code = RecoveryCode::parse(code)?;
        let slot = self.keyring.find(worker)?.clone();
        let key = self.keyring.unwrap_recovery(&code)?;
        let log_n = kdf.resolve()?;
        let mut vault = Vault::open_db(self, key, &slot, ambient)?;
        vault.keyring.put_worker(
            slot.worker,
            &slot.name,
            &vault.key,
            new_passphrase,
            log_n,
            &vault.ambient.entropy,
        )?;
        vault.audit_now(
            "recover",
            Some(slot.worker.to_string()),
            Some(format!("new password for {}", slot.name)),
        )?;
        vault.forget_legacy_slot(slot.worker)?;
        Ok(vault)
    }
}

/// An unlocked vault. Dropping it locks: the key and the connection go away.
pub struct Vault {
    pub(crate) conn: Connection,
    dir: PathBuf,
    keyring: Keyring,
    key: DbKey,
    pub(crate) me: Identity,
    worker_name: String,
    pub(crate) ambient: Ambient,
    hlc: Hlc,
    /// Set while the open archive renders every form (see `without_view_entries`).
    views_unaudited: bool,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.dir)
            .field("me", &self.me)
            .finish()
    }
}

/// SQLite marks itself initialised before SQLCipher's own start-up (`SQLITE_EXTRA_INIT`) has run,
/// so a thread keying its first database while another thread is still inside that start-up is
/// refused ("sqlcipher not initialized", reported as an error with `PRAGMA key`). The desktop's
/// commands and the tests open vaults on several threads at once, so every connection first waits
/// here until keying a throwaway in-memory database has worked once in this process.
fn sqlcipher_started() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Another thread that opened SQLite without coming through here may still be inside the
        // start-up; it finishes in microseconds. If it never does, `connect` reports the error.
        for _ in 0..5_000 {
            let keyed = Connection::open_in_memory().and_then(|c| c.execute_batch("PRAGMA key = 'start-up probe';"));
            if keyed.is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
}

fn connect(path: &Path, key: &DbKey, create: bool) -> Result<Connection, VaultError> {
    sqlcipher_started();
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
            VaultError::Incomplete(path.parent().unwrap_or(path).to_path_buf())
        }
        e => e.into(),
    })?;
    let pragma = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", key.pragma_value().as_str()));
    conn.execute_batch(&pragma)?;
    conn.execute_batch("PRAGMA cipher_compatibility = 4;")?;
    // The first read is where a wrong key shows up.
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::NotADatabase => {
            return Err(VaultError::Unreadable);
        }
        Err(e) if is_busy(&e) => return Err(VaultError::Busy),
        Err(e) => return Err(e.into()),
    }
    // temp_store=MEMORY keeps sorts and temporary tables off the disk, where they would be plain.
    conn.execute_batch(
        "PRAGMA temp_store = MEMORY;
         PRAGMA busy_timeout = 5000;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -65536;",
    )
    .map_err(|e| if is_busy(&e) { VaultError::Busy } else { e.into() })?;
    Ok(conn)
}

fn meta_uuid(conn: &Connection, key: &str) -> Result<Uuid, VaultError> {
    let v: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM vault_meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    v.and_then(|b| Uuid::from_slice(&b).ok())
        .ok_or_else(|| VaultError::Damaged(format!("vault_meta has no {key}")))
}

/// A vault being created: its folder, database (schema and identity written) and key, before
/// any key slot exists. The setup puts the site's own keys in between, then [`Founding::slots`].
pub(crate) struct Founding {
    conn: Connection,
    dir: PathBuf,
    key: DbKey,
    me: Identity,
}

impl Founding {
    /// Makes `dir` (new or empty) and the database in it. No marker is written yet, so a folder
    /// left by an interrupted setup reads as incomplete, never as a vault.
    pub(crate) fn begin(dir: &Path, me: Identity, ambient: &Ambient) -> Result<Founding, VaultError> {
        if dir.exists() && fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
            return Err(VaultError::NotEmpty(dir.to_path_buf()));
        }
        durable::create_private_dir(dir).map_err(io(dir))?;
        let key = DbKey::generate(&ambient.entropy);
        // Made owner-only before SQLite opens it; SQLite gives the WAL and shared-memory files the
        // database's mode.
        let db_path = dir.join(DB_FILE);
        durable::create_private_file(&db_path).map_err(io(&db_path))?;
        let mut conn = connect(&db_path, &key, true)?;
        migrate::upgrade_to(&mut conn, migrate::latest())?;
        let tx = conn.transaction()?;
        for (k, v) in [("vault_id", me.vault), ("site_id", me.site), ("agency_id", me.agency)] {
            tx.execute(
                "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)",
                params![k, v.as_bytes()],
            )?;
        }
        // Every slot of a new vault seals its worker: no slot in the first form is ever trusted.
        tx.execute(
            "INSERT INTO vault_meta (key, value) VALUES (?1, 1)",
            params![LEGACY_REGISTERED],
        )?;
        tx.commit()?;
        Ok(Founding {
            conn,
            dir: dir.to_path_buf(),
            key,
            me,
        })
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Writes the first worker's slot and the recovery slot, and opens the vault as that worker.
    /// The recovery code is shown once and never stored.
    pub(crate) fn slots(
        self,
        worker_name: &str,
        passphrase: &SecretString,
        log_n: u8,
        ambient: Ambient,
    ) -> Result<(Vault, RecoveryCode), VaultError> {
        let mut keyring = Keyring::create(&self.dir, self.me.vault)?;
        keyring.put_worker(
            self.me.worker,
            worker_name,
            &self.key,
            passphrase,
            log_n,
            &ambient.entropy,
        )?;
        let code = RecoveryCode::generate(&ambient.entropy);
        keyring.put_recovery(&self.key, &code, &ambient.entropy)?;
        let vault = Vault {
            conn: self.conn,
            dir: self.dir,
            keyring,
            key: self.key,
            me: self.me,
            worker_name: worker_name.to_string(),
            ambient,
            hlc: Hlc::ZERO,
            views_unaudited: false,
        };
        Ok((vault, code))
    }
}

impl Vault {
    /// The last step of creating a vault: the marker that makes the folder one.
    pub(crate) fn seal_founding(&self) -> Result<(), VaultError> {
        let marker = serde_json::to_vec_pretty(&Marker {
            kasane_vault: VAULT_FORMAT,
            id: self.me.vault,
        })
        .map_err(|e| VaultError::Damaged(e.to_string()))?;
        durable::replace(&self.dir.join(MARKER), &marker, self.ambient.entropy.u64()).map_err(io(&self.dir))
    }

    /// Adds a worker's key slot (the directory entry is written by the caller first). The
    /// database is not rewritten: the new slot wraps the same key.
    pub(crate) fn put_worker_slot(
        &mut self,
        id: Uuid,
        name: &str,
        passphrase: &SecretString,
        log_n: u8,
    ) -> Result<(), VaultError> {
        self.keyring
            .put_worker(id, name, &self.key, passphrase, log_n, &self.ambient.entropy)?;
        Ok(())
    }

    fn open_db(vd: VaultDir, key: DbKey, slot: &WorkerSlot, ambient: Ambient) -> Result<Vault, VaultError> {
        let mut conn = connect(&vd.dir.join(DB_FILE), &key, false)?;
        migrate::upgrade_to(&mut conn, migrate::latest())?;
        let vault_id = meta_uuid(&conn, "vault_id")?;
        if vault_id != vd.id {
            return Err(VaultError::Unreadable);
        }
        crate::document::refresh_if_stale(&mut conn)?;
        let site = meta_uuid(&conn, "site_id")?;
        let agency = meta_uuid(&conn, "agency_id")?;
        let hlc: Option<i64> = conn
            .query_row("SELECT value FROM vault_meta WHERE key = 'hlc'", [], |r| r.get(0))
            .optional()?;
        let mut vault = Vault {
            conn,
            dir: vd.dir,
            keyring: vd.keyring,
            key,
            me: Identity {
                vault: vault_id,
                site,
                agency,
                worker: slot.worker,
            },
            worker_name: slot.name.clone(),
            ambient,
            hlc: Hlc::from_raw(hlc.unwrap_or(0) as u64),
            views_unaudited: false,
        };
        vault.register_legacy_slots()?;
        Ok(vault)
    }

    /// The first time this version opens a vault, it notes every worker slot still in the first
    /// form (which seals no worker inside) with its fingerprint. Such a slot is later trusted only
    /// for the worker it was noted under, so a colleague's old-form slot copied over another's —
    /// now or from a backup — is refused. Two slots with the same wrapped key (one is a copy) are
    /// not noted at all: both workers then set a new password with the recovery code.
    fn register_legacy_slots(&mut self) -> Result<(), VaultError> {
        let registered: bool = self
            .conn
            .prepare_cached("SELECT 1 FROM vault_meta WHERE key = ?1")?
            .exists([LEGACY_REGISTERED])?;
        if registered {
            return Ok(());
        }
        let found = self.keyring.legacy_slots()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let fresh = tx.execute(
            "INSERT OR IGNORE INTO vault_meta (key, value) VALUES (?1, 1)",
            params![LEGACY_REGISTERED],
        )?;
        if fresh == 0 {
            return Ok(());
        }
        for (worker, fp) in &found {
            if found.iter().filter(|(_, other)| other == fp).count() > 1 {
                continue;
            }
            tx.execute(
                "INSERT OR REPLACE INTO vault_meta (key, value) VALUES (?1, ?2)",
                params![format!("{LEGACY_SLOT}{worker}"), &fp[..]],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A slot in the first form is trusted only if it is the one noted for its worker.
    fn check_legacy_slot(&self, slot: &WorkerSlot, fingerprint: [u8; 32]) -> Result<(), VaultError> {
        let noted: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT value FROM vault_meta WHERE key = ?1",
                [format!("{LEGACY_SLOT}{}", slot.worker)],
                |r| r.get(0),
            )
            .optional()?;
        if noted.as_deref() != Some(&fingerprint[..]) {
            return Err(KeyError::SlotWorkerMismatch(slot.name.clone()).into());
        }
        Ok(())
    }

    /// Rewrites a first-form slot in the current form (worker sealed inside), with the same
    /// passphrase and no cheaper a KDF than this build allows; from then on only the new form is
    /// accepted for that worker.
    fn upgrade_slot(&mut self, slot: &WorkerSlot, passphrase: &SecretString) -> Result<(), VaultError> {
        let log_n = slot.kdf_log_n.max(kdf_floor(cfg!(not(debug_assertions))));
        self.keyring.put_worker(
            slot.worker,
            &slot.name,
            &self.key,
            passphrase,
            log_n,
            &self.ambient.entropy,
        )?;
        self.forget_legacy_slot(slot.worker)?;
        Ok(self.audit_now(
            "slot.upgrade",
            Some(slot.worker.to_string()),
            Some(format!("key file format {}", crate::keyring::SLOT_FORMAT)),
        )?)
    }

    /// After a worker's slot was rewritten in the current form, no first-form slot is accepted
    /// for them (the file is written first, so a crash in between leaves the old note harmless).
    fn forget_legacy_slot(&mut self, worker: Uuid) -> Result<(), VaultError> {
        self.conn.execute(
            "DELETE FROM vault_meta WHERE key = ?1",
            [format!("{LEGACY_SLOT}{worker}")],
        )?;
        Ok(())
    }

    /// Rewrites a worker's slot in the first form (no worker sealed inside), as Kasane did before
    /// slot format 2, and forgets the register of such slots, so the folder is as an older version
    /// left it: for tests.
    #[cfg(feature = "testing")]
    pub(crate) fn write_legacy_slot(&mut self, worker: Uuid, passphrase: &SecretString) -> Result<(), VaultError> {
        let slot = self.keyring.find(Some(&worker.to_string()))?.clone();
        self.keyring.put_worker_v1(
            worker,
            &slot.name,
            &self.key,
            passphrase,
            slot.kdf_log_n,
            &self.ambient.entropy,
        )?;
        self.conn.execute(
            "DELETE FROM vault_meta WHERE key = ?1 OR key LIKE ?2",
            params![LEGACY_REGISTERED, format!("{LEGACY_SLOT}%")],
        )?;
        Ok(())
    }

    /// Rewrites a worker's slot in the second form (the key and the worker under the passphrase,
    /// no identity), as Kasane wrote slots before slot format 3: for tests.
    #[cfg(feature = "testing")]
    pub(crate) fn write_v2_slot(&mut self, worker: Uuid, passphrase: &SecretString) -> Result<(), VaultError> {
        let slot = self.keyring.find(Some(&worker.to_string()))?.clone();
        self.keyring.put_worker_v2(
            worker,
            &slot.name,
            &self.key,
            passphrase,
            slot.kdf_log_n,
            &self.ambient.entropy,
        )?;
        Ok(())
    }

    pub fn identity(&self) -> Identity {
        self.me
    }
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn worker_name(&self) -> &str {
        &self.worker_name
    }
    pub fn workers(&self) -> &[WorkerSlot] {
        self.keyring.workers()
    }
    /// The slot a person means, by name or id.
    pub(crate) fn keyring_find(&self, who: &str) -> Result<&WorkerSlot, VaultError> {
        Ok(self.keyring.find(Some(who))?)
    }
    pub fn ambient(&self) -> &Ambient {
        &self.ambient
    }

    /// Runs `f` in one write transaction: all of its ops land, or none.
    pub fn write<T, E: From<StoreError>>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E> {
        let author = Author {
            site: self.me.site,
            worker: self.me.worker,
        };
        // A database held by another writer reads as busy (`vault.busy`), from here or at commit.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| E::from(StoreError::Db(e)))?;
        let mut tx = Tx::new(tx, author, &self.ambient, &mut self.hlc, crate::document::document);
        let out = f(&mut tx)?;
        tx.commit().map_err(|e| E::from(e.into()))?;
        Ok(out)
    }

    /// Runs `f` without the entries that views and prints write on their own (`audit_now`,
    /// `audit_read`): the open archive renders every printed form as printing would, and its one
    /// entry (`archive.write`) stands for all of them — thousands of print entries would bury the
    /// trail. Writes are audited inside their transactions whatever this says. The entries come
    /// back when `f` returns, and when it panics.
    pub(crate) fn without_view_entries<T>(&mut self, f: impl FnOnce(&mut Vault) -> T) -> T {
        let before = std::mem::replace(&mut self.views_unaudited, true);
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        self.views_unaudited = before;
        match out {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// A number this PC keeps as a setting (a city's period, the time of the last backup); None
    /// when it was never set.
    pub(crate) fn setting(&self, key: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM vault_meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a setting and writes its audit entry, together or not at all.
    pub(crate) fn set_setting(
        &mut self,
        key: &str,
        value: i64,
        action: &str,
        target: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        let (now, worker) = (self.ambient.clock.now(), self.me.worker);
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO vault_meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        crate::audit::append(&tx, now, Some(worker), action, target, Some(detail))?;
        tx.commit()?;
        Ok(())
    }

    /// Writes an audit entry on its own (for reads: who looked at what).
    pub(crate) fn audit_now(
        &mut self,
        action: &str,
        target: Option<String>,
        detail: Option<String>,
    ) -> Result<(), StoreError> {
        if self.views_unaudited {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        crate::audit::append(
            &tx,
            self.ambient.clock.now(),
            Some(self.me.worker),
            action,
            target.as_deref(),
            detail.as_deref(),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Writes an audit entry for a read through a shared borrow (the entry is the only write).
    /// Reads that already take `&mut self` use `audit_now`; a `Vault` is never borrowed inside
    /// `write`, so no transaction is open here.
    pub(crate) fn audit_read(
        &self,
        action: &str,
        target: Option<String>,
        detail: Option<String>,
    ) -> Result<(), StoreError> {
        if self.views_unaudited {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        crate::audit::append(
            &tx,
            self.ambient.clock.now(),
            Some(self.me.worker),
            action,
            target.as_deref(),
            detail.as_deref(),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the signed-in worker's passphrase; only that worker's slot file changes. The
    /// current passphrase is asked again, so an unlocked but unattended window is not enough.
    pub fn change_passphrase(
        &mut self,
        current: &SecretString,
        new_passphrase: &SecretString,
        kdf: KdfCost,
    ) -> Result<(), VaultError> {
        let slot = self.keyring.find(Some(&self.me.worker.to_string()))?.clone();
        self.keyring.unwrap_worker(&slot, current)?;
        check_new_passphrase(new_passphrase)?;
        let log_n = kdf.resolve()?;
        self.keyring
            .change_passphrase(&slot, current, new_passphrase, log_n, &self.ambient.entropy)?;
        Ok(self.audit_now("passphrase.change", Some(self.me.worker.to_string()), None)?)
    }

    /// The path of a file in the vault folder (for tests and diagnostics).
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Held while a key change runs or an interrupted one is settled, so two processes never work on
/// the staged files at once. The lock is SQLite's exclusive lock on an empty file of its own (the
/// operating system's lock underneath, portable and released with a killed process).
struct RekeyLock {
    path: PathBuf,
    conn: Option<Connection>,
}

impl RekeyLock {
    fn take(dir: &Path) -> Result<RekeyLock, VaultError> {
        let path = dir.join(REKEY_LOCK);
        match durable::create_private_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(io(&path)(e)),
            _ => {}
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::ZERO)?;
        conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;")
            .map_err(|e| if is_busy(&e) { VaultError::Busy } else { e.into() })?;
        Ok(RekeyLock { path, conn: Some(conn) })
    }
}

impl Drop for RekeyLock {
    fn drop(&mut self) {
        // Only after the staged files are settled: a lock file alone means nothing.
        drop(self.conn.take());
        let _ = fs::remove_file(&self.path);
    }
}

fn remove_if_there(path: &Path) -> Result<(), VaultError> {
    let gone = if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match gone {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

/// Finishes or undoes a key change a crash interrupted, before anything reads the keys folder.
/// The switch is the one rename of the staged database over `kasane.db`: while the staged
/// database is still there, the live database and `keys/` are the old pair, whole, and the staged
/// files are removed; once it is gone, the database is under the new key and the staged slots
/// (written whole before the switch) are moved in. Either way one key opens the database and the
/// slots wrap that key.
fn settle_rekey(dir: &Path) -> Result<(), VaultError> {
    let any = [STAGED_DB, STAGED_KEYS, OLD_KEYS, REKEY_LOCK]
        .iter()
        .any(|n| dir.join(n).exists());
    if !any {
        return Ok(());
    }
    let _lock = RekeyLock::take(dir)?;
    finish_or_undo_rekey(dir)
}

fn finish_or_undo_rekey(dir: &Path) -> Result<(), VaultError> {
    let (staged_db, staged_keys) = (dir.join(STAGED_DB), dir.join(STAGED_KEYS));
    let (keys, old_keys) = (dir.join("keys"), dir.join(OLD_KEYS));
    if staged_db.exists() {
        for suffix in ["-journal", "-wal", "-shm", ""] {
            remove_if_there(&dir.join(format!("{STAGED_DB}{suffix}")))?;
        }
        remove_if_there(&staged_keys)?;
    } else if staged_keys.exists() {
        if keys.exists() {
            remove_if_there(&old_keys)?;
            fs::rename(&keys, &old_keys).map_err(io(&keys))?;
            durable::sync_dir(dir).map_err(io(dir))?;
            test_pause("rekey-keys-set-aside");
        }
        fs::rename(&staged_keys, &keys).map_err(io(&staged_keys))?;
    }
    // The old slots go only once the new ones are in place.
    if keys.exists() {
        remove_if_there(&old_keys)?;
    }
    durable::sync_dir(dir).map_err(io(dir))
}

impl Vault {
    /// Replaces the database key with a new random one and writes a new recovery code: the
    /// database is exported under the new key, every worker's slot but `leaving`'s is written
    /// anew (identity part unchanged, the new key wrapped to its recipient), and `audit` is the
    /// one entry in the new database that says so. Returns the new code, shown once; it is
    /// also given to `on_code` once everything is staged and before the switch, so a caller that
    /// shows it there has shown the code in force whenever the switch happened, even if the
    /// process dies before this returns.
    ///
    /// Order: (1) this connection takes the database for itself (journal out of WAL, exclusive
    /// lock), so no other window or command has it open; (2) `kasane.db.next` is exported under
    /// the new key, the entry written and checked; (3) `keys.next/` gets the new slots; (4) the
    /// switch: `kasane.db.next` is renamed over `kasane.db`; (5) `keys/` is set aside as
    /// `keys.old/`, `keys.next/` renamed to `keys/`, `keys.old/` removed. A failure before (4)
    /// undoes the staging here; a crash anywhere is settled at the next open
    /// ([`settle_rekey`]).
    pub(crate) fn rekey(
        &mut self,
        leaving: &[Uuid],
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
        on_code: &mut dyn FnMut(&RecoveryCode),
    ) -> Result<RecoveryCode, VaultError> {
        let not_reached: Vec<String> = self
            .keyring
            .workers()
            .iter()
            .filter(|w| !leaving.contains(&w.worker) && w.format < crate::keyring::SLOT_FORMAT)
            .map(|w| w.name.clone())
            .collect();
        if !not_reached.is_empty() {
            return Err(VaultError::OlderKeyFiles(not_reached.join("、")));
        }
        let lock = RekeyLock::take(&self.dir)?;
        finish_or_undo_rekey(&self.dir)?;
        let new_key = DbKey::generate(&self.ambient.entropy);
        let code = RecoveryCode::generate(&self.ambient.entropy);
        self.hold_alone()?;
        if let Err(e) = self.stage_rekey(&new_key, leaving, &code, action, target, detail) {
            let _ = finish_or_undo_rekey(&self.dir);
            self.release_hold();
            return Err(e);
        }
        on_code(&code);
        test_pause("rekey-staged");
        let db = self.dir.join(DB_FILE);
        let held = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        let switched = match held.close() {
            // Out of WAL and closed, the old database has no journal left to pair with the new.
            Ok(()) if !self.dir.join(format!("{DB_FILE}-wal")).exists() => fs::rename(self.dir.join(STAGED_DB), &db)
                .and_then(|()| durable::sync_dir(&self.dir))
                .map_err(io(&db)),
            Ok(()) => Err(VaultError::Busy),
            Err((_, e)) => Err(e.into()),
        };
        if let Err(e) = switched {
            let _ = finish_or_undo_rekey(&self.dir);
            self.conn = connect(&db, &self.key, false)?;
            return Err(e);
        }
        test_pause("rekey-switched");
        // From here the new key is in force. The connection comes back first, so this vault
        // never stays on the placeholder; the slots follow (or follow at the next open).
        self.key = new_key;
        self.conn = connect(&db, &self.key, false)?;
        finish_or_undo_rekey(&self.dir)?;
        drop(lock);
        self.keyring = Keyring::load(&self.dir, self.me.vault)?;
        Ok(code)
    }

    /// Takes the database for this connection alone: leaving WAL needs every other connection
    /// closed (SQLite answers with the old mode otherwise), and the exclusive lock is then kept.
    fn hold_alone(&mut self) -> Result<(), VaultError> {
        let busy = |e: rusqlite::Error| if is_busy(&e) { VaultError::Busy } else { e.into() };
        self.conn
            .execute_batch("PRAGMA locking_mode = EXCLUSIVE;")
            .map_err(busy)?;
        let held = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0))
            .map_err(busy)
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("delete") {
                    Ok(())
                } else {
                    Err(VaultError::Busy)
                }
            })
            .and_then(|()| self.conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;").map_err(busy));
        if held.is_err() {
            self.release_hold();
        }
        held
    }

    fn release_hold(&mut self) {
        let _ = self
            .conn
            .execute_batch("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;");
    }

    /// Steps (2) and (3) of [`Vault::rekey`].
    fn stage_rekey(
        &mut self,
        new_key: &DbKey,
        leaving: &[Uuid],
        code: &RecoveryCode,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), VaultError> {
        let staged_db = self.dir.join(STAGED_DB);
        durable::create_private_file(&staged_db).map_err(io(&staged_db))?;
        let attach = zeroize::Zeroizing::new(format!(
            "ATTACH DATABASE ?1 AS rekeyed KEY \"{}\"",
            new_key.pragma_value().as_str()
        ));
        self.conn.execute(&attach, [staged_db.display().to_string()])?;
        let exported = (|| -> rusqlite::Result<()> {
            self.conn
                .query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))?;
            let version: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            self.conn
                .execute_batch(&format!("PRAGMA rekeyed.user_version = {version}"))
        })();
        let detached = self.conn.execute("DETACH DATABASE rekeyed", []);
        exported?;
        detached?;
        // The entry is written into the copy, so it exists exactly when the new key is in force;
        // the copy is read back under the new key before anything depends on it.
        let copy = connect(&staged_db, new_key, false)?;
        {
            let tx = copy.unchecked_transaction()?;
            crate::audit::append(
                &tx,
                self.ambient.clock.now(),
                Some(self.me.worker),
                action,
                target,
                detail,
            )
            .map_err(StoreError::from)?;
            tx.commit()?;
        }
        let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(VaultError::Damaged(format!(
                "the re-keyed copy does not check: {check}"
            )));
        }
        copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0))?;
        copy.close().map_err(|(_, e)| VaultError::from(e))?;
        test_pause("rekey-exported");
        let staged_keys = self.dir.join(STAGED_KEYS);
        durable::create_private_dir(&staged_keys).map_err(io(&staged_keys))?;
        self.keyring
            .stage_rekey(&staged_keys, &self.key, new_key, leaving, code, &self.ambient.entropy)?;
        durable::sync_dir(&staged_keys).map_err(io(&staged_keys))?;
        durable::sync_dir(&self.dir).map_err(io(&self.dir))
    }
}

/// Where a test may stop a long write to kill it there (debug builds only): the process prints
/// `paused at <point>` on stderr and waits to be killed, so a crash test kills it at a moment the
/// program acknowledged instead of guessing one from the time.
pub(crate) fn test_pause(point: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("KASANE_TEST_PAUSE_AT").is_ok_and(|p| p == point) {
        eprintln!("paused at {point}");
        loop {
            std::thread::park();
        }
    }
    let _ = point;
}
