//! The search index's storage: one document per searchable record (search_doc) and its FTS5
//! trigram index (search_fts), kept in step with derived state inside the transaction that
//! changes it. What a document says is the business of the layer that knows what records mean
//! (`log::Document`); this module only keeps the index holding exactly the documents it is given.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// Removes every search document (before they are all written again).
pub fn clear(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("DELETE FROM search_doc; DELETE FROM search_fts;")
}

/// Search-index work of one transaction. Documents are written as entities are saved, but the
/// FTS5 index is updated only at the end, in one run of statements: FTS5 flushes its in-memory
/// batch to disk whenever another statement opens a savepoint, so interleaving the two turned
/// every insert into a tiny on-disk segment plus a merge (measured: 4× slower writes).
#[derive(Default)]
pub struct Batch {
    deletes: Vec<i64>,
    inserts: Vec<(i64, String)>,
}

impl Batch {
    /// Keeps an entity's search document in step with its state: `document` is what the
    /// entity's current state says, `fresh` that it has none stored yet.
    pub fn stage(
        &mut self,
        conn: &Connection,
        entity: Uuid,
        document: Option<(&'static str, String)>,
        fresh: bool,
    ) -> rusqlite::Result<()> {
        let Some((kind, text)) = document else {
            return Ok(());
        };
        let old: Option<(i64, String)> = if fresh {
            None
        } else {
            conn.prepare_cached("SELECT n, text FROM search_doc WHERE entity = ?1")?
                .query_row([entity.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
        };
        match old {
            Some((_, old_text)) if old_text == text => {}
            Some((n, _)) => {
                conn.prepare_cached("UPDATE search_doc SET text = ?2 WHERE n = ?1")?
                    .execute(params![n, text])?;
                self.deletes.push(n);
                self.inserts.push((n, text));
            }
            None => {
                let n: i64 = conn
                    .prepare_cached("INSERT INTO search_doc (entity, kind, text) VALUES (?1, ?2, ?3) RETURNING n")?
                    .query_row(params![entity.as_bytes(), kind, text], |r| r.get(0))?;
                self.inserts.push((n, text));
            }
        }
        Ok(())
    }

    /// Brings the FTS5 index up to date with everything staged.
    pub fn apply(self, conn: &Connection) -> rusqlite::Result<()> {
        if !self.deletes.is_empty() {
            let mut del = conn.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?;
            for n in &self.deletes {
                del.execute([n])?;
            }
        }
        if !self.inserts.is_empty() {
            let mut ins = conn.prepare_cached("INSERT INTO search_fts (rowid, text) VALUES (?1, ?2)")?;
            for (n, text) in &self.inserts {
                ins.execute(params![n, text])?;
            }
        }
        Ok(())
    }
}

/// Removes the search documents of every entity in a scope (before it is purged or rebuilt).
pub fn drop_scope(conn: &Connection, scope_id: i64) -> rusqlite::Result<()> {
    let ns: Vec<i64> = conn
        .prepare_cached("SELECT d.n FROM search_doc d JOIN entity e ON e.id = d.entity WHERE e.scope = ?1")?
        .query_map([scope_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for n in ns {
        conn.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
            .execute([n])?;
        conn.prepare_cached("DELETE FROM search_doc WHERE n = ?1")?
            .execute([n])?;
    }
    Ok(())
}
