//! Key rotation: a site puts new signing and encryption keys in force with a record that the key
//! it retires and the new key both sign. A partner that trusted the old key (by comparing the
//! check number) follows the record without another phone call. The record fixes, by a hash of
//! its frontier, the last operation of every series the retired key may have signed: from then
//! on that key counts only up to there, so a copy of it taken away signs nothing new. Every file
//! a site sends carries its rotations, and those of the authors whose segments it relays, so a
//! partner importing files out of order meets a rotation before anything signed with the new key
//! and still reads older files signed with the old one.

use std::collections::BTreeMap;

use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{B64, SiteError, SiteKeys, fingerprint, verifying_key};
use crate::{Vault, log::Hash32};

/// The rotation record format this build writes and reads.
pub const ROTATION_FORMAT: u32 = 1;
const ROTATION_DOMAIN: &[u8] = b"kasane key rotation v1\0";
const FRONTIER_CONTEXT: &str = "kasane key rotation frontier v1";
const SCOPE_CONTEXT: &str = "kasane key rotation scope v1";

/// How a frontier names a scope: the first 16 bytes of a hash of its name, in lowercase hex. A
/// partner learns the frontier of every rotation, and the names would tell it the ids of cases
/// it was never given; the hash lets it look up a scope it holds and nothing more.
pub(crate) fn scope_key(scope: &str) -> String {
    let h = blake3::Hasher::new_derive_key(SCOPE_CONTEXT)
        .update(scope.as_bytes())
        .finalize();
    h.as_bytes()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error("a key change of site {site} does not verify: {why}; do not trust the file, and call the partner")]
    Invalid { site: Uuid, why: String },
    #[error(
        "two different key changes of site {0} for the same step: someone holding one of its old keys signed another; do not trust either, and call the partner"
    )]
    Conflict(Uuid),
    #[error("a key change of site {0} came without the list of what its old key had signed")]
    NoFrontier(Uuid),
    #[error("a key change from a newer version of Kasane (key change format {0})")]
    TooNew(u32),
}

impl RotationError {
    pub fn code(&self) -> &'static str {
        match self {
            RotationError::Invalid { .. } | RotationError::NoFrontier(_) => "bundle.key-change",
            RotationError::Conflict(_) => "bundle.key-conflict",
            RotationError::TooNew(_) => "bundle.needs-update",
        }
    }

    pub fn message_ja(&self) -> String {
        match self {
            RotationError::Invalid { .. } | RotationError::NoFrontier(_) => {
                "連携ファイルにある相手の端末の鍵の更新記録を確かめられません。改ざんの可能性があります。このファイルは使わず、相手機関に連絡してください".into()
            }
            RotationError::Conflict(_) => {
                "相手の端末の鍵の更新記録が、以前に受け取ったものと食い違っています。古い鍵が第三者に渡った可能性があります。相手機関に電話で連絡し、照合番号を確認してください".into()
            }
            RotationError::TooNew(_) => "新しいバージョンのかさねで作られた鍵の更新記録です。かさねを更新してください".into(),
        }
    }
}

/// The signed contents of a rotation (frozen, format 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationData {
    pub rotation: u32,
    pub site: Uuid,
    /// 1 for the site's first rotation, then 2, 3 …
    pub epoch: u32,
    /// The key retired (the one in force before), base64url.
    pub prev_sign_key: String,
    /// The key put in force, base64url.
    pub sign_key: String,
    /// The new age X25519 recipient ("age1…").
    pub age_recipient: String,
    pub issued: i64,
    /// BLAKE3 (derive_key "kasane key rotation frontier v1") of the frontier bytes.
    pub frontier: Hash32,
}

/// A rotation as carried: the exact signed bytes and both signatures, unpadded base64url. The
/// same message ("kasane key rotation v1\0" ‖ data) is signed by the retired key and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedRotation {
    pub data: String,
    pub prev_signature: String,
    pub new_signature: String,
}

/// A rotation with its frontier bytes (unpadded base64url of a JSON array of `[scope key, last
/// seq]`, the scope named by [`scope_key`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationEntry {
    pub rotation: SignedRotation,
    pub frontier: String,
}

/// How a signature verified against a site's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignedWith {
    /// The key in force.
    Current,
    /// A retired key; `within` when what it signs lies inside its frontier.
    Retired { within: bool },
}

