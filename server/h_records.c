/*
 * server/h_records.c - one record: its page, its JSON, its holdings ("items").
 *
 * Holdings are digital for now (a library holds a file of the record);
 * physical items join /api/v1/records/{id}/items when the item table lands
 * (issue 3) without changing the shape: every entry has a "kind".
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

#define ITEMS_LIMIT_DEFAULT 100
#define ITEMS_LIMIT_MAX 1000

struct record_view {
    struct cat_record *rec;
    struct cat_file_info *files;
    size_t n_files;
    struct cat_holding *holdings;
    size_t n_holdings;
    int64_t created, updated;
};

static void record_view_free(struct record_view *v)
{
    cat_record_free(v->rec);
    cat_file_infos_free(v->files, v->n_files);
    cat_holdings_free(v->holdings, v->n_holdings);
}

static int record_view_load(struct request *req, struct record_view *v)
{
    catalog *cat;
    int64_t id;
    int rc;

    memset(v, 0, sizeof *v);
    if ((rc = req_param_id(req, 0, &id)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_record_get(cat, id, &v->rec, &req->err)) ||
        (rc = catalog_browse_files(cat, id, &v->files, &v->n_files, &req->err)) ||
        (rc = catalog_browse_holdings(cat, id, &v->holdings, &v->n_holdings, &req->err)) ||
        (rc = catalog_browse_record_times(cat, id, &v->created, &v->updated, &req->err)))
        record_view_free(v);
    return rc;
}

static const char *file_api_url(struct request *req, int64_t file_id)
{
    return req_printf(req, "/api/v1/files/%lld", (long long)file_id);
}

int h_api_record_get(struct request *req, struct response *res)
{
    struct record_view v;
    json_t *files, *libs, *root;
    int rc;

    if ((rc = record_view_load(req, &v)))
        return rc;
    files = json_array();
    for (size_t i = 0; i < v.n_files; i++) {
        const struct cat_file_info *f = &v.files[i];
        json_array_append_new(files, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s?, s:s}", "id",
                                               (json_int_t)f->id, "name", f->name, "format",
                                               f->format, "media_type", f->media_type, "size",
                                               (json_int_t)f->size, "sha256", f->sha256, "encoding",
                                               f->encoding, "url", file_api_url(req, f->id)));
    }
    libs = json_array();
    for (size_t i = 0; i < v.n_holdings; i++) {
        /* one entry per library, however many of the record's files it holds */
        if (i && strcmp(v.holdings[i].library_code, v.holdings[i - 1].library_code) == 0)
            continue;
        json_array_append_new(libs, json_pack("{s:s, s:s, s:s}", "code", v.holdings[i].library_code,
                                              "name", v.holdings[i].library_name, "kind",
                                              v.holdings[i].library_kind));
    }
    root = json_pack(
        "{s:I, s:s, s:o, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:o, s:s, s:s}",
        "id", (json_int_t)v.rec->id, "title", v.rec->title, "authors",
        view_split(v.rec->authors, ";"), "language", v.rec->language, "publisher", v.rec->publisher,
        "date", v.rec->date, "year",
        v.rec->year ? json_integer((json_int_t)v.rec->year) : json_null(), "description",
        v.rec->description, "type", v.rec->resource_type, "licence", v.rec->licence, "subjects",
        view_split(v.rec->subjects, ";"), "identifiers", view_identifiers(v.rec->identifiers),
        "files", files, "libraries", libs, "created", view_iso_time(req, v.created), "updated",
        view_iso_time(req, v.updated));
    record_view_free(&v);
    if ((rc = respond_json(res, 200, root)))
        return ts_fail(&req->err, rc, "record json");
    res->flags |= RES_ETAG;
    return TS_OK;
}

