/*
 * server/views.c - small helpers shared by the handlers (see views.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dircache.h"
#include "request.h"
#include "server_int.h"
#include "views.h"

static int snapshot(struct request *req, catalog **cat, int any_method)
{
    int rc = worker_catalog(req->srv, cat, &req->err);

    /* reading back what this request changed at the desk (a receipt, the
     * hold just placed): its batch may still be open, waiting for the sync */
    if (req->desk_seq > req->desk_visible) {
        worker_desk_visible(req);
        req->desk_visible = req->desk_seq;
    }

    if (rc == TS_OK && !req->read_tx &&
        (any_method || strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) &&
        catalog_read_begin(*cat, NULL) == TS_OK)
        req->read_tx = *cat;
    return rc;
}

int view_catalog(struct request *req, catalog **cat)
{
    /* GET handlers only read: one snapshot for all their statements (see
     * catalog_read_begin). A POST may write through its read-write
     * connection and read the result back here, so it gets no snapshot of
     * its own (the one view_snapshot began has ended by then: worker.c). */
    return snapshot(req, cat, 0);
}

int view_snapshot(struct request *req, catalog **cat)
{
    return snapshot(req, cat, 1);
}

int view_directory(struct request *req)
{
    struct dircache *dc = req->srv->dir;
    int began = req->read_tx == NULL; /* a snapshot begun before the bell was read may miss it */
    uint64_t bell;
    int64_t gen;
    catalog *cat;
    int rc;

    if (dircache_fresh(dc, &bell))
        return TS_OK;
    if ((rc = view_snapshot(req, &cat)) ||
        (rc = catalog_directory_generation(cat, &gen, &req->err)))
        return rc;
    if (began)
        dircache_seen(dc, bell, gen);
    return TS_OK;
}

int view_directory_gen(struct request *req, catalog **cat, int64_t *gen)
{
    int rc = view_snapshot(req, cat);

    return rc ? rc : catalog_directory_generation(*cat, gen, &req->err);
}

int view_indexer(struct request *req, indexer **ix)
{
    int rc = worker_indexer(req->srv, ix, &req->err);
    if (rc == TS_ENOTFOUND)
        return ts_fail(&req->err, TS_EBUSY, "the search index is not built yet");
    return rc;
}

/* One cache per process rather than per server: server_ctx (server_int.h)
 * has no slot for it, and sharing is safe because entries are tied to one
 * index state. Servers started with different sizes resize it. */
static pthread_mutex_t search_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static ix_cache *search_cache;
static size_t search_cache_cap;

ix_cache *view_search_cache(struct request *req)
{
    size_t want = req->srv->cfg.search_cache;
    ix_cache *c;

    if (want == 0)
        return NULL;
    pthread_mutex_lock(&search_cache_lock);
    if (!search_cache) {
        search_cache = ix_cache_new(want);
        search_cache_cap = want;
    } else if (search_cache_cap != want) {
        ix_cache_set_capacity(search_cache, want);
        search_cache_cap = want;
    }
    c = search_cache;
    pthread_mutex_unlock(&search_cache_lock);
    return c;
}

json_t *view_split(const char *s, const char *sep)
{
    json_t *a = json_array();
    size_t sl = strlen(sep);

    while (s && *s) {
        const char *end = strstr(s, sep), *e;
        size_t n = end ? (size_t)(end - s) : strlen(s);
        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        e = s + n;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s)
            json_array_append_new(a, json_stringn(s, (size_t)(e - s)));
        s = end ? end + sl : NULL;
    }
    return a;
}

json_t *view_identifiers(const char *s)
{
    json_t *parts = view_split(s, " "), *out = json_array(), *v;
    size_t i;

    json_array_foreach(parts, i, v)
    {
        const char *t = json_string_value(v), *colon = strchr(t, ':');
        if (colon)
            json_array_append_new(out, json_pack("{s:s%, s:s}", "scheme", t, (size_t)(colon - t),
                                                 "value", colon + 1));
        else
            json_array_append_new(out, json_pack("{s:s, s:s}", "scheme", "other", "value", t));
    }
    json_decref(parts);
    return out;
}

const char *view_iso_time(struct request *req, int64_t t)
{
    char buf[32];
    struct tm tm;
    time_t tt = (time_t)t;

    if (!gmtime_r(&tt, &tm))
        return req_strdup(req, "1970-01-01T00:00:00Z");
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return req_strdup(req, buf);
}

const char *view_size(struct request *req, int64_t bytes)
{
    if (bytes < 1024)
        return req_printf(req, "%lld B", (long long)bytes);
    if (bytes < 1024 * 1024)
        return req_printf(req, "%.1f KB", (double)bytes / 1024.0);
    if (bytes < 1024LL * 1024 * 1024)
        return req_printf(req, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    return req_printf(req, "%.1f GB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
}

const char *view_label(struct request *req, const char *prefix, const char *value)
{
    const char *key, *v;

    if (!value)
        return "";
    key = req_printf(req, "%s%s", prefix, value);
    v = i18n_get(req->t, key);
    return v ? v : value;
}

const char *view_library_name(struct request *req, const char *code)
{
    catalog *cat;

    if (!req->libs_loaded) {
        /* one list per request, freed with it: a copy of the directory cache's */
        int64_t gen;
        req->libs_loaded = 1;
        int cached = view_directory(req) == TS_OK &&
                     dircache_libs_get(req->srv->dir, &req->libs, &req->n_libs);
        if (!cached && view_directory_gen(req, &cat, &gen) == TS_OK &&
            catalog_library_list(cat, &req->libs, &req->n_libs, NULL) == TS_OK)
            dircache_libs_put(req->srv->dir, gen, req->libs, req->n_libs);
    }
    for (size_t i = 0; i < req->n_libs; i++)
        if (strcmp(req->libs[i].code, code) == 0)
            return req->libs[i].name;
    return code;
}

void view_paging(json_t *obj, size_t total, size_t offset, size_t limit, size_t n_returned)
{
    json_object_set_new(obj, "total", json_integer((json_int_t)total));
    json_object_set_new(obj, "offset", json_integer((json_int_t)offset));
    json_object_set_new(obj, "limit", json_integer((json_int_t)limit));
    json_object_set_new(obj, "next_offset",
                        offset + n_returned < total && n_returned > 0
                            ? json_integer((json_int_t)(offset + n_returned))
                            : json_null());
}

int view_readable(const char *format)
{
    static const char *const f[] = {"epub",  "html",  "text",  "markdown",
                                    "imscp", "imscc", "scorm", NULL};
    for (int i = 0; format && f[i]; i++)
        if (strcmp(format, f[i]) == 0)
            return 1;
    return 0;
}

int view_is_package(const char *format)
{
    static const char *const f[] = {"epub", "imscp", "imscc", "scorm", NULL};
    for (int i = 0; format && f[i]; i++)
        if (strcmp(format, f[i]) == 0)
            return 1;
    return 0;
}
