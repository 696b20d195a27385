/*
 * catalog/writer.c - write transactions: one writer at a time per process,
 * and group commit for the server's desk.
 *
 * One writer at a time. sqlite serialises writers itself, but a connection
 * that finds the write lock taken sleeps in its busy handler (1, 2, 5 ... 100
 * ms steps) and cannot be woken when the lock frees: under a server's
 * concurrent checkouts most of the time went to those sleeps while the lock
 * sat idle (bench/README.md, circulation). Threads queue on writer_lock
 * instead and start the moment the previous writer finishes; the busy timeout
 * still covers other processes (a CLI import beside the server). Counted per
 * thread, so a thread that writes through two connections (the import writer
 * and its catalogue) does not wait for itself.
 *
 * Group commit. With synchronous=FULL every COMMIT is an fdatasync, and the
 * writer lock is held across it: a desk's checkouts queued behind each
 * other's disk flushes, and each worker's own connection found its page
 * cache emptied by the others' writes. A group connection
 * (catalog_group_open) is shared by the server's threads: a thread takes it
 * with catalog_group_enter, runs catalog calls whose transactions become
 * savepoints of one open batch transaction, and leaves it without
 * committing: the caller takes the number the batch's COMMIT will have, and
 * the thread that syncs the WAL commits the open batch just before its next
 * fdatasync (cat_group_commit_open, from flush.c). So the calls that come
 * while a sync is in flight share one COMMIT, and no caller sleeps on another.
 * Nothing is acknowledged before it is durable: a caller is answered only
 * once its batch is committed and an fdatasync begun after that has
 * returned, or with the COMMIT's error (then none of the batch stays). The
 * COMMIT only writes the WAL; the sync runs outside the writer lock, beside
 * the next batch. Without a flush (no WAL file to sync) or with a full or
 * failed batch, the caller commits at once. Each call stays atomic on its
 * own: a refused checkout rolls back to its savepoint and leaves the others
 * in the batch alone.
 *
 * A writer on any other connection (the housekeeping thread, an import)
 * commits an open batch before it begins: the batch's connection holds
 * sqlite's write lock until then.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "catalog_int.h"
#include "ts_util.h"

#define CAT_BATCH_MAX 32 /* calls per batch: bounds how long the first one waits */

const char CAT_SQL_BEGIN[] = "BEGIN", CAT_SQL_BEGIN_IMMEDIATE[] = "BEGIN IMMEDIATE",
           CAT_SQL_COMMIT[] = "COMMIT", CAT_SQL_SAVEPOINT[] = "SAVEPOINT call",
           CAT_SQL_RELEASE[] = "RELEASE call";

static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int writer_depth;
static atomic_int writers_queued; /* threads blocked on writer_lock */

/* The open batch, under writer_lock. */
static catalog *batch_cat;
static int batch_calls;
static int batch_tickets; /* callers that left the open batch holding its COMMIT's number */
static atomic_ullong stat_calls, stat_commits;
/* Where a batch's time goes (microseconds): open from BEGIN to COMMIT (the
 * calls, and the hand-overs of the lock between their threads), then the
 * COMMIT itself (the WAL writes and the fdatasync). */
static atomic_ullong stat_open_us, stat_commit_us;
static double batch_t0;
static int batch_failed; /* sqlite rolled the whole batch back (an I/O error, say) */
static struct ts_err batch_fail_err;

static void writer_enter(void)
{
    if (writer_depth++ == 0) {
        atomic_fetch_add(&writers_queued, 1);
        pthread_mutex_lock(&writer_lock);
        atomic_fetch_sub(&writers_queued, 1);
    }
}

static void writer_leave(void)
{
    if (writer_depth > 0 && --writer_depth == 0)
        pthread_mutex_unlock(&writer_lock);
}

/* COMMIT the open batch; under writer_lock. With a flush (flush.c) the
 * COMMIT is not yet durable: *seq is what to hand cat_flush_wait once the
 * lock is released. A failed one is told to the callers holding its number. */
static int batch_commit(uint64_t *seq, struct ts_err *err)
{
    catalog *cat = batch_cat;
    struct ts_err e = {0};
    uint64_t s = 0;
    int rc;

    if (seq)
        *seq = 0;
    if (!cat)
        return TS_OK;
    double t1 = ts_now_mono();

    if (batch_failed) {
        e = batch_fail_err;
        rc = e.code ? (int)e.code : TS_EDB;
    } else if ((rc = cat_exec1(cat, CAT_SQL_COMMIT, &e))) {
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    } else if (cat->flush) {
        s = cat_flush_committed(cat->flush);
    }
    if (rc && cat->flush)
        cat_flush_rolled_back(cat->flush, batch_tickets, &e);
    batch_tickets = 0;
    cat_dir_committed(cat, rc == TS_OK);
    if (batch_calls > 0) {
        atomic_fetch_add(&stat_commits, 1);
        atomic_fetch_add(&stat_open_us, (unsigned long long)((t1 - batch_t0) * 1e6));
        atomic_fetch_add(&stat_commit_us, (unsigned long long)((ts_now_mono() - t1) * 1e6));
    }
    batch_cat = NULL;
    batch_calls = 0;
    batch_failed = 0;
    if (seq)
        *seq = s;
    if (rc && err)
        *err = e;
    return rc;
}

