/*
 * tests/corpus/test_dc_corpus.c - the Dublin Core reader on real OAI-PMH
 * responses from the shared corpus (metadata/oai-pmh): Caltech's 100-record
 * ListRecords page, Index Data's debug records (a bare <record>, escaped
 * characters in identifiers), libhttp-oai-perl's GetRecord and its
 * "badbytes" twin with invalid UTF-8, and every other file in the folder
 * read without a crash. The corpus is $TUSACH_CORPUS, else
 * $HOME/.cache/tusach-corpus; without it the test is skipped.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dc.h"
#include "metarec.h"
#include "t.h"

static char dir[4096];

struct got {
    struct meta_rec **recs;
    size_t n, cap;
    size_t n_err;
    char first_err[256];
};

static int emit_cb(struct meta_rec *r, void *ctx)
{
    struct got *g = ctx;

    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->recs = realloc(g->recs, g->cap * sizeof *g->recs);
    }
    g->recs[g->n++] = r;
    return TS_OK;
}

static int error_cb(const char *origin, const struct ts_err *why, void *ctx)
{
    struct got *g = ctx;

    (void)origin;
    if (!g->n_err++)
        snprintf(g->first_err, sizeof g->first_err, "%s", why->msg);
    return TS_OK;
}

static void got_free(struct got *g)
{
    for (size_t i = 0; i < g->n; i++)
        meta_rec_free(g->recs[i]);
    free(g->recs);
    memset(g, 0, sizeof *g);
}

static int read_file(const char *name, struct got *g, struct ts_err *err)
{
    char path[8192];

    memset(g, 0, sizeof *g);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return import_dc_read(path, NULL, emit_cb, error_cb, g, err);
}

static void test_caltech(void)
{
    struct ts_err err = {0};
    struct got g;
    size_t titled = 0;

    T_OK(read_file("idzebra-oai-caltech.xml", &g, &err), &err);
    T_EQ_INT(g.n, 100);
    T_EQ_INT(g.n_err, 0);
    for (size_t i = 0; i < g.n; i++) {
        const struct meta_rec *r = g.recs[i];

        titled += r->title != NULL;
        T_EQ_STR(r->source, "http://caltechcstr.library.caltech.edu/perl/oai2");
        T_CHECK(r->source_id && strncmp(r->source_id, "oai:caltechcstr.library.caltech.edu:",
                                        strlen("oai:caltechcstr.library.caltech.edu:")) == 0);
    }
    T_EQ_INT(titled, 100);
    if (g.n) {
        const struct meta_rec *r = g.recs[0];

        T_EQ_STR(r->title, "A Language Processor and a Sample Language");
        T_REQUIRE(r->n_authors >= 1);
        T_EQ_STR(r->authors[0].name, "Ayres, Ronald");
        T_EQ_STR(r->publisher, "California Institute of Technology");
        T_EQ_STR(r->date, "1978-01-01");
        T_EQ_STR(r->resource_type, "monograph");
        T_REQUIRE(r->n_links == 1);
        T_EQ_STR(r->links[0], "http://resolver.caltech.edu/CaltechCSTR:1978.2276-tr-78");
        T_CHECK(r->description && strlen(r->description) > 1000);
    }
    got_free(&g);
}

static void test_idzebra_debug(void)
{
    struct ts_err err = {0};
    struct got g;

    T_OK(read_file("idzebra-debug-record.xml", &g, &err), &err);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "A Language Processor and a Sample Language");
    T_EQ_STR(g.recs[0]->source_id, "oai:caltechcstr.library.caltech.edu:4");
    T_EQ_STR(g.recs[0]->source, "dc:idzebra-debug-record.xml");
    got_free(&g);

    T_OK(read_file("idzebra-debug-utf8-record.xml", &g, &err), &err);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "Danske processeringsfejl med blåbærgrød");
    T_EQ_STR(g.recs[0]->source_id, "oai:zebra.debug:blåbærgrød<&!/>");
    T_EQ_INT(g.recs[0]->n_subjects, 0); /* <dc:subject></dc:subject> */
    T_CHECK(g.recs[0]->description && strstr(g.recs[0]->description, "<&!/> blåbærkage"));
    got_free(&g);
}

