/*
 * common/ts_charset.c - detect and convert legacy Vietnamese encodings to NFC
 * UTF-8 (VIETNAMESE.md section 7).
 *
 * Order: BOM; declared charset (hint) when we know it; valid UTF-8 (with two
 * repairs: legacy text that Word/HTML already turned into Latin-1 code points,
 * and UTF-8 that was decoded as Latin-1 once too often); otherwise decode with
 * every candidate and keep the one whose words look most like Vietnamese
 * syllables. Byte-level tests ("contains 0xE1") cannot work: the same bytes
 * are letters in every one of these charsets.
 *
 * Converters: glibc iconv for CP1258, TCVN5712-1 (VN1, a superset of TCVN3)
 * and VISCII. VNI (not in iconv) and Windows-1252 are small tables here: see
 * decode_vni for why not librecode; Windows-1252's five undefined bytes decode
 * as C1 controls, as browsers do, instead of failing.
 */
#include "ts_charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ts_buf.h"
#include "ts_text.h"

/* Detection looks at this much input; the winner then converts all of it. */
#define SAMPLE_MAX (256 * 1024)

/* A candidate must reach this score and beat the runner-up by SCORE_MARGIN. */
#define SCORE_MIN 0.6
#define SCORE_MARGIN 0.1

/* Weight of a pure-ASCII word: it looks the same under every candidate and
 * English words such as "the", "to", "an" are also syllables, so it may only
 * nudge the score. */
#define ASCII_WEIGHT 0.2

enum cs {
    CS_UTF8,
    CS_UTF16LE,
    CS_UTF16BE,
    CS_CP1258,
    CS_TCVN3,
    CS_VISCII,
    CS_VNI,
    CS_CP1252,
    CS_UNKNOWN
};

static const char *const cs_names[] = {
    [CS_UTF8] = "utf-8",     [CS_UTF16LE] = "utf-16",
    [CS_UTF16BE] = "utf-16", [CS_CP1258] = "windows-1258",
    [CS_TCVN3] = "tcvn3",    [CS_VISCII] = "viscii",
    [CS_VNI] = "vni",        [CS_CP1252] = "windows-1252",
};

/* Labels after lower-casing and dropping '-', '_', ' ', '.'. */
static const struct {
    const char *label;
    enum cs cs;
} labels[] = {
    {"utf8", CS_UTF8},
    {"unicode11utf8", CS_UTF8},
    {"utf16", CS_UTF16LE},
    {"utf16le", CS_UTF16LE},
    {"utf16be", CS_UTF16BE},
    {"unicode", CS_UTF16LE},
    {"windows1258", CS_CP1258},
    {"cp1258", CS_CP1258},
    {"xcp1258", CS_CP1258},
    {"tcvn3", CS_TCVN3},
    {"tcvn", CS_TCVN3},
    {"tcvn5712", CS_TCVN3},
    {"tcvn57121", CS_TCVN3},
    {"tcvn571293", CS_TCVN3},
    {"vn3", CS_TCVN3},
    {"abc", CS_TCVN3},
    {"xviettcvn5712", CS_TCVN3},
    {"vscii", CS_TCVN3},
    {"vni", CS_VNI},
    {"xvietvni", CS_VNI},
    {"vniwindows", CS_VNI},
    {"viscii", CS_VISCII},
    {"csviscii", CS_VISCII},
    {"xvietviscii", CS_VISCII},
    {"windows1252", CS_CP1252},
    {"cp1252", CS_CP1252},
    {"iso88591", CS_CP1252},
    {"latin1", CS_CP1252},
    {"l1", CS_CP1252},
    {"ascii", CS_CP1252},
    {"usascii", CS_CP1252},
    {"iso885915", CS_CP1252},
    {"xcp1252", CS_CP1252},
};

static enum cs cs_from_hint(const char *hint)
{
    char norm[32];
    size_t n = 0;

