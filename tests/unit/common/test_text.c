/*
 * tests/unit/common/test_text.c - ts_text: NFC, tokeniser, exact and folded
 * terms, tone placement (VIETNAMESE.md sections 1-3).
 *
 * The letter table is checked against utf8proc directly (upper-casing, NFD),
 * not against ts_text itself, so a bug in our decomposition cannot hide in
 * the expected values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_text.h"

/* Each row: a Vietnamese vowel without and with the five tones, and the
 * ASCII letter folding must give. Plain ASCII forms are skipped in counting. */
static const struct {
    const char *forms;
    char fold;
} rows[] = {
    {"aáàảãạ", 'a'}, {"ăắằẳẵặ", 'a'}, {"âấầẩẫậ", 'a'}, {"eéèẻẽẹ", 'e'}, {"êếềểễệ", 'e'},
    {"iíìỉĩị", 'i'}, {"oóòỏõọ", 'o'}, {"ôốồổỗộ", 'o'}, {"ơớờởỡợ", 'o'}, {"uúùủũụ", 'u'},
    {"ưứừửữự", 'u'}, {"yýỳỷỹỵ", 'y'}, {"đ", 'd'},
};

static char *exact_of(const char *s)
{
    char out[4 * TS_TOKEN_MAX + 1];
    size_t n = ts_text_exact_token(s, strlen(s), out, sizeof(out));

    return ts_xstrndup(out, n);
}

static char *fold_of(const char *s)
{
    char ex[4 * TS_TOKEN_MAX + 1], out[4 * TS_TOKEN_MAX + 1];
    size_t n = ts_text_exact_token(s, strlen(s), ex, sizeof(ex));

    n = ts_text_fold_token(ex, n, out, sizeof(out));
    return ts_xstrndup(out, n);
}

static void check_letter(const char *lower, const char *upper, char fold)
{
    char want_fold[2] = {fold, '\0'};
    char *e_lo = exact_of(lower), *e_up = exact_of(upper), *f = fold_of(upper);
    char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)upper);
    char *e_nfd = exact_of(nfd);

    if (!T_EQ_STR(e_up, lower) || !T_EQ_STR(e_lo, lower) || !T_EQ_STR(f, want_fold) ||
        !T_EQ_STR(e_nfd, lower))
        fprintf(stderr, "    letter %s / %s\n", lower, upper);
    T_CHECK(ts_text_has_diacritics(e_up, strlen(e_up)));
    T_CHECK(strcmp(nfd, upper) != 0 || fold == 'd'); /* really decomposed, đ excepted */
    free(e_lo);
    free(e_up);
    free(f);
    free(nfd);
    free(e_nfd);
}

static void test_every_letter(void)
{
    int n_lower = 0, n_upper = 0;

    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)rows[r].forms;

        while (*p) {
            utf8proc_int32_t lo, up;
            utf8proc_uint8_t lo8[5] = {0}, up8[5] = {0};
            utf8proc_ssize_t n = utf8proc_iterate(p, -1, &lo);

            T_REQUIRE(n > 0);
            p += n;
            if (lo < 0x80)
                continue;
            up = utf8proc_toupper(lo);
            T_CHECK(up != lo && up >= 0x80);
            utf8proc_encode_char(lo, lo8);
            utf8proc_encode_char(up, up8);
            check_letter((const char *)lo8, (const char *)up8, rows[r].fold);
            n_lower++;
            n_upper++;
        }
    }
    T_EQ_INT(n_lower, 67);
    T_EQ_INT(n_lower + n_upper, 134);
}

