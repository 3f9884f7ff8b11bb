-- The audit log: who did what, when, with what result. Append-only (the triggers refuse every
-- change and deletion) and free of personal data: a device id, an account handle (and the handle
-- of the person who acted, for office actions), an action, a record id and kind when one is
-- concerned, and a result code.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    device_id   TEXT,
    account     TEXT,
    actor       TEXT,
    action      TEXT NOT NULL,
    record_id   TEXT,
    record_kind TEXT,
    result      TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
