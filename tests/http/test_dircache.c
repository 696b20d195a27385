/*
 * tests/http/test_dircache.c - a script's API token through the server's
 * directory cache (server/dircache.c), the way an administrator changes
 * things: with tusach (here its catalogue calls, as `tusach user role` makes
 * them) a librarian moved to another library acts there and no longer at
 * the old one from the very next request, and a library added is known at
 * once; with another program (the sqlite3 shell: no bell) a revoked token
 * is refused within DIRCACHE_RECHECK_S.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../server/dircache.h"
#include "catalog.h"
#include "circ.h"
#include "fixture.h"
#include "people.h"
#include "server.h"
#include "t.h"

static struct t_srv srv;
static const char *data_dir;
static char bearer[128];
static int64_t token_id;

static void setup(void)
{
    char token[CAT_API_TOKEN_LEN + 1];
    struct ts_err err = {0};
    int64_t acct;
    catalog *cat;

    data_dir = t_fx_two_schools();
    T_REQUIRE(data_dir);
    acct = t_fx_staff(data_dir, "thuthu", "librarian", "matkhau-123", "TH-A");
    T_REQUIRE(acct > 0);
    cat = t_fx_open(data_dir);
    T_REQUIRE(cat);
    T_OK(catalog_token_create(cat, acct, "script", 0, token, &token_id, &err), &err);
    catalog_close(cat);
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", token);
    t_srv_start(&srv, data_dir, NULL);
}

static long get(const char *path)
{
    const char *h[] = {bearer, NULL};
    struct t_http_opts o = {0};
    struct t_http r;
    long status;

    o.headers = h;
    t_http_do(&srv, path, &o, &r);
    status = r.status;
    t_http_free(&r);
    return status;
}

static void set_libraries(const char *code)
{
    struct ts_err err = {0};
    int64_t lib = t_fx_library_id(data_dir, code);
    catalog *cat = t_fx_open(data_dir);

    T_REQUIRE(cat && lib > 0);
    T_OK(catalog_account_set_role(cat, "thuthu", "librarian", &lib, 1, "test", &err), &err);
    catalog_close(cat);
}

static void test_moved_librarian(void)
{
    /* twice each: the second answer comes from the cache */
    for (int i = 0; i < 2; i++) {
        T_EQ_INT(get("/api/v1/libraries/TH-A/overdue"), 200);
        T_EQ_INT(get("/api/v1/libraries/TH-B/overdue"), 403);
    }
    set_libraries("TH-B");
    for (int i = 0; i < 2; i++) {
        T_EQ_INT(get("/api/v1/libraries/TH-A/overdue"), 403);
        T_EQ_INT(get("/api/v1/libraries/TH-B/overdue"), 200);
    }
}

static void test_new_library(void)
{
    T_EQ_INT(get("/api/v1/libraries/TH-C/overdue"), 404); /* no such library yet */
    t_fx_library(data_dir, "TH-C", "Trường Tiểu học C", "school");
    set_libraries("TH-C");
    T_EQ_INT(get("/api/v1/libraries/TH-C/overdue"), 200);
    T_EQ_INT(get("/api/v1/libraries/TH-B/overdue"), 403);
}

static void test_revoked_elsewhere(void)
{
    char path[1100], sql[128];
    struct timespec t0, t1;
    sqlite3 *raw;
    double waited = 0;
    long status = 200;

    T_EQ_INT(get("/api/v1/me"), 200);
    snprintf(path, sizeof path, "%s/catalog.db", data_dir);
    snprintf(sql, sizeof sql, "UPDATE api_token SET revoked = 1 WHERE id = %lld",
             (long long)token_id);
    T_REQUIRE(sqlite3_open(path, &raw) == SQLITE_OK);
    T_EQ_INT(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (waited < DIRCACHE_RECHECK_S + 1.0 && (status = get("/api/v1/me")) == 200) {
        usleep(20000);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    }
    T_EQ_INT(status, 401);
    T_CHECK(waited <= DIRCACHE_RECHECK_S + 0.2);
}

/* A catalogue of the schema before the directory generation (an upgrade):
 * the server brings it up to date when it starts, so a token's very first
 * request is answered. */
static void test_upgraded_catalogue(void)
{
    static const char undo_0007[] = "DROP TABLE directory_generation;"
                                    "DROP TRIGGER dir_token_update;"
                                    "DROP TRIGGER dir_token_delete;"
                                    "DROP TRIGGER dir_account_insert;"
                                    "DROP TRIGGER dir_account_update;"
                                    "DROP TRIGGER dir_account_delete;"
                                    "DROP TRIGGER dir_account_library_insert;"
                                    "DROP TRIGGER dir_account_library_update;"
                                    "DROP TRIGGER dir_account_library_delete;"
                                    "DROP TRIGGER dir_library_insert;"
                                    "DROP TRIGGER dir_library_update;"
                                    "DROP TRIGGER dir_library_delete;"
                                    "DROP TRIGGER dir_reader_name;"
                                    "PRAGMA user_version=6";
    char path[1100], token[CAT_API_TOKEN_LEN + 1];
    struct ts_err err = {0};
    struct cat_account a;
    int64_t tid;
    sqlite3 *raw;
    catalog *cat;

    t_srv_stop(&srv);
    cat = t_fx_open(data_dir);
    T_REQUIRE(cat);
    T_OK(catalog_account_get(cat, "thuthu", &a, &err), &err);
    T_OK(catalog_token_create(cat, a.id, "again", 0, token, &tid, &err), &err);
    cat_account_clear(&a);
    catalog_close(cat);
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", token);
    snprintf(path, sizeof path, "%s/catalog.db", data_dir);
    T_REQUIRE(sqlite3_open(path, &raw) == SQLITE_OK);
    T_EQ_INT(sqlite3_exec(raw, undo_0007, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
    T_EQ_INT(get("/api/v1/me"), 200);
    T_EQ_INT(get("/api/v1/libraries/TH-C/overdue"), 200);
}

static void teardown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"moved_librarian", test_moved_librarian},
        {"new_library", test_new_library},
        {"revoked_elsewhere", test_revoked_elsewhere},
        {"upgraded_catalogue", test_upgraded_catalogue},
        {"teardown", teardown},
        {0},
    };
    return t_main(cases, argc, argv);
}
