//! Key slots: the 32-byte database key, wrapped once per worker (age scrypt, passphrase) and once
//! for the recovery code (age X25519). Slots are small files beside the database, so changing a
//! passphrase rewrites one slot and never touches the database. Unwrapping checks the slot belongs
//! to this vault, so slots copied from another vault are refused.

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
/// Passphrases shorter than this are refused: with the KDF at ~0.7 s a short passphrase is still
/// guessable on a stolen laptop.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

const SLOT_FORMAT: u32 = 1;
const KEY_MAGIC: &[u8; 13] = b"kasane-key-v1";

/// How expensive to make a passphrase slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfCost {
    /// Measure this PC and aim for 0.5–1 s: the default for every real vault.
    Calibrated,
    /// An explicit log2(N); tests and benchmarks ask for a cheap one.
    Fixed(u8),
}

impl KdfCost {
    pub(crate) fn resolve(self) -> Result<u8, KeyError> {
        match self {
            KdfCost::Fixed(n) if (MIN_KDF_LOG_N..=MAX_KDF_LOG_N).contains(&n) => Ok(n),
            KdfCost::Fixed(n) => Err(KeyError::KdfCostOutOfRange(n)),
            KdfCost::Calibrated => Ok(calibrate(Duration::from_millis(500))),
        }
    }
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
    pub(crate) fn generate(entropy: &Entropy) -> DbKey {
        let mut k = Zeroizing::new([0u8; 32]);
        entropy.fill(&mut k[..]);
        DbKey(k)
    }
    /// The form SQLCipher takes for a raw key (no PBKDF2 on open: the key is already random).
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(67));
        s.push_str("x'");
        for b in self.0.iter() {
            s.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
            s.push(char::from(b"0123456789ABCDEF"[(b & 15) as usize]));
        }
        s.push('\'');
        s
    }
    fn payload(&self, vault: Uuid) -> Zeroizing<Vec<u8>> {
        let mut p = Zeroizing::new(Vec::with_capacity(61));
        p.extend_from_slice(KEY_MAGIC);
        p.extend_from_slice(vault.as_bytes());
        p.extend_from_slice(&self.0[..]);
        p
    }
    fn from_payload(p: &[u8], vault: Uuid) -> Result<DbKey, KeyError> {
        if p.len() != 61 || &p[..13] != KEY_MAGIC {
            return Err(KeyError::SlotDamaged("the unwrapped key has the wrong shape".into()));
        }
        if &p[13..29] != vault.as_bytes() {
            return Err(KeyError::SlotFromAnotherVault);
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&p[29..]);
        Ok(DbKey(k))
    }
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
    pub(crate) fn generate(entropy: &Entropy) -> RecoveryCode {
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
        let hrp =
            bech32::Hrp::parse("age-secret-key-").map_err(|e| KeyError::SlotDamaged(format!("bech32 prefix: {e}")))?;
        let s = Zeroizing::new(
            bech32::encode::<bech32::Bech32>(hrp, &self.0[..])
                .map_err(|e| KeyError::SlotDamaged(format!("bech32: {e}")))?
                .to_uppercase(),
        );
        age::x25519::Identity::from_str(&s).map_err(|e| KeyError::SlotDamaged(e.to_string()))
    }

    fn recipient(&self) -> Result<String, KeyError> {
        Ok(self.identity()?.to_public().to_string())
    }
}

/// What a worker slot says before it is unwrapped; enough to offer "who are you?" at unlock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerSlot {
    pub worker: Uuid,
    pub name: String,
    pub kdf_log_n: u8,
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
    #[error("the passphrase is not correct for this worker")]
    WrongPassphrase,
    #[error("the recovery code is not the one for this vault")]
    WrongRecoveryCode,
    #[error(
        "the recovery code has a typing mistake (a character is wrong, missing or extra); check each group of four"
    )]
    RecoveryCodeTypo,
    #[error("that is not a recovery code: it has 56 letters and digits in 14 groups of four")]
    RecoveryCodeMalformed,
    #[error("no worker named \"{name}\" in this vault (workers: {known})")]
    NoSuchWorker { name: String, known: String },
    #[error("this vault has several workers ({known}); say which one you are with --worker")]
    WorkerRequired { known: String },
    #[error("a worker named \"{0}\" already exists in this vault")]
    WorkerExists(String),
    #[error("the passphrase is too short: use at least {MIN_PASSPHRASE_CHARS} characters")]
    PassphraseTooShort,
    #[error("the passphrases do not match")]
    PassphraseMismatch,
    #[error("KDF cost {0} is outside {MIN_KDF_LOG_N}..={MAX_KDF_LOG_N}")]
    KdfCostOutOfRange(u8),
    #[error(
        "a key slot of this vault is damaged ({0}); restore the keys folder from a backup or use the recovery code"
    )]
    SlotDamaged(String),
    #[error("a key slot belongs to a different vault; it was probably copied in by mistake")]
    SlotFromAnotherVault,
    #[error("the recovery slot is missing from this vault's keys folder")]
    NoRecoverySlot,
    #[error("could not read or write the key slots at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

