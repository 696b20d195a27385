/*
 * catalog/library.c - libraries of the network: school, public, community
 * learning centre, classroom bookcase, district office.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"
#include "ts_mem.h"

static const char *const kinds[] = {"school",    "public",   "learning_centre",
                                    "classroom", "district", NULL};

int catalog_library_kind_valid(const char *kind)
{
    for (int i = 0; kind && kinds[i]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}

/* Codes appear in URLs, file names and barcodes: keep them plain. */
static int code_valid(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > 32)
        return 0;
    for (const char *p = code; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return 0;
    return 1;
}

int catalog_library_add(catalog *cat, const char *code, const char *name, const char *kind,
                        int64_t *id, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO library(code, name, kind, created) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st;
    int rc;

    *id = 0;
    if (!code || !code_valid(code))
        return ts_fail(err, TS_EINVAL, "library code must be 1-32 letters, digits, '-' or '_'");
    if (!name || !*name || strlen(name) > 200)
        return ts_fail(err, TS_EINVAL, "library name must be 1-200 bytes");
    if (!catalog_library_kind_valid(kind))
        return ts_fail(err, TS_EINVAL,
                       "library kind '%s' is not one of school, public, learning_centre, "
                       "classroom, district",
                       kind ? kind : "");
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if (!(st = cat_stmt(cat, sql, err))) {
        rc = err ? (int)err->code : TS_EDB;
        goto out;
    }
    cat_bind_text(st, 1, code);
    cat_bind_text(st, 2, name);
    cat_bind_text(st, 3, kind);
    sqlite3_bind_int64(st, 4, cat_now(cat));
    rc = cat_step_done(cat, st, "add library", err);
    if (rc == TS_ECONFLICT) {
        rc = ts_fail(err, TS_ECONFLICT, "library %s already exists", code);
        goto out;
    }
    if (rc)
        goto out;
    *id = sqlite3_last_insert_rowid(cat->db);
    rc = catalog_event_add(cat, "cli", "library.add", code, name, err);
out:
    return catalog_tx_end(cat, rc, err);
}

static void fill(sqlite3_stmt *st, struct cat_library *lib)
{
    lib->id = sqlite3_column_int64(st, 0);
    lib->code = cat_col_strdup(st, 1);
    lib->name = cat_col_strdup(st, 2);
    lib->kind = cat_col_strdup(st, 3);
}

int catalog_library_get(catalog *cat, const char *code, struct cat_library *out, struct ts_err *err)
{
    static const char sql[] = "SELECT id, code, name, kind FROM library WHERE code = ?1";
    sqlite3_stmt *st;
    int src;

    memset(out, 0, sizeof *out);
    if (!(st = cat_stmt(cat, sql, err)))
        return err ? (int)err->code : TS_EDB;
    cat_bind_text(st, 1, code);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        fill(st, out);
        sqlite3_reset(st);
        return TS_OK;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "get library", err);
    return ts_fail(err, TS_ENOTFOUND, "no library with code '%s' (see: tusach library list)", code);
}

int catalog_library_list(catalog *cat, struct cat_library **out, size_t *n, struct ts_err *err)
{
    static const char sql[] = "SELECT id, code, name, kind FROM library ORDER BY code";
    struct cat_library *libs = NULL;
    size_t cnt = 0;
    sqlite3_stmt *st;
    int src;

    *out = NULL;
    *n = 0;
    if (!(st = cat_stmt(cat, sql, err)))
        return err ? (int)err->code : TS_EDB;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        libs = ts_xrealloc(libs, (cnt + 1) * sizeof *libs);
        fill(st, &libs[cnt++]);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_library_list_free(libs, cnt);
        return cat_dberr(cat, src, "list libraries", err);
    }
    *out = libs;
    *n = cnt;
    return TS_OK;
}

void cat_library_clear(struct cat_library *lib)
{
    if (!lib)
        return;
    free(lib->code);
    free(lib->name);
    free(lib->kind);
    memset(lib, 0, sizeof *lib);
}

void cat_library_list_free(struct cat_library *libs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cat_library_clear(&libs[i]);
    free(libs);
}
