/*
 * catalog/loan.c - loans: checkout, return (check-in), renew, overdue lists.
 *
 * The copy's status follows its loans:
 *
 *   available ------checkout-----> on_loan ---return at home, no hold----> available
 *   on_hold_shelf --checkout by--> on_loan ---return away, no hold-------> in_transit
 *     (its hold's reader)          on_loan ---return where a hold waits--> on_hold_shelf
 *   in_transit ---check-in at home / where a hold waits / elsewhere---> available /
 *                                                         on_hold_shelf / in_transit
 *
 * Invariant: a copy has at most one open loan. A partial unique index
 * enforces it; we check first so the librarian reads a clear message. Every
 * action runs in one BEGIN IMMEDIATE transaction and writes one event whose
 * subject is the barcode and whose detail names the reader only when they
 * opted in to history. Closing a loan of a reader without history clears the
 * loan's reader link in the same transaction (privacy).
 *
 * Idempotency: a desk action may carry a client key. The first success
 * stores (key, action, request, result) in the same transaction as the
 * change, so a retry after a lost response finds the row and returns the
 * first result without acting again (no event either); a key reused with
 * other arguments is refused. Refusals are not stored: they changed nothing,
 * and a retry is judged on the state it finds. Keys live CAT_IDEM_TTL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circ_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

/* ---------------------------------------------------------------- idempotency */

int circ_idem_get(catalog *cat, const char *key, const char *action, const char *request,
                  int *found, int64_t *result, int64_t *outcome, int64_t *aux, struct ts_err *err)
{
    static const char sql[] = "SELECT action, request, result, outcome, aux FROM idempotency"
                              " WHERE key = ?1 AND created > ?2";
    sqlite3_stmt *st;
    char act[32] = "", req[512] = "";
    int src;

    *found = 0;
    *result = *outcome = *aux = 0;
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_T(key), CA_I(cat_now(cat) - CAT_IDEM_TTL)))))
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        circ_col_copy(st, 0, act, sizeof act);
        circ_col_copy(st, 1, req, sizeof req);
        *result = sqlite3_column_int64(st, 2);
        *outcome = sqlite3_column_int64(st, 3);
        *aux = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return cat_dberr(cat, src, "find idempotency key", err);
    if (src == SQLITE_DONE)
        return TS_OK;
    if (strcmp(act, action) != 0 || strcmp(req, request) != 0)
        return ts_fail(err, TS_ECONFLICT,
                       "idempotency key already used for a different request (%s)", act);
    *found = 1;
    return TS_OK;
}

int circ_idem_put(catalog *cat, const char *key, const char *action, const char *request,
                  int64_t result, int64_t outcome, int64_t aux, struct ts_err *err)
{
    /* Keys are forgotten oldest first (the rowid grows with time), a few per
     * new key: that keeps up with any rate of new keys, and when nothing is
     * old it reads the first page of the table and nothing else. */
    static const char sql_old[] = /* the first four rows: no temporary table, unlike IN (...) */
        "DELETE FROM idempotency WHERE id < coalesce((SELECT id FROM idempotency ORDER BY id"
        " LIMIT 1 OFFSET 4), 9223372036854775807) AND created <= ?1";
    static const char sql[] =
        "INSERT OR REPLACE INTO idempotency(key, action, request, result, outcome, aux, created)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    int64_t now = cat_now(cat);
    int rc;

    if ((rc = circ_exec(cat, sql_old, "forget old keys", err, CIRC_ARGS(CA_I(now - CAT_IDEM_TTL)))))
        return rc;
    return circ_exec(cat, sql, "remember idempotency key", err,
                     CIRC_ARGS(CA_T(key), CA_T(action), CA_T(request), CA_I(result), CA_I(outcome),
                               CA_I(aux), CA_I(now)));
}

static int check_desk(const struct cat_desk *desk, int need_library, struct ts_err *err)
{
    if (!desk)
        return ts_fail(err, TS_EINVAL, "no desk given");
    if (need_library && desk->library_id <= 0)
        return ts_fail(err, TS_EINVAL, "which library's desk? (a library is needed)");
    if (desk->idem_key && (!*desk->idem_key || strlen(desk->idem_key) > 128))
        return ts_fail(err, TS_EINVAL, "an idempotency key is 1-128 bytes");
    return TS_OK;
}

/* ---------------------------------------------------------------- reading */

