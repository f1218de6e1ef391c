//! Exchange between agencies as files: a bundle carries, for one partner, the signed segments of
//! every scope it may see that it does not yet hold, encrypted to its sites. Export never puts
//! local items or other cases in; import verifies every layer before anything is applied, then
//! applies in one transaction, so a bundle lands whole or not at all.

mod cards;
mod export;
mod format;
mod import;
mod roster;
mod settle;

use kasane_store::StoreError;

use crate::{
    meeting::MeetingError,
    record::RecordError,
    share::ShareError,
    site::{RotationError, SiteError},
    vault::VaultError,
};
use uuid::Uuid;

pub use export::{ExportPreview, ExportReport, PackResult, PreviewCase, Progress};
pub use format::{FORMAT, FormatError, Manifest, PurgeNotice, READER};
#[cfg(feature = "testing")]
pub use format::{Header as BundleHeader, Segment, Statement, WireOp};
pub use import::{ImportStatus, ImportSummary, InboxEntry, Preview, QuarantineEntry};
#[cfg(feature = "testing")]
pub use import::{TEST_FAULT, Verified};
pub(crate) use settle::{parties, rejudge_all};

use kasane_store::Kind;

/// Why a bundle was refused. The code is stable (docs/bundle-format.md); the message is one line.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("not a Kasane exchange file: {0}")]
    Format(#[from] FormatError),
    #[error("the exchange file's header signature does not verify: it was altered or damaged")]
    HeaderSignature,
    #[error("the encrypted contents do not match the signed header: the file was altered or damaged")]
    PayloadMismatch,
    #[error(
        "the exchange file comes from site {0}, whose agency check file has not been imported; import it and compare the check number first"
    )]
    UnknownSender(Uuid),
    #[error("the exchange file comes from site {0}, which has been revoked")]
    RevokedSender(Uuid),
    #[error("the exchange file is not addressed to this site (it cannot be decrypted here)")]
    NotForUs,
    #[error("the exchange file could not be decrypted: it was altered or damaged")]
    Decrypt,
    #[error("the exchange file's manifest signature does not verify")]
    ManifestSignature,
    #[error("the exchange file was re-addressed: its signed manifest names another sender or other recipients")]
    Readdressed,
    #[error("segment {index} of the exchange file: {why}")]
    Segment { index: usize, why: String },
    #[error(
        "segment {index} of the exchange file: its first operation (number {seq} of series {scope} of site {site}) does not follow the operation this site holds before it; the author wrote two different histories: alert the partner"
    )]
    Fork {
        index: usize,
        site: Uuid,
        scope: String,
        seq: u64,
    },
    #[error("the exchange file is too large to open safely (over {0} bytes once decompressed)")]
    TooLarge(u64),
    #[error("this exchange file needs a newer version of Kasane ({0}); it waits in the inbox until Kasane is updated")]
    NeedsUpdate(String),
    #[error("the exchange file names a version that does not exist ({0})")]
    BadVersion(String),
    #[error(
        "no verified, unrevoked site of {0} to send to; import its agency check file and compare the check number first"
    )]
    NoRecipient(String),
    #[error("could not read or write {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    KeyChange(RotationError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Meeting(#[from] MeetingError),
}

kasane_store::carries_store_errors!(BundleError);

impl From<RotationError> for BundleError {
    fn from(e: RotationError) -> Self {
        match e {
            // A rotation of a newer format is a newer file: it waits, as other versions do.
            RotationError::TooNew(v) => BundleError::NeedsUpdate(format!("key change format {v}")),
            e => BundleError::KeyChange(e),
        }
    }
}

