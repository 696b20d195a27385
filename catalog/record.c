/*
 * catalog/record.c - records (one per work), their digital files and the
 * libraries holding those files.
 *
 * Inserts here run inside the caller's transaction: the import pipeline
 * writes a whole batch of records, files, holdings and index-queue rows in
 * one BEGIN IMMEDIATE ... COMMIT.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

#define FAIL_STMT(err) ((err) ? (int)(err)->code : TS_EDB)

/* First run of four digits that looks like a year (1000-2999). */
int64_t cat_year_of(const char *date)
{
    for (const char *p = date; p && *p; p++) {
        if ((p[0] == '1' || p[0] == '2') && isdigit((unsigned char)p[1]) &&
            isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
            (p == date || !isdigit((unsigned char)p[-1])) && !isdigit((unsigned char)p[4]))
            return (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    }
    return 0;
}

int cat_add_list(catalog *cat, const char *sql, int64_t id, const char *const *v, size_t n,
                 int with_pos, struct ts_err *err)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = cat_stmt(cat, sql, err);
        int rc;
        if (!st)
            return FAIL_STMT(err);
        sqlite3_bind_int64(st, 1, id);
        if (with_pos) {
            sqlite3_bind_int64(st, 2, (int64_t)i);
            cat_bind_text(st, 3, v[i]);
        } else {
            cat_bind_text(st, 2, v[i]);
        }
        if ((rc = cat_step_done(cat, st, "add record list", err)))
            return rc;
    }
    return TS_OK;
}

int catalog_record_add(catalog *cat, const struct cat_record_in *in, int64_t *id,
                       struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO record(title, language, publisher, date, year, description, resource_type,"
        " licence, batch_id, created, updated, subtitle, place, edition, extent, series, notes,"
        " classification, audience, match_key)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)";
    static const char sql_author[] =
        "INSERT OR IGNORE INTO record_author(record_id, pos, name, role) VALUES (?1, ?2, ?3, ?4)";
    static const char sql_link[] =
        "INSERT OR IGNORE INTO record_link(record_id, url) VALUES (?1, ?2)";
    static const char sql_source[] =
        "INSERT OR IGNORE INTO record_source(source, source_id, record_id, batch_id)"
        " VALUES (?1, ?2, ?3, ?4)";
    char *key;
    static const char sql_subject[] =
        "INSERT OR IGNORE INTO record_subject(record_id, subject) VALUES (?1, ?2)";
    static const char sql_ident[] =
        "INSERT OR IGNORE INTO record_identifier(record_id, scheme, value) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *st;
    int64_t year;
    int rc;

    *id = 0;
    if (!in->title || !*in->title)
        return ts_fail(err, TS_EINVAL, "record without a title");
    if (!(st = cat_stmt(cat, sql, err)))
        return FAIL_STMT(err);
    year = cat_year_of(in->date);
    cat_bind_text(st, 1, in->title);
    cat_bind_text(st, 2, in->language);
    cat_bind_text(st, 3, in->publisher);
    cat_bind_text(st, 4, in->date);
    if (year)
        sqlite3_bind_int64(st, 5, year);
    cat_bind_text(st, 6, in->description);
    cat_bind_text(st, 7, in->resource_type ? in->resource_type : "document");
    cat_bind_text(st, 8, in->licence);
    if (in->batch_id)
        sqlite3_bind_int64(st, 9, in->batch_id);
    sqlite3_bind_int64(st, 10, cat_now(cat));
    cat_bind_text(st, 11, in->subtitle);
    cat_bind_text(st, 12, in->place);
    cat_bind_text(st, 13, in->edition);
    cat_bind_text(st, 14, in->extent);
    cat_bind_text(st, 15, in->series);
    cat_bind_text(st, 16, in->notes);
    cat_bind_text(st, 17, in->classification);
    cat_bind_text(st, 18, in->audience);
    key = catalog_match_key(in->title, in->n_authors ? in->authors[0] : NULL, in->date);
    cat_bind_text(st, 19, key);
    free(key);
    if ((rc = cat_step_done(cat, st, "add record", err)))
        return rc;
    *id = sqlite3_last_insert_rowid(cat->db);
    for (size_t i = 0; i < in->n_authors; i++) {
        const char *role = in->author_roles && in->author_roles[i] ? in->author_roles[i] : "author";
        if (!(st = cat_stmt(cat, sql_author, err)))
            return FAIL_STMT(err);
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        cat_bind_text(st, 3, in->authors[i]);
        cat_bind_text(st, 4, role);
        if ((rc = cat_step_done(cat, st, "add author", err)))
            return rc;
    }
    if ((rc = cat_add_list(cat, sql_subject, *id, in->subjects, in->n_subjects, 0, err)) ||
        (rc = cat_add_list(cat, sql_link, *id, in->links, in->n_links, 0, err)))
        return rc;
    if (in->source && in->source_id) {
        if (!(st = cat_stmt(cat, sql_source, err)))
            return FAIL_STMT(err);
        cat_bind_text(st, 1, in->source);
        cat_bind_text(st, 2, in->source_id);
        sqlite3_bind_int64(st, 3, *id);
        if (in->batch_id)
            sqlite3_bind_int64(st, 4, in->batch_id);
        if ((rc = cat_step_done(cat, st, "add source", err)))
            return rc;
    }
    for (size_t i = 0; i < in->n_identifiers; i++) {
        const char *colon = strchr(in->identifiers[i], ':');
        char scheme[32];
        if (!(st = cat_stmt(cat, sql_ident, err)))
            return FAIL_STMT(err);
        if (colon && colon - in->identifiers[i] < (long)sizeof scheme) {
            memcpy(scheme, in->identifiers[i], (size_t)(colon - in->identifiers[i]));
            scheme[colon - in->identifiers[i]] = '\0';
        } else {
            memcpy(scheme, "other", 6);
            colon = NULL;
        }
        sqlite3_bind_int64(st, 1, *id);
        cat_bind_text(st, 2, scheme);
        cat_bind_text(st, 3, colon ? colon + 1 : in->identifiers[i]);
        if ((rc = cat_step_done(cat, st, "add identifier", err)))
            return rc;
    }
    return catalog_queue_add(cat, *id, err);
}

int catalog_file_add(catalog *cat, int64_t record_id, const struct cat_file_in *in,
                     int64_t *file_id, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO file(record_id, sha256, size, media_type, format, name, encoding, created)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int rc;

    *file_id = 0;
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, record_id);
    cat_bind_text(st, 2, in->sha256);
    sqlite3_bind_int64(st, 3, in->size);
    cat_bind_text(st, 4, in->media_type);
    cat_bind_text(st, 5, in->format);
    cat_bind_text(st, 6, in->name);
    cat_bind_text(st, 7, in->encoding);
    sqlite3_bind_int64(st, 8, cat_now(cat));
    if ((rc = cat_step_done(cat, st, "add file", err)))
        return rc;
    *file_id = sqlite3_last_insert_rowid(cat->db);
    return TS_OK;
}

