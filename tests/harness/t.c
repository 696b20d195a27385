/*
 * tests/harness/t.c - test runner and checks (see t.h).
 */
#define _GNU_SOURCE
#include "t.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int case_failed;
static char *tmpdirs[64];
static int n_tmpdirs;

int t_check_(int ok, const char *expr, const char *file, int line)
{
    if (!ok) {
        fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, expr);
        case_failed = 1;
    }
    return ok;
}

int t_eq_int_(long long a, long long b, const char *ea, const char *eb, const char *file, int line)
{
    if (a != b) {
        fprintf(stderr, "  %s:%d: %s == %s failed: %lld != %lld\n", file, line, ea, eb, a, b);
        case_failed = 1;
        return 0;
    }
    return 1;
}

int t_eq_str_(const char *a, const char *b, const char *ea, const char *eb, const char *file,
              int line)
{
    if (!a || !b || strcmp(a, b) != 0) {
        fprintf(stderr, "  %s:%d: %s == %s failed: \"%s\" != \"%s\"\n", file, line, ea, eb,
                a ? a : "(null)", b ? b : "(null)");
        case_failed = 1;
        return 0;
    }
    return 1;
}

int t_ok_(int rc, const struct ts_err *err, const char *expr, const char *file, int line)
{
    if (rc != 0) {
        fprintf(stderr, "  %s:%d: %s returned %d (%s): %s\n", file, line, expr, rc,
                ts_code_name((enum ts_code)rc), err ? err->msg : "");
        case_failed = 1;
        return 0;
    }
    return 1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    for (int i = 0; i < n_tmpdirs; i++) {
        if (!getenv("T_KEEP"))
            nftw(tmpdirs[i], rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(tmpdirs[i]);
    }
    n_tmpdirs = 0;
}

const char *t_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];

    snprintf(tmpl, sizeof tmpl, "%s/tusach-test-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(tmpl) || n_tmpdirs >= 64) {
        perror("t_tmpdir");
        exit(2);
    }
    tmpdirs[n_tmpdirs] = strdup(tmpl);
    return tmpdirs[n_tmpdirs++];
}

void t_skip(const char *why)
{
    printf("# SKIP %s\n", why);
    cleanup();
    exit(77);
}

int t_main(const struct t_case *cases, int argc, char **argv)
{
    int n = 0, passed = 0, failed = 0;

    for (const struct t_case *c = cases; c->name; c++) {
        if (argc > 1 && !strstr(c->name, argv[1]))
            continue;
        n++;
        case_failed = 0;
        c->fn();
        if (case_failed) {
            failed++;
            printf("not ok %d - %s\n", n, c->name);
        } else {
            passed++;
            printf("ok %d - %s\n", n, c->name);
        }
        fflush(stdout);
    }
    cleanup();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int t_has(const char *hay, const char *needle)
{
    if (hay && strstr(hay, needle))
        return 1;
    fprintf(stderr, "  missing: %s\n", needle);
    return 0;
}

int t_lacks(const char *hay, const char *needle)
{
    const char *p = hay ? strstr(hay, needle) : NULL;

    if (!p)
        return 1;
    fprintf(stderr, "  unexpected: %.120s\n", p);
    return 0;
}
