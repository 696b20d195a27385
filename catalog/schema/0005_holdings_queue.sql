-- 0005_holdings_queue.sql: records whose copies changed status or custodian at
-- a desk (checkout, return, transit, hold shelf). Only their library and
-- availability terms need rewriting in the index, not the whole record: a
-- checkout must not re-extract a PDF. `version` grows with every change, so a
-- drain removes only the rows it has seen (a change during the drain stays
-- queued). Records in index_queue are rewritten whole anyway.
CREATE TABLE holdings_queue (
    record_id INTEGER PRIMARY KEY,
    version   INTEGER NOT NULL DEFAULT 1
) STRICT;