#define LOAN_SQL                                                                                   \
    "SELECT l.id, l.item_id, i.record_id, l.reader_id, l.library_id, i.barcode, r.title,"          \
    " lib.code, rd.card, rd.name, l.loaned_at, l.due_at, l.returned_at, l.renewals,"               \
    " l.category FROM loan l JOIN item i ON i.id = l.item_id JOIN record r ON r.id = i.record_id"  \
    " JOIN library lib ON lib.id = l.library_id LEFT JOIN reader rd ON rd.id = l.reader_id"

static void loan_row(sqlite3_stmt *st, struct cat_loan *l, char category[8])
{
    memset(l, 0, sizeof *l);
    l->id = sqlite3_column_int64(st, 0);
    l->item_id = sqlite3_column_int64(st, 1);
    l->record_id = sqlite3_column_int64(st, 2);
    l->reader_id = sqlite3_column_int64(st, 3);
    l->library_id = sqlite3_column_int64(st, 4);
    l->barcode = cat_col_strdup(st, 5);
    l->title = cat_col_strdup(st, 6);
    l->library = cat_col_strdup(st, 7);
    l->reader_card = cat_col_strdup(st, 8);
    l->reader_name = cat_col_strdup(st, 9);
    l->loaned_at = sqlite3_column_int64(st, 10);
    l->due_at = sqlite3_column_int64(st, 11);
    l->returned_at = sqlite3_column_int64(st, 12);
    l->renewals = sqlite3_column_int(st, 13);
    circ_col_copy(st, 14, category, 8);
}

/* Renewals left under the lending library's rule for the loan's category. */
static int renewals_left(catalog *cat, struct cat_loan *l, const char *category, struct ts_err *err)
{
    struct cat_policy pol;
    int rc = catalog_policy_get(cat, l->library_id, category, &pol, err);

    l->renewals_left = rc == TS_OK && !l->returned_at && pol.renewals > l->renewals
                           ? pol.renewals - l->renewals
                           : 0;
    return rc;
}

/* Loan `id` into *out (with renewals_left from its library's policy). */
static int loan_get(catalog *cat, int64_t id, struct cat_loan *out, struct ts_err *err)
{
    static const char sql[] = LOAN_SQL " WHERE l.id = ?1";
    sqlite3_stmt *st;
    char category[8] = "";
    int src, rc;

    memset(out, 0, sizeof *out);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(id)))))
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW)
        loan_row(st, out, category);
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return src == SQLITE_DONE ? ts_fail(err, TS_ENOTFOUND, "no loan #%lld", (long long)id)
                                  : cat_dberr(cat, src, "get loan", err);
    if ((rc = renewals_left(cat, out, category, err)))
        cat_loan_clear(out);
    return rc;
}

static int loan_list(catalog *cat, const char *sql, const struct circ_arg *a, size_t na,
                     struct cat_loan **out, size_t *n, struct ts_err *err)
{
    struct cat_loan *v = NULL;
    char(*cats)[8] = NULL;
    sqlite3_stmt *st;
    size_t cnt = 0;
    int src, rc = TS_OK;

    *out = NULL;
    *n = 0;
    if (!(st = circ_stmt(cat, sql, err, a, na)))
        return circ_code(err);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        cats = ts_xrealloc(cats, (cnt + 1) * sizeof *cats);
        loan_row(st, &v[cnt], cats[cnt]);
        cnt++;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE)
        rc = cat_dberr(cat, src, "list loans", err);
    for (size_t i = 0; i < cnt && rc == TS_OK; i++)
        rc = renewals_left(cat, &v[i], cats[i], err);
    free(cats);
    if (rc) {
        cat_loan_list_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return TS_OK;
}

int catalog_loan_list_reader(catalog *cat, int64_t reader_id, struct cat_loan **out, size_t *n,
                             struct ts_err *err)
{
    static const char sql[] =
        LOAN_SQL " WHERE l.reader_id = ?1 AND l.returned_at IS NULL ORDER BY l.due_at, l.id";
    return loan_list(cat, sql, CIRC_ARGS(CA_I(reader_id)), out, n, err);
}

int catalog_loan_history(catalog *cat, int64_t reader_id, struct cat_loan **out, size_t *n,
                         struct ts_err *err)
{
    static const char sql[] = LOAN_SQL " WHERE l.reader_id = ?1 AND l.returned_at IS NOT NULL"
                                       " ORDER BY l.returned_at DESC, l.id DESC";
    return loan_list(cat, sql, CIRC_ARGS(CA_I(reader_id)), out, n, err);
}

