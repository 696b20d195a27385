/*
 * tests/unit/catalog/circ_fixture.h - a small library network for the
 * circulation tests (test_loan.c, test_hold.c, test_account.c,
 * test_dloan.c): three libraries, two records with copies, four readers, a
 * pinned clock, cheap password hashing, and raw SQL peeks for the checks the
 * API deliberately does not offer (is a reader link really gone?).
 *
 *   libraries  A (school), B (public), C (learning centre, parent A)
 *   record 1   "Dế Mèn phiêu lưu ký": copies A-1, A-2 (home A), B-1 (home B)
 *   record 2   "Tắt đèn": copy A-3 (home A)
 *   readers    HS-1, HS-2 (pupils, A), GV-1 (teacher, A), NL-1 (adult, B)
 */
#ifndef CIRC_FIXTURE_H
#define CIRC_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "circ.h"
#include "t.h"

#define FX_T0 1700000000 /* 2023-11-14 22:13:20 UTC */
#define FX_DAY 86400

struct fx {
    catalog *cat;
    char path[512];
    int64_t now;
    int64_t a, b, c;            /* libraries */
    int64_t rec1, rec2;         /* records */
    int64_t hs1, hs2, gv1, nl1; /* readers */
    struct ts_err err;
};

static inline int64_t fx_clock(void *ctx)
{
    return *(int64_t *)ctx;
}

static inline int64_t fx_record(struct fx *f, const char *title)
{
    struct cat_record_in in = {0};
    int64_t id = 0;

    in.title = title;
    in.resource_type = "book";
    T_OK(catalog_tx_begin(f->cat, &f->err), &f->err);
    T_OK(catalog_record_add(f->cat, &in, &id, &f->err), &f->err);
    T_OK(catalog_tx_end(f->cat, TS_OK, &f->err), &f->err);
    return id;
}

static inline void fx_item(struct fx *f, int64_t record, const char *barcode, const char *lib,
                           const char *status)
{
    struct cat_item_in in = {0};
    int64_t id;

    in.barcode = barcode;
    in.library = lib;
    in.status = status;
    T_OK(catalog_item_add(f->cat, record, &in, 0, "test", &id, &f->err), &f->err);
}

static inline int64_t fx_reader(struct fx *f, const char *card, const char *name,
                                const char *category, int64_t lib)
{
    struct cat_reader_in in = {0};
    int64_t id = 0;

    in.card = card;
    in.name = name;
    in.category = category;
    in.class_name = strcmp(category, "pupil") == 0 ? "6A" : NULL;
    in.home_library_id = lib;
    T_OK(catalog_reader_add(f->cat, &in, "test", &id, &f->err), &f->err);
    return id;
}

/* A fresh network in its own catalogue file `name`.db under dir. */
static inline int fx_open(struct fx *f, const char *dir, const char *name)
{
    memset(f, 0, sizeof *f);
    catalog_pwhash_set_cost(1, 8192); /* the minimum: tests hash hundreds of times */
    snprintf(f->path, sizeof f->path, "%s/%s.db", dir, name);
    if (!T_OK(catalog_open(f->path, &f->cat, &f->err), &f->err))
        return 0;
    f->now = FX_T0;
    catalog_set_clock(f->cat, fx_clock, &f->now);
    T_OK(catalog_library_add(f->cat, "A", "Trường THCS A", "school", &f->a, &f->err), &f->err);
    T_OK(catalog_library_add(f->cat, "B", "Thư viện B", "public", &f->b, &f->err), &f->err);
    T_OK(catalog_library_add(f->cat, "C", "Trung tâm C", "learning_centre", &f->c, &f->err),
         &f->err);
    f->rec1 = fx_record(f, "Dế Mèn phiêu lưu ký");
    f->rec2 = fx_record(f, "Tắt đèn");
    fx_item(f, f->rec1, "A-1", "A", NULL);
    fx_item(f, f->rec1, "A-2", "A", NULL);
    fx_item(f, f->rec1, "B-1", "B", NULL);
    fx_item(f, f->rec2, "A-3", "A", NULL);
    f->hs1 = fx_reader(f, "HS-1", "Nguyễn Văn An", "pupil", f->a);
    f->hs2 = fx_reader(f, "HS-2", "Trần Thị Bình", "pupil", f->a);
    f->gv1 = fx_reader(f, "GV-1", "Lê Văn Giáo", "teacher", f->a);
    f->nl1 = fx_reader(f, "NL-1", "Phạm Thị Lớn", "adult", f->b);
    return f->cat != NULL;
}

static inline void fx_close(struct fx *f)
{
    catalog_close(f->cat);
    f->cat = NULL;
}

/* A desk at library `lib` without an idempotency key. */
static inline struct cat_desk fx_desk(int64_t lib)
{
    struct cat_desk d = {lib, "librarian", NULL, 0};
    return d;
}

static inline int fx_checkout(struct fx *f, int64_t lib, const char *barcode, int64_t reader)
{
    struct cat_desk d = fx_desk(lib);
    struct cat_loan l;
    int rc = catalog_loan_checkout(f->cat, &d, barcode, reader, &l, &f->err);
    cat_loan_clear(&l);
    return rc;
}

static inline int fx_return(struct fx *f, int64_t lib, const char *barcode)
{
    struct cat_desk d = fx_desk(lib);
    struct cat_return r;
    int rc = catalog_loan_return(f->cat, &d, barcode, &r, &f->err);
    cat_return_clear(&r);
    return rc;
}

/* Item status and custodian code, "status@custodian", into buf. */
static inline const char *fx_where(struct fx *f, const char *barcode, char *buf, size_t cap)
{
    struct cat_item it;
    struct ts_err err = {0};

    if (catalog_item_get(f->cat, barcode, &it, &err)) {
        snprintf(buf, cap, "?");
        return buf;
    }
    snprintf(buf, cap, "%s@%s", it.status, it.custodian);
    cat_item_clear(&it);
    return buf;
}

/* One integer from raw SQL on a separate read-only connection. */
static inline int64_t fx_sql_i64(struct fx *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "# fx_sql_i64(%s): %s\n", sql, db ? sqlite3_errmsg(db) : "no db");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Every circulation invariant holds. */
static inline void fx_check_invariants(struct fx *f)
{
    struct cat_circ_check c;

    if (!T_OK(catalog_circ_check(f->cat, &c, &f->err), &f->err))
        return;
    T_CHECK(c.integrity_ok);
    T_EQ_INT(c.items_multi_loans, 0);
    T_EQ_INT(c.status_mismatch, 0);
    T_EQ_INT(c.shelf_mismatch, 0);
    T_EQ_INT(c.open_without_reader, 0);
    T_EQ_INT(c.closed_with_reader, 0);
    T_EQ_INT(c.fk_violations, 0);
}

/* No event names reader `card` or `name` (history off). */
static inline void fx_events_anonymous(struct fx *f, const char *card, const char *name)
{
    struct cat_event *ev = NULL;
    size_t n = 0;

    if (!T_OK(catalog_event_list(f->cat, 0, NULL, 100000, &ev, &n, &f->err), &f->err))
        return;
    for (size_t i = 0; i < n; i++) {
        const char *d = ev[i].detail ? ev[i].detail : "";
        if (strstr(ev[i].subject, card) || strstr(d, card) || strstr(d, name)) {
            T_CHECK(!"an event names the reader");
            fprintf(stderr, "# event %s %s %s\n", ev[i].kind, ev[i].subject, d);
        }
    }
    cat_event_list_free(ev, n);
}

#endif
