/*
 * tests/corpus/test_marc_corpus.c - import_marc_read() over every file of
 * shared/corpus metadata/marc21 (ISO 2709) and metadata/marcxml: real
 * records from Zebra, libmarc-perl and the Finnish national library's test
 * fixtures, several broken or not MARC at all on purpose.
 *
 * For each file the number of records must match what YAZ's own
 * yaz-marcdump reads, counting records we report as "not a bibliographic
 * record" (authority and classification records, which a lending catalogue
 * skips on purpose); files yaz-marcdump reads nothing from must give
 * reported errors, not a crash; every record we emit has a title.
 *
 * Without the corpus (shared/corpus/fetch.sh into $TUSACH_CORPUS, default
 * ~/.cache/tusach-corpus) the binary exits 77, which ctest reports as skipped.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "marc.h"
#include "t.h"

static char root[1024];

/*
 * Expected counts, computed once with YAZ 5.34 (Debian 12):
 *   yaz-marcdump -n -r FILE                (metadata/marc21)
 *   yaz-marcdump -i marcxml -n -r FILE     (metadata/marcxml)
 * ("records read: N" on stderr). The corpus README says 64 for marc21; YAZ
 * reads 60: four of the eight natlibfi "single-record" .mrc files are line
 * format or JSON, not ISO 2709. In marcxml, clasmrc (20 classification
 * records, leader/06 'w'), namemrc and subjmrc (20 authority records each,
 * 'z') are read by YAZ and reported by us as not bibliographic.
 */
static const struct expect {
    const char *file;
    int records;
} expected[] = {
    {"marc21/idzebra-sample-marc.mrc", 24},
    {"marc21/libmarc-perl-microlif.mrc", 18},
    {"marc21/libmarc-perl-specials.mrc", 14},
    {"marc21/natlibfi-iso2709-erroneous.mrc", 0}, /* "foo\nbar\n" */
    {"marc21/natlibfi-iso2709-from1.mrc", 1},
    {"marc21/natlibfi-iso2709-from2.mrc", 1},
    {"marc21/natlibfi-iso2709-from3.mrc", 1},
    {"marc21/natlibfi-iso2709-in-custom-validators.mrc", 1},
    {"marc21/natlibfi-iso2709-out-custom-validators.mrc", 0}, /* JSON */
    {"marc21/natlibfi-iso2709-to1.mrc", 0},                   /* line format */
    {"marc21/natlibfi-iso2709-to2.mrc", 0},
    {"marc21/natlibfi-iso2709-to3.mrc", 0},
    {"marcxml/idzebra-collection-2.xml", 2}, /* marc: prefixed */
    {"marcxml/idzebra-collection-clasmrc.xml", 20},
    {"marcxml/idzebra-collection-namemrc.xml", 20},
    {"marcxml/idzebra-collection-opera-43.xml", 43},
    {"marcxml/idzebra-collection-sandburg-1.xml", 1},
    {"marcxml/idzebra-collection-subjmrc.xml", 20},
    {"marcxml/natlibfi-marcxml-2RecordsFrom1.xml", 2},
    {"marcxml/natlibfi-marcxml-2RecordsFrom2.xml", 2},
    {"marcxml/natlibfi-marcxml-2RecordsTo1.xml", 0}, /* line format */
    {"marcxml/natlibfi-marcxml-2RecordsTo2.xml", 0},
    {"marcxml/natlibfi-marcxml-erroneous.xml", 0}, /* <foo> and text inside <record> */
    {"marcxml/natlibfi-marcxml-from-custom-validation.xml", 0},
    {"marcxml/natlibfi-marcxml-from-indent.xml", 0},
    {"marcxml/natlibfi-marcxml-from-namespace-xml1.xml", 1},
    {"marcxml/natlibfi-marcxml-from-no-xml-decl.xml", 0},
    {"marcxml/natlibfi-marcxml-from1.xml", 1},
    {"marcxml/natlibfi-marcxml-from2.xml", 1},
    {"marcxml/natlibfi-marcxml-from3.xml", 1},
    {"marcxml/natlibfi-marcxml-from4.xml", 1},
    {"marcxml/natlibfi-marcxml-in-custom-validators.xml", 1},
    {"marcxml/natlibfi-marcxml-out-custom-validators.xml", 0}, /* JSON */
    {"marcxml/natlibfi-marcxml-to-custom-validation.xml", 1},
    {"marcxml/natlibfi-marcxml-to-indent.xml", 1},
    {"marcxml/natlibfi-marcxml-to-namespace-xml1.xml", 0},
    {"marcxml/natlibfi-marcxml-to-no-xml-decl.xml", 1},
    {"marcxml/natlibfi-marcxml-to1.xml", 0},
    {"marcxml/natlibfi-marcxml-to2.xml", 0},
    {"marcxml/natlibfi-marcxml-to3.xml", 0},
    {"marcxml/natlibfi-marcxml-to4.xml", 0},
};