int catalog_loan_overdue(catalog *cat, int64_t library_id, struct cat_loan **out, size_t *n,
                         struct ts_err *err)
{
    static const char sql[] = LOAN_SQL " WHERE l.returned_at IS NULL AND l.due_at < ?2"
                                       " AND (?1 = 0 OR l.library_id = ?1) ORDER BY l.due_at, l.id";
    return loan_list(cat, sql, CIRC_ARGS(CA_I(library_id), CA_I(cat_now(cat))), out, n, err);
}

void cat_loan_clear(struct cat_loan *l)
{
    if (!l)
        return;
    free(l->barcode);
    free(l->title);
    free(l->library);
    free(l->reader_card);
    free(l->reader_name);
    memset(l, 0, sizeof *l);
}

void cat_loan_list_free(struct cat_loan *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cat_loan_clear(&v[i]);
    free(v);
}

/* ---------------------------------------------------------------- checkout */

/* The open loan of a copy: id, reader, due. *found 0 if none. */
static int open_loan(catalog *cat, int64_t item_id, int64_t *loan_id, int64_t *reader_id,
                     int64_t *due, int *found, struct ts_err *err)
{
    static const char sql[] =
        "SELECT id, reader_id, due_at FROM loan WHERE item_id = ?1 AND returned_at IS NULL";
    sqlite3_stmt *st;
    int src;

    *found = 0;
    *loan_id = *reader_id = *due = 0;
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(item_id)))))
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        *found = 1;
        *loan_id = sqlite3_column_int64(st, 0);
        *reader_id = sqlite3_column_int64(st, 1);
        *due = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return cat_dberr(cat, src, "find open loan", err);
    return TS_OK;
}

/* Why `it` cannot be lent to reader `r` at `desk_id` (its status); *hold_id
 * the reader's ready hold the checkout fulfils. */
static int item_lendable(catalog *cat, const struct circ_item *it, const struct circ_reader *r,
                         int64_t desk_id, int64_t *hold_id, struct ts_err *err)
{
    static const char sql_hold[] =
        "SELECT id, reader_id, expires_at FROM hold WHERE item_id = ?1 AND status = 'ready'";
    char day[16];
    int rc;

    *hold_id = 0;
    if (strcmp(it->status, "withdrawn") == 0)
        return ts_fail(err, TS_ECONFLICT, "copy %s has been withdrawn from the collection",
                       it->barcode);
    if (strcmp(it->status, "lost") == 0)
        return ts_fail(err, TS_ECONFLICT, "copy %s is marked lost", it->barcode);
    if (strcmp(it->status, "in_transit") == 0)
        return ts_fail(err, TS_ECONFLICT, "copy %s is in transit to %s: check it in first",
                       it->barcode, it->home);
    if (strcmp(it->status, "on_loan") == 0) {
        int64_t loan_id, reader_id, due;
        int found;
        if ((rc = open_loan(cat, it->id, &loan_id, &reader_id, &due, &found, err)))
            return rc;
        circ_date(due, day);
        if (found && reader_id == r->id)
            return ts_fail(err, TS_ECONFLICT, "copy %s is already on loan to this reader (due %s)",
                           it->barcode, day);
        return ts_fail(err, TS_ECONFLICT, "copy %s is on loan to another reader (due %s)",
                       it->barcode, day);
    }
    if (strcmp(it->status, "on_hold_shelf") == 0) {
        sqlite3_stmt *st = circ_stmt(cat, sql_hold, err, CIRC_ARGS(CA_I(it->id)));
        int64_t who = 0, until = 0;
        int src;
        if (!st)
            return circ_code(err);
        if ((src = sqlite3_step(st)) == SQLITE_ROW) {
            *hold_id = sqlite3_column_int64(st, 0);
            who = sqlite3_column_int64(st, 1);
            until = sqlite3_column_int64(st, 2);
        }
        sqlite3_reset(st);
        if (src != SQLITE_ROW && src != SQLITE_DONE)
            return cat_dberr(cat, src, "find hold", err);
        if (!*hold_id)
            return ts_fail(err, TS_EINTERNAL, "copy %s is on the hold shelf without a hold",
                           it->barcode);
        if (who != r->id) {
            *hold_id = 0;
            circ_date(until, day);
            return ts_fail(err, TS_ECONFLICT,
                           "copy %s is on the hold shelf for another reader (until %s)",
                           it->barcode, day);
        }
    }
    if (it->custodian_id != desk_id) {
        char here[40];
        *hold_id = 0;
        circ_library_code(cat, desk_id, here, sizeof here);
        return ts_fail(err, TS_EPERM, "copy %s belongs to the desk of %s, not %s", it->barcode,
                       it->custodian, here);
    }
    return TS_OK;
}

