/*
 * cli/cmd_init.c - `tusach init`, `tusach library add|list`, `tusach check`,
 * `tusach batch ID`: the small administrative commands.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "import.h"
#include "ts_util.h"

int cmd_init(struct cli *c)
{
    struct ts_err err = {0};

    if (c->argc > 1 && (strcmp(c->argv[1], "--help") == 0 || strcmp(c->argv[1], "-h") == 0)) {
        printf("usage: tusach [--data DIR] init\n"
               "Creates DIR/catalog.db (sqlite, schema migrations applied), DIR/index (Xapian)\n"
               "and DIR/files (the file store). Safe to run again.\n");
        return CLI_OK;
    }
    if (import_init(c->data_dir, &err))
        return cli_fail(&err);
    printf("initialised %s (catalogue schema version %d)\n", c->data_dir, catalog_schema_latest());
    return CLI_OK;
}

int cmd_library(struct cli *c)
{
    static const struct option opts[] = {{"code", required_argument, NULL, 'c'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *code = NULL, *name = NULL, *kind = NULL, *sub;
    struct ts_err err = {0};
    catalog *cat = NULL;
    int o, rc = CLI_OK;

    if (c->argc < 2 || c->argv[1][0] == '-') {
        fprintf(stderr, "usage: tusach library add --code CODE --name NAME --kind KIND\n"
                        "       tusach library list\n"
                        "KIND: school | public | learning_centre | classroom | district\n");
        return c->argc >= 2 && strcmp(c->argv[1], "--help") == 0 ? CLI_OK : CLI_USAGE;
    }
    sub = c->argv[1];
    optind = 2;
    while ((o = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c': code = optarg; break;
        case 'n': name = optarg; break;
        case 'k': kind = optarg; break;
        case 'h':
            printf("usage: tusach library add --code CODE --name NAME --kind KIND\n");
            return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (strcmp(sub, "add") == 0) {
        int64_t id;
        if (!code || !name || !kind) {
            fprintf(stderr, "tusach: library add needs --code, --name and --kind\n");
            return CLI_USAGE;
        }
        if (cli_open_catalog(c, &cat, &err) ||
            catalog_library_add(cat, code, name, kind, &id, &err))
            rc = cli_fail(&err);
        else
            printf("library %s added (id %lld)\n", code, (long long)id);
    } else if (strcmp(sub, "list") == 0) {
        struct cat_library *libs = NULL;
        size_t n = 0;
        if (cli_open_catalog(c, &cat, &err) || catalog_library_list(cat, &libs, &n, &err)) {
            rc = cli_fail(&err);
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%s\t%s\t%s\n", libs[i].code, libs[i].kind, libs[i].name);
            cat_library_list_free(libs, n);
        }
    } else {
        fprintf(stderr, "tusach: unknown library command '%s'\n", sub);
        rc = CLI_USAGE;
    }
    catalog_close(cat);
    return rc;
}

int cmd_check(struct cli *c)
{
    struct import_check chk;
    struct ts_err err = {0};
    int rc = import_check(c->data_dir, &chk, &err);

    (void)c;
    printf("records %zu, indexed %zu, missing %zu, duplicated %zu, orphans %zu, queued %zu\n",
           chk.records, chk.indexed, chk.missing, chk.duplicated, chk.orphans, chk.queued);
    if (rc)
        return cli_fail(&err);
    printf("ok: catalogue and index agree\n");
    return CLI_OK;
}

int cmd_batch(struct cli *c)
{
    struct cat_batch_error *e = NULL;
    struct ts_err err = {0};
    catalog *cat = NULL;
    int64_t id;
    size_t n = 0;
    int rc = CLI_OK;

    if (c->argc != 2 || ts_parse_i64(c->argv[1], &id, &err)) {
        fprintf(stderr, "usage: tusach batch BATCH_ID   (prints the batch's error report)\n");
        return CLI_USAGE;
    }
    if (cli_open_catalog(c, &cat, &err) || catalog_batch_errors(cat, id, &e, &n, &err)) {
        rc = cli_fail(&err);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%s\t%s\t%s\n", e[i].path, e[i].code, e[i].reason);
        fprintf(stderr, "batch %lld: %zu errors\n", (long long)id, n);
    }
    cat_batch_errors_free(e, n);
    catalog_close(cat);
    return rc;
}
