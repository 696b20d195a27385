/*
 * catalog/browse.c - read-only queries behind the web pages and the JSON API
 * (see browse.h).
 *
 * Collection size counts distinct records with a digital holding at the
 * library or a copy in its custody (custodian, as search's library filter and
 * "available at" use); withdrawn copies are left out everywhere.
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
    s->n_copies = sqlite3_column_int64(st, 5);
    s->n_available = sqlite3_column_int64(st, 6);
    s->n_on_loan = sqlite3_column_int64(st, 7);
    s->n_in_transit = sqlite3_column_int64(st, 8);
}

/* (library, record) pairs: digital holdings and copies in custody. */
#define HELD_PAIRS                                                                                 \
    "SELECT h.library_id AS lid, f.record_id AS rid FROM file_holding h"                           \
    " JOIN file f ON f.id = h.file_id"                                                             \
    " UNION SELECT custodian_id, record_id FROM item WHERE status <> 'withdrawn'"
/* Copies by custodian and status. */
#define COPY_COUNTS                                                                                \
    "SELECT custodian_id AS lid, COUNT(*) AS copies, SUM(status = 'available') AS avail,"          \
    " SUM(status = 'on_loan') AS loan, SUM(status = 'in_transit') AS transit FROM item"            \
    " WHERE status <> 'withdrawn'"
#define LIBRARY_COLS                                                                               \
    "SELECT l.id, l.code, l.name, l.kind, COALESCE(c.n, 0), COALESCE(i.copies, 0),"                \
    " COALESCE(i.avail, 0), COALESCE(i.loan, 0), COALESCE(i.transit, 0) FROM library l"

int catalog_browse_libraries(catalog *cat, struct cat_library_stat **out, size_t *n,
                             struct ts_err *err)
{
    /* one grouped pass over holdings and copies, not one count per library */
    static const char sql[] =
        LIBRARY_COLS " LEFT JOIN (SELECT lid, COUNT(*) AS n FROM (" HELD_PAIRS ") GROUP BY lid) c"
                     " ON c.lid = l.id LEFT JOIN (" COPY_COUNTS " GROUP BY custodian_id) i"
                     " ON i.lid = l.id ORDER BY l.kind, l.code";
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
        LIBRARY_COLS " LEFT JOIN (SELECT lid, COUNT(*) AS n FROM (" HELD_PAIRS ") WHERE lid ="
                     " (SELECT id FROM library WHERE code = ?1) GROUP BY lid) c ON c.lid = l.id"
                     " LEFT JOIN (" COPY_COUNTS " AND custodian_id ="
                     " (SELECT id FROM library WHERE code = ?1) GROUP BY custodian_id) i"
                     " ON i.lid = l.id WHERE l.code = ?1";
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
#define HELD_AT                                                                                    \
    "SELECT f.record_id FROM file_holding h JOIN file f ON f.id = h.file_id"                       \
    " WHERE h.library_id = ?1 UNION SELECT record_id FROM item WHERE custodian_id = ?1"            \
    " AND status <> 'withdrawn'"
    static const char sql_count[] = "SELECT COUNT(*) FROM (" HELD_AT ")";
    static const char sql[] = "SELECT r.id, r.title FROM record r WHERE r.id IN (" HELD_AT ")"
                              " ORDER BY r.title, r.id LIMIT ?2 OFFSET ?3";
#undef HELD_AT
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

/* ---- catalogue feeds ---- */

/* ?1 type, ?2 language, ?3 library id (0: any), ?4 year (0: any) */
#define RECENT_WHERE                                                                               \
    " FROM record r WHERE r.withdrawn = 0 AND (?1 IS NULL OR r.resource_type = ?1)"                \
    " AND (?2 IS NULL OR lower(r.language) = lower(?2)"                                            \
    "  OR substr(lower(r.language), 1, length(?2) + 1) = lower(?2) || '-')"                        \
    " AND (?3 = 0 OR r.id IN (SELECT f.record_id FROM file_holding h JOIN file f"                  \
    "  ON f.id = h.file_id WHERE h.library_id = ?3 UNION SELECT record_id FROM item"               \
    "  WHERE custodian_id = ?3 AND status <> 'withdrawn'))"                                        \
    " AND (?4 = 0 OR r.year = ?4)"

static void recent_bind(sqlite3_stmt *st, const struct cat_browse_filter *f)
{
    cat_bind_text(st, 1, f ? f->type : NULL);
    cat_bind_text(st, 2, f ? f->language : NULL);
    sqlite3_bind_int64(st, 3, f ? f->library_id : 0);
    sqlite3_bind_int64(st, 4, f ? f->year : 0);
}

int catalog_browse_recent(catalog *cat, const struct cat_browse_filter *f, size_t offset,
                          size_t limit, int64_t **ids, size_t *n, int64_t *total,
                          struct ts_err *err)
{
    static const char sql_count[] = "SELECT COUNT(*)" RECENT_WHERE;
    static const char sql[] =
        "SELECT r.id" RECENT_WHERE " ORDER BY r.created DESC, r.id DESC LIMIT ?5 OFFSET ?6";
    sqlite3_stmt *st;
    int64_t *v = NULL;
    size_t count = 0;
    int src;

