/*
 * cli/cmd_export.c - `tusach export` and `tusach harvest`: the catalogue out
 * in library formats, and Dublin Core in from an OAI-PMH repository.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "import.h"

int cmd_export(struct cli *c)
{
    static const char usage[] =
        "usage: tusach [--data DIR] export --format marcxml|marc|dc|csv [--library CODE]\n"
        "                                  [--output FILE]\n"
        "Writes every record (or those with a copy or file at CODE) with its copies.\n"
        "CSV cells starting with = + - @ are prefixed with ' (formula injection).\n";
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"library", required_argument, NULL, 'l'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *format = NULL, *library = NULL, *output = NULL;
    struct ts_err err = {0};
    FILE *out = stdout;
    size_t n = 0;
    int o, rc;

    optind = 1;
    while ((o = getopt_long(c->argc, c->argv, "f:l:o:h", opts, NULL)) != -1) {
        switch (o) {
        case 'f': format = optarg; break;
        case 'l': library = optarg; break;
        case 'o': output = optarg; break;
        case 'h': fputs(usage, stdout); return CLI_OK;
        default: fputs(usage, stderr); return CLI_USAGE;
        }
    }
    if (!format || optind != c->argc) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    if (output && !(out = fopen(output, "wb"))) {
        fprintf(stderr, "tusach: cannot write %s\n", output);
        return CLI_ERR;
    }
    rc = import_export(c->data_dir, format, library, out, &n, &err);
    if (output && fclose(out) != 0 && rc == TS_OK)
        rc = ts_fail(&err, TS_EIO, "%s: write failed", output);
    if (rc)
        return cli_fail(&err);
    fprintf(stderr, "exported %zu records as %s\n", n, format);
    return CLI_OK;
}

static void on_error(const char *origin, const struct ts_err *why, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "rejected: %s: %s\n", origin, why->msg);
}

int cmd_harvest(struct cli *c)
{
    static const char usage[] =
        "usage: tusach [--data DIR] harvest URL --library CODE [--set SET] [--from DATE]\n"
        "                                   [--until DATE] [--dry-run]\n"
        "Harvests Dublin Core (oai_dc) records from an OAI-PMH repository, following\n"
        "resumption tokens. Without --from, continues from the last harvest of URL.\n";
    static const struct option opts[] = {{"library", required_argument, NULL, 'l'},
                                         {"set", required_argument, NULL, 's'},
                                         {"from", required_argument, NULL, 'f'},
                                         {"until", required_argument, NULL, 'u'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *set = NULL, *from = NULL, *until = NULL;
    struct import_opts io = {0};
    struct import_summary s;
    struct ts_err err = {0};
    int o, rc;

    optind = 1;
    while ((o = getopt_long(c->argc, c->argv, "l:s:f:u:nh", opts, NULL)) != -1) {
        switch (o) {
        case 'l': io.library = optarg; break;
        case 's': set = optarg; break;
        case 'f': from = optarg; break;
        case 'u': until = optarg; break;
        case 'n': io.dry_run = 1; break;
        case 'h': fputs(usage, stdout); return CLI_OK;
        default: fputs(usage, stderr); return CLI_USAGE;
        }
    }
    if (optind != c->argc - 1 || !io.library) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    io.data_dir = c->data_dir;
    io.on_error = on_error;
    rc = import_harvest(c->argv[optind], set, from, until, &io, &s, &err);
    if (rc)
        return cli_fail(&err);
    printf("%s: created %zu, merged %zu, updated %zu, unchanged %zu, rejected %zu in %.1f s\n",
           io.dry_run ? "dry run" : "harvest", s.created, s.merged, s.updated, s.unchanged,
           s.rejected, s.seconds);
    return s.rejected ? CLI_PARTIAL : CLI_OK;
}