/// One rotation of a site, checked.
#[derive(Debug, Clone)]
struct Link {
    epoch: u32,
    retired: VerifyingKey,
    key: VerifyingKey,
    age_recipient: String,
    signed: SignedRotation,
    frontier_hash: Hash32,
    /// The frontier's exact bytes and what they say, once known.
    frontier: Option<(Vec<u8>, BTreeMap<String, u64>)>,
    stored: bool,
}

/// Every key a site has signed with, as far as this vault knows: the key of its card (or this
/// site's first key), then one link per rotation, in order.
#[derive(Debug, Clone)]
pub(crate) struct KeyChain {
    site: Uuid,
    first: VerifyingKey,
    links: Vec<Link>,
    /// Given as the key in force by the caller (golden vectors): carried rotations are not
    /// followed, since the key they lead to is already the one given.
    pinned: bool,
}

fn frontier_hash(bytes: &[u8]) -> Hash32 {
    Hash32(
        *blake3::Hasher::new_derive_key(FRONTIER_CONTEXT)
            .update(bytes)
            .finalize()
            .as_bytes(),
    )
}

fn message(data: &[u8]) -> Vec<u8> {
    let mut msg = ROTATION_DOMAIN.to_vec();
    msg.extend_from_slice(data);
    msg
}

fn parse_frontier(bytes: &[u8]) -> Option<BTreeMap<String, u64>> {
    let pairs: Vec<(String, u64)> = serde_json::from_slice(bytes).ok()?;
    Some(pairs.into_iter().collect())
}

/// Reads the signed data of a carried rotation without trusting it (its epoch and site say which
/// key must have signed it).
fn decode(signed: &SignedRotation, site: Uuid) -> Result<(Vec<u8>, RotationData), RotationError> {
    let invalid = |why: &str| RotationError::Invalid {
        site,
        why: why.to_string(),
    };
    let data = B64
        .decode(signed.data.trim())
        .map_err(|_| invalid("the data is not unpadded base64url"))?;
    #[derive(Deserialize)]
    struct Version {
        rotation: u32,
    }
    let v: Version = serde_json::from_slice(&data).map_err(|_| invalid("the data is not a key change"))?;
    match v.rotation {
        ROTATION_FORMAT => {}
        0 => return Err(invalid("key change format 0")),
        n => return Err(RotationError::TooNew(n)),
    }
    let parsed: RotationData = serde_json::from_slice(&data).map_err(|_| invalid("the data is not a key change"))?;
    if parsed.site != site {
        return Err(invalid("it names another site"));
    }
    Ok((data, parsed))
}

fn signature(b64: &str) -> Option<Signature> {
    let bytes = B64.decode(b64.trim()).ok()?;
    Signature::from_slice(&bytes).ok()
}

impl KeyChain {
    /// A chain of one key given as the key in force (golden vectors read with a public key).
    #[cfg(feature = "testing")]
    pub fn single(key: VerifyingKey) -> KeyChain {
        KeyChain {
            site: Uuid::nil(),
            first: key,
            links: Vec::new(),
            pinned: true,
        }
    }