impl BundleError {
    pub fn kind(&self) -> Kind {
        match self {
            BundleError::Store(e) => e.kind(),
            BundleError::Vault(e) => e.kind(),
            BundleError::Record(e) => e.kind(),
            BundleError::Site(e) => e.kind(),
            BundleError::Share(e) => e.kind(),
            BundleError::Meeting(e) => e.kind(),
            BundleError::NoRecipient(_) => Kind::Refused,
            BundleError::Io { .. } => Kind::Internal,
            _ => Kind::Rejected,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::Store(e) => e.code(),
            BundleError::Vault(e) => e.code(),
            BundleError::Record(e) => e.code(),
            BundleError::Site(e) => e.code(),
            BundleError::Share(e) => e.code(),
            BundleError::Meeting(e) => e.code(),
            BundleError::KeyChange(e) => e.code(),
            BundleError::Format(FormatError::Truncated) => "bundle.truncated",
            BundleError::Format(FormatError::NotABundle) => "bundle.not-a-bundle",
            BundleError::Format(FormatError::Malformed(_)) => "bundle.malformed",
            BundleError::HeaderSignature => "bundle.header-signature",
            BundleError::PayloadMismatch => "bundle.payload-mismatch",
            BundleError::UnknownSender(_) => "bundle.unknown-sender",
            BundleError::RevokedSender(_) => "bundle.revoked-sender",
            BundleError::NotForUs => "bundle.not-for-us",
            BundleError::Decrypt => "bundle.decrypt",
            BundleError::ManifestSignature => "bundle.manifest-signature",
            BundleError::Readdressed => "bundle.readdressed",
            BundleError::Segment { .. } | BundleError::Fork { .. } => "bundle.segment",
            BundleError::TooLarge(_) => "bundle.too-large",
            BundleError::NeedsUpdate(_) => "bundle.needs-update",
            BundleError::BadVersion(_) => "bundle.bad-version",
            BundleError::NoRecipient(_) => "bundle.no-recipient",
            BundleError::Io { .. } => "bundle.io",
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do.
    pub fn message_ja(&self) -> String {
        match self {
            BundleError::Store(e) => e.message_ja(),
            BundleError::Vault(e) => e.message_ja(),
            BundleError::Record(e) => e.message_ja(),
            BundleError::Site(e) => e.message_ja(),
            BundleError::Share(e) => e.message_ja(),
            BundleError::Meeting(e) => e.message_ja(),
                BundleError::KeyChange(e) => e.message_ja(),
                BundleError::Format(FormatError::Truncated) => "ファイルが途中で切れています（コピーが完了していない可能性があります）".into(),
                BundleError::Format(FormatError::NotABundle) => "かさねの連携ファイルではありません".into(),
                BundleError::Format(FormatError::Malformed(_)) => "連携ファイルの形式が壊れています".into(),
                BundleError::HeaderSignature => "連携ファイルの署名が一致しません。改ざんまたは破損の可能性があります".into(),
                BundleError::PayloadMismatch => "暗号化された内容が署名と一致しません。改ざんまたは破損の可能性があります".into(),
                BundleError::UnknownSender(_) => "送信元の端末の機関確認ファイルが登録されていません。先に機関確認ファイルを取り込み、照合番号を確認してください".into(),
                BundleError::RevokedSender(_) => "送信元の端末は失効しています".into(),
                BundleError::NotForUs => "この連携ファイルはこの端末あてではありません".into(),
                BundleError::Decrypt => "連携ファイルを復号できません。改ざんまたは破損の可能性があります".into(),
                BundleError::ManifestSignature => "連携ファイル内の目録の署名が一致しません".into(),
                BundleError::Readdressed => "この連携ファイルは宛先が書き換えられています".into(),
                BundleError::Segment { index, .. } => format!("連携ファイルの {} 番目の区切りの記録が検証できません", index + 1),
                BundleError::Fork { index, .. } => format!("連携ファイルの {} 番目の区切りの記録が、この端末にある記録の続きになっていません。送信元が同じ記録を二通りに書いています。相手機関に連絡してください", index + 1),
                BundleError::BadVersion(_) => "連携ファイルに存在しない版が書かれています。改ざんまたは破損の可能性があります".into(),
                BundleError::TooLarge(_) => "連携ファイルが大きすぎて安全に開けません".into(),
                BundleError::NeedsUpdate(_) => "この連携ファイルには新しいバージョンのかさねが必要です。更新するまで受信箱で待機します".into(),
                BundleError::NoRecipient(name) => format!("{name}の確認済みの端末がありません。機関確認ファイルを取り込み、照合番号を確認してください"),
                BundleError::Io { path, .. } => format!("{} を読み書きできません", path.display()),
            }
    }
}

/// Verifies a bundle file with only the sender's public key (base64url Ed25519) and the
/// recipient's age secret key: every layer, every segment signature and chain. Golden vectors.
#[cfg(feature = "testing")]
pub fn verify_file(
    bytes: &[u8],
    sender_key: &str,
    recipient_secret: &str,
    recipient_site: Uuid,
) -> Result<import::Verified, BundleError> {
    use std::str::FromStr;
    let key = crate::site::verifying_key(sender_key)?;
    let identity = age::x25519::Identity::from_str(recipient_secret).map_err(|_| BundleError::Decrypt)?;
    import::verify_standalone(bytes, &key, &identity, recipient_site)
}

/// The decrypted parts of a bundle, for tests that build malformed ones.
#[cfg(feature = "testing")]
pub struct Parts {
    pub header: format::Header,
    pub manifest_bytes: Vec<u8>,
    pub manifest_signature: [u8; 64],
    pub segments: Vec<format::Segment>,
    /// Sign the manifest again after editing it (otherwise the old signature stays).
    pub resign_manifest: bool,
    /// Extra sites to encrypt to, besides the recipient.
    pub also_to: Vec<String>,
    /// Encrypt only to `also_to`, not to the recipient that opened it.
    pub not_to_recipient: bool,
    /// Seal these bytes as the compressed plaintext instead of compressing the parts (a bomb,
    /// several frames …).
    pub raw_compressed: Option<Vec<u8>>,
}

#[cfg(feature = "testing")]
impl Parts {
    /// The plaintext these parts encode to (what is compressed, then encrypted).
    pub fn plaintext(&self) -> Vec<u8> {
        format::encode_inner(&self.manifest_bytes, &self.manifest_signature, &self.segments)
    }
}

/// The header of a file, unchecked. Tests only.
#[cfg(feature = "testing")]
pub fn split_header(file: &[u8]) -> Result<format::Header, BundleError> {
    Ok(format::split_outer(file)?.header)
}

/// A file with its header JSON edited and its signature and payload kept. Tests only.
#[cfg(feature = "testing")]
pub fn edit_header(file: &[u8], edit: &mut dyn FnMut(&mut serde_json::Value)) -> Result<Vec<u8>, BundleError> {
    let outer = format::split_outer(file)?;
    let mut header: serde_json::Value = serde_json::from_slice(outer.header_bytes)
        .map_err(|_| BundleError::Format(FormatError::Malformed("header")))?;
    edit(&mut header);
    let bytes = serde_json::to_vec(&header).map_err(|_| BundleError::Format(FormatError::Malformed("header")))?;
    Ok(format::join_outer(&bytes, &outer.signature, outer.payload))
}

/// Opens a bundle as `recipient`, lets `edit` change it, and seals it again as `sender`
/// (re-signing the header, so only the edited inner layer is wrong). Tests only.
#[cfg(feature = "testing")]
pub fn reseal(
    sender: &crate::Vault,
    recipient: &crate::Vault,
    file: &[u8],
    edit: &mut dyn FnMut(&mut Parts),
) -> Result<Vec<u8>, BundleError> {
    use std::io::{Read, Write};
    let outer = format::split_outer(file).map_err(BundleError::from)?;
    let identity = recipient.site_keys()?.age_identity()?;
    let dec = age::Decryptor::new(outer.payload).map_err(|_| BundleError::Decrypt)?;
    let mut compressed = Vec::new();
    dec.decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|_| BundleError::Decrypt)?
        .read_to_end(&mut compressed)
        .map_err(|_| BundleError::Decrypt)?;
    let plain = zstd::stream::decode_all(&compressed[..]).map_err(|_| BundleError::Decrypt)?;
    let inner = format::decode_inner(&plain).map_err(BundleError::from)?;
    let mut parts = Parts {
        header: outer.header.clone(),
        manifest_bytes: inner.manifest_bytes,
        manifest_signature: inner.manifest_signature,
        segments: inner.segments,
        resign_manifest: false,
        also_to: Vec::new(),
        not_to_recipient: false,
        raw_compressed: None,
    };
    edit(&mut parts);
    let keys = sender.site_keys()?;
    if parts.resign_manifest {
        let mut msg = format::MANIFEST_DOMAIN.to_vec();
        msg.extend_from_slice(&parts.manifest_bytes);
        parts.manifest_signature = keys.sign(&msg).to_bytes();
    }
    let plain = format::encode_inner(&parts.manifest_bytes, &parts.manifest_signature, &parts.segments);
    let compressed = match parts.raw_compressed.take() {
        Some(raw) => raw,
        None => zstd::bulk::compress(&plain, 3).map_err(|source| BundleError::Io {
            path: "<memory>".into(),
            source,
        })?,
    };
    let mut recipients: Vec<age::x25519::Recipient> = Vec::new();
    if !parts.not_to_recipient {
        recipients.push(identity.to_public());
    }
    for r in &parts.also_to {
        recipients.push(r.parse().map_err(|_| BundleError::NoRecipient(r.clone()))?);
    }
    let enc = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|_| BundleError::Decrypt)?;
    let mut payload = Vec::new();
    let io = |source| BundleError::Io {
        path: "<memory>".into(),
        source,
    };
    let mut w = enc.wrap_output(&mut payload).map_err(io)?;
    w.write_all(&compressed).map_err(io)?;
    w.finish().map_err(io)?;
    let mut header = parts.header.clone();
    header.payload_hash = format::payload_hash(&payload);
    header.payload_len = payload.len() as u64;
    let header_bytes = serde_json::to_vec(&header).map_err(|e| crate::vault::VaultError::Damaged(e.to_string()))?;
    let mut msg = format::HEADER_DOMAIN.to_vec();
    msg.extend_from_slice(&header_bytes);
    let sig = keys.sign(&msg).to_bytes();
    Ok(format::join_outer(&header_bytes, &sig, &payload))
}
