/*
 * server/h_read.c - the reader view: a chapter of an EPUB, a page of an IMS
 * or SCORM package, an HTML or text file, shown inside our page; PDFs get a
 * link to the browser's own viewer. And /records/{id}/asset, the images those
 * pages refer to.
 *
 * Everything shown comes from the stored file and is untrusted: HTML goes
 * through sanitize.c (whitelist, links rewritten to stay in the reader),
 * text is escaped by the template. `section` names a member inside a package
 * and must be a plain relative path (no "..", no leading '/'): a traversal
 * attempt is a 400, not a lookup.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "h_account.h"
#include "handlers.h"
#include "page.h"
#include "pkgread.h"
#include "request.h"
#include "response.h"
#include "sanitize.h"
#include "server_int.h"
#include "store.h"
#include "tmpl.h"
#include "ts_charset.h"
#include "ts_util.h"
#include "views.h"

#define PAGE_SOURCE_MAX (16u << 20) /* one chapter or one HTML file */
#define TEXT_SHOW_MAX (4u << 20)    /* plain text shown on one page */
#define IMAGE_MAX (16u << 20)

struct read_target {
    struct cat_record *rec;
    struct cat_file_info file;
    char path[2048]; /* the stored file */
};

static void target_free(struct read_target *t)
{
    cat_record_free(t->rec);
    cat_file_info_clear(&t->file);
}

/* The record and its file (?file=, else the record's first file). */
static int target_load(struct request *req, struct read_target *t)
{
    catalog *cat;
    int64_t id, file_id = 0;
    const char *fs = req_arg_nonempty(req, "file");
    int rc;

    memset(t, 0, sizeof *t);
    if ((rc = req_param_id(req, 0, &id)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_record_get(cat, id, &t->rec, &req->err)))
        return rc;
    if (fs && (ts_parse_i64(fs, &file_id, NULL) || file_id <= 0)) {
        rc = ts_fail(&req->err, TS_EINVAL, "file: expected a file id");
        goto fail;
    }
    if (!file_id)
        file_id = t->rec->file_id;
    if (!file_id) {
        rc = ts_fail(&req->err, TS_ENOTFOUND, "record %lld has no digital file", (long long)id);
        goto fail;
    }
    if ((rc = catalog_browse_file(cat, file_id, &t->file, &req->err)))
        goto fail;
    if (t->file.record_id != id) {
        rc = ts_fail(&req->err, TS_ENOTFOUND, "file %lld is not a file of record %lld",
                     (long long)file_id, (long long)id);
        goto fail;
    }
    if ((rc = catalog_store_path(req->srv->cfg.data_dir, t->file.sha256, t->path, sizeof t->path,
                                 &req->err)))
        goto fail;
    return TS_OK;
fail:
    target_free(t);
    return rc;
}

/* Decode legacy Vietnamese encodings (TCVN3, VNI ...) as the extractors do. */
static int to_utf8(struct request *req, const char *bytes, size_t len, char **out)
{
    size_t out_len;
    const char *charset;
    return ts_charset_decode(bytes, len, NULL, out, &out_len, &charset, &req->err);
}

/* Directory part of a member path including the '/', "" at top level (arena). */
static const char *dir_of(struct request *req, const char *member)
{
    const char *slash = strrchr(member, '/');
    return slash ? req_strndup(req, member, (size_t)(slash - member + 1)) : "";
}

static int read_html(struct request *req, struct read_target *t, const char *member, json_t *ctx)
{
    struct sanitize_opts so;
    char *raw = NULL, *utf8 = NULL, *clean = NULL;
    size_t len;
    int rc;

    if (member)
        rc = pkg_read(t->path, member, PAGE_SOURCE_MAX, &raw, &len, &req->err);
    else
        rc = catalog_store_read(req->srv->cfg.data_dir, t->file.sha256, PAGE_SOURCE_MAX, &raw, &len,
                                &req->err);
    if (rc)
        goto out;
    if ((rc = to_utf8(req, raw, len, &utf8)))
        goto out;
    so.record_id = t->rec->id;
    so.file_id = t->file.id;
    so.base_dir = member ? dir_of(req, member) : NULL;
    if ((rc = sanitize_html(utf8, strlen(utf8), &so, &clean, &req->err)))
        goto out;
    json_object_set_new(ctx, "content", tmpl_trusted(clean));
out:
    free(raw);
    free(utf8);
    free(clean);
    return rc;
}

