/*
 * server/response.c - building responses and the shared finishing step (see response.h).
 *
 * ETags are computed on the identity body; the gzip variant carries the same
 * tag with "-gz" inside the quotes (as Apache does), and If-None-Match
 * compares without it, so a cached copy of either variant revalidates.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gzip.h"
#include "request.h"
#include "response.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "ts_util.h"

#define GZIP_MIN 512 /* smaller bodies fit in one packet anyway */

static const char csp_html[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
static const char csp_other[] = "default-src 'none'; frame-ancestors 'none'; sandbox";

void response_init(struct response *res)
{
    memset(res, 0, sizeof *res);
    res->status = 200;
    res->fd = -1;
}

void response_clear(struct response *res)
{
    free(res->body);
    res->body = NULL;
    res->len = 0;
    if (res->fd >= 0)
        close(res->fd);
    res->fd = -1;
}

void res_header(struct response *res, const char *name, const char *value)
{
    if (res->n_headers >= RES_MAX_HEADERS) {
        ts_log(TS_LOG_ERROR, "srv", "too many response headers, dropped %s", name);
        return;
    }
    res->headers[res->n_headers].name = name;
    res->headers[res->n_headers].value = value;
    res->n_headers++;
}

const char *res_header_get(const struct response *res, const char *name)
{
    for (size_t i = 0; i < res->n_headers; i++)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}

int respond_json(struct response *res, int status, json_t *v)
{
    char *s;

    if (!v)
        return TS_EINTERNAL;
    s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(v);
    if (!s)
        return TS_EINTERNAL;
    return respond_body(res, status, "application/json; charset=utf-8", s, strlen(s));
}

int respond_body(struct response *res, int status, const char *content_type, char *body, size_t len)
{
    response_clear(res);
    res->status = status;
    res->content_type = content_type;
    res->body = body;
    res->len = len;
    return TS_OK;
}

int respond_fd(struct response *res, int status, const char *content_type, int fd, uint64_t offset,
               uint64_t len)
{
    response_clear(res);
    res->status = status;
    res->content_type = content_type;
    res->fd = fd;
    res->fd_offset = offset;
    res->fd_len = len;
    res->flags |= RES_NO_COMPRESS;
    return TS_OK;
}

int respond_redirect(struct request *req, struct response *res, int status, const char *location)
{
    static const char body[] = "Redirecting\n";
    res_header(res, "Location", req_strdup(req, location));
    return respond_body(res, status, "text/plain; charset=utf-8", ts_xstrdup(body),
                        sizeof body - 1);
}

/* The opaque part of an entity tag: without W/, the quotes and our "-gz". */
static void etag_core(const char **s, size_t *n)
{
    if (*n >= 2 && (*s)[0] == 'W' && (*s)[1] == '/') {
        *s += 2;
        *n -= 2;
    }
    if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
        (*s)++;
        *n -= 2;
    }
    if (*n >= 3 && memcmp(*s + *n - 3, "-gz", 3) == 0)
        *n -= 3;
}

static int etag_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    etag_core(&a, &alen);
    etag_core(&b, &blen);
    return alen == blen && memcmp(a, b, alen) == 0;
}

int res_etag_matches(const struct request *req, const char *etag)
{
    const char *inm = req_header(req, "If-None-Match"), *p = inm;

    if (!inm || !etag)
        return 0;
    while (*p) {
        const char *start, *end;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p == '*')
            return 1;
        start = p;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            return 0; /* malformed: treat as no match */
        end = strchr(p + 1, '"');
        if (!end)
            return 0;
        p = end + 1;
        if (etag_eq(start, (size_t)(p - start), etag, strlen(etag)))
            return 1;
    }
    return 0;
}

static int compressible(const char *type)
{
    return type &&
           (strncmp(type, "text/", 5) == 0 || strncmp(type, "application/json", 16) == 0 ||
            strncmp(type, "image/svg+xml", 13) == 0 || strncmp(type, "application/xml", 15) == 0 ||
            strncmp(type, "application/atom+xml", 20) == 0 ||
            strncmp(type, "application/opensearchdescription+xml", 37) == 0);
}

void response_finish(struct request *req, struct response *res)
{
    const char *etag = res->etag;
    int ok = res->status == 200;

    res_header(res, "X-Request-Id", req->id);
    res_header(res, "X-Content-Type-Options", "nosniff");
    if (res->flags & RES_HTML) {
        res_header(res, "Content-Security-Policy", csp_html);
        res_header(res, "X-Frame-Options", "DENY");
        res_header(res, "Referrer-Policy", "same-origin");
    } else if (!res_header_get(res, "Content-Security-Policy")) {
        res_header(res, "Content-Security-Policy", csp_other);
    }
    if (!res_header_get(res, "Cache-Control"))
        res_header(res, "Cache-Control", "no-cache");

    if (ok && !etag && (res->flags & RES_ETAG) && res->body) {
        char hex[65];
        ts_sha256_hex(res->body, res->len, hex);
        etag = req_printf(req, "\"%.20s\"", hex);
    }
    if (ok && etag && res_etag_matches(req, etag)) {
        response_clear(res);
        res->status = 304;
        res->content_type = NULL;
        res_header(res, "ETag", etag);
        return;
    }
    if (compressible(res->content_type) && res->fd < 0)
        res_header(res, "Vary", "Accept-Encoding");
    if (res->body && res->len >= GZIP_MIN && !(res->flags & RES_NO_COMPRESS) &&
        compressible(res->content_type) && gzip_accepted(req_header(req, "Accept-Encoding"))) {
        char *gz;
        size_t gz_len;
        if (gzip_compress(res->body, res->len, &gz, &gz_len, NULL) == TS_OK) {
            if (gz_len < res->len) {
                free(res->body);
                res->body = gz;
                res->len = gz_len;
                res_header(res, "Content-Encoding", "gzip");
                if (etag)
                    etag = req_printf(req, "%.*s-gz\"", (int)strlen(etag) - 1, etag);
            } else {
                free(gz);
            }
        }
    }
    if (etag && (ok || res->status == 206))
        res_header(res, "ETag", etag);
}