int catalog_file_by_sha(catalog *cat, const char *sha256, int64_t *file_id, int64_t *record_id,
                        struct ts_err *err)
{
    static const char sql[] = "SELECT id, record_id FROM file WHERE sha256 = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    *file_id = *record_id = 0;
    if (!st)
        return FAIL_STMT(err);
    cat_bind_text(st, 1, sha256);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *file_id = sqlite3_column_int64(st, 0);
        *record_id = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "find file", err);
    return ts_fail(err, TS_ENOTFOUND, "no file %.12s", sha256);
}

int catalog_holding_add(catalog *cat, int64_t file_id, int64_t library_id, const char *source_path,
                        int64_t batch_id, int *added, struct ts_err *err)
{
    static const char sql[] = "INSERT INTO file_holding(file_id, library_id, source_path, batch_id)"
                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";
    static const char sql_rec[] = "SELECT record_id FROM file WHERE id = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int rc;

    *added = 0;
    if (!st)
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, library_id);
    cat_bind_text(st, 3, source_path);
    if (batch_id)
        sqlite3_bind_int64(st, 4, batch_id);
    if ((rc = cat_step_done(cat, st, "add holding", err)))
        return rc;
    *added = sqlite3_changes(cat->db) > 0;
    if (!*added)
        return TS_OK;
    /* the record's library facet changed: re-index it */
    if (!(st = cat_stmt(cat, sql_rec, err)))
        return FAIL_STMT(err);
    sqlite3_bind_int64(st, 1, file_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int64_t rid = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return catalog_queue_add(cat, rid, err);
    }
    sqlite3_reset(st);
    return TS_OK;
}

/* Join the first column of every row of `sql` (bound to id) with `sep`. */
static char *join_rows(catalog *cat, const char *sql, int64_t id, const char *sep, char ***list,
                       size_t *n_list, struct ts_err *err)
{
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    struct ts_buf b;
    int first = 1;

    ts_buf_init(&b, 0);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!t)
            continue;
        if (!first)
            ts_buf_add(&b, sep);
        ts_buf_add(&b, t);
        first = 0;
        if (list) {
            *list = ts_xrealloc(*list, (*n_list + 1) * sizeof **list);
            (*list)[(*n_list)++] = ts_xstrdup(t);
        }
    }
    sqlite3_reset(st);
    return first ? (ts_buf_free(&b), NULL) : ts_buf_take(&b);
}

