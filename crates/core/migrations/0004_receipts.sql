-- The server's receipt of the version a record holds, when the record holds exactly a version the
-- server gave or took (NULL after a local edit or merge): handed back should the server lose it.
ALTER TABLE records ADD COLUMN receipt TEXT;
