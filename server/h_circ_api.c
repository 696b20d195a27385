/*
 * server/h_circ_api.c - the circulation desk as a JSON API, for scanner
 * apps and scripts (docs/api/loans.md, returns.md, renewals.md,
 * library-overdue.md, library-holds.md, reader.md, reader-lookup.md).
 *
 * Every rule is the catalogue's (catalog/circ.h); this file checks who may
 * ask (auth.h: the desk's library with auth_library_act for writes,
 * auth_library_read for lists, auth_reader for a reader), turns the body
 * into a catalogue call and the answer into JSON. Refusals travel in
 * req->err to errors.c: 409 state, 403 another desk, 404 unknown.
 *
 * Writes accept an Idempotency-Key header (1-128 bytes). The catalogue
 * remembers the first answer under the key (scoped to the account, see
 * desk_idem_key) and replays it: a replayed checkout answers 200 instead of
 * 201, and every replay says "replayed": true. Card numbers travel only in
 * bodies (POST /api/v1/readers/lookup), never in URLs, which the access log
 * records.
 */
#include <stdarg.h>
#include <string.h>

#include "auth.h"
#include "desk.h"
#include "handlers.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_util.h"
#include "views.h"

#define IDEM_HEADER "Idempotency-Key"

/* The body's fields by a jansson format (unknown keys refused: a typo in a
 * field name must not silently drop an argument). */
static int unpack(struct request *req, const char *fmt, ...)
{
    json_error_t jerr;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = json_vunpack_ex(req->json, &jerr, JSON_STRICT, fmt, ap);
    va_end(ap);
    if (rc != 0)
        return ts_fail(&req->err, TS_EINVAL, "body: %s", jerr.text);
    return TS_OK;
}

/* The desk a write works at: library `code`, which the account must be able
 * to run (auth_library_act), the event actor and the client's retry key. */
static int api_desk(struct request *req, const char *code, struct cat_desk *desk)
{
    const struct cat_library *lib;
    const char *key = req_header(req, IDEM_HEADER);
    int rc;

    memset(desk, 0, sizeof *desk);
    if ((rc = desk_library(req, code, &lib)) || (rc = auth_library_act(req, lib->id)))
        return rc;
    if (key && (!*key || strlen(key) > 128))
        return ts_fail(&req->err, TS_EINVAL, IDEM_HEADER " must be 1-128 bytes");
    desk->library_id = lib->id;
    desk->actor = auth_actor(req);
    desk->idem_key = key ? desk_idem_key(req, "api", key, NULL) : NULL;
    return TS_OK;
}

static int answer(struct response *res, int status, json_t *o, int replayed)
{
    if (o)
        json_object_set_new(o, "replayed", json_boolean(replayed));
    return respond_json(res, status, o);
}

int h_api_loan_checkout(struct request *req, struct response *res)
{
    const char *barcode = NULL, *card = NULL, *code = NULL;
    json_int_t reader_id = 0;
    struct cat_desk desk;
    struct cat_loan loan = {0};
    catalog *cat;
    json_t *o;
    int rc;

    if ((rc = unpack(req, "{s:s, s?s, s?I, s:s}", "barcode", &barcode, "card", &card, "reader_id",
                     &reader_id, "library", &code)))
        return rc;
    if ((card != NULL) == (reader_id != 0))
        return ts_fail(&req->err, TS_EINVAL, "body: give the reader as \"card\" or \"reader_id\"");
    if ((rc = api_desk(req, code, &desk)))
        return rc;
    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    /* the card is read on the desk's connection, whose page cache its own
     * COMMITs keep; a read-only connection's would be refilled first */
    if (card) {
        int64_t id = 0;
        rc = catalog_reader_id_by_card(cat, card, &id, &req->err);
        reader_id = (json_int_t)id;
    }
    if (rc == TS_OK)
        rc = catalog_loan_checkout(cat, &desk, barcode, (int64_t)reader_id, &loan, &req->err);
    if ((rc = worker_desk_leave(req, rc))) {
        cat_loan_clear(&loan);
        return rc;
    }
    o = desk_loan_json(req, &loan, NULL);
    rc = answer(res, loan.replayed ? 200 : 201, o, loan.replayed);
    cat_loan_clear(&loan);
    return rc;
}

