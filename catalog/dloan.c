/*
 * catalog/dloan.c - digital lending. A file's access (file.access) is one of:
 *   open      an open licence: anyone may read it, no loan;
 *   lendable  at most file_lending.copies readers at once, each for
 *             file_lending.loan_days;
 *   onsite    read only on the library's own machines; never lent.
 *
 * Access ends by itself: every query counts a loan as running only while
 * returned_at IS NULL AND due_at > now, so no job has to run for a reader to
 * lose access on time. catalog_dloan_close_expired() later stamps returned_at
 * on ended loans and clears their reader link (unless history is on); a
 * borrow also does that for the same reader's ended loan of the file. Limits
 * are checked inside BEGIN IMMEDIATE, so N copies are never lent N+1 times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circ_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

static int file_access(catalog *cat, int64_t file_id, struct cat_dloan_state *s, int *loan_days,
                       struct ts_err *err)
{
    static const char sql[] =
        "SELECT f.access, coalesce(fl.copies, 0), coalesce(fl.loan_days, 0),"
        " (SELECT count(*) FROM dloan d WHERE d.file_id = f.id AND d.returned_at IS NULL"
        "  AND d.due_at > ?2),"
        " (SELECT min(due_at) FROM dloan d WHERE d.file_id = f.id AND d.returned_at IS NULL"
        "  AND d.due_at > ?2)"
        " FROM file f LEFT JOIN file_lending fl ON fl.file_id = f.id WHERE f.id = ?1";
    sqlite3_stmt *st;
    int src;

    memset(s, 0, sizeof *s);
    *loan_days = 0;
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(file_id), CA_I(cat_now(cat))))))
        return circ_code(err);
    if ((src = sqlite3_step(st)) == SQLITE_ROW) {
        circ_col_copy(st, 0, s->access, sizeof s->access);
        s->copies = sqlite3_column_int(st, 1);
        *loan_days = sqlite3_column_int(st, 2);
        s->on_loan = sqlite3_column_int(st, 3);
        if (s->copies > 0 && s->on_loan >= s->copies)
            s->next_free = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "read file access", err);
    return ts_fail(err, TS_ENOTFOUND, "no digital file #%lld", (long long)file_id);
}

int catalog_dloan_state(catalog *cat, int64_t file_id, struct cat_dloan_state *out,
                        struct ts_err *err)
{
    int days;
    return file_access(cat, file_id, out, &days, err);
}

int catalog_file_set_access(catalog *cat, int64_t file_id, const char *access, int copies,
                            int loan_days, const char *actor, struct ts_err *err)
{
    static const char sql_file[] = "UPDATE file SET access = ?2 WHERE id = ?1";
    static const char sql_lend[] =
        "INSERT INTO file_lending(file_id, copies, loan_days) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (file_id) DO UPDATE SET copies = ?2, loan_days = ?3";
    static const char sql_unlend[] = "DELETE FROM file_lending WHERE file_id = ?1";
    int lendable = access && strcmp(access, "lendable") == 0;
    struct ts_buf d;
    char subject[32];
    int rc;

    if (!access || (!lendable && strcmp(access, "open") != 0 && strcmp(access, "onsite") != 0))
        return ts_fail(err, TS_EINVAL, "access '%s' is not open, lendable or onsite",
                       access ? access : "");
    if (lendable && (copies < 1 || copies > 10000 || loan_days < 1 || loan_days > 365))
        return ts_fail(err, TS_EINVAL,
                       "a lendable file needs 1-10000 copies and a loan period of 1-365 days");
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = circ_exec(cat, sql_file, "set file access", err,
                        CIRC_ARGS(CA_I(file_id), CA_T(access)))))
        goto out;
    if (sqlite3_changes(cat->db) == 0) {
        rc = ts_fail(err, TS_ENOTFOUND, "no digital file #%lld", (long long)file_id);
        goto out;
    }
    if (lendable)
        rc = circ_exec(cat, sql_lend, "set lending", err,
                       CIRC_ARGS(CA_I(file_id), CA_I(copies), CA_I(loan_days)));
    else
        rc = circ_exec(cat, sql_unlend, "set lending", err, CIRC_ARGS(CA_I(file_id)));
    if (rc)
        goto out;
    snprintf(subject, sizeof subject, "file:%lld", (long long)file_id);
    ts_buf_addf(&d, "{\"access\":\"%s\"", access);
    if (lendable)
        ts_buf_addf(&d, ",\"copies\":%d,\"loan_days\":%d", copies, loan_days);
    ts_buf_addc(&d, '}');
    rc = circ_event(cat, actor, "file.access", subject, &d, err);
out:
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}

/* Stamp ended loans (of one file and reader, or all with file_id 0). */
static int close_ended(catalog *cat, int64_t file_id, int64_t reader_id, struct ts_err *err)
{
    static const char sql[] =
        "UPDATE dloan SET returned_at = due_at, reader_id = CASE WHEN"
        " (SELECT history FROM reader WHERE id = dloan.reader_id) = 1 THEN reader_id END"
        " WHERE returned_at IS NULL AND due_at <= ?1 AND (?2 = 0 OR file_id = ?2)"
        " AND (?3 = 0 OR reader_id = ?3)";
    return circ_exec(cat, sql, "close ended digital loans", err,
                     CIRC_ARGS(CA_I(cat_now(cat)), CA_I(file_id), CA_I(reader_id)));
}

