//! Import: the file is copied into the vault's inbox, then every layer is checked in order —
//! header signature and sender before decrypting, manifest and recipients after, each segment's
//! author signature and hash chain — and only then is anything applied, in one transaction that
//! also records the inbox entry. A crash leaves the vault as it was and the file in the inbox,
//! retried when the vault is next opened. Nothing unauthorised is applied; nothing is dropped.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    fs,
    io::Read,
    path::{Path, PathBuf},
};

use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    BundleError,
    export::Progress,
    format::{self, MANIFEST_DOMAIN, Manifest, Segment, Statement},
};
use crate::{
    Error, Vault, durable,
    log::{Hash32, Header, Op, OpKind, Scope, Tx},
    share::{self, Access, OpFacts, Verdict},
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
    /// Why the contents could not be read (the file will be refused), if so.
    pub problem: Option<String>,
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
    /// "segment" (kept whole, outside the log) or "ops" (in the log, not applied).
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

/// Reasons a segment is kept in quarantine.
const Q_UNKNOWN_AUTHOR: &str = "unknown-author";
const Q_UNVERIFIED: &str = "unverified-sender";
const Q_REVOKED: &str = "revoked-author";
const Q_EQUIVOCATION: &str = "equivocation";
const Q_GAP: &str = "gap";
const Q_LOCAL: &str = "local-scope";

pub fn explain(reason: &str) -> &'static str {
    match reason {
        Q_UNKNOWN_AUTHOR => "written by a site whose card has not been imported",
        Q_UNVERIFIED => "from a site whose card is not verified yet; applied once the fingerprint is verified",
        Q_REVOKED => "written by a revoked site after it was revoked",
        Q_EQUIVOCATION => "the author sent two different versions of the same operations: alert the partner",
        Q_GAP => "earlier operations of this series have not arrived yet; applied when they do",
        Q_LOCAL => "internal items must never leave their PC; refused",
        share::HOLD_NOT_SHARED => "the agency was never given this case (or not at that time)",
        share::HOLD_NOT_LEAD => "only the lead agency may change who sees the case or hand over the lead",
        share::HOLD_CASE_UNKNOWN => "the case itself has not arrived yet",
        share::HOLD_HOUSEHOLD_UNKNOWN => "the household has not arrived yet",
        share::HOLD_NOT_CREATOR => "a directory entry of another agency",
        share::HOLD_UNKNOWN_SITE => "written by an unknown site",
        share::HOLD_NOT_COORDINATOR => "only the coordinating agency records a meeting",
        share::HOLD_FINALISED => "the meeting record was already finalised; only corrections are accepted",
        share::HOLD_MEETING_UNKNOWN => "the meeting itself has not arrived yet",
        share::HOLD_DUPLICATE_CREATE => {
            "a second opening of a case that already exists: a forgery or a fault; alert the partner"
        }
        _ => "not applied",
    }
}

/// Opens a bundle file given the sender's key and our identity: header signature, payload hash,
/// decryption, manifest signature, and that the manifest names this site as a recipient.
pub(crate) fn open_with(
    bytes: &[u8],
    sender_key: &VerifyingKey,
    identity: &age::x25519::Identity,
    me: Uuid,
) -> Result<(format::Header, Manifest, Vec<Segment>), BundleError> {
    let outer = format::split_outer(bytes)?;
    let header = outer.header;
    if header.min_reader > format::READER {
        return Err(BundleError::NeedsUpdate(header.format));
    }
    let mut msg = format::HEADER_DOMAIN.to_vec();
    msg.extend_from_slice(outer.header_bytes);
    sender_key
        .verify_strict(&msg, &Signature::from_bytes(&outer.signature))
        .map_err(|_| BundleError::HeaderSignature)?;
    if format::payload_hash(outer.payload) != header.payload_hash {
        return Err(BundleError::PayloadMismatch);
    }
    let plain = decrypt(outer.payload, identity)?;
    let inner = format::decode_inner(&plain)?;
    drop(plain);
    let mut msg = MANIFEST_DOMAIN.to_vec();
    msg.extend_from_slice(&inner.manifest_bytes);
    sender_key
        .verify_strict(&msg, &Signature::from_bytes(&inner.manifest_signature))
        .map_err(|_| BundleError::ManifestSignature)?;
    let manifest: Manifest = serde_json::from_slice(&inner.manifest_bytes)
        .map_err(|_| BundleError::Format(format::FormatError::Malformed("manifest")))?;
    if manifest.bundle != header.bundle || manifest.sender != header.sender || !manifest.recipients.contains(&me) {
        return Err(BundleError::Readdressed);
    }
    if manifest.segments != inner.segments.len() as u64 {
        return Err(BundleError::Format(format::FormatError::Malformed("segment count")));
    }
    Ok((header, manifest, inner.segments))
}

