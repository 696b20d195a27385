/*
 * bench/sqlite_durable.c - tusach-bench-durable: the raw durable-transaction
 * limit of a disk, and the circulation invariant check for the benchmark.
 *
 * Usage: tusach-bench-durable DIR [--seconds N] [--keep]
 *        tusach-bench-durable --circ DATA_DIR
 *        tusach-bench-durable --desk DATA_DIR [--seconds N]
 *
 * DIR mode: a bare sqlite3 loop on DIR/durable-bench.db (DIR: the data
 * folder's file system, so the figure is for the disk the catalogue is on),
 * with the catalogue's own settings (journal_mode=WAL, synchronous=FULL,
 * sqlite's default WAL auto-checkpoint): one transaction per iteration,
 * BEGIN IMMEDIATE; one one-row statement; COMMIT. Iterations alternate an
 * INSERT of a new row and an UPDATE of a row inserted before, for N seconds
 * (default 10). Prints transactions/s and the latency (BEGIN to the end of
 * COMMIT) p50/p99/max per statement kind and overall, then one line
 *   durable-result: tx=N seconds=S tps=R p50_ms=.. p99_ms=.. max_ms=..
 * for scripts (bench/circ_mixed.sh). The file (and its -wal/-shm) is removed
 * afterwards unless --keep. This is the ceiling for anything that commits
 * one durable change at a time: each COMMIT costs one fsync of the WAL.
 *
 * --circ mode: opens DATA_DIR/catalog.db read-only through the catalogue
 * API and runs catalog_circ_check (integrity_check, one open loan per copy,
 * copy status vs loans and holds, reader links, foreign keys). Prints one
 * "circ-check: name=value ..." line plus the loan.checkout / loan.return
 * event counts, and exits 0 only when every invariant holds. It lives here
 * because no CLI command exposes catalog_circ_check yet.
 *
 * --desk mode: the catalogue's own durable rate, without HTTP: one thread
 * opens DATA_DIR/catalog.db like the server does and runs, for N seconds,
 * catalog_loan_checkout then catalog_loan_return on copies that are on the
 * shelf (each lent to an active reader of the copy's library, one copy per
 * reader at a time), each its own BEGIN IMMEDIATE transaction with its
 * event, idempotency key and index-queue row. Prints the same statistics as
 * DIR mode and "desk-result: ops=N seconds=S ops_per_s=R p50_ms p99_ms".
 * The copies end where they started. Compare ops_per_s with DIR mode's tps:
 * the share of the disk's durable rate the circulation rules keep.
 *
 * Exit status: 0, 1 on a database error or a violated invariant, 2 usage.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"
#include "catalog.h"
#include "circ.h"
#include "ts_err.h"
#include "ts_mem.h"
#include "ts_util.h"

#define DB_NAME "durable-bench.db"
#define MAX_SECONDS 3600

struct samples {
    double *v;
    size_t n, cap;
};

static void samples_add(struct samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->v = ts_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = x;
}

static void print_row(const char *name, struct samples *s, double secs)
{
    bench_sort(s->v, s->n);
    printf("%-8s %8zu %9.1f %8.3f %8.3f %8.3f %8.3f\n", name, s->n, (double)s->n / secs,
           bench_percentile(s->v, s->n, 0.50) * 1e3, bench_percentile(s->v, s->n, 0.95) * 1e3,
           bench_percentile(s->v, s->n, 0.99) * 1e3, s->n ? s->v[s->n - 1] * 1e3 : 0.0);
}

static int db_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "tusach-bench-durable: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no memory");
    return 1;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "tusach-bench-durable: %s: %s\n", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return 1;
    }
    return 0;
}

/* One BEGIN IMMEDIATE / st / COMMIT; st is reset afterwards. */
static int one_tx(sqlite3 *db, sqlite3_stmt *begin, sqlite3_stmt *st, sqlite3_stmt *commit)
{
    int rc = sqlite3_step(begin);
    sqlite3_reset(begin);
    if (rc != SQLITE_DONE)
        return db_fail(db, "BEGIN IMMEDIATE");
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        db_fail(db, "statement");
        exec_sql(db, "ROLLBACK");
        return 1;
    }
    rc = sqlite3_step(commit);
    sqlite3_reset(commit);
    return rc == SQLITE_DONE ? 0 : db_fail(db, "COMMIT");
}