    /// The chain of `site` as stored: its rotations in order, ending at `current` (the key of its
    /// card, or this site's own key).
    pub fn load(conn: &Connection, site: Uuid, current: VerifyingKey) -> Result<KeyChain, SiteError> {
        let mut stmt = conn.prepare_cached(
            "SELECT epoch, retired_key, sign_key, age_recipient, record, frontier FROM site_key WHERE site = ?1 ORDER BY epoch",
        )?;
        let rows = stmt
            .query_map([site.as_bytes()], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let damaged = |why: &str| SiteError::KeysDamaged(format!("stored key change: {why}"));
        let key_of = |b: Vec<u8>| -> Result<VerifyingKey, SiteError> {
            let arr: [u8; 32] = b.try_into().map_err(|_| damaged("key length"))?;
            VerifyingKey::from_bytes(&arr).map_err(|_| damaged("key"))
        };
        let mut links = Vec::with_capacity(rows.len());
        for (epoch, retired, key, age_recipient, record, frontier) in rows {
            let signed: SignedRotation = serde_json::from_str(&record).map_err(|_| damaged("record"))?;
            let (_, data) = decode(&signed, site).map_err(|_| damaged("record"))?;
            let map = parse_frontier(&frontier).ok_or_else(|| damaged("frontier"))?;
            links.push(Link {
                epoch,
                retired: key_of(retired)?,
                key: key_of(key)?,
                age_recipient,
                signed,
                frontier_hash: data.frontier,
                frontier: Some((frontier, map)),
                stored: true,
            });
        }
        let first = links.first().map(|l| l.retired).unwrap_or(current);
        let chain = KeyChain {
            site,
            first,
            links,
            pinned: false,
        };
        if chain.current() != current {
            return Err(damaged("the key in force is not where the key changes lead"));
        }
        Ok(chain)
    }

    pub fn site(&self) -> Uuid {
        self.site
    }

    pub fn current(&self) -> VerifyingKey {
        self.links.last().map(|l| l.key).unwrap_or(self.first)
    }

    pub fn epoch(&self) -> u32 {
        self.links.last().map(|l| l.epoch).unwrap_or(0)
    }

    /// Follows the rotations carried for this site: one already known must be the very record
    /// held (another one is a conflict), the next must be signed by the key in force and by its
    /// new key, and a later one waits for the ones before it (all are carried, in order).
    pub fn follow(&mut self, carried: &[SignedRotation]) -> Result<(), RotationError> {
        for signed in carried {
            self.follow_one(signed, None)?;
        }
        Ok(())
    }

    /// As [`KeyChain::follow`], with the frontier of each rotation, checked against its hash.
    pub fn follow_entries(&mut self, entries: &[&RotationEntry]) -> Result<(), RotationError> {
        for e in entries {
            let bytes = B64.decode(e.frontier.trim()).map_err(|_| RotationError::Invalid {
                site: self.site,
                why: "the frontier is not unpadded base64url".into(),
            })?;
            self.follow_one(&e.rotation, Some(bytes))?;
        }
        Ok(())
    }

    fn follow_one(&mut self, signed: &SignedRotation, frontier: Option<Vec<u8>>) -> Result<(), RotationError> {
        if self.pinned {
            return Ok(());
        }
        let site = self.site;
        let invalid = |why: &str| RotationError::Invalid {
            site,
            why: why.to_string(),
        };
        let (data, parsed) = decode(signed, site)?;
        let epoch = parsed.epoch;
        if epoch == 0 {
            return Err(invalid("key change number 0"));
        }
        let known = self.epoch();
        if epoch > known + 1 {
            return Err(invalid("an earlier key change of the site is missing"));
        }
        let index = (epoch - 1) as usize;
        if epoch <= known {
            let link = &mut self.links[index];
            if link.signed.data.trim() != signed.data.trim() {
                return Err(RotationError::Conflict(site));
            }
            if let (None, Some(bytes)) = (&link.frontier, frontier) {
                if frontier_hash(&bytes) != link.frontier_hash {
                    return Err(invalid("the frontier does not match its signed hash"));
                }
                let map = parse_frontier(&bytes).ok_or_else(|| invalid("the frontier is not a list of series"))?;
                link.frontier = Some((bytes, map));
            }
            return Ok(());
        }
        let retired = self.current();
        let msg = message(&data);
        let prev_key = verifying_key(&parsed.prev_sign_key).map_err(|_| invalid("the retired key is not a key"))?;
        if prev_key != retired {
            return Err(invalid("it retires a key that is not the one in force"));
        }
        let prev_sig =
            signature(&signed.prev_signature).ok_or_else(|| invalid("the retired key's signature is malformed"))?;
        retired
            .verify_strict(&msg, &prev_sig)
            .map_err(|_| invalid("the retired key's signature does not verify"))?;
        let key = verifying_key(&parsed.sign_key).map_err(|_| invalid("the new key is not a canonical key"))?;
        let new_sig =
            signature(&signed.new_signature).ok_or_else(|| invalid("the new key's signature is malformed"))?;
        key.verify_strict(&msg, &new_sig)
            .map_err(|_| invalid("the new key's signature does not verify"))?;
        if key == retired {
            return Err(invalid("the new key is the retired one"));
        }
        parsed
            .age_recipient
            .parse::<age::x25519::Recipient>()
            .map_err(|_| invalid("the new encryption key is not an age recipient"))?;
        let frontier = match frontier {
            Some(bytes) => {
                if frontier_hash(&bytes) != parsed.frontier {
                    return Err(invalid("the frontier does not match its signed hash"));
                }
                let map = parse_frontier(&bytes).ok_or_else(|| invalid("the frontier is not a list of series"))?;
                Some((bytes, map))
            }
            None => None,
        };
        self.links.push(Link {
            epoch,
            retired,
            key,
            age_recipient: parsed.age_recipient,
            signed: signed.clone(),
            frontier_hash: parsed.frontier,
            frontier,
            stored: false,
        });
        Ok(())
    }

    /// Checks a signature with the key in force, then with each retired key; `scope` and `last`
    /// say what a segment signs (a retired key stands only within its frontier). `None` when no
    /// key of the site signed it.
    pub fn verify(&self, msg: &[u8], sig: &Signature, segment: Option<(&str, u64)>) -> Option<SignedWith> {
        if self.current().verify_strict(msg, sig).is_ok() {
            return Some(SignedWith::Current);
        }
        for link in self.links.iter().rev() {
            if link.retired.verify_strict(msg, sig).is_ok() {
                let within = match (segment, &link.frontier) {
                    (Some((scope, last)), Some((_, f))) => f.get(&scope_key(scope)).is_some_and(|&held| last <= held),
                    // A file's header or manifest: its effects are limited by the caller.
                    (None, _) => true,
                    (Some(_), None) => false,
                };
                return Some(SignedWith::Retired { within });
            }
        }
        None
    }

    /// Whether a rotation was learnt (not yet stored) since the chain was loaded.
    pub fn learnt(&self) -> bool {
        self.links.iter().any(|l| !l.stored)
    }

    /// The rotations as carried in a file header.
    pub fn carried(&self) -> Vec<SignedRotation> {
        self.links.iter().map(|l| l.signed.clone()).collect()
    }

    /// Stores the rotations learnt from a file and puts the newest keys on the site's card (the
    /// trust placed in the old key passes to the new one, so a verified card stays verified; its
    /// check number is the new keys'). Returns how many were learnt.
    pub fn store_learnt(&self, conn: &Connection, now_ms: i64) -> Result<usize, SiteError> {
        let mut n = 0;
        for l in self.links.iter().filter(|l| !l.stored) {
            let Some((bytes, _)) = &l.frontier else {
                return Err(SiteError::KeysDamaged(RotationError::NoFrontier(self.site).to_string()));
            };
            insert_link(conn, self.site, l, bytes, None, now_ms)?;
            n += 1;
        }
        if n > 0 {
            let last = self.links.last().map(|l| (l.key, l.age_recipient.clone()));
            if let Some((key, age_recipient)) = last {
                let (agency, agency_name): (Vec<u8>, String) = conn.query_row(
                    "SELECT agency, agency_name FROM card WHERE site = ?1",
                    [self.site.as_bytes()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let agency = Uuid::from_slice(&agency).unwrap_or_default();
                let fp = fingerprint(self.site, key.as_bytes(), &age_recipient, agency, &agency_name);
                conn.execute(
                    "UPDATE card SET sign_key = ?2, age_recipient = ?3, fingerprint = ?4 WHERE site = ?1",
                    params![self.site.as_bytes(), &key.as_bytes()[..], age_recipient, fp],
                )?;
            }
        }
        Ok(n)
    }

    /// Whether every rotation learnt came with its frontier (a file must carry them all).
    pub fn complete(&self) -> Result<(), RotationError> {
        match self.links.iter().any(|l| l.frontier.is_none()) {
            true => Err(RotationError::NoFrontier(self.site)),
            false => Ok(()),
        }
    }
}

fn insert_link(
    conn: &Connection,
    site: Uuid,
    l: &Link,
    frontier: &[u8],
    age_secret: Option<&[u8]>,
    now_ms: i64,
) -> Result<(), SiteError> {
    let record = serde_json::to_string(&l.signed).map_err(|e| SiteError::KeysDamaged(e.to_string()))?;
    conn.execute(
        "INSERT INTO site_key (site, epoch, retired_key, sign_key, age_recipient, record, frontier, age_secret, learnt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            site.as_bytes(),
            l.epoch,
            &l.retired.as_bytes()[..],
            &l.key.as_bytes()[..],
            l.age_recipient,
            record,
            frontier,
            age_secret,
            now_ms
        ],
    )?;
    Ok(())
}

/// What a rotation of this site's keys did.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRotation {
    /// 1 for the first rotation of this site, then 2, 3 …
    pub epoch: u32,
    /// The check number of this site's new keys.
    pub fingerprint: String,
    /// Series this site had written when the old key was retired.
    pub series: usize,
}

/// A key change of this site, as its list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct KeyChange {
    pub site: Uuid,
    pub epoch: u32,
    pub at: i64,
    pub own: bool,
}

