/*
 * server/desk_page.c - rendering the circulation desk page (templates/
 * desk.html) for h_desk.c: the library chooser, the selected reader with
 * their loans, holds and receipt, the desk library's hold shelf, waiting
 * holds and overdue loans, and a fresh random key in every form.
 *
 * Privacy: the reader part asks desk_reader_visible (auth_reader) whether
 * the account may know who the reader is; if not, the reader is a card
 * number with only the loans this desk lent them. Lists name readers by
 * card, by name only where the account may read them.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "desk.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_util.h"
#include "views.h"

/* Rows per list on the page: it is rendered again after every scan, so a
 * library with a long overdue list gets the oldest part (the API has all). */
#define LIST_MAX 100

const char *desk_form_key(struct request *req)
{
    unsigned char raw[DESK_FORM_KEY_LEN / 2];
    char hex[DESK_FORM_KEY_LEN + 1];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    return req_strdup(req, hex);
}

int desk_form_key_valid(const char *k)
{
    if (!k || strlen(k) != DESK_FORM_KEY_LEN)
        return 0;
    for (const char *p = k; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

/* The libraries whose desk the account may see, for the chooser. */
static json_t *library_choices(struct request *req, const struct cat_library *chosen)
{
    json_t *a = json_array();

    view_library_name(req, ""); /* loads the request's library list */
    for (size_t i = 0; i < req->n_libs; i++) {
        const struct cat_library *l = &req->libs[i];
        if (auth_library_read(req, l->id) == TS_OK)
            json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code", l->code, "name", l->name,
                                               "selected", chosen && l->id == chosen->id));
    }
    ts_err_clear(&req->err);
    return a;
}

/* The selected reader: who (as far as the account may know), their loans
 * (all of them, or only this desk's), their holds, and the receipt of what
 * this desk lent them. Sets "reader" and "receipt" on ctx. */
static int reader_part(struct request *req, const struct desk_view *v, catalog *cat, json_t *ctx)
{
    struct cat_reader r = {0};
    struct cat_loan *loans = NULL;
    struct cat_hold *holds = NULL;
    size_t n_loans = 0, n_holds = 0, n_here = 0;
    int64_t now = ts_now_unix();
    json_t *o, *lv, *hv, *items;
    int visible, rc;

    if ((rc = catalog_reader_get(cat, v->reader_id, &r, &req->err))) {
        if (rc != TS_ENOTFOUND)
            return rc;
        ts_err_clear(&req->err); /* a reader_id sent by hand that names nobody: no reader */
        return TS_OK;
    }
    visible = desk_reader_visible(req, NULL, r.id);
    if ((rc = catalog_loan_list_reader(cat, r.id, &loans, &n_loans, &req->err)) ||
        (visible && (rc = catalog_hold_list(cat, r.id, 0, 0, &holds, &n_holds, &req->err))))
        goto out;
    lv = json_array();
    items = json_array();
    for (size_t i = 0; i < n_loans; i++) {
        const struct cat_loan *l = &loans[i];
        int here = l->library_id == v->lib->id;
        if (!visible && !here)
            continue;
        json_array_append_new(
            lv, json_pack("{s:s, s:s?, s:s?, s:b, s:s, s:i, s:s?}", "barcode", l->barcode, "title",
                          l->title, "due", desk_day(req, l->due_at), "overdue", l->due_at < now,
                          "library", view_library_name(req, l->library), "renewals_left",
                          l->renewals_left, "renew_key",
                          v->can_act && l->renewals_left > 0 ? desk_form_key(req) : NULL));
        if (here) {
            n_here++;
            json_array_append_new(items,
                                  json_pack("{s:s, s:s?, s:s?}", "barcode", l->barcode, "title",
                                            l->title, "due", desk_day(req, l->due_at)));
        }
    }
    hv = json_array();
    for (size_t i = 0; i < n_holds; i++) {
        const struct cat_hold *h = &holds[i];
        json_array_append_new(
            hv,
            json_pack("{s:s?, s:s, s:b, s:s?, s:s?, s:i}", "title", h->title, "pickup_library",
                      view_library_name(req, h->pickup_library ? h->pickup_library : ""), "ready",
                      h->status && strcmp(h->status, "ready") == 0, "barcode", h->barcode, "until",
                      desk_day(req, h->expires_at), "position", h->position));
    }
    o = json_pack("{s:I, s:s, s:s?, s:s?, s:b, s:s, s:b, s:b, s:o, s:b, s:b, s:o}", "id",
                  (json_int_t)r.id, "card", r.card, "name", visible ? r.name : NULL, "class_name",
                  visible ? r.class_name : NULL, "other_library", !visible, "home_library",
                  view_library_name(req, r.home_library ? r.home_library : ""), "inactive",
                  !r.active, "has_loans", json_array_size(lv) > 0, "loans", lv, "show_holds",
                  visible, "has_holds", n_holds > 0, "holds", hv);
    if (o && r.blocked)
        json_object_set_new(o, "blocked",
                            json_pack("{s:s?}", "reason", visible ? r.blocked : NULL));
    json_object_set_new(ctx, "reader", o);
    json_object_set_new(ctx, "reader_id", json_integer(r.id));
    if (n_here)
        json_object_set_new(ctx, "receipt",
                            json_pack("{s:s, s:s?, s:s, s:s?, s:o}", "library", v->lib->name,
                                      "today", desk_day(req, now), "card", r.card, "name",
                                      visible ? r.name : NULL, "items", items));
    else
        json_decref(items);
out:
    cat_reader_clear(&r);
    cat_loan_list_free(loans, n_loans);
    cat_hold_list_free(holds, n_holds);
    return rc;
}

