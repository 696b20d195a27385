/*
 * server/h_record_circ.c - the circulation parts of the record page: "place
 * a hold" with a pickup-library chooser, and per digital file how it may be
 * read (open; lendable with copies free or all lent until a date, borrow and
 * return-early buttons; on-site only). And the forms behind them:
 * POST /records/{id}/hold, /files/{id}/borrow, /files/{id}/return.
 *
 * What a visitor sees depends on who they are: anonymous visitors get a
 * "log in to place a hold / to borrow" link that comes back here; a reader
 * gets the forms (their home library preselected, the libraries that have a
 * copy listed first); staff place holds for readers through the API and see
 * no forms. A form that worked answers 303 to the record page with
 * ?done=<what>; a refusal re-renders the record page with the reason and its
 * status (409 already held, 403 on-site only ...).
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "errors.h"
#include "h_account.h"
#include "h_account_int.h"
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "views.h"

/* A copy that can be lent one day (so a hold on it can be filled). */
static int lendable_copy(const struct cat_item *it)
{
    return strcmp(it->status, "lost") != 0 && strcmp(it->status, "withdrawn") != 0;
}

static const char *login_url(struct request *req, int64_t record_id)
{
    return req_printf(req, "/login?next=%s",
                      req_urlencode(req, req_printf(req, "/records/%lld", (long long)record_id)));
}

/* Pickup choices: libraries with a copy of the record first, then the rest;
 * `home` (a code, or NULL) preselected. */
static json_t *pickups(struct request *req, const struct cat_record *rec, const char *home)
{
    json_t *a = json_array();
    int first_pass;

    view_library_name(req, ""); /* loads req->libs */
    for (first_pass = 1; first_pass >= 0; first_pass--) {
        for (size_t i = 0; i < req->n_libs; i++) {
            const struct cat_library *l = &req->libs[i];
            int has_copy = 0;
            for (size_t k = 0; k < rec->n_items && !has_copy; k++)
                has_copy = lendable_copy(&rec->items[k]) &&
                           (strcmp(rec->items[k].custodian, l->code) == 0 ||
                            strcmp(rec->items[k].home_library, l->code) == 0);
            if (has_copy != first_pass)
                continue;
            json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:b}", "code", l->code, "name",
                                               l->name, "has_copy", has_copy, "selected",
                                               home && strcmp(home, l->code) == 0));
        }
    }
    return a;
}

json_t *record_hold_ctx(struct request *req, const struct cat_record *rec,
                        const struct cat_reader *r)
{
    struct cat_hold *holds = NULL;
    size_t n = 0, k;
    json_t *o, *mine = json_null();
    catalog *cat;
    int any = 0;

    for (k = 0; k < rec->n_items && !any; k++)
        any = lendable_copy(&rec->items[k]);
    if (!any)
        return json_null(); /* nothing a hold could ever be filled with */
    if (!req->account)
        return json_pack("{s:b, s:s}", "anon", 1, "login_url", login_url(req, rec->id));
    if (!r)
        return json_null(); /* staff: holds for readers go through the API */
    if (view_catalog(req, &cat) == TS_OK &&
        catalog_hold_list(cat, r->id, 0, rec->id, &holds, &n, &req->err) == TS_OK && n > 0) {
        int ready = strcmp(holds[0].status, "ready") == 0;
        json_decref(mine);
        mine = json_pack("{s:b, s:i, s:s, s:s}", "ready", ready, "position", holds[0].position,
                         "pickup", view_library_name(req, holds[0].pickup_library), "ready_until",
                         ready ? account_day(req, holds[0].expires_at) : "");
    }
    ts_err_clear(&req->err);
    cat_hold_list_free(holds, n);
    o = json_pack("{s:b, s:s, s:s, s:o, s:o}", "reader", 1, "action",
                  req_printf(req, "/records/%lld/hold", (long long)rec->id), "csrf", auth_csrf(req),
                  "pickups", pickups(req, rec, r->home_library), "mine", mine);
    return o;
}

