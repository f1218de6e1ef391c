//! The operation log: every change is an op in a (site, scope) series with contiguous sequence
//! numbers and a hash chain; current state is derived from the ops (see `state`), inside the same
//! transaction that stores them, so the log and the state never disagree.

mod hlc;
mod op;
mod scope;
mod state;

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use crate::hash::Hash32;
pub use hlc::Hlc;
pub use op::{Header, OP_VERSION, Op, OpError, OpKind, header_hash};
pub use scope::{Scope, ScopeParseError, record_id, root_id};
pub use state::{EntityState, LiveValue, OpRef};

use crate::{
    audit::{self, AuditError},
    clock::Ambient,
    index,
};

/// The search document of a record, as (kind, folded text), or None for records that are not
/// searched. Given by the layer that knows what records mean; the log stages it whenever a
/// record's state changes.
pub type Document = fn(&EntityState) -> Option<(&'static str, String)>;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("record {0} does not exist in these case records")]
    NoSuchEntity(Uuid),
    #[error("record {id} is a {found}, not a {expected}")]
    WrongType {
        id: Uuid,
        expected: &'static str,
        found: String,
    },
    #[error(transparent)]
    Op(#[from] OpError),
    #[error("stored state of record {0} is damaged: {1}")]
    StateDamaged(Uuid, serde_json::Error),
    #[error("database error in the operation log: {0}")]
    Db(#[from] rusqlite::Error),
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// Who writes: this site, as this worker.
#[derive(Debug, Clone, Copy)]
pub struct Author {
    pub site: Uuid,
    pub worker: Uuid,
}

#[derive(Debug, Clone, Copy)]
struct SeriesHead {
    id: i64,
    last_seq: u64,
    head: Hash32,
    dirty: bool,
}

/// Where this site's next op in a scope goes: its series (site, scope) and the series' row id.
#[derive(Clone, Copy)]
struct NextSlot {
    site: Uuid,
    scope_id: i64,
    series: i64,
}

struct Cached {
    state: EntityState,
    dirty: bool,
    /// Not yet in the `entity` table: insert without looking for an old search document.
    fresh: bool,
}

/// A write transaction over the log. Ops are stored as they are made; derived state, series
/// heads and search documents are written on commit. Dropping without commit rolls back all.
pub struct Tx<'v> {
    tx: Transaction<'v>,
    author: Author,
    ambient: &'v Ambient,
    hlc: &'v mut Hlc,
    scopes: HashMap<Scope, i64>,
    series: HashMap<(Uuid, i64), SeriesHead>,
    entities: HashMap<Uuid, Cached>,
    /// Entities written to the table by `flush` whose search documents wait for commit:
    /// id → (scope, no search document yet).
    unindexed: HashMap<Uuid, (Scope, bool)>,
    audit: Vec<(String, Option<String>, Option<String>)>,
    document: Document,
}

impl<'v> Tx<'v> {
    pub fn new(
        tx: Transaction<'v>,
        author: Author,
        ambient: &'v Ambient,
        hlc: &'v mut Hlc,
        document: Document,
    ) -> Self {
        Tx {
            tx,
            author,
            ambient,
            hlc,
            scopes: HashMap::new(),
            series: HashMap::new(),
            entities: HashMap::new(),
            unindexed: HashMap::new(),
            audit: Vec::new(),
            document,
        }
    }

    pub fn ambient(&self) -> &Ambient {
        self.ambient
    }

    /// Creates a new record in `scope` with its first fields; returns its id, which is derived
    /// from this op's place in its series ([`record_id`]).
    pub fn create(
        &mut self,
        scope: Scope,
        etype: &str,
        parent: Option<Uuid>,
        fields: Map<String, Value>,
    ) -> Result<Uuid, LogError> {
        let scope_id = self.scope_id(scope)?;
        let next = self.series_head(self.author.site, scope_id)?.last_seq + 1;
        let id = record_id(scope, self.author.site, next);
        self.create_with_id(id, scope, etype, parent, fields)?;
        Ok(id)
    }

    /// Creates the root record of a new scope — a household, a case or a meeting — whose id is
    /// the scope's id, derived from this op ([`root_id`]). Returns the id.
    pub fn create_root(
        &mut self,
        etype: &'static str,
        parent: Option<Uuid>,
        fields: Map<String, Value>,
    ) -> Result<Uuid, LogError> {
        let op = self.ambient.uuid_v7();
        let id = root_id(etype, self.author.site, op);
        let scope = match etype {
            "household" => Scope::Household(id),
            "case" => Scope::Case(id),
            _ => Scope::Conference(id),
        };
        self.new_scope(scope)?;
        self.remember_new(id, scope);
        self.write_op(op, scope, OpKind::Create, etype, id, parent, Vec::new(), fields)?;
        Ok(id)
    }

    /// For records whose id is fixed by what they describe: this agency's own directory entry,
    /// a site, a worker, a share (one per case and agency). Everything else uses `create`.
    pub fn create_with_id(
        &mut self,
        id: Uuid,
        scope: Scope,
        etype: &str,
        parent: Option<Uuid>,
        fields: Map<String, Value>,
    ) -> Result<(), LogError> {
        self.remember_new(id, scope);
        self.write(scope, OpKind::Create, etype, id, parent, Vec::new(), fields)
    }

    fn remember_new(&mut self, id: Uuid, scope: Scope) {
        self.entities.insert(
            id,
            Cached {
                state: EntityState::new(id, scope),
                dirty: true,
                fresh: true,
            },
        );
    }

    /// Sets fields of an existing entity. The op supersedes every live value of those fields,
    /// so writing a field that is in conflict resolves the conflict.
    pub fn set(&mut self, id: Uuid, fields: Map<String, Value>) -> Result<(), LogError> {
        if fields.is_empty() {
            return Ok(());
        }
        let state = self.entity(id)?.ok_or(LogError::NoSuchEntity(id))?;
        let mut prev: Vec<Uuid> = Vec::new();
        for f in fields.keys() {
            for p in state.live_ids(f) {
                if !prev.contains(&p) {
                    prev.push(p);
                }
            }
        }
        let (scope, etype) = (state.scope, state.etype.clone());
        self.write(scope, OpKind::Set, &etype, id, None, prev, fields)
    }

    /// Current state of an entity (as of this transaction), or None.
    pub fn entity(&mut self, id: Uuid) -> Result<Option<&EntityState>, LogError> {
        if !self.entities.contains_key(&id) {
            match load_entity(&self.tx, id)? {
                Some(state) => {
                    self.entities.insert(
                        id,
                        Cached {
                            state,
                            dirty: false,
                            fresh: false,
                        },
                    );
                }
                None => return Ok(None),
            }
        }
        Ok(self.entities.get(&id).map(|c| &c.state))
    }

    /// Entity of a given type, or a precise error.
    pub fn expect(&mut self, id: Uuid, etype: &'static str) -> Result<&EntityState, LogError> {
        let st = self.entity(id)?.ok_or(LogError::NoSuchEntity(id))?;
        if st.etype != etype {
            return Err(LogError::WrongType {
                id,
                expected: etype,
                found: st.etype.clone(),
            });
        }
        Ok(st)
    }

    /// Records an audit entry that commits (or not) with this transaction.
    pub fn audit(&mut self, action: &str, target: Option<String>, detail: Option<String>) {
        self.audit.push((action.to_string(), target, detail));
    }

    #[allow(clippy::too_many_arguments)]
    fn write(
        &mut self,
        scope: Scope,
        kind: OpKind,
        etype: &str,
        entity: Uuid,
        parent: Option<Uuid>,
        prev: Vec<Uuid>,
        fields: Map<String, Value>,
    ) -> Result<(), LogError> {
        let op = self.ambient.uuid_v7();
        self.write_op(op, scope, kind, etype, entity, parent, prev, fields)
    }

    #[allow(clippy::too_many_arguments)]
    fn write_op(
        &mut self,
        op_id: Uuid,
        scope: Scope,
        kind: OpKind,
        etype: &str,
        entity: Uuid,
        parent: Option<Uuid>,
        prev: Vec<Uuid>,
        fields: Map<String, Value>,
    ) -> Result<(), LogError> {
        let (series, header) = self.next_header(op_id, scope, kind, etype, entity, parent, prev)?;
        let op = Op::seal(header, &fields);
        self.store_own(series, &op.header, &op.header_bytes, op.body.as_deref(), op.hash)?;
        self.apply(&op.header, &fields)
    }

    /// Stores an op as a modified build could write it: the header made as usual for this site,
    /// then changed by `edit` (any field), with `body` as the body bytes (its hash set to match).
    /// Never applied here; signed like any op of this site when exported. For tests of what
    /// partners' vaults refuse.
    #[cfg(feature = "testing")]
    #[allow(clippy::too_many_arguments)]
    pub fn write_crafted(
        &mut self,
        scope: Scope,
        kind: OpKind,
        etype: &str,
        entity: Uuid,
        parent: Option<Uuid>,
        edit: &mut dyn FnMut(&mut Value),
        body: Vec<u8>,
    ) -> Result<Uuid, LogError> {
        let op_id = self.ambient.uuid_v7();
        let (series, header) = self.next_header(op_id, scope, kind, etype, entity, parent, Vec::new())?;
        let header = Header {
            body: op::body_hash(&body),
            ..header
        };
        let mut json = serde_json::to_value(&header).map_err(|e| LogError::StateDamaged(entity, e))?;
        edit(&mut json);
        let header_bytes = serde_json::to_vec(&json).map_err(|e| LogError::StateDamaged(entity, e))?;
        let hash = header_hash(&header_bytes);
        // An edited op id is kept as the row's id too (a crafted create chooses its own).
        let header = match serde_json::from_value::<Header>(json) {
            Ok(h) => Header { id: h.id, ..header },
            Err(_) => header,
        };
        self.store_own(series, &header, &header_bytes, Some(&body), hash)?;
        Ok(header.id)
    }

    /// The header of this site's next op in `scope`: the next seq, chained to the series head, at
    /// a clock tick. Returns the series row with it. The body hash is left for the caller to seal.
    #[allow(clippy::too_many_arguments)]
    fn next_header(
        &mut self,
        op_id: Uuid,
        scope: Scope,
        kind: OpKind,
        etype: &str,
        entity: Uuid,
        parent: Option<Uuid>,
        prev: Vec<Uuid>,
    ) -> Result<(NextSlot, Header), LogError> {
        let scope_id = self.scope_id(scope)?;
        let site = self.author.site;
        let head = self.series_head(site, scope_id)?;
        let now_ms = self.ambient.clock.now().as_millisecond().max(0) as u64;
        *self.hlc = self.hlc.tick(now_ms);
        let header = Header {
            v: OP_VERSION,
            id: op_id,
            site,
            scope,
            seq: head.last_seq + 1,
            hlc: *self.hlc,
            chain: head.head,
            kind,
            etype: etype.to_string(),
            entity,
            parent,
            prev,
            by: self.author.worker,
            body: Hash32::ZERO,
        };
        Ok((
            NextSlot {
                site,
                scope_id,
                series: head.id,
            },
            header,
        ))
    }

    /// Stores one of this site's ops as the next of its series and moves the series head to it.
    fn store_own(
        &mut self,
        slot: NextSlot,
        header: &Header,
        header_bytes: &[u8],
        body: Option<&[u8]>,
        hash: Hash32,
    ) -> Result<(), LogError> {
        self.tx
            .prepare_cached(
                "INSERT INTO op (id, series, seq, hlc, entity, header, body, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                header.id.as_bytes(),
                slot.series,
                header.seq as i64,
                header.hlc.raw() as i64,
                header.entity.as_bytes(),
                header_bytes,
                body,
                hash.0,
            ])?;
        self.series.insert(
            (slot.site, slot.scope_id),
            SeriesHead {
                id: slot.series,
                last_seq: header.seq,
                head: hash,
                dirty: true,
            },
        );
        Ok(())
    }

    /// Folds an op (already stored) into the derived state of its entity.
    pub(crate) fn apply(&mut self, header: &Header, fields: &Map<String, Value>) -> Result<(), LogError> {
        self.apply_in(header, fields, false)
    }

    /// `apply`, told whether the op's scope held nothing before this transaction: then its
    /// entities cannot be in the table yet, and looking for them is skipped.
    pub fn apply_in(&mut self, header: &Header, fields: &Map<String, Value>, new_scope: bool) -> Result<(), LogError> {
        let id = header.entity;
        let known = if new_scope {
            self.entities.contains_key(&id)
        } else {
            self.entity(id)?.is_some()
        };
        if !known {
            self.entities.insert(
                id,
                Cached {
                    state: EntityState::new(id, header.scope),
                    dirty: true,
                    fresh: true,
                },
            );
        }
        let Some(mut cached) = self.entities.remove(&id) else {
            return Err(LogError::NoSuchEntity(id));
        };
        let tx = &self.tx;
        let mut failure = None;
        let mut seen = |op_id: Uuid| -> bool {
            let r = tx
                .prepare_cached("SELECT 1 FROM op WHERE id = ?1 AND held IS NULL")
                .and_then(|mut s| s.exists([op_id.as_bytes()]));
            r.unwrap_or_else(|e| {
                failure = Some(e);
                false
            })
        };
        cached.state.apply(header, fields, &mut seen);
        cached.dirty = true;
        self.entities.insert(id, cached);
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// The site this transaction writes as.
    pub fn site(&self) -> Uuid {
        self.author.site
    }

    pub fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }

    /// Moves our clock past a timestamp seen on import (within the drift limit).
    pub fn observe(&mut self, remote: Hlc) {
        let now_ms = self.ambient.clock.now().as_millisecond().max(0) as u64;
        *self.hlc = self.hlc.observe(remote, now_ms);
    }

    /// The last seq and head hash of a series, 0 and zeros when we hold none of it.
    pub fn series_state(&mut self, site: Uuid, scope: Scope) -> Result<(u64, Hash32), LogError> {
        let scope_id = self.scope_id(scope)?;
        let h = self.series_head(site, scope_id)?;
        Ok((h.last_seq, h.head))
    }

    /// Stores an op received from another site at the end of its series. The caller has checked
    /// that it continues the series (seq and chain). `held` is why it is not applied, or None.
    pub fn store_remote(&mut self, op: &Op, held: Option<&str>) -> Result<(), LogError> {
        let scope_id = self.scope_id(op.header.scope)?;
        let head = self.series_head(op.header.site, scope_id)?;
        self.tx
            .prepare_cached(
                "INSERT INTO op (id, series, seq, hlc, entity, header, body, hash, held) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                op.header.id.as_bytes(),
                head.id,
                op.header.seq as i64,
                op.header.hlc.raw() as i64,
                op.header.entity.as_bytes(),
                op.header_bytes,
                op.body,
                op.hash.0,
                held,
            ])?;
        self.series.insert(
            (op.header.site, scope_id),
            SeriesHead {
                id: head.id,
                last_seq: op.header.seq,
                head: op.hash,
                dirty: true,
            },
        );
        Ok(())
    }

    /// The series row id of (site, scope), creating it if needed.
    pub fn series_id(&mut self, site: Uuid, scope: Scope) -> Result<i64, LogError> {
        let scope_id = self.scope_id(scope)?;
        Ok(self.series_head(site, scope_id)?.id)
    }

    /// Drops cached state of every entity in `scope` (after the caller rewrote it in SQL).
    pub(crate) fn forget_scope(&mut self, scope: Scope) {
        self.entities.retain(|_, c| c.state.scope != scope);
        self.unindexed.retain(|_, (s, _)| *s != scope);
    }

    /// Writes derived state changed so far to the `entity` table, so SQL queries later in this
    /// transaction see it. Search documents still wait for commit.
    pub fn flush(&mut self) -> Result<(), LogError> {
        let dirty: Vec<Uuid> = self
            .entities
            .iter()
            .filter(|(_, c)| c.dirty)
            .map(|(id, _)| *id)
            .collect();
        for id in dirty {
            let Some(c) = self.entities.get(&id) else { continue };
            let (scope, fresh) = (c.state.scope, c.fresh);
            let scope_id = self.scope_id(scope)?;
            if let Some(c) = self.entities.get_mut(&id) {
                save_entity(&self.tx, &c.state, scope_id)?;
                c.dirty = false;
            }
            let e = self.unindexed.entry(id).or_insert((scope, fresh));
            e.1 |= fresh;
        }
        Ok(())
    }

    /// Throws away the derived state of one scope and derives it again from `ops` (the
    /// authorised ops of the scope, any order). Used when an op once applied is no longer
    /// authorised, or purged bodies came back.
    pub fn rebuild_scope(&mut self, scope: Scope, ops: &[(Header, Map<String, Value>)]) -> Result<(), LogError> {
        let scope_id = self.scope_id(scope)?;
        self.forget_scope(scope);
        index::drop_scope(&self.tx, scope_id)?;
        self.tx.execute("DELETE FROM entity WHERE scope = ?1", [scope_id])?;
        let mut states: HashMap<Uuid, EntityState> = HashMap::new();
        let mut applied: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
        let mut sorted: Vec<&(Header, Map<String, Value>)> = ops.iter().collect();
        sorted.sort_by_key(|(h, _)| (h.hlc, h.site, h.id));
        for (h, f) in sorted {
            let st = states
                .entry(h.entity)
                .or_insert_with(|| EntityState::new(h.entity, h.scope));
            let mut seen = |id: Uuid| applied.contains(&id);
            st.apply(h, f, &mut seen);
            applied.insert(h.id);
        }
        for (id, state) in states {
            self.entities.insert(
                id,
                Cached {
                    state,
                    dirty: true,
                    fresh: true,
                },
            );
        }
        Ok(())
    }

    /// Erases the bodies of every op of a scope and its derived state; headers and hashes stay,
    /// so chains and signatures still verify. Returns how many bodies were erased.
    pub fn purge_scope(&mut self, scope: Scope) -> Result<usize, LogError> {
        let scope_id = self.scope_id(scope)?;
        self.forget_scope(scope);
        index::drop_scope(&self.tx, scope_id)?;
        self.tx.execute("DELETE FROM entity WHERE scope = ?1", [scope_id])?;
        let n = self.tx.execute(
            "UPDATE op SET body = NULL WHERE body IS NOT NULL AND series IN (SELECT id FROM series WHERE scope = ?1)",
            [scope_id],
        )?;
        Ok(n)
    }

    pub fn scope_id(&mut self, scope: Scope) -> Result<i64, LogError> {
        if let Some(&id) = self.scopes.get(&scope) {
            return Ok(id);
        }
        let name = scope.to_string();
        let existing: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM scope WHERE name = ?1")?
            .query_row([&name], |r| r.get(0))
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => self
                .tx
                .prepare_cached("INSERT INTO scope (name) VALUES (?1) RETURNING id")?
                .query_row([&name], |r| r.get(0))?,
        };
        self.scopes.insert(scope, id);
        Ok(id)
    }

    /// Registers a scope that cannot exist yet (its id derives from an op made just now) with
    /// this site's empty series in it, without first looking for either: a household or case
    /// created meant two lookups that always missed. Should the scope exist after all, the
    /// unique name refuses the insert and the transaction fails; nothing is overwritten.
    fn new_scope(&mut self, scope: Scope) -> Result<(), LogError> {
        let site = self.author.site;
        let scope_id: i64 = self
            .tx
            .prepare_cached("INSERT INTO scope (name) VALUES (?1) RETURNING id")?
            .query_row([scope.to_string()], |r| r.get(0))?;
        let series: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO series (site, scope, last_seq, head_hash) VALUES (?1, ?2, 0, ?3) RETURNING id",
            )?
            .query_row(params![site.as_bytes(), scope_id, Hash32::ZERO.0], |r| r.get(0))?;
        self.scopes.insert(scope, scope_id);
        self.series.insert(
            (site, scope_id),
            SeriesHead {
                id: series,
                last_seq: 0,
                head: Hash32::ZERO,
                dirty: false,
            },
        );
        Ok(())
    }

    fn series_head(&mut self, site: Uuid, scope_id: i64) -> Result<SeriesHead, LogError> {
        if let Some(h) = self.series.get(&(site, scope_id)) {
            return Ok(*h);
        }
        let existing = self
            .tx
            .prepare_cached("SELECT id, last_seq, head_hash FROM series WHERE site = ?1 AND scope = ?2")?
            .query_row(params![site.as_bytes(), scope_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?))
            })
            .optional()?;
        let head = match existing {
            Some((id, last, hash)) => SeriesHead {
                id,
                last_seq: last as u64,
                head: Hash32::from_slice(&hash).unwrap_or_default(),
                dirty: false,
            },
            None => {
                let id: i64 = self
                    .tx
                    .prepare_cached(
                        "INSERT INTO series (site, scope, last_seq, head_hash) VALUES (?1, ?2, 0, ?3) RETURNING id",
                    )?
                    .query_row(params![site.as_bytes(), scope_id, Hash32::ZERO.0], |r| r.get(0))?;
                SeriesHead {
                    id,
                    last_seq: 0,
                    head: Hash32::ZERO,
                    dirty: false,
                }
            }
        };
        self.series.insert((site, scope_id), head);
        Ok(head)
    }

    /// Writes derived state, series heads, search documents and audit entries, then commits.
    pub fn commit(mut self) -> Result<(), LogError> {
        for ((_, _), h) in self.series.iter().filter(|(_, h)| h.dirty) {
            self.tx
                .prepare_cached("UPDATE series SET last_seq = ?1, head_hash = ?2 WHERE id = ?3")?
                .execute(params![h.last_seq as i64, h.head.0, h.id])?;
        }
        let entities = std::mem::take(&mut self.entities);
        let unindexed = std::mem::take(&mut self.unindexed);
        let mut index = index::Batch::default();
        for (id, c) in entities {
            let flushed = unindexed.get(&id).map(|(_, fresh)| *fresh);
            if c.dirty {
                let scope_id = self.scope_id(c.state.scope)?;
                save_entity(&self.tx, &c.state, scope_id)?;
            }
            if c.dirty || flushed.is_some() {
                index.stage(
                    &self.tx,
                    c.state.id,
                    (self.document)(&c.state),
                    c.fresh || flushed.unwrap_or(false),
                )?;
            }
        }
        index.apply(&self.tx)?;
        self.tx
            .prepare_cached("INSERT INTO vault_meta (key, value) VALUES ('hlc', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?
            .execute([self.hlc.raw() as i64])?;
        let now = self.ambient.clock.now();
        for (action, target, detail) in std::mem::take(&mut self.audit) {
            audit::append(
                &self.tx,
                now,
                Some(self.author.worker),
                &action,
                target.as_deref(),
                detail.as_deref(),
            )?;
        }
        self.tx.commit()?;
        Ok(())
    }
}