/* {"library":"A",...[,"reader":"card"]}: the reader only with history on. */
static void loan_detail(struct ts_buf *d, const char *library, const struct circ_reader *r,
                        const char *rest)
{
    ts_buf_addf(d, "{\"library\":\"%s\",\"category\":\"%s\"%s", library, r ? r->category : "",
                rest ? rest : "");
    if (r && r->history) {
        ts_buf_add(d, ",\"reader\":");
        cat_json_str(d, r->card);
    }
    ts_buf_addc(d, '}');
}

int catalog_loan_checkout(catalog *cat, const struct cat_desk *desk, const char *barcode,
                          int64_t reader_id, struct cat_loan *out, struct ts_err *err)
{
    static const char sql_count[] =
        "SELECT count(*) FROM loan WHERE reader_id = ?1 AND returned_at IS NULL";
    static const char sql_ins[] =
        "INSERT INTO loan(item_id, reader_id, library_id, category, loaned_at, due_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    struct circ_reader r;
    struct circ_item it;
    struct cat_policy pol;
    struct ts_buf d;
    char request[256], code[40], rest[96];
    int64_t hold_id = 0, n_loans, loan_id = 0, o, a, now = cat_now(cat);
    int found, rc;

    memset(out, 0, sizeof *out);
    if ((rc = check_desk(desk, 1, err)))
        return rc;
    if (!barcode || !*barcode || strlen(barcode) > 64)
        return ts_fail(err, TS_EINVAL, "a barcode of 1-64 bytes is needed");
    snprintf(request, sizeof request, "%lld|%s|%lld", (long long)desk->library_id, barcode,
             (long long)reader_id);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if (desk->idem_key) {
        if ((rc = circ_idem_get(cat, desk->idem_key, "checkout", request, &found, &loan_id, &o, &a,
                                err)))
            goto out;
        if (found) {
            if ((rc = loan_get(cat, loan_id, out, err)) == TS_OK)
                out->replayed = 1;
            goto out;
        }
    }
    if ((rc = circ_reader_load(cat, reader_id, &r, err)) ||
        (rc = circ_reader_may_borrow(&r, err)) || (rc = circ_item_load(cat, barcode, &it, err)) ||
        (rc = item_lendable(cat, &it, &r, desk->library_id, &hold_id, err)))
        goto out;
    if ((rc = catalog_policy_get(cat, desk->library_id, r.category, &pol, err)) ||
        (rc = circ_one_i64(cat, sql_count, "count loans", &n_loans, &found, err,
                           CIRC_ARGS(CA_I(reader_id)))))
        goto out;
    if (n_loans >= pol.max_items) {
        rc = ts_fail(err, TS_ECONFLICT,
                     "reader %s has %lld item%s on loan: the limit for %ss at %s is %d", r.card,
                     (long long)n_loans, n_loans == 1 ? "" : "s", r.category, it.custodian,
                     pol.max_items);
        goto out;
    }
    rc = circ_exec(cat, sql_ins, "check out", err,
                   CIRC_ARGS(CA_I(it.id), CA_I(reader_id), CA_I(desk->library_id), CA_T(r.category),
                             CA_I(now), CA_I(now + (int64_t)pol.loan_days * 86400)));
    if (rc == TS_ECONFLICT) /* the unique index: a race the checks above cannot see */
        rc = ts_fail(err, TS_ECONFLICT, "copy %s is already on loan", barcode);
    if (rc)
        goto out;
    loan_id = sqlite3_last_insert_rowid(cat->db);
    if (hold_id && (rc = circ_hold_close(cat, hold_id, "fulfilled", err)))
        goto out;
    if ((rc = circ_item_place(cat, &it, "on_loan", it.custodian_id, err)))
        goto out;
    if (desk->idem_key &&
        (rc = circ_idem_put(cat, desk->idem_key, "checkout", request, loan_id, 0, 0, err)))
        goto out;
    circ_library_code(cat, desk->library_id, code, sizeof code);
    if (hold_id)
        snprintf(rest, sizeof rest, ",\"due\":%lld,\"hold\":%lld",
                 (long long)(now + (int64_t)pol.loan_days * 86400), (long long)hold_id);
    else
        snprintf(rest, sizeof rest, ",\"due\":%lld",
                 (long long)(now + (int64_t)pol.loan_days * 86400));
    loan_detail(&d, code, &r, rest);
    if ((rc = circ_event(cat, desk->actor, "loan.checkout", it.barcode, &d, err)))
        goto out;
    rc = loan_get(cat, loan_id, out, err);
out:
    ts_buf_free(&d);
    if (rc)
        cat_loan_clear(out);
    return catalog_tx_end(cat, rc, err);
}

