//! Key slots: the 32-byte database key, wrapped once per worker and once for the recovery code
//! (age X25519). Slots are small files beside the database, so changing a passphrase rewrites one
//! slot and never touches the database. Unwrapping checks the slot belongs to this vault, so slots
//! copied from another vault are refused, and (slot formats 2 and 3) that the worker sealed inside
//! is the one the slot's readable JSON claims, so a worker's slot copied over a colleague's does
//! not unlock as the colleague.
//!
//! Slot format 3 gives each worker an age X25519 identity of their own: the passphrase (age
//! scrypt) opens the identity, the identity opens the database key. The key part is wrapped to the
//! identity's public recipient, kept in clear, so the database key can be replaced for every
//! worker without their passphrases (as the recovery slot always allowed): that is what lets a
//! worker who left be removed and the key changed. Formats 1 and 2 wrapped the key directly under
//! the passphrase; they still unlock and are rewritten as 3 at the worker's next unlock.

use std::{
    fs,
    io::{Read, Write},
    iter,
    path::{Path, PathBuf},
    str::FromStr,
    time::{Duration, Instant},
};

use age::secrecy::{ExposeSecret, SecretString};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use crate::{clock::Entropy, durable};

/// scrypt cost as log2(N). 2^10 is the cheapest we accept (tests); 2^20 needs 1 GiB of memory.
pub const MIN_KDF_LOG_N: u8 = 10;
pub const MAX_KDF_LOG_N: u8 = 20;
/// The cheapest scrypt cost a release build makes a passphrase slot with: 2^17 (128 MiB, r = 8,
/// p = 1, the OWASP minimum for scrypt), whether asked for with `--kdf-cost` or measured on a PC
/// too slow for it. Debug builds (tests) may go down to [`MIN_KDF_LOG_N`].
pub const RELEASE_MIN_KDF_LOG_N: u8 = 17;
/// Passphrases shorter than this are refused: with the KDF at ~0.7 s a short passphrase is still
/// guessable on a stolen laptop.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The slot file format written: 3 wraps a worker identity under the passphrase and the key to
/// that identity. Formats 1 (vault and key only) and 2 (worker sealed with the key, both under the
/// passphrase) are still read, and rewritten as 3 at the worker's next unlock.
pub const SLOT_FORMAT: u32 = 3;
const SLOT_FORMAT_V1: u32 = 1;
const KEY_MAGIC_V1: &[u8; 13] = b"kasane-key-v1";
const KEY_MAGIC: &[u8; 13] = b"kasane-key-v2";
/// What a format-3 slot seals under the passphrase: magic ‖ vault ‖ worker ‖ identity ‖ name.
const IDENTITY_MAGIC: &[u8; 13] = b"kasane-idn-v3";

/// How expensive to make a passphrase slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfCost {
    /// Measure this PC and aim for 0.5–1 s: the default for every real vault.
    Calibrated,
    /// An explicit log2(N) (`--kdf-cost`). Debug builds accept [`MIN_KDF_LOG_N`] and up, so tests
    /// ask for a cheap one; release builds refuse anything below [`RELEASE_MIN_KDF_LOG_N`].
    Fixed(u8),
    /// A cheap cost for benchmarks built in the release profile: accepted from
    /// [`MIN_KDF_LOG_N`] in every build. Never reachable from the command line or the app; not
    /// for real case records.
    #[doc(hidden)]
    BenchmarkOnly(u8),
}

impl KdfCost {
    /// The cost to make a slot with, under this build's floor.
    pub fn resolve(self) -> Result<u8, KeyError> {
        self.resolve_for(cfg!(not(debug_assertions)))
    }

    /// The decision itself, for a release build (`release`) or a debug one: an explicit cost must
    /// lie in [`MIN_KDF_LOG_N`]..=[`MAX_KDF_LOG_N`] and, in a release build, be at least
    /// [`RELEASE_MIN_KDF_LOG_N`]; a calibrated cost is raised to that floor on a slow PC.
    pub(crate) fn resolve_for(self, release: bool) -> Result<u8, KeyError> {
        let floor = kdf_floor(release);
        match self {
            KdfCost::Fixed(n) | KdfCost::BenchmarkOnly(n) if !(MIN_KDF_LOG_N..=MAX_KDF_LOG_N).contains(&n) => {
                Err(KeyError::KdfCostOutOfRange(n))
            }
            KdfCost::Fixed(n) if n < floor => Err(KeyError::KdfCostTooLow { asked: n, floor }),
            KdfCost::Fixed(n) | KdfCost::BenchmarkOnly(n) => Ok(n),
            KdfCost::Calibrated => Ok(calibrate(Duration::from_millis(500)).max(floor)),
        }
    }
}

/// The cheapest scrypt cost a build makes a passphrase slot with.
pub fn kdf_floor(release: bool) -> u8 {
    if release { RELEASE_MIN_KDF_LOG_N } else { MIN_KDF_LOG_N }
}

