/*
 * cli/cli.h - shared pieces of the tusach subcommands.
 */
#ifndef TS_CLI_H
#define TS_CLI_H

#include "ts_err.h"

struct cli {
    const char *data_dir; /* --data, else $TUSACH_DATA, else ./data */
    int argc;             /* the subcommand's own arguments (argv[0] = its name) */
    char **argv;
};

/* Exit codes: 0 ok, 1 error, 2 usage, 3 finished with some files failed. */
#define CLI_OK 0
#define CLI_ERR 1
#define CLI_USAGE 2
#define CLI_PARTIAL 3

int cmd_init(struct cli *c);
int cmd_library(struct cli *c);
int cmd_import(struct cli *c);
int cmd_reindex(struct cli *c);
int cmd_check(struct cli *c);
int cmd_search(struct cli *c);
int cmd_suggest(struct cli *c);
int cmd_batch(struct cli *c);
int cmd_record(struct cli *c);
int cmd_item(struct cli *c);
int cmd_export(struct cli *c);
int cmd_harvest(struct cli *c);
int cmd_serve(struct cli *c);
int cmd_user(struct cli *c);   /* cmd_circ.c */
int cmd_reader(struct cli *c); /* cmd_circ.c */
int cmd_desk(struct cli *c);   /* cmd_circ.c */
int cmd_hold(struct cli *c);   /* cmd_circ.c */
int cmd_file(struct cli *c);   /* cmd_file.c */

/* Print "tusach: <msg>" for an error and return CLI_ERR. */
int cli_fail(const struct ts_err *err);
struct catalog;
/* Open DATA/catalog.db (migrating it); TS_ENOTFOUND with "run 'tusach init'
 * first" when the data folder has no catalogue. */
int cli_open_catalog(const struct cli *c, struct catalog **cat, struct ts_err *err);
/* "DATA/catalog.db" and "DATA/index" into buf. */
void cli_path(const struct cli *c, const char *leaf, char *buf, size_t cap);

#endif
