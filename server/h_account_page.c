/*
 * server/h_account_page.c - "my account", the reader's own page: notices
 * first (a hold waiting on the shelf, loans past their due date), then loans
 * with a renew button each, holds with their queue position and a cancel
 * button, digital loans with their end and a read link, and the borrowing
 * history, shown only to a reader who opted in, with the form to opt in or
 * out (opting out forgets the past: the page says so next to the button).
 *
 * Forms post back and are answered with 303 to /account?done=<what> (a
 * fixed word, never a barcode or a name: URLs end up in logs and browser
 * histories); a refusal re-renders the page with the reason and the
 * refusal's status (409 no renewals left, 404 not your hold ...). Staff
 * accounts have no reader behind them and get a 403 page pointing to /desk.
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "errors.h"
#include "h_account.h"
#include "h_account_int.h"
#include "handlers.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_util.h"
#include "views.h"

/* ?done= words and what the page says about them */
static const char *const done_words[] = {"renewed",     "hold_cancelled", "history_on",
                                         "history_off", "dloan_returned", NULL};

static const char *done_message(struct request *req)
{
    const char *w = req_arg(req, "done");

    for (size_t i = 0; w && done_words[i]; i++)
        if (strcmp(w, done_words[i]) == 0)
            return req_t(req, req_printf(req, "account_done_%s", w));
    return NULL;
}

/* The signed-in reader, or the 403 page for staff (*answered = 1). */
static int page_reader(struct request *req, struct response *res, struct cat_reader *r,
                       int *answered)
{
    int rc = account_reader(req, r);

    *answered = 0;
    if (rc != TS_EPERM)
        return rc;
    *answered = 1;
    return respond_page(req, res, 403, "account_staff.html", req_t(req, "account_staff_title"),
                        json_pack("{s:s}", "message", req->err.msg));
}

static const char *record_url(struct request *req, int64_t id)
{
    return req_printf(req, "/records/%lld", (long long)id);
}

/* Ready-hold notices still current (their hold is on the shelf now) and
 * overdue loans; the hold notices are marked seen once shown. */
static json_t *notices_ctx(struct request *req, const struct cat_reader *r,
                           const struct cat_loan *loans, size_t n_loans,
                           const struct cat_hold *holds, size_t n_holds, int64_t now)
{
    struct cat_notice *v = NULL;
    struct ts_err err = {0};
    json_t *a = json_array();
    catalog *cat, *rw;
    size_t n = 0;

    if (view_catalog(req, &cat) == TS_OK &&
        catalog_notice_list(cat, r->id, &v, &n, &err) == TS_OK) {
        for (size_t i = 0; i < n; i++) {
            const struct cat_hold *h = NULL;
            for (size_t k = 0; k < n_holds && !h; k++)
                if (holds[k].id == v[i].hold_id && strcmp(holds[k].status, "ready") == 0)
                    h = &holds[k];
            if (!h || strcmp(v[i].kind, "hold_ready") != 0)
                continue; /* picked up, cancelled or expired since: old news */
            json_array_append_new(a, json_pack("{s:s, s:b, s:b, s:b, s:s, s:s, s:s, s:s}", "kind",
                                               "ready", "ready", 1, "overdue", 0, "new",
                                               v[i].seen_at == 0, "title", v[i].title, "record_url",
                                               record_url(req, h->record_id), "library",
                                               view_library_name(req, v[i].library), "until",
                                               account_day(req, v[i].expires_at)));
            if (!v[i].seen_at && worker_catalog_rw(req->srv, &rw, &err) == TS_OK)
                catalog_notice_seen(rw, r->id, v[i].id, &err); /* best effort: shown again */
        }
    }
    cat_notice_list_free(v, n);
    for (size_t i = 0; i < n_loans; i++)
        if (loans[i].due_at < now)
            json_array_append_new(a, json_pack("{s:s, s:b, s:b, s:b, s:s, s:s, s:s}", "kind",
                                               "overdue", "ready", 0, "overdue", 1, "new", 0,
                                               "title", loans[i].title, "record_url",
                                               record_url(req, loans[i].record_id), "due",
                                               account_day(req, loans[i].due_at)));
    return a;
}

static json_t *loans_ctx(struct request *req, const struct cat_loan *v, size_t n, int64_t now)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++) {
        int overdue = v[i].due_at < now;
        int can_renew = v[i].renewals_left > 0;
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:b}", "title", v[i].title,
                         "record_url", record_url(req, v[i].record_id), "barcode", v[i].barcode,
                         "library", view_library_name(req, v[i].library), "due",
                         account_day(req, v[i].due_at), "overdue", overdue, "renewals_left",
                         v[i].renewals_left, "can_renew", can_renew));
    }
    return a;
}

static json_t *holds_ctx(struct request *req, const struct cat_hold *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++) {
        int ready = strcmp(v[i].status, "ready") == 0;
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:b, s:b, s:i, s:s, s:s, s:s}", "id", (json_int_t)v[i].id,
                         "title", v[i].title, "record_url", record_url(req, v[i].record_id),
                         "ready", ready, "waiting", !ready, "position", v[i].position, "pickup",
                         view_library_name(req, v[i].pickup_library), "ready_until",
                         ready ? account_day(req, v[i].expires_at) : "", "cancel_url",
                         req_printf(req, "/account/holds/%lld/cancel", (long long)v[i].id)));
    }
    return a;
}

