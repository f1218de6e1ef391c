//! `archive`: the open archive (記録一式) — every record, the audit trail and the printed forms in
//! a tar encrypted with an age passphrase, for reading without Kasane (docs/archive-format.md).
//! The archive's passphrase is its own, asked twice (or taken from KASANE_ARCHIVE_PASSPHRASE),
//! never the vault's.

use std::path::PathBuf;

use kasane::ArchiveReport;

use super::print::{Out, outln};
use super::vault::unlock;
use super::{Global, Result, secrets};

#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// The file to write: a new file (an existing one is never replaced), outside the case records folder.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(g: &Global, out: &Out, a: ArchiveArgs) -> Result<()> {
    let mut v = unlock(g)?;
    let passphrase = secrets::new_passphrase(
        "KASANE_ARCHIVE_PASSPHRASE",
        "記録一式のパスワード（長めの文。記録データのパスワードとは別にしてください） / archive password (a long sentence, not the case records' password): ",
    )?;
    let report = v.write_archive(&a.out, &passphrase, &mut |p| out.progress(p.phase, p.done, p.total))?;
    out.archived(&report);
    Ok(())
}

impl Out {
    pub fn archived(&self, r: &ArchiveReport) {
        if self.json {
            return self.print_json(r);
        }
        outln!(
            "記録一式を出力しました / archive written: {} ({} bytes)",
            r.path.display(),
            r.bytes
        );
        outln!(
            "  記録 {} 件、操作の記録 {} 件、印刷様式 {} 件 / {} records, {} audit entries, {} printed forms",
            r.records,
            r.audit_entries,
            r.forms,
            r.records,
            r.audit_entries,
            r.forms
        );
        if r.forms_skipped > 0 {
            outln!(
                "  作れなかった印刷様式 {} 件（理由は manifest.json の forms_skipped） / {} forms could not be made (see forms_skipped in manifest.json)",
                r.forms_skipped,
                r.forms_skipped
            );
        }
        if !r.audit_verified {
            outln!(
                "  注意：操作の記録に改ざんの跡があります（manifest.json の audit.broken_at） / warning: the audit trail does not verify (audit.broken_at in manifest.json)"
            );
        }
        outln!(
            "  開き方 / to open: age -d -o 記録一式.tar {} && tar -xf 記録一式.tar",
            r.path.display()
        );
        outln!(
            "  パスワードを忘れると誰も開けません。ファイルとは別に保管してください / without the password nobody can open it: keep it apart from the file"
        );
    }
}