    *ids = NULL;
    *n = 0;
    *total = 0;
    if (!(st = cat_stmt(cat, sql_count, err)))
        return FAIL_STMT(err);
    recent_bind(st, f);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *total = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return cat_dberr(cat, src, "count records", err);
    if (limit == 0 || offset >= (size_t)*total)
        return TS_OK;
    if (!(st = cat_stmt(cat, sql, err)))
        return FAIL_STMT(err);
    recent_bind(st, f);
    sqlite3_bind_int64(st, 5, (int64_t)limit);
    sqlite3_bind_int64(st, 6, (int64_t)offset);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (count + 1) * sizeof *v);
        v[count++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        free(v);
        return cat_dberr(cat, src, "list records", err);
    }
    *ids = v;
    *n = count;
    return TS_OK;
}
#undef RECENT_WHERE

static int value_counts(catalog *cat, const char *sql, const char *what,
                        struct cat_value_count **out, size_t *n, struct ts_err *err)
{
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_value_count *v = NULL;
    size_t count = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st)
        return FAIL_STMT(err);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (count + 1) * sizeof *v);
        v[count].value = cat_col_strdup(st, 0);
        v[count].count = sqlite3_column_int64(st, 1);
        count++;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_value_counts_free(v, count);
        return cat_dberr(cat, src, what, err);
    }
    *out = v;
    *n = count;
    return TS_OK;
}

int catalog_browse_types(catalog *cat, struct cat_value_count **out, size_t *n, struct ts_err *err)
{
    static const char sql[] =
        "SELECT resource_type, COUNT(*) FROM record WHERE withdrawn = 0 AND resource_type <> ''"
        " GROUP BY resource_type ORDER BY resource_type";
    return value_counts(cat, sql, "list types", out, n, err);
}

int catalog_browse_languages(catalog *cat, struct cat_value_count **out, size_t *n,
                             struct ts_err *err)
{
    static const char sql[] =
        "SELECT language, COUNT(*) FROM record WHERE withdrawn = 0 AND language IS NOT NULL"
        " AND language <> '' GROUP BY language ORDER BY language";
    return value_counts(cat, sql, "list languages", out, n, err);
}

void cat_value_counts_free(struct cat_value_count *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].value);
    free(v);
}

int catalog_browse_last_update(catalog *cat, int64_t *t, struct ts_err *err)
{
    static const char sql[] = "SELECT COALESCE(MAX(updated), 0) FROM record";
    return cat_step_i64(cat, sql, t, "last update", err);
}

/* ---- OAI-PMH ---- */

/* ?1 after id, ?2 from, ?3 until, ?4 set kind (enum cat_oai_set), ?5 set value.
 * A record is held by the libraries with a digital holding of it or a copy in
 * custody (as catalog_record_get's libraries); a withdrawn record is deleted.
 * The unary + keeps the planner off the datestamp indexes: both sides must
 * come in id order for the compound ORDER BY to be a merge, not a sort of the
 * whole catalogue on every page. */
#define OAI_HELD_FILES                                                                             \
    "SELECT l.code FROM file f JOIN file_holding h ON h.file_id = f.id JOIN library l"             \
    " ON l.id = h.library_id WHERE f.record_id = r.id"
#define OAI_HELD_ITEMS                                                                             \
    "SELECT l.code FROM item i JOIN library l ON l.id = i.custodian_id"                            \
    " WHERE i.record_id = r.id AND i.status <> 'withdrawn'"
#define OAI_LIBS                                                                                   \
    "(SELECT group_concat(code, ' ') FROM (" OAI_HELD_FILES " UNION " OAI_HELD_ITEMS "))"
#define OAI_ANY_LIB "EXISTS (" OAI_HELD_FILES " UNION " OAI_HELD_ITEMS ")"
/* record-driven: the + keeps the planner from walking a whole library's holdings per record */
#define OAI_LIB                                                                                    \
    "(EXISTS (SELECT 1 FROM item i WHERE i.record_id = r.id AND i.status <> 'withdrawn'"           \
    " AND +i.custodian_id = (SELECT id FROM library WHERE code = ?5)) OR EXISTS (SELECT 1"         \
    " FROM file f JOIN file_holding h ON h.file_id = f.id WHERE f.record_id = r.id"                \
    " AND +h.library_id = (SELECT id FROM library WHERE code = ?5)))"
#define OAI_LIVE                                                                                   \
    "SELECT r.id, r.updated, r.withdrawn, r.resource_type, " OAI_LIBS " FROM record r"             \
    " WHERE r.id > ?1 AND +r.updated BETWEEN ?2 AND ?3"                                            \
    " AND (?4 = 0 OR (?4 = 1 AND " OAI_ANY_LIB ") OR (?4 = 2 AND " OAI_LIB ")"                     \
    " OR (?4 = 3 AND r.resource_type <> '') OR (?4 = 4 AND r.resource_type = ?5))"