static int read_text(struct request *req, struct read_target *t, json_t *ctx)
{
    char *raw = NULL, *utf8 = NULL;
    size_t len;
    int rc;

    if ((rc = catalog_store_read(req->srv->cfg.data_dir, t->file.sha256, PAGE_SOURCE_MAX, &raw,
                                 &len, &req->err)) ||
        (rc = to_utf8(req, raw, len, &utf8)))
        goto out;
    len = strlen(utf8);
    if (len > TEXT_SHOW_MAX) {
        /* cut at a character boundary */
        len = TEXT_SHOW_MAX;
        while (len && ((unsigned char)utf8[len] & 0xc0) == 0x80)
            len--;
        json_object_set_new(ctx, "truncated", json_true());
    }
    json_object_set_new(ctx, "text", json_stringn(utf8, len));
out:
    free(raw);
    free(utf8);
    return rc;
}

int h_page_read(struct request *req, struct response *res)
{
    struct read_target t;
    const char *section = req_arg_nonempty(req, "section"), *format;
    char *first = NULL;
    json_t *ctx;
    int rc;

    if ((rc = target_load(req, &t)))
        return rc;
    if ((rc = account_file_gate(req, res, &t.file))) { /* lent files: the borrower only */
        target_free(&t);
        return rc == TS_EAUTH ? account_login_redirect(req, res) : rc;
    }
    format = t.file.format;
    ctx = json_pack("{s:s, s:s, s:s, s:s}", "title", t.rec->title, "record_url",
                    req_printf(req, "/records/%lld", (long long)t.rec->id), "download_url",
                    req_printf(req, "/api/v1/files/%lld", (long long)t.file.id), "file_name",
                    t.file.name);
    if (!ctx) {
        rc = ts_fail(&req->err, TS_EINTERNAL, "read: context");
        goto out;
    }
    if (strcmp(format, "pdf") == 0) {
        int64_t pg = 0;
        const char *url = req_printf(req, "/files/%lld", (long long)t.file.id);
        if (section && strncmp(section, "page=", 5) == 0 && !ts_parse_i64(section + 5, &pg, NULL) &&
            pg > 0)
            url = req_printf(req, "%s#page=%lld", url, (long long)pg);
        json_object_set_new(ctx, "pdf_url", json_string(url));
    } else if (view_is_package(format)) {
        if (section && !pkg_path_safe(section)) {
            rc = ts_fail(&req->err, TS_EINVAL, "section: not a path inside the package");
            goto out;
        }
        if (!section) {
            if ((rc = pkg_first_page(t.path, &first, &req->err)))
                goto out;
            section = req_strdup(req, first);
        }
        if (!pkg_is_html(section)) {
            rc = ts_fail(&req->err, TS_ENOTFOUND, "section: not a page");
            goto out;
        }
        json_object_set_new(ctx, "section", json_string(section));
        if ((rc = read_html(req, &t, section, ctx)))
            goto out;
    } else if (strcmp(format, "html") == 0) {
        if ((rc = read_html(req, &t, NULL, ctx)))
            goto out;
    } else if (strcmp(format, "text") == 0 || strcmp(format, "markdown") == 0) {
        if ((rc = read_text(req, &t, ctx)))
            goto out;
    } else {
        json_object_set_new(ctx, "not_readable", json_true());
    }
    rc = respond_page(req, res, 200, "read.html", req_strdup(req, t.rec->title), ctx);
    ctx = NULL;
out:
    json_decref(ctx);
    free(first);
    target_free(&t);
    return rc;
}

int h_page_asset(struct request *req, struct response *res)
{
    struct read_target t;
    const char *path = req_arg_nonempty(req, "path"), *mime;
    char *bytes = NULL;
    size_t len;
    int rc;

    if (!path || !pkg_path_safe(path))
        return ts_fail(&req->err, TS_EINVAL, "path: not a path inside the package");
    mime = assets_mime(path);
    if (strncmp(mime, "image/", 6) != 0 || strcmp(mime, "image/svg+xml") == 0)
        return ts_fail(&req->err, TS_ENOTFOUND, "path: not an image");
    if ((rc = target_load(req, &t)))
        return rc;
    if ((rc = account_file_gate(req, res, &t.file))) {
        target_free(&t);
        return rc;
    }
    if (!view_is_package(t.file.format)) {
        target_free(&t);
        return ts_fail(&req->err, TS_ENOTFOUND, "the file is not a package");
    }
    rc = pkg_read(t.path, path, IMAGE_MAX, &bytes, &len, &req->err);
    target_free(&t);
    if (rc)
        return rc;
    respond_body(res, 200, mime, bytes, len);
    res->flags |= RES_ETAG | RES_NO_COMPRESS;
    if (!res_header_get(res, "Cache-Control")) /* the gate marks lent files private */
        res_header(res, "Cache-Control", "public, max-age=86400");
    return TS_OK;
}
