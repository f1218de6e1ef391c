//! Sites and member cards. Each site (one installation) has an Ed25519 signing key and an age
//! X25519 identity, kept only inside the encrypted database. A member card carries a site's
//! public keys, self-signed, with a fingerprint people compare aloud over the phone; a partner's
//! card is trusted for data only after that comparison, and a revoked site is refused.

mod rotation;

pub(crate) use rotation::{KeyChain, SignedWith, site_of};
pub use rotation::{KeyChange, KeyRotation, RotationEntry, RotationError, SignedRotation};

use crate::record::RecordError;
use kasane_store::{Kind, StoreError};
use std::str::FromStr;

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::{Vault, clock::Entropy};

/// The card format this build writes and reads. Version 1 (whose fingerprint did not cover the
/// agency) is refused: its holder is asked for a new file.
const CARD_FORMAT: u32 = 2;
const CARD_DOMAIN: &[u8] = b"kasane card v2\0";
/// A card is a few hundred bytes; anything much larger is not one.
pub const MAX_CARD_BYTES: usize = 64 * 1024;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("this is not a Kasane agency check file ({0})")]
    NotACard(String),
    #[error("the agency check file's signature does not match its contents: it was altered or damaged")]
    CardSignature,
    #[error("this agency check file is from a newer version of Kasane; update Kasane to import it")]
    CardTooNew,
    #[error(
        "this agency check file was made by an early test version of Kasane (check file format {0}); ask the partner for a new file (kasane card export) and compare its check number again"
    )]
    CardOutdated(u32),
    #[error("the file is {0} bytes: too large to be an agency check file")]
    CardTooLarge(usize),
    #[error(
        "this agency check file says it is a PC of this agency ({0}); a partner's file never does. If it is a new PC of this agency, import it with `kasane card import --own-pc`"
    )]
    OwnAgencyCard(String),
    #[error("this agency check file is of another agency ({0}), not a PC of this agency")]
    NotOwnAgency(String),
    #[error(
        "a different agency check file for site {0} was imported before (another agency); do not trust this file, and ask the partner"
    )]
    CardAgencyChanged(Uuid),
    #[error("that is this site's own agency check file")]
    OwnCard,
    #[error(
        "a different agency check file for site {0} was imported before (other keys); if the partner changed its keys, the change comes with its next exchange file; if that PC was reinstalled, revoke the old site first"
    )]
    CardKeysChanged(Uuid),
    #[error(
        "this agency check file of site {0} carries keys that PC has since replaced; ask the partner for its current file"
    )]
    CardKeysRetired(Uuid),
    #[error("no agency check file has been imported for site {0}")]
    UnknownSite(Uuid),
    #[error(
        "the check number does not match the agency check file of site {0}: do not trust this file, and ask the partner for a new one"
    )]
    FingerprintMismatch(Uuid),
    #[error("site {0} has been revoked; it cannot be verified again")]
    Revoked(Uuid),
    #[error("this site cannot revoke itself; revoke it from another site of the agency, or at a partner agency")]
    RevokeSelf,
    #[error("the site keys in these case records are damaged: {0}")]
    KeysDamaged(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] RecordError),
}

kasane_store::carries_store_errors!(SiteError);

