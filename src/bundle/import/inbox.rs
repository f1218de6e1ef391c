//! The inbox folder: a file is copied there before it is read and stays until what became of
//! it is recorded (applied, refused, waiting for an update or a verified card, or failed), so a
//! crash or a failure loses nothing and a retry starts again from the file.

use std::{
    fs,
    path::{Path, PathBuf},
};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::{ImportStatus, ImportSummary, quarantine::Q_UNVERIFIED};
use crate::vault::test_pause;
use crate::{
    Vault,
    bundle::{BundleError, export::Progress, format},
    durable,
};

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

/// Inbox status of a file from a sender whose card is not verified: authenticated, not decrypted.
pub(super) const UNVERIFIED_WAITING: &str = "unverified";

impl Vault {
    fn inbox_dir(&self) -> PathBuf {
        self.dir().join("inbox")
    }

    pub(super) fn bundle_done(&self, bundle: Uuid) -> Result<bool, BundleError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM inbox WHERE bundle = ?1 AND status IN ('applied', 'quarantined')")?
            .exists([bundle.as_bytes()])?)
    }

    /// Imports a bundle file: copies it into the inbox, verifies, applies. A refused bundle
    /// changes nothing but the inbox record of its refusal.
    pub fn import_bundle(
        &mut self,
        path: &Path,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportSummary, BundleError> {
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
        let summary = self.process_inbox_file(&name, progress)?;
        // A case disclosed for a meeting whose period is already over is not kept.
        self.end_lapsed_shares()?;
        Ok(summary)
    }

    /// Retries the bundles left in the inbox: those whose import was interrupted (a crash), and
    /// those waiting for a newer Kasane once Kasane was updated. A bundle whose import failed
    /// (status `failed`) is not retried here, only when someone asks ([`Vault::retry_inbox`]).
    pub fn process_inbox(&mut self) -> Result<Vec<Result<ImportSummary, BundleError>>, BundleError> {
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
    pub fn retry_inbox(
        &mut self,
        file: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportSummary, BundleError> {
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
    ) -> Result<(), BundleError> {
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
    fn process_inbox_file(
        &mut self,
        name: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportSummary, BundleError> {
        let path = self.inbox_dir().join(name);
        let bytes = fs::read(&path).map_err(|source| BundleError::Io {
            path: path.clone(),
            source,
        })?;
        let header = format::split_outer(&bytes).ok().map(|o| o.header);
        // Nothing is decrypted for a sender whose check number nobody has compared yet: the file
        // waits in the inbox, authenticated, until the card is verified (which imports it).
        if let Ok((outer, sender, _)) = self.check_outer(&bytes) {
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
            Err(BundleError::NeedsUpdate(v)) => {
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
                if let BundleError::KeyChange(crate::site::RotationError::Conflict(site)) = &e {
                    self.audit_now(
                        "alert.key-conflict",
                        Some(site.to_string()),
                        Some("two different key changes for the same step".into()),
                    )?;
                }
                if let BundleError::Fork { site, scope, seq, .. } = &e {
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

    /// Imports the files that waited in the inbox for `site`'s card to be verified.
    pub(crate) fn import_waiting_from(&mut self, site: Uuid) -> Result<(), BundleError> {
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

    /// Bundles received and what became of them, newest first.
    pub fn inbox(&self) -> Result<Vec<InboxEntry>, BundleError> {
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
}
