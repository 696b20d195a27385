/*
 * catalog/hold.c - holds: a reader asks for a title (a record) to pick up at
 * a library. State machine:
 *
 *   waiting --fill--> ready --checkout--> fulfilled
 *      |                |----cancel----> cancelled
 *      |                '----expire----> expired
 *      '-----cancel----------------------> cancelled
 *
 * The queue is first come, first served per record and pickup library
 * (placed_at, then id). A hold is filled when a copy of the record comes back
 * (return or check-in) at the pickup library: the copy goes on the hold
 * shelf (status on_hold_shelf), the hold becomes ready with an expiry after
 * the pickup library's hold_shelf_days, and a notice row tells the reader.
 * When a ready hold is cancelled or expires, its copy moves on to the next
 * waiting hold there, else back to the shelf (or in transit to its home).
 *
 * A copy sits on the shelf for one ready hold at a time (unique partial
 * index); a reader has one active hold per record (unique partial index).
 * Closed holds lose their reader link unless the reader opted in to history.
 * Holds are filled only from copies that reach the pickup library: asking
 * another library to send one is the transfer issue's work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circ_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

int circ_hold_next(catalog *cat, int64_t record_id, int64_t library_id, int64_t *hold_id,
                   struct ts_err *err)
{
    static const char sql[] = "SELECT id FROM hold WHERE record_id = ?1 AND pickup_library_id = ?2"
                              " AND status = 'waiting' ORDER BY placed_at, id LIMIT 1";
    int found;

    return circ_one_i64(cat, sql, "find next hold", hold_id, &found, err,
                        CIRC_ARGS(CA_I(record_id), CA_I(library_id)));
}

int circ_hold_fill(catalog *cat, int64_t hold_id, const struct circ_item *it, int64_t library_id,
                   int64_t *expires, struct ts_err *err)
{
    static const char sql_who[] = "SELECT h.reader_id, r.category FROM hold h"
                                  " JOIN reader r ON r.id = h.reader_id"
                                  " WHERE h.id = ?1 AND h.status = 'waiting'";
    static const char sql_ready[] =
        "UPDATE hold SET status = 'ready', item_id = ?2, ready_at = ?3, expires_at = ?4"
        " WHERE id = ?1";
    static const char sql_notice[] =
        "INSERT INTO notice(reader_id, kind, hold_id, created) VALUES (?1, 'hold_ready', ?2, ?3)";
    struct cat_policy pol;
    sqlite3_stmt *st;
    char category[8] = "";
    int64_t reader_id = 0, now = cat_now(cat);
    int src, rc;

    *expires = 0;
    if (!(st = circ_stmt(cat, sql_who, err, CIRC_ARGS(CA_I(hold_id)))))
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        reader_id = sqlite3_column_int64(st, 0);
        circ_col_copy(st, 1, category, sizeof category);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return src == SQLITE_DONE
                   ? ts_fail(err, TS_EINTERNAL, "hold %lld is not waiting", (long long)hold_id)
                   : cat_dberr(cat, src, "fill hold", err);
    if ((rc = catalog_policy_get(cat, library_id, category, &pol, err)))
        return rc;
    *expires = now + (int64_t)pol.hold_shelf_days * 86400;
    if ((rc = circ_exec(cat, sql_ready, "fill hold", err,
                        CIRC_ARGS(CA_I(hold_id), CA_I(it->id), CA_I(now), CA_I(*expires)))) ||
        (rc = circ_item_place(cat, it, "on_hold_shelf", library_id, err)))
        return rc;
    return circ_exec(cat, sql_notice, "notify reader", err,
                     CIRC_ARGS(CA_I(reader_id), CA_I(hold_id), CA_I(now)));
}

int circ_hold_close(catalog *cat, int64_t hold_id, const char *status, struct ts_err *err)
{
    static const char sql_notice[] = "DELETE FROM notice WHERE hold_id = ?1";
    static const char sql_close[] =
        "UPDATE hold SET status = ?2, closed_at = ?3, reader_id = CASE WHEN"
        " (SELECT history FROM reader WHERE id = hold.reader_id) = 1 THEN reader_id END"
        " WHERE id = ?1 AND status IN ('waiting', 'ready')";
    int rc;

    if ((rc = circ_exec(cat, sql_notice, "remove notice", err, CIRC_ARGS(CA_I(hold_id)))) ||
        (rc = circ_exec(cat, sql_close, "close hold", err,
                        CIRC_ARGS(CA_I(hold_id), CA_T(status), CA_I(cat_now(cat))))))
        return rc;
    if (sqlite3_changes(cat->db) != 1)
        return ts_fail(err, TS_EINTERNAL, "hold %lld was not active", (long long)hold_id);
    return TS_OK;
}

int circ_hold_release_item(catalog *cat, int64_t item_id, int64_t *next_hold, struct ts_err *err)
{
    struct circ_item it;
    int64_t expires;
    int rc;

    *next_hold = 0;
    if ((rc = circ_item_load_id(cat, item_id, &it, err)) ||
        (rc = circ_hold_next(cat, it.record_id, it.custodian_id, next_hold, err)))
        return rc;
    if (*next_hold)
        return circ_hold_fill(cat, *next_hold, &it, it.custodian_id, &expires, err);
    if (it.custodian_id == it.home_id)
        return circ_item_place(cat, &it, "available", it.custodian_id, err);
    /* Away from home: it goes back. The transfer issue will open a transfer
     * row here (who ships it, when it left, when it arrived). */
    return circ_item_place(cat, &it, "in_transit", it.custodian_id, err);
}

