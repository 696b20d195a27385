/*
 * server/worker.c - per-thread catalogue and index handles (see server_int.h).
 *
 * The thread-local pointer is trusted only while its generation matches the
 * server's: a test process starts and stops several servers, and a pointer
 * left over from a closed one must never be followed. The generation is kept
 * in its own thread-local so checking it never touches freed memory.
 */
#include <stdlib.h>

#include "request.h"
#include "server_int.h"
#include "ts_log.h"
#include "ts_mem.h"

struct worker {
    catalog *cat;
    catalog *rw; /* opened by the first request that writes (login, circulation) */
    indexer *ix;
    struct worker *next;
};

static _Thread_local struct worker *tl_worker;
static _Thread_local uint64_t tl_generation;

static struct worker *this_worker(struct server_ctx *s)
{
    if (tl_worker && tl_generation == s->generation)
        return tl_worker;
    tl_worker = ts_xcalloc(1, sizeof *tl_worker);
    tl_generation = s->generation;
    pthread_mutex_lock(&s->workers_lock);
    tl_worker->next = s->workers;
    s->workers = tl_worker;
    pthread_mutex_unlock(&s->workers_lock);
    return tl_worker;
}

int worker_catalog(struct server_ctx *s, catalog **out, struct ts_err *err)
{
    struct worker *w = this_worker(s);
    int rc;

    *out = NULL;
    if (!w->cat && (rc = catalog_open_readonly(s->catalog_path, &w->cat, err)))
        return rc;
    *out = w->cat;
    return TS_OK;
}

/* A request that is about to write reads afresh afterwards: the thread's
 * read snapshot (views.c) ends here, so nothing it reads back can be older
 * than its own change. */
static void end_snapshot(struct worker *w)
{
    catalog_read_end(w->cat);
}

int worker_catalog_rw(struct server_ctx *s, catalog **out, struct ts_err *err)
{
    struct worker *w = this_worker(s);
    int rc;

    *out = NULL;
    end_snapshot(w);
    if (!w->rw && (rc = catalog_open(s->catalog_path, &w->rw, err)))
        return rc;
    *out = w->rw;
    return TS_OK;
}

int worker_desk_enter(struct server_ctx *s, catalog **out, struct ts_err *err)
{
    int rc = TS_OK;

    *out = NULL;
    end_snapshot(this_worker(s));
    pthread_mutex_lock(&s->workers_lock);
    if (!s->desk)
        rc = catalog_group_open(s->catalog_path, &s->desk, err);
    pthread_mutex_unlock(&s->workers_lock);
    if (rc)
        return rc;
    catalog_group_enter(s->desk);
    *out = s->desk;
    return TS_OK;
}

int worker_desk_leave(struct request *req, int rc)
{
    uint64_t seq = 0;

    rc = catalog_group_leave_nowait(req->srv->desk, rc, &req->err, &seq);
    if (seq > req->desk_seq)
        req->desk_seq = seq;
    return rc;
}

void worker_desk_visible(struct request *req)
{
    catalog_group_commit_to(req->srv->desk, req->desk_seq);
}

void worker_desk_when_durable(struct request *req, cat_durable_fn fn, void *ctx)
{
    catalog_group_when_durable(req->srv->desk, req->desk_seq, fn, ctx);
}

int worker_desk_wait(struct request *req, struct ts_err *err)
{
    return catalog_group_wait(req->srv->desk, req->desk_seq, err);
}

int worker_indexer(struct server_ctx *s, indexer **out, struct ts_err *err)
{
    struct worker *w = this_worker(s);
    int rc;

    *out = NULL;
    /* a failed open (no index yet) is retried on the next request */
    if (!w->ix && (rc = indexer_open_reader(s->index_dir, &w->ix, err)))
        return rc;
    *out = w->ix;
    return TS_OK;
}

void workers_close(struct server_ctx *s)
{
    struct worker *w, *next;

    pthread_mutex_lock(&s->workers_lock);
    for (w = s->workers; w; w = next) {
        next = w->next;
        catalog_close(w->cat);
        catalog_close(w->rw);
        indexer_close(w->ix);
        free(w);
    }
    s->workers = NULL;
    if (s->desk) {
        struct cat_group_stats g;
        catalog_group_stats(&g);
        ts_log(TS_LOG_INFO, "desk",
               "group commit: %llu changes in %llu commits; per commit, batch open %.3f ms "
               "then COMMIT %.3f ms (means); %llu WAL syncs after them, %.3f ms each; "
               "%llu WAL checkpoints beside them; %llu WAL writes sent in %llu (%llu late)",
               g.calls, g.commits, g.commits ? g.open_us / 1e3 / (double)g.commits : 0.0,
               g.commits ? g.commit_us / 1e3 / (double)g.commits : 0.0, g.syncs,
               g.syncs ? g.sync_us / 1e3 / (double)g.syncs : 0.0, g.checkpoints, g.wal_writes,
               g.wal_pwrites, g.wal_late);
    }
    catalog_close(s->desk);
    s->desk = NULL;
    pthread_mutex_unlock(&s->workers_lock);
}
