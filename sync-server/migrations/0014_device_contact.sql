-- Each device's last contact for the office's fleet view: when the server last heard from it, and
-- how many changes were waiting in its outbox then (NULL until it says). Written at most about
-- once a minute per device unless the count or its version changes.
ALTER TABLE devices ADD COLUMN last_contact_ms INTEGER;
ALTER TABLE devices ADD COLUMN waiting_at_contact INTEGER;
