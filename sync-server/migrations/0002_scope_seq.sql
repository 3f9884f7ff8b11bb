-- A device of a village, grid or micro-grid pulls through this index: it walks only the records
-- of its own area, so a busy banner does not slow every worker's pull down.
CREATE INDEX records_scope_seq ON records (micro_grid, seq);