static void test_fold_examples(void)
{
    static const char *const cases[][2] = {
        {"Ậ", "a"}, {"ữ", "u"}, {"Đ", "d"},         {"đ", "d"},         {"ð", "d"},
        {"Ɖ", "d"}, {"Ð", "d"}, {"TIẾNG", "tieng"}, {"Người", "nguoi"}, {"hello", "hello"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *f = fold_of(cases[i][0]);

        T_EQ_STR(f, cases[i][1]);
        free(f);
    }
    T_CHECK(!ts_text_has_diacritics("viet", 4));
    T_CHECK(ts_text_has_diacritics("việt", strlen("việt")));
    T_CHECK(ts_text_has_diacritics("đi", strlen("đi")));
    T_CHECK(!ts_text_has_diacritics("中文", strlen("中文")));
}

static void test_tone_placement(void)
{
    static const char *const pairs[][2] = {
        {"hoà", "hòa"}, {"khoẻ", "khỏe"}, {"thuỷ", "thủy"}, {"uỷ", "ủy"},
        {"tuỳ", "tùy"}, {"Hoá", "hóa"},   {"hòan", "hoàn"}, {"qúy", "quý"},
        {"gìa", "già"}, {"HOÀ", "hòa"},   {"xoá", "xóa"},   {"khoá", "khóa"},
    };
    static const char *const same[] = {
        "quý", "hoàn", "ngoài", "khuỷu", "thuở", "người", "giường", "mùa",   "của",
        "gì",  "gìn",  "koala", "hòa",   "thủy", "quốc",  "việt",   "giữa",  "khuyến",
        "où",  "leí",  "não",   "café",  "rượu", "hoặc",  "khuya",  "ngoẹo",
    };

    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        char *e = exact_of(pairs[i][0]);

        T_EQ_STR(e, pairs[i][1]);
        free(e);
    }
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        char *e = exact_of(same[i]);
        char *t = ts_text_tone_canonical(same[i]);

        T_EQ_STR(e, same[i]);
        T_EQ_STR(t, same[i]);
        free(e);
        free(t);
    }
    /* tone_canonical itself expects lower case; it must not touch other words. */
    {
        char *t = ts_text_tone_canonical("hoà");
        char *u = ts_text_tone_canonical("café");
        char *v = ts_text_tone_canonical("naïve");

        T_EQ_STR(t, "hòa");
        T_EQ_STR(u, "café");
        T_EQ_STR(v, "naïve");
        free(t);
        free(u);
        free(v);
    }
}

static void test_nfd_same_as_nfc(void)
{
    const char *text = "Cộng hòa Xã hội chủ nghĩa Việt Nam: NGƯỜI dân, khuỷu tay, thuở ấy, "
                       "Đường đi, giường, QUỐC HIỆU, hoà bình";
    char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)text);
    char *e1 = ts_text_exact(text, strlen(text));
    char *e2 = ts_text_exact(nfd, strlen(nfd));
    char *f1 = ts_text_fold(text, strlen(text));
    char *f2 = ts_text_fold(nfd, strlen(nfd));
    char *n2 = ts_text_nfc(nfd, strlen(nfd), NULL);
    size_t p1 = 0, p2 = 0, l1, l2;
    const char *t1, *t2;
    int n_tok = 0;

    T_CHECK(strcmp(nfd, text) != 0);
    T_EQ_STR(e1, e2);
    T_EQ_STR(f1, f2);
    T_EQ_STR(n2, text);
    T_EQ_STR(e1, "cộng hòa xã hội chủ nghĩa việt nam người dân khuỷu tay thuở ấy đường đi "
                 "giường quốc hiệu hòa bình");
    /* Token by token, tokenising the NFD text directly. */
    while (ts_text_next_token(text, strlen(text), &p1, &t1, &l1)) {
        char a[512], b[512];

        T_REQUIRE(ts_text_next_token(nfd, strlen(nfd), &p2, &t2, &l2));
        ts_text_exact_token(t1, l1, a, sizeof(a));
        ts_text_exact_token(t2, l2, b, sizeof(b));
        T_EQ_STR(a, b);
        n_tok++;
    }
    T_CHECK(!ts_text_next_token(nfd, strlen(nfd), &p2, &t2, &l2));
    T_EQ_INT(n_tok, 21);
    free(nfd);
    free(e1);
    free(e2);
    free(f1);
    free(f2);
    free(n2);
}

/* Tokens of s joined by '|', for compact expectations. */
static char *tokens(const char *s, size_t len)
{
    struct ts_buf b;
    size_t pos = 0, tl;
    const char *t;

    ts_buf_init(&b, 0);
    (void)ts_buf_add(&b, "");
    while (ts_text_next_token(s, len, &pos, &t, &tl)) {
        if (b.len)
            (void)ts_buf_addc(&b, '|');
        (void)ts_buf_addn(&b, t, tl);
    }
    return ts_buf_take(&b);
}

