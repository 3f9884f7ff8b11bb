-- The change number becomes the row's key: a stored change goes into the table and two indexes
-- (id, area) instead of the table and three, and a wide pull walks the table itself in change
-- order. The area index holds the key too, so it keeps (micro_grid, seq) order.
CREATE TABLE records_by_seq (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    micro_grid TEXT NOT NULL,
    state      TEXT NOT NULL,
    pushed_by  TEXT
) STRICT;
INSERT INTO records_by_seq (seq, id, kind, micro_grid, state, pushed_by)
    SELECT seq, id, kind, micro_grid, state, pushed_by FROM records ORDER BY seq;
DROP TABLE records;
ALTER TABLE records_by_seq RENAME TO records;
CREATE INDEX records_scope ON records (micro_grid);
