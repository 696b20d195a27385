/*
 * server/holdings.c - a record's availability per library and the reader's
 * "my library" (see holdings.h).
 *
 * Copies are counted at their custodian, the library that has the copy now:
 * the same library the index's "available at" filter and the search library
 * facet use. Withdrawn copies are not shown to readers; lost ones are listed
 * on the record page (with their status) but never count as available.
 * A copy on loan shows its due date (the open loan's, read per copy through
 * the partial index on open loans); never who has it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "holdings.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_log.h"
#include "views.h"

#define MY_LIBRARY_COOKIE "my_library"

const struct cat_library *holdings_library(struct request *req, const char *code)
{
    if (!code || !*code)
        return NULL;
    view_library_name(req, code); /* loads the request's library list once */
    for (size_t i = 0; i < req->n_libs; i++)
        if (strcmp(req->libs[i].code, code) == 0)
            return &req->libs[i];
    return NULL;
}

static struct lib_holding *lib_get(struct request *req, struct holdings *hs, size_t *cap,
                                   const char *code)
{
    const struct cat_library *lib;
    struct lib_holding *l;

    for (size_t i = 0; i < hs->n; i++)
        if (strcmp(hs->libs[i].code, code) == 0)
            return &hs->libs[i];
    if (hs->n == *cap) {
        struct lib_holding *bigger;
        *cap = *cap ? *cap * 2 : 4;
        bigger = req_alloc(req, *cap * sizeof *bigger);
        if (hs->n)
            memcpy(bigger, hs->libs, hs->n * sizeof *bigger);
        hs->libs = bigger;
    }
    l = &hs->libs[hs->n++];
    memset(l, 0, sizeof *l);
    lib = holdings_library(req, code);
    l->code = req_strdup(req, code);
    l->name = req_strdup(req, lib ? lib->name : code);
    l->kind = req_strdup(req, lib ? lib->kind : "");
    return l;
}

static int cmp_lib(const void *a, const void *b)
{
    const struct lib_holding *x = a, *y = b;
    if (x->mine != y->mine)
        return y->mine - x->mine;
    return strcmp(x->code, y->code);
}

void holdings_build(struct request *req, const struct cat_record *rec, const struct cat_holding *h,
                    size_t n_h, const char *mine, struct holdings *out)
{
    size_t cap = 0;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; rec && i < rec->n_items; i++) {
        const struct cat_item *it = &rec->items[i];
        struct lib_holding *l;
        if (!it->status || strcmp(it->status, "withdrawn") == 0 || !it->custodian)
            continue;
        l = lib_get(req, out, &cap, it->custodian);
        l->copies++;
        if (strcmp(it->status, "available") == 0)
            l->available++;
        else if (strcmp(it->status, "on_loan") == 0)
            l->on_loan++;
        else if (strcmp(it->status, "in_transit") == 0)
            l->in_transit++;
        else if (strcmp(it->status, "on_hold_shelf") == 0)
            l->on_hold_shelf++;
        else if (strcmp(it->status, "lost") == 0)
            l->lost++;
    }
    /* second pass: each library's copies, in the record's (barcode) order */
    for (size_t k = 0; k < out->n; k++) {
        struct lib_holding *l = &out->libs[k];
        l->items = req_alloc(req, (l->copies ? l->copies : 1) * sizeof *l->items);
        for (size_t i = 0; i < rec->n_items; i++) {
            const struct cat_item *it = &rec->items[i];
            if (it->status && strcmp(it->status, "withdrawn") != 0 && it->custodian &&
                strcmp(it->custodian, l->code) == 0)
                l->items[l->n_items++] = it;
        }
    }
    for (size_t i = 0; i < n_h; i++)
        lib_get(req, out, &cap, h[i].library_code)->digital++;
    for (size_t k = 0; k < out->n; k++)
        out->libs[k].mine = mine && strcmp(out->libs[k].code, mine) == 0;
    if (out->n > 1)
        qsort(out->libs, out->n, sizeof *out->libs, cmp_lib);
}

int holdings_load(struct request *req, catalog *cat, const struct cat_record *rec, const char *mine,
                  struct holdings *out)
{
    struct cat_holding *h = NULL;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = catalog_browse_holdings(cat, rec->id, &h, &n, &req->err)))
        return rc;
    holdings_build(req, rec, h, n, mine, out);
    cat_holdings_free(h, n);
    return TS_OK;
}

const char *holdings_status(const struct lib_holding *l)
{
    if (l->available)
        return "available";
    if (l->digital)
        return "digital";
    if (l->on_hold_shelf)
        return "on_hold_shelf";
    if (l->on_loan)
        return "on_loan";
    if (l->in_transit)
        return "in_transit";
    return "unavailable";
}

