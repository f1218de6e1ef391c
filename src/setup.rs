//! Setting up and opening a vault as a whole: a new agency's first PC, a PC joining its agency,
//! unlocking with the inbox retried, adding a worker and removing one who left (which changes the
//! database key and the recovery code). These steps span the vault, the agency
//! directory and the site's keys, so they sit above all three; the vault itself only knows its
//! folder, database and key slots.

use std::path::Path;

use age::secrecy::SecretString;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    Error,
    clock::Ambient,
    keyring::{KdfCost, KeyError, RecoveryCode, check_new_passphrase},
    log::Scope,
    record::require_text,
    site::{SiteKeys, parse_card},
    vault::{Founding, Identity, Vault, VaultDir, VaultError},
};

/// What a new vault starts with.
pub struct Setup {
    pub agency: String,
    pub site: String,
    pub worker: String,
    pub passphrase: SecretString,
    pub kdf: KdfCost,
    /// The member card of another site of the same agency, when this PC joins an agency that
    /// already uses Kasane (its name and id come from the card, which is imported unverified).
    pub join: Option<String>,
}

impl Setup {
    /// A new agency's first site, with a KDF calibrated to this PC.
    pub fn new(agency: &str, site: &str, worker: &str, passphrase: SecretString) -> Setup {
        Setup {
            agency: agency.into(),
            site: site.into(),
            worker: worker.into(),
            passphrase,
            kdf: KdfCost::Calibrated,
            join: None,
        }
    }
}

/// What removing workers does, listed before it is done and reported after.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerRemoval {
    /// The workers removed: their passwords no longer open these case records.
    pub removed: Vec<RemovedWorker>,
    /// The workers who keep access, with the passwords they have.
    pub remaining: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RemovedWorker {
    pub worker: Uuid,
    pub name: String,
}

impl Vault {
    /// Creates a vault in `dir` (new or empty) and returns it unlocked with the recovery code,
    /// which is shown once and never stored.
    pub fn create(dir: &Path, setup: Setup, ambient: Ambient) -> Result<(Vault, RecoveryCode), Error> {
        check_new_passphrase(&setup.passphrase)?;
        let joined = match &setup.join {
            Some(text) => Some(parse_card(text)?.0),
            None => None,
        };
        let agency_name = match &joined {
            Some(card) => card.agency_name.clone(),
            None => require_text("agency", &setup.agency)?,
        };
        require_text("site", &setup.site)?;
        let worker_name = require_text("worker", &setup.worker)?;
        let log_n = setup.kdf.resolve()?;
        let vault_id = ambient.uuid_v7();
        let site = ambient.uuid_v7();
        let fresh_agency = ambient.uuid_v7();
        let agency = joined.as_ref().map_or(fresh_agency, |c| c.agency);
        // The worker's directory entry is an ordinary record, so its id is derived from the op
        // that creates it: the third of this site's directory series (the second when joining,
        // which leaves the agency's entry to the site that made it). The key slot needs it first.
        let worker = crate::log::record_id(Scope::Directory, site, if joined.is_some() { 2 } else { 3 });
        let me = Identity {
            vault: vault_id,
            site,
            agency,
            worker,
        };
        let founding = Founding::begin(dir, me, &ambient)?;
        SiteKeys::load_or_create(founding.conn(), &ambient.entropy)?;
        let (mut vault, code) = founding.slots(&worker_name, &setup.passphrase, log_n, ambient)?;
        if let Some(text) = &setup.join {
            vault.import_own_pc_card(text)?;
        }
        vault.write(|tx| {
            if joined.is_none() {
                // A joining site leaves the agency's entry to the site that made it.
                let mut f = Map::new();
                f.insert("name".into(), Value::from(agency_name.as_str()));
                tx.create_with_id(agency, Scope::Directory, "agency", None, f)?;
            }
            let mut f = Map::new();
            f.insert("name".into(), Value::from(setup.site.trim()));
            f.insert("agency".into(), Value::from(agency.to_string()));
            tx.create_with_id(site, Scope::Directory, "site", Some(agency), f)?;
            let mut f = Map::new();
            f.insert("name".into(), Value::from(worker_name.as_str()));
            f.insert("agency".into(), Value::from(agency.to_string()));
            let created = tx.create(Scope::Directory, "worker", Some(agency), f)?;
            if created != worker {
                return Err(Error::Vault(VaultError::Damaged(
                    "the new worker's record id is not the one its key slot names".into(),
                )));
            }
            tx.audit("vault.create", Some(vault_id.to_string()), None);
            Ok(())
        })?;
        vault.seal_founding()?;
        Ok((vault, code))
    }