int h_api_record_items(struct request *req, struct response *res)
{
    struct record_view v;
    size_t offset, limit, n = 0;
    json_t *items, *root;
    int rc;

    if ((rc = req_arg_size(req, "offset", 0, SIZE_MAX / 2, &offset)) ||
        (rc = req_arg_size(req, "limit", ITEMS_LIMIT_DEFAULT, ITEMS_LIMIT_MAX, &limit)) ||
        (rc = record_view_load(req, &v)))
        return rc;
    if (limit == 0)
        limit = ITEMS_LIMIT_DEFAULT;
    items = json_array();
    for (size_t i = offset; i < v.n_holdings && n < limit; i++, n++) {
        const struct cat_holding *h = &v.holdings[i];
        json_array_append_new(
            items, json_pack("{s:s, s:{s:s, s:s, s:s}, s:I, s:s, s:s}", "kind", "digital",
                             "library", "code", h->library_code, "name", h->library_name, "kind",
                             h->library_kind, "file_id", (json_int_t)h->file_id, "file_url",
                             file_api_url(req, h->file_id), "status", "available"));
    }
    root = json_pack("{s:I, s:o}", "record_id", (json_int_t)v.rec->id, "items", items);
    if (root)
        view_paging(root, v.n_holdings, offset, limit, n);
    record_view_free(&v);
    return respond_json(res, 200, root);
}

static void field(struct request *req, json_t *list, const char *key, const char *value)
{
    if (value && *value)
        json_array_append_new(list,
                              json_pack("{s:s, s:s}", "label", req_t(req, key), "value", value));
}

int h_page_record(struct request *req, struct response *res)
{
    struct record_view v;
    json_t *fields, *files, *libs, *ctx;
    const char *title;
    int rc;

    if ((rc = record_view_load(req, &v)))
        return rc;
    fields = json_array();
    field(req, fields, "field_authors", v.rec->authors);
    field(req, fields, "field_publisher", v.rec->publisher);
    field(req, fields, "field_date", v.rec->date);
    field(req, fields, "field_language", view_label(req, "lang_", v.rec->language));
    field(req, fields, "field_type", view_label(req, "type_", v.rec->resource_type));
    field(req, fields, "field_subjects", v.rec->subjects);
    field(req, fields, "field_identifiers", v.rec->identifiers);
    field(req, fields, "field_licence", v.rec->licence);
    files = json_array();
    for (size_t i = 0; i < v.n_files; i++) {
        const struct cat_file_info *f = &v.files[i];
        const char *read = NULL;
        if (strcmp(f->format, "pdf") == 0)
            read = req_printf(req, "/files/%lld", (long long)f->id);
        else if (view_readable(f->format))
            read = req_printf(req, "/records/%lld/read?file=%lld", (long long)v.rec->id,
                              (long long)f->id);
        json_array_append_new(files,
                              json_pack("{s:s, s:s, s:s, s:s?, s:s}", "name", f->name, "format",
                                        f->format, "size", view_size(req, f->size), "read_url",
                                        read, "download_url", file_api_url(req, f->id)));
    }
    libs = json_array();
    for (size_t i = 0; i < v.n_holdings; i++) {
        size_t n = 1;
        while (i + 1 < v.n_holdings &&
               strcmp(v.holdings[i].library_code, v.holdings[i + 1].library_code) == 0) {
            i++;
            n++;
        }
        json_array_append_new(
            libs, json_pack("{s:s, s:s, s:s, s:I}", "name", v.holdings[i].library_name, "url",
                            req_printf(req, "/libraries/%s",
                                       req_urlencode(req, v.holdings[i].library_code)),
                            "kind", view_label(req, "kind_", v.holdings[i].library_kind), "files",
                            (json_int_t)n));
    }
    title = req_strdup(req, v.rec->title);
    ctx = json_pack("{s:I, s:s, s:s?, s:o, s:b, s:o, s:b, s:o, s:s}", "id", (json_int_t)v.rec->id,
                    "title", v.rec->title, "description", v.rec->description, "fields", fields,
                    "has_files", json_array_size(files) > 0, "files", files, "has_libraries",
                    json_array_size(libs) > 0, "libraries", libs, "api_url",
                    req_printf(req, "/api/v1/records/%lld", (long long)v.rec->id));
    record_view_free(&v);
    return respond_page(req, res, 200, "record.html", title, ctx);
}
