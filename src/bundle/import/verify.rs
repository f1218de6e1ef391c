//! A segment checked on its own evidence: the author's signature over its statement, and its
//! ops forming the signed chain from the signed first number to the signed hash; an op of a newer
//! version is reported before its shape is read. Nothing here looks at what the vault holds.

use ed25519_dalek::Signature;
#[cfg(feature = "testing")]
use ed25519_dalek::VerifyingKey;
#[cfg(feature = "testing")]
use uuid::Uuid;

#[cfg(feature = "testing")]
use super::open::open_with;
#[cfg(feature = "testing")]
use crate::bundle::format::{self, Manifest};
use crate::{
    bundle::{
        BundleError,
        format::{Segment, Statement, WireOp},
    },
    log::{Hash32, Op},
    site::{KeyChain, SignedWith},
};

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
    let chain = KeyChain::single(*sender_key);
    for (i, s) in segments.into_iter().enumerate() {
        match check_segment(s, i, Some(&chain)) {
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
pub(super) struct Checked {
    pub(super) statement: Statement,
    /// The statement and signature as they came; its ops were moved into `ops` (which keep their
    /// exact bytes), so a segment's operations are not held twice ([`Checked::wire`]).
    pub(super) raw: Segment,
    pub(super) ops: Vec<Op>,
    /// Signed by a key its author retired, beyond what that key had signed when it was retired:
    /// kept aside, never applied.
    pub(super) beyond_retired_key: bool,
}

impl Checked {
    /// The segment exactly as it came: the signed statement, the signature and each op's own
    /// bytes.
    pub(super) fn wire(&self) -> Segment {
        Segment {
            statement: self.raw.statement.clone(),
            signature: self.raw.signature,
            ops: self
                .ops
                .iter()
                .map(|o| WireOp {
                    header: o.header_bytes.clone(),
                    body: o.body.clone(),
                })
                .collect(),
        }
    }
}

/// Checks a segment; with the author's keys (`None` when the author is not known, so only the
/// chain is checked and the caller quarantines it).
pub(super) fn check_segment(mut seg: Segment, index: usize, keys: Option<&KeyChain>) -> Result<Checked, BundleError> {
    let bad = |why: String| BundleError::Segment { index, why };
    let st = Statement::decode(&seg.statement).map_err(|e| bad(format!("statement: {e}")))?;
    let mut beyond_retired_key = false;
    if let Some(keys) = keys {
        let sig = Signature::from_bytes(&seg.signature);
        let scope = st.scope.to_string();
        match keys.verify(&seg.statement, &sig, Some((&scope, st.last))) {
            None => return Err(bad("the author's signature does not verify".into())),
            Some(SignedWith::Retired { within: false }) => beyond_retired_key = true,
            Some(_) => {}
        }
    }
    if seg.ops.len() as u64 != st.last - st.first + 1 {
        return Err(bad("the number of operations does not match the signed range".into()));
    }
    #[derive(serde::Deserialize)]
    struct Version {
        v: u64,
    }
    let wire = std::mem::take(&mut seg.ops);
    let mut ops = Vec::with_capacity(wire.len());
    let mut prev: Option<Hash32> = None;
    for (i, w) in wire.into_iter().enumerate() {
        // An op of a newer version may have another shape: its version is read first, and the
        // whole bundle waits for an update (the caller checks the other segments first).
        if let Ok(Version { v }) = serde_json::from_slice::<Version>(&w.header) {
            if v > u64::from(crate::log::OP_VERSION) {
                return Err(BundleError::NeedsUpdate(format!("operation version {v}")));
            }
        }
        let op = Op::from_bytes(w.header, w.body).map_err(|e| bad(format!("operation {}: {e}", i + 1)))?;
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
        beyond_retired_key,
    })
}
