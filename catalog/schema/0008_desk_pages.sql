-- 0008_desk_pages.sql: fewer pages written per desk action. Every B-tree a
-- checkout or return touches is a page in the WAL, written again by the
-- checkpoint (bench/README.md, "Pages per change").

-- A returned loan whose reader did not opt in to history loses its reader;
-- such rows have no history to list, so they need no entry here.
DROP INDEX loan_history;
CREATE INDEX loan_history ON loan(reader_id, returned_at)
    WHERE returned_at IS NOT NULL AND reader_id IS NOT NULL;

-- Idempotency keys: the rowid grows with time, so the oldest keys are the
-- first rows and forgetting them needs no index on `created` (one page less
-- per desk action).
CREATE TABLE idempotency_new (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    action   TEXT NOT NULL,
    request  TEXT NOT NULL,           -- the arguments, to refuse a key reused for another request
    result   INTEGER NOT NULL,        -- loan id
    outcome  INTEGER NOT NULL DEFAULT 0,
    aux      INTEGER NOT NULL DEFAULT 0, -- hold id when a return filled a hold
    created  INTEGER NOT NULL
) STRICT;
INSERT INTO idempotency_new(key, action, request, result, outcome, aux, created)
    SELECT key, action, request, result, outcome, aux, created FROM idempotency
    ORDER BY created, rowid;
DROP TABLE idempotency;
ALTER TABLE idempotency_new RENAME TO idempotency;
