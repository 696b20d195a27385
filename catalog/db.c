/*
 * catalog/db.c - opening the catalogue, connection pragmas, the statement
 * cache and error mapping (transactions: writer.c).
 *
 * Every connection runs in WAL mode with foreign keys on and a busy timeout,
 * so several processes (an import and a search) and several threads (import
 * workers that only read) can share the file. synchronous=FULL: a committed
 * import batch or checkout survives a power cut.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"
#include "ts_mem.h"
#include "ts_util.h"

static int64_t wall_clock(void *ctx)
{
    (void)ctx;
    return ts_now_unix();
}

int64_t cat_now(catalog *cat)
{
    return cat->now_fn(cat->now_ctx);
}

void catalog_set_clock(catalog *cat, int64_t (*now_fn)(void *ctx), void *ctx)
{
    cat->now_fn = now_fn ? now_fn : wall_clock;
    cat->now_ctx = ctx;
}

int cat_dberr(catalog *cat, int src, const char *what, struct ts_err *err)
{
    int ext = sqlite3_extended_errcode(cat->db);

    (void)src;
    if (ext == SQLITE_BUSY || ext == SQLITE_LOCKED || (ext & 0xff) == SQLITE_BUSY)
        return ts_fail(err, TS_EBUSY, "%s: catalogue is busy: %s", what, sqlite3_errmsg(cat->db));
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return ts_fail(err, TS_ECONFLICT, "%s: %s", what, sqlite3_errmsg(cat->db));
    return ts_fail(err, TS_EDB, "%s: %s", what, sqlite3_errmsg(cat->db));
}

sqlite3_stmt *cat_stmt(catalog *cat, const char *sql, struct ts_err *err)
{
    sqlite3_stmt *st = NULL;

    for (int i = 0; i < cat->n_cache; i++) {
        if (cat->cache[i].sql == sql) {
            st = cat->cache[i].st;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return st;
        }
    }
    if (sqlite3_prepare_v3(cat->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        cat_dberr(cat, 0, "prepare", err);
        return NULL;
    }
    if (cat->n_cache < CAT_STMT_CACHE) {
        cat->cache[cat->n_cache].sql = sql;
        cat->cache[cat->n_cache].st = st;
        cat->n_cache++;
    } else {
        /* a programming error: raise CAT_STMT_CACHE */
        sqlite3_finalize(st);
        ts_fail(err, TS_EINTERNAL, "statement cache full");
        return NULL;
    }
    return st;
}

int cat_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

char *cat_col_strdup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? ts_xstrdup((const char *)t) : NULL;
}

int cat_step_done(catalog *cat, sqlite3_stmt *st, const char *what, struct ts_err *err)
{
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    if (src != SQLITE_DONE && src != SQLITE_ROW)
        return cat_dberr(cat, src, what, err);
    return TS_OK;
}

int cat_step_i64(catalog *cat, const char *sql, int64_t *v, const char *what, struct ts_err *err)
{
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    *v = 0;
    if (!st)
        return err ? (int)err->code : TS_EDB;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? TS_OK : cat_dberr(cat, src, what, err);
}

int cat_step_ids(catalog *cat, sqlite3_stmt *st, int64_t **ids, size_t *n, const char *what,
                 struct ts_err *err)
{
    int src;

    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = ts_xrealloc(*ids, (*n + 1) * sizeof **ids);
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return src == SQLITE_DONE ? TS_OK : cat_dberr(cat, src, what, err);
}

int cat_exec1(catalog *cat, const char *sql, struct ts_err *err)
{
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    return st ? cat_step_done(cat, st, sql, err) : err ? (int)err->code : TS_EDB;
}

int cat_exec(catalog *cat, const char *sql, struct ts_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(cat->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = cat_dberr(cat, 0, sql, err);
        sqlite3_free(msg);
        return rc;
    }
    return TS_OK;
}

/* sqlite counts every allocation under one global mutex for
 * sqlite3_memory_used(), which we never call; the server's threads queued on
 * it. Must run before sqlite initialises, so before the first connection. */
static pthread_once_t sqlite_setup_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* refused (harmless) if already initialised */
}

static int open_conn(const char *path, int flags, const char *vfs, catalog **out,
                     struct ts_err *err)
{
    pthread_once(&sqlite_setup_once, sqlite_setup);
    catalog *cat = ts_xcalloc(1, sizeof *cat);
    int rc;

    *out = NULL;
    catalog_set_clock(cat, NULL, NULL);
    if (sqlite3_open_v2(path, &cat->db, flags | SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
        rc = ts_fail(err, TS_EDB, "open catalogue %s: %s", path,
                     cat->db ? sqlite3_errmsg(cat->db) : "out of memory");
        catalog_close(cat);
        return rc;
    }
    sqlite3_busy_timeout(cat->db, 10000);
    sqlite3_extended_result_codes(cat->db, 1);
    if ((rc = cat_exec(cat, "PRAGMA foreign_keys=ON", err)) ||
        (rc = cat_exec(cat, "PRAGMA synchronous=FULL", err))) {
        catalog_close(cat);
        return rc;
    }
    *out = cat;
    return TS_OK;
}

int cat_open_vfs(const char *path, const char *vfs, catalog **out, struct ts_err *err)
{
    catalog *cat;
    int rc;

    *out = NULL;
    if ((rc = open_conn(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs, &cat, err)))
        return rc;
    if ((rc = cat_exec(cat, "PRAGMA journal_mode=WAL", err)) || (rc = catalog_migrate(cat, err))) {
        catalog_close(cat);
        return rc;
    }
    cat_dir_watch(cat);
    *out = cat;
    return TS_OK;
}

int catalog_open(const char *path, catalog **out, struct ts_err *err)
{
    return cat_open_vfs(path, NULL, out, err);
}

int catalog_open_readonly(const char *path, catalog **out, struct ts_err *err)
{
    return open_conn(path, SQLITE_OPEN_READONLY, NULL, out, err);
}

int catalog_read_begin(catalog *cat, struct ts_err *err)
{
    return cat_exec1(cat, CAT_SQL_BEGIN, err);
}

void catalog_read_end(catalog *cat)
{
    if (cat && !sqlite3_get_autocommit(cat->db))
        cat_exec1(cat, CAT_SQL_COMMIT, NULL);
}

void catalog_close(catalog *cat)
{
    if (!cat)
        return;
    cat_tx_close(cat); /* commits a batch left open, drops the writer lock */
    cat_ckpt_stop(cat, cat->ckpt);
    cat_flush_close(cat->flush);
    for (int i = 0; i < cat->n_cache; i++) /* after the COMMITs above, which use them */
        sqlite3_finalize(cat->cache[i].st);
    sqlite3_close(cat->db);
    free(cat);
}
