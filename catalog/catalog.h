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
struct cat_item;

/* Open (creating if needed) the catalogue file `path` and apply pending
 * migrations. Returns TS_OK, TS_EDB, TS_EBUSY. *out NULL on failure. */
int catalog_open(const char *path, catalog **out, struct ts_err *err);
/* Open an existing catalogue without migrating, for read-only worker threads. */
int catalog_open_readonly(const char *path, catalog **out, struct ts_err *err);
void catalog_close(catalog *cat); /* NULL ok */

/* Schema version (PRAGMA user_version) and the newest one this binary knows. */
int catalog_schema_version(catalog *cat);
int catalog_schema_latest(void);

/* A read snapshot: BEGIN (deferred) ... COMMIT. sqlite takes and drops its
 * read lock around every statement otherwise; a page reading a dozen rows per
 * hit spent most of its catalogue time there. One snapshot per request also
 * means one consistent view. Never around writes of another connection whose
 * results the same request reads back (the snapshot would not see them). */
int catalog_read_begin(catalog *cat, struct ts_err *err);

/* The directory (API tokens, accounts, their libraries, the library list):
 * its generation grows with every change (schema 0007). A writer that
 * changed it rings a bell after its COMMIT: an 8-byte file beside the
 * catalogue whose value a cache compares with the one it last saw
 * (catalog/directory.c). catalog_bell_open NULL: no bell (read 0). */
int catalog_directory_generation(catalog *cat, int64_t *gen, struct ts_err *err);
struct cat_bell;
struct cat_bell *catalog_bell_open(const char *catalog_path);
uint64_t catalog_bell_read(const struct cat_bell *b);
void catalog_bell_close(struct cat_bell *b);
void catalog_read_end(catalog *cat);
/* BEGIN IMMEDIATE (on a group connection: a savepoint in the open batch). */
int catalog_tx_begin(catalog *cat, struct ts_err *err);
/* COMMIT if rc == TS_OK, else ROLLBACK; returns rc, or the commit's error. */
int catalog_tx_end(catalog *cat, int rc, struct ts_err *err);

/* Group commit (writer.c): one connection shared by a server's threads,
 * whose concurrent calls share COMMITs (one fdatasync for several checkouts).
 * Bracket every use: catalog_group_enter(g); rc = catalog_...(g, ...);
 * rc = catalog_group_leave(g, rc, err). Leave returns once the call's changes
 * are durable, or with the COMMIT's error (then nothing of the call stays and
 * its results must not be reported as done). Each call stays atomic: a
 * refused one rolls back alone. Do not use it for reads outside the bracket. */
int catalog_group_open(const char *path, catalog **out, struct ts_err *err);
void catalog_group_enter(catalog *g);
int catalog_group_leave(catalog *g, int rc, struct ts_err *err);
/* For a caller that must not block while the disk syncs (the server: a
 * thread waiting there holds every connection it serves). Like
 * catalog_group_leave, but returns at once with the call's own result: the
 * batch stays open for others to join, and the next sync commits it first.
 * *seq is what the call's answer must wait for (0: nothing), given to
 * catalog_group_when_durable or catalog_group_wait, which report a COMMIT
 * that failed. Other connections see the call's changes only once the batch
 * is committed: catalog_group_commit_to(g, seq) before reading them back. */
int catalog_group_leave_nowait(catalog *g, int rc, struct ts_err *err, uint64_t *seq);
/* The batch numbered seq committed now if it is still open (not waiting for
 * the disk): what is read next on another connection includes it. */
void catalog_group_commit_to(catalog *g, uint64_t seq);
/* fn(ctx, TS_OK, NULL) once COMMIT seq of group connection g is durable, or
 * fn(ctx, rc, err) once it cannot be (TS_EIO: the disk failed; or the
 * error of the batch's COMMIT). Called at once,
 * on this thread, if that is already known; otherwise later on a thread of
 * g's. fn must be quick and must not use g. catalog_close(g) calls back
 * every one still waiting before it returns. */
typedef void (*cat_durable_fn)(void *ctx, int rc, const struct ts_err *err);
void catalog_group_when_durable(catalog *g, uint64_t seq, cat_durable_fn fn, void *ctx);
/* The same, waiting on this thread: TS_OK, or the error (TS_EIO, the COMMIT's). */
int catalog_group_wait(catalog *g, uint64_t seq, struct ts_err *err);
/* Since the process started: calls that changed something through a group
 * connection, the COMMITs that made them durable, and threads queued for the
 * writer lock right now. */
