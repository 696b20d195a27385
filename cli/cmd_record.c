/*
 * cli/cmd_record.c - `tusach record show|edit|merge|duplicates` and
 * `tusach item add|show|move|withdraw`: librarians' catalogue maintenance.
 * Every change goes through catalog/ and lands in the event log.
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

/* After a change, write the record's index documents now, so a search sees it. */
static int reindex_queued(struct cli *c, struct ts_err *err)
{
    struct import_opts o = {0};
    struct import_summary s;

    o.data_dir = c->data_dir;
    return import_drain(&o, &s, err);
}

static void field(const char *name, const char *v)
{
    if (v && *v)
        printf("%-15s %s\n", name, v);
}

static int record_show(catalog *cat, int64_t id, struct ts_err *err)
{
    struct cat_record *r = NULL;
    struct cat_history *h = NULL;
    size_t n_h = 0;
    char num[32];
    int rc;

    if ((rc = catalog_record_get(cat, id, &r, err)))
        return rc;
    snprintf(num, sizeof num, "%lld", (long long)r->id);
    field("id", num);
    field("title", r->title);
    field("subtitle", r->subtitle);
    for (size_t i = 0; i < r->n_author_list; i++) {
        char who[512];
        snprintf(who, sizeof who, "%s (%s)", r->author_names[i],
                 r->author_roles[i] ? r->author_roles[i] : "author");
        field("author", who);
    }
    field("type", r->resource_type);
    field("language", r->language);
    field("edition", r->edition);
    field("publisher", r->publisher);
    field("place", r->place);
    field("date", r->date);
    field("extent", r->extent);
    field("series", r->series);
    field("classification", r->classification);
    field("audience", r->audience);
    field("licence", r->licence);
    field("subjects", r->subjects);
    field("identifiers", r->identifiers);
    for (size_t i = 0; i < r->n_link_list; i++)
        field("link", r->link_list[i]);
    field("description", r->description);
    field("notes", r->notes);
    if (r->file_id) {
        field("file", r->file_name);
        field("file format", r->file_format);
        field("source path", r->source_path);
    }
    for (size_t i = 0; i < r->n_items; i++) {
        const struct cat_item *it = &r->items[i];
        printf("copy            %s  %s at %s (home %s)%s%s\n", it->barcode, it->status,
               it->custodian, it->home_library, it->call_number ? "  " : "",
               it->call_number ? it->call_number : "");
    }
    if (catalog_record_history(cat, id, &h, &n_h, err) == TS_OK) {
        for (size_t i = 0; i < n_h; i++)
            printf("history         %s = %s  (%s)\n", h[i].field, h[i].value,
                   h[i].origin ? h[i].origin : "");
    }
    cat_history_free(h, n_h);
    cat_record_free(r);
    return TS_OK;
}