/* After writer_leave: the COMMIT numbered seq made durable, or the error. */
static int batch_durable(catalog *cat, uint64_t seq, struct ts_err *err)
{
    return seq && cat->flush ? cat_flush_wait(cat->flush, seq, err) : TS_OK;
}

void cat_writer_pause(void)
{
    writer_enter();
    batch_commit(NULL, NULL); /* its callers hear how it went, as when any other writer arrives */
}

void cat_writer_resume(void)
{
    writer_leave();
}

int catalog_tx_begin(catalog *cat, struct ts_err *err)
{
    int rc;

    /* after a failed sync nothing more is acknowledged: refuse before changing anything */
    if (cat->grouped && (rc = cat_flush_failed(cat->flush, err)))
        return rc;
    writer_enter();
    if (batch_cat && batch_cat != cat)
        batch_commit(NULL, NULL); /* its callers hear of a failure; ours begins anyway */
    if (!cat->grouped) {
        if ((rc = cat_exec1(cat, CAT_SQL_BEGIN_IMMEDIATE, err))) {
            writer_leave();
            return rc;
        }
        cat->writing = 1;
        return TS_OK;
    }
    if (batch_failed)
        batch_commit(NULL, NULL);
    if (!batch_cat) {
        if ((rc = cat_exec1(cat, CAT_SQL_BEGIN_IMMEDIATE, err))) {
            writer_leave();
            return rc;
        }
        batch_cat = cat;
        batch_t0 = ts_now_mono();
    }
    if ((rc = cat_exec1(cat, CAT_SQL_SAVEPOINT, err))) {
        writer_leave();
        return rc;
    }
    cat->savepoints++;
    return TS_OK;
}

static void tx_done(catalog *cat)
{
    if (cat->writing) {
        cat->writing = 0;
        writer_leave();
    }
}

/* The end of a savepoint in the batch. A failed call rolls back to its
 * savepoint; if sqlite has already rolled the whole transaction back (it does
 * on some I/O and memory errors) the batch is lost and its callers are told. */
static int savepoint_end(catalog *cat, int rc, struct ts_err *err)
{
    cat->savepoints--;
    if (rc == TS_OK && (rc = cat_exec1(cat, CAT_SQL_RELEASE, err)) == TS_OK) {
        if (cat->savepoints == 0)
            cat->call_wrote = 1;
    } else {
        if (!sqlite3_get_autocommit(cat->db)) {
            sqlite3_exec(cat->db, "ROLLBACK TO call", NULL, NULL, NULL);
            sqlite3_exec(cat->db, "RELEASE call", NULL, NULL, NULL);
        }
        if (sqlite3_get_autocommit(cat->db) && batch_cat == cat && !batch_failed) {
            batch_failed = 1;
            ts_fail(&batch_fail_err, TS_EDB, "the catalogue rolled back a batch of changes: %s",
                    err && err->msg[0] ? err->msg : sqlite3_errmsg(cat->db));
        }
    }
    if (writer_depth == 1 && cat->savepoints == 0) {
        /* used without catalog_group_enter: no batch outlives the call */
        uint64_t seq;
        int crc = batch_commit(&seq, rc ? NULL : err);
        cat->call_wrote = 0;
        writer_leave();
        if (crc == TS_OK)
            crc = batch_durable(cat, seq, rc ? NULL : err);
        return rc == TS_OK ? crc : rc;
    }
    writer_leave();
    return rc;
}

int catalog_tx_end(catalog *cat, int rc, struct ts_err *err)
{
    if (cat->grouped && cat->savepoints > 0)
        return savepoint_end(cat, rc, err);
    if (rc == TS_OK) {
        int crc = cat_exec1(cat, CAT_SQL_COMMIT, err);
        if (crc == TS_OK) {
            tx_done(cat);
            cat_dir_committed(cat, 1);
            return TS_OK;
        }
        rc = crc;
    }
    /* keep the original error in *err; the rollback's own failure adds nothing */
    sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    tx_done(cat);
    cat_dir_committed(cat, 0);
    return rc;
}