/// One parent's records of a type (a household's members, a case's notes). A statement of its
/// own, not one with `?2 IS NULL OR parent = ?2`: SQLite plans a statement once, and that form can
/// only use the by-type index, so one household's members meant reading every person in the
/// vault (a meeting's 40 prep packs took 10 s). The engine's tests check its query plan.
pub const LOAD_BY_PARENT_SQL: &str = "SELECT e.id, e.etype, s.name, e.parent, e.created, e.fields, e.meta
     FROM entity e JOIN scope s ON s.id = e.scope WHERE e.parent = ?2 AND e.etype = ?1";
const LOAD_BY_TYPE_SQL: &str = "SELECT e.id, e.etype, s.name, e.parent, e.created, e.fields, e.meta
     FROM entity e JOIN scope s ON s.id = e.scope WHERE e.etype = ?1 AND ?2 IS NULL";

/// Loads every entity of a type (optionally under one parent), with its scope.
pub fn load_all(conn: &rusqlite::Connection, etype: &str, parent: Option<Uuid>) -> Result<Vec<EntityState>, LogError> {
    let mut stmt = conn.prepare_cached(match parent {
        Some(_) => LOAD_BY_PARENT_SQL,
        None => LOAD_BY_TYPE_SQL,
    })?;
    let rows = stmt.query_map(rusqlite::params![etype, parent.map(|p| p.as_bytes().to_vec())], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<Vec<u8>>>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, etype, scope, parent, created, fields, meta) = row?;
        let id = Uuid::from_slice(&id).unwrap_or_default();
        out.push(state_from_row(id, etype, &scope, parent, created, &fields, &meta)?);
    }
    Ok(out)
}

