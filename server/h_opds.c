/*
 * server/h_opds.c - the OPDS 1.2 catalogue for e-reader apps: a navigation
 * root, navigation feeds of types, libraries and languages, acquisition
 * feeds (newest records, by type, by library, by language, search results)
 * and the OpenSearch description that tells apps how to search.
 *
 * Every document is written with the XML writer (xmlout.h), so every value
 * is escaped by libxml2. Links are relative to the server (Atom resolves
 * them against the feed's URL) except the OpenSearch template, which is made
 * absolute from the Host header when that header is a plain host[:port].
 * Acquisition feeds page 50 entries at a time (`page`, from 1) with first /
 * previous / next / last links and the OpenSearch totals. An entry's
 * acquisition links are the record's digital files (/api/v1/files/{id});
 * a record with only paper copies has none and is still listed, with its
 * alternate link to the record page.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "views.h"
#include "xmlout.h"

#define PAGE_SIZE 50
#define BROWSE_PAGES_MAX 20000               /* 1,000,000 records deep */
#define SEARCH_PAGES_MAX (10000 / PAGE_SIZE) /* the indexer's deep-paging bound */
#define QUERY_MAX 512
#define VALUE_MAX 64 /* a type, language code or library code in the path */

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_DC "http://purl.org/dc/terms/"
#define NS_OPDS "http://opds-spec.org/2010/catalog"
#define NS_OS "http://a9.com/-/spec/opensearch/1.1/"
#define NS_THR "http://purl.org/syndication/thread/1.0"

#define TYPE_NAV "application/atom+xml;profile=opds-catalog;kind=navigation"
#define TYPE_ACQ "application/atom+xml;profile=opds-catalog;kind=acquisition"
#define TYPE_OSD "application/opensearchdescription+xml"

#define REL_ACQ_OPEN "http://opds-spec.org/acquisition/open-access"
#define REL_ACQ "http://opds-spec.org/acquisition"
#define REL_NEW "http://opds-spec.org/sort/new"

/* Feed titles: OPDS apps send no cookie, so ?lang=en is how to get English. */
enum { S_ROOT, S_NEW, S_TYPES, S_LIBRARIES, S_LANGS, S_SEARCH, S_RECORDS, S_SEARCH_DESC, N_S };
static const char *const strings[2][N_S] = {
    {"Tủ sách: danh mục OPDS", "Mới nhập", "Theo loại tài liệu", "Theo thư viện", "Theo ngôn ngữ",
     "Kết quả tìm kiếm", "biểu ghi", "Tìm trong tủ sách chung"},
    {"Tủ sách: OPDS catalogue", "Newest", "By resource type", "By library", "By language",
     "Search results", "records", "Search the shared bookcase"},
};

static const char *s_(const struct request *req, int key)
{
    return strings[req->lang == I18N_EN ? 1 : 0][key];
}

/* ---------------------------------------------------------------- feed */

static xmlout *feed_begin(struct request *req, const char *id, const char *title, int64_t updated,
                          const char *self, const char *self_type)
{
    xmlout *x = xo_new();

    xo_start(x, "feed");
    xo_attr(x, "xmlns", NS_ATOM);
    xo_attr(x, "xmlns:dc", NS_DC);
    xo_attr(x, "xmlns:opds", NS_OPDS);
    xo_attr(x, "xmlns:opensearch", NS_OS);
    xo_attr(x, "xmlns:thr", NS_THR);
    xo_attr(x, "xml:lang", i18n_lang_code(req->lang));
    xo_elem(x, "id", id);
    xo_elem(x, "title", title);
    xo_elem(x, "updated", view_iso_time(req, updated));
    xo_start(x, "author");
    xo_elem(x, "name", req_t(req, "site_name"));
    xo_elem(x, "uri", "/");
    xo_end(x);
    xo_start(x, "link");
    xo_attr(x, "rel", "self");
    xo_attr(x, "href", self);
    xo_attr(x, "type", self_type);
    xo_end(x);
    xo_start(x, "link");
    xo_attr(x, "rel", "start");
    xo_attr(x, "href", "/opds");
    xo_attr(x, "type", TYPE_NAV);
    xo_end(x);
    xo_start(x, "link");
    xo_attr(x, "rel", "search");
    xo_attr(x, "href", "/opds/opensearch.xml");
    xo_attr(x, "type", TYPE_OSD);
    xo_end(x);
    return x;
}

static void link_up(xmlout *x, const char *href)
{
    xo_start(x, "link");
    xo_attr(x, "rel", "up");
    xo_attr(x, "href", href);
    xo_attr(x, "type", TYPE_NAV);
    xo_end(x);
}

