/*
 * server/router.h - matching (method, path) against the route table.
 *
 * A pure function with no libmicrohttpd in sight, so it is unit-tested on
 * its own (tests/unit/server/test_router.c). Patterns are literal segments,
 * "{name}" (one non-empty segment) and a final "{name...}" (the rest of the
 * path, at least one segment). Paths with empty, "." or ".." segments never
 * match: the router is the first line against path traversal.
 */
#ifndef TS_ROUTER_H
#define TS_ROUTER_H

#include <stddef.h>

struct request;
struct response;

typedef int (*route_handler)(struct request *req, struct response *res);

/* The least an account needs to call a route (auth.c): ROLE_READER = any
 * signed-in account, ROLE_LIBRARIAN = staff (librarian, district, admin),
 * ROLE_DISTRICT = district coordinators and admins. What the account may
 * touch within the route is checked by the auth_* scope functions. */
enum route_role { ROLE_ANON = 0, ROLE_READER, ROLE_LIBRARIAN, ROLE_DISTRICT, ROLE_ADMIN };

/* Route flags. */
#define R_JSON 0x1 /* the body is a JSON document, parsed before the handler */

struct route {
    const char *method; /* "GET", "POST" ...; HEAD is served by GET */
    const char *pattern;
    route_handler handler;
    enum route_role role;
    unsigned flags;
};

#define ROUTER_MAX_PARAMS 4

struct route_param {
    const char *p; /* view into the matched path, not NUL-terminated */
    size_t len;
};

struct route_match {
    const struct route *route;
    struct route_param params[ROUTER_MAX_PARAMS];
    size_t n_params;
    char allow[64]; /* for ROUTER_BAD_METHOD: "GET, HEAD" */
};

enum router_result { ROUTER_OK, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD };

/* Match `method` and `path` (no query string) against routes[0..n). The first
 * route whose pattern and method match wins. Thread-safe. */
enum router_result router_match(const struct route *routes, size_t n, const char *method,
                                const char *path, struct route_match *m);

/* The route table (routes.c). */
extern const struct route server_routes[];
extern const size_t server_n_routes;

#endif
