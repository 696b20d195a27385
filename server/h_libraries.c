/*
 * server/h_libraries.c - the libraries of the network: list by kind with
 * collection sizes and copy counts (copies in each library's custody: how
 * many, available, on loan, in transit; counts only, never who borrowed),
 * one library with the titles it holds (pages and API).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "handlers.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "views.h"

#define LIST_LIMIT_DEFAULT 100
#define LIST_LIMIT_MAX 1000
#define TITLES_PAGE 50
#define TITLES_PAGES_MAX 2000

static const char *library_url(struct request *req, const char *code)
{
    return req_printf(req, "/libraries/%s", req_urlencode(req, code));
}

static json_t *copies_json(const struct cat_library_stat *l)
{
    return json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)l->n_copies, "available",
                     (json_int_t)l->n_available, "on_loan", (json_int_t)l->n_on_loan, "in_transit",
                     (json_int_t)l->n_in_transit);
}

int h_api_libraries(struct request *req, struct response *res)
{
    struct cat_library_stat *libs = NULL;
    size_t n = 0, offset, limit, k = 0;
    json_t *list, *root;
    catalog *cat;
    int rc;

    if ((rc = req_arg_size(req, "offset", 0, SIZE_MAX / 2, &offset)) ||
        (rc = req_arg_size(req, "limit", LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, &limit)) ||
        (rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_libraries(cat, &libs, &n, &req->err)))
        return rc;
    if (limit == 0)
        limit = LIST_LIMIT_DEFAULT;
    list = json_array();
    for (size_t i = offset; i < n && k < limit; i++, k++)
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:s, s:I, s:o, s:s}", "code", libs[i].code, "name", libs[i].name,
                      "kind", libs[i].kind, "records", (json_int_t)libs[i].n_records, "copies",
                      copies_json(&libs[i]), "url",
                      req_printf(req, "/api/v1/libraries/%s", req_urlencode(req, libs[i].code))));
    root = json_pack("{s:o}", "libraries", list);
    if (root)
        view_paging(root, n, offset, limit, k);
    cat_library_stats_free(libs, n);
    return respond_json(res, 200, root);
}

int h_api_library(struct request *req, struct response *res)
{
    struct cat_library_stat lib;
    struct cat_record_brief *titles = NULL;
    size_t n = 0, offset, limit;
    int64_t total = 0;
    json_t *list, *root;
    catalog *cat;
    int rc;

    if ((rc = req_arg_size(req, "offset", 0, SIZE_MAX / 2, &offset)) ||
        (rc = req_arg_size(req, "limit", LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, &limit)) ||
        (rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_library(cat, req_param(req, 0), &lib, &req->err)))
        return rc;
    if (limit == 0)
        limit = LIST_LIMIT_DEFAULT;
    if ((rc = catalog_browse_library_records(cat, lib.id, offset, limit, &titles, &n, &total,
                                             &req->err))) {
        cat_library_stat_clear(&lib);
        return rc;
    }
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:s}", "id", (json_int_t)titles[i].id, "title", titles[i].title,
                      "url", req_printf(req, "/api/v1/records/%lld", (long long)titles[i].id)));
    root = json_pack("{s:s, s:s, s:s, s:I, s:o, s:o}", "code", lib.code, "name", lib.name, "kind",
                     lib.kind, "records", (json_int_t)lib.n_records, "copies", copies_json(&lib),
                     "titles", list);
    if (root)
        view_paging(root, (size_t)total, offset, limit, n);
    cat_library_stat_clear(&lib);
    cat_record_briefs_free(titles, n);
    return respond_json(res, 200, root);
}

int h_page_libraries(struct request *req, struct response *res)
{
    struct cat_library_stat *libs = NULL;
    size_t n = 0;
    json_t *groups, *group = NULL, *members = NULL;
    catalog *cat;
    int rc;

    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_libraries(cat, &libs, &n, &req->err)))
        return rc;
    groups = json_array();
    /* the list is ordered by kind: start a group when the kind changes */
    for (size_t i = 0; i < n; i++) {
        if (!group || strcmp(libs[i].kind, libs[i - 1].kind) != 0) {
            members = json_array();
            group = json_pack("{s:s, s:o}", "kind", view_label(req, "kinds_", libs[i].kind),
                              "libraries", members);
            json_array_append_new(groups, group);
        }
        json_array_append_new(members,
                              json_pack("{s:s, s:s, s:s, s:I, s:I}", "code", libs[i].code, "name",
                                        libs[i].name, "url", library_url(req, libs[i].code),
                                        "records", (json_int_t)libs[i].n_records, "copies",
                                        (json_int_t)libs[i].n_copies));
    }
    cat_library_stats_free(libs, n);
    return respond_page(req, res, 200, "libraries.html", req_t(req, "libraries_title"),
                        json_pack("{s:o, s:b}", "groups", groups, "empty", n == 0));
}

int h_page_library(struct request *req, struct response *res)
{
    struct cat_library_stat lib;
    struct cat_record_brief *titles = NULL;
    size_t n = 0, page;
    int64_t total = 0;
    json_t *list, *ctx;
    const char *title;
    catalog *cat;
    int rc;

    if ((rc = req_arg_size(req, "page", 1, TITLES_PAGES_MAX, &page)) ||
        (rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_library(cat, req_param(req, 0), &lib, &req->err)))
        return rc;
    if (page == 0)
        page = 1;
    if ((rc = catalog_browse_library_records(cat, lib.id, (page - 1) * TITLES_PAGE, TITLES_PAGE,
                                             &titles, &n, &total, &req->err))) {
        cat_library_stat_clear(&lib);
        return rc;
    }
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list,
                              json_pack("{s:s, s:s}", "title", titles[i].title, "url",
                                        req_printf(req, "/records/%lld", (long long)titles[i].id)));
    ctx = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:o}", "code", lib.code, "name",
                    lib.name, "kind", view_label(req, "kind_", lib.kind), "records",
                    (json_int_t)lib.n_records, "copies", (json_int_t)lib.n_copies, "available",
                    (json_int_t)lib.n_available, "on_loan", (json_int_t)lib.n_on_loan, "in_transit",
                    (json_int_t)lib.n_in_transit, "has_titles", n > 0, "titles", list);
    if (ctx && page > 1)
        json_object_set_new(
            ctx, "prev_url",
            json_string(page_url_with(req, "page", req_printf(req, "%zu", page - 1), NULL)));
    if (ctx && (page * TITLES_PAGE) < (size_t)total && page < TITLES_PAGES_MAX)
        json_object_set_new(
            ctx, "next_url",
            json_string(page_url_with(req, "page", req_printf(req, "%zu", page + 1), NULL)));
    title = req_strdup(req, lib.name);
    cat_library_stat_clear(&lib);
    cat_record_briefs_free(titles, n);
    return respond_page(req, res, 200, "library.html", title, ctx);
}