/* ---------------------------------------------------------------- return */

const char *cat_return_outcome_name(enum cat_return_outcome o)
{
    switch (o) {
    case CAT_RETURN_SHELVE: return "shelve";
    case CAT_RETURN_TRANSIT: return "in_transit";
    case CAT_RETURN_HOLD_SHELF: return "hold_shelf";
    default: return "?";
    }
}

void cat_return_clear(struct cat_return *r)
{
    if (!r)
        return;
    free(r->barcode);
    free(r->title);
    free(r->home_library);
    free(r->hold_card);
    free(r->hold_name);
    memset(r, 0, sizeof *r);
}

/* Fill the parts of *out that can be read back: titles, the hold's reader. */
static int return_fill(catalog *cat, int64_t item_id, struct cat_return *out, struct ts_err *err)
{
    static const char sql_item[] =
        "SELECT i.barcode, r.title, h.code FROM item i JOIN record r ON r.id = i.record_id"
        " JOIN library h ON h.id = i.home_library_id WHERE i.id = ?1";
    static const char sql_hold[] =
        "SELECT rd.card, rd.name, h.expires_at FROM hold h LEFT JOIN reader rd ON"
        " rd.id = h.reader_id WHERE h.id = ?1";
    static const char sql_loan[] = "SELECT due_at, returned_at FROM loan WHERE id = ?1";
    sqlite3_stmt *st;

    if (!(st = circ_stmt(cat, sql_item, err, CIRC_ARGS(CA_I(item_id)))))
        return circ_code(err);
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->barcode = cat_col_strdup(st, 0);
        out->title = cat_col_strdup(st, 1);
        out->home_library = cat_col_strdup(st, 2);
    }
    sqlite3_reset(st);
    if (out->hold_id) {
        if (!(st = circ_stmt(cat, sql_hold, err, CIRC_ARGS(CA_I(out->hold_id)))))
            return circ_code(err);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out->hold_card = cat_col_strdup(st, 0);
            out->hold_name = cat_col_strdup(st, 1);
            out->hold_expires = sqlite3_column_int64(st, 2);
        }
        sqlite3_reset(st);
    }
    if (out->loan_id) {
        if (!(st = circ_stmt(cat, sql_loan, err, CIRC_ARGS(CA_I(out->loan_id)))))
            return circ_code(err);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out->due_at = sqlite3_column_int64(st, 0);
            out->returned_at = sqlite3_column_int64(st, 1);
        }
        sqlite3_reset(st);
        if (out->returned_at > out->due_at)
            out->days_overdue = (out->returned_at - out->due_at + 86399) / 86400;
    }
    return TS_OK;
}

int catalog_loan_return(catalog *cat, const struct cat_desk *desk, const char *barcode,
                        struct cat_return *out, struct ts_err *err)
{
    static const char sql_close[] =
        "UPDATE loan SET returned_at = ?2, return_library_id = ?3, reader_id = CASE WHEN"
        " (SELECT history FROM reader WHERE id = loan.reader_id) = 1 THEN reader_id END"
        " WHERE id = ?1 AND returned_at IS NULL";
    static const char sql_item_id[] = "SELECT id FROM item WHERE barcode = ?1";
    struct circ_reader r;
    struct circ_item it;
    struct ts_buf d;
    char request[256], code[40], rest[128];
    int64_t loan_id = 0, reader_id = 0, due = 0, hold_id = 0, o, expires, item_id,
            now = cat_now(cat);
    int found, rc, has_reader = 0;

