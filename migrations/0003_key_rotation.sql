-- 0003: key rotations. A site may replace its signing and encryption keys; each rotation is a
-- record signed by the key it retires and by the new one, naming (by a hash of the frontier) the
-- last op of every series the retired key may have signed. One row per rotation of any site this
-- vault knows, this site's own included.
CREATE TABLE site_key (
    site        BLOB NOT NULL,
    -- 1 for a site's first rotation, then 2, 3 …
    epoch       INTEGER NOT NULL,
    -- the Ed25519 public key this rotation retired, and the one it put in force
    retired_key BLOB NOT NULL,
    sign_key    BLOB NOT NULL,
    age_recipient TEXT NOT NULL,
    -- the record as carried (JSON: data, prev_signature, new_signature), relayed unchanged
    record      TEXT NOT NULL,
    -- the exact frontier bytes the record's hash covers (JSON array of [scope, last seq])
    frontier    BLOB NOT NULL,
    -- this site's own rotations only: the retired age identity, to open files partners
    -- encrypted to it before they learnt of the rotation
    age_secret  BLOB,
    learnt_at   INTEGER NOT NULL,
    PRIMARY KEY (site, epoch)
) WITHOUT ROWID;