static void test_tokenizer(void)
{
    static const char *const cases[][2] = {
        {"TẬP_TIN", "TẬP|TIN"},
        {"sources.list", "sources|list"},
        {"ssh-keygen -t ed25519", "ssh|keygen|t|ed25519"},
        {"/etc/network/interfaces", "etc|network|interfaces"},
        {"IPv6 2001:db8::1 v1.2", "IPv6|2001|db8|1|v1|2"},
        {"中文字 日本語テキスト", "中文字|日本語テキスト"},
        {"Việt_Nam, hôm nay!", "Việt|Nam|hôm|nay"},
        {"  ", ""},
        {"", ""},
        {"x²+½", "x²|½"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *t = tokens(cases[i][0], strlen(cases[i][0]));

        T_EQ_STR(t, cases[i][1]);
        free(t);
    }
}

static void test_tokenizer_invalid_utf8(void)
{
    static const char bad[] = "ab\xff\xfe"
                              "cd\xc3"
                              "\xe1\xbb"
                              "e\xed\xa0\x80"
                              "f\xc3\xa9";
    char *t = tokens(bad, sizeof(bad) - 1);
    char *e = ts_text_exact(bad, sizeof(bad) - 1);
    char *n = ts_text_nfc(bad, sizeof(bad) - 1, NULL);
    char buf[64];

    T_EQ_STR(t, "ab|cd|e|fé");
    T_EQ_STR(e, "ab cd e fé");
    T_EQ_STR(n, "ab\xef\xbf\xbd\xef\xbf\xbd"
                "cd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                "e\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                "fé");
    /* exact_token on raw bad bytes: U+FFFD, never the bytes themselves */
    T_EQ_INT(ts_text_exact_token("\xc3", 1, buf, sizeof(buf)), 3);
    T_EQ_STR(buf, "\xef\xbf\xbd");
    free(t);
    free(e);
    free(n);
}

static void test_token_cap(void)
{
    struct ts_buf b;
    size_t pos = 0, tl, total = 0;
    const char *t;

    /* 200 x "ệ" in NFC (3 bytes each): cut on character boundaries. */
    ts_buf_init(&b, 0);
    for (int i = 0; i < 200; i++)
        (void)ts_buf_add(&b, "ệ");
    while (ts_text_next_token(b.data, b.len, &pos, &t, &tl)) {
        T_CHECK(tl <= TS_TOKEN_MAX && tl % 3 == 0 && tl > 0);
        total += tl;
    }
    T_EQ_INT(total, b.len);
    ts_buf_free(&b);

    /* NFD "ệ" = e + U+0323 + U+0302 (5 bytes): no token may start with a mark. */
    ts_buf_init(&b, 0);
    for (int i = 0; i < 100; i++)
        (void)ts_buf_add(&b, "e\xcc\xa3\xcc\x82");
    pos = 0;
    total = 0;
    while (ts_text_next_token(b.data, b.len, &pos, &t, &tl)) {
        T_CHECK(tl <= TS_TOKEN_MAX && tl % 5 == 0 && t[0] == 'e');
        total += tl;
    }
    T_EQ_INT(total, b.len);
    ts_buf_free(&b);
}

static void test_exact_token_cap(void)
{
    char out[8];

    T_EQ_INT(ts_text_exact_token("ỆỆỆ", strlen("ỆỆỆ"), out, 5), 3);
    T_EQ_STR(out, "ệ");
    T_EQ_INT(ts_text_exact_token("HELLO", 5, out, 4), 3);
    T_EQ_STR(out, "hel");
    T_EQ_INT(ts_text_exact_token("HELLO", 5, out, 0), 0);
    T_EQ_INT(ts_text_fold_token("đường", strlen("đường"), out, sizeof(out)), 5);
    T_EQ_STR(out, "duong");
}

static void test_whole_strings(void)
{
    static const char spaced[] = "  Cài đặt GÓI, \"sources.list\"!  ";
    static const char hidden[] = "ti\xc2\xad"
                                 "ếng Vi\xe2\x80\x8b"
                                 "ệt\xef\xbb\xbf";
    char *f = ts_text_fold("Đường đi", strlen("Đường đi"));
    char *e = ts_text_exact(spaced, sizeof(spaced) - 1);
    char *g = ts_text_fold("CÀI ĐẶT gói: ssh-keygen", strlen("CÀI ĐẶT gói: ssh-keygen"));
    char *h = ts_text_exact(hidden, sizeof(hidden) - 1);
    char *empty = ts_text_exact("...", 3);

    T_EQ_STR(f, "duong di");
    T_EQ_STR(e, "cài đặt gói sources list");
    T_EQ_STR(g, "cai dat goi ssh keygen");
    T_EQ_STR(h, "tiếng việt"); /* soft hyphen, ZWSP and BOM do not split words */
    T_EQ_STR(empty, "");
    free(f);
    free(e);
    free(g);
    free(h);
    free(empty);
}

static void test_nfc(void)
{
    static const char hidden[] = "e\xcc\x81 \xc2\xad\xe2\x80\x8c\xe2\x80\x8d\xef\xbb\xbf"
                                 "x";
    size_t n;
    char *s = ts_text_nfc(hidden, sizeof(hidden) - 1, &n);
    char *a = ts_text_nfc("plain ascii", 11, &n);
    struct ts_buf big, want;
    char *nfd, *r;

    T_EQ_STR(s, "é x");
    T_EQ_STR(a, "plain ascii");
    T_EQ_INT(n, 11);
    /* More than one internal chunk of code points. */
    ts_buf_init(&big, 0);
    ts_buf_init(&want, 0);
    for (int i = 0; i < 30000; i++) {
        (void)ts_buf_add(&big, "Vie\xcc\xa3\xcc\x82t Nam ");
        (void)ts_buf_add(&want, "Việt Nam ");
    }
    r = ts_text_nfc(big.data, big.len, &n);
    T_EQ_INT(n, want.len);
    T_CHECK(strcmp(r, want.data) == 0);
    nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)"Ωμέγα 한국어 가");
    free(r);
    r = ts_text_nfc(nfd, strlen(nfd), NULL);
    T_EQ_STR(r, "Ωμέγα 한국어 가");
    free(r);
    free(nfd);
    free(s);
    free(a);
    ts_buf_free(&big);
    ts_buf_free(&want);
}