int catalog_dloan_borrow(catalog *cat, int64_t file_id, int64_t reader_id, const char *actor,
                         struct cat_dloan *out, struct ts_err *err)
{
    static const char sql_mine[] = "SELECT due_at FROM dloan WHERE file_id = ?1 AND reader_id = ?2"
                                   " AND returned_at IS NULL AND due_at > ?3";
    static const char sql_ins[] = "INSERT INTO dloan(file_id, reader_id, loaned_at, due_at)"
                                  " VALUES (?1, ?2, ?3, ?4)";
    struct cat_dloan_state s;
    struct circ_reader r;
    struct ts_buf d;
    char subject[32], day[16];
    int64_t due, now = cat_now(cat);
    int days, found, rc;

    memset(out, 0, sizeof *out);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = file_access(cat, file_id, &s, &days, err)) ||
        (rc = circ_reader_load(cat, reader_id, &r, err)))
        goto out;
    if (strcmp(s.access, "open") == 0) {
        rc = ts_fail(err, TS_EINVAL, "this file is openly licensed: read it without borrowing");
        goto out;
    }
    if (strcmp(s.access, "lendable") != 0) {
        rc = ts_fail(err, TS_EPERM, "this file can only be read at the library");
        goto out;
    }
    if ((rc = circ_reader_may_borrow(&r, err)))
        goto out;
    if ((rc = circ_one_i64(cat, sql_mine, "find digital loan", &due, &found, err,
                           CIRC_ARGS(CA_I(file_id), CA_I(reader_id), CA_I(now)))))
        goto out;
    if (found) {
        circ_date(due, day);
        rc = ts_fail(err, TS_ECONFLICT, "you have already borrowed this file (until %s)", day);
        goto out;
    }
    if (s.on_loan >= s.copies) {
        circ_date(s.next_free, day);
        rc = ts_fail(err, TS_ECONFLICT,
                     "all %d cop%s of this file are lent: one is free again on %s", s.copies,
                     s.copies == 1 ? "y" : "ies", day);
        goto out;
    }
    /* the reader's own ended loan of this file would trip the unique index */
    if ((rc = close_ended(cat, file_id, reader_id, err)))
        goto out;
    due = now + (int64_t)days * 86400;
    if ((rc = circ_exec(cat, sql_ins, "borrow file", err,
                        CIRC_ARGS(CA_I(file_id), CA_I(reader_id), CA_I(now), CA_I(due)))))
        goto out;
    out->id = sqlite3_last_insert_rowid(cat->db);
    out->file_id = file_id;
    out->reader_id = reader_id;
    out->loaned_at = now;
    out->due_at = due;
    snprintf(subject, sizeof subject, "file:%lld", (long long)file_id);
    ts_buf_addf(&d, "{\"due\":%lld,\"category\":\"%s\"", (long long)due, r.category);
    if (r.history) {
        ts_buf_add(&d, ",\"reader\":");
        cat_json_str(&d, r.card);
    }
    ts_buf_addc(&d, '}');
    rc = circ_event(cat, actor, "dloan.borrow", subject, &d, err);
