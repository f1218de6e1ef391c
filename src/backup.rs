//! Backup and restore. A backup is a consistent copy of the vault taken while it is in use — the
//! database exported by SQLCipher under the same key (a read of one moment, so a write going on
//! meanwhile is in it whole or not at all), with the key slots and the folder marker — written
//! under a temporary name and renamed only when whole; it opens as a vault folder. A restore makes
//! the copy a new site of the same agency with new keys and retires the old site: the old site's
//! past ops stay valid and nothing is signed with its key again, because a copy that kept it
//! would sign new ops with sequence numbers partners already hold for other ops. Partners verify
//! the new site's card (照合番号) as for any new PC; the retirement travels as the old site's
//! directory entry, revoked, and each partner keeps what it holds of the old site. The restored
//! PC then catches up from partners' files, accepting the old site's ops they send back.

use std::path::{Path, PathBuf};

use serde::Serialize;
use uuid::Uuid;

use crate::{
    Error, SecretString, Vault, VaultDir,
    log::Scope,
    record::{RecordError, msg},
    site::SiteKeys,
    vault::{VaultError, io},
};

/// Days after which the app reminds that no backup has been taken, unless the city sets another.
pub const DEFAULT_BACKUP_REMINDER_DAYS: u32 = 7;
const LAST_BACKUP_KEY: &str = "last_backup_ms";
const REMINDER_KEY: &str = "backup_reminder_days";

/// What a backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    /// The backup folder (it opens as a vault folder).
    pub path: PathBuf,
    pub bytes: u64,
    pub ops: usize,
}

/// When the last backup was taken, and whether it is time for another.
#[derive(Debug, Clone, Serialize)]
pub struct BackupStatus {
    /// Milliseconds since the epoch; None: never.
    pub last: Option<i64>,
    pub reminder_days: u32,
    /// No backup, or the last is older than `reminder_days`.
    pub due: bool,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub old_site: Uuid,
    pub new_site: Uuid,
    /// The new site's 照合番号, for partners to compare when they import its card.
    pub fingerprint: String,
}

/// Copies the files of a vault folder (the marker and the key slots) other than the database.
fn copy_vault_files(from: &Path, to: &Path) -> Result<(), VaultError> {
    std::fs::create_dir_all(to.join("keys")).map_err(io(to))?;
    std::fs::copy(from.join(crate::vault::MARKER), to.join(crate::vault::MARKER)).map_err(io(from))?;
    for e in std::fs::read_dir(from.join("keys")).map_err(io(from))? {
        let e = e.map_err(io(from))?;
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join("keys").join(e.file_name())).map_err(io(to))?;
        }
    }
    Ok(())
}

fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

impl Vault {
    /// Writes a backup folder into `into` (an existing folder outside the vault: a USB stick, a
    /// file server). The copy is still encrypted with the vault's key and opens with the same
    /// passwords. Returns where it went.
    pub fn backup(&mut self, into: &Path) -> Result<BackupReport, Error> {
        if !into.is_dir() {
            return Err(VaultError::Missing(into.to_path_buf()).into());
        }
        let here = self.dir().canonicalize().map_err(io(self.dir()))?;
        let there = into.canonicalize().map_err(io(into))?;
        if there.starts_with(&here) {
            return Err(RecordError::Refused(msg!(
                ja: "控えは記録データのフォルダの外（USBメモリやファイルサーバーなど）に作ってください",
                en: "put the backup outside the case records folder (a USB stick, a file server)"
            ))
            .into());
        }
        let now = self.ambient.clock.now();
        let local = self.ambient.clock.local(now);
        let name = format!(
            "kasane-backup-{:04}{:02}{:02}-{:02}{:02}{:02}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute(),
            local.second()
        );
        let target = into.join(&name);
        if target.exists() {
            return Err(VaultError::NotEmpty(target).into());
        }
        let tmp = into.join(format!(".{name}.tmp"));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(io(&tmp))?;
        let written = (|| -> Result<(), Error> {
            let db = tmp.join(crate::vault::DB_FILE);
            // The vault's connection opens files without creating them, and an attached database
            // inherits that: the copy's file exists first (empty, which SQLite reads as empty).
            std::fs::File::create(&db).map_err(io(&db))?;
            // No KEY: SQLCipher attaches with the main database's key. The export reads one
            // snapshot, so a write committed meanwhile is in the copy whole or not at all.
            self.conn
                .execute("ATTACH DATABASE ?1 AS backup", [db.display().to_string()])
                .map_err(kasane_store::StoreError::from)?;
            let exported = (|| -> rusqlite::Result<()> {
                self.conn
                    .query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))?;
                let version: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
                self.conn
                    .execute_batch(&format!("PRAGMA backup.user_version = {version}"))?;
                Ok(())
            })();
            let detached = self.conn.execute("DETACH DATABASE backup", []);
            exported.map_err(kasane_store::StoreError::from)?;
            detached.map_err(kasane_store::StoreError::from)?;
            copy_vault_files(self.dir(), &tmp)?;
            Ok(())
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        crate::vault::test_pause("backup-written");
        std::fs::rename(&tmp, &target).map_err(io(&target))?;
        let ops = self.op_count()?;
        self.set_setting(
            LAST_BACKUP_KEY,
            now.as_millisecond(),
            "vault.backup",
            Some(&name),
            &format!("{ops} ops"),
        )?;
        Ok(BackupReport {
            bytes: folder_bytes(&target),
            path: target,
            ops,
        })
    }

