/*
 * catalog/circ_check.c - the circulation invariants as queries, and reading
 * the event log back. Used by the unit and concurrency tests, and meant for
 * the kill -9 test and the benchmark's closing check: after any crash or
 * load, every count here must be zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circ_int.h"
#include "ts_mem.h"

static const struct {
    size_t off;
    const char *what, *sql;
} checks[] = {
    {offsetof(struct cat_circ_check, items_multi_loans), "loans per copy",
     "SELECT count(*) FROM (SELECT item_id FROM loan WHERE returned_at IS NULL"
     " GROUP BY item_id HAVING count(*) > 1)"},
    {offsetof(struct cat_circ_check, status_mismatch), "copy status vs loans",
     "SELECT count(*) FROM item i WHERE (i.status = 'on_loan') <> EXISTS (SELECT 1 FROM loan l"
     " WHERE l.item_id = i.id AND l.returned_at IS NULL)"},
    {offsetof(struct cat_circ_check, shelf_mismatch), "copy status vs holds",
     "SELECT count(*) FROM item i WHERE (i.status = 'on_hold_shelf') <> (SELECT count(*) = 1"
     " FROM hold h WHERE h.item_id = i.id AND h.status = 'ready')"},
    {offsetof(struct cat_circ_check, open_without_reader), "open rows without reader",
     "SELECT (SELECT count(*) FROM loan WHERE returned_at IS NULL AND reader_id IS NULL)"
     " + (SELECT count(*) FROM hold WHERE status IN ('waiting', 'ready') AND reader_id IS NULL)"},
    {offsetof(struct cat_circ_check, closed_with_reader), "closed rows naming a reader",
     "SELECT (SELECT count(*) FROM loan l JOIN reader r ON r.id = l.reader_id"
     "  WHERE l.returned_at IS NOT NULL AND r.history = 0)"
     " + (SELECT count(*) FROM hold h JOIN reader r ON r.id = h.reader_id"
     "  WHERE h.closed_at IS NOT NULL AND r.history = 0)"
     " + (SELECT count(*) FROM dloan d JOIN reader r ON r.id = d.reader_id"
     "  WHERE d.returned_at IS NOT NULL AND r.history = 0)"},
    {offsetof(struct cat_circ_check, fk_violations), "foreign keys",
     "SELECT count(*) FROM pragma_foreign_key_check"},
};

int catalog_circ_check(catalog *cat, struct cat_circ_check *out, struct ts_err *err)
{
    static const char sql_integrity[] = "PRAGMA integrity_check";
    sqlite3_stmt *st;
    char first[64] = "";
    int src, rc;

    memset(out, 0, sizeof *out);
    /* not cached: PRAGMA statements are cheap to prepare and run rarely */
    if (sqlite3_prepare_v2(cat->db, sql_integrity, -1, &st, NULL) != SQLITE_OK)
        return cat_dberr(cat, 0, "integrity check", err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW)
        circ_col_copy(st, 0, first, sizeof first);
    sqlite3_finalize(st);
    if (src != SQLITE_ROW)
        return cat_dberr(cat, src, "integrity check", err);
    out->integrity_ok = strcmp(first, "ok") == 0;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        int64_t v;
        int found;
        if ((rc = circ_one_i64(cat, checks[i].sql, checks[i].what, &v, &found, err, NULL, 0)))
            return rc;
        *(int64_t *)((char *)out + checks[i].off) = v;
    }
    return TS_OK;
}

int cat_circ_check_ok(const struct cat_circ_check *c)
{
    return c->integrity_ok && !c->items_multi_loans && !c->status_mismatch && !c->shelf_mismatch &&
           !c->open_without_reader && !c->closed_with_reader && !c->fk_violations;
}

int catalog_event_list(catalog *cat, int64_t after_id, const char *kind_prefix, size_t limit,
                       struct cat_event **out, size_t *n, struct ts_err *err)
{
    static const char sql[] =
        "SELECT id, at, actor, kind, subject, detail FROM event WHERE id > ?1"
        " AND (?2 IS NULL OR substr(kind, 1, length(?2)) = ?2) ORDER BY id LIMIT ?3";
    struct cat_event *v = NULL;
    sqlite3_stmt *st;
    size_t cnt = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!(st = circ_stmt(cat, sql, err,
                         CIRC_ARGS(CA_I(after_id), CA_T(kind_prefix),
                                   CA_I(limit > INT64_MAX ? INT64_MAX : (int64_t)limit)))))
        return circ_code(err);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        v[cnt].id = sqlite3_column_int64(st, 0);
        v[cnt].at = sqlite3_column_int64(st, 1);
        v[cnt].actor = cat_col_strdup(st, 2);
        v[cnt].kind = cat_col_strdup(st, 3);
        v[cnt].subject = cat_col_strdup(st, 4);
        v[cnt].detail = cat_col_strdup(st, 5);
        cnt++;
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        cat_event_list_free(v, cnt);
        return cat_dberr(cat, src, "list events", err);
    }
    *out = v;
    *n = cnt;
    return TS_OK;
}

void cat_event_list_free(struct cat_event *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].actor);
        free(v[i].kind);
        free(v[i].subject);
        free(v[i].detail);
    }
    free(v);
}

int64_t catalog_event_count(catalog *cat, const char *kind_prefix)
{
    static const char sql[] = "SELECT count(*) FROM event"
                              " WHERE ?1 IS NULL OR substr(kind, 1, length(?1)) = ?1";
    int64_t v;
    int found;

    if (circ_one_i64(cat, sql, "count events", &v, &found, NULL, CIRC_ARGS(CA_T(kind_prefix))))
        return -1;
    return v;
}
