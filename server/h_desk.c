/*
 * server/h_desk.c - the circulation desk page for librarians, built for a
 * barcode scanner (it types the code and Enter): GET /desk, and the POST
 * actions /desk/reader (scan a card), /desk/checkout, /desk/return and
 * /desk/renew, which render the desk again with the result, the reader
 * still selected and the next scan's input focused (autofocus).
 *
 * Why the result is rendered directly instead of POST-redirect-GET: the
 * selected reader would have to travel in the redirect URL, and nothing
 * identifying a reader may appear in a URL (the access log records paths).
 * A refresh re-sends the form, so every rendered form carries a fresh random
 * key (hidden "key"); the catalogue key is derived from it, the action and
 * the barcode (desk_idem_key), so re-sending the same form replays the first
 * answer instead of lending twice, while a form reused through the Back
 * button for another barcode is simply a new scan.
 *
 * Who may do what is asked of auth.h only: auth_library_read to see a
 * desk's lists, auth_library_act to run it (district coordinators see the
 * lists, act nowhere), auth_reader to see who a reader is. A reader of a
 * library the account may not read is shown by card only, with only what
 * this desk lent them. Refusals from the catalogue are shown on the page in
 * the interface language (desk_err_* strings; the catalogue's English
 * sentence as detail) with the catalogue's status: 409, 403, 404, 400.
 * The page itself is rendered by desk_page.c.
 */
#include <string.h>

#include "auth.h"
#include "desk.h"
#include "errors.h"
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_util.h"
#include "views.h"

/* ---------------------------------------------------------------- refusals */

/* A catalogue refusal, recognised by its message (catalog/loan.c and
 * circ_common.c; tests/http/test_desk.c meets each one), to the sentence the
 * desk shows. about_reader: the detail speaks of the reader (block reason,
 * their loans), shown only to an account that may read the reader. */
static const struct {
    const char *needle, *key;
    int about_reader;
} refusals[] = {
    {"has been withdrawn", "desk_err_withdrawn", 0},
    {"is marked lost", "desk_err_lost", 0},
    {"is in transit to", "desk_err_in_transit", 0},
    {"is already on loan to this reader", "desk_err_on_loan_same", 0},
    {"is on loan to another reader", "desk_err_on_loan_other", 0},
    {"is already on loan", "desk_err_on_loan_other", 0},
    {"on the hold shelf for another reader", "desk_err_hold_other", 0},
    {"belongs to the desk of", "desk_err_other_desk", 0},
    {"is blocked", "desk_err_blocked", 1},
    {"is no longer active", "desk_err_inactive", 1},
    {"on loan: the limit", "desk_err_limit", 1},
    {"has been renewed", "desk_err_no_renewals", 0},
    {"another reader is waiting", "desk_err_renew_waiting", 0},
    {"is not on loan", "desk_err_not_on_loan", 0},
    {"no copy with barcode", "desk_err_no_copy", 0},
    {"no reader with card", "desk_err_no_reader", 0},
    {"idempotency key already used", "desk_err_key_reused", 0},
    {"a barcode", "desk_err_no_barcode", 0},
};

/* `why`: the refusal (a copy of req->err: looking the reader up clears it). */
static json_t *refusal_json(struct request *req, int rc, const struct ts_err *why,
                            int reader_visible)
{
    const char *key = NULL, *detail = why->msg;
    size_t i;

    for (i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
        if (strstr(why->msg, refusals[i].needle)) {
            key = refusals[i].key;
            if (refusals[i].about_reader && !reader_visible)
                detail = NULL;
            break;
        }
    if (!key) /* a case without its own sentence: the code's, with the catalogue's detail */
        key = rc == TS_ENOTFOUND ? "desk_err_not_found"
              : rc == TS_EPERM   ? "desk_err_not_allowed"
              : rc == TS_EINVAL  ? "desk_err_invalid"
                                 : "desk_err_conflict";
    return json_pack("{s:{s:s, s:s?}}", "error", "message", req_t(req, key), "detail",
                     detail && *detail ? req_strdup(req, detail) : NULL);
}

/* The desk the account sees first: one it can run, else one it can read. */
static const struct cat_library *default_library(struct request *req)
{
    const struct cat_library *readable = NULL;

    view_library_name(req, "");
    for (size_t i = 0; i < req->n_libs; i++) {
        if (auth_library_act(req, req->libs[i].id) == TS_OK) {
            ts_err_clear(&req->err);
            return &req->libs[i];
        }
        if (!readable && auth_library_read(req, req->libs[i].id) == TS_OK)
            readable = &req->libs[i];
    }
    ts_err_clear(&req->err);
    return readable;
}

int h_page_desk(struct request *req, struct response *res)
{
    struct desk_view v = {0};
    const char *code = req_arg_nonempty(req, "library");
    int rc;

    if (code) {
        if ((rc = desk_library(req, code, &v.lib)) || (rc = auth_library_read(req, v.lib->id)))
            return rc;
    } else if (!(v.lib = default_library(req))) {
        return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "desk_err_no_desk"));
    }
    v.can_act = auth_library_act(req, v.lib->id) == TS_OK;
    ts_err_clear(&req->err);
    return desk_page(req, res, 200, &v);
}

/* ---------------------------------------------------------------- actions */

enum desk_action { DESK_CHECKOUT, DESK_RETURN, DESK_RENEW };