/* Where the record is held and available: the same SQL for the full record
 * (catalog_record_get) and the holdings-only update (catalog_record_holdings). */
static const char sql_holding_libs[] =
    "SELECT l.code FROM file f JOIN file_holding h ON h.file_id = f.id"
    " JOIN library l ON l.id = h.library_id WHERE f.record_id = ?1"
    " UNION SELECT l.code FROM item i JOIN library l ON l.id = i.custodian_id"
    " WHERE i.record_id = ?1 AND i.status <> 'withdrawn' ORDER BY 1";
static const char sql_holding_avail[] =
    "SELECT DISTINCT l.code FROM item i JOIN library l ON l.id = i.custodian_id"
    " WHERE i.record_id = ?1 AND i.status = 'available' ORDER BY 1";

int catalog_record_holdings(catalog *cat, int64_t id, char ***libraries, size_t *n_libraries,
                            char ***available, size_t *n_available, struct ts_err *err)
{
    struct ts_err local = {0};

    *libraries = *available = NULL;
    *n_libraries = *n_available = 0;
    free(join_rows(cat, sql_holding_libs, id, " ", libraries, n_libraries, &local));
    free(join_rows(cat, sql_holding_avail, id, " ", available, n_available, &local));
    if (local.code) {
        catalog_strv_free(*libraries, *n_libraries);
        catalog_strv_free(*available, *n_available);
        *libraries = *available = NULL;
        *n_libraries = *n_available = 0;
        if (err)
            *err = local;
        return local.code;
    }
    return TS_OK;
}

/* Step `sql` (bound to id) to the record's row: TS_OK with *st on it (the
 * caller resets it), TS_ENOTFOUND, or the database's error. */
static int record_row(catalog *cat, const char *sql, int64_t id, sqlite3_stmt **st,
                      struct ts_err *err)
{
    int src;

    if (!(*st = cat_stmt(cat, sql, err)))
        return FAIL_STMT(err);
    sqlite3_bind_int64(*st, 1, id);
    if ((src = sqlite3_step(*st)) == SQLITE_ROW)
        return TS_OK;
    sqlite3_reset(*st);
    if (src == SQLITE_DONE)
        return ts_fail(err, TS_ENOTFOUND, "no record %lld", (long long)id);
    return cat_dberr(cat, src, "get record", err);
}

static const char sql_authors[] =
    "SELECT name FROM record_author WHERE record_id = ?1 ORDER BY pos";

/* Why a second reader: a search page shows ten hits, and the full record is
 * eleven statements each on a page cache the desk's COMMITs keep emptying;
 * a hit needs four columns, the authors and the copies (holdings_load). */
int catalog_record_brief(catalog *cat, int64_t id, struct cat_record **out, struct ts_err *err)
{
    static const char sql[] = "SELECT title, language, resource_type FROM record WHERE id = ?1";
    struct cat_record *r;
    sqlite3_stmt *st;
    int rc;

    *out = NULL;
    if ((rc = record_row(cat, sql, id, &st, err)))
        return rc;
    r = ts_xcalloc(1, sizeof *r);
    r->id = id;
    r->title = cat_col_strdup(st, 0);
    r->language = cat_col_strdup(st, 1);
    r->resource_type = cat_col_strdup(st, 2);
    sqlite3_reset(st);
    r->authors = join_rows(cat, sql_authors, id, "; ", NULL, NULL, err);
    cat_record_items(cat, id, &r->items, &r->n_items, err);
    *out = r;
    return TS_OK;
}

