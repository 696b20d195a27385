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
    struct flush_watch *next;
};

struct cat_flush {
    int fd; /* the WAL file, our own descriptor: fdatasync syncs the file, not the descriptor */
    pthread_mutex_t lock;
    pthread_cond_t cv;
    uint64_t committed; /* COMMITs of the group connection so far */
    uint64_t durable;   /* of them, the ones an fdatasync has covered */
    int syncing;        /* a thread is in fdatasync now */
    int failed;
    struct ts_err fail;
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
    while (!f->failed && f->durable < seq) {
        if (f->syncing)
            pthread_cond_wait(&f->cv, &f->lock);
        else
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
        if (f->failed || w->seq <= f->durable) {
            *pp = w->next;
            w->next = ready;
            ready = w;
        } else {
            pp = &w->next;
        }
    }
    if (!ready)
        return 0;
    struct ts_err e = f->fail;
    int failed = f->failed;
    pthread_mutex_unlock(&f->lock);
    while ((w = ready)) {
        ready = w->next;
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
        if (f->watch && !f->syncing) {
            /* each left is past `durable`: a sync begun now covers it */
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

    pthread_mutex_lock(&f->lock);
    if (f->failed || f->durable >= seq) {
        struct ts_err e = f->fail;
        int failed = f->failed && f->durable < seq;
        pthread_mutex_unlock(&f->lock);
        fn(ctx, failed ? e.code : TS_OK, failed ? &e : NULL);
        return;
    }
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