pub fn check_new_passphrase(p: &SecretString) -> Result<(), KeyError> {
    if p.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
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

    pub(crate) fn load(vault_dir: &Path, vault: Uuid) -> Result<Keyring, KeyError> {
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

    pub(crate) fn unwrap_worker(&self, slot: &WorkerSlot, pass: &SecretString) -> Result<DbKey, KeyError> {
        let file = read_slot(&self.worker_path(slot.worker))?;
        let wrapped = decode_wrapped(&file)?;
        let mut id = age::scrypt::Identity::new(pass.clone());
        id.set_max_work_factor(MAX_KDF_LOG_N);
        match unwrap(&wrapped, &id) {
            Ok(p) => DbKey::from_payload(&p, self.vault),
            Err(
                age::DecryptError::DecryptionFailed
                | age::DecryptError::NoMatchingKeys
                | age::DecryptError::KeyDecryptionFailed,
            ) => Err(KeyError::WrongPassphrase),
            Err(e) => Err(KeyError::SlotDamaged(e.to_string())),
        }
    }

    pub(crate) fn unwrap_recovery(&self, code: &RecoveryCode) -> Result<DbKey, KeyError> {
        let path = self.dir.join("recovery.json");
        if !path.exists() {
            return Err(KeyError::NoRecoverySlot);
        }
        let file = read_slot(&path)?;
        let wrapped = decode_wrapped(&file)?;
        match unwrap(&wrapped, &code.identity()?) {
            Ok(p) => DbKey::from_payload(&p, self.vault),
            Err(
                age::DecryptError::NoMatchingKeys
                | age::DecryptError::DecryptionFailed
                | age::DecryptError::KeyDecryptionFailed,
            ) => Err(KeyError::WrongRecoveryCode),
            Err(e) => Err(KeyError::SlotDamaged(e.to_string())),
        }
    }

    /// Writes (or rewrites) one worker's slot. Only that file changes.
    pub(crate) fn put_worker(
        &mut self,
        worker: Uuid,
        name: &str,
        key: &DbKey,
        pass: &SecretString,
        log_n: u8,
        entropy: &Entropy,
    ) -> Result<(), KeyError> {
        let wrapped = wrap_with_passphrase(&key.payload(self.vault), pass, log_n)?;
        let file = SlotFile {
            kasane_slot: SLOT_FORMAT,
            vault: self.vault,
            kind: SlotKind::Worker,
            worker: Some(worker),
            name: Some(name.to_string()),
            kdf_log_n: Some(log_n),
            recipient: None,
            wrapped: base64::engine::general_purpose::STANDARD.encode(wrapped),
        };
        write_slot(&self.worker_path(worker), &file, entropy)?;
        self.workers.retain(|w| w.worker != worker);
        self.workers.push(WorkerSlot {
            worker,
            name: name.to_string(),
            kdf_log_n: log_n,
        });
        self.workers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    pub(crate) fn put_recovery(&self, key: &DbKey, code: &RecoveryCode, entropy: &Entropy) -> Result<(), KeyError> {
        let recipient_text = code.recipient()?;
        let recipient =
            age::x25519::Recipient::from_str(&recipient_text).map_err(|e| KeyError::SlotDamaged(e.to_string()))?;
        let wrapped = wrap(&key.payload(self.vault), &recipient)?;
        let file = SlotFile {
            kasane_slot: SLOT_FORMAT,
            vault: self.vault,
            kind: SlotKind::Recovery,
            worker: None,
            name: None,
            kdf_log_n: None,
            recipient: Some(recipient_text),
            wrapped: base64::engine::general_purpose::STANDARD.encode(wrapped),
        };
        write_slot(&self.dir.join("recovery.json"), &file, entropy)
    }

    pub(crate) fn create(vault_dir: &Path, vault: Uuid) -> Result<Keyring, KeyError> {
        let dir = Self::keys_dir(vault_dir);
        fs::create_dir_all(&dir).map_err(|source| KeyError::Io {
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

fn read_slot(path: &Path) -> Result<SlotFile, KeyError> {
    let bytes = fs::read(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let slot: SlotFile =
        serde_json::from_slice(&bytes).map_err(|e| KeyError::SlotDamaged(format!("{}: {e}", path.display())))?;
    if slot.kasane_slot != SLOT_FORMAT {
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
        assert!(KdfCost::Fixed(9).resolve().is_err());
        assert!(KdfCost::Fixed(21).resolve().is_err());
        assert_eq!(KdfCost::Fixed(10).resolve().ok(), Some(10));
    }
}