/* ---------------------------------------------------------------- reading */

#define HOLD_SQL                                                                                   \
    "SELECT h.id, h.record_id, h.reader_id, h.pickup_library_id, h.item_id, h.status, r.title,"    \
    " l.code, i.barcode, rd.card, rd.name, h.placed_at, h.ready_at, h.expires_at, h.closed_at,"    \
    " CASE WHEN h.status = 'waiting' THEN (SELECT count(*) FROM hold q WHERE q.status ="           \
    " 'waiting' AND q.record_id = h.record_id AND q.pickup_library_id = h.pickup_library_id"       \
    " AND (q.placed_at < h.placed_at OR (q.placed_at = h.placed_at AND q.id <= h.id)))"            \
    " ELSE 0 END FROM hold h JOIN record r ON r.id = h.record_id"                                  \
    " JOIN library l ON l.id = h.pickup_library_id LEFT JOIN item i ON i.id = h.item_id"           \
    " LEFT JOIN reader rd ON rd.id = h.reader_id"

static void hold_fill_row(sqlite3_stmt *st, struct cat_hold *h)
{
    memset(h, 0, sizeof *h);
    h->id = sqlite3_column_int64(st, 0);
    h->record_id = sqlite3_column_int64(st, 1);
    h->reader_id = sqlite3_column_int64(st, 2);
    h->pickup_library_id = sqlite3_column_int64(st, 3);
    h->item_id = sqlite3_column_int64(st, 4);
    h->status = cat_col_strdup(st, 5);
    h->title = cat_col_strdup(st, 6);
    h->pickup_library = cat_col_strdup(st, 7);
    h->barcode = cat_col_strdup(st, 8);
    h->reader_card = cat_col_strdup(st, 9);
    h->reader_name = cat_col_strdup(st, 10);
    h->placed_at = sqlite3_column_int64(st, 11);
    h->ready_at = sqlite3_column_int64(st, 12);
    h->expires_at = sqlite3_column_int64(st, 13);
    h->closed_at = sqlite3_column_int64(st, 14);
    h->position = sqlite3_column_int(st, 15);
}

int catalog_hold_get(catalog *cat, int64_t hold_id, struct cat_hold *out, struct ts_err *err)
{
    static const char sql[] = HOLD_SQL " WHERE h.id = ?1";
    sqlite3_stmt *st;
    int src;

    memset(out, 0, sizeof *out);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(hold_id)))))
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW)
        hold_fill_row(st, out);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "get hold", err);
    return ts_fail(err, TS_ENOTFOUND, "no hold #%lld", (long long)hold_id);
}

