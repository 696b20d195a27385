/*
 * catalog/browse.h - read-only catalogue queries for the web pages and the
 * JSON API: libraries with their collection size and copy counts, a record's
 * digital files and holdings, one file by id, the records a library holds.
 *
 * Nothing here writes. Every function takes a catalog used by one thread at
 * a time (the server keeps one read-only connection per worker thread).
 * Output arrays and their strings are owned by the caller and released with
 * the matching _free function; on failure *out is NULL and *n is 0.
 */
#ifndef TS_BROWSE_H
#define TS_BROWSE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

/* A library and its collection: records with a digital holding there or a
 * copy in its custody (withdrawn copies left out), and those copies by status. */
struct cat_library_stat {
    int64_t id;
    char *code, *name, *kind;
    int64_t n_records;
    int64_t n_copies, n_available, n_on_loan, n_in_transit; /* copies it has custody of */
};
/* Every library, ordered by kind then code. *out array (cat_library_stats_free()). */
int catalog_browse_libraries(catalog *cat, struct cat_library_stat **out, size_t *n,
                             struct ts_err *err);
/* One library by code: TS_ENOTFOUND if unknown. *out filled (cat_library_stat_clear()). */
int catalog_browse_library(catalog *cat, const char *code, struct cat_library_stat *out,
                           struct ts_err *err);
void cat_library_stat_clear(struct cat_library_stat *s);           /* NULL ok */
void cat_library_stats_free(struct cat_library_stat *v, size_t n); /* NULL ok */

/* One digital file. `created` is Unix time. */
struct cat_file_info {
    int64_t id, record_id, size, created;
    char *sha256, *name, *format, *media_type, *encoding, *access;
};
/* File by id: TS_ENOTFOUND if unknown. *out filled (cat_file_info_clear()). */
int catalog_browse_file(catalog *cat, int64_t file_id, struct cat_file_info *out,
                        struct ts_err *err);
/* Files of a record by id (empty when it has none). *out array (cat_file_infos_free()). */
int catalog_browse_files(catalog *cat, int64_t record_id, struct cat_file_info **out, size_t *n,
                         struct ts_err *err);
void cat_file_info_clear(struct cat_file_info *f);           /* NULL ok */
void cat_file_infos_free(struct cat_file_info *v, size_t n); /* NULL ok */

/* One digital holding: library `library_code` holds file `file_id` of the record. */
struct cat_holding {
    int64_t file_id;
    char *library_code, *library_name, *library_kind;
};
/* Holdings of a record's files, ordered by library code then file id.
 * *out array (cat_holdings_free()). */
int catalog_browse_holdings(catalog *cat, int64_t record_id, struct cat_holding **out, size_t *n,
                            struct ts_err *err);
void cat_holdings_free(struct cat_holding *v, size_t n); /* NULL ok */

/* Creation and last change (Unix time) of a record: TS_ENOTFOUND if unknown. */
int catalog_browse_record_times(catalog *cat, int64_t record_id, int64_t *created, int64_t *updated,
                                struct ts_err *err);

/* A record in a list: id and title. */
struct cat_record_brief {
    int64_t id;
    char *title;
};
/* Records held by library `library_id` (a digital holding or a copy in its
 * custody that is not withdrawn), by title, `offset`/`limit` paged; *total
 * is the collection size. *out array (cat_record_briefs_free()). */
int catalog_browse_library_records(catalog *cat, int64_t library_id, size_t offset, size_t limit,
                                   struct cat_record_brief **out, size_t *n, int64_t *total,
                                   struct ts_err *err);
void cat_record_briefs_free(struct cat_record_brief *v, size_t n); /* NULL ok */

/* ---- catalogue feeds (OPDS, SRU): newest records, with filters ---- */

/* Filters of catalog_browse_recent(); NULL / 0 means any. */
struct cat_browse_filter {
    const char *type;     /* resource type, exact */
    const char *language; /* "vi" matches "vi" and "vi-VN", ASCII case-insensitive */
    int64_t library_id;   /* a digital holding there or a copy in its custody, not withdrawn */
    int64_t year;         /* publication year */
};
/* Ids of the records matching `f` (NULL: all), newest first (created, then id,
 * descending), `offset`/`limit` paged (limit 0: count only); *total counts every
 * match. Records marked withdrawn are left out. *ids malloc'd (NULL when none). */