out:
    ts_buf_free(&d);
    if (rc)
        memset(out, 0, sizeof *out);
    return catalog_tx_end(cat, rc, err);
}

int catalog_dloan_return(catalog *cat, int64_t file_id, int64_t reader_id, const char *actor,
                         struct ts_err *err)
{
    static const char sql[] =
        "UPDATE dloan SET returned_at = ?3, reader_id = CASE WHEN"
        " (SELECT history FROM reader WHERE id = dloan.reader_id) = 1 THEN reader_id END"
        " WHERE file_id = ?1 AND reader_id = ?2 AND returned_at IS NULL AND due_at > ?3";
    char subject[32];
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = circ_exec(cat, sql, "return file", err,
                        CIRC_ARGS(CA_I(file_id), CA_I(reader_id), CA_I(cat_now(cat))))))
        goto out;
    if (sqlite3_changes(cat->db) == 0) {
        rc = ts_fail(err, TS_ECONFLICT, "this file is not on loan to you");
        goto out;
    }
    snprintf(subject, sizeof subject, "file:%lld", (long long)file_id);
    rc = catalog_event_add(cat, actor ? actor : "cli", "dloan.return", subject, NULL, err);
out:
    return catalog_tx_end(cat, rc, err);
}

int catalog_dloan_access(catalog *cat, int64_t file_id, int64_t reader_id, struct ts_err *err)
{
    static const char sql[] = "SELECT 1 FROM dloan WHERE file_id = ?1 AND reader_id = ?2"
                              " AND returned_at IS NULL AND due_at > ?3";
    struct cat_dloan_state s;
    int64_t one;
    int days, found, rc;

    if ((rc = file_access(cat, file_id, &s, &days, err)))
        return rc;
    if (strcmp(s.access, "open") == 0)
        return TS_OK;
    if (strcmp(s.access, "lendable") != 0)
        return ts_fail(err, TS_EPERM, "this file can only be read at the library");
    if (!reader_id)
        return ts_fail(err, TS_EAUTH, "log in and borrow this file to read it");
    if ((rc = circ_one_i64(cat, sql, "find digital loan", &one, &found, err,
                           CIRC_ARGS(CA_I(file_id), CA_I(reader_id), CA_I(cat_now(cat))))))
        return rc;
    return found ? TS_OK : ts_fail(err, TS_EPERM, "borrow this file to read it");
}

int catalog_dloan_list_reader(catalog *cat, int64_t reader_id, struct cat_dloan **out, size_t *n,
                              struct ts_err *err)
{
    static const char sql[] = "SELECT id, file_id, loaned_at, due_at FROM dloan"
                              " WHERE reader_id = ?1 AND returned_at IS NULL AND due_at > ?2"
                              " ORDER BY due_at, id";
    struct cat_dloan *v = NULL;
    sqlite3_stmt *st;
    size_t cnt = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(reader_id), CA_I(cat_now(cat))))))
        return circ_code(err);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct cat_dloan *x;
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        x = &v[cnt++];
        x->id = sqlite3_column_int64(st, 0);
        x->file_id = sqlite3_column_int64(st, 1);
        x->reader_id = reader_id;
        x->loaned_at = sqlite3_column_int64(st, 2);
        x->due_at = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    if (src != SQLITE_DONE) {
        free(v);
        return cat_dberr(cat, src, "list digital loans", err);
    }
    *out = v;
    *n = cnt;
    return TS_OK;
}

int catalog_dloan_close_expired(catalog *cat, int64_t *n, struct ts_err *err)
{
    int rc;

    *n = 0;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = close_ended(cat, 0, 0, err)) == TS_OK)
        *n = sqlite3_changes(cat->db);
    return catalog_tx_end(cat, rc, err);
}
