//! Export: what a partner may see and does not yet hold, as signed segments, compressed, then
//! encrypted to each of its verified sites. Our own series are signed now; other sites' series
//! are relayed as the segments their authors signed.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Write,
    path::Path,
    time::Instant,
};

use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use super::{
    BundleError,
    format::{self, Header, MANIFEST_DOMAIN, Manifest, PurgeNotice, Segment, Statement, WireOp},
};
use crate::{
    Error, Vault, durable,
    log::{Hash32, Scope},
    share,
};

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

/// What an export would carry, shown before writing it.
#[derive(Debug, Clone, Serialize)]
pub struct ExportPreview {
    pub agency: Uuid,
    pub agency_name: String,
    pub recipients: Vec<Uuid>,
    pub full: bool,
    /// The cases the partner may see, with what a person recognises them by.
    pub cases: Vec<PreviewCase>,
    pub meetings: usize,
    pub scopes: usize,
    /// Operations that would go (those the partner is not known to hold).
    pub ops: u64,
    pub purges: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewCase {
    pub case: Uuid,
    pub household_label: String,
    pub title: String,
    /// Operations of this case and its household that would go.
    pub ops: u64,
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
    ) -> Result<ExportReport, Error> {
        let started = Instant::now();
        let (agency, recipients) = self.recipients(to)?;
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
        };
        let manifest_bytes =
            serde_json::to_vec(&manifest).map_err(|e| crate::vault::VaultError::Damaged(e.to_string()))?;
        let mut msg = MANIFEST_DOMAIN.to_vec();
        msg.extend_from_slice(&manifest_bytes);
        let manifest_sig = keys.sign(&msg).to_bytes();
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
            format: format::FORMAT,
            min_reader: format::READER,
            bundle,
            sender: me,
            created,
            payload_hash: format::payload_hash(&payload),
            payload_len: payload.len() as u64,
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

    /// What `export_bundle` would write, without writing or signing anything.
    pub fn export_preview(&self, to: Uuid, full: bool) -> Result<ExportPreview, Error> {
        let (agency, recipients) = self.recipients(to)?;
        let agency_name = self
            .agency(agency)
            .map(|a| a.name)
            .unwrap_or_else(|_| agency.to_string());
        let recipient_sites: Vec<Uuid> = recipients.iter().map(|(s, _)| *s).collect();
        let scopes = share::visible_scopes(&self.conn, agency)?;
        let acks = if full {
            BTreeMap::new()
        } else {
            self.acks_of(&recipient_sites)?
        };
        let mut per_scope: BTreeMap<Scope, u64> = BTreeMap::new();
        for s in self.series_in(&scopes)? {
            let have = acks.get(&(s.site, s.scope.to_string())).copied().unwrap_or(0);
            *per_scope.entry(s.scope).or_default() += s.last.saturating_sub(have);
        }
        let mut cases = Vec::new();
        for scope in &scopes {
            if let Scope::Case(c) = scope {
                let Ok(case) = self.case_quiet(*c) else { continue };
                let household_label = self.household(case.household).map(|h| h.label).unwrap_or_default();
                let ops = per_scope.get(scope).copied().unwrap_or(0)
                    + per_scope.get(&Scope::Household(case.household)).copied().unwrap_or(0);
                cases.push(PreviewCase {
                    case: *c,
                    household_label,
                    title: case.title,
                    ops,
                });
            }
        }
        cases.sort_by(|a, b| {
            crate::ja::gojuon_key(&a.household_label)
                .cmp(&crate::ja::gojuon_key(&b.household_label))
                .then(a.case.cmp(&b.case))
        });
        Ok(ExportPreview {
            agency,
            agency_name,
            recipients: recipient_sites.clone(),
            full,
            cases,
            meetings: scopes.iter().filter(|s| matches!(s, Scope::Conference(_))).count(),
            scopes: scopes.len(),
            ops: per_scope.values().sum(),
            purges: self
                .purge_notices(agency, &recipient_sites, &scopes)?
                .into_iter()
                .map(|p| p.scope)
                .collect(),
        })
    }

