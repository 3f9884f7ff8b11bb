-- A pushed dispute event is judged against its case (the level the case is at, whom it was
-- dispatched to), so the server finds a dispute's events by the dispute id inside their state.
CREATE INDEX records_case ON records (json_extract(state, '$.fields.dispute')) WHERE kind = 'dispute_event';
