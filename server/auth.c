/*
 * server/auth.c - identity, roles, CSRF and scope (see auth.h).
 *
 * Anonymous requests never touch the account tables: the benchmarked search
 * path pays nothing for accounts. Sessions are checked on the thread's
 * read-write connection because a check may touch last_seen or delete an
 * expired row (catalog/session.c writes at most once a minute per session).
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "circ.h"
#include "dircache.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "views.h"

static const char cookie_clear[] = AUTH_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax";

static int load_account(struct request *req, catalog *cat, int64_t id)
{
    struct cat_account *a = req_alloc(req, sizeof *a);
    int rc = catalog_account_get_id(cat, id, a, &req->err);

    if (rc)
        return rc;
    req->account = a; /* its strings are freed by request_free */
    return TS_OK;
}

/* A bearer token's account and the libraries it may act for: from the
 * directory cache when it has them at the current generation (no read),
 * else read in the request's snapshot and cached. *touch: the token's id
 * when its last_used is due. */
static int bearer(struct request *req, const char *token, int64_t *touch)
{
    struct dircache *dc = req->srv->dir;
    unsigned char key[CAT_TOKEN_KEY_LEN];
    struct cat_account a;
    struct cat_token t;
    int64_t gen, now = (int64_t)time(NULL);
    catalog *cat;
    int rc;

    *touch = 0;
    catalog_token_key(token, key);
    if (view_directory(req) == TS_OK &&
        dircache_token_get(dc, key, now, &a, &req->acting, &req->n_acting, touch)) {
        req->account = req_alloc(req, sizeof *req->account);
        *req->account = a; /* its strings are freed by request_free */
        req->has_acting = 1;
        return TS_OK;
    }
    ts_err_clear(&req->err);
    if ((rc = view_directory_gen(req, &cat, &gen)))
        return rc;
    if ((rc = catalog_token_lookup(cat, token, &t, &req->err)))
        return rc == TS_EAUTH ? ts_fail(&req->err, TS_EAUTH, "this API token is not valid") : rc;
    if ((rc = load_account(req, cat, t.account_id)) ||
        (rc = catalog_account_acting(cat, t.account_id, &req->acting, &req->n_acting, &req->err)))
        return rc;
    req->has_acting = 1;
    if (now - t.last_used >= CAT_SESSION_TOUCH) {
        *touch = t.id;
        t.last_used = now;
    }
    dircache_token_put(dc, key, gen, &t, req->account, req->acting, req->n_acting);
    return TS_OK;
}

int auth_identify(struct request *req, struct response *res)
{
    const char *cookie = req_cookie(req, AUTH_COOKIE);
    const char *authz = req_header(req, "Authorization");
    catalog *cat;
    int rc;

    if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
        int64_t touch;
        const char *token = authz + 7;
        while (*token == ' ')
            token++;
        if ((rc = bearer(req, token, &touch)) || !touch)
            return rc;
        if ((rc = worker_catalog_rw(req->srv, &cat, &req->err)))
            return rc;
        return catalog_token_touch(cat, touch, &req->err);
    }
    if (!cookie || !*cookie)
        return TS_OK;
    if ((rc = worker_catalog_rw(req->srv, &cat, &req->err)))
        return rc;
    req->session = req_alloc(req, sizeof *req->session);
    rc = catalog_session_check(cat, cookie, req->session, &req->err);
    if (rc == TS_EAUTH) {
        /* an expired or unknown cookie: carry on anonymous and drop it */
        req->session = NULL;
        ts_err_clear(&req->err);
        res_header(res, "Set-Cookie", cookie_clear);
        return TS_OK;
    }
    if (rc)
        return rc;
    req->session_token = cookie;
    if ((rc = view_snapshot(req, &cat)) ||
        (rc = load_account(req, cat, req->session->account_id))) {
        req->session = NULL;
        return rc == TS_ENOTFOUND ? TS_OK : rc;
    }
    return TS_OK;
}

enum route_role auth_rank(const struct request *req)
{
    const char *role = req->account ? req->account->role : NULL;

    if (!role)
        return ROLE_ANON;
    if (strcmp(role, "admin") == 0)
        return ROLE_ADMIN;
    if (strcmp(role, "district") == 0)
        return ROLE_DISTRICT;
    if (strcmp(role, "librarian") == 0)
        return ROLE_LIBRARIAN;
    return ROLE_READER;
}

int auth_check_role(struct request *req, enum route_role need)
{
    if (need == ROLE_ANON)
        return TS_OK;
    if (!req->account)
        return ts_fail(&req->err, TS_EAUTH, "%s", req_t(req, "auth_login_first"));
    if (auth_rank(req) < need)
        return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "auth_not_allowed"));
    return TS_OK;
}

/* Origin names this server: scheme://Host exactly (any scheme: a TLS proxy
 * in front of us is the usual deployment). */
