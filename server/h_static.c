/*
 * server/h_static.c - /static/<name>.<hash>.<ext>: CSS, JS and icons compiled
 * into the binary.
 *
 * The URL carries the content hash (page_asset_url() writes it), so the
 * answer may be cached for a year ("immutable"): a new build has new URLs.
 * A request with an old hash or none still gets the current file, but only
 * with "no-cache", so a stale page never pins a stale stylesheet. Only names
 * in the compiled-in table exist; "/", "..", and anything else are 404.
 */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_mem.h"

/* "app.3f9a1c0b2d4e.css" -> name "app.css", hash "3f9a1c0b2d4e"; a name
 * without a hash part is returned as is with an empty hash. */
static void split_name(struct request *req, const char *file, const char **name, const char **hash)
{
    const char *ext = strrchr(file, '.'), *mid = NULL;

    *name = file;
    *hash = "";
    if (!ext || ext == file)
        return;
    for (const char *p = ext - 1; p > file; p--) {
        if (*p == '.') {
            mid = p;
            break;
        }
    }
    if (!mid || (size_t)(ext - mid - 1) != ASSET_HASH_LEN)
        return;
    *hash = req_strndup(req, mid + 1, ASSET_HASH_LEN);
    *name = req_printf(req, "%.*s%s", (int)(mid - file), file, ext);
}

int h_static(struct request *req, struct response *res)
{
    const char *file = req_param(req, 0), *name, *hash;
    struct asset_ref ref;
    char *body;
    int rc;

    if (strchr(file, '/'))
        return ts_fail(&req->err, TS_ENOTFOUND, "no such file");
    split_name(req, file, &name, &hash);
    if ((rc = assets_get(req->srv->assets, ASSET_STATIC, name, &ref, &req->err)))
        return rc == TS_ENOTFOUND ? ts_fail(&req->err, TS_ENOTFOUND, "no such file") : rc;
    body = ts_xmalloc(ref.len + 1);
    memcpy(body, ref.bytes, ref.len + 1);
    respond_body(res, 200, ref.mime, body, ref.len);
    res->etag = req_printf(req, "\"%s\"", ref.hash);
    res_header(res, "Cache-Control",
               strcmp(hash, ref.hash) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
    asset_release(&ref);
    return TS_OK;
}
