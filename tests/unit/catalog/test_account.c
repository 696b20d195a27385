/*
 * tests/unit/catalog/test_account.c - people: staff and reader logins,
 * roles and libraries, argon2id hashing and rehashing, login throttling per
 * account and per client, sessions (expiry, idle timeout, logout, CSRF),
 * API tokens, and readers (validation, class-list import, block, history).
 */
#include <time.h>

#include "circ_fixture.h"

static const char *dir;

static void test_accounts_and_roles(void)
{
    struct fx f;
    struct cat_account a;
    int64_t id, libs[2];

    if (!fx_open(&f, dir, "accounts"))
        return;
    libs[0] = f.a;
    libs[1] = f.b;
    T_OK(catalog_account_add(f.cat, "thu.thu", "Cô Thư", "librarian", "correct horse", libs, 2,
                             "admin", &id, &f.err),
         &f.err);
    T_CHECK(id > 0);
    T_OK(catalog_account_get(f.cat, "thu.thu", &a, &f.err), &f.err);
    T_EQ_STR(a.role, "librarian");
    T_EQ_STR(a.name, "Cô Thư");
    T_EQ_INT(a.n_libraries, 2);
    T_EQ_INT(a.active, 1);
    cat_account_clear(&a);
    T_CHECK(catalog_account_at_library(f.cat, id, f.a));
    T_CHECK(catalog_account_at_library(f.cat, id, f.b));
    T_CHECK(!catalog_account_at_library(f.cat, id, f.c));
    /* refusals */
    T_EQ_INT(catalog_account_add(f.cat, "thu.thu", NULL, "librarian", "correct horse", libs, 1, "t",
                                 &id, &f.err),
             TS_ECONFLICT);
    T_EQ_INT(catalog_account_add(f.cat, "x", NULL, "librarian", "correct horse", NULL, 0, "t", &id,
                                 &f.err),
             TS_EINVAL); /* a librarian needs a library */
    T_EQ_INT(
        catalog_account_add(f.cat, "y", NULL, "king", "correct horse", NULL, 0, "t", &id, &f.err),
        TS_EINVAL);
    T_EQ_INT(
        catalog_account_add(f.cat, "z", NULL, "reader", "correct horse", NULL, 0, "t", &id, &f.err),
        TS_EINVAL);
    T_EQ_INT(catalog_account_add(f.cat, "has space", NULL, "admin", "correct horse", NULL, 0, "t",
                                 &id, &f.err),
             TS_EINVAL);
    T_EQ_INT(
        catalog_account_add(f.cat, "short", NULL, "admin", "1234567", NULL, 0, "t", &id, &f.err),
        TS_EINVAL);
    libs[0] = 999;
    T_EQ_INT(catalog_account_add(f.cat, "ghost", NULL, "librarian", "correct horse", libs, 1, "t",
                                 &id, &f.err),
             TS_ENOTFOUND);
    T_EQ_INT(catalog_account_get(f.cat, "ghost", &a, &f.err), TS_ENOTFOUND);
    /* admin: every library; role change replaces the libraries */
    T_OK(catalog_account_add(f.cat, "root", NULL, "admin", "correct horse", NULL, 0, "t", &id,
                             &f.err),
         &f.err);
    T_CHECK(catalog_account_at_library(f.cat, id, f.c));
    libs[0] = f.b;
    T_OK(catalog_account_set_role(f.cat, "root", "librarian", libs, 1, "t", &f.err), &f.err);
    T_CHECK(!catalog_account_at_library(f.cat, id, f.a));
    T_CHECK(catalog_account_at_library(f.cat, id, f.b));
    T_EQ_INT(catalog_account_set_role(f.cat, "root", "librarian", libs, 0, "t", &f.err),
             TS_EINVAL); /* no library left */
    T_EQ_INT(catalog_account_set_role(f.cat, "root", "reader", NULL, 0, "t", &f.err), TS_EINVAL);
    T_OK(catalog_account_set_role(f.cat, "root", "district", NULL, 0, "t", &f.err), &f.err);
    T_OK(catalog_account_get(f.cat, "root", &a, &f.err), &f.err);
    T_EQ_STR(a.role, "district");
    T_EQ_INT(a.n_libraries, 1); /* kept: none given */
    cat_account_clear(&a);
    /* reader logins: the card number */
    T_OK(catalog_account_add_reader(f.cat, f.hs1, "2468", "t", &id, &f.err), &f.err);
    T_EQ_INT(catalog_account_add_reader(f.cat, f.hs1, "2468", "t", &id, &f.err), TS_ECONFLICT);
    T_EQ_INT(catalog_account_add_reader(f.cat, f.hs2, "123", "t", &id, &f.err), TS_EINVAL);
    T_OK(catalog_account_get(f.cat, "HS-1", &a, &f.err), &f.err);
    T_EQ_STR(a.role, "reader");
    T_EQ_INT(a.reader_id, f.hs1);
    cat_account_clear(&a);
    T_EQ_INT(catalog_account_set_role(f.cat, "HS-1", "librarian", libs, 1, "t", &f.err), TS_EINVAL);
    /* the password is never in the catalogue or the event log */
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM account WHERE pwhash LIKE '%correct%'"
                            " OR pwhash NOT LIKE '$argon2id$%'"),
             0);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM event WHERE detail LIKE '%correct horse%'"
                            " OR detail LIKE '%2468%' OR subject LIKE '%HS-1%'"),
             0);
    fx_close(&f);
}

