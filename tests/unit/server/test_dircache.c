/*
 * tests/unit/server/test_dircache.c - the server's directory cache against a
 * real catalogue: the generation moves with changes to tokens, accounts,
 * their libraries and the library list and not with a token's last use or a
 * desk action; a tusach change rings the bell (the cache knows at once), a
 * change by another program is noticed within DIRCACHE_RECHECK_S; entries
 * of an older generation, expired tokens and the least recently used entry
 * beyond the capacity are not answered; last_used is due once a minute.
 */
#include <sqlite3.h>
#include <unistd.h>

#include "../../../server/dircache.c"
#include "../catalog/circ_fixture.h"

static const char *dir;

static int64_t generation(struct fx *f)
{
    int64_t g = -1;
    T_OK(catalog_directory_generation(f->cat, &g, &f->err), &f->err);
    return g;
}

/* What the server does when dircache_fresh says no. */
static void catch_up(struct dircache *dc, struct fx *f)
{
    uint64_t bell;
    if (!dircache_fresh(dc, &bell))
        dircache_seen(dc, bell, generation(f));
}

static void put_token(struct dircache *dc, const char *token, int64_t gen, int64_t id,
                      int64_t expires, int64_t last_used, int64_t library)
{
    unsigned char key[CAT_TOKEN_KEY_LEN];
    struct cat_token t = {id, 7, expires, last_used};
    struct cat_account a = {0};
    int64_t libs[1] = {library};

    a.id = 7;
    a.login = "thu.thu";
    a.role = "librarian";
    a.libraries = libs;
    a.n_libraries = 1;
    catalog_token_key(token, key);
    dircache_token_put(dc, key, gen, &t, &a, libs, 1);
}

static int get_token(struct dircache *dc, const char *token, int64_t now, int64_t *touch,
                     int64_t *library)
{
    unsigned char key[CAT_TOKEN_KEY_LEN];
    struct cat_account a = {0};
    int64_t *acting = NULL;
    size_t n = 0;
    int hit;

    catalog_token_key(token, key);
    hit = dircache_token_get(dc, key, now, &a, &acting, &n, touch);
    if (hit) {
        T_EQ_STR(a.login, "thu.thu");
        T_EQ_INT(n, 1);
        *library = acting[0];
    }
    cat_account_clear(&a);
    free(acting);
    return hit;
}