/// One entity's shown fields read as `T`, with what lists need besides: its id, its parent, and
/// whether any field has differing entries.
#[derive(Debug, Clone)]
pub struct Scanned<T> {
    pub id: Uuid,
    pub parent: Option<Uuid>,
    pub conflicted: bool,
    pub fields: T,
}

/// Reads the shown fields of every entity of a type as `T`, straight from the stored JSON: no
/// metadata, no intermediate map. For reads over a whole type that need a few fields (lists,
/// ranking, counting); a record whose fields do not read as `T` is left out, as lists leave out
/// what they cannot read.
pub fn scan_fields<T: serde::de::DeserializeOwned>(
    conn: &rusqlite::Connection,
    etype: &str,
) -> Result<Vec<Scanned<T>>, LogError> {
    let mut stmt = conn.prepare_cached("SELECT id, parent, conflicted, fields FROM entity WHERE etype = ?1")?;
    let mut rows = stmt.query([etype])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let Some(fields) = r
            .get_ref(3)?
            .as_str()
            .ok()
            .and_then(|f| serde_json::from_str::<T>(f).ok())
        else {
            continue;
        };
        let blob = |i: usize| -> Result<Option<Uuid>, rusqlite::Error> {
            Ok(r.get_ref(i)?.as_blob().ok().and_then(|b| Uuid::from_slice(b).ok()))
        };
        out.push(Scanned {
            id: blob(0)?.unwrap_or_default(),
            parent: blob(1)?,
            conflicted: r.get::<_, i64>(2)? != 0,
            fields,
        });
    }
    Ok(out)
}

