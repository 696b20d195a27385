/*
 * tests/unit/indexer/test_analyzer.c - term generation: exact + folded +
 * bigram terms, NFD = NFC, tone placement, titles, sentence breaks, long runs.
 * (Positions and field gaps are checked through phrase queries in test_index.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "schema.h"
#include "t.h"

/* Terms of `text` indexed as field f, '\n'-separated (malloc'd). */
static char *terms_of(const struct ix_field *f, const char *text)
{
    struct ts_err err;
    char *terms = NULL;

    T_OK(an_terms(f, text, strlen(text), &terms, &err), &err);
    return terms;
}

static int has_term(const char *terms, const char *term)
{
    size_t n = strlen(term);

    for (const char *p = terms; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len == n && memcmp(p, term, n) == 0)
            return 1;
        p = nl ? nl + 1 : p + len;
    }
    return 0;
}

static void test_exact_folded_bigram(void)
{
    char *t = terms_of(&ix_field_body, "Cài đặt gói");

    T_REQUIRE(t);
    T_CHECK(has_term(t, "cài"));
    T_CHECK(has_term(t, "đặt"));
    T_CHECK(has_term(t, "gói"));
    T_CHECK(has_term(t, "XFcai"));
    T_CHECK(has_term(t, "XFdat"));
    T_CHECK(has_term(t, "XFgoi"));
    T_CHECK(has_term(t, "XBcai_dat"));
    T_CHECK(has_term(t, "XBdat_goi"));
    T_CHECK(!has_term(t, "XBcai_goi"));
    T_CHECK(!has_term(t, "Scài")); /* body: no title prefix */
    free(t);
}

static void test_unaccented_words(void)
{
    char *t = terms_of(&ix_field_body, "the ban nhạc");

    T_REQUIRE(t);
    T_CHECK(has_term(t, "XFthe")); /* no stop words */
    T_CHECK(has_term(t, "XFban"));
    T_EQ_INT(has_term(t, "the"), ix_exact_always);
    T_EQ_INT(has_term(t, "ban"), ix_exact_always);
    T_CHECK(has_term(t, "nhạc"));
    T_CHECK(has_term(t, "XBban_nhac"));                               /* one syllable has marks */
    T_EQ_INT(has_term(t, "XBthe_ban"), ix_bigrams == IX_BIGRAMS_ALL); /* none has */
    free(t);
}

static void test_nfd_equals_nfc(void)
{
    /* "Cài đặt gói Việt Nam" with every mark decomposed. */
    char *nfc = terms_of(&ix_field_body, "Cài đặt gói Việt Nam");
    char *nfd = terms_of(&ix_field_body, "Ca\xcc\x80i \xc4\x91"
                                         "a\xcc\xa3\xcc\x86t go\xcc\x81i Vie\xcc\x82\xcc\xa3t Nam");

    T_REQUIRE(nfc && nfd);
    T_EQ_STR(nfd, nfc);
    T_CHECK(has_term(nfc, "việt"));
    free(nfc);
    free(nfd);
}

static void test_tone_placement(void)
{
    char *a = terms_of(&ix_field_body, "hoà thuỷ khoẻ");
    char *b = terms_of(&ix_field_body, "hòa thủy khỏe");

    T_REQUIRE(a && b);
    T_EQ_STR(a, b);
    T_CHECK(has_term(a, "hòa"));
    T_CHECK(has_term(a, "XFhoa"));
    free(a);
    free(b);
}

static void test_title_prefixes(void)
{
    char *t = terms_of(&ix_field_title, "Bản đồ");

    T_REQUIRE(t);
    T_CHECK(has_term(t, "bản"));
    T_CHECK(has_term(t, "XFban"));
    T_CHECK(has_term(t, "Sbản"));
    T_CHECK(has_term(t, "Sđồ"));
    T_CHECK(has_term(t, "XFSban"));
    T_CHECK(has_term(t, "XFSdo"));
    T_CHECK(has_term(t, "XBban_do"));
    free(t);
}

static void test_punctuation(void)
{
    char *t = terms_of(&ix_field_body, "Sửa sources.list rồi. Chạy ssh-keygen, tệp.cấu TẬP_TIN");

    T_REQUIRE(t);
    T_CHECK(has_term(t, "XFsources"));
    T_CHECK(has_term(t, "XFlist"));
    T_CHECK(has_term(t, "XBsua_sources")); /* across a space */
    T_CHECK(has_term(t, "XBlist_roi"));
    T_CHECK(has_term(t, "XBtep_cau"));   /* no sentence end inside a file name */
    T_CHECK(!has_term(t, "XBroi_chay")); /* ". " ends a sentence */
    T_CHECK(has_term(t, "XBchay_ssh"));
    T_CHECK(has_term(t, "tập"));
    T_CHECK(has_term(t, "XFtin"));
    free(t);
}

static void test_long_runs_skipped(void)
{
    char text[600];
    size_t n = strlen("trước ");
    char *t;

    memcpy(text, "trước ", n);
    memset(text + n, 'a', 300);
    memcpy(text + n + 300, " sau", 5);
    t = terms_of(&ix_field_body, text);
    T_REQUIRE(t);
    T_CHECK(has_term(t, "trước"));
    T_CHECK(has_term(t, "XFsau"));
    T_CHECK(!has_term(t, "XBtruoc_sau"));
    for (const char *p = t; *p; p = strchr(p, '\n') + 1)
        T_CHECK(strchr(p, '\n') - p <= TS_TOKEN_MAX + 4);
    free(t);
}

static void test_token_forms(void)
{
    struct an_token tk;

    T_REQUIRE(an_token_forms("Đường", strlen("Đường"), &tk));
    T_EQ_STR(tk.exact, "đường");
    T_EQ_STR(tk.fold, "duong");
    T_CHECK(tk.accented);
    T_REQUIRE(an_token_forms("Debian", 6, &tk));
    T_EQ_STR(tk.exact, "debian");
    T_CHECK(!tk.accented);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"exact_folded_bigram", test_exact_folded_bigram},
        {"unaccented_words", test_unaccented_words},
        {"nfd_equals_nfc", test_nfd_equals_nfc},
        {"tone_placement", test_tone_placement},
        {"title_prefixes", test_title_prefixes},
        {"punctuation", test_punctuation},
        {"long_runs_skipped", test_long_runs_skipped},
        {"token_forms", test_token_forms},
        {0},
    };
    return t_main(cases, argc, argv);
}