    for (const char *p = hint; *p; p++) {
        char c = *p;

        if (c == '-' || c == '_' || c == ' ' || c == '.')
            continue;
        if (n + 1 >= sizeof(norm))
            return CS_UNKNOWN;
        norm[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    norm[n] = '\0';
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(norm, labels[i].label) == 0)
            return labels[i].cs;
    return CS_UNKNOWN;
}

static void add_cp(struct ts_buf *b, int32_t cp)
{
    utf8proc_uint8_t u[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, u);

    (void)ts_buf_addn(b, u, (size_t)n);
}

static bool utf8_valid(const char *s, size_t len, bool *has_multibyte)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    size_t i = 0;

    *has_multibyte = false;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n;

        if (u[i] < 0x80) {
            i++;
            continue;
        }
        n = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i > 4 ? 4 : len - i), &cp);
        if (n < 1)
            return false;
        *has_multibyte = true;
        i += (size_t)n;
    }
    return true;
}

/* ---- decoders: each appends UTF-8 to out and returns the number of bytes it
 * could not decode (each became U+FFFD) ---- */

static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static size_t decode_cp1252(const char *s, size_t len, struct ts_buf *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x80)
            (void)ts_buf_addc(out, (char)c);
        else if (c < 0xA0)
            add_cp(out, cp1252_high[c - 0x80]);
        else
            add_cp(out, c);
    }
    return 0;
}

/* Inverse of decode_cp1252 for one code point; -1 when it has no byte. C1
 * controls map to themselves: ISO-8859-1 readers produce them. */
static int cp1252_byte(int32_t cp)
{
    if (cp <= 0xFF)
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
}

static size_t decode_utf8(const char *s, size_t len, struct ts_buf *out)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    size_t i = 0, bad = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n;

        if (u[i] < 0x80) {
            (void)ts_buf_addc(out, (char)u[i++]);
            continue;
        }
        n = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i > 4 ? 4 : len - i), &cp);
        if (n < 1) {
            add_cp(out, 0xFFFD);
            bad++;
            i++;
            continue;
        }
        (void)ts_buf_addn(out, s + i, (size_t)n);
        i += (size_t)n;
    }
    return bad;
}

static size_t decode_utf16(const char *s, size_t len, bool be, struct ts_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, bad = 0;

    while (i + 1 < len) {
        uint32_t w = be ? (uint32_t)(u[i] << 8 | u[i + 1]) : (uint32_t)(u[i + 1] << 8 | u[i]);

        i += 2;
        if (w >= 0xD800 && w <= 0xDBFF && i + 1 < len) {
            uint32_t w2 = be ? (uint32_t)(u[i] << 8 | u[i + 1]) : (uint32_t)(u[i + 1] << 8 | u[i]);

            if (w2 >= 0xDC00 && w2 <= 0xDFFF) {
                i += 2;
                add_cp(out, (int32_t)(0x10000 + ((w - 0xD800) << 10) + (w2 - 0xDC00)));
                continue;
            }
        }
        if (w >= 0xD800 && w <= 0xDFFF) {
            add_cp(out, 0xFFFD);
            bad++;
            continue;
        }
        add_cp(out, (int32_t)w);
    }
    if (i < len) {
        add_cp(out, 0xFFFD);
        bad++;
    }
    return bad;
}

static size_t decode_iconv(const char *code, const char *s, size_t len, struct ts_buf *out)
{
    char tmp[4096];
    char *in = (char *)s;
    size_t in_left = len, bad = 0;
    iconv_t cd = iconv_open("UTF-8", code);

    if (cd == (iconv_t)-1) {
        /* glibc without gconv modules: count everything non-ASCII as lost. */
        for (size_t i = 0; i < len; i++) {
            if ((unsigned char)s[i] < 0x80) {
                (void)ts_buf_addc(out, s[i]);
            } else {
                add_cp(out, 0xFFFD);
                bad++;
            }
        }
        return bad;
    }
    for (;;) {
        char *o = tmp;
        size_t o_left = sizeof(tmp);
        size_t r = in_left > 0 ? iconv(cd, &in, &in_left, &o, &o_left)
                               : iconv(cd, NULL, NULL, &o, &o_left);
        int e = errno;

        (void)ts_buf_addn(out, tmp, sizeof(tmp) - o_left);
        if (r != (size_t)-1) {
            if (in_left == 0 && o == tmp)
                break; /* input done and the shift state flushed */
            continue;
        }
        if (e == E2BIG)
            continue;
        /* EILSEQ or EINVAL (truncated input): one byte becomes U+FFFD. */
        add_cp(out, 0xFFFD);
        bad++;
        in++;
        in_left--;
    }
    iconv_close(cd);
    return bad;
}