/// Finds the scrypt cost whose unwrap takes between `target` and twice that here. scrypt time is
/// linear in N, so one timing at a cost large enough to swamp start-up effects (≥ 100 ms, the
/// faster of two runs) predicts every other cost; the first cost predicted to reach `target` is
/// taken, which lies below 2 × target.
pub fn calibrate(target: Duration) -> u8 {
    let pass = SecretString::from("calibration".to_string());
    let time = |log_n: u8| {
        (0..2)
            .map(|_| {
                let started = Instant::now();
                let _ = wrap_with_passphrase(b"calibration", &pass, log_n);
                started.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let mut log_n = 12u8;
    let mut took = time(log_n);
    while took < Duration::from_millis(100) && log_n < MAX_KDF_LOG_N {
        log_n += 1;
        took = time(log_n);
    }
    let mut predicted = took.as_secs_f64();
    while predicted < target.as_secs_f64() && log_n < MAX_KDF_LOG_N {
        log_n += 1;
        predicted *= 2.0;
    }
    while predicted >= 2.0 * target.as_secs_f64() && log_n > 14 {
        log_n -= 1;
        predicted /= 2.0;
    }
    log_n
}

/// The database key. Zeroed when dropped.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn generate(entropy: &Entropy) -> DbKey {
        let mut k = Zeroizing::new([0u8; 32]);
        entropy.fill(&mut k[..]);
        DbKey(k)
    }
    /// The form SQLCipher takes for a raw key (no PBKDF2 on open: the key is already random).
    pub fn pragma_value(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(67));
        s.push_str("x'");
        for b in self.0.iter() {
            s.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
            s.push(char::from(b"0123456789ABCDEF"[(b & 15) as usize]));
        }
        s.push('\'');
        s
    }
    /// What a slot seals (format 2): magic ‖ vault id ‖ worker id (nil for the recovery slot) ‖
    /// database key ‖ the worker's name in UTF-8 (empty for the recovery slot).
    fn payload(&self, vault: Uuid, worker: Uuid, name: &str) -> Zeroizing<Vec<u8>> {
        let mut p = Zeroizing::new(Vec::with_capacity(77 + name.len()));
        p.extend_from_slice(KEY_MAGIC);
        p.extend_from_slice(vault.as_bytes());
        p.extend_from_slice(worker.as_bytes());
        p.extend_from_slice(&self.0[..]);
        p.extend_from_slice(name.as_bytes());
        p
    }

    /// Binds a format-3 slot's clear recipient to the database key, so a re-key (which wraps the
    /// new key to every slot's recipient without opening it) refuses a recipient someone without
    /// the key swapped in: BLAKE3 keyed by a key derived from the database key, over vault ‖
    /// worker ‖ length of the recipient (8 bytes, big-endian) ‖ recipient ‖ name.
    fn recipient_tag(&self, vault: Uuid, worker: Uuid, name: &str, recipient: &str) -> blake3::Hash {
        let mac_key = Zeroizing::new(blake3::derive_key("kasane slot recipient v3", &self.0[..]));
        let mut h = blake3::Hasher::new_keyed(&mac_key);
        h.update(vault.as_bytes());
        h.update(worker.as_bytes());
        h.update(&(recipient.len() as u64).to_be_bytes());
        h.update(recipient.as_bytes());
        h.update(name.as_bytes());
        h.finalize()
    }

    /// What a format-1 slot sealed: magic ‖ vault id ‖ database key (61 bytes).
    #[cfg(any(test, feature = "testing"))]
    fn payload_v1(&self, vault: Uuid) -> Zeroizing<Vec<u8>> {
        let mut p = Zeroizing::new(Vec::with_capacity(61));
        p.extend_from_slice(KEY_MAGIC_V1);
        p.extend_from_slice(vault.as_bytes());
        p.extend_from_slice(&self.0[..]);
        p
    }

    fn from_payload(p: &[u8], vault: Uuid) -> Result<(DbKey, Sealed), KeyError> {
        let shape = || KeyError::SlotDamaged("the unwrapped key has the wrong shape".into());
        let v2 = match p.get(..13) {
            Some(m) if m == KEY_MAGIC && p.len() >= 77 => true,
            Some(m) if m == KEY_MAGIC_V1 && p.len() == 61 => false,
            _ => return Err(shape()),
        };
        if &p[13..29] != vault.as_bytes() {
            return Err(KeyError::SlotFromAnotherVault);
        }
        let mut k = Zeroizing::new([0u8; 32]);
        if !v2 {
            k.copy_from_slice(&p[29..61]);
            return Ok((DbKey(k), Sealed::Legacy));
        }
        let worker = Uuid::from_slice(&p[29..45]).map_err(|_| shape())?;
        k.copy_from_slice(&p[45..77]);
        let name = std::str::from_utf8(&p[77..]).map_err(|_| shape())?.to_string();
        Ok((DbKey(k), Sealed::Worker { id: worker, name }))
    }
}

/// Whom a slot's sealed (encrypted, authenticated) payload names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sealed {
    /// Format 1: only the vault.
    Legacy,
    /// Format 2: the worker (nil for the recovery slot) and their name as the slot was made.
    Worker { id: Uuid, name: String },
}

/// A worker slot unwrapped with the right passphrase.
pub struct Unwrapped {
    pub key: DbKey,
    /// For a slot in the first form (no worker sealed inside): its fingerprint, which the vault
    /// checks against the slots it found in that form before the slot is trusted and rewritten.
    pub legacy: Option<[u8; 32]>,
    /// The slot's format (1, 2 or 3); below [`SLOT_FORMAT`] the vault rewrites it.
    pub format: u32,
    /// A format-3 slot's worker identity, kept to rewrap it under a new passphrase.
    identity: Option<Zeroizing<[u8; 32]>>,
}

/// What a format-3 slot seals under the passphrase: magic ‖ vault ‖ worker ‖ the worker's X25519
/// secret (32 bytes) ‖ name in UTF-8.
fn identity_payload(vault: Uuid, worker: Uuid, secret: &[u8; 32], name: &str) -> Zeroizing<Vec<u8>> {
    let mut p = Zeroizing::new(Vec::with_capacity(77 + name.len()));
    p.extend_from_slice(IDENTITY_MAGIC);
    p.extend_from_slice(vault.as_bytes());
    p.extend_from_slice(worker.as_bytes());
    p.extend_from_slice(secret);
    p.extend_from_slice(name.as_bytes());
    p
}

/// The worker, name and secret a format-3 identity part seals; refused when made for another vault.
fn identity_from_payload(p: &[u8], vault: Uuid) -> Result<(Uuid, String, Zeroizing<[u8; 32]>), KeyError> {
    let shape = || KeyError::SlotDamaged("the unwrapped identity has the wrong shape".into());
    if p.len() < 77 || &p[..13] != IDENTITY_MAGIC {
        return Err(shape());
    }
    if &p[13..29] != vault.as_bytes() {
        return Err(KeyError::SlotFromAnotherVault);
    }
    let worker = Uuid::from_slice(&p[29..45]).map_err(|_| shape())?;
    let mut secret = Zeroizing::new([0u8; 32]);
    secret.copy_from_slice(&p[45..77]);
    let name = std::str::from_utf8(&p[77..]).map_err(|_| shape())?.to_string();
    Ok((worker, name, secret))
}

/// An age X25519 identity from its 32 secret bytes (the recovery code's, or a worker's).
fn x25519_identity(secret: &[u8; 32]) -> Result<age::x25519::Identity, KeyError> {
    let hrp =
        bech32::Hrp::parse("age-secret-key-").map_err(|e| KeyError::SlotDamaged(format!("bech32 prefix: {e}")))?;
    let s = Zeroizing::new(
        bech32::encode::<bech32::Bech32>(hrp, &secret[..])
            .map_err(|e| KeyError::SlotDamaged(format!("bech32: {e}")))?
            .to_uppercase(),
    );
    age::x25519::Identity::from_str(&s).map_err(|e| KeyError::SlotDamaged(e.to_string()))
}

