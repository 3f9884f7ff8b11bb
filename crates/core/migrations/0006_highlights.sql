-- Highlight points (亮点加分) awarded to a grid or a village for a quarter's ranking, kept beside
-- their records like every typed table; a withdrawn award stays, flagged, for the audit.
CREATE TABLE highlights (
    id         TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area       TEXT NOT NULL,
    quarter    TEXT NOT NULL,
    points     INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    awarded_by TEXT NOT NULL,
    awarded_ms INTEGER NOT NULL,
    withdrawn  INTEGER NOT NULL
);
CREATE INDEX highlights_quarter ON highlights (quarter, area);
