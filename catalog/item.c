/*
 * catalog/item.c - physical copies: add, look up, move between libraries,
 * withdraw. A copy has exactly one custodian library (the one holding it now)
 * and a home library; barcodes are unique across the network (a unique index).
 * Every change writes an event with the values before and after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

static const char *const statuses[] = {"available", "on_loan",   "in_transit", "on_hold_shelf",
                                       "lost",      "withdrawn", NULL};

int catalog_item_status_valid(const char *status)
{
    for (int i = 0; status && statuses[i]; i++)
        if (strcmp(status, statuses[i]) == 0)
            return 1;
    return 0;
}

static int library_id(catalog *cat, const char *code, int64_t *id, struct ts_err *err)
{
    static const char sql[] = "SELECT id FROM library WHERE code = ?1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);
    int src;

    *id = 0;
    if (!st)
        return err ? (int)err->code : TS_EDB;
    cat_bind_text(st, 1, code);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "find library", err);
    return ts_fail(err, TS_ENOTFOUND, "unknown library '%s'", code);
}

/* Run fn inside a transaction unless the caller already has one open. */
static int in_tx(catalog *cat, int (*fn)(catalog *, void *, struct ts_err *), void *arg,
                 struct ts_err *err)
{
    int rc;
    if (!sqlite3_get_autocommit(cat->db))
        return fn(cat, arg, err);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    rc = fn(cat, arg, err);
    return catalog_tx_end(cat, rc, err);
}

struct add_args {
    int64_t record_id, default_library_id, *id;
    const struct cat_item_in *in;
    const char *actor;
};

