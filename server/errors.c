/*
 * server/errors.c - ts_code -> HTTP status and the error body (see errors.h).
 */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "ts_log.h"
#include "ts_mem.h"

int error_status(int code)
{
    switch (code) {
    case TS_EINVAL: return 400;
    case TS_EAUTH: return 401;
    case TS_EPERM: return 403;
    case TS_ENOTFOUND: return 404;
    case TS_ECONFLICT: return 409;
    case TS_ETOOBIG: return 413;
    case TS_EPARSE: return 422;
    case TS_EBUSY: return 503;
    case TS_ELIMIT: return 429;
    default: return 500;
    }
}

void respond_error(struct request *req, struct response *res, int code)
{
    int status = error_status(code);
    const char *msg = req->err.msg[0] ? req->err.msg : ts_code_name((enum ts_code)code);

    if (status >= 500) {
        ts_log(TS_LOG_ERROR, "srv", "%s %s: %s", req->id, ts_code_name((enum ts_code)code),
               req->err.msg[0] ? req->err.msg : "(no detail)");
        if (status == 503)
            respond_status(req, res, status, "busy", "busy, try again shortly");
        else
            respond_status(req, res, status, "internal", "internal error");
        return;
    }
    respond_status(req, res, status, ts_code_name((enum ts_code)code), msg);
}

static void json_error(struct request *req, struct response *res, int status, const char *code_name,
                       const char *message)
{
    json_t *v = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code_name, "message", message,
                          "request_id", req->id);
    if (respond_json(res, status, v)) {
        static const char fallback[] = "{\"error\":{\"code\":\"internal\"}}";
        respond_body(res, status, "application/json; charset=utf-8", ts_xstrdup(fallback),
                     sizeof fallback - 1);
    }
}

void respond_status(struct request *req, struct response *res, int status, const char *code_name,
                    const char *message)
{
    const char *heading;
    json_t *ctx;

    response_clear(res);
    res->flags = 0;
    res->n_headers = 0; /* whatever the handler had set belongs to the answer it did not give */
    if (strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/api") == 0) {
        json_error(req, res, status, code_name, message);
        return;
    }
    switch (status) {
    case 404: heading = req_t(req, "error_404"); break;
    case 400: heading = req_t(req, "error_400"); break;
    case 405: heading = req_t(req, "error_405"); break;
    case 413: heading = req_t(req, "error_413"); break;
    case 503: heading = req_t(req, "error_503"); break;
    case 401: heading = req_t(req, "error_401"); break;
    case 403: heading = req_t(req, "error_403"); break;
    case 409: heading = req_t(req, "error_409"); break;
    case 429: heading = req_t(req, "error_429"); break;
    default: heading = req_t(req, status >= 500 ? "error_500" : "error_other");
    }
    ctx = json_pack("{s:i, s:s, s:s, s:s}", "status", status, "heading", heading, "message",
                    message, "request_id", req->id);
    if (respond_page(req, res, status, "error.html", heading, ctx)) {
        /* the error page itself failed: plain text, never a loop */
        char *body = req_printf(req, "%d %s (%s)\n", status, message, req->id);
        respond_body(res, status, "text/plain; charset=utf-8", ts_xstrdup(body), strlen(body));
    }
    res->flags &= ~(unsigned)RES_ETAG;
}
