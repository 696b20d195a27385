/*
 * server/h_account.c - reader self-service, the shared part: who the
 * signed-in reader is, the actor their actions are recorded under, dates,
 * refusals in the reader's language, and the JSON shapes of loans, holds,
 * notices and digital loans that both the account page (h_account_page.c)
 * and the JSON API (h_account_api.c) are built from.
 *
 * Privacy: a reader reaches only their own rows. Everything here starts
 * from req->account->reader_id, never from a reader id in the request; a
 * hold or loan that is not theirs is "not found", exactly like one that
 * does not exist, so ids cannot be probed. Card numbers never go into URLs
 * or events (account_actor).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "h_account.h"
#include "h_account_int.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_mem.h"
#include "ts_util.h"
#include "views.h"

int account_reader(struct request *req, struct cat_reader *out)
{
    struct cat_account *a = req->account;
    catalog *cat;
    int rc;

    memset(out, 0, sizeof *out);
    if (!a)
        return ts_fail(&req->err, TS_EAUTH, "%s", req_t(req, "auth_login_first"));
    if (auth_rank(req) != ROLE_READER || !a->reader_id)
        return ts_fail(&req->err, TS_EPERM, "%s", req_t(req, "account_staff_only"));
    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_reader_get(cat, a->reader_id, out, &req->err)))
        return rc;
    if ((!a->name || !*a->name) && out->name) {
        /* the header shows a->name, else the login, which for a reader is
         * the card number: give it the reader's name (freed with the account) */
        free(a->name);
        a->name = ts_xstrdup(out->name);
    }
    return TS_OK;
}

const char *account_actor(const struct request *req)
{
    return auth_rank(req) == ROLE_READER ? "self-service" : auth_actor(req);
}

/* Local date of `t`, with the time of day if `clock` (arena); "" for 0. */
static const char *local_time(struct request *req, int64_t t, int clock)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];
    size_t len;

    if (!t || !localtime_r(&tt, &tm))
        return "";
    len = clock ? strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm)
                : strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    if (!len)
        return "";
    return req_strdup(req, buf);
}

const char *account_day(struct request *req, int64_t t)
{
    return local_time(req, t, 0);
}

const char *account_day_time(struct request *req, int64_t t)
{
    return local_time(req, t, 1);
}

/*
 * The catalogue words its refusals in English for librarians at a terminal.
 * A reader on the Vietnamese page gets the case in their language, matched
 * on the catalogue's wording (catalog/hold.c, loan.c, dloan.c,
 * circ_common.c); anything unknown falls back to the catalogue's text.
 */
static const struct {
    const char *needle, *key, *tail_after; /* tail_after: append what follows it */
} refusals[] = {
    {"on the shelf at", "account_refused_on_shelf", NULL},
    {"already has a copy of this title on loan", "account_refused_on_loan", NULL},
    {"already has a hold on this title", "account_refused_already_held", NULL},
    {"active holds: the limit", "account_refused_hold_limit", NULL},
    {"no library has a copy of this title", "account_refused_no_copy", NULL},
    {"is blocked: ", "account_refused_blocked", "is blocked: "},
    {"is no longer active", "account_refused_inactive", NULL},
    {"has been renewed", "account_refused_no_renewals", NULL},
    {"another reader is waiting", "account_refused_waiting", NULL},
    {"already borrowed this file (until ", "account_refused_dloan_mine", "(until "},
    {"of this file are lent: one is free again on ", "account_refused_dloan_all_lent", "again on "},
    {"can only be read at the library", "account_refused_onsite", NULL},
    {"openly licensed", "account_refused_open", NULL},
    {"this file is not on loan to you", "account_refused_dloan_not_mine", NULL},
    {"is not on loan", "account_refused_not_on_loan", NULL}, /* after the file's own */
    {"log in and borrow this file", "account_refused_dloan_login", NULL},
    {"borrow this file to read it", "account_refused_dloan_borrow", NULL},
};

const char *account_refusal(struct request *req)
{
    const char *msg = req->err.msg;

    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const char *hit = strstr(msg, refusals[i].needle), *tail;
        if (!hit)
            continue;
        if (!refusals[i].tail_after)
            return req_t(req, refusals[i].key);
        tail = strstr(msg, refusals[i].tail_after) + strlen(refusals[i].tail_after);
        /* "(until 2025-03-14)": drop the closing parenthesis */
        return req_printf(req, "%s %.*s", req_t(req, refusals[i].key), (int)strcspn(tail, ")"),
                          tail);
    }
    return msg;
}