static void test_generation_and_bell(void)
{
    struct fx f;
    struct dircache *dc;
    uint64_t bell;
    int64_t g0, g, lib, tok, acct, libs[1];
    char token[CAT_API_TOKEN_LEN + 1];
    struct cat_desk desk = {0};
    struct cat_loan loan;
    sqlite3 *raw;

    if (!fx_open(&f, dir, "bell"))
        return;
    dc = dircache_open(f.path);
    T_CHECK(!dircache_fresh(dc, &bell)); /* never read */
    catch_up(dc, &f);
    T_CHECK(dircache_fresh(dc, &bell));
    g0 = generation(&f);

    /* a checkout changes nothing the cache holds: no new generation, no bell */
    desk.library_id = f.a;
    desk.actor = "t";
    T_OK(catalog_loan_checkout(f.cat, &desk, "A-1", f.hs1, &loan, &f.err), &f.err);
    cat_loan_clear(&loan);
    T_CHECK(dircache_fresh(dc, &bell));
    T_EQ_INT(generation(&f), g0);

    /* a library added with tusach: new generation, and the bell says so */
    T_OK(catalog_library_add(f.cat, "D", "Thư viện D", "school", &lib, &f.err), &f.err);
    T_CHECK(!dircache_fresh(dc, &bell));
    g = generation(&f);
    T_CHECK(g > g0);
    dircache_seen(dc, bell, g);
    T_CHECK(dircache_fresh(dc, &bell));

    /* a token: created (not cached yet, no generation needed), used (last_used
     * is not part of the directory), revoked (is) */
    libs[0] = f.a;
    T_OK(catalog_account_add(f.cat, "thu.thu", NULL, "librarian", "correct horse", libs, 1, "t",
                             &acct, &f.err),
         &f.err);
    catch_up(dc, &f);
    g = generation(&f);
    T_OK(catalog_token_create(f.cat, acct, "script", 0, token, &tok, &f.err), &f.err);
    catch_up(dc, &f);
    T_OK(catalog_token_touch(f.cat, tok, &f.err), &f.err);
    T_EQ_INT(generation(&f), g);
    T_OK(catalog_token_revoke(f.cat, tok, "t", &f.err), &f.err);
    T_CHECK(!dircache_fresh(dc, &bell));
    T_CHECK(generation(&f) > g);
    catch_up(dc, &f);

    /* membership changed by another program: no bell, noticed by the recheck */
    g = generation(&f);
    T_REQUIRE(sqlite3_open(f.path, &raw) == SQLITE_OK);
    T_EQ_INT(sqlite3_exec(raw, "DELETE FROM account_library", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    T_CHECK(generation(&f) > g);
    T_CHECK(dircache_fresh(dc, &bell));
    usleep((useconds_t)(DIRCACHE_RECHECK_S * 1e6) + 100000);
    T_CHECK(!dircache_fresh(dc, &bell));

    dircache_close(dc);
    fx_close(&f);
}

static void test_tokens(void)
{
    struct fx f;
    struct dircache *dc;
    int64_t now = 1700000000, touch = -1, library = 0, g;
    char name[32];

    if (!fx_open(&f, dir, "tokens"))
        return;
    dc = dircache_open(f.path);
    catch_up(dc, &f);
    g = generation(&f);

    /* a hit copies the account and its libraries; last_used is due once a minute */
    put_token(dc, "tsk_one", g, 1, 0, now - 3600, f.a);
    T_CHECK(get_token(dc, "tsk_one", now, &touch, &library));
    T_EQ_INT(touch, 1);
    T_EQ_INT(library, f.a);
    T_CHECK(get_token(dc, "tsk_one", now + 30, &touch, &library));
    T_EQ_INT(touch, 0);
    T_CHECK(get_token(dc, "tsk_one", now + CAT_SESSION_TOUCH, &touch, &library));
    T_EQ_INT(touch, 1);
    T_CHECK(!get_token(dc, "tsk_other", now, &touch, &library));

    /* expiry is checked on every hit */
    put_token(dc, "tsk_short", g, 2, now + 10, now, f.b);
    T_CHECK(get_token(dc, "tsk_short", now + 9, &touch, &library));
    T_EQ_INT(library, f.b);
    T_CHECK(!get_token(dc, "tsk_short", now + 10, &touch, &library));

    /* read at an older generation than the cache's: not answered */
    put_token(dc, "tsk_old", g - 1, 3, 0, now, f.a);
    T_CHECK(!get_token(dc, "tsk_old", now, &touch, &library));

    /* a new generation drops everything */
    dircache_seen(dc, 0, g + 1);
    T_CHECK(!get_token(dc, "tsk_one", now, &touch, &library));

    /* beyond the capacity the least recently used entry goes */
    for (int i = 0; i < DC_TOKENS; i++) {
        snprintf(name, sizeof name, "tsk_%d", i);
        put_token(dc, name, g + 1, 100 + i, 0, now, f.a);
    }
    T_CHECK(get_token(dc, "tsk_0", now, &touch, &library)); /* now the most recent */
    put_token(dc, "tsk_new", g + 1, 99, 0, now, f.a);
    T_CHECK(get_token(dc, "tsk_new", now, &touch, &library));
    T_CHECK(get_token(dc, "tsk_0", now, &touch, &library));
    T_CHECK(!get_token(dc, "tsk_1", now, &touch, &library));

    dircache_close(dc);
    fx_close(&f);
}

static void test_library_list(void)
{
    struct fx f;
    struct dircache *dc;
    struct cat_library *libs = NULL, *got = NULL;
    size_t n = 0, n_got = 0;
    int64_t g, id;

    if (!fx_open(&f, dir, "libs"))
        return;
    dc = dircache_open(f.path);
    catch_up(dc, &f);
    g = generation(&f);
    T_CHECK(!dircache_libs_get(dc, &got, &n_got));
    T_OK(catalog_library_list(f.cat, &libs, &n, &f.err), &f.err);
    dircache_libs_put(dc, g, libs, n);
    T_CHECK(dircache_libs_get(dc, &got, &n_got));
    T_EQ_INT(n_got, n);
    T_EQ_STR(got[0].code, libs[0].code);
    cat_library_list_free(got, n_got);
    cat_library_list_free(libs, n);
    T_OK(catalog_library_add(f.cat, "E", "Thư viện E", "public", &id, &f.err), &f.err);
    catch_up(dc, &f);
    T_CHECK(!dircache_libs_get(dc, &got, &n_got));
    dircache_close(dc);
    fx_close(&f);
}

static void setup(void)
{
    dir = t_tmpdir();
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"generation_and_bell", test_generation_and_bell},
        {"tokens", test_tokens},
        {"library_list", test_library_list},
        {0},
    };
    return t_main(cases, argc, argv);
}
