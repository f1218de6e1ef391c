//! Import: the file is copied into the vault's inbox, then every layer is checked in order —
//! header signature and sender before decrypting, manifest and recipients after, each segment's
//! author signature and hash chain — and only then is anything applied, in one transaction that
//! also records the inbox entry. A crash leaves the vault as it was and the file in the inbox,
//! retried when the vault is next opened. Nothing unauthorised is applied; nothing is dropped.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    fs,
    io::Read,
    path::{Path, PathBuf},
};

use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::{
    BundleError,
    export::Progress,
    format::{self, MANIFEST_DOMAIN, Manifest, Segment, Statement},
    settle::{self, Incoming, Touched},
};
use crate::{
    Error, Vault, authority, durable,
    log::{Hash32, Op, OpKind, Scope, Tx},
    site::{self, KnownSite},
};

/// What a bundle holds, shown before it is applied.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub bundle: Uuid,
    pub format: u32,
    pub min_reader: u32,
    pub created: i64,
    pub sender: Uuid,
    pub sender_known: bool,
    pub sender_verified: bool,
    pub sender_revoked: bool,
    pub sender_agency: Option<Uuid>,
    pub sender_agency_name: Option<String>,
    pub sender_site_name: Option<String>,
    pub fingerprint: Option<String>,
    pub already_imported: bool,
    /// Why the contents could not be read (the file will be refused, or waits for an update),
    /// if so.
    pub problem: Option<String>,
    /// The sender's card is not verified yet: nothing was decrypted, and only the signed header
    /// is shown (recipients, segments, ops and scopes are empty).
    pub contents_hidden: bool,
    pub recipients: Vec<Uuid>,
    pub full: bool,
    pub segments: usize,
    pub ops: usize,
    /// Scope kind → number of scopes.
    pub scopes: BTreeMap<String, usize>,
    pub purge: Vec<String>,
    pub bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportStatus {
    Applied,
    AlreadyImported,
    /// The sender's card is not verified: everything is kept in quarantine until it is.
    Quarantined,
    NeedsUpdate,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub bundle: Uuid,
    pub sender: Uuid,
    pub sender_agency_name: Option<String>,
    pub status: ImportStatus,
    pub segments: usize,
    pub ops_new: usize,
    pub ops_known: usize,
    pub records_new: usize,
    pub records_changed: usize,
    /// Records with a field now in conflict (two agencies changed it concurrently).
    pub conflicts: Vec<Uuid>,
    /// Ops stored but not applied, by reason.
    pub held: BTreeMap<String, usize>,
    /// Segments kept in quarantine, by reason.
    pub quarantined: BTreeMap<String, usize>,
    /// Held ops from earlier that this import authorised and applied.
    pub released: usize,
    pub acks_learned: usize,
    pub purged: Vec<String>,
    /// Ops stamped more than a few minutes ahead of our clock (kept, flagged).
    pub future_ops: usize,
}

impl ImportSummary {
    fn new(bundle: Uuid, sender: Uuid, status: ImportStatus) -> Self {
        ImportSummary {
            bundle,
            sender,
            sender_agency_name: None,
            status,
            segments: 0,
            ops_new: 0,
            ops_known: 0,
            records_new: 0,
            records_changed: 0,
            conflicts: Vec::new(),
            held: BTreeMap::new(),
            quarantined: BTreeMap::new(),
            released: 0,
            acks_learned: 0,
            purged: Vec::new(),
            future_ops: 0,
        }
    }
}

/// A bundle file in the inbox and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct InboxEntry {
    pub file: String,
    pub bundle: Option<Uuid>,
    pub sender: Option<Uuid>,
    pub status: String,
    pub reason: Option<String>,
    pub received_at: i64,
    pub done_at: Option<i64>,
}

/// Something received but not applied: a whole segment, or a group of held ops.
#[derive(Debug, Clone, Serialize)]
pub struct QuarantineEntry {
    /// "segment" (kept whole, outside the log), "ops" (in the log, not applied) or "file" (a
    /// whole file from a sender whose card is not verified: not decrypted; `detail` names it).
    pub kind: &'static str,
    pub author: Uuid,
    pub author_agency: Option<String>,
    pub scope: String,
    pub first: u64,
    pub last: u64,
    pub count: usize,
    pub reason: String,
    pub explanation: &'static str,
    pub detail: Option<String>,
    pub at: Option<i64>,
}

/// Which reader judged a bundle that waits for an update: it is tried again at unlock only by
/// another build.
fn reader_build() -> String {
    format!(
        "kasane {} (format {}, manifest {}, operations {})",
        env!("CARGO_PKG_VERSION"),
        format::READER,
        format::MANIFEST,
        crate::log::OP_VERSION
    )
}

/// Reasons a segment is kept in quarantine.
const Q_UNKNOWN_AUTHOR: &str = "unknown-author";
const Q_UNVERIFIED: &str = "unverified-sender";
/// Inbox status of a file from a sender whose card is not verified: authenticated, not decrypted.
const UNVERIFIED_WAITING: &str = "unverified";
const Q_REVOKED: &str = "revoked-author";
const Q_EQUIVOCATION: &str = "equivocation";
const Q_GAP: &str = "gap";
const Q_LOCAL: &str = "local-scope";
/// Where a test may stop an import to kill it there (debug builds only): the process prints
/// `paused at <point>` on stderr and waits to be killed, so a crash test kills it at a moment the
/// program acknowledged instead of guessing one from the time.
fn test_pause(point: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("KASANE_TEST_PAUSE_AT").is_ok_and(|p| p == point) {
        eprintln!("paused at {point}");
        loop {
            std::thread::park();
        }
    }
    let _ = point;
}

/// A file in the vault folder that makes imports fail after verification (debug builds only).
#[doc(hidden)]
pub const TEST_FAULT: &str = "test-fault-after-verification";
/// An op whose id another op already has (a modified build reusing ids): kept apart, never stored.
const Q_OP_ID_REUSED: &str = "op-id-reused";

