/*
 * catalog/browse.h - read-only catalogue queries for the web pages and the
 * JSON API: libraries with their collection size, a record's digital files
 * and holdings, one file by id, the records a library holds.
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

/* A library and its collection size: records with at least one holding there. */
struct cat_library_stat {
    int64_t id;
    char *code, *name, *kind;
    int64_t n_records;
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
/* Records held by library `library_id`, by title, `offset`/`limit` paged; *total
 * is the collection size. *out array (cat_record_briefs_free()). */
int catalog_browse_library_records(catalog *cat, int64_t library_id, size_t offset, size_t limit,
                                   struct cat_record_brief **out, size_t *n, int64_t *total,
                                   struct ts_err *err);
void cat_record_briefs_free(struct cat_record_brief *v, size_t n); /* NULL ok */

#endif
