-- Where each case stands, kept beside the dispute so the leader's queue is one indexed query:
-- its level, attempts at that level, since when it is in its stage (for the step's deadline),
-- its handler, contradictions waiting to be settled, and the first party (the row's household).
ALTER TABLE disputes ADD COLUMN level TEXT NOT NULL DEFAULT 'village';
ALTER TABLE disputes ADD COLUMN attempts_here INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disputes ADD COLUMN stage_since_ms INTEGER;
ALTER TABLE disputes ADD COLUMN dispatched_to TEXT;
ALTER TABLE disputes ADD COLUMN unsettled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disputes ADD COLUMN party TEXT;
ALTER TABLE disputes ADD COLUMN household TEXT;
CREATE INDEX disputes_stage ON disputes (stage, level, micro_grid);
CREATE INDEX disputes_dispatched_to ON disputes (dispatched_to) WHERE dispatched_to IS NOT NULL;

-- Whom a case may be dispatched to (reference data from the server, replaced on each refresh).
CREATE TABLE handlers (
    key    TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    area   TEXT,
    search TEXT NOT NULL
);