/*
 * VNI-Windows, the layout of the VNI fonts: a base letter followed by a mark
 * byte that carries the circumflex/breve and/or tone (lower-case and
 * upper-case letters have separate mark bytes), plus single bytes for
 * ơ ư đ and the toned i/y that have no room for a mark. Other high bytes are
 * the fonts' Windows-1252 glyphs. We decode it here because librecode's
 * "VNI" turns a mark byte that follows no vowel into a VISCII letter (0xAE
 * alone gives "ệ"), which makes VISCII text score as plausible VNI.
 */
struct vni_mark {
    unsigned char byte;
    int32_t shape; /* U+0302 circumflex, U+0306 breve or 0 */
    int32_t tone;  /* combining tone mark or 0 */
};

static const struct vni_mark vni_marks[] = {
    {0xF9, 0, 0x0301},
    {0xF8, 0, 0x0300},
    {0xFB, 0, 0x0309},
    {0xF5, 0, 0x0303},
    {0xEF, 0, 0x0323},
    {0xE2, 0x0302, 0},
    {0xE1, 0x0302, 0x0301},
    {0xE0, 0x0302, 0x0300},
    {0xE5, 0x0302, 0x0309},
    {0xE3, 0x0302, 0x0303},
    {0xE4, 0x0302, 0x0323},
    {0xEA, 0x0306, 0},
    {0xE9, 0x0306, 0x0301},
    {0xE8, 0x0306, 0x0300},
    {0xFA, 0x0306, 0x0309},
    {0xFC, 0x0306, 0x0303},
    {0xEB, 0x0306, 0x0323},
    /* the same for capitals */
    {0xD9, 0, 0x0301},
    {0xD8, 0, 0x0300},
    {0xDB, 0, 0x0309},
    {0xD5, 0, 0x0303},
    {0xCF, 0, 0x0323},
    {0xC2, 0x0302, 0},
    {0xC1, 0x0302, 0x0301},
    {0xC0, 0x0302, 0x0300},
    {0xC5, 0x0302, 0x0309},
    {0xC3, 0x0302, 0x0303},
    {0xC4, 0x0302, 0x0323},
    {0xCA, 0x0306, 0},
    {0xC9, 0x0306, 0x0301},
    {0xC8, 0x0306, 0x0300},
    {0xDA, 0x0306, 0x0309},
    {0xDC, 0x0306, 0x0303},
    {0xCB, 0x0306, 0x0323},
};

static const struct {
    unsigned char byte;
    int32_t cp;
    char base; /* the vowel a later tone byte attaches to, or 0 */
} vni_letters[] = {
    {0xF6, 0x01B0, 'u'}, {0xF4, 0x01A1, 'o'}, {0xF1, 0x0111, 0},   {0xED, 0x00ED, 0},
    {0xEC, 0x00EC, 0},   {0xE6, 0x1EC9, 0},   {0xF3, 0x0129, 0},   {0xF2, 0x1ECB, 0},
    {0xEE, 0x1EF5, 0},   {0xD6, 0x01AF, 'u'}, {0xD4, 0x01A0, 'o'}, {0xD1, 0x0110, 0},
    {0xCD, 0x00CD, 0},   {0xCC, 0x00CC, 0},   {0xC6, 0x1EC8, 0},   {0xD3, 0x0128, 0},
    {0xD2, 0x1ECA, 0},   {0xCE, 0x1EF4, 0},
};

