/*
 * server/h_account_api.c - reader self-service over JSON (docs/api/
 * account*.md, holds*.md, file-loan*.md): the reader's own account, renewing
 * a loan, placing and cancelling holds (staff too, for a reader they may act
 * for), borrowing and returning a digital file.
 *
 * Bodies are checked with json_unpack_ex(JSON_STRICT): an unknown field is a
 * 400, so a typo never silently places a hold with defaults. Renewals take
 * an Idempotency-Key header (the catalogue remembers it for a day); holds
 * and digital loans need none: repeating them is refused as "already held"
 * or "already borrowed" (409) and changes nothing.
 */
#include <stdarg.h>
#include <string.h>

#include "auth.h"
#include "h_account.h"
#include "h_account_int.h"
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_util.h"
#include "views.h"

/* Unpack req->json with `fmt` (strict); 400 with jansson's reason. */
static int unpack(struct request *req, const char *fmt, ...)
{
    json_error_t jerr;
    va_list ap;
    int bad;

    va_start(ap, fmt);
    bad = json_vunpack_ex(req->json, &jerr, JSON_STRICT, fmt, ap);
    va_end(ap);
    return bad ? ts_fail(&req->err, TS_EINVAL, "body: %s", jerr.text) : TS_OK;
}

/* Ready-hold notices whose hold is still on the shelf. */
static json_t *notices_json(struct request *req, catalog *cat, int64_t reader_id,
                            const struct cat_hold *holds, size_t n_holds)
{
    struct cat_notice *v = NULL;
    struct ts_err err = {0};
    json_t *a = json_array();
    size_t n = 0;

    if (catalog_notice_list(cat, reader_id, &v, &n, &err) == TS_OK)
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n_holds; k++)
                if (holds[k].id == v[i].hold_id && strcmp(holds[k].status, "ready") == 0)
                    json_array_append_new(a, account_notice_json(req, &v[i]));
    cat_notice_list_free(v, n);
    return a;
}

int h_api_account(struct request *req, struct response *res)
{
    struct cat_reader r;
    struct cat_loan *loans = NULL, *hist = NULL;
    struct cat_hold *holds = NULL;
    size_t n_loans = 0, n_holds = 0, n_hist = 0;
    json_t *root = NULL, *a, *dloans = NULL, *history = json_null();
    int64_t now = ts_now_unix();
    catalog *cat;
    int rc;

    if ((rc = account_reader(req, &r)))
        return rc;
    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_loan_list_reader(cat, r.id, &loans, &n_loans, &req->err)) ||
        (rc = catalog_hold_list(cat, r.id, 0, 0, &holds, &n_holds, &req->err)) ||
        (rc = account_dloans(req, r.id, &dloans)) ||
        (r.history && (rc = catalog_loan_history(cat, r.id, &hist, &n_hist, &req->err))))
        goto out;
    if (r.history) {
        /* closed loans only exist for a reader who opted in */
        history = json_array();
        for (size_t i = 0; i < n_hist; i++) {
            json_t *o = account_loan_json(req, &hist[i], now);
            json_object_del(o, "overdue");
            json_object_del(o, "renewals_left");
            json_object_set_new(o, "returned_at",
                                json_string(view_iso_time(req, hist[i].returned_at)));
            json_array_append_new(history, o);
        }
    }
    root = json_pack("{s:{s:I, s:s, s:s, s:{s:s, s:s}, s:s?, s:b}, s:o}", "reader", "id",
                     (json_int_t)r.id, "name", r.name, "card", r.card, "home_library", "code",
                     r.home_library, "name", view_library_name(req, r.home_library), "blocked",
                     r.blocked, "history", r.history, "history_loans", history);
    history = NULL;
    if (!root) {
        rc = ts_fail(&req->err, TS_EINTERNAL, "account json");
        goto out;
    }
    a = json_array();
    for (size_t i = 0; i < n_loans; i++)
        json_array_append_new(a, account_loan_json(req, &loans[i], now));
    json_object_set_new(root, "loans", a);
    a = json_array();
    for (size_t i = 0; i < n_holds; i++)
        json_array_append_new(a, account_hold_json(req, &holds[i]));
    json_object_set_new(root, "holds", a);
    json_object_set_new(root, "notices", notices_json(req, cat, r.id, holds, n_holds));
    json_object_set_new(root, "digital_loans", dloans);
    dloans = NULL;
    rc = respond_json(res, 200, root);
    root = NULL;
out:
    json_decref(root);
    json_decref(dloans);
    json_decref(history);
    cat_loan_list_free(loans, n_loans);
    cat_loan_list_free(hist, n_hist);
    cat_hold_list_free(holds, n_holds);
    cat_reader_clear(&r);
    return rc;
}

