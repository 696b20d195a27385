/*
 * server/router.c - (method, path) -> route + parameters (see router.h).
 *
 * Linear scan: the table has a few dozen rows and each comparison stops at
 * the first differing segment, which is cheaper than building a trie.
 */
#include <string.h>

#include "router.h"

/* Path is "/seg/seg..." with no empty, "." or ".." segment (a trailing '/'
 * is only allowed for "/" itself). */
static int path_clean(const char *path)
{
    const char *p = path;

    if (*p != '/')
        return 0;
    if (p[1] == '\0')
        return 1;
    while (*p == '/') {
        const char *seg = p + 1, *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
        p = seg + len;
    }
    return *p == '\0';
}

/* Match one pattern; params filled on success. */
static int pattern_match(const char *pat, const char *path, struct route_match *m)
{
    const char *p = pat, *s = path;

    m->n_params = 0;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t n;
            int rest;
            if (!close || m->n_params >= ROUTER_MAX_PARAMS)
                return 0;
            rest = close - p >= 4 && memcmp(close - 3, "...", 3) == 0;
            n = rest ? strlen(s) : strcspn(s, "/");
            if (n == 0)
                return 0;
            m->params[m->n_params].p = s;
            m->params[m->n_params].len = n;
            m->n_params++;
            s += n;
            p = close + 1;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

static int method_ok(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return 1;
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
    size_t len = strlen(allow), n = strlen(method);
    const char *p = allow;

    /* already listed? */
    while ((p = strstr(p, method)) != NULL) {
        if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return;
        p += n;
    }
    if (len + n + 3 > cap)
        return;
    if (len) {
        memcpy(allow + len, ", ", 2);
        len += 2;
    }
    memcpy(allow + len, method, n + 1);
}

enum router_result router_match(const struct route *routes, size_t n, const char *method,
                                const char *path, struct route_match *m)
{
    struct route_match tmp;
    int path_found = 0;

    memset(m, 0, sizeof *m);
    if (!path_clean(path))
        return ROUTER_NOT_FOUND;
    for (size_t i = 0; i < n; i++) {
        if (!pattern_match(routes[i].pattern, path, &tmp))
            continue;
        if (method_ok(routes[i].method, method)) {
            *m = tmp;
            m->route = &routes[i];
            m->allow[0] = '\0';
            return ROUTER_OK;
        }
        path_found = 1;
        allow_add(m->allow, sizeof m->allow, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            allow_add(m->allow, sizeof m->allow, "HEAD");
    }
    return path_found ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
