-- 0001_init.sql: libraries, records (works), digital files, holdings, import
-- batches and the durable index queue that pairs sqlite with Xapian.
CREATE TABLE library (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('school', 'public', 'learning_centre',
                                          'classroom', 'district')),
    parent_id INTEGER REFERENCES library(id),
    created INTEGER NOT NULL
) STRICT;

CREATE TABLE import_batch (
    id          INTEGER PRIMARY KEY,
    library_id  INTEGER NOT NULL REFERENCES library(id),
    source      TEXT NOT NULL,
    started     INTEGER NOT NULL,
    finished    INTEGER,
    n_imported  INTEGER NOT NULL DEFAULT 0,
    n_unchanged INTEGER NOT NULL DEFAULT 0,
    n_failed    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE import_error (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES import_batch(id),
    path     TEXT NOT NULL,
    code     TEXT NOT NULL,
    reason   TEXT NOT NULL
) STRICT;
CREATE INDEX import_error_batch ON import_error(batch_id);

CREATE TABLE record (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    language      TEXT,
    publisher     TEXT,
    date          TEXT,
    year          INTEGER,
    description   TEXT,
    resource_type TEXT NOT NULL,
    licence       TEXT,
    batch_id      INTEGER REFERENCES import_batch(id),
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL
) STRICT;

CREATE TABLE record_author (
    record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL DEFAULT 'author',
    PRIMARY KEY (record_id, pos)
) STRICT;

CREATE TABLE record_subject (
    record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    subject   TEXT NOT NULL,
    PRIMARY KEY (record_id, subject)
) STRICT;

CREATE TABLE record_identifier (
    record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    scheme    TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (record_id, scheme, value)
) STRICT;
CREATE INDEX record_identifier_value ON record_identifier(scheme, value);

-- One digital file, stored content-addressed: files/<aa>/<bb>/<sha256>.
CREATE TABLE file (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL UNIQUE,
    size       INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    format     TEXT NOT NULL,
    name       TEXT NOT NULL,
    encoding   TEXT,
    access     TEXT NOT NULL DEFAULT 'open' CHECK (access IN ('open', 'lendable', 'onsite')),
    created    INTEGER NOT NULL
) STRICT;
CREATE INDEX file_record ON file(record_id);

-- A library holds a digital file; source_path says where its librarian had it.
CREATE TABLE file_holding (
    file_id     INTEGER NOT NULL REFERENCES file(id) ON DELETE CASCADE,
    library_id  INTEGER NOT NULL REFERENCES library(id),
    source_path TEXT NOT NULL,
    batch_id    INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (file_id, library_id)
) STRICT;

-- Records whose index documents must be (re)written. Drained only after the
-- Xapian commit, so a crash anywhere is repaired by running the command again.
CREATE TABLE index_queue (
    record_id INTEGER PRIMARY KEY,
    queued    INTEGER NOT NULL
) STRICT;

-- Append-only log of changes (who, when, what).
CREATE TABLE event (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT
) STRICT;
CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END;
