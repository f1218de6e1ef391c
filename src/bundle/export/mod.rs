//! Export: what a partner may see and does not yet hold, as signed segments, compressed, then
//! encrypted to each of its verified sites. Our own series are signed now; other sites' series
//! are relayed as the segments their authors signed.

mod pack;
mod preview;
mod segments;
mod select;

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Write,
    path::Path,
    time::Instant,
};

use serde::Serialize;
use uuid::Uuid;

use super::{
    BundleError,
    format::{self, Header, MANIFEST_DOMAIN, Manifest, Segment, Statement},
};
use crate::{Vault, durable, log::Scope, share};

pub use pack::PackResult;
pub use preview::{ExportPreview, PreviewCase};

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub bundle: Uuid,
    pub path: std::path::PathBuf,
    pub agency: Uuid,
    pub agency_name: String,
    pub recipients: Vec<Uuid>,
    pub full: bool,
    pub scopes: usize,
    pub segments: usize,
    pub ops: usize,
    pub purges: Vec<String>,
    pub bytes: u64,
    /// Bytes of the compressed (but unencrypted) payload, for overhead figures.
    pub compressed_bytes: u64,
    pub seconds: f64,
}

/// Progress of a long export or import, for a progress bar.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    pub phase: &'static str,
    pub done: usize,
    pub total: usize,
}

struct SeriesRow {
    id: i64,
    site: Uuid,
    scope: Scope,
    last: u64,
}

