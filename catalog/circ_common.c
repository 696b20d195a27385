/*
 * catalog/circ_common.c - shared pieces of the circulation files (see
 * circ_int.h): typed statement arguments, copy and reader lookups for the
 * desk, placing a copy (status + custodian + index queue), dates and events.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "circ_int.h"
#include "ts_buf.h"

int circ_code(const struct ts_err *err)
{
    return err && err->code != TS_OK ? (int)err->code : TS_EDB;
}

sqlite3_stmt *circ_stmt(catalog *cat, const char *sql, struct ts_err *err, const struct circ_arg *a,
                        size_t n)
{
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    if (!st)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (a[i].type == 'i')
            sqlite3_bind_int64(st, (int)i + 1, a[i].i);
        else
            cat_bind_text(st, (int)i + 1, a[i].t);
    }
    return st;
}

int circ_exec(catalog *cat, const char *sql, const char *what, struct ts_err *err,
              const struct circ_arg *a, size_t n)
{
    sqlite3_stmt *st = circ_stmt(cat, sql, err, a, n);

    if (!st)
        return circ_code(err);
    return cat_step_done(cat, st, what, err);
}

int circ_one_i64(catalog *cat, const char *sql, const char *what, int64_t *out, int *found,
                 struct ts_err *err, const struct circ_arg *a, size_t n)
{
    sqlite3_stmt *st = circ_stmt(cat, sql, err, a, n);
    int src;

    *out = 0;
    *found = 0;
    if (!st)
        return circ_code(err);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        *found = 1;
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return cat_dberr(cat, src, what, err);
    return TS_OK;
}

void circ_col_copy(sqlite3_stmt *st, int i, char *buf, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, cap, "%s", t ? (const char *)t : "");
}

#define ITEM_SQL                                                                                   \
    "SELECT i.id, i.record_id, i.home_library_id, i.custodian_id, i.status, i.barcode, h.code,"    \
    " c.code FROM item i JOIN library h ON h.id = i.home_library_id"                               \
    " JOIN library c ON c.id = i.custodian_id"

static int item_load(catalog *cat, sqlite3_stmt *st, const char *what, struct circ_item *it,
                     struct ts_err *err)
{
    int src = sqlite3_step(st);

    if (src == SQLITE_ROW) {
        it->id = sqlite3_column_int64(st, 0);
        it->record_id = sqlite3_column_int64(st, 1);
        it->home_id = sqlite3_column_int64(st, 2);
        it->custodian_id = sqlite3_column_int64(st, 3);
        circ_col_copy(st, 4, it->status, sizeof it->status);
        circ_col_copy(st, 5, it->barcode, sizeof it->barcode);
        circ_col_copy(st, 6, it->home, sizeof it->home);
        circ_col_copy(st, 7, it->custodian, sizeof it->custodian);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "find copy", err);
    return ts_fail(err, TS_ENOTFOUND, "no copy with barcode '%s'", what);
}

int circ_item_load(catalog *cat, const char *barcode, struct circ_item *it, struct ts_err *err)
{
    static const char sql[] = ITEM_SQL " WHERE i.barcode = ?1";
    sqlite3_stmt *st;

    memset(it, 0, sizeof *it);
    if (!barcode || !*barcode)
        return ts_fail(err, TS_EINVAL, "a barcode is needed");
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_T(barcode)))))
        return circ_code(err);
    return item_load(cat, st, barcode, it, err);
}

int circ_item_load_id(catalog *cat, int64_t id, struct circ_item *it, struct ts_err *err)
{
    static const char sql[] = ITEM_SQL " WHERE i.id = ?1";
    sqlite3_stmt *st;
    char what[32];

    memset(it, 0, sizeof *it);
    snprintf(what, sizeof what, "#%lld", (long long)id);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(id)))))
        return circ_code(err);
    return item_load(cat, st, what, it, err);
}

int circ_item_place(catalog *cat, const struct circ_item *it, const char *status,
                    int64_t custodian_id, struct ts_err *err)
{
    static const char sql_moved[] =
        "UPDATE item SET status = ?2, custodian_id = ?3, updated = ?4 WHERE id = ?1";
    /* sqlite rewrites the entry of every index whose column is SET, even to
     * the same value: a copy that stays where it is leaves item_custodian
     * alone (one page less per checkout and per return at the home desk) */
    static const char sql_here[] = "UPDATE item SET status = ?2, updated = ?4 WHERE id = ?1";
    int rc =
        circ_exec(cat, custodian_id == it->custodian_id ? sql_here : sql_moved, "place copy", err,
                  CIRC_ARGS(CA_I(it->id), CA_T(status), CA_I(custodian_id), CA_I(cat_now(cat))));
    if (rc)
        return rc;
    /* availability and custodian are search filters: the record's library
     * and availability terms change (only those: see catalog_queue_holdings) */
    return catalog_queue_holdings(cat, it->record_id, err);
}

