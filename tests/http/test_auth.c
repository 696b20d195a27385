/*
 * tests/http/test_auth.c - logging in and out over HTTP as a browser and a
 * script would: the login form (readers by card, staff by username), the
 * session cookie's attributes, pages marked private, the "next" page limited
 * to this server, logout guarded by the CSRF token, cross-site requests
 * refused by Origin, API tokens (valid, wrong, revoked), login throttling
 * (429) and a disabled account losing its session at once.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "circ.h"
#include "fixture.h"
#include "import.h"
#include "people.h"
#include "server.h"
#include "t.h"

static struct t_srv srv;
static const char *data_dir;

static void setup(void)
{
    struct ts_err err = {0};

    t_people_fast_hashing();
    data_dir = t_tmpdir();
    T_OK(import_init(data_dir, &err), &err);
    t_fx_library(data_dir, "TH-A", "Trường Tiểu học A", "school");
    t_fx_staff(data_dir, "thuthu", "librarian", "matkhau-123", "TH-A");
    t_fx_reader(data_dir, "HS-001", "Nguyễn Thị Lan", "pupil", "TH-A", "2468");
    t_srv_start(&srv, data_dir, NULL);
}

static long post_form(const char *path, const char *body, const char *const *headers,
                      struct t_http *r)
{
    const char *h[6] = {"Content-Type: application/x-www-form-urlencoded"};
    struct t_http_opts o = {0};
    size_t n = 1;

    for (size_t i = 0; headers && headers[i] && n < 5; i++)
        h[n++] = headers[i];
    h[n] = NULL;
    o.method = "POST";
    o.headers = h;
    o.body = body;
    o.body_len = strlen(body);
    t_http_do(&srv, path, &o, r);
    return r->status;
}

static long get_as(const char *path, const struct t_who *w, struct t_http *r)
{
    struct t_http_opts o = {0};
    o.headers = w->headers;
    t_http_do(&srv, path, &o, r);
    return r->status;
}

static void test_login_form(void)
{
    struct t_http r;
    const char *cookie, *loc;

    T_EQ_INT(t_http_get(&srv, "/login", &r), 0);
    T_EQ_INT(r.status, 200);
    T_CHECK(strstr(ts_buf_str(&r.body), "name=\"password\""));
    T_CHECK(strstr(ts_buf_str(&r.body), "href=\"/login\"")); /* the header offers it too */
    t_http_free(&r);

    /* wrong PIN: the form again, one message for every failure */
    T_EQ_INT(post_form("/login", "login=HS-001&password=0000", NULL, &r), 401);
    T_CHECK(strstr(ts_buf_str(&r.body), "Sai số thẻ"));
    /* the language switch of a page that answered a form links to a GET page */
    T_CHECK(strstr(ts_buf_str(&r.body), "href=\"/login?lang=en\""));
    T_CHECK(t_http_header(&r, "Set-Cookie") == NULL);
    t_http_free(&r);
    T_EQ_INT(post_form("/login", "login=khong-co&password=0000", NULL, &r), 401);
    t_http_free(&r);
    /* a malformed form is a failed login, not a crash */
    T_EQ_INT(post_form("/login", "login=%zz&password=%", NULL, &r), 401);
    t_http_free(&r);

    /* a reader by card number: to their account page, with a careful cookie */
    T_EQ_INT(post_form("/login", "login=HS-001&password=2468", NULL, &r), 303);
    loc = t_http_header(&r, "Location");
    T_EQ_STR(loc, "/account");
    cookie = t_http_header(&r, "Set-Cookie");
    T_REQUIRE(cookie != NULL);
    T_CHECK(strstr(cookie, "tusach_sid="));
    T_CHECK(strstr(cookie, "HttpOnly"));
    T_CHECK(strstr(cookie, "SameSite=Lax"));
    T_CHECK(strstr(cookie, "Path=/"));
    t_http_free(&r);

    /* staff by username, back to a page of this server only */
    T_EQ_INT(post_form("/login", "login=thuthu&password=matkhau-123&next=%2Flibraries", NULL, &r),
             303);
    T_EQ_STR(t_http_header(&r, "Location"), "/libraries");
    t_http_free(&r);
    T_EQ_INT(post_form("/login", "login=thuthu&password=matkhau-123&next=%2F%2Fevil.example%2F",
                       NULL, &r),
             303);
    T_EQ_STR(t_http_header(&r, "Location"), "/desk");
    t_http_free(&r);
    T_EQ_INT(post_form("/login",
                       "login=thuthu&password=matkhau-123&next=https%3A%2F%2Fevil.example", NULL,
                       &r),
             303);
    T_EQ_STR(t_http_header(&r, "Location"), "/desk");
    t_http_free(&r);
}