int catalog_group_open(const char *path, catalog **out, struct ts_err *err)
{
    int rc = cat_open_vfs(path, cat_walbuf_vfs(), out, err);

    /* Each call is a savepoint of the batch: before it changes a page the
     * batch already changed, sqlite copies the page to a sub-journal, which
     * with temp_store=FILE is a temporary file created, written page by page
     * and removed per batch (strace: 7 % of the desk's pwrites). In memory
     * it is truncated at each RELEASE and holds one call's pages at most. */
    if (rc == TS_OK && (rc = cat_exec(*out, "PRAGMA temp_store=MEMORY", err))) {
        catalog_close(*out);
        *out = NULL;
    }
    if (rc == TS_OK) {
        (*out)->grouped = 1;
        (*out)->flush = cat_flush_open(*out);
        (*out)->ckpt = cat_ckpt_start(*out, path);
    }
    return rc;
}

void catalog_group_enter(catalog *cat)
{
    (void)cat;
    writer_enter();
}

int catalog_group_leave_nowait(catalog *cat, int rc, struct ts_err *err, uint64_t *seq)
{
    struct ts_err e = {0};
    int mine = cat->call_wrote, crc = TS_OK;

    /* A call that changed nothing waits too: what it read may not be durable
     * yet (a checkout refused because a loan still in its batch or its sync
     * holds the copy must not be answered before that loan is). A replayed
     * call counts as a writer: its savepoint committed, so it waits anyway. */
    cat->call_wrote = 0;
    *seq = 0;
    if (batch_cat != cat) { /* nothing open: the last COMMIT is all it could have read */
        *seq = cat->flush ? cat_flush_last(cat->flush) : 0;
        writer_leave();
        return rc;
    }
    if (mine) {
        batch_calls++;
        atomic_fetch_add(&stat_calls, 1);
    }
    if (cat->flush && !batch_failed && batch_calls < CAT_BATCH_MAX) {
        /* the COMMIT comes with the next sync, and is this number */
        *seq = cat_flush_last(cat->flush) + 1;
        batch_tickets++;
        writer_leave();
        cat_flush_want(cat->flush, *seq);
        return rc;
    }
    /* a failed or full batch, or no flush (its COMMIT syncs): committed now */
    crc = batch_commit(seq, &e);
    writer_leave();
    if (crc && rc == TS_OK) {
        if (err)
            *err = e;
        rc = crc;
    }
    return rc;
}

int catalog_group_leave(catalog *cat, int rc, struct ts_err *err)
{
    struct ts_err e = {0};
    uint64_t seq;
    int drc;

    rc = catalog_group_leave_nowait(cat, rc, err, &seq);
    if ((drc = batch_durable(cat, seq, &e)) && rc == TS_OK) {
        if (err)
            *err = e;
        rc = drc;
    }
    return rc;
}

int catalog_group_wait(catalog *cat, uint64_t seq, struct ts_err *err)
{
    return batch_durable(cat, seq, err);
}

void catalog_group_when_durable(catalog *cat, uint64_t seq, cat_durable_fn fn, void *ctx)
{
    if (seq && cat->flush)
        cat_flush_watch(cat->flush, seq, fn, ctx);
    else /* nothing to wait for, or the COMMIT synced itself (no flush) */
        fn(ctx, TS_OK, NULL);
}

void cat_tx_close(catalog *cat)
{
    if (cat->grouped) {
        uint64_t seq = 0;

        writer_enter();
        if (batch_cat == cat)
            batch_commit(&seq, NULL);
        writer_leave();
        batch_durable(cat, seq, NULL);
    }
    if (cat->writing) /* a transaction left open: undone before the lock goes */
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    tx_done(cat);
}

void catalog_group_commit_to(catalog *g, uint64_t seq)
{
    if (seq && g->flush && seq > cat_flush_last(g->flush))
        cat_group_commit_open(g);
}

void cat_group_commit_open(catalog *group)
{
    writer_enter();
    if (batch_cat == group)
        batch_commit(NULL, NULL); /* its callers hear through their numbers */
    writer_leave();
}

void catalog_group_stats(struct cat_group_stats *out)
{
    out->calls = atomic_load(&stat_calls);
    out->commits = atomic_load(&stat_commits);
    out->queued = atomic_load(&writers_queued);
    out->open_us = atomic_load(&stat_open_us);
    out->commit_us = atomic_load(&stat_commit_us);
    out->checkpoints = cat_ckpt_count();
    cat_flush_stats(&out->syncs, &out->sync_us);
    cat_walbuf_stats(&out->wal_writes, &out->wal_pwrites, &out->wal_late);
}
