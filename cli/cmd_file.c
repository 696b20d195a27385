/*
 * cli/cmd_file.c - how a digital file may be read:
 *   tusach file access ID open|lendable|onsite [--copies N] [--days D]
 *   tusach file show ID
 *
 * "open" files (an open licence) are readable by anyone; "lendable" files
 * are lent to at most N signed-in readers at once for D days each (the
 * library bought N licences); "onsite" files are read only on the library's
 * own machines. The rules live in catalog/dloan.c; this is the librarian's
 * way to set them until the web desk has a form for it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "circ.h"
#include "cli.h"
#include "ts_util.h"

static const char file_usage[] =
    "usage: tusach file access ID open|lendable|onsite [--copies N] [--days D]\n"
    "       tusach file show ID\n"
    "A lendable file is lent to at most N readers at once (default 1), each for\n"
    "D days (default 14); a loan ends by itself when its period is over.\n";

static void print_state(int64_t id, const struct cat_dloan_state *s)
{
    char day[16] = "-";
    time_t t = (time_t)s->next_free;
    struct tm tm;

    printf("file #%lld: %s", (long long)id, s->access);
    if (strcmp(s->access, "lendable") == 0) {
        printf(", %d cop%s, %d on loan", s->copies, s->copies == 1 ? "y" : "ies", s->on_loan);
        if (s->next_free && localtime_r(&t, &tm))
            strftime(day, sizeof day, "%Y-%m-%d", &tm);
        if (s->next_free)
            printf(" (one is free again on %s)", day);
    }
    putchar('\n');
}

/* A small positive count option. */
static int parse_count(const char *s, int *out)
{
    int64_t v;
    if (ts_parse_i64(s, &v, NULL) || v < 1 || v > 100000)
        return -1;
    *out = (int)v;
    return 0;
}

int cmd_file(struct cli *c)
{
    static const struct option opts[] = {{"copies", required_argument, NULL, 'c'},
                                         {"days", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    struct cat_dloan_state s;
    struct ts_err err = {0};
    const char *sub, *access = NULL;
    catalog *cat = NULL;
    int64_t id;
    int o, copies = 1, days = 14, rc = CLI_OK;

    if (c->argc < 2 || c->argv[1][0] == '-') {
        fputs(file_usage, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? CLI_USAGE : CLI_OK;
    }
    sub = c->argv[1];
    optind = 2;
    while ((o = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c':
            if (parse_count(optarg, &copies)) {
                fputs(file_usage, stderr);
                return CLI_USAGE;
            }
            break;
        case 'd':
            if (parse_count(optarg, &days)) {
                fputs(file_usage, stderr);
                return CLI_USAGE;
            }
            break;
        case 'h': fputs(file_usage, stdout); return CLI_OK;
        default: fputs(file_usage, stderr); return CLI_USAGE;
        }
    }
    if (optind >= c->argc || ts_parse_i64(c->argv[optind], &id, NULL) || id <= 0) {
        fputs(file_usage, stderr);
        return CLI_USAGE;
    }
    if (strcmp(sub, "access") == 0) {
        if (optind + 1 >= c->argc) {
            fputs(file_usage, stderr);
            return CLI_USAGE;
        }
        access = c->argv[optind + 1];
    } else if (strcmp(sub, "show") != 0) {
        fputs(file_usage, stderr);
        return CLI_USAGE;
    }
    if (cli_open_catalog(c, &cat, &err))
        return cli_fail(&err);
    if (access && catalog_file_set_access(cat, id, access, copies, days, "cli", &err)) {
        fprintf(stderr, "tusach: REFUSED access of file #%lld: %s\n", (long long)id, err.msg);
        rc = CLI_ERR;
    } else if (catalog_dloan_state(cat, id, &s, &err)) {
        rc = cli_fail(&err);
    } else {
        print_state(id, &s);
    }
    catalog_close(cat);
    return rc;
}