static void test_getrecord(void)
{
    struct ts_err err = {0};
    struct got g;
    const struct meta_rec *r;

    T_OK(read_file("libhttp-oai-perl-getrecord.xml", &g, &err), &err);
    T_REQUIRE(g.n == 1);
    r = g.recs[0];
    T_EQ_STR(r->title, "Compactification, Geometry and Duality: N=2");
    T_EQ_STR(r->source, "http://citebase.eprints.org/cgi-bin/oai2");
    T_EQ_STR(r->source_id, "oai:arXiv.org:hep-th/0001001");
    T_REQUIRE(r->n_authors == 1);
    T_EQ_STR(r->authors[0].name, "Aspinwall, Paul S.");
    T_EQ_STR(r->date, "1999-12-31");
    T_EQ_STR(r->resource_type, "document"); /* "text", the DCMI type in lower case */
    T_REQUIRE(r->n_links == 1);
    T_EQ_STR(r->links[0], "http://arXiv.org/abs/hep-th/0001001");
    T_CHECK(r->notes && strstr(r->notes, "Comment: 82 pages"));
    got_free(&g);
}

static void test_badbytes(void)
{
    struct ts_err err = {0};
    struct got g;

    T_EQ_INT(read_file("libhttp-oai-perl-badbytes.xml", &g, &err), TS_EPARSE);
    printf("# badbytes: %s\n", err.msg);
    T_CHECK(strstr(err.msg, "libhttp-oai-perl-badbytes.xml line 4: not well-formed XML") != NULL);
    T_CHECK(strstr(err.msg, "UTF-8") != NULL);
    T_EQ_INT(g.n, 0);
    got_free(&g);
}

/* Every file: no crash, a clear outcome, and MARCXML/METS records reported
 * as "not Dublin Core" rather than read as empty records. */
static void test_every_file(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t files = 0;

    T_REQUIRE(d);
    while ((e = readdir(d))) {
        struct ts_err err = {0};
        struct got g;
        int rc;

        if (!strstr(e->d_name, ".xml"))
            continue;
        files++;
        rc = read_file(e->d_name, &g, &err);
        printf("# %-48s rc=%-8s records=%zu reported=%zu %s\n", e->d_name, ts_code_name(rc), g.n,
               g.n_err, rc ? err.msg : g.first_err);
        T_CHECK(rc == TS_OK || rc == TS_EPARSE);
        for (size_t i = 0; i < g.n; i++)
            T_CHECK(g.recs[i]->title && g.recs[i]->origin && g.recs[i]->source);
        if (strstr(e->d_name, "marcxml") && rc == TS_OK)
            T_EQ_INT(g.n, 0);
        got_free(&g);
    }
    closedir(d);
    T_CHECK(files >= 5);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"caltech", test_caltech},       {"idzebra_debug", test_idzebra_debug},
        {"getrecord", test_getrecord},   {"badbytes", test_badbytes},
        {"every_file", test_every_file}, {0},
    };
    const char *corpus = getenv("TUSACH_CORPUS");
    const char *home = getenv("HOME");
    struct stat st;

    if (corpus && corpus[0])
        snprintf(dir, sizeof dir, "%s/metadata/oai-pmh", corpus);
    else
        snprintf(dir, sizeof dir, "%s/.cache/tusach-corpus/metadata/oai-pmh", home ? home : "");
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        char why[4200];

        snprintf(why, sizeof why, "no OAI-PMH corpus at %s (set TUSACH_CORPUS)", dir);
        t_skip(why);
    }
    return t_main(cases, argc, argv);
}