int circ_reader_load(catalog *cat, int64_t id, struct circ_reader *r, struct ts_err *err)
{
    static const char sql[] = "SELECT id, home_library_id, active, history, blocked, category,"
                              " card FROM reader WHERE id = ?1";
    sqlite3_stmt *st;
    int src;

    memset(r, 0, sizeof *r);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(id)))))
        return circ_code(err);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        r->id = sqlite3_column_int64(st, 0);
        r->home_id = sqlite3_column_int64(st, 1);
        r->active = sqlite3_column_int(st, 2);
        r->history = sqlite3_column_int(st, 3);
        r->is_blocked = sqlite3_column_type(st, 4) != SQLITE_NULL;
        circ_col_copy(st, 4, r->blocked, sizeof r->blocked);
        circ_col_copy(st, 5, r->category, sizeof r->category);
        circ_col_copy(st, 6, r->card, sizeof r->card);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "find reader", err);
    return ts_fail(err, TS_ENOTFOUND, "no reader #%lld", (long long)id);
}

int circ_reader_may_borrow(const struct circ_reader *r, struct ts_err *err)
{
    if (!r->active)
        return ts_fail(err, TS_ECONFLICT, "reader %s is no longer active", r->card);
    if (r->is_blocked)
        return ts_fail(err, TS_ECONFLICT, "reader %s is blocked: %s", r->card, r->blocked);
    return TS_OK;
}

void circ_library_code(catalog *cat, int64_t id, char *buf, size_t cap)
{
    static const char sql[] = "SELECT code FROM library WHERE id = ?1";
    sqlite3_stmt *st = circ_stmt(cat, sql, NULL, CIRC_ARGS(CA_I(id)));

    snprintf(buf, cap, "?");
    if (!st)
        return;
    if (sqlite3_step(st) == SQLITE_ROW)
        circ_col_copy(st, 0, buf, cap);
    sqlite3_reset(st);
}

int circ_library_exists(catalog *cat, int64_t id, struct ts_err *err)
{
    static const char sql[] = "SELECT 1 FROM library WHERE id = ?1";
    int64_t one;
    int found, rc;

    if ((rc = circ_one_i64(cat, sql, "find library", &one, &found, err, CIRC_ARGS(CA_I(id)))))
        return rc;
    return found ? TS_OK : ts_fail(err, TS_ENOTFOUND, "no library #%lld", (long long)id);
}

void circ_date(int64_t t, char buf[16])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!localtime_r(&tt, &tm) || !strftime(buf, 16, "%Y-%m-%d", &tm))
        snprintf(buf, 16, "?");
}

int circ_event(catalog *cat, const char *actor, const char *kind, const char *subject,
               const struct ts_buf *detail, struct ts_err *err)
{
    return catalog_event_add(cat, actor && *actor ? actor : "cli", kind, subject,
                             detail ? ts_buf_str(detail) : NULL, err);
}
