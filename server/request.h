/*
 * server/request.h - one HTTP request as handlers see it: method, path,
 * decoded query arguments, headers, cookies, route parameters, the body, the
 * chosen interface language and a per-request arena.
 *
 * httpd.c fills it from libmicrohttpd; nothing here knows about MHD. Arena
 * memory (req_alloc, req_strdup, req_printf) lives until the request is
 * freed when MHD reports completion: handlers never free it [h2o req->pool].
 */
#ifndef TS_REQUEST_H
#define TS_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "i18n.h"
#include "router.h"
#include "ts_buf.h"
#include "ts_err.h"

struct server_ctx;
struct arena_chunk;
struct cat_library;
struct cat_account;
struct cat_session;

struct kv {
    const char *key, *value; /* arena copies */
    size_t value_len;        /* value may hold a NUL byte from %00: checked by the dispatcher */
};

struct request {
    struct server_ctx *srv;
    char id[16];        /* "r-1f3a9c2b": X-Request-Id, error bodies, log lines */
    const char *method; /* as sent; "HEAD" is routed to GET */
    const char *path;   /* percent-decoded by MHD; no query string */
    int is_head;
    double t_start; /* ts_now_mono() at the first callback */

    struct kv *args, *headers, *cookies;
    size_t n_args, n_headers, n_cookies;
    char client[64]; /* peer IP address: login throttling only, never logged */

    /* an application/x-www-form-urlencoded body, parsed by req_form_parse() */
    struct kv *form;
    size_t n_form;
    int form_state; /* 0 not parsed, 1 parsed, -1 not a valid form */

    /* the read snapshot view_catalog() opened for a GET; ended by dispatch() */
    catalog *read_tx;

    /* who is asking (auth.c): NULL = anonymous */
    struct cat_account *account;
    /* with has_acting, the libraries the account may act for (from the
     * directory cache: catalog_account_acting), malloc'd */
    int64_t *acting;
    size_t n_acting;
    int has_acting;
    struct cat_session *session; /* cookie login: its CSRF token; NULL for bearer tokens */
    const char *session_token;   /* the cookie value, for logout */

    const struct route *route;
    struct route_param params[ROUTER_MAX_PARAMS];
    size_t n_params;

    int bad_input;      /* a NUL byte in a header, argument or cookie name or value */
    struct ts_buf body; /* bounded by cfg.max_body */
    int body_too_big;
    uint64_t body_seen; /* upload bytes received, kept or dropped */
    json_t *json;       /* parsed body for R_JSON routes; decref'd with the request */

    enum i18n_lang lang;
    int lang_from_arg; /* ?lang= given: the response sets the cookie */
    const struct i18n *t;

    struct ts_err err; /* what a handler's non-OK return code means, for errors.c */

    /* the last desk COMMIT whose durability the answer waits for
     * (worker_desk_leave; 0: none), and httpd.c's answer held meanwhile */
    uint64_t desk_seq;
    uint64_t desk_visible; /* desk_seq up to which other connections see the changes */
    void *held;

    /* filled when the response is queued, for the access log */
    int status;
    uint64_t bytes_out;

    /* library code -> name, loaded once per request by view_library_name() */
    struct cat_library *libs;
    size_t n_libs;
    int libs_loaded;

    struct arena_chunk *arena;
};

/* New request (free with request_free()). Copies method and path. */
struct request *request_new(struct server_ctx *srv, const char *method, const char *path,
                            size_t max_body);
void request_free(struct request *req); /* NULL ok */

void *req_alloc(struct request *req, size_t n); /* zeroed, aligned for any type */
char *req_strdup(struct request *req, const char *s);
char *req_strndup(struct request *req, const char *s, size_t n);
char *req_printf(struct request *req, const char *fmt, ...) TS_PRINTF(2, 3);

/* Append one key/value to a list (httpd.c uses these while copying from MHD). */
void req_kv_add(struct request *req, struct kv **list, size_t *n, const char *key,
                const char *value, size_t value_len);

/* Lookups: NULL when absent. Argument and cookie names are case-sensitive,
 * header names not. Values are borrowed from the arena. */
const char *req_arg(const struct request *req, const char *name);
const char *req_header(const struct request *req, const char *name);
const char *req_cookie(const struct request *req, const char *name);
/* Argument that is present and not empty, else NULL. */
const char *req_arg_nonempty(const struct request *req, const char *name);

/* Route parameter i as an arena string. */
const char *req_param(struct request *req, size_t i);
/* Route parameter i as a positive id: TS_ENOTFOUND (the URL names nothing) otherwise. */
int req_param_id(struct request *req, size_t i, int64_t *id);

/* Unsigned integer argument in [0, max], `def` when absent or empty: TS_EINVAL otherwise. */
int req_arg_size(struct request *req, const char *name, size_t def, size_t max, size_t *out);

/* Parse the body as application/x-www-form-urlencoded into req->form (once).
 * 0, or -1 when the Content-Type is another or the form is malformed or not
 * UTF-8 text (nothing is kept then). */
int req_form_parse(struct request *req);
/* A form field (after req_form_parse), NULL when absent. */
const char *req_form(struct request *req, const char *name);
/* Form field, else query argument: for handlers that serve both GET and POST. */
const char *req_input(struct request *req, const char *name);

/* Percent-encode for a query value (RFC 3986 unreserved kept), into the arena. */
char *req_urlencode(struct request *req, const char *s);

/* Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF. */
int utf8_valid(const char *s, size_t len);

/* Translation of `key` in the request's language (the key itself when missing). */
const char *req_t(const struct request *req, const char *key);

#endif
