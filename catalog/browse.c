/*
 * catalog/browse.c - read-only queries behind the web pages and the JSON API
 * (see browse.h).
 *
 * Collection size counts distinct records with a digital holding at the
 * library; physical items join the count when the item table lands (issue 3).
 * Statements are static strings so the per-connection cache (cat_stmt) keeps
 * them prepared across requests.
 */
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "catalog_int.h"
#include "ts_mem.h"

#define FAIL_STMT(err) ((err) ? (int)(err)->code : TS_EDB)

static void library_row(sqlite3_stmt *st, struct cat_library_stat *s)
{
    s->id = sqlite3_column_int64(st, 0);
    s->code = cat_col_strdup(st, 1);
    s->name = cat_col_strdup(st, 2);
    s->kind = cat_col_strdup(st, 3);
    s->n_records = sqlite3_column_int64(st, 4);
}

int catalog_browse_libraries(catalog *cat, struct cat_library_stat **out, size_t *n,
                             struct ts_err *err)
{
    /* one grouped pass over the holdings, not one count per library */
    static const char sql[] =
        "SELECT l.id, l.code, l.name, l.kind, COALESCE(c.n, 0) FROM library l LEFT JOIN"
        " (SELECT h.library_id AS lid, COUNT(DISTINCT f.record_id) AS n FROM file_holding h"
        "  JOIN file f ON f.id = h.file_id GROUP BY h.library_id) c ON c.lid = l.id"
        " ORDER BY l.kind, l.code";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_library_stat *v = NULL;
    size_t count = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st)
        return FAIL_STMT(err);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (count + 1) * sizeof *v);
        library_row(st, &v[count++]);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_library_stats_free(v, count);
        return cat_dberr(cat, src, "list libraries", err);
    }
    *out = v;
    *n = count;
    return TS_OK;
}

int catalog_browse_library(catalog *cat, const char *code, struct cat_library_stat *out,
                           struct ts_err *err)
{
    static const char sql[] =
        "SELECT l.id, l.code, l.name, l.kind,"
        " (SELECT COUNT(DISTINCT f.record_id) FROM file_holding h JOIN file f ON f.id = h.file_id"
        "  WHERE h.library_id = l.id) FROM library l WHERE l.code = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    memset(out, 0, sizeof *out);
    if (!st)
        return FAIL_STMT(err);
    cat_bind_text(st, 1, code);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        library_row(st, out);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src == SQLITE_DONE)
        return ts_fail(err, TS_ENOTFOUND, "no library %s", code);
    return cat_dberr(cat, src, "get library", err);
}

void cat_library_stat_clear(struct cat_library_stat *s)
{
    if (!s)
        return;
    free(s->code);
    free(s->name);
    free(s->kind);
    memset(s, 0, sizeof *s);
}

void cat_library_stats_free(struct cat_library_stat *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        cat_library_stat_clear(&v[i]);
    free(v);
}

#define FILE_COLS                                                                                  \
    "SELECT id, record_id, size, created, sha256, name, format, media_type, encoding, access"      \
    " FROM file"

static void file_row(sqlite3_stmt *st, struct cat_file_info *f)
{
    f->id = sqlite3_column_int64(st, 0);
    f->record_id = sqlite3_column_int64(st, 1);
    f->size = sqlite3_column_int64(st, 2);
    f->created = sqlite3_column_int64(st, 3);
    f->sha256 = cat_col_strdup(st, 4);
    f->name = cat_col_strdup(st, 5);
    f->format = cat_col_strdup(st, 6);
    f->media_type = cat_col_strdup(st, 7);
    f->encoding = cat_col_strdup(st, 8);
    f->access = cat_col_strdup(st, 9);
}

int catalog_browse_file(catalog *cat, int64_t file_id, struct cat_file_info *out,
                        struct ts_err *err)
{
    static const char sql[] = FILE_COLS " WHERE id = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    memset(out, 0, sizeof *out);
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, file_id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        file_row(st, out);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src == SQLITE_DONE)
        return ts_fail(err, TS_ENOTFOUND, "no file %lld", (long long)file_id);
    return cat_dberr(cat, src, "get file", err);
}

