/*
 * catalog/checkpoint.c - WAL checkpoints off the desk's commit path.
 *
 * sqlite checkpoints automatically inside the COMMIT that takes the WAL past
 * 1,000 pages: that COMMIT copies the pages into the database file and syncs
 * it while holding the write lock, and every checkout of the batch, and of
 * the batches queued behind it, waits (bench/README.md, "Checkpoints"). The
 * group connection turns that off; a thread with a connection of its own runs
 * a PASSIVE checkpoint, which never blocks writers or readers, each time the
 * WAL has grown by CKPT_PAGES.
 *
 * The WAL starts over from its beginning (instead of growing) only when a
 * writer begins and every frame is already in the database file. Under a
 * desk that never pauses, a checkpoint beside it always finds new frames at
 * the end, and the batch open meanwhile reads the WAL: it grew without bound
 * (385 MB in 40 s of the benchmark). So each checkpoint ends by copying the
 * frames written while it ran with this process's writers held off for that
 * moment, and the batch after it begins on an empty WAL. A checkpoint that
 * fails or cannot finish (a long read holds old pages) is simply tried again
 * at the next signal; the WAL is only ever longer for it, never wrong. Other
 * connections keep sqlite's automatic checkpoints.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "catalog_int.h"
#include "ts_log.h"
#include "ts_util.h"
#include "ts_mem.h"

#define CKPT_PAGES 1000 /* sqlite's own default interval */

static atomic_ullong n_checkpoints; /* completed, for catalog_group_stats */

struct cat_ckpt {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int stop, pending;
    atomic_int done_at; /* WAL length the last checkpoint saw */
    char *path;
};

/* After every COMMIT on the group connection, the write lock already released. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    struct cat_ckpt *c = arg;
    int done = atomic_load(&c->done_at);

    (void)db;
    (void)name;
    /* a shorter WAL than last time: it was restarted from the beginning */
    if (pages >= CKPT_PAGES && (pages < done || pages - done >= CKPT_PAGES)) {
        pthread_mutex_lock(&c->lock);
        c->pending = 1;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->lock);
    }
    return SQLITE_OK;
}

static void *run(void *arg)
{
    struct cat_ckpt *c = arg;
    struct ts_err err = {0};
    catalog *cat = NULL;

    ts_thread_name("ts-checkpoint");

    if (catalog_open(c->path, &cat, &err))
        ts_log(TS_LOG_WARN, "catalog", "checkpoints stay in the commits: %s", err.msg);
    pthread_mutex_lock(&c->lock);
    for (;;) {
        int log = 0, moved = 0;

        while (!c->stop && !c->pending)
            pthread_cond_wait(&c->cv, &c->lock);
        if (c->stop)
            break;
        c->pending = 0;
        pthread_mutex_unlock(&c->lock);
        if (cat && sqlite3_wal_checkpoint_v2(cat->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log,
                                             &moved) == SQLITE_OK) {
            /* the frames the desk wrote meanwhile, with it held off: no batch
             * reads the WAL when it ends, so the next one starts it over */
            cat_writer_pause();
            sqlite3_wal_checkpoint_v2(cat->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &moved);
            cat_writer_resume();
            atomic_store(&c->done_at, log);
            atomic_fetch_add(&n_checkpoints, 1);
        }
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    catalog_close(cat);
    return NULL;
}

struct cat_ckpt *cat_ckpt_start(catalog *group, const char *path)
{
    struct cat_ckpt *c = ts_xcalloc(1, sizeof *c);

    c->path = ts_xstrdup(path);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        /* sqlite's automatic checkpoints stay on */
        ts_log(TS_LOG_WARN, "catalog", "no checkpoint thread: checkpoints stay in the commits");
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->cv);
        free(c->path);
        free(c);
        return NULL;
    }
    sqlite3_wal_hook(group->db, wal_hook, c); /* replaces the automatic checkpoints */
    return c;
}

void cat_ckpt_stop(catalog *group, struct cat_ckpt *c)
{
    if (!c)
        return;
    sqlite3_wal_hook(group->db, NULL, NULL);
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cv);
    free(c->path);
    free(c);
}

unsigned long long cat_ckpt_count(void)
{
    return atomic_load(&n_checkpoints);
}
