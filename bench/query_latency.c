/*
 * bench/query_latency.c - tusach-bench-query: in-process query latency of the
 * index (p50, p95, p99, max per query type and overall).
 *
 * Usage: tusach-bench-query DATA_DIR [QUERIES] [--rounds N] [--limit N] [--per-query]
 *
 * Opens DATA_DIR/index with indexer_open_reader() once, runs every query of
 * QUERIES (default: bench/queries.txt of the source tree; lines "tag<TAB>query",
 * '#' comments and blank lines ignored) once as an unmeasured warm-up round,
 * then N measured rounds (default 20). One sample is the wall time of
 * indexer_search() plus ix_results_free() for one query, run the way the web
 * page runs it: first page of `limit` hits (default 10), HTML-escaped snippets
 * with <b> markers, facets, did-you-mean. Queries are grouped by their tag
 * (vi, vi-fold, en ...); percentiles are nearest-rank over all samples of a
 * group. Also lists queries with no hits (a wrong query list, or a recall
 * problem) and the slowest queries. Exit status: 0, 1 on any search error,
 * 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"
#include "indexer.h"
#include "ts_err.h"
#include "ts_mem.h"
#include "ts_util.h"

#ifndef TS_BENCH_QUERIES
#define TS_BENCH_QUERIES "queries.txt"
#endif

/* The data folder layout (import/import.h IMPORT_INDEX_DIR); bench links only
 * ts_indexer and ts_common, so the name is repeated here. */
#define INDEX_SUBDIR "index"
#define MAX_QUERIES_FILE (1024 * 1024)
#define MAX_GROUPS 16

struct query {
    const char *tag;
    const char *text;
    int group;
    size_t total, n_hits; /* from the warm-up round */
    double *samples;      /* rounds samples, seconds */
    double p50, max;
};

struct group {
    const char *tag;
    size_t n_queries;
    double *samples;
    size_t n_samples;
};

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return n ? s / (double)n : 0;
}

static void print_row(const char *name, size_t n_queries, double *v, size_t n)
{
    bench_sort(v, n);
    printf("%-10s %7zu %8zu %8.3f %8.3f %8.3f %8.3f %8.3f\n", name, n_queries, n,
           bench_percentile(v, n, 0.50) * 1e3, bench_percentile(v, n, 0.95) * 1e3, bench_percentile(v, n, 0.99) * 1e3,
           n ? v[n - 1] * 1e3 : 0.0, mean_of(v, n) * 1e3);
}

/* Split the file text in place into queries. *qs malloc'd. */
static int parse_queries(char *text, const char *path, struct query **qs, size_t *n_qs,
                         struct group *groups, size_t *n_groups, struct ts_err *err)
{
    size_t cap = 64, n = 0, line_no = 0;
    struct query *v = ts_xmalloc(cap * sizeof *v);
    char *line = text;

    *qs = NULL;
    *n_qs = 0;
    while (line && *line) {
        char *nl = strchr(line, '\n'), *tab, *end;
        int g;

        line_no++;
        if (nl)
            *nl = '\0';
        end = line + strlen(line);
        while (end > line && (end[-1] == '\r' || end[-1] == ' '))
            *--end = '\0';
        if (*line == '\0' || *line == '#')
            goto next;
        tab = strchr(line, '\t');
        if (!tab || tab == line || tab[1] == '\0') {
            free(v);
            return ts_fail(err, TS_EINVAL, "%s line %zu: expected \"tag<TAB>query\"", path,
                           line_no);
        }
        *tab = '\0';
        for (g = 0; g < (int)*n_groups; g++)
            if (strcmp(groups[g].tag, line) == 0)
                break;
        if (g == (int)*n_groups) {
            if (*n_groups == MAX_GROUPS) {
                free(v);
                return ts_fail(err, TS_EINVAL, "%s: more than %d tags", path, MAX_GROUPS);
            }
            memset(&groups[g], 0, sizeof groups[g]);
            groups[g].tag = line;
            (*n_groups)++;
        }
        groups[g].n_queries++;
        if (n == cap) {
            cap *= 2;
            v = ts_xrealloc(v, cap * sizeof *v);
        }
        memset(&v[n], 0, sizeof v[n]);
        v[n].tag = line;
        v[n].text = tab + 1;
        v[n].group = g;
        n++;
    next:
        line = nl ? nl + 1 : NULL;
    }
    if (n == 0) {
        free(v);
        return ts_fail(err, TS_EINVAL, "%s: no queries", path);
    }
    *qs = v;
    *n_qs = n;
    return TS_OK;
}