fn x25519_recipient(text: &str) -> Result<age::x25519::Recipient, KeyError> {
    age::x25519::Recipient::from_str(text).map_err(|e| KeyError::SlotDamaged(format!("recipient: {e}")))
}

/// Names a format-1 slot by its wrapped bytes (random salt and file key: unique per wrap).
fn legacy_fingerprint(wrapped: &[u8]) -> [u8; 32] {
    *blake3::Hasher::new_derive_key("kasane legacy worker slot v1")
        .update(wrapped)
        .finalize()
        .as_bytes()
}

/// The recovery code as shown once at setup: 56 Crockford base32 characters in groups of four
/// (32 random bytes and a 20-bit checksum that catches a mistyped group).
pub struct RecoveryCode(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(..)")
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl RecoveryCode {
    pub fn generate(entropy: &Entropy) -> RecoveryCode {
        let mut k = Zeroizing::new([0u8; 32]);
        entropy.fill(&mut k[..]);
        RecoveryCode(k)
    }

    fn checksum(bytes: &[u8; 32]) -> u32 {
        let h = blake3::Hasher::new_derive_key("kasane recovery code checksum v1")
            .update(bytes)
            .finalize();
        let b = h.as_bytes();
        (u32::from(b[0]) << 12) | (u32::from(b[1]) << 4) | (u32::from(b[2]) >> 4)
    }

    /// The text to write down. Zeroed when dropped.
    pub fn display(&self) -> Zeroizing<String> {
        // 256 key bits + 4 zero bits = 52 symbols, then the checksum as 4 symbols.
        let mut bits: Vec<u8> = Vec::with_capacity(280);
        for byte in self.0.iter() {
            for i in (0..8).rev() {
                bits.push((byte >> i) & 1);
            }
        }
        bits.extend([0, 0, 0, 0]);
        let sum = Self::checksum(&self.0);
        for i in (0..20).rev() {
            bits.push(((sum >> i) & 1) as u8);
        }
        let mut out = Zeroizing::new(String::with_capacity(70));
        for (n, chunk) in bits.chunks(5).enumerate() {
            if n > 0 && n % 4 == 0 {
                out.push('-');
            }
            let v = chunk.iter().fold(0usize, |a, &b| (a << 1) | b as usize);
            out.push(char::from(CROCKFORD[v]));
        }
        bits.zeroize();
        out
    }

    /// Reads a code as a person types it back: case, spaces and hyphens do not matter, and the
    /// letters people confuse with digits (O, I, L) are read as the digits.
    pub fn parse(text: &str) -> Result<RecoveryCode, KeyError> {
        let mut symbols = Zeroizing::new(Vec::with_capacity(56));
        for c in text.chars() {
            let c = c.to_ascii_uppercase();
            let c = match c {
                ' ' | '-' | '\u{3000}' | '\t' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let v = CROCKFORD
                .iter()
                .position(|&x| char::from(x) == c)
                .ok_or(KeyError::RecoveryCodeMalformed)?;
            symbols.push(v as u8);
        }
        if symbols.len() != 56 {
            return Err(KeyError::RecoveryCodeMalformed);
        }
        let mut bits: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(280));
        for s in symbols.iter() {
            for i in (0..5).rev() {
                bits.push((s >> i) & 1);
            }
        }
        let mut key = Zeroizing::new([0u8; 32]);
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = bits[i * 8..i * 8 + 8].iter().fold(0u8, |a, &b| (a << 1) | b);
        }
        let pad = &bits[256..260];
        let sum = bits[260..280].iter().fold(0u32, |a, &b| (a << 1) | b as u32);
        if pad.iter().any(|&b| b != 0) || sum != Self::checksum(&key) {
            return Err(KeyError::RecoveryCodeTypo);
        }
        Ok(RecoveryCode(key))
    }

    fn identity(&self) -> Result<age::x25519::Identity, KeyError> {
        x25519_identity(&self.0)
    }

    fn recipient(&self) -> Result<String, KeyError> {
        Ok(self.identity()?.to_public().to_string())
    }
}

/// What a worker slot says before it is unwrapped; enough to offer "who are you?" at unlock.
/// This is the slot's readable JSON: unlocking checks it against the worker sealed inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerSlot {
    pub worker: Uuid,
    pub name: String,
    pub kdf_log_n: u8,
    /// The slot's format: below [`SLOT_FORMAT`] until the worker next unlocks, and a key change
    /// cannot reach such a slot.
    #[serde(rename = "slot_format")]
    pub format: u32,
    /// The slot file it was read from (unlocking unwraps exactly that file).
    #[serde(skip)]
    file: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SlotFile {
    kasane_slot: u32,
    vault: Uuid,
    kind: SlotKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    worker: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kdf_log_n: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recipient: Option<String>,
    /// Format 3: [`DbKey::recipient_tag`] in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recipient_tag: Option<String>,
    /// Format 3: the worker identity, wrapped under the passphrase (base64 of an age file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identity: Option<String>,
    /// The database key: under the passphrase (formats 1, 2) or to `recipient` (format 3, and
    /// the recovery slot); base64 of an age file.
    wrapped: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SlotKind {
    Worker,
    Recovery,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the password is not correct for this worker")]
    WrongPassphrase,
    #[error("the recovery code is not the one for these case records")]
    WrongRecoveryCode,
    #[error(
        "the recovery code has a typing mistake (a character is wrong, missing or extra); check each group of four"
    )]
    RecoveryCodeTypo,
    #[error("that is not a recovery code: it has 56 letters and digits in 14 groups of four")]
    RecoveryCodeMalformed,
    #[error("no worker named \"{name}\" in these case records (workers: {known})")]
    NoSuchWorker { name: String, known: String },
    #[error("these case records have several workers ({known}); say which one you are with --worker")]
    WorkerRequired { known: String },
    #[error("a worker named \"{0}\" already exists in these case records")]
    WorkerExists(String),
    #[error(
        "the password is too short: use a sentence of at least {MIN_PASSPHRASE_CHARS} characters (spaces at either end do not count)"
    )]
    PassphraseTooShort,
    #[error("the two passwords do not match")]
    PassphraseMismatch,
    #[error("KDF cost {0} is outside {MIN_KDF_LOG_N}..={MAX_KDF_LOG_N}")]
    KdfCostOutOfRange(u8),
    #[error(
        "KDF cost {asked} is too cheap for real case records: this build accepts {floor} or more (leave out --kdf-cost to measure this PC)"
    )]
    KdfCostTooLow { asked: u8, floor: u8 },
    #[error(
        "the key file of \"{0}\" was made for another worker (it was probably copied over theirs) and is not used; restore that worker's own key file from a backup, or give them a new password with the recovery code"
    )]
    SlotWorkerMismatch(String),
    #[error(
        "a key file of these case records is damaged ({0}); restore the keys folder from a backup or use the recovery code"
    )]
    SlotDamaged(String),
    #[error("a key file belongs to other case records; it was probably copied in by mistake")]
    SlotFromAnotherVault,
    #[error("the recovery key file is missing from the keys folder")]
    NoRecoverySlot,
    #[error("could not read or write the key slots at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// A new passphrase must have at least [`MIN_PASSPHRASE_CHARS`] characters once spaces at either