static int item_insert(catalog *cat, void *arg, struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO item(barcode, record_id, home_library_id, custodian_id, status,"
        " call_number, shelf_location, acquired, price, created, updated)"
        " VALUES (?1,?2,?3,?3,?4,?5,?6,?7,?8,?9,?9)";
    static const char sql_owner[] = "SELECT record_id FROM item WHERE barcode = ?1";
    struct add_args *a = arg;
    const struct cat_item_in *in = a->in;
    struct ts_buf detail;
    int64_t lib = a->default_library_id;
    sqlite3_stmt *st;
    int rc;

    if (!in->barcode || !*in->barcode || strlen(in->barcode) > 64)
        return ts_fail(err, TS_EINVAL, "a copy needs a barcode of 1-64 bytes");
    if (in->status && !catalog_item_status_valid(in->status))
        return ts_fail(err, TS_EINVAL, "barcode %s: unknown status '%s'", in->barcode, in->status);
    if (in->library && (rc = library_id(cat, in->library, &lib, err)))
        return rc;
    if (!lib)
        return ts_fail(err, TS_EINVAL, "barcode %s: no library given", in->barcode);
    if (!(st = cat_stmt(cat, sql, err)))
        return err ? (int)err->code : TS_EDB;
    cat_bind_text(st, 1, in->barcode);
    sqlite3_bind_int64(st, 2, a->record_id);
    sqlite3_bind_int64(st, 3, lib);
    cat_bind_text(st, 4, in->status ? in->status : "available");
    cat_bind_text(st, 5, in->call_number);
    cat_bind_text(st, 6, in->shelf_location);
    cat_bind_text(st, 7, in->acquired);
    cat_bind_text(st, 8, in->price);
    sqlite3_bind_int64(st, 9, cat_now(cat));
    rc = cat_step_done(cat, st, "add copy", err);
    if (rc == TS_ECONFLICT) {
        int64_t owner = 0;
        if ((st = cat_stmt(cat, sql_owner, NULL)) != NULL) {
            cat_bind_text(st, 1, in->barcode);
            if (sqlite3_step(st) == SQLITE_ROW)
                owner = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
        }
        return ts_fail(err, TS_ECONFLICT, "barcode %s already belongs to record %lld", in->barcode,
                       (long long)owner);
    }
    if (rc)
        return rc;
    *a->id = sqlite3_last_insert_rowid(cat->db);
    ts_buf_init(&detail, 0);
    ts_buf_addf(&detail, "{\"record\":%lld,\"barcode\":", (long long)a->record_id);
    cat_json_str(&detail, in->barcode);
    ts_buf_add(&detail, "}");
    rc = catalog_event_add(cat, a->actor, "item.add", in->barcode, ts_buf_str(&detail), err);
    ts_buf_free(&detail);
    if (rc == TS_OK)
        rc = catalog_queue_add(cat, a->record_id, err);
    return rc;
}

int catalog_item_add(catalog *cat, int64_t record_id, const struct cat_item_in *in,
                     int64_t default_library_id, const char *actor, int64_t *id, struct ts_err *err)
{
    struct add_args a = {record_id, default_library_id, id, in, actor ? actor : "cli"};
    *id = 0;
    return in_tx(cat, item_insert, &a, err);
}

#define ITEM_COLS                                                                                  \
    "SELECT i.id, i.record_id, i.barcode, h.code, c.code, i.status, i.call_number,"                \
    " i.shelf_location, i.acquired, i.price FROM item i"                                           \
    " JOIN library h ON h.id = i.home_library_id JOIN library c ON c.id = i.custodian_id"

static void fill_item(sqlite3_stmt *st, struct cat_item *it)
{
    it->id = sqlite3_column_int64(st, 0);
    it->record_id = sqlite3_column_int64(st, 1);
    it->barcode = cat_col_strdup(st, 2);
    it->home_library = cat_col_strdup(st, 3);
    it->custodian = cat_col_strdup(st, 4);
    it->status = cat_col_strdup(st, 5);
    it->call_number = cat_col_strdup(st, 6);
    it->shelf_location = cat_col_strdup(st, 7);
    it->acquired = cat_col_strdup(st, 8);
    it->price = cat_col_strdup(st, 9);
}

int catalog_item_get(catalog *cat, const char *barcode, struct cat_item *out, struct ts_err *err)
{
    static const char sql[] = ITEM_COLS " WHERE i.barcode = ?1";
    sqlite3_stmt *st;
    int src;

    memset(out, 0, sizeof *out);
    if (!(st = cat_stmt(cat, sql, err)))
        return err ? (int)err->code : TS_EDB;
    cat_bind_text(st, 1, barcode);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        fill_item(st, out);
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "get copy", err);
    return ts_fail(err, TS_ENOTFOUND, "no copy with barcode '%s'", barcode);
}

int cat_record_items(catalog *cat, int64_t record_id, struct cat_item **out, size_t *n,
                     struct ts_err *err)
{
    static const char sql[] = ITEM_COLS " WHERE i.record_id = ?1 ORDER BY i.barcode";
    struct cat_item *v = NULL;
    sqlite3_stmt *st;
    size_t cnt = 0;

    *out = NULL;
    *n = 0;
    if (!(st = cat_stmt(cat, sql, err)))
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, record_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        v = ts_xrealloc(v, (cnt + 1) * sizeof *v);
        memset(&v[cnt], 0, sizeof *v);
        fill_item(st, &v[cnt++]);
    }
    sqlite3_reset(st);
    *out = v;
    *n = cnt;
    return TS_OK;
}

void cat_item_clear(struct cat_item *it)
{
    if (!it)
        return;
    free(it->barcode);
    free(it->home_library);
    free(it->custodian);
    free(it->status);
    free(it->call_number);
    free(it->shelf_location);
    free(it->acquired);
    free(it->price);
    memset(it, 0, sizeof *it);
}

static int item_event(catalog *cat, const char *actor, const char *kind, const struct cat_item *it,
                      const char *field, const char *before, const char *after, struct ts_err *err)
{
    struct ts_buf d;
    int rc;

    ts_buf_init(&d, 0);
    ts_buf_addf(&d, "{\"field\":\"%s\",\"before\":", field);
    cat_json_str(&d, before);
    ts_buf_add(&d, ",\"after\":");
    cat_json_str(&d, after);
    ts_buf_add(&d, "}");
    rc = catalog_event_add(cat, actor ? actor : "cli", kind, it->barcode, ts_buf_str(&d), err);
    ts_buf_free(&d);
    return rc;
}