/* The hold slip of a return that filled a hold: which hold, until when, for
 * whom (card; the name only for an account that may read the reader). */
static json_t *hold_slip(struct request *req, const struct cat_return *ret)
{
    struct cat_hold h = {0};
    struct desk_seen seen = {0};
    catalog *cat;
    json_t *o;

    if (ret->outcome != CAT_RETURN_HOLD_SHELF || !ret->hold_id)
        return json_null();
    if (view_catalog(req, &cat) == TS_OK && catalog_hold_get(cat, ret->hold_id, &h, &req->err) == 0)
        o = desk_hold_json(req, &h, &seen);
    else /* read back on the read connection: the slip still has what the return said */
        o = json_pack("{s:I, s:o, s:{s:s?}}", "id", (json_int_t)ret->hold_id, "expires_at",
                      desk_time_json(req, ret->hold_expires), "reader", "card", ret->hold_card);
    ts_err_clear(&req->err);
    cat_hold_clear(&h);
    return o;
}

int h_api_loan_return(struct request *req, struct response *res)
{
    const char *barcode = NULL, *code = NULL;
    struct cat_desk desk;
    struct cat_return ret = {0};
    catalog *cat;
    json_t *o;
    int rc;

    if ((rc = unpack(req, "{s:s, s:s}", "barcode", &barcode, "library", &code)) ||
        (rc = api_desk(req, code, &desk)))
        return rc;
    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    rc = catalog_loan_return(cat, &desk, barcode, &ret, &req->err);
    if ((rc = worker_desk_leave(req, rc))) {
        cat_return_clear(&ret);
        return rc;
    }
    o = json_pack("{s:s, s:s?, s:s?, s:o, s:o, s:o, s:I, s:s?, s:o}", "outcome",
                  cat_return_outcome_name(ret.outcome), "barcode", ret.barcode, "title", ret.title,
                  "loan_id", ret.loan_id ? json_integer(ret.loan_id) : json_null(), "due_at",
                  desk_time_json(req, ret.due_at), "returned_at",
                  desk_time_json(req, ret.returned_at), "days_overdue",
                  (json_int_t)ret.days_overdue, "home_library", ret.home_library, "hold",
                  hold_slip(req, &ret));
    rc = answer(res, 200, o, ret.replayed);
    cat_return_clear(&ret);
    return rc;
}

int h_api_loan_renew(struct request *req, struct response *res)
{
    const char *barcode = NULL, *code = NULL;
    struct cat_desk desk;
    struct cat_loan loan = {0};
    catalog *cat;
    int rc;

    if ((rc = unpack(req, "{s:s, s:s}", "barcode", &barcode, "library", &code)) ||
        (rc = api_desk(req, code, &desk)))
        return rc;
    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    rc = catalog_loan_renew(cat, &desk, barcode, &loan, &req->err);
    if ((rc = worker_desk_leave(req, rc))) {
        cat_loan_clear(&loan);
        return rc;
    }
    rc = answer(res, 200, desk_loan_json(req, &loan, NULL), loan.replayed);
    cat_loan_clear(&loan);
    return rc;
}

/* The library of a list route, which the account must be able to read. */
static int list_library(struct request *req, const struct cat_library **lib)
{
    int rc = desk_library(req, req_param(req, 0), lib);
    return rc ? rc : auth_library_read(req, (*lib)->id);
}