/* Put the translated refusal into req->err, keeping the code. */
int account_refused(struct request *req, int rc)
{
    if (rc == TS_ECONFLICT || rc == TS_EPERM || rc == TS_EINVAL || rc == TS_EAUTH)
        return ts_fail(&req->err, rc, "%s", account_refusal(req));
    return rc;
}

int account_login_redirect(struct request *req, struct response *res)
{
    const char *here = page_url_with(req, "lang", NULL, NULL);

    response_clear(res);
    res->n_headers = 0;
    return respond_redirect(req, res, 303,
                            req_printf(req, "/login?next=%s", req_urlencode(req, here)));
}

/* ------------------------------------------------------------ operations */

int account_renew(struct request *req, const struct cat_reader *r, const char *barcode,
                  const char *idem_key, struct cat_loan *out)
{
    struct cat_desk desk = {0};
    struct cat_loan *v = NULL;
    size_t n = 0;
    catalog *cat;
    int mine = 0, rc;

    memset(out, 0, sizeof *out);
    if (!barcode || !*barcode || strlen(barcode) > 64)
        return ts_fail(&req->err, TS_EINVAL, "%s", req_t(req, "account_barcode_needed"));
    /* self-service renews any barcode: make sure this one is the reader's */
    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_loan_list_reader(cat, r->id, &v, &n, &req->err)))
        return rc;
    for (size_t i = 0; i < n && !mine; i++)
        mine = strcmp(v[i].barcode, barcode) == 0;
    cat_loan_list_free(v, n);
    if (!mine)
        return ts_fail(&req->err, TS_ENOTFOUND, "%s", req_t(req, "account_no_such_loan"));
    desk.library_id = 0;    /* self-service: the lending library's rules */
    desk.reader_id = r->id; /* and the catalogue re-checks ownership in its transaction */
    desk.actor = account_actor(req);
    if (idem_key) {
        /* catalogue keys are global: scope the client's key to this account
         * (and hash it, so any 1-128 byte key fits) so that one reader's key
         * can never replay, or collide with, another's */
        char hex[65];
        if (!*idem_key || strlen(idem_key) > 128)
            return ts_fail(&req->err, TS_EINVAL, "Idempotency-Key must be 1-128 bytes");
        ts_sha256_hex(idem_key, strlen(idem_key), hex);
        desk.idem_key = req_printf(req, "self:%lld:%s", (long long)req->account->id, hex);
    }
    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    rc = catalog_loan_renew(cat, &desk, barcode, out, &req->err);
    if ((rc = worker_desk_leave(req, rc)))
        cat_loan_clear(out); /* filled before a failed COMMIT */
    return account_refused(req, rc);
}

int account_hold_load(struct request *req, int64_t hold_id, int act, struct cat_hold *out)
{
    struct cat_reader owner;
    catalog *cat;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = view_catalog(req, &cat)))
        return rc;
    rc = catalog_hold_get(cat, hold_id, out, &req->err);
    if (rc == TS_OK && out->reader_id) {
        if ((rc = catalog_reader_get(cat, out->reader_id, &owner, &req->err)) == TS_OK) {
            rc = auth_reader(req, out->reader_id, owner.home_library_id, act);
            cat_reader_clear(&owner);
        }
    } else if (rc == TS_OK) {
        /* a closed hold that no longer names its reader is nobody's to touch */
        rc = TS_ENOTFOUND;
    }
    if (rc == TS_ENOTFOUND) {
        /* one answer for "no such hold" and "not yours": nothing to probe */
        cat_hold_clear(out);
        return ts_fail(&req->err, TS_ENOTFOUND, "%s", req_t(req, "account_no_such_hold"));
    }
    if (rc)
        cat_hold_clear(out);
    return rc;
}

int account_hold_cancel(struct request *req, int64_t hold_id)
{
    struct cat_hold h;
    catalog *cat;
    int rc;

    if ((rc = account_hold_load(req, hold_id, 1, &h)))
        return rc;
    cat_hold_clear(&h);
    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    rc = catalog_hold_cancel(cat, hold_id, account_actor(req), &req->err);
    return account_refused(req, worker_desk_leave(req, rc));
}

int account_hold_place(struct request *req, int64_t reader_id, int64_t record_id, int64_t pickup_id,
                       int64_t *hold_id)
{
    catalog *cat;
    int rc;

    *hold_id = 0;
    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    rc = catalog_hold_place(cat, reader_id, record_id, pickup_id, account_actor(req), hold_id,
                            &req->err);
    return account_refused(req, worker_desk_leave(req, rc));
}