static int origin_is_ours(const struct request *req, const char *origin)
{
    const char *host = req_header(req, "Host"), *p = strstr(origin, "://");

    return host && p && strcmp(p + 3, host) == 0 &&
           ((size_t)(p - origin) == 4 ? strncmp(origin, "http", 4) == 0
                                      : (size_t)(p - origin) == 5 && !strncmp(origin, "https", 5));
}

int auth_check_csrf(struct request *req)
{
    const char *origin, *token;

    if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
        return TS_OK;
    origin = req_header(req, "Origin");
    if (origin && !origin_is_ours(req, origin))
        return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "auth_cross_site"));
    if (!req->session)
        return TS_OK; /* anonymous, or a bearer token: nothing ambient to abuse */
    token = req_header(req, "X-CSRF-Token");
    if (!token)
        token = req_form(req, "csrf");
    if (token && catalog_session_csrf_ok(req->session, token))
        return TS_OK;
    /* a browser's own fetch() to the API sends Origin; a cross-site form
     * either sends a foreign Origin (refused above) or none at all */
    if (!token && origin && strncmp(req->path, "/api/", 5) == 0)
        return TS_OK;
    return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "auth_csrf"));
}

/* The libraries an account acts for come with a cached token (bearer());
 * a session's are read here once per request. Admins never get here. */
static int account_at(struct request *req, int64_t library_id)
{
    catalog *cat;

    if (!req->has_acting) {
        if (view_catalog(req, &cat) ||
            catalog_account_acting(cat, req->account->id, &req->acting, &req->n_acting, NULL))
            return 0;
        req->has_acting = 1;
    }
    for (size_t i = 0; i < req->n_acting; i++)
        if (req->acting[i] == library_id)
            return 1;
    return 0;
}

int auth_library_act(struct request *req, int64_t library_id)
{
    switch (auth_rank(req)) {
    case ROLE_ANON: return ts_fail(&req->err, TS_EAUTH, "%s", req_t(req, "auth_login_first"));
    case ROLE_ADMIN: return TS_OK;
    case ROLE_LIBRARIAN:
        if (account_at(req, library_id))
            return TS_OK;
        break;
    default: break; /* readers; district coordinators plan, they run no desk */
    }
    return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "auth_other_library"));
}

int auth_library_read(struct request *req, int64_t library_id)
{
    switch (auth_rank(req)) {
    case ROLE_ANON: return ts_fail(&req->err, TS_EAUTH, "%s", req_t(req, "auth_login_first"));
    case ROLE_ADMIN:
    case ROLE_DISTRICT: return TS_OK; /* one installation serves one district */
    case ROLE_LIBRARIAN:
        if (account_at(req, library_id))
            return TS_OK;
        break;
    default: break;
    }
    return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "auth_other_library"));
}

int auth_reader(struct request *req, int64_t reader_id, int64_t home_library_id, int act)
{
    if (!req->account)
        return ts_fail(&req->err, TS_EAUTH, "%s", req_t(req, "auth_login_first"));
    if (auth_rank(req) == ROLE_READER) {
        if (req->account->reader_id == reader_id)
            return TS_OK;
        /* the same answer as for a reader who does not exist: no probing */
        return ts_fail(&req->err, TS_ENOTFOUND, "%s", req_t(req, "auth_no_such_reader"));
    }
    return act ? auth_library_act(req, home_library_id) : auth_library_read(req, home_library_id);
}

const char *auth_actor(const struct request *req)
{
    /* a reader's login is their card number, and events name no reader
     * (catalog/circ.h): their own actions are recorded as self-service */
    if (auth_rank(req) == ROLE_READER)
        return "self-service";
    return req->account ? req->account->login : "anonymous";
}

const char *auth_csrf(const struct request *req)
{
    return req->session ? req->session->csrf : "";
}

int auth_session_start(struct request *req, struct response *res, int64_t account_id)
{
    char token[CAT_TOKEN_LEN + 1];
    const char *proto = req_header(req, "X-Forwarded-Proto");
    catalog *cat;
    int rc;

    if ((rc = worker_catalog_rw(req->srv, &cat, &req->err)))
        return rc;
    req->session = req_alloc(req, sizeof *req->session);
    if ((rc = catalog_session_create(cat, account_id, token, req->session, &req->err))) {
        req->session = NULL;
        return rc;
    }
    res_header(res, "Set-Cookie",
               req_printf(req, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", AUTH_COOKIE,
                          token, CAT_SESSION_MAX_AGE,
                          proto && strcasecmp(proto, "https") == 0 ? "; Secure" : ""));
    req->session_token = req_strdup(req, token);
    return TS_OK;
}

int auth_session_end(struct request *req, struct response *res)
{
    catalog *cat;
    int rc;

    if (req->session_token) {
        if ((rc = worker_catalog_rw(req->srv, &cat, &req->err)) ||
            (rc = catalog_session_end(cat, req->session_token, &req->err)))
            return rc;
    }
    req->session = NULL;
    req->session_token = NULL;
    res_header(res, "Set-Cookie", cookie_clear);
    return TS_OK;
}
