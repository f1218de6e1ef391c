//! The `.kasane` bundle file, byte for byte (docs/bundle-format.md is the specification). These
//! layouts are frozen: a change is a new format version. Signed bytes are kept exactly as they
//! were read and never re-serialised.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    log::{Hash32, Scope},
    site::{RotationEntry, SignedRotation},
};

pub const MAGIC: &[u8; 14] = b"KASANE-BUNDLE\n";
/// The newest bundle format this build writes and reads. Format 2 adds the `progress:<case>`
/// scope (a case's shared contact-log entries); format 3 adds key rotations (the header's and the
/// manifest's `keys`). A file is written in the lowest format that carries what it holds, so
/// older readers still read what they can.
pub const FORMAT: u32 = 3;
/// This reader's version: it reads files whose `format` and `min_reader` are at most this.
pub const READER: u32 = 3;
/// The format (and reader) a file needs: 3 when it carries key rotations, 2 when it carries a
/// progress scope, else 1.
pub fn format_for(segments: &[Segment], rotations: bool) -> u32 {
    let progress = segments
        .iter()
        .any(|g| Statement::decode(&g.statement).is_ok_and(|s| matches!(s.scope, Scope::Progress(_))));
    match (rotations, progress) {
        (true, _) => 3,
        (false, true) => 2,
        (false, false) => 1,
    }
}
/// The manifest version this build writes and reads.
pub const MANIFEST: u32 = 1;

pub const HEADER_DOMAIN: &[u8] = b"kasane bundle header v1\0";
pub const MANIFEST_DOMAIN: &[u8] = b"kasane bundle manifest v1\0";
pub const SEGMENT_DOMAIN: &[u8] = b"kasane segment v1\0";
/// A body length that marks a purged op (header only).
pub const NO_BODY: u32 = u32::MAX;
/// Limits that keep a hostile file from exhausting memory.
pub const MAX_HEADER: usize = 64 * 1024;
pub const MAX_MANIFEST: usize = 256 * 1024 * 1024;
/// The most a payload may decompress to, whatever its size (docs/bundle-format.md gives the
/// measured figures this leaves room for).
pub const MAX_PLAINTEXT: u64 = 1024 * 1024 * 1024;
/// The most a payload may decompress to per byte of payload, and the floor of that bound, so a
/// small file cannot unfold into gigabytes (a decompression bomb).
pub const MAX_RATIO: u64 = 64;
pub const MIN_PLAINTEXT_CAP: u64 = 1024 * 1024;
/// The largest zstd window a reader allocates (log2): 8 MiB, what levels 1–19 use at most.
pub const MAX_WINDOW_LOG: u32 = 23;
/// The zstd frame magic number (little-endian 0xFD2FB528).
pub const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// How many bytes a payload of `payload_len` bytes may decompress to.
pub fn plaintext_cap(payload_len: u64) -> u64 {
    payload_len
        .saturating_mul(MAX_RATIO)
        .clamp(MIN_PLAINTEXT_CAP, MAX_PLAINTEXT)
}

/// Decompresses the plaintext of a payload: exactly one zstd frame (no bytes after it, not even
/// a skippable frame), a window of at most 8 MiB, and at most `cap` bytes out. Streams, so a bomb
/// stops at the cap instead of filling memory.
pub fn decompress(compressed: &[u8], cap: u64) -> Result<Vec<u8>, Decompress> {
    use std::io::Read;
    if compressed.get(..4) != Some(&ZSTD_MAGIC[..]) {
        return Err(Decompress::Malformed("the compressed contents are not one zstd frame"));
    }
    let bad = |_| Decompress::Malformed("the compressed contents are damaged");
    let mut decoder = zstd::stream::read::Decoder::with_buffer(compressed)
        .map_err(bad)?
        .single_frame();
    decoder.window_log_max(MAX_WINDOW_LOG).map_err(bad)?;
    let mut plain = Vec::with_capacity((compressed.len() as u64).saturating_mul(4).min(cap) as usize);
    (&mut decoder).take(cap + 1).read_to_end(&mut plain).map_err(bad)?;
    if plain.len() as u64 > cap {
        return Err(Decompress::TooLarge(cap));
    }
    if !decoder.finish().is_empty() {
        return Err(Decompress::Malformed("bytes after the compressed contents' zstd frame"));
    }
    Ok(plain)
}

