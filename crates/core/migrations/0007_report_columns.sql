-- What the township office's figures need beside each dispute, kept from the case's fold: when the
-- current closure happened and at which level, who handled it in the village, the household's
-- rating of it, and the highest level the case reached. NULL while the case is not closed.
ALTER TABLE disputes ADD COLUMN closed_ms INTEGER;
ALTER TABLE disputes ADD COLUMN closed_level TEXT;
ALTER TABLE disputes ADD COLUMN village_handler TEXT;
ALTER TABLE disputes ADD COLUMN rating INTEGER;
ALTER TABLE disputes ADD COLUMN max_level TEXT NOT NULL DEFAULT 'village';
-- Cases closed in a period, by area; cases overdue at a step (stage, then since when).
CREATE INDEX disputes_closed ON disputes (closed_ms, micro_grid) WHERE closed_ms IS NOT NULL;
CREATE INDEX disputes_stage_since ON disputes (stage, stage_since_ms);
-- Cards issued in a period.
CREATE INDEX cards_issued ON cards (issued_ms);
