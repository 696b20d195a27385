/*
 * common/ts_text.c - Unicode and Vietnamese text normalisation (see ts_text.h and
 * shared/VIETNAMESE.md sections 1-3): NFC, tokenising, exact and folded terms.
 *
 * Everything works on decomposed code points: a token is decoded into UTF-32,
 * each character decomposed (and case-folded for terms) with
 * utf8proc_decompose_char, put in canonical order, edited (tone mark moved,
 * marks dropped, đ mapped) and recomposed by utf8proc_reencode. Working on NFD
 * is what makes tone placement easy: a Vietnamese vowel is a base letter plus
 * at most one shape mark (U+0302 U+0306 U+031B) and one tone mark.
 *
 * Term functions run once per token while indexing hundreds of megabytes, so
 * they use a stack buffer and only fall back to the heap for absurd tokens;
 * pure-ASCII tokens skip Unicode processing altogether.
 */
#include "ts_text.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "ts_buf.h"
#include "ts_mem.h"

/* Code points: enough for any TS_TOKEN_MAX-byte token after decomposition
 * and case folding without touching the heap. */
#define CP_LOCAL 512

/* ts_text_nfc flushes its buffer at a safe boundary once it holds this many
 * code points, so memory stays bounded on whole documents. */
#define NFC_CHUNK 65536

struct cpbuf {
    int32_t *p;
    size_t n;
    size_t cap;
    int32_t *local; /* stack storage p started with; p is heap when they differ */
};

static void cp_init(struct cpbuf *b, int32_t *local, size_t cap)
{
    b->p = local;
    b->local = local;
    b->n = 0;
    b->cap = cap;
}

static void cp_free(struct cpbuf *b)
{
    if (b->p != b->local)
        free(b->p);
    b->p = b->local;
    b->n = 0;
}

static void cp_reserve(struct cpbuf *b, size_t extra)
{
    size_t need = b->n + extra;
    size_t cap = b->cap;

    if (need <= b->cap)
        return;
    while (cap < need)
        cap *= 2;
    if (b->p == b->local) {
        int32_t *np = ts_xmalloc(cap * sizeof(*np));

        memcpy(np, b->p, b->n * sizeof(*np));
        b->p = np;
    } else {
        b->p = ts_xrealloc(b->p, cap * sizeof(*b->p));
    }
    b->cap = cap;
}

/*
 * Decode one code point at s[0..len); returns the bytes consumed (>= 1).
 * Invalid or truncated sequences give U+FFFD and consume one byte, so the
 * caller always makes progress and never passes bad bytes through.
 */
static size_t next_cp(const char *s, size_t len, int32_t *cp)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t n;

    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    n = utf8proc_iterate(u, (utf8proc_ssize_t)(len > 8 ? 8 : len), cp);
    if (n < 1) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)n;
}

/* Invisible characters that would otherwise split or disguise words
 * (soft hyphen, zero-width space/non-joiner/joiner, BOM as ZWNBSP). */
static bool is_dropped(int32_t cp)
{
    return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200D) || cp == 0xFEFF;
}

static void push_decomposed(struct cpbuf *b, int32_t cp, utf8proc_option_t opts)
{
    for (;;) {
        utf8proc_ssize_t room = (utf8proc_ssize_t)(b->cap - b->n);
        utf8proc_ssize_t r = utf8proc_decompose_char(cp, b->p + b->n, room, opts, NULL);

        if (r < 0) {
            /* Cannot happen for valid code points; keep the text visible. */
            cp_reserve(b, 1);
            b->p[b->n++] = 0xFFFD;
            return;
        }
        if (r <= room) {
            b->n += (size_t)r;
            return;
        }
        cp_reserve(b, (size_t)r);
    }
}

static int ccc(int32_t cp)
{
    if (cp < 0x300)
        return 0;
    return utf8proc_get_property(cp)->combining_class;
}

/* Canonical ordering (UAX #15): stable sort of each run of non-starters by
 * combining class. decompose_char works per character, so this is ours. */
static void canonical_order(int32_t *p, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int32_t c = p[i];
        int cc = ccc(c);
        size_t j = i;

        if (cc == 0)
            continue;
        while (j > 0) {
            int pc = ccc(p[j - 1]);

            if (pc == 0 || pc <= cc)
                break;
            p[j] = p[j - 1];
            j--;
        }
        p[j] = c;
    }
}