    /// The agency and the verified, unrevoked sites a bundle goes to: one site, or every site of
    /// an agency.
    fn recipients(&self, to: Uuid) -> Result<(Uuid, Vec<(Uuid, String)>), Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT site, agency, age_recipient, verified_at IS NOT NULL, revoked_at IS NOT NULL, agency_name FROM card WHERE site = ?1 OR agency = ?1",
        )?;
        let rows = stmt.query_map([to.as_bytes()], |r| {
            Ok((
                Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                Uuid::from_slice(&r.get::<_, Vec<u8>>(1)?).unwrap_or_default(),
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut agency = None;
        let mut name = to.to_string();
        let mut out = Vec::new();
        for r in rows {
            let (site, a, recipient, verified, revoked, agency_name) = r?;
            agency = Some(a);
            name = agency_name;
            if verified && !revoked {
                out.push((site, recipient));
            }
        }
        let agency = match agency {
            Some(a) => a,
            None => self
                .agency(to)
                .map(|a| a.id)
                .map_err(|_| BundleError::NoRecipient(to.to_string()))?,
        };
        if out.is_empty() {
            return Err(BundleError::NoRecipient(name).into());
        }
        out.sort();
        Ok((agency, out))
    }

    /// For each (series site, scope): the most every recipient site is known to hold.
    fn acks_of(&self, sites: &[Uuid]) -> Result<BTreeMap<(Uuid, String), u64>, Error> {
        let mut per_site: Vec<BTreeMap<(Uuid, String), u64>> = Vec::new();
        for peer in sites {
            let mut m = BTreeMap::new();
            let mut stmt = self
                .conn
                .prepare_cached("SELECT site, scope, seq FROM peer_ack WHERE peer = ?1")?;
            let mut rows = stmt.query([peer.as_bytes()])?;
            while let Some(r) = rows.next()? {
                let site = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
                m.insert((site, r.get::<_, String>(1)?), r.get::<_, i64>(2)? as u64);
            }
            per_site.push(m);
        }
        // A series counts as held only as far as the site that holds least of it.
        let Some(first) = per_site.first() else {
            return Ok(BTreeMap::new());
        };
        Ok(first
            .iter()
            .map(|(k, &v)| {
                (
                    k.clone(),
                    per_site
                        .iter()
                        .map(|m| m.get(k).copied().unwrap_or(0))
                        .min()
                        .unwrap_or(v),
                )
            })
            .collect())
    }

    fn series_in(&self, scopes: &BTreeSet<Scope>) -> Result<Vec<SeriesRow>, Error> {
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT r.id, r.site, r.last_seq FROM series r JOIN scope s ON s.id = r.scope WHERE s.name = ?1 AND r.last_seq > 0 ORDER BY r.site")?;
        for scope in scopes {
            let rows = stmt.query_map([scope.to_string()], |r| {
                Ok(SeriesRow {
                    id: r.get(0)?,
                    site: Uuid::from_slice(&r.get::<_, Vec<u8>>(1)?).unwrap_or_default(),
                    scope: *scope,
                    last: r.get::<_, i64>(2)? as u64,
                })
            })?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    fn ops_between(&self, series: i64, first: u64, last: u64) -> Result<(Vec<WireOp>, Hash32), Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT header, body, hash FROM op WHERE series = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![series, first as i64, last as i64])?;
        let mut ops = Vec::with_capacity((last - first + 1) as usize);
        let mut head = Hash32::ZERO;
        while let Some(r) = rows.next()? {
            ops.push(WireOp {
                header: r.get(0)?,
                body: r.get(1)?,
            });
            head = Hash32::from_slice(&r.get::<_, Vec<u8>>(2)?).unwrap_or_default();
        }
        if ops.len() as u64 != last - first + 1 {
            return Err(
                crate::vault::VaultError::Damaged(format!("series {series} lacks ops {first}..={last}")).into(),
            );
        }
        Ok((ops, head))
    }

    /// This site's whole series in `scope`, signed as one segment, whatever the scope: what a
    /// modified build could put in any bundle. Tests only.
    #[cfg(feature = "testing")]
    pub(crate) fn own_series_segment(&self, scope: Scope) -> Result<Option<Segment>, Error> {
        let keys = self.site_keys()?;
        let scopes: BTreeSet<Scope> = [scope].into_iter().collect();
        match self.series_in(&scopes)?.into_iter().find(|s| s.site == self.me.site) {
            Some(s) => Ok(Some(self.own_segment(&s, 1, &keys)?)),
            None => Ok(None),
        }
    }

    fn own_segment(&self, s: &SeriesRow, first: u64, keys: &crate::site::SiteKeys) -> Result<Segment, Error> {
        let (ops, head) = self.ops_between(s.id, first, s.last)?;
        let statement = Statement {
            site: s.site,
            scope: s.scope,
            first,
            last: s.last,
            head,
        }
        .encode();
        let signature = keys.sign(&statement).to_bytes();
        Ok(Segment {
            statement,
            signature,
            ops,
        })
    }

    /// The stored segments of another site's series that cover `from..=last`, with their ops.
    fn relayed_segments(&self, s: &SeriesRow, from: u64) -> Result<Vec<Segment>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT first, last, statement, signature FROM segment WHERE series = ?1 AND last >= ?2 ORDER BY first, last DESC")?;
        let stored: Vec<(u64, u64, Vec<u8>, Vec<u8>)> = stmt
            .query_map(params![s.id, from as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)? as u64,
                    r.get::<_, i64>(1)? as u64,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        let mut pos = from;
        while pos <= s.last {
            // The covering segment that reaches furthest.
            let Some((first, last, statement, signature)) = stored
                .iter()
                .filter(|(f, l, ..)| *f <= pos && *l >= pos)
                .max_by_key(|(_, l, ..)| *l)
            else {
                break;
            };
            let (ops, _) = self.ops_between(s.id, *first, *last)?;
            let signature: [u8; 64] = signature
                .as_slice()
                .try_into()
                .map_err(|_| crate::vault::VaultError::Damaged("stored segment signature".into()))?;
            out.push(Segment {
                statement: statement.clone(),
                signature,
                ops,
            });
            pos = last + 1;
        }
        Ok(out)
    }

    /// Cases this vault leads that the agency was removed from, and that the agency may still
    /// hold: their scopes (and the household's, if it sees no other case of it) are to be purged.
    fn purge_notices(
        &self,
        agency: Uuid,
        sites: &[Uuid],
        visible: &BTreeSet<Scope>,
    ) -> Result<Vec<PurgeNotice>, Error> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.parent, json_extract(e.fields, '$.removed_reason') FROM entity e JOIN entity c ON c.id = e.parent
             WHERE e.etype = 'share' AND json_extract(e.fields, '$.agency') = ?1 AND json_extract(e.fields, '$.active') = 0
               AND json_extract(c.fields, '$.lead_agency') = ?2",
        )?;
        let rows: Vec<(Option<Vec<u8>>, Option<String>)> = stmt
            .query_map(params![agency.to_string(), self.me.agency.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut held = self
            .conn
            .prepare_cached("SELECT 1 FROM peer_ack WHERE peer = ?1 AND scope = ?2 LIMIT 1")?;
        let mut any_ack = self
            .conn
            .prepare_cached("SELECT 1 FROM peer_ack WHERE peer = ?1 LIMIT 1")?;
        for (case, reason) in rows {
            let Some(case) = case.and_then(|c| Uuid::from_slice(&c).ok()) else {
                continue;
            };
            let scope = Scope::Case(case);
            if visible.contains(&scope) {
                continue;
            }
            let may_hold = sites.iter().any(|p| {
                held.exists(params![p.as_bytes(), scope.to_string()]).unwrap_or(true)
                    || !any_ack.exists([p.as_bytes()]).unwrap_or(true)
            });
            if !may_hold {
                continue;
            }
            let reason = reason.unwrap_or_else(|| "share removed".into());
            out.push(PurgeNotice {
                scope: scope.to_string(),
                reason: reason.clone(),
            });
            if let Ok(c) = self.case_quiet(case) {
                let hh = Scope::Household(c.household);
                if !visible.contains(&hh) {
                    out.push(PurgeNotice {
                        scope: hh.to_string(),
                        reason,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.scope.cmp(&b.scope));
        out.dedup();
        Ok(out)
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
