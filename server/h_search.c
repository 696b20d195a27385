/*
 * server/h_search.c - the home page, the search page, and the search and
 * suggest API.
 *
 * Time budget: the indexer takes no deadline, so a request's cost is bounded
 * by its size instead: queries of at most 512 bytes, at most 50 hits per
 * page, offsets up to 10,000 (deep paging is what makes Xapian slow). The
 * access log flags any request slower than cfg.slow_ms at WARN.
 * Snippets come from the indexer already HTML-escaped with <mark> around the
 * matched words, which is what makes them a trusted fragment for {{{ }}}.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "holdings.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "tmpl.h"
#include "views.h"

#define QUERY_MAX 512
#define API_LIMIT_DEFAULT 10
#define API_LIMIT_MAX 50
#define OFFSET_MAX 10000
#define PAGE_SIZE 10
#define PAGE_MAX (OFFSET_MAX / PAGE_SIZE)
#define SUGGEST_MAX 20

struct search_in {
    const char *q, *library, *language, *type, *available_at, *year;
    size_t offset, limit;
};

static int check_query(struct request *req, const char *q)
{
    if (!q || !*q)
        return ts_fail(&req->err, TS_EINVAL, "q: the query is empty");
    if (strlen(q) > QUERY_MAX)
        return ts_fail(&req->err, TS_EINVAL, "q: the query is longer than %d bytes", QUERY_MAX);
    return TS_OK;
}

/* The filters both the API and the page take: available_at (a library code)
 * and year (digits). Unknown library codes simply match nothing. */
static int check_filters(struct request *req, struct search_in *in)
{
    in->available_at = req_arg_nonempty(req, "available_at");
    in->year = req_arg_nonempty(req, "year");
    if (in->year) {
        size_t n = strlen(in->year);
        if (n > 6 || strspn(in->year, "0123456789") != n)
            return ts_fail(&req->err, TS_EINVAL, "year: a year is up to 6 digits");
    }
    if (in->available_at && strlen(in->available_at) > 64)
        return ts_fail(&req->err, TS_EINVAL, "available_at: not a library code");
    return TS_OK;
}

/* Search through the process's result cache (views.c): only the index's
 * answer is cached; the handlers below read titles, authors and availability
 * from the catalogue for every hit on every request. X-Search-Cache says
 * which it was (hit, miss; absent when the cache is off). */
static int run_search(struct request *req, struct response *res, const struct search_in *in,
                      struct ix_results **out)
{
    ix_cache *cache = view_search_cache(req);
    struct ix_query q;
    indexer *ix;
    int rc, hit = 0;

    *out = NULL;
    memset(&q, 0, sizeof q);
    q.text = in->q;
    q.library = in->library;
    q.language = in->language;
    q.type = in->type;
    q.available_at = in->available_at;
    q.year = in->year;
    q.offset = in->offset;
    q.limit = in->limit;
    q.hi_start = "<mark>";
    q.hi_end = "</mark>";
    q.escape_html = 1;
    q.snippet_chars = 200;
    if ((rc = view_indexer(req, &ix)) ||
        (rc = indexer_search_cached(ix, cache, &q, out, &hit, &req->err)))
        return rc;
    if (cache)
        res_header(res, "X-Search-Cache", hit ? "hit" : "miss");
    return TS_OK;
}

static const char *section_url(struct request *req, int64_t id, const char *path)
{
    return req_printf(req, "/records/%lld/read?section=%s", (long long)id,
                      req_urlencode(req, path));
}

/* ---------------------------------------------------------------- API */

static json_t *facets_json(const struct ix_results *r)
{
    json_t *all = json_object();

    for (size_t f = 0; f < sizeof r->facets / sizeof r->facets[0]; f++) {
        json_t *list = json_array();
        if (!r->facets[f].name) {
            json_decref(list);
            continue;
        }
        for (size_t i = 0; i < r->facets[f].n_values; i++)
            json_array_append_new(list,
                                  json_pack("{s:s, s:I}", "value", r->facets[f].values[i].value,
                                            "count", (json_int_t)r->facets[f].values[i].count));
        json_object_set_new(all, r->facets[f].name, list);
    }
    return all;
}

/* Per library holding the record: copies by status and digital files. */
static json_t *libraries_json(struct request *req, catalog *cat, const struct cat_record *rec)
{
    struct holdings hs;
    if (!rec || holdings_load(req, cat, rec, NULL, &hs))
        return json_array();
    return holdings_json(req, &hs, 0);
}