int catalog_browse_files(catalog *cat, int64_t record_id, struct cat_file_info **out, size_t *n,
                         struct ts_err *err)
{
    static const char sql[] = FILE_COLS " WHERE record_id = ?1 ORDER BY id";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_file_info *v = NULL;
    size_t count = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, record_id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (count + 1) * sizeof *v);
        memset(&v[count], 0, sizeof *v);
        file_row(st, &v[count++]);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_file_infos_free(v, count);
        return cat_dberr(cat, src, "list files", err);
    }
    *out = v;
    *n = count;
    return TS_OK;
}

void cat_file_info_clear(struct cat_file_info *f)
{
    if (!f)
        return;
    free(f->sha256);
    free(f->name);
    free(f->format);
    free(f->media_type);
    free(f->encoding);
    free(f->access);
    memset(f, 0, sizeof *f);
}

void cat_file_infos_free(struct cat_file_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        cat_file_info_clear(&v[i]);
    free(v);
}

int catalog_browse_holdings(catalog *cat, int64_t record_id, struct cat_holding **out, size_t *n,
                            struct ts_err *err)
{
    static const char sql[] =
        "SELECT h.file_id, l.code, l.name, l.kind FROM file f"
        " JOIN file_holding h ON h.file_id = f.id JOIN library l ON l.id = h.library_id"
        " WHERE f.record_id = ?1 ORDER BY l.code, h.file_id";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_holding *v = NULL;
    size_t count = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, record_id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (count + 1) * sizeof *v);
        v[count].file_id = sqlite3_column_int64(st, 0);
        v[count].library_code = cat_col_strdup(st, 1);
        v[count].library_name = cat_col_strdup(st, 2);
        v[count].library_kind = cat_col_strdup(st, 3);
        count++;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_holdings_free(v, count);
        return cat_dberr(cat, src, "list holdings", err);
    }
    *out = v;
    *n = count;
    return TS_OK;
}

void cat_holdings_free(struct cat_holding *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].library_code);
        free(v[i].library_name);
        free(v[i].library_kind);
    }
    free(v);
}

int catalog_browse_record_times(catalog *cat, int64_t record_id, int64_t *created, int64_t *updated,
                                struct ts_err *err)
{
    static const char sql[] = "SELECT created, updated FROM record WHERE id = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    *created = *updated = 0;
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, record_id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *created = sqlite3_column_int64(st, 0);
        *updated = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src == SQLITE_DONE)
        return ts_fail(err, TS_ENOTFOUND, "no record %lld", (long long)record_id);
    return cat_dberr(cat, src, "record times", err);
}

int catalog_browse_library_records(catalog *cat, int64_t library_id, size_t offset, size_t limit,
                                   struct cat_record_brief **out, size_t *n, int64_t *total,
                                   struct ts_err *err)
{
    static const char sql_count[] =
        "SELECT COUNT(DISTINCT f.record_id) FROM file_holding h JOIN file f ON f.id = h.file_id"
        " WHERE h.library_id = ?1";
    static const char sql[] =
        "SELECT r.id, r.title FROM record r WHERE r.id IN (SELECT f.record_id FROM file_holding h"
        " JOIN file f ON f.id = h.file_id WHERE h.library_id = ?1)"
        " ORDER BY r.title, r.id LIMIT ?2 OFFSET ?3";
    struct cat_record_brief *v = NULL;
    sqlite3_stmt *st;
    size_t count = 0;
    int src;

    *out = NULL;
    *n = 0;
    *total = 0;
    if (!(st = cat_stmt(cat, sql_count, err)))
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, library_id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *total = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return cat_dberr(cat, src, "count library records", err);
    if (!(st = cat_stmt(cat, sql, err)))
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, library_id);
    sqlite3_bind_int64(st, 2, (int64_t)limit);
    sqlite3_bind_int64(st, 3, (int64_t)offset);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (count + 1) * sizeof *v);
        v[count].id = sqlite3_column_int64(st, 0);
        v[count].title = cat_col_strdup(st, 1);
        count++;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_record_briefs_free(v, count);
        return cat_dberr(cat, src, "list library records", err);
    }
    *out = v;
    *n = count;
    return TS_OK;
}

void cat_record_briefs_free(struct cat_record_brief *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].title);
    free(v);
}