/* Compose b->p in place and re-encode it as UTF-8 (also in place; the byte
 * form never needs more room than the UTF-32 form plus the NUL, which
 * cp_reserve(b, 1) guarantees). Returns the byte length. */
static size_t compose_utf8(struct cpbuf *b)
{
    utf8proc_ssize_t r;

    cp_reserve(b, 1);
    canonical_order(b->p, b->n);
    r = utf8proc_reencode(b->p, (utf8proc_ssize_t)b->n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (r < 0) {
        ((char *)b->p)[0] = '\0';
        return 0;
    }
    return (size_t)r;
}

/* Copy at most cap-1 bytes of s plus a NUL, not cutting a UTF-8 sequence. */
static size_t copy_out(const char *s, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    if (len > cap - 1) {
        len = cap - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(out, s, len);
    out[len] = '\0';
    return len;
}

static bool all_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static size_t ascii_lower(const char *s, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    if (len > cap - 1)
        len = cap - 1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[len] = '\0';
    return len;
}

char *ts_text_nfc(const char *s, size_t len, size_t *out_len)
{
    int32_t local[CP_LOCAL];
    struct cpbuf b;
    struct ts_buf out;
    size_t i = 0;

    if (all_ascii(s, len)) {
        if (out_len)
            *out_len = len;
        return ts_xstrndup(s, len);
    }
    ts_buf_init(&out, 0);
    cp_init(&b, local, CP_LOCAL);
    while (i < len) {
        int32_t cp;

        i += next_cp(s + i, len - i, &cp);
        /* Before an ASCII character is a safe place to flush: no canonical
         * composition has an ASCII character as its second element. */
        if (cp < 0x80 && b.n >= NFC_CHUNK) {
            size_t n = compose_utf8(&b);

            (void)ts_buf_addn(&out, b.p, n);
            b.n = 0;
        }
        if (is_dropped(cp))
            continue;
        if (cp < 0x80) {
            cp_reserve(&b, 1);
            b.p[b.n++] = cp;
        } else {
            push_decomposed(&b, cp, UTF8PROC_DECOMPOSE);
        }
    }
    if (b.n > 0) {
        size_t n = compose_utf8(&b);

        (void)ts_buf_addn(&out, b.p, n);
    }
    cp_free(&b);
    if (out_len)
        *out_len = out.len;
    return ts_buf_take(&out);
}

static bool is_word_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
    }
}

static bool is_mark_cp(int32_t cp)
{
    utf8proc_category_t c;

    if (cp < 0x300)
        return false;
    c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

bool ts_text_next_token(const char *s, size_t len, size_t *pos, const char **tok, size_t *tok_len)
{
    size_t i = *pos;
    size_t start;
    size_t base_start;
    int32_t cp;

    while (i < len) {
        size_t n = next_cp(s + i, len - i, &cp);

        if (is_word_cp(cp))
            break;
        i += n;
    }
    if (i >= len) {
        *pos = len;
        return false;
    }
    start = i;
    base_start = i;
    while (i < len) {
        size_t n = next_cp(s + i, len - i, &cp);

        if (!is_word_cp(cp))
            break;
        if (i + n - start > TS_TOKEN_MAX) {
            /* Cut here, but keep a base letter and its marks together when
             * the token has room before them; the rest becomes the next token. */
            if (is_mark_cp(cp) && base_start > start)
                i = base_start;
            break;
        }
        if (!is_mark_cp(cp))
            base_start = i;
        i += n;
    }
    *tok = s + start;
    *tok_len = i - start;
    *pos = i;
    return true;
}

/*
 * Decode s into b as decomposed (and, with CASEFOLD in opts, case-folded)
 * code points in canonical order, dropping default-ignorables.
 */
static void decode_nfd(struct cpbuf *b, const char *s, size_t len, utf8proc_option_t opts)
{
    size_t i = 0;

    while (i < len) {
        int32_t cp;

        i += next_cp(s + i, len - i, &cp);
        if (is_dropped(cp))
            continue;
        if (cp < 0x80) {
            /* Most letters of a Vietnamese syllable are ASCII; skip utf8proc. */
            if ((opts & UTF8PROC_CASEFOLD) && cp >= 'A' && cp <= 'Z')
                cp += 'a' - 'A';
            cp_reserve(b, 1);
            b->p[b->n++] = cp;
        } else {
            push_decomposed(b, cp, opts);
        }
    }
    canonical_order(b->p, b->n);
}

/* ---- tone placement (VIETNAMESE.md section 3) on NFD code points ---- */

static bool is_tone_mark(int32_t cp)
{
    return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 || cp == 0x0323;
}

static bool is_shape_mark(int32_t cp)
{
    return cp == 0x0302 || cp == 0x0306 || cp == 0x031B;
}

/* One letter of a syllable: base code point plus its shape mark (0 if none). */
struct unit {
    int32_t base;
    int32_t shape;
    size_t end; /* index after this letter's base and marks */
};

#define MAX_UNITS 12

static bool is_vowel_unit(const struct unit *u)
{
    switch (u->base) {
    case 'a': return u->shape == 0 || u->shape == 0x0302 || u->shape == 0x0306;
    case 'e': return u->shape == 0 || u->shape == 0x0302;
    case 'o': return u->shape == 0 || u->shape == 0x0302 || u->shape == 0x031B;
    case 'u': return u->shape == 0 || u->shape == 0x031B;
    case 'i':
    case 'y': return u->shape == 0;
    default: return false;
    }
}

static bool is_consonant_unit(const struct unit *u)
{
    if (u->shape != 0)
        return false;
    if (u->base == 0x0111)
        return true;
    return u->base >= 'a' && u->base <= 'z' && !is_vowel_unit(u);
}

static bool coda_ok(const struct unit *u, size_t n)
{
    static const char *const codas[] = {"c", "ch", "m", "n", "ng", "nh", "p", "t"};
    char s[3];

    if (n == 0)
        return true;
    if (n > 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!is_consonant_unit(&u[i]) || u[i].base > 0x7F)
            return false;
        s[i] = (char)u[i].base;
    }
    s[n] = '\0';
    for (size_t i = 0; i < sizeof(codas) / sizeof(codas[0]); i++)
        if (strcmp(s, codas[i]) == 0)
            return true;
    return false;
}