int h_api_search(struct request *req, struct response *res)
{
    struct search_in in = {0};
    struct ix_results *r = NULL;
    json_t *root = NULL, *hits;
    catalog *cat;
    int rc;

    in.q = req_arg(req, "q");
    in.library = req_arg_nonempty(req, "library");
    in.language = req_arg_nonempty(req, "lang");
    in.type = req_arg_nonempty(req, "type");
    if ((rc = check_query(req, in.q)) || (rc = check_filters(req, &in)) ||
        (rc = req_arg_size(req, "offset", 0, OFFSET_MAX, &in.offset)) ||
        (rc = req_arg_size(req, "limit", API_LIMIT_DEFAULT, API_LIMIT_MAX, &in.limit)))
        return rc;
    if (in.limit == 0)
        in.limit = API_LIMIT_DEFAULT;
    if ((rc = view_catalog(req, &cat)) || (rc = run_search(req, res, &in, &r)))
        goto out;
    hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++) {
        const struct ix_hit *h = &r->hits[i];
        struct cat_record *rec = NULL;
        json_t *section = json_null();
        catalog_record_brief(cat, h->record_id, &rec, NULL);
        if (h->section_path || h->section_title)
            section = json_pack("{s:s?, s:s?}", "title", h->section_title, "path", h->section_path);
        json_array_append_new(
            hits, json_pack("{s:I, s:s?, s:o, s:s?, s:s?, s:s?, s:o, s:o, s:f}", "id",
                            (json_int_t)h->record_id, "title", rec ? rec->title : h->title,
                            "authors", view_split(rec ? rec->authors : NULL, ";"), "type",
                            rec ? rec->resource_type : NULL, "language", rec ? rec->language : NULL,
                            "snippet", h->snippet, "section", section, "libraries",
                            libraries_json(req, cat, rec), "score", h->weight));
        cat_record_free(rec);
    }
    /* "estimated": total and facet counts were extrapolated by the index (a
     * query matching very many documents; indexer.h, ix_results.exact) */
    root = json_pack("{s:s, s:o, s:o, s:s?, s:b}", "query", in.q, "hits", hits, "facets",
                     facets_json(r), "did_you_mean", r->did_you_mean, "estimated", !r->exact);
    if (root)
        view_paging(root, r->total, in.offset, in.limit, r->n_hits);
    rc = respond_json(res, 200, root);
    root = NULL;
out:
    json_decref(root);
    ix_results_free(r);
    return rc;
}

int h_api_suggest(struct request *req, struct response *res)
{
    const char *q = req_arg(req, "q");
    char **titles = NULL;
    size_t n = 0, limit;
    indexer *ix;
    json_t *list;
    int rc;

    if ((rc = check_query(req, q)) || (rc = req_arg_size(req, "limit", 8, SUGGEST_MAX, &limit)) ||
        (rc = view_indexer(req, &ix)) ||
        (rc = indexer_suggest(ix, q, limit ? limit : 8, &titles, &n, &req->err)))
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_string(titles[i]));
        free(titles[i]);
    }
    free(titles);
    return respond_json(res, 200, json_pack("{s:s, s:o}", "query", q, "suggestions", list));
}

/* -------------------------------------------------------------- pages */

int h_page_home(struct request *req, struct response *res)
{
    struct cat_library *libs = NULL;
    size_t n_libs = 0;
    catalog *cat;
    int64_t n_records;
    int rc;

    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_library_list(cat, &libs, &n_libs, &req->err)))
        return rc;
    cat_library_list_free(libs, n_libs);
    n_records = catalog_record_count(cat);
    return respond_page(
        req, res, 200, "home.html", req_t(req, "site_name"),
        json_pack("{s:I, s:I}", "records", (json_int_t)n_records, "libraries", (json_int_t)n_libs));
}

/* Facet block for the page: values as links that set (or clear) a filter. */
/* A count for the page: "≈1,234"-style marking when the index estimated it. */
static json_t *count_page(struct request *req, size_t n, int exact)
{
    if (exact)
        return json_integer((json_int_t)n);
    return json_string(req_printf(req, "\xE2\x89\x88%zu", n)); /* ≈ */
}