pub fn explain(reason: &str) -> &'static str {
    match reason {
        Q_UNKNOWN_AUTHOR => "written by a site whose agency check file has not been imported",
        Q_UNVERIFIED => {
            "from a site whose agency check file is not verified yet; applied once the check number is compared"
        }
        Q_REVOKED => "written by a revoked site after it was revoked",
        Q_EQUIVOCATION => "the author sent two different versions of the same operations: alert the partner",
        Q_GAP => "earlier operations of this series have not arrived yet; applied when they do",
        Q_LOCAL => "internal items must never leave their PC; refused",
        Q_OP_ID_REUSED => "an operation reuses the id of another operation: a forgery or a fault; alert the partner",
        authority::HOLD_NOT_SHARED => "the agency was never given this case (or not at that time)",
        authority::HOLD_NOT_LEAD => "only the lead agency may change who sees the case or hand over the lead",
        authority::HOLD_CASE_UNKNOWN => "the case itself has not arrived yet",
        authority::HOLD_HOUSEHOLD_UNKNOWN => "the household has not arrived yet",
        authority::HOLD_NOT_CREATOR => "a directory entry of another agency",
        authority::HOLD_UNKNOWN_SITE => "written by an unknown site",
        authority::HOLD_NOT_COORDINATOR => "only the coordinating agency records a meeting",
        authority::HOLD_FINALISED => "the meeting record was already finalised; only corrections are accepted",
        authority::HOLD_MEETING_UNKNOWN => "the meeting itself has not arrived yet",
        authority::HOLD_DUPLICATE_CREATE => {
            "a second opening of a case that already exists: a forgery or a fault; alert the partner"
        }
        authority::HOLD_WRONG_SCOPE => {
            "a kind of record that does not belong where it was written (a share in the directory, a site entry in a case): refused"
        }
        authority::HOLD_FORGED_ID => "names a record of another case, household or meeting: refused",
        authority::HOLD_RECORD_UNKNOWN => "changes a record that has not arrived, or belongs elsewhere",
        authority::HOLD_TYPE_CHANGE => "tries to change what kind of record it is or where it belongs: refused",
        authority::HOLD_NOT_SIGNER => {
            "claims to be written by another agency or worker than the one that signed it: refused"
        }
        authority::HOLD_NOT_AUTHOR => "changes an entry another agency wrote; only its author corrects it",
        authority::HOLD_BAD_FIELD => "a value this version cannot read for that kind of record: refused",
        authority::HOLD_BAD_BODY => "damaged contents that are not a record: refused",
        authority::HOLD_NOT_ENTITLED => "a case, household or meeting this agency was never given a part in",
        authority::HOLD_OP_VERSION => {
            "written in a format this version does not accept; the partner should update Kasane"
        }
        authority::HOLD_HOUSEHOLD_NOT_SHARED => "a case opened in a household its agency was never given: refused",
        _ => "not applied",
    }
}

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

/// The outer layer authenticated with the sender's key: the header signature, then the payload's
/// hash (its length was checked when the file was split), then the versions the header names.
/// Nothing is decrypted.
fn authenticate<'a>(bytes: &'a [u8], sender_key: &VerifyingKey) -> Result<format::Outer<'a>, BundleError> {
    let outer = format::split_outer(bytes)?;
    let mut msg = format::HEADER_DOMAIN.to_vec();
    msg.extend_from_slice(outer.header_bytes);
    sender_key
        .verify_strict(&msg, &Signature::from_bytes(&outer.signature))
        .map_err(|_| BundleError::HeaderSignature)?;
    if format::payload_hash(outer.payload) != outer.header.payload_hash {
        return Err(BundleError::PayloadMismatch);
    }
    check_header_versions(&outer.header)?;
    Ok(outer)
}

/// Decrypts an authenticated file and checks the manifest: its signature, its version, that it
/// names this bundle, this sender and this site as a recipient, and the segment count.
fn open_inner(
    outer: format::Outer<'_>,
    sender_key: &VerifyingKey,
    identity: &age::x25519::Identity,
    me: Uuid,
) -> Result<(format::Header, Manifest, Vec<Segment>), BundleError> {
    let header = outer.header;
    let plain = decrypt(outer.payload, identity)?;
    let inner = format::decode_inner(&plain)?;
    drop(plain);
    let mut msg = MANIFEST_DOMAIN.to_vec();
    msg.extend_from_slice(&inner.manifest_bytes);
    sender_key
        .verify_strict(&msg, &Signature::from_bytes(&inner.manifest_signature))
        .map_err(|_| BundleError::ManifestSignature)?;
    let manifest = parse_manifest(&inner.manifest_bytes)?;
    if manifest.bundle != header.bundle || manifest.sender != header.sender || !manifest.recipients.contains(&me) {
        return Err(BundleError::Readdressed);
    }
    if manifest.segments != inner.segments.len() as u64 {
        return Err(BundleError::Format(format::FormatError::Malformed("segment count")));
    }
    Ok((header, manifest, inner.segments))
}

/// Opens a bundle file given the sender's key and our identity: header signature, payload hash,
/// versions, decryption, manifest signature and version, and that the manifest names this site
/// as a recipient.
#[cfg(feature = "testing")]
pub(crate) fn open_with(
    bytes: &[u8],
    sender_key: &VerifyingKey,
    identity: &age::x25519::Identity,
    me: Uuid,
) -> Result<(format::Header, Manifest, Vec<Segment>), BundleError> {
    open_inner(authenticate(bytes, sender_key)?, sender_key, identity, me)
}

/// A bundle with every layer verified, decoded.
#[cfg(feature = "testing")]
#[derive(Debug)]
pub struct Verified {
    pub header: format::Header,
    pub manifest: Manifest,
    pub segments: Vec<(Statement, Vec<Op>)>,
}

/// Opens and verifies a whole bundle whose segments are all by its sender (for golden-vector
/// tests of the format, independent of any vault).
#[cfg(feature = "testing")]
pub(crate) fn verify_standalone(
    bytes: &[u8],
    sender_key: &VerifyingKey,
    identity: &age::x25519::Identity,
    me: Uuid,
) -> Result<Verified, BundleError> {
    let (header, manifest, segments) = open_with(bytes, sender_key, identity, me)?;
    let mut out = Vec::new();
    let mut newer = None;
    for (i, s) in segments.into_iter().enumerate() {
        match check_segment(s, i, Some(sender_key)) {
            Ok(c) => out.push((c.statement, c.ops)),
            Err(BundleError::NeedsUpdate(v)) => newer = newer.or(Some(v)),
            Err(e) => return Err(e),
        }
    }
    if let Some(v) = newer {
        return Err(BundleError::NeedsUpdate(v));
    }
    Ok(Verified {
        header,
        manifest,
        segments: out,
    })
}

