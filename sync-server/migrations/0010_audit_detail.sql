-- A push batch leaves one audit row whose `detail` lists every record of the batch, a line each
-- (record id, kind, action, result, separated by tabs): the export gives one line per record, and
-- the push writes one row per batch instead of one per record.
ALTER TABLE audit_log ADD COLUMN detail TEXT;
