//! Backups from the window (設定 → 記録データの控え): a consistent copy of the case records while
//! they are in use, into a folder the user chose (a USB stick, a file server), and when the last
//! one was taken with the reminder's period. Restoring onto a new PC is `vault::vault_restore`, offered
//! at first run.

use kasane::BackupStatus;
use serde::Serialize;
use ts_rs::TS;

use crate::{desktop::Desktop, error::CommandError, exchange::existing_folder};

#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupStatusView {
    /// Milliseconds since the epoch; null: never.
    pub last_ms: Option<f64>,
    pub reminder_days: u32,
    /// No backup yet, or the last is older than the reminder's period.
    pub due: bool,
}

impl From<BackupStatus> for BackupStatusView {
    fn from(s: BackupStatus) -> Self {
        BackupStatusView {
            last_ms: s.last.map(|m| m as f64),
            reminder_days: s.reminder_days,
            due: s.due,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupView {
    /// The backup folder written.
    pub path: String,
    pub bytes: f64,
}

pub fn backup_status(desk: &Desktop) -> Result<BackupStatusView, CommandError> {
    desk.with_vault(|v| Ok(v.backup_status()?.into()))
}

pub fn backup_write(desk: &Desktop, folder: String) -> Result<BackupView, CommandError> {
    let folder = existing_folder("folder", &folder)?;
    desk.with_vault(|v| {
        let r = v.backup(&folder)?;
        Ok(BackupView {
            path: r.path.display().to_string(),
            bytes: r.bytes as f64,
        })
    })
}

pub fn backup_reminder_set(desk: &Desktop, days: u32) -> Result<(), CommandError> {
    desk.with_vault(|v| Ok(v.set_backup_reminder_days(days)?))
}