int catalog_hold_list(catalog *cat, int64_t reader_id, int64_t pickup_library_id, int64_t record_id,
                      struct cat_hold **out, size_t *n, struct ts_err *err)
{
    static const char sql[] =
        HOLD_SQL " WHERE h.status IN ('waiting', 'ready') AND (?1 = 0 OR h.reader_id = ?1)"
                 " AND (?2 = 0 OR h.pickup_library_id = ?2) AND (?3 = 0 OR h.record_id = ?3)"
                 " ORDER BY h.placed_at, h.id";
    struct cat_hold *v = NULL;
    sqlite3_stmt *st;
    size_t cnt = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!(st = circ_stmt(cat, sql, err,
                         CIRC_ARGS(CA_I(reader_id), CA_I(pickup_library_id), CA_I(record_id)))))
        return circ_code(err);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        hold_fill_row(st, &v[cnt++]);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_hold_list_free(v, cnt);
        return cat_dberr(cat, src, "list holds", err);
    }
    *out = v;
    *n = cnt;
    return TS_OK;
}

void cat_hold_clear(struct cat_hold *h)
{
    if (!h)
        return;
    free(h->status);
    free(h->title);
    free(h->pickup_library);
    free(h->barcode);
    free(h->reader_card);
    free(h->reader_name);
    memset(h, 0, sizeof *h);
}

void cat_hold_list_free(struct cat_hold *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cat_hold_clear(&v[i]);
    free(v);
}

/* ---------------------------------------------------------------- actions */

/* {"hold":7,"pickup":"A"[,"reader":"card"]}: the reader only with history on. */
static void hold_detail(catalog *cat, struct ts_buf *d, int64_t hold_id, int64_t library_id,
                        const struct circ_reader *r, const char *extra)
{
    char code[40];

    circ_library_code(cat, library_id, code, sizeof code);
    ts_buf_addf(d, "{\"hold\":%lld,\"pickup\":\"%s\"", (long long)hold_id, code);
    if (r && r->history) {
        ts_buf_add(d, ",\"reader\":");
        cat_json_str(d, r->card);
    }
    if (extra)
        ts_buf_add(d, extra);
    ts_buf_addc(d, '}');
}

static int hold_event(catalog *cat, const char *actor, const char *kind, int64_t record_id,
                      const struct ts_buf *d, struct ts_err *err)
{
    char subject[40];

    snprintf(subject, sizeof subject, "record:%lld", (long long)record_id);
    return circ_event(cat, actor, kind, subject, d, err);
}

int catalog_hold_place(catalog *cat, int64_t reader_id, int64_t record_id,
                       int64_t pickup_library_id, const char *actor, int64_t *hold_id,
                       struct ts_err *err)
{
    static const char sql_record[] = "SELECT 1 FROM record WHERE id = ?1";
    static const char sql_dup[] = "SELECT id FROM hold WHERE reader_id = ?1 AND record_id = ?2"
                                  " AND status IN ('waiting', 'ready')";
    static const char sql_onloan[] =
        "SELECT l.due_at FROM loan l JOIN item i ON i.id = l.item_id"
        " WHERE l.reader_id = ?1 AND i.record_id = ?2 AND l.returned_at IS NULL";
    static const char sql_lendable[] =
        "SELECT count(*) FROM item WHERE record_id = ?1 AND status NOT IN ('lost', 'withdrawn')";
    static const char sql_here[] =
        "SELECT count(*) FROM item WHERE record_id = ?1 AND custodian_id = ?2"
        " AND status = 'available'";
    static const char sql_count[] =
        "SELECT count(*) FROM hold WHERE reader_id = ?1 AND status IN ('waiting', 'ready')";
    static const char sql_ins[] =
        "INSERT INTO hold(record_id, reader_id, pickup_library_id, status, placed_at)"
        " VALUES (?1, ?2, ?3, 'waiting', ?4)";
    struct circ_reader r;
    struct cat_policy pol;
    struct ts_buf d;
    char code[40], day[16];
    int64_t v;
    int found, rc;