impl SiteError {
    pub fn kind(&self) -> Kind {
        match self {
            SiteError::Store(e) => e.kind(),
            SiteError::Record(e) => e.kind(),
            SiteError::UnknownSite(_) => Kind::NotFound,
            SiteError::FingerprintMismatch(_)
            | SiteError::Revoked(_)
            | SiteError::RevokeSelf
            | SiteError::CardKeysChanged(_)
            | SiteError::CardKeysRetired(_)
            | SiteError::CardAgencyChanged(_)
            | SiteError::OwnAgencyCard(_)
            | SiteError::NotOwnAgency(_)
            | SiteError::OwnCard => Kind::Refused,
            SiteError::KeysDamaged(_) => Kind::Vault,
            _ => Kind::BadInput,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            SiteError::Store(e) => e.code(),
            SiteError::Record(e) => e.code(),
            SiteError::NotACard(_) => "card.invalid",
            SiteError::CardSignature => "card.signature",
            SiteError::CardTooNew => "card.too-new",
            SiteError::CardOutdated(_) => "card.outdated",
            SiteError::CardTooLarge(_) => "card.too-large",
            SiteError::OwnAgencyCard(_) => "card.own-agency",
            SiteError::NotOwnAgency(_) => "card.not-own-agency",
            SiteError::CardAgencyChanged(_) => "card.agency-changed",
            SiteError::OwnCard => "card.own",
            SiteError::CardKeysChanged(_) => "card.keys-changed",
            SiteError::CardKeysRetired(_) => "card.keys-retired",
            SiteError::UnknownSite(_) => "site.unknown",
            SiteError::FingerprintMismatch(_) => "card.fingerprint-mismatch",
            SiteError::Revoked(_) => "site.revoked",
            SiteError::RevokeSelf => "site.revoke-self",
            SiteError::KeysDamaged(_) => "site.keys-damaged",
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do.
    pub fn message_ja(&self) -> String {
        match self {
            SiteError::Store(e) => e.message_ja(),
            SiteError::Record(e) => e.message_ja(),
                SiteError::NotACard(_) => "かさねの機関確認ファイルではありません".into(),
                SiteError::CardSignature => "機関確認ファイルの署名が内容と一致しません。改ざんまたは破損の可能性があります".into(),
                SiteError::CardTooNew => "新しいバージョンのかさねの機関確認ファイルです。かさねを更新してください".into(),
                SiteError::CardOutdated(_) => "試験版のかさねで作られた古い機関確認ファイルです。相手機関に新しい機関確認ファイルを依頼し、照合番号をもう一度確認してください".into(),
                SiteError::CardTooLarge(_) => "このファイルは機関確認ファイルにしては大きすぎます。ファイルを確かめてください".into(),
                SiteError::OwnAgencyCard(name) => format!("この機関確認ファイルは、この機関（{name}）の端末だと名乗っています。相手機関のファイルではありません。この機関に加わった別のPCであれば、自機関のPCとして取り込んでください（kasane card import --own-pc）"),
                SiteError::NotOwnAgency(name) => format!("この機関確認ファイルは別の機関（{name}）のものです。この機関のPCではありません"),
                SiteError::CardAgencyChanged(_) => "この端末の機関確認ファイルは以前に別の機関のものとして登録されています。このファイルは信頼せず、相手機関に確認してください".into(),
                SiteError::OwnCard => "この端末自身の機関確認ファイルです".into(),
                SiteError::CardKeysChanged(_) => "この端末の機関確認ファイルは以前に別の鍵で登録されています。相手が鍵を新しくした場合は、次に届く連携ファイルで新しい鍵に切り替わります。相手のPCを入れ替えた場合は、古い端末を失効させてから登録してください".into(),
                SiteError::CardKeysRetired(_) => "この機関確認ファイルは、相手の端末が新しくする前の古い鍵のものです。相手機関に今の機関確認ファイルを依頼してください".into(),
                SiteError::UnknownSite(_) => "その端末の機関確認ファイルは登録されていません".into(),
                SiteError::FingerprintMismatch(_) => "照合番号が一致しません。この機関確認ファイルは信頼せず、相手に新しいファイルを依頼してください".into(),
                SiteError::Revoked(_) => "その端末は失効しています。再び確認済みにはできません".into(),
                SiteError::RevokeSelf => "使用中の端末は自分自身を失効させられません。同じ機関の別の端末か、相手機関で失効させてください".into(),
                SiteError::KeysDamaged(_) => "この端末の鍵が壊れています".into(),
            }
    }
}

/// This site's secret keys. Both zeroise when dropped.
pub(crate) struct SiteKeys {
    pub signing: SigningKey,
    age_secret: Zeroizing<[u8; 32]>,
}

impl SiteKeys {
    pub fn generate(entropy: &Entropy) -> SiteKeys {
        let mut seed = Zeroizing::new([0u8; 32]);
        entropy.fill(&mut seed[..]);
        let mut age_secret = Zeroizing::new([0u8; 32]);
        entropy.fill(&mut age_secret[..]);
        SiteKeys {
            signing: SigningKey::from_bytes(&seed),
            age_secret,
        }
    }

    pub fn age_identity(&self) -> Result<age::x25519::Identity, SiteError> {
        age_identity_from(&self.age_secret)
    }

    pub fn age_recipient(&self) -> Result<String, SiteError> {
        Ok(self.age_identity()?.to_public().to_string())
    }

    pub fn age_secret_bytes(&self) -> &[u8; 32] {
        &self.age_secret
    }

    pub fn sign(&self, msg: &[u8]) -> Signature {
        self.signing.sign(msg)
    }

    /// Loads the keys, creating them the first time (vaults made before exchange existed).
    pub fn load_or_create(conn: &Connection, entropy: &Entropy) -> Result<SiteKeys, SiteError> {
        let get = |k: &str| -> rusqlite::Result<Option<Vec<u8>>> {
            conn.query_row("SELECT value FROM vault_meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()
        };
        match (get("site_sign_key")?, get("site_age_key")?) {
            (Some(s), Some(a)) => {
                let s: [u8; 32] = s
                    .try_into()
                    .map_err(|_| SiteError::KeysDamaged("signing key length".into()))?;
                let a: [u8; 32] = a
                    .try_into()
                    .map_err(|_| SiteError::KeysDamaged("age key length".into()))?;
                Ok(SiteKeys {
                    signing: SigningKey::from_bytes(&s),
                    age_secret: Zeroizing::new(a),
                })
            }
            _ => {
                let keys = SiteKeys::generate(entropy);
                conn.execute(
                    "INSERT OR REPLACE INTO vault_meta (key, value) VALUES ('site_sign_key', ?1), ('site_age_key', ?2)",
                    params![&keys.signing.to_bytes()[..], &keys.age_secret[..]],
                )?;
                Ok(keys)
            }
        }
    }
}

fn age_identity_from(secret: &[u8; 32]) -> Result<age::x25519::Identity, SiteError> {
    let hrp = bech32::Hrp::parse("age-secret-key-").map_err(|e| SiteError::KeysDamaged(e.to_string()))?;
    let s = Zeroizing::new(
        bech32::encode::<bech32::Bech32>(hrp, secret)
            .map_err(|e| SiteError::KeysDamaged(e.to_string()))?
            .to_uppercase(),
    );
    age::x25519::Identity::from_str(&s).map_err(|e| SiteError::KeysDamaged(e.to_string()))
}

/// The signed contents of a member card (frozen, version 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardData {
    pub card: u32,
    pub site: Uuid,
    pub site_name: String,
    pub agency: Uuid,
    pub agency_name: String,
    #[serde(default)]
    pub agency_code: Option<String>,
    /// Ed25519 public key, base64url without padding.
    pub sign_key: String,
    /// age X25519 recipient ("age1…").
    pub age_recipient: String,
    pub issued: i64,
}

/// A partner site as this vault knows it.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub site: Uuid,
    pub site_name: String,
    pub agency: Uuid,
    pub agency_name: String,
    pub agency_code: Option<String>,
    pub fingerprint: String,
    pub verified: bool,
    pub revoked: bool,
    /// This vault's own site (listed for completeness; always trusted).
    pub own: bool,
    /// How many times the site has put new keys in force, as far as this vault knows.
    pub key_changes: u32,
}

/// The fingerprint of a card: 30 digits in six groups of five, easy to read aloud (about 100
/// bits; in the manner of Signal's safety numbers). It covers the site, both of its keys and the
/// agency it claims (id and name), so comparing it by phone also checks whose PC it is.
pub fn fingerprint(site: Uuid, sign_key: &[u8; 32], age_recipient: &str, agency: Uuid, agency_name: &str) -> String {
    let mut h = blake3::Hasher::new_derive_key("kasane card fingerprint v2");
    for part in [
        &site.as_bytes()[..],
        &sign_key[..],
        age_recipient.as_bytes(),
        &agency.as_bytes()[..],
        agency_name.as_bytes(),
    ] {
        h.update(&(part.len() as u64).to_be_bytes());
        h.update(part);
    }
    let d = h.finalize();
    let b = d.as_bytes();
    (0..6)
        .map(|i| {
            let chunk = &b[i * 5..i * 5 + 5];
            let n = chunk.iter().fold(0u64, |a, &x| (a << 8) | x as u64);
            format!("{:05}", n % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of a card file as read from disk: small, and UTF-8.
pub fn card_text_of(bytes: &[u8]) -> Result<&str, SiteError> {
    if bytes.len() > MAX_CARD_BYTES {
        return Err(SiteError::CardTooLarge(bytes.len()));
    }
    std::str::from_utf8(bytes).map_err(|_| SiteError::NotACard("the file is not UTF-8 text".into()))
}

pub(crate) fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            // Full-width digits are what a Japanese IME may type.
            let c = if ('０'..='９').contains(&c) {
                char::from_u32(c as u32 - '０' as u32 + '0' as u32)?
            } else {
                c
            };
            c.is_ascii_digit().then_some(c)
        })
        .collect()
}

pub(crate) fn verifying_key(b64: &str) -> Result<VerifyingKey, SiteError> {
    let bytes = B64
        .decode(b64.trim())
        .map_err(|_| SiteError::NotACard("signing key is not base64".into()))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| SiteError::NotACard("signing key has the wrong length".into()))?;
    let key = VerifyingKey::from_bytes(&arr)
        .map_err(|_| SiteError::NotACard("signing key is not a valid Ed25519 key".into()))?;
    // What verify_strict leaves to the caller: the key's encoding is the canonical one of its
    // point, and the point is not of small order.
    if key.is_weak() || key.to_edwards().compress().to_bytes() != arr {
        return Err(SiteError::NotACard(
            "signing key is not a canonical Ed25519 key of large order".into(),
        ));
    }
    Ok(key)
}

/// Reads a card file and checks its self-signature. Returns the card and its fingerprint.
pub fn parse_card(text: &str) -> Result<(CardData, String), SiteError> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    let Some(version) = first.strip_prefix("KASANE MEMBER CARD ") else {
        return Err(SiteError::NotACard(format!(
            "the first line must be \"KASANE MEMBER CARD {CARD_FORMAT}\""
        )));
    };
    let version = version
        .trim()
        .parse::<u32>()
        .map_err(|_| SiteError::NotACard("bad version line".into()))?;
    check_card_version(version)?;
    let mut data = None;
    let mut sig = None;
    for l in lines {
        if let Some(v) = l.strip_prefix("data:") {
            data = Some(v.trim());
        } else if let Some(v) = l.strip_prefix("signature:") {
            sig = Some(v.trim());
        }
    }
    let data = B64
        .decode(data.ok_or_else(|| SiteError::NotACard("no data line".into()))?)
        .map_err(|_| SiteError::NotACard("data is not unpadded base64url".into()))?;
    let sig = B64
        .decode(sig.ok_or_else(|| SiteError::NotACard("no signature line".into()))?)
        .map_err(|_| SiteError::NotACard("signature is not unpadded base64url".into()))?;
    let sig = Signature::from_slice(&sig).map_err(|_| SiteError::CardSignature)?;
    #[derive(Deserialize)]
    struct Version {
        card: u32,
    }
    let inner: Version = serde_json::from_slice(&data).map_err(|e| SiteError::NotACard(e.to_string()))?;
    check_card_version(inner.card)?;
    if inner.card != version {
        return Err(SiteError::NotACard("the version line and the card disagree".into()));
    }
    let card: CardData = serde_json::from_slice(&data).map_err(|e| SiteError::NotACard(e.to_string()))?;
    let key = verifying_key(&card.sign_key)?;
    let mut msg = CARD_DOMAIN.to_vec();
    msg.extend_from_slice(&data);
    key.verify_strict(&msg, &sig).map_err(|_| SiteError::CardSignature)?;
    age::x25519::Recipient::from_str(&card.age_recipient)
        .map_err(|_| SiteError::NotACard("the encryption key is not an age recipient".into()))?;
    let fp = fingerprint(
        card.site,
        key.as_bytes(),
        &card.age_recipient,
        card.agency,
        &card.agency_name,
    );
    Ok((card, fp))
}

