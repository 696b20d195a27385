/*
 * server/errors.h - the one mapping from ts_code to HTTP status and error body.
 *
 * API paths (/api/...) get {"error":{"code","message","request_id"}}; pages get
 * the error page in the reader's language. 5xx answers carry a generic
 * message: the detail (req->err) goes only to the log, under the request id.
 */
#ifndef TS_ERRORS_H
#define TS_ERRORS_H

#include "ts_err.h"

struct request;
struct response;

/* HTTP status for a code: 400 401 403 404 409 413 422 503, else 500. */
int error_status(int code);

/* Replace whatever `res` holds by the error response for `code`, explained by
 * req->err. Logs 5xx at ERROR. */
void respond_error(struct request *req, struct response *res, int code);

/* An error the dispatcher decides itself (404 unknown path, 405, 413, 400):
 * `code_name` is the stable JSON code, `message` the explanation (English;
 * pages show a translated heading above it). */
void respond_status(struct request *req, struct response *res, int status, const char *code_name,
                    const char *message);

#endif
