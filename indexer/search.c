/*
 * indexer/search.c - queries: ranked, collapsed hits with snippets, facet
 * counts, "did you mean", and title completion (indexer.h).
 *
 * The reader's text is never given to Xapian's QueryParser, which cannot
 * normalise Vietnamese. It is NFC-normalised and cut into syllables with the
 * same functions the analyzer uses (VIETNAMESE.md 1, 5), then built into a
 * query tree through the shim:
 *   - a syllable typed with marks:  OR(SCALE(exact, 2), XF folded)
 *     a syllable typed without:     XF folded
 *   - "quoted words" and words joined by punctuation ("sources.list",
 *     "ssh-keygen"): PHRASE on XF (OR a scaled exact PHRASE if any marks)
 *   - all of these ANDed, or ORed when AND finds nothing,
 *   - AND_MAYBE boosts: folded title words XFS, folded bigrams XB of
 *     adjacent words, and an XF phrase for adjacent words typed without
 *     marks (the index has bigrams only for pairs with a marked syllable).
 * Hits collapse on the record id (value slot 0), so a record is listed once,
 * by its best document (its metadata or one section).
 *
 * Snippets are cut here, in C, from the section text stored as document data:
 * the window of about snippet_chars characters holding the most distinct
 * query words (accent-insensitive, exact accents preferred), never splitting a
 * UTF-8 character, with matches wrapped in the caller's markers.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "analyzer.h"
#include "indexer.h"
#include "schema.h"
#include "ts_buf.h"
#include "ts_isbn.h"
#include "ts_mem.h"
#include "ts_text.h"
#include "ts_util.h"
#include "xapian_shim.h"

#define MAX_QWORDS 32   /* words of a query beyond this are ignored */
#define EXACT_BOOST 2.0 /* weight of an exact (accented) match over a folded one */
#define FACET_CHECK 500 /* documents looked at for facet counts and totals (see run()) */
#define SUGGEST_EXPANSION 100
#define SNIPPET_DEFAULT 200

/* ---- parsing the reader's text ---- */

struct qword {
    struct an_token t;
    size_t start, end; /* bytes in the NFC query */
    size_t group;      /* words of one phrase share a group */
};

struct qparse {
    char *nfc;
    size_t nfc_len;
    struct qword *w;
    size_t n;
    size_t n_groups;
};

static void qparse_free(struct qparse *qp)
{
    free(qp->nfc);
    free(qp->w);
    memset(qp, 0, sizeof *qp);
}

/* Length of a quote character at s (", “, ”, „), else 0. */
static size_t quote_at(const char *s, size_t len)
{
    if (s[0] == '"')
        return 1;
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x9C || (unsigned char)s[2] == 0x9D || (unsigned char)s[2] == 0x9E))
        return 3;
    return 0;
}

static bool has_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
            (unsigned char)s[i] == 0xC2 /* NBSP and friends */)
            return true;
    return false;
}

/* Words of one segment: quoted segments are one phrase; elsewhere words
 * touching through punctuation form a phrase. */
static void parse_segment(struct qparse *qp, size_t seg, size_t seg_len, bool quoted)
{
    size_t pos = 0, prev_end = 0;
    const char *tok;
    size_t tok_len;
    bool first = true;

    while (qp->n < MAX_QWORDS && ts_text_next_token(qp->nfc + seg, seg_len, &pos, &tok, &tok_len)) {
        struct qword *w = &qp->w[qp->n];
        size_t start = (size_t)(tok - (qp->nfc + seg));

        if (!an_token_forms(tok, tok_len, &w->t))
            continue;
        if (first || (!quoted && has_space(qp->nfc + seg + prev_end, start - prev_end)))
            qp->n_groups++;
        first = false;
        w->start = seg + start;
        w->end = seg + start + tok_len;
        w->group = qp->n_groups - 1;
        prev_end = start + tok_len;
        qp->n++;
    }
}

static void qparse_run(struct qparse *qp, const char *text)
{
    size_t i = 0, seg = 0;
    bool quoted = false;

    memset(qp, 0, sizeof *qp);
    qp->nfc = ts_text_nfc(text, strlen(text), &qp->nfc_len);
    qp->w = ts_xcalloc(MAX_QWORDS, sizeof *qp->w);
    while (i < qp->nfc_len) {
        size_t q = quote_at(qp->nfc + i, qp->nfc_len - i);

        if (!q) {
            i++;
            continue;
        }
        parse_segment(qp, seg, i - seg, quoted);
        quoted = !quoted;
        i += q;
        seg = i;
    }
    parse_segment(qp, seg, qp->nfc_len - seg, quoted);
}

/* ---- building the query ---- */

/* Every xs_q made for one search, freed together. */
struct qpool {
    xs_q **q;
    size_t n, cap;
    struct ts_err *err;
    int rc;
};

static xs_q *pool_keep(struct qpool *p, int rc, xs_q *q)
{
    if (rc) {
        if (!p->rc)
            p->rc = rc;
        return NULL;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->q = ts_xrealloc(p->q, p->cap * sizeof *p->q);
    }
    p->q[p->n++] = q;
    return q;
}

static void pool_free(struct qpool *p)
{
    for (size_t i = 0; i < p->n; i++)
        xs_q_free(p->q[i]);
    free(p->q);
}

static xs_q *q_term2(struct qpool *p, const char *prefix, const char *form, size_t len)
{
    char buf[8 + AN_FORM_CAP];
    size_t pl = strlen(prefix);
    xs_q *q = NULL;
    int rc;

    if (p->rc)
        return NULL;
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, form, len);
    rc = xs_q_term(buf, pl + len, &q, p->err);
    return pool_keep(p, rc, q);
}

static xs_q *q_combine(struct qpool *p, enum xs_op op, xs_q **subs, size_t n)
{
    xs_q *q = NULL;
    int rc;

    if (p->rc)
        return NULL;
    if (n == 1 && op != XS_OP_PHRASE)
        return subs[0];
    rc = xs_q_combine(op, subs, n, &q, p->err);
    return pool_keep(p, rc, q);
}

static xs_q *q_scale(struct qpool *p, xs_q *sub, double f)
{
    xs_q *q = NULL;
    int rc;

    if (p->rc)
        return NULL;
    rc = xs_q_scale(sub, f, &q, p->err);
    return pool_keep(p, rc, q);
}

