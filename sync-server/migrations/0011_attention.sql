-- The "needs attention" list: the latest refusal of each record pushed by each device, until a
-- later version of the record is accepted (then `resolved_ms` is set; the row stays for the
-- record). `micro_grid` is set only when the pushed record could be read and lies inside the
-- pushing device's area; `area` is that device's area, for items whose own place is unknown.
CREATE TABLE attention (
    id          INTEGER PRIMARY KEY,
    record_id   TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    kind        TEXT,
    micro_grid  TEXT,
    area        TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    first_ms    INTEGER NOT NULL,
    last_ms     INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    resolved_ms INTEGER,
    UNIQUE (record_id, device_id)
) STRICT;
CREATE INDEX attention_open_place ON attention (coalesce(micro_grid, area), id) WHERE resolved_ms IS NULL;
CREATE INDEX attention_open_device ON attention (device_id, id) WHERE resolved_ms IS NULL;
