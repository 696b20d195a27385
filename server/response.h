/*
 * server/response.h - what a handler answers: status, headers and a body
 * (a malloc'd buffer handed to libmicrohttpd without a copy, or a file
 * descriptor range for downloads).
 *
 * response_finish() applies what every response shares, in one place:
 * ETag and If-None-Match (304), gzip, X-Request-Id, nosniff, and the
 * security headers of HTML pages (CSP without inline script, no framing).
 */
#ifndef TS_RESPONSE_H
#define TS_RESPONSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct request;

#define RES_MAX_HEADERS 16

/* flags */
#define RES_ETAG 0x1        /* strong ETag of the body; If-None-Match -> 304 */
#define RES_HTML 0x2        /* an HTML page: Content-Security-Policy and friends */
#define RES_NO_COMPRESS 0x4 /* never gzip (already compressed, or a range) */

struct response {
    int status;
    const char *content_type; /* static or arena string */
    char *body;               /* malloc'd, owned by the response */
    size_t len;
    int fd; /* >= 0: send fd_len bytes from fd_offset instead of body; owned */
    uint64_t fd_offset, fd_len;
    const char *etag; /* preset quoted ETag (files, static), else computed for RES_ETAG */
    struct {
        const char *name, *value; /* static or arena strings */
    } headers[RES_MAX_HEADERS];
    size_t n_headers;
    unsigned flags;
};

void response_init(struct response *res);
/* Free the body and close the fd (what was not handed over). */
void response_clear(struct response *res);

/* Add a header; name and value must live as long as the request (static or
 * arena). Past RES_MAX_HEADERS the header is dropped (a programming error, logged). */
void res_header(struct response *res, const char *name, const char *value);
/* Value of a header already added, NULL if none (case-insensitive name). */
const char *res_header_get(const struct response *res, const char *name);

/* Body as compact JSON with sorted keys; steals `v`. TS_EINTERNAL if v is NULL
 * (a failed json_pack) or cannot be serialised. */
int respond_json(struct response *res, int status, json_t *v);
/* Takes `body` (malloc'd) even on failure. */
int respond_body(struct response *res, int status, const char *content_type, char *body,
                 size_t len);
/* Send bytes [offset, offset+len) of `fd` (taken, closed by the server). */
int respond_fd(struct response *res, int status, const char *content_type, int fd, uint64_t offset,
               uint64_t len);
/* 30x with Location (a local path); the body names the target for old clients. */
int respond_redirect(struct request *req, struct response *res, int status, const char *location);

/* Conditional request, compression and common headers; the dispatcher calls it last. */
void response_finish(struct request *req, struct response *res);

/* True when If-None-Match of the request matches quoted `etag` (weak
 * comparison; our "-gz" variant suffix ignored). */
int res_etag_matches(const struct request *req, const char *etag);

#endif
