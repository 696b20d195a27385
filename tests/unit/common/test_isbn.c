/*
 * tests/unit/common/test_isbn.c - ISBN normalisation and query rewriting.
 */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "ts_isbn.h"

static void test_normalize(void)
{
    char d[14];

    T_CHECK(ts_isbn_normalize("0-306-40615-2", 13, d));
    T_EQ_STR(d, "9780306406157");
    T_CHECK(ts_isbn_normalize("978-0-306-40615-7", 17, d));
    T_EQ_STR(d, "9780306406157");
    T_CHECK(ts_isbn_normalize("ISBN 0306406152 (pbk.)", 22, d));
    T_EQ_STR(d, "9780306406157");
    T_CHECK(ts_isbn_normalize("080442957X", 10, d));
    T_EQ_STR(d, "9780804429573");
    T_CHECK(!ts_isbn_normalize("0-306-40615-3", 13, d)); /* bad check digit */
    T_CHECK(!ts_isbn_normalize("978-0-306-40615-8", 17, d));
    T_CHECK(!ts_isbn_normalize("12345", 5, d));
    T_CHECK(!ts_isbn_normalize("97803064061571", 14, d));
}

static void test_rewrite(void)
{
    char *s;

    s = ts_isbn_rewrite("sách 978-0-306-40615-7 hay");
    T_EQ_STR(s, "sách 9780306406157 hay");
    free(s);
    s = ts_isbn_rewrite("0306406152");
    T_EQ_STR(s, "9780306406157");
    free(s);
    s = ts_isbn_rewrite("năm 2019 lớp 6 mã 0306406153"); /* not ISBNs: unchanged */
    T_EQ_STR(s, "năm 2019 lớp 6 mã 0306406153");
    free(s);
    s = ts_isbn_rewrite("x0306406152");
    T_EQ_STR(s, "x0306406152");
    free(s);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"normalize", test_normalize},
        {"rewrite", test_rewrite},
        {0},
    };
    return t_main(cases, argc, argv);
}