static int feed_finish(struct request *req, struct response *res, xmlout *x, const char *type)
{
    char *body;
    size_t len;
    int rc;

    xo_end(x); /* feed */
    if ((rc = xo_finish(x, &body, &len, &req->err)))
        return rc;
    res->flags |= RES_ETAG;
    return respond_body(res, 200, type, body, len);
}

/* A navigation entry pointing at a feed. */
static void nav_entry(struct request *req, xmlout *x, const char *id, const char *title,
                      const char *rel, const char *href, const char *href_type, int64_t count,
                      int64_t updated)
{
    xo_start(x, "entry");
    xo_elem(x, "title", title);
    xo_elem(x, "id", id);
    xo_elem(x, "updated", view_iso_time(req, updated));
    if (count >= 0) {
        xo_start(x, "content");
        xo_attr(x, "type", "text");
        xo_text(x, req_printf(req, "%lld %s", (long long)count, s_(req, S_RECORDS)));
        xo_end(x);
    }
    xo_start(x, "link");
    xo_attr(x, "rel", rel);
    xo_attr(x, "href", href);
    xo_attr(x, "type", href_type);
    if (count >= 0)
        xo_attrf(x, "thr:count", "%lld", (long long)count);
    xo_end(x);
    xo_end(x);
}

/* ---------------------------------------------------------------- entries */

/* One record as an acquisition entry; a record gone since it was listed is skipped. */
static int record_entry(struct request *req, xmlout *x, catalog *cat, int64_t id)
{
    struct cat_record *r = NULL;
    struct cat_file_info *files = NULL;
    size_t n_files = 0;
    int64_t created = 0, updated = 0;
    int rc;

    rc = catalog_record_get(cat, id, &r, &req->err);
    if (rc == TS_ENOTFOUND)
        return TS_OK;
    if (rc || (rc = catalog_browse_record_times(cat, id, &created, &updated, &req->err)) ||
        (rc = catalog_browse_files(cat, id, &files, &n_files, &req->err))) {
        cat_record_free(r);
        return rc;
    }
    xo_start(x, "entry");
    xo_elem(x, "title",
            r->subtitle && *r->subtitle ? req_printf(req, "%s: %s", r->title, r->subtitle)
                                        : r->title);
    xo_elem(x, "id", req_printf(req, "urn:tusach:record:%lld", (long long)id));
    xo_elem(x, "updated", view_iso_time(req, updated));
    xo_elem(x, "published", view_iso_time(req, created));
    for (size_t i = 0; i < r->n_author_list; i++) {
        const char *role = r->author_roles ? r->author_roles[i] : NULL;
        xo_start(x, !role || strcmp(role, "author") == 0 ? "author" : "contributor");
        xo_elem(x, "name", r->author_names[i]);
        xo_end(x);
    }
    xo_elem(x, "dc:language", r->language);
    xo_elem(x, "dc:publisher", r->publisher);
    xo_elem(x, "dc:issued", r->date);
    for (size_t i = 0; i < r->n_identifier_list; i++) {
        const char *v = r->identifier_list[i];
        if (strncmp(v, "isbn:", 5) == 0)
            xo_elem(x, "dc:identifier", req_printf(req, "urn:isbn:%s", v + 5));
        else if (strncmp(v, "issn:", 5) == 0)
            xo_elem(x, "dc:identifier", req_printf(req, "urn:issn:%s", v + 5));
    }
    if (r->resource_type) {
        xo_start(x, "category");
        xo_attr(x, "scheme", "urn:tusach:type");
        xo_attr(x, "term", r->resource_type);
        xo_attr(x, "label", view_label(req, "type_", r->resource_type));
        xo_end(x);
    }
    for (size_t i = 0; i < r->n_subject_list; i++) {
        xo_start(x, "category");
        xo_attr(x, "term", r->subject_list[i]);
        xo_attr(x, "label", r->subject_list[i]);
        xo_end(x);
    }
    if (r->description && *r->description) {
        xo_start(x, "summary");
        xo_attr(x, "type", "text");
        xo_text(x, r->description);
        xo_end(x);
    }
    xo_start(x, "link");
    xo_attr(x, "rel", "alternate");
    xo_attr(x, "type", "text/html");
    xo_attr(x, "href", req_printf(req, "/records/%lld", (long long)id));
    xo_end(x);
    for (size_t i = 0; i < n_files; i++) {
        const struct cat_file_info *f = &files[i];
        xo_start(x, "link");
        xo_attr(x, "rel", f->access && strcmp(f->access, "open") == 0 ? REL_ACQ_OPEN : REL_ACQ);
        xo_attr(x, "href", req_printf(req, "/api/v1/files/%lld", (long long)f->id));
        xo_attr(x, "type",
                f->media_type && *f->media_type ? f->media_type : "application/octet-stream");
        xo_attr(x, "title", f->name);
        xo_attrf(x, "length", "%lld", (long long)f->size);
        xo_end(x);
    }
    xo_end(x); /* entry */
    cat_file_infos_free(files, n_files);
    cat_record_free(r);
    return TS_OK;
}

