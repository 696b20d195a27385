/*
 * server/h_files.c - downloads of stored files, with single-range support.
 *
 * The body is the store file itself (MHD sends it from the descriptor, with
 * sendfile where it can), so a 500 MB package costs no memory. Only one
 * range is honoured: a multi-range request gets the whole file (allowed by
 * RFC 9110), an unsatisfiable one 416 with "Content-Range: bytes * /size".
 * /files/{id} shows PDFs inline (the browser's viewer is the reader view for
 * PDF); everything else, and every /api/v1/files/{id}, is an attachment, so
 * an imported HTML file can never run as a page of this site.
 *
 * Digital lending (account_file_gate, also used by the reader view in
 * h_read.c): an open file is public and cacheable; a lendable file is sent
 * only to the reader holding a running loan of it and an on-site file to
 * nobody here, both with "Cache-Control: private, no-store" so no shared
 * cache keeps a copy past the end of the loan. A page that needs a login
 * sends the browser to it; the API answers 401.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "browse.h"
#include "errors.h"
#include "h_account.h"
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "store.h"
#include "ts_buf.h"
#include "views.h"

enum range_kind { RANGE_NONE, RANGE_ONE, RANGE_BAD };

/* Parse a Range header against `size`: RANGE_ONE with [*first, *last]. */
static enum range_kind parse_range(const char *h, uint64_t size, uint64_t *first, uint64_t *last)
{
    const char *p, *dash;
    uint64_t a = 0, b = 0;
    int has_a = 0, has_b = 0;

