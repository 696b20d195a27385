/*
 * cli/cmd_import.c - `tusach import PATH --library CODE` and `tusach reindex`.
 *
 * Failed files are printed as they happen ("path: reason") and kept in the
 * batch's error report (`tusach batch ID`). Exit status: 0 all fine, 3 the
 * import finished but some files failed, 1 the import could not run.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "import.h"
#include "progress.h"
#include "ts_util.h"

struct ctx {
    struct progress_state prog;
    int quiet;
};

static void on_record(const char *origin, const char *outcome, int64_t record_id, const char *title,
                      const char *matched_by, void *arg)
{
    (void)arg;
    if (strcmp(outcome, "rejected") == 0)
        printf("reject\t%s\t%s\n", origin, title ? title : "");
    else if (strcmp(outcome, "created") == 0)
        printf("create\t%s\t%s\n", origin, title ? title : "");
    else
        printf("%s\t%s\t%s\t-> record %lld (%s)\n",
               strcmp(outcome, "merged") == 0    ? "merge"
               : strcmp(outcome, "updated") == 0 ? "update"
                                                 : "same",
               origin, title ? title : "", (long long)record_id, matched_by ? matched_by : "");
}

static void on_progress(const struct import_progress *p, void *arg)
{
    struct ctx *c = arg;
    progress_draw(p, &c->prog);
}

static void on_error(const char *path, const struct ts_err *why, void *arg)
{
    struct ctx *c = arg;
    if (c->prog.tty && c->prog.drawn)
        fputc('\n', stderr);
    c->prog.drawn = 0;
    if (!c->quiet)
        fprintf(stderr, "%s: %s: %s\n", why->code == TS_OK ? "warning" : "failed", path, why->msg);
}

static size_t max_file_mb, batch_files;
static int dry_run, format = IMPORT_AUTO;
static const char *maps[64];
static size_t n_maps;

static int parse_common(struct cli *c, const char **library, int *workers, int *quiet,
                        int need_path, const char *usage)
{
    static const struct option opts[] = {
        {"library", required_argument, NULL, 'l'}, {"workers", required_argument, NULL, 'w'},
        {"quiet", no_argument, NULL, 'q'},         {"max-file-mb", required_argument, NULL, 'm'},
        {"batch", required_argument, NULL, 'b'},   {"format", required_argument, NULL, 'F'},
        {"map", required_argument, NULL, 'M'},     {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},          {0}};
    struct ts_err err;
    int64_t v;
    int o;

    optind = 1;
    while ((o = getopt_long(c->argc, c->argv, "l:w:qh", opts, NULL)) != -1) {
        switch (o) {
        case 'l': *library = optarg; break;
        case 'w':
            if (ts_parse_i64(optarg, &v, &err) || v < 1 || v > 16) {
                fprintf(stderr, "tusach: --workers must be 1-16\n");
                return CLI_USAGE;
            }
            *workers = (int)v;
            break;
        case 'q': *quiet = 1; break;
        case 'm':
            if (ts_parse_i64(optarg, &v, &err) || v < 1 || v > 65536) {
                fprintf(stderr, "tusach: --max-file-mb must be 1-65536\n");
                return CLI_USAGE;
            }
            max_file_mb = (size_t)v;
            break;
        case 'b':
            if (ts_parse_i64(optarg, &v, &err) || v < 1 || v > 100000) {
                fprintf(stderr, "tusach: --batch must be 1-100000\n");
                return CLI_USAGE;
            }
            batch_files = (size_t)v;
            break;
        case 'F':
            if ((format = import_format_parse(optarg)) < 0) {
                fprintf(stderr, "tusach: --format must be auto, files, csv, marc or dc\n");
                return CLI_USAGE;
            }
            break;
        case 'M':
            if (n_maps == sizeof maps / sizeof maps[0] || !strchr(optarg, '=')) {
                fprintf(stderr, "tusach: --map takes HEADER=FIELD (at most 64)\n");
                return CLI_USAGE;
            }
            maps[n_maps++] = optarg;
            break;
        case 'n': dry_run = 1; break;
        case 'h': printf("%s", usage); return -1;
        default: fprintf(stderr, "%s", usage); return CLI_USAGE;
        }
    }
    if (need_path && (optind != c->argc - 1 || !*library)) {
        fprintf(stderr, "%s", usage);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cmd_import(struct cli *c)
{
    static const char usage[] =
        "usage: tusach [--data DIR] import PATH --library CODE [--workers N] [--quiet]\n"
        "                                [--max-file-mb N] [--batch N]\n"
        "--max-file-mb: largest file or archive member read (default 512)\n"
        "--batch: files per catalogue+index commit (default 200)\n"
        "Metadata files are recognised by name and content (--format to force):\n"
        "  CSV/TSV spreadsheets (Vietnamese or English headers; --map 'Header=field'),\n"
        "  MARC21 (ISO 2709, MARC-8 or UTF-8) and MARCXML, Dublin Core / OAI-PMH XML.\n"
        "  Each record is matched (source id, ISBN, ISSN/LCCN/OCLC, title+author+year)\n"
        "  and created, merged or updated. --dry-run prints what would happen.\n"
        "PATH: a folder (walked recursively), a file, or an archive (zip, tar, tar.gz).\n"
        "Supported: EPUB, PDF, HTML/XHTML, text, Markdown, IMS CP/Common Cartridge, SCORM, H5P.\n"
        "Re-running the same import adds nothing; an interrupted import is finished by\n"
        "running it again. Exit 3 when some files failed (listed, and kept in the batch's\n"
        "error report: tusach batch ID).\n";
    struct import_opts o = {0};
    struct import_summary s;
    struct ts_err err = {0};
    struct ctx ctx = {0};
    const char *library = "";
    int workers = 0, rc;

    if ((rc = parse_common(c, &library, &workers, &ctx.quiet, 1, usage)))
        return rc < 0 ? CLI_OK : rc;
    progress_init(&ctx.prog);
    o.data_dir = c->data_dir;
    o.library = library;
    o.max_file_bytes = max_file_mb << 20;
    o.commit_every = batch_files;
    o.format = (enum import_format)format;
    o.csv_map = maps;
    o.n_csv_map = n_maps;
    o.dry_run = dry_run;
    if (dry_run)
        o.on_record = on_record;
    o.n_workers = workers;
    o.progress = on_progress;
    o.on_error = on_error;
    o.ctx = &ctx;
    rc = import_run(c->argv[optind], &o, &s, &err);
    progress_end(&ctx.prog);
    if (rc)
        return cli_fail(&err);
    if (s.metadata) {
        printf("%s %lld: created %zu, merged %zu, updated %zu, unchanged %zu, rejected %zu;"
               " copies added %zu, refused %zu; possible duplicates %zu; warnings %zu; %.1f s\n",
               dry_run ? "dry run (nothing saved), batch" : "batch", (long long)s.batch_id,
               s.created, s.merged, s.updated, s.unchanged, s.rejected, s.items_added,
               s.items_refused, s.possible_duplicates, s.warnings, s.seconds);
        return s.rejected || s.items_refused ? CLI_PARTIAL : CLI_OK;
    }
    printf("batch %lld: imported %zu, unchanged %zu, failed %zu, skipped %zu (not e-books), "
           "%.1f MB in %.1f s\n",
           (long long)s.batch_id, s.imported, s.unchanged, s.failed, s.skipped,
           (double)s.bytes / 1e6, s.seconds);
    return s.failed ? CLI_PARTIAL : CLI_OK;
}

int cmd_reindex(struct cli *c)
{
    static const char usage[] = "usage: tusach [--data DIR] reindex [--workers N]\n"
                                "Rebuilds the whole index from the catalogue and the file store.\n";
    struct import_opts o = {0};
    struct import_summary s;
    struct ts_err err = {0};
    struct ctx ctx = {0};
    const char *library = "";
    int workers = 0, rc;

    if ((rc = parse_common(c, &library, &workers, &ctx.quiet, 0, usage)))
        return rc < 0 ? CLI_OK : rc;
    progress_init(&ctx.prog);
    o.data_dir = c->data_dir;
    o.n_workers = workers;
    o.progress = on_progress;
    o.ctx = &ctx;
    rc = import_reindex(&o, &s, &err);
    progress_end(&ctx.prog);
    if (rc)
        return cli_fail(&err);
    printf("reindexed %zu records in %.1f s\n", s.reindexed, s.seconds);
    return CLI_OK;
}