impl Vault {
    /// Puts new signing and encryption keys in force for this site. The old signing key is
    /// forgotten (nothing is signed with it again); the old encryption key is kept to open files
    /// partners made before they learnt of the change. Partners learn it from the next file this
    /// site sends them, and the check number of this site changes.
    pub fn rotate_keys(&mut self) -> Result<KeyRotation, SiteError> {
        let me = self.me.site;
        let old = self.site_keys()?;
        let fresh = SiteKeys::generate(&self.ambient.entropy);
        let agency_id = self.me.agency;
        let agency = self.agency(agency_id)?;
        self.write(|tx| -> Result<KeyRotation, SiteError> {
            let conn = tx.conn();
            let chain = KeyChain::load(conn, me, old.signing.verifying_key())?;
            let epoch = chain.epoch() + 1;
            // What the old key may have signed: every op this site holds of its own series. Own
            // segments are signed when a file is written, so none signed with the old key can
            // reach beyond.
            let mut series: Vec<(String, u64)> = conn
                .prepare(
                    "SELECT sc.name, se.last_seq FROM series se JOIN scope sc ON sc.id = se.scope
                     WHERE se.site = ?1 AND sc.name NOT LIKE 'local:%'",
                )?
                .query_map([me.as_bytes()], |r| {
                    Ok((scope_key(&r.get::<_, String>(0)?), r.get::<_, i64>(1)? as u64))
                })?
                .collect::<rusqlite::Result<_>>()?;
            series.sort();
            let frontier = serde_json::to_vec(&series).map_err(|e| SiteError::KeysDamaged(e.to_string()))?;
            let data = RotationData {
                rotation: ROTATION_FORMAT,
                site: me,
                epoch,
                prev_sign_key: B64.encode(old.signing.verifying_key().as_bytes()),
                sign_key: B64.encode(fresh.signing.verifying_key().as_bytes()),
                age_recipient: fresh.age_recipient()?,
                issued: tx.ambient().clock.now().as_millisecond(),
                frontier: frontier_hash(&frontier),
            };
            let bytes = serde_json::to_vec(&data).map_err(|e| SiteError::KeysDamaged(e.to_string()))?;
            let msg = message(&bytes);
            let link = Link {
                epoch,
                retired: old.signing.verifying_key(),
                key: fresh.signing.verifying_key(),
                age_recipient: data.age_recipient.clone(),
                signed: SignedRotation {
                    data: B64.encode(&bytes),
                    prev_signature: B64.encode(old.sign(&msg).to_bytes()),
                    new_signature: B64.encode(fresh.sign(&msg).to_bytes()),
                },
                frontier_hash: data.frontier,
                frontier: None,
                stored: false,
            };
            insert_link(
                conn,
                me,
                &link,
                &frontier,
                Some(&old.age_secret_bytes()[..]),
                data.issued,
            )?;
            conn.execute(
                "UPDATE vault_meta SET value = ?1 WHERE key = 'site_sign_key'",
                [&fresh.signing.to_bytes()[..]],
            )?;
            conn.execute(
                "UPDATE vault_meta SET value = ?1 WHERE key = 'site_age_key'",
                [&fresh.age_secret_bytes()[..]],
            )?;
            let fp = fingerprint(
                me,
                fresh.signing.verifying_key().as_bytes(),
                &data.age_recipient,
                agency_id,
                &agency.name,
            );
            tx.audit(
                "site.rotate-keys",
                Some(me.to_string()),
                Some(format!("key change {epoch}: {} series", series.len())),
            );
            Ok(KeyRotation {
                epoch,
                fingerprint: fp,
                series: series.len(),
            })
        })
    }

