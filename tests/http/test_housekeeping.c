/*
 * tests/http/test_housekeeping.c - what the running server does by itself:
 * after a checkout at a desk the "available at" search filter stops listing
 * the record (the housekeeping thread re-indexes it), and a ready hold whose
 * shelf time is over moves on to the next reader in the queue without anyone
 * running a command. The tick is shortened with TUSACH_HK_TICK_MS.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "circ.h"
#include "fixture.h"
#include "import.h"
#include "people.h"
#include "server.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_util.h"

static struct t_srv srv;
static const char *data_dir;
static int64_t rec_id, lib_a, reader1, reader2, reader3;

static void nap(void)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void setup(void)
{
    const char *files = t_tmpdir();
    struct ts_err err = {0};

    setenv("TUSACH_HK_TICK_MS", "100", 1);
    data_dir = t_tmpdir();
    T_OK(import_init(data_dir, &err), &err);
    t_fx_library(data_dir, "TH-A", "Trường Tiểu học A", "school");
    t_fx_write_text(files, "chuyen-ke.txt", "Chuyện kể về rùa và thỏ\n\nRùa chạy chậm mà chắc.\n");
    t_fx_import(data_dir, files, "TH-A", 1, NULL);
    rec_id = t_fx_find_record(data_dir, "rùa", NULL);
    T_REQUIRE(rec_id > 0);
    t_fx_item(data_dir, rec_id, "A-001", "TH-A");
    lib_a = t_fx_library_id(data_dir, "TH-A");
    reader1 = t_fx_reader(data_dir, "HS-1", "Một", "pupil", "TH-A", NULL);
    reader2 = t_fx_reader(data_dir, "HS-2", "Hai", "pupil", "TH-A", NULL);
    reader3 = t_fx_reader(data_dir, "HS-3", "Ba", "pupil", "TH-A", NULL);
    /* index the new copy's availability before the server starts */
    {
        struct import_opts o = {0};
        struct import_summary s;
        o.data_dir = data_dir;
        T_OK(import_drain(&o, &s, &err), &err);
    }
    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
}

static long available_hits(void)
{
    struct t_http r;
    const char *p;
    long total = -1;

    t_http_get(&srv, "/api/v1/search?q=rua+tho&available_at=TH-A", &r);
    if (T_EQ_INT(r.status, 200) && (p = strstr(ts_buf_str(&r.body), "\"total\":")))
        total = strtol(p + 8, NULL, 10);
    t_http_free(&r);
    return total;
}

static void test_availability_follows_the_desk(void)
{
    struct cat_desk desk = {lib_a, "test", NULL, 0};
    struct cat_loan loan = {0};
    struct ts_err err = {0};
    catalog *cat;
    long n = -1;

    T_EQ_INT(available_hits(), 1);
    cat = t_fx_open(data_dir);
    T_REQUIRE(cat != NULL);
    T_OK(catalog_loan_checkout(cat, &desk, "A-001", reader1, &loan, &err), &err);
    cat_loan_clear(&loan);
    catalog_close(cat);
    /* nobody runs a command: the server's own thread updates the index */
    for (int i = 0; i < 150 && (n = available_hits()) != 0; i++)
        nap();
    T_EQ_INT(n, 0);
}

static void test_expired_hold_moves_on(void)
{
    struct cat_desk desk = {lib_a, "test", NULL, 0};
    struct cat_return ret = {0};
    struct cat_hold h = {0};
    struct ts_err err = {0};
    int64_t hold2, hold3;
    catalog *cat = t_fx_open(data_dir);
    sqlite3 *db;
    char path[1024], sql[128];

    T_REQUIRE(cat != NULL);
    T_OK(catalog_hold_place(cat, reader2, rec_id, lib_a, "test", &hold2, &err), &err);
    T_OK(catalog_hold_place(cat, reader3, rec_id, lib_a, "test", &hold3, &err), &err);
    T_OK(catalog_loan_return(cat, &desk, "A-001", &ret, &err), &err);
    T_EQ_INT(ret.outcome, CAT_RETURN_HOLD_SHELF);
    T_EQ_INT(ret.hold_id, hold2);
    cat_return_clear(&ret);
    catalog_close(cat);
    /* reader 2 never came: their shelf time ran out a minute ago */
    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    T_REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE hold SET expires_at = %lld WHERE id = %lld",
             (long long)ts_now_unix() - 60, (long long)hold2);
    T_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cat = t_fx_open(data_dir);
    for (int i = 0; i < 150; i++) {
        T_OK(catalog_hold_get(cat, hold3, &h, &err), &err);
        if (h.status && strcmp(h.status, "ready") == 0)
            break;
        cat_hold_clear(&h);
        nap();
    }
    T_EQ_STR(h.status, "ready");
    T_EQ_STR(h.barcode, "A-001");
    cat_hold_clear(&h);
    T_OK(catalog_hold_get(cat, hold2, &h, &err), &err);
    T_EQ_STR(h.status, "expired");
    cat_hold_clear(&h);
    catalog_close(cat);
}

static void teardown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"availability_follows_the_desk", test_availability_follows_the_desk},
        {"expired_hold_moves_on", test_expired_hold_moves_on},
        {"teardown", teardown},
        {0},
    };
    return t_main(cases, argc, argv);
}