/// A segment whose signature and chain have been checked.
struct Checked {
    statement: Statement,
    raw: Segment,
    ops: Vec<Op>,
}

fn check_segment(seg: Segment, index: usize, key: Option<&VerifyingKey>) -> Result<Checked, BundleError> {
    let bad = |why: String| BundleError::Segment { index, why };
    let st = Statement::decode(&seg.statement).map_err(|e| bad(format!("statement: {e}")))?;
    if let Some(key) = key {
        let sig = Signature::from_bytes(&seg.signature);
        key.verify_strict(&seg.statement, &sig)
            .map_err(|_| bad("the author's signature does not verify".into()))?;
    }
    if seg.ops.len() as u64 != st.last - st.first + 1 {
        return Err(bad("the number of operations does not match the signed range".into()));
    }
    #[derive(serde::Deserialize)]
    struct Version {
        v: u64,
    }
    let mut ops = Vec::with_capacity(seg.ops.len());
    let mut prev: Option<Hash32> = None;
    for (i, w) in seg.ops.iter().enumerate() {
        // An op of a newer version may have another shape: its version is read first, and the
        // whole bundle waits for an update (the caller checks the other segments first).
        if let Ok(Version { v }) = serde_json::from_slice::<Version>(&w.header) {
            if v > u64::from(crate::log::OP_VERSION) {
                return Err(BundleError::NeedsUpdate(format!("operation version {v}")));
            }
        }
        let op =
            Op::from_bytes(w.header.clone(), w.body.clone()).map_err(|e| bad(format!("operation {}: {e}", i + 1)))?;
        let h = &op.header;
        if h.site != st.site || h.scope != st.scope || h.seq != st.first + i as u64 {
            return Err(bad(format!(
                "operation {} is not where the signed statement says",
                i + 1
            )));
        }
        if h.scope.is_local() {
            return Err(bad("an internal (local) item is in the exchange file".into()));
        }
        if prev.is_some_and(|p| h.chain != p) {
            return Err(bad(format!("operation {} does not follow the one before it", i + 1)));
        }
        if h.seq == 1 && h.chain != Hash32::ZERO {
            return Err(bad(
                "the first operation of a series names an operation before it".into()
            ));
        }
        prev = Some(op.hash);
        ops.push(op);
    }
    if prev != Some(st.head) {
        return Err(bad("the operations do not end at the signed hash".into()));
    }
    Ok(Checked {
        statement: st,
        raw: seg,
        ops,
    })
}

/// Everything learned from the outer layers of a file.
struct Opened {
    header: format::Header,
    manifest: Manifest,
    segments: Vec<Segment>,
    sender: KnownSite,
}

impl Vault {
    fn inbox_dir(&self) -> PathBuf {
        self.dir().join("inbox")
    }