static void test_session_and_logout(void)
{
    struct t_who w, stale;
    struct t_http r;
    char body[128];

    T_REQUIRE(t_login(&srv, "HS-001", "2468", &w) == 0);
    /* pages know who it is and are private */
    T_EQ_INT(get_as("/", &w, &r), 200);
    T_CHECK(strstr(ts_buf_str(&r.body), "Nguyễn Thị Lan") || strstr(ts_buf_str(&r.body), "HS-001"));
    T_CHECK(strstr(ts_buf_str(&r.body), "action=\"/logout\""));
    T_EQ_STR(t_http_header(&r, "Cache-Control"), "private, no-store");
    t_http_free(&r);
    T_EQ_INT(get_as("/api/v1/me", &w, &r), 200);
    T_CHECK(strstr(ts_buf_str(&r.body), "\"role\":\"reader\""));
    t_http_free(&r);
    /* anonymous: the API says who must log in */
    t_http_get(&srv, "/api/v1/me", &r);
    T_EQ_INT(r.status, 401);
    T_CHECK(strstr(ts_buf_str(&r.body), "\"code\":\"unauthenticated\""));
    t_http_free(&r);

    /* logout without the CSRF token: refused, still logged in */
    {
        const char *only_cookie[] = {w.cookie, NULL};
        T_EQ_INT(post_form("/logout", "", only_cookie, &r), 403);
        t_http_free(&r);
        T_EQ_INT(post_form("/logout", "csrf=not-the-token", only_cookie, &r), 403);
        t_http_free(&r);
        T_EQ_INT(get_as("/api/v1/me", &w, &r), 200);
        t_http_free(&r);
        stale = w;
        stale.headers[0] = stale.cookie;
        stale.headers[1] = NULL;
        snprintf(body, sizeof body, "csrf=%s", w.csrf);
        T_EQ_INT(post_form("/logout", body, only_cookie, &r), 303);
        T_CHECK(strstr(t_http_header(&r, "Set-Cookie"), "Max-Age=0"));
        t_http_free(&r);
    }
    /* the old cookie is dead and is dropped */
    T_EQ_INT(get_as("/api/v1/me", &stale, &r), 401);
    t_http_free(&r);
    T_EQ_INT(get_as("/", &stale, &r), 200);
    T_CHECK(strstr(t_http_header(&r, "Set-Cookie"), "Max-Age=0"));
    t_http_free(&r);
}

static void test_cross_site(void)
{
    static const char *const evil[] = {"Origin: http://evil.example", NULL};
    struct t_http r;

    /* a login form posted from another site */
    T_EQ_INT(post_form("/login", "login=HS-001&password=2468", evil, &r), 403);
    T_CHECK(t_http_header(&r, "Set-Cookie") == NULL);
    t_http_free(&r);
    /* our own origin is fine */
    {
        char origin[64];
        const char *ours[] = {origin, NULL};
        snprintf(origin, sizeof origin, "Origin: http://127.0.0.1:%u", srv.port);
        T_EQ_INT(post_form("/login", "login=HS-001&password=2468", ours, &r), 303);
        t_http_free(&r);
    }
}