static void test_login_rehash_disable(void)
{
    struct fx f;
    struct cat_account a;
    int64_t id, lib;

    if (!fx_open(&f, dir, "login"))
        return;
    lib = f.a;
    T_OK(catalog_account_add(f.cat, "lib1", NULL, "librarian", "correct horse", &lib, 1, "t", &id,
                             &f.err),
         &f.err);
    T_OK(catalog_account_login(f.cat, "lib1", "correct horse", "10.0.0.1", &a, &f.err), &f.err);
    T_EQ_INT(a.id, id);
    T_EQ_STR(a.role, "librarian");
    cat_account_clear(&a);
    T_EQ_INT(catalog_account_login(f.cat, "lib1", "wrong", "10.0.0.1", &a, &f.err), TS_EAUTH);
    T_EQ_STR(f.err.msg, "wrong login or password");
    T_EQ_INT(a.id, 0);
    T_EQ_INT(catalog_account_login(f.cat, "nobody", "correct horse", NULL, &a, &f.err), TS_EAUTH);
    T_EQ_STR(f.err.msg, "wrong login or password"); /* the same for an unknown login */
    T_EQ_INT(catalog_account_login(f.cat, "", "x", NULL, &a, &f.err), TS_EAUTH);
    T_EQ_INT(catalog_account_login(f.cat, "lib1", NULL, NULL, &a, &f.err), TS_EAUTH);
    /* rehash when the cost changes: the next good login upgrades the hash */
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM account WHERE login = 'lib1'"
                            " AND pwhash LIKE '$argon2id$v=19$m=8,t=1,%'"),
             1);
    catalog_pwhash_set_cost(2, 16384);
    T_OK(catalog_account_login(f.cat, "lib1", "correct horse", NULL, &a, &f.err), &f.err);
    cat_account_clear(&a);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM account WHERE login = 'lib1'"
                            " AND pwhash LIKE '$argon2id$v=19$m=16,t=2,%'"),
             1);
    T_OK(catalog_account_login(f.cat, "lib1", "correct horse", NULL, &a, &f.err), &f.err);
    cat_account_clear(&a);
    catalog_pwhash_set_cost(1, 8192);
    /* password change: the old one stops working, sessions end */
    {
        char tok[CAT_TOKEN_LEN + 1];
        struct cat_session s;
        T_OK(catalog_session_create(f.cat, id, tok, &s, &f.err), &f.err);
        T_OK(catalog_account_set_password(f.cat, "lib1", "battery staple", "t", &f.err), &f.err);
        T_EQ_INT(catalog_session_check(f.cat, tok, &s, &f.err), TS_EAUTH);
        T_EQ_INT(catalog_account_set_password(f.cat, "lib1", "short", "t", &f.err), TS_EINVAL);
    }
    T_EQ_INT(catalog_account_login(f.cat, "lib1", "correct horse", NULL, &a, &f.err), TS_EAUTH);
    T_OK(catalog_account_login(f.cat, "lib1", "battery staple", NULL, &a, &f.err), &f.err);
    cat_account_clear(&a);
    /* disabled: refused, but only to someone who knows the password */
    T_OK(catalog_account_set_active(f.cat, "lib1", 0, "t", &f.err), &f.err);
    T_EQ_INT(catalog_account_login(f.cat, "lib1", "battery staple", NULL, &a, &f.err), TS_EPERM);
    T_EQ_INT(catalog_account_login(f.cat, "lib1", "nope", NULL, &a, &f.err), TS_EAUTH);
    T_OK(catalog_account_set_active(f.cat, "lib1", 1, "t", &f.err), &f.err);
    /* a reader: card + PIN; a deactivated card cannot log in */
    T_OK(catalog_account_add_reader(f.cat, f.hs1, "2468", "t", &id, &f.err), &f.err);
    T_OK(catalog_account_login(f.cat, "HS-1", "2468", NULL, &a, &f.err), &f.err);
    T_EQ_INT(a.reader_id, f.hs1);
    cat_account_clear(&a);
    T_OK(catalog_reader_deactivate(f.cat, f.hs1, "t", &f.err), &f.err);
    T_EQ_INT(catalog_account_login(f.cat, "HS-1", "2468", NULL, &a, &f.err), TS_EPERM);
    fx_close(&f);
}

