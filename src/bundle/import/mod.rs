//! Import: the file is copied into the vault's inbox, then every layer is checked in order —
//! header signature and sender before decrypting, manifest and recipients after, each segment's
//! author signature and hash chain — and only then is anything applied, in one transaction that
//! also records the inbox entry. A crash leaves the vault as it was and the file in the inbox,
//! retried when the vault is next opened. Nothing unauthorised is applied; nothing is dropped.

mod apply;
mod inbox;
mod open;
mod preview;
mod quarantine;
mod store;
mod verify;

use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

pub use inbox::InboxEntry;
pub use preview::Preview;
pub use quarantine::QuarantineEntry;
#[cfg(feature = "testing")]
pub use verify::Verified;
#[cfg(feature = "testing")]
pub(crate) use verify::verify_standalone;

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
    /// Key rotations of partner sites learnt from this file.
    pub key_changes: usize,
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
            key_changes: 0,
        }
    }
}

/// A file in the vault folder that makes imports fail after verification (debug builds only).
#[doc(hidden)]
#[cfg(any(debug_assertions, feature = "testing"))]
pub const TEST_FAULT: &str = "test-fault-after-verification";