enum { RHYME_OPEN = 1, RHYME_CLOSED = 2, RHYME_ANY = 3 };

struct nucleus {
    const char *v;
    int allowed;
};

/* Vowel nuclei of standard Vietnamese spelling and whether they take a final
 * consonant; glides written as i/y/o/u at the end belong to the nucleus. */
static const struct nucleus nuclei[] = {
    {"a", RHYME_ANY},     {"ă", RHYME_CLOSED},  {"â", RHYME_CLOSED},   {"e", RHYME_ANY},
    {"ê", RHYME_ANY},     {"i", RHYME_ANY},     {"o", RHYME_ANY},      {"ô", RHYME_ANY},
    {"ơ", RHYME_ANY},     {"u", RHYME_ANY},     {"ư", RHYME_ANY},      {"y", RHYME_ANY},
    {"ai", RHYME_OPEN},   {"ao", RHYME_OPEN},   {"au", RHYME_OPEN},    {"ay", RHYME_OPEN},
    {"âu", RHYME_OPEN},   {"ây", RHYME_OPEN},   {"eo", RHYME_OPEN},    {"êu", RHYME_OPEN},
    {"ia", RHYME_OPEN},   {"iu", RHYME_OPEN},   {"oi", RHYME_OPEN},    {"ôi", RHYME_OPEN},
    {"ơi", RHYME_OPEN},   {"ua", RHYME_OPEN},   {"ui", RHYME_OPEN},    {"ưa", RHYME_OPEN},
    {"ưi", RHYME_OPEN},   {"ưu", RHYME_OPEN},   {"uơ", RHYME_OPEN},    {"iê", RHYME_CLOSED},
    {"yê", RHYME_CLOSED}, {"uâ", RHYME_CLOSED}, {"uô", RHYME_CLOSED},  {"oă", RHYME_CLOSED},
    {"oo", RHYME_CLOSED}, {"ươ", RHYME_ANY},    {"oa", RHYME_ANY},     {"oe", RHYME_ANY},
    {"uê", RHYME_ANY},    {"uy", RHYME_ANY},    {"iêu", RHYME_OPEN},   {"yêu", RHYME_OPEN},
    {"oai", RHYME_OPEN},  {"oay", RHYME_OPEN},  {"oao", RHYME_OPEN},   {"oeo", RHYME_OPEN},
    {"uây", RHYME_OPEN},  {"uôi", RHYME_OPEN},  {"ươi", RHYME_OPEN},   {"ươu", RHYME_OPEN},
    {"uya", RHYME_OPEN},  {"uyu", RHYME_OPEN},  {"uyê", RHYME_CLOSED},
};

