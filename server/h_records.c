/*
 * server/h_records.c - one record: its page, its JSON, its copies and
 * digital holdings ("items").
 *
 * The record page and /api/v1/records/{id} show the union catalogue's full
 * description (subtitle, authors with roles, edition, publication, extent,
 * series, classification, audience, subjects, identifiers, links) and, per
 * library, the physical copies with their status and shelf, and the digital
 * files (holdings.c groups them). /api/v1/records/{id}/items lists every
 * physical copy ("kind": "physical") and then every digital holding
 * ("kind": "digital") in one paged list.
 *
 * The record page also carries the reader's circulation parts (a hold with
 * a pickup library, borrowing a lendable digital file), built in
 * h_record_circ.c; the page is rendered here for them too, with a message
 * after a form (record_page_respond).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "browse.h"
#include "h_account.h"
#include "h_account_int.h"
#include "handlers.h"
#include "holdings.h"
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

static int record_view_load_id(struct request *req, int64_t id, struct record_view *v)
{
    catalog *cat;
    int rc;

    memset(v, 0, sizeof *v);
    if ((rc = view_catalog(req, &cat)) || (rc = catalog_record_get(cat, id, &v->rec, &req->err)) ||
        (rc = catalog_browse_files(cat, id, &v->files, &v->n_files, &req->err)) ||
        (rc = catalog_browse_holdings(cat, id, &v->holdings, &v->n_holdings, &req->err)) ||
        (rc = catalog_browse_record_times(cat, id, &v->created, &v->updated, &req->err)))
        record_view_free(v);
    return rc;
}

static int record_view_load(struct request *req, struct record_view *v)
{
    int64_t id;
    int rc;

    memset(v, 0, sizeof *v);
    if ((rc = req_param_id(req, 0, &id)))
        return rc;
    return record_view_load_id(req, id, v);
}

static const char *file_api_url(struct request *req, int64_t file_id)
{
    return req_printf(req, "/api/v1/files/%lld", (long long)file_id);
}

/* Only http(s) links become links; anything else (javascript:, data:, a
 * relative path from a bad record) is shown as text. */
static int link_safe(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

static json_t *strv_json(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

int h_api_record_get(struct request *req, struct response *res)
{
    struct record_view v;
    struct holdings hs;
    json_t *files, *libs, *contributors, *root;
    const struct cat_record *r;
    int rc;

    if ((rc = record_view_load(req, &v)))
        return rc;
    r = v.rec;
    files = json_array();
    for (size_t i = 0; i < v.n_files; i++) {
        const struct cat_file_info *f = &v.files[i];
        json_array_append_new(files, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s?, s:s, s:s}",
                                               "id", (json_int_t)f->id, "name", f->name, "format",
                                               f->format, "media_type", f->media_type, "size",
                                               (json_int_t)f->size, "sha256", f->sha256, "encoding",
                                               f->encoding, "url", file_api_url(req, f->id),
                                               "access", f->access ? f->access : "open"));
    }
    holdings_build(req, r, v.holdings, v.n_holdings, NULL, &hs);
    libs = json_array();
    for (size_t i = 0; i < hs.n; i++)
        json_array_append_new(libs, json_pack("{s:s, s:s, s:s}", "code", hs.libs[i].code, "name",
                                              hs.libs[i].name, "kind", hs.libs[i].kind));
    contributors = json_array();
    for (size_t i = 0; i < r->n_author_list; i++)
        json_array_append_new(contributors,
                              json_pack("{s:s, s:s}", "name", r->author_names[i], "role",
                                        r->author_roles[i] ? r->author_roles[i] : "author"));
    root = json_pack(
        "{s:I, s:s, s:s?, s:o, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:s?,"
        " s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:o}",
        "id", (json_int_t)r->id, "title", r->title, "subtitle", r->subtitle, "authors",
        view_split(r->authors, ";"), "contributors", contributors, "edition", r->edition,
        "language", r->language, "publisher", r->publisher, "place", r->place, "date", r->date,
        "year", r->year ? json_integer((json_int_t)r->year) : json_null(), "extent", r->extent,
        "series", r->series, "classification", r->classification, "audience", r->audience, "notes",
        r->notes, "description", r->description, "type", r->resource_type, "licence", r->licence,
        "subjects", strv_json(r->subject_list, r->n_subject_list), "identifiers",
        view_identifiers(r->identifiers), "links", strv_json(r->link_list, r->n_link_list));
    if (root) {
        json_object_set_new(root, "files", files);
        json_object_set_new(root, "libraries", libs);
        json_object_set_new(root, "holdings", holdings_json(req, &hs, 1));
        json_object_set_new(root, "created", json_string(view_iso_time(req, v.created)));
        json_object_set_new(root, "updated", json_string(view_iso_time(req, v.updated)));
    } else {
        json_decref(files);
        json_decref(libs);
    }
    record_view_free(&v);
    if ((rc = respond_json(res, 200, root)))
        return ts_fail(&req->err, rc, "record json");
    res->flags |= RES_ETAG;
    return TS_OK;
}

