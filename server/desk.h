/*
 * server/desk.h - what the desk pages (h_desk.c) and the circulation API
 * (h_circ_api.c) share: the desk's library, idempotency keys, whether the
 * signed-in account may see who a reader is, dates, and the JSON of loans
 * and holds.
 *
 * Privacy: a reader's name (and, in lists, their other loans and holds) is
 * shown only when auth_reader() lets the account read that reader. A card
 * number appears where the desk needs it to hand a copy over (hold slips,
 * overdue lists of the desk's own loans), never in a URL or a log line.
 * Strings are arena copies; json_t results are new references.
 */
#ifndef TS_DESK_H
#define TS_DESK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "circ.h"

struct request;
struct cat_library;

/* The library `code` from the request's library list (borrowed until the
 * request ends): TS_OK, TS_EINVAL (no code given), TS_ENOTFOUND (unknown). */
int desk_library(struct request *req, const char *code, const struct cat_library **out);

/*
 * The catalogue's idempotency key for a client's key (1-128 bytes, checked
 * by the caller): "<scope>:<account id>:" + SHA-256 of the key and `extra`
 * (NULL ok). Scoping by account means one account's key can never replay
 * another account's answer; hashing keeps it within the catalogue's 128
 * bytes whatever the client sent. Arena string.
 */
const char *desk_idem_key(struct request *req, const char *scope, const char *client_key,
                          const char *extra);

/* Readers already asked about, so a list of 200 overdue loans costs one
 * look-up per distinct reader. Zero-initialise; arena memory. */
struct desk_seen {
    int64_t *ids;
    unsigned char *visible;
    size_t n, cap;
};
/* 1 if the account may read reader `reader_id` (auth_reader, read scope),
 * else 0 (also for an unknown reader or a failed look-up). Leaves req->err
 * clear. */
int desk_reader_visible(struct request *req, struct desk_seen *seen, int64_t reader_id);

/* Unix time -> "2025-03-14", the library's calendar day (local time, as the
 * catalogue's messages and the terminal desk show it); NULL for 0. Arena. */
const char *desk_day(struct request *req, int64_t t);
/* Unix time -> ISO 8601 UTC timestamp, or JSON null for 0. New reference. */
json_t *desk_time_json(struct request *req, int64_t t);

/* API loan: {"id","barcode","title","record_id","library","loaned_at",
 * "due_at","due_date","renewals","renewals_left"} plus, with `seen`,
 * "reader": {"id","card","name"} (name null unless visible), else only
 * "reader_id". */
json_t *desk_loan_json(struct request *req, const struct cat_loan *l, struct desk_seen *seen);
/* API hold: {"id","status","record_id","title","pickup_library","barcode",
 * "position","placed_at","ready_at","expires_at"} plus, with `seen`, the
 * "reader" as above. */
json_t *desk_hold_json(struct request *req, const struct cat_hold *h, struct desk_seen *seen);

/* ---- the desk page (desk_page.c, for h_desk.c) ---- */

struct response;

#define DESK_FORM_KEY_LEN 32 /* hex characters of a form's random key */

/* What one rendering of the desk shows. */
struct desk_view {
    const struct cat_library *lib; /* the desk's library */
    int can_act;                   /* auth_library_act said yes: show the forms */
    int64_t reader_id;             /* 0: no reader selected */
    const char *focus;             /* "card", "item", "return", "renew": where the next scan goes */
    json_t *result;                /* the last action's answer for the template, or NULL */
};

/* A fresh random key for one rendered form (arena), and its shape check. */
const char *desk_form_key(struct request *req);
int desk_form_key_valid(const char *key);

/* Render templates/desk.html for v as the response with `status`; takes
 * v->result (even on failure). Returns TS_OK or a catalogue/rendering error. */
int desk_page(struct request *req, struct response *res, int status, struct desk_view *v);

#endif