/* Precomposed lower-case vowel of a unit, as UTF-8 (unit already a vowel). */
static const char *vowel_utf8(const struct unit *u)
{
    switch (u->shape) {
    case 0x0302: return u->base == 'a' ? "â" : u->base == 'e' ? "ê" : "ô";
    case 0x0306: return "ă";
    case 0x031B: return u->base == 'o' ? "ơ" : "ư";
    default:
        switch (u->base) {
        case 'a': return "a";
        case 'e': return "e";
        case 'i': return "i";
        case 'o': return "o";
        case 'u': return "u";
        default: return "y";
        }
    }
}

/* Allowed RHYME_* flags of the nucleus u[0..n), 0 when it is not Vietnamese. */
static int nucleus_rhyme(const struct unit *u, size_t n)
{
    char v[16];
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        const char *c = vowel_utf8(&u[i]);
        size_t cl = strlen(c);

        if (len + cl >= sizeof(v))
            return 0;
        memcpy(v + len, c, cl);
        len += cl;
    }
    v[len] = '\0';
    for (size_t i = 0; i < sizeof(nuclei) / sizeof(nuclei[0]); i++)
        if (strcmp(v, nuclei[i].v) == 0)
            return nuclei[i].allowed;
    return 0;
}

/*
 * Parse NFD lower-case code points into letters. Returns the number of units,
 * or 0 when the text is not made of Vietnamese letters (any other base or mark).
 * The tone mark, if any, is skipped and its index stored in *tone_at.
 */
static size_t parse_units(const int32_t *p, size_t n, struct unit *u, size_t *tone_at,
                          size_t *n_tones)
{
    size_t nu = 0;
    size_t i = 0;

    *n_tones = 0;
    while (i < n) {
        if (nu == MAX_UNITS || ccc(p[i]) != 0)
            return 0;
        u[nu].base = p[i];
        u[nu].shape = 0;
        if (!(p[i] >= 'a' && p[i] <= 'z') && p[i] != 0x0111)
            return 0;
        for (i++; i < n && ccc(p[i]) != 0; i++) {
            if (is_tone_mark(p[i])) {
                *tone_at = i;
                (*n_tones)++;
            } else if (is_shape_mark(p[i]) && u[nu].shape == 0) {
                u[nu].shape = p[i];
            } else {
                return 0;
            }
        }
        u[nu].end = i;
        nu++;
    }
    return nu;
}

/*
 * Move the tone mark of one NFD, lower-case, canonically ordered syllable to
 * its rule position. Returns true when p was changed (then re-order before
 * composing). Non-syllables are left alone.
 */
static bool tone_fix(int32_t *p, size_t n)
{
    struct unit u[MAX_UNITS];
    size_t tone_at = 0, n_tones, nu, on, nuc, i, target, dest;
    int32_t tone;

    nu = parse_units(p, n, u, &tone_at, &n_tones);
    if (nu == 0 || n_tones != 1)
        return false;
    /* Onset: "qu"/"gi" before a vowel, else the leading consonants. */
    if (nu >= 3 &&
        ((u[0].base == 'q' && u[1].base == 'u') || (u[0].base == 'g' && u[1].base == 'i')) &&
        u[1].shape == 0 && is_vowel_unit(&u[2])) {
        on = 2;
    } else {
        for (on = 0; on < nu && is_consonant_unit(&u[on]); on++)
            ;
    }
    for (nuc = 0; on + nuc < nu && is_vowel_unit(&u[on + nuc]); nuc++)
        ;
    /* The nucleus check goes beyond section 3: it keeps foreign words with one
     * accent ("où", "leí") from having it moved. */
    if (nuc == 0 || nuc > 3 || !coda_ok(&u[on + nuc], nu - on - nuc) || !nucleus_rhyme(&u[on], nuc))
        return false;

    target = SIZE_MAX;
    for (i = 0; i < nuc; i++)
        if (u[on + i].shape != 0)
            target = on + i;
    if (target == SIZE_MAX) {
        if (nuc == 1)
            target = on;
        else if (nu > on + nuc)
            target = on + nuc - 1;
        else if (nuc == 3)
            target = on + 1;
        else
            target = on; /* open oa/oe/uy...: old style, tone on the first vowel */
    }

    /* Remove the mark, then insert it after the target letter's marks; the
     * caller's canonical reordering puts dot below (ccc 220) before U+0302. */
    tone = p[tone_at];
    memmove(p + tone_at, p + tone_at + 1, (n - tone_at - 1) * sizeof(*p));
    dest = u[target].end;
    if (tone_at < dest)
        dest--;
    memmove(p + dest + 1, p + dest, (n - 1 - dest) * sizeof(*p));
    p[dest] = tone;
    return dest != tone_at;
}

