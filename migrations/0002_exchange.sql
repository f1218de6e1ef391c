-- 0002: exchange between agencies — partner cards, signed segments kept for relaying, what each
-- partner is known to hold, the bundle inbox, quarantine, and ops held back by authorisation.

-- An op stored but not applied to current state, and why (e.g. its agency was never given the
-- case). NULL: applied. Held ops stay in the log so series remain contiguous and verifiable;
-- they are applied if later knowledge authorises them.
ALTER TABLE op ADD COLUMN held TEXT;
CREATE INDEX op_held ON op(held) WHERE held IS NOT NULL;
CREATE INDEX op_by_series_hlc ON op(series, hlc);

-- Partner sites as their member cards describe them, and whether a person has compared the
-- fingerprint. `revoked_frontier` records, at revocation, how far we held each of the site's
-- series: later segments from it are quarantined.
CREATE TABLE card (
    site             BLOB PRIMARY KEY,
    agency           BLOB NOT NULL,
    agency_name      TEXT NOT NULL,
    agency_code      TEXT,
    site_name        TEXT NOT NULL,
    sign_key         BLOB NOT NULL,
    age_recipient    TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    text             TEXT NOT NULL,
    imported_at      INTEGER NOT NULL,
    verified_at      INTEGER,
    revoked_at       INTEGER,
    revoked_frontier TEXT
);
CREATE INDEX card_by_agency ON card(agency);

-- Signed segment statements received from other sites, kept so their ops can be relayed with
-- the author's own signature.
CREATE TABLE segment (
    n         INTEGER PRIMARY KEY,
    series    INTEGER NOT NULL REFERENCES series(id),
    first     INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    statement BLOB NOT NULL,
    signature BLOB NOT NULL,
    UNIQUE (series, first, last)
);

-- What a partner site holds (its frontier, from its own manifests): export sends only beyond.
CREATE TABLE peer_ack (
    peer   BLOB NOT NULL,
    site   BLOB NOT NULL,
    scope  TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (peer, site, scope)
) WITHOUT ROWID;

-- Bundles received. A file is copied into the vault's inbox folder first; its row says what
-- became of it. Pending rows (and files without a row) are retried when the vault is opened.
CREATE TABLE inbox (
    file        TEXT PRIMARY KEY,
    bundle      BLOB,
    sender      BLOB,
    status      TEXT NOT NULL,
    reason      TEXT,
    received_at INTEGER NOT NULL,
    done_at     INTEGER,
    summary     TEXT
);
CREATE INDEX inbox_by_bundle ON inbox(bundle);

-- Segments that could not go into the log (unverified or revoked author, equivocation, a gap
-- before them): kept whole, with the reason, never applied, never lost.
CREATE TABLE quarantine (
    n         INTEGER PRIMARY KEY,
    bundle    BLOB,
    author    BLOB NOT NULL,
    scope     TEXT NOT NULL,
    first     INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    detail    TEXT,
    segment   BLOB NOT NULL,
    at        INTEGER NOT NULL,
    released  INTEGER
);

CREATE INDEX series_by_scope ON series(scope);
