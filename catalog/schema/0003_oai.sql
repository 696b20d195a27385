-- 0003_oai.sql: the OAI-PMH provider (/oai). A record that a merge deletes
-- leaves a tombstone, so harvesters learn of the deletion (deletedRecord
-- "persistent"). The tombstone keeps what set harvests need: the record's
-- resource type and the codes of the libraries that held it.
CREATE TABLE record_tombstone (
    record_id     INTEGER PRIMARY KEY, -- no REFERENCES: the record is gone
    merged_into   INTEGER,
    resource_type TEXT,
    libraries     TEXT,                -- library codes, space-separated
    deleted_at    INTEGER NOT NULL
) STRICT;
-- Identify's earliestDatestamp: the smallest datestamp of either kind.
CREATE INDEX record_tombstone_deleted ON record_tombstone(deleted_at);
CREATE INDEX record_updated ON record(updated);
