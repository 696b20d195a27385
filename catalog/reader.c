/*
 * catalog/reader.c - readers: a pupil, teacher or adult with a library card
 * (card number unique across the network) at a home library. Add, look up,
 * import a class list, block, deactivate, and the borrowing-history opt-in.
 *
 * The catalogue keeps what the desk needs and nothing more: card, name,
 * category, class, home library. Events name readers only as "reader:<id>",
 * never by name or card (DEVELOPERS.md: no reader names or card numbers in
 * logs). Opting out of history forgets the past in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circ_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

static const char *const categories[] = {"pupil", "teacher", "adult", NULL};

int catalog_reader_category_valid(const char *category)
{
    for (int i = 0; category && categories[i]; i++)
        if (strcmp(category, categories[i]) == 0)
            return 1;
    return 0;
}

/* A card number is typed or scanned: printable, no spaces, 1-64 bytes. */
static int card_valid(const char *card)
{
    size_t n = card ? strlen(card) : 0;

    if (n == 0 || n > 64)
        return 0;
    for (const unsigned char *p = (const unsigned char *)card; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

static int check_in(const struct cat_reader_in *in, struct ts_err *err)
{
    if (!card_valid(in->card))
        return ts_fail(err, TS_EINVAL, "a card number is 1-64 characters without spaces");
    if (!in->name || !*in->name || strlen(in->name) > 200)
        return ts_fail(err, TS_EINVAL, "card %s: a name of 1-200 bytes is needed", in->card);
    if (!catalog_reader_category_valid(in->category))
        return ts_fail(err, TS_EINVAL, "card %s: category '%s' is not pupil, teacher or adult",
                       in->card, in->category ? in->category : "");
    if (in->class_name && strlen(in->class_name) > 32)
        return ts_fail(err, TS_EINVAL, "card %s: class name longer than 32 bytes", in->card);
    return TS_OK;
}

static int reader_insert(catalog *cat, const struct cat_reader_in *in, int64_t *id,
                         struct ts_err *err)
{
    static const char sql[] =
        "INSERT INTO reader(card, name, category, class, home_library_id, history, created,"
        " updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)";
    const char *cls = in->class_name && *in->class_name ? in->class_name : NULL;
    int rc;

    if ((rc = circ_library_exists(cat, in->home_library_id, err)))
        return rc;
    rc = circ_exec(cat, sql, "add reader", err,
                   CIRC_ARGS(CA_T(in->card), CA_T(in->name), CA_T(in->category), CA_T(cls),
                             CA_I(in->home_library_id), CA_I(in->history ? 1 : 0),
                             CA_I(cat_now(cat))));
    if (rc == TS_ECONFLICT)
        return ts_fail(err, TS_ECONFLICT, "card %s is already in use", in->card);
    if (rc == TS_OK)
        *id = sqlite3_last_insert_rowid(cat->db);
    return rc;
}

static int reader_event(catalog *cat, const char *actor, const char *kind, int64_t id,
                        const struct ts_buf *d, struct ts_err *err)
{
    char subject[40];

    snprintf(subject, sizeof subject, "reader:%lld", (long long)id);
    return circ_event(cat, actor, kind, subject, d, err);
}

int catalog_reader_add(catalog *cat, const struct cat_reader_in *in, const char *actor, int64_t *id,
                       struct ts_err *err)
{
    struct ts_buf d;
    char code[40];
    int rc;

    *id = 0;
    if ((rc = check_in(in, err)))
        return rc;
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = reader_insert(cat, in, id, err)))
        goto out;
    circ_library_code(cat, in->home_library_id, code, sizeof code);
    ts_buf_addf(&d, "{\"library\":\"%s\",\"category\":\"%s\"}", code, in->category);
    rc = reader_event(cat, actor, "reader.add", *id, &d, err);
out:
    ts_buf_free(&d);
    if (rc)
        *id = 0;
    return catalog_tx_end(cat, rc, err);
}