void record_file_lending(struct request *req, const struct cat_file_info *f, json_t *file)
{
    struct cat_dloan_state s;
    struct cat_dloan *v = NULL;
    size_t n = 0;
    catalog *cat;
    int64_t mine = 0, reader_id = 0;
    int is_reader = auth_rank(req) == ROLE_READER;

    if (!f->access || strcmp(f->access, "open") == 0)
        return;
    /* not open: reading and downloading only through the gate, for the borrower */
    json_object_set_new(file, "read_url", json_null()); /* null, not absent: no parent lookup */
    json_object_set_new(file, "download_url", json_null());
    if (strcmp(f->access, "lendable") != 0) {
        json_object_set_new(file, "onsite", json_true());
        return;
    }
    if (view_catalog(req, &cat) || catalog_dloan_state(cat, f->id, &s, &req->err)) {
        ts_err_clear(&req->err);
        return;
    }
    if (is_reader)
        reader_id = req->account->reader_id;
    if (reader_id && catalog_dloan_list_reader(cat, reader_id, &v, &n, &req->err) == TS_OK)
        for (size_t i = 0; i < n; i++)
            if (v[i].file_id == f->id)
                mine = v[i].due_at;
    free(v);
    ts_err_clear(&req->err);
    json_object_set_new(
        file, "lending",
        json_pack("{s:i, s:i, s:s, s:s?, s:s, s:s, s:s, s:b, s:b, s:b}", "copies", s.copies, "free",
                  s.copies - s.on_loan, "all_lent_until",
                  s.on_loan >= s.copies ? account_day(req, s.next_free) : "", "mine_until",
                  mine ? account_day_time(req, mine) : NULL, "borrow_url",
                  req_printf(req, "/files/%lld/borrow", (long long)f->id), "return_url",
                  req_printf(req, "/files/%lld/return", (long long)f->id), "login_url",
                  login_url(req, f->record_id), "anon", !req->account, "can_borrow",
                  is_reader && !mine && s.on_loan < s.copies, "staff", req->account && !is_reader));
    if (mine) {
        json_object_set_new(file, "read_url", json_string(account_read_url(req, f->record_id, f)));
        json_object_set_new(file, "download_url",
                            json_string(req_printf(req, "/api/v1/files/%lld", (long long)f->id)));
    }
}

/* ------------------------------------------------------------ the forms */

/* A refusal shown on the record page; other codes become error pages. */
static int refused(struct request *req, struct response *res, int64_t record_id, int rc)
{
    const char *why;

    if (rc != TS_ECONFLICT && rc != TS_EINVAL && rc != TS_EPERM)
        return rc;
    why = req_strdup(req, req->err.msg);
    ts_err_clear(&req->err);
    return record_page_respond(req, res, record_id, error_status(rc), NULL, why);
}

static int back_to(struct request *req, struct response *res, int64_t record_id, const char *word)
{
    return respond_redirect(req, res, 303,
                            req_printf(req, "/records/%lld?done=%s", (long long)record_id, word));
}

int h_page_record_hold(struct request *req, struct response *res)
{
    const char *pickup = req_form(req, "pickup");
    struct cat_reader r;
    struct cat_library lib;
    catalog *cat;
    int64_t record_id, pickup_id, hold_id;
    int rc;

    if ((rc = req_param_id(req, 0, &record_id)) || (rc = account_reader(req, &r)))
        return rc;
    pickup_id = r.home_library_id;
    if (pickup && *pickup) {
        if ((rc = view_catalog(req, &cat)) ||
            (rc = catalog_library_get(cat, pickup, &lib, &req->err))) {
            cat_reader_clear(&r);
            return rc == TS_ENOTFOUND ? refused(req, res, record_id,
                                                ts_fail(&req->err, TS_EINVAL, "%s",
                                                        req_t(req, "account_pickup_unknown")))
                                      : rc;
        }
        pickup_id = lib.id;
        cat_library_clear(&lib);
    }
    rc = account_hold_place(req, r.id, record_id, pickup_id, &hold_id);
    cat_reader_clear(&r);
    return rc ? refused(req, res, record_id, rc) : back_to(req, res, record_id, "hold_placed");
}

/* The file of route parameter 0 and the signed-in reader. */
static int file_and_reader(struct request *req, struct cat_file_info *f, struct cat_reader *r)
{
    catalog *cat;
    int64_t id;
    int rc;

    memset(f, 0, sizeof *f);
    memset(r, 0, sizeof *r);
    if ((rc = req_param_id(req, 0, &id)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_browse_file(cat, id, f, &req->err)))
        return rc;
    if ((rc = account_reader(req, r)))
        cat_file_info_clear(f);
    return rc;
}

int h_page_file_borrow(struct request *req, struct response *res)
{
    struct cat_file_info f;
    struct cat_reader r;
    struct cat_dloan d;
    int64_t record_id;
    int rc;

    if ((rc = file_and_reader(req, &f, &r)))
        return rc;
    record_id = f.record_id;
    rc = account_dloan(req, &r, f.id, &d);
    cat_file_info_clear(&f);
    cat_reader_clear(&r);
    return rc ? refused(req, res, record_id, rc) : back_to(req, res, record_id, "dloan_borrowed");
}

int h_page_file_return(struct request *req, struct response *res)
{
    const char *back = req_form(req, "back");
    struct cat_file_info f;
    struct cat_reader r;
    int64_t record_id;
    int rc;

    if ((rc = file_and_reader(req, &f, &r)))
        return rc;
    record_id = f.record_id;
    rc = account_dloan(req, &r, f.id, NULL);
    cat_file_info_clear(&f);
    cat_reader_clear(&r);
    if (rc)
        return refused(req, res, record_id, rc);
    if (back && strcmp(back, "account") == 0)
        return respond_redirect(req, res, 303, "/account?done=dloan_returned");
    return back_to(req, res, record_id, "dloan_returned");
}