struct cat_group_stats {
    unsigned long long calls, commits;
    unsigned long long open_us, commit_us; /* batches' time open before COMMIT, and in it */
    unsigned long long checkpoints;        /* run by group connections' threads */
    unsigned long long syncs, sync_us;     /* WAL fdatasyncs after the COMMITs (flush.c) */
    /* WAL writes sqlite made on group connections, the writes that reached
     * the kernel, buffers sent late at a barrier (walbuf.c) */
    unsigned long long wal_writes, wal_pwrites, wal_late;
    int queued;
};
void catalog_group_stats(struct cat_group_stats *out);
/* Test seam: what makes the group connection's WAL durable (default
 * fdatasync(fd)); returns 0 or -1 with errno set. NULL restores the default. */
void catalog_group_set_sync(int (*fn)(int fd, void *ctx), void *ctx);

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
    const char *const *author_roles; /* parallel to authors; NULL or NULL entries = "author" */
    size_t n_authors;
    const char *language, *publisher, *date, *description, *resource_type, *licence;
    const char *const *subjects;
    size_t n_subjects;
    const char *const *identifiers; /* "scheme:value" */
    size_t n_identifiers;
    int64_t batch_id;
    /* union catalogue fields (metadata imports) */
    const char *subtitle, *place, *edition, *extent, *series, *notes, *classification, *audience;
    const char *const *links;
    size_t n_links;
    const char *source, *source_id; /* re-importing the same pair updates in place */
    const char *origin;             /* "books.csv line 12": kept with history rows */
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
    /* union catalogue */
    char *subtitle, *place, *edition, *extent, *series, *notes, *classification, *audience;
    char **author_names, **author_roles; /* n_author_list entries each */
    size_t n_author_list;
    char **subject_list, **identifier_list, **link_list;
    size_t n_subject_list, n_identifier_list, n_link_list;
    char **available; /* codes of libraries where a copy is available now */
    size_t n_available;
    struct cat_item *items;
    size_t n_items;
};
/* TS_ENOTFOUND if unknown. *out new (cat_record_free()). */
int catalog_record_get(catalog *cat, int64_t id, struct cat_record **out, struct ts_err *err);
/* The part a search hit shows: id, title, authors, language, resource_type and
 * items; every other field NULL or empty. Free with cat_record_free(). */
int catalog_record_brief(catalog *cat, int64_t id, struct cat_record **out, struct ts_err *err);
void cat_record_free(struct cat_record *r); /* NULL ok */
/* Ids of every record, ascending. *ids malloc'd. */
int catalog_record_ids(catalog *cat, int64_t **ids, size_t *n, struct ts_err *err);
int64_t catalog_record_count(catalog *cat);

/* ---- union catalogue: matching and merging (catalog/union.c) ---- */
enum cat_outcome { CAT_CREATED, CAT_MERGED, CAT_UPDATED, CAT_UNCHANGED };
const char *cat_outcome_name(enum cat_outcome o); /* "created" ... */

/* One physical copy to add with a record. */
struct cat_item_in {
    const char *barcode;
    const char *library; /* holding library code; NULL = the default library */
    const char *call_number, *shelf_location, *acquired, *price;
    const char *status; /* NULL = available */
};

struct cat_upsert_result {
    enum cat_outcome outcome;
    int64_t record_id;
    const char *matched_by; /* static: "source", "isbn", "issn", "lccn", "oclc",
                               "title+author+year", or NULL when created */
    size_t items_added, items_unchanged, items_refused;
    size_t conflicts;           /* values kept in the record's history */
    int64_t possible_duplicate; /* a record that looks alike but did not match, or 0 */
};

/* Called for each item that cannot be added (barcode on another record,
 * unknown library, bad status); the record itself still lands. */
typedef void (*cat_item_problem_fn)(const char *barcode, const struct ts_err *why, void *ctx);

/*
 * Match `in` against the catalogue, in order: the same (source, source_id)
 * -> update in place; the same ISBN; the same ISSN/LCCN/OCLC number; the same
 * folded title + first author + year (needs an author or a year). A match
 * merges: empty fields are filled, conflicting incoming values are kept in
 * the record's history (an update from the same source replaces them and keeps
 * the old value in the history instead), lists are united. No match: a new
 * record. Items are added (barcodes unique network-wide). Writes an event and
 * queues the record for indexing. Runs in the caller's transaction.
 */
int catalog_record_upsert(catalog *cat, const struct cat_record_in *in,
                          const struct cat_item_in *items, size_t n_items,
                          int64_t default_library_id, cat_item_problem_fn on_item, void *ctx,
                          struct cat_upsert_result *res, struct ts_err *err);

/* The match key of a title/author/date: folded, punctuation-free, "|"-joined.
 * malloc'd. Exposed for tests. */
char *catalog_match_key(const char *title, const char *first_author, const char *date);