#define READER_SQL                                                                                 \
    "SELECT r.id, r.home_library_id, r.card, r.name, r.category, r.class, l.code, r.blocked,"      \
    " r.active, r.history,"                                                                        \
    " (SELECT count(*) FROM loan WHERE reader_id = r.id AND returned_at IS NULL),"                 \
    " (SELECT count(*) FROM hold WHERE reader_id = r.id AND status IN ('waiting', 'ready'))"       \
    " FROM reader r JOIN library l ON l.id = r.home_library_id"

static int reader_fill(catalog *cat, sqlite3_stmt *st, const char *what, struct cat_reader *out,
                       struct ts_err *err)
{
    int src = sqlite3_step(st);

    if (src == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->home_library_id = sqlite3_column_int64(st, 1);
        out->card = cat_col_strdup(st, 2);
        out->name = cat_col_strdup(st, 3);
        out->category = cat_col_strdup(st, 4);
        out->class_name = cat_col_strdup(st, 5);
        out->home_library = cat_col_strdup(st, 6);
        out->blocked = cat_col_strdup(st, 7);
        out->active = sqlite3_column_int(st, 8);
        out->history = sqlite3_column_int(st, 9);
        out->n_loans = sqlite3_column_int64(st, 10);
        out->n_holds = sqlite3_column_int64(st, 11);
    }
    sqlite3_reset(st);
    if (src == SQLITE_ROW)
        return TS_OK;
    if (src != SQLITE_DONE)
        return cat_dberr(cat, src, "get reader", err);
    return ts_fail(err, TS_ENOTFOUND, "no reader %s", what);
}

int catalog_reader_get(catalog *cat, int64_t id, struct cat_reader *out, struct ts_err *err)
{
    static const char sql[] = READER_SQL " WHERE r.id = ?1";
    sqlite3_stmt *st;
    char what[32];

    memset(out, 0, sizeof *out);
    snprintf(what, sizeof what, "#%lld", (long long)id);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_I(id)))))
        return circ_code(err);
    return reader_fill(cat, st, what, out, err);
}

int catalog_reader_by_card(catalog *cat, const char *card, struct cat_reader *out,
                           struct ts_err *err)
{
    static const char sql[] = READER_SQL " WHERE r.card = ?1";
    sqlite3_stmt *st;
    char what[96];

    memset(out, 0, sizeof *out);
    if (!card_valid(card))
        return ts_fail(err, TS_EINVAL, "a card number is 1-64 characters without spaces");
    snprintf(what, sizeof what, "with card %s", card);
    if (!(st = circ_stmt(cat, sql, err, CIRC_ARGS(CA_T(card)))))
        return circ_code(err);
    return reader_fill(cat, st, what, out, err);
}

int catalog_reader_id_by_card(catalog *cat, const char *card, int64_t *id, struct ts_err *err)
{
    static const char sql[] = "SELECT id FROM reader WHERE card = ?1";
    int found, rc;

    *id = 0;
    if (!card_valid(card))
        return ts_fail(err, TS_EINVAL, "a card number is 1-64 characters without spaces");
    if ((rc = circ_one_i64(cat, sql, "find reader", id, &found, err, CIRC_ARGS(CA_T(card)))))
        return rc;
    return found ? TS_OK : ts_fail(err, TS_ENOTFOUND, "no reader with card %s", card);
}

void cat_reader_clear(struct cat_reader *r)
{
    if (!r)
        return;
    free(r->card);
    free(r->name);
    free(r->category);
    free(r->class_name);
    free(r->home_library);
    free(r->blocked);
    memset(r, 0, sizeof *r);
}

static int same(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && strcmp(a, b) == 0;
}

