/*
 * catalog/flush.c - the group connection's batches made durable outside the
 * writer lock.
 *
 * With synchronous=FULL the fdatasync is part of COMMIT, and the writer lock
 * is held across it: the next batch could not begin until the disk had
 * answered, so the disk and the desk took turns (bench/README.md: the batch
 * open 0.29 ms, then COMMIT 0.82 ms, one after the other). The group
 * connection commits with synchronous=NORMAL instead, which writes the WAL
 * frames and does not sync them, and its callers are answered only after an
 * fdatasync of the WAL that began after their COMMIT has returned. That
 * fdatasync runs without the writer lock, beside the next batch; one covers
 * every COMMIT before it began, so a sync in flight is joined, not repeated.
 *
 * Why this keeps FULL's promise. The WAL is written in order and only ever
 * appended to until a checkpoint has copied all of it into the database file
 * and synced that file; so an fdatasync of the WAL after a COMMIT makes that
 * COMMIT and every earlier one durable (sqlite's own recovery ignores frames
 * after the last whole commit). synchronous=NORMAL in WAL mode is consistent
 * after a power cut (sqlite's documentation); the sync here adds the
 * durability back. What differs: another connection may read a change
 * during the sync, before it is durable; nothing is acknowledged, and no
 * later change is acknowledged, before it is.
 *
 * A caller that cannot wait (the server, whose thread would hold all its
 * connections meanwhile) asks to be called back instead
 * (cat_flush_watch): the flush's own thread syncs for the watchers and calls
 * them back once their COMMIT is covered; the server answers from there
 * (server/httpd.c).
 *
 * The COMMIT itself waits for the sync too (writer.c): a call leaves its
 * batch open and gets the number that batch's COMMIT will have; whoever
 * syncs next commits the open batch first (cat_group_commit_open). The
 * calls that come while a sync is in flight join one batch instead of
 * committing one by one, and every COMMIT rewrites the tails of the loan,
 * event and key tables (bench/README.md, "The COMMIT at the sync"). A batch
 * whose COMMIT fails still uses its number, and the callers holding it are
 * told so, each once (struct rolled_back), however late they ask.
 *
 * A failed fdatasync is final: after it the kernel may have dropped the
 * pages it could not write (and report success next time), so nothing of
 * the group connection is acknowledged again until the process restarts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_int.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "ts_util.h"

struct flush_watch {
    uint64_t seq;
    cat_durable_fn fn;
    void *ctx;
    int lost; /* its batch's COMMIT failed: err says why */
    struct ts_err err;
    struct flush_watch *next;
};

/* A batch whose COMMIT failed: its number, and how many of its callers are
 * still to hear so (each asks once, by cat_flush_watch or cat_flush_wait). */
struct rolled_back {
    uint64_t seq;
    int left;
    struct ts_err err;
    struct rolled_back *next;
};

struct cat_flush {
    catalog *cat; /* the group connection, whose open batch a sync commits first */
    int fd; /* the WAL file, our own descriptor: fdatasync syncs the file, not the descriptor */
    pthread_mutex_t lock;
    pthread_cond_t cv;
    uint64_t committed; /* COMMITs of the group connection so far */
    uint64_t durable;   /* of them, the ones an fdatasync has covered */
    int syncing;        /* a thread is in fdatasync now */
    int failed;
    struct ts_err fail;
    uint64_t wanted;          /* the highest number asked for: above `committed`, a batch is open */
    struct rolled_back *lost; /* failed COMMITs not yet told to all their callers */
    struct flush_watch *watch; /* callers to call back, in no order */
    pthread_t thread;          /* syncs and calls back for them */
    int stop;
};

static atomic_ullong stat_syncs, stat_sync_us; /* for catalog_group_stats */

static int default_sync(int fd, void *ctx)
{
    (void)ctx;
    return fdatasync(fd);
}

static int (*sync_fn)(int fd, void *ctx) = default_sync;
static void *sync_ctx;

void catalog_group_set_sync(int (*fn)(int fd, void *ctx), void *ctx)
{
    sync_fn = fn ? fn : default_sync;
    sync_ctx = fn ? ctx : NULL;
}

static void *flush_thread(void *arg);

