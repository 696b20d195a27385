/*
 * server/httpd.c - libmicrohttpd glue: the only file that includes <microhttpd.h>.
 *
 * MHD runs an internal polling thread per pool thread (epoll where
 * available). Per request: the first callback creates struct request and
 * refuses a declared Content-Length over the body cap at once (413, without
 * reading the body); later callbacks append upload data to a bounded ts_buf
 * (a chunked body past the cap is dropped and answered 413); the final
 * callback copies headers, arguments and cookies into the request and runs
 * the MHD-free dispatcher. The request is freed, and the access log line
 * written, when MHD reports completion.
 *
 * Desk answers wait for the disk without a thread. A circulation change is
 * committed on the handler's thread but not yet durable (catalog/flush.c),
 * and nothing may be answered before it is. Blocking there held every
 * connection of that pool thread, reads included, for the fdatasync: with 4
 * threads at most 4 desk changes were ever in flight. Instead the finished
 * response is held (struct held), the connection suspended, and the thread
 * that syncs resumes it once the COMMIT is durable; MHD then calls
 * on_request again and the held response goes out, or an error if the disk
 * failed. server_close resumes any still held (503: retry with the same
 * Idempotency-Key), since MHD must not stop with suspended connections.
 *
 * Limits are explicit (see server_config_default): connection timeout,
 * total and per-address connection limits, and per-connection memory, which
 * bounds the request line and headers: past it MHD itself answers 414 (URI)
 * or 431 (headers) and closes the connection.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "dircache.h"
#include "dispatch.h"
#include "errors.h"
#include "housekeeping.h"
#include "request.h"
#include "response.h"
#include "sanitize.h"
#include "server_int.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "ts_util.h"

#define DRAIN_MAX (8u << 20) /* body bytes dropped after the cap before we hang up */

/* A response held until its desk COMMIT is durable. Freed by whichever
 * comes last: the answer (or the connection's end) and the callback. */
struct held {
    struct server *srv;
    struct MHD_Connection *con;
    struct response res;
    int rc; /* how the wait ended: TS_OK, TS_EIO (disk), TS_EBUSY (stopping) */
    struct ts_err err;
    int called_back; /* the catalogue's callback has run */
    int resumed;     /* MHD_resume_connection called */
    int gone;        /* the request is over (answered, or its connection closed) */
    struct held *prev, *next;
};

struct server {
    struct server_ctx ctx;
    struct MHD_Daemon *daemon;
    atomic_int in_flight;
    pthread_mutex_t held_lock;
    struct held *held; /* every struct held not yet freed */
    int stopping;      /* server_close has resumed the held ones: hold no more */
    unsigned port;
    struct housekeeping *hk;
};

static atomic_uint_fast64_t generations;

/* MHD's messages, at most MHD_LOG_PER_SECOND a second: a flood of refused
 * connections must not become a flood of log lines. */
#define MHD_LOG_PER_SECOND 10
static atomic_llong log_second;
static atomic_int log_count;

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    long long now = (long long)time(NULL);
    char line[512];
    size_t n;

    (void)cls;
    if (atomic_exchange(&log_second, now) != now)
        atomic_store(&log_count, 0);
    if (atomic_fetch_add(&log_count, 1) == MHD_LOG_PER_SECOND) {
        ts_log(TS_LOG_WARN, "srv", "mhd: more messages this second are dropped");
        return;
    }
    if (atomic_load(&log_count) > MHD_LOG_PER_SECOND)
        return;
    vsnprintf(line, sizeof line, fmt, ap);
    n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    ts_log(TS_LOG_WARN, "srv", "mhd: %s", line);
}

struct copy_ctx {
    struct request *req;
    struct kv **list;
    size_t *n;
};

static enum MHD_Result copy_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    struct copy_ctx *c = cls;

    (void)kind;
    if (!key || strlen(key) != key_size || (value && strlen(value) != value_size))
        c->req->bad_input = 1;
    req_kv_add(c->req, c->list, c->n, key, value, value ? value_size : 0);
    return MHD_YES;
}

