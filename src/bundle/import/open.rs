//! Opening a bundle file, in the order that keeps a stranger's bytes untrusted: a known,
//! unrevoked sender's signature over the header and the payload's hash before any version the
//! header names is believed, decompression stopped at a cap, the manifest's signature before its
//! contents. Nothing here reads or writes the log.

use std::io::Read;

use ed25519_dalek::Signature;
#[cfg(feature = "testing")]
use ed25519_dalek::VerifyingKey;
use uuid::Uuid;

use crate::{
    Vault,
    bundle::{
        BundleError,
        format::{self, MANIFEST_DOMAIN, Manifest, Segment},
    },
    site::{self, KeyChain, KnownSite, RotationEntry, SignedWith},
};

/// What the versions of a header ask of this reader: `Ok` to read it, `NeedsUpdate` when a newer
/// reader is needed (the file waits), `BadVersion` for versions that cannot exist.
fn check_header_versions(h: &format::Header) -> Result<(), BundleError> {
    if h.format == 0 || h.min_reader == 0 || h.min_reader > h.format {
        return Err(BundleError::BadVersion(format!(
            "format {}, min_reader {}",
            h.format, h.min_reader
        )));
    }
    if h.format > format::FORMAT || h.min_reader > format::READER {
        return Err(BundleError::NeedsUpdate(format!(
            "format {}, min_reader {}",
            h.format, h.min_reader
        )));
    }
    Ok(())
}

/// The manifest, once its signature has verified: its version first (a newer one waits for an
/// update, whatever its shape), then every field.
fn parse_manifest(bytes: &[u8]) -> Result<Manifest, BundleError> {
    #[derive(serde::Deserialize)]
    struct Version {
        manifest: u64,
    }
    let malformed = || BundleError::Format(format::FormatError::Malformed("manifest"));
    let v: Version = serde_json::from_slice(bytes).map_err(|_| malformed())?;
    if v.manifest == 0 {
        return Err(BundleError::BadVersion("manifest 0".into()));
    }
    if v.manifest > u64::from(format::MANIFEST) {
        return Err(BundleError::NeedsUpdate(format!("manifest {}", v.manifest)));
    }
    serde_json::from_slice(bytes).map_err(|_| malformed())
}

/// The outer layer authenticated with the sender's keys: the header signature, then the
/// payload's hash (its length was checked when the file was split), then the versions the header
/// names. Nothing is decrypted. True when a key the sender has since retired signed it.
fn authenticate(outer: &format::Outer<'_>, sender: &KeyChain) -> Result<bool, BundleError> {
    let mut msg = format::HEADER_DOMAIN.to_vec();
    msg.extend_from_slice(outer.header_bytes);
    let signed = sender
        .verify(&msg, &Signature::from_bytes(&outer.signature), None)
        .ok_or(BundleError::HeaderSignature)?;
    if format::payload_hash(outer.payload) != outer.header.payload_hash {
        return Err(BundleError::PayloadMismatch);
    }
    check_header_versions(&outer.header)?;
    Ok(signed != SignedWith::Current)
}

/// Decrypts an authenticated file and checks the manifest: its signature, its version, that it
/// names this bundle, this sender and this site as a recipient, and the segment count; then
/// the sender's rotations it carries with their frontiers. True when a retired key signed it.
fn open_inner(
    outer: format::Outer<'_>,
    sender: &mut KeyChain,
    identities: &[age::x25519::Identity],
    me: Uuid,
) -> Result<(format::Header, Manifest, Vec<Segment>, bool), BundleError> {
    let header = outer.header;
    let plain = decrypt(outer.payload, identities)?;
    let inner = format::decode_inner(&plain)?;
    drop(plain);
    let mut msg = MANIFEST_DOMAIN.to_vec();
    msg.extend_from_slice(&inner.manifest_bytes);
    let signed = sender
        .verify(&msg, &Signature::from_bytes(&inner.manifest_signature), None)
        .ok_or(BundleError::ManifestSignature)?;
    let manifest = parse_manifest(&inner.manifest_bytes)?;
    if manifest.bundle != header.bundle || manifest.sender != header.sender || !manifest.recipients.contains(&me) {
        return Err(BundleError::Readdressed);
    }
    if manifest.segments != inner.segments.len() as u64 {
        return Err(BundleError::Format(format::FormatError::Malformed("segment count")));
    }
    let own: Vec<&RotationEntry> = manifest
        .keys
        .iter()
        .filter(|e| site::site_of(&e.rotation) == Some(header.sender))
        .collect();
    sender.follow_entries(&own)?;
    sender.complete()?;
    Ok((header, manifest, inner.segments, signed != SignedWith::Current))
}