/* Merge record `drop` into `keep` (items, files, sources, identifiers, authors,
 * subjects, links; empty fields filled; conflicts to history), delete `drop`,
 * queue both for indexing, log the event. Own transaction. */
int catalog_record_merge(catalog *cat, int64_t keep, int64_t drop, const char *actor,
                         struct ts_err *err);

/* Set one field of a record (title subtitle language publisher place date edition
 * extent series notes description classification audience licence resource_type),
 * with the old value in the event log. Own transaction. */
int catalog_record_set(catalog *cat, int64_t id, const char *field, const char *value,
                       const char *actor, struct ts_err *err);

struct cat_history {
    char *field, *value, *origin;
    int64_t at;
};
int catalog_record_history(catalog *cat, int64_t id, struct cat_history **out, size_t *n,
                           struct ts_err *err);
void cat_history_free(struct cat_history *h, size_t n);

struct cat_duplicate {
    int64_t a, b;
    char *title_a, *title_b, *reason;
};
int catalog_duplicates(catalog *cat, struct cat_duplicate **out, size_t *n, struct ts_err *err);
void cat_duplicates_free(struct cat_duplicate *d, size_t n);

/* ---- items (catalog/item.c) ---- */
struct cat_item {
    int64_t id, record_id;
    char *barcode, *home_library, *custodian, *status, *call_number, *shelf_location, *acquired,
        *price;
};
/* Valid statuses: available on_loan in_transit on_hold_shelf lost withdrawn. */
int catalog_item_status_valid(const char *status);
/* Add one copy (own transaction if none is open). TS_ECONFLICT: barcode exists. */
int catalog_item_add(catalog *cat, int64_t record_id, const struct cat_item_in *in,
                     int64_t default_library_id, const char *actor, int64_t *id,
                     struct ts_err *err);
int catalog_item_get(catalog *cat, const char *barcode, struct cat_item *out, struct ts_err *err);
/* Reassign a copy to another library (home and custodian). TS_ECONFLICT when it
 * is on loan, in transit or on the hold shelf. */
int catalog_item_move(catalog *cat, const char *barcode, const char *library, const char *actor,
                      struct ts_err *err);
/* Withdraw a copy from the collection. TS_ECONFLICT when on loan or in transit. */
int catalog_item_withdraw(catalog *cat, const char *barcode, const char *actor, struct ts_err *err);
void cat_item_clear(struct cat_item *it);

/* Record ids with a copy or a digital holding at a library (export --library). */
int catalog_record_ids_at(catalog *cat, int64_t library_id, int64_t **ids, size_t *n,
                          struct ts_err *err);

/* ---- harvest state ---- */
int catalog_harvest_get(catalog *cat, const char *url, char **last_from, struct ts_err *err);
int catalog_harvest_set(catalog *cat, const char *url, int64_t library_id, const char *last_from,
                        struct ts_err *err);

/* ---- index queue ---- */
int catalog_queue_add(catalog *cat, int64_t record_id, struct ts_err *err);
/* Up to `limit` queued ids, ascending. *ids malloc'd. */
int catalog_queue_list(catalog *cat, size_t limit, int64_t **ids, size_t *n, struct ts_err *err);
/* Remove drained ids, in one transaction. */
int catalog_queue_remove(catalog *cat, const int64_t *ids, size_t n, struct ts_err *err);
int64_t catalog_queue_count(catalog *cat);
/* Queue every record (reindex), in one transaction. */
int catalog_queue_all(catalog *cat, struct ts_err *err);

/* The holdings queue: records whose copies changed status or custodian (the
 * desk). Only their library and availability terms are rewritten. In the
 * caller's transaction. */
int catalog_queue_holdings(catalog *cat, int64_t record_id, struct ts_err *err);
struct cat_queued {
    int64_t record_id, version;
};
/* Up to `limit` entries, ascending; *out malloc'd. */
int catalog_holdings_queue_list(catalog *cat, size_t limit, struct cat_queued **out, size_t *n,
                                struct ts_err *err);
/* Remove the entries drained, unless they changed since listed; one transaction. */
int catalog_holdings_queue_done(catalog *cat, const struct cat_queued *v, size_t n,
                                struct ts_err *err);
int64_t catalog_holdings_queue_count(catalog *cat);
/* Library codes holding record `id` (custodians of copies not withdrawn, and
 * libraries holding its files) and codes where a copy is available now, as
 * the index stores them; free each with catalog_strv_free. */
int catalog_record_holdings(catalog *cat, int64_t id, char ***libraries, size_t *n_libraries,
                            char ***available, size_t *n_available, struct ts_err *err);
void catalog_strv_free(char **v, size_t n);

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