/// Why a payload's plaintext could not be decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decompress {
    Malformed(&'static str),
    TooLarge(u64),
}

/// The outer header: readable before decryption, signed by the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The format the writer used.
    pub format: u32,
    /// The oldest reader version that can read this bundle.
    pub min_reader: u32,
    pub bundle: Uuid,
    pub sender: Uuid,
    /// Milliseconds since the Unix epoch, by the sender's clock.
    pub created: i64,
    /// BLAKE3 (derive_key "kasane bundle payload v1") of the age payload that follows.
    pub payload_hash: Hash32,
    pub payload_len: u64,
    /// The sender's key rotations, oldest first (format 3): read before the header signature,
    /// each verified by the key before it, so a reader that knows only the sender's first key
    /// can check a header signed with its newest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<SignedRotation>,
}

pub fn payload_hash(payload: &[u8]) -> Hash32 {
    Hash32(
        *blake3::Hasher::new_derive_key("kasane bundle payload v1")
            .update(payload)
            .finalize()
            .as_bytes(),
    )
}

/// The manifest: first thing inside the encrypted payload, signed again by the sender, naming
/// the recipients so that a recipient cannot pass the bundle on as if it were addressed to others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest: u32,
    pub bundle: Uuid,
    pub sender: Uuid,
    pub recipients: Vec<Uuid>,
    pub created: i64,
    /// A full resend rather than only what the recipient lacks.
    pub full: bool,
    /// What the sender holds of every series in the scopes the recipients may see:
    /// (scope, site, last seq). Recipients record it and send only beyond it.
    pub frontier: Vec<(String, Uuid, u64)>,
    /// Scopes the recipients must erase (share removed, consent withdrawn).
    #[serde(default)]
    pub purge: Vec<PurgeNotice>,
    pub segments: u64,
    /// The key rotations, with their frontiers, of the sender and of every author whose
    /// segments the file carries (format 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<RotationEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeNotice {
    pub scope: String,
    pub reason: String,
}

/// The signed statement of a segment: which run of which series, ending at which op hash. The
/// hash chain inside the ops ties every op of the run to `head`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub site: Uuid,
    pub scope: Scope,
    pub first: u64,
    pub last: u64,
    pub head: Hash32,
}

impl Statement {
    /// `SEGMENT_DOMAIN ‖ site (16) ‖ scope length (u16 BE) ‖ scope (UTF-8) ‖ first (u64 BE) ‖ last (u64 BE) ‖ head (32)`.
    pub fn encode(&self) -> Vec<u8> {
        let scope = self.scope.to_string();
        let mut out = Vec::with_capacity(SEGMENT_DOMAIN.len() + 16 + 2 + scope.len() + 48);
        out.extend_from_slice(SEGMENT_DOMAIN);
        out.extend_from_slice(self.site.as_bytes());
        out.extend_from_slice(&(scope.len() as u16).to_be_bytes());
        out.extend_from_slice(scope.as_bytes());
        out.extend_from_slice(&self.first.to_be_bytes());
        out.extend_from_slice(&self.last.to_be_bytes());
        out.extend_from_slice(&self.head.0);
        out
    }

    pub fn decode(b: &[u8]) -> Result<Statement, FormatError> {
        let mut r = Reader::new(b);
        if r.take(SEGMENT_DOMAIN.len())? != SEGMENT_DOMAIN {
            return Err(FormatError::Malformed("segment statement prefix"));
        }
        let site = Uuid::from_slice(r.take(16)?).map_err(|_| FormatError::Malformed("segment site"))?;
        let len = u16::from_be_bytes(r.array()?) as usize;
        let scope = std::str::from_utf8(r.take(len)?)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(FormatError::Malformed("segment scope"))?;
        let first = u64::from_be_bytes(r.array()?);
        let last = u64::from_be_bytes(r.array()?);
        let head = Hash32(r.array()?);
        if !r.is_empty() {
            return Err(FormatError::Malformed("bytes after a segment statement"));
        }
        if first == 0 || last < first {
            return Err(FormatError::Malformed("segment range"));
        }
        Ok(Statement {
            site,
            scope,
            first,
            last,
            head,
        })
    }
}