/// Only version 2 is read: 1 was a test format, anything above is from a newer Kasane.
fn check_card_version(v: u32) -> Result<(), SiteError> {
    match v {
        CARD_FORMAT => Ok(()),
        0 => Err(SiteError::NotACard("card version 0".into())),
        v if v < CARD_FORMAT => Err(SiteError::CardOutdated(v)),
        _ => Err(SiteError::CardTooNew),
    }
}

fn card_text(data: &CardData, keys: &SiteKeys) -> Result<String, SiteError> {
    let bytes = serde_json::to_vec(data).map_err(|e| SiteError::KeysDamaged(e.to_string()))?;
    let mut msg = CARD_DOMAIN.to_vec();
    msg.extend_from_slice(&bytes);
    let sig = keys.sign(&msg);
    let key = keys.signing.verifying_key();
    Ok(format!(
        "KASANE MEMBER CARD {CARD_FORMAT}\n\
         agency: {}\n\
         site: {}\n\
         fingerprint: {}\n\
         data: {}\n\
         signature: {}\n",
        data.agency_name,
        data.site_name,
        fingerprint(
            data.site,
            key.as_bytes(),
            &data.age_recipient,
            data.agency,
            &data.agency_name
        ),
        B64.encode(&bytes),
        B64.encode(sig.to_bytes()),
    ))
}

