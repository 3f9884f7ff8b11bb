-- The id of the newest conflict stored for each record, kept through later changes. A pull page
-- reports the largest among its records, so a device asks for conflicts only when one is new to it.
ALTER TABLE records ADD COLUMN last_conflict INTEGER NOT NULL DEFAULT 0;
UPDATE records SET last_conflict = (SELECT max(c.id) FROM conflicts c WHERE c.record_id = records.id)
    WHERE id IN (SELECT record_id FROM conflicts);