static int run_loop(const char *dir, double seconds, int keep)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char path[4096], extra[4200], payload[121];
    struct samples ins = {0}, upd = {0}, all = {0};
    sqlite3 *db = NULL;
    sqlite3_stmt *begin = NULL, *commit = NULL, *insert = NULL, *update = NULL;
    sqlite3_int64 next_id = 1;
    double t_start, t_end, elapsed;
    int fail = 1;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, DB_NAME) >= sizeof path) {
        fprintf(stderr, "tusach-bench-durable: path too long\n");
        return 2;
    }
    for (size_t i = 0; i < 3; i++) {
        snprintf(extra, sizeof extra, "%s%s", path, suffix[i]);
        unlink(extra);
    }
    /* a loan row is about this size: ids, times, a barcode, a reader card */
    memset(payload, 'x', sizeof payload - 1);
    payload[sizeof payload - 1] = '\0';

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        db_fail(db, path);
        goto out;
    }
    sqlite3_busy_timeout(db, 10000);
    if (exec_sql(db, "PRAGMA journal_mode=WAL") || exec_sql(db, "PRAGMA synchronous=FULL") ||
        exec_sql(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, item INTEGER NOT NULL,"
                     " reader INTEGER NOT NULL, at INTEGER NOT NULL, due INTEGER,"
                     " note TEXT NOT NULL)") ||
        exec_sql(db, "CREATE INDEX t_item ON t(item)"))
        goto out;
    if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO t(id, item, reader, at, due, note)"
                           " VALUES (?1, ?1 % 5000, ?1 % 300, ?2, ?2 + 1209600, ?3)",
                           -1, &insert, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE t SET due = due + 86400, at = ?2 WHERE id = ?1", -1, &update,
                           NULL) != SQLITE_OK) {
        db_fail(db, "prepare");
        goto out;
    }
    sqlite3_bind_text(insert, 3, payload, -1, SQLITE_STATIC);

    t_start = ts_now_mono();
    t_end = t_start + seconds;
    for (;;) {
        double t0 = ts_now_mono(), dt;
        int is_insert = next_id == 1 || (ins.n + upd.n) % 2 == 0;
        sqlite3_stmt *st = is_insert ? insert : update;

        if (t0 >= t_end)
            break;
        /* the UPDATE touches a row written a while ago (like a return) */
        sqlite3_bind_int64(st, 1, is_insert ? next_id : 1 + (next_id * 7919) % (next_id - 1));
        sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
        if (one_tx(db, begin, st, commit))
            goto out;
        dt = ts_now_mono() - t0;
        if (is_insert)
            next_id++;
        samples_add(is_insert ? &ins : &upd, dt);
        samples_add(&all, dt);
    }
    elapsed = ts_now_mono() - t_start;

    printf("sqlite %s, journal_mode=WAL, synchronous=FULL, one-row transactions (BEGIN "
           "IMMEDIATE..COMMIT), %.1f s\n",
           sqlite3_libversion(), elapsed);
    printf("%-8s %8s %9s %8s %8s %8s %8s\n", "kind", "tx", "tx/s", "p50 ms", "p95 ms", "p99 ms",
           "max ms");
    print_row("insert", &ins, elapsed);
    print_row("update", &upd, elapsed);
    print_row("all", &all, elapsed);
    printf("durable-result: tx=%zu seconds=%.2f tps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
           all.n, elapsed, (double)all.n / elapsed, bench_percentile(all.v, all.n, 0.50) * 1e3,
           bench_percentile(all.v, all.n, 0.99) * 1e3, all.n ? all.v[all.n - 1] * 1e3 : 0.0);
    fail = 0;