    /// When the last backup was taken and whether the reminder is due.
    pub fn backup_status(&self) -> Result<BackupStatus, Error> {
        let last = self.setting(LAST_BACKUP_KEY)?;
        let reminder_days = self
            .setting(REMINDER_KEY)?
            .and_then(|d| u32::try_from(d).ok())
            .filter(|d| (1..=365).contains(d))
            .unwrap_or(DEFAULT_BACKUP_REMINDER_DAYS);
        let now = self.ambient.clock.now().as_millisecond();
        let due = last.is_none_or(|l| now - l > i64::from(reminder_days) * 86_400_000);
        Ok(BackupStatus {
            last,
            reminder_days,
            due,
        })
    }

    /// Sets after how many days without a backup the app reminds (1 to 365).
    pub fn set_backup_reminder_days(&mut self, days: u32) -> Result<(), Error> {
        if !(1..=365).contains(&days) {
            return Err(RecordError::Inconsistent(msg!(
                ja: "控えのお知らせは1日から365日の間で指定してください（{days}日は指定できません）",
                en: "the backup reminder must be 1 to 365 days, not {days}"
            ))
            .into());
        }
        Ok(self.set_setting(
            REMINDER_KEY,
            i64::from(days),
            "setting.backup-reminder",
            None,
            &days.to_string(),
        )?)
    }

    /// Makes this vault a new site of its agency with new keys, and retires the old site: a card
    /// for the old site is kept here (verified and retired, so the old site's ops partners send
    /// back still verify), the new site's directory entry is written, and the old one's is revoked.
    fn take_over_as_new_site(&mut self, site_name: &str) -> Result<RestoreReport, Error> {
        let site_name = crate::record::require_text("site", site_name)?;
        let old = self.me.site;
        let (old_card, _) = self.my_card()?;
        let new = self.ambient.uuid_v7();
        let keys = SiteKeys::generate(&self.ambient.entropy);
        {
            let tx = self.conn.transaction().map_err(kasane_store::StoreError::from)?;
            tx.execute(
                "INSERT OR REPLACE INTO vault_meta (key, value) VALUES ('site_id', ?1), ('site_sign_key', ?2), ('site_age_key', ?3)",
                rusqlite::params![new.to_string(), &keys.signing.to_bytes()[..], &keys.age_secret_bytes()[..]],
            )
            .map_err(kasane_store::StoreError::from)?;
            tx.commit().map_err(kasane_store::StoreError::from)?;
        }
        self.me.site = new;
        self.import_own_pc_card(&old_card)?;
        crate::site::retire_own_card(&self.conn, old, self.ambient.clock.now().as_millisecond())?;
        let agency = self.me.agency;
        self.write(|tx| -> Result<(), Error> {
            let mut f = serde_json::Map::new();
            f.insert("name".into(), serde_json::Value::from(site_name.as_str()));
            f.insert("agency".into(), serde_json::Value::from(agency.to_string()));
            tx.create_with_id(new, Scope::Directory, "site", Some(agency), f)?;
            let mut f = serde_json::Map::new();
            f.insert("revoked".into(), serde_json::Value::Bool(true));
            tx.set(old, f)?;
            tx.audit("site.restore", Some(new.to_string()), Some(format!("retired {old}")));
            Ok(())
        })?;
        let (_, info) = self.my_card()?;
        Ok(RestoreReport {
            old_site: old,
            new_site: new,
            fingerprint: info.fingerprint,
        })
    }
}

impl VaultDir {
    /// Restores the backup folder `backup` into `to` (a new or empty folder) as a new site of the
    /// same agency named `site_name`, unlocked as the worker with `passphrase`. Refused when `to`
    /// holds anything (another vault is never overwritten) or `backup` is not a backup.
    pub fn restore(
        backup: &Path,
        to: &Path,
        worker: Option<&str>,
        passphrase: &SecretString,
        site_name: &str,
        ambient: crate::Ambient,
    ) -> Result<(Vault, RestoreReport), Error> {
        // Checked before anything is copied: a copy left behind would be the old PC again.
        crate::record::require_text("site", site_name)?;
        VaultDir::open(backup)?;
        if to.exists() && std::fs::read_dir(to).map_err(io(to))?.next().is_some() {
            return Err(VaultError::NotEmpty(to.to_path_buf()).into());
        }
        std::fs::create_dir_all(to).map_err(io(to))?;
        let copied = (|| -> Result<(), VaultError> {
            std::fs::copy(backup.join(crate::vault::DB_FILE), to.join(crate::vault::DB_FILE)).map_err(io(backup))?;
            copy_vault_files(backup, to)
        })();
        if let Err(e) = copied {
            let _ = std::fs::remove_dir_all(to);
            return Err(e.into());
        }
        let mut vault = match VaultDir::open(to).and_then(|d| d.unlock_without_inbox(worker, passphrase, ambient)) {
            Ok(v) => v,
            Err(e) => {
                // A wrong password leaves no half-restored folder behind.
                let _ = std::fs::remove_dir_all(to);
                return Err(e.into());
            }
        };
        let report = vault.take_over_as_new_site(site_name)?;
        Ok((vault, report))
    }
}