/// What this vault needs to know of any site to verify and encrypt: from its card, or our own.
#[derive(Debug, Clone)]
pub(crate) struct KnownSite {
    pub agency: Uuid,
    /// The key in force and those the site retired by rotating.
    pub chain: KeyChain,
    pub verified: bool,
    pub revoked: bool,
    pub revoked_frontier: Option<std::collections::BTreeMap<String, u64>>,
}

/// The frontier key of a retired own site: every scope, every sequence number. Only this
/// agency's restored PC writes it, for the PC it replaced, whose ops come back only through
/// partners that accepted them.
const EVERY_SCOPE: &str = "*";

impl KnownSite {
    /// The last sequence number of a scope's series of this site that still stands after it was
    /// revoked: what was held when the revocation was learnt; for a retired own site, all.
    pub fn allowed_after_revocation(&self, scope: &str) -> u64 {
        self.revoked_frontier
            .as_ref()
            .and_then(|f| f.get(scope).or_else(|| f.get(EVERY_SCOPE)).copied())
            .unwrap_or(0)
    }
}

/// Marks the card of this agency's own old site retired after a restore (see `backup`).
pub(crate) fn retire_own_card(conn: &Connection, site: Uuid, now_ms: i64) -> Result<(), SiteError> {
    let frontier = serde_json::json!({ EVERY_SCOPE: u64::MAX }).to_string();
    conn.execute(
        // Its keys came from this vault's own records, so they need no comparing aloud.
        "UPDATE card SET verified_at = coalesce(verified_at, ?2), revoked_at = ?2, revoked_frontier = ?3 WHERE site = ?1",
        params![site.as_bytes(), now_ms, frontier],
    )?;
    Ok(())
}