int catalog_browse_recent(catalog *cat, const struct cat_browse_filter *f, size_t offset,
                          size_t limit, int64_t **ids, size_t *n, int64_t *total,
                          struct ts_err *err);

/* A distinct value and how many records have it. */
struct cat_value_count {
    char *value;
    int64_t count;
};
/* Resource types / languages (as stored, non-empty) of the records that are not
 * withdrawn, with counts, ordered by value. *out array (cat_value_counts_free()). */
int catalog_browse_types(catalog *cat, struct cat_value_count **out, size_t *n, struct ts_err *err);
int catalog_browse_languages(catalog *cat, struct cat_value_count **out, size_t *n,
                             struct ts_err *err);
void cat_value_counts_free(struct cat_value_count *v, size_t n); /* NULL ok */

/* Latest change (Unix time) of any record; 0 for an empty catalogue. */
int catalog_browse_last_update(catalog *cat, int64_t *t, struct ts_err *err);

/* ---- OAI-PMH (server/h_oai.c) ---- */

/* One entry of an OAI-PMH list: a record, or a deleted one (removed by a
 * merge, kept as a tombstone; or marked withdrawn). */
struct cat_oai_entry {
    int64_t id;
    int64_t datestamp; /* record.updated; the deletion time for a tombstone */
    int deleted;
    char *type;      /* resource type; NULL when unknown */
    char *libraries; /* codes of the libraries holding it (a digital holding or a copy
                        in custody, not withdrawn), space-separated; NULL when none */
};

/* What to list. from/until are inclusive Unix times (INT64_MIN / INT64_MAX
 * for open ends). set: CAT_OAI_SET_NONE, any record held by a library, the
 * records held by library `set_value` (a code), any record with a type, or
 * the records of type `set_value`. */
enum cat_oai_set {
    CAT_OAI_SET_NONE,
    CAT_OAI_SET_LIBRARY_ANY,
    CAT_OAI_SET_LIBRARY,
    CAT_OAI_SET_TYPE_ANY,
    CAT_OAI_SET_TYPE
};
struct cat_oai_query {
    int64_t from, until;
    enum cat_oai_set set;
    const char *set_value;
};

/* Entries matching `q` with id > after_id, by id, at most `limit`. Records
 * and tombstones share one id space; a tombstone whose id was given to a
 * new record is hidden. *out array (cat_oai_entries_free()). */
int catalog_oai_list(catalog *cat, const struct cat_oai_query *q, int64_t after_id, size_t limit,
                     struct cat_oai_entry **out, size_t *n, struct ts_err *err);
/* How many entries match `q` with id > after_id. */
int catalog_oai_count(catalog *cat, const struct cat_oai_query *q, int64_t after_id, int64_t *count,
                      struct ts_err *err);
/* Entry `id`, live or deleted: TS_ENOTFOUND if there never was one (or its
 * tombstone predates schema 0003). *out filled (cat_oai_entry_clear()). */
int catalog_oai_entry(catalog *cat, int64_t id, struct cat_oai_entry *out, struct ts_err *err);
/* Earliest datestamp of any entry; *found 0 for an empty catalogue. */
int catalog_oai_earliest(catalog *cat, int64_t *t, int *found, struct ts_err *err);
void cat_oai_entry_clear(struct cat_oai_entry *e);            /* NULL ok */
void cat_oai_entries_free(struct cat_oai_entry *v, size_t n); /* NULL ok */

/* ---- availability: due dates (server/holdings.c) ---- */

/* Due date (Unix time) of the open loan of copy `item_id`; *due_at 0 when
 * the copy is not on loan. Names no reader: record pages and search show it. */
int catalog_browse_item_due(catalog *cat, int64_t item_id, int64_t *due_at, struct ts_err *err);

#endif
