/*
 * tests/corpus/test_extract_corpus.c - ix_extract() against the real files of
 * shared/corpus: every EPUB (the live-manual ones carry a prefixed
 * <opf:metadata> and a unique-identifier that names nothing), the Vietnamese
 * Debian handbook, and every 10th PDF.
 *
 * The corpus is fetched once by shared/corpus/fetch.sh into $TUSACH_CORPUS
 * (default ~/.cache/tusach-corpus); without it the binary exits 77, which
 * ctest reports as skipped.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "extract.h"
#include "t.h"
#include "ts_mem.h"
#include "ts_util.h"

#define MAX_FILE ((size_t)1 << 30)

static char root[1024];

static char **found;
static size_t n_found;
static const char *want_ext;

static int collect(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    size_t n = strlen(path), k = strlen(want_ext);

    (void)sb;
    (void)ftw;
    if (flag == FTW_F && n > k && strcmp(path + n - k, want_ext) == 0) {
        found = ts_xrealloc(found, (n_found + 1) * sizeof *found);
        found[n_found++] = ts_xstrdup(path);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files under root/sub ending in ext, sorted; free with free_found(). */
static void find_files(const char *sub, const char *ext)
{
    char dir[1200];

    snprintf(dir, sizeof dir, "%s/%s", root, sub);
    want_ext = ext;
    nftw(dir, collect, 16, FTW_PHYS);
    if (n_found)
        qsort(found, n_found, sizeof *found, cmp_str);
}

static void free_found(void)
{
    for (size_t i = 0; i < n_found; i++)
        free(found[i]);
    free(found);
    found = NULL;
    n_found = 0;
}

static int extract_file(const char *path, struct ix_doc **doc, struct ts_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc;

    *doc = NULL;
    if ((rc = ts_read_file(path, MAX_FILE, &buf, &len, err)) != TS_OK)
        return rc;
    rc = ix_extract(path, buf, len, NULL, doc, err);
    free(buf);
    return rc;
}

static void test_all_epubs(void)
{
    size_t n_live = 0;

    find_files("epub", ".epub");
    T_CHECK(n_found >= 42);
    for (size_t i = 0; i < n_found; i++) {
        struct ix_doc *d = NULL;
        struct ts_err err;
        int rc = extract_file(found[i], &d, &err);

        if (!T_OK(rc, &err)) {
            fprintf(stderr, "  %s\n", found[i]);
            continue;
        }
        if (!T_CHECK(d->title && d->title[0]) || !T_CHECK(d->n_sections > 0))
            fprintf(stderr, "  %s: title %s, %zu sections\n", found[i],
                    d->title ? d->title : "(null)", d->n_sections);
        if (strstr(found[i], "/live-manual/")) {
            n_live++;
            T_CHECK(d->n_sections > 10);
            T_CHECK(d->language != NULL);
        }
        ix_doc_free(d);
    }
    T_EQ_INT(n_live, 10);
    printf("# %zu EPUBs extracted\n", n_found);
    free_found();
}

static void test_handbook_vi(void)
{
    char path[1200];
    struct ix_doc *d = NULL;
    struct ts_err err;
    size_t n_titled = 0;
    int vi_text = 0;

    snprintf(path, sizeof path, "%s/epub/pandoc-debian-handbook/debian-handbook.vi-VN.epub", root);
    T_OK(extract_file(path, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->title, "Sổ tay Quản trị Debian");
    T_EQ_STR(d->language, "vi-VN");
    T_CHECK(d->n_authors >= 2);
    T_CHECK(d->n_sections >= 15);
    for (size_t i = 0; i < d->n_sections; i++) {
        n_titled += d->sections[i].title != NULL;
        vi_text |= strstr(d->sections[i].text, "Debian") && strstr(d->sections[i].text, "được");
    }
    T_CHECK(n_titled == d->n_sections);
    T_CHECK(vi_text);
    printf("# handbook vi-VN: %zu sections\n", d->n_sections);
    ix_doc_free(d);
}

static void test_pdf_sample(void)
{
    size_t n_done = 0, n_pages = 0, n_text = 0;

    find_files("pdf", ".pdf");
    T_CHECK(n_found > 0);
    for (size_t i = 0; i < n_found; i += 10) {
        struct ix_doc *d = NULL;
        struct ts_err err;
        int rc = extract_file(found[i], &d, &err);

        if (!T_OK(rc, &err)) {
            fprintf(stderr, "  %s\n", found[i]);
            continue;
        }
        /* Some PDFs are only outlines or images (metalogo's eLaToutline). */
        if (d->n_sections > 0)
            n_text++;
        else
            printf("# no text layer: %s\n", found[i]);
        n_done++;
        n_pages += d->n_sections;
        ix_doc_free(d);
    }
    T_CHECK(n_text * 10 >= n_done * 9);
    printf("# %zu PDFs extracted (%zu with text), %zu pages with text\n", n_done, n_text, n_pages);
    free_found();
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"all_epubs", test_all_epubs},
        {"handbook_vi", test_handbook_vi},
        {"pdf_sample", test_pdf_sample},
        {NULL, NULL},
    };
    const char *env = getenv("TUSACH_CORPUS"), *home = getenv("HOME");
    char epub[1200];
    struct stat st;

    if (env && *env)
        snprintf(root, sizeof root, "%s", env);
    else
        snprintf(root, sizeof root, "%s/.cache/tusach-corpus", home ? home : "");
    snprintf(epub, sizeof epub, "%s/epub", root);
    if (stat(epub, &st) != 0 || !S_ISDIR(st.st_mode))
        t_skip("corpus not found: run shared/corpus/fetch.sh ~/.cache/tusach-corpus");
    return t_main(cases, argc, argv);
}