/* One syllable: exact (boosted) or folded if typed with marks, else folded. */
static xs_q *q_word(struct qpool *p, const struct qword *w)
{
    xs_q *fold = q_term2(p, IX_P_FOLD, w->t.fold, w->t.fold_len);
    xs_q *both[2];

    if (!w->t.accented)
        return fold;
    both[0] = q_scale(p, q_term2(p, "", w->t.exact, w->t.exact_len), EXACT_BOOST);
    both[1] = fold;
    return q_combine(p, XS_OP_OR, both, 2);
}

/* Words [a, b) as a phrase on folded positions, plus, if any was typed with
 * marks, the same phrase on exact terms (unmarked words keep their XF term,
 * which shares the position) with the exact boost. */
static xs_q *q_phrase(struct qpool *p, const struct qword *w, size_t a, size_t b)
{
    xs_q *fold[MAX_QWORDS], *exact[MAX_QWORDS], *both[2];
    bool accented = false;

    for (size_t i = a; i < b; i++) {
        fold[i - a] = q_term2(p, IX_P_FOLD, w[i].t.fold, w[i].t.fold_len);
        exact[i - a] =
            w[i].t.accented ? q_term2(p, "", w[i].t.exact, w[i].t.exact_len) : fold[i - a];
        accented |= w[i].t.accented;
    }
    both[0] = q_combine(p, XS_OP_PHRASE, fold, b - a);
    if (!accented)
        return both[0];
    both[1] = q_scale(p, q_combine(p, XS_OP_PHRASE, exact, b - a), EXACT_BOOST);
    return q_combine(p, XS_OP_OR, both, 2);
}

#define PAIR_CAP (2 * AN_FORM_CAP + 8)

/* The folded bigram term (XB) of query words i-1 and i into big[PAIR_CAP];
 * its length, 0 if it does not fit. */
static size_t pair_bigram(const struct qparse *qp, size_t i, char *big)
{
    const struct an_token *a = &qp->w[i - 1].t, *b = &qp->w[i].t;
    return an_bigram(a->fold, a->fold_len, b->fold, b->fold_len, big, PAIR_CAP);
}

/* Was the query typed in Vietnamese without marks? Then some pair of its
 * words is a folded bigram (XB) the index has: bigrams are indexed wherever
 * either syllable carries marks (schema.c), and an English query's pairs
 * have none. */
static bool pairs_are_bigrams(indexer *ix, const struct qparse *qp)
{
    char big[PAIR_CAP];

    for (size_t i = 1; i < qp->n; i++) {
        size_t n = pair_bigram(qp, i, big), freq = 0;
        struct ts_err err;

        if (n && xs_termfreq(ix->db, big, n, &freq, &err) == TS_OK && freq > 0)
            return true;
    }
    return false;
}

/* The main query (AND or OR of groups) with the bigram and title boosts.
 * `phrases`: score unmarked pairs as phrases too (see search_parsed). */
static xs_q *q_build(struct qpool *p, const struct qparse *qp, enum xs_op op, bool phrases)
{
    xs_q *groups[MAX_QWORDS], *boost[3 * MAX_QWORDS], *top[2], *main_q;
    size_t n_groups = 0, n_boost = 0;
    char big[PAIR_CAP];

    for (size_t i = 0; i < qp->n;) {
        size_t j = i + 1;

        while (j < qp->n && qp->w[j].group == qp->w[i].group)
            j++;
        groups[n_groups++] = j - i == 1 ? q_word(p, &qp->w[i]) : q_phrase(p, qp->w, i, j);
        i = j;
    }
    main_q = q_combine(p, op, groups, n_groups);
    for (size_t i = 0; i < qp->n; i++) {
        boost[n_boost++] = q_term2(p, IX_P_FOLD_TITLE, qp->w[i].t.fold, qp->w[i].t.fold_len);
        if (i > 0) {
            size_t n = pair_bigram(qp, i, big);

            if (n)
                boost[n_boost++] = q_term2(p, "", big, n);
            if (phrases && !qp->w[i - 1].t.accented && !qp->w[i].t.accented)
                boost[n_boost++] = q_phrase(p, qp->w, i - 1, i + 1);
        }
    }
    top[0] = main_q;
    top[1] = q_combine(p, XS_OP_OR, boost, n_boost);
    return q_combine(p, XS_OP_AND_MAYBE, top, 2);
}

/* ---- filters ---- */

struct filters {
    char *terms[5];
    size_t n;
};

static void filters_add(struct filters *f, const char *prefix, const char *v, size_t len)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    if (ix_schema_term(&b, prefix, v, len) == TS_OK)
        f->terms[f->n++] = ts_buf_take(&b);
    else /* too long to be a real code: match nothing */
        f->terms[f->n++] = ts_xstrdup("XNONE");
}

static void filters_build(struct filters *f, const struct ix_query *q)
{
    char lang[16];
    size_t n;

    memset(f, 0, sizeof *f);
    if (q->library && *q->library)
        filters_add(f, IX_P_LIBRARY, q->library, strlen(q->library));
    if (q->language && (n = ix_schema_lang(q->language, lang, sizeof lang)))
        filters_add(f, IX_P_LANG, lang, n);
    if (q->type && *q->type)
        filters_add(f, IX_P_TYPE, q->type, strlen(q->type));
    if (q->available_at && *q->available_at)
        filters_add(f, IX_P_AVAILABLE, q->available_at, strlen(q->available_at));
    if (q->year && *q->year)
        filters_add(f, IX_P_YEAR, q->year, strlen(q->year));
}

static void filters_free(struct filters *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->terms[i]);
}

/* ---- snippets ---- */

/* A distinct query word the snippet looks for. */
struct target {
    const struct an_token *t;
};

struct match {
    size_t b0, b1; /* bytes */
    size_t c0, c1; /* characters */
    unsigned target;
    bool exact;
};

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static size_t utf8_back(const char *s, size_t pos, size_t chars)
{
    while (pos > 0 && chars > 0) {
        pos--;
        while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80)
            pos--;
        chars--;
    }
    return pos;
}