/* first / previous / next / last and the OpenSearch totals. `base` ends in
 * '?' or '&' so that "page=N" can follow. */
static void paging(struct request *req, xmlout *x, const char *base, size_t page, size_t total,
                   size_t pages_max)
{
    size_t last = total ? (total + PAGE_SIZE - 1) / PAGE_SIZE : 1;
    const char *rels[] = {"first", "previous", "next", "last"};
    size_t pages[] = {1, page - 1, page + 1, last};

    if (last > pages_max)
        last = pages[3] = pages_max;
    for (int i = 0; i < 4; i++) {
        if ((i == 1 && page <= 1) || (i == 2 && page >= last))
            continue;
        xo_start(x, "link");
        xo_attr(x, "rel", rels[i]);
        xo_attr(x, "href", req_printf(req, "%spage=%zu", base, pages[i]));
        xo_attr(x, "type", TYPE_ACQ);
        xo_end(x);
    }
    xo_elemf(x, "opensearch:totalResults", "%zu", total);
    xo_elemf(x, "opensearch:itemsPerPage", "%d", PAGE_SIZE);
    xo_elemf(x, "opensearch:startIndex", "%zu", (page - 1) * PAGE_SIZE + 1);
}

static int page_arg(struct request *req, size_t max, size_t *page)
{
    int rc = req_arg_size(req, "page", 1, max, page);
    if (rc == TS_OK && *page == 0)
        *page = 1;
    return rc;
}

/* A path parameter naming a type, language or library: short and printable. */
static int value_param(struct request *req, const char *what, const char **out)
{
    const char *v = req_param(req, 0);

    *out = v;
    if (strlen(v) > VALUE_MAX)
        return ts_fail(&req->err, TS_EINVAL, "%s: at most %d bytes", what, VALUE_MAX);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return ts_fail(&req->err, TS_EINVAL, "%s: control character", what);
    return TS_OK;
}

/* An acquisition feed of the newest records matching `f`. */
static int browse_feed(struct request *req, struct response *res, const char *feed_id,
                       const char *title, const char *path, const char *up,
                       const struct cat_browse_filter *f)
{
    int64_t *ids = NULL, total = 0, updated = 0;
    size_t n = 0, page;
    catalog *cat;
    xmlout *x;
    int rc;

    if ((rc = page_arg(req, BROWSE_PAGES_MAX, &page)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_last_update(cat, &updated, &req->err)) ||
        (rc = catalog_browse_recent(cat, f, (page - 1) * PAGE_SIZE, PAGE_SIZE, &ids, &n, &total,
                                    &req->err)))
        return rc;
    x = feed_begin(req, feed_id, title, updated,
                   page > 1 ? req_printf(req, "%s?page=%zu", path, page) : path, TYPE_ACQ);
    link_up(x, up);
    paging(req, x, req_printf(req, "%s?", path), page, (size_t)total, BROWSE_PAGES_MAX);
    for (size_t i = 0; i < n && rc == TS_OK; i++)
        rc = record_entry(req, x, cat, ids[i]);
    free(ids);
    if (rc) {
        xo_free(x);
        return rc;
    }
    return feed_finish(req, res, x, TYPE_ACQ);
}

/* ---------------------------------------------------------------- handlers */

int h_opds_root(struct request *req, struct response *res)
{
    int64_t updated = 0, total = 0, *ids = NULL;
    size_t n = 0;
    catalog *cat;
    xmlout *x;
    int rc;

    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_last_update(cat, &updated, &req->err)) ||
        (rc = catalog_browse_recent(cat, NULL, 0, 0, &ids, &n, &total, &req->err)))
        return rc;
    free(ids);
    x = feed_begin(req, "urn:tusach:opds", s_(req, S_ROOT), updated, "/opds", TYPE_NAV);
    nav_entry(req, x, "urn:tusach:opds:new", s_(req, S_NEW), REL_NEW, "/opds/new", TYPE_ACQ, total,
              updated);
    nav_entry(req, x, "urn:tusach:opds:type", s_(req, S_TYPES), "subsection", "/opds/type",
              TYPE_NAV, -1, updated);
    nav_entry(req, x, "urn:tusach:opds:library", s_(req, S_LIBRARIES), "subsection",
              "/opds/library", TYPE_NAV, -1, updated);
    nav_entry(req, x, "urn:tusach:opds:lang", s_(req, S_LANGS), "subsection", "/opds/lang",
              TYPE_NAV, -1, updated);
    return feed_finish(req, res, x, TYPE_NAV);
}

