//! Trusting partner PCs: importing, verifying and revoking their cards. A change of trust changes
//! what the exchange accepts, so each one judges the directory again and applies what was waiting
//! for it (segments held for an unverified card, bundles that came before the card).

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::{
    Vault,
    bundle::BundleError,
    site::{SiteError, SiteInfo, digits, parse_card, verifying_key},
};

impl Vault {
    /// Imports a partner's card (unverified until the fingerprint is compared). Importing the
    /// same card again changes nothing; a card of a known site under another agency name is
    /// taken as a new card of that site (its check number changes, so it must be compared
    /// again). A card claiming this vault's own agency is refused: a PC of this agency is
    /// imported with [`Vault::import_own_pc_card`].
    pub fn import_card(&mut self, text: &str) -> Result<SiteInfo, BundleError> {
        self.import_card_as(text, false)
    }

    /// Imports the card of another PC of this vault's own agency (one that joined it with
    /// `init --join`); a partner agency's card is refused here.
    pub fn import_own_pc_card(&mut self, text: &str) -> Result<SiteInfo, BundleError> {
        self.import_card_as(text, true)
    }

    fn import_card_as(&mut self, text: &str, own_pc: bool) -> Result<SiteInfo, BundleError> {
        let (card, fp) = parse_card(text)?;
        if card.site == self.me.site {
            return Err(SiteError::OwnCard.into());
        }
        match (card.agency == self.me.agency, own_pc) {
            (true, false) => return Err(SiteError::OwnAgencyCard(card.agency_name).into()),
            (false, true) => return Err(SiteError::NotOwnAgency(card.agency_name).into()),
            _ => {}
        }
        let key = verifying_key(&card.sign_key)?;
        let now = self.ambient.clock.now().as_millisecond();
        let tx = self.conn.transaction()?;
        let existing: Option<(Vec<u8>, String, Vec<u8>, String)> = tx
            .query_row(
                "SELECT sign_key, age_recipient, agency, fingerprint FROM card WHERE site = ?1",
                [card.site.as_bytes()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let mut detail = card.agency_name.clone();
        match existing {
            Some((k, a, _, _)) if k != key.as_bytes() || a != card.age_recipient => {
                let retired: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM site_key WHERE site = ?1 AND retired_key = ?2)",
                    params![card.site.as_bytes(), &key.as_bytes()[..]],
                    |r| r.get(0),
                )?;
                return Err(if retired {
                    SiteError::CardKeysRetired(card.site)
                } else {
                    SiteError::CardKeysChanged(card.site)
                }
                .into());
            }
            Some((_, _, agency, _)) if agency != card.agency.as_bytes() => {
                return Err(SiteError::CardAgencyChanged(card.site).into());
            }
            Some((_, _, _, old_fp)) => {
                // The same keys under another agency name: the check number changes with it, so
                // the card is unverified until it is compared again.
                let renamed = old_fp != fp;
                tx.execute(
                    "UPDATE card SET agency_name = ?2, agency_code = ?3, site_name = ?4, fingerprint = ?5, text = ?6,
                       verified_at = CASE WHEN ?7 THEN NULL ELSE verified_at END WHERE site = ?1",
                    params![
                        card.site.as_bytes(),
                        card.agency_name,
                        card.agency_code,
                        card.site_name,
                        fp,
                        text,
                        renamed
                    ],
                )?;
                if renamed {
                    detail.push_str(" (new check number: compare it again)");
                }
            }
            None => {
                tx.execute(
                    "INSERT INTO card (site, agency, agency_name, agency_code, site_name, sign_key, age_recipient, fingerprint, text, imported_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        card.site.as_bytes(),
                        card.agency.as_bytes(),
                        card.agency_name,
                        card.agency_code,
                        card.site_name,
                        &key.as_bytes()[..],
                        card.age_recipient,
                        fp,
                        text,
                        now
                    ],
                )?;
            }
        }
        crate::audit::append(
            &tx,
            self.ambient.clock.now(),
            Some(self.me.worker),
            "card.import",
            Some(&card.site.to_string()),
            Some(&detail),
        )?;
        tx.commit()?;
        // Who is who changed: directory entries a partner wrote for this site or its agency are
        // judged again against what the card now says.
        self.rejudge_directory()?;
        Ok(self.site_info(card.site)?)
    }

    /// Marks a partner's card as verified after a person compared the fingerprint with the
    /// partner (by phone, in person). Segments quarantined because it was unverified are then
    /// applied.
    pub fn verify_card(&mut self, site: Uuid, fingerprint_text: &str) -> Result<SiteInfo, BundleError> {
        let info = self.site_info(site)?;
        if info.revoked {
            return Err(SiteError::Revoked(site).into());
        }
        if digits(fingerprint_text) != digits(&info.fingerprint) {
            self.audit_now("card.verify-failed", Some(site.to_string()), None)?;
            return Err(SiteError::FingerprintMismatch(site).into());
        }
        let now = self.ambient.clock.now().as_millisecond();
        self.conn.execute(
            "UPDATE card SET verified_at = coalesce(verified_at, ?2) WHERE site = ?1",
            params![site.as_bytes(), now],
        )?;
        self.audit_now("card.verify", Some(site.to_string()), None)?;
        self.rejudge_directory()?;
        self.import_waiting_from(site)?;
        self.retry_quarantine()?;
        Ok(self.site_info(site)?)
    }

    /// Revokes a site (a lost or retired PC): its later bundles are refused and its later
    /// segments quarantined. Revoking a site of our own agency also tells partners.
    pub fn revoke_site(&mut self, site: Uuid) -> Result<SiteInfo, BundleError> {
        if site == self.me.site {
            return Err(SiteError::RevokeSelf.into());
        }
        let info = self.site_info(site)?;
        let frontier = crate::peers::series_frontier_of(&self.conn, site)?;
        let now = self.ambient.clock.now().as_millisecond();
        self.conn.execute(
            "UPDATE card SET revoked_at = coalesce(revoked_at, ?2), revoked_frontier = coalesce(revoked_frontier, ?3) WHERE site = ?1",
            params![site.as_bytes(), now, serde_json::to_string(&frontier).unwrap_or_default()],
        )?;
        if info.agency == self.me.agency {
            let exists = crate::log::load_entity(&self.conn, site)?.is_some_and(|st| st.etype == "site");
            self.write(|tx| -> Result<_, BundleError> {
                let f = crate::record::Fields::new().put("revoked", true).into_map();
                if exists {
                    tx.set(site, f)?;
                } else {
                    let f = crate::record::Fields::new()
                        .put("name", &info.site_name)
                        .put("agency", info.agency)
                        .put("revoked", true)
                        .into_map();
                    tx.create_with_id(site, crate::log::Scope::Directory, "site", Some(info.agency), f)?;
                }
                tx.audit("site.revoke", Some(site.to_string()), None);
                Ok(())
            })?;
        } else {
            self.audit_now("site.revoke", Some(site.to_string()), Some("local".into()))?;
        }
        Ok(self.site_info(site)?)
    }
}
