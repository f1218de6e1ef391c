//! What a bundle file holds, shown before it is applied: nothing is written, and nothing is
//! decrypted for a sender whose check number has not been compared.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

use serde::Serialize;
use uuid::Uuid;

use crate::{
    Vault,
    bundle::{
        BundleError,
        format::{self, Statement},
    },
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

impl Vault {
    /// What a bundle file holds, without changing anything.
    pub fn inspect_bundle(&self, path: &Path) -> Result<Preview, BundleError> {
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
            Ok((_, sender, _)) if !sender.verified => {
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
}