/// end (including the full-width space) are left out, so a blank or all-space one is refused. The
/// passphrase itself is used exactly as typed.
pub fn check_new_passphrase(p: &SecretString) -> Result<(), KeyError> {
    if p.expose_secret().trim().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(KeyError::PassphraseTooShort);
    }
    Ok(())
}

fn wrap_with_passphrase(payload: &[u8], pass: &SecretString, log_n: u8) -> Result<Vec<u8>, KeyError> {
    let mut r = age::scrypt::Recipient::new(pass.clone());
    r.set_work_factor(log_n);
    wrap(payload, &r)
}

fn wrap(payload: &[u8], recipient: &dyn age::Recipient) -> Result<Vec<u8>, KeyError> {
    let enc = age::Encryptor::with_recipients(iter::once(recipient))
        .map_err(|e| KeyError::SlotDamaged(format!("encrypt: {e}")))?;
    let mut out = Vec::new();
    let io = |source| KeyError::Io {
        path: PathBuf::from("<memory>"),
        source,
    };
    let mut w = enc.wrap_output(&mut out).map_err(io)?;
    w.write_all(payload).map_err(io)?;
    w.finish().map_err(io)?;
    Ok(out)
}

fn unwrap(wrapped: &[u8], identity: &dyn age::Identity) -> Result<Zeroizing<Vec<u8>>, age::DecryptError> {
    let dec = age::Decryptor::new(wrapped)?;
    let mut r = dec.decrypt(iter::once(identity))?;
    let mut out = Zeroizing::new(Vec::with_capacity(64));
    r.read_to_end(&mut out)?;
    Ok(out)
}

/// The slots of one vault folder.
#[derive(Debug, Clone)]
pub struct Keyring {
    dir: PathBuf,
    vault: Uuid,
    workers: Vec<WorkerSlot>,
}

impl Keyring {
    pub(crate) fn keys_dir(vault_dir: &Path) -> PathBuf {
        vault_dir.join("keys")
    }

