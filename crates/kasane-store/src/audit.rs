//! The audit trail: who unlocked, viewed, changed, exported or imported what, and when. Rows form
//! a hash chain (each covers the one before), so editing or deleting a row is detected by
//! `verify`. It records ids and actions, not the personal data itself.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::hash::Hash32;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("the audit trail has been altered at entry {seq}: {why}")]
    Broken { seq: i64, why: &'static str },
    #[error("database error in the audit trail: {0}")]
    Db(#[from] rusqlite::Error),
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub worker: Option<Uuid>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}

fn entry_hash(prev: &Hash32, e: &AuditEntry) -> Hash32 {
    let mut h = blake3::Hasher::new_derive_key("kasane audit entry v1");
    h.update(&prev.0);
    h.update(&e.seq.to_le_bytes());
    h.update(&e.at.as_millisecond().to_le_bytes());
    h.update(e.worker.map(|w| *w.as_bytes()).unwrap_or([0; 16]).as_slice());
    // Length prefixes keep ("ab","c") and ("a","bc") apart.
    for s in [Some(e.action.as_str()), e.target.as_deref(), e.detail.as_deref()] {
        match s {
            Some(s) => {
                h.update(&[1]);
                h.update(&(s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => {
                h.update(&[0]);
            }
        }
    }
    Hash32(*h.finalize().as_bytes())
}

pub fn append(
    conn: &Connection,
    at: Timestamp,
    worker: Option<Uuid>,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
) -> Result<(), AuditError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, Hash32::from_slice(&h).unwrap_or_default()),
        None => (1, Hash32::ZERO),
    };
    let e = AuditEntry {
        seq,
        at,
        worker,
        action: action.to_string(),
        target: target.map(str::to_string),
        detail: detail.map(str::to_string),
    };
    let hash = entry_hash(&prev, &e);
    conn.prepare_cached(
        "INSERT INTO audit (seq, at, worker, action, target, detail, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        seq,
        at.as_millisecond(),
        worker.map(|w| w.as_bytes().to_vec()),
        action,
        target,
        detail,
        prev.0,
        hash.0
    ])?;
    Ok(())
}

/// Every entry, oldest first, after checking the whole chain.
pub fn read_verified(conn: &Connection) -> Result<Vec<AuditEntry>, AuditError> {
    let mut stmt =
        conn.prepare("SELECT seq, at, worker, action, target, detail, prev, hash FROM audit ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            AuditEntry {
                seq: r.get(0)?,
                at: Timestamp::from_millisecond(r.get(1)?).unwrap_or(Timestamp::UNIX_EPOCH),
                worker: r.get::<_, Option<Vec<u8>>>(2)?.and_then(|b| Uuid::from_slice(&b).ok()),
                action: r.get(3)?,
                target: r.get(4)?,
                detail: r.get(5)?,
            },
            r.get::<_, Vec<u8>>(6)?,
            r.get::<_, Vec<u8>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    let mut expect_prev = Hash32::ZERO;
    for (expect_seq, row) in (1i64..).zip(rows) {
        let (e, prev, hash) = row?;
        if e.seq != expect_seq {
            return Err(AuditError::Broken {
                seq: e.seq,
                why: "an entry before it is missing",
            });
        }
        if prev != expect_prev.0 {
            return Err(AuditError::Broken {
                seq: e.seq,
                why: "it does not follow the entry before it",
            });
        }
        let h = entry_hash(&expect_prev, &e);
        if hash != h.0 {
            return Err(AuditError::Broken {
                seq: e.seq,
                why: "its contents were changed",
            });
        }
        expect_prev = h;
        out.push(e);
    }
    Ok(out)
}
