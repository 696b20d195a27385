/*
 * server/desk.c - pieces the desk pages and the circulation API share (see
 * desk.h): the desk's library, account-scoped idempotency keys, the reader
 * visibility rule (always auth_reader's answer, remembered per request
 * list), dates and the JSON of loans and holds.
 */
#include <string.h>
#include <time.h>

#include "auth.h"
#include "desk.h"
#include "holdings.h"
#include "request.h"
#include "server_int.h"
#include "ts_buf.h"
#include "ts_util.h"
#include "views.h"

int desk_library(struct request *req, const char *code, const struct cat_library **out)
{
    *out = NULL;
    if (!code || !*code)
        return ts_fail(&req->err, TS_EINVAL, "%s", req_t(req, "desk_err_no_library"));
    if (!(*out = holdings_library(req, code)))
        return ts_fail(&req->err, TS_ENOTFOUND, "%s", req_t(req, "desk_err_unknown_library"));
    return TS_OK;
}

const char *desk_idem_key(struct request *req, const char *scope, const char *client_key,
                          const char *extra)
{
    struct ts_buf b;
    char hex[65];

    /* a NUL-separated pair cannot be confused with another split of the same bytes */
    ts_buf_init(&b, 0);
    ts_buf_add(&b, client_key);
    if (extra) {
        ts_buf_addn(&b, "", 1);
        ts_buf_add(&b, extra);
    }
    ts_sha256_hex(b.data ? b.data : "", b.len, hex);
    ts_buf_free(&b);
    return req_printf(req, "%s:%lld:%s", scope, (long long)req->account->id, hex);
}

int desk_reader_visible(struct request *req, struct desk_seen *seen, int64_t reader_id)
{
    struct cat_reader r = {0};
    catalog *cat;
    int visible = 0;

    if (reader_id <= 0)
        return 0;
    for (size_t i = 0; seen && i < seen->n; i++)
        if (seen->ids[i] == reader_id)
            return seen->visible[i];
    if (view_catalog(req, &cat) == TS_OK && catalog_reader_get(cat, reader_id, &r, &req->err) == 0)
        visible = auth_reader(req, reader_id, r.home_library_id, 0) == TS_OK;
    cat_reader_clear(&r);
    ts_err_clear(&req->err);
    if (seen) {
        if (seen->n == seen->cap) {
            size_t cap = seen->cap ? seen->cap * 2 : 16;
            int64_t *ids = req_alloc(req, cap * sizeof *ids);
            unsigned char *vis = req_alloc(req, cap);
            if (seen->n) {
                memcpy(ids, seen->ids, seen->n * sizeof *ids);
                memcpy(vis, seen->visible, seen->n);
            }
            seen->ids = ids;
            seen->visible = vis;
            seen->cap = cap;
        }
        seen->ids[seen->n] = reader_id;
        seen->visible[seen->n++] = (unsigned char)visible;
    }
    return visible;
}

const char *desk_day(struct request *req, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[16];

    if (!t || !localtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d", &tm))
        return NULL;
    return req_strdup(req, buf);
}

json_t *desk_time_json(struct request *req, int64_t t)
{
    return t ? json_string(view_iso_time(req, t)) : json_null();
}

static json_t *reader_ref(struct request *req, struct desk_seen *seen, int64_t reader_id,
                          const char *card, const char *name)
{
    if (!reader_id)
        return json_null(); /* a closed row whose reader link was cleared */
    return json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)reader_id, "card", card, "name",
                     desk_reader_visible(req, seen, reader_id) ? name : NULL);
}

json_t *desk_loan_json(struct request *req, const struct cat_loan *l, struct desk_seen *seen)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s?, s:I, s:s?, s:o, s:o, s:s?, s:i, s:i}", "id", (json_int_t)l->id,
                  "barcode", l->barcode, "title", l->title, "record_id", (json_int_t)l->record_id,
                  "library", l->library, "loaned_at", desk_time_json(req, l->loaned_at), "due_at",
                  desk_time_json(req, l->due_at), "due_date", desk_day(req, l->due_at), "renewals",
                  l->renewals, "renewals_left", l->renewals_left);

    if (o && seen)
        json_object_set_new(o, "reader",
                            reader_ref(req, seen, l->reader_id, l->reader_card, l->reader_name));
    else if (o)
        json_object_set_new(o, "reader_id",
                            l->reader_id ? json_integer(l->reader_id) : json_null());
    return o;
}

json_t *desk_hold_json(struct request *req, const struct cat_hold *h, struct desk_seen *seen)
{
    json_t *o =
        json_pack("{s:I, s:s?, s:I, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:o}", "id", (json_int_t)h->id,
                  "status", h->status, "record_id", (json_int_t)h->record_id, "title", h->title,
                  "pickup_library", h->pickup_library, "barcode", h->barcode, "position",
                  h->position > 0 ? json_integer(h->position) : json_null(), "placed_at",
                  desk_time_json(req, h->placed_at), "ready_at", desk_time_json(req, h->ready_at),
                  "expires_at", desk_time_json(req, h->expires_at));

    if (o && seen)
        json_object_set_new(o, "reader",
                            reader_ref(req, seen, h->reader_id, h->reader_card, h->reader_name));
    return o;
}