static json_t *library_json(struct request *req, const char *code)
{
    const struct cat_library *lib = holdings_library(req, code);
    return json_pack("{s:s, s:s, s:s}", "code", code, "name", lib ? lib->name : code, "kind",
                     lib ? lib->kind : "");
}

int h_api_record_items(struct request *req, struct response *res)
{
    struct record_view v;
    size_t offset, limit, n = 0, total, k = 0;
    json_t *items, *root;
    int rc;

    if ((rc = req_arg_size(req, "offset", 0, SIZE_MAX / 2, &offset)) ||
        (rc = req_arg_size(req, "limit", ITEMS_LIMIT_DEFAULT, ITEMS_LIMIT_MAX, &limit)) ||
        (rc = record_view_load(req, &v)))
        return rc;
    if (limit == 0)
        limit = ITEMS_LIMIT_DEFAULT;
    items = json_array();
    /* physical copies first (withdrawn ones included: this is the full list), then files */
    total = v.rec->n_items + v.n_holdings;
    for (size_t i = 0; i < v.rec->n_items && n < limit; i++, k++) {
        const struct cat_item *it = &v.rec->items[i];
        json_t *o;
        if (k < offset)
            continue;
        o = holdings_item_json(req, it);
        if (o) {
            json_object_set_new(o, "kind", json_string("physical"));
            json_object_set_new(o, "library", library_json(req, it->home_library));
            json_object_set_new(o, "custodian", library_json(req, it->custodian));
        }
        json_array_append_new(items, o);
        n++;
    }
    for (size_t i = 0; i < v.n_holdings && n < limit; i++, k++) {
        const struct cat_holding *h = &v.holdings[i];
        if (k < offset)
            continue;
        json_array_append_new(
            items, json_pack("{s:s, s:{s:s, s:s, s:s}, s:I, s:s, s:s}", "kind", "digital",
                             "library", "code", h->library_code, "name", h->library_name, "kind",
                             h->library_kind, "file_id", (json_int_t)h->file_id, "file_url",
                             file_api_url(req, h->file_id), "status", "available"));
        n++;
    }
    root = json_pack("{s:I, s:o}", "record_id", (json_int_t)v.rec->id, "items", items);
    if (root)
        view_paging(root, total, offset, limit, n);
    record_view_free(&v);
    return respond_json(res, 200, root);
}

/* ------------------------------------------------------------- the page */

/* A row of the description: plain text, or a list of {text, url?, external?}. */
static void field(struct request *req, json_t *list, const char *key, const char *value)
{
    if (value && *value)
        json_array_append_new(list,
                              json_pack("{s:s, s:s}", "label", req_t(req, key), "value", value));
}

static void field_list(struct request *req, json_t *list, const char *key, json_t *entries)
{
    if (json_array_size(entries))
        json_array_append_new(
            list, json_pack("{s:s, s:o}", "label", req_t(req, key), "entries", entries));
    else
        json_decref(entries);
}

/* "Hà Nội : Kim Đồng, 2019" from whichever parts the record has. */
static const char *publication(struct request *req, const struct cat_record *r)
{
    const char *s = "";

    if (r->place && *r->place)
        s = r->place;
    if (r->publisher && *r->publisher)
        s = *s ? req_printf(req, "%s: %s", s, r->publisher) : r->publisher;
    if (r->date && *r->date)
        s = *s ? req_printf(req, "%s, %s", s, r->date) : r->date;
    return s;
}

static json_t *authors_page(struct request *req, const struct cat_record *r)
{
    json_t *a = json_array();

    for (size_t i = 0; i < r->n_author_list; i++) {
        const char *role = r->author_roles[i];
        const char *text = r->author_names[i];
        if (role && *role && strcmp(role, "author") != 0)
            text = req_printf(req, "%s (%s)", text, view_label(req, "role_", role));
        json_array_append_new(a, json_pack("{s:s}", "text", text));
    }
    return a;
}

static json_t *subjects_page(struct request *req, const struct cat_record *r)
{
    json_t *a = json_array();

    /* a subject search: the subject as a quoted phrase (subjects are indexed) */
    for (size_t i = 0; i < r->n_subject_list; i++)
        json_array_append_new(
            a, json_pack(
                   "{s:s, s:s}", "text", r->subject_list[i], "url",
                   req_printf(req, "/search?q=%s",
                              req_urlencode(req, req_printf(req, "\"%s\"", r->subject_list[i])))));
    return a;
}

static json_t *identifiers_page(struct request *req, const struct cat_record *r)
{
    json_t *a = json_array();

    for (size_t i = 0; i < r->n_identifier_list; i++) {
        const char *id = r->identifier_list[i], *colon = strchr(id, ':');
        const char *text = id;
        if (colon)
            text = req_printf(req, "%s: %s",
                              view_label(req, "ident_", req_strndup(req, id, (size_t)(colon - id))),
                              colon + 1);
        json_array_append_new(a, json_pack("{s:s}", "text", text));
    }
    return a;
}