int h_opds_new(struct request *req, struct response *res)
{
    return browse_feed(req, res, "urn:tusach:opds:new", s_(req, S_NEW), "/opds/new", "/opds", NULL);
}

/* Navigation feed over distinct values (types or languages). */
static int values_nav(struct request *req, struct response *res, int is_type)
{
    struct cat_value_count *v = NULL;
    size_t n = 0;
    int64_t updated = 0;
    catalog *cat;
    xmlout *x;
    int rc;

    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_last_update(cat, &updated, &req->err)) ||
        (rc = is_type ? catalog_browse_types(cat, &v, &n, &req->err)
                      : catalog_browse_languages(cat, &v, &n, &req->err)))
        return rc;
    x = feed_begin(req, is_type ? "urn:tusach:opds:type" : "urn:tusach:opds:lang",
                   s_(req, is_type ? S_TYPES : S_LANGS), updated,
                   is_type ? "/opds/type" : "/opds/lang", TYPE_NAV);
    link_up(x, "/opds");
    for (size_t i = 0; i < n; i++) {
        const char *enc = req_urlencode(req, v[i].value);
        nav_entry(req, x, req_printf(req, "urn:tusach:opds:%s:%s", is_type ? "type" : "lang", enc),
                  view_label(req, is_type ? "type_" : "lang_", v[i].value), "subsection",
                  req_printf(req, "/opds/%s/%s", is_type ? "type" : "lang", enc), TYPE_ACQ,
                  v[i].count, updated);
    }
    cat_value_counts_free(v, n);
    return feed_finish(req, res, x, TYPE_NAV);
}

int h_opds_types(struct request *req, struct response *res)
{
    return values_nav(req, res, 1);
}

int h_opds_langs(struct request *req, struct response *res)
{
    return values_nav(req, res, 0);
}

int h_opds_type(struct request *req, struct response *res)
{
    struct cat_browse_filter f = {0};
    const char *type, *enc;
    int rc;

    if ((rc = value_param(req, "type", &type)))
        return rc;
    f.type = type;
    enc = req_urlencode(req, type);
    return browse_feed(req, res, req_printf(req, "urn:tusach:opds:type:%s", enc),
                       view_label(req, "type_", type), req_printf(req, "/opds/type/%s", enc),
                       "/opds/type", &f);
}

int h_opds_lang(struct request *req, struct response *res)
{
    struct cat_browse_filter f = {0};
    const char *lang, *enc;
    int rc;

    if ((rc = value_param(req, "language", &lang)))
        return rc;
    f.language = lang;
    enc = req_urlencode(req, lang);
    return browse_feed(req, res, req_printf(req, "urn:tusach:opds:lang:%s", enc),
                       view_label(req, "lang_", lang), req_printf(req, "/opds/lang/%s", enc),
                       "/opds/lang", &f);
}

int h_opds_libraries(struct request *req, struct response *res)
{
    struct cat_library_stat *libs = NULL;
    size_t n = 0;
    int64_t updated = 0;
    catalog *cat;
    xmlout *x;
    int rc;

    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_last_update(cat, &updated, &req->err)) ||
        (rc = catalog_browse_libraries(cat, &libs, &n, &req->err)))
        return rc;
    x = feed_begin(req, "urn:tusach:opds:library", s_(req, S_LIBRARIES), updated, "/opds/library",
                   TYPE_NAV);
    link_up(x, "/opds");
    for (size_t i = 0; i < n; i++) {
        const char *enc = req_urlencode(req, libs[i].code);
        nav_entry(req, x, req_printf(req, "urn:tusach:opds:library:%s", enc), libs[i].name,
                  "subsection", req_printf(req, "/opds/library/%s", enc), TYPE_ACQ,
                  libs[i].n_records, updated);
    }
    cat_library_stats_free(libs, n);
    return feed_finish(req, res, x, TYPE_NAV);
}

