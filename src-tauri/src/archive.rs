//! The open archive from the window (設定 → 全記録の出力): every record, the audit trail and the
//! printed forms in one file that the standard `age` and `tar` tools open (docs/archive-format.md),
//! written into a folder the user chose under a new name (nothing is overwritten), with progress.
//! The command only translates; the engine writes the archive and keeps every rule.

use kasane::{ArchiveReport, ExposeSecret, KeyError, SecretString, Vault};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    exchange::{BundleReport, existing_folder, file_name_part, free_name, with_progress},
};

/// The name the app gives an archive: 「かさね記録一式-<agency>-<YYYYMMDD>.tar.age」.
const FILE_STEM: &str = "かさね記録一式";
/// A tar, encrypted with age.
const EXTENSION: &str = "tar.age";

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ArchiveInput {
    /// The folder to write the archive into (a new file; nothing is overwritten).
    pub folder: String,
    /// The archive's own password, typed twice.
    pub passphrase: String,
    pub passphrase_again: String,
}

/// What writing the archive produced.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ArchiveReportView {
    pub path: String,
    pub bytes: f64,
    pub records: u32,
    pub audit_entries: u32,
    /// Whether the audit trail's hash chain verified (it is written either way).
    pub audit_verified: bool,
    pub forms: u32,
    /// Forms that could not be made from the records held (listed in the archive's manifest).
    pub forms_skipped: u32,
    pub seconds: f64,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<ArchiveReport> for ArchiveReportView {
    fn from(r: ArchiveReport) -> Self {
        ArchiveReportView {
            path: r.path.display().to_string(),
            bytes: r.bytes as f64,
            records: count(r.records),
            audit_entries: count(r.audit_entries),
            audit_verified: r.audit_verified,
            forms: count(r.forms),
            forms_skipped: count(r.forms_skipped),
            seconds: r.seconds,
        }
    }
}

pub fn archive_write(
    desk: &Desktop,
    input: ArchiveInput,
    sink: &dyn BundleReport,
) -> Result<ArchiveReportView, CommandError> {
    let folder = existing_folder("folder", &input.folder)?;
    let passphrase = SecretString::from(input.passphrase);
    let again = SecretString::from(input.passphrase_again);
    if passphrase.expose_secret() != again.expose_secret() {
        return Err(KeyError::PassphraseMismatch.into());
    }
    with_progress(sink, |progress| {
        desk.with_vault(|v: &mut Vault| {
            let agency = v.agency(v.identity().agency).map(|a| a.name).unwrap_or_default();
            let day = v.ambient().clock.today().to_string().replace('-', "");
            let stem = format!("{FILE_STEM}-{}-{day}", file_name_part(&agency));
            let out = free_name(&folder, &stem, EXTENSION);
            Ok(v.write_archive(&out, &passphrase, progress)?.into())
        })
    })
}
