//! A printout kept as a file (the PDF the app lays out from the same HTML): never inside the
//! vault folder, where plain personal data would travel with every copy of the encrypted
//! records, and one audit entry once the file is whole.

use std::path::Path;

use crate::{
    Error, Vault,
    record::{self, RecordError},
};

impl Vault {
    /// Refuses a destination folder inside this vault's own folder.
    pub fn check_printout_folder(&self, folder: &Path) -> Result<(), Error> {
        if self.folder_holds(folder) {
            return Err(RecordError::Refused(record::msg!(
                ja: "記録データのフォルダの中には保存できません。暗号化されていない書類が記録データと一緒に複製されるためです。別のフォルダを指定してください",
                en: "a printout cannot be saved inside the vault folder, where an unencrypted document would be copied with the case records; choose another folder"
            ))
            .into());
        }
        Ok(())
    }

    /// Whether `folder` is this vault's folder or inside it. A folder that cannot be resolved
    /// (it does not exist) is not: the write itself reports it.
    pub(crate) fn folder_holds(&self, folder: &Path) -> bool {
        match (folder.canonicalize(), self.dir().canonicalize()) {
            (Ok(folder), Ok(vault)) => folder.starts_with(vault),
            _ => false,
        }
    }

    /// Logs that the printout `title` was written to `path` (`print.pdf`).
    pub fn printout_saved(&mut self, title: &str, path: &Path) -> Result<(), Error> {
        self.audit_now("print.pdf", None, Some(format!("{title} → {}", path.display())))?;
        Ok(())
    }
}