int cmd_record(struct cli *c)
{
    static const char usage[] =
        "usage: tusach record show ID\n"
        "       tusach record edit ID --set FIELD=VALUE [--set FIELD=VALUE ...]\n"
        "       tusach record merge KEEP_ID DROP_ID\n"
        "       tusach record duplicates\n"
        "FIELD: title subtitle language publisher place date edition extent series notes\n"
        "       description classification audience licence resource_type\n";
    struct ts_err err = {0};
    catalog *cat = NULL;
    int64_t a = 0, b = 0;
    int rc = CLI_OK;

    if (c->argc < 2 || strcmp(c->argv[1], "--help") == 0) {
        fputs(usage, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if ((strcmp(c->argv[1], "show") == 0 || strcmp(c->argv[1], "edit") == 0) &&
        (c->argc < 3 || ts_parse_i64(c->argv[2], &a, &err))) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    if (cli_open_catalog(c, &cat, &err))
        return cli_fail(&err);
    if (strcmp(c->argv[1], "show") == 0) {
        if (record_show(cat, a, &err))
            rc = cli_fail(&err);
    } else if (strcmp(c->argv[1], "edit") == 0) {
        int n = 0;
        for (int i = 3; i < c->argc && rc == CLI_OK; i++) {
            char *eq;
            if (strcmp(c->argv[i], "--set") != 0 || i + 1 >= c->argc ||
                !(eq = strchr(c->argv[i + 1], '='))) {
                fputs(usage, stderr);
                rc = CLI_USAGE;
                break;
            }
            *eq = '\0';
            if (catalog_record_set(cat, a, c->argv[i + 1], eq + 1, "cli", &err))
                rc = cli_fail(&err);
            else
                printf("record %lld: %s set\n", (long long)a, c->argv[i + 1]);
            n++;
            i++;
        }
        if (rc == CLI_OK && n == 0) {
            fputs(usage, stderr);
            rc = CLI_USAGE;
        }
    } else if (strcmp(c->argv[1], "merge") == 0) {
        if (c->argc != 4 || ts_parse_i64(c->argv[2], &a, &err) ||
            ts_parse_i64(c->argv[3], &b, &err)) {
            fputs(usage, stderr);
            rc = CLI_USAGE;
        } else if (catalog_record_merge(cat, a, b, "cli", &err)) {
            rc = cli_fail(&err);
        } else {
            printf("record %lld merged into %lld\n", (long long)b, (long long)a);
        }
    } else if (strcmp(c->argv[1], "duplicates") == 0) {
        struct cat_duplicate *d = NULL;
        size_t n = 0;
        if (catalog_duplicates(cat, &d, &n, &err)) {
            rc = cli_fail(&err);
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%lld\t%lld\t%s\t%s\t%s\n", (long long)d[i].a, (long long)d[i].b,
                       d[i].title_a, d[i].title_b, d[i].reason);
            fprintf(stderr, "%zu possible duplicates (merge with: tusach record merge A B)\n", n);
        }
        cat_duplicates_free(d, n);
    } else {
        fputs(usage, stderr);
        rc = CLI_USAGE;
    }
    catalog_close(cat);
    if (rc == CLI_OK && (strcmp(c->argv[1], "edit") == 0 || strcmp(c->argv[1], "merge") == 0) &&
        reindex_queued(c, &err))
        rc = cli_fail(&err);
    return rc;
}

int cmd_item(struct cli *c)
{
    static const char usage[] =
        "usage: tusach item add --record ID --barcode B --library CODE [--call-number X]\n"
        "                       [--shelf S] [--acquired YYYY-MM-DD] [--price P]\n"
        "       tusach item show BARCODE\n"
        "       tusach item move BARCODE --to CODE\n"
        "       tusach item withdraw BARCODE\n";
    static const struct option opts[] = {
        {"record", required_argument, NULL, 'r'},  {"barcode", required_argument, NULL, 'b'},
        {"library", required_argument, NULL, 'l'}, {"call-number", required_argument, NULL, 'c'},
        {"shelf", required_argument, NULL, 's'},   {"acquired", required_argument, NULL, 'a'},
        {"price", required_argument, NULL, 'p'},   {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},          {0}};
    struct cat_item_in in = {0};
    struct ts_err err = {0};
    const char *sub, *to = NULL, *record = NULL;
    catalog *cat = NULL;
    int o, rc = CLI_OK;

    if (c->argc < 2 || c->argv[1][0] == '-') {
        fputs(usage, c->argc < 2 ? stderr : stdout);
        return c->argc < 2 ? CLI_USAGE : CLI_OK;
    }
    sub = c->argv[1];
    optind = 2;
    while ((o = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'r': record = optarg; break;
        case 'b': in.barcode = optarg; break;
        case 'l': in.library = optarg; break;
        case 'c': in.call_number = optarg; break;
        case 's': in.shelf_location = optarg; break;
        case 'a': in.acquired = optarg; break;
        case 'p': in.price = optarg; break;
        case 't': to = optarg; break;
        case 'h': fputs(usage, stdout); return CLI_OK;
        default: fputs(usage, stderr); return CLI_USAGE;
        }
    }
    if (cli_open_catalog(c, &cat, &err))
        return cli_fail(&err);
    if (strcmp(sub, "add") == 0) {
        int64_t rid, id;
        if (!record || !in.barcode || !in.library || ts_parse_i64(record, &rid, &err)) {
            fputs(usage, stderr);
            rc = CLI_USAGE;
        } else if (catalog_item_add(cat, rid, &in, 0, "cli", &id, &err)) {
            rc = cli_fail(&err);
        } else {
            printf("copy %s added to record %lld\n", in.barcode, (long long)rid);
        }
    } else if (optind < c->argc && (strcmp(sub, "show") == 0 || strcmp(sub, "move") == 0 ||
                                    strcmp(sub, "withdraw") == 0)) {
        const char *barcode = c->argv[optind];
        if (strcmp(sub, "show") == 0) {
            struct cat_item it;
            if (catalog_item_get(cat, barcode, &it, &err)) {
                rc = cli_fail(&err);
            } else {
                printf("barcode         %s\nrecord          %lld\nstatus          %s\n"
                       "custodian       %s\nhome            %s\n",
                       it.barcode, (long long)it.record_id, it.status, it.custodian,
                       it.home_library);
                field("call number", it.call_number);
                field("shelf", it.shelf_location);
                field("acquired", it.acquired);
                field("price", it.price);
                cat_item_clear(&it);
            }
        } else if (strcmp(sub, "move") == 0) {
            if (!to) {
                fputs(usage, stderr);
                rc = CLI_USAGE;
            } else if (catalog_item_move(cat, barcode, to, "cli", &err)) {
                rc = cli_fail(&err);
            } else {
                printf("copy %s moved to %s\n", barcode, to);
            }
        } else if (catalog_item_withdraw(cat, barcode, "cli", &err)) {
            rc = cli_fail(&err);
        } else {
            printf("copy %s withdrawn\n", barcode);
        }
    } else {
        fputs(usage, stderr);
        rc = CLI_USAGE;
    }
    catalog_close(cat);
    if (rc == CLI_OK && strcmp(sub, "show") != 0 && reindex_queued(c, &err))
        rc = cli_fail(&err);
    return rc;
}
