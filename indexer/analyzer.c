/*
 * indexer/analyzer.c - Vietnamese-aware term generation (see analyzer.h).
 *
 * This is the hot loop of an import: it runs in the worker threads through
 * ix_prepare(), so it avoids allocation per token. Forms are written straight
 * behind their prefixes in fixed buffers and handed to the shim as pointer +
 * length. Which exact terms and bigrams are made is set in schema.c
 * (ix_exact_always, ix_bigrams), with the measurements behind the choice.
 */
#include "analyzer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ts_mem.h"

#define PREFIX_MAX 8 /* longest field prefix we prepend ("XFS", "XFA" ...) */

bool an_is_ascii(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t v;

        memcpy(&v, p + i, 8);
        if (v & 0x8080808080808080ull)
            return false;
    }
    for (; i < len; i++)
        if (p[i] & 0x80)
            return false;
    return true;
}

bool an_token_forms(const char *tok, size_t len, struct an_token *out)
{
    if (len == 0 || len > TS_TOKEN_MAX)
        return false;
    out->exact_len = ts_text_exact_token(tok, len, out->exact, sizeof out->exact);
    if (out->exact_len == 0 || out->exact_len > TS_TOKEN_MAX)
        return false;
    out->fold_len = ts_text_fold_token(out->exact, out->exact_len, out->fold, sizeof out->fold);
    if (out->fold_len == 0)
        return false;
    out->accented =
        out->exact_len != out->fold_len || memcmp(out->exact, out->fold, out->exact_len) != 0;
    return true;
}

size_t an_bigram(const char *a, size_t alen, const char *b, size_t blen, char *out, size_t cap)
{
    size_t n = 2 + alen + 1 + blen;

    if (n + 1 > cap)
        return 0;
    memcpy(out, IX_P_BIGRAM, 2);
    memcpy(out + 2, a, alen);
    out[2 + alen] = '_';
    memcpy(out + 3 + alen, b, blen);
    out[n] = '\0';
    return n;
}

void an_words_init(struct an_words *w, const char *s, size_t len)
{
    memset(w, 0, sizeof *w);
    w->s = s;
    w->len = len;
}

static bool raw_next(struct an_words *w, const char **tok, size_t *tok_len)
{
    if (w->pend) {
        *tok = w->pend;
        *tok_len = w->pend_len;
        w->pend = NULL;
        return true;
    }
    return ts_text_next_token(w->s, w->len, &w->pos, tok, tok_len);
}

/* Sentence-ending punctuation (. ! ? ; …) followed by white space, or a blank
 * line, in the bytes between two words. "sources.list" is not a sentence end. */
static bool gap_ends_sentence(const char *p, size_t n)
{
    bool punct = false;
    int newlines = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c == '.' || c == '!' || c == '?' || c == ';') {
            punct = true;
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80 &&
                   (unsigned char)p[i + 2] == 0xA6) {
            punct = true; /* U+2026 … */
            i += 2;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (punct)
                return true;
            if (c == '\n' && ++newlines >= 2)
                return true;
        }
    }
    return false;
}

bool an_words_next(struct an_words *w, const char **tok, size_t *tok_len, bool *new_sentence)
{
    const char *t;
    size_t tl;

    while (raw_next(w, &t, &tl)) {
        /* The tokeniser cuts runs longer than TS_TOKEN_MAX into pieces that
         * touch each other; a piece that is not close to the limit is whole. */
        if (tl + 8 >= TS_TOKEN_MAX) {
            const char *n;
            size_t nl;
            bool cut = false;

            while (ts_text_next_token(w->s, w->len, &w->pos, &n, &nl)) {
                if (n != t + tl) {
                    w->pend = n;
                    w->pend_len = nl;
                    break;
                }
                cut = true;
                t = n;
                tl = nl;
            }
            if (cut) {
                /* A skipped run also ends the bigram chain. */
                w->prev_end = (size_t)(t + tl - w->s);
                w->broken = true;
                continue;
            }
        }
        {
            size_t start = (size_t)(t - w->s);

            *new_sentence = w->broken || w->prev_end == 0 ||
                            gap_ends_sentence(w->s + w->prev_end, start - w->prev_end);
            w->prev_end = start + tl;
            w->broken = false;
        }
        *tok = t;
        *tok_len = tl;
        return true;
    }
    return false;
}

static bool want_bigram(bool a, bool b)
{
    switch (ix_bigrams) {
    case IX_BIGRAMS_ALL: return true;
    case IX_BIGRAMS_ACCENTED: return a || b;
    default: return false;
    }
}

