/*
 * server/server_int.h - module-private: the state every handler can reach
 * (configuration, assets, strings) and the per-thread database handles.
 *
 * Worker handles: libmicrohttpd runs our callbacks on its pool threads. Each
 * thread lazily opens one read-only catalogue connection and one index reader
 * (sqlite and Xapian handles are one-thread objects) and keeps them in
 * thread-local storage. They are also registered in a list under a mutex so
 * that server_close() can close them after MHD_stop_daemon has joined the
 * threads.
 */
#ifndef TS_SERVER_INT_H
#define TS_SERVER_INT_H

#include <pthread.h>
#include <stdint.h>

#include "assets.h"
#include "catalog.h"
#include "i18n.h"
#include "indexer.h"
#include "server.h"

struct worker; /* worker.c */

struct server_ctx {
    struct server_config cfg;
    char catalog_path[1100];
    char index_dir[1100];
    uint64_t generation; /* distinguishes servers started one after another in one process */
    struct assets *assets;
    struct i18n *strings[I18N_N_LANGS];
    pthread_mutex_t workers_lock;
    struct worker *workers;
    catalog *desk;        /* group-commit connection, opened by the first desk write */
    struct dircache *dir; /* who is asking, without a read per request (dircache.h) */
};

/* The calling thread's catalogue / index reader, opened on first use.
 * Borrowed: valid until server_close(). TS_EDB, TS_ENOTFOUND (no index yet). */
int worker_catalog(struct server_ctx *s, catalog **out, struct ts_err *err);
/* The calling thread's read-write catalogue connection (synchronous=FULL),
 * for the requests that change something: sessions and circulation. Reads
 * stay on worker_catalog() so a page view never waits for a writer. */
int worker_catalog_rw(struct server_ctx *s, catalog **out, struct ts_err *err);
/* Circulation writes (checkout, return, renew, holds, digital loans) share
 * one connection whose transactions are group-committed (catalog_group_open):
 * rc = worker_desk_enter(req->srv, &cat, &req->err); if (!rc) rc =
 * catalog_...(cat, ...); rc = worker_desk_leave(req, rc). Leave returns at
 * once with the call's result, its batch open (catalog_group_leave_nowait):
 * it notes in req->desk_seq what the answer waits for, and httpd.c holds the
 * answer, without holding a thread, until the batch is committed and the
 * disk has it (worker_desk_when_durable), or answers the COMMIT's error
 * instead. A handler that reads its changes back afterwards gets them
 * committed first (views.c). Nothing else may use `cat`, and only between
 * the two. */
struct request;
int worker_desk_enter(struct server_ctx *s, catalog **out, struct ts_err *err);
int worker_desk_leave(struct request *req, int rc);
/* fn(ctx, rc, err) once req->desk_seq is durable (TS_OK) or cannot be (see
 * catalog_group_when_durable); worker_desk_wait blocks for it instead. */
void worker_desk_when_durable(struct request *req, cat_durable_fn fn, void *ctx);
/* The request's desk changes committed, so its other connections read them. */
void worker_desk_visible(struct request *req);
int worker_desk_wait(struct request *req, struct ts_err *err);
int worker_indexer(struct server_ctx *s, indexer **out, struct ts_err *err);
/* Close every worker's handles; call only after the daemon's threads are gone. */
void workers_close(struct server_ctx *s);

#endif