struct cat_flush *cat_flush_open(catalog *cat)
{
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(cat->db, "main"));
    struct ts_err err = {0};
    struct cat_flush *f;
    int fd;

    if (!wal || !*wal || (fd = open(wal, O_RDONLY | O_CLOEXEC)) < 0) {
        ts_log(TS_LOG_WARN, "catalog", "desk commits keep their own sync: no WAL file (%s)",
               strerror(errno));
        return NULL;
    }
    /* The WAL may have been created by a connection that has not synced it:
     * without its directory entry a power cut could lose the whole file. */
    if (ts_fsync_dir_of(wal) != 0 || cat_exec(cat, "PRAGMA synchronous=NORMAL", &err)) {
        ts_log(TS_LOG_WARN, "catalog", "desk commits keep their own sync: %s",
               err.msg[0] ? err.msg : strerror(errno));
        close(fd);
        return NULL;
    }
    f = ts_xcalloc(1, sizeof *f);
    f->cat = cat;
    f->fd = fd;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cv, NULL);
    if (pthread_create(&f->thread, NULL, flush_thread, f) != 0) {
        /* synchronous=NORMAL is set: the COMMITs would not sync themselves */
        ts_log(TS_LOG_WARN, "catalog", "desk commits keep their own sync: no flush thread");
        cat_exec(cat, "PRAGMA synchronous=FULL", NULL);
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->cv);
        close(fd);
        free(f);
        return NULL;
    }
    return f;
}

void cat_flush_close(struct cat_flush *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock); /* the thread calls back every watcher first */
    f->stop = 1;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    while (f->lost) { /* callers that never asked (an error path of theirs) */
        struct rolled_back *r = f->lost;
        f->lost = r->next;
        free(r);
    }
    close(f->fd);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cv);
    free(f);
}

uint64_t cat_flush_committed(struct cat_flush *f)
{
    uint64_t seq;

    pthread_mutex_lock(&f->lock);
    seq = ++f->committed;
    pthread_mutex_unlock(&f->lock);
    return seq;
}

void cat_flush_want(struct cat_flush *f, uint64_t seq)
{
    pthread_mutex_lock(&f->lock);
    if (seq > f->wanted) {
        f->wanted = seq;
        pthread_cond_broadcast(&f->cv);
    }
    pthread_mutex_unlock(&f->lock);
}

void cat_flush_rolled_back(struct cat_flush *f, int callers, const struct ts_err *err)
{
    pthread_mutex_lock(&f->lock);
    uint64_t seq = ++f->committed; /* the number its callers hold: used, never durable */
    if (callers > 0) {
        struct rolled_back *r = ts_xcalloc(1, sizeof *r);
        r->seq = seq;
        r->left = callers;
        r->err = *err;
        r->next = f->lost;
        f->lost = r;
        pthread_cond_broadcast(&f->cv); /* watchers of it are called back now */
    }
    pthread_mutex_unlock(&f->lock);
}

/* Whether the COMMIT numbered seq failed; if so one of its callers is told
 * (*err), and the record goes with the last. Under f->lock. */
static int lost_take(struct cat_flush *f, uint64_t seq, struct ts_err *err)
{
    for (struct rolled_back **pp = &f->lost, *r; (r = *pp); pp = &r->next) {
        if (r->seq != seq)
            continue;
        *err = r->err;
        if (--r->left == 0) {
            *pp = r->next;
            free(r);
        }
        return 1;
    }
    return 0;
}

/* A caller wants seq durable: if its batch is still open, commit it first.
 * Under f->lock, no sync in flight; dropped meanwhile (the writer lock comes
 * before f->lock). Returns whether it committed (so the state has moved). */
static int commit_wanted(struct cat_flush *f)
{
    uint64_t before = f->committed;

    if (f->wanted <= before)
        return 0;
    pthread_mutex_unlock(&f->lock);
    cat_group_commit_open(f->cat);
    pthread_mutex_lock(&f->lock);
    if (f->committed == before) { /* nothing was open (cannot happen): sync what there is */
        f->wanted = before;
        return 0;
    }
    return 1;
}

uint64_t cat_flush_last(struct cat_flush *f)
{
    uint64_t seq;

    pthread_mutex_lock(&f->lock);
    seq = f->committed;
    pthread_mutex_unlock(&f->lock);
    return seq;
}

/* One fdatasync covering every COMMIT counted so far. Called and returns
 * with f->lock held, no sync in flight; drops the lock meanwhile. */
static void sync_now(struct cat_flush *f)
{
    uint64_t upto = f->committed; /* every COMMIT counted so far has written its frames */
    double t0;
    int e;

    f->syncing = 1;
    pthread_mutex_unlock(&f->lock);
    t0 = ts_now_mono();
    e = sync_fn(f->fd, sync_ctx) == 0 ? 0 : errno;
    atomic_fetch_add(&stat_syncs, 1);
    atomic_fetch_add(&stat_sync_us, (unsigned long long)((ts_now_mono() - t0) * 1e6));
    pthread_mutex_lock(&f->lock);
    f->syncing = 0;
    if (e) {
        f->failed = 1;
        ts_fail(&f->fail, TS_EIO,
                "the disk did not confirm the catalogue's changes (fdatasync: %s); "
                "restart the server",
                strerror(e));
        ts_log(TS_LOG_ERROR, "catalog", "%s", f->fail.msg);
    } else if (upto > f->durable) {
        f->durable = upto;
    }
    pthread_cond_broadcast(&f->cv);
}

