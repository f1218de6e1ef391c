//! `backup` and `restore`: a consistent copy of the case records while they are in use (still
//! encrypted, opening with the same passwords) in a folder the user picks; when the last one was
//! taken and the reminder; and a restore onto a new PC as a new site of the same agency, the old
//! PC retired (partners compare the new PC's 照合番号, as for any new PC).

use std::path::PathBuf;

use kasane::{Ambient, VaultDir};

use super::print::{Out, outln};
use super::vault::{unlock, vault_dir};
use super::{Global, Result, secrets};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The folder to put the backup in (a USB stick, a file server), outside the case records.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// After how many days without a backup the app reminds (1–365; default 7).
    #[arg(long)]
    pub reminder_days: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup folder (kasane-backup-…).
    pub backup: PathBuf,
    /// This PC's name, as partners will see it (e.g. 本庁舎PC-2).
    #[arg(long)]
    pub site: String,
}

pub fn backup(g: &Global, out: &Out, a: BackupArgs) -> Result<()> {
    let mut v = unlock(g)?;
    if let Some(days) = a.reminder_days {
        v.set_backup_reminder_days(days)?;
    }
    if let Some(dir) = &a.out {
        let r = v.backup(dir)?;
        if out.json {
            out.print_json(&r);
            return Ok(());
        }
        outln!(
            "控えを作りました / backup written: {} ({} bytes, {} ops)",
            r.path.display(),
            r.bytes,
            r.ops
        );
        return Ok(());
    }
    let s = v.backup_status()?;
    if out.json {
        out.print_json(&s);
        return Ok(());
    }
    match s.last {
        Some(ms) => {
            let at = jiff::Timestamp::from_millisecond(ms)
                .map(|t| t.to_string())
                .unwrap_or_default();
            outln!("最後の控え / last backup: {at}");
        }
        None => outln!("控えはまだありません / no backup yet"),
    }
    if s.due {
        outln!(
            "{}日以上控えを作っていません。kasane backup --out フォルダ で作ってください / no backup for {} days or more",
            s.reminder_days,
            s.reminder_days
        );
    }
    Ok(())
}

/// Restores into the folder `--vault` names (default: this PC's), which must be new or empty.
pub fn restore(g: &Global, out: &Out, a: RestoreArgs) -> Result<()> {
    let to = vault_dir(g)?;
    let pass = secrets::passphrase("控えのパスワード（元のPCと同じ） / password (as on the old PC): ")?;
    let (_, r) = VaultDir::restore(&a.backup, &to, g.worker.as_deref(), &pass, &a.site, Ambient::system())?;
    if out.json {
        out.print_json(&r);
        return Ok(());
    }
    outln!("控えから記録データを復元しました / restored into {}", to.display());
    outln!(
        "このPCは新しい端末として登録され、元のPCは使えなくなりました。連携先に新しい照合番号を伝え、確認してもらってください / this PC is a new site; the old one is retired. Partners compare this check number:"
    );
    outln!("  {}", r.fingerprint);
    Ok(())
}