static void test_turkish_and_others(void)
{
    char *a = ts_text_exact("İSTANBUL ılık İi Iı", strlen("İSTANBUL ılık İi Iı"));
    char *b = ts_text_fold("İSTANBUL ılık", strlen("İSTANBUL ılık"));
    char *c = ts_text_exact("Straße ΣΊΣΥΦΟΣ ǅ", strlen("Straße ΣΊΣΥΦΟΣ ǅ"));

    T_EQ_STR(a, "i\xcc\x87stanbul ılık i\xcc\x87i iı");
    T_EQ_STR(b, "istanbul ılık");
    T_EQ_STR(c, "strasse σίσυφοσ ǆ");
    free(a);
    free(b);
    free(c);
}

static void test_is_syllable(void)
{
    static const char *const yes[] = {
        "việt",  "nghiêng", "khuỷu", "người", "quốc", "giường", "gì",  "hòa", "hoà",
        "Đường", "khuya",   "oanh",  "thuở",  "các",  "mạch",   "the", "to",  "xoong",
    };
    static const char *const no[] = {
        "koala", "and", "cat", "string", "kan", "ce", "nghe0", "café", "ngì",
        "việtt", "ă",   "ghá", "hoàà",   "cì",  "qa", "ðường", "Ö",
    };

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (!T_CHECK(ts_text_is_syllable(yes[i], strlen(yes[i]))))
            fprintf(stderr, "    %s\n", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (!T_CHECK(!ts_text_is_syllable(no[i], strlen(no[i]))))
            fprintf(stderr, "    %s\n", no[i]);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"every_letter", test_every_letter},
        {"fold_examples", test_fold_examples},
        {"tone_placement", test_tone_placement},
        {"nfd_same_as_nfc", test_nfd_same_as_nfc},
        {"tokenizer", test_tokenizer},
        {"tokenizer_invalid_utf8", test_tokenizer_invalid_utf8},
        {"token_cap", test_token_cap},
        {"exact_token_cap", test_exact_token_cap},
        {"whole_strings", test_whole_strings},
        {"nfc", test_nfc},
        {"turkish_and_others", test_turkish_and_others},
        {"is_syllable", test_is_syllable},
        {0},
    };

    return t_main(cases, argc, argv);
}