/* Add or update one row of a class list; *outcome 0 created, 1 updated, 2 unchanged. */
static int upsert(catalog *cat, const struct cat_reader_in *in, int *outcome, struct ts_err *err)
{
    static const char sql_upd[] =
        "UPDATE reader SET name = ?2, category = ?3, class = ?4, home_library_id = ?5,"
        " active = 1, updated = ?6 WHERE id = ?1";
    struct cat_reader cur;
    int64_t id;
    int rc;

    if ((rc = check_in(in, err)))
        return rc;
    rc = catalog_reader_by_card(cat, in->card, &cur, err);
    if (rc == TS_ENOTFOUND) {
        *outcome = 0;
        return reader_insert(cat, in, &id, err);
    }
    if (rc)
        return rc;
    if (same(cur.name, in->name) && same(cur.category, in->category) &&
        same(cur.class_name, in->class_name) && cur.home_library_id == in->home_library_id &&
        cur.active) {
        *outcome = 2;
    } else if ((rc = circ_library_exists(cat, in->home_library_id, err)) == TS_OK) {
        *outcome = 1;
        rc = circ_exec(cat, sql_upd, "update reader", err,
                       CIRC_ARGS(CA_I(cur.id), CA_T(in->name), CA_T(in->category),
                                 CA_T(in->class_name && *in->class_name ? in->class_name : NULL),
                                 CA_I(in->home_library_id), CA_I(cat_now(cat))));
    }
    cat_reader_clear(&cur);
    return rc;
}

int catalog_reader_import(catalog *cat, const struct cat_reader_row *rows, size_t n, int dry_run,
                          const char *actor, cat_reader_problem_fn on_row, void *ctx,
                          struct cat_reader_import *sum, struct ts_err *err)
{
    struct ts_buf d;
    int rc;

    memset(sum, 0, sizeof *sum);
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    for (size_t i = 0; i < n; i++) {
        struct ts_err why = {0};
        int outcome = 0, r = upsert(cat, &rows[i].in, &outcome, &why);

        if (r == TS_EBUSY || r == TS_EDB || r == TS_EINTERNAL) {
            *err = why;
            rc = r;
            goto out;
        }
        if (r) {
            sum->failed++;
            if (on_row)
                on_row(rows[i].line, &why, ctx);
            continue;
        }
        if (outcome == 0)
            sum->created++;
        else if (outcome == 1)
            sum->updated++;
        else
            sum->unchanged++;
    }
    ts_buf_addf(&d, "{\"created\":%zu,\"updated\":%zu,\"unchanged\":%zu,\"failed\":%zu}",
                sum->created, sum->updated, sum->unchanged, sum->failed);
    rc = circ_event(cat, actor, "reader.import", "readers", &d, err);
    if (rc == TS_OK && dry_run) {
        ts_buf_free(&d);
        catalog_tx_end(cat, TS_EINTERNAL, NULL); /* roll back */
        return TS_OK;
    }
out:
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}

int catalog_reader_deactivate(catalog *cat, int64_t id, const char *actor, struct ts_err *err)
{
    static const char sql_holds[] = "SELECT id, status, item_id FROM hold WHERE reader_id = ?1"
                                    " AND status IN ('waiting', 'ready') ORDER BY id";
    static const char sql_off[] = "UPDATE reader SET active = 0, updated = ?2 WHERE id = ?1";
    static const char sql_sessions[] =
        "DELETE FROM session WHERE account_id IN (SELECT id FROM account WHERE reader_id = ?1)";
    struct circ_reader r;
    struct ts_buf d;
    int64_t *holds = NULL, *items = NULL, n_loans = 0;
    size_t n_holds = 0;
    sqlite3_stmt *st;
    int found, rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = circ_reader_load(cat, id, &r, err)))
        goto out;
    if (!r.active) {
        rc = ts_fail(err, TS_ECONFLICT, "reader %s is already inactive", r.card);
        goto out;
    }
    if ((rc = circ_one_i64(cat,
                           "SELECT count(*) FROM loan WHERE reader_id = ?1 AND returned_at IS NULL",
                           "count loans", &n_loans, &found, err, CIRC_ARGS(CA_I(id)))))
        goto out;
    if (n_loans > 0) {
        rc = ts_fail(err, TS_ECONFLICT, "reader %s still has %lld item%s on loan: return %s first",
                     r.card, (long long)n_loans, n_loans == 1 ? "" : "s",
                     n_loans == 1 ? "it" : "them");
        goto out;
    }
    if (!(st = circ_stmt(cat, sql_holds, err, CIRC_ARGS(CA_I(id))))) {
        rc = circ_code(err);
        goto out;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        holds = ts_xrealloc(holds, (n_holds + 1) * sizeof *holds);
        items = ts_xrealloc(items, (n_holds + 1) * sizeof *items);
        holds[n_holds] = sqlite3_column_int64(st, 0);
        items[n_holds] = strcmp((const char *)sqlite3_column_text(st, 1), "ready") == 0
                             ? sqlite3_column_int64(st, 2)
                             : 0;
        n_holds++;
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < n_holds && rc == TS_OK; i++) {
        int64_t next;
        rc = circ_hold_close(cat, holds[i], "cancelled", err);
        if (rc == TS_OK && items[i])
            rc = circ_hold_release_item(cat, items[i], &next, err);
    }
    if (rc)
        goto out;
    if ((rc = circ_exec(cat, sql_off, "deactivate reader", err,
                        CIRC_ARGS(CA_I(id), CA_I(cat_now(cat))))) ||
        (rc = circ_exec(cat, sql_sessions, "end reader sessions", err, CIRC_ARGS(CA_I(id)))))
        goto out;
    ts_buf_addf(&d, "{\"holds_cancelled\":%zu}", n_holds);
    rc = reader_event(cat, actor, "reader.deactivate", id, &d, err);
