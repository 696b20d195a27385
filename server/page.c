/*
 * server/page.c - a page is its template rendered inside layout.html (see page.h).
 *
 * Rendering happens in two passes so the layout (header, language switch,
 * footer) exists once: the body's output is a fragment made by tmpl_render,
 * which is exactly what {{{body}}} may insert raw.
 */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "auth.h"
#include "circ.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "tmpl.h"
#include "ts_log.h"

#define PAGE_MAX (8u << 20)

const char *page_asset_url(struct request *req, const char *name)
{
    struct asset_ref ref;
    const char *dot = strrchr(name, '.'), *url;

    if (assets_get(req->srv->assets, ASSET_STATIC, name, &ref, NULL) || !dot)
        return req_printf(req, "/static/%s", name);
    url = req_printf(req, "/static/%.*s.%s%s", (int)(dot - name), name, ref.hash, dot);
    asset_release(&ref);
    return url;
}

const char *page_url_with(struct request *req, const char *key, const char *value, const char *drop)
{
    struct ts_buf b;
    const char *url;
    char sep = '?';

    ts_buf_init(&b, 0);
    ts_buf_add(&b, req->path);
    for (size_t i = 0; i < req->n_args; i++) {
        const char *k = req->args[i].key;
        if (strcmp(k, key) == 0 || (drop && strcmp(k, drop) == 0) || !*req->args[i].value)
            continue;
        ts_buf_addf(&b, "%c%s=%s", sep, req_urlencode(req, k),
                    req_urlencode(req, req->args[i].value));
        sep = '&';
    }
    if (value)
        ts_buf_addf(&b, "%c%s=%s", sep, req_urlencode(req, key), req_urlencode(req, value));
    url = req_strdup(req, ts_buf_str(&b));
    ts_buf_free(&b);
    return url;
}

/* Render templates/<name> with ctx into out. */
static int render(struct request *req, const char *name, json_t *ctx, struct ts_buf *out)
{
    struct asset_ref ref;
    int rc;

    if ((rc = assets_get(req->srv->assets, ASSET_TEMPLATE, name, &ref, &req->err)))
        return rc == TS_ENOTFOUND ? TS_EINTERNAL : rc; /* a missing template is our bug */
    rc = tmpl_render(ref.bytes, ref.len, ctx, req->t, out, &req->err);
    if (rc)
        ts_err_prefix(&req->err, "%s: ", name);
    asset_release(&ref);
    return rc;
}

/* The language switch link: this page in the other language. A page that
 * answered a form (POST) cannot be fetched again by a link, so there the
 * switch leads to the same path when it has a GET route, else home. */
static const char *switch_url(struct request *req, enum i18n_lang other)
{
    struct route_match m;

    if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
        return page_url_with(req, "lang", i18n_lang_code(other), NULL);
    if (router_match(server_routes, server_n_routes, "GET", req->path, &m) == ROUTER_OK)
        return req_printf(req, "%s?lang=%s", req->path, i18n_lang_code(other));
    return req_printf(req, "/?lang=%s", i18n_lang_code(other));
}

/* The signed-in person for the page header: name, where their work is, and
 * the logout form's CSRF token. */
static json_t *page_user(struct request *req)
{
    const struct cat_account *a = req->account;
    int reader = auth_rank(req) == ROLE_READER;

    return json_pack("{s:s, s:b, s:b, s:s}", "name", a->name && *a->name ? a->name : a->login,
                     "reader", reader, "staff", !reader, "csrf", auth_csrf(req));
}

int respond_page(struct request *req, struct response *res, int status, const char *tmpl,
                 const char *title, json_t *ctx)
{
    enum i18n_lang other = req->lang == I18N_VI ? I18N_EN : I18N_VI;
    struct ts_buf body, page;
    json_t *layout = NULL;
    int rc;

    ts_buf_init(&body, PAGE_MAX);
    ts_buf_init(&page, PAGE_MAX);
    if (!ctx)
        return ts_fail(&req->err, TS_EINTERNAL, "page %s: no context", tmpl);
    if ((rc = render(req, tmpl, ctx, &body)))
        goto out;
    layout = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "lang",
                       i18n_lang_code(req->lang), "title", title ? title : "", "body",
                       tmpl_trusted(ts_buf_str(&body)), "css", page_asset_url(req, "app.css"), "js",
                       page_asset_url(req, "app.js"), "icon", page_asset_url(req, "icon.svg"),
                       "switch_url", switch_url(req, other), "switch_lang", i18n_lang_code(other),
                       "switch_label",
                       i18n_get(req->srv->strings[other], "lang_name")
                           ? i18n_get(req->srv->strings[other], "lang_name")
                           : i18n_lang_code(other));
    if (layout && req->account)
        json_object_set_new(layout, "user", page_user(req));
    if (!layout) {
        rc = ts_fail(&req->err, TS_EINTERNAL, "page %s: layout context", tmpl);
        goto out;
    }
    if ((rc = render(req, "layout.html", layout, &page)))
        goto out;
    {
        size_t len = page.len;
        respond_body(res, status, "text/html; charset=utf-8", ts_buf_take(&page), len);
    }
    res->flags |= RES_HTML | RES_ETAG;
    res_header(res, "Vary", "Cookie");
    if (req->lang_from_arg)
        res_header(res, "Set-Cookie",
                   req->lang == I18N_EN ? "lang=en; Path=/; Max-Age=31536000; SameSite=Lax"
                                        : "lang=vi; Path=/; Max-Age=31536000; SameSite=Lax");
out:
    json_decref(ctx);
    json_decref(layout);
    ts_buf_free(&body);
    ts_buf_free(&page);
    return rc;
}
