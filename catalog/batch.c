/*
 * catalog/batch.c - import batches and their error reports ("file, reason"),
 * so a librarian can see afterwards what was skipped and why.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"
#include "ts_mem.h"

int catalog_batch_begin(catalog *cat, int64_t library_id, const char *source, int64_t *batch_id,
                        struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO import_batch(library_id, source, started) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int rc;

    *batch_id = 0;
    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, library_id);
    cat_bind_text(st, 2, source);
    sqlite3_bind_int64(st, 3, cat_now(cat));
    if ((rc = cat_step_done(cat, st, "begin batch", err)))
        return rc;
    *batch_id = sqlite3_last_insert_rowid(cat->db);
    return TS_OK;
}

int catalog_batch_error(catalog *cat, int64_t batch_id, const char *path, const struct ts_err *why,
                        struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO import_error(batch_id, path, code, reason) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, batch_id);
    cat_bind_text(st, 2, path);
    cat_bind_text(st, 3, why->code == TS_OK ? "warning" : ts_code_name(why->code));
    cat_bind_text(st, 4, why->msg);
    return cat_step_done(cat, st, "record import error", err);
}

int catalog_batch_finish(catalog *cat, int64_t batch_id, int64_t n_imported, int64_t n_unchanged,
                         int64_t n_failed, struct ts_err *err)
{
    static const char sql[] =
        "UPDATE import_batch SET finished = ?2, n_imported = ?3, n_unchanged = ?4, n_failed = ?5"
        " WHERE id = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, batch_id);
    sqlite3_bind_int64(st, 2, cat_now(cat));
    sqlite3_bind_int64(st, 3, n_imported);
    sqlite3_bind_int64(st, 4, n_unchanged);
    sqlite3_bind_int64(st, 5, n_failed);
    return cat_step_done(cat, st, "finish batch", err);
}

int catalog_batch_errors(catalog *cat, int64_t batch_id, struct cat_batch_error **out, size_t *n,
                         struct ts_err *err)
{
    static const char sql[] =
        "SELECT path, code, reason FROM import_error WHERE batch_id = ?1 ORDER BY id";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_batch_error *v = NULL;
    size_t cnt = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, batch_id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        v[cnt].path = cat_col_strdup(st, 0);
        v[cnt].code = cat_col_strdup(st, 1);
        v[cnt].reason = cat_col_strdup(st, 2);
        cnt++;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_batch_errors_free(v, cnt);
        return cat_dberr(cat, src, "list import errors", err);
    }
    *out = v;
    *n = cnt;
    return TS_OK;
}

void cat_batch_errors_free(struct cat_batch_error *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].path);
        free(e[i].code);
        free(e[i].reason);
    }
    free(e);
}
