/*
 * tests/unit/server/test_i18n.c - the interface string tables: parsing rules,
 * and vi.txt / en.txt defining exactly the same keys (a key missing in one
 * language would show up as a raw key on its pages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../server/i18n.c"
#include "t.h"
#include "ts_util.h"

static struct i18n *load(const char *lang)
{
    const char *src = getenv("TS_SOURCE_DIR");
    char path[2048], *text = NULL;
    size_t len;
    struct ts_err err = {0};
    struct i18n *t = NULL;

    snprintf(path, sizeof path, "%s/server/i18n/%s.txt", src ? src : ".", lang);
    if (!T_OK(ts_read_file(path, 1 << 20, &text, &len, &err), &err))
        return NULL;
    T_OK(i18n_parse(text, len, &t, &err), &err);
    free(text);
    return t;
}

static void test_parse_rules(void)
{
    static const char ok[] = "  # c\n a = b = c \r\nempty =\n";
    static const char dup[] = "a = 1\nb = 2\na = 3\n";
    static const char bad[] = "a = 1\nno equals sign\n";
    struct i18n *t = NULL;
    struct ts_err err = {0};

    T_OK(i18n_parse(ok, strlen(ok), &t, &err), &err);
    T_EQ_STR(i18n_get(t, "a"), "b = c");
    T_EQ_STR(i18n_get(t, "empty"), "");
    T_CHECK(i18n_get(t, "zzz") == NULL);
    i18n_free(t);
    T_EQ_INT(i18n_parse(dup, strlen(dup), &t, &err), TS_EINVAL);
    T_CHECK(strstr(err.msg, "duplicate") != NULL);
    T_EQ_INT(i18n_parse(bad, strlen(bad), &t, &err), TS_EINVAL);
    T_CHECK(strstr(err.msg, "line 2") != NULL);
    T_CHECK(t == NULL);
}

static void test_languages_match(void)
{
    struct i18n *vi = load("vi"), *en = load("en");

    T_REQUIRE(vi && en);
    T_EQ_INT(i18n_count(vi), i18n_count(en));
    for (size_t i = 0; i < i18n_count(vi); i++)
        if (!T_CHECK(i18n_get(en, i18n_key(vi, i)) != NULL))
            fprintf(stderr, "  en.txt lacks %s\n", i18n_key(vi, i));
    for (size_t i = 0; i < i18n_count(en); i++)
        if (!T_CHECK(i18n_get(vi, i18n_key(en, i)) != NULL))
            fprintf(stderr, "  vi.txt lacks %s\n", i18n_key(en, i));
    T_EQ_STR(i18n_get(vi, "lang_name"), "Tiếng Việt");
    i18n_free(vi);
    i18n_free(en);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"parse_rules", test_parse_rules},
        {"languages_match", test_languages_match},
        {0},
    };
    return t_main(cases, argc, argv);
}