int catalog_item_move(catalog *cat, const char *barcode, const char *library, const char *actor,
                      struct ts_err *err)
{
    static const char sql[] =
        "UPDATE item SET home_library_id = ?2, custodian_id = ?2, updated = ?3 WHERE id = ?1";
    struct cat_item it;
    sqlite3_stmt *st;
    int64_t lib;
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = catalog_item_get(cat, barcode, &it, err)))
        goto out;
    if ((rc = library_id(cat, library, &lib, err)))
        goto out;
    if (strcmp(it.status, "on_loan") == 0 || strcmp(it.status, "in_transit") == 0 ||
        strcmp(it.status, "on_hold_shelf") == 0) {
        rc = ts_fail(err, TS_ECONFLICT, "copy %s is %s: it cannot move now", barcode, it.status);
        goto out;
    }
    if (!(st = cat_stmt(cat, sql, err))) {
        rc = err ? (int)err->code : TS_EDB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, it.id);
    sqlite3_bind_int64(st, 2, lib);
    sqlite3_bind_int64(st, 3, cat_now(cat));
    if (!(rc = cat_step_done(cat, st, "move copy", err)) &&
        !(rc = item_event(cat, actor, "item.move", &it, "library", it.custodian, library, err)))
        rc = catalog_queue_add(cat, it.record_id, err);
out:
    cat_item_clear(&it);
    return catalog_tx_end(cat, rc, err);
}

int catalog_item_withdraw(catalog *cat, const char *barcode, const char *actor, struct ts_err *err)
{
    static const char sql[] = "UPDATE item SET status = 'withdrawn', updated = ?2 WHERE id = ?1";
    struct cat_item it;
    sqlite3_stmt *st;
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    if ((rc = catalog_item_get(cat, barcode, &it, err)))
        goto out;
    if (strcmp(it.status, "withdrawn") == 0) {
        rc = ts_fail(err, TS_ECONFLICT, "copy %s is already withdrawn", barcode);
        goto out;
    }
    if (strcmp(it.status, "on_loan") == 0 || strcmp(it.status, "in_transit") == 0 ||
        strcmp(it.status, "on_hold_shelf") == 0) {
        rc = ts_fail(err, TS_ECONFLICT, "copy %s is %s: %s first", barcode, it.status,
                     strcmp(it.status, "on_hold_shelf") == 0 ? "cancel or fill its hold"
                                                             : "return it");
        goto out;
    }
    if (!(st = cat_stmt(cat, sql, err))) {
        rc = err ? (int)err->code : TS_EDB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, it.id);
    sqlite3_bind_int64(st, 2, cat_now(cat));
    if (!(rc = cat_step_done(cat, st, "withdraw copy", err)) &&
        !(rc = item_event(cat, actor, "item.withdraw", &it, "status", it.status, "withdrawn", err)))
        rc = catalog_queue_add(cat, it.record_id, err);
out:
    cat_item_clear(&it);
    return catalog_tx_end(cat, rc, err);
}

int catalog_record_ids_at(catalog *cat, int64_t library_id, int64_t **ids, size_t *n,
                          struct ts_err *err)
{
    static const char sql[] =
        "SELECT record_id FROM item WHERE home_library_id = ?1 OR custodian_id = ?1"
        " UNION SELECT f.record_id FROM file f JOIN file_holding h ON h.file_id = f.id"
        " WHERE h.library_id = ?1 ORDER BY 1";
    sqlite3_stmt *st = cat_stmt(cat, sql, err);

    *ids = NULL;
    *n = 0;
    if (!st)
        return err ? (int)err->code : TS_EDB;
    sqlite3_bind_int64(st, 1, library_id);
    /* as before, a failed step returns the rows read so far */
    cat_step_ids(cat, st, ids, n, "records at a library", NULL);
    return TS_OK;
}