    /// Every key change this vault knows, this site's own and partners', newest first.
    pub fn key_changes(&self) -> Result<Vec<KeyChange>, SiteError> {
        let me = self.me.site;
        let mut stmt = self
            .conn
            .prepare("SELECT site, epoch, learnt_at FROM site_key ORDER BY learnt_at DESC, epoch DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, u32>(1)?, r.get::<_, i64>(2)?))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (site, epoch, at) = r?;
            let site = Uuid::from_slice(&site).unwrap_or_default();
            out.push(KeyChange {
                site,
                epoch,
                at,
                own: site == me,
            });
        }
        Ok(out)
    }

    /// This site's chain of keys, ending at the key in force.
    pub(crate) fn own_chain(&self) -> Result<KeyChain, SiteError> {
        KeyChain::load(&self.conn, self.me.site, self.site_keys()?.signing.verifying_key())
    }

    /// The age identities this site may have been sent files under: the one in force, then the
    /// retired ones, newest first.
    pub(crate) fn own_identities(&self) -> Result<Vec<age::x25519::Identity>, SiteError> {
        let mut out = vec![self.site_keys()?.age_identity()?];
        let mut stmt = self.conn.prepare_cached(
            "SELECT age_secret FROM site_key WHERE site = ?1 AND age_secret IS NOT NULL ORDER BY epoch DESC",
        )?;
        let rows = stmt.query_map([self.me.site.as_bytes()], |r| r.get::<_, Vec<u8>>(0))?;
        for r in rows {
            let secret: [u8; 32] = r?
                .try_into()
                .map_err(|_| SiteError::KeysDamaged("retired age key length".into()))?;
            out.push(super::age_identity_from(&zeroize::Zeroizing::new(secret))?);
        }
        Ok(out)
    }

