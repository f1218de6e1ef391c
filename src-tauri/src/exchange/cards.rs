//! Member cards: this site's card written to a file, partners' cards imported from files and
//! verified by the fingerprint read out aloud, and revocation. A card file is read only when it is
//! small enough to be one, and writing one never replaces an existing file.

use kasane::SiteInfo;
use serde::Serialize;
use ts_rs::TS;

use super::{ErrorKind, existing_folder, file_name_part, free_name, full_path, own_error, unreadable, unwritable};
use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{id, id_text},
};

/// A card or bundle file is small; anything larger is not one (and is not read into memory).
const MAX_CARD_BYTES: u64 = 64 * 1024;

/// A site as the window shows it: names, the fingerprint in its six groups, and its state.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SiteView {
    pub site: String,
    pub site_name: String,
    pub agency: String,
    pub agency_name: String,
    pub agency_code: Option<String>,
    /// "12345 67890 …" as the engine writes it.
    pub fingerprint: String,
    /// The six groups of five digits.
    pub groups: Vec<String>,
    pub verified: bool,
    pub revoked: bool,
    pub own: bool,
    /// How many times the site has put new keys in force.
    pub key_changes: u32,
}

pub fn fingerprint_groups(fp: &str) -> Vec<String> {
    fp.split_whitespace().map(str::to_string).collect()
}

impl From<SiteInfo> for SiteView {
    fn from(s: SiteInfo) -> Self {
        SiteView {
            site: id_text(s.site),
            site_name: s.site_name,
            agency: id_text(s.agency),
            agency_name: s.agency_name,
            agency_code: s.agency_code,
            groups: fingerprint_groups(&s.fingerprint),
            fingerprint: s.fingerprint,
            verified: s.verified,
            revoked: s.revoked,
            own: s.own,
            key_changes: s.key_changes,
        }
    }
}

/// The exchange screen's first view: this site's card and every partner site.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExchangeView {
    pub me: SiteView,
    /// Partner sites (cards imported), by agency then site name.
    pub partners: Vec<SiteView>,
}

pub fn exchange_overview(desk: &Desktop) -> Result<ExchangeView, CommandError> {
    desk.with_vault(|v| {
        let (_, me) = v.my_card()?;
        let partners = v.sites()?.into_iter().filter(|s| !s.own).map(SiteView::from).collect();
        Ok(ExchangeView {
            me: me.into(),
            partners,
        })
    })
}

/// Writes this site's card into `folder` as `<agency>-<site>.kasanecard` (another name if that
/// one is taken) and returns the full path written.
pub fn card_export(desk: &Desktop, folder: String) -> Result<String, CommandError> {
    let folder = existing_folder("folder", &folder)?;
    let (text, me) = desk.with_vault(|v| Ok(v.my_card()?))?;
    let stem = format!("{}-{}", file_name_part(&me.agency_name), file_name_part(&me.site_name));
    let path = free_name(&folder, &stem, "kasanecard");
    // create_new: even if another program made the file since we looked, nothing is overwritten.
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    };
    write().map_err(|e| unwritable(&path, e))?;
    Ok(path.display().to_string())
}

/// Imports a partner's card from a file (unverified until its fingerprint is compared).
pub fn card_import(desk: &Desktop, path: String) -> Result<SiteView, CommandError> {
    let path = full_path("file", &path)?;
    let len = std::fs::metadata(&path).map_err(|e| unreadable(&path, &e))?.len();
    if len > MAX_CARD_BYTES {
        return Err(own_error(
            "card.too-large",
            ErrorKind::BadInput,
            format!(
                "{} is {len} bytes: too large to be an agency check file",
                path.display()
            ),
            "このファイルは機関確認ファイルにしては大きすぎます。ファイルを確かめてください".into(),
            "file",
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| unreadable(&path, &e))?;
    let text = kasane::card_text_of(&bytes).map_err(kasane::Error::from)?;
    desk.with_vault(|v| Ok(v.import_card(text)?.into()))
}

/// Marks a partner's card verified when the fingerprint read out by the partner matches.
pub fn card_verify(desk: &Desktop, site: String, fingerprint: String) -> Result<SiteView, CommandError> {
    let site = id("site", &site)?;
    desk.with_vault(|v| Ok(v.verify_card(site, &fingerprint)?.into()))
}

/// Puts new keys in force for this PC; returns its card with the new check number.
pub fn site_rotate_keys(desk: &Desktop) -> Result<SiteView, CommandError> {
    desk.with_vault(|v| {
        v.rotate_keys()?;
        let (_, me) = v.my_card()?;
        Ok(me.into())
    })
}

pub fn site_revoke(desk: &Desktop, site: String) -> Result<SiteView, CommandError> {
    let site = id("site", &site)?;
    desk.with_vault(|v| Ok(v.revoke_site(site)?.into()))
}
