/*
 * tests/unit/common/test_charset.c - ts_charset_decode: BOMs, hints, UTF-8, and
 * detection of TCVN3, VNI, VISCII and CP1258 (VIETNAMESE.md section 7).
 *
 * The legacy inputs are made here, at test time, by encoding UTF-8 with glibc
 * iconv and librecode (for VNI), so no binary fixtures live in the tree and
 * our decoders are checked against independent encoders.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h> /* recode.h needs FILE */
#include <stdlib.h>
#include <string.h>

#include <recode.h>
#include <sodium.h>
#include <utf8proc.h>

#include "t.h"
#include "ts_buf.h"
#include "ts_charset.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON() __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON() ((void)0)
#endif

static const char paragraph[] =
    "Việt Nam, quốc hiệu là Cộng hòa Xã hội chủ nghĩa Việt Nam, là một quốc gia nằm ở cực "
    "Đông của bán đảo Đông Dương thuộc khu vực Đông Nam Á. Thủ đô là Hà Nội, thành phố lớn "
    "nhất là Thành phố Hồ Chí Minh. Người dân ở đây rất khỏe mạnh và thủy chung; tùy theo "
    "mùa, họ trồng lúa, ngô và khoai. Thư viện có 12.000 cuốn sách, mở cửa từ 8 giờ sáng "
    "đến 17 giờ chiều, trừ ngày lễ. ĐỌC SÁCH GIÚP TA HIỂU BIẾT THÊM VỀ THẾ GIỚI.";

static const char english[] =
    "The quick brown fox jumps over the lazy dog. Library opening hours are from eight in the "
    "morning to five in the afternoon; readers may borrow up to ten books at a time.";

/* Encode UTF-8 into `code` with iconv; the test fails if a character is lost. */
static char *iconv_encode(const char *code, const char *utf8, size_t *out_len)
{
    iconv_t cd = iconv_open(code, "UTF-8");
    size_t in_left = strlen(utf8), cap = 4 * in_left + 16, o_left = cap;
    char *out = malloc(cap), *in = (char *)utf8, *o = out;

    T_CHECK(cd != (iconv_t)-1 && out);
    if (cd == (iconv_t)-1 || !out) {
        free(out);
        return NULL;
    }
    T_CHECK(iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1);
    T_CHECK(iconv(cd, NULL, NULL, &o, &o_left) != (size_t)-1);
    iconv_close(cd);
    *out_len = cap - o_left;
    return out;
}

/* Encode to VNI with librecode, which glibc iconv lacks. librecode 3.6 leaks
 * inside its own hash tables (recode_hash_insert, hash_rehash), whatever the
 * caller does, so LeakSanitizer ignores what is allocated during these calls;
 * our decoder is not involved. */
static char *vni_encode(const char *utf8, size_t *out_len)
{
    RECODE_OUTER outer;
    RECODE_REQUEST req;
    char *out = NULL;
    size_t alloc = 0;
    bool ok;

    *out_len = 0;
    LSAN_OFF();
    outer = recode_new_outer(false);
    req = recode_new_request(outer);
    ok = recode_scan_request(req, "UTF-8..VNI") &&
         recode_buffer_to_buffer(req, utf8, strlen(utf8), &out, out_len, &alloc);
    recode_delete_request(req);
    recode_delete_outer(outer);
    LSAN_ON();
    T_CHECK(ok);
    return out;
}

static bool valid_utf8(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);

        if (n < 1)
            return false;
        i += (size_t)n;
    }
    return true;
}

static void check_decode(const char *in, size_t len, const char *hint, const char *want,
                         const char *want_cs)
{
    char *out = NULL;
    size_t out_len = 0;
    const char *cs = NULL;
    struct ts_err err;

    if (!T_OK(ts_charset_decode(in, len, hint, &out, &out_len, &cs, &err), &err))
        return;
    T_EQ_STR(cs, want_cs);
    T_EQ_STR(out, want);
    T_EQ_INT(out_len, strlen(want));
    free(out);
}

static void legacy_roundtrip(const char *text, const char *code, const char *want_cs)
{
    size_t len = 0;
    char *bytes =
        strcmp(code, "VNI") == 0 ? vni_encode(text, &len) : iconv_encode(code, text, &len);

    T_REQUIRE(bytes != NULL);
    /* Not valid UTF-8, or the test would prove nothing. */
    T_CHECK(!valid_utf8(bytes, len));
    check_decode(bytes, len, NULL, text, want_cs);
    free(bytes);
}