static size_t utf8_fwd(const char *s, size_t len, size_t pos, size_t chars)
{
    while (pos < len && chars > 0) {
        pos++;
        while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
            pos++;
        chars--;
    }
    return pos;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void add_escaped(struct ts_buf *b, const char *s, size_t n, int escape_html,
                        bool *last_space)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (is_ws(c) || ((unsigned char)c < 0x20)) {
            if (!*last_space)
                (void)ts_buf_addc(b, ' ');
            *last_space = true;
            continue;
        }
        *last_space = false;
        if (escape_html && c == '&')
            (void)ts_buf_add(b, "&amp;");
        else if (escape_html && c == '<')
            (void)ts_buf_add(b, "&lt;");
        else if (escape_html && c == '>')
            (void)ts_buf_add(b, "&gt;");
        else if (escape_html && c == '"')
            (void)ts_buf_add(b, "&quot;");
        else
            (void)ts_buf_addc(b, c);
    }
}

struct snip_ctx {
    struct target tg[MAX_QWORDS];
    size_t n_tg;
    unsigned char_len_mask; /* bit k: some target has k folded characters (k < 32) */
    bool any_long;          /* some target has >= 32 */
    bool first[128];        /* ASCII bytes a matching token can start with */
};

static void snip_ctx_init(struct snip_ctx *sc, const struct qparse *qp)
{
    memset(sc, 0, sizeof *sc);
    for (size_t i = 0; i < qp->n; i++) {
        const struct an_token *t = &qp->w[i].t;
        size_t k, c;
        bool dup = false;

        for (k = 0; k < sc->n_tg && !dup; k++)
            dup = sc->tg[k].t->fold_len == t->fold_len &&
                  memcmp(sc->tg[k].t->fold, t->fold, t->fold_len) == 0 &&
                  sc->tg[k].t->accented == t->accented &&
                  (!t->accented || (sc->tg[k].t->exact_len == t->exact_len &&
                                    !memcmp(sc->tg[k].t->exact, t->exact, t->exact_len)));
        if (dup)
            continue;
        sc->tg[sc->n_tg++].t = t;
        if (t->fold_len && (unsigned char)t->fold[0] < 0x80) {
            unsigned char f = (unsigned char)t->fold[0];
            sc->first[f] = true;
            if (f >= 'a' && f <= 'z')
                sc->first[f - 'a' + 'A'] = true;
        }
        c = count_chars(t->fold, t->fold_len);
        if (c < 32)
            sc->char_len_mask |= 1u << c;
        else
            sc->any_long = true;
    }
}

/*
 * Folding without normalising: the ASCII letter each Latin letter with
 * diacritics folds to (U+00C0-U+024F, U+1E00-U+1EFF: every Vietnamese letter),
 * worked out once through the analyzer's own functions (exact form, then
 * folded), so it cannot disagree with them. A token's folded form is the
 * concatenation of its letters' folded forms (case folding, composition and
 * tone placement never change a letter's base), which lets match_token()
 * reject a Vietnamese word without the full an_token_forms() (perf: that was
 * the biggest cost of cutting a snippet). 0: not a single letter, ask the
 * slow path; FOLD_DROP: a combining mark, dropped by folding.
 */
