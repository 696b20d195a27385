/*
 * tests/unit/server/test_router.c - router_match(): literal and parameter
 * segments, {rest...}, 404 vs 405 with Allow, HEAD served by GET, and the
 * paths that must never match (empty, "." and ".." segments).
 */
#include <string.h>

#include "../../../server/router.c"
#include "t.h"

static int h_dummy(struct request *req, struct response *res)
{
    (void)req;
    (void)res;
    return 0;
}

static const struct route table[] = {
    {"GET", "/", h_dummy, ROLE_ANON, 0},
    {"GET", "/records/{id}", h_dummy, ROLE_ANON, 0},
    {"GET", "/records/{id}/read", h_dummy, ROLE_ANON, 0},
    {"POST", "/records/{id}/read", h_dummy, ROLE_LIBRARIAN, R_JSON},
    {"DELETE", "/records/{id}", h_dummy, ROLE_ADMIN, 0},
    {"GET", "/static/{path...}", h_dummy, ROLE_ANON, 0},
    {"GET", "/api/v1/libraries/{code}/records/{id}", h_dummy, ROLE_ANON, 0},
};
#define N (sizeof table / sizeof table[0])

static int match(const char *method, const char *path, struct route_match *m)
{
    return (int)router_match(table, N, method, path, m);
}

static int param_is(const struct route_match *m, size_t i, const char *want)
{
    return i < m->n_params && m->params[i].len == strlen(want) &&
           memcmp(m->params[i].p, want, m->params[i].len) == 0;
}

static void test_literal_and_params(void)
{
    struct route_match m;

    T_EQ_INT(match("GET", "/", &m), ROUTER_OK);
    T_CHECK(m.route == &table[0]);
    T_EQ_INT(m.n_params, 0);
    T_EQ_INT(match("GET", "/records/12", &m), ROUTER_OK);
    T_CHECK(m.route == &table[1]);
    T_CHECK(param_is(&m, 0, "12"));
    T_EQ_INT(match("GET", "/records/12/read", &m), ROUTER_OK);
    T_CHECK(m.route == &table[2]);
    T_EQ_INT(match("POST", "/records/7/read", &m), ROUTER_OK);
    T_CHECK(m.route == &table[3]);
    T_EQ_INT(m.route->flags, R_JSON);
    T_EQ_INT(match("GET", "/api/v1/libraries/THCS-A/records/5", &m), ROUTER_OK);
    T_CHECK(param_is(&m, 0, "THCS-A"));
    T_CHECK(param_is(&m, 1, "5"));
}

static void test_rest_param(void)
{
    struct route_match m;

    T_EQ_INT(match("GET", "/static/app.css", &m), ROUTER_OK);
    T_CHECK(param_is(&m, 0, "app.css"));
    T_EQ_INT(match("GET", "/static/img/a.png", &m), ROUTER_OK);
    T_CHECK(param_is(&m, 0, "img/a.png"));
    T_EQ_INT(match("GET", "/static", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/static/", &m), ROUTER_NOT_FOUND);
}

static void test_not_found(void)
{
    struct route_match m;

    T_EQ_INT(match("GET", "/nope", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/records", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/records/", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/records/12/read/more", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "records/12", &m), ROUTER_NOT_FOUND);
}

static void test_traversal_never_matches(void)
{
    struct route_match m;

    T_EQ_INT(match("GET", "/static/../etc/passwd", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/static/./app.css", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/static//app.css", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/static/a/..", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "/records/../records/1", &m), ROUTER_NOT_FOUND);
    T_EQ_INT(match("GET", "//records/1", &m), ROUTER_NOT_FOUND);
    /* dots inside a segment are fine */
    T_EQ_INT(match("GET", "/static/app.1234.css", &m), ROUTER_OK);
    T_EQ_INT(match("GET", "/static/..app", &m), ROUTER_OK);
}

static void test_method_not_allowed(void)
{
    struct route_match m;

    T_EQ_INT(match("PUT", "/records/12/read", &m), ROUTER_BAD_METHOD);
    T_EQ_STR(m.allow, "GET, HEAD, POST");
    T_EQ_INT(match("POST", "/records/12", &m), ROUTER_BAD_METHOD);
    T_EQ_STR(m.allow, "GET, HEAD, DELETE");
    T_EQ_INT(match("POST", "/", &m), ROUTER_BAD_METHOD);
    T_EQ_STR(m.allow, "GET, HEAD");
}

static void test_head_is_get(void)
{
    struct route_match m;

    T_EQ_INT(match("HEAD", "/records/3", &m), ROUTER_OK);
    T_CHECK(m.route == &table[1]);
    T_EQ_STR(m.route->method, "GET");
    T_EQ_INT(match("HEAD", "/nope", &m), ROUTER_NOT_FOUND);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"literal_and_params", test_literal_and_params},
        {"rest_param", test_rest_param},
        {"not_found", test_not_found},
        {"traversal_never_matches", test_traversal_never_matches},
        {"method_not_allowed", test_method_not_allowed},
        {"head_is_get", test_head_is_get},
        {0},
    };
    return t_main(cases, argc, argv);
}