int h_opds_library(struct request *req, struct response *res)
{
    struct cat_browse_filter f = {0};
    struct cat_library_stat lib;
    const char *code, *enc, *title;
    catalog *cat;
    int rc;

    if ((rc = value_param(req, "library", &code)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_library(cat, code, &lib, &req->err)))
        return rc;
    f.library_id = lib.id;
    title = req_strdup(req, lib.name);
    cat_library_stat_clear(&lib);
    enc = req_urlencode(req, code);
    return browse_feed(req, res, req_printf(req, "urn:tusach:opds:library:%s", enc), title,
                       req_printf(req, "/opds/library/%s", enc), "/opds/library", &f);
}

/* "http://host[:port]" from a Host header that is plainly a host name or an
 * address with an optional port; NULL otherwise (links stay relative). */
static const char *base_url(struct request *req)
{
    const char *h = req_header(req, "Host");
    size_t n;

    if (!h || !*h || (n = strlen(h)) > 255)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            return NULL;
    }
    return req_printf(req, "http://%s", h);
}

int h_opds_opensearch(struct request *req, struct response *res)
{
    const char *base = base_url(req);
    xmlout *x = xo_new();
    char *body;
    size_t len;
    int rc;

    xo_start(x, "OpenSearchDescription");
    xo_attr(x, "xmlns", NS_OS);
    xo_elem(x, "ShortName", req_t(req, "site_name"));
    xo_elem(x, "Description", s_(req, S_SEARCH_DESC));
    xo_elem(x, "InputEncoding", "UTF-8");
    xo_elem(x, "OutputEncoding", "UTF-8");
    xo_elem(x, "Language", i18n_lang_code(req->lang));
    xo_start(x, "Url");
    xo_attr(x, "type", TYPE_ACQ);
    xo_attr(x, "template",
            req_printf(req, "%s/opds/search?q={searchTerms}&page={startPage?}", base ? base : ""));
    xo_end(x);
    xo_start(x, "Url");
    xo_attr(x, "type", "text/html");
    xo_attr(x, "template",
            req_printf(req, "%s/search?q={searchTerms}&page={startPage?}", base ? base : ""));
    xo_end(x);
    xo_end(x);
    if ((rc = xo_finish(x, &body, &len, &req->err)))
        return rc;
    res->flags |= RES_ETAG;
    return respond_body(res, 200, TYPE_OSD, body, len);
}

int h_opds_search(struct request *req, struct response *res)
{
    const char *q = req_arg(req, "q");
    struct ix_results *r = NULL;
    struct ix_query iq;
    size_t page;
    int64_t updated = 0;
    const char *enc, *path;
    catalog *cat;
    indexer *ix;
    xmlout *x;
    int rc;

    if (!q || !*q)
        return ts_fail(&req->err, TS_EINVAL, "q: the query is empty");
    if (strlen(q) > QUERY_MAX)
        return ts_fail(&req->err, TS_EINVAL, "q: the query is longer than %d bytes", QUERY_MAX);
    if ((rc = page_arg(req, SEARCH_PAGES_MAX, &page)) || (rc = view_catalog(req, &cat)) ||
        (rc = view_indexer(req, &ix)) ||
        (rc = catalog_browse_last_update(cat, &updated, &req->err)))
        return rc;
    memset(&iq, 0, sizeof iq);
    iq.text = q;
    iq.offset = (page - 1) * PAGE_SIZE;
    iq.limit = PAGE_SIZE;
    iq.snippet_chars = 1; /* the feed shows no snippet */
    rc = indexer_search(ix, &iq, &r, &req->err);
    if (rc == TS_EINVAL) { /* nothing searchable in q (only punctuation) */
        ix_results_free(r);
        r = NULL;
        rc = TS_OK;
    }
    if (rc)
        return rc;
    enc = req_urlencode(req, q);
    path = req_printf(req, "/opds/search?q=%s", enc);
    x = feed_begin(req, req_printf(req, "urn:tusach:opds:search:%s", enc), s_(req, S_SEARCH),
                   updated, page > 1 ? req_printf(req, "%s&page=%zu", path, page) : path, TYPE_ACQ);
    link_up(x, "/opds");
    xo_start(x, "opensearch:Query");
    xo_attr(x, "role", "request");
    xo_attr(x, "searchTerms", q);
    xo_attrf(x, "startPage", "%zu", page);
    xo_end(x);
    paging(req, x, req_printf(req, "%s&", path), page, r ? r->total : 0, SEARCH_PAGES_MAX);
    for (size_t i = 0; r && i < r->n_hits && rc == TS_OK; i++)
        rc = record_entry(req, x, cat, r->hits[i].record_id);
    ix_results_free(r);
    if (rc) {
        xo_free(x);
        return rc;
    }
    return feed_finish(req, res, x, TYPE_ACQ);
}