/* The desk library's lists: the hold shelf, the holds waiting for a copy,
 * the overdue loans it lent. */
static int lists_part(struct request *req, const struct desk_view *v, catalog *cat, json_t *ctx)
{
    struct cat_hold *holds = NULL;
    struct cat_loan *late = NULL;
    struct desk_seen seen = {0};
    size_t n_holds = 0, n_late = 0, n_more = 0;
    int64_t now = ts_now_unix();
    json_t *shelf, *waiting, *overdue;
    int rc;

    if ((rc = catalog_hold_list(cat, 0, v->lib->id, 0, &holds, &n_holds, &req->err)) ||
        (rc = catalog_loan_overdue(cat, v->lib->id, &late, &n_late, &req->err)))
        goto out;
    shelf = json_array();
    waiting = json_array();
    for (size_t i = 0; i < n_holds; i++) {
        const struct cat_hold *h = &holds[i];
        int ready = h->status && strcmp(h->status, "ready") == 0;
        const char *name;
        if (json_array_size(ready ? shelf : waiting) == LIST_MAX) {
            n_more++;
            continue;
        }
        name = desk_reader_visible(req, &seen, h->reader_id) ? h->reader_name : NULL;
        json_array_append_new(ready ? shelf : waiting,
                              json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:i}", "barcode",
                                        h->barcode, "title", h->title, "card", h->reader_card,
                                        "name", name, "until", desk_day(req, h->expires_at),
                                        "placed", desk_day(req, h->placed_at), "position",
                                        h->position));
    }
    overdue = json_array();
    for (size_t i = 0; i < n_late && i < LIST_MAX; i++) {
        const struct cat_loan *l = &late[i];
        const char *name = desk_reader_visible(req, &seen, l->reader_id) ? l->reader_name : NULL;
        json_array_append_new(overdue,
                              json_pack("{s:s, s:s?, s:s?, s:I, s:s?, s:s?}", "barcode", l->barcode,
                                        "title", l->title, "due", desk_day(req, l->due_at), "days",
                                        (json_int_t)((now - l->due_at + 86399) / 86400), "card",
                                        l->reader_card, "name", name));
    }
    json_object_set_new(ctx, "has_shelf", json_boolean(json_array_size(shelf) > 0));
    json_object_set_new(ctx, "shelf", shelf);
    json_object_set_new(ctx, "has_waiting", json_boolean(json_array_size(waiting) > 0));
    json_object_set_new(ctx, "waiting", waiting);
    json_object_set_new(ctx, "has_overdue", json_boolean(n_late > 0));
    json_object_set_new(ctx, "overdue", overdue);
    n_more += n_late > LIST_MAX ? n_late - LIST_MAX : 0;
    if (n_more)
        json_object_set_new(ctx, "more", json_integer((json_int_t)n_more));
out:
    cat_hold_list_free(holds, n_holds);
    cat_loan_list_free(late, n_late);
    return rc;
}

int desk_page(struct request *req, struct response *res, int status, struct desk_view *v)
{
    const char *focus = v->focus ? v->focus : v->reader_id ? "item" : "card";
    catalog *cat;
    json_t *ctx;
    int rc;

    ctx = json_pack(
        "{s:{s:s, s:s}, s:o, s:b, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "library", "code",
        v->lib->code, "name", v->lib->name, "libraries", library_choices(req, v->lib), "can_act",
        v->can_act, "csrf", auth_csrf(req), "desk_library", v->lib->code, "desk_url",
        req_printf(req, "/desk?library=%s", req_urlencode(req, v->lib->code)), "key_checkout",
        desk_form_key(req), "key_return", desk_form_key(req), "focus_card",
        strcmp(focus, "card") == 0, "focus_item", strcmp(focus, "item") == 0, "focus_return",
        strcmp(focus, "return") == 0, "focus_renew", strcmp(focus, "renew") == 0);
    if (!ctx) {
        json_decref(v->result);
        return ts_fail(&req->err, TS_EINTERNAL, "desk page context");
    }
    json_object_set_new(ctx, "key_renew", json_string(desk_form_key(req)));
    if (v->result)
        json_object_set_new(ctx, "result", v->result);
    v->result = NULL;
    if ((rc = view_catalog(req, &cat)) || (v->reader_id && (rc = reader_part(req, v, cat, ctx))) ||
        (rc = lists_part(req, v, cat, ctx))) {
        json_decref(ctx);
        return rc;
    }
    return respond_page(req, res, status, "desk.html",
                        req_printf(req, "%s: %s", req_t(req, "desk_heading"), v->lib->name), ctx);
}
