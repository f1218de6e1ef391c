-- 0001: the vault's first schema — this site's identity, the operation log, state derived from
-- it, search, and the audit chain. Forward-only: later files add to this, never edit it.

-- Small facts about this vault and site (ids, the site's secret keys). Never leaves the PC.
CREATE TABLE vault_meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- Scopes are interned: op rows and series carry a small integer instead of "case:<uuid>".
CREATE TABLE scope (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- One series per (site, scope): the contiguous run of that site's ops in that scope.
-- head_hash is the hash of op `last_seq`, which the next op must name as its `chain`.
CREATE TABLE series (
    id        INTEGER PRIMARY KEY,
    site      BLOB NOT NULL,
    scope     INTEGER NOT NULL REFERENCES scope(id),
    last_seq  INTEGER NOT NULL,
    head_hash BLOB NOT NULL,
    UNIQUE (site, scope)
);

-- The operation log. `header` and `body` are the exact bytes the author wrote; they are hashed
-- and signed as they are and never re-serialised. `body` becomes NULL when purged; the header
-- (which carries the body's hash) and `hash` stay so the chain still verifies.
CREATE TABLE op (
    n      INTEGER PRIMARY KEY,
    id     BLOB NOT NULL UNIQUE,
    series INTEGER NOT NULL REFERENCES series(id),
    seq    INTEGER NOT NULL,
    hlc    INTEGER NOT NULL,
    entity BLOB NOT NULL,
    header BLOB NOT NULL,
    body   BLOB,
    hash   BLOB NOT NULL,
    UNIQUE (series, seq)
);

-- Current state, derived from the log. `fields` holds the shown value of every field (JSON
-- object); `meta` holds the live operations of every field, the values of concurrent ones, and
-- supersessions seen before the op they name (see log::state). Rebuildable from `op`.
CREATE TABLE entity (
    id         BLOB PRIMARY KEY,
    etype      TEXT NOT NULL,
    scope      INTEGER NOT NULL REFERENCES scope(id),
    parent     BLOB,
    created    INTEGER,
    fields     TEXT NOT NULL,
    meta       TEXT NOT NULL,
    conflicted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entity_by_parent ON entity(parent, etype);
CREATE INDEX entity_by_type ON entity(etype);
CREATE INDEX entity_conflicted ON entity(conflicted) WHERE conflicted = 1;

-- Search documents: already folded text (NFKC, kana, name variants, romaji keys) per entity,
-- every field followed by a separator so each character has a successor. FTS5 trigram serves
-- terms of three characters or more directly; a shorter term becomes the set of indexed trigrams
-- it begins (found in search_vocab), so one- and two-character terms are index lookups too. The
-- index is contentless: the folded text is kept once, in search_doc.
CREATE TABLE search_doc (
    n      INTEGER PRIMARY KEY,
    entity BLOB NOT NULL UNIQUE,
    kind   TEXT NOT NULL,
    text   TEXT NOT NULL
);
CREATE INDEX search_doc_by_kind ON search_doc(kind);
CREATE VIRTUAL TABLE search_fts USING fts5(
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram'
);
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');

-- Who viewed and changed what. Each row's hash covers the previous row's hash, so an edited or
-- removed row breaks the chain from that point on.
CREATE TABLE audit (
    seq    INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    worker BLOB,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    prev   BLOB NOT NULL,
    hash   BLOB NOT NULL
);