#define OAI_GONE                                                                                   \
    "SELECT t.record_id, t.deleted_at, 1, t.resource_type, t.libraries FROM record_tombstone t"    \
    " WHERE t.record_id > ?1 AND +t.deleted_at BETWEEN ?2 AND ?3"                                  \
    " AND NOT EXISTS (SELECT 1 FROM record x WHERE x.id = t.record_id) AND (?4 = 0"                \
    " OR (?4 = 1 AND t.libraries <> '')"                                                           \
    " OR (?4 = 2 AND instr(' ' || t.libraries || ' ', ' ' || ?5 || ' ') > 0)"                      \
    " OR (?4 = 3 AND t.resource_type <> '') OR (?4 = 4 AND t.resource_type = ?5))"

static void oai_bind(sqlite3_stmt *st, const struct cat_oai_query *q, int64_t after_id)
{
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, q->from);
    sqlite3_bind_int64(st, 3, q->until);
    sqlite3_bind_int(st, 4, (int)q->set);
    cat_bind_text(st, 5, q->set_value);
}

int catalog_oai_list(catalog *cat, const struct cat_oai_query *q, int64_t after_id, size_t limit,
                     struct cat_oai_entry **out, size_t *n, struct ts_err *err)
{
    /* a compound ORDER BY: SQLite merges the two id-ordered scans */
    static const char sql[] = OAI_LIVE " UNION ALL " OAI_GONE " ORDER BY 1 LIMIT ?6";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct cat_oai_entry *v = NULL;
    size_t count = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st)
        return FAIL_STMT(err);
    oai_bind(st, q, after_id);
    sqlite3_bind_int64(st, 6, (int64_t)limit);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (count + 1) * sizeof *v);
        v[count].id = sqlite3_column_int64(st, 0);
        v[count].datestamp = sqlite3_column_int64(st, 1);
        v[count].deleted = sqlite3_column_int(st, 2) != 0;
        v[count].type = cat_col_strdup(st, 3);
        v[count].libraries = cat_col_strdup(st, 4);
        count++;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_oai_entries_free(v, count);
        return cat_dberr(cat, src, "OAI list", err);
    }
    *out = v;
    *n = count;
    return TS_OK;
}

int catalog_oai_count(catalog *cat, const struct cat_oai_query *q, int64_t after_id, int64_t *count,
                      struct ts_err *err)
{
    static const char sql[] =
        "SELECT (SELECT COUNT(*) FROM (" OAI_LIVE ")) + (SELECT COUNT(*) FROM (" OAI_GONE "))";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    *count = 0;
    if (!st)
        return FAIL_STMT(err);
    oai_bind(st, q, after_id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return src == SQLITE_ROW ? TS_OK : cat_dberr(cat, src, "OAI count", err);
}
#undef OAI_GONE
#undef OAI_LIVE
#undef OAI_LIB
#undef OAI_ANY_LIB
#undef OAI_LIBS
#undef OAI_HELD_ITEMS
#undef OAI_HELD_FILES

int catalog_oai_entry(catalog *cat, int64_t id, struct cat_oai_entry *out, struct ts_err *err)
{
    const struct cat_oai_query all = {INT64_MIN, INT64_MAX, CAT_OAI_SET_NONE, NULL};
    struct cat_oai_entry *v;
    size_t n;
    int rc;

    memset(out, 0, sizeof *out);
    if (id <= 0 || id == INT64_MAX)
        return ts_fail(err, TS_ENOTFOUND, "no record %lld", (long long)id);
    if ((rc = catalog_oai_list(cat, &all, id - 1, 1, &v, &n, err)))
        return rc;
    if (n == 1 && v[0].id == id) {
        *out = v[0];
        free(v);
        return TS_OK;
    }
    cat_oai_entries_free(v, n);
    return ts_fail(err, TS_ENOTFOUND, "no record %lld", (long long)id);
}

int catalog_oai_earliest(catalog *cat, int64_t *t, int *found, struct ts_err *err)
{
    static const char sql[] = "SELECT MIN(x) FROM (SELECT MIN(updated) AS x FROM record"
                              " UNION ALL SELECT MIN(deleted_at) FROM record_tombstone)";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    *t = 0;
    *found = 0;
    if (!st)
        return FAIL_STMT(err);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *t = sqlite3_column_int64(st, 0);
        *found = 1;
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW ? TS_OK : cat_dberr(cat, src, "OAI earliest datestamp", err);
}

void cat_oai_entry_clear(struct cat_oai_entry *e)
{
    if (!e)
        return;
    free(e->type);
    free(e->libraries);
    memset(e, 0, sizeof *e);
}

void cat_oai_entries_free(struct cat_oai_entry *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        cat_oai_entry_clear(&v[i]);
    free(v);
}

int catalog_browse_item_due(catalog *cat, int64_t item_id, int64_t *due_at, struct ts_err *err)
{
    /* the partial unique index loan_one_open_per_item answers this alone */
    static const char sql[] = "SELECT due_at FROM loan WHERE item_id = ?1 AND returned_at IS NULL";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    *due_at = 0;
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, item_id);
    if ((src = sqlite3_step(st)) == SQLITE_ROW)
        *due_at = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? TS_OK
                                                   : cat_dberr(cat, src, "due date of a copy", err);
}
