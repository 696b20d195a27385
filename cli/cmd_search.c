/*
 * cli/cmd_search.c - `tusach search QUERY` and `tusach suggest PREFIX`.
 *
 * The index gives ranked record ids with the best section and a snippet; the
 * catalogue adds authors and the source file path. Output as text (for
 * people), json (for scripts; snippet is HTML-escaped with <mark> around
 * matches) or tsv.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "import.h"
#include "indexer.h"
#include "ts_buf.h"
#include "ts_util.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_TSV };

static void tsv_field(const char *s)
{
    for (; s && *s; s++)
        putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static json_t *facets_json(const struct ix_results *r)
{
    json_t *all = json_object();
    for (int f = 0; f < IX_FACETS_MAX; f++) {
        json_t *o = json_object();
        if (!r->facets[f].name)
            continue;
        for (size_t i = 0; i < r->facets[f].n_values; i++)
            json_object_set_new(o, r->facets[f].values[i].value,
                                json_integer((json_int_t)r->facets[f].values[i].count));
        json_object_set_new(all, r->facets[f].name, o);
    }
    return all;
}

static int open_both(struct cli *c, catalog **cat, indexer **ix, struct ts_err *err)
{
    char path[4096];
    int rc;

    if ((rc = cli_open_catalog(c, cat, err)))
        return rc;
    cli_path(c, IMPORT_INDEX_DIR, path, sizeof path);
    return indexer_open_reader(path, ix, err);
}

int cmd_search(struct cli *c)
{
    static const char usage[] =
        "usage: tusach [--data DIR] search QUERY [--library CODE] [--lang L] [--type T]\n"
        "                                  [--available-at CODE] [--year YYYY]\n"
        "                                  [--limit N] [--offset N] [--format text|json|tsv]\n"
        "--library: has a copy or a file at CODE; --available-at: a copy is on the shelf there "
        "now\n"
        "Vietnamese with or without diacritics; \"quoted phrases\" match as a unit.\n";
    static const struct option opts[] = {{"library", required_argument, NULL, 'l'},
                                         {"lang", required_argument, NULL, 'L'},
                                         {"type", required_argument, NULL, 't'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"offset", required_argument, NULL, 'o'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"available-at", required_argument, NULL, 'A'},
                                         {"year", required_argument, NULL, 'Y'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    struct ts_err err = {0};
    catalog *cat = NULL;
    indexer *ix = NULL;
    enum fmt fmt = FMT_TEXT;
    int64_t v;
    int o, rc = CLI_OK, tty = isatty(STDOUT_FILENO);

    q.limit = 10;
    optind = 1;
    while ((o = getopt_long(c->argc, c->argv, "l:L:t:n:o:f:h", opts, NULL)) != -1) {
        switch (o) {
        case 'l': q.library = optarg; break;
        case 'L': q.language = optarg; break;
        case 't': q.type = optarg; break;
        case 'A': q.available_at = optarg; break;
        case 'Y': q.year = optarg; break;
        case 'n':
        case 'o':
            if (ts_parse_i64(optarg, &v, &err) || v < 0 || v > 10000) {
                fprintf(stderr, "tusach: --limit/--offset must be 0-10000\n");
                return CLI_USAGE;
            }
            if (o == 'n')
                q.limit = (size_t)v;
            else
                q.offset = (size_t)v;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                fmt = FMT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                fmt = FMT_JSON;
            else if (strcmp(optarg, "tsv") == 0)
                fmt = FMT_TSV;
            else {
                fprintf(stderr, "tusach: --format must be text, json or tsv\n");
                return CLI_USAGE;
            }
            break;
        case 'h': printf("%s", usage); return CLI_OK;
        default: fprintf(stderr, "%s", usage); return CLI_USAGE;
        }
    }
    if (optind >= c->argc) {
        fprintf(stderr, "%s", usage);
        return CLI_USAGE;
    }
    {
        /* several words without quotes: one query */
        struct ts_buf b;
        ts_buf_init(&b, 4096);
        for (int i = optind; i < c->argc; i++) {
            if ((i > optind && ts_buf_addc(&b, ' ')) || ts_buf_add(&b, c->argv[i])) {
                fprintf(stderr, "tusach: query longer than 4096 bytes\n");
                return CLI_USAGE;
            }
        }
        q.text = ts_buf_take(&b);
    }
    if (fmt == FMT_JSON) {
        q.hi_start = "<mark>";
        q.hi_end = "</mark>";
        q.escape_html = 1;
    } else if (fmt == FMT_TEXT && tty) {
        q.hi_start = "\033[1;33m";
        q.hi_end = "\033[0m";
    } else {
        q.hi_start = "**";
        q.hi_end = "**";
    }
    if ((rc = open_both(c, &cat, &ix, &err)) || (rc = indexer_search(ix, &q, &r, &err))) {
        rc = cli_fail(&err);
        goto out;
    }
    if (fmt == FMT_JSON) {
        json_t *root = json_object(), *hits = json_array();
        char *s;
        for (size_t i = 0; i < r->n_hits; i++) {
            const struct ix_hit *h = &r->hits[i];
            struct cat_record *rec = NULL;
            json_t *o2;
            catalog_record_get(cat, h->record_id, &rec, NULL);
            o2 = json_pack("{s:I, s:s?, s:s?, s:f, s:s?}", "id", (json_int_t)h->record_id, "title",
                           h->title, "snippet", h->snippet, "score", h->weight, "file",
                           rec ? rec->source_path : NULL);
            if (rec) {
                json_object_set_new(o2, "authors",
                                    rec->authors ? json_string(rec->authors) : json_null());
                json_object_set_new(o2, "language",
                                    rec->language ? json_string(rec->language) : json_null());
                json_object_set_new(o2, "type", json_string(rec->resource_type));
            }
            if (h->section_title || h->section_path)
                json_object_set_new(
                    o2, "section",
                    json_pack("{s:s?, s:s?}", "title", h->section_title, "path", h->section_path));
            json_array_append_new(hits, o2);
            cat_record_free(rec);
        }
        json_object_set_new(root, "query", json_string(q.text));
        json_object_set_new(root, "total", json_integer((json_int_t)r->total));
        json_object_set_new(root, "hits", hits);
        json_object_set_new(root, "facets", facets_json(r));
        json_object_set_new(root, "did_you_mean",
                            r->did_you_mean ? json_string(r->did_you_mean) : json_null());
        s = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (s)
            puts(s);
        free(s);
        json_decref(root);
        goto out;
    }
    if (fmt == FMT_TSV) {
        for (size_t i = 0; i < r->n_hits; i++) {
            const struct ix_hit *h = &r->hits[i];
            struct cat_record *rec = NULL;
            catalog_record_get(cat, h->record_id, &rec, NULL);
            printf("%lld\t", (long long)h->record_id);
            tsv_field(h->title);
            putchar('\t');
            tsv_field(rec ? rec->authors : NULL);
            putchar('\t');
            tsv_field(h->section_title);
            putchar('\t');
            tsv_field(h->section_path);
            putchar('\t');
            tsv_field(rec ? rec->source_path : NULL);
            putchar('\t');
            tsv_field(h->snippet);
            putchar('\n');
            cat_record_free(rec);
        }
        goto out;
    }
    if (r->did_you_mean)
        printf("Có phải bạn muốn tìm / did you mean: %s\n\n", r->did_you_mean);
    printf("%zu %s for \"%s\"\n\n", r->total, r->total == 1 ? "result" : "results", q.text);
    for (size_t i = 0; i < r->n_hits; i++) {
        const struct ix_hit *h = &r->hits[i];
        struct cat_record *rec = NULL;
        catalog_record_get(cat, h->record_id, &rec, NULL);
        printf("%zu. [%lld] %s", q.offset + i + 1, (long long)h->record_id,
               h->title ? h->title : "");
        if (rec && rec->authors)
            printf(" — %s", rec->authors);
        putchar('\n');
        if (h->section_title || h->section_path)
            printf("   section: %s%s%s%s\n", h->section_title ? h->section_title : "",
                   h->section_path ? " (" : "", h->section_path ? h->section_path : "",
                   h->section_path ? ")" : "");
        if (rec && rec->source_path)
            printf("   file: %s\n", rec->source_path);
        if (h->snippet && *h->snippet)
            printf("   %s\n", h->snippet);
        putchar('\n');
        cat_record_free(rec);
    }
    for (int f = 0; f < IX_FACETS_MAX; f++) {
        if (!r->facets[f].name || !r->facets[f].n_values)
            continue;
        printf("%s:", r->facets[f].name);
        for (size_t i = 0; i < r->facets[f].n_values; i++)
            printf(" %s (%zu)", r->facets[f].values[i].value, r->facets[f].values[i].count);
        putchar('\n');
    }
out:
    ix_results_free(r);
    indexer_close(ix);
    catalog_close(cat);
    free((char *)q.text);
    return rc;
}

int cmd_suggest(struct cli *c)
{
    struct ts_err err = {0};
    indexer *ix = NULL;
    char path[4096], **titles = NULL;
    size_t n = 0;
    int rc = CLI_OK;

    if (c->argc != 2 || strcmp(c->argv[1], "--help") == 0) {
        fprintf(stderr, "usage: tusach [--data DIR] suggest PREFIX\n"
                        "Title completions (accent-insensitive), best first.\n");
        return c->argc == 2 ? CLI_OK : CLI_USAGE;
    }
    cli_path(c, IMPORT_INDEX_DIR, path, sizeof path);
    if (indexer_open_reader(path, &ix, &err) ||
        indexer_suggest(ix, c->argv[1], 10, &titles, &n, &err)) {
        rc = cli_fail(&err);
    } else {
        for (size_t i = 0; i < n; i++)
            puts(titles[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(titles[i]);
    free(titles);
    indexer_close(ix);
    return rc;
}
