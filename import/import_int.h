/*
 * import/import_int.h - module-private: the unit of work that travels from
 * the walker through the extract workers to the writer, and the walkers.
 */
#ifndef TS_IMPORT_INT_H
#define TS_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "extract.h"
#include "indexer.h"
#include "ts_err.h"

enum job_state { JOB_NEW, JOB_UNCHANGED, JOB_FAILED, JOB_SKIPPED, JOB_REINDEX };

struct job {
    /* input */
    char *source;  /* path shown to librarians: "/srv/books/a.epub", "x.zip!/a.epub" */
    char *name;    /* file name, for the extension fallback */
    char *fs_path; /* file to read on a worker, or NULL when bytes are given */
    char *bytes;   /* owned; archive member, or read by the worker */
    size_t len;
    int64_t record_id; /* reindex job: re-extract this record from the store */
    /* result */
    enum job_state state;
    char sha256[65];
    int64_t file_id; /* JOB_UNCHANGED: the known file */
    struct ts_err err;
    struct ix_doc *doc;
    struct ix_prepared *prep;
    struct job *next;
};

/* Largest single file read into memory, unless import_opts.max_file_bytes says. */
#define IMPORT_MAX_FILE ((size_t)512 << 20)
/* Decompressed bytes read from one collection archive in total. */
#define IMPORT_MAX_ARCHIVE_TOTAL ((uint64_t)16 << 30)

struct job *job_new(const char *source, const char *name);
void job_free(struct job *j); /* NULL ok */

/* Hand a job to the pipeline (takes it, even on failure); blocks while too
 * much work is in flight. Returns TS_OK or the error that stops the walk. */
typedef int (*emit_fn)(struct job *j, void *ctx);

/* Walk `path` (folder, archive or single file), emitting one job per
 * candidate file. *n_total is a cheap pre-count for progress (0 if unknown). */
int walk_count(const char *path, size_t *n_total);
int walk_path(const char *path, size_t max_file, emit_fn emit, void *ctx, struct ts_err *err);

struct catalog;
/* Write record `id`'s documents (head + prepared sections, prep may be NULL);
 * a record no longer in the catalogue has its documents deleted. */
int import_put_record(struct catalog *cat, indexer *ix, int64_t id, const struct ix_prepared *prep,
                      struct ts_err *err);

#endif
