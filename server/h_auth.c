/*
 * server/h_auth.c - logging in and out: the login page (staff by username,
 * readers by card number; one form, the catalogue tells them apart), the
 * JSON session routes for scripts running in a browser, and /api/v1/me.
 *
 * A failed login re-renders the form with one message whatever went wrong
 * (unknown login or wrong password), as catalog_account_login answers;
 * throttling (per account and per client address) is a 429 with its wait.
 * Only local paths are accepted as the page to return to (no open redirect).
 */
#include <string.h>

#include "auth.h"
#include "circ.h"
#include "handlers.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "server_int.h"

/* "next" must be a path on this server: "/x", never "//host" or "/\host". */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 512)
        return NULL;
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return NULL;
    return next;
}

static const char *home_of(const struct request *req)
{
    return auth_rank(req) == ROLE_READER ? "/account" : "/desk";
}

static int login_form(struct request *req, struct response *res, int status, const char *message,
                      const char *login)
{
    const char *next = safe_next(req_input(req, "next"));

    return respond_page(req, res, status, "login.html", req_t(req, "login_title"),
                        json_pack("{s:s?, s:s, s:s}", "message", message, "login",
                                  login ? login : "", "next", next ? next : ""));
}

int h_page_login(struct request *req, struct response *res)
{
    if (req->account) /* already in: straight on */
        return respond_redirect(req, res, 303,
                                safe_next(req_arg(req, "next")) ? safe_next(req_arg(req, "next"))
                                                                : home_of(req));
    return login_form(req, res, 200, NULL, NULL);
}

/* Check the credentials; TS_OK with *account_id, or the refusal in req->err. */
static int check_login(struct request *req, const char *login, const char *password,
                       int64_t *account_id, enum route_role *rank)
{
    struct cat_account a = {0};
    catalog *cat;
    int rc;

    if (!login || !*login || !password || !*password)
        return ts_fail(&req->err, TS_EAUTH, "%s", req_t(req, "login_failed"));
    if ((rc = worker_catalog_rw(req->srv, &cat, &req->err)))
        return rc;
    rc = catalog_account_login(cat, login, password, req->client[0] ? req->client : NULL, &a,
                               &req->err);
    if (rc == TS_OK) {
        *account_id = a.id;
        *rank = strcmp(a.role, "reader") == 0 ? ROLE_READER : ROLE_LIBRARIAN;
    } else if (rc == TS_EAUTH) {
        ts_fail(&req->err, TS_EAUTH, "%s", req_t(req, "login_failed"));
    }
    cat_account_clear(&a);
    return rc;
}

int h_page_login_post(struct request *req, struct response *res)
{
    const char *login = req_form(req, "login"), *next = safe_next(req_form(req, "next"));
    enum route_role rank = ROLE_ANON;
    int64_t id;
    int rc = check_login(req, login, req_form(req, "password"), &id, &rank);

    switch (rc) {
    case TS_OK: break;
    case TS_EAUTH:
    case TS_EPERM: return login_form(req, res, rc == TS_EAUTH ? 401 : 403, req->err.msg, login);
    case TS_ELIMIT: return login_form(req, res, 429, req_t(req, "login_throttled"), login);
    default: return rc;
    }
    if ((rc = auth_session_start(req, res, id)))
        return rc;
    return respond_redirect(req, res, 303,
                            next                  ? next
                            : rank == ROLE_READER ? "/account"
                                                  : "/desk");
}

int h_page_logout(struct request *req, struct response *res)
{
    int rc = auth_session_end(req, res);
    return rc ? rc : respond_redirect(req, res, 303, "/");
}

static json_t *account_json(struct request *req)
{
    const struct cat_account *a = req->account;
    json_t *libs = json_array();

    for (size_t i = 0; i < a->n_libraries; i++)
        json_array_append_new(libs, json_integer(a->libraries[i]));
    return json_pack("{s:I, s:s, s:s?, s:s, s:o, s:o}", "id", (json_int_t)a->id, "login", a->login,
                     "name", a->name, "role", a->role, "reader_id",
                     a->reader_id ? json_integer(a->reader_id) : json_null(), "library_ids", libs);
}

int h_api_me(struct request *req, struct response *res)
{
    json_t *v = json_pack("{s:o}", "account", account_json(req));

    /* only a cookie session has a CSRF token; a bearer token needs none */
    if (v && req->session)
        json_object_set_new(v, "csrf", json_string(req->session->csrf));
    return respond_json(res, 200, v);
}

int h_api_session_create(struct request *req, struct response *res)
{
    const char *login = json_string_value(json_object_get(req->json, "login"));
    const char *password = json_string_value(json_object_get(req->json, "password"));
    enum route_role rank;
    int64_t id;
    int rc;

    if ((rc = check_login(req, login, password, &id, &rank)))
        return rc; /* TS_ELIMIT is a 429 with the catalogue's wait in the message */
    if ((rc = auth_session_start(req, res, id)))
        return rc;
    return respond_json(res, 201, json_pack("{s:s}", "csrf", req->session->csrf));
}

int h_api_session_delete(struct request *req, struct response *res)
{
    int rc = auth_session_end(req, res);
    if (rc)
        return rc;
    res->status = 204;
    return TS_OK;
}
