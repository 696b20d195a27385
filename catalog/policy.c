/*
 * catalog/policy.c - loan policy per library and reader category: loan
 * period, maximum items on loan, renewals, days on the hold shelf.
 *
 * A library that has set nothing gets the defaults below, which follow common
 * practice in Vietnamese school libraries (a pupil borrows a few books for
 * two weeks; a teacher more, for a month). Changing a rule does not touch
 * running loans: their due dates were fixed at checkout or renewal.
 */
#include <string.h>

#include "circ_int.h"
#include "ts_buf.h"

static const struct {
    const char *category;
    struct cat_policy p;
} defaults[] = {
    {"pupil", {14, 3, 1, 5, 1}},
    {"teacher", {28, 10, 2, 5, 1}},
    {"adult", {21, 5, 2, 5, 1}},
};

int catalog_policy_default(const char *category, struct cat_policy *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; category && i < sizeof defaults / sizeof defaults[0]; i++) {
        if (strcmp(defaults[i].category, category) == 0) {
            *out = defaults[i].p;
            return TS_OK;
        }
    }
    return TS_EINVAL;
}

int catalog_policy_get(catalog *cat, int64_t library_id, const char *category,
                       struct cat_policy *out, struct ts_err *err)
{
    static const char sql[] = "SELECT loan_days, max_items, renewals, hold_shelf_days"
                              " FROM loan_policy WHERE library_id = ?1 AND category = ?2";
    sqlite3_stmt *st;
    int src;

    if (catalog_policy_default(category, out))
        return ts_fail(err, TS_EINVAL, "unknown reader category '%s' (pupil, teacher, adult)",
                       category ? category : "");
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(library_id), CA_T(category)))))
        return circ_code(err);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        out->loan_days = sqlite3_column_int(st, 0);
        out->max_items = sqlite3_column_int(st, 1);
        out->renewals = sqlite3_column_int(st, 2);
        out->hold_shelf_days = sqlite3_column_int(st, 3);
        out->is_default = 0;
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return cat_dberr(cat, src, "read loan policy", err);
    return TS_OK;
}

int catalog_policy_set(catalog *cat, int64_t library_id, const char *category,
                       const struct cat_policy *p, const char *actor, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO loan_policy(library_id, category, loan_days, max_items, renewals,"
        " hold_shelf_days, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT (library_id, category) DO UPDATE SET loan_days = ?3, max_items = ?4,"
        " renewals = ?5, hold_shelf_days = ?6, updated = ?7";
    struct cat_policy def;
    struct ts_buf d;
    char code[40];
    int rc;

    if (catalog_policy_default(category, &def))
        return ts_fail(err, TS_EINVAL, "unknown reader category '%s' (pupil, teacher, adult)",
                       category ? category : "");
    if (p->loan_days < 1 || p->loan_days > 365)
        return ts_fail(err, TS_EINVAL, "loan period must be 1-365 days");
    if (p->max_items < 0 || p->max_items > 1000)
        return ts_fail(err, TS_EINVAL, "maximum items must be 0-1000");
    if (p->renewals < 0 || p->renewals > 100)
        return ts_fail(err, TS_EINVAL, "renewals must be 0-100");
    if (p->hold_shelf_days < 1 || p->hold_shelf_days > 90)
        return ts_fail(err, TS_EINVAL, "hold shelf time must be 1-90 days");
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = circ_library_exists(cat, library_id, err)))
        goto out;
    if ((rc = circ_exec(cat, sql, "set loan policy", err,
                        CIRC_ARGS(CA_I(library_id), CA_T(category), CA_I(p->loan_days),
                                  CA_I(p->max_items), CA_I(p->renewals), CA_I(p->hold_shelf_days),
                                  CA_I(cat_now(cat))))))
        goto out;
    circ_library_code(cat, library_id, code, sizeof code);
    ts_buf_addf(&d,
                "{\"library\":\"%s\",\"category\":\"%s\",\"loan_days\":%d,\"max_items\":%d,"
                "\"renewals\":%d,\"hold_shelf_days\":%d}",
                code, category, p->loan_days, p->max_items, p->renewals, p->hold_shelf_days);
    rc = circ_event(cat, actor, "policy.set", code, &d, err);
out:
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}