static void test_tcvn3(void)
{
    legacy_roundtrip(paragraph, "TCVN5712-1", "tcvn3");
}

static void test_vni(void)
{
    legacy_roundtrip(paragraph, "VNI", "vni");
}

static void test_viscii(void)
{
    legacy_roundtrip(paragraph, "VISCII", "viscii");
}

static void test_cp1258(void)
{
    legacy_roundtrip(paragraph, "CP1258", "windows-1258");
}

static void test_short_titles(void)
{
    static const char *const titles[] = {
        "Tiếng Việt",
        "Lịch sử Việt Nam",
        "Truyện Kiều của Nguyễn Du",
    };

    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
        legacy_roundtrip(titles[i], "TCVN5712-1", "tcvn3");
        legacy_roundtrip(titles[i], "VNI", "vni");
        legacy_roundtrip(titles[i], "VISCII", "viscii");
        legacy_roundtrip(titles[i], "CP1258", "windows-1258");
    }
}

static void test_utf8(void)
{
    char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)paragraph);
    char bom[sizeof(paragraph) + 3] = "\xef\xbb\xbf";

    check_decode(paragraph, strlen(paragraph), NULL, paragraph, "utf-8");
    check_decode(nfd, strlen(nfd), NULL, paragraph, "utf-8");
    check_decode(english, strlen(english), NULL, english, "utf-8");
    check_decode("", 0, NULL, "", "utf-8");
    memcpy(bom + 3, paragraph, sizeof(paragraph));
    check_decode(bom, strlen(bom), NULL, paragraph, "utf-8");
    /* A BOM wins over a wrong declaration. */
    check_decode(bom, strlen(bom), "windows-1252", paragraph, "utf-8");
    free(nfd);
}

static void test_utf16(void)
{
    static const char *const codes[] = {"UTF-16LE", "UTF-16BE"};

    for (int i = 0; i < 2; i++) {
        size_t len = 0;
        char *raw = iconv_encode(codes[i], paragraph, &len);
        char *with_bom = malloc(len + 2);

        T_REQUIRE(raw && with_bom);
        with_bom[0] = i == 0 ? (char)0xFF : (char)0xFE;
        with_bom[1] = i == 0 ? (char)0xFE : (char)0xFF;
        memcpy(with_bom + 2, raw, len);
        check_decode(with_bom, len + 2, NULL, paragraph, "utf-16");
        /* Odd trailing byte: repaired, not a crash. */
        check_decode(with_bom, 5, NULL, "V\xef\xbf\xbd", "utf-16");
        free(raw);
        free(with_bom);
    }
}

static void test_windows_1252(void)
{
    static const char fr[] = "Le caf\xe9 na\xefve, \x93r\xe9sum\xe9\x94 \x96 d\xe9j\xe0 vu. "
                             "Gr\xfc\xdf"
                             "e aus M\xfcnchen, o\xf9 est la pi\xe8"
                             "ce?";
    static const char want[] = "Le café naïve, “résumé” – déjà vu. Grüße aus München, "
                               "où est la pièce?";

    check_decode(fr, sizeof(fr) - 1, NULL, want, "windows-1252");
    check_decode(fr, sizeof(fr) - 1, "ISO-8859-1", want, "windows-1252");
    /* The five bytes Windows-1252 leaves undefined decode as C1 controls. */
    check_decode("a\x81\x8d\x8f\x90\x9d", 6, "cp1252", "a\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d",
                 "windows-1252");
}

static void test_hints(void)
{
    size_t len = 0;
    char *tcvn = iconv_encode("TCVN5712-1", "Tiếng Việt", &len);
    char *out = (char *)"sentinel";
    const char *cs = NULL;
    struct ts_err err;

    T_REQUIRE(tcvn != NULL);
    check_decode(tcvn, len, "TCVN3", "Tiếng Việt", "tcvn3");
    check_decode(tcvn, len, "x-viet-tcvn5712", "Tiếng Việt", "tcvn3");
    /* A known hint is obeyed even when detection would disagree. */
    check_decode(tcvn, len, "windows-1252", "Ti\xc3\x95ng Vi\xc3\x96t", "windows-1252");
    /* Unknown hint: detection decides; TS_EPARSE only when it finds nothing. */
    check_decode(tcvn, len, "x-unheard-of", "Tiếng Việt", "tcvn3");
    check_decode("plain", 5, "koi8-r", "plain", "utf-8");
    T_EQ_INT(ts_charset_decode("\xe9t\xe9", 3, "koi8-r", &out, &len, &cs, &err), TS_EPARSE);
    T_CHECK(out == NULL);
    free(tcvn);
}