int account_dloan(struct request *req, const struct cat_reader *r, int64_t file_id,
                  struct cat_dloan *d)
{
    catalog *cat;
    int rc;

    if ((rc = worker_desk_enter(req->srv, &cat, &req->err)))
        return rc;
    rc = d ? catalog_dloan_borrow(cat, file_id, r->id, account_actor(req), d, &req->err)
           : catalog_dloan_return(cat, file_id, r->id, account_actor(req), &req->err);
    return account_refused(req, worker_desk_leave(req, rc));
}

/* ------------------------------------------------------------ JSON shapes */

/* Where a reader reads file `f` of record `record_id` (arena). */
const char *account_read_url(struct request *req, int64_t record_id, const struct cat_file_info *f)
{
    if (strcmp(f->format, "pdf") == 0)
        return req_printf(req, "/files/%lld", (long long)f->id);
    if (view_readable(f->format))
        return req_printf(req, "/records/%lld/read?file=%lld", (long long)record_id,
                          (long long)f->id);
    return req_printf(req, "/api/v1/files/%lld", (long long)f->id);
}

json_t *account_loan_json(struct request *req, const struct cat_loan *l, int64_t now)
{
    return json_pack("{s:s, s:I, s:s, s:{s:s, s:s}, s:s, s:s, s:b, s:i, s:i}", "barcode",
                     l->barcode, "record_id", (json_int_t)l->record_id, "title", l->title,
                     "library", "code", l->library, "name", view_library_name(req, l->library),
                     "loaned_at", view_iso_time(req, l->loaned_at), "due_at",
                     view_iso_time(req, l->due_at), "overdue", l->due_at < now, "renewals",
                     l->renewals, "renewals_left", l->renewals_left);
}

json_t *account_hold_json(struct request *req, const struct cat_hold *h)
{
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:s, s:{s:s, s:s}, s:s}", "id", (json_int_t)h->id, "record_id",
                  (json_int_t)h->record_id, "title", h->title, "status", h->status, "pickup",
                  "code", h->pickup_library, "name", view_library_name(req, h->pickup_library),
                  "placed_at", view_iso_time(req, h->placed_at));

    if (!o)
        return NULL;
    json_object_set_new(o, "position", h->position ? json_integer(h->position) : json_null());
    json_object_set_new(o, "ready_until",
                        h->expires_at ? json_string(view_iso_time(req, h->expires_at))
                                      : json_null());
    return o;
}

json_t *account_notice_json(struct request *req, const struct cat_notice *n)
{
    return json_pack("{s:I, s:s, s:I, s:s, s:{s:s, s:s}, s:s, s:s, s:b}", "id", (json_int_t)n->id,
                     "kind", n->kind, "hold_id", (json_int_t)n->hold_id, "title", n->title,
                     "library", "code", n->library, "name", view_library_name(req, n->library),
                     "created", view_iso_time(req, n->created), "ready_until",
                     view_iso_time(req, n->expires_at), "seen", n->seen_at != 0);
}

int account_dloans(struct request *req, int64_t reader_id, json_t **out)
{
    struct cat_dloan *v = NULL;
    struct cat_record *rec = NULL;
    struct cat_file_info f;
    size_t n = 0;
    catalog *cat;
    int rc;

    *out = NULL;
    if ((rc = view_catalog(req, &cat)) ||
        (rc = catalog_dloan_list_reader(cat, reader_id, &v, &n, &req->err)))
        return rc;
    *out = json_array();
    for (size_t i = 0; i < n; i++) {
        if (catalog_browse_file(cat, v[i].file_id, &f, &req->err))
            continue; /* the file went away since: nothing to read */
        rec = NULL;
        if (catalog_record_get(cat, f.record_id, &rec, &req->err) == TS_OK)
            json_array_append_new(*out,
                                  json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "file_id",
                                            (json_int_t)f.id, "record_id", (json_int_t)f.record_id,
                                            "title", rec->title, "file_name", f.name, "loaned_at",
                                            view_iso_time(req, v[i].loaned_at), "due_at",
                                            view_iso_time(req, v[i].due_at), "read_url",
                                            account_read_url(req, f.record_id, &f), "until",
                                            account_day_time(req, v[i].due_at)));
        cat_record_free(rec);
        cat_file_info_clear(&f);
    }
    ts_err_clear(&req->err);
    free(v);
    return TS_OK;
}