size_t ts_text_exact_token(const char *tok, size_t len, char *out, size_t cap)
{
    int32_t local[CP_LOCAL];
    struct cpbuf b;
    size_t n;

    if (all_ascii(tok, len))
        return ascii_lower(tok, len, out, cap);
    cp_init(&b, local, CP_LOCAL);
    decode_nfd(&b, tok, len, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
    tone_fix(b.p, b.n);
    n = compose_utf8(&b);
    n = copy_out((const char *)b.p, n, out, cap);
    cp_free(&b);
    return n;
}

static bool is_d_like(int32_t cp)
{
    /* đ Đ, ð Ð (eth, what bad converters produce), Ɖ and its fold ɖ */
    return cp == 0x0111 || cp == 0x0110 || cp == 0x00F0 || cp == 0x00D0 || cp == 0x0189 ||
           cp == 0x0256;
}

static bool is_strippable_mark(int32_t cp)
{
    utf8proc_category_t c;

    if (cp < 0x300)
        return false;
    c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_ME;
}

static bool all_cp_ascii(const int32_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0x80)
            return false;
    return true;
}

size_t ts_text_fold_token(const char *exact, size_t len, char *out, size_t cap)
{
    int32_t local[CP_LOCAL];
    struct cpbuf b;
    size_t n, j = 0;

    if (all_ascii(exact, len))
        return ascii_lower(exact, len, out, cap);
    cp_init(&b, local, CP_LOCAL);
    decode_nfd(&b, exact, len, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
    for (size_t i = 0; i < b.n; i++) {
        int32_t cp = b.p[i];

        if (is_strippable_mark(cp))
            continue;
        b.p[j++] = is_d_like(cp) ? 'd' : cp;
    }
    b.n = j;
    if (all_cp_ascii(b.p, b.n)) {
        /* The usual Vietnamese result: nothing left to compose. */
        n = b.n < cap ? b.n : (cap > 0 ? cap - 1 : 0);
        for (size_t i = 0; i < n; i++)
            out[i] = (char)b.p[i];
        if (cap > 0)
            out[n] = '\0';
        cp_free(&b);
        return n;
    }
    n = compose_utf8(&b);
    n = copy_out((const char *)b.p, n, out, cap);
    cp_free(&b);
    return n;
}

bool ts_text_has_diacritics(const char *exact, size_t len)
{
    size_t i = 0;

    while (i < len) {
        int32_t cp, d[8];
        utf8proc_ssize_t r;

        if ((unsigned char)exact[i] < 0x80) {
            i++;
            continue;
        }
        i += next_cp(exact + i, len - i, &cp);
        if (is_d_like(cp) || is_strippable_mark(cp))
            return true;
        r = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, NULL);
        for (utf8proc_ssize_t k = 1; k < r && k < 8; k++)
            if (is_strippable_mark(d[k]))
                return true;
    }
    return false;
}

char *ts_text_tone_canonical(const char *syllable)
{
    int32_t local[CP_LOCAL];
    struct cpbuf b;
    size_t len = strlen(syllable), n;
    char *res;

    if (all_ascii(syllable, len))
        return ts_xstrndup(syllable, len);
    cp_init(&b, local, CP_LOCAL);
    decode_nfd(&b, syllable, len, UTF8PROC_DECOMPOSE);
    if (!tone_fix(b.p, b.n)) {
        cp_free(&b);
        return ts_xstrndup(syllable, len);
    }
    n = compose_utf8(&b);
    res = ts_xstrndup((const char *)b.p, n);
    cp_free(&b);
    return res;
}

/* ---- syllable grammar, for charset detection (ts_charset.c) ---- */

/* Longest first, so "ngh" wins over "ng" and "n". */
static const char *const onsets[] = {
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c",
    "d",   "g",  "h",  "k",  "l",  "m",  "n",  "p",  "r",  "s",  "t",  "v", "x",
};

static bool is_front_vowel(const struct unit *u)
{
    return u->base == 'i' || u->base == 'y' || u->base == 'e';
}