static void copy_values(struct MHD_Connection *con, struct request *req, enum MHD_ValueKind kind,
                        struct kv **list, size_t *n)
{
    struct copy_ctx c = {req, list, n};
    MHD_get_connection_values_n(con, kind, copy_value, &c);
}

/* Hand `res` to MHD: the body buffer or fd becomes MHD's. */
static enum MHD_Result send_response(struct MHD_Connection *con, struct request *req,
                                     struct response *res)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (res->fd >= 0) {
        r = MHD_create_response_from_fd_at_offset64(res->fd_len, res->fd, res->fd_offset);
        if (r)
            res->fd = -1; /* MHD closes it */
        req->bytes_out = res->fd_len;
    } else if (res->body) {
        r = MHD_create_response_from_buffer_with_free_callback(res->len, res->body, free);
        if (r)
            res->body = NULL;
        req->bytes_out = res->len;
    } else {
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        req->bytes_out = 0;
    }
    if (!r) {
        ts_log(TS_LOG_ERROR, "srv", "%s: cannot create response", req->id);
        response_clear(res);
        return MHD_NO;
    }
    if (res->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    for (size_t i = 0; i < res->n_headers; i++)
        MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
    if (req->is_head)
        req->bytes_out = 0;
    req->status = res->status;
    ret = MHD_queue_response(con, (unsigned)res->status, r);
    MHD_destroy_response(r);
    response_clear(res);
    return ret;
}

static enum MHD_Result refuse_body(struct MHD_Connection *con, struct request *req)
{
    struct response res;

    response_init(&res);
    dispatch_choose_lang(req);
    respond_status(req, &res, 413, "too_big", "request body too large");
    response_finish(req, &res);
    res_header(&res, MHD_HTTP_HEADER_CONNECTION, "close");
    return send_response(con, req, &res);
}

/* The peer's address, for login throttling (never logged). */
static void client_address(struct MHD_Connection *con, struct request *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, req->client,
                  sizeof req->client);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  req->client, sizeof req->client);
}

static void held_unlink_free(struct server *srv, struct held *h) /* under held_lock */
{
    if (h->prev)
        h->prev->next = h->next;
    else
        srv->held = h->next;
    if (h->next)
        h->next->prev = h->prev;
    response_clear(&h->res);
    free(h);
}

/* The catalogue's callback: from the flush thread, or at once from hold(). */
static void on_durable(void *ctx, int rc, const struct ts_err *err)
{
    struct held *h = ctx;
    struct server *srv = h->srv;

    pthread_mutex_lock(&srv->held_lock);
    h->called_back = 1;
    if (h->gone) {
        held_unlink_free(srv, h);
    } else if (!h->resumed) {
        h->rc = rc;
        if (err)
            h->err = *err;
        h->resumed = 1;
        MHD_resume_connection(h->con);
    }
    pthread_mutex_unlock(&srv->held_lock);
}

/* Hold `res` until req->desk_seq is durable; the connection waits suspended. */
static enum MHD_Result hold(struct server *srv, struct MHD_Connection *con, struct request *req,
                            struct response *res)
{
    struct held *h;
    int stopping;

    pthread_mutex_lock(&srv->held_lock);
    stopping = srv->stopping;
    pthread_mutex_unlock(&srv->held_lock);
    if (stopping) { /* nothing will resume a connection suspended now: wait here */
        struct ts_err e = {0};
        int rc = worker_desk_wait(req, &e);
        if (rc)
            dispatch_replace_error(req, res, rc, &e);
        return send_response(con, req, res);
    }
    h = ts_xcalloc(1, sizeof *h);
    h->srv = srv;
    h->con = con;
    h->res = *res;
    pthread_mutex_lock(&srv->held_lock);
    h->next = srv->held;
    if (h->next)
        h->next->prev = h;
    srv->held = h;
    pthread_mutex_unlock(&srv->held_lock);
    req->held = h;
    MHD_suspend_connection(con); /* before the callback can resume it */
    worker_desk_when_durable(req, on_durable, h);
    return MHD_YES;
}