    /// The stored rotations, with frontiers, of the given sites (for a manifest).
    pub(crate) fn rotation_entries(
        &self,
        sites: impl IntoIterator<Item = Uuid>,
    ) -> Result<Vec<RotationEntry>, SiteError> {
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT record, frontier FROM site_key WHERE site = ?1 ORDER BY epoch")?;
        for site in sites {
            let rows = stmt.query_map([site.as_bytes()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?;
            for r in rows {
                let (record, frontier) = r?;
                let rotation: SignedRotation = serde_json::from_str(&record)
                    .map_err(|_| SiteError::KeysDamaged("stored key change record".into()))?;
                out.push(RotationEntry {
                    rotation,
                    frontier: B64.encode(frontier),
                });
            }
        }
        Ok(out)
    }
}

/// The site a carried rotation names, read without trusting it (to find its chain).
pub(crate) fn site_of(signed: &SignedRotation) -> Option<Uuid> {
    let data = B64.decode(signed.data.trim()).ok()?;
    #[derive(Deserialize)]
    struct Site {
        site: Uuid,
    }
    serde_json::from_slice::<Site>(&data).ok().map(|s| s.site)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Entropy;

    const SITE: Uuid = Uuid::from_u128(7);

    /// A rotation from `old` to `new` at `epoch`, signed by `signer_old` and `signer_new`, with
    /// `frontier` bytes; `edit` changes the data before it is signed.
    fn rotation(
        old: &SiteKeys,
        new: &SiteKeys,
        epoch: u32,
        frontier: &[u8],
        edit: impl FnOnce(&mut serde_json::Value),
    ) -> RotationEntry {
        let mut data = serde_json::to_value(RotationData {
            rotation: ROTATION_FORMAT,
            site: SITE,
            epoch,
            prev_sign_key: B64.encode(old.signing.verifying_key().as_bytes()),
            sign_key: B64.encode(new.signing.verifying_key().as_bytes()),
            age_recipient: new.age_recipient().unwrap(),
            issued: 0,
            frontier: frontier_hash(frontier),
        })
        .unwrap();
        edit(&mut data);
        let bytes = serde_json::to_vec(&data).unwrap();
        let msg = message(&bytes);
        RotationEntry {
            rotation: SignedRotation {
                data: B64.encode(&bytes),
                prev_signature: B64.encode(old.sign(&msg).to_bytes()),
                new_signature: B64.encode(new.sign(&msg).to_bytes()),
            },
            frontier: B64.encode(frontier),
        }
    }

    fn chain(first: &SiteKeys) -> KeyChain {
        KeyChain {
            site: SITE,
            first: first.signing.verifying_key(),
            links: Vec::new(),
            pinned: false,
        }
    }

    fn keys(seed: u64) -> SiteKeys {
        SiteKeys::generate(&Entropy::from_seed(seed))
    }

    const FRONTIER: &[u8] = br#"[["0123456789abcdef0123456789abcdef",3]]"#;

    #[test]
    fn a_chain_follows_each_step_once_and_refuses_a_rival_for_a_step_it_holds() {
        let (k0, k1, k2, evil) = (keys(1), keys(2), keys(3), keys(4));
        let frontier = format!(r#"[["{}",3]]"#, scope_key("case:a"));
        let frontier = frontier.as_bytes();
        let r1 = rotation(&k0, &k1, 1, frontier, |_| {});
        let r2 = rotation(&k1, &k2, 2, frontier, |_| {});
        let mut c = chain(&k0);
        c.follow_entries(&[&r1, &r2]).expect("both steps verify in order");
        assert_eq!(c.current(), k2.signing.verifying_key());
        assert_eq!(c.epoch(), 2);
        c.follow_entries(&[&r1, &r2])
            .expect("steps already held are the same records");
        let rival = rotation(&k0, &evil, 1, frontier, |_| {});
        assert!(
            matches!(c.follow_entries(&[&rival]), Err(RotationError::Conflict(_))),
            "another rotation for a step held is a conflict"
        );
        // The retired keys stand within their frontier only.
        let msg = b"statement";
        let sig = k0.sign(msg);
        assert_eq!(
            c.verify(msg, &sig, Some(("case:a", 3))),
            Some(SignedWith::Retired { within: true })
        );
        assert_eq!(
            c.verify(msg, &sig, Some(("case:a", 4))),
            Some(SignedWith::Retired { within: false })
        );
        assert_eq!(
            c.verify(msg, &sig, Some(("case:b", 1))),
            Some(SignedWith::Retired { within: false })
        );
        assert_eq!(
            c.verify(msg, &k2.sign(msg), Some(("case:b", 9))),
            Some(SignedWith::Current)
        );
        assert_eq!(
            c.verify(msg, &evil.sign(msg), None),
            None,
            "a stranger's key is no key of the site"
        );
    }

    #[test]
    fn every_broken_rotation_is_refused_and_teaches_nothing() {
        let (k0, k1, k2) = (keys(11), keys(12), keys(13));
        let f = br#"[]"#;
        let cases: Vec<(&str, RotationEntry)> = vec![
            ("a gap", rotation(&k1, &k2, 2, f, |_| {})),
            ("epoch 0", rotation(&k0, &k1, 0, f, |_| {})),
            (
                "another site",
                rotation(&k0, &k1, 1, f, |d| d["site"] = Uuid::from_u128(8).to_string().into()),
            ),
            ("not the key in force", rotation(&k2, &k1, 1, f, |_| {})),
            ("the same key again", rotation(&k0, &k0, 1, f, |_| {})),
            (
                "a bad recipient",
                rotation(&k0, &k1, 1, f, |d| d["age_recipient"] = "age1nope".into()),
            ),
            ("a frontier of other bytes", {
                let mut e = rotation(&k0, &k1, 1, f, |_| {});
                e.frontier = B64.encode(b"[[\"case:a\",99]]");
                e
            }),
            ("a new key that did not sign", {
                let mut e = rotation(&k0, &k1, 1, f, |_| {});
                e.rotation.new_signature = e.rotation.prev_signature.clone();
                e
            }),
            ("a retired key that did not sign", {
                let mut e = rotation(&k0, &k1, 1, f, |_| {});
                e.rotation.prev_signature = e.rotation.new_signature.clone();
                e
            }),
        ];
        for (what, entry) in cases {
            let mut c = chain(&k0);
            let err = c.follow_entries(&[&entry]).expect_err(what);
            assert!(matches!(err, RotationError::Invalid { .. }), "{what}: {err}");
            assert_eq!(err.code(), "bundle.key-change", "{what}");
            assert_eq!(c.epoch(), 0, "{what}: nothing learnt");
        }
        let newer = rotation(&k0, &k1, 1, f, |d| d["rotation"] = 2.into());
        let err = chain(&k0).follow_entries(&[&newer]).unwrap_err();
        assert!(matches!(err, RotationError::TooNew(2)), "a newer format waits: {err}");
    }

    #[test]
    fn a_rotation_learnt_from_a_header_needs_its_frontier_from_the_manifest() {
        let (k0, k1) = (keys(21), keys(22));
        let entry = rotation(&k0, &k1, 1, FRONTIER, |_| {});
        let mut c = chain(&k0);
        c.follow(std::slice::from_ref(&entry.rotation)).unwrap();
        assert!(matches!(c.complete(), Err(RotationError::NoFrontier(_))));
        c.follow_entries(&[&entry]).unwrap();
        c.complete().expect("the frontier came and matched its hash");
    }
}