/// One op on the wire: its exact header bytes and, unless purged, its exact body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireOp {
    pub header: Vec<u8>,
    pub body: Option<Vec<u8>>,
}

/// A segment on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The exact statement bytes the author signed.
    pub statement: Vec<u8>,
    pub signature: [u8; 64],
    pub ops: Vec<WireOp>,
}

impl Segment {
    pub fn byte_len(&self) -> usize {
        4 + self.statement.len()
            + 64
            + 4
            + self
                .ops
                .iter()
                .map(|o| 8 + o.header.len() + o.body.as_ref().map_or(0, Vec::len))
                .sum::<usize>()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("the file ends too early (truncated)")]
    Truncated,
    #[error("the file is malformed ({0})")]
    Malformed(&'static str),
    #[error("this is not a Kasane exchange file")]
    NotABundle,
}

/// A cursor over bytes that never panics on short input.
pub struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b, pos: 0 }
    }
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self.pos.checked_add(n).ok_or(FormatError::Truncated)?;
        let s = self.b.get(self.pos..end).ok_or(FormatError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    pub fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub fn rest(&mut self) -> &'a [u8] {
        let s = &self.b[self.pos.min(self.b.len())..];
        self.pos = self.b.len();
        s
    }
    pub fn is_empty(&self) -> bool {
        self.pos >= self.b.len()
    }
}

/// The parts of a bundle file before decryption.
pub struct Outer<'a> {
    pub header_bytes: &'a [u8],
    pub header: Header,
    pub signature: [u8; 64],
    pub payload: &'a [u8],
}

/// `MAGIC ‖ header length (u32 BE) ‖ header JSON ‖ signature (64) ‖ age payload`.
pub fn split_outer(file: &[u8]) -> Result<Outer<'_>, FormatError> {
    let mut r = Reader::new(file);
    let magic = r.take(MAGIC.len()).map_err(|_| FormatError::NotABundle)?;
    if magic != MAGIC {
        return Err(FormatError::NotABundle);
    }
    let len = r.u32()? as usize;
    if len > MAX_HEADER {
        return Err(FormatError::Malformed("header too long"));
    }
    let header_bytes = r.take(len)?;
    let header: Header = serde_json::from_slice(header_bytes).map_err(|_| FormatError::Malformed("header"))?;
    let signature = r.array()?;
    let payload = r.rest();
    if (payload.len() as u64) < header.payload_len {
        return Err(FormatError::Truncated);
    }
    if payload.len() as u64 != header.payload_len {
        return Err(FormatError::Malformed("bytes after the payload"));
    }
    Ok(Outer {
        header_bytes,
        header,
        signature,
        payload,
    })
}

pub fn join_outer(header_bytes: &[u8], signature: &[u8; 64], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + header_bytes.len() + 64 + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(header_bytes);
    out.extend_from_slice(signature);
    out.extend_from_slice(payload);
    out
}

/// The decrypted, decompressed payload.
pub struct Inner {
    pub manifest_bytes: Vec<u8>,
    pub manifest_signature: [u8; 64],
    pub segments: Vec<Segment>,
}