int cat_flush_wait(struct cat_flush *f, uint64_t seq, struct ts_err *err)
{
    int rc = TS_OK;

    pthread_mutex_lock(&f->lock);
    if (seq > f->wanted)
        f->wanted = seq;
    for (;;) {
        struct ts_err e;
        if (lost_take(f, seq, &e)) {
            pthread_mutex_unlock(&f->lock);
            if (err)
                *err = e;
            return e.code ? (int)e.code : TS_EDB;
        }
        if (f->failed || f->durable >= seq)
            break;
        if (f->syncing)
            pthread_cond_wait(&f->cv, &f->lock);
        else if (!commit_wanted(f))
            sync_now(f);
    }
    if (f->failed && f->durable < seq) {
        if (err)
            *err = f->fail;
        rc = f->fail.code;
    }
    pthread_mutex_unlock(&f->lock);
    return rc;
}

/* Call back the watchers whose COMMIT is durable (all of them once the
 * disk has failed); with f->lock held, dropped around the calls (so the
 * list may have changed when it returns). Returns whether it called any. */
static int call_back(struct cat_flush *f)
{
    struct flush_watch *ready = NULL, **pp = &f->watch, *w;

    while ((w = *pp)) {
        if (lost_take(f, w->seq, &w->err)) {
            w->lost = 1;
        } else if (!f->failed && w->seq > f->durable) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        w->next = ready;
        ready = w;
    }
    if (!ready)
        return 0;
    struct ts_err e = f->fail;
    int failed = f->failed;
    pthread_mutex_unlock(&f->lock);
    while ((w = ready)) {
        ready = w->next;
        if (w->lost)
            w->fn(w->ctx, w->err.code ? (int)w->err.code : TS_EDB, &w->err);
        else
            w->fn(w->ctx, failed ? e.code : TS_OK, failed ? &e : NULL);
        free(w);
    }
    pthread_mutex_lock(&f->lock);
    return 1;
}

static void *flush_thread(void *arg)
{
    struct cat_flush *f = arg;

    ts_thread_name("ts-flush");

    pthread_mutex_lock(&f->lock);
    for (;;) {
        if (call_back(f))
            continue; /* watchers may have come meanwhile, their signal unheard */
        /* a batch somebody left open: committed now, synced below */
        if (!f->syncing && commit_wanted(f))
            continue;
        if ((f->watch || (f->wanted > f->durable && !f->failed)) && !f->syncing) {
            /* each watcher left, and each number handed out, is past
             * `durable`: a sync begun now covers it */
            sync_now(f);
            continue;
        }
        if (f->stop && !f->watch)
            break;
        pthread_cond_wait(&f->cv, &f->lock);
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

void cat_flush_watch(struct cat_flush *f, uint64_t seq, cat_durable_fn fn, void *ctx)
{
    struct flush_watch *w;
    struct ts_err e;

    pthread_mutex_lock(&f->lock);
    if (lost_take(f, seq, &e)) {
        pthread_mutex_unlock(&f->lock);
        fn(ctx, e.code ? (int)e.code : TS_EDB, &e);
        return;
    }
    if (f->failed || f->durable >= seq) {
        e = f->fail;
        int failed = f->failed && f->durable < seq;
        pthread_mutex_unlock(&f->lock);
        fn(ctx, failed ? e.code : TS_OK, failed ? &e : NULL);
        return;
    }
    if (seq > f->wanted)
        f->wanted = seq;
    w = ts_xcalloc(1, sizeof *w);
    w->seq = seq;
    w->fn = fn;
    w->ctx = ctx;
    w->next = f->watch;
    f->watch = w;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->lock);
}

void cat_flush_stats(unsigned long long *syncs, unsigned long long *sync_us)
{
    *syncs = atomic_load(&stat_syncs);
    *sync_us = atomic_load(&stat_sync_us);
}

int cat_flush_failed(struct cat_flush *f, struct ts_err *err)
{
    int rc = TS_OK;

    if (!f)
        return TS_OK;
    pthread_mutex_lock(&f->lock);
    if (f->failed) {
        if (err)
            *err = f->fail;
        rc = f->fail.code;
    }
    pthread_mutex_unlock(&f->lock);
    return rc;
}