    *hold_id = 0;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = circ_reader_load(cat, reader_id, &r, err)) || (rc = circ_reader_may_borrow(&r, err)))
        goto out;
    if ((rc = circ_one_i64(cat, sql_record, "find record", &v, &found, err,
                           CIRC_ARGS(CA_I(record_id)))))
        goto out;
    if (!found) {
        rc = ts_fail(err, TS_ENOTFOUND, "no record #%lld", (long long)record_id);
        goto out;
    }
    if ((rc = circ_library_exists(cat, pickup_library_id, err)))
        goto out;
    if ((rc = circ_one_i64(cat, sql_dup, "find hold", &v, &found, err,
                           CIRC_ARGS(CA_I(reader_id), CA_I(record_id)))))
        goto out;
    if (found) {
        rc = ts_fail(err, TS_ECONFLICT, "reader %s already has a hold on this title (hold %lld)",
                     r.card, (long long)v);
        goto out;
    }
    if ((rc = circ_one_i64(cat, sql_onloan, "find loan", &v, &found, err,
                           CIRC_ARGS(CA_I(reader_id), CA_I(record_id)))))
        goto out;
    if (found) {
        circ_date(v, day);
        rc = ts_fail(err, TS_ECONFLICT,
                     "reader %s already has a copy of this title on loan (due %s)", r.card, day);
        goto out;
    }
    if ((rc = circ_one_i64(cat, sql_lendable, "count copies", &v, &found, err,
                           CIRC_ARGS(CA_I(record_id)))))
        goto out;
    if (v == 0) {
        rc = ts_fail(err, TS_ECONFLICT, "no library has a copy of this title that can be lent");
        goto out;
    }
    if ((rc = circ_one_i64(cat, sql_here, "count copies", &v, &found, err,
                           CIRC_ARGS(CA_I(record_id), CA_I(pickup_library_id)))))
        goto out;
    circ_library_code(cat, pickup_library_id, code, sizeof code);
    if (v > 0) {
        rc = ts_fail(err, TS_ECONFLICT, "a copy is on the shelf at %s now: borrow it at the desk",
                     code);
        goto out;
    }
    if ((rc = catalog_policy_get(cat, pickup_library_id, r.category, &pol, err)) ||
        (rc = circ_one_i64(cat, sql_count, "count holds", &v, &found, err,
                           CIRC_ARGS(CA_I(reader_id)))))
        goto out;
    if (v >= pol.max_items) {
        rc = ts_fail(err, TS_ECONFLICT,
                     "reader %s has %lld active holds: the limit for %ss at %s is %d", r.card,
                     (long long)v, r.category, code, pol.max_items);
        goto out;
    }
    rc = circ_exec(
        cat, sql_ins, "place hold", err,
        CIRC_ARGS(CA_I(record_id), CA_I(reader_id), CA_I(pickup_library_id), CA_I(cat_now(cat))));
    if (rc == TS_ECONFLICT) /* the unique index, should the checks above miss it */
        rc = ts_fail(err, TS_ECONFLICT, "reader %s already has a hold on this title", r.card);
    if (rc)
        goto out;
    *hold_id = sqlite3_last_insert_rowid(cat->db);
    hold_detail(cat, &d, *hold_id, pickup_library_id, &r, NULL);
    rc = hold_event(cat, actor, "hold.place", record_id, &d, err);
out:
    ts_buf_free(&d);
    if (rc)
        *hold_id = 0;
    return catalog_tx_end(cat, rc, err);
}

/* The hold's current state: status, record, pickup, item, reader. */
struct hold_row {
    int64_t record_id, pickup_id, item_id, reader_id;
    char status[16];
};

