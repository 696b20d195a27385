/*
 * server/request.c - the request object and its arena (see request.h).
 *
 * The arena is a list of chunks: small allocations bump a pointer in the
 * current chunk, large ones get a chunk of their own. Everything goes in one
 * request_free(), so a handler's early return can never leak.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "circ.h"
#include "request.h"
#include "server_int.h"
#include "ts_mem.h"
#include "ts_util.h"

#define ARENA_CHUNK 8192
#define ARENA_ALIGN 16

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

static struct arena_chunk *chunk_new(size_t cap)
{
    struct arena_chunk *c = ts_xmalloc(sizeof *c + cap);
    c->next = NULL;
    c->used = 0;
    c->cap = cap;
    return c;
}

void *req_alloc(struct request *req, size_t n)
{
    struct arena_chunk *c = req->arena;
    void *p;

    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (n == 0)
        n = ARENA_ALIGN;
    if (n > ARENA_CHUNK / 4) {
        /* a big block gets its own chunk, linked behind the current one */
        struct arena_chunk *big = chunk_new(n);
        big->used = n;
        if (c) {
            big->next = c->next;
            c->next = big;
        } else {
            req->arena = big;
        }
        memset(big->data, 0, n);
        return big->data;
    }
    if (!c || c->cap - c->used < n) {
        c = chunk_new(ARENA_CHUNK);
        c->next = req->arena;
        req->arena = c;
    }
    p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *req_strndup(struct request *req, const char *s, size_t n)
{
    char *p = req_alloc(req, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *req_strdup(struct request *req, const char *s)
{
    return s ? req_strndup(req, s, strlen(s)) : NULL;
}

char *req_printf(struct request *req, const char *fmt, ...)
{
    va_list ap;
    char *p;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return req_strdup(req, "");
    p = req_alloc(req, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

struct request *request_new(struct server_ctx *srv, const char *method, const char *path,
                            size_t max_body)
{
    struct request *req = ts_xcalloc(1, sizeof *req);

    req->srv = srv;
    req->t_start = ts_now_mono();
    req->method = req_strdup(req, method);
    req->path = req_strdup(req, path);
    req->is_head = strcmp(method, "HEAD") == 0;
    req->lang = I18N_VI;
    ts_buf_init(&req->body, max_body);
    return req;
}

void request_free(struct request *req)
{
    struct arena_chunk *c, *next;

    if (!req)
        return;
    ts_buf_free(&req->body);
    json_decref(req->json);
    if (req->account)
        cat_account_clear(req->account);
    free(req->acting);
    cat_library_list_free(req->libs, req->n_libs);
    for (c = req->arena; c; c = next) {
        next = c->next;
        free(c);
    }
    free(req);
}

void req_kv_add(struct request *req, struct kv **list, size_t *n, const char *key,
                const char *value, size_t value_len)
{
    /* lists are short (bounded by MHD's per-connection memory): grow by copying */
    struct kv *v = req_alloc(req, (*n + 1) * sizeof *v);
    if (*n)
        memcpy(v, *list, *n * sizeof *v);
    v[*n].key = req_strdup(req, key ? key : "");
    v[*n].value = value ? req_strndup(req, value, value_len) : req_strdup(req, "");
    v[*n].value_len = value ? value_len : 0;
    *list = v;
    (*n)++;
}

static const char *kv_find(const struct kv *v, size_t n, const char *name, int nocase)
{
    for (size_t i = 0; i < n; i++)
        if (nocase ? strcasecmp(v[i].key, name) == 0 : strcmp(v[i].key, name) == 0)
            return v[i].value;
    return NULL;
}

const char *req_arg(const struct request *req, const char *name)
{
    return kv_find(req->args, req->n_args, name, 0);
}

const char *req_arg_nonempty(const struct request *req, const char *name)
{
    const char *v = req_arg(req, name);
    return v && *v ? v : NULL;
}

const char *req_header(const struct request *req, const char *name)
{
    return kv_find(req->headers, req->n_headers, name, 1);
}

const char *req_cookie(const struct request *req, const char *name)
{
    return kv_find(req->cookies, req->n_cookies, name, 0);
}

const char *req_param(struct request *req, size_t i)
{
    if (i >= req->n_params)
        return "";
    return req_strndup(req, req->params[i].p, req->params[i].len);
}

int req_param_id(struct request *req, size_t i, int64_t *id)
{
    const char *s = req_param(req, i);

    *id = 0;
    /* digits only: "+5", " 5" and "05x" name nothing */
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return ts_fail(&req->err, TS_ENOTFOUND, "no such id");
    if (!*s || strlen(s) > 18 || ts_parse_i64(s, id, NULL) || *id <= 0)
        return ts_fail(&req->err, TS_ENOTFOUND, "no such id");
    return TS_OK;
}

int req_arg_size(struct request *req, const char *name, size_t def, size_t max, size_t *out)
{
    const char *s = req_arg(req, name);
    int64_t v;

    *out = def;
    if (!s || !*s)
        return TS_OK;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return ts_fail(&req->err, TS_EINVAL, "%s must be a number from 0 to %zu", name, max);
    if (strlen(s) > 18 || ts_parse_i64(s, &v, NULL) || v < 0 || (uint64_t)v > max)
        return ts_fail(&req->err, TS_EINVAL, "%s must be a number from 0 to %zu", name, max);
    *out = (size_t)v;
    return TS_OK;
}

char *req_urlencode(struct request *req, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = req_alloc(req, 3 * n + 1), *o = out;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

const char *req_t(const struct request *req, const char *key)
{
    const char *v = i18n_get(req->t, key);
    return v ? v : key;
}

int utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;

    while (p < end) {
        unsigned c = *p, n, cp;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, cp = c & 0x07;
        else
            return 0;
        if ((size_t)(end - p) <= n)
            return 0;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}