static void test_throttling(void)
{
    struct fx f;
    struct cat_account a;
    int64_t id;
    char login[16];

    if (!fx_open(&f, dir, "throttle"))
        return;
    T_OK(catalog_account_add(f.cat, "admin", NULL, "admin", "correct horse", NULL, 0, "t", &id,
                             &f.err),
         &f.err);
    /* per account: 5 failures in 15 minutes, then even the right password waits */
    for (int i = 0; i < CAT_THROTTLE_ACCOUNT; i++) {
        T_EQ_INT(catalog_account_login(f.cat, "admin", "guess", "192.0.2.1", &a, &f.err), TS_EAUTH);
        f.now += 60;
    }
    T_EQ_INT(catalog_account_login(f.cat, "admin", "correct horse", "192.0.2.9", &a, &f.err),
             TS_ELIMIT);
    T_CHECK(strstr(f.err.msg, "too many failed logins for this login: try again in 10 minutes"));
    f.now += CAT_THROTTLE_WINDOW - 4 * 60; /* the oldest failure leaves the window */
    T_OK(catalog_account_login(f.cat, "admin", "correct horse", "192.0.2.9", &a, &f.err), &f.err);
    cat_account_clear(&a);
    /* a success forgets the account's failures */
    for (int i = 0; i < CAT_THROTTLE_ACCOUNT - 1; i++)
        T_EQ_INT(catalog_account_login(f.cat, "admin", "guess", NULL, &a, &f.err), TS_EAUTH);
    T_OK(catalog_account_login(f.cat, "admin", "correct horse", NULL, &a, &f.err), &f.err);
    cat_account_clear(&a);
    T_EQ_INT(catalog_account_login(f.cat, "admin", "guess", NULL, &a, &f.err), TS_EAUTH);
    T_OK(catalog_account_login(f.cat, "admin", "correct horse", NULL, &a, &f.err), &f.err);
    cat_account_clear(&a);
    /* per client: spraying many logins from one address */
    f.now += CAT_THROTTLE_WINDOW + 1;
    for (int i = 0; i < CAT_THROTTLE_CLIENT; i++) {
        snprintf(login, sizeof login, "user%d", i);
        T_EQ_INT(catalog_account_login(f.cat, login, "guess", "198.51.100.7", &a, &f.err),
                 TS_EAUTH);
    }
    T_EQ_INT(catalog_account_login(f.cat, "admin", "correct horse", "198.51.100.7", &a, &f.err),
             TS_ELIMIT);
    T_CHECK(strstr(f.err.msg, "from this address"));
    T_OK(catalog_account_login(f.cat, "admin", "correct horse", "198.51.100.8", &a, &f.err),
         &f.err);
    cat_account_clear(&a);
    /* purge forgets failures past the window */
    {
        int64_t n;
        f.now += CAT_THROTTLE_WINDOW + 1;
        T_OK(catalog_session_purge(f.cat, &n, &f.err), &f.err);
        T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM login_failure"), 0);
    }
    fx_close(&f);
}