    memset(out, 0, sizeof *out);
    if ((rc = check_desk(desk, 1, err)))
        return rc;
    if (!barcode || !*barcode || strlen(barcode) > 64)
        return ts_fail(err, TS_EINVAL, "a barcode of 1-64 bytes is needed");
    snprintf(request, sizeof request, "%lld|%s", (long long)desk->library_id, barcode);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if (desk->idem_key) {
        if ((rc = circ_idem_get(cat, desk->idem_key, "return", request, &found, &loan_id, &o,
                                &hold_id, err)))
            goto out;
        if (found) {
            out->loan_id = loan_id;
            out->outcome = (enum cat_return_outcome)o;
            out->hold_id = hold_id;
            out->replayed = 1;
            if ((rc = circ_one_i64(cat, sql_item_id, "find copy", &item_id, &found, err,
                                   CIRC_ARGS(CA_T(barcode)))) == TS_OK)
                rc = return_fill(cat, item_id, out, err);
            goto out;
        }
    }
    if ((rc = circ_item_load(cat, barcode, &it, err)))
        goto out;
    if (strcmp(it.status, "on_loan") == 0) {
        if ((rc = open_loan(cat, it.id, &loan_id, &reader_id, &due, &found, err)))
            goto out;
        if (!found) {
            rc = ts_fail(err, TS_EINTERNAL, "copy %s is on loan without an open loan", barcode);
            goto out;
        }
        if ((rc = circ_reader_load(cat, reader_id, &r, err)))
            goto out;
        has_reader = 1;
        if ((rc = circ_exec(cat, sql_close, "return", err,
                            CIRC_ARGS(CA_I(loan_id), CA_I(now), CA_I(desk->library_id)))))
            goto out;
    } else if (strcmp(it.status, "in_transit") != 0) {
        rc = ts_fail(err, TS_ECONFLICT, "copy %s is not on loan (it is %s)", barcode,
                     strcmp(it.status, "on_hold_shelf") == 0 ? "on the hold shelf"
                     : strcmp(it.status, "available") == 0   ? "on the shelf"
                                                             : it.status);
        goto out;
    }
    /* where the copy goes now */
    if ((rc = circ_hold_next(cat, it.record_id, desk->library_id, &hold_id, err)))
        goto out;
    if (hold_id) {
        out->outcome = CAT_RETURN_HOLD_SHELF;
        rc = circ_hold_fill(cat, hold_id, &it, desk->library_id, &expires, err);
    } else if (it.home_id == desk->library_id) {
        out->outcome = CAT_RETURN_SHELVE;
        rc = circ_item_place(cat, &it, "available", desk->library_id, err);
    } else {
        /* The transfer issue will open a transfer row here: from this desk to
         * the home library, shipped and received by scanning. */
        out->outcome = CAT_RETURN_TRANSIT;
        rc = circ_item_place(cat, &it, "in_transit", desk->library_id, err);
    }
    if (rc)
        goto out;
    out->loan_id = loan_id;
    out->hold_id = hold_id;
    if (desk->idem_key && (rc = circ_idem_put(cat, desk->idem_key, "return", request, loan_id,
                                              out->outcome, hold_id, err)))
        goto out;
    circ_library_code(cat, desk->library_id, code, sizeof code);
    if (hold_id)
        snprintf(rest, sizeof rest, ",\"outcome\":\"%s\",\"hold\":%lld",
                 cat_return_outcome_name(out->outcome), (long long)hold_id);
    else
        snprintf(rest, sizeof rest, ",\"outcome\":\"%s\"", cat_return_outcome_name(out->outcome));
    if (has_reader) {
        char late[48];
        if (now > due) {
            snprintf(late, sizeof late, ",\"days_overdue\":%lld",
                     (long long)((now - due + 86399) / 86400));
            if (strlen(rest) + strlen(late) < sizeof rest)
                memcpy(rest + strlen(rest), late, strlen(late) + 1);
        }
        loan_detail(&d, code, &r, rest);
    } else {
        ts_buf_addf(&d, "{\"library\":\"%s\"%s}", code, rest);
    }
    if ((rc = circ_event(cat, desk->actor, has_reader ? "loan.return" : "item.checkin", it.barcode,
                         &d, err)))
        goto out;
    rc = return_fill(cat, it.id, out, err);
out:
    ts_buf_free(&d);
    if (rc)
        cat_return_clear(out);
    return catalog_tx_end(cat, rc, err);
}

/* ---------------------------------------------------------------- renew */