out:
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_finalize(insert);
    sqlite3_finalize(update);
    sqlite3_close(db);
    if (!keep)
        for (size_t i = 0; i < 3; i++) {
            snprintf(extra, sizeof extra, "%s%s", path, suffix[i]);
            unlink(extra);
        }
    free(ins.v);
    free(upd.v);
    free(all.v);
    return fail;
}

static int run_circ_check(const char *data_dir)
{
    struct ts_err err = {0};
    struct cat_circ_check c;
    catalog *cat = NULL;
    char path[4096];
    int ok;

    if ((size_t)snprintf(path, sizeof path, "%s/catalog.db", data_dir) >= sizeof path) {
        fprintf(stderr, "tusach-bench-durable: path too long\n");
        return 2;
    }
    if (catalog_open_readonly(path, &cat, &err) || catalog_circ_check(cat, &c, &err)) {
        fprintf(stderr, "tusach-bench-durable: %s: %s\n", path, err.msg);
        catalog_close(cat);
        return 1;
    }
    ok = cat_circ_check_ok(&c);
    printf("circ-check: ok=%d integrity_ok=%d items_multi_loans=%lld status_mismatch=%lld "
           "shelf_mismatch=%lld open_without_reader=%lld closed_with_reader=%lld "
           "fk_violations=%lld events_checkout=%lld events_return=%lld\n",
           ok, c.integrity_ok, (long long)c.items_multi_loans, (long long)c.status_mismatch,
           (long long)c.shelf_mismatch, (long long)c.open_without_reader,
           (long long)c.closed_with_reader, (long long)c.fk_violations,
           (long long)catalog_event_count(cat, "loan.checkout"),
           (long long)catalog_event_count(cat, "loan.return"));
    catalog_close(cat);
    return ok ? 0 : 1;
}

#define DESK_COPIES 200