static json_t *links_page(const struct cat_record *r)
{
    json_t *a = json_array();

    for (size_t i = 0; i < r->n_link_list; i++) {
        const char *u = r->link_list[i];
        if (link_safe(u))
            json_array_append_new(a,
                                  json_pack("{s:s, s:s, s:b}", "text", u, "url", u, "external", 1));
        else
            json_array_append_new(a, json_pack("{s:s}", "text", u));
    }
    return a;
}

/* ?done= words after a hold or digital-loan form */
static const char *done_key(struct request *req)
{
    static const char *const words[] = {"hold_placed", "dloan_borrowed", "dloan_returned", NULL};
    const char *w = req_arg(req, "done");

    for (size_t i = 0; w && words[i]; i++)
        if (strcmp(w, words[i]) == 0)
            return req_printf(req, "account_done_%s", w);
    return NULL;
}

int record_page_respond(struct request *req, struct response *res, int64_t record_id, int status,
                        const char *ok_key, const char *error)
{
    struct record_view v;
    struct holdings hs;
    json_t *fields, *files, *holdings, *ctx;
    const struct cat_record *r;
    const char *title;
    int rc;

    if ((rc = record_view_load_id(req, record_id, &v)))
        return rc;
    r = v.rec;
    fields = json_array();
    field_list(req, fields, "field_authors", authors_page(req, r));
    field(req, fields, "field_edition", r->edition);
    field(req, fields, "field_publication", publication(req, r));
    field(req, fields, "field_extent", r->extent);
    field(req, fields, "field_series", r->series);
    field(req, fields, "field_language", view_label(req, "lang_", r->language));
    field(req, fields, "field_type", view_label(req, "type_", r->resource_type));
    field(req, fields, "field_classification", r->classification);
    field(req, fields, "field_audience", r->audience);
    field_list(req, fields, "field_subjects", subjects_page(req, r));
    field_list(req, fields, "field_identifiers", identifiers_page(req, r));
    field_list(req, fields, "field_links", links_page(r));
    field(req, fields, "field_notes", r->notes);
    field(req, fields, "field_licence", r->licence);
    files = json_array();
    for (size_t i = 0; i < v.n_files; i++) {
        const struct cat_file_info *f = &v.files[i];
        const char *read = NULL;
        if (strcmp(f->format, "pdf") == 0)
            read = req_printf(req, "/files/%lld", (long long)f->id);
        else if (view_readable(f->format))
            read =
                req_printf(req, "/records/%lld/read?file=%lld", (long long)r->id, (long long)f->id);
        json_t *entry = json_pack("{s:s, s:s, s:s, s:s?, s:s}", "name", f->name, "format",
                                  f->format, "size", view_size(req, f->size), "read_url", read,
                                  "download_url", file_api_url(req, f->id));
        if (entry)
            record_file_lending(req, f, entry);
        json_array_append_new(files, entry);
    }
    holdings_build(req, r, v.holdings, v.n_holdings, my_library(req), &hs);
    holdings = holdings_page(req, &hs, 1);
    title = req_strdup(req, r->title);
    ctx = json_pack("{s:I, s:s, s:s?, s:s?, s:o, s:b, s:o, s:b, s:o, s:s}", "id", (json_int_t)r->id,
                    "title", r->title, "subtitle", r->subtitle, "description", r->description,
                    "fields", fields, "has_files", json_array_size(files) > 0, "files", files,
                    "has_holdings", json_array_size(holdings) > 0, "holdings", holdings, "api_url",
                    req_printf(req, "/api/v1/records/%lld", (long long)r->id));
    if (ctx) {
        /* a reader's own name for the header, and their hold form */
        struct cat_reader me;
        int is_reader = auth_rank(req) == ROLE_READER && account_reader(req, &me) == TS_OK;
        ts_err_clear(&req->err);
        json_object_set_new(ctx, "hold", record_hold_ctx(req, r, is_reader ? &me : NULL));
        if (is_reader)
            cat_reader_clear(&me);
        json_object_set_new(ctx, "csrf", json_string(auth_csrf(req)));
        json_object_set_new(ctx, "flash_ok",
                            ok_key ? json_string(req_t(req, ok_key)) : json_null());
        json_object_set_new(ctx, "flash_error", error ? json_string(error) : json_null());
    }
    record_view_free(&v);
    return respond_page(req, res, status, "record.html", title, ctx);
}

int h_page_record(struct request *req, struct response *res)
{
    int64_t id;
    int rc;

    if ((rc = req_param_id(req, 0, &id)))
        return rc;
    return record_page_respond(req, res, id, 200, done_key(req), NULL);
}
