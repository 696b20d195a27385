/*
 * catalog/catalog.h - the catalogue: sqlite, the truth about libraries, works,
 * digital files and their holdings, import batches and the index queue.
 *
 * catalog/ is the only module that speaks SQL. A catalog handle wraps one
 * sqlite connection and is used by one thread at a time; open one per thread.
 * Every multi-row change runs inside catalog_tx_begin()/catalog_tx_end()
 * (BEGIN IMMEDIATE). Strings in output structs are owned by the struct and
 * released by its _free function.
 */
#ifndef TS_CATALOG_H
#define TS_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "ts_err.h"

typedef struct catalog catalog;

/* Open (creating if needed) the catalogue file `path` and apply pending
 * migrations. Returns TS_OK, TS_EDB, TS_EBUSY. *out NULL on failure. */
int catalog_open(const char *path, catalog **out, struct ts_err *err);
/* Open an existing catalogue without migrating, for read-only worker threads. */
int catalog_open_readonly(const char *path, catalog **out, struct ts_err *err);
void catalog_close(catalog *cat); /* NULL ok */

/* Schema version (PRAGMA user_version) and the newest one this binary knows. */
int catalog_schema_version(catalog *cat);
int catalog_schema_latest(void);

/* BEGIN IMMEDIATE. */
int catalog_tx_begin(catalog *cat, struct ts_err *err);
/* COMMIT if rc == TS_OK, else ROLLBACK; returns rc, or the commit's error. */
int catalog_tx_end(catalog *cat, int rc, struct ts_err *err);

/* Time seam: tests pin the clock. NULL restores the wall clock. */
void catalog_set_clock(catalog *cat, int64_t (*now_fn)(void *ctx), void *ctx);

/* ---- libraries ---- */
struct cat_library {
    int64_t id;
    char *code, *name, *kind;
};
/* Valid kinds: school public learning_centre classroom district. */
int catalog_library_kind_valid(const char *kind);
/* TS_EINVAL (bad code/kind/name), TS_ECONFLICT (code exists). */
int catalog_library_add(catalog *cat, const char *code, const char *name, const char *kind,
                        int64_t *id, struct ts_err *err);
/* TS_ENOTFOUND if unknown. *out filled; release with cat_library_clear(). */
int catalog_library_get(catalog *cat, const char *code, struct cat_library *out,
                        struct ts_err *err);
/* All libraries by code; *out array (cat_library_list_free()). */
int catalog_library_list(catalog *cat, struct cat_library **out, size_t *n, struct ts_err *err);
void cat_library_clear(struct cat_library *lib);
void cat_library_list_free(struct cat_library *libs, size_t n);

/* ---- records and files ---- */
struct cat_record_in {
    const char *title;
    const char *const *authors;
    size_t n_authors;
    const char *language, *publisher, *date, *description, *resource_type, *licence;
    const char *const *subjects;
    size_t n_subjects;
    const char *const *identifiers; /* "scheme:value" */
    size_t n_identifiers;
    int64_t batch_id;
};

struct cat_file_in {
    const char *sha256; /* 64 hex */
    int64_t size;
    const char *media_type, *format, *name, *encoding;
};

/* Insert a record and queue it for indexing. In a transaction of the caller's. */
int catalog_record_add(catalog *cat, const struct cat_record_in *in, int64_t *id,
                       struct ts_err *err);
/* Attach a stored file to a record. TS_ECONFLICT if the sha256 is known. */
int catalog_file_add(catalog *cat, int64_t record_id, const struct cat_file_in *in,
                     int64_t *file_id, struct ts_err *err);
/* Look a file up by content hash: TS_ENOTFOUND if absent. */
int catalog_file_by_sha(catalog *cat, const char *sha256, int64_t *file_id, int64_t *record_id,
                        struct ts_err *err);
/* Library `library_id` holds file `file_id` (found at source_path). *added is 0
 * when it already did. A new holding re-queues the record (library facet). */
int catalog_holding_add(catalog *cat, int64_t file_id, int64_t library_id, const char *source_path,
                        int64_t batch_id, int *added, struct ts_err *err);

/* Everything the indexer and the CLI need about one record. */
struct cat_record {
    int64_t id;
    char *title, *authors, *language, *publisher, *date, *description, *resource_type, *licence,
        *subjects, *identifiers;
    int64_t year;
    char **libraries; /* codes */
    size_t n_libraries;
    /* the record's first digital file, if any */
    int64_t file_id;
    char *file_sha256, *file_name, *file_format, *file_media_type, *file_encoding;
    char *source_path; /* first holding's source path */
};
/* TS_ENOTFOUND if unknown. *out new (cat_record_free()). */
int catalog_record_get(catalog *cat, int64_t id, struct cat_record **out, struct ts_err *err);
void cat_record_free(struct cat_record *r); /* NULL ok */
/* Ids of every record, ascending. *ids malloc'd. */
int catalog_record_ids(catalog *cat, int64_t **ids, size_t *n, struct ts_err *err);
int64_t catalog_record_count(catalog *cat);

/* ---- index queue ---- */
int catalog_queue_add(catalog *cat, int64_t record_id, struct ts_err *err);
/* Up to `limit` queued ids, ascending. *ids malloc'd. */
int catalog_queue_list(catalog *cat, size_t limit, int64_t **ids, size_t *n, struct ts_err *err);
/* Remove drained ids, in one transaction. */
int catalog_queue_remove(catalog *cat, const int64_t *ids, size_t n, struct ts_err *err);
int64_t catalog_queue_count(catalog *cat);
/* Queue every record (reindex), in one transaction. */
int catalog_queue_all(catalog *cat, struct ts_err *err);

/* ---- import batches ---- */
int catalog_batch_begin(catalog *cat, int64_t library_id, const char *source, int64_t *batch_id,
                        struct ts_err *err);
int catalog_batch_error(catalog *cat, int64_t batch_id, const char *path, const struct ts_err *why,
                        struct ts_err *err);
int catalog_batch_finish(catalog *cat, int64_t batch_id, int64_t n_imported, int64_t n_unchanged,
                         int64_t n_failed, struct ts_err *err);
struct cat_batch_error {
    char *path, *code, *reason;
};
/* Errors of a batch in order. *out array (cat_batch_errors_free()). */
int catalog_batch_errors(catalog *cat, int64_t batch_id, struct cat_batch_error **out, size_t *n,
                         struct ts_err *err);
void cat_batch_errors_free(struct cat_batch_error *e, size_t n);

/* ---- event log ---- */
int catalog_event_add(catalog *cat, const char *actor, const char *kind, const char *subject,
                      const char *detail, struct ts_err *err);

#endif