static void test_sessions_csrf(void)
{
    struct fx f;
    struct cat_session s, s2;
    char tok[CAT_TOKEN_LEN + 1], tok2[CAT_TOKEN_LEN + 1], bad[CAT_TOKEN_LEN + 1];
    int64_t id, n;

    if (!fx_open(&f, dir, "sessions"))
        return;
    T_OK(catalog_account_add(f.cat, "lib1", NULL, "librarian", "correct horse", &f.a, 1, "t", &id,
                             &f.err),
         &f.err);
    T_OK(catalog_session_create(f.cat, id, tok, &s, &f.err), &f.err);
    T_EQ_INT(strlen(tok), CAT_TOKEN_LEN);
    T_EQ_INT(strlen(s.csrf), CAT_TOKEN_LEN);
    T_CHECK(strcmp(tok, s.csrf) != 0);
    T_EQ_INT(s.expires, f.now + CAT_SESSION_MAX_AGE);
    /* only the token's hash is stored */
    T_EQ_INT(fx_sql_i64(&f, "SELECT length(token_hash) FROM session"), 32);
    {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM session WHERE CAST(token_hash AS TEXT)"
                 " = '%s' OR csrf = '%s'",
                 tok, tok);
        T_EQ_INT(fx_sql_i64(&f, sql), 0);
    }
    T_OK(catalog_session_check(f.cat, tok, &s2, &f.err), &f.err);
    T_EQ_INT(s2.account_id, id);
    T_EQ_STR(s2.csrf, s.csrf);
    /* CSRF */
    T_CHECK(catalog_session_csrf_ok(&s2, s.csrf));
    memcpy(bad, s.csrf, sizeof bad);
    bad[0] = bad[0] == 'A' ? 'B' : 'A';
    T_CHECK(!catalog_session_csrf_ok(&s2, bad));
    T_CHECK(!catalog_session_csrf_ok(&s2, ""));
    T_CHECK(!catalog_session_csrf_ok(&s2, NULL));
    T_CHECK(!catalog_session_csrf_ok(&s2, "short"));
    T_CHECK(!catalog_session_csrf_ok(NULL, s.csrf));
    T_CHECK(!catalog_session_csrf_ok(&s2, tok)); /* the cookie is not the CSRF token */
    /* unknown and malformed tokens */
    T_EQ_INT(catalog_session_check(f.cat, bad, &s2, &f.err), TS_EAUTH);
    T_EQ_INT(catalog_session_check(f.cat, "", &s2, &f.err), TS_EAUTH);
    T_EQ_INT(catalog_session_check(f.cat, NULL, &s2, &f.err), TS_EAUTH);
    T_EQ_INT(s2.account_id, 0);
    /* idle: activity keeps it alive (last_seen written at most once a minute) */
    f.now += CAT_SESSION_TOUCH - 1;
    T_OK(catalog_session_check(f.cat, tok, &s2, &f.err), &f.err);
    T_EQ_INT(s2.last_seen, FX_T0);
    f.now += CAT_SESSION_IDLE - 60;
    T_OK(catalog_session_check(f.cat, tok, &s2, &f.err), &f.err);
    T_EQ_INT(s2.last_seen, f.now);
    f.now += CAT_SESSION_IDLE - 1;
    T_OK(catalog_session_check(f.cat, tok, &s2, &f.err), &f.err);
    f.now += CAT_SESSION_IDLE + 1;
    T_EQ_INT(catalog_session_check(f.cat, tok, &s2, &f.err), TS_EAUTH);
    T_CHECK(strstr(f.err.msg, "expired"));
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM session"), 0); /* deleted */
    /* absolute expiry, however active */
    T_OK(catalog_session_create(f.cat, id, tok, &s, &f.err), &f.err);
    for (int i = 0; i < 12; i++) {
        f.now += 3600;
        T_OK(catalog_session_check(f.cat, tok, &s2, &f.err), &f.err);
        if (f.now + 3600 >= s.expires)
            break;
    }
    f.now = s.expires;
    T_EQ_INT(catalog_session_check(f.cat, tok, &s2, &f.err), TS_EAUTH);
    /* logout */
    T_OK(catalog_session_create(f.cat, id, tok, &s, &f.err), &f.err);
    T_OK(catalog_session_create(f.cat, id, tok2, &s2, &f.err), &f.err);
    T_OK(catalog_session_end(f.cat, tok, &f.err), &f.err);
    T_EQ_INT(catalog_session_check(f.cat, tok, &s, &f.err), TS_EAUTH);
    T_OK(catalog_session_check(f.cat, tok2, &s2, &f.err), &f.err); /* the other one stays */
    T_OK(catalog_session_end(f.cat, tok, &f.err), &f.err);         /* twice is fine */
    /* a disabled account's sessions end */
    T_OK(catalog_account_set_active(f.cat, "lib1", 0, "t", &f.err), &f.err);
    T_EQ_INT(catalog_session_check(f.cat, tok2, &s2, &f.err), TS_EAUTH);
    T_OK(catalog_account_set_active(f.cat, "lib1", 1, "t", &f.err), &f.err);
    /* purge */
    T_OK(catalog_session_create(f.cat, id, tok, &s, &f.err), &f.err);
    f.now += CAT_SESSION_IDLE + 1;
    T_OK(catalog_session_purge(f.cat, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    fx_close(&f);
}

static void test_api_tokens(void)
{
    struct fx f;
    char tok[CAT_API_TOKEN_LEN + 1], tok2[CAT_API_TOKEN_LEN + 1];
    int64_t id, tid, tid2, who;

    if (!fx_open(&f, dir, "tokens"))
        return;
    T_OK(catalog_account_add(f.cat, "script", NULL, "librarian", "correct horse", &f.a, 1, "t", &id,
                             &f.err),
         &f.err);
    T_OK(catalog_token_create(f.cat, id, "nightly export", 0, tok, &tid, &f.err), &f.err);
    T_EQ_INT(strlen(tok), CAT_API_TOKEN_LEN);
    T_CHECK(strncmp(tok, "tsk_", 4) == 0);
    T_OK(catalog_token_check(f.cat, tok, &who, &f.err), &f.err);
    T_EQ_INT(who, id);
    T_OK(catalog_token_create(f.cat, id, "week", f.now + 7 * FX_DAY, tok2, &tid2, &f.err), &f.err);
    T_OK(catalog_token_check(f.cat, tok2, &who, &f.err), &f.err);
    f.now += 7 * FX_DAY;
    T_EQ_INT(catalog_token_check(f.cat, tok2, &who, &f.err), TS_EAUTH);
    T_EQ_INT(who, 0);
    T_OK(catalog_token_check(f.cat, tok, &who, &f.err), &f.err);
    /* malformed */
    T_EQ_INT(catalog_token_check(f.cat, tok + 4, &who, &f.err), TS_EAUTH);
    tok2[0] = 'x';
    T_EQ_INT(catalog_token_check(f.cat, tok2, &who, &f.err), TS_EAUTH);
    T_EQ_INT(catalog_token_create(f.cat, id, "", 0, tok2, &tid2, &f.err), TS_EINVAL);
    /* disabled account, then revoked */
    T_OK(catalog_account_set_active(f.cat, "script", 0, "t", &f.err), &f.err);
    T_EQ_INT(catalog_token_check(f.cat, tok, &who, &f.err), TS_EAUTH);
    T_OK(catalog_account_set_active(f.cat, "script", 1, "t", &f.err), &f.err);
    T_OK(catalog_token_revoke(f.cat, tid, "t", &f.err), &f.err);
    T_EQ_INT(catalog_token_check(f.cat, tok, &who, &f.err), TS_EAUTH);
    T_EQ_INT(catalog_token_revoke(f.cat, tid, "t", &f.err), TS_ENOTFOUND);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM api_token WHERE length(token_hash) = 32"), 2);
    fx_close(&f);
}

/* ---------------------------------------------------------------- readers */

struct problems {
    long lines[8];
    int n;
};

static void on_problem(long line, const struct ts_err *why, void *ctx)
{
    struct problems *p = ctx;
    (void)why;
    if (p->n < 8)
        p->lines[p->n++] = line;
}

static void test_readers(void)
{
    struct fx f;
    struct cat_reader r;
    struct cat_reader_in in = {0};
    struct cat_reader_import sum;
    struct problems pr = {0};
    int64_t id;

    if (!fx_open(&f, dir, "readers"))
        return;
    T_OK(catalog_reader_by_card(f.cat, "HS-1", &r, &f.err), &f.err);
    T_EQ_STR(r.name, "Nguyễn Văn An");
    T_EQ_STR(r.category, "pupil");
    T_EQ_STR(r.class_name, "6A");
    T_EQ_STR(r.home_library, "A");
    T_EQ_INT(r.active, 1);
    T_EQ_INT(r.history, 0);
    T_CHECK(r.blocked == NULL);
    cat_reader_clear(&r);
    in.card = "HS-1";
    in.name = "Someone";
    in.category = "pupil";
    in.home_library_id = f.a;
    T_EQ_INT(catalog_reader_add(f.cat, &in, "t", &id, &f.err), TS_ECONFLICT);
    in.card = "has space";
    T_EQ_INT(catalog_reader_add(f.cat, &in, "t", &id, &f.err), TS_EINVAL);
    in.card = "HS-9";
    in.category = "wizard";
    T_EQ_INT(catalog_reader_add(f.cat, &in, "t", &id, &f.err), TS_EINVAL);
    in.category = "adult";
    in.name = "";
    T_EQ_INT(catalog_reader_add(f.cat, &in, "t", &id, &f.err), TS_EINVAL);
    in.name = "Ai đó";
    in.home_library_id = 999;
    T_EQ_INT(catalog_reader_add(f.cat, &in, "t", &id, &f.err), TS_ENOTFOUND);
    T_EQ_INT(catalog_reader_get(f.cat, 999, &r, &f.err), TS_ENOTFOUND);
    T_EQ_INT(catalog_reader_by_card(f.cat, "NOPE", &r, &f.err), TS_ENOTFOUND);
    /* block and unblock */
    T_OK(catalog_reader_set_blocked(f.cat, f.hs2, "chưa trả sách", "t", &f.err), &f.err);
    T_OK(catalog_reader_get(f.cat, f.hs2, &r, &f.err), &f.err);
    T_EQ_STR(r.blocked, "chưa trả sách");
    cat_reader_clear(&r);
    T_EQ_INT(fx_checkout(&f, f.a, "A-1", f.hs2), TS_ECONFLICT);
    T_OK(catalog_reader_set_blocked(f.cat, f.hs2, NULL, "t", &f.err), &f.err);
    T_OK(fx_checkout(&f, f.a, "A-1", f.hs2), &f.err);
    T_OK(catalog_reader_get(f.cat, f.hs2, &r, &f.err), &f.err);
    T_EQ_INT(r.n_loans, 1);
    cat_reader_clear(&r);
    T_EQ_INT(catalog_reader_set_blocked(f.cat, f.hs2, "", "t", &f.err), TS_EINVAL);
    /* a class list: new, updated, unchanged, bad rows */
    {
        struct cat_reader_row rows[] = {
            {{"HS-1", "Nguyễn Văn An", "pupil", "6A", 1, 0}, 2}, /* unchanged */
            {{"HS-2", "Trần Thị Bình", "pupil", "7B", 1, 0}, 3}, /* moved up a class */
            {{"HS-10", "Đỗ Minh Châu", "pupil", "7B", 1, 0}, 4}, /* new */
            {{"HS-11", "", "pupil", "7B", 1, 0}, 5},             /* no name */
            {{"HS-12", "Võ Thị Dung", "goblin", "7B", 1, 0}, 6}, /* bad category */
        };
        T_OK(catalog_reader_import(f.cat, rows, 5, 1, "t", on_problem, &pr, &sum, &f.err), &f.err);
        T_CHECK(sum.created == 1 && sum.updated == 1 && sum.unchanged == 1 && sum.failed == 2);
        T_EQ_INT(catalog_reader_by_card(f.cat, "HS-10", &r, &f.err), TS_ENOTFOUND); /* dry run */
        pr.n = 0;
        T_OK(catalog_reader_import(f.cat, rows, 5, 0, "t", on_problem, &pr, &sum, &f.err), &f.err);
        T_CHECK(sum.created == 1 && sum.updated == 1 && sum.unchanged == 1 && sum.failed == 2);
        T_EQ_INT(pr.n, 2);
        T_EQ_INT(pr.lines[0], 5);
        T_EQ_INT(pr.lines[1], 6);
        T_OK(catalog_reader_by_card(f.cat, "HS-2", &r, &f.err), &f.err);
        T_EQ_STR(r.class_name, "7B");
        cat_reader_clear(&r);
        T_OK(catalog_reader_by_card(f.cat, "HS-10", &r, &f.err), &f.err);
        T_EQ_STR(r.name, "Đỗ Minh Châu");
        cat_reader_clear(&r);
        T_EQ_INT(catalog_event_count(f.cat, "reader.import"), 1);
    }
    /* events name readers by id only */
    fx_events_anonymous(&f, "HS-1", "Nguyễn Văn An");
    fx_events_anonymous(&f, "HS-10", "Đỗ Minh Châu");
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"accounts_and_roles", test_accounts_and_roles},
        {"login_rehash_disable", test_login_rehash_disable},
        {"throttling", test_throttling},
        {"sessions_csrf", test_sessions_csrf},
        {"api_tokens", test_api_tokens},
        {"readers", test_readers},
        {0},
    };
    setenv("TZ", "UTC", 1);
    tzset();
    dir = t_tmpdir();
    return t_main(cases, argc, argv);
}
