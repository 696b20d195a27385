/*
 * catalog/queue.c - the durable index queue that pairs the catalogue with the
 * Xapian index. A record is queued in the same transaction that changes it;
 * the indexer writes its documents, commits Xapian, and only then removes the
 * queue rows. A crash in between leaves rows queued, and the next import or
 * reindex writes the documents again (replacement is idempotent).
 */
#include <stdint.h>
#include <stdlib.h>

#include "catalog_int.h"
#include "ts_mem.h"

int catalog_queue_add(catalog *cat, int64_t record_id, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO index_queue(record_id, queued) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, record_id);
    sqlite3_bind_int64(st, 2, cat_now(cat));
    return cat_step_done(cat, st, "queue record", err);
}

static int list_ids(catalog *cat, const char *sql, int64_t limit, int64_t **ids, size_t *n,
                    struct ts_err *err)
{
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int64_t *v = NULL;
    size_t cnt = 0, cap = 0;
    int src;

    *ids = NULL;
    *n = 0;
    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, limit);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 256;
            v = ts_xrealloc(v, cap * sizeof *v);
        }
        v[cnt++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        free(v);
        return cat_dberr(cat, src, "list ids", err);
    }
    *ids = v;
    *n = cnt;
    return TS_OK;
}

int catalog_queue_list(catalog *cat, size_t limit, int64_t **ids, size_t *n, struct ts_err *err)
{
    static const char sql[] = "SELECT record_id FROM index_queue ORDER BY record_id LIMIT ?1";
    return list_ids(cat, sql, (int64_t)limit, ids, n, err);
}

int catalog_record_ids(catalog *cat, int64_t **ids, size_t *n, struct ts_err *err)
{
    static const char sql[] = "SELECT id FROM record ORDER BY id LIMIT ?1";
    return list_ids(cat, sql, INT64_MAX, ids, n, err);
}

int catalog_queue_remove(catalog *cat, const int64_t *ids, size_t n, struct ts_err *err)
{
    static const char sql[] = "DELETE FROM index_queue WHERE record_id = ?1";
    sqlite3_stmt *st;
    int rc;

    if (n == 0)
        return TS_OK;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    for (size_t i = 0; i < n && rc == TS_OK; i++) {
        if (!(st = cat_stmt(cat, sql, err))) {
            rc = err ? (int)err->code : TS_EDB;
            break;
        }
        sqlite3_bind_int64(st, 1, ids[i]);
        rc = cat_step_done(cat, st, "unqueue record", err);
    }
    return catalog_tx_end(cat, rc, err);
}

static int64_t count(catalog *cat, const char *sql)
{
    int64_t v;
    return cat_step_i64(cat, sql, &v, "count", NULL) ? -1 : v;
}

int64_t catalog_queue_count(catalog *cat)
{
    static const char sql[] = "SELECT count(*) FROM index_queue";
    return count(cat, sql);
}

int64_t catalog_record_count(catalog *cat)
{
    static const char sql[] = "SELECT count(*) FROM record";
    return count(cat, sql);
}

int catalog_queue_all(catalog *cat, struct ts_err *err)
{
    static const char sql[] = "INSERT INTO index_queue(record_id, queued)"
                              " SELECT id, ?1 FROM record WHERE true ON CONFLICT DO NOTHING";
    sqlite3_stmt *st;
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if (!(st = cat_stmt(cat, sql, err)))
        rc = err ? (int)err->code : TS_EDB;
    else {
        sqlite3_bind_int64(st, 1, cat_now(cat));
        rc = cat_step_done(cat, st, "queue all records", err);
    }
    return catalog_tx_end(cat, rc, err);
}

/* ---------------------------------------------------------------- holdings */

int catalog_queue_holdings(catalog *cat, int64_t record_id, struct ts_err *err)
{
    static const char sql[] = "INSERT INTO holdings_queue(record_id) VALUES (?1)"
                              " ON CONFLICT(record_id) DO UPDATE SET version = version + 1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, record_id);
    return cat_step_done(cat, st, "queue holdings", err);
}

int catalog_holdings_queue_list(catalog *cat, size_t limit, struct cat_queued **out, size_t *n,
                                struct ts_err *err)
{
    static const char sql[] =
        "SELECT record_id, version FROM holdings_queue ORDER BY record_id LIMIT ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_queued *v = NULL;
    size_t cnt = 0, cap = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 64;
            v = ts_xrealloc(v, cap * sizeof *v);
        }
        v[cnt].record_id = sqlite3_column_int64(st, 0);
        v[cnt++].version = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        free(v);
        return cat_dberr(cat, src, "list holdings queue", err);
    }
    *out = v;
    *n = cnt;
    return TS_OK;
}

int catalog_holdings_queue_done(catalog *cat, const struct cat_queued *v, size_t n,
                                struct ts_err *err)
{
    static const char sql[] = "DELETE FROM holdings_queue WHERE record_id = ?1 AND version = ?2";
    sqlite3_stmt *st;
    int rc;

    if (n == 0)
        return TS_OK;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    for (size_t i = 0; i < n && rc == TS_OK; i++) {
        if (!(st = cat_stmt(cat, sql, err))) {
            rc = err ? (int)err->code : TS_EDB;
            break;
        }
        sqlite3_bind_int64(st, 1, v[i].record_id);
        sqlite3_bind_int64(st, 2, v[i].version);
        rc = cat_step_done(cat, st, "unqueue holdings", err);
    }
    return catalog_tx_end(cat, rc, err);
}

int64_t catalog_holdings_queue_count(catalog *cat)
{
    static const char sql[] = "SELECT count(*) FROM holdings_queue";
    return count(cat, sql);
}