static int run_desk(const char *data_dir, double seconds)
{
    static const char sql_items[] = "SELECT barcode, custodian_id FROM item"
                                    " WHERE status = 'available' ORDER BY id LIMIT ?1";
    static const char sql_readers[] =
        "SELECT id, home_library_id FROM reader WHERE active = 1 AND blocked IS NULL"
        /* loans the HTTP clients left open could take a reader to the limit */
        " AND id NOT IN (SELECT reader_id FROM loan WHERE returned_at IS NULL"
        " AND reader_id IS NOT NULL) ORDER BY id";
    int64_t(*readers)[2] = NULL;
    size_t n_readers = 0, cap_readers = 0;
    struct samples out = {0}, back = {0}, all = {0};
    struct {
        char barcode[65];
        int64_t library_id, reader_id;
    } copies[DESK_COPIES];
    struct ts_err err = {0};
    catalog *cat = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char path[4096], key[64];
    size_t n = 0, k = 0;
    double t_start, t_end, elapsed;
    int fail = 1;

    if ((size_t)snprintf(path, sizeof path, "%s/catalog.db", data_dir) >= sizeof path)
        return 2;
    /* which copies to lend: read with bare sqlite, written only through the catalogue */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql_readers, -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, path);
        goto out;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n_readers == cap_readers) {
            cap_readers = cap_readers ? cap_readers * 2 : 256;
            readers = ts_xrealloc(readers, cap_readers * sizeof *readers);
        }
        readers[n_readers][0] = sqlite3_column_int64(st, 0);
        readers[n_readers++][1] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, sql_items, -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, path);
        goto out;
    }
    sqlite3_bind_int(st, 1, DESK_COPIES);
    /* each copy goes to a different reader of its library (one copy each) */
    for (size_t r = 0; n < DESK_COPIES && sqlite3_step(st) == SQLITE_ROW;) {
        const unsigned char *b = sqlite3_column_text(st, 0);
        int64_t lib = sqlite3_column_int64(st, 1);
        size_t tries;
        for (tries = 0; tries < n_readers && readers[r % n_readers][1] != lib; tries++)
            r++;
        if (!b || tries == n_readers)
            continue;
        snprintf(copies[n].barcode, sizeof copies[n].barcode, "%s", (const char *)b);
        copies[n].library_id = lib;
        copies[n].reader_id = readers[r++ % n_readers][0];
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    db = NULL;
    if (n == 0) {
        fprintf(stderr, "tusach-bench-durable: --desk: no copy on the shelf with a reader\n");
        goto out;
    }
    if (catalog_open(path, &cat, &err)) {
        fprintf(stderr, "tusach-bench-durable: %s: %s\n", path, err.msg);
        goto out;
    }
    t_start = ts_now_mono();
    t_end = t_start + seconds;
    for (unsigned long op = 0;; op++) {
        struct cat_desk desk = {copies[k].library_id, "bench", key, 0};
        double t0 = ts_now_mono(), dt;
        int rc;

        if (t0 >= t_end && op % 2 == 0)
            break; /* stop after a return: every copy back on the shelf */
        snprintf(key, sizeof key, "desk-bench-%ld-%lu", (long)getpid(), op);
        if (op % 2 == 0) {
            struct cat_loan l;
            rc =
                catalog_loan_checkout(cat, &desk, copies[k].barcode, copies[k].reader_id, &l, &err);
            cat_loan_clear(&l);
        } else {
            struct cat_return r;
            rc = catalog_loan_return(cat, &desk, copies[k].barcode, &r, &err);
            cat_return_clear(&r);
            k = (k + 1) % n;
        }
        if (rc) {
            fprintf(stderr, "tusach-bench-durable: --desk: %s\n", err.msg);
            goto out;
        }
        dt = ts_now_mono() - t0;
        samples_add(op % 2 == 0 ? &out : &back, dt);
        samples_add(&all, dt);
    }
    elapsed = ts_now_mono() - t_start;
    print_row("checkout", &out, elapsed);
    print_row("return", &back, elapsed);
    print_row("all", &all, elapsed);
    printf("desk-result: ops=%zu seconds=%.2f ops_per_s=%.1f p50_ms=%.3f p99_ms=%.3f\n", all.n,
           elapsed, (double)all.n / elapsed, bench_percentile(all.v, all.n, 0.50) * 1e3,
           bench_percentile(all.v, all.n, 0.99) * 1e3);
    fail = 0;
out:
    sqlite3_close(db);
    catalog_close(cat);
    free(readers);
    free(out.v);
    free(back.v);
    free(all.v);
    return fail;
}

static int usage(void)
{
    fprintf(stderr, "usage: tusach-bench-durable DIR [--seconds N] [--keep]\n"
                    "       tusach-bench-durable --circ DATA_DIR\n"
                    "       tusach-bench-durable --desk DATA_DIR [--seconds N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *circ = NULL, *desk = NULL;
    int64_t seconds = 10;
    int keep = 0;
    struct ts_err err = {0};

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            if (ts_parse_i64(argv[++i], &seconds, &err) || seconds < 1 || seconds > MAX_SECONDS) {
                fprintf(stderr, "tusach-bench-durable: --seconds: 1..%d\n", MAX_SECONDS);
                return 2;
            }
        } else if (strcmp(argv[i], "--circ") == 0 && i + 1 < argc) {
            circ = argv[++i];
        } else if (strcmp(argv[i], "--desk") == 0 && i + 1 < argc) {
            desk = argv[++i];
        } else if (strcmp(argv[i], "--keep") == 0) {
            keep = 1;
        } else if (argv[i][0] == '-' || dir) {
            return usage();
        } else {
            dir = argv[i];
        }
    }
    if (circ)
        return dir ? usage() : run_circ_check(circ);
    if (desk)
        return dir ? usage() : run_desk(desk, (double)seconds);
    if (!dir)
        return usage();
    return run_loop(dir, (double)seconds, keep);
}
