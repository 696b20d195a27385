/*
 * cli/main.c - `tusach <command>`: option --data and dispatch to cmd_*.c.
 */
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "import.h"
#include "ts_log.h"

static const struct {
    const char *name;
    int (*fn)(struct cli *c);
    const char *help;
} commands[] = {
    {"init", cmd_init, "create the catalogue and the index in the data folder"},
    {"library", cmd_library, "add | list libraries"},
    {"import", cmd_import, "import a folder, archive or file into a library"},
    {"search", cmd_search, "search the catalogue"},
    {"suggest", cmd_suggest, "title completions for a prefix"},
    {"reindex", cmd_reindex, "rebuild the index from the catalogue and the file store"},
    {"check", cmd_check, "check that the catalogue and the index agree"},
    {"batch", cmd_batch, "show an import batch and its error report"},
    {"record", cmd_record, "show | edit | merge records; list possible duplicates"},
    {"item", cmd_item, "add | show | move | withdraw physical copies"},
    {"export", cmd_export, "export the catalogue as MARCXML, MARC21, Dublin Core or CSV"},
    {"harvest", cmd_harvest, "harvest Dublin Core records from an OAI-PMH repository"},
    {"serve", cmd_serve, "run the web server"},
    {"user", cmd_user, "add | passwd | role: staff and reader logins"},
    {"reader", cmd_reader, "add | import | show | deactivate readers (library cards)"},
    {"desk", cmd_desk, "checkout | return | renew | overdue | policy at a library's desk"},
    {"hold", cmd_hold, "place | cancel | list | expire holds"},
    {"file", cmd_file, "access open|lendable|onsite | show: how a digital file may be read"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tusach [--data DIR] <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nThe data folder is --data DIR, else $TUSACH_DATA, else ./data.\n"
               "Run 'tusach <command> --help' for a command's options.\n");
}

int cli_fail(const struct ts_err *err)
{
    fprintf(stderr, "tusach: %s\n", err->msg[0] ? err->msg : ts_code_name(err->code));
    return CLI_ERR;
}

void cli_path(const struct cli *c, const char *leaf, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", c->data_dir, leaf);
}

int cli_open_catalog(const struct cli *c, catalog **cat, struct ts_err *err)
{
    char path[4096];

    *cat = NULL;
    cli_path(c, IMPORT_CATALOG_FILE, path, sizeof path);
    if (access(path, F_OK) != 0)
        return ts_fail(err, TS_ENOTFOUND, "no catalogue in %s: run 'tusach init' first",
                       c->data_dir);
    return catalog_open(path, cat, err);
}

int main(int argc, char **argv)
{
    struct cli c = {0};
    const char *env = getenv("TUSACH_DATA");
    int i = 1;

    /* Searches decompress stored section text (up to 256 KiB a hit) and imports
     * build big documents: with glibc's default thresholds such buffers are
     * mmap'd and unmapped each time and the heap is trimmed back to the kernel
     * again and again. Keep them in the heap: less kernel time per request. */
    mallopt(M_MMAP_THRESHOLD, 8 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    json_object_seed(0);
    if (getenv("TUSACH_DEBUG"))
        ts_log_threshold = TS_LOG_DEBUG;
    c.data_dir = env && *env ? env : "./data";
    /* global --data may come before the command */
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            c.data_dir = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--data=", 7) == 0) {
            c.data_dir = argv[i] + 7;
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return CLI_OK;
        } else {
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    /* ... and also after it, anywhere: remove it from the command's argv */
    c.argc = 0;
    c.argv = calloc((size_t)argc + 1, sizeof *c.argv);
    if (!c.argv)
        return CLI_ERR;
    for (int k = i; k < argc; k++) {
        if (strcmp(argv[k], "--data") == 0 && k + 1 < argc) {
            c.data_dir = argv[++k];
            continue;
        }
        if (strncmp(argv[k], "--data=", 7) == 0) {
            c.data_dir = argv[k] + 7;
            continue;
        }
        c.argv[c.argc++] = argv[k];
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(commands[k].name, c.argv[0]) == 0) {
            int rc = commands[k].fn(&c);
            free(c.argv);
            return rc;
        }
    }
    fprintf(stderr, "tusach: unknown command '%s'\n\n", c.argv[0]);
    usage(stderr);
    free(c.argv);
    return CLI_USAGE;
}
