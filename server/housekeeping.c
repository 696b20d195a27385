/*
 * server/housekeeping.c - the server's own background chores, so a hub with
 * nobody at a terminal stays correct: ready holds whose shelf time is over
 * move on to the next reader, digital loans past their end close, expired
 * sessions go, and records whose availability changed at a desk are
 * re-indexed (the "available at my library" filter reads the index).
 *
 * One thread wakes every HK_TICK_MS (TUSACH_HK_TICK_MS overrides it, so tests
 * need not wait minutes); the catalogue chores run every
 * HK_CHORES ticks, the index drain on every tick where the queue is not empty
 * (a checkout queues its record). Failures are logged and retried at the next
 * tick: a CLI import holding the index lock only delays the drain.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "circ.h"
#include "housekeeping.h"
#include "import.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "ts_util.h"

#define HK_TICK_MS 5000
#define HK_CHORES 12 /* a minute */

struct housekeeping {
    struct server_ctx *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop, running;
    long tick_ms;
};

static void chores(struct server_ctx *s, catalog *cat)
{
    struct ts_err err = {0};
    size_t expired = 0;
    int64_t closed = 0, purged = 0;

    if (catalog_hold_expire_due(cat, &expired, &err))
        ts_log(TS_LOG_WARN, "hk", "hold expiry: %s", err.msg);
    if (catalog_dloan_close_expired(cat, &closed, &err))
        ts_log(TS_LOG_WARN, "hk", "digital loans: %s", err.msg);
    if (catalog_session_purge(cat, &purged, &err))
        ts_log(TS_LOG_WARN, "hk", "sessions: %s", err.msg);
    if (expired || closed || purged)
        ts_log(TS_LOG_INFO, "hk",
               "%zu holds expired, %lld digital loans ended, %lld sessions purged", expired,
               (long long)closed, (long long)purged);
    (void)s;
}

static void drain(struct server_ctx *s, catalog *cat)
{
    struct import_opts o = {0};
    struct import_summary sum;
    struct ts_err err = {0};
    int64_t *ids = NULL;
    size_t n = 0;

    if (catalog_queue_list(cat, 1, &ids, &n, &err)) {
        free(ids);
        return;
    }
    free(ids);
    if (n == 0 && catalog_holdings_queue_count(cat) <= 0)
        return;
    o.data_dir = s->cfg.data_dir;
    o.n_workers = 1;
    if (import_drain(&o, &sum, &err))
        ts_log(err.code == TS_EBUSY ? TS_LOG_DEBUG : TS_LOG_WARN, "hk", "index update: %s",
               err.msg);
}

static void *run(void *arg)
{
    struct housekeeping *hk = arg;
    catalog *cat = NULL;
    struct ts_err err = {0};
    unsigned tick = 0;

    ts_thread_name("ts-housekeeping");

    if (catalog_open(hk->ctx->catalog_path, &cat, &err)) {
        ts_log(TS_LOG_ERROR, "hk", "cannot open the catalogue: %s", err.msg);
        return NULL;
    }
    pthread_mutex_lock(&hk->lock);
    while (!hk->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += hk->tick_ms / 1000;
        until.tv_nsec += (hk->tick_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!hk->stop && pthread_cond_timedwait(&hk->wake, &hk->lock, &until) != ETIMEDOUT)
            ;
        if (hk->stop)
            break;
        pthread_mutex_unlock(&hk->lock);
        if (tick++ % HK_CHORES == 0)
            chores(hk->ctx, cat);
        drain(hk->ctx, cat);
        pthread_mutex_lock(&hk->lock);
    }
    pthread_mutex_unlock(&hk->lock);
    catalog_close(cat);
    return NULL;
}

struct housekeeping *housekeeping_start(struct server_ctx *s)
{
    struct housekeeping *hk = ts_xcalloc(1, sizeof *hk);

    const char *env = getenv("TUSACH_HK_TICK_MS");
    int64_t ms;

    hk->ctx = s;
    hk->tick_ms =
        env && !ts_parse_i64(env, &ms, NULL) && ms >= 10 && ms <= 3600000 ? (long)ms : HK_TICK_MS;
    pthread_mutex_init(&hk->lock, NULL);
    pthread_cond_init(&hk->wake, NULL);
    if (pthread_create(&hk->thread, NULL, run, hk) == 0)
        hk->running = 1;
    else
        ts_log(TS_LOG_ERROR, "hk", "cannot start the housekeeping thread");
    return hk;
}

void housekeeping_stop(struct housekeeping *hk)
{
    if (!hk)
        return;
    pthread_mutex_lock(&hk->lock);
    hk->stop = 1;
    pthread_cond_signal(&hk->wake);
    pthread_mutex_unlock(&hk->lock);
    if (hk->running)
        pthread_join(hk->thread, NULL);
    pthread_cond_destroy(&hk->wake);
    pthread_mutex_destroy(&hk->lock);
    free(hk);
}