pub(crate) fn known_site(conn: &Connection, site: Uuid) -> Result<Option<KnownSite>, SiteError> {
    let row = conn
        .prepare_cached("SELECT agency, sign_key, verified_at, revoked_at, revoked_frontier FROM card WHERE site = ?1")?
        .query_row([site.as_bytes()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .optional()?;
    let Some((agency, key, verified, revoked, frontier)) = row else {
        return Ok(None);
    };
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| SiteError::KeysDamaged("stored card key".into()))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| SiteError::KeysDamaged("stored card key".into()))?;
    Ok(Some(KnownSite {
        agency: Uuid::from_slice(&agency).unwrap_or_default(),
        chain: KeyChain::load(conn, site, key)?,
        verified: verified.is_some(),
        revoked: revoked.is_some(),
        revoked_frontier: frontier.and_then(|f| serde_json::from_str(&f).ok()),
    }))
}

/// Agency of every site we know (cards and ourselves).
pub(crate) fn site_agencies(
    conn: &Connection,
    me: crate::vault::Identity,
) -> Result<std::collections::HashMap<Uuid, Uuid>, StoreError> {
    let mut out = std::collections::HashMap::new();
    out.insert(me.site, me.agency);
    let mut stmt = conn.prepare_cached("SELECT site, agency FROM card")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let s = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
        let a = Uuid::from_slice(&r.get::<_, Vec<u8>>(1)?).unwrap_or_default();
        out.insert(s, a);
    }
    Ok(out)
}