const char *holdings_item_due(struct request *req, const struct cat_item *it)
{
    struct ts_err err = {0};
    int64_t due = 0;
    catalog *cat;
    time_t t;
    struct tm tm;
    char day[16];

    /* only a copy on loan has a due date: the others cost no query */
    if (!it->status || strcmp(it->status, "on_loan") != 0)
        return NULL;
    /* availability is a courtesy on a page about something else: a failed
     * look-up shows "on loan" without a date rather than failing the page */
    if (worker_catalog(req->srv, &cat, &err) || catalog_browse_item_due(cat, it->id, &due, &err)) {
        ts_log(TS_LOG_WARN, "srv", "%s due date of copy %lld: %s", req->id, (long long)it->id,
               err.msg);
        return NULL;
    }
    if (!due)
        return NULL;
    /* the library's calendar day, as the desk's slips and the catalogue's messages show it */
    t = (time_t)due;
    if (!localtime_r(&t, &tm) || !strftime(day, sizeof day, "%Y-%m-%d", &tm))
        return NULL;
    return req_strdup(req, day);
}

const char *holdings_next_due(struct request *req, const struct lib_holding *l)
{
    const char *best = NULL;

    for (size_t i = 0; i < l->n_items; i++) {
        const char *due;
        if (strcmp(l->items[i]->status, "on_loan") != 0)
            continue;
        due = holdings_item_due(req, l->items[i]);
        if (due && (!best || strcmp(due, best) < 0)) /* ISO dates sort as text */
            best = due;
    }
    return best;
}

json_t *holdings_item_json(struct request *req, const struct cat_item *it)
{
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "barcode", it->barcode, "status", it->status,
                     "call_number", it->call_number, "shelf_location", it->shelf_location, "due",
                     holdings_item_due(req, it));
}

json_t *holdings_json(struct request *req, const struct holdings *hs, int with_items)
{
    json_t *a = json_array();

    for (size_t k = 0; k < hs->n; k++) {
        const struct lib_holding *l = &hs->libs[k];
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}", "code", l->code, "name",
            l->name, "kind", l->kind, "status", holdings_status(l), "copies", (json_int_t)l->copies,
            "available", (json_int_t)l->available, "on_loan", (json_int_t)l->on_loan, "in_transit",
            (json_int_t)l->in_transit, "on_hold_shelf", (json_int_t)l->on_hold_shelf, "digital",
            (json_int_t)l->digital, "next_due", holdings_next_due(req, l));
        if (o && with_items) {
            json_t *items = json_array();
            for (size_t i = 0; i < l->n_items; i++)
                json_array_append_new(items, holdings_item_json(req, l->items[i]));
            json_object_set_new(o, "items", items);
        }
        json_array_append_new(a, o);
    }
    return a;
}

json_t *holdings_page(struct request *req, const struct holdings *hs, int with_items)
{
    json_t *a = json_array();

    for (size_t k = 0; k < hs->n; k++) {
        const struct lib_holding *l = &hs->libs[k];
        const char *n_avail = req_printf(req, "%zu %s", l->available,
                                         req_t(req, l->available == 1 ? "copy_one" : "copy_other"));
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:b, s:s, s:I, s:s, s:I, s:s?, s:I, s:I, s:I}", "name", l->name, "url",
            req_printf(req, "/libraries/%s", req_urlencode(req, l->code)), "kind",
            view_label(req, "kind_", l->kind), "mine", l->mine, "status", holdings_status(l),
            "available", (json_int_t)l->available, "available_label", n_avail, "on_loan",
            (json_int_t)l->on_loan, "next_due", holdings_next_due(req, l), "in_transit",
            (json_int_t)l->in_transit, "on_hold_shelf", (json_int_t)l->on_hold_shelf, "digital",
            (json_int_t)l->digital);
        if (o && with_items) {
            json_t *rows = json_array();
            for (size_t i = 0; i < l->n_items; i++) {
                const struct cat_item *it = l->items[i];
                json_array_append_new(
                    rows,
                    json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?}", "barcode", it->barcode, "status",
                              it->status, "status_label", view_label(req, "status_", it->status),
                              "call_number", it->call_number, "shelf_location", it->shelf_location,
                              "due", holdings_item_due(req, it)));
            }
            json_object_set_new(o, "has_copies", json_boolean(json_array_size(rows) > 0));
            json_object_set_new(o, "copies", rows);
        }
        json_array_append_new(a, o);
    }
    return a;
}

const char *my_library(struct request *req)
{
    const struct cat_library *lib = holdings_library(req, req_cookie(req, MY_LIBRARY_COOKIE));

    return lib ? lib->code : NULL;
}

void my_library_remember(struct request *req, struct response *res)
{
    const char *arg = req_arg(req, MY_LIBRARY_COOKIE);
    const struct cat_library *lib;

    if (!arg)
        return;
    /* codes are letters, digits, '-' and '_' (catalog_library_add): safe in a cookie */
    if ((lib = holdings_library(req, arg)) != NULL)
        res_header(res, "Set-Cookie",
                   req_printf(req, MY_LIBRARY_COOKIE "=%s; Path=/; Max-Age=31536000; SameSite=Lax",
                              lib->code));
    else
        res_header(res, "Set-Cookie", MY_LIBRARY_COOKIE "=; Path=/; Max-Age=0; SameSite=Lax");
}