int catalog_record_get(catalog *cat, int64_t id, struct cat_record **out, struct ts_err *err)
{
    static const char sql[] =
        "SELECT id, title, language, publisher, date, year, description, resource_type, licence,"
        " subtitle, place, edition, extent, series, notes, classification, audience"
        " FROM record WHERE id = ?1";
    static const char sql_subj[] =
        "SELECT subject FROM record_subject WHERE record_id = ?1 ORDER BY subject";
    static const char sql_ident[] =
        "SELECT scheme || ':' || value FROM record_identifier WHERE record_id = ?1"
        " ORDER BY scheme, value";
    static const char sql_auth_list[] =
        "SELECT name, role FROM record_author WHERE record_id = ?1 ORDER BY pos";
    static const char sql_links[] = "SELECT url FROM record_link WHERE record_id = ?1 ORDER BY url";
    static const char sql_file[] =
        "SELECT f.id, f.sha256, f.name, f.format, f.media_type, f.encoding,"
        " (SELECT source_path FROM file_holding h WHERE h.file_id = f.id"
        "  ORDER BY h.library_id LIMIT 1)"
        " FROM file f WHERE f.record_id = ?1 ORDER BY f.id LIMIT 1";
    struct cat_record *r;
    sqlite3_stmt *st;
    int rc;

    *out = NULL;
    if ((rc = record_row(cat, sql, id, &st, err)))
        return rc;
    r = ts_xcalloc(1, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->title = cat_col_strdup(st, 1);
    r->language = cat_col_strdup(st, 2);
    r->publisher = cat_col_strdup(st, 3);
    r->date = cat_col_strdup(st, 4);
    r->year = sqlite3_column_int64(st, 5);
    r->description = cat_col_strdup(st, 6);
    r->resource_type = cat_col_strdup(st, 7);
    r->licence = cat_col_strdup(st, 8);
    r->subtitle = cat_col_strdup(st, 9);
    r->place = cat_col_strdup(st, 10);
    r->edition = cat_col_strdup(st, 11);
    r->extent = cat_col_strdup(st, 12);
    r->series = cat_col_strdup(st, 13);
    r->notes = cat_col_strdup(st, 14);
    r->classification = cat_col_strdup(st, 15);
    r->audience = cat_col_strdup(st, 16);
    sqlite3_reset(st);
    r->authors = join_rows(cat, sql_authors, id, "; ", NULL, NULL, err);
    r->subjects = join_rows(cat, sql_subj, id, "; ", &r->subject_list, &r->n_subject_list, err);
    r->identifiers =
        join_rows(cat, sql_ident, id, " ", &r->identifier_list, &r->n_identifier_list, err);
    free(join_rows(cat, sql_holding_libs, id, " ", &r->libraries, &r->n_libraries, err));
    free(join_rows(cat, sql_holding_avail, id, " ", &r->available, &r->n_available, err));
    free(join_rows(cat, sql_links, id, " ", &r->link_list, &r->n_link_list, err));
    if ((st = cat_stmt(cat, sql_auth_list, err)) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            size_t k = r->n_author_list++;
            r->author_names = ts_xrealloc(r->author_names, r->n_author_list * sizeof(char *));
            r->author_roles = ts_xrealloc(r->author_roles, r->n_author_list * sizeof(char *));
            r->author_names[k] = cat_col_strdup(st, 0);
            r->author_roles[k] = cat_col_strdup(st, 1);
        }
        sqlite3_reset(st);
    }
    cat_record_items(cat, id, &r->items, &r->n_items, err);
    if ((st = cat_stmt(cat, sql_file, err)) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            r->file_id = sqlite3_column_int64(st, 0);
            r->file_sha256 = cat_col_strdup(st, 1);
            r->file_name = cat_col_strdup(st, 2);
            r->file_format = cat_col_strdup(st, 3);
            r->file_media_type = cat_col_strdup(st, 4);
            r->file_encoding = cat_col_strdup(st, 5);
            r->source_path = cat_col_strdup(st, 6);
        }
        sqlite3_reset(st);
    }
    *out = r;
    return TS_OK;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void catalog_strv_free(char **v, size_t n)
{
    free_strv(v, n);
}

void cat_record_free(struct cat_record *r)
{
    if (!r)
        return;
    free(r->subtitle);
    free(r->place);
    free(r->edition);
    free(r->extent);
    free(r->series);
    free(r->notes);
    free(r->classification);
    free(r->audience);
    free_strv(r->author_names, r->n_author_list);
    free_strv(r->author_roles, r->n_author_list);
    free_strv(r->subject_list, r->n_subject_list);
    free_strv(r->identifier_list, r->n_identifier_list);
    free_strv(r->link_list, r->n_link_list);
    free_strv(r->available, r->n_available);
    for (size_t i = 0; i < r->n_items; i++)
        cat_item_clear(&r->items[i]);
    free(r->items);
    free(r->title);
    free(r->authors);
    free(r->language);
    free(r->publisher);
    free(r->date);
    free(r->description);
    free(r->resource_type);
    free(r->licence);
    free(r->subjects);
    free(r->identifiers);
    for (size_t i = 0; i < r->n_libraries; i++)
        free(r->libraries[i]);
    free(r->libraries);
    free(r->file_sha256);
    free(r->file_name);
    free(r->file_format);
    free(r->file_media_type);
    free(r->file_encoding);
    free(r->source_path);
    free(r);
}