/* Legacy bytes that a word processor already turned into Latin-1 code points
 * ("ViÖt Nam"), and UTF-8 read as Latin-1 once too often ("Viá»‡t"). */
static void test_relabelled(void)
{
    size_t len = 0, l1_len = 0;
    char *tcvn = iconv_encode("TCVN5712-1", paragraph, &len);
    iconv_t cd = iconv_open("UTF-8", "ISO-8859-1");
    char *l1 = malloc(2 * len + 1), *in = tcvn, *o = l1;
    size_t in_left = len, o_left = 2 * len + 1;
    struct ts_buf moji;

    T_REQUIRE(tcvn && l1 && cd != (iconv_t)-1);
    T_CHECK(iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1);
    l1_len = (size_t)(o - l1);
    check_decode(l1, l1_len, NULL, paragraph, "tcvn3");

    ts_buf_init(&moji, 0);
    for (const unsigned char *p = (const unsigned char *)paragraph; *p; p++) {
        if (*p < 0x80) {
            (void)ts_buf_addc(&moji, (char)*p);
        } else {
            (void)ts_buf_addc(&moji, (char)(0xC0 | (*p >> 6)));
            (void)ts_buf_addc(&moji, (char)(0x80 | (*p & 0x3F)));
        }
    }
    check_decode(moji.data, moji.len, NULL, paragraph, "utf-8");
    /* Real Latin-1 text in UTF-8 must stay as it is. */
    check_decode("Le café où déjà", strlen("Le café où déjà"), NULL, "Le café où déjà", "utf-8");
    ts_buf_free(&moji);
    iconv_close(cd);
    free(tcvn);
    free(l1);
}

static void test_random_bytes(void)
{
    static const size_t sizes[] = {1, 2, 3, 7, 64, 1000, 70000};
    unsigned char seed[randombytes_SEEDBYTES] = {0};

    T_REQUIRE(sodium_init() >= 0);
    for (int round = 0; round < 40; round++) {
        size_t n = sizes[round % 7];
        char *buf = malloc(n), *out = NULL;
        size_t out_len = 0;
        const char *cs = NULL;
        struct ts_err err;

        T_REQUIRE(buf != NULL);
        seed[0] = (unsigned char)round;
        randombytes_buf_deterministic(buf, n, seed);
        if (round % 5 == 0)
            buf[0] = (char)0xFF; /* exercise the UTF-16 path too */
        if (T_OK(ts_charset_decode(buf, n, round % 3 ? NULL : "vni", &out, &out_len, &cs, &err),
                 &err)) {
            T_CHECK(cs != NULL);
            T_CHECK(strlen(out) <= out_len); /* NULs in the input survive as text */
            T_CHECK(valid_utf8(out, out_len));
        }
        free(out);
        free(buf);
    }
}

static void test_score(void)
{
    T_CHECK(ts_charset_vietnamese_score(paragraph, strlen(paragraph)) > 0.9);
    T_CHECK(ts_charset_vietnamese_score(english, strlen(english)) < 0.6);
    T_CHECK(ts_charset_vietnamese_score("", 0) == 0.0);
    T_CHECK(ts_charset_vietnamese_score("12 345", 6) == 0.0);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"tcvn3", test_tcvn3},
        {"vni", test_vni},
        {"viscii", test_viscii},
        {"cp1258", test_cp1258},
        {"short_titles", test_short_titles},
        {"utf8", test_utf8},
        {"utf16", test_utf16},
        {"windows_1252", test_windows_1252},
        {"hints", test_hints},
        {"relabelled", test_relabelled},
        {"random_bytes", test_random_bytes},
        {"score", test_score},
        {0},
    };

    return t_main(cases, argc, argv);
}
