-- 0002_union.sql: the union catalogue. Richer records (MARC/CSV/DC fields),
-- source identifiers so a re-import updates in place, a match key for
-- de-duplication, links, the history of values a merge did not keep,
-- possible duplicates for librarians to review, and physical copies (items).
ALTER TABLE record ADD COLUMN subtitle TEXT;
ALTER TABLE record ADD COLUMN place TEXT;
ALTER TABLE record ADD COLUMN edition TEXT;
ALTER TABLE record ADD COLUMN extent TEXT;
ALTER TABLE record ADD COLUMN series TEXT;
ALTER TABLE record ADD COLUMN notes TEXT;
ALTER TABLE record ADD COLUMN classification TEXT;
ALTER TABLE record ADD COLUMN audience TEXT;
-- folded title + first author + year, for matching records without identifiers
ALTER TABLE record ADD COLUMN match_key TEXT;
ALTER TABLE record ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
CREATE INDEX record_match_key ON record(match_key);

-- Where a record came from: re-importing the same source identifier updates it.
CREATE TABLE record_source (
    source    TEXT NOT NULL,
    source_id TEXT NOT NULL,
    record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    batch_id  INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (source, source_id)
) STRICT;
CREATE INDEX record_source_record ON record_source(record_id);

CREATE TABLE record_link (
    record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    PRIMARY KEY (record_id, url)
) STRICT;

-- Values a merge did not keep: nothing is silently lost.
CREATE TABLE record_history (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    origin    TEXT,
    batch_id  INTEGER REFERENCES import_batch(id),
    at        INTEGER NOT NULL
) STRICT;
CREATE INDEX record_history_record ON record_history(record_id);

-- Pairs that look alike but fell below the match threshold.
CREATE TABLE possible_duplicate (
    record_a INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    record_b INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    reason   TEXT NOT NULL,
    batch_id INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (record_a, record_b),
    CHECK (record_a < record_b)
) STRICT;

-- One physical copy. Barcodes are unique across the whole network.
CREATE TABLE item (
    id               INTEGER PRIMARY KEY,
    barcode          TEXT NOT NULL UNIQUE,
    record_id        INTEGER NOT NULL REFERENCES record(id),
    home_library_id  INTEGER NOT NULL REFERENCES library(id),
    custodian_id     INTEGER NOT NULL REFERENCES library(id),
    status           TEXT NOT NULL DEFAULT 'available'
                     CHECK (status IN ('available', 'on_loan', 'in_transit', 'on_hold_shelf',
                                       'lost', 'withdrawn')),
    call_number      TEXT,
    shelf_location   TEXT,
    acquired         TEXT,
    price            TEXT,
    batch_id         INTEGER REFERENCES import_batch(id),
    created          INTEGER NOT NULL,
    updated          INTEGER NOT NULL
) STRICT;
CREATE INDEX item_record ON item(record_id);
CREATE INDEX item_custodian ON item(custodian_id, status);

-- Incremental OAI-PMH harvesting: where the last harvest of a repository stopped.
CREATE TABLE harvest_state (
    url        TEXT PRIMARY KEY,
    library_id INTEGER NOT NULL REFERENCES library(id),
    last_from  TEXT,
    updated    INTEGER NOT NULL
) STRICT;

-- Library pages count a library's holdings.
CREATE INDEX file_holding_library ON file_holding(library_id);