impl Vault {
    /// Writes a bundle for a partner agency (all its verified sites) or one of its sites to
    /// `out`. Incremental unless `full`.
    pub fn export_bundle(
        &mut self,
        to: Uuid,
        full: bool,
        out: &Path,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport, BundleError> {
        let started = Instant::now();
        let (agency, recipients) = self.recipients(to)?;
        // A share whose consent or disclosure period has run out ends before anything goes
        // out, so the file carries the purge request instead of the case.
        self.end_lapsed_shares()?;
        let agency_name = self
            .agency(agency)
            .map(|a| a.name)
            .unwrap_or_else(|_| agency.to_string());
        let recipient_keys: Vec<age::x25519::Recipient> = recipients
            .iter()
            .map(|(_, r)| {
                r.parse::<age::x25519::Recipient>()
                    .map_err(|_| BundleError::NoRecipient(agency_name.clone()))
            })
            .collect::<Result<_, _>>()?;
        let recipient_sites: Vec<Uuid> = recipients.iter().map(|(s, _)| *s).collect();
        let scopes = share::visible_scopes(&self.conn, agency)?;
        let acks = if full {
            BTreeMap::new()
        } else {
            self.acks_of(&recipient_sites)?
        };
        let keys = self.site_keys()?;
        let me = self.me.site;

        let series = self.series_in(&scopes)?;
        let total = series.len();
        let mut segments = Vec::new();
        let mut ops_n = 0usize;
        let mut frontier = Vec::with_capacity(series.len());
        for (i, s) in series.iter().enumerate() {
            let have = acks.get(&(s.site, s.scope.to_string())).copied().unwrap_or(0);
            let mut sent_to = 0;
            if have < s.last {
                let before = segments.len();
                if s.site == me {
                    segments.push(self.own_segment(s, have + 1, &keys)?);
                } else {
                    segments.extend(self.relayed_segments(s, have + 1)?);
                }
                ops_n += segments[before..].iter().map(|g: &Segment| g.ops.len()).sum::<usize>();
                sent_to = if segments.len() > before { s.last } else { 0 };
            }
            // A series sent up to its end says by itself how far we hold it; only the others
            // need a frontier entry.
            if sent_to < s.last {
                frontier.push((s.scope.to_string(), s.site, s.last));
            }
            if i % 256 == 0 {
                progress(Progress {
                    phase: "collect",
                    done: i,
                    total,
                });
            }
        }
        progress(Progress {
            phase: "collect",
            done: total,
            total,
        });
        let purge = self.purge_notices(agency, &recipient_sites, &scopes)?;

        // Rotations travel with every file: a partner reading files out of order meets each
        // one before anything signed with the key it put in force.
        let authors: BTreeSet<Uuid> = std::iter::once(me)
            .chain(
                segments
                    .iter()
                    .filter_map(|g| Statement::decode(&g.statement).ok().map(|s| s.site)),
            )
            .collect();
        let rotation_entries = self.rotation_entries(authors)?;
        let own_rotations = self.own_chain()?.carried();

        let bundle = self.ambient.uuid_v7();
        let created = self.ambient.clock.now().as_millisecond();
        let manifest = Manifest {
            manifest: format::MANIFEST,
            bundle,
            sender: me,
            recipients: recipient_sites.clone(),
            created,
            full,
            frontier,
            purge: purge.clone(),
            segments: segments.len() as u64,
            keys: rotation_entries,
        };
        let manifest_bytes =
            serde_json::to_vec(&manifest).map_err(|e| crate::vault::VaultError::Damaged(e.to_string()))?;
        let mut msg = MANIFEST_DOMAIN.to_vec();
        msg.extend_from_slice(&manifest_bytes);
        let manifest_sig = keys.sign(&msg).to_bytes();
        let needs = format::format_for(&segments, !manifest.keys.is_empty());
        let inner = format::encode_inner(&manifest_bytes, &manifest_sig, &segments);
        drop(segments);

        progress(Progress {
            phase: "compress",
            done: 0,
            total: 1,
        });
        let compressed = zstd::bulk::compress(&inner, 3).map_err(|e| BundleError::Io {
            path: out.to_path_buf(),
            source: e,
        })?;
        drop(inner);
        progress(Progress {
            phase: "compress",
            done: 1,
            total: 1,
        });
        progress(Progress {
            phase: "encrypt",
            done: 0,
            total: 1,
        });
        let payload = encrypt(&compressed, &recipient_keys).map_err(|e| BundleError::Io {
            path: out.to_path_buf(),
            source: e,
        })?;
        progress(Progress {
            phase: "encrypt",
            done: 1,
            total: 1,
        });

        let header = Header {
            format: needs,
            min_reader: needs,
            bundle,
            sender: me,
            created,
            payload_hash: format::payload_hash(&payload),
            payload_len: payload.len() as u64,
            keys: own_rotations,
        };
        let header_bytes = serde_json::to_vec(&header).map_err(|e| crate::vault::VaultError::Damaged(e.to_string()))?;
        let mut msg = format::HEADER_DOMAIN.to_vec();
        msg.extend_from_slice(&header_bytes);
        let sig = keys.sign(&msg).to_bytes();
        let file = format::join_outer(&header_bytes, &sig, &payload);
        progress(Progress {
            phase: "write",
            done: 0,
            total: 1,
        });
        durable::replace(out, &file, self.ambient.entropy.u64()).map_err(|source| BundleError::Io {
            path: out.to_path_buf(),
            source,
        })?;
        progress(Progress {
            phase: "write",
            done: 1,
            total: 1,
        });

        let report = ExportReport {
            bundle,
            path: out.to_path_buf(),
            agency,
            agency_name,
            recipients: recipient_sites,
            full,
            scopes: scopes.len(),
            segments: manifest.segments as usize,
            ops: ops_n,
            purges: purge.into_iter().map(|p| p.scope).collect(),
            bytes: file.len() as u64,
            compressed_bytes: compressed.len() as u64,
            seconds: started.elapsed().as_secs_f64(),
        };
        self.audit_now(
            "bundle.export",
            Some(bundle.to_string()),
            Some(format!(
                "to {} ({} sites): {} ops in {} segments",
                report.agency_name,
                report.recipients.len(),
                report.ops,
                report.segments
            )),
        )?;
        Ok(report)
    }
}

fn encrypt(plain: &[u8], recipients: &[age::x25519::Recipient]) -> std::io::Result<Vec<u8>> {
    let enc = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut out = Vec::with_capacity(plain.len() + 512);
    let mut w = enc.wrap_output(&mut out)?;
    w.write_all(plain)?;
    w.finish()?;
    Ok(out)
}