out:
    free(holds);
    free(items);
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}

int catalog_reader_set_blocked(catalog *cat, int64_t id, const char *reason, const char *actor,
                               struct ts_err *err)
{
    static const char sql[] = "UPDATE reader SET blocked = ?2, updated = ?3 WHERE id = ?1";
    struct circ_reader r;
    struct ts_buf d;
    int rc;

    if (reason && (!*reason || strlen(reason) > 200))
        return ts_fail(err, TS_EINVAL, "a reason of 1-200 bytes is needed to block a reader");
    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = circ_reader_load(cat, id, &r, err)))
        goto out;
    if ((rc = circ_exec(cat, sql, "block reader", err,
                        CIRC_ARGS(CA_I(id), CA_T(reason), CA_I(cat_now(cat))))))
        goto out;
    ts_buf_addf(&d, "{\"blocked\":%s}", reason ? "true" : "false");
    rc = reader_event(cat, actor, "reader.block", id, &d, err);
out:
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}

int catalog_reader_set_history(catalog *cat, int64_t id, int on, const char *actor,
                               struct ts_err *err)
{
    static const char sql[] = "UPDATE reader SET history = ?2, updated = ?3 WHERE id = ?1";
    static const char *const forget[] = {
        "UPDATE loan SET reader_id = NULL WHERE reader_id = ?1 AND returned_at IS NOT NULL",
        "UPDATE hold SET reader_id = NULL WHERE reader_id = ?1 AND closed_at IS NOT NULL",
        "UPDATE dloan SET reader_id = NULL WHERE reader_id = ?1 AND returned_at IS NOT NULL",
    };
    struct circ_reader r;
    struct ts_buf d;
    int rc;

    if ((rc = catalog_tx_begin(cat, err)))
        return rc;
    ts_buf_init(&d, 0);
    if ((rc = circ_reader_load(cat, id, &r, err)))
        goto out;
    if ((rc = circ_exec(cat, sql, "set history", err,
                        CIRC_ARGS(CA_I(id), CA_I(on ? 1 : 0), CA_I(cat_now(cat))))))
        goto out;
    for (size_t i = 0; !on && i < sizeof forget / sizeof forget[0] && rc == TS_OK; i++)
        rc = circ_exec(cat, forget[i], "forget history", err, CIRC_ARGS(CA_I(id)));
    if (rc)
        goto out;
    ts_buf_addf(&d, "{\"history\":%s}", on ? "true" : "false");
    rc = reader_event(cat, actor, "reader.history", id, &d, err);
out:
    ts_buf_free(&d);
    return catalog_tx_end(cat, rc, err);
}