static json_t *facet_page(struct request *req, const struct ix_facet *f, const char *arg,
                          const char *label_prefix, const char *current, int exact)
{
    json_t *values = json_array();

    for (size_t i = 0; i < f->n_values; i++) {
        const char *v = f->values[i].value;
        int active = current && strcmp(current, v) == 0;
        const char *label = strcmp(arg, "library") == 0 ? view_library_name(req, v)
                            : strcmp(arg, "year") == 0  ? v
                                                        : view_label(req, label_prefix, v);
        json_array_append_new(values, json_pack("{s:s, s:o, s:s, s:b}", "label", label, "count",
                                                count_page(req, f->values[i].count, exact), "url",
                                                page_url_with(req, arg, active ? NULL : v, "page"),
                                                "active", active));
    }
    return json_pack("{s:s, s:o}", "title", req_t(req, req_printf(req, "facet_%s", f->name)),
                     "values", values);
}

/* The page's filter argument for a facet; NULL for facets the page does not offer. */
static const char *facet_arg(const char *name)
{
    if (strcmp(name, "language") == 0 || strcmp(name, "type") == 0 ||
        strcmp(name, "library") == 0 || strcmp(name, "year") == 0)
        return name;
    return NULL;
}

static json_t *hit_page(struct request *req, catalog *cat, const struct ix_hit *h, const char *mine)
{
    struct cat_record *rec = NULL;
    struct holdings hs = {0};
    json_t *libs, *o;

    catalog_record_brief(cat, h->record_id, &rec, NULL);
    if (rec)
        holdings_load(req, cat, rec, mine, &hs);
    libs = holdings_page(req, &hs, 0);
    o = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s, s:o, s:b, s:o}", "id", (json_int_t)h->record_id,
                  "url", req_printf(req, "/records/%lld", (long long)h->record_id), "title",
                  rec && rec->title ? rec->title : (h->title ? h->title : "?"), "authors",
                  rec ? rec->authors : NULL, "type",
                  view_label(req, "type_", rec ? rec->resource_type : NULL), "language",
                  view_label(req, "lang_", rec ? rec->language : NULL), "snippet",
                  tmpl_trusted(h->snippet), "has_libraries", json_array_size(libs) > 0, "libraries",
                  libs);
    if (o && h->section_path)
        json_object_set_new(o, "section",
                            json_pack("{s:s, s:s}", "title",
                                      h->section_title ? h->section_title : h->section_path, "url",
                                      section_url(req, h->record_id, h->section_path)));
    cat_record_free(rec);
    return o;
}

/* The "my library" selector: every library, the reader's one selected. */
static json_t *library_options(struct request *req, const char *mine)
{
    json_t *a = json_array();

    view_library_name(req, ""); /* loads the request's library list */
    for (size_t i = 0; i < req->n_libs; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code", req->libs[i].code, "name",
                                           req->libs[i].name, "selected",
                                           mine && strcmp(mine, req->libs[i].code) == 0));
    return a;
}

static json_t *filter_chip(struct request *req, const char *label, const char *arg)
{
    return json_pack("{s:s, s:s}", "label", label, "url", page_url_with(req, arg, NULL, "page"));
}

