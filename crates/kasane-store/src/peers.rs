//! What this vault knows of its peers' sites: which sites an agency has, how far this vault holds
//! each series of a site, and what a peer has acknowledged holding (so an export sends only the
//! rest). Plain bookkeeping over the store's tables; who a peer is and whether to trust it is
//! decided above.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::log::Scope;

/// Every site (card) of an agency, whatever its state.
pub fn sites_of_agency(conn: &Connection, agency: Uuid) -> rusqlite::Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached("SELECT site FROM card WHERE agency = ?1")?;
    let rows = stmt.query_map([agency.as_bytes()], |r| r.get::<_, Vec<u8>>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(Uuid::from_slice(&r?).unwrap_or_default());
    }
    Ok(out)
}

/// Forgets what a peer is known to hold of some scopes, so the next export resends them whole.
pub fn forget_acks(conn: &Connection, peer: Uuid, scopes: &[Scope]) -> rusqlite::Result<()> {
    for s in scopes {
        conn.prepare_cached("DELETE FROM peer_ack WHERE peer = ?1 AND scope = ?2")?
            .execute(params![peer.as_bytes(), s.to_string()])?;
    }
    Ok(())
}

/// How far we hold each series of one site: scope → last seq.
pub fn series_frontier_of(conn: &Connection, site: Uuid) -> rusqlite::Result<BTreeMap<String, u64>> {
    let mut stmt = conn
        .prepare_cached("SELECT s.name, r.last_seq FROM series r JOIN scope s ON s.id = r.scope WHERE r.site = ?1")?;
    let rows = stmt.query_map([site.as_bytes()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = BTreeMap::new();
    for r in rows {
        let (s, n) = r?;
        out.insert(s, n as u64);
    }
    Ok(out)
}