static json_t *history_ctx(struct request *req, const struct cat_loan *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "title", v[i].title,
                                           "record_url", record_url(req, v[i].record_id), "loaned",
                                           account_day(req, v[i].loaned_at), "returned",
                                           account_day(req, v[i].returned_at)));
    return a;
}

/* The whole page, with `status` and an optional message. */
static int account_page(struct request *req, struct response *res, int status, const char *ok,
                        const char *error)
{
    struct cat_reader r;
    struct cat_loan *loans = NULL, *hist = NULL;
    struct cat_hold *holds = NULL;
    size_t n_loans = 0, n_holds = 0, n_hist = 0;
    json_t *ctx = NULL, *dloans = NULL;
    int64_t now = ts_now_unix();
    catalog *cat;
    int answered, rc;

    if ((rc = page_reader(req, res, &r, &answered)) || answered)
        return rc;
    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_loan_list_reader(cat, r.id, &loans, &n_loans, &req->err)) ||
        (rc = catalog_hold_list(cat, r.id, 0, 0, &holds, &n_holds, &req->err)) ||
        (rc = account_dloans(req, r.id, &dloans)) ||
        (r.history && (rc = catalog_loan_history(cat, r.id, &hist, &n_hist, &req->err))))
        goto out;
    ctx =
        json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:b, s:o, s:o, s:o, s:o, s:o}", "name", r.name,
                  "home_library", view_library_name(req, r.home_library), "csrf", auth_csrf(req),
                  "ok", ok, "error", error, "blocked", r.blocked, "history_on", r.history,
                  "notices", notices_ctx(req, &r, loans, n_loans, holds, n_holds, now), "loans",
                  loans_ctx(req, loans, n_loans, now), "holds", holds_ctx(req, holds, n_holds),
                  "dloans", dloans, "history", history_ctx(req, hist, n_hist));
    dloans = NULL;
    if (ctx) {
        /* the templates test "is there anything" with these */
        static const char *const lists[] = {"notices", "loans", "holds", "dloans", "history"};
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            json_object_set_new(ctx, req_printf(req, "has_%s", lists[i]),
                                json_boolean(json_array_size(json_object_get(ctx, lists[i]))));
    }
    if (!ctx) {
        rc = ts_fail(&req->err, TS_EINTERNAL, "account page: context");
        goto out;
    }
    rc = respond_page(req, res, status, "account.html", req_t(req, "account_title"), ctx);
out:
    json_decref(dloans);
    cat_loan_list_free(loans, n_loans);
    cat_loan_list_free(hist, n_hist);
    cat_hold_list_free(holds, n_holds);
    cat_reader_clear(&r);
    return rc;
}

int h_page_account(struct request *req, struct response *res)
{
    return account_page(req, res, 200, done_message(req), NULL);
}

/* A refusal the reader should read on their page; other codes are errors. */
static int refused(struct request *req, struct response *res, int rc)
{
    const char *why;

    if (rc != TS_ECONFLICT && rc != TS_EINVAL && rc != TS_EPERM)
        return rc;
    why = req_strdup(req, req->err.msg);
    ts_err_clear(&req->err);
    return account_page(req, res, error_status(rc), NULL, why);
}

static int done(struct request *req, struct response *res, const char *word)
{
    return respond_redirect(req, res, 303, req_printf(req, "/account?done=%s", word));
}

int h_page_account_renew(struct request *req, struct response *res)
{
    struct cat_reader r;
    struct cat_loan l;
    int answered, rc;

    if ((rc = page_reader(req, res, &r, &answered)) || answered)
        return rc;
    rc = account_renew(req, &r, req_form(req, "barcode"), NULL, &l);
    cat_loan_clear(&l);
    cat_reader_clear(&r);
    return rc ? refused(req, res, rc) : done(req, res, "renewed");
}

int h_page_account_hold_cancel(struct request *req, struct response *res)
{
    struct cat_reader r;
    int64_t id;
    int answered, rc;

    if ((rc = page_reader(req, res, &r, &answered)) || answered)
        return rc;
    cat_reader_clear(&r);
    if ((rc = req_param_id(req, 0, &id)) || (rc = account_hold_cancel(req, id)))
        return refused(req, res, rc);
    return done(req, res, "hold_cancelled");
}

int h_page_account_history(struct request *req, struct response *res)
{
    const char *want = req_form(req, "history");
    struct cat_reader r;
    catalog *cat;
    int answered, on, rc;

    if ((rc = page_reader(req, res, &r, &answered)) || answered)
        return rc;
    if (!want || (strcmp(want, "on") != 0 && strcmp(want, "off") != 0)) {
        cat_reader_clear(&r);
        return refused(req, res,
                       ts_fail(&req->err, TS_EINVAL, "%s", req_t(req, "account_history_choose")));
    }
    on = strcmp(want, "on") == 0;
    if ((rc = worker_catalog_rw(req->srv, &cat, &req->err)) == TS_OK)
        rc = catalog_reader_set_history(cat, r.id, on, account_actor(req), &req->err);
    cat_reader_clear(&r);
    if (rc)
        return rc;
    return done(req, res, on ? "history_on" : "history_off");
}