/// A bundle with every layer verified, decoded.
#[doc(hidden)]
#[derive(Debug)]
pub struct Verified {
    pub header: format::Header,
    pub manifest: Manifest,
    pub segments: Vec<(Statement, Vec<Op>)>,
}

/// Opens and verifies a whole bundle whose segments are all by its sender (for golden-vector
/// tests of the format, independent of any vault).
pub(crate) fn verify_standalone(
    bytes: &[u8],
    sender_key: &VerifyingKey,
    identity: &age::x25519::Identity,
    me: Uuid,
) -> Result<Verified, BundleError> {
    let (header, manifest, segments) = open_with(bytes, sender_key, identity, me)?;
    let mut out = Vec::new();
    for (i, s) in segments.into_iter().enumerate() {
        let c = check_segment(s, i, Some(sender_key))?;
        out.push((c.statement, c.ops));
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
    let mut ops = Vec::with_capacity(seg.ops.len());
    let mut prev: Option<Hash32> = None;
    for (i, w) in seg.ops.iter().enumerate() {
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
            return Err(bad("an internal (local) item is in the bundle".into()));
        }
        if prev.is_some_and(|p| h.chain != p) {
            return Err(bad(format!("operation {} does not follow the one before it", i + 1)));
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

    /// Checks the outer layers and decrypts. `Err(NeedsUpdate)` when the bundle is too new.
    fn open_bundle(&self, bytes: &[u8]) -> Result<Opened, Error> {
        let outer = format::split_outer(bytes).map_err(BundleError::from)?;
        if outer.header.min_reader > format::READER {
            return Err(BundleError::NeedsUpdate(outer.header.format).into());
        }
        let Some(sender) = site::known_site(&self.conn, outer.header.sender)? else {
            return Err(BundleError::UnknownSender(outer.header.sender).into());
        };
        if sender.revoked {
            return Err(BundleError::RevokedSender(outer.header.sender).into());
        }
        let identity = self.site_keys()?.age_identity()?;
        let (header, manifest, segments) = open_with(bytes, &sender.key, &identity, self.me.site)?;
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
            recipients: Vec::new(),
            full: false,
            segments: 0,
            ops: 0,
            scopes: BTreeMap::new(),
            purge: Vec::new(),
            bytes: bytes.len() as u64,
        };
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
        fs::create_dir_all(&dir).map_err(|source| BundleError::Io {
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
        self.process_inbox_file(&name, progress)
    }

    /// Retries every bundle left in the inbox (after a crash, or once Kasane was updated).
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
            let status: Option<String> = self
                .conn
                .query_row("SELECT status FROM inbox WHERE file = ?1", [&n], |r| r.get(0))
                .optional()?;
            match status.as_deref() {
                Some("applied" | "quarantined" | "refused") => {
                    let _ = fs::remove_file(dir.join(&n));
                }
                _ => out.push(self.process_inbox_file(&n, &mut |_| {})),
            }
        }
        Ok(out)
    }

    fn record_inbox(
        &mut self,
        file: &str,
        header: Option<&format::Header>,
        status: &str,
        reason: Option<&str>,
    ) -> Result<(), Error> {
        let now = self.ambient.clock.now().as_millisecond();
        self.conn.execute(
            "INSERT INTO inbox (file, bundle, sender, status, reason, received_at, done_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT(file) DO UPDATE SET status = excluded.status, reason = excluded.reason, done_at = excluded.done_at",
            params![file, header.map(|h| h.bundle.as_bytes().to_vec()), header.map(|h| h.sender.as_bytes().to_vec()), status, reason, now],
        )?;
        Ok(())
    }

    fn process_inbox_file(&mut self, name: &str, progress: &mut dyn FnMut(Progress)) -> Result<ImportSummary, Error> {
        let path = self.inbox_dir().join(name);
        let bytes = fs::read(&path).map_err(|source| BundleError::Io {
            path: path.clone(),
            source,
        })?;
        let header = format::split_outer(&bytes).ok().map(|o| o.header);
        progress(Progress {
            phase: "decrypt",
            done: 0,
            total: 1,
        });
        let opened = match self.open_bundle(&bytes) {
            Ok(o) => o,
            Err(Error::Bundle(BundleError::NeedsUpdate(v))) => {
                self.record_inbox(name, header.as_ref(), "needs-update", Some(&format!("format {v}")))?;
                let h = header.as_ref();
                return Ok(ImportSummary::new(
                    h.map(|h| h.bundle).unwrap_or_default(),
                    h.map(|h| h.sender).unwrap_or_default(),
                    ImportStatus::NeedsUpdate,
                ));
            }
            Err(e) => {
                self.record_inbox(name, header.as_ref(), "refused", Some(&e.to_string()))?;
                self.audit_now(
                    "bundle.refused",
                    header.as_ref().map(|h| h.bundle.to_string()),
                    Some(e.code().to_string()),
                )?;
                let _ = fs::remove_file(&path);
                return Err(e);
            }
        };
        drop(bytes);
        progress(Progress {
            phase: "decrypt",
            done: 1,
            total: 1,
        });
        if self.bundle_done(opened.header.bundle)? {
            let _ = fs::remove_file(&path);
            let mut s = ImportSummary::new(
                opened.header.bundle,
                opened.header.sender,
                ImportStatus::AlreadyImported,
            );
            s.segments = opened.segments.len();
            s.sender_agency_name = self.agency(opened.sender.agency).ok().map(|a| a.name);
            return Ok(s);
        }
        let result = self.apply_opened(name, opened, progress);
        match &result {
            Ok(_) => {
                let _ = fs::remove_file(&path);
            }
            Err(e) if e.kind() == crate::Kind::Rejected => {
                self.record_inbox(name, header.as_ref(), "refused", Some(&e.to_string()))?;
                self.audit_now(
                    "bundle.refused",
                    header.as_ref().map(|h| h.bundle.to_string()),
                    Some(e.code().to_string()),
                )?;
                let _ = fs::remove_file(&path);
            }
            Err(_) => {}
        }
        result
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
        // Verify every segment before touching anything: a bad segment refuses the bundle.
        let total = o.segments.len();
        let mut checked: Vec<(Checked, Option<&'static str>)> = Vec::with_capacity(total);
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
            checked.push((check_segment(seg, i, key.as_ref())?, quarantine));
            if i % 512 == 0 {
                progress(Progress {
                    phase: "verify",
                    done: i,
                    total,
                });
            }
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
        let agency_of = site::site_agencies(&self.conn, me)?;
        let card_agencies: BTreeSet<Uuid> = agency_of
            .iter()
            .filter(|(s, _)| **s != me.site)
            .map(|(_, a)| *a)
            .collect();
        let sent: Vec<(String, Uuid, u64)> = checked
            .iter()
            .map(|(c, _)| (c.statement.scope.to_string(), c.statement.site, c.statement.last))
            .collect();
        let bundle = o.header.bundle;
        let manifest = o.manifest;
        let sender_site = o.header.sender;
        let sender_agency = o.sender.agency;
        let now = self.ambient.clock.now();
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
                let report = settle(tx, &mut touched, &agency_of, &card_agencies)?;
                summary.records_new = report.records_new;
                summary.records_changed = report.records_changed;
                summary.conflicts = report.conflicts;
                summary.held = report.held;
                summary.released = report.released;
                summary.future_ops = touched.max_hlc.iter().filter(|h| h.is_future(now.as_millisecond().max(0) as u64)).count();
                if let Some(h) = touched.max_hlc.iter().max() {
                    tx.observe(*h);
                }
                summary.purged = purge(tx, &manifest, sender_agency, me.agency)?;
                summary.acks_learned = learn_acks(tx, sender_site, &manifest, &sent)?;
                if touched_sites {
                    sync_revocations(tx)?;
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
            Ok(())
        })?;
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
                let agency_of = site::site_agencies(&self.conn, me)?;
                let card_agencies: BTreeSet<Uuid> = agency_of
                    .iter()
                    .filter(|(s, _)| **s != me.site)
                    .map(|(_, a)| *a)
                    .collect();
                let applied = self.write(|tx| {
                    let mut touched = Touched::default();
                    match store_segment(tx, c, &mut touched)? {
                        Stored::Ok { .. } => {
                            settle(tx, &mut touched, &agency_of, &card_agencies)?;
                            if let Some(h) = touched.max_hlc.iter().max() {
                                tx.observe(*h);
                            }
                            sync_revocations(tx)?;
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

fn decrypt(payload: &[u8], identity: &age::x25519::Identity) -> Result<Vec<u8>, BundleError> {
    let dec = age::Decryptor::new(payload).map_err(|_| BundleError::Decrypt)?;
    let reader = match dec.decrypt(std::iter::once(identity as &dyn age::Identity)) {
        Ok(r) => r,
        Err(age::DecryptError::NoMatchingKeys) => return Err(BundleError::NotForUs),
        Err(_) => return Err(BundleError::Decrypt),
    };
    let mut compressed = Vec::new();
    reader
        .take(format::MAX_PLAINTEXT as u64 + 1)
        .read_to_end(&mut compressed)
        .map_err(|_| BundleError::Decrypt)?;
    let decoder = zstd::stream::Decoder::new(&compressed[..]).map_err(|_| BundleError::Decrypt)?;
    let mut plain = Vec::with_capacity(compressed.len() * 4);
    decoder
        .take(format::MAX_PLAINTEXT as u64 + 1)
        .read_to_end(&mut plain)
        .map_err(|_| BundleError::Format(format::FormatError::Malformed("compressed payload")))?;
    if plain.len() > format::MAX_PLAINTEXT {
        return Err(BundleError::TooLarge(format::MAX_PLAINTEXT));
    }
    Ok(plain)
}

/// What an import changed, scope by scope, for settling afterwards.
#[derive(Default)]
struct Touched {
    scopes: BTreeSet<Scope>,
    /// Scopes whose purged bodies came back: derive them again whole.
    restored: BTreeSet<Scope>,
    /// Verified ops that continue their series, in series order, not yet written: their
    /// verdicts are decided first so each is written once, already applied or held.
    incoming: BTreeMap<Scope, Vec<Incoming>>,
    /// Series heads as they stand with the incoming ops: (site, scope) → (last seq, head hash).
    heads: HashMap<(Uuid, Scope), (u64, Hash32)>,
    entities: BTreeSet<Uuid>,
    max_hlc: Vec<crate::log::Hlc>,
    /// Case → household, from case create ops in this import.
    case_household: HashMap<Uuid, Uuid>,
}

struct Incoming {
    op: Op,
    fields: Option<Map<String, Value>>,
}

enum Stored {
    Ok { new: usize, known: usize },
    Quarantine(Box<Checked>, &'static str),
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
            // The same (site, scope, seq) would follow a different op than ours: a fork.
            return Ok(Stored::Quarantine(Box::new(c), Q_EQUIVOCATION));
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
        touched.scopes.insert(h.scope);
        touched.entities.insert(h.entity);
        touched.max_hlc.push(h.hlc);
        if h.etype == "case" && h.kind == OpKind::Create {
            if let Some(p) = h.parent {
                touched.case_household.insert(h.entity, p);
            }
        }
        let fields = op.fields().map_err(crate::log::LogError::from)?;
        queue.push(Incoming { op, fields });
    }
    Ok(Stored::Ok { new, known })
}

fn quarantine_segment(tx: &mut Tx<'_>, bundle: Uuid, c: &Checked, reason: &str, at: i64) -> Result<(), Error> {
    let st = &c.statement;
    tx.conn().execute(
        "INSERT INTO quarantine (bundle, author, scope, first, last, reason, detail, segment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![bundle.as_bytes(), st.site.as_bytes(), st.scope.to_string(), st.first as i64, st.last as i64, reason, explain(reason), format::encode_segment(&c.raw), at],
    )?;
    if reason == Q_EQUIVOCATION {
        tx.audit(
            "alert.equivocation",
            Some(st.site.to_string()),
            Some(format!("{} {}..={}", st.scope, st.first, st.last)),
        );
    }
    Ok(())
}

struct Settled {
    records_new: usize,
    records_changed: usize,
    conflicts: Vec<Uuid>,
    held: BTreeMap<String, usize>,
    released: usize,
}

struct StoredOp {
    header: Header,
    fields: Option<Map<String, Value>>,
    held: Option<String>,
}

fn scope_ops(tx: &mut Tx<'_>, scope: Scope) -> Result<Vec<StoredOp>, Error> {
    let scope_id = tx.scope_id(scope)?;
    let mut stmt = tx.conn().prepare_cached(
        "SELECT o.header, o.body, o.held FROM op o JOIN series r ON r.id = o.series WHERE r.scope = ?1",
    )?;
    type Row = (Vec<u8>, Option<Vec<u8>>, Option<String>);
    let rows: Vec<Row> = stmt
        .query_map([scope_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (h, b, held) in rows {
        let op = Op::from_bytes(h, b).map_err(crate::log::LogError::from)?;
        let fields = op.fields().map_err(crate::log::LogError::from)?;
        out.push(StoredOp {
            header: op.header,
            fields,
            held,
        });
    }
    Ok(out)
}

fn facts_of<'a>(header: &'a Header, fields: Option<&'a Map<String, Value>>) -> OpFacts<'a> {
    OpFacts {
        id: header.id,
        site: header.site,
        hlc: header.hlc,
        etype: &header.etype,
        entity: header.entity,
        kind: header.kind,
        fields,
    }
}

fn facts(ops: &[StoredOp]) -> Vec<OpFacts<'_>> {
    ops.iter().map(|o| facts_of(&o.header, o.fields.as_ref())).collect()
}

/// Whether any op of the scope is already stored (before this import's ops are written).
fn scope_has_ops(tx: &mut Tx<'_>, scope: Scope) -> Result<bool, Error> {
    let scope_id = tx.scope_id(scope)?;
    Ok(tx
        .conn()
        .prepare_cached("SELECT 1 FROM series WHERE scope = ?1 AND last_seq > 0")?
        .exists([scope_id])?)
}

/// Decides, for every touched scope, which ops are authorised — the stored ones and those this
/// import brings — writes the new ops (applied or held, once), applies what became authorised,
/// and derives a scope again when an applied op lost its authorisation or purged bodies came back.
fn settle(
    tx: &mut Tx<'_>,
    t: &mut Touched,
    agency_of: &HashMap<Uuid, Uuid>,
    card_agencies: &BTreeSet<Uuid>,
) -> Result<Settled, Error> {
    let me_site = tx.site();
    let lookup = |s: Uuid| agency_of.get(&s).copied();
    let mut existed: HashSet<Uuid> = HashSet::new();
    let mut was_conflicted: HashSet<Uuid> = HashSet::new();
    {
        let mut stmt = tx
            .conn()
            .prepare_cached("SELECT conflicted FROM entity WHERE id = ?1")?;
        for e in &t.entities {
            if let Some(c) = stmt.query_row([e.as_bytes()], |r| r.get::<_, bool>(0)).optional()? {
                existed.insert(*e);
                if c {
                    was_conflicted.insert(*e);
                }
            }
        }
    }
    let mut report = Settled {
        records_new: 0,
        records_changed: 0,
        conflicts: Vec::new(),
        held: BTreeMap::new(),
        released: 0,
    };
    let mut accesses: HashMap<Uuid, Access> = HashMap::new();
    // Directory first, then cases (whose share sets households depend on), then households.
    let mut order: Vec<Scope> = t
        .scopes
        .iter()
        .copied()
        .filter(|s| matches!(s, Scope::Directory))
        .collect();
    order.extend(
        t.scopes
            .iter()
            .copied()
            .filter(|s| matches!(s, Scope::Case(_) | Scope::Conference(_))),
    );
    let mut households: BTreeSet<Scope> = t
        .scopes
        .iter()
        .copied()
        .filter(|s| matches!(s, Scope::Household(_)))
        .collect();
    for s in &t.scopes {
        if let Scope::Case(c) = s {
            let h = match t.case_household.get(c) {
                Some(h) => Some(*h),
                None => tx.entity(*c)?.and_then(|st| st.parent),
            };
            if let Some(h) = h {
                households.insert(Scope::Household(h));
            }
        }
    }
    order.extend(households);
    let mut flushed = false;
    for scope in order {
        if matches!(scope, Scope::Household(_)) && !flushed {
            // Cases applied above must be visible to the SQL below.
            tx.flush()?;
            flushed = true;
        }
        let had_ops = scope_has_ops(tx, scope)?;
        let stored = if had_ops { scope_ops(tx, scope)? } else { Vec::new() };
        let incoming = t.incoming.remove(&scope).unwrap_or_default();
        let verdicts: HashMap<Uuid, Verdict> = {
            let mut f = facts(&stored);
            f.extend(incoming.iter().map(|i| facts_of(&i.op.header, i.fields.as_ref())));
            match scope {
                Scope::Directory => share::judge_directory(&mut f, &lookup, card_agencies),
                Scope::Case(c) => {
                    let (v, access) = share::judge_case(c, &mut f, &lookup);
                    accesses.insert(c, access);
                    v
                }
                Scope::Household(h) => {
                    let mut cases: BTreeSet<Uuid> = t
                        .case_household
                        .iter()
                        .filter(|(_, hh)| **hh == h)
                        .map(|(c, _)| *c)
                        .collect();
                    {
                        let mut stmt = tx
                            .conn()
                            .prepare_cached("SELECT id FROM entity WHERE etype = 'case' AND parent = ?1")?;
                        let rows = stmt.query_map([h.as_bytes()], |r| r.get::<_, Vec<u8>>(0))?;
                        for r in rows {
                            cases.insert(Uuid::from_slice(&r?).unwrap_or_default());
                        }
                    }
                    let mut list = Vec::new();
                    for c in cases {
                        if let std::collections::hash_map::Entry::Vacant(slot) = accesses.entry(c) {
                            let cops = scope_ops(tx, Scope::Case(c))?;
                            let (_, a) = share::judge_case(c, &mut facts(&cops), &lookup);
                            slot.insert(a);
                        }
                        if let Some(a) = accesses.get(&c) {
                            list.push(a.clone());
                        }
                    }
                    share::judge_household(h, &mut f, &lookup, &list)
                }
                Scope::Conference(m) => share::judge_conference(m, &mut f, &lookup),
                // Local scopes never arrive (refused earlier).
                Scope::Local(_) => f.iter().map(|o| (o.id, None)).collect(),
            }
        };
        // What this site wrote itself was checked when it was written; a partner's ops can never
        // make this vault withdraw its own.
        let verdict = |h: &Header| {
            if h.site == me_site {
                None
            } else {
                verdicts.get(&h.id).copied().flatten()
            }
        };
        // The new ops are written once, with their verdict.
        for i in &incoming {
            let v = verdict(&i.op.header);
            tx.store_remote(&i.op, v)?;
            if let Some(reason) = v {
                *report.held.entry(reason.to_string()).or_default() += 1;
            }
        }
        let lost = stored.iter().any(|o| o.held.is_none() && verdict(&o.header).is_some());
        if lost || t.restored.contains(&scope) {
            let authorised: Vec<(Header, Map<String, Value>)> = stored
                .iter()
                .map(|o| (&o.header, o.fields.as_ref()))
                .chain(incoming.iter().map(|i| (&i.op.header, i.fields.as_ref())))
                .filter(|(h, _)| verdict(h).is_none())
                .filter_map(|(h, f)| f.map(|f| (h.clone(), f.clone())))
                .collect();
            tx.rebuild_scope(scope, &authorised)?;
        } else {
            let mut to_apply: Vec<(&Header, &Map<String, Value>)> = stored
                .iter()
                .filter(|o| o.held.is_some() && verdict(&o.header).is_none())
                .filter_map(|o| o.fields.as_ref().map(|f| (&o.header, f)))
                .chain(
                    incoming
                        .iter()
                        .filter(|i| verdict(&i.op.header).is_none())
                        .filter_map(|i| i.fields.as_ref().map(|f| (&i.op.header, f))),
                )
                .collect();
            to_apply.sort_by_key(|(h, _)| (h.hlc, h.site, h.id));
            for (h, f) in to_apply {
                tx.apply_in(h, f, !had_ops)?;
            }
        }
        let mut upd = tx.conn().prepare_cached("UPDATE op SET held = ?2 WHERE id = ?1")?;
        for o in &stored {
            let v = verdict(&o.header);
            if o.held.as_deref() != v {
                upd.execute(params![o.header.id.as_bytes(), v])?;
                if v.is_none() {
                    report.released += 1;
                }
            }
        }
    }
    for e in &t.entities {
        if let Some(st) = tx.entity(*e)? {
            if st.etype.is_empty() {
                continue;
            }
            if existed.contains(e) {
                report.records_changed += 1;
            } else {
                report.records_new += 1;
            }
            if st.is_conflicted() && !was_conflicted.contains(e) {
                report.conflicts.push(*e);
            }
        }
    }
    Ok(report)
}

/// Purges the scopes a manifest asks for, when its sender leads the case concerned.
fn purge(tx: &mut Tx<'_>, manifest: &Manifest, sender_agency: Uuid, our_agency: Uuid) -> Result<Vec<String>, Error> {
    let mut done = Vec::new();
    if manifest.purge.is_empty() {
        return Ok(done);
    }
    tx.flush()?;
    let lead_of = |tx: &mut Tx<'_>, case: Uuid| -> Result<Option<Uuid>, Error> {
        Ok(tx.entity(case)?.and_then(|st| {
            st.fields
                .get("lead_agency")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
        }))
    };
    // Decide every notice before erasing anything: a household's notice is judged by its cases,
    // which an earlier notice of the same bundle may be about to erase.
    let mut allowed = Vec::new();
    for notice in &manifest.purge {
        let Ok(scope) = notice.scope.parse::<Scope>() else {
            continue;
        };
        let ok = match scope {
            Scope::Case(c) => {
                let lead = lead_of(tx, c)?;
                lead == Some(sender_agency) && lead != Some(our_agency)
            }
            Scope::Household(h) => {
                let cases: Vec<Uuid> = tx
                    .conn()
                    .prepare_cached("SELECT id FROM entity WHERE etype = 'case' AND parent = ?1")?
                    .query_map([h.as_bytes()], |r| r.get::<_, Vec<u8>>(0))?
                    .filter_map(|r| r.ok().and_then(|b| Uuid::from_slice(&b).ok()))
                    .collect();
                let mut leads = Vec::new();
                for c in cases {
                    leads.push(lead_of(tx, c)?);
                }
                // Only if none of its cases is this agency's own to keep.
                leads.contains(&Some(sender_agency)) && !leads.contains(&Some(our_agency))
            }
            _ => false,
        };
        if ok {
            allowed.push((scope, notice.reason.clone()));
        }
    }
    for (scope, reason) in allowed {
        let n = tx.purge_scope(scope)?;
        tx.audit(
            "purge",
            Some(scope.to_string()),
            Some(format!("{n} bodies erased at the request of {sender_agency}: {reason}")),
        );
        done.push(scope.to_string());
    }
    Ok(done)
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

/// A site revoked by its own agency (a directory entry) is revoked here too.
fn sync_revocations(tx: &mut Tx<'_>) -> Result<(), Error> {
    tx.flush()?;
    let sites: Vec<Uuid> = tx
        .conn()
        .prepare_cached("SELECT id FROM entity WHERE etype = 'site' AND json_extract(fields, '$.revoked') = 1")?
        .query_map([], |r| r.get::<_, Vec<u8>>(0))?
        .filter_map(|r| r.ok().and_then(|b| Uuid::from_slice(&b).ok()))
        .collect();
    for s in sites {
        let frontier = super::series_frontier_of(tx.conn(), s)?;
        tx.conn().execute(
            "UPDATE card SET revoked_at = ?2, revoked_frontier = ?3 WHERE site = ?1 AND revoked_at IS NULL",
            params![
                s.as_bytes(),
                tx.ambient().clock.now().as_millisecond(),
                serde_json::to_string(&frontier).unwrap_or_default()
            ],
        )?;
    }
    Ok(())
}