/* MHD calls on_request again once a held connection is resumed. */
static enum MHD_Result answer_held(struct server *srv, struct MHD_Connection *con,
                                   struct request *req)
{
    struct held *h = req->held;
    struct response res;
    struct ts_err err;
    int rc;

    pthread_mutex_lock(&srv->held_lock);
    if (!h->resumed) { /* not resumed yet: MHD asks again when it is */
        pthread_mutex_unlock(&srv->held_lock);
        return MHD_YES;
    }
    res = h->res;
    response_init(&h->res); /* the body is ours now */
    rc = h->rc;
    err = h->err;
    req->held = NULL;
    h->gone = 1;
    if (h->called_back)
        held_unlink_free(srv, h);
    pthread_mutex_unlock(&srv->held_lock);
    if (rc)
        dispatch_replace_error(req, &res, rc, &err);
    return send_response(con, req, &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *srv = cls;
    struct request *req = *con_cls;
    struct response res;

    (void)version;
    if (!req) {
        const char *cl;
        req = request_new(&srv->ctx, method, url ? url : "/", srv->ctx.cfg.max_body);
        snprintf(req->id, sizeof req->id, "r-%08x", (unsigned)randombytes_random());
        client_address(con, req);
        *con_cls = req;
        atomic_fetch_add(&srv->in_flight, 1);
        cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            int64_t n;
            if (ts_parse_i64(cl, &n, NULL) || n < 0 || (uint64_t)n > srv->ctx.cfg.max_body) {
                /* answer before reading the body: MHD then closes the connection */
                req->body_too_big = 1;
                copy_values(con, req, MHD_HEADER_KIND, &req->headers, &req->n_headers);
                copy_values(con, req, MHD_COOKIE_KIND, &req->cookies, &req->n_cookies);
                return refuse_body(con, req);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        req->body_seen += n;
        if (req->status)
            return MHD_YES;
        if (req->body_too_big) {
            /* MHD cannot answer in the middle of a body: drop what follows
             * (never buffered) and answer 413 at its end, unless the client
             * keeps sending far past the cap; then just close */
            return req->body_seen > srv->ctx.cfg.max_body + DRAIN_MAX ? MHD_NO : MHD_YES;
        }
        if (ts_buf_addn(&req->body, upload_data, n))
            req->body_too_big = 1; /* chunked body past the cap; the buffer is freed */
        return MHD_YES;
    }
    if (req->status)
        return MHD_YES; /* already answered (413 on the first call) */
    if (req->held)
        return answer_held(srv, con, req);
    if (req->body_too_big) {
        copy_values(con, req, MHD_HEADER_KIND, &req->headers, &req->n_headers);
        copy_values(con, req, MHD_COOKIE_KIND, &req->cookies, &req->n_cookies);
        return refuse_body(con, req);
    }
    copy_values(con, req, MHD_HEADER_KIND, &req->headers, &req->n_headers);
    copy_values(con, req, MHD_GET_ARGUMENT_KIND, &req->args, &req->n_args);
    copy_values(con, req, MHD_COOKIE_KIND, &req->cookies, &req->n_cookies);
    response_init(&res);
    dispatch(req, &res);
    if (req->desk_seq)
        return hold(srv, con, req, &res);
    return send_response(con, req, &res);
}

/* Path for the log: control bytes replaced, long paths cut (log injection). */
static void log_path(const char *path, char *out, size_t cap)
{
    size_t i;
    for (i = 0; path[i] && i + 1 < cap; i++) {
        unsigned char c = (unsigned char)path[i];
        out[i] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
    }
    out[i] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct request *req = *con_cls;
    char path[256];
    double ms;

    (void)con;
    if (!req)
        return;
    if (req->held) { /* closed while held (the server stopping): the callback may still come */
        struct held *h = req->held;
        pthread_mutex_lock(&srv->held_lock);
        h->gone = 1;
        if (h->called_back)
            held_unlink_free(srv, h);
        pthread_mutex_unlock(&srv->held_lock);
        req->held = NULL;
    }
    ms = (ts_now_mono() - req->t_start) * 1000.0;
    log_path(req->path, path, sizeof path);
    /* path only: never the query string, body or cookies (privacy) */
    ts_log(TS_LOG_INFO, "srv", "%s %s %s %d %lluB %.1fms%s", req->id, req->method, path,
           req->status, (unsigned long long)req->bytes_out, ms,
           toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    if (ms > srv->ctx.cfg.slow_ms)
        ts_log(TS_LOG_WARN, "srv", "%s slow request: %s %s took %.0f ms", req->id, req->method,
               path, ms);
    request_free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

static int load_strings(struct server_ctx *s, struct ts_err *err)
{
    static const char *const files[I18N_N_LANGS] = {"vi.txt", "en.txt"};

    for (int i = 0; i < I18N_N_LANGS; i++) {
        struct asset_ref ref;
        int rc;
        if ((rc = assets_get(s->assets, ASSET_I18N, files[i], &ref, err)))
            return rc;
        rc = i18n_parse(ref.bytes, ref.len, &s->strings[i], err);
        if (rc)
            ts_err_prefix(err, "i18n/%s: ", files[i]);
        asset_release(&ref);
        if (rc)
            return rc;
    }
    return TS_OK;
}

static void ctx_free(struct server_ctx *s)
{
    workers_close(s);
    if (s->dir) {
        struct dircache_stats ds;
        dircache_stats(s->dir, &ds);
        if (ds.hits || ds.misses)
            ts_log(TS_LOG_INFO, "server",
                   "directory cache: %llu API token hits, %llu misses, %llu generation reads",
                   (unsigned long long)ds.hits, (unsigned long long)ds.misses,
                   (unsigned long long)ds.generation_reads);
    }
    dircache_close(s->dir);
    s->dir = NULL;
    assets_free(s->assets);
    for (int i = 0; i < I18N_N_LANGS; i++)
        i18n_free(s->strings[i]);
    pthread_mutex_destroy(&s->workers_lock);
}

int server_open(const struct server_config *cfg, server **out, struct ts_err *err)
{
    struct server *srv = ts_xcalloc(1, sizeof *srv);
    struct server_ctx *s = &srv->ctx;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const struct sockaddr *sa;
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_OptionItem pool[2];
    unsigned threads;
    catalog *probe = NULL;
    long ncpu;
    int rc;

    *out = NULL;
    s->cfg = *cfg;
    s->generation = atomic_fetch_add(&generations, 1) + 1;
    pthread_mutex_init(&s->workers_lock, NULL);
    pthread_mutex_init(&srv->held_lock, NULL);
    atomic_init(&srv->in_flight, 0);
    snprintf(s->catalog_path, sizeof s->catalog_path, "%s/catalog.db", cfg->data_dir);
    snprintf(s->index_dir, sizeof s->index_dir, "%s/index", cfg->data_dir);
    if (access(s->catalog_path, F_OK) != 0) {
        rc = ts_fail(err, TS_ENOTFOUND, "no catalogue in %s: run 'tusach init' first",
                     cfg->data_dir);
        goto fail;
    }
    /* fail now, not on the first request, if the catalogue cannot be opened,
     * and bring its schema up to date before any request reads it: the
     * directory cache asks every request for a table of schema 0007 */
    if ((rc = catalog_open(s->catalog_path, &probe, err)))
        goto fail;
    catalog_close(probe);
    s->dir = dircache_open(s->catalog_path);
    if (sodium_init() < 0) {
        rc = ts_fail(err, TS_EINTERNAL, "libsodium init failed");
        goto fail;
    }
    if ((rc = assets_open(&s->assets, err)) || (rc = load_strings(s, err)))
        goto fail;
    sanitize_init();

    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, cfg->listen, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)cfg->port);
        sa = (const struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, cfg->listen, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)cfg->port);
        sa = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        rc = ts_fail(err, TS_EINVAL, "listen: '%s' is not an IP address", cfg->listen);
        goto fail;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    else if (MHD_is_feature_supported(MHD_FEATURE_POLL) == MHD_YES)
        flags |= MHD_USE_POLL;
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    /* Default: two threads per core (4..32). More threads than that raised
     * the searches' p99 under mixed load (bench/README.md). A desk answer
     * waiting for its sync no longer holds a thread (hold()), so the thread
     * count no longer caps the writes in flight: the desk alone went from
     * ~2,050 to 3,125 writes/s at 4 threads on two cores. */
    threads = cfg->threads ? cfg->threads : (unsigned)(ncpu <= 2 ? 4 : ncpu >= 16 ? 32 : ncpu * 2);
    /* a pool of one is "no pool" to MHD (with a warning): pass the option only for 2+ */
    pool[0].option = threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END;
    pool[0].value = (intptr_t)threads;
    pool[0].ptr_value = NULL;
    pool[1].option = MHD_OPTION_END;
    pool[1].value = 0;
    pool[1].ptr_value = NULL;
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, srv, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s, MHD_OPTION_CONNECTION_LIMIT,
        cfg->conn_limit < threads ? threads : cfg->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->per_ip_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_LISTEN_BACKLOG_SIZE, 256u,
        MHD_OPTION_END);
    if (!srv->daemon) {
        rc = ts_fail(err, TS_EIO, "cannot listen on %s port %u (in use, or not allowed)",
                     cfg->listen, cfg->port);
        goto fail;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    ts_log(TS_LOG_INFO, "srv", "listening on %s port %u, %u threads, data %s", cfg->listen,
           srv->port, threads, cfg->data_dir);
    srv->hk = housekeeping_start(s);
    *out = srv;
    return TS_OK;
fail:
    ctx_free(s);
    free(srv);
    return rc;
}

unsigned server_port(const server *srv)
{
    return srv ? srv->port : 0;
}

/* Until no request is in flight, at most `seconds`. */
static void drain(struct server *srv, double seconds)
{
    double until = ts_now_mono() + seconds;

    while (atomic_load(&srv->in_flight) > 0 && ts_now_mono() < until) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

void server_close(server *srv)
{
    MHD_socket lsock;

    if (!srv)
        return;
    lsock = MHD_quiesce_daemon(srv->daemon);
    drain(srv, srv->ctx.cfg.drain_ms / 1000.0);
    if (atomic_load(&srv->in_flight) > 0)
        ts_log(TS_LOG_WARN, "srv", "stopping with %d requests still running",
               atomic_load(&srv->in_flight));
    /* MHD must not stop with a connection suspended: answer the held ones
     * 503 (their change may or may not reach the disk; a retry with the same
     * Idempotency-Key is safe), and hold no more */
    pthread_mutex_lock(&srv->held_lock);
    srv->stopping = 1;
    for (struct held *h = srv->held; h; h = h->next) {
        if (!h->resumed && !h->gone) {
            h->rc = ts_fail(&h->err, TS_EBUSY, "the server stopped before the disk confirmed");
            h->resumed = 1;
            MHD_resume_connection(h->con);
        }
    }
    pthread_mutex_unlock(&srv->held_lock);
    drain(srv, 1.0); /* their threads send the 503s */
    MHD_stop_daemon(srv->daemon);
    housekeeping_stop(srv->hk);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    ctx_free(&srv->ctx); /* closes the desk: every callback has run */
    pthread_mutex_lock(&srv->held_lock);
    while (srv->held) /* answered or closed before their callback; none is left pending */
        held_unlink_free(srv, srv->held);
    pthread_mutex_unlock(&srv->held_lock);
    pthread_mutex_destroy(&srv->held_lock);
    ts_log(TS_LOG_INFO, "srv", "stopped");
    free(srv);
}
