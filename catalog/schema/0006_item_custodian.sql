-- 0006_item_custodian.sql: the custodian index without the copy's status.
-- With status in it, every checkout and return moved the copy's entry from
-- one part of the index to another: two more pages written to the WAL per
-- desk action, about a sixth of what a checkout writes (bench/README.md,
-- "Pages per checkout"). Counting a library's copies by status now reads the
-- copies' rows, which the library pages do rarely and the desk never needs.
DROP INDEX item_custodian;
CREATE INDEX item_custodian ON item(custodian_id);