static int hold_row(catalog *cat, int64_t hold_id, struct hold_row *h, struct ts_err *err)
{
    static const char sql[] = "SELECT record_id, pickup_library_id, item_id, reader_id, status"
                              " FROM hold WHERE id = ?1";
    sqlite3_stmt *st;
    int src;

    memset(h, 0, sizeof *h);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(hold_id)))))
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        h->record_id = sqlite3_column_int64(st, 0);
        h->pickup_id = sqlite3_column_int64(st, 1);
        h->item_id = sqlite3_column_int64(st, 2);
        h->reader_id = sqlite3_column_int64(st, 3);
        circ_col_copy(st, 4, h->status, sizeof h->status);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "get hold", err);
    return ts_fail(err, TS_ENOTFOUND, "no hold #%lld", (long long)hold_id);
}

/* Close active hold `hold_id` as cancelled/expired, move its copy on, write
 * the event. In the caller's transaction. */
static int hold_end(catalog *cat, int64_t hold_id, const struct hold_row *h, const char *status,
                    const char *kind, const char *actor, struct ts_err *err)
{
    struct circ_reader r;
    struct ts_buf d;
    char extra[64] = "";
    int64_t next = 0;
    int rc;

    ts_buf_init(&d, 0);
    if ((rc = circ_reader_load(cat, h->reader_id, &r, err)) ||
        (rc = circ_hold_close(cat, hold_id, status, err)))
        goto out;
    if (strcmp(h->status, "ready") == 0 &&
        (rc = circ_hold_release_item(cat, h->item_id, &next, err)))
        goto out;
    if (next)
        snprintf(extra, sizeof extra, ",\"next_hold\":%lld", (long long)next);
    hold_detail(cat, &d, hold_id, h->pickup_id, &r, extra);
    rc = hold_event(cat, actor, kind, h->record_id, &d, err);
out:
    ts_buf_free(&d);
    return rc;
}

int catalog_hold_cancel(catalog *cat, int64_t hold_id, const char *actor, struct ts_err *err)
{
    struct hold_row h;
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = hold_row(cat, hold_id, &h, err)))
        goto out;
    if (strcmp(h.status, "waiting") != 0 && strcmp(h.status, "ready") != 0) {
        rc = ts_fail(err, TS_ECONFLICT, "hold %lld is already %s", (long long)hold_id, h.status);
        goto out;
    }
    rc = hold_end(cat, hold_id, &h, "cancelled", "hold.cancel", actor, err);
out:
    return catalog_tx_end(cat, rc, err);
}

int catalog_hold_expire_due(catalog *cat, size_t *n_expired, struct ts_err *err)
{
    static const char sql[] = "SELECT id FROM hold WHERE status = 'ready' AND expires_at <= ?1"
                              " ORDER BY expires_at, id LIMIT 1";
    int rc;

    *n_expired = 0;
    for (;;) {
        struct hold_row h;
        int64_t id;
        int found;

        if ((rc = catalog_tx_begin(cat, err)))
            return rc;
        rc = circ_one_i64(cat, sql, "find expired holds", &id, &found, err,
                          CIRC_ARGS(CA_I(cat_now(cat))));
        if (rc == TS_OK && found && (rc = hold_row(cat, id, &h, err)) == TS_OK)
            rc = hold_end(cat, id, &h, "expired", "hold.expire", "system", err);
        if ((rc = catalog_tx_end(cat, rc, err)))
            return rc;
        if (!found)
            return TS_OK;
        (*n_expired)++;
    }
}

