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

    /// Writes a printout file under a new name (refused if the name is taken), its owner's alone
    /// and synced before the name is final. The file is not encrypted: say so to whoever asked.
    pub fn write_new_printout(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        let mut f = crate::durable::create_new_private(path)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => crate::durable::sync_dir(dir),
            _ => Ok(()),
        }
    }

    /// Logs that the printout `title` was written to `path` (`print.pdf`).
    pub fn printout_saved(&mut self, title: &str, path: &Path) -> Result<(), Error> {
        self.audit_now("print.pdf", None, Some(format!("{title} → {}", path.display())))?;
        Ok(())
    }
}