/* One search; *secs its wall time (search + free). */
static int run_one(indexer *ix, struct query *q, size_t limit, double *secs, struct ts_err *err)
{
    struct ix_query iq = {0};
    struct ix_results *r = NULL;
    double t0;
    int rc;

    iq.text = q->text;
    iq.limit = limit;
    iq.hi_start = "<b>";
    iq.hi_end = "</b>";
    iq.escape_html = 1;
    t0 = ts_now_mono();
    rc = indexer_search(ix, &iq, &r, err);
    if (rc == TS_OK) {
        q->total = r->total;
        q->n_hits = r->n_hits;
    }
    ix_results_free(r);
    *secs = ts_now_mono() - t0;
    return rc;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: tusach-bench-query DATA_DIR [QUERIES] [--rounds N] [--limit N] "
            "[--per-query]\n(default QUERIES: %s)\n",
            TS_BENCH_QUERIES);
    return 2;
}

int main(int argc, char **argv)
{
    const char *data_dir = NULL, *qpath = TS_BENCH_QUERIES;
    size_t rounds = 20, limit = 10, n_qs = 0, n_groups = 0, n_fail = 0, n_pos = 0;
    struct group groups[MAX_GROUPS];
    struct query *qs = NULL;
    struct ts_err err = {0};
    indexer *ix = NULL;
    char *text = NULL, ixpath[4096];
    double *all = NULL, t_start;
    size_t n_all = 0, text_len = 0;
    int per_query = 0, rc = 1;

    for (int i = 1; i < argc; i++) {
        int64_t v;
        if (strcmp(argv[i], "--rounds") == 0 || strcmp(argv[i], "--limit") == 0) {
            if (i + 1 >= argc || ts_parse_i64(argv[i + 1], &v, &err) || v < 1 || v > 100000)
                return usage();
            if (argv[i][2] == 'r')
                rounds = (size_t)v;
            else
                limit = (size_t)v;
            i++;
        } else if (strcmp(argv[i], "--per-query") == 0) {
            per_query = 1;
        } else if (argv[i][0] == '-') {
            return usage();
        } else if (n_pos == 0) {
            data_dir = argv[i];
            n_pos++;
        } else if (n_pos == 1) {
            qpath = argv[i];
            n_pos++;
        } else {
            return usage();
        }
    }
    if (!data_dir)
        return usage();

    if (ts_read_file(qpath, MAX_QUERIES_FILE, &text, &text_len, &err) ||
        parse_queries(text, qpath, &qs, &n_qs, groups, &n_groups, &err))
        goto fail;
    if ((size_t)snprintf(ixpath, sizeof ixpath, "%s/%s", data_dir, INDEX_SUBDIR) >= sizeof ixpath) {
        ts_fail(&err, TS_EINVAL, "data folder path too long");
        goto fail;
    }
    if (indexer_open_reader(ixpath, &ix, &err))
        goto fail;

    for (size_t g = 0; g < n_groups; g++)
        groups[g].samples = ts_xmalloc((groups[g].n_queries * rounds) * sizeof(double));
    all = ts_xmalloc((n_qs * rounds) * sizeof(double));
    for (size_t i = 0; i < n_qs; i++)
        qs[i].samples = ts_xmalloc(rounds * sizeof(double));

    /* warm-up round: page cache, Xapian's block cache, lazy init; not measured */
    t_start = ts_now_mono();
    for (size_t i = 0; i < n_qs; i++) {
        double s;
        if (run_one(ix, &qs[i], limit, &s, &err)) {
            fprintf(stderr, "tusach-bench-query: %s \"%s\": %s\n", qs[i].tag, qs[i].text, err.msg);
            n_fail++;
        }
    }
    if (n_fail)
        goto out;
    printf("warm-up round: %zu queries in %.1f ms\n", n_qs, (ts_now_mono() - t_start) * 1e3);

    for (size_t r = 0; r < rounds; r++) {
        for (size_t i = 0; i < n_qs; i++) {
            struct group *g = &groups[qs[i].group];
            double s;
            if (run_one(ix, &qs[i], limit, &s, &err)) {
                fprintf(stderr, "tusach-bench-query: %s \"%s\": %s\n", qs[i].tag, qs[i].text,
                        err.msg);
                n_fail++;
                goto out;
            }
            qs[i].samples[r] = s;
            g->samples[g->n_samples++] = s;
            all[n_all++] = s;
        }
    }

    printf("tusach-bench-query: %s, %zu documents, %zu queries x %zu rounds, limit %zu\n", ixpath,
           indexer_doc_count(ix), n_qs, rounds, limit);
    printf("%-10s %7s %8s %8s %8s %8s %8s %8s\n", "type", "queries", "samples", "p50 ms", "p95 ms",
           "p99 ms", "max ms", "mean ms");
    for (size_t g = 0; g < n_groups; g++)
        print_row(groups[g].tag, groups[g].n_queries, groups[g].samples, groups[g].n_samples);
    print_row("all", n_qs, all, n_all);

    {
        size_t n_zero = 0, order[5] = {0}, n_order = 0;
        for (size_t i = 0; i < n_qs; i++) {
            bench_sort(qs[i].samples, rounds);
            qs[i].p50 = bench_percentile(qs[i].samples, rounds, 0.5);
            qs[i].max = qs[i].samples[rounds - 1];
            if (qs[i].total == 0)
                n_zero++;
        }
        if (n_zero) {
            printf("queries with no hits (%zu):", n_zero);
            for (size_t i = 0; i < n_qs; i++)
                if (qs[i].total == 0)
                    printf(" [%s] %s;", qs[i].tag, qs[i].text);
            putchar('\n');
        }
        /* the 5 slowest by median: a small insertion sort into order[] */
        for (size_t i = 0; i < n_qs; i++) {
            size_t k = n_order < 5 ? n_order++ : 5;
            while (k > 0 && qs[order[k - 1]].p50 < qs[i].p50) {
                if (k < 5)
                    order[k] = order[k - 1];
                k--;
            }
            if (k < 5)
                order[k] = i;
        }
        printf("slowest by median:");
        for (size_t k = 0; k < n_order; k++)
            printf(" [%s] %s %.3f ms;", qs[order[k]].tag, qs[order[k]].text,
                   qs[order[k]].p50 * 1e3);
        putchar('\n');
        if (per_query) {
            printf("%-8s %10s %6s %8s %8s  %s\n", "type", "total", "hits", "p50 ms", "max ms",
                   "query");
            for (size_t i = 0; i < n_qs; i++)
                printf("%-8s %10zu %6zu %8.3f %8.3f  %s\n", qs[i].tag, qs[i].total, qs[i].n_hits,
                       qs[i].p50 * 1e3, qs[i].max * 1e3, qs[i].text);
        }
    }
    rc = 0;
    goto out;

fail:
    fprintf(stderr, "tusach-bench-query: %s\n", err.msg);
out:
    if (n_fail)
        rc = 1;
    indexer_close(ix);
    for (size_t i = 0; qs && i < n_qs; i++)
        free(qs[i].samples);
    for (size_t g = 0; g < n_groups; g++)
        free(groups[g].samples);
    free(all);
    free(qs);
    free(text);
    return rc;
}
