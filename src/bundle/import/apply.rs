//! Applying an opened bundle: every segment is verified and judged before anything is written,
//! then everything is stored, settled and recorded in one transaction, so a bundle lands whole
//! or not at all.

use std::collections::HashMap;

use rusqlite::params;
use uuid::Uuid;

use super::{
    ImportStatus, ImportSummary,
    open::Opened,
    quarantine::{Q_RETIRED_KEY, Q_REVOKED, Q_UNKNOWN_AUTHOR, Q_UNVERIFIED, quarantine_segment},
    store::{Stored, compare_known, store_segment},
    verify::{Checked, check_segment},
};
use crate::vault::test_pause;
use crate::{
    Vault,
    bundle::{
        BundleError,
        export::Progress,
        format::{Manifest, Statement},
        settle::{self, Touched},
    },
    log::{Scope, Tx},
    site,
};

impl Vault {
    /// An opened bundle already imported is a no-op; otherwise it is applied.
    pub(super) fn apply_or_skip(
        &mut self,
        name: &str,
        opened: Opened,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportSummary, BundleError> {
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
    ) -> Result<ImportSummary, BundleError> {
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
        // Each author's keys once, with the rotations this file carries for it followed first.
        let mut authors: HashMap<Uuid, Option<site::KnownSite>> = HashMap::new();
        authors.insert(o.header.sender, Some(o.sender.clone()));
        let own_chain = self.own_chain()?;
        for (i, seg) in o.segments.into_iter().enumerate() {
            let st = Statement::decode(&seg.statement).map_err(|e| BundleError::Segment {
                index: i,
                why: format!("statement: {e}"),
            })?;
            if st.site != me.site && !authors.contains_key(&st.site) {
                let mut known = site::known_site(&self.conn, st.site)?;
                if let Some(k) = known.as_mut() {
                    let entries: Vec<_> = o
                        .manifest
                        .keys
                        .iter()
                        .filter(|e| site::site_of(&e.rotation) == Some(st.site))
                        .collect();
                    k.chain.follow_entries(&entries)?;
                }
                authors.insert(st.site, known);
            }
            let (keys, quarantine) = if st.site == me.site {
                (Some(&own_chain), None)
            } else {
                match authors.get(&st.site).and_then(Option::as_ref) {
                    None => (None, Some(Q_UNKNOWN_AUTHOR)),
                    Some(a) if !a.verified => (Some(&a.chain), Some(Q_UNVERIFIED)),
                    Some(a) if a.revoked => {
                        let allowed = a.allowed_after_revocation(&st.scope.to_string());
                        (Some(&a.chain), (st.last > allowed).then_some(Q_REVOKED))
                    }
                    Some(a) => (Some(&a.chain), None),
                }
            };
            let quarantine = if sender_verified {
                quarantine
            } else {
                Some(Q_UNVERIFIED)
            };
            match check_segment(seg, i, keys) {
                Ok(c) => {
                    let quarantine = if c.beyond_retired_key {
                        Some(Q_RETIRED_KEY)
                    } else {
                        quarantine
                    };
                    checked.push((c, quarantine))
                }
                Err(BundleError::NeedsUpdate(v)) => newer = newer.or(Some(v)),
                Err(e) => return Err(e),
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
            return Err(BundleError::NeedsUpdate(v));
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
        let retired_key = o.retired_key;
        let mut manifest = o.manifest;
        if retired_key {
            // Whoever kept a retired key could sign a file today: it asks nothing of us and
            // claims nothing about what the sender holds. Its segments stand on their own.
            manifest.purge.clear();
            manifest.frontier.clear();
        }
        let learnt: Vec<site::KeyChain> = authors
            .into_values()
            .flatten()
            .map(|k| k.chain)
            .filter(site::KeyChain::learnt)
            .collect();
        let sender_site = o.header.sender;
        let sender_agency = o.sender.agency;
        let now = self.ambient.clock.now();
        // Tests of what happens when an import fails after every layer verified (a full disk, a
        // damaged database) make it fail here; debug builds only.
        #[cfg(debug_assertions)]
        if self.dir().join(super::TEST_FAULT).exists() {
            return Err(BundleError::Io {
                path: self.dir().join(super::TEST_FAULT),
                source: std::io::Error::other("a fault injected by a test after verification"),
            });
        }
        self.write(|tx| -> Result<_, BundleError> {
            for chain in &learnt {
                chain.complete()?;
                let n = chain.store_learnt(tx.conn(), now.as_millisecond())?;
                tx.audit(
                    "site.key-change",
                    Some(chain.site().to_string()),
                    Some(format!("{n} key change(s) learnt; key change {} in force", chain.epoch())),
                );
                summary.key_changes += n;
            }
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
                        });
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
}

/// Records what the sender holds (its frontier), so our next export sends only beyond.
/// The sender holds what it listed in its frontier and, for each segment it sent, at least up
/// to the segment's end.
fn learn_acks(
    tx: &mut Tx<'_>,
    sender: Uuid,
    manifest: &Manifest,
    sent: &[(String, Uuid, u64)],
) -> Result<usize, BundleError> {
    let mut stmt = tx.conn().prepare_cached(
        "INSERT INTO peer_ack (peer, site, scope, seq) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(peer, site, scope) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?;
    for (scope, site, seq) in manifest.frontier.iter().chain(sent) {
        stmt.execute(params![sender.as_bytes(), site.as_bytes(), scope, *seq as i64])?;
    }
    Ok(manifest.frontier.len() + sent.len())
}
