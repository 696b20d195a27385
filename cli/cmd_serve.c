/*
 * cli/cmd_serve.c - `tusach serve`: run the web server until SIGTERM/SIGINT.
 *
 * Settings come from the defaults, then --config FILE (same keys as the
 * flags), then the flags, so a flag always wins. The signals are blocked
 * before the server starts, so every libmicrohttpd thread inherits the mask
 * and only this thread receives them (sigwait); shutdown is then ordinary
 * code, not a signal handler: server_close() stops accepting, lets requests
 * in flight finish, stops the daemon and closes the databases.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server.h"
#include "ts_log.h"

/* main.c sets data_dir to $TUSACH_DATA or "./data" unless --data was given. */
static int data_dir_given(const struct cli *c)
{
    const char *env = getenv("TUSACH_DATA");
    return !(env && *env && c->data_dir == env) && strcmp(c->data_dir, "./data") != 0;
}

int cmd_serve(struct cli *c)
{
    static const char usage[] =
        "usage: tusach [--data DIR] serve [--listen ADDR] [--port N] [--threads N]\n"
        "                                 [--search-cache N] [--config FILE]\n"
        "Serve the catalogue over HTTP: pages for readers, the JSON API under /api/v1.\n"
        "  --listen ADDR      IP address to bind (default 127.0.0.1)\n"
        "  --port N           TCP port (default 8080)\n"
        "  --threads N        worker threads (default: 2 per core, 4..32)\n"
        "  --search-cache N   keep the index results of the last N searches (query,\n"
        "                     filters, page; default 1000, ~16 KiB each on average; 0: off).\n"
        "                     Emptied by every index commit; availability is never\n"
        "                     cached, it is read from the catalogue for each request\n"
        "  --config FILE      'key = value' lines: data listen port threads timeout\n"
        "                     connections per-ip-connections connection-memory max-body\n"
        "                     slow-ms search-cache oai-repository-name oai-admin-email\n"
        "                     oai-repository-id oai-base-url\n"
        "Stops cleanly on SIGTERM or Ctrl-C.\n";
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"port", required_argument, NULL, 'p'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"search-cache", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    struct server_config cfg;
    struct ts_err err = {0};
    const char *config = NULL;
    server *srv = NULL;
    sigset_t set;
    int o, sig = 0;

    /* --config first, wherever it is, so the other flags override it */
    optind = 1;
    while ((o = getopt_long(c->argc, c->argv, "h", opts, NULL)) != -1) {
        if (o == 'c')
            config = optarg;
        else if (o == 'h') {
            printf("%s", usage);
            return CLI_OK;
        } else if (o == '?') {
            fprintf(stderr, "%s", usage);
            return CLI_USAGE;
        }
    }
    if (optind < c->argc) {
        fprintf(stderr, "%s", usage);
        return CLI_USAGE;
    }
    server_config_default(&cfg);
    if (config && server_config_load(&cfg, config, &err))
        return cli_fail(&err);
    /* --data (global) beats the config file's data key */
    if (data_dir_given(c) || !config || strcmp(cfg.data_dir, "./data") == 0)
        snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", c->data_dir);
    optind = 1;
    while ((o = getopt_long(c->argc, c->argv, "h", opts, NULL)) != -1) {
        const char *key = o == 'l'   ? "listen"
                          : o == 'p' ? "port"
                          : o == 't' ? "threads"
                          : o == 's' ? "search-cache"
                                     : NULL;
        if (key && server_config_set(&cfg, key, optarg, &err)) {
            fprintf(stderr, "tusach: --%s\n", err.msg);
            return CLI_USAGE;
        }
    }

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (ts_log_threshold > TS_LOG_INFO)
        ts_log_threshold = TS_LOG_INFO; /* the access log */
    if (server_open(&cfg, &srv, &err))
        return cli_fail(&err);
    printf("tusach: serving %s on http://%s:%u/ (Ctrl-C to stop)\n", cfg.data_dir, cfg.listen,
           server_port(srv));
    fflush(stdout);
    while (sigwait(&set, &sig) != 0)
        ;
    ts_log(TS_LOG_INFO, "srv", "signal %d: stopping", sig);
    server_close(srv);
    return CLI_OK;
}