void an_init(struct an_state *st, xs_doc *doc)
{
    st->doc = doc;
    st->pos = 1;
    st->marks = NULL;
    st->mark_pos = NULL;
    st->n_marks = 0;
}

/* A term made of a prefix and a form, built in place. */
struct pterm {
    char buf[PREFIX_MAX + AN_FORM_CAP];
    size_t plen;
};

static void pterm_set_prefix(struct pterm *t, const char *prefix)
{
    t->plen = prefix ? strlen(prefix) : 0;
    if (t->plen > PREFIX_MAX)
        t->plen = PREFIX_MAX;
    memcpy(t->buf, prefix ? prefix : "", t->plen);
}

static size_t pterm_fill(struct pterm *t, const char *form, size_t len)
{
    memcpy(t->buf + t->plen, form, len);
    return t->plen + len;
}

int an_index_nfc(struct an_state *st, const struct ix_field *f, const char *text, size_t len,
                 struct ts_err *err)
{
    struct an_words w;
    struct an_token cur;
    struct pterm xf, xe, xfx;
    char prev[AN_FORM_CAP];
    char big[2 * AN_FORM_CAP + 8];
    size_t prev_len = 0;
    bool prev_accented = false;
    const char *tok;
    size_t tok_len;
    bool new_sentence;
    size_t mark = 0;
    int rc = TS_OK;

    pterm_set_prefix(&xf, IX_P_FOLD);
    pterm_set_prefix(&xe, f->exact_prefix);
    pterm_set_prefix(&xfx, f->fold_prefix);
    an_words_init(&w, text, len);
    while (an_words_next(&w, &tok, &tok_len, &new_sentence)) {
        unsigned pos;
        size_t n;

        if (new_sentence)
            prev_len = 0;
        if (!an_token_forms(tok, tok_len, &cur)) {
            prev_len = 0;
            continue;
        }
        while (mark < st->n_marks && (size_t)(tok - text) >= st->marks[mark])
            st->mark_pos[mark++] = st->pos;
        pos = st->pos++;
        if ((cur.accented || ix_exact_always) &&
            (rc = xs_doc_add_posting(st->doc, cur.exact, cur.exact_len, pos, f->wdf, err)))
            break;
        n = pterm_fill(&xf, cur.fold, cur.fold_len);
        if ((rc = xs_doc_add_posting(st->doc, xf.buf, n, pos, f->wdf, err)))
            break;
        if (f->exact_prefix) {
            n = pterm_fill(&xe, cur.exact, cur.exact_len);
            if ((rc = xs_doc_add_posting(st->doc, xe.buf, n, pos, f->extra_wdf, err)))
                break;
        }
        if (f->fold_prefix) {
            n = pterm_fill(&xfx, cur.fold, cur.fold_len);
            if ((rc = xs_doc_add_posting(st->doc, xfx.buf, n, pos, f->extra_wdf, err)))
                break;
        }
        if (prev_len && want_bigram(prev_accented, cur.accented)) {
            n = an_bigram(prev, prev_len, cur.fold, cur.fold_len, big, sizeof big);
            if (n && (rc = xs_doc_add_term(st->doc, big, n, 1, err)))
                break;
        }
        memcpy(prev, cur.fold, cur.fold_len);
        prev_len = cur.fold_len;
        prev_accented = cur.accented;
    }
    while (mark < st->n_marks)
        st->mark_pos[mark++] = st->pos;
    st->marks = NULL;
    st->mark_pos = NULL;
    st->n_marks = 0;
    st->pos += IX_FIELD_GAP;
    return rc;
}

int an_index(struct an_state *st, const struct ix_field *f, const char *text, size_t len,
             struct ts_err *err)
{
    char *nfc;
    size_t nfc_len;
    int rc;

    if (an_is_ascii(text, len))
        return an_index_nfc(st, f, text, len, err);
    nfc = ts_text_nfc(text, len, &nfc_len);
    rc = an_index_nfc(st, f, nfc, nfc_len, err);
    free(nfc);
    return rc;
}

int an_terms(const struct ix_field *f, const char *text, size_t len, char **out, struct ts_err *err)
{
    struct an_state st;
    xs_doc *doc = NULL;
    int rc;

    *out = NULL;
    if ((rc = xs_doc_new(&doc, err)))
        return rc;
    an_init(&st, doc);
    if ((rc = an_index(&st, f, text, len, err)) == TS_OK)
        rc = xs_doc_terms(doc, out, err);
    xs_doc_free(doc);
    return rc;
}
