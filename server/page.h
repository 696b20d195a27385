/*
 * server/page.h - server-rendered HTML pages: a body template inside the layout.
 */
#ifndef TS_PAGE_H
#define TS_PAGE_H

#include <jansson.h>

struct request;
struct response;

/*
 * Render templates/<tmpl> with `ctx` (stolen), put it into layout.html with
 * the page title `title` (plain text; escaped by the template), the language
 * switch link and the asset URLs, and make it the response: text/html with
 * the security headers and an ETag. Sets the lang cookie when the request
 * chose a language with ?lang=. Returns TS_OK or the rendering error.
 */
int respond_page(struct request *req, struct response *res, int status, const char *tmpl,
                 const char *title, json_t *ctx);

/* URL of a static asset with its cache id: "/static/app.3f9a1c0b2d4e.css"
 * (arena string); the plain "/static/<name>" if it is unknown. */
const char *page_asset_url(struct request *req, const char *name);

/* The current URL (path and query) with argument `key` set to `value` (NULL:
 * removed) and `drop` (NULL ok) removed too; arena string. For facet, paging
 * and language links. */
const char *page_url_with(struct request *req, const char *key, const char *value,
                          const char *drop);

#endif
