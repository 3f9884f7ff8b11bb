-- A server restored from an older copy is noticed, and what it lost can be handed back to it.

-- Each run of change numbers one write took, by its last number, with a random token. A device
-- keeps the token of its pull cursor; a server restored from a copy has another token there (or
-- none), so the device finds out that the history it pulled is gone.
CREATE TABLE history (
    last_seq INTEGER PRIMARY KEY,
    token    INTEGER NOT NULL
) STRICT;

INSERT INTO history (last_seq, token)
    SELECT CAST(value AS INTEGER) - 1, 1 + (random() & 9007199254740990)
    FROM meta WHERE key = 'next_seq' AND CAST(value AS INTEGER) > 1;

-- Push batches applied per device: a handset that knows of fewer runs on a restored or cloned
-- copy of its store; one that knows of more talks to a server that lost history.
ALTER TABLE devices ADD COLUMN pushes INTEGER NOT NULL DEFAULT 0;

-- A device made by re-enrollment: the device it follows and the request that made it (a retry
-- of the request gets the same device).
ALTER TABLE devices ADD COLUMN follows TEXT;
ALTER TABLE devices ADD COLUMN reenroll_request TEXT;
CREATE UNIQUE INDEX devices_reenroll ON devices (follows, reenroll_request) WHERE follows IS NOT NULL;

-- The server's receipt of each stored version (see receipts.rs); none for versions stored before.
ALTER TABLE records ADD COLUMN receipt TEXT;
INSERT INTO meta (key, value) VALUES ('receipt_key', lower(hex(randomblob(32))));
