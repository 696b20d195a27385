/*
 * catalog/circ_int.h - module-private pieces shared by the circulation files
 * (loan.c hold.c reader.c account.c session.c policy.c dloan.c circ_check.c):
 * typed statement arguments, small lookups of items and readers, the hold
 * shelf placement that loan.c and hold.c share, and message helpers.
 */
#ifndef TS_CIRC_INT_H
#define TS_CIRC_INT_H

#include "catalog_int.h"
#include "circ.h"

struct ts_buf;

/* A typed statement argument: CA_I(int64), CA_T(text or NULL). */
struct circ_arg {
    char type; /* 'i' or 't' */
    int64_t i;
    const char *t;
};
#define CA_I(v) ((struct circ_arg){'i', (int64_t)(v), NULL})
#define CA_T(v) ((struct circ_arg){'t', 0, (v)})
#define CIRC_ARGS(...)                                                                             \
    (const struct circ_arg[]){__VA_ARGS__},                                                        \
        sizeof((const struct circ_arg[]){__VA_ARGS__}) / sizeof(struct circ_arg)

/* The code *err holds after a failed cat_stmt (TS_EDB without err). */
int circ_code(const struct ts_err *err);
/* Prepared (cached) statement for static `sql` with args bound; NULL + *err. */
sqlite3_stmt *circ_stmt(catalog *cat, const char *sql, struct ts_err *err, const struct circ_arg *a,
                        size_t n);
/* Run a statement that returns no rows. */
int circ_exec(catalog *cat, const char *sql, const char *what, struct ts_err *err,
              const struct circ_arg *a, size_t n);
/* First column of the first row as int64: *found 0 when there is no row. */
int circ_one_i64(catalog *cat, const char *sql, const char *what, int64_t *out, int *found,
                 struct ts_err *err, const struct circ_arg *a, size_t n);

/* Copy column i's text into buf (truncated, "" for NULL). */
void circ_col_copy(sqlite3_stmt *st, int i, char *buf, size_t cap);

/* A copy as the desk sees it. */
struct circ_item {
    int64_t id, record_id, home_id, custodian_id;
    char status[16], barcode[72], home[40], custodian[40];
};
/* TS_ENOTFOUND "no copy with barcode ..." */
int circ_item_load(catalog *cat, const char *barcode, struct circ_item *it, struct ts_err *err);
int circ_item_load_id(catalog *cat, int64_t id, struct circ_item *it, struct ts_err *err);
/* Set status and custodian and queue the record (the index shows availability). */
int circ_item_place(catalog *cat, const struct circ_item *it, const char *status,
                    int64_t custodian_id, struct ts_err *err);

struct circ_reader {
    int64_t id, home_id;
    int active, history, is_blocked;
    char category[8], card[72], blocked[256];
};
/* TS_ENOTFOUND "no reader ..." */
int circ_reader_load(catalog *cat, int64_t id, struct circ_reader *r, struct ts_err *err);
/* TS_ECONFLICT when the reader may not borrow now (inactive, blocked). */
int circ_reader_may_borrow(const struct circ_reader *r, struct ts_err *err);

/* Code of a library id into buf ("?" when unknown). */
void circ_library_code(catalog *cat, int64_t id, char *buf, size_t cap);
/* TS_ENOTFOUND "no library ..." */
int circ_library_exists(catalog *cat, int64_t id, struct ts_err *err);

/* "2025-03-14" (local time) into buf[16]. */
void circ_date(int64_t t, char buf[16]);

/* Write the action's one event. detail: a JSON object (borrowed). */
int circ_event(catalog *cat, const char *actor, const char *kind, const char *subject,
               const struct ts_buf *detail, struct ts_err *err);

/* ---- hold.c, used by loan.c and reader.c ---- */

/* Oldest waiting hold on `record_id` with pickup `library_id`: *hold_id, or 0. */
int circ_hold_next(catalog *cat, int64_t record_id, int64_t library_id, int64_t *hold_id,
                   struct ts_err *err);
/* Put copy `it` on the hold shelf at library_id for waiting hold `hold_id`:
 * hold ready with its shelf expiry and a notice; *expires set. */
int circ_hold_fill(catalog *cat, int64_t hold_id, const struct circ_item *it, int64_t library_id,
                   int64_t *expires, struct ts_err *err);
/* Close an active hold as `status` (fulfilled, cancelled, expired): closed_at,
 * notice removed, reader link cleared unless history. Does not move the copy. */
int circ_hold_close(catalog *cat, int64_t hold_id, const char *status, struct ts_err *err);
/* The copy of a hold that just closed leaves the hold shelf: the next waiting
 * hold at the same library, else the shelf at home, else in transit home.
 * *next_hold: the hold it now fills, or 0. */
int circ_hold_release_item(catalog *cat, int64_t item_id, int64_t *next_hold, struct ts_err *err);

/* ---- loan.c ---- */

/* Idempotency: look `key` up for `action`; *found 1 with the stored result
 * when the same request was seen; TS_ECONFLICT when the key was used for
 * another request. */
int circ_idem_get(catalog *cat, const char *key, const char *action, const char *request,
                  int *found, int64_t *result, int64_t *outcome, int64_t *aux, struct ts_err *err);
int circ_idem_put(catalog *cat, const char *key, const char *action, const char *request,
                  int64_t result, int64_t outcome, int64_t aux, struct ts_err *err);

#endif
