/*
 * server/server.h - the HTTP server: server-rendered pages, the JSON API
 * under /api/v1 and static assets, over libmicrohttpd.
 *
 * Used by `tusach serve` and by the HTTP tests, which start it in-process on
 * 127.0.0.1 port 0. The server only reads the data folder: each worker thread
 * opens its own read-only catalogue connection and index reader on first use.
 */
#ifndef TS_SERVER_H
#define TS_SERVER_H

#include <stddef.h>

#include "ts_err.h"

/* Every limit is explicit; server_config_default() documents the defaults. */
struct server_config {
    char data_dir[1024];
    char listen[64];       /* IPv4 or IPv6 literal; default "127.0.0.1" */
    unsigned port;         /* 0: any free port (tests read it with server_port()) */
    unsigned threads;      /* worker threads; 0 -> online CPUs */
    unsigned timeout_s;    /* idle connection timeout (slowloris) */
    unsigned conn_limit;   /* connections in total */
    unsigned per_ip_limit; /* connections from one address */
    size_t conn_memory;    /* per-connection memory: request line + headers + read buffer */
    size_t max_body;       /* request body cap (413) */
    unsigned slow_ms;      /* requests slower than this are logged at WARN */
    unsigned drain_ms;     /* server_close waits this long for requests in flight */
    size_t search_cache;   /* search results kept (indexer.h ix_cache); 0: no cache */
    /* OAI-PMH (/oai, docs/api/oai.md); empty: derived from the request */
    char oai_repository_name[128]; /* Identify repositoryName; "" -> "tusach" */
    char oai_admin_email[128];     /* Identify adminEmail; "" -> a placeholder */
    char oai_repository_id[128];   /* oai:<this>:record/N; "" -> the Host name */
    char oai_base_url[256];        /* Identify baseURL; "" -> http://<Host>/oai */
};

/* Defaults: 127.0.0.1:8080, threads = cores, 15 s timeout, 512 connections,
 * 64 per address (a school behind one NAT address), 32 KiB per connection,
 * 1 MiB body, slow request 1000 ms, 10 s to drain at stop, 1000 cached search results (at most
 * ~16 MiB), data folder "./data". */
void server_config_default(struct server_config *c);

/* Set one key from text: data, listen, port, threads, timeout, connections,
 * per-ip-connections, connection-memory, max-body, slow-ms, search-cache (the
 * `tusach serve` flags without "--"); oai-repository-name, oai-admin-email,
 * oai-repository-id, oai-base-url (config file only). TS_EINVAL with the
 * reason for an unknown key or a bad value. */
int server_config_set(struct server_config *c, const char *key, const char *value,
                      struct ts_err *err);

/* Apply a config file of `key = value` lines ('#' starts a comment; blank
 * lines ignored). TS_EIO if unreadable, TS_EINVAL "FILE line N: reason". */
int server_config_load(struct server_config *c, const char *path, struct ts_err *err);

typedef struct server server;

/*
 * Start serving with `cfg` (copied). Checks that the data folder has a
 * catalogue, loads templates, strings and assets, then starts the daemon.
 * Returns TS_OK, TS_ENOTFOUND (no catalogue), TS_EINVAL (bad listen address),
 * TS_EIO (cannot bind). *out NULL on failure. Call from one thread.
 */
int server_open(const struct server_config *cfg, server **out, struct ts_err *err);

/* The port actually bound (MHD_DAEMON_INFO_BIND_PORT): useful with port 0. */
unsigned server_port(const server *srv);

/*
 * Graceful stop: stop accepting (MHD_quiesce_daemon), let requests in flight
 * finish (up to 10 s), stop the daemon, close every worker's catalogue and
 * index, free everything. NULL ok.
 */
void server_close(server *srv);

#endif