impl Vault {
    /// This site's member card, to give to partners (e.g. on a USB stick or by email).
    pub fn my_card(&self) -> Result<(String, SiteInfo), SiteError> {
        let me = self.identity();
        let agency = self.agency(me.agency)?;
        let site_name = crate::record::load_one(&self.conn, me.site, "site")
            .ok()
            .and_then(|st| st.fields.get("name").and_then(|v| v.as_str()).map(str::to_string))
            .unwrap_or_default();
        let keys = self.site_keys()?;
        let data = CardData {
            card: CARD_FORMAT,
            site: me.site,
            site_name: site_name.clone(),
            agency: me.agency,
            agency_name: agency.name.clone(),
            agency_code: agency.code.clone(),
            sign_key: B64.encode(keys.signing.verifying_key().as_bytes()),
            age_recipient: keys.age_recipient()?,
            issued: self.ambient.clock.now().as_millisecond(),
        };
        let text = card_text(&data, &keys)?;
        let fp = fingerprint(
            me.site,
            keys.signing.verifying_key().as_bytes(),
            &data.age_recipient,
            me.agency,
            &data.agency_name,
        );
        Ok((
            text,
            SiteInfo {
                site: me.site,
                site_name,
                agency: me.agency,
                agency_name: agency.name,
                agency_code: agency.code,
                fingerprint: fp,
                verified: true,
                revoked: false,
                own: true,
                key_changes: self.own_chain()?.epoch(),
            },
        ))
    }

    pub fn site_info(&self, site: Uuid) -> Result<SiteInfo, SiteError> {
        self.sites()?
            .into_iter()
            .find(|s| s.site == site)
            .ok_or_else(|| SiteError::UnknownSite(site))
    }

