-- One-time enrollment codes: an account's `code` stays its public handle (DEMO-W-0001); a handset
-- enrolls with a random one-time code made for that account. Only the code's SHA-256 is kept.
CREATE TABLE enroll_codes (
    id            INTEGER PRIMARY KEY,
    code_hash     TEXT NOT NULL UNIQUE,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    created_by    INTEGER NOT NULL REFERENCES accounts (id),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    -- Set when the code enrolled a device: which one, and the client's request id, so that a retry
    -- of that very request gets the same device back.
    used_at_ms    INTEGER,
    device_id     TEXT REFERENCES devices (id),
    request_id    TEXT
) STRICT;

-- Withdrawn handsets and departed people: a revoked device or a device of a disabled account is
-- refused with `revoked`.
ALTER TABLE devices ADD COLUMN revoked_at_ms INTEGER;
ALTER TABLE accounts ADD COLUMN disabled_at_ms INTEGER;
CREATE INDEX devices_account ON devices (account_id);