struct tally {
    size_t records, titled, errors, not_bib, dropped;
};

static int on_emit(struct meta_rec *r, void *ctx)
{
    struct tally *t = ctx;

    t->records++;
    if (r->title && r->title[0])
        t->titled++;
    else
        fprintf(stderr, "  # %s: no title\n", r->origin);
    meta_rec_free(r);
    return TS_OK;
}

static int on_error(const char *origin, const struct ts_err *why, void *ctx)
{
    struct tally *t = ctx;

    if (why->code == TS_OK) /* a warning: a part of a record dropped, the record kept */
        t->dropped++;
    else
        t->errors++;
    if (strstr(why->msg, "not a bibliographic record"))
        t->not_bib++;
    else if (getenv("T_VERBOSE"))
        fprintf(stderr, "  # %s: %s\n", origin, why->msg);
    return TS_OK;
}

static const struct expect *lookup(const char *rel)
{
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (strcmp(expected[i].file, rel) == 0)
            return &expected[i];
    return NULL;
}

/* Every file in metadata/<sub>: read it and hold it to its expected count.
 * A file missing from the table fails, so corpus changes are noticed. */
static size_t check_dir(const char *sub, size_t *total)
{
    char dir[1200], path[1600], rel[400];
    DIR *d;
    struct dirent *e;
    size_t n_files = 0;

    snprintf(dir, sizeof dir, "%s/metadata/%s", root, sub);
    d = opendir(dir);
    if (!T_CHECK(d != NULL))
        return 0;
    while ((e = readdir(d)) != NULL) {
        const struct expect *x;
        struct tally t = {0, 0, 0, 0, 0};
        struct ts_err err;
        if (e->d_name[0] == '.')
            continue;
        snprintf(rel, sizeof rel, "%s/%s", sub, e->d_name);
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        n_files++;
        x = lookup(rel);
        if (!T_CHECK(x != NULL)) {
            fprintf(stderr, "  %s: not in the expected table\n", rel);
            continue;
        }
        if (!T_OK(import_marc_read(path, "corpus", on_emit, on_error, &t, &err), &err))
            continue;
        if (!T_EQ_INT(t.records + t.not_bib, x->records))
            fprintf(stderr, "  %s: %zu records + %zu not bibliographic, yaz-marcdump %d\n", rel,
                    t.records, t.not_bib, x->records);
        T_EQ_INT(t.titled, t.records);
        if (x->records == 0 && !T_CHECK(t.errors > 0))
            fprintf(stderr, "  %s: broken file but no error reported\n", rel);
        if (x->records > 0 && !T_EQ_INT(t.errors, t.not_bib))
            fprintf(stderr, "  %s: %zu unexpected errors (T_VERBOSE=1 lists them)\n", rel,
                    t.errors - t.not_bib);
        if (t.dropped)
            printf("# %s: %zu fields dropped (952 without $p: not Koha items)\n", rel, t.dropped);
        *total += t.records;
    }
    closedir(d);
    return n_files;
}

static void test_marc21(void)
{
    size_t total = 0;

    T_EQ_INT(check_dir("marc21", &total), 12);
    T_EQ_INT(total, 60);
    printf("# marc21: %zu records\n", total);
}

static void test_marcxml(void)
{
    size_t total = 0;

    T_EQ_INT(check_dir("marcxml", &total), 29);
    T_EQ_INT(total, 59); /* 119 read by YAZ, less 60 authority/classification */
    printf("# marcxml: %zu bibliographic records\n", total);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"marc21", test_marc21},
        {"marcxml", test_marcxml},
        {NULL, NULL},
    };
    const char *env = getenv("TUSACH_CORPUS"), *home = getenv("HOME");
    char dir[1200];
    struct stat st;

    if (env && *env)
        snprintf(root, sizeof root, "%s", env);
    else
        snprintf(root, sizeof root, "%s/.cache/tusach-corpus", home ? home : "");
    snprintf(dir, sizeof dir, "%s/metadata/marc21", root);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        t_skip("corpus not found: run ../shared/corpus/fetch.sh ~/.cache/tusach-corpus");
    return t_main(cases, argc, argv);
}