int h_api_library_overdue(struct request *req, struct response *res)
{
    const struct cat_library *lib;
    struct cat_loan *v = NULL;
    struct desk_seen seen = {0};
    int64_t now = ts_now_unix();
    size_t n = 0;
    catalog *cat;
    json_t *a;
    int rc;

    if ((rc = list_library(req, &lib)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_loan_overdue(cat, lib->id, &v, &n, &req->err)))
        return rc;
    a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = desk_loan_json(req, &v[i], &seen);
        json_object_set_new(o, "days_overdue", json_integer((now - v[i].due_at + 86399) / 86400));
        json_array_append_new(a, o);
    }
    cat_loan_list_free(v, n);
    return respond_json(
        res, 200,
        json_pack("{s:s, s:I, s:o}", "library", lib->code, "total", (json_int_t)n, "overdue", a));
}

int h_api_library_holds(struct request *req, struct response *res)
{
    const struct cat_library *lib;
    struct cat_hold *v = NULL;
    struct desk_seen seen = {0};
    size_t n = 0;
    catalog *cat;
    json_t *shelf, *waiting;
    int rc;

    if ((rc = list_library(req, &lib)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_hold_list(cat, 0, lib->id, 0, &v, &n, &req->err)))
        return rc;
    shelf = json_array();
    waiting = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(v[i].status && strcmp(v[i].status, "ready") == 0 ? shelf : waiting,
                              desk_hold_json(req, &v[i], &seen));
    cat_hold_list_free(v, n);
    return respond_json(res, 200,
                        json_pack("{s:s, s:o, s:o}", "library", lib->code, "hold_shelf", shelf,
                                  "waiting", waiting));
}

int h_api_reader_get(struct request *req, struct response *res)
{
    struct cat_reader r = {0};
    struct cat_loan *loans = NULL;
    struct cat_hold *holds = NULL;
    size_t n_loans = 0, n_holds = 0;
    int64_t id;
    catalog *cat;
    json_t *lv, *hv, *o;
    int rc;

    if ((rc = req_param_id(req, 0, &id)) || (rc = view_catalog(req, &cat)))
        return rc;
    rc = catalog_reader_get(cat, id, &r, &req->err);
    if (rc == TS_ENOTFOUND) /* the very answer auth_reader gives a reader probing ids */
        return ts_fail(&req->err, TS_ENOTFOUND, "%s", req_t(req, "auth_no_such_reader"));
    if (rc || (rc = auth_reader(req, id, r.home_library_id, 0)) ||
        (rc = catalog_loan_list_reader(cat, id, &loans, &n_loans, &req->err)) ||
        (rc = catalog_hold_list(cat, id, 0, 0, &holds, &n_holds, &req->err)))
        goto out;
    lv = json_array();
    for (size_t i = 0; i < n_loans; i++)
        json_array_append_new(lv, desk_loan_json(req, &loans[i], NULL));
    hv = json_array();
    for (size_t i = 0; i < n_holds; i++)
        json_array_append_new(hv, desk_hold_json(req, &holds[i], NULL));
    o = json_pack("{s:{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:b}, s:o, s:o}", "reader",
                  "id", (json_int_t)r.id, "card", r.card, "name", r.name, "category", r.category,
                  "class_name", r.class_name, "home_library", r.home_library, "blocked", r.blocked,
                  "active", r.active, "history", r.history, "loans", lv, "holds", hv);
    rc = respond_json(res, 200, o);
out:
    cat_reader_clear(&r);
    cat_loan_list_free(loans, n_loans);
    cat_hold_list_free(holds, n_holds);
    return rc;
}

int h_api_reader_lookup(struct request *req, struct response *res)
{
    const char *card = NULL;
    struct cat_reader r = {0};
    catalog *cat;
    int rc;

    if ((rc = unpack(req, "{s:s}", "card", &card)) || (rc = view_catalog(req, &cat)) ||
        (rc = catalog_reader_by_card(cat, card, &r, &req->err)))
        return rc;
    rc = respond_json(res, 200, json_pack("{s:I}", "reader_id", (json_int_t)r.id));
    cat_reader_clear(&r);
    return rc;
}
