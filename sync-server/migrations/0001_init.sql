-- Gridwork sync server: first schema.

-- Small facts about this server: the next change number, its own device id and clock.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES ('next_seq', '1');

-- The area hierarchy; `body` is the whole area as JSON (with its GeoJSON boundary).
CREATE TABLE areas (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    level  TEXT NOT NULL,
    parent TEXT,
    body   TEXT NOT NULL
) STRICT;

-- People who may enroll devices: an enrollment code, a role and the area they work in.
CREATE TABLE accounts (
    id    INTEGER PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    phone TEXT NOT NULL,
    role  TEXT NOT NULL,
    scope TEXT NOT NULL
) STRICT;

-- Enrolled handsets; only the SHA-256 of the bearer token is kept.
CREATE TABLE devices (
    id             TEXT PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    token_hash     TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    enrolled_at_ms INTEGER NOT NULL
) STRICT;

-- Contact-card serial blocks handed out; the next block is one past the largest.
CREATE TABLE serial_blocks (
    block          INTEGER PRIMARY KEY,
    device_id      TEXT NOT NULL REFERENCES devices (id),
    assigned_at_ms INTEGER NOT NULL
) STRICT;

-- The current version of every record; `seq` numbers its latest accepted change.
CREATE TABLE records (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    micro_grid TEXT NOT NULL,
    state      TEXT NOT NULL,
    seq        INTEGER NOT NULL
) STRICT;

-- The change feed walks this index from a device's cursor: a pull costs O(changes since cursor).
CREATE UNIQUE INDEX records_seq ON records (seq);

-- The dedupe ledger: the answer given to every applied batch.
CREATE TABLE batches (
    batch_id      TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    response      TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
) STRICT;

-- Field conflicts found while merging, kept for review.
CREATE TABLE conflicts (
    id             INTEGER PRIMARY KEY,
    record_id      TEXT NOT NULL,
    field          TEXT NOT NULL,
    micro_grid     TEXT NOT NULL,
    conflict       TEXT NOT NULL,
    detected_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX conflicts_scope ON conflicts (micro_grid, id);
