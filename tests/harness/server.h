/*
 * tests/harness/server.h - the real HTTP server started in-process on
 * 127.0.0.1 (port 0: the kernel picks a free one, read back with
 * server_port()), and a small libcurl client for the HTTP tests.
 */
#ifndef T_SERVER_H
#define T_SERVER_H

#include <stddef.h>

/* server/server.h: this header has the same name, so name the path */
#include "../../server/server.h"
#include "ts_buf.h"

struct t_srv {
    server *srv;
    unsigned port;
};

/* Start a server on `data_dir`. `cfg` NULL: defaults (2 threads). Fails the
 * current test (and returns non-zero) if the server does not start. */
int t_srv_start(struct t_srv *s, const char *data_dir, const struct server_config *cfg);
void t_srv_stop(struct t_srv *s); /* graceful; idempotent */

struct t_http_opts {
    const char *method;         /* NULL: GET; "HEAD" sends no body back */
    const char *const *headers; /* NULL-terminated "Name: value" lines */
    const char *body;           /* request body (POST/PUT) */
    size_t body_len;
    int chunked;         /* send the body chunked (no Content-Length) */
    const char *bind_ip; /* local address to connect from, e.g. "127.0.0.2" */
};

struct t_http {
    long status; /* 0: the connection failed or was closed without an answer */
    struct ts_buf body;
    struct ts_buf head; /* header lines of the final response */
    char value[4096];   /* last t_http_header() result */
};

/* Request `path` (sent as is: no dot-segment cleanup, so "/../" reaches the
 * server). Returns the CURLcode (0 when an answer arrived). */
int t_http_do(const struct t_srv *s, const char *path, const struct t_http_opts *o,
              struct t_http *r);
/* GET shortcut. */
int t_http_get(const struct t_srv *s, const char *path, struct t_http *r);
/* Value of response header `name` (case-insensitive), NULL if absent.
 * Valid until the next call on r. */
const char *t_http_header(struct t_http *r, const char *name);
void t_http_free(struct t_http *r);

/* A TCP connection to the server from `bind_ip` (NULL: any); -1 on failure. */
int t_connect(const struct t_srv *s, const char *bind_ip);

#endif