/* The desk of a POST: library from the form, which the account must run. */
static int posted_desk(struct request *req, struct desk_view *v)
{
    const char *rid = req_form(req, "reader_id");
    int64_t id;
    int rc;

    memset(v, 0, sizeof *v);
    if ((rc = desk_library(req, req_form(req, "library"), &v->lib)) ||
        (rc = auth_library_act(req, v->lib->id)))
        return rc;
    v->can_act = 1;
    if (rid && *rid && ts_parse_i64(rid, &id, NULL) == TS_OK && id > 0)
        v->reader_id = id;
    return TS_OK;
}

int h_page_desk_reader(struct request *req, struct response *res)
{
    struct desk_view v;
    struct cat_reader r = {0};
    catalog *cat;
    int rc;

    if ((rc = posted_desk(req, &v)) || (rc = view_catalog(req, &cat)))
        return rc;
    v.reader_id = 0;
    rc = catalog_reader_by_card(cat, req_form(req, "card") ? req_form(req, "card") : "", &r,
                                &req->err);
    if (rc == TS_OK) {
        v.reader_id = r.id;
        cat_reader_clear(&r);
        return desk_page(req, res, 200, &v);
    }
    if (error_status(rc) >= 500)
        return rc;
    /* the message names the card the librarian just typed: the page, never a log */
    v.result = refusal_json(req, rc, &req->err, 1);
    v.focus = "card";
    ts_err_clear(&req->err);
    return desk_page(req, res, error_status(rc), &v);
}

static json_t *return_json(struct request *req, const struct cat_return *ret)
{
    json_t *o = json_pack(
        "{s:s?, s:s?, s:b, s:I, s:b, s:b, s:s?, s:b}", "title", ret->title, "barcode", ret->barcode,
        "checkin", ret->loan_id == 0, "late_days", (json_int_t)ret->days_overdue, "shelve",
        ret->outcome == CAT_RETURN_SHELVE, "transit", ret->outcome == CAT_RETURN_TRANSIT,
        "home_library", view_library_name(req, ret->home_library ? ret->home_library : ""),
        "replayed", ret->replayed);

    if (o && ret->outcome == CAT_RETURN_HOLD_SHELF) {
        /* the slip: the card always (it is how the copy finds its reader), the
         * name only for an account that may read that reader */
        struct cat_hold h = {0};
        catalog *cat;
        int visible = 0;
        if (view_catalog(req, &cat) == TS_OK &&
            catalog_hold_get(cat, ret->hold_id, &h, &req->err) == TS_OK)
            visible = desk_reader_visible(req, NULL, h.reader_id);
        ts_err_clear(&req->err);
        cat_hold_clear(&h);
        json_object_set_new(o, "slip",
                            json_pack("{s:s?, s:s?, s:s?}", "card", ret->hold_card, "name",
                                      visible ? ret->hold_name : NULL, "until",
                                      desk_day(req, ret->hold_expires)));
    }
    return json_pack("{s:o}", "return", o);
}

static int desk_act(struct request *req, struct response *res, enum desk_action action)
{
    static const char *const names[] = {"checkout", "return", "renew"};
    const char *barcode = req_form(req, "barcode"), *key = req_form(req, "key");
    struct desk_view v;
    struct cat_desk desk = {0};
    struct cat_loan loan = {0};
    struct cat_return ret = {0};
    catalog *cat;
    int rc;

    if ((rc = posted_desk(req, &v)))
        return rc;
    if (!desk_form_key_valid(key))
        return ts_fail(&req->err, TS_EINVAL, "%s", req_t(req, "desk_err_form"));
    if (action == DESK_CHECKOUT && !v.reader_id)
        return ts_fail(&req->err, TS_EINVAL, "%s", req_t(req, "desk_err_reader_first"));
    desk.library_id = v.lib->id;
    desk.actor = auth_actor(req);
    desk.idem_key = desk_idem_key(req, names[action], key, barcode ? barcode : "");
    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    switch (action) {
    case DESK_CHECKOUT:
        rc = catalog_loan_checkout(cat, &desk, barcode, v.reader_id, &loan, &req->err);
        v.focus = "item";
        break;
    case DESK_RETURN:
        rc = catalog_loan_return(cat, &desk, barcode, &ret, &req->err);
        v.focus = "return";
        break;
    case DESK_RENEW:
        rc = catalog_loan_renew(cat, &desk, barcode, &loan, &req->err);
        v.focus = "renew";
        break;
    }
    if ((rc = worker_desk_leave(req, rc))) {
        cat_loan_clear(&loan); /* filled before a failed COMMIT */
        cat_return_clear(&ret);
    }
    if (rc) {
        struct ts_err why = req->err;
        if (error_status(rc) >= 500)
            return rc;
        v.result = refusal_json(req, rc, &why, desk_reader_visible(req, NULL, v.reader_id));
        ts_err_clear(&req->err);
        return desk_page(req, res, error_status(rc), &v);
    }
    if (action == DESK_RETURN)
        v.result = return_json(req, &ret);
    else
        v.result = json_pack("{s:{s:s?, s:s?, s:s?, s:i, s:b}}", names[action], "title", loan.title,
                             "barcode", loan.barcode, "due", desk_day(req, loan.due_at),
                             "renewals_left", loan.renewals_left, "replayed", loan.replayed);
    cat_loan_clear(&loan);
    cat_return_clear(&ret);
    return desk_page(req, res, 200, &v);
}

int h_page_desk_checkout(struct request *req, struct response *res)
{
    return desk_act(req, res, DESK_CHECKOUT);
}

int h_page_desk_return(struct request *req, struct response *res)
{
    return desk_act(req, res, DESK_RETURN);
}

int h_page_desk_renew(struct request *req, struct response *res)
{
    return desk_act(req, res, DESK_RENEW);
}
