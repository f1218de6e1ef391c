//! `card`, `sites`, `site`: agency check files (機関確認ファイル) and the sites they introduce.
//! A partner's file is only trusted once its check number (照合番号) has been compared.

use std::path::PathBuf;

use clap::Subcommand;
use kasane::{Error, SiteInfo};
use serde_json::json;

use super::input::{id, read_named, write_named};
use super::print::{Out, outln};
use super::vault::unlock;
use super::{Global, IdArg, Result};

#[derive(Debug, Subcommand)]
pub enum CardCmd {
    /// Write this site's agency check file.
    Export(OutArg),
    /// Import a partner's agency check file; prints its check number to compare by phone.
    Import(CardImport),
    /// Mark a partner's agency check file verified after comparing the check number.
    Verify(CardVerify),
}

#[derive(Debug, clap::Args)]
pub struct OutArg {
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CardImport {
    pub file: PathBuf,
    /// The file is of another PC of this agency (one that joined it with `init --join`), not a
    /// partner's.
    #[arg(long)]
    pub own_pc: bool,
}

#[derive(Debug, clap::Args)]
pub struct CardVerify {
    pub site: String,
    /// The check number the partner read out (30 digits; spaces do not matter).
    #[arg(long)]
    pub fingerprint: String,
}

#[derive(Debug, Subcommand)]
pub enum SiteCmd {
    Revoke(IdArg),
    /// Put new signing and encryption keys in force for this PC (after a worker who could open
    /// it has left, or as the agency's rules say). Partners learn it from the next file.
    RotateKeys,
    /// The key changes this PC knows: its own and partners'.
    KeyChanges,
}

pub fn card(g: &Global, out: &Out, cmd: CardCmd) -> Result<()> {
    match cmd {
        CardCmd::Export(a) => {
            let v = unlock(g)?;
            let (text, info) = v.my_card()?;
            write_named(&a.out, text)?;
            out.card_exported(&info, &a.out);
        }
        CardCmd::Import(a) => {
            let mut v = unlock(g)?;
            let bytes = read_named(&a.file)?;
            let text = kasane::card_text_of(&bytes).map_err(Error::from)?;
            let info = if a.own_pc {
                v.import_own_pc_card(text)?
            } else {
                v.import_card(text)?
            };
            out.site(&info);
        }
        CardCmd::Verify(a) => {
            let mut v = unlock(g)?;
            let info = v.verify_card(id(&a.site, "site")?, &a.fingerprint)?;
            out.site(&info);
        }
    }
    Ok(())
}

pub fn sites(g: &Global, out: &Out) -> Result<()> {
    let v = unlock(g)?;
    out.sites(&v.sites()?);
    Ok(())
}

pub fn site(g: &Global, out: &Out, cmd: SiteCmd) -> Result<()> {
    match cmd {
        SiteCmd::Revoke(a) => {
            let mut v = unlock(g)?;
            let info = v.revoke_site(id(&a.id, "site")?)?;
            out.site(&info);
        }
        SiteCmd::RotateKeys => {
            let mut v = unlock(g)?;
            let r = v.rotate_keys()?;
            out.key_rotation(&r);
        }
        SiteCmd::KeyChanges => {
            let v = unlock(g)?;
            let names: std::collections::HashMap<_, _> = v
                .sites()?
                .into_iter()
                .map(|s| (s.site, format!("{}  {}", s.agency_name, s.site_name)))
                .collect();
            out.key_changes(&v.key_changes()?, &names);
        }
    }
    Ok(())
}

impl Out {
    fn key_rotation(&self, r: &kasane::KeyRotation) {
        if self.json {
            return self.print_json(r);
        }
        outln!(
            "この端末の鍵を更新しました（{} 回目） / this PC's keys were changed (change {})",
            r.epoch,
            r.epoch
        );
        outln!("  新しい照合番号 / new check number:  {}", r.fingerprint);
        outln!("  相手機関には次に送る連携ファイルで伝わります / partners learn it from the next file sent to them");
    }

    fn key_changes(&self, list: &[kasane::KeyChange], names: &std::collections::HashMap<uuid::Uuid, String>) {
        if self.json {
            return self.print_json(&list);
        }
        if list.is_empty() {
            outln!("鍵の更新はありません / no key changes");
        }
        for k in list {
            let who = names.get(&k.site).cloned().unwrap_or_else(|| k.site.to_string());
            let at = jiff::Timestamp::from_millisecond(k.at)
                .map(|t| t.to_string())
                .unwrap_or_default();
            outln!(
                "{at}  {who}  {} 回目{}",
                k.epoch,
                if k.own { "（この端末）" } else { "" }
            );
        }
    }

    pub fn card_exported(&self, info: &SiteInfo, path: &std::path::Path) {
        if self.json {
            return self.print_json(&json!({ "site": info, "path": path }));
        }
        outln!(
            "機関確認ファイルを出力しました / agency check file written: {}",
            path.display()
        );
        outln!("  {}  {}", info.agency_name, info.site_name);
        outln!("  照合番号 / check number:  {}", info.fingerprint);
    }

    pub fn site(&self, s: &SiteInfo) {
        if self.json {
            return self.print_json(s);
        }
        let state = if s.own {
            "この端末"
        } else if s.revoked {
            "失効"
        } else if s.verified {
            "確認済み"
        } else {
            "未確認"
        };
        outln!("{}  {}  {}  [{}]", s.site, s.agency_name, s.site_name, state);
        outln!("  照合番号 / check number:  {}", s.fingerprint);
        if !s.verified && !s.revoked {
            outln!(
                "  → 電話等で相手と照合番号を読み合わせ、一致したら: kasane card verify {} --fingerprint \"…\"",
                s.site
            );
        }
    }

    pub fn sites(&self, list: &[SiteInfo]) {
        if self.json {
            return self.print_json(&list);
        }
        for s in list {
            self.site(s);
        }
    }
}
