-- 0004_circulation.sql: people and the circulation desk (issue 5). Readers,
-- accounts and their roles, login throttling, server-side sessions and API
-- tokens (only hashes stored), loan policy, loans, holds and their notices,
-- digital loans and idempotency keys. The invariants the desk relies on are
-- enforced here as well as in the C state machines (catalog/loan.c, hold.c):
-- an item has at most one open loan, an item sits on the hold shelf for at
-- most one hold, an open loan or an active hold always names its reader, a
-- reader has at most one active hold per record.

-- A person with a library card at a home library. No birth date, address or
-- phone: the desk does not need them.
CREATE TABLE reader (
    id              INTEGER PRIMARY KEY,
    card            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('pupil', 'teacher', 'adult')),
    class           TEXT,
    home_library_id INTEGER NOT NULL REFERENCES library(id),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    history         INTEGER NOT NULL DEFAULT 0 CHECK (history IN (0, 1)), -- opted in
    blocked         TEXT,                                                 -- reason, NULL = not
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL
) STRICT;
CREATE INDEX reader_home ON reader(home_library_id, class);

-- A login: staff by user name, a reader by card number (reader_id set).
CREATE TABLE account (
    id        INTEGER PRIMARY KEY,
    login     TEXT NOT NULL UNIQUE,
    name      TEXT,
    role      TEXT NOT NULL CHECK (role IN ('admin', 'district', 'librarian', 'reader')),
    reader_id INTEGER UNIQUE REFERENCES reader(id),
    pwhash    TEXT NOT NULL,          -- argon2id, libsodium crypto_pwhash_str format
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    CHECK ((role = 'reader') = (reader_id IS NOT NULL))
) STRICT;

-- Libraries a librarian (or district coordinator) works for.
CREATE TABLE account_library (
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    library_id INTEGER NOT NULL REFERENCES library(id),
    PRIMARY KEY (account_id, library_id)
) STRICT;