/// Opens a bundle file given the sender's key and our identity: header signature, payload hash,
/// versions, decryption, manifest signature and version, and that the manifest names this site
/// as a recipient.
#[cfg(feature = "testing")]
pub(super) fn open_with(
    bytes: &[u8],
    sender_key: &VerifyingKey,
    identity: &age::x25519::Identity,
    me: Uuid,
) -> Result<(format::Header, Manifest, Vec<Segment>), BundleError> {
    let outer = format::split_outer(bytes)?;
    let mut chain = KeyChain::single(*sender_key);
    authenticate(&outer, &chain)?;
    let (header, manifest, segments, _) = open_inner(outer, &mut chain, std::slice::from_ref(identity), me)?;
    Ok((header, manifest, segments))
}

/// Everything learned from the outer layers of a file.
pub(super) struct Opened {
    pub(super) header: format::Header,
    pub(super) manifest: Manifest,
    pub(super) segments: Vec<Segment>,
    pub(super) sender: KnownSite,
    /// Signed with a key the sender has since retired: an old file read late, or a forgery by
    /// whoever kept the old key. Its segments count within the key's frontier; its purge
    /// requests and frontier claims do not.
    pub(super) retired_key: bool,
}

impl Vault {
    /// Authenticates the outer layer without decrypting: the sender's card is known and not
    /// revoked, the header signature and the payload hash verify; then the header's versions.
    /// `Err(NeedsUpdate)` only for an authenticated file.
    pub(super) fn check_outer<'a>(&self, bytes: &'a [u8]) -> Result<(format::Outer<'a>, KnownSite, bool), BundleError> {
        let outer = format::split_outer(bytes).map_err(BundleError::from)?;
        let Some(mut sender) = site::known_site(&self.conn, outer.header.sender)? else {
            return Err(BundleError::UnknownSender(outer.header.sender));
        };
        if sender.revoked {
            return Err(BundleError::RevokedSender(outer.header.sender));
        }
        // The rotations come before the signature they let us check; each is signed by the key
        // before it, so reading them from bytes not yet authenticated trusts nothing new.
        sender.chain.follow(&outer.header.keys)?;
        let retired = authenticate(&outer, &sender.chain)?;
        Ok((outer, sender, retired))
    }

    /// Checks the outer layers and decrypts. `Err(NeedsUpdate)` when the bundle is too new.
    pub(super) fn open_bundle(&self, bytes: &[u8]) -> Result<Opened, BundleError> {
        let (outer, mut sender, retired_header) = self.check_outer(bytes)?;
        let identities = self.own_identities()?;
        let (header, manifest, segments, retired_manifest) =
            open_inner(outer, &mut sender.chain, &identities, self.me.site)?;
        Ok(Opened {
            header,
            manifest,
            segments,
            sender,
            retired_key: retired_header || retired_manifest,
        })
    }
}

/// Decrypts the payload and decompresses its one zstd frame, at most
/// [`format::plaintext_cap`] bytes of it.
fn decrypt(payload: &[u8], identities: &[age::x25519::Identity]) -> Result<Vec<u8>, BundleError> {
    let dec = age::Decryptor::new(payload).map_err(|_| BundleError::Decrypt)?;
    let mut reader = match dec.decrypt(identities.iter().map(|i| i as &dyn age::Identity)) {
        Ok(r) => r,
        Err(age::DecryptError::NoMatchingKeys) => return Err(BundleError::NotForUs),
        Err(_) => return Err(BundleError::Decrypt),
    };
    // No longer than the payload it came from (which is in memory already).
    let mut compressed = Vec::with_capacity(payload.len());
    reader.read_to_end(&mut compressed).map_err(|_| BundleError::Decrypt)?;
    format::decompress(&compressed, format::plaintext_cap(payload.len() as u64)).map_err(|e| match e {
        format::Decompress::Malformed(why) => BundleError::Format(format::FormatError::Malformed(why)),
        format::Decompress::TooLarge(cap) => BundleError::TooLarge(cap),
    })
}