    /// Adds a worker with their own passphrase. The database is not rewritten: the new slot
    /// wraps the same key.
    pub fn add_worker(&mut self, name: &str, passphrase: &SecretString, kdf: KdfCost) -> Result<Uuid, Error> {
        let name = require_text("name", name)?;
        check_new_passphrase(passphrase)?;
        if self.workers().iter().any(|w| w.name == name) {
            return Err(KeyError::WorkerExists(name).into());
        }
        let log_n = kdf.resolve()?;
        let agency = self.identity().agency;
        let id = self.write(|tx| {
            let mut f = Map::new();
            f.insert("name".into(), Value::from(name.as_str()));
            f.insert("agency".into(), Value::from(agency.to_string()));
            let id = tx.create(Scope::Directory, "worker", Some(agency), f)?;
            tx.audit("worker.add", Some(id.to_string()), None);
            Ok::<_, Error>(id)
        })?;
        self.put_worker_slot(id, &name, passphrase, log_n)?;
        Ok(id)
    }
}

impl Vault {
    /// What removing `who` (names or ids) would do, or why it is refused: nobody removes
    /// themselves or the last worker, and every worker who stays must have a key file a key
    /// change can reach (format 3: they opened Kasane with this version once).
    pub fn worker_removal(&self, who: &[&str]) -> Result<WorkerRemoval, Error> {
        let mut removed: Vec<RemovedWorker> = Vec::new();
        for w in who {
            let slot = self.keyring_find(w)?;
            if !removed.iter().any(|r| r.worker == slot.worker) {
                removed.push(RemovedWorker {
                    worker: slot.worker,
                    name: slot.name.clone(),
                });
            }
        }
        if removed.is_empty() {
            return Err(crate::record::RecordError::Inconsistent(crate::record::msg!(
                ja: "削除する職員を指定してください",
                en: "name the worker to remove"
            ))
            .into());
        }
        let remaining: Vec<&crate::WorkerSlot> = self
            .workers()
            .iter()
            .filter(|w| !removed.iter().any(|r| r.worker == w.worker))
            .collect();
        if remaining.is_empty() {
            let names: Vec<&str> = removed.iter().map(|r| r.name.as_str()).collect();
            return Err(VaultError::LastWorker(names.join("、")).into());
        }
        if let Some(me) = removed.iter().find(|r| r.worker == self.identity().worker) {
            return Err(VaultError::RemovingYourself(me.name.clone()).into());
        }
        let older: Vec<&str> = remaining
            .iter()
            .filter(|w| w.format < crate::keyring::SLOT_FORMAT)
            .map(|w| w.name.as_str())
            .collect();
        if !older.is_empty() {
            return Err(VaultError::OlderKeyFiles(older.join("、")).into());
        }
        Ok(WorkerRemoval {
            removed,
            remaining: remaining.iter().map(|w| w.name.clone()).collect(),
        })
    }

    /// Removes workers who left: their key files go, and since they may have kept the database
    /// key or a copy of their key file, the key is changed (the database written again under a
    /// new one, every remaining worker's key file rewrapped without their passwords) and so is
    /// the recovery code, which they may have seen. The new code is returned to be shown once.
    /// `on_code` gets the new code before the new key is put in force (see [`Vault::rekey`]):
    /// show it there, and a code in force has always been shown. The directory keeps the
    /// worker's entry (what they wrote stays theirs); the audit trail says who removed whom.
    /// Refused as [`Vault::worker_removal`] says, with nothing changed.
    pub fn remove_workers(
        &mut self,
        who: &[&str],
        on_code: &mut dyn FnMut(&RecoveryCode),
    ) -> Result<(WorkerRemoval, RecoveryCode), Error> {
        let plan = self.worker_removal(who)?;
        let ids: Vec<Uuid> = plan.removed.iter().map(|r| r.worker).collect();
        let names: Vec<&str> = plan.removed.iter().map(|r| r.name.as_str()).collect();
        let targets: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let detail = format!(
            "{}: key files removed, database key and recovery code changed",
            names.join(", ")
        );
        let code = self.rekey(&ids, "worker.remove", Some(&targets.join(" ")), Some(&detail), on_code)?;
        Ok((plan, code))
    }
}

impl VaultDir {
    /// Unlocks as a worker (by name or id; None when the vault has one worker). Bundles whose
    /// import was interrupted are retried now; their outcomes are recorded in the inbox.
    pub fn unlock(self, worker: Option<&str>, passphrase: &SecretString, ambient: Ambient) -> Result<Vault, Error> {
        let mut vault = self.unlock_without_inbox(worker, passphrase, ambient)?;
        let _ = vault.process_inbox()?;
        // Access that ran out while Kasane was closed ends before anything is shown.
        vault.end_lapsed_shares()?;
        Ok(vault)
    }
}
