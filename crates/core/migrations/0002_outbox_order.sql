-- Taking the oldest pending outbox entries must not sort the whole outbox on every batch.
CREATE INDEX outbox_pending ON outbox (status, queued_ms, record_id);