int catalog_loan_renew(catalog *cat, const struct cat_desk *desk, const char *barcode,
                       struct cat_loan *out, struct ts_err *err)
{
    static const char sql_state[] = "SELECT renewals, library_id, category FROM loan WHERE id = ?1";
    static const char sql_wait[] =
        "SELECT count(*) FROM hold WHERE record_id = ?1 AND status = 'waiting'";
    static const char sql_upd[] =
        "UPDATE loan SET due_at = ?2, renewals = renewals + 1 WHERE id = ?1";
    struct circ_reader r;
    struct circ_item it;
    struct cat_policy pol;
    struct ts_buf d;
    sqlite3_stmt *st;
    char request[256], code[40], rest[96], category[8] = "";
    int64_t loan_id = 0, reader_id, due, waiting, lib_id = 0, o, a, new_due, now = cat_now(cat);
    int found, rc, renewals = 0, src;

    memset(out, 0, sizeof *out);
    if ((rc = check_desk(desk, 0, err)))
        return rc;
    if (!barcode || !*barcode || strlen(barcode) > 64)
        return ts_fail(err, TS_EINVAL, "a barcode of 1-64 bytes is needed");
    snprintf(request, sizeof request, "%lld|%s", (long long)desk->library_id, barcode);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if (desk->idem_key) {
        if ((rc = circ_idem_get(cat, desk->idem_key, "renew", request, &found, &loan_id, &o, &a,
                                err)))
            goto out;
        if (found) {
            if ((rc = loan_get(cat, loan_id, out, err)) == TS_OK)
                out->replayed = 1;
            goto out;
        }
    }
    if ((rc = circ_item_load(cat, barcode, &it, err)) ||
        (rc = open_loan(cat, it.id, &loan_id, &reader_id, &due, &found, err)))
        goto out;
    if (!found) {
        rc = ts_fail(err, TS_ECONFLICT, "copy %s is not on loan", barcode);
        goto out;
    }
    /* checked inside the transaction: the copy cannot change hands between
     * "is it mine" and the renewal */
    if (desk->reader_id && desk->reader_id != reader_id) {
        rc = ts_fail(err, TS_ENOTFOUND, "reader has no loan of copy %s", barcode);
        goto out;
    }
    if ((rc = circ_reader_load(cat, reader_id, &r, err)) || (rc = circ_reader_may_borrow(&r, err)))
        goto out;
    if (!(st = circ_stmt(cat, sql_state, err, CIRC_ARGS(CA_I(loan_id))))) {
        rc = circ_code(err);
        goto out;
    }
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        renewals = sqlite3_column_int(st, 0);
        lib_id = sqlite3_column_int64(st, 1);
        circ_col_copy(st, 2, category, sizeof category);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW) {
        rc = cat_dberr(cat, src, "read loan", err);
        goto out;
    }
    if ((rc = catalog_policy_get(cat, lib_id, category, &pol, err)))
        goto out;
    circ_library_code(cat, lib_id, code, sizeof code);
    if (renewals >= pol.renewals) {
        rc = ts_fail(err, TS_ECONFLICT,
                     "copy %s has been renewed %d time%s: the limit for %ss at %s is %d", barcode,
                     renewals, renewals == 1 ? "" : "s", category, code, pol.renewals);
        goto out;
    }
    if ((rc = circ_one_i64(cat, sql_wait, "count holds", &waiting, &found, err,
                           CIRC_ARGS(CA_I(it.record_id)))))
        goto out;
    if (waiting > 0) {
        rc =
            ts_fail(err, TS_ECONFLICT,
                    "copy %s cannot be renewed: another reader is waiting for this title", barcode);
        goto out;
    }
    new_due = now + (int64_t)pol.loan_days * 86400;
    if (new_due < due)
        new_due = due;
    if ((rc = circ_exec(cat, sql_upd, "renew", err, CIRC_ARGS(CA_I(loan_id), CA_I(new_due)))))
        goto out;
    if (desk->idem_key &&
        (rc = circ_idem_put(cat, desk->idem_key, "renew", request, loan_id, 0, 0, err)))
        goto out;
    snprintf(rest, sizeof rest, ",\"due\":%lld,\"renewals\":%d", (long long)new_due, renewals + 1);
    loan_detail(&d, code, &r, rest);
    if ((rc = circ_event(cat, desk->actor, "loan.renew", it.barcode, &d, err)))
        goto out;
    rc = loan_get(cat, loan_id, out, err);
out:
    ts_buf_free(&d);
    if (rc)
        cat_loan_clear(out);
    return catalog_tx_end(cat, rc, err);
}