    if (!h || strncasecmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return RANGE_NONE;
    p = h + 6;
    while (*p == ' ')
        p++;
    if (!(dash = strchr(p, '-')))
        return RANGE_NONE;
    for (; p < dash; p++) {
        if (*p < '0' || *p > '9' || a > UINT64_MAX / 10 - 10)
            return RANGE_NONE;
        a = a * 10 + (uint64_t)(*p - '0');
        has_a = 1;
    }
    for (p = dash + 1; *p && *p != ' '; p++) {
        if (*p < '0' || *p > '9' || b > UINT64_MAX / 10 - 10)
            return RANGE_NONE;
        b = b * 10 + (uint64_t)(*p - '0');
        has_b = 1;
    }
    if (!has_a && !has_b)
        return RANGE_NONE;
    if (!has_a) {
        /* suffix: the last b bytes */
        if (b == 0 || size == 0)
            return RANGE_BAD;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return RANGE_ONE;
    }
    if (has_b && b < a)
        return RANGE_NONE; /* syntactically invalid: ignored */
    if (a >= size)
        return RANGE_BAD;
    *first = a;
    *last = has_b && b < size - 1 ? b : size - 1;
    return RANGE_ONE;
}

/* Content-Disposition with an ASCII fallback and the RFC 5987 UTF-8 name. */
static const char *disposition(struct request *req, const char *kind, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    struct ts_buf b;
    const char *v;

    ts_buf_init(&b, 0);
    ts_buf_addf(&b, "%s; filename=\"", kind);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        ts_buf_addc(&b, (char)(*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' ? '_' : *p));
    ts_buf_add(&b, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("!#$&+-.^_`|~", *p))
            ts_buf_addc(&b, (char)*p);
        else
            ts_buf_addf(&b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
    v = req_strdup(req, ts_buf_str(&b));
    ts_buf_free(&b);
    return v;
}

int account_file_gate(struct request *req, struct response *res, const struct cat_file_info *f)
{
    catalog *cat;
    int64_t reader_id = 0;
    int rc;

    if (!f->access || strcmp(f->access, "open") == 0)
        return TS_OK;
    res_header(res, "Cache-Control", "private, no-store");
    if (auth_rank(req) == ROLE_READER) {
        struct cat_reader me; /* also names the reader in a refusal page's header */
        if (account_reader(req, &me) == TS_OK)
            cat_reader_clear(&me);
        ts_err_clear(&req->err);
        reader_id = req->account->reader_id;
    }
    if ((rc = view_catalog(req, &cat)))
        return rc;
    rc = catalog_dloan_access(cat, f->id, reader_id, &req->err);
    if (rc == TS_EAUTH && req->account) /* staff: signed in, but lending is for readers */
        return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "account_refused_dloan_staff"));
    if (rc == TS_EAUTH || rc == TS_EPERM)
        return ts_fail(&req->err, rc, "%s", account_refusal(req));
    return rc;
}

static int send_file(struct request *req, struct response *res, int inline_pdf)
{
    struct cat_file_info f;
    char path[2048];
    const char *etag, *range, *if_range;
    uint64_t size, first = 0, last = 0;
    enum range_kind rk;
    struct stat st;
    catalog *cat;
    int64_t id;
    int fd = -1, rc, is_pdf;

    if ((rc = req_param_id(req, 0, &id)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_file(cat, id, &f, &req->err)))
        return rc;
    if ((rc = account_file_gate(req, res, &f))) {
        cat_file_info_clear(&f);
        return rc;
    }
    rc = catalog_store_path(req->srv->cfg.data_dir, f.sha256, path, sizeof path, &req->err);
    if (rc == TS_OK && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        rc = ts_fail(&req->err, TS_EIO, "file %lld: stored copy missing: %s", (long long)id, path);
    if (rc == TS_OK && fstat(fd, &st) != 0)
        rc = ts_fail(&req->err, TS_EIO, "file %lld: fstat failed", (long long)id);
    if (rc) {
        if (fd >= 0)
            close(fd);
        cat_file_info_clear(&f);
        return rc;
    }
    size = (uint64_t)st.st_size;
    /* content-addressed: the hash is the perfect validator */
    etag = req_printf(req, "\"%.20s\"", f.sha256);
    is_pdf = strcmp(f.media_type, "application/pdf") == 0;
    res->etag = etag;
    res_header(res, "Accept-Ranges", "bytes");
    if (!res_header_get(res, "Cache-Control")) /* the gate marks lent files private */
        res_header(res, "Cache-Control", "public, max-age=86400");
    if (inline_pdf && is_pdf) {
        res_header(res, "Content-Disposition", disposition(req, "inline", f.name));
        /* the browser's PDF viewer does not run under a sandbox CSP */
        res_header(res, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'");
    } else {
        res_header(res, "Content-Disposition", disposition(req, "attachment", f.name));
    }
    range = req_header(req, "Range");
    if_range = req_header(req, "If-Range");
    if (if_range && strcmp(if_range, etag) != 0)
        range = NULL; /* the client's partial copy is of another version */
    rk = res_etag_matches(req, etag) ? RANGE_NONE : parse_range(range, size, &first, &last);
    if (rk == RANGE_BAD) {
        close(fd);
        respond_status(req, res, 416, "range_not_satisfiable", "range not satisfiable");
        res_header(res, "Content-Range", req_printf(req, "bytes */%llu", (unsigned long long)size));
        cat_file_info_clear(&f);
        return TS_OK;
    }
    if (rk == RANGE_ONE) {
        respond_fd(res, 206, req_strdup(req, f.media_type), fd, first, last - first + 1);
        res_header(res, "Content-Range",
                   req_printf(req, "bytes %llu-%llu/%llu", (unsigned long long)first,
                              (unsigned long long)last, (unsigned long long)size));
    } else {
        respond_fd(res, 200, req_strdup(req, f.media_type), fd, 0, size);
    }
    cat_file_info_clear(&f);
    return TS_OK;
}

int h_files_view(struct request *req, struct response *res)
{
    int rc = send_file(req, res, 1);
    return rc == TS_EAUTH ? account_login_redirect(req, res) : rc;
}

int h_api_file(struct request *req, struct response *res)
{
    return send_file(req, res, 0);
}