/// `manifest length (u32) ‖ manifest JSON ‖ signature (64) ‖ segment count (u32) ‖ segments`,
/// a segment being `statement length (u32) ‖ statement ‖ signature (64) ‖ op count (u32) ‖ ops`
/// and an op `header length (u32) ‖ header ‖ body length (u32, 0xFFFFFFFF if purged) ‖ body`.
pub fn encode_inner(manifest_bytes: &[u8], manifest_signature: &[u8; 64], segments: &[Segment]) -> Vec<u8> {
    let mut out = Vec::with_capacity(manifest_bytes.len() + 72 + segments.iter().map(Segment::byte_len).sum::<usize>());
    out.extend_from_slice(&(manifest_bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(manifest_bytes);
    out.extend_from_slice(manifest_signature);
    out.extend_from_slice(&(segments.len() as u32).to_be_bytes());
    for s in segments {
        write_segment(&mut out, s);
    }
    out
}

fn write_segment(out: &mut Vec<u8>, s: &Segment) {
    out.extend_from_slice(&(s.statement.len() as u32).to_be_bytes());
    out.extend_from_slice(&s.statement);
    out.extend_from_slice(&s.signature);
    out.extend_from_slice(&(s.ops.len() as u32).to_be_bytes());
    for op in &s.ops {
        out.extend_from_slice(&(op.header.len() as u32).to_be_bytes());
        out.extend_from_slice(&op.header);
        match &op.body {
            Some(b) => {
                out.extend_from_slice(&(b.len() as u32).to_be_bytes());
                out.extend_from_slice(b);
            }
            None => out.extend_from_slice(&NO_BODY.to_be_bytes()),
        }
    }
}

fn read_segment(r: &mut Reader<'_>) -> Result<Segment, FormatError> {
    let slen = r.u32()? as usize;
    let statement = r.take(slen)?.to_vec();
    let signature = r.array()?;
    let ops_n = r.u32()? as usize;
    let mut ops = Vec::with_capacity(ops_n.min(1 << 16));
    for _ in 0..ops_n {
        let hl = r.u32()? as usize;
        let header = r.take(hl)?.to_vec();
        let bl = r.u32()?;
        let body = if bl == NO_BODY {
            None
        } else {
            Some(r.take(bl as usize)?.to_vec())
        };
        ops.push(WireOp { header, body });
    }
    Ok(Segment {
        statement,
        signature,
        ops,
    })
}

/// One segment alone (as kept in quarantine), in the same layout as inside a bundle.
pub fn encode_segment(s: &Segment) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.byte_len());
    write_segment(&mut out, s);
    out
}

pub fn decode_segment(b: &[u8]) -> Result<Segment, FormatError> {
    let mut r = Reader::new(b);
    let s = read_segment(&mut r)?;
    if !r.is_empty() {
        return Err(FormatError::Malformed("bytes after a segment"));
    }
    Ok(s)
}

pub fn decode_inner(b: &[u8]) -> Result<Inner, FormatError> {
    let mut r = Reader::new(b);
    let len = r.u32()? as usize;
    if len > MAX_MANIFEST {
        return Err(FormatError::Malformed("manifest too long"));
    }
    let manifest_bytes = r.take(len)?.to_vec();
    let manifest_signature = r.array()?;
    let count = r.u32()? as usize;
    let mut segments = Vec::with_capacity(count.min(1 << 16));
    for _ in 0..count {
        segments.push(read_segment(&mut r)?);
    }
    if !r.is_empty() {
        return Err(FormatError::Malformed("bytes after the last segment"));
    }
    Ok(Inner {
        manifest_bytes,
        manifest_signature,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_round_trip_and_refuse_garbage() {
        let s = Statement {
            site: Uuid::from_u128(5),
            scope: Scope::Case(Uuid::from_u128(6)),
            first: 3,
            last: 9,
            head: Hash32([4; 32]),
        };
        let b = s.encode();
        assert_eq!(Statement::decode(&b), Ok(s));
        assert!(
            Statement::decode(&b[..b.len() - 1]).is_err(),
            "a short statement is refused"
        );
        let mut extra = b.clone();
        extra.push(0);
        assert!(Statement::decode(&extra).is_err(), "trailing bytes are refused");
    }

    #[test]
    fn inner_round_trips_and_truncation_is_caught_everywhere() {
        let seg = Segment {
            statement: vec![1, 2, 3],
            signature: [9; 64],
            ops: vec![
                WireOp {
                    header: b"{}".to_vec(),
                    body: Some(b"{\"a\":1}".to_vec()),
                },
                WireOp {
                    header: b"{}".to_vec(),
                    body: None,
                },
            ],
        };
        let bytes = encode_inner(b"{\"m\":1}", &[7; 64], std::slice::from_ref(&seg));
        let back = decode_inner(&bytes).expect("round trip");
        assert_eq!(back.segments, vec![seg]);
        for cut in 0..bytes.len() {
            assert!(
                decode_inner(&bytes[..cut]).is_err(),
                "cutting at byte {cut} must be noticed, not panic"
            );
        }
    }
}