    /// Our own site and every partner site whose card was imported.
    pub fn sites(&self) -> Result<Vec<SiteInfo>, SiteError> {
        let (_, mine) = self.my_card()?;
        let mut out = vec![mine];
        let mut stmt = self.conn.prepare(
            "SELECT site, site_name, agency, agency_name, agency_code, fingerprint, verified_at, revoked_at,
                    (SELECT count(*) FROM site_key k WHERE k.site = card.site)
             FROM card ORDER BY agency_name, site_name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SiteInfo {
                site: Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                site_name: r.get(1)?,
                agency: Uuid::from_slice(&r.get::<_, Vec<u8>>(2)?).unwrap_or_default(),
                agency_name: r.get(3)?,
                agency_code: r.get(4)?,
                fingerprint: r.get(5)?,
                verified: r.get::<_, Option<i64>>(6)?.is_some(),
                revoked: r.get::<_, Option<i64>>(7)?.is_some(),
                own: false,
                key_changes: r.get(8)?,
            })
        })?;
        for r in rows {
            out.push(r?);
        }
        Ok(out)
    }

    /// This site's card with its signed contents changed by `edit`, signed again with this
    /// site's real key: what a modified build could hand out. Tests only.
    #[cfg(feature = "testing")]
    pub(crate) fn forged_card(&self, edit: &mut dyn FnMut(&mut CardData)) -> Result<String, SiteError> {
        let (text, _) = self.my_card()?;
        let (mut data, _) = parse_card(&text)?;
        edit(&mut data);
        card_text(&data, &self.site_keys()?)
    }

    pub(crate) fn site_keys(&self) -> Result<SiteKeys, SiteError> {
        SiteKeys::load_or_create(&self.conn, &self.ambient.entropy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_six_groups_of_five_digits_and_depend_on_every_part() {
        let (site, agency) = (Uuid::from_u128(1), Uuid::from_u128(3));
        let fp = fingerprint(site, &[7; 32], "age1x", agency, "福祉総務課");
        assert_eq!(fp.len(), 35);
        assert!(
            fp.split(' ')
                .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit()))
        );
        assert_ne!(
            fp,
            fingerprint(site, &[8; 32], "age1x", agency, "福祉総務課"),
            "another signing key must change the fingerprint"
        );
        assert_ne!(
            fp,
            fingerprint(site, &[7; 32], "age1y", agency, "福祉総務課"),
            "another encryption key must change the fingerprint"
        );
        assert_ne!(
            fp,
            fingerprint(Uuid::from_u128(2), &[7; 32], "age1x", agency, "福祉総務課")
        );
        assert_ne!(
            fp,
            fingerprint(site, &[7; 32], "age1x", Uuid::from_u128(4), "福祉総務課"),
            "a card claiming another agency id must show another check number"
        );
        assert_ne!(
            fp,
            fingerprint(site, &[7; 32], "age1x", agency, "生活福祉課"),
            "a card claiming another agency name must show another check number"
        );
        assert_ne!(
            fingerprint(site, &[7; 32], "age1xa", agency, "b"),
            fingerprint(site, &[7; 32], "age1x", agency, "ab"),
            "parts are length-prefixed, so bytes cannot move from one part to the next"
        );
        assert_eq!(
            digits("１２３４５ 67890-11111"),
            "123456789011111",
            "full-width digits and separators are read as typed"
        );
    }

    fn sample() -> (SiteKeys, CardData) {
        let keys = SiteKeys::generate(&Entropy::from_seed(3));
        let data = CardData {
            card: CARD_FORMAT,
            site: Uuid::from_u128(9),
            site_name: "本庁舎PC-1".into(),
            agency: Uuid::from_u128(10),
            agency_name: "福祉総務課".into(),
            agency_code: Some("fukushi-somu".into()),
            sign_key: B64.encode(keys.signing.verifying_key().as_bytes()),
            age_recipient: keys.age_recipient().unwrap(),
            issued: 0,
        };
        (keys, data)
    }

    #[test]
    fn a_card_round_trips_and_an_edit_breaks_its_signature() {
        let (keys, data) = sample();
        let text = card_text(&data, &keys).unwrap();
        assert!(text.starts_with("KASANE MEMBER CARD 2\n"), "{text}");
        let (back, fp) = parse_card(&text).expect("a fresh card parses");
        assert_eq!(back, data);
        assert!(text.contains(&fp), "the card shows the fingerprint people compare");
        let forged = text.replace(
            &B64.encode(serde_json::to_vec(&data).unwrap()),
            &B64.encode(
                serde_json::to_vec(&CardData {
                    agency_name: "偽の課".into(),
                    ..data.clone()
                })
                .unwrap(),
            ),
        );
        assert!(
            matches!(parse_card(&forged), Err(SiteError::CardSignature)),
            "changing the agency name must break the signature"
        );
        assert!(matches!(parse_card("hello"), Err(SiteError::NotACard(_))));
        assert!(matches!(
            parse_card(&text.replace("CARD 2", "CARD 3")),
            Err(SiteError::CardTooNew)
        ));
        assert!(
            matches!(
                parse_card(&text.replace("CARD 2", "CARD 1")),
                Err(SiteError::CardOutdated(1))
            ),
            "a version-1 card is refused with a request for a new file"
        );
    }

    #[test]
    fn a_version_one_card_signed_the_old_way_is_refused_as_outdated() {
        let (keys, data) = sample();
        let old = CardData { card: 1, ..data };
        let bytes = serde_json::to_vec(&old).unwrap();
        let mut msg = b"kasane card v1\0".to_vec();
        msg.extend_from_slice(&bytes);
        let text = format!(
            "KASANE MEMBER CARD 1\ndata: {}\nsignature: {}\n",
            B64.encode(&bytes),
            B64.encode(keys.sign(&msg).to_bytes())
        );
        let err = parse_card(&text).unwrap_err();
        assert!(matches!(err, SiteError::CardOutdated(1)), "{err}");
        assert_eq!(err.code(), "card.outdated");
        assert!(err.to_string().contains("ask the partner for a new file"), "{err}");
    }

    #[test]
    fn a_signing_key_of_small_order_is_refused() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let err = verifying_key(&B64.encode(identity)).unwrap_err();
        assert!(
            matches!(&err, SiteError::NotACard(m) if m.contains("large order")),
            "the identity point verifies any signature of zero: {err}"
        );
        let (keys, _) = sample();
        assert!(verifying_key(&B64.encode(keys.signing.verifying_key().as_bytes())).is_ok());
    }

    #[test]
    fn card_files_must_be_small_utf8_text() {
        assert!(matches!(card_text_of(b"\xff\xfe card"), Err(SiteError::NotACard(_))));
        assert_eq!(
            card_text_of(b"\xff").unwrap_err().kind(),
            Kind::BadInput,
            "a file that is not text is the user's input, not an internal error"
        );
        assert!(matches!(
            card_text_of(&vec![b'a'; MAX_CARD_BYTES + 1]),
            Err(SiteError::CardTooLarge(_))
        ));
        assert_eq!(card_text_of("KASANE".as_bytes()).unwrap(), "KASANE");
    }
}