/* Length in units of the onset at u (consonants only; đ is "d" with a bar). */
static size_t match_onset(const struct unit *u, size_t nu)
{
    for (size_t k = 0; k < sizeof(onsets) / sizeof(onsets[0]); k++) {
        size_t m = strlen(onsets[k]), i;

        if (m > nu)
            continue;
        for (i = 0; i < m; i++)
            if (u[i].base != onsets[k][i] || u[i].shape != 0)
                break;
        if (i < m)
            continue;
        /* "gi" and "qu" are onsets only before another vowel ("gì" is g + ì). */
        if ((m == 2 && (onsets[k][0] == 'g' || onsets[k][0] == 'q') && onsets[k][1] != 'h') &&
            (nu < 3 || !is_vowel_unit(&u[2])))
            continue;
        return m;
    }
    return u[0].base == 0x0111 && u[0].shape == 0 ? 1 : 0;
}

bool ts_text_is_syllable(const char *tok, size_t len)
{
    int32_t local[64];
    struct cpbuf b;
    struct unit u[MAX_UNITS];
    size_t tone_at = 0, n_tones, nu, on, nuc, i;
    int32_t tone = 0;
    int rhyme;
    bool ok = false;

    if (len == 0 || len > 32)
        return false;
    cp_init(&b, local, 64);
    decode_nfd(&b, tok, len, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
    nu = parse_units(b.p, b.n, u, &tone_at, &n_tones);
    if (nu == 0 || n_tones > 1)
        goto out;
    if (n_tones == 1)
        tone = b.p[tone_at];
    on = match_onset(u, nu);
    if (on == 0 && u[0].base == 'q')
        goto out;
    for (nuc = 0; on + nuc < nu && is_vowel_unit(&u[on + nuc]); nuc++)
        ;
    if (nuc == 0 || !coda_ok(&u[on + nuc], nu - on - nuc))
        goto out;
    rhyme = nucleus_rhyme(&u[on], nuc);
    if (!(rhyme & (nu > on + nuc ? RHYME_CLOSED : RHYME_OPEN)))
        goto out;
    /* Stop finals carry only the rising (sắc) or heavy (nặng) tone. */
    if (nu > on + nuc) {
        int32_t last = u[nu - 1].base;

        if ((last == 'c' || last == 'p' || last == 't' || (last == 'h' && u[nu - 2].base == 'c')) &&
            tone != 0x0301 && tone != 0x0323)
            goto out;
    }
    /* Spelling: k gh ngh before i y e ê only; c ng never there; g not before e ê. */
    if (on > 0 && on <= 3 && u[0].base != 0x0111) {
        char o[4];
        bool front = is_front_vowel(&u[on]);

        for (i = 0; i < on; i++)
            o[i] = (char)u[i].base;
        o[on] = '\0';
        if (!front && (!strcmp(o, "k") || !strcmp(o, "gh") || !strcmp(o, "ngh")))
            goto out;
        if (front && (!strcmp(o, "c") || !strcmp(o, "ng")))
            goto out;
        if (!strcmp(o, "g") && u[on].base == 'e')
            goto out;
    }
    ok = true;
out:
    cp_free(&b);
    return ok;
}

typedef size_t (*term_fn)(const char *tok, size_t len, char *out, size_t cap);

static size_t fold_of_token(const char *tok, size_t len, char *out, size_t cap)
{
    char exact[4 * TS_TOKEN_MAX + 1];
    size_t n = ts_text_exact_token(tok, len, exact, sizeof(exact));

    return ts_text_fold_token(exact, n, out, cap);
}

static char *join_terms(const char *s, size_t len, term_fn fn)
{
    char term[4 * TS_TOKEN_MAX + 1];
    struct ts_buf out;
    size_t nfc_len, pos = 0, tok_len;
    const char *tok;
    char *nfc = ts_text_nfc(s, len, &nfc_len);

    ts_buf_init(&out, 0);
    while (ts_text_next_token(nfc, nfc_len, &pos, &tok, &tok_len)) {
        size_t n = fn(tok, tok_len, term, sizeof(term));

        if (n == 0)
            continue;
        if (out.len > 0)
            (void)ts_buf_addc(&out, ' ');
        (void)ts_buf_addn(&out, term, n);
    }
    free(nfc);
    return ts_buf_take(&out);
}

char *ts_text_exact(const char *s, size_t len)
{
    return join_terms(s, len, ts_text_exact_token);
}

char *ts_text_fold(const char *s, size_t len)
{
    return join_terms(s, len, fold_of_token);
}
