//! What was received but not applied, and why: the reasons a segment is kept apart, keeping it
//! (raising the alert a forgery calls for), trying it again once its reason may have gone, and
//! listing everything held back. Nothing kept here is lost or applied unchecked.

use crate::bundle::BundleError;
use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::{
    inbox::UNVERIFIED_WAITING,
    store::{Stored, store_segment},
    verify::{Checked, check_segment},
};
use crate::{
    Vault, authority,
    bundle::{
        format::{self, Statement},
        settle::{self, Touched},
    },
    log::Tx,
    site,
};

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

/// Reasons a segment is kept in quarantine.
pub(super) const Q_UNKNOWN_AUTHOR: &str = "unknown-author";
pub(super) const Q_UNVERIFIED: &str = "unverified-sender";
pub(super) const Q_REVOKED: &str = "revoked-author";
/// Signed with a key its author retired, beyond what that key had signed: never applied.
pub(super) const Q_RETIRED_KEY: &str = "retired-key";
pub(super) const Q_EQUIVOCATION: &str = "equivocation";
pub(super) const Q_GAP: &str = "gap";
pub(super) const Q_LOCAL: &str = "local-scope";
/// An op whose id another op already has (a modified build reusing ids): kept apart, never stored.
pub(super) const Q_OP_ID_REUSED: &str = "op-id-reused";

fn explain(reason: &str) -> &'static str {
    match reason {
        Q_UNKNOWN_AUTHOR => "written by a site whose agency check file has not been imported",
        Q_UNVERIFIED => {
            "from a site whose agency check file is not verified yet; applied once the check number is compared"
        }
        Q_REVOKED => "written by a revoked site after it was revoked",
        Q_RETIRED_KEY => {
            "signed with a key the author replaced, for operations it had not written when it replaced it: someone may hold the old key; alert the partner"
        }
        Q_EQUIVOCATION => "the author sent two different versions of the same operations: alert the partner",
        Q_GAP => "earlier operations of this series have not arrived yet; applied when they do",
        Q_LOCAL => "internal items must never leave their PC; refused",
        Q_OP_ID_REUSED => "an operation reuses the id of another operation: a forgery or a fault; alert the partner",
        authority::HOLD_NOT_SHARED => "the agency was never given this case (or not at that time)",
        authority::HOLD_OUTSIDE_REMIT => {
            "a share under a law whose conferences are for some people only (children, older people, people in hardship), of a case whose records do not show it is one; applied once they do"
        }
        authority::HOLD_DISCLOSURE_ENDED => {
            "written after the agency's access to a case disclosed for a meeting ended: refused"
        }
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
        authority::HOLD_NOT_ON_ROSTER => {
            "a meeting or a share naming an agency that is not on the conference's roster (構成員名簿) that day; applied once the roster includes it"
        }
        _ => "not applied",
    }
}

impl Vault {
    /// Tries again every quarantined segment whose reason may have gone away (a card imported
    /// or verified, an earlier segment arrived). Returns how many were applied.
    pub fn retry_quarantine(&mut self) -> Result<usize, BundleError> {
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
                let revoked_beyond = author.revoked && st.last > author.allowed_after_revocation(&st.scope.to_string());
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
                let Ok(c) = check_segment(seg, 0, Some(&author.chain)) else {
                    continue;
                };
                if c.beyond_retired_key {
                    continue;
                }
                let parties = settle::parties(&self.conn, me)?;
                let applied = self.write(|tx| -> Result<_, BundleError> {
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

    /// Everything received but not applied, with the reason.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>, BundleError> {
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

pub(super) fn quarantine_segment(
    tx: &mut Tx<'_>,
    bundle: Uuid,
    c: &Checked,
    reason: &str,
    at: i64,
) -> Result<(), BundleError> {
    let st = &c.statement;
    tx.conn().execute(
        "INSERT INTO quarantine (bundle, author, scope, first, last, reason, detail, segment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![bundle.as_bytes(), st.site.as_bytes(), st.scope.to_string(), st.first as i64, st.last as i64, reason, explain(reason), format::encode_segment(&c.wire()), at],
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
