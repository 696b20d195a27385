/*
 * tests/harness/t.h - a small test harness: checks that record and go on,
 * a runner that prints "ok N - name" lines and the closing "N passed, N failed".
 */
#ifndef T_H
#define T_H

#include "ts_err.h"

struct t_case {
    const char *name;
    void (*fn)(void);
};

int t_check_(int ok, const char *expr, const char *file, int line);
int t_eq_int_(long long a, long long b, const char *ea, const char *eb, const char *file, int line);
int t_eq_str_(const char *a, const char *b, const char *ea, const char *eb, const char *file,
              int line);
int t_ok_(int rc, const struct ts_err *err, const char *expr, const char *file, int line);

#define T_CHECK(c) t_check_(!!(c), #c, __FILE__, __LINE__)
#define T_REQUIRE(c)                                                                               \
    do {                                                                                           \
        if (!t_check_(!!(c), #c, __FILE__, __LINE__))                                              \
            return;                                                                                \
    } while (0)
#define T_EQ_INT(a, b) t_eq_int_((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define T_EQ_STR(a, b) t_eq_str_((a), (b), #a, #b, __FILE__, __LINE__)
#define T_OK(rc, err) t_ok_((rc), (err), #rc, __FILE__, __LINE__)

/* Text checks for response bodies: 1 when `needle` is (has) or is not
 * (lacks) in `hay`, else 0 with the missing or unexpected text on stderr.
 * Used as T_CHECK(t_has(body, "...")). */
int t_has(const char *hay, const char *needle);
int t_lacks(const char *hay, const char *needle);

/* Run cases (terminated by {0}); argv[1] filters by substring. Exit code for main. */
int t_main(const struct t_case *cases, int argc, char **argv);

/* A fresh empty directory under $TMPDIR, removed by t_main at exit unless
 * T_KEEP is set. Returns a static-lifetime path. */
const char *t_tmpdir(void);

/* Skip the whole binary (ctest reports it as skipped). */
_Noreturn void t_skip(const char *why);

#endif