static void test_api_tokens(void)
{
    char token[CAT_API_TOKEN_LEN + 1], bearer[128];
    const char *h[] = {bearer, NULL};
    struct t_http_opts o = {0};
    struct ts_err err = {0};
    struct cat_account a;
    struct t_http r;
    catalog *cat = t_fx_open(data_dir);
    int64_t tid;

    T_REQUIRE(cat != NULL);
    T_OK(catalog_account_get(cat, "thuthu", &a, &err), &err);
    T_OK(catalog_token_create(cat, a.id, "script", 0, token, &tid, &err), &err);
    cat_account_clear(&a);
    o.headers = h;
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", token);
    t_http_do(&srv, "/api/v1/me", &o, &r);
    T_EQ_INT(r.status, 200);
    T_CHECK(strstr(ts_buf_str(&r.body), "\"login\":\"thuthu\""));
    T_CHECK(strstr(ts_buf_str(&r.body), "\"csrf\"") == NULL); /* no session, no CSRF token */
    t_http_free(&r);
    snprintf(bearer, sizeof bearer, "Authorization: Bearer tsk_%s", "AAAAwrong");
    t_http_do(&srv, "/api/v1/me", &o, &r);
    T_EQ_INT(r.status, 401);
    t_http_free(&r);
    T_OK(catalog_token_revoke(cat, tid, "test", &err), &err);
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", token);
    t_http_do(&srv, "/api/v1/me", &o, &r);
    T_EQ_INT(r.status, 401);
    t_http_free(&r);
    catalog_close(cat);
}

static void test_disabled_account(void)
{
    struct ts_err err = {0};
    struct t_who w;
    struct t_http r;
    catalog *cat;

    t_fx_staff(data_dir, "tamnghi", "librarian", "matkhau-456", "TH-A");
    T_REQUIRE(t_login(&srv, "tamnghi", "matkhau-456", &w) == 0);
    T_EQ_INT(get_as("/api/v1/me", &w, &r), 200);
    t_http_free(&r);
    cat = t_fx_open(data_dir);
    T_OK(catalog_account_set_active(cat, "tamnghi", 0, "test", &err), &err);
    catalog_close(cat);
    T_EQ_INT(get_as("/api/v1/me", &w, &r), 401);
    t_http_free(&r);
    T_EQ_INT(post_form("/login", "login=tamnghi&password=matkhau-456", NULL, &r), 403);
    t_http_free(&r);
}

static void test_throttling(void)
{
    struct t_http r;

    t_fx_staff(data_dir, "hayquen", "librarian", "matkhau-789", "TH-A");
    for (int i = 0; i < CAT_THROTTLE_ACCOUNT; i++) {
        T_EQ_INT(post_form("/login", "login=hayquen&password=sai-sai-sai", NULL, &r), 401);
        t_http_free(&r);
    }
    /* even the right password waits now */
    T_EQ_INT(post_form("/login", "login=hayquen&password=matkhau-789", NULL, &r), 429);
    T_CHECK(strstr(ts_buf_str(&r.body), "15"));
    t_http_free(&r);
    {
        static const char *const json[] = {"Content-Type: application/json", NULL};
        static const char body[] = "{\"login\":\"hayquen\",\"password\":\"matkhau-789\"}";
        struct t_http_opts o = {0};
        o.method = "POST";
        o.headers = json;
        o.body = body;
        o.body_len = sizeof body - 1;
        t_http_do(&srv, "/api/v1/session", &o, &r);
        T_EQ_INT(r.status, 429);
        T_CHECK(strstr(ts_buf_str(&r.body), "\"code\":\"too_many_requests\""));
        t_http_free(&r);
    }
}

static void teardown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"login_form", test_login_form},
        {"session_and_logout", test_session_and_logout},
        {"cross_site", test_cross_site},
        {"api_tokens", test_api_tokens},
        {"disabled_account", test_disabled_account},
        {"throttling", test_throttling},
        {"teardown", teardown},
        {0},
    };
    return t_main(cases, argc, argv);
}
