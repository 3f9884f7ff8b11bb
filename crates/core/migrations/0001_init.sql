-- The handset's store: every record's replicated state, typed projections for queries, the
-- outbox of changes waiting for the server, conflicts to review, and drafts of half-filled forms.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE areas (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    level    TEXT NOT NULL,
    parent   TEXT,
    boundary TEXT
);

-- The source of truth for sync: one row per record with its full RecordState as JSON.
CREATE TABLE records (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    micro_grid TEXT NOT NULL,
    state      TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);

-- One row per record with local changes the server has not acknowledged. `rev` counts local
-- edits, so an acknowledgement for an older revision does not clear a newer edit.
CREATE TABLE outbox (
    record_id  TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 1,
    queued_ms  INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'rejected')),
    last_error TEXT
);

CREATE TABLE households (
    id          TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    micro_grid  TEXT NOT NULL,
    head_name   TEXT NOT NULL,
    address     TEXT NOT NULL,
    door_number TEXT NOT NULL,
    phone       TEXT,
    tags        TEXT NOT NULL,
    lat         REAL,
    lon         REAL,
    archived    INTEGER NOT NULL,
    interval_days INTEGER NOT NULL,
    search      TEXT NOT NULL
);
CREATE INDEX households_micro_grid ON households (micro_grid, head_name);

CREATE TABLE visits (
    id               TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    household        TEXT NOT NULL,
    micro_grid       TEXT NOT NULL,
    worker           TEXT NOT NULL,
    visited_ms       INTEGER NOT NULL,
    purpose          TEXT NOT NULL,
    distance_m       REAL,
    far              INTEGER NOT NULL,
    follow_up_needed INTEGER NOT NULL,
    follow_up        TEXT NOT NULL
);
CREATE INDEX visits_household ON visits (household, visited_ms);

CREATE TABLE disputes (
    id          TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    micro_grid  TEXT NOT NULL,
    reporter    TEXT NOT NULL,
    reported_ms INTEGER NOT NULL,
    category    TEXT NOT NULL,
    urgency     TEXT NOT NULL,
    description TEXT NOT NULL,
    stage       TEXT NOT NULL
);
CREATE INDEX disputes_micro_grid ON disputes (micro_grid, reported_ms);

CREATE TABLE dispute_events (
    id      TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    dispute TEXT NOT NULL,
    stamp   TEXT NOT NULL,
    action  TEXT NOT NULL
);
CREATE INDEX dispute_events_dispute ON dispute_events (dispute, stamp);

CREATE TABLE cards (
    id        TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    household TEXT NOT NULL,
    serial    TEXT NOT NULL,
    issued_ms INTEGER NOT NULL,
    status    TEXT NOT NULL
);
CREATE INDEX cards_household ON cards (household);

CREATE TABLE conflicts (
    id           INTEGER PRIMARY KEY,
    record_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    field        TEXT NOT NULL,
    winner       TEXT NOT NULL,
    loser        TEXT NOT NULL,
    winner_stamp TEXT NOT NULL,
    loser_stamp  TEXT NOT NULL,
    detected_ms  INTEGER NOT NULL,
    resolved     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (record_id, field, winner_stamp, loser_stamp)
);

CREATE TABLE drafts (
    form       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);