    pub fn load(vault_dir: &Path, vault: Uuid) -> Result<Keyring, KeyError> {
        let dir = Self::keys_dir(vault_dir);
        let io = |source| KeyError::Io {
            path: dir.clone(),
            source,
        };
        let mut workers = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let is_worker = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("worker-") && n.ends_with(".json"));
            if !is_worker {
                continue;
            }
            let slot = read_slot(&path)?;
            if slot.vault != vault {
                return Err(KeyError::SlotFromAnotherVault);
            }
            match (slot.kind, slot.worker, slot.name, slot.kdf_log_n) {
                (SlotKind::Worker, Some(worker), Some(name), Some(kdf_log_n)) => workers.push(WorkerSlot {
                    worker,
                    name,
                    kdf_log_n,
                    format: slot.kasane_slot,
                    file: path.clone(),
                }),
                _ => {
                    return Err(KeyError::SlotDamaged(format!(
                        "{} is not a worker slot",
                        path.display()
                    )));
                }
            }
        }
        workers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Keyring { dir, vault, workers })
    }

    pub fn workers(&self) -> &[WorkerSlot] {
        &self.workers
    }

    fn known(&self) -> String {
        self.workers
            .iter()
            .map(|w| w.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The slot a person means: by name or id; with no name, the only worker if there is one.
    pub fn find(&self, who: Option<&str>) -> Result<&WorkerSlot, KeyError> {
        match who {
            None if self.workers.len() == 1 => Ok(&self.workers[0]),
            None => Err(KeyError::WorkerRequired { known: self.known() }),
            Some(w) => {
                let w = w.trim();
                self.workers
                    .iter()
                    .find(|s| s.name == w || s.worker.to_string() == w)
                    .ok_or_else(|| KeyError::NoSuchWorker {
                        name: w.to_string(),
                        known: self.known(),
                    })
            }
        }
    }

    fn worker_path(&self, worker: Uuid) -> PathBuf {
        self.dir.join(format!("worker-{worker}.json"))
    }

    /// Unwraps the slot file `slot` was read from. A slot in formats 2 and 3 must seal the very
    /// worker and name its JSON claims, or it is refused: a slot copied over a colleague's (and
    /// renamed, its JSON edited) does not unlock as the colleague. A slot in the first form seals
    /// no worker; it comes back with its fingerprint for the vault to check.
    pub fn unwrap_worker(&self, slot: &WorkerSlot, pass: &SecretString) -> Result<Unwrapped, KeyError> {
        let file = read_slot(&slot.file)?;
        if file.kind != SlotKind::Worker || file.worker != Some(slot.worker) || file.name.as_deref() != Some(&slot.name)
        {
            // Changed on disk since the keys folder was read.
            return Err(KeyError::SlotWorkerMismatch(slot.name.clone()));
        }
        let mut scrypt = age::scrypt::Identity::new(pass.clone());
        scrypt.set_max_work_factor(MAX_KDF_LOG_N);
        let wrong_passphrase = |e: age::DecryptError| match e {
            age::DecryptError::DecryptionFailed
            | age::DecryptError::NoMatchingKeys
            | age::DecryptError::KeyDecryptionFailed => KeyError::WrongPassphrase,
            e => KeyError::SlotDamaged(e.to_string()),
        };
        if file.kasane_slot >= 3 {
            return self.unwrap_identity_slot(slot, &file, &scrypt, wrong_passphrase);
        }
        let wrapped = decode_wrapped(&file)?;
        let (key, sealed) = DbKey::from_payload(&unwrap(&wrapped, &scrypt).map_err(wrong_passphrase)?, self.vault)?;
        match sealed {
            Sealed::Worker { id, name } if id == slot.worker && name == slot.name => Ok(Unwrapped {
                key,
                legacy: None,
                format: file.kasane_slot,
                identity: None,
            }),
            Sealed::Worker { .. } => Err(KeyError::SlotWorkerMismatch(slot.name.clone())),
            Sealed::Legacy => Ok(Unwrapped {
                key,
                legacy: Some(legacy_fingerprint(&wrapped)),
                format: file.kasane_slot,
                identity: None,
            }),
        }
    }

    /// Format 3: the passphrase opens the identity (which must seal this vault, worker and name,
    /// and match the clear recipient), the identity opens the key (which must seal the same
    /// worker), and the recipient's tag must verify under that key.
    fn unwrap_identity_slot(
        &self,
        slot: &WorkerSlot,
        file: &SlotFile,
        scrypt: &age::scrypt::Identity,
        wrong_passphrase: impl Fn(age::DecryptError) -> KeyError,
    ) -> Result<Unwrapped, KeyError> {
        let damaged = |what: &str| KeyError::SlotDamaged(format!("{}: {what}", slot.file.display()));
        let (Some(identity), Some(recipient), Some(tag)) = (&file.identity, &file.recipient, &file.recipient_tag)
        else {
            return Err(damaged("a format-3 slot without its identity, recipient or tag"));
        };
        let identity = base64::engine::general_purpose::STANDARD
            .decode(identity)
            .map_err(|e| damaged(&format!("identity: {e}")))?;
        let payload = unwrap(&identity, scrypt).map_err(wrong_passphrase)?;
        let (worker, name, secret) = identity_from_payload(&payload, self.vault)?;
        if worker != slot.worker || name != slot.name {
            return Err(KeyError::SlotWorkerMismatch(slot.name.clone()));
        }
        let id = x25519_identity(&secret)?;
        if id.to_public().to_string() != *recipient {
            return Err(damaged("the recipient is not the identity's (it was changed)"));
        }
        let wrapped = decode_wrapped(file)?;
        let key = match unwrap(&wrapped, &id) {
            Ok(p) => match DbKey::from_payload(&p, self.vault)? {
                (key, Sealed::Worker { id, name }) if id == slot.worker && name == slot.name => key,
                _ => return Err(KeyError::SlotWorkerMismatch(slot.name.clone())),
            },
            Err(e) => return Err(damaged(&format!("the key part does not open with the identity: {e}"))),
        };
        check_tag(&key, self.vault, slot.worker, &slot.name, recipient, tag)
            .map_err(|_| damaged("the recipient's tag does not verify"))?;
        Ok(Unwrapped {
            key,
            legacy: None,
            format: file.kasane_slot,
            identity: Some(secret),
        })
    }

    /// The worker slots still in the first form (JSON `kasane_slot` 1), with their fingerprints.
    pub fn legacy_slots(&self) -> Result<Vec<(Uuid, [u8; 32])>, KeyError> {
        let mut out = Vec::new();
        for w in &self.workers {
            let file = read_slot(&w.file)?;
            if file.kasane_slot == SLOT_FORMAT_V1 {
                out.push((w.worker, legacy_fingerprint(&decode_wrapped(&file)?)));
            }
        }
        Ok(out)
    }

    pub fn unwrap_recovery(&self, code: &RecoveryCode) -> Result<DbKey, KeyError> {
        let path = self.dir.join("recovery.json");
        if !path.exists() {
            return Err(KeyError::NoRecoverySlot);
        }
        let file = read_slot(&path)?;
        let wrapped = decode_wrapped(&file)?;
        match unwrap(&wrapped, &code.identity()?) {
            Ok(p) => match DbKey::from_payload(&p, self.vault)? {
                (key, Sealed::Legacy) => Ok(key),
                (key, Sealed::Worker { id, .. }) if id.is_nil() => Ok(key),
                (_, Sealed::Worker { .. }) => Err(KeyError::SlotDamaged("the recovery key file seals a worker".into())),
            },
            Err(
                age::DecryptError::NoMatchingKeys
                | age::DecryptError::DecryptionFailed
                | age::DecryptError::KeyDecryptionFailed,
            ) => Err(KeyError::WrongRecoveryCode),
            Err(e) => Err(KeyError::SlotDamaged(e.to_string())),
        }
    }

    /// Writes (or rewrites) one worker's slot in format 3, with a new worker identity. Only that
    /// file changes.
    pub fn put_worker(
        &mut self,
        worker: Uuid,
        name: &str,
        key: &DbKey,
        pass: &SecretString,
        log_n: u8,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        entropy.fill(&mut secret[..]);
        let recipient = x25519_identity(&secret)?.to_public().to_string();
        let file = self.identity_slot(worker, name, &secret, pass, log_n, &recipient)?;
        let file = self.with_key_part(file, worker, name, &recipient, key)?;
        self.put_worker_file(worker, name, log_n, &file, entropy)
    }

    /// Gives the worker of `slot` a new passphrase: only the identity part is rewrapped (the
    /// current passphrase opens it); the recipient and the key part stay as they are. A slot in
    /// an older form is written afresh in format 3.
    pub fn change_passphrase(
        &mut self,
        slot: &WorkerSlot,
        current: &SecretString,
        new: &SecretString,
        log_n: u8,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        let opened = self.unwrap_worker(slot, current)?;
        let Some(secret) = opened.identity else {
            return self.put_worker(slot.worker, &slot.name, &opened.key, new, log_n, entropy);
        };
        let old = read_slot(&slot.file)?;
        // The recipient is the identity's own, not whatever the file says now.
        let recipient = x25519_identity(&secret)?.to_public().to_string();
        let mut file = self.identity_slot(slot.worker, &slot.name, &secret, new, log_n, &recipient)?;
        file.wrapped = old.wrapped;
        file.recipient_tag = old.recipient_tag;
        self.put_worker_file(slot.worker, &slot.name, log_n, &file, entropy)
    }

    /// Writes into `staging` (a new, empty folder) the slots for a new database key `new`: every
    /// worker's but those `leaving`, each with its identity part unchanged and the new key wrapped to
    /// its recipient, and a recovery slot for `code`. Each slot's recipient must verify under the
    /// `current` key first, so a recipient someone swapped in is refused, not given the new key.
    pub fn stage_rekey(
        &self,
        staging: &Path,
        current: &DbKey,
        new: &DbKey,
        leaving: &[Uuid],
        code: &RecoveryCode,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        for w in self.workers.iter().filter(|w| !leaving.contains(&w.worker)) {
            let old = read_slot(&w.file)?;
            let damaged = |what: &str| KeyError::SlotDamaged(format!("{}: {what}", w.file.display()));
            if old.kasane_slot < SLOT_FORMAT || old.worker != Some(w.worker) || old.name.as_deref() != Some(&w.name) {
                return Err(damaged("not a format-3 slot of its worker"));
            }
            let (Some(recipient), Some(tag)) = (&old.recipient, &old.recipient_tag) else {
                return Err(damaged("a format-3 slot without its recipient or tag"));
            };
            check_tag(current, self.vault, w.worker, &w.name, recipient, tag)
                .map_err(|_| damaged("the recipient's tag does not verify (the recipient was changed)"))?;
            let recipient = recipient.clone();
            let file = self.with_key_part(old, w.worker, &w.name, &recipient, new)?;
            write_slot(&staging.join(format!("worker-{}.json", w.worker)), &file, entropy)?;
        }
        write_slot(&staging.join("recovery.json"), &self.recovery_file(new, code)?, entropy)
    }

    pub fn put_recovery(&self, key: &DbKey, code: &RecoveryCode, entropy: &Entropy) -> Result<(), KeyError> {
        write_slot(
            &self.dir.join("recovery.json"),
            &self.recovery_file(key, code)?,
            entropy,
        )
    }

    fn recovery_file(&self, key: &DbKey, code: &RecoveryCode) -> Result<SlotFile, KeyError> {
        let recipient_text = code.recipient()?;
        let wrapped = wrap(
            &key.payload(self.vault, Uuid::nil(), ""),
            &x25519_recipient(&recipient_text)?,
        )?;
        Ok(SlotFile {
            kasane_slot: SLOT_FORMAT,
            vault: self.vault,
            kind: SlotKind::Recovery,
            worker: None,
            name: None,
            kdf_log_n: None,
            recipient: Some(recipient_text),
            recipient_tag: None,
            identity: None,
            wrapped: base64::engine::general_purpose::STANDARD.encode(wrapped),
        })
    }

    /// A format-3 slot with its identity part (no key part yet).
    fn identity_slot(
        &self,
        worker: Uuid,
        name: &str,
        secret: &[u8; 32],
        pass: &SecretString,
        log_n: u8,
        recipient: &str,
    ) -> Result<SlotFile, KeyError> {
        let identity = wrap_with_passphrase(&identity_payload(self.vault, worker, secret, name), pass, log_n)?;
        Ok(SlotFile {
            kasane_slot: SLOT_FORMAT,
            vault: self.vault,
            kind: SlotKind::Worker,
            worker: Some(worker),
            name: Some(name.to_string()),
            kdf_log_n: Some(log_n),
            recipient: Some(recipient.to_string()),
            recipient_tag: None,
            identity: Some(base64::engine::general_purpose::STANDARD.encode(identity)),
            wrapped: String::new(),
        })
    }

    /// `file` with `key` wrapped to `recipient` (sealing vault, worker and name, as format 2 did
    /// under the passphrase) and the recipient's tag under that key.
    fn with_key_part(
        &self,
        mut file: SlotFile,
        worker: Uuid,
        name: &str,
        recipient: &str,
        key: &DbKey,
    ) -> Result<SlotFile, KeyError> {
        let wrapped = wrap(&key.payload(self.vault, worker, name), &x25519_recipient(recipient)?)?;
        file.wrapped = base64::engine::general_purpose::STANDARD.encode(wrapped);
        file.recipient_tag = Some(
            key.recipient_tag(self.vault, worker, name, recipient)
                .to_hex()
                .to_string(),
        );
        Ok(file)
    }

    /// Writes a worker slot in the first form (no worker sealed inside), as Kasane did before slot
    /// format 2: for tests of how such slots are still opened and then upgraded.
    #[cfg(feature = "testing")]
    pub fn put_worker_v1(
        &mut self,
        worker: Uuid,
        name: &str,
        key: &DbKey,
        pass: &SecretString,
        log_n: u8,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        let payload = key.payload_v1(self.vault);
        self.put_passphrase_slot(SLOT_FORMAT_V1, worker, name, &payload, pass, log_n, entropy)
    }

    /// Writes a worker slot in the second form (the key and the worker under the passphrase), as
    /// Kasane did before slot format 3: for tests of how such slots are opened and upgraded.
    #[cfg(feature = "testing")]
    pub fn put_worker_v2(
        &mut self,
        worker: Uuid,
        name: &str,
        key: &DbKey,
        pass: &SecretString,
        log_n: u8,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        let payload = key.payload(self.vault, worker, name);
        self.put_passphrase_slot(2, worker, name, &payload, pass, log_n, entropy)
    }

    /// Wraps `payload` under the worker's passphrase and writes the slot file in `format` (1 or 2).
    #[cfg(feature = "testing")]
    #[allow(clippy::too_many_arguments)]
    fn put_passphrase_slot(
        &mut self,
        format: u32,
        worker: Uuid,
        name: &str,
        payload: &[u8],
        pass: &SecretString,
        log_n: u8,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        let wrapped = wrap_with_passphrase(payload, pass, log_n)?;
        let file = SlotFile {
            kasane_slot: format,
            vault: self.vault,
            kind: SlotKind::Worker,
            worker: Some(worker),
            name: Some(name.to_string()),
            kdf_log_n: Some(log_n),
            recipient: None,
            recipient_tag: None,
            identity: None,
            wrapped: base64::engine::general_purpose::STANDARD.encode(wrapped),
        };
        self.put_worker_file(worker, name, log_n, &file, entropy)
    }

    /// Writes a worker's slot file and keeps the list of workers, sorted by name, in step with
    /// the files.
    fn put_worker_file(
        &mut self,
        worker: Uuid,
        name: &str,
        log_n: u8,
        file: &SlotFile,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        let path = self.worker_path(worker);
        write_slot(&path, file, entropy)?;
        self.workers.retain(|w| w.worker != worker);
        self.workers.push(WorkerSlot {
            worker,
            name: name.to_string(),
            kdf_log_n: log_n,
            format: file.kasane_slot,
            file: path,
        });
        self.workers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    pub fn create(vault_dir: &Path, vault: Uuid) -> Result<Keyring, KeyError> {
        let dir = Self::keys_dir(vault_dir);
        durable::create_private_dir(&dir).map_err(|source| KeyError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Keyring {
            dir,
            vault,
            workers: Vec::new(),
        })
    }
}

/// Verifies a format-3 slot's recipient tag (hex) under `key`; BLAKE3's hash equality is
/// constant-time.
fn check_tag(key: &DbKey, vault: Uuid, worker: Uuid, name: &str, recipient: &str, tag: &str) -> Result<(), ()> {
    let tag = blake3::Hash::from_hex(tag).map_err(|_| ())?;
    if key.recipient_tag(vault, worker, name, recipient) == tag {
        Ok(())
    } else {
        Err(())
    }
}

fn read_slot(path: &Path) -> Result<SlotFile, KeyError> {
    let bytes = fs::read(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let slot: SlotFile =
        serde_json::from_slice(&bytes).map_err(|e| KeyError::SlotDamaged(format!("{}: {e}", path.display())))?;
    if !(SLOT_FORMAT_V1..=SLOT_FORMAT).contains(&slot.kasane_slot) {
        return Err(KeyError::SlotDamaged(format!(
            "{}: slot format {} is not known to this version",
            path.display(),
            slot.kasane_slot
        )));
    }
    Ok(slot)
}

fn decode_wrapped(slot: &SlotFile) -> Result<Vec<u8>, KeyError> {
    base64::engine::general_purpose::STANDARD
        .decode(&slot.wrapped)
        .map_err(|e| KeyError::SlotDamaged(format!("wrapped key: {e}")))
}

fn write_slot(path: &Path, slot: &SlotFile, entropy: &Entropy) -> Result<(), KeyError> {
    let mut bytes = serde_json::to_vec_pretty(slot).map_err(|e| KeyError::SlotDamaged(e.to_string()))?;
    bytes.push(b'\n');
    durable::replace(path, &bytes, entropy.u64()).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_survive_how_people_type_them_back() {
        let e = Entropy::from_seed(7);
        let code = RecoveryCode::generate(&e);
        let shown = code.display();
        assert_eq!(shown.len(), 56 + 13, "14 groups of four joined by hyphens");
        let retyped = shown.to_lowercase().replace('-', " ").replace('0', "o");
        let back = RecoveryCode::parse(&retyped).expect("case, spaces and O-for-0 are forgiven");
        assert_eq!(*back.0, *code.0);
    }

    #[test]
    fn a_mistyped_recovery_code_is_caught_by_its_checksum() {
        let e = Entropy::from_seed(8);
        let shown = RecoveryCode::generate(&e).display();
        let mut chars: Vec<char> = shown.chars().collect();
        chars[5] = if chars[5] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert!(
            matches!(RecoveryCode::parse(&typo), Err(KeyError::RecoveryCodeTypo)),
            "one wrong symbol must be reported as a typo, not as a wrong code"
        );
        assert!(matches!(
            RecoveryCode::parse("ABCD-EFGH"),
            Err(KeyError::RecoveryCodeMalformed)
        ));
        assert!(matches!(
            RecoveryCode::parse(&shown[..shown.len() - 1]),
            Err(KeyError::RecoveryCodeMalformed)
        ));
    }

    #[test]
    fn fixed_costs_outside_the_range_are_refused() {
        for release in [false, true] {
            assert!(matches!(
                KdfCost::Fixed(9).resolve_for(release),
                Err(KeyError::KdfCostOutOfRange(9))
            ));
            assert!(matches!(
                KdfCost::Fixed(21).resolve_for(release),
                Err(KeyError::KdfCostOutOfRange(21))
            ));
        }
        assert_eq!(KdfCost::Fixed(10).resolve_for(false).ok(), Some(10));
    }

    #[test]
    fn release_builds_refuse_toy_kdf_costs_and_debug_builds_allow_them() {
        let floor = RELEASE_MIN_KDF_LOG_N;
        assert!(floor >= 15, "the release floor is a real cost, not a test one");
        for cheap in [MIN_KDF_LOG_N, 12, floor - 1] {
            let err = KdfCost::Fixed(cheap)
                .resolve_for(true)
                .expect_err("a toy cost in a release build");
            assert!(
                matches!(err, KeyError::KdfCostTooLow { asked, floor: f } if asked == cheap && f == floor),
                "{err:?}"
            );
            assert!(
                err.to_string().contains(&floor.to_string()),
                "the message names the floor: {err}"
            );
            assert_eq!(
                KdfCost::Fixed(cheap).resolve_for(false).ok(),
                Some(cheap),
                "debug builds (tests) may still ask for a cheap cost"
            );
        }
        for fine in [floor, MAX_KDF_LOG_N] {
            assert_eq!(KdfCost::Fixed(fine).resolve_for(true).ok(), Some(fine));
        }
        assert_eq!(
            KdfCost::BenchmarkOnly(10).resolve_for(true).ok(),
            Some(10),
            "benchmarks built in the release profile say so explicitly"
        );
        assert!(KdfCost::BenchmarkOnly(9).resolve_for(true).is_err());
        assert_eq!(kdf_floor(false), MIN_KDF_LOG_N);
        assert_eq!(kdf_floor(true), floor);
        // This test binary is a debug build: the floor in force is the debug one.
        assert_eq!(KdfCost::Fixed(10).resolve().ok(), Some(10));
    }

    #[test]
    fn blank_and_space_padded_passphrases_are_refused() {
        let p = |s: &str| SecretString::from(s.to_string());
        for bad in [
            "",
            "        ",
            "\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}",
            " \t\n  \t  \n",
            "  short   ",
            "\u{3000}あいうえお\u{3000}\u{3000}",
        ] {
            assert!(
                matches!(check_new_passphrase(&p(bad)), Err(KeyError::PassphraseTooShort)),
                "{bad:?} must be refused"
            );
        }
        for good in ["correct horse", "  eight ch  ", "あいうえおかきく"] {
            assert!(check_new_passphrase(&p(good)).is_ok(), "{good:?} is long enough");
        }
    }

    #[test]
    fn slots_seal_their_worker_and_old_payloads_still_read() {
        let e = Entropy::from_seed(9);
        let key = DbKey::generate(&e);
        let (vault, worker) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let p = key.payload(vault, worker, "佐藤");
        let (back, sealed) = DbKey::from_payload(&p, vault).expect("own payload");
        assert_eq!(*back.0, *key.0);
        assert_eq!(
            sealed,
            Sealed::Worker {
                id: worker,
                name: "佐藤".into()
            }
        );
        assert!(matches!(
            DbKey::from_payload(&p, Uuid::from_u128(3)),
            Err(KeyError::SlotFromAnotherVault)
        ));
        let (back, sealed) = DbKey::from_payload(&key.payload_v1(vault), vault).expect("format 1 payload");
        assert_eq!(*back.0, *key.0);
        assert_eq!(sealed, Sealed::Legacy);
        assert!(matches!(
            DbKey::from_payload(&p[..70], vault),
            Err(KeyError::SlotDamaged(_))
        ));
    }

    /// A fresh folder under the system's temporary one, removed when dropped.
    struct Scratch(PathBuf);
    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let p = std::env::temp_dir().join(format!("kasane-keyring-{tag}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&p);
            fs::create_dir_all(&p).expect("scratch folder");
            Scratch(p)
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn json(path: &Path) -> serde_json::Value {
        serde_json::from_slice(&fs::read(path).expect("slot")).expect("slot JSON")
    }

    fn pass(s: &str) -> SecretString {
        SecretString::from(s.to_string())
    }

    #[test]
    fn a_format_3_slot_opens_with_its_passphrase_through_the_worker_identity() {
        let scratch = Scratch::new("v3");
        let e = Entropy::from_seed(10);
        let (vault, worker) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let key = DbKey::generate(&e);
        let mut ring = Keyring::create(&scratch.0, vault).expect("keys folder");
        ring.put_worker(worker, "佐藤", &key, &pass("sato passphrase"), MIN_KDF_LOG_N, &e)
            .expect("slot");
        let ring = Keyring::load(&scratch.0, vault).expect("load");
        let slot = ring.find(Some("佐藤")).expect("佐藤's slot").clone();
        assert_eq!(slot.format, 3);
        let file = json(&slot.file);
        assert_eq!(file["kasane_slot"], 3);
        assert!(file["recipient"].as_str().is_some_and(|r| r.starts_with("age1")));
        assert!(file["identity"].is_string() && file["recipient_tag"].is_string());
        let opened = ring.unwrap_worker(&slot, &pass("sato passphrase")).expect("opens");
        assert_eq!(*opened.key.0, *key.0);
        assert_eq!(opened.format, 3);
        assert!(opened.identity.is_some() && opened.legacy.is_none());
        assert!(matches!(
            ring.unwrap_worker(&slot, &pass("not sato's passphrase")),
            Err(KeyError::WrongPassphrase)
        ));
    }

    #[test]
    fn a_new_passphrase_rewraps_only_the_identity() {
        let scratch = Scratch::new("pass");
        let e = Entropy::from_seed(11);
        let (vault, worker) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let key = DbKey::generate(&e);
        let mut ring = Keyring::create(&scratch.0, vault).expect("keys folder");
        ring.put_worker(worker, "佐藤", &key, &pass("first passphrase"), MIN_KDF_LOG_N, &e)
            .expect("slot");
        let slot = ring.find(None).expect("slot").clone();
        let before = json(&slot.file);
        ring.change_passphrase(&slot, &pass("first passphrase"), &pass("second passphrase"), 11, &e)
            .expect("change");
        let after = json(&slot.file);
        for same in ["recipient", "recipient_tag", "wrapped"] {
            assert_eq!(before[same], after[same], "{same} is not rewritten");
        }
        assert_ne!(before["identity"], after["identity"]);
        assert_eq!(after["kdf_log_n"], 11);
        let slot = ring.find(None).expect("slot").clone();
        assert!(matches!(
            ring.unwrap_worker(&slot, &pass("first passphrase")),
            Err(KeyError::WrongPassphrase)
        ));
        let opened = ring
            .unwrap_worker(&slot, &pass("second passphrase"))
            .expect("new passphrase");
        assert_eq!(*opened.key.0, *key.0);
    }

    #[test]
    fn a_changed_recipient_or_tag_is_refused_at_unlock_and_at_a_key_change() {
        let scratch = Scratch::new("tamper");
        let e = Entropy::from_seed(12);
        let (vault, sato, suzuki) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let key = DbKey::generate(&e);
        let mut ring = Keyring::create(&scratch.0, vault).expect("keys folder");
        ring.put_worker(sato, "佐藤", &key, &pass("sato passphrase"), MIN_KDF_LOG_N, &e)
            .expect("slot");
        ring.put_worker(suzuki, "鈴木", &key, &pass("suzuki passphrase"), MIN_KDF_LOG_N, &e)
            .expect("slot");
        let slot = ring.find(Some("佐藤")).expect("slot").clone();
        let original = fs::read(&slot.file).expect("slot bytes");
        let code = RecoveryCode::generate(&e);
        let someone_else = code.recipient().expect("a recipient someone else holds");
        let new_key = DbKey::generate(&e);
        for (field, value) in [
            ("recipient", serde_json::Value::from(someone_else.clone())),
            ("recipient_tag", serde_json::Value::from("00".repeat(32))),
        ] {
            let mut forged = json(&slot.file);
            forged[field] = value;
            fs::write(&slot.file, serde_json::to_vec(&forged).expect("JSON")).expect("write");
            assert!(
                matches!(
                    ring.unwrap_worker(&slot, &pass("sato passphrase")),
                    Err(KeyError::SlotDamaged(_))
                ),
                "a changed {field} is refused at unlock"
            );
            let staging = scratch.0.join(format!("staged-{field}"));
            fs::create_dir_all(&staging).expect("staging");
            assert!(
                matches!(
                    ring.stage_rekey(&staging, &key, &new_key, &[suzuki], &code, &e),
                    Err(KeyError::SlotDamaged(_))
                ),
                "a key change does not give the new key to a changed {field}"
            );
            fs::write(&slot.file, &original).expect("restore");
        }

        // Untouched, the staged slots open to the new key with the same passphrase; the one left
        // out has none, and the recovery slot is for the new code.
        let staging = scratch.0.join("staged");
        fs::create_dir_all(&staging).expect("staging");
        ring.stage_rekey(&staging, &key, &new_key, &[suzuki], &code, &e)
            .expect("stage");
        fs::rename(scratch.0.join("keys"), scratch.0.join("keys.old")).expect("set aside");
        fs::rename(&staging, scratch.0.join("keys")).expect("switch");
        let ring = Keyring::load(&scratch.0, vault).expect("load");
        assert_eq!(ring.workers().len(), 1);
        let slot = ring.find(None).expect("佐藤 remains").clone();
        let opened = ring.unwrap_worker(&slot, &pass("sato passphrase")).expect("opens");
        assert_eq!(*opened.key.0, *new_key.0);
        assert_eq!(*ring.unwrap_recovery(&code).expect("new code").0, *new_key.0);
    }
}
