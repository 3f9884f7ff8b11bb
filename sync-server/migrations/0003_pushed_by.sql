-- The device whose push was stored exactly as sent (NULL for merges and server writes). A device's
-- pull skips such changes of its own: it already holds that very version.
ALTER TABLE records ADD COLUMN pushed_by TEXT;