pub fn load_entity(conn: &rusqlite::Connection, id: Uuid) -> Result<Option<EntityState>, LogError> {
    let row = conn
        .prepare_cached(
            "SELECT e.etype, s.name, e.parent, e.created, e.fields, e.meta FROM entity e JOIN scope s ON s.id = e.scope WHERE e.id = ?1",
        )?
        .query_row([id.as_bytes()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((etype, scope, parent, created, fields, meta)) = row else {
        return Ok(None);
    };
    state_from_row(id, etype, &scope, parent, created, &fields, &meta).map(Some)
}

pub fn state_from_row(
    id: Uuid,
    etype: String,
    scope: &str,
    parent: Option<Vec<u8>>,
    created: Option<i64>,
    fields: &str,
    meta: &str,
) -> Result<EntityState, LogError> {
    let damaged = |e| LogError::StateDamaged(id, e);
    let scope: Scope = scope
        .parse()
        .map_err(|e: ScopeParseError| LogError::StateDamaged(id, serde::de::Error::custom(e.to_string())))?;
    Ok(EntityState {
        id,
        etype,
        scope,
        parent: parent.and_then(|p| Uuid::from_slice(&p).ok()),
        created: created.map(|c| Hlc::from_raw(c as u64)),
        fields: serde_json::from_str(fields).map_err(damaged)?,
        meta: serde_json::from_str(meta).map_err(damaged)?,
    })
}

fn save_entity(conn: &rusqlite::Connection, st: &EntityState, scope_id: i64) -> Result<(), LogError> {
    let fields = serde_json::to_string(&st.fields).map_err(|e| LogError::StateDamaged(st.id, e))?;
    let meta = serde_json::to_string(&st.meta).map_err(|e| LogError::StateDamaged(st.id, e))?;
    conn.prepare_cached(
        "INSERT INTO entity (id, etype, scope, parent, created, fields, meta, conflicted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET etype = excluded.etype, parent = excluded.parent, created = excluded.created,
           fields = excluded.fields, meta = excluded.meta, conflicted = excluded.conflicted",
    )?
    .execute(params![
        st.id.as_bytes(),
        st.etype,
        scope_id,
        st.parent.as_ref().map(|p| p.as_bytes().to_vec()),
        st.created.map(|h| h.raw() as i64),
        fields,
        meta,
        st.is_conflicted() as i64,
    ])?;
    Ok(())
}

/// Every stored op, in storage order (for export, rebuild and tests).
pub fn all_ops(conn: &rusqlite::Connection) -> Result<Vec<Op>, LogError> {
    ops_where(conn, "1")
}

/// Stored ops matching an SQL condition on `op`, in storage order.
pub(crate) fn ops_where(conn: &rusqlite::Connection, condition: &str) -> Result<Vec<Op>, LogError> {
    let mut stmt = conn.prepare(&format!("SELECT header, body FROM op WHERE {condition} ORDER BY n"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (h, b) = row?;
        out.push(Op::from_bytes(h, b)?);
    }
    Ok(out)
}

/// A hash of the shared state of each scope (local scopes excluded): identical on every vault
/// that has applied the same ops, whatever the order.
pub fn digest(conn: &rusqlite::Connection) -> Result<std::collections::BTreeMap<String, Hash32>, LogError> {
    let mut stmt = conn.prepare(
        "SELECT e.id, e.etype, s.name, e.parent, e.created, e.fields, e.meta FROM entity e JOIN scope s ON s.id = e.scope
         WHERE s.name NOT LIKE 'local:%' ORDER BY s.name, e.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = std::collections::BTreeMap::new();
    let mut current: Option<(String, blake3::Hasher)> = None;
    while let Some(r) = rows.next()? {
        let id = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
        let scope: String = r.get(2)?;
        let st = state_from_row(
            id,
            r.get(1)?,
            &scope,
            r.get(3)?,
            r.get(4)?,
            &r.get::<_, String>(5)?,
            &r.get::<_, String>(6)?,
        )?;
        if current.as_ref().is_none_or(|(s, _)| *s != scope) {
            if let Some((s, h)) = current.take() {
                out.insert(s, Hash32(*h.finalize().as_bytes()));
            }
            current = Some((scope.clone(), blake3::Hasher::new_derive_key("kasane scope digest v1")));
        }
        if let Some((_, h)) = current.as_mut() {
            let bytes = serde_json::to_vec(&st.canonical()).map_err(|e| LogError::StateDamaged(id, e))?;
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
    }
    if let Some((s, h)) = current.take() {
        out.insert(s, Hash32(*h.finalize().as_bytes()));
    }
    Ok(out)
}

/// Throws away derived state and search documents and derives them again from the ops, applied
/// in `order` (a permutation of storage order; None keeps storage order). The result must not
/// depend on the order; tests rely on that.
pub fn rebuild(tx: &rusqlite::Connection, order: Option<&[usize]>, document: Document) -> Result<usize, LogError> {
    let ops = ops_where(tx, "held IS NULL")?;
    tx.execute("DELETE FROM entity", [])?;
    index::clear(tx)?;
    let idx: Vec<usize> = match order {
        Some(o) => o.iter().copied().filter(|&i| i < ops.len()).collect(),
        None => (0..ops.len()).collect(),
    };
    let mut states: HashMap<Uuid, EntityState> = HashMap::new();
    let mut applied: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    for i in idx {
        let op = &ops[i];
        let Some(fields) = op.fields().map_err(LogError::from)? else {
            applied.insert(op.header.id);
            continue;
        };
        let st = states
            .entry(op.header.entity)
            .or_insert_with(|| EntityState::new(op.header.entity, op.header.scope));
        let mut seen = |id: Uuid| applied.contains(&id);
        st.apply(&op.header, &fields, &mut seen);
        applied.insert(op.header.id);
    }
    let mut scopes: HashMap<Scope, i64> = HashMap::new();
    let mut index = index::Batch::default();
    for st in states.values() {
        let scope_id = match scopes.get(&st.scope) {
            Some(&id) => id,
            None => {
                let id: i64 = tx.query_row("SELECT id FROM scope WHERE name = ?1", [st.scope.to_string()], |r| {
                    r.get(0)
                })?;
                scopes.insert(st.scope, id);
                id
            }
        };
        save_entity(tx, st, scope_id)?;
        index.stage(tx, st.id, document(st), true)?;
    }
    index.apply(tx)?;
    Ok(ops.len())
}