static size_t decode_vni(const char *s, size_t len, struct ts_buf *out)
{
    /* Lower-case vowel a mark byte may attach to; 'h' after ơ/ư (tone only). */
    char open = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const struct vni_mark *m = NULL;
        size_t k;

        if (c < 0x80) {
            (void)ts_buf_addc(out, (char)c);
            open = (c != 0 && strchr("aeiouyAEIOUY", c)) ? (char)(c | 0x20) : 0;
            continue;
        }
        for (k = 0; k < sizeof(vni_marks) / sizeof(vni_marks[0]); k++)
            if (vni_marks[k].byte == c)
                m = &vni_marks[k];
        if (m && open &&
            (m->shape == 0 || (m->shape == 0x0302 && strchr("aeo", open)) ||
             (m->shape == 0x0306 && open == 'a'))) {
            if (m->shape)
                add_cp(out, m->shape);
            if (m->tone)
                add_cp(out, m->tone);
            open = 0;
            continue;
        }
        open = 0;
        for (k = 0; k < sizeof(vni_letters) / sizeof(vni_letters[0]); k++)
            if (vni_letters[k].byte == c)
                break;
        if (k < sizeof(vni_letters) / sizeof(vni_letters[0])) {
            add_cp(out, vni_letters[k].cp);
            open = vni_letters[k].base ? 'h' : 0;
            continue;
        }
        add_cp(out, c < 0xA0 ? cp1252_high[c - 0x80] : c);
    }
    return 0;
}

static size_t decode_as(enum cs cs, const char *s, size_t len, struct ts_buf *out)
{
    switch (cs) {
    case CS_UTF8: return decode_utf8(s, len, out);
    case CS_UTF16LE: return decode_utf16(s, len, false, out);
    case CS_UTF16BE: return decode_utf16(s, len, true, out);
    case CS_CP1258: return decode_iconv("CP1258", s, len, out);
    case CS_TCVN3: return decode_iconv("TCVN5712-1", s, len, out);
    case CS_VISCII: return decode_iconv("VISCII", s, len, out);
    case CS_VNI: return decode_vni(s, len, out);
    case CS_CP1252:
    case CS_UNKNOWN: break;
    }
    return decode_cp1252(s, len, out);
}

/* ---- scoring ---- */

struct tally {
    double hits;  /* weighted syllables */
    double words; /* weighted words */
};

static void tally_text(const char *utf8, size_t len, struct tally *t)
{
    size_t pos = 0, tok_len;
    const char *tok;

    while (ts_text_next_token(utf8, len, &pos, &tok, &tok_len)) {
        bool ascii = true, digit = false;
        double w;

        for (size_t i = 0; i < tok_len; i++) {
            unsigned char c = (unsigned char)tok[i];

            ascii = ascii && c < 0x80;
            digit = digit || (c >= '0' && c <= '9');
        }
        if (digit)
            continue; /* numbers, version strings, codes: no evidence either way */
        w = ascii ? ASCII_WEIGHT : 1.0;
        t->words += w;
        if (ts_text_is_syllable(tok, tok_len))
            t->hits += w;
    }
}

double ts_charset_vietnamese_score(const char *utf8, size_t len)
{
    struct tally t = {0, 0};

    tally_text(utf8, len, &t);
    return t.words > 0 ? t.hits / t.words : 0.0;
}

/* Score of s decoded as cs; bytes the charset cannot decode count as failed words. */
static double score_as(enum cs cs, const char *s, size_t len)
{
    struct ts_buf b;
    struct tally t = {0, 0};
    size_t bad;

    ts_buf_init(&b, 0);
    bad = decode_as(cs, s, len, &b);
    if (b.len > 0)
        tally_text(b.data, b.len, &t);
    ts_buf_free(&b);
    t.words += (double)bad;
    return t.words > 0 ? t.hits / t.words : 0.0;
}

/*
 * Best legacy candidate for bytes s, or CS_UNKNOWN when none is above SCORE_MIN,
 * SCORE_MARGIN ahead of the runner-up and of `floor` (the score the text has
 * without converting). Only a prefix is scored.
 */
static enum cs detect_legacy(const char *s, size_t len, double floor)
{
    static const enum cs cands[] = {CS_CP1258, CS_TCVN3, CS_VNI, CS_VISCII, CS_CP1252};
    double best = -1.0, second = floor;
    enum cs best_cs = CS_UNKNOWN;

