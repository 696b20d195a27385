/*
 * server/dispatch.c - route, check, call the handler, map errors (see dispatch.h).
 *
 * Keeping every step here means a new route cannot forget one: the route
 * table says what a URL needs (role, JSON body) and this function enforces it.
 */
#include <string.h>

#include "auth.h"
#include "dispatch.h"
#include "errors.h"
#include "request.h"
#include "response.h"
#include "server_int.h"

static int is_api(const struct request *req)
{
    return strncmp(req->path, "/api/", 5) == 0;
}

void dispatch_choose_lang(struct request *req)
{
    enum i18n_lang lang = I18N_VI;

    /* on the API, ?lang= is the search filter, not the interface language */
    if (!is_api(req) && i18n_lang_parse(req_arg(req, "lang"), &lang) == 0) {
        req->lang_from_arg = 1;
    } else if (i18n_lang_parse(req_cookie(req, "lang"), &lang) != 0) {
        lang = I18N_VI;
    }
    req->lang = lang;
    req->t = req->srv->strings[lang];
}

/* 400 for input we refuse to interpret: invalid UTF-8 or NUL bytes. */
static int input_sane(struct request *req)
{
    if (req->bad_input)
        return 0;
    if (!utf8_valid(req->path, strlen(req->path)))
        return 0;
    for (size_t i = 0; i < req->n_args; i++)
        if (!utf8_valid(req->args[i].key, strlen(req->args[i].key)) ||
            !utf8_valid(req->args[i].value, req->args[i].value_len))
            return 0;
    return 1;
}

/* A page that needs a login sends the browser to the login form, which comes
 * back here afterwards. */
static void login_redirect(struct request *req, struct response *res)
{
    response_clear(res);
    res->n_headers = 0;
    respond_redirect(req, res, 303,
                     req_printf(req, "/login?next=%s", req_urlencode(req, req->path)));
}

static void run(struct request *req, struct response *res)
{
    struct route_match m;
    int rc;

    if (req->body_too_big) {
        respond_status(req, res, 413, "too_big", "request body too large");
        return;
    }
    if (!input_sane(req)) {
        respond_status(req, res, 400, "invalid", "the request is not valid UTF-8 text");
        return;
    }
    /* 1. match */
    switch (router_match(server_routes, server_n_routes, req->method, req->path, &m)) {
    case ROUTER_NOT_FOUND: respond_status(req, res, 404, "not_found", "no such page"); return;
    case ROUTER_BAD_METHOD:
        respond_status(req, res, 405, "method_not_allowed", "method not allowed here");
        res_header(res, "Allow", req_strdup(req, m.allow));
        return;
    case ROUTER_OK: break;
    }
    req->route = m.route;
    memcpy(req->params, m.params, sizeof m.params);
    req->n_params = m.n_params;
    /* 2. who is asking, and does the route let them in */
    if ((rc = auth_identify(req, res)) || (rc = auth_check_role(req, m.route->role))) {
        respond_error(req, res, rc);
        if (rc == TS_EAUTH && !is_api(req) && strcmp(req->method, "GET") == 0)
            login_redirect(req, res);
        return;
    }
    /* 3. a state change must come from our own pages or a token holder */
    if ((rc = auth_check_csrf(req))) {
        respond_error(req, res, rc);
        return;
    }
    /* 4. JSON body */
    if (m.route->flags & R_JSON) {
        json_error_t jerr;
        req->json = json_loadb(req->body.data ? req->body.data : "", req->body.len,
                               JSON_REJECT_DUPLICATES, &jerr);
        if (!req->json) {
            respond_status(req, res, 400, "invalid", req_printf(req, "body: %s", jerr.text));
            return;
        }
    }
    /* 5. handler, 6. errors */
    ts_err_clear(&req->err);
    rc = m.route->handler(req, res);
    if (rc != TS_OK)
        respond_error(req, res, rc);
}

static void finish(struct request *req, struct response *res)
{
    /* what a signed-in person sees is theirs: no shared cache may keep it */
    if (req->account && !res_header_get(res, "Cache-Control"))
        res_header(res, "Cache-Control", "private, no-store");
    response_finish(req, res);
}

void dispatch(struct request *req, struct response *res)
{
    if (!req->t)
        dispatch_choose_lang(req);
    run(req, res);
    catalog_read_end(req->read_tx);
    req->read_tx = NULL;
    finish(req, res);
}

void dispatch_replace_error(struct request *req, struct response *res, int rc,
                            const struct ts_err *err)
{
    response_clear(res);
    response_init(res);
    if (err)
        req->err = *err;
    respond_error(req, res, rc);
    finish(req, res);
}
