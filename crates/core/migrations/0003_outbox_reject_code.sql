-- A refused outbox entry keeps the server's code apart from its message, so the app can say in the
-- worker's language why and what to do. Entries refused before keep "code: message" split here.
ALTER TABLE outbox ADD COLUMN reject_code TEXT;
UPDATE outbox
   SET reject_code = substr(last_error, 1, instr(last_error, ': ') - 1),
       last_error = substr(last_error, instr(last_error, ': ') + 2)
 WHERE status = 'rejected' AND instr(last_error, ': ') > 1;

-- The "needs attention" list of the device's area as last fetched from the server (leaders,
-- supervisors and the banner centre): each item as the server sent it, replaced at every sync.
CREATE TABLE attention (
    id   INTEGER PRIMARY KEY,
    item TEXT NOT NULL
);