#define FOLD_DROP 1
static unsigned char fold_latin[0x250 - 0xC0], fold_ext[0x100];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_one(unsigned cp, unsigned char *slot)
{
    char in[4], ex[32], fo[32];
    size_t n = cp < 0x800 ? 2 : 3, el, fl;

    if (n == 2) {
        in[0] = (char)(0xC0 | (cp >> 6));
        in[1] = (char)(0x80 | (cp & 0x3F));
    } else {
        in[0] = (char)(0xE0 | (cp >> 12));
        in[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        in[2] = (char)(0x80 | (cp & 0x3F));
    }
    el = ts_text_exact_token(in, n, ex, sizeof ex);
    fl = el ? ts_text_fold_token(ex, el, fo, sizeof fo) : 0;
    *slot = fl == 1 && ((fo[0] >= 'a' && fo[0] <= 'z') || (fo[0] >= '0' && fo[0] <= '9'))
                ? (unsigned char)fo[0]
                : 0;
}

static void fold_init(void)
{
    for (unsigned cp = 0xC0; cp < 0x250; cp++)
        fold_one(cp, &fold_latin[cp - 0xC0]);
    for (unsigned cp = 0x1E00; cp < 0x1F00; cp++)
        fold_one(cp, &fold_ext[cp - 0x1E00]);
}

/* Folded form of tok into out[cap] by the tables; SIZE_MAX when some
 * character is not covered (the caller then normalises the token). */
static size_t fast_fold(const char *tok, size_t len, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)tok;
    size_t i = 0, o = 0;

    pthread_once(&fold_once, fold_init);
    while (i < len) {
        unsigned c = s[i], cp;
        unsigned char f;

        if (o + 1 >= cap)
            return SIZE_MAX;
        if (c < 0x80) {
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0 && i + 1 < len) {
            cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
            i += 2;
        } else if ((c & 0xF0) == 0xE0 && i + 2 < len) {
            cp = ((c & 0x0F) << 12) | ((unsigned)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            i += 3;
        } else {
            return SIZE_MAX;
        }
        if (cp >= 0x300 && cp < 0x370)
            f = FOLD_DROP;
        else if (cp >= 0xC0 && cp < 0x250)
            f = fold_latin[cp - 0xC0];
        else if (cp >= 0x1E00 && cp < 0x1F00)
            f = fold_ext[cp - 0x1E00];
        else
            f = 0;
        if (f == 0)
            return SIZE_MAX;
        if (f != FOLD_DROP)
            out[o++] = (char)f;
    }
    return o;
}

/* The query word token tok stands for (-1: none); *exact when the token has
 * that word's exact accents. Cheap rejection first: a token's folded form has
 * as many characters as the token itself (NFC), so only tokens whose length
 * some query word has are looked at, and only those whose folded form (by
 * table) is a query word's are normalised. */
static int match_token(const struct snip_ctx *sc, const char *tok, size_t tok_len, size_t *chars,
                       bool *exact)
{
    struct an_token t;
    size_t tc = count_chars(tok, tok_len);
    int found = -1;

    *chars = tc;
    *exact = false;
    if (tc < 32 ? !(sc->char_len_mask & (1u << tc)) : !sc->any_long)
        return -1;
    /* An ASCII first byte folds to itself (lower-cased), so it must start some
     * query word: this rejects most words of a page without normalising them. */
    if ((unsigned char)tok[0] < 0x80 && !sc->first[(unsigned char)tok[0]])
        return -1;
    if (tc == tok_len) { /* pure ASCII: its exact and folded forms are its lower case */
        for (size_t k = 0; k < sc->n_tg; k++) {
            const struct an_token *w = sc->tg[k].t;
            if (w->fold_len == tok_len && strncasecmp(w->fold, tok, tok_len) == 0)
                return (int)k; /* an accented query word's exact form is never ASCII */
        }
        return -1;
    }
    {
        char ff[AN_FORM_CAP];
        size_t fl = fast_fold(tok, tok_len, ff, sizeof ff);
        bool any = fl == SIZE_MAX;

        for (size_t k = 0; k < sc->n_tg && !any; k++)
            any = sc->tg[k].t->fold_len == fl && memcmp(sc->tg[k].t->fold, ff, fl) == 0;
        if (!any)
            return -1;
    }
    if (!an_token_forms(tok, tok_len, &t))
        return -1;
    for (size_t k = 0; k < sc->n_tg; k++) {
        const struct an_token *w = sc->tg[k].t;

        if (w->fold_len != t.fold_len || memcmp(w->fold, t.fold, t.fold_len) != 0)
            continue;
        if (w->accented && w->exact_len == t.exact_len &&
            memcmp(w->exact, t.exact, t.exact_len) == 0) {
            *exact = true;
            return (int)k;
        }
        if (found < 0)
            found = (int)k;
    }
    return found;
}

/* Window [*b0, *b1) of about `want` characters with the most distinct query
 * words (then the most exactly-accented ones); the start of the text if none. */
static void pick_window(const char *text, size_t len, const struct snip_ctx *sc, size_t want,
                        size_t *b0, size_t *b1)
{
    struct match *m = NULL;
    size_t n_m = 0, cap_m = 0;
    size_t count[MAX_QWORDS] = {0}, exact_count[MAX_QWORDS] = {0};
    size_t distinct = 0, exact_distinct = 0, left = 0;
    size_t best_score = 0, best_l = 0, best_r = 0; /* matches [best_l, best_r) */
    size_t max_score = 0;
    size_t pos = 0, chars = 0, counted = 0;
    const char *tok;
    size_t tok_len;

    for (size_t k = 0; k < sc->n_tg; k++)
        max_score += 64 + (sc->tg[k].t->accented ? 1 : 0);
    while (sc->n_tg && ts_text_next_token(text, len, &pos, &tok, &tok_len)) {
        size_t start = (size_t)(tok - text), tc, score;
        bool exact;
        int k = match_token(sc, tok, tok_len, &tc, &exact);
        struct match *mm;

        if (k < 0)
            continue;
        chars += count_chars(text + counted, start - counted);
        counted = start;
        if (n_m == cap_m) {
            cap_m = cap_m ? cap_m * 2 : 64;
            m = ts_xrealloc(m, cap_m * sizeof *m);
        }
        mm = &m[n_m++];
        *mm = (struct match){start, start + tok_len, chars, chars + tc, (unsigned)k, exact};
        if (count[k]++ == 0)
            distinct++;
        if (exact && exact_count[k]++ == 0)
            exact_distinct++;
        while (left < n_m - 1 && mm->c1 - m[left].c0 > want) {
            const struct match *lm = &m[left++];

            if (--count[lm->target] == 0)
                distinct--;
            if (lm->exact && --exact_count[lm->target] == 0)
                exact_distinct--;
        }
        score = distinct * 64 + exact_distinct;
        if (score > best_score) {
            best_score = score;
            best_l = left;
            best_r = n_m;
        }
        if (best_score == max_score) /* cannot do better: stop reading */
            break;
    }

    if (n_m) {
        size_t span = m[best_r - 1].c1 - m[best_l].c0;
        size_t slack = want > span ? want - span : 0;
        size_t before = slack / 3, after = slack - before;
        size_t tail = m[best_r - 1].b1;

        *b0 = utf8_back(text, m[best_l].b0, before);
        *b1 = utf8_fwd(text, len, tail, after);
        if (*b1 == len) /* the text ended first: spend the rest before */
            *b0 = utf8_back(text, *b0, after - count_chars(text + tail, len - tail));
    } else {
        *b0 = 0;
        *b1 = utf8_fwd(text, len, 0, want);
    }
    /* Do not cut words: move inward to white space when one is near, but
     * never past the first or last match. */
    if (*b0 > 0 && !is_ws(text[*b0 - 1])) {
        size_t limit = n_m ? m[best_l].b0 : *b1;

        for (size_t i = *b0, k = 0; i < limit && k < 24; i++, k++)
            if (is_ws(text[i])) {
                *b0 = i + 1;
                break;
            }
    }
    if (*b1 < len && !is_ws(text[*b1])) {
        size_t limit = n_m ? m[best_r - 1].b1 : *b0;

        for (size_t i = *b1, k = 0; i > limit && k < 24; i--, k++)
            if (is_ws(text[i - 1])) {
                *b1 = i - 1;
                break;
            }
    }
    while (*b0 < *b1 && is_ws(text[*b0]))
        (*b0)++;
    while (*b1 > *b0 && is_ws(text[*b1 - 1]))
        (*b1)--;
    free(m);
}

/* The snippet of text[0..len) for query words sc; malloc'd. more_before /
 * more_after: text is a piece of a longer one (chunks), so an ellipsis marks
 * that side even when the window reaches the piece's edge. */
static char *make_snippet(const char *text, size_t len, const struct snip_ctx *sc,
                          const struct ix_query *q, bool more_before, bool more_after)
{
    size_t want = q->snippet_chars ? q->snippet_chars : SNIPPET_DEFAULT;
    const char *hs = q->hi_start ? q->hi_start : "", *he = q->hi_end ? q->hi_end : "";
    size_t b0, b1, at, pos = 0;
    const char *tok;
    size_t tok_len;
    struct ts_buf out;
    bool last_space = true;

    pick_window(text, len, sc, want, &b0, &b1);
    ts_buf_init(&out, 0);
    (void)ts_buf_add(&out, "");
    if (b0 > 0 || more_before)
        (void)ts_buf_add(&out, "\xE2\x80\xA6"); /* … */
    at = b0;
    /* Every match inside the window is marked, not only the ones that chose it. */
    while (sc->n_tg && ts_text_next_token(text + b0, b1 - b0, &pos, &tok, &tok_len)) {
        size_t tc;
        bool exact;

        if (match_token(sc, tok, tok_len, &tc, &exact) < 0)
            continue;
        add_escaped(&out, text + at, (size_t)(tok - text) - at, q->escape_html, &last_space);
        (void)ts_buf_add(&out, hs);
        add_escaped(&out, tok, tok_len, q->escape_html, &last_space);
        (void)ts_buf_add(&out, he);
        last_space = false;
        at = (size_t)(tok - text) + tok_len;
    }
    add_escaped(&out, text + at, b1 - at, q->escape_html, &last_space);
    if (b1 < len || more_after)
        (void)ts_buf_add(&out, "\xE2\x80\xA6");
    return ts_buf_take(&out);
}

/* ---- running a search ---- */

static const unsigned hit_slots[] = {IX_SLOT_RECORD, IX_SLOT_TITLE, IX_SLOT_TEXT};

/* Facet counts and totals come from the first FACET_CHECK matching documents;
 * past that they are extrapolated and the results say so (ix_results.exact).
 * 500 instead of 2,000: on the full corpus (45,000 documents) a search's p99
 * went from ~7 ms to ~4.5 ms in process, and only queries matching more than
 * ~500 sections get estimates, which pages mark with "≈". */
static int run(indexer *ix, xs_q *query, const struct filters *f, size_t offset, size_t limit,
               bool facets, xs_hits **out, struct ts_err *err)
{
    struct xs_facet_spec specs[IX_N_FACETS];
    struct xs_search_opts o;

    for (size_t i = 0; i < IX_N_FACETS; i++)
        specs[i] = (struct xs_facet_spec){ix_facets[i].slot, ix_facets[i].sep};
    memset(&o, 0, sizeof o);
    o.query = query;
    o.filters = (const char *const *)f->terms;
    o.n_filters = f->n;
    o.collapse_slot = IX_SLOT_RECORD;
    o.offset = offset;
    o.limit = limit;
    o.check_at_least = facets ? FACET_CHECK : 0;
    o.value_slots = hit_slots;
    o.n_value_slots = facets ? sizeof hit_slots / sizeof *hit_slots : 0; /* probes count only */
    o.want_data = facets; /* the page we show, not a probe */
    o.facets = facets ? specs : NULL;
    o.n_facets = facets ? IX_N_FACETS : 0;
    return xs_search(ix->db, &o, out, err);
}

/* ---- snippets from chunked section text (schema.h, IX_DATA_CHUNKED) ---- */

struct chunk_ref {
    uint64_t first_pos, raw, stored;
    const char *data;
};

/* A query word's occurrence in a document, by term position. */
struct pmatch {
    unsigned pos;
    unsigned target;
    bool exact;
};

/* Buffers reused by every hit of one search (fewer allocations per hit). */
struct snip_scratch {
    struct chunk_ref *ch;
    size_t ch_cap;
    unsigned *pos;
    size_t pos_cap;
    struct pmatch *pm;
    size_t pm_cap, n_pm;
    char *text;
    size_t text_cap;
    z_stream zs; /* one inflate state, reset per chunk: no allocation per chunk */
    bool zs_ready;
};

static void scratch_free(struct snip_scratch *s)
{
    if (s->zs_ready)
        inflateEnd(&s->zs);
    free(s->ch);
    free(s->pos);
    free(s->pm);
    free(s->text);
}

/* The chunk table at p[0..end): false if it is malformed. */
static bool parse_chunks(const char *p, const char *end, struct snip_scratch *s, size_t *n)
{
    uint64_t count, at = 0;

    if (!ix_varint_get(&p, end, &count) || count > (uint64_t)(end - p))
        return false;
    if (count > s->ch_cap) {
        s->ch_cap = (size_t)count;
        s->ch = ts_xrealloc(s->ch, s->ch_cap * sizeof *s->ch);
    }
    for (size_t i = 0; i < count; i++) {
        struct chunk_ref *c = &s->ch[i];
        if (!ix_varint_get(&p, end, &c->first_pos) || !ix_varint_get(&p, end, &c->raw) ||
            !ix_varint_get(&p, end, &c->stored) || c->stored > c->raw + 64 ||
            c->raw > IX_DATA_TEXT_MAX)
            return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (s->ch[i].stored > (uint64_t)(end - p) - at)
            return false;
        s->ch[i].data = p + at;
        at += s->ch[i].stored;
    }
    *n = (size_t)count;
    return true;
}

static void add_pmatch(struct snip_scratch *s, unsigned pos, unsigned target, bool exact)
{
    if (s->n_pm == s->pm_cap) {
        s->pm_cap = s->pm_cap ? s->pm_cap * 2 : 64;
        s->pm = ts_xrealloc(s->pm, s->pm_cap * sizeof *s->pm);
    }
    s->pm[s->n_pm++] = (struct pmatch){pos, target, exact};
}

/* One sorted position list of a query word: s->pos[at, end). */
struct plist {
    size_t at, end;
    unsigned target;
    bool exact;
};

/* The position lists of the query words in document did: folded term (every
 * occurrence) and, for words typed with marks, exact term (the exactly
 * accented ones), only positions at or after `from` (the body; the title
 * comes first). Returns how many lists (at most 2 * MAX_QWORDS). */
static size_t collect_plists(indexer *ix, unsigned did, const struct snip_ctx *sc, uint64_t from,
                             struct snip_scratch *s, struct plist *pl)
{
    char term[8 + AN_FORM_CAP];
    struct ts_err ignored;
    size_t n_pl = 0, n = 0;

    for (size_t k = 0; k < sc->n_tg; k++) {
        const struct an_token *t = sc->tg[k].t;

        for (int exact = 0; exact <= (t->accented ? 1 : 0); exact++) {
            size_t tl, start = n;

            if (exact) {
                memcpy(term, t->exact, t->exact_len);
                tl = t->exact_len;
            } else {
                memcpy(term, IX_P_FOLD, 2);
                memcpy(term + 2, t->fold, t->fold_len);
                tl = 2 + t->fold_len;
            }
            /* an error only costs the snippet its best window */
            if (xs_positions(ix->db, did, term, tl, &s->pos, &s->pos_cap, &n, &ignored)) {
                n = start;
                continue;
            }
            while (start < n && s->pos[start] < from)
                start++;
            if (start < n)
                pl[n_pl++] = (struct plist){start, n, (unsigned)k, exact};
        }
    }
    return n_pl;
}

/* The next occurrence in position order from the lists (a k-way merge: each
 * list is sorted, k is small); false when all are used up. */
static bool next_pmatch(const struct snip_scratch *s, struct plist *pl, size_t n_pl,
                        struct pmatch *out)
{
    size_t best = n_pl;

    for (size_t i = 0; i < n_pl; i++)
        if (pl[i].at < pl[i].end && (best == n_pl || s->pos[pl[i].at] < s->pos[pl[best].at]))
            best = i;
    if (best == n_pl)
        return false;
    *out = (struct pmatch){s->pos[pl[best].at++], pl[best].target, pl[best].exact};
    return true;
}

/* The chunk holding position p: the last whose first word is at or before it. */
static size_t chunk_of(const struct chunk_ref *ch, size_t n, uint64_t p)
{
    size_t lo = 0, hi = n;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ch[mid].first_pos <= p)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Chunks [*c0, *c1] holding the window of about `want` characters with the
 * most distinct query words, then the most exactly accented ones (the rule
 * pick_window() applies to the text), judged by term positions: a word is
 * about five characters with its space. Chunk 0 when no word is in the body. */
static void best_chunks(indexer *ix, unsigned did, const struct snip_ctx *sc,
                        const struct chunk_ref *ch, size_t n, size_t want, struct snip_scratch *s,
                        size_t *c0, size_t *c1)
{
    size_t count[MAX_QWORDS] = {0}, exact_count[MAX_QWORDS] = {0};
    size_t distinct = 0, exact_distinct = 0, left = 0, best_score = 0, best_l = 0, best_r = 0;
    size_t max_score = 0, n_pl;
    unsigned span = (unsigned)(want / 5 + 1);
    struct plist pl[2 * MAX_QWORDS];
    struct pmatch next;

    *c0 = *c1 = 0;
    if (n <= 1 || !sc->n_tg)
        return;
    n_pl = collect_plists(ix, did, sc, ch[0].first_pos, s, pl);
    for (size_t k = 0; k < sc->n_tg; k++)
        max_score += 64 + (sc->tg[k].t->accented ? 1 : 0);
    /* merged lazily: the scan usually stops at the first perfect window */
    s->n_pm = 0;
    while (next_pmatch(s, pl, n_pl, &next)) {
        size_t r = s->n_pm, score;
        const struct pmatch *m;

        add_pmatch(s, next.pos, next.target, next.exact);
        m = &s->pm[r];
        if (count[m->target]++ == 0)
            distinct++;
        if (m->exact && exact_count[m->target]++ == 0)
            exact_distinct++;
        while (left < r && m->pos - s->pm[left].pos >= span) {
            const struct pmatch *lm = &s->pm[left++];

            if (--count[lm->target] == 0)
                distinct--;
            if (lm->exact && --exact_count[lm->target] == 0)
                exact_distinct--;
        }
        score = distinct * 64 + exact_distinct;
        if (score > best_score) {
            best_score = score;
            best_l = left;
            best_r = r + 1;
        }
        if (best_score == max_score)
            break;
    }
    if (!best_score)
        return;
    *c0 = chunk_of(ch, n, s->pm[best_l].pos);
    *c1 = chunk_of(ch, n, s->pm[best_r - 1].pos);
    if (*c1 > *c0 + 1) /* cannot happen with chunks of ~800 words; bounded anyway */
        *c1 = *c0 + 1;
    /* The snippet spends its spare characters around the words: take the
     * neighbouring chunk too when the window is near an edge, so a chunk
     * boundary never shortens the context. */
    if (*c0 > 0 && s->pm[best_l].pos - ch[*c0].first_pos < span)
        (*c0)--;
    if (*c1 + 1 < n && s->pm[best_r - 1].pos + span >= ch[*c1 + 1].first_pos)
        (*c1)++;
}

/* Chunks [c0, c1] as one text in s->text; *len its length. False if the
 * stored data does not inflate to what the table says. */
static bool load_chunks(const struct chunk_ref *ch, size_t c0, size_t c1, struct snip_scratch *s,
                        size_t *len)
{
    size_t total = 0;

    for (size_t i = c0; i <= c1; i++)
        total += (size_t)ch[i].raw;
    if (total + 1 > s->text_cap) {
        s->text_cap = total + 1;
        s->text = ts_xrealloc(s->text, s->text_cap);
    }
    *len = 0;
    for (size_t i = c0; i <= c1; i++) {
        if (ch[i].stored == ch[i].raw) {
            memcpy(s->text + *len, ch[i].data, (size_t)ch[i].raw);
        } else {
            if (!s->zs_ready) {
                memset(&s->zs, 0, sizeof s->zs);
                if (inflateInit(&s->zs) != Z_OK)
                    return false;
                s->zs_ready = true;
            } else if (inflateReset(&s->zs) != Z_OK) {
                return false;
            }
            s->zs.next_in = (Bytef *)(uintptr_t)ch[i].data; /* zlib does not write it */
            s->zs.avail_in = (uInt)ch[i].stored;
            s->zs.next_out = (Bytef *)s->text + *len;
            s->zs.avail_out = (uInt)ch[i].raw;
            if (inflate(&s->zs, Z_FINISH) != Z_STREAM_END || s->zs.avail_out != 0)
                return false;
        }
        *len += (size_t)ch[i].raw;
    }
    s->text[*len] = '\0';
    return true;
}

static char *chunked_snippet(indexer *ix, unsigned did, const char *p, const char *end,
                             const struct snip_ctx *sc, const struct ix_query *q,
                             struct snip_scratch *s)
{
    size_t n = 0, c0, c1, len;

    if (!parse_chunks(p, end, s, &n) || n == 0)
        return ts_xstrdup("");
    best_chunks(ix, did, sc, s->ch, n, q->snippet_chars ? q->snippet_chars : SNIPPET_DEFAULT, s,
                &c0, &c1);
    if (!load_chunks(s->ch, c0, c1, s, &len))
        return ts_xstrdup("");
    return make_snippet(s->text, len, sc, q, c0 > 0, c1 + 1 < n);
}

/* Fill one hit from document data "kind title\0path\0text" (or chunks). */
static int fill_hit(indexer *ix, struct ix_hit *hit, const xs_hits *h, size_t i,
                    const struct snip_ctx *sc, const struct ix_query *q, struct snip_scratch *s,
                    struct ts_err *err)
{
    size_t len, dlen;
    const char *v = xs_hits_value(h, i, 0, &len);
    const char *d = xs_hits_data(h, i, &dlen);
    char idbuf[24];
    const char *title, *path, *text;
    size_t tl, pl;

    if (len == 0 || len >= sizeof idbuf)
        return ts_fail(err, TS_EINDEX, "document without a record id");
    memcpy(idbuf, v, len);
    idbuf[len] = '\0';
    if (ts_parse_i64(idbuf, &hit->record_id, NULL) != TS_OK)
        return ts_fail(err, TS_EINDEX, "document with a bad record id '%s'", idbuf);
    hit->weight = xs_hits_weight(h, i);
    v = xs_hits_value(h, i, 1, &len);
    hit->title = ts_xstrndup(v, len);
    if (dlen < 3) { /* not written by index.c */
        hit->snippet = ts_xstrdup("");
        return TS_OK;
    }
    title = d + 1;
    tl = strnlen(title, dlen - 1);
    path = title + tl + 1;
    pl = path < d + dlen ? strnlen(path, (size_t)(d + dlen - path)) : 0;
    text = path + pl + 1;
    if (text > d + dlen)
        text = d + dlen;
    if (d[0] == IX_DATA_SECTION || d[0] == IX_DATA_CHUNKED) {
        /* a section without a title or path: NULL too */
        hit->section_title = tl ? ts_xstrndup(title, tl) : NULL;
        hit->section_path = pl ? ts_xstrndup(path, pl) : NULL;
    }
    if (d[0] == IX_DATA_CHUNKED) {
        v = xs_hits_value(h, i, 2, &len);
        hit->snippet = chunked_snippet(ix, xs_hits_docid(h, i), v, v + len, sc, q, s);
    } else
        hit->snippet = make_snippet(text, (size_t)(d + dlen - text), sc, q, false, false);
    return TS_OK;
}

static int fill_results(indexer *ix, struct ix_results *r, const xs_hits *h,
                        const struct qparse *qp, const struct ix_query *q, struct ts_err *err)
{
    struct snip_ctx sc;
    struct snip_scratch scratch;
    int rc = TS_OK;

    memset(&scratch, 0, sizeof scratch);
    snip_ctx_init(&sc, qp);
    r->total = xs_hits_estimated(h);
    r->exact = xs_hits_exact(h);
    r->n_hits = xs_hits_count(h);
    r->hits = ts_xcalloc(r->n_hits + 1, sizeof *r->hits);
    for (size_t i = 0; i < r->n_hits; i++)
        if ((rc = fill_hit(ix, &r->hits[i], h, i, &sc, q, &scratch, err)))
            goto out;
    for (size_t f = 0; f < IX_N_FACETS; f++) {
        struct ix_facet *fc = &r->facets[f];

        fc->name = ix_facets[f].name;
        fc->n_values = xs_hits_facet_count(h, f);
        fc->values = ts_xcalloc(fc->n_values + 1, sizeof *fc->values);
        for (size_t j = 0; j < fc->n_values; j++)
            fc->values[j].value = ts_xstrdup(xs_hits_facet_value(h, f, j, &fc->values[j].count));
    }
out:
    scratch_free(&scratch);
    return rc;
}

/* Build and run the parsed query; AND first, OR when AND finds nothing. */
static int search_parsed(indexer *ix, const struct qparse *qp, const struct filters *f,
                         size_t offset, size_t limit, bool full, xs_hits **out, struct ts_err *err)
{
    struct qpool pool = {NULL, 0, 0, err, TS_OK};
    xs_q *query;
    bool phrases;
    int rc;

    *out = NULL;
    /* Unmarked pairs (English, or Vietnamese typed without marks) may have
     * no XB term in the index: score them as phrases, unless the query is
     * Vietnamese typed without marks. A phrase reads position lists for every
     * matching document it weighs: on such queries it made the slowest
     * searches 5x slower than the rest (bench/README.md, "Phrase boosts"),
     * and their XB terms already reward the words side by side. */
    phrases = !pairs_are_bigrams(ix, qp);
    query = q_build(&pool, qp, XS_OP_AND, phrases);
    if ((rc = pool.rc))
        goto out;
    if ((rc = run(ix, query, f, offset, limit, full, out, err)))
        goto out;
    if (xs_hits_estimated(*out) == 0 && qp->n_groups > 1) {
        xs_hits_free(*out);
        *out = NULL;
        query = q_build(&pool, qp, XS_OP_OR, phrases);
        if ((rc = pool.rc))
            goto out;
        rc = run(ix, query, f, offset, limit, full, out, err);
    }
out:
    pool_free(&pool);
    return rc;
}

/* "Did you mean": replace words no document has by the spelling dictionary's
 * best guess; offered only if the corrected query finds something. */
static int did_you_mean(indexer *ix, const struct qparse *qp, const struct filters *f, char **out,
                        struct ts_err *err)
{
    struct ts_buf b;
    struct qparse fixed;
    xs_hits *h = NULL;
    size_t at = 0;
    bool changed = false;
    int rc = TS_OK;

    *out = NULL;
    ts_buf_init(&b, 0);
    (void)ts_buf_add(&b, "");
    for (size_t i = 0; i < qp->n; i++) {
        const struct qword *w = &qp->w[i];
        char term[8 + AN_FORM_CAP];
        size_t tl, freq;
        char *sugg = NULL;

        if (w->t.exact[0] >= '0' && w->t.exact[0] <= '9')
            continue;
        if (w->t.accented) {
            memcpy(term, w->t.exact, w->t.exact_len);
            tl = w->t.exact_len;
        } else {
            memcpy(term, IX_P_FOLD, 2);
            memcpy(term + 2, w->t.fold, w->t.fold_len);
            tl = 2 + w->t.fold_len;
        }
        if ((rc = xs_termfreq(ix->db, term, tl, &freq, err)))
            goto out;
        if (freq)
            continue;
        if ((rc = xs_spelling(ix->db, w->t.exact, w->t.exact_len, &sugg, err)))
            goto out;
        if (!sugg)
            continue;
        (void)ts_buf_addn(&b, qp->nfc + at, w->start - at);
        (void)ts_buf_add(&b, sugg);
        at = w->end;
        changed = true;
        free(sugg);
    }
    if (!changed)
        goto out;
    (void)ts_buf_addn(&b, qp->nfc + at, qp->nfc_len - at);
    qparse_run(&fixed, ts_buf_str(&b));
    if (fixed.n)
        rc = search_parsed(ix, &fixed, f, 0, 1, false, &h, err);
    if (rc == TS_OK && h && xs_hits_count(h) > 0)
        *out = ts_buf_take(&b);
    xs_hits_free(h);
    qparse_free(&fixed);
out:
    ts_buf_free(&b);
    return rc;
}

char *ix_query_normalise(const char *text, size_t *len)
{
    size_t n, o = 0;
    char *s = ts_text_nfc(text, strlen(text), &n);
    bool space = true; /* drops leading white space */

    for (size_t i = 0; i < n; i++) {
        if (is_ws(s[i])) {
            if (!space)
                s[o++] = ' ';
            space = true;
            continue;
        }
        s[o++] = s[i];
        space = false;
    }
    while (o > 0 && s[o - 1] == ' ')
        o--;
    s[o] = '\0';
    if (len)
        *len = o;
    return s;
}

int indexer_search(indexer *ix, const struct ix_query *q, struct ix_results **out,
                   struct ts_err *err)
{
    struct qparse qp;
    struct filters f;
    struct ix_results *r = NULL;
    xs_hits *h = NULL;
    size_t limit = q->limit ? q->limit : 10;
    int rc;

    *out = NULL;
    if (!q->text)
        return ts_fail(err, TS_EINVAL, "empty query");
    {
        /* One normal form for every spelling of the same query: the cache
         * (search_cache.c) keys on it, so hits and misses agree. "978-604-..."
         * and ISBN-10 then find the record's ISBN-13. */
        char *norm = ix_query_normalise(q->text, NULL);
        char *text = ts_isbn_rewrite(norm);
        qparse_run(&qp, text);
        free(text);
        free(norm);
    }
    filters_build(&f, q);
    if (qp.n == 0) {
        rc = ts_fail(err, TS_EINVAL, "empty query");
        goto out;
    }
    if ((rc = search_parsed(ix, &qp, &f, q->offset, limit, true, &h, err)))
        goto out;
    r = ts_xcalloc(1, sizeof *r);
    if ((rc = fill_results(ix, r, h, &qp, q, err)))
        goto out;
    rc = did_you_mean(ix, &qp, &f, &r->did_you_mean, err);
out:
    if (rc == TS_OK) {
        *out = r;
        r = NULL;
    }
    ix_results_free(r);
    xs_hits_free(h);
    filters_free(&f);
    qparse_free(&qp);
    return rc;
}

void ix_results_free(struct ix_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_hits; i++) {
        free(r->hits[i].title);
        free(r->hits[i].section_title);
        free(r->hits[i].section_path);
        free(r->hits[i].snippet);
    }
    free(r->hits);
    for (size_t f = 0; f < IX_N_FACETS; f++) {
        for (size_t j = 0; j < r->facets[f].n_values; j++)
            free(r->facets[f].values[j].value);
        free(r->facets[f].values);
    }
    free(r->did_you_mean);
    free(r);
}

