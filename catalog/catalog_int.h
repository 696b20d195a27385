/*
 * catalog/catalog_int.h - module-private: the catalog handle, the statement
 * cache and sqlite error mapping. Included only by the catalog module.
 */
#ifndef TS_CATALOG_INT_H
#define TS_CATALOG_INT_H

#include <sqlite3.h>

#include "catalog.h"

#define CAT_STMT_CACHE 256 /* circulation (circ.h) adds ~110 statements */

struct catalog {
    sqlite3 *db;
    int64_t (*now_fn)(void *ctx);
    void *now_ctx;
    struct {
        const char *sql; /* identity of a static SQL string */
        sqlite3_stmt *st;
    } cache[CAT_STMT_CACHE];
    int n_cache;
    int writing;             /* holds the process's writer lock (writer.c) */
    int grouped;             /* shared by threads, transactions batched (catalog_group_open) */
    int savepoints;          /* open savepoints of the batch (grouped) */
    int call_wrote;          /* the current catalog_group_enter caller has changes in the batch */
    struct cat_ckpt *ckpt;   /* the group connection's checkpoint thread (checkpoint.c) */
    struct cat_flush *flush; /* the group connection's WAL syncs (flush.c); NULL: COMMIT syncs */
    int dir_dirty;           /* a directory table changed since the last COMMIT (directory.c) */
};

/* directory.c: watch a read-write connection for changes to the tables the
 * server's directory cache holds; after its COMMIT (committed = 1) or
 * ROLLBACK (0), ring the bell if one did. */
void cat_dir_watch(catalog *cat);
void cat_dir_committed(catalog *cat, int committed);

/* The group connection's COMMITs made durable outside the writer lock
 * (flush.c). Open switches the connection to synchronous=NORMAL; NULL (the
 * connection keeps synchronous=FULL) when the WAL file cannot be opened.
 * cat_flush_committed numbers a COMMIT just returned (under the writer lock);
 * cat_flush_wait returns once an fdatasync begun after that COMMIT has
 * succeeded, or TS_EIO for good once one has failed (cat_flush_failed). */
struct cat_flush *cat_flush_open(catalog *group);
void cat_flush_close(struct cat_flush *f);
uint64_t cat_flush_committed(struct cat_flush *f);
uint64_t cat_flush_last(struct cat_flush *f); /* the number of the last COMMIT */
/* A caller left the open batch holding number seq: the flush's thread
 * commits it soon, whether or not anybody waits for it. */
void cat_flush_want(struct cat_flush *f, uint64_t seq);
/* The open batch's COMMIT failed (under the writer lock): its number is used
 * up, and each of its `callers` is told err when it asks for that number. */
void cat_flush_rolled_back(struct cat_flush *f, int callers, const struct ts_err *err);
/* Commit the group connection's open batch, if any (writer.c); called by
 * whoever is about to sync for a caller whose batch may still be open. */
void cat_group_commit_open(catalog *group);
int cat_flush_wait(struct cat_flush *f, uint64_t seq, struct ts_err *err);
int cat_flush_failed(struct cat_flush *f, struct ts_err *err);
/* Calls fn once COMMIT seq is durable or the disk has failed: at once if it
 * already is, else from the flush's thread, which syncs for it. cat_flush_close calls back every
 * watcher first. */
void cat_flush_watch(struct cat_flush *f, uint64_t seq, cat_durable_fn fn, void *ctx);
void cat_flush_stats(unsigned long long *syncs, unsigned long long *sync_us); /* all, so far */

/* WAL checkpoints in a thread of their own, out of the group connection's
 * COMMITs (checkpoint.c). NULL (automatic checkpoints stay) if no thread. */
struct cat_ckpt *cat_ckpt_start(catalog *group, const char *path);
void cat_ckpt_stop(catalog *group, struct cat_ckpt *c);
unsigned long long cat_ckpt_count(void); /* checkpoints those threads ran */

/* The VFS that sends the group connection's WAL frames in one write per
 * COMMIT (walbuf.c); NULL if it could not be registered (the default VFS
 * serves). Stats: WAL writes sqlite made, writes that reached the kernel,
 * and buffers sent late (at a barrier instead of the commit frame). */
const char *cat_walbuf_vfs(void);
/* catalog_open through the sqlite VFS named vfs (NULL: the default). */
int cat_open_vfs(const char *path, const char *vfs, catalog **out, struct ts_err *err);
void cat_walbuf_stats(unsigned long long *writes_in, unsigned long long *writes_out,
                      unsigned long long *late);

/* Hold off this process's writers (writer.c), an open batch committed first:
 * the checkpoint thread finishes a checkpoint so the WAL can start over.
 * Not from a thread inside a transaction. */
void cat_writer_pause(void);
void cat_writer_resume(void);

/* sqlite3_exec with the error mapped; transactions (writer.c) use it. */
int cat_exec(catalog *cat, const char *sql, struct ts_err *err);
/* On close: a batch left open is committed, the writer lock dropped. */
void cat_tx_close(catalog *cat);

/* Prepared statement for static `sql`, cached per connection, reset and
 * unbound. Borrowed: do not finalize. NULL with *err set on failure. */
sqlite3_stmt *cat_stmt(catalog *cat, const char *sql, struct ts_err *err);

/* Map the connection's last error: BUSY -> TS_EBUSY, UNIQUE -> TS_ECONFLICT,
 * else TS_EDB with sqlite3_errmsg, prefixed by `what`. */
int cat_dberr(catalog *cat, int src, const char *what, struct ts_err *err);
/* One statement through the statement cache: for the transaction control run
 * on every request (sqlite3_exec parses its text each time). The cache is
 * keyed by the string's address, so pass these constants. */
int cat_exec1(catalog *cat, const char *sql, struct ts_err *err);
extern const char CAT_SQL_BEGIN[], CAT_SQL_BEGIN_IMMEDIATE[], CAT_SQL_COMMIT[], CAT_SQL_SAVEPOINT[],
    CAT_SQL_RELEASE[];

int64_t cat_now(catalog *cat);

/* Bind a text or NULL. */
int cat_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Copy of a column's text or NULL. */
char *cat_col_strdup(sqlite3_stmt *st, int i);

/* Run a statement to completion (no rows expected). */
int cat_step_done(catalog *cat, sqlite3_stmt *st, const char *what, struct ts_err *err);
/* Run a bound statement and append its rows' first column to *ids (*n of
 * them; may start non-empty); resets it. On error *ids and *n stay as grown. */
/* The first column of a one-row query (a count, a setting): TS_OK, or the
 * error named `what` when there is no row. */
int cat_step_i64(catalog *cat, const char *sql, int64_t *v, const char *what, struct ts_err *err);
int cat_step_ids(catalog *cat, sqlite3_stmt *st, int64_t **ids, size_t *n, const char *what,
                 struct ts_err *err);

int catalog_migrate(catalog *cat, struct ts_err *err);

/* Insert (id, [pos,] value) rows with `sql` for each value. */
int cat_add_list(catalog *cat, const char *sql, int64_t id, const char *const *v, size_t n,
                 int with_pos, struct ts_err *err);
/* Items of a record, by barcode. *out array (free each with cat_item_clear, then free). */
int cat_record_items(catalog *cat, int64_t record_id, struct cat_item **out, size_t *n,
                     struct ts_err *err);
/* Append s as a JSON string literal (quotes included) to b; NULL -> null. */
struct ts_buf;
void cat_json_str(struct ts_buf *b, const char *s);
/* Year (1000-2999) found in a free-form date, or 0. */
int64_t cat_year_of(const char *date);

#endif
