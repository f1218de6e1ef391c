//! Schema migrations: the SQL files of migrations/, embedded at build time, applied forward-only
//! in order, each in its own transaction with `user_version`. A database from a newer build is
//! refused, never opened half-understood.

use rusqlite::Connection;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "these case records were written by a newer version of Kasane (schema {found}, this version knows up to {supported}); update Kasane to open them"
    )]
    Newer { found: u32, supported: u32 },
    #[error("upgrading the case records to schema {version} ({name}) failed: {source}")]
    Step {
        version: u32,
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("reading the schema version failed: {0}")]
    Db(#[from] rusqlite::Error),
}

pub fn version(conn: &Connection) -> Result<u32, MigrateError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Brings the schema up to `target` (normally `latest()`); returns the version found.
pub fn upgrade_to(conn: &mut Connection, target: u32) -> Result<u32, MigrateError> {
    let found = version(conn)?;
    if found > latest() {
        return Err(MigrateError::Newer {
            found,
            supported: latest(),
        });
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found && m.0 <= target) {
        let step = |source| MigrateError::Step { version, name, source };
        let tx = conn.transaction().map_err(step)?;
        tx.execute_batch(sql).map_err(step)?;
        tx.pragma_update(None, "user_version", version).map_err(step)?;
        tx.commit().map_err(step)?;
    }
    Ok(found)
}
