-- The protocol and app version each device last spoke, and when that was first seen, for the
-- office's view of its fleet (which handsets still run an old app). NULL until the device speaks.
ALTER TABLE devices ADD COLUMN protocol INTEGER;
ALTER TABLE devices ADD COLUMN app_version TEXT;
ALTER TABLE devices ADD COLUMN version_seen_at_ms INTEGER;