int catalog_hold_move_record(catalog *cat, int64_t keep, int64_t drop, struct ts_err *err)
{
    /* pairs of active holds of one reader on both records: the one to cancel
     * is the waiting one, else the newer one */
    static const char sql_dups[] =
        "SELECT CASE WHEN d.status = 'waiting' AND k.status = 'ready' THEN d.id"
        " WHEN k.status = 'waiting' AND d.status = 'ready' THEN k.id"
        " WHEN d.placed_at > k.placed_at OR (d.placed_at = k.placed_at AND d.id > k.id) THEN d.id"
        " ELSE k.id END FROM hold d JOIN hold k ON k.reader_id = d.reader_id AND k.record_id = ?1"
        " AND k.status IN ('waiting', 'ready') WHERE d.record_id = ?2"
        " AND d.status IN ('waiting', 'ready')";
    static const char sql_move[] = "UPDATE hold SET record_id = ?1 WHERE record_id = ?2";
    int64_t *victims = NULL;
    sqlite3_stmt *st;
    size_t n = 0;
    int rc = TS_OK;

    if (!(st = circ_stmt(cat, sql_dups, err, CIRC_ARGS(CA_I(keep), CA_I(drop)))))
        return circ_code(err);
    while (sqlite3_step(st) == SQLITE_ROW) {
        victims = ts_xrealloc(victims, (n + 1) * sizeof *victims);
        victims[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < n && rc == TS_OK; i++) {
        struct hold_row h;
        int64_t next;

        if ((rc = hold_row(cat, victims[i], &h, err)) ||
            (rc = circ_hold_close(cat, victims[i], "cancelled", err)))
            break;
        if (strcmp(h.status, "ready") == 0) {
            /* release after the move below would see the merged queue; the
             * copy's own record id is the caller's business */
            rc = circ_hold_release_item(cat, h.item_id, &next, err);
        }
    }
    if (rc == TS_OK)
        rc = circ_exec(cat, sql_move, "move holds", err, CIRC_ARGS(CA_I(keep), CA_I(drop)));
    free(victims);
    return rc;
}

/* ---------------------------------------------------------------- notices */

int catalog_notice_list(catalog *cat, int64_t reader_id, struct cat_notice **out, size_t *n,
                        struct ts_err *err)
{
    static const char sql[] =
        "SELECT n.id, n.hold_id, n.kind, r.title, l.code, i.barcode, n.created, h.expires_at,"
        " n.seen_at FROM notice n JOIN hold h ON h.id = n.hold_id"
        " JOIN record r ON r.id = h.record_id JOIN library l ON l.id = h.pickup_library_id"
        " LEFT JOIN item i ON i.id = h.item_id WHERE n.reader_id = ?1 ORDER BY n.id";
    struct cat_notice *v = NULL;
    sqlite3_stmt *st;
    size_t cnt = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(reader_id)))))
        return circ_code(err);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct cat_notice *x;
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        x = &v[cnt++];
        x->id = sqlite3_column_int64(st, 0);
        x->hold_id = sqlite3_column_int64(st, 1);
        x->kind = cat_col_strdup(st, 2);
        x->title = cat_col_strdup(st, 3);
        x->library = cat_col_strdup(st, 4);
        x->barcode = cat_col_strdup(st, 5);
        x->created = sqlite3_column_int64(st, 6);
        x->expires_at = sqlite3_column_int64(st, 7);
        x->seen_at = sqlite3_column_int64(st, 8);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_notice_list_free(v, cnt);
        return cat_dberr(cat, src, "list notices", err);
    }
    *out = v;
    *n = cnt;
    return TS_OK;
}

int catalog_notice_seen(catalog *cat, int64_t reader_id, int64_t notice_id, struct ts_err *err)
{
    static const char sql[] = "UPDATE notice SET seen_at = coalesce(seen_at, ?3)"
                              " WHERE id = ?1 AND reader_id = ?2";
    int rc = circ_exec(cat, sql, "mark notice seen", err,
                       CIRC_ARGS(CA_I(notice_id), CA_I(reader_id), CA_I(cat_now(cat))));

    if (rc == TS_OK && sqlite3_changes(cat->db) == 0)
        return ts_fail(err, TS_ENOTFOUND, "no notice #%lld for this reader", (long long)notice_id);
    return rc;
}

void cat_notice_list_free(struct cat_notice *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].kind);
        free(v[i].title);
        free(v[i].library);
        free(v[i].barcode);
    }
    free(v);
}