int h_page_search(struct request *req, struct response *res)
{
    struct search_in in = {0};
    struct ix_results *r = NULL;
    json_t *ctx, *hits, *facets, *filters;
    const char *mine;
    size_t page;
    catalog *cat;
    int rc;

    if (req_arg(req, "my_library")) {
        /* the selector's form: remember the choice, then show the same search without it */
        if ((rc = respond_redirect(req, res, 303, page_url_with(req, "my_library", NULL, NULL))))
            return rc;
        my_library_remember(req, res);
        return TS_OK;
    }
    in.q = req_arg(req, "q");
    in.library = req_arg_nonempty(req, "library");
    in.language = req_arg_nonempty(req, "language");
    in.type = req_arg_nonempty(req, "type");
    if ((rc = check_filters(req, &in)) || (rc = req_arg_size(req, "page", 1, PAGE_MAX, &page)))
        return rc;
    if (page == 0)
        page = 1;
    mine = my_library(req);
    ctx = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "q", in.q ? in.q : "", "library",
                    in.library ? in.library : "", "language", in.language ? in.language : "",
                    "type", in.type ? in.type : "", "year", in.year ? in.year : "", "available_at",
                    in.available_at ? in.available_at : "", "library_options",
                    library_options(req, mine));
    if (ctx && mine)
        json_object_set_new(ctx, "my_library",
                            json_pack("{s:s, s:s, s:b, s:s, s:s}", "code", mine, "name",
                                      view_library_name(req, mine), "available_here",
                                      in.available_at && strcmp(in.available_at, mine) == 0,
                                      "on_url", page_url_with(req, "available_at", mine, "page"),
                                      "off_url", page_url_with(req, "available_at", NULL, "page")));
    if (!in.q || !*in.q)
        return respond_page(req, res, 200, "search.html", req_t(req, "search_title"), ctx);
    if ((rc = check_query(req, in.q)))
        goto fail;
    in.offset = (page - 1) * PAGE_SIZE;
    in.limit = PAGE_SIZE;
    if ((rc = view_catalog(req, &cat)) || (rc = run_search(req, res, &in, &r)))
        goto fail;
    hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++)
        json_array_append_new(hits, hit_page(req, cat, &r->hits[i], mine));
    facets = json_array();
    for (size_t f = 0; f < sizeof r->facets / sizeof r->facets[0]; f++) {
        const char *arg, *current;
        if (!r->facets[f].name || !r->facets[f].n_values)
            continue;
        if (!(arg = facet_arg(r->facets[f].name)))
            continue;
        current = strcmp(arg, "type") == 0       ? in.type
                  : strcmp(arg, "language") == 0 ? in.language
                  : strcmp(arg, "year") == 0     ? in.year
                                                 : in.library;
        json_array_append_new(facets, facet_page(req, &r->facets[f], arg,
                                                 strcmp(arg, "type") == 0 ? "type_" : "lang_",
                                                 current, r->exact));
    }
    filters = json_array();
    if (in.library)
        json_array_append_new(filters,
                              filter_chip(req, view_library_name(req, in.library), "library"));
    if (in.available_at)
        json_array_append_new(filters,
                              filter_chip(req,
                                          req_printf(req, "%s %s", req_t(req, "available_at_label"),
                                                     view_library_name(req, in.available_at)),
                                          "available_at"));
    if (in.type)
        json_array_append_new(filters, filter_chip(req, view_label(req, "type_", in.type), "type"));
    if (in.language)
        json_array_append_new(filters,
                              filter_chip(req, view_label(req, "lang_", in.language), "language"));
    if (in.year)
        json_array_append_new(
            filters,
            filter_chip(req, req_printf(req, "%s %s", req_t(req, "year_label"), in.year), "year"));
    json_object_set_new(ctx, "searched", json_true());
    json_object_set_new(ctx, "total", count_page(req, r->total, r->exact));
    json_object_set_new(ctx, "from", json_integer((json_int_t)(in.offset + (r->n_hits ? 1 : 0))));
    json_object_set_new(ctx, "to", json_integer((json_int_t)(in.offset + r->n_hits)));
    json_object_set_new(ctx, "has_hits", json_boolean(json_array_size(hits) > 0));
    json_object_set_new(ctx, "has_facets", json_boolean(json_array_size(facets) > 0));
    json_object_set_new(ctx, "has_filters", json_boolean(json_array_size(filters) > 0));
    json_object_set_new(ctx, "hits", hits);
    json_object_set_new(ctx, "facets", facets);
    json_object_set_new(ctx, "filters", filters);
    if (r->did_you_mean)
        json_object_set_new(ctx, "did_you_mean",
                            json_pack("{s:s, s:s}", "text", r->did_you_mean, "url",
                                      page_url_with(req, "q", r->did_you_mean, "page")));
    if (page > 1)
        json_object_set_new(
            ctx, "prev_url",
            json_string(page_url_with(req, "page", req_printf(req, "%zu", page - 1), NULL)));
    if (in.offset + r->n_hits < r->total && page < PAGE_MAX)
        json_object_set_new(
            ctx, "next_url",
            json_string(page_url_with(req, "page", req_printf(req, "%zu", page + 1), NULL)));
    json_object_set_new(ctx, "page", json_integer((json_int_t)page));
    ix_results_free(r);
    return respond_page(req, res, 200, "search.html",
                        req_printf(req, "%s – %s", in.q, req_t(req, "search_title")), ctx);
fail:
    json_decref(ctx);
    ix_results_free(r);
    return rc;
}
