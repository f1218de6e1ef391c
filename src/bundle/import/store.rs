//! A verified segment set against the log it would extend: it must continue the series held
//! (no gap, no second history, byte-identical where it overlaps, no reused op id) before its
//! new ops are queued for settling.

use crate::bundle::BundleError;
use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::{
    quarantine::{Q_EQUIVOCATION, Q_GAP, Q_LOCAL, Q_OP_ID_REUSED},
    verify::Checked,
};
use crate::{
    bundle::settle::{Incoming, Touched},
    log::{Hash32, OpKind, Tx},
};

pub(super) enum Stored {
    Ok {
        new: usize,
        known: usize,
    },
    Quarantine(Box<Checked>, &'static str),
    /// The first new op (this seq) names as its predecessor another op than the one held.
    Fork(Box<Checked>, u64),
}

/// Ops we already hold (stored, or queued earlier in this import) must be byte-identical;
/// returns the quarantine reason if not.
pub(super) fn compare_known(
    tx: &mut Tx<'_>,
    c: &Checked,
    stored_last: u64,
    touched: &Touched,
) -> Result<Option<&'static str>, BundleError> {
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
pub(super) fn store_segment(tx: &mut Tx<'_>, c: Checked, touched: &mut Touched) -> Result<Stored, BundleError> {
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
            // It would follow another op than the one held at seq − 1: its author signed two
            // histories of the series (seq 1 names no op before it; check_segment saw to that).
            let seq = h.seq;
            return Ok(Stored::Fork(Box::new(c), seq));
        }
        // An op id names one op. A second op with the same id cannot be stored beside the first
        // and must not stop the rest of the file (a relay may carry it unknowingly).
        if touched.op_ids.contains(&h.id)
            || tx
                .conn()
                .prepare_cached("SELECT 1 FROM op WHERE id = ?1")?
                .exists([h.id.as_bytes()])?
        {
            return Ok(Stored::Quarantine(Box::new(c), Q_OP_ID_REUSED));
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
        touched.op_ids.insert(h.id);
        touched.scopes.insert(h.scope);
        touched.entities.insert(h.entity);
        touched.max_hlc.push(h.hlc);
        if h.etype == "case" && h.kind == OpKind::Create {
            if let Some(p) = h.parent {
                touched.case_household.insert(h.entity, p);
            }
        }
        queue.push(Incoming::new(op));
    }
    Ok(Stored::Ok { new, known })
}