    if (len > SAMPLE_MAX) {
        size_t cut = SAMPLE_MAX;

        /* End the sample at a space so no VNI letter loses its mark byte. */
        while (cut > SAMPLE_MAX / 2 && s[cut - 1] != ' ' && s[cut - 1] != '\n')
            cut--;
        len = cut > SAMPLE_MAX / 2 ? cut : SAMPLE_MAX;
    }
    for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
        double sc = score_as(cands[i], s, len);

        if (sc > best) {
            if (best > second)
                second = best;
            best = sc;
            best_cs = cands[i];
        } else if (sc > second) {
            second = sc;
        }
    }
    if (best < SCORE_MIN || best - second < SCORE_MARGIN || best_cs == CS_CP1252)
        return CS_UNKNOWN;
    return best_cs;
}

/*
 * Valid UTF-8 whose every code point is a Windows-1252 character: either a
 * font-encoded legacy document that an editor stored as Latin-1 code points
 * ("ViÖt Nam"), or UTF-8 that was mis-decoded once ("Viá»‡t"). Map it back to
 * bytes and say which. Returns CS_UNKNOWN to keep the UTF-8 as it is.
 */
static enum cs check_relabelled(const char *s, size_t len, struct ts_buf *bytes)
{
    size_t i = 0;
    bool multibyte;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i > 4 ? 4 : len - i), &cp);
        int byte = n < 1 ? -1 : cp1252_byte(cp);

        if (byte < 0)
            return CS_UNKNOWN;
        (void)ts_buf_addc(bytes, (char)byte);
        i += (size_t)n;
    }
    if (utf8_valid(bytes->data, bytes->len, &multibyte) && multibyte)
        return CS_UTF8;
    return detect_legacy(bytes->data, bytes->len,
                         ts_charset_vietnamese_score(s, len > SAMPLE_MAX ? SAMPLE_MAX : len));
}

static int finish(enum cs cs, const char *s, size_t len, char **out, size_t *out_len,
                  const char **charset)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    (void)decode_as(cs, s, len, &b);
    *out = ts_text_nfc(b.data ? b.data : "", b.len, out_len);
    ts_buf_free(&b);
    *charset = cs_names[cs];
    return TS_OK;
}

int ts_charset_decode(const char *s, size_t len, const char *hint, char **out, size_t *out_len,
                      const char **charset, struct ts_err *err)
{
    const unsigned char *u = (const unsigned char *)s;
    enum cs hinted = hint ? cs_from_hint(hint) : CS_UNKNOWN;
    enum cs cs;
    bool multibyte;
    size_t dummy;

    *out = NULL;
    if (!out_len)
        out_len = &dummy;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return finish(CS_UTF8, s + 3, len - 3, out, out_len, charset);
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return finish(CS_UTF16LE, s + 2, len - 2, out, out_len, charset);
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return finish(CS_UTF16BE, s + 2, len - 2, out, out_len, charset);
    if (hinted != CS_UNKNOWN)
        return finish(hinted, s, len, out, out_len, charset);

    if (utf8_valid(s, len, &multibyte)) {
        struct ts_buf bytes;

        if (!multibyte)
            return finish(CS_UTF8, s, len, out, out_len, charset);
        ts_buf_init(&bytes, 0);
        cs = check_relabelled(s, len, &bytes);
        if (cs != CS_UNKNOWN) {
            int rc = finish(cs, bytes.data, bytes.len, out, out_len, charset);

            ts_buf_free(&bytes);
            return rc;
        }
        ts_buf_free(&bytes);
        return finish(CS_UTF8, s, len, out, out_len, charset);
    }

    cs = detect_legacy(s, len, 0.0);
    if (cs == CS_UNKNOWN) {
        if (hint)
            return ts_fail(err, TS_EPARSE, "unknown charset '%s' and not Vietnamese text", hint);
        cs = CS_CP1252;
    }
    return finish(cs, s, len, out, out_len, charset);
}