    /// Authenticates the outer layer without decrypting: the sender's card is known and not
    /// revoked, the header signature and the payload hash verify; then the header's versions.
    /// `Err(NeedsUpdate)` only for an authenticated file.
    fn check_outer<'a>(&self, bytes: &'a [u8]) -> Result<(format::Outer<'a>, KnownSite), Error> {
        let outer = format::split_outer(bytes).map_err(BundleError::from)?;
        let Some(sender) = site::known_site(&self.conn, outer.header.sender)? else {
            return Err(BundleError::UnknownSender(outer.header.sender).into());
        };
        if sender.revoked {
            return Err(BundleError::RevokedSender(outer.header.sender).into());
        }
        Ok((authenticate(bytes, &sender.key)?, sender))
    }

    /// Checks the outer layers and decrypts. `Err(NeedsUpdate)` when the bundle is too new.
    fn open_bundle(&self, bytes: &[u8]) -> Result<Opened, Error> {
        let (outer, sender) = self.check_outer(bytes)?;
        let identity = self.site_keys()?.age_identity()?;
        let (header, manifest, segments) = open_inner(outer, &sender.key, &identity, self.me.site)?;
        Ok(Opened {
            header,
            manifest,
            segments,
            sender,
        })
    }

    /// What a bundle file holds, without changing anything.
    pub fn inspect_bundle(&self, path: &Path) -> Result<Preview, Error> {
        let bytes = fs::read(path).map_err(|source| BundleError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let outer = format::split_outer(&bytes).map_err(BundleError::from)?;
        let h = outer.header.clone();
        let card = self.sites()?.into_iter().find(|s| s.site == h.sender);
        let already = self.bundle_done(h.bundle)?;
        let mut p = Preview {
            bundle: h.bundle,
            format: h.format,
            min_reader: h.min_reader,
            created: h.created,
            sender: h.sender,
            sender_known: card.is_some(),
            sender_verified: card.as_ref().is_some_and(|c| c.verified),
            sender_revoked: card.as_ref().is_some_and(|c| c.revoked),
            sender_agency: card.as_ref().map(|c| c.agency),
            sender_agency_name: card.as_ref().map(|c| c.agency_name.clone()),
            sender_site_name: card.as_ref().map(|c| c.site_name.clone()),
            fingerprint: card.as_ref().map(|c| c.fingerprint.clone()),
            already_imported: already,
            problem: None,
            contents_hidden: false,
            recipients: Vec::new(),
            full: false,
            segments: 0,
            ops: 0,
            scopes: BTreeMap::new(),
            purge: Vec::new(),
            bytes: bytes.len() as u64,
        };
        // Nothing is decrypted for a sender whose check number has not been compared: only what
        // its signed header says is shown.
        match self.check_outer(&bytes) {
            Err(e) => {
                p.problem = Some(e.to_string());
                return Ok(p);
            }
            Ok((_, sender)) if !sender.verified => {
                p.contents_hidden = true;
                return Ok(p);
            }
            Ok(_) => {}
        }
        match self.open_bundle(&bytes) {
            Ok(o) => {
                p.recipients = o.manifest.recipients;
                p.full = o.manifest.full;
                p.segments = o.segments.len();
                p.ops = o.segments.iter().map(|s| s.ops.len()).sum();
                let mut scopes: BTreeSet<String> = BTreeSet::new();
                for s in &o.segments {
                    if let Ok(st) = Statement::decode(&s.statement) {
                        scopes.insert(st.scope.to_string());
                    }
                }
                for s in scopes {
                    *p.scopes
                        .entry(s.split(':').next().unwrap_or("").to_string())
                        .or_default() += 1;
                }
                p.purge = o.manifest.purge.into_iter().map(|n| n.scope).collect();
            }
            Err(e) => p.problem = Some(e.to_string()),
        }
        Ok(p)
    }

    fn bundle_done(&self, bundle: Uuid) -> Result<bool, Error> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM inbox WHERE bundle = ?1 AND status IN ('applied', 'quarantined')")?
            .exists([bundle.as_bytes()])?)
    }

    /// Imports a bundle file: copies it into the inbox, verifies, applies. A refused bundle
    /// changes nothing but the inbox record of its refusal.
    pub fn import_bundle(&mut self, path: &Path, progress: &mut dyn FnMut(Progress)) -> Result<ImportSummary, Error> {
        let bytes = fs::read(path).map_err(|source| BundleError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = format!(
            "{}.kasane",
            &crate::log::Hash32(*blake3::hash(&bytes).as_bytes()).hex()[..32]
        );
        let dir = self.inbox_dir();
        durable::create_private_dir(&dir).map_err(|source| BundleError::Io {
            path: dir.clone(),
            source,
        })?;
        let dest = dir.join(&name);
        if !dest.exists() {
            durable::replace(&dest, &bytes, self.ambient.entropy.u64()).map_err(|source| BundleError::Io {
                path: dest.clone(),
                source,
            })?;
        }
        drop(bytes);
        test_pause("inbox");
        self.process_inbox_file(&name, progress)
    }

    /// Retries the bundles left in the inbox: those whose import was interrupted (a crash), and
    /// those waiting for a newer Kasane once Kasane was updated. A bundle whose import failed
    /// (status `failed`) is not retried here, only when someone asks ([`Vault::retry_inbox`]).
    pub fn process_inbox(&mut self) -> Result<Vec<Result<ImportSummary, Error>>, Error> {
        let dir = self.inbox_dir();
        let Ok(entries) = fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".kasane"))
            .collect();
        names.sort();
        let mut out = Vec::new();
        for n in names {
            let row: Option<(String, Option<String>)> = self
                .conn
                .query_row("SELECT status, summary FROM inbox WHERE file = ?1", [&n], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match row {
                Some((status, _)) if matches!(status.as_str(), "applied" | "quarantined" | "refused") => {
                    let _ = fs::remove_file(dir.join(&n));
                }
                Some((status, _)) if status == "failed" || status == UNVERIFIED_WAITING => {}
                // Judged by this very build: it would only wait again.
                Some((status, judged_by))
                    if status == "needs-update" && judged_by.as_deref() == Some(reader_build().as_str()) => {}
                _ => out.push(self.process_inbox_file(&n, &mut |_| {})),
            }
        }
        Ok(out)
    }

    /// Imports again a bundle kept in the inbox (one whose import failed, or that waits for an
    /// update), when someone asks. `file` is the name `inbox` lists.
    pub fn retry_inbox(&mut self, file: &str, progress: &mut dyn FnMut(Progress)) -> Result<ImportSummary, Error> {
        let file = file.trim();
        let kept = self.inbox_dir().join(file);
        let listed = self
            .conn
            .prepare_cached("SELECT 1 FROM inbox WHERE file = ?1 AND status IN ('failed', 'needs-update')")?
            .exists([file])?;
        if !listed || file.contains(['/', '\\']) || !kept.is_file() {
            return Err(crate::record::RecordError::BadChoice {
                field: "inbox file",
                value: file.to_string(),
                allowed: "a file `kasane inbox` lists as failed or needs-update",
            }
            .into());
        }
        self.process_inbox_file(file, progress)
    }

    fn record_inbox(
        &mut self,
        file: &str,
        header: Option<&format::Header>,
        status: &str,
        reason: Option<&str>,
        judged_by: Option<&str>,
    ) -> Result<(), Error> {
        let now = self.ambient.clock.now().as_millisecond();
        self.conn.execute(
            "INSERT INTO inbox (file, bundle, sender, status, reason, received_at, done_at, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)
             ON CONFLICT(file) DO UPDATE SET status = excluded.status, reason = excluded.reason, done_at = excluded.done_at,
               summary = excluded.summary",
            params![file, header.map(|h| h.bundle.as_bytes().to_vec()), header.map(|h| h.sender.as_bytes().to_vec()), status, reason, now, judged_by],
        )?;
        Ok(())
    }

    /// Runs one inbox file through the pipeline and records what became of it: applied or
    /// quarantined (the file goes), refused (the file goes, the reason stays), waiting for an
    /// update, or failed — any other error once the file was read (the file stays, with the
    /// reason, until someone retries it).
    fn process_inbox_file(&mut self, name: &str, progress: &mut dyn FnMut(Progress)) -> Result<ImportSummary, Error> {
        let path = self.inbox_dir().join(name);
        let bytes = fs::read(&path).map_err(|source| BundleError::Io {
            path: path.clone(),
            source,
        })?;
        let header = format::split_outer(&bytes).ok().map(|o| o.header);
        // Nothing is decrypted for a sender whose check number nobody has compared yet: the file
        // waits in the inbox, authenticated, until the card is verified (which imports it).
        if let Ok((outer, sender)) = self.check_outer(&bytes) {
            if !sender.verified {
                let h = outer.header.clone();
                self.record_inbox(name, Some(&h), UNVERIFIED_WAITING, Some(Q_UNVERIFIED), None)?;
                self.audit_now("bundle.waiting", Some(h.bundle.to_string()), Some(Q_UNVERIFIED.into()))?;
                let mut s = ImportSummary::new(h.bundle, h.sender, ImportStatus::Quarantined);
                s.sender_agency_name = self.agency(sender.agency).ok().map(|a| a.name);
                s.quarantined.insert(Q_UNVERIFIED.into(), 1);
                return Ok(s);
            }
        }
        progress(Progress {
            phase: "decrypt",
            done: 0,
            total: 1,
        });
        let result = match self.open_bundle(&bytes) {
            Ok(opened) => {
                drop(bytes);
                test_pause("opened");
                progress(Progress {
                    phase: "decrypt",
                    done: 1,
                    total: 1,
                });
                self.apply_or_skip(name, opened, progress)
            }
            Err(e) => Err(e),
        };
        let bundle_id = header.as_ref().map(|h| h.bundle.to_string());
        match result {
            Ok(s) => {
                let _ = fs::remove_file(&path);
                Ok(s)
            }
            Err(Error::Bundle(BundleError::NeedsUpdate(v))) => {
                self.record_inbox(name, header.as_ref(), "needs-update", Some(&v), Some(&reader_build()))?;
                let h = header.as_ref();
                Ok(ImportSummary::new(
                    h.map(|h| h.bundle).unwrap_or_default(),
                    h.map(|h| h.sender).unwrap_or_default(),
                    ImportStatus::NeedsUpdate,
                ))
            }
            Err(e) if e.kind() == crate::Kind::Rejected => {
                self.record_inbox(name, header.as_ref(), "refused", Some(&e.to_string()), None)?;
                self.audit_now("bundle.refused", bundle_id, Some(e.code().to_string()))?;
                if let Error::Bundle(BundleError::Fork { site, scope, seq, .. }) = &e {
                    self.audit_now(
                        "alert.equivocation",
                        Some(site.to_string()),
                        Some(format!("{scope} {seq}: does not follow the operation held before it")),
                    )?;
                }
                let _ = fs::remove_file(&path);
                Err(e)
            }
            Err(e) => {
                self.record_inbox(name, header.as_ref(), "failed", Some(&e.to_string()), None)?;
                self.audit_now("bundle.failed", bundle_id, Some(format!("{}: {e}", e.code())))?;
                Err(e)
            }
        }
    }

    /// An opened bundle already imported is a no-op; otherwise it is applied.
    fn apply_or_skip(
        &mut self,
        name: &str,
        opened: Opened,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportSummary, Error> {
        if self.bundle_done(opened.header.bundle)? {
            let mut s = ImportSummary::new(
                opened.header.bundle,
                opened.header.sender,
                ImportStatus::AlreadyImported,
            );
            s.segments = opened.segments.len();
            s.sender_agency_name = self.agency(opened.sender.agency).ok().map(|a| a.name);
            return Ok(s);
        }
        self.apply_opened(name, opened, progress)
    }

    fn apply_opened(
        &mut self,
        file: &str,
        o: Opened,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportSummary, Error> {
        let me = self.identity();
        let sender_verified = o.sender.verified;
        let sender_agency_name = self.agency(o.sender.agency).ok().map(|a| a.name);
        let mut summary = ImportSummary::new(
            o.header.bundle,
            o.header.sender,
            if sender_verified {
                ImportStatus::Applied
            } else {
                ImportStatus::Quarantined
            },
        );
        summary.sender_agency_name = sender_agency_name;
        summary.segments = o.segments.len();
        // Verify every segment before touching anything: a bad segment refuses the bundle; an
        // operation of a newer version makes the whole bundle wait, once every other segment
        // has verified.
        let total = o.segments.len();
        let mut checked: Vec<(Checked, Option<&'static str>)> = Vec::with_capacity(total);
        let mut newer: Option<String> = None;
        for (i, seg) in o.segments.into_iter().enumerate() {
            let st = Statement::decode(&seg.statement).map_err(|e| BundleError::Segment {
                index: i,
                why: format!("statement: {e}"),
            })?;
            let author = if st.site == me.site {
                None
            } else {
                site::known_site(&self.conn, st.site)?
            };
            let (key, quarantine) = if st.site == me.site {
                (Some(self.site_keys()?.signing.verifying_key()), None)
            } else {
                match &author {
                    None => (None, Some(Q_UNKNOWN_AUTHOR)),
                    Some(a) if !a.verified => (Some(a.key), Some(Q_UNVERIFIED)),
                    Some(a) if a.revoked => {
                        let allowed = a
                            .revoked_frontier
                            .as_ref()
                            .and_then(|f| f.get(&st.scope.to_string()).copied())
                            .unwrap_or(0);
                        (Some(a.key), (st.last > allowed).then_some(Q_REVOKED))
                    }
                    Some(a) => (Some(a.key), None),
                }
            };
            let quarantine = if sender_verified {
                quarantine
            } else {
                Some(Q_UNVERIFIED)
            };
            match check_segment(seg, i, key.as_ref()) {
                Ok(c) => checked.push((c, quarantine)),
                Err(BundleError::NeedsUpdate(v)) => newer = newer.or(Some(v)),
                Err(e) => return Err(e.into()),
            }
            if i % 512 == 0 {
                progress(Progress {
                    phase: "verify",
                    done: i,
                    total,
                });
            }
        }
        if let Some(v) = newer {
            return Err(BundleError::NeedsUpdate(v).into());
        }
        progress(Progress {
            phase: "verify",
            done: total,
            total,
        });
        progress(Progress {
            phase: "apply",
            done: 0,
            total,
        });
        let parties = settle::parties(&self.conn, me)?;
        let sent: Vec<(String, Uuid, u64)> = checked
            .iter()
            .map(|(c, _)| (c.statement.scope.to_string(), c.statement.site, c.statement.last))
            .collect();
        let bundle = o.header.bundle;
        let manifest = o.manifest;
        let sender_site = o.header.sender;
        let sender_agency = o.sender.agency;
        let now = self.ambient.clock.now();
        // Tests of what happens when an import fails after every layer verified (a full disk, a
        // damaged database) make it fail here; debug builds only.
        #[cfg(debug_assertions)]
        if self.dir().join(TEST_FAULT).exists() {
            return Err(BundleError::Io {
                path: self.dir().join(TEST_FAULT),
                source: std::io::Error::other("a fault injected by a test after verification"),
            }
            .into());
        }
        self.write(|tx| {
            let mut touched = Touched::default();
            for (i, (c, quarantine)) in checked.into_iter().enumerate() {
                if c.statement.site == me.site {
                    // Our own ops coming back: they must be the ones we wrote.
                    let (stored_last, _) = tx.series_state(me.site, c.statement.scope)?;
                    if let Some(reason) = compare_known(tx, &c, stored_last, &touched)? {
                        quarantine_segment(tx, bundle, &c, reason, now.as_millisecond())?;
                        *summary.quarantined.entry(reason.into()).or_default() += 1;
                    } else {
                        summary.ops_known += c.ops.len();
                    }
                    continue;
                }
                if let Some(reason) = quarantine {
                    quarantine_segment(tx, bundle, &c, reason, now.as_millisecond())?;
                    *summary.quarantined.entry(reason.into()).or_default() += 1;
                    continue;
                }
                match store_segment(tx, c, &mut touched)? {
                    Stored::Ok { new, known } => {
                        summary.ops_new += new;
                        summary.ops_known += known;
                    }
                    Stored::Quarantine(c, reason) => {
                        quarantine_segment(tx, bundle, &c, reason, now.as_millisecond())?;
                        *summary.quarantined.entry(reason.into()).or_default() += 1;
                    }
                    // A history that does not continue ours refuses the whole bundle (nothing of
                    // it is applied; the refusal raises the alert).
                    Stored::Fork(c, seq) => {
                        return Err(BundleError::Fork {
                            index: i,
                            site: c.statement.site,
                            scope: c.statement.scope.to_string(),
                            seq,
                        }
                        .into());
                    }
                }
                if i % 512 == 0 {
                    progress(Progress { phase: "apply", done: i, total });
                }
            }
            // Only a site entry can carry a revocation; most bundles have none.
            let touched_sites = touched
                .incoming
                .get(&Scope::Directory)
                .is_some_and(|ops| ops.iter().any(|i| i.op.header.etype == "site"));
            if sender_verified {
                let report = settle::settle(tx, &mut touched, &parties)?;
                summary.records_new = report.records_new;
                summary.records_changed = report.records_changed;
                summary.conflicts = report.conflicts;
                summary.held = report.held;
                summary.released = report.released;
                summary.future_ops = touched.max_hlc.iter().filter(|h| h.is_future(now.as_millisecond().max(0) as u64)).count();
                if let Some(h) = touched.max_hlc.iter().max() {
                    tx.observe(*h);
                }
                summary.purged = settle::purge(tx, &manifest, sender_agency, &parties)?;
                summary.acks_learned = learn_acks(tx, sender_site, &manifest, &sent)?;
                if touched_sites {
                    settle::sync_revocations(tx)?;
                }
            }
            let status = if sender_verified { "applied" } else { "quarantined" };
            tx.conn().execute(
                "INSERT INTO inbox (file, bundle, sender, status, reason, received_at, done_at, summary) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?5, ?6)
                 ON CONFLICT(file) DO UPDATE SET bundle = excluded.bundle, sender = excluded.sender, status = excluded.status,
                   reason = NULL, done_at = excluded.done_at, summary = excluded.summary",
                params![file, bundle.as_bytes(), sender_site.as_bytes(), status, now.as_millisecond(), serde_json::to_string(&summary).ok()],
            )?;
            tx.audit(
                "bundle.import",
                Some(bundle.to_string()),
                Some(format!("{status}: {} new ops, {} held, {} segments quarantined", summary.ops_new, summary.held.values().sum::<usize>(), summary.quarantined.values().sum::<usize>())),
            );
            test_pause("before-commit");
            Ok(())
        })?;
        test_pause("committed");
        progress(Progress {
            phase: "apply",
            done: total,
            total,
        });
        if sender_verified {
            summary.released += self.retry_quarantine()?;
        }
        Ok(summary)
    }

    /// Imports the files that waited in the inbox for `site`'s card to be verified.
    pub(crate) fn import_waiting_from(&mut self, site: Uuid) -> Result<(), Error> {
        let names: Vec<String> = self
            .conn
            .prepare("SELECT file FROM inbox WHERE status = ?1 AND sender = ?2 ORDER BY received_at, file")?
            .query_map(params![UNVERIFIED_WAITING, site.as_bytes()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for n in names {
            // Each is recorded in the inbox whatever happens; one failing does not stop the rest.
            let _ = self.process_inbox_file(&n, &mut |_| {});
        }
        Ok(())
    }

    /// Tries again every quarantined segment whose reason may have gone away (a card imported
    /// or verified, an earlier segment arrived). Returns how many were applied.
    pub fn retry_quarantine(&mut self) -> Result<usize, Error> {
        let me = self.identity();
        let mut released = 0;
        loop {
            let rows: Vec<(i64, Vec<u8>, Option<Vec<u8>>)> = self
                .conn
                .prepare("SELECT n, segment, bundle FROM quarantine WHERE released IS NULL AND reason IN (?1, ?2, ?3, ?4) ORDER BY n")?
                .query_map(params![Q_UNKNOWN_AUTHOR, Q_UNVERIFIED, Q_GAP, Q_REVOKED], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut progressed = false;
            for (n, raw, bundle) in rows {
                let Ok(seg) = format::decode_segment(&raw) else {
                    continue;
                };
                let Ok(st) = Statement::decode(&seg.statement) else {
                    continue;
                };
                let Some(author) = site::known_site(&self.conn, st.site)? else {
                    continue;
                };
                let revoked_beyond = author.revoked
                    && st.last
                        > author
                            .revoked_frontier
                            .as_ref()
                            .and_then(|f| f.get(&st.scope.to_string()).copied())
                            .unwrap_or(0);
                if !author.verified || revoked_beyond {
                    continue;
                }
                // The bundle it came in must have been from a verified sender by now, too.
                if let Some(b) = bundle.as_ref().and_then(|b| Uuid::from_slice(b).ok()) {
                    let sender: Option<Vec<u8>> = self
                        .conn
                        .query_row("SELECT sender FROM inbox WHERE bundle = ?1", [b.as_bytes()], |r| {
                            r.get(0)
                        })
                        .optional()?
                        .flatten();
                    if let Some(s) = sender.and_then(|s| Uuid::from_slice(&s).ok()) {
                        if site::known_site(&self.conn, s)?.is_none_or(|k| !k.verified) {
                            continue;
                        }
                    }
                }
                let Ok(c) = check_segment(seg, 0, Some(&author.key)) else {
                    continue;
                };
                let parties = settle::parties(&self.conn, me)?;
                let applied = self.write(|tx| {
                    let mut touched = Touched::default();
                    match store_segment(tx, c, &mut touched)? {
                        Stored::Ok { .. } => {
                            settle::settle(tx, &mut touched, &parties)?;
                            if let Some(h) = touched.max_hlc.iter().max() {
                                tx.observe(*h);
                            }
                            settle::sync_revocations(tx)?;
                            tx.conn().execute(
                                "UPDATE quarantine SET released = ?2 WHERE n = ?1",
                                params![n, tx.ambient().clock.now().as_millisecond()],
                            )?;
                            tx.audit(
                                "quarantine.release",
                                Some(st.scope.to_string()),
                                Some(format!("{} ops {}..={}", st.site, st.first, st.last)),
                            );
                            Ok(true)
                        }
                        Stored::Quarantine(_, Q_GAP) => Ok(false),
                        Stored::Quarantine(_, reason) => {
                            tx.conn()
                                .execute("UPDATE quarantine SET reason = ?2 WHERE n = ?1", params![n, reason])?;
                            Ok(false)
                        }
                        // The bundle it came in was accepted long ago: the segment stays, now
                        // known as a fork, with the alert.
                        Stored::Fork(_, seq) => {
                            tx.conn().execute(
                                "UPDATE quarantine SET reason = ?2, detail = ?3 WHERE n = ?1",
                                params![n, Q_EQUIVOCATION, explain(Q_EQUIVOCATION)],
                            )?;
                            tx.audit(
                                "alert.equivocation",
                                Some(st.site.to_string()),
                                Some(format!(
                                    "{} {seq}: does not follow the operation held before it",
                                    st.scope
                                )),
                            );
                            Ok(false)
                        }
                    }
                })?;
                if applied {
                    released += 1;
                    progressed = true;
                }
            }
            if !progressed {
                return Ok(released);
            }
        }
    }

    /// Bundles received and what became of them, newest first.
    pub fn inbox(&self) -> Result<Vec<InboxEntry>, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT file, bundle, sender, status, reason, received_at, done_at FROM inbox ORDER BY received_at DESC, file")?;
        let rows = stmt.query_map([], |r| {
            Ok(InboxEntry {
                file: r.get(0)?,
                bundle: r.get::<_, Option<Vec<u8>>>(1)?.and_then(|b| Uuid::from_slice(&b).ok()),
                sender: r.get::<_, Option<Vec<u8>>>(2)?.and_then(|b| Uuid::from_slice(&b).ok()),
                status: r.get(3)?,
                reason: r.get(4)?,
                received_at: r.get(5)?,
                done_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Everything received but not applied, with the reason.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>, Error> {
        let names: HashMap<Uuid, String> = self.sites()?.into_iter().map(|s| (s.site, s.agency_name)).collect();
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT author, scope, first, last, reason, detail, at FROM quarantine WHERE released IS NULL ORDER BY n",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)? as u64,
                r.get::<_, i64>(3)? as u64,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?;
        for r in rows {
            let (author, scope, first, last, reason, detail, at) = r?;
            out.push(QuarantineEntry {
                kind: "segment",
                author_agency: names.get(&author).cloned(),
                author,
                scope,
                first,
                last,
                count: (last - first + 1) as usize,
                explanation: explain(&reason),
                reason,
                detail,
                at: Some(at),
            });
        }
        let mut stmt = self
            .conn
            .prepare("SELECT file, sender, received_at FROM inbox WHERE status = ?1 ORDER BY received_at, file")?;
        let rows = stmt.query_map([UNVERIFIED_WAITING], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<Vec<u8>>>(1)?
                    .and_then(|b| Uuid::from_slice(&b).ok())
                    .unwrap_or_default(),
                r.get::<_, i64>(2)?,
            ))
        })?;
        for r in rows {
            let (file, author, at) = r?;
            out.push(QuarantineEntry {
                kind: "file",
                author_agency: names.get(&author).cloned(),
                author,
                scope: String::new(),
                first: 0,
                last: 0,
                count: 1,
                explanation: explain(Q_UNVERIFIED),
                reason: Q_UNVERIFIED.to_string(),
                detail: Some(file),
                at: Some(at),
            });
        }
        let mut stmt = self.conn.prepare(
            "SELECT r.site, s.name, min(o.seq), max(o.seq), count(*), o.held FROM op o JOIN series r ON r.id = o.series JOIN scope s ON s.id = r.scope
             WHERE o.held IS NOT NULL GROUP BY r.site, s.name, o.held ORDER BY s.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)? as u64,
                r.get::<_, i64>(3)? as u64,
                r.get::<_, i64>(4)? as usize,
                r.get::<_, String>(5)?,
            ))
        })?;
        for r in rows {
            let (author, scope, first, last, count, reason) = r?;
            out.push(QuarantineEntry {
                kind: "ops",
                author_agency: names.get(&author).cloned(),
                author,
                scope,
                first,
                last,
                count,
                explanation: explain(&reason),
                reason,
                detail: None,
                at: None,
            });
        }
        Ok(out)
    }
}

/// Decrypts the payload and decompresses its one zstd frame, at most
/// [`format::plaintext_cap`] bytes of it.
fn decrypt(payload: &[u8], identity: &age::x25519::Identity) -> Result<Vec<u8>, BundleError> {
    let dec = age::Decryptor::new(payload).map_err(|_| BundleError::Decrypt)?;
    let mut reader = match dec.decrypt(std::iter::once(identity as &dyn age::Identity)) {
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

enum Stored {
    Ok {
        new: usize,
        known: usize,
    },
    Quarantine(Box<Checked>, &'static str),
    /// The first new op (this seq) names as its predecessor another op than the one held.
    Fork(Box<Checked>, u64),
}

/// Ops we already hold (stored, or queued earlier in this import) must be byte-identical;
/// returns the quarantine reason if not.
fn compare_known(
    tx: &mut Tx<'_>,
    c: &Checked,
    stored_last: u64,
    touched: &Touched,
) -> Result<Option<&'static str>, Error> {
    let series = tx.series_id(c.statement.site, c.statement.scope)?;
    let queued: HashMap<u64, Hash32> = touched
        .incoming
        .get(&c.statement.scope)
        .map(|q| {
            q.iter()
                .filter(|i| i.op.header.site == c.statement.site)
                .map(|i| (i.op.header.seq, i.op.hash))
                .collect()
        })
        .unwrap_or_default();
    let mut stmt = tx
        .conn()
        .prepare_cached("SELECT hash FROM op WHERE series = ?1 AND seq = ?2")?;
    for op in &c.ops {
        let seq = op.header.seq;
        let known = if seq <= stored_last {
            stmt.query_row(params![series, seq as i64], |r| r.get::<_, Vec<u8>>(0))
                .optional()?
                .and_then(|h| Hash32::from_slice(&h))
        } else {
            queued.get(&seq).copied()
        };
        if known.is_some_and(|h| h != op.hash) {
            return Ok(Some(Q_EQUIVOCATION));
        }
    }
    Ok(None)
}

/// Checks that a verified segment continues its series (no gap, no fork, identical where it
/// overlaps what we hold) and queues its new ops for settling.
fn store_segment(tx: &mut Tx<'_>, c: Checked, touched: &mut Touched) -> Result<Stored, Error> {
    let st = &c.statement;
    if st.scope.is_local() {
        return Ok(Stored::Quarantine(Box::new(c), Q_LOCAL));
    }
    let key = (st.site, st.scope);
    let (stored_last, stored_head) = tx.series_state(st.site, st.scope)?;
    let (last, head) = touched.heads.get(&key).copied().unwrap_or((stored_last, stored_head));
    if st.first > last + 1 {
        return Ok(Stored::Quarantine(Box::new(c), Q_GAP));
    }
    if let Some(reason) = compare_known(tx, &c, stored_last, touched)? {
        return Ok(Stored::Quarantine(Box::new(c), reason));
    }
    let series = tx.series_id(st.site, st.scope)?;
    let mut restored = false;
    let mut new_head = head;
    let (mut new, mut known) = (0, 0);
    for op in &c.ops {
        let h = &op.header;
        if h.seq <= last {
            known += 1;
            if h.seq <= stored_last && op.body.is_some() {
                let n = tx
                    .conn()
                    .prepare_cached("UPDATE op SET body = ?3 WHERE series = ?1 AND seq = ?2 AND body IS NULL")?
                    .execute(params![series, h.seq as i64, op.body])?;
                restored |= n > 0;
            }
            continue;
        }
        if h.chain != new_head {
            // It would follow another op than the one held at seq − 1: its author signed two
            // histories of the series (seq 1 names no op before it; check_segment saw to that).
            let seq = h.seq;
            return Ok(Stored::Fork(Box::new(c), seq));
        }
        // An op id names one op. A second op with the same id cannot be stored beside the first
        // and must not stop the rest of the file (a relay may carry it unknowingly).
        if touched.op_ids.contains(&h.id)
            || tx
                .conn()
                .prepare_cached("SELECT 1 FROM op WHERE id = ?1")?
                .exists([h.id.as_bytes()])?
        {
            return Ok(Stored::Quarantine(Box::new(c), Q_OP_ID_REUSED));
        }
        new_head = op.hash;
        new += 1;
    }
    if restored {
        touched.restored.insert(st.scope);
        touched.scopes.insert(st.scope);
    }
    tx.conn()
        .prepare_cached(
            "INSERT OR IGNORE INTO segment (series, first, last, statement, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            series,
            st.first as i64,
            st.last as i64,
            c.raw.statement,
            &c.raw.signature[..]
        ])?;
    touched.heads.insert(key, (last.max(st.last), new_head));
    let queue = touched.incoming.entry(st.scope).or_default();
    for op in c.ops.into_iter().filter(|o| o.header.seq > last) {
        let h = &op.header;
        touched.op_ids.insert(h.id);
        touched.scopes.insert(h.scope);
        touched.entities.insert(h.entity);
        touched.max_hlc.push(h.hlc);
        if h.etype == "case" && h.kind == OpKind::Create {
            if let Some(p) = h.parent {
                touched.case_household.insert(h.entity, p);
            }
        }
        queue.push(Incoming::new(op));
    }
    Ok(Stored::Ok { new, known })
}

fn quarantine_segment(tx: &mut Tx<'_>, bundle: Uuid, c: &Checked, reason: &str, at: i64) -> Result<(), Error> {
    let st = &c.statement;
    tx.conn().execute(
        "INSERT INTO quarantine (bundle, author, scope, first, last, reason, detail, segment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![bundle.as_bytes(), st.site.as_bytes(), st.scope.to_string(), st.first as i64, st.last as i64, reason, explain(reason), format::encode_segment(&c.raw), at],
    )?;
    if reason == Q_EQUIVOCATION || reason == Q_OP_ID_REUSED {
        tx.audit(
            if reason == Q_EQUIVOCATION {
                "alert.equivocation"
            } else {
                "alert.op-id-reused"
            },
            Some(st.site.to_string()),
            Some(format!("{} {}..={}", st.scope, st.first, st.last)),
        );
    }
    Ok(())
}

/// Records what the sender holds (its frontier), so our next export sends only beyond.
/// The sender holds what it listed in its frontier and, for each segment it sent, at least up
/// to the segment's end.
fn learn_acks(
    tx: &mut Tx<'_>,
    sender: Uuid,
    manifest: &Manifest,
    sent: &[(String, Uuid, u64)],
) -> Result<usize, Error> {
    let mut stmt = tx.conn().prepare_cached(
        "INSERT INTO peer_ack (peer, site, scope, seq) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(peer, site, scope) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?;
    for (scope, site, seq) in manifest.frontier.iter().chain(sent) {
        stmt.execute(params![sender.as_bytes(), site.as_bytes(), scope, *seq as i64])?;
    }
    Ok(manifest.frontier.len() + sent.len())
}