/* ---- title completion ---- */

int indexer_suggest(indexer *ix, const char *prefix, size_t limit, char ***titles, size_t *n,
                    struct ts_err *err)
{
    struct qpool pool = {NULL, 0, 0, err, TS_OK};
    struct xs_search_opts o;
    struct qparse qp;
    xs_q *parts[MAX_QWORDS + 1], *query;
    const char *head = IX_TERM_HEAD;
    static const unsigned title_slot[] = {IX_SLOT_TITLE};
    xs_hits *h = NULL;
    size_t n_parts = 0;
    bool last_partial;
    int rc = TS_OK;

    *titles = NULL;
    *n = 0;
    if (!prefix)
        return TS_OK;
    memset(&qp, 0, sizeof qp);
    qp.nfc = ts_text_nfc(prefix, strlen(prefix), &qp.nfc_len);
    qp.w = ts_xcalloc(MAX_QWORDS, sizeof *qp.w);
    parse_segment(&qp, 0, qp.nfc_len, false);
    if (qp.n == 0)
        goto out;
    /* The last word is still being typed unless something follows it. */
    last_partial = qp.w[qp.n - 1].end == qp.nfc_len;
    for (size_t i = 0; i < qp.n; i++) {
        const struct qword *w = &qp.w[i];

        if (i + 1 == qp.n && last_partial) {
            char pat[8 + AN_FORM_CAP];
            xs_q *q = NULL;

            memcpy(pat, IX_P_FOLD_TITLE, 3);
            memcpy(pat + 3, w->t.fold, w->t.fold_len);
            rc = xs_q_wildcard(pat, 3 + w->t.fold_len, SUGGEST_EXPANSION, &q, err);
            parts[n_parts++] = pool_keep(&pool, rc, q);
        } else {
            parts[n_parts++] = q_term2(&pool, IX_P_FOLD_TITLE, w->t.fold, w->t.fold_len);
        }
    }
    query = q_combine(&pool, XS_OP_AND, parts, n_parts);
    if ((rc = pool.rc))
        goto out;
    memset(&o, 0, sizeof o);
    o.query = query;
    o.filters = &head;
    o.n_filters = 1;
    o.collapse_slot = IX_SLOT_TITLE; /* distinct titles */
    o.limit = limit ? limit : 10;
    o.value_slots = title_slot;
    o.n_value_slots = 1;
    if ((rc = xs_search(ix->db, &o, &h, err)))
        goto out;
    *n = xs_hits_count(h);
    *titles = ts_xcalloc(*n + 1, sizeof **titles);
    for (size_t i = 0; i < *n; i++) {
        size_t len;
        const char *v = xs_hits_value(h, i, 0, &len);

        (*titles)[i] = ts_xstrndup(v, len);
    }
out:
    xs_hits_free(h);
    pool_free(&pool);
    qparse_free(&qp);
    return rc;
}
