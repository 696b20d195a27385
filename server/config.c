/*
 * server/config.c - server settings: defaults, one key at a time (flags), or
 * a `key = value` file with the same keys (see server.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "ts_util.h"

void server_config_default(struct server_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->data_dir, sizeof c->data_dir, "./data");
    snprintf(c->listen, sizeof c->listen, "127.0.0.1");
    c->port = 8080;
    c->threads = 0;
    c->timeout_s = 15;
    c->conn_limit = 512;
    c->per_ip_limit = 64;
    c->conn_memory = 32 * 1024;
    c->max_body = 1024 * 1024;
    c->slow_ms = 1000;
    c->drain_ms = 10000;
    /* The benchmark's 70 queries x pages, and a school's day of popular
     * searches, fit many times over; bounded by entries and ~16 KiB each. */
    c->search_cache = 1000;
}

static int number(const char *key, const char *value, int64_t min, int64_t max, int64_t *out,
                  struct ts_err *err)
{
    if (ts_parse_i64(value, out, NULL) || *out < min || *out > max)
        return ts_fail(err, TS_EINVAL, "%s must be a number from %lld to %lld", key, (long long)min,
                       (long long)max);
    return TS_OK;
}

int server_config_set(struct server_config *c, const char *key, const char *value,
                      struct ts_err *err)
{
    int64_t v;
    int rc;

    if (strcmp(key, "data") == 0) {
        if (!*value || strlen(value) >= sizeof c->data_dir)
            return ts_fail(err, TS_EINVAL, "data: empty or too long");
        snprintf(c->data_dir, sizeof c->data_dir, "%s", value);
        return TS_OK;
    }
    if (strcmp(key, "listen") == 0) {
        if (!*value || strlen(value) >= sizeof c->listen)
            return ts_fail(err, TS_EINVAL, "listen: expected an IP address");
        snprintf(c->listen, sizeof c->listen, "%s", value);
        return TS_OK;
    }
    if (strncmp(key, "oai-", 4) == 0) {
        static const struct {
            const char *key;
            size_t off, cap;
        } oai[] = {
            {"oai-repository-name", offsetof(struct server_config, oai_repository_name),
             sizeof c->oai_repository_name},
            {"oai-admin-email", offsetof(struct server_config, oai_admin_email),
             sizeof c->oai_admin_email},
            {"oai-repository-id", offsetof(struct server_config, oai_repository_id),
             sizeof c->oai_repository_id},
            {"oai-base-url", offsetof(struct server_config, oai_base_url), sizeof c->oai_base_url},
        };
        for (size_t i = 0; i < sizeof oai / sizeof oai[0]; i++) {
            if (strcmp(key, oai[i].key) != 0)
                continue;
            if (strlen(value) >= oai[i].cap)
                return ts_fail(err, TS_EINVAL, "%s: longer than %zu bytes", key, oai[i].cap - 1);
            snprintf((char *)c + oai[i].off, oai[i].cap, "%s", value);
            return TS_OK;
        }
    }
    if (strcmp(key, "port") == 0) {
        if ((rc = number(key, value, 0, 65535, &v, err)))
            return rc;
        c->port = (unsigned)v;
    } else if (strcmp(key, "threads") == 0) {
        if ((rc = number(key, value, 0, 256, &v, err)))
            return rc;
        c->threads = (unsigned)v;
    } else if (strcmp(key, "timeout") == 0) {
        if ((rc = number(key, value, 1, 3600, &v, err)))
            return rc;
        c->timeout_s = (unsigned)v;
    } else if (strcmp(key, "connections") == 0) {
        if ((rc = number(key, value, 1, 100000, &v, err)))
            return rc;
        c->conn_limit = (unsigned)v;
    } else if (strcmp(key, "per-ip-connections") == 0) {
        if ((rc = number(key, value, 1, 100000, &v, err)))
            return rc;
        c->per_ip_limit = (unsigned)v;
    } else if (strcmp(key, "connection-memory") == 0) {
        if ((rc = number(key, value, 8192, 16 << 20, &v, err)))
            return rc;
        c->conn_memory = (size_t)v;
    } else if (strcmp(key, "max-body") == 0) {
        if ((rc = number(key, value, 0, (int64_t)1 << 30, &v, err)))
            return rc;
        c->max_body = (size_t)v;
    } else if (strcmp(key, "search-cache") == 0) {
        if ((rc = number(key, value, 0, 1000000, &v, err)))
            return rc;
        c->search_cache = (size_t)v;
    } else if (strcmp(key, "slow-ms") == 0) {
        if ((rc = number(key, value, 1, 3600000, &v, err)))
            return rc;
        c->slow_ms = (unsigned)v;
    } else {
        return ts_fail(err, TS_EINVAL, "unknown setting '%s'", key);
    }
    return TS_OK;
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

int server_config_load(struct server_config *c, const char *path, struct ts_err *err)
{
    char *text = NULL, *p, *nl;
    size_t len;
    int rc, line = 0;

    if ((rc = ts_read_file(path, 1 << 20, &text, &len, err)))
        return rc;
    for (p = text; p && *p; p = nl) {
        char *eq, *key, *value;
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        line++;
        key = trim(p);
        if (!*key || *key == '#')
            continue;
        if (!(eq = strchr(key, '='))) {
            rc = ts_fail(err, TS_EINVAL, "%s line %d: expected key = value", path, line);
            goto out;
        }
        *eq = '\0';
        key = trim(key);
        value = trim(eq + 1);
        if ((rc = server_config_set(c, key, value, err))) {
            ts_err_prefix(err, "%s line %d: ", path, line);
            goto out;
        }
    }
    rc = TS_OK;
out:
    free(text);
    return rc;
}