-- Recent failed logins, per account ("a:<login>") and per client ("ip:<addr>").
-- Rows older than the throttle window are purged on the next failure.
CREATE TABLE login_failure (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failure_key ON login_failure(key, at);

-- Server-side sessions: the cookie carries a random token, only its SHA-256
-- is stored. csrf is the per-session token forms echo back.
CREATE TABLE session (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires    INTEGER NOT NULL
) STRICT;
CREATE INDEX session_account ON session(account_id);

-- Long-lived tokens for scripts (Authorization: Bearer), stored hashed.
CREATE TABLE api_token (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    expires    INTEGER,             -- NULL: until revoked
    last_used  INTEGER,
    revoked    INTEGER
) STRICT;

-- Loan rules per library and reader category; defaults live in catalog/policy.c.
CREATE TABLE loan_policy (
    library_id      INTEGER NOT NULL REFERENCES library(id),
    category        TEXT NOT NULL CHECK (category IN ('pupil', 'teacher', 'adult')),
    loan_days       INTEGER NOT NULL CHECK (loan_days BETWEEN 1 AND 365),
    max_items       INTEGER NOT NULL CHECK (max_items BETWEEN 0 AND 1000),
    renewals        INTEGER NOT NULL CHECK (renewals BETWEEN 0 AND 100),
    hold_shelf_days INTEGER NOT NULL CHECK (hold_shelf_days BETWEEN 1 AND 90),
    updated         INTEGER NOT NULL,
    PRIMARY KEY (library_id, category)
) STRICT;

-- A loan of one physical copy. reader_id is cleared when the loan closes and
-- the reader has not opted in to a borrowing history; library, category and
-- dates stay for aggregate reports.
CREATE TABLE loan (
    id                INTEGER PRIMARY KEY,
    item_id           INTEGER NOT NULL REFERENCES item(id),
    reader_id         INTEGER REFERENCES reader(id),
    library_id        INTEGER NOT NULL REFERENCES library(id), -- desk that lent it
    category          TEXT NOT NULL,
    loaned_at         INTEGER NOT NULL,
    due_at            INTEGER NOT NULL,
    renewals          INTEGER NOT NULL DEFAULT 0,
    returned_at       INTEGER,
    return_library_id INTEGER REFERENCES library(id),
    CHECK (returned_at IS NOT NULL OR reader_id IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX loan_one_open_per_item ON loan(item_id) WHERE returned_at IS NULL;
CREATE INDEX loan_open_reader ON loan(reader_id) WHERE returned_at IS NULL;
CREATE INDEX loan_open_due ON loan(library_id, due_at) WHERE returned_at IS NULL;
CREATE INDEX loan_history ON loan(reader_id, returned_at) WHERE returned_at IS NOT NULL;

-- A hold on a record, picked up at a library. First come, first served per
-- pickup library. An item sits on the hold shelf for one ready hold at a time
-- (an item fills many holds over its life, so fulfilled holds are not in the
-- unique index). Closed holds lose their reader unless history is on.
CREATE TABLE hold (
    id                INTEGER PRIMARY KEY,
    record_id         INTEGER NOT NULL REFERENCES record(id),
    reader_id         INTEGER REFERENCES reader(id),
    pickup_library_id INTEGER NOT NULL REFERENCES library(id),
    status            TEXT NOT NULL DEFAULT 'waiting'
                      CHECK (status IN ('waiting', 'ready', 'fulfilled', 'cancelled', 'expired')),
    placed_at         INTEGER NOT NULL,
    item_id           INTEGER REFERENCES item(id),
    ready_at          INTEGER,
    expires_at        INTEGER,
    closed_at         INTEGER,
    CHECK (status NOT IN ('waiting', 'ready') OR reader_id IS NOT NULL),
    CHECK (status <> 'ready' OR (item_id IS NOT NULL AND expires_at IS NOT NULL)),
    CHECK (status <> 'waiting' OR item_id IS NULL),
    CHECK ((status IN ('waiting', 'ready')) = (closed_at IS NULL))
) STRICT;
CREATE UNIQUE INDEX hold_one_ready_per_item ON hold(item_id) WHERE status = 'ready';
CREATE UNIQUE INDEX hold_one_active_per_reader ON hold(reader_id, record_id)
    WHERE status IN ('waiting', 'ready');
CREATE INDEX hold_queue ON hold(record_id, pickup_library_id, placed_at, id)
    WHERE status = 'waiting';
CREATE INDEX hold_ready_expiry ON hold(expires_at) WHERE status = 'ready';

-- What a reader's page shows: "your hold is ready at ... until ...". A notice
-- lives as long as its hold is ready.
CREATE TABLE notice (
    id        INTEGER PRIMARY KEY,
    reader_id INTEGER NOT NULL REFERENCES reader(id),
    kind      TEXT NOT NULL CHECK (kind IN ('hold_ready')),
    hold_id   INTEGER NOT NULL UNIQUE REFERENCES hold(id),
    created   INTEGER NOT NULL,
    seen_at   INTEGER
) STRICT;
CREATE INDEX notice_reader ON notice(reader_id);

-- Lending terms of a file whose access is 'lendable' (file.access).
CREATE TABLE file_lending (
    file_id   INTEGER PRIMARY KEY REFERENCES file(id) ON DELETE CASCADE,
    copies    INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 10000),
    loan_days INTEGER NOT NULL CHECK (loan_days BETWEEN 1 AND 365)
) STRICT;

-- A digital loan. It ends by itself at due_at: every query treats an expired
-- loan as returned; housekeeping later sets returned_at (and clears reader_id
-- unless history is on).
CREATE TABLE dloan (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL REFERENCES file(id) ON DELETE CASCADE,
    reader_id   INTEGER REFERENCES reader(id),
    loaned_at   INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    returned_at INTEGER,
    CHECK (returned_at IS NOT NULL OR reader_id IS NOT NULL)
) STRICT;
CREATE INDEX dloan_open_file ON dloan(file_id, due_at) WHERE returned_at IS NULL;
CREATE UNIQUE INDEX dloan_one_open_per_reader ON dloan(file_id, reader_id)
    WHERE returned_at IS NULL;

-- Results of desk actions by idempotency key: a client retrying after a lost
-- response gets the first result back instead of a second checkout.
CREATE TABLE idempotency (
    key      TEXT PRIMARY KEY,
    action   TEXT NOT NULL,
    request  TEXT NOT NULL,           -- the arguments, to refuse a key reused for another request
    result   INTEGER NOT NULL,        -- loan id
    outcome  INTEGER NOT NULL DEFAULT 0,
    aux      INTEGER NOT NULL DEFAULT 0, -- hold id when a return filled a hold
    created  INTEGER NOT NULL
) STRICT;
CREATE INDEX idempotency_created ON idempotency(created);