int h_api_account_renew(struct request *req, struct response *res)
{
    const char *barcode = NULL;
    struct cat_reader r;
    struct cat_loan l;
    json_t *o;
    int rc;

    if ((rc = account_reader(req, &r)))
        return rc;
    if ((rc = unpack(req, "{s:s}", "barcode", &barcode)) == TS_OK)
        rc = account_renew(req, &r, barcode, req_header(req, "Idempotency-Key"), &l);
    cat_reader_clear(&r);
    if (rc)
        return rc;
    o = account_loan_json(req, &l, ts_now_unix());
    if (o)
        json_object_set_new(o, "replayed", json_boolean(l.replayed));
    cat_loan_clear(&l);
    return respond_json(res, 200, json_pack("{s:o}", "loan", o));
}

/* Who the hold is for: the reader themself, or (staff) body reader_id
 * within the staff member's scope. *home: their home library. */
static int hold_for(struct request *req, json_int_t reader_id, int64_t *id, int64_t *home)
{
    struct cat_reader r;
    catalog *cat;
    int rc;

    if (auth_rank(req) == ROLE_READER) {
        if ((rc = account_reader(req, &r)))
            return rc;
        *id = r.id;
        *home = r.home_library_id;
        cat_reader_clear(&r);
        /* another reader's id: the same answer as an unknown one */
        return reader_id && reader_id != *id ? auth_reader(req, reader_id, 0, 1) : TS_OK;
    }
    if (!reader_id)
        return ts_fail(&req->err, TS_EINVAL, "body: reader_id is needed when staff place a hold");
    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_reader_get(cat, (int64_t)reader_id, &r, &req->err)))
        return rc;
    *id = r.id;
    *home = r.home_library_id;
    cat_reader_clear(&r);
    return auth_reader(req, *id, *home, 1);
}

int h_api_hold_place(struct request *req, struct response *res)
{
    json_int_t record_id = 0, reader_json = 0;
    const char *pickup = NULL;
    struct cat_library lib;
    struct cat_hold h;
    int64_t reader_id = 0, home = 0, pickup_id, hold_id;
    catalog *cat;
    int rc;

    if ((rc = unpack(req, "{s:I, s?s, s?I}", "record_id", &record_id, "pickup", &pickup,
                     "reader_id", &reader_json)) ||
        (rc = hold_for(req, reader_json, &reader_id, &home)) || (rc = view_catalog(req, &cat)))
        return rc;
    pickup_id = home;
    if (pickup) {
        if ((rc = catalog_library_get(cat, pickup, &lib, &req->err)))
            return rc == TS_ENOTFOUND
                       ? ts_fail(&req->err, TS_EINVAL, "pickup: no library '%s'", pickup)
                       : rc;
        pickup_id = lib.id;
        cat_library_clear(&lib);
    }
    if ((rc = account_hold_place(req, reader_id, (int64_t)record_id, pickup_id, &hold_id)) ||
        (rc = view_catalog(req, &cat)) || /* the hold read back: its batch committed */
        (rc = catalog_hold_get(cat, hold_id, &h, &req->err)))
        return rc;
    rc = respond_json(res, 201, json_pack("{s:o}", "hold", account_hold_json(req, &h)));
    cat_hold_clear(&h);
    return rc;
}

int h_api_hold_cancel(struct request *req, struct response *res)
{
    int64_t id;
    int rc;

    if ((rc = req_param_id(req, 0, &id)))
        return auth_rank(req) == ROLE_READER
                   ? ts_fail(&req->err, TS_ENOTFOUND, "%s", req_t(req, "account_no_such_hold"))
                   : rc;
    if ((rc = account_hold_cancel(req, id)))
        return rc;
    res->status = 204;
    return TS_OK;
}

int h_api_file_borrow(struct request *req, struct response *res)
{
    struct cat_reader r;
    struct cat_dloan d;
    struct cat_file_info f;
    catalog *cat;
    int64_t id;
    int rc;

    if ((rc = req_param_id(req, 0, &id)) || (rc = account_reader(req, &r)))
        return rc;
    rc = account_dloan(req, &r, id, &d);
    cat_reader_clear(&r);
    if (rc || (rc = view_catalog(req, &cat)) || (rc = catalog_browse_file(cat, id, &f, &req->err)))
        return rc;
    rc = respond_json(res, 201,
                      json_pack("{s:{s:I, s:I, s:s, s:s, s:s}}", "loan", "file_id",
                                (json_int_t)d.file_id, "record_id", (json_int_t)f.record_id,
                                "loaned_at", view_iso_time(req, d.loaned_at), "due_at",
                                view_iso_time(req, d.due_at), "read_url",
                                account_read_url(req, f.record_id, &f)));
    cat_file_info_clear(&f);
    return rc;
}

int h_api_file_return(struct request *req, struct response *res)
{
    struct cat_reader r;
    int64_t id;
    int rc;

    if ((rc = req_param_id(req, 0, &id)) || (rc = account_reader(req, &r)))
        return rc;
    rc = account_dloan(req, &r, id, NULL);
    cat_reader_clear(&r);
    if (rc)
        return rc;
    res->status = 204;
    return TS_OK;
}
