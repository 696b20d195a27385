/*
 * indexer/analyzer.h - Vietnamese-aware term generation (VIETNAMESE.md 1, 3, 5).
 *
 * Text is cut into syllables by ts_text_next_token(); each token gives
 *   - its folded form (no marks, đ -> d) under XF,
 *   - its exact form (case-folded, NFC, tone-canonical) with no prefix at
 *     the same position, when it differs from the folded one (schema.c:
 *     ix_exact_always),
 *   - a folded bigram XB<prev>_<cur> with the previous token of the same
 *     sentence (no position) when either carries marks (ix_bigrams),
 *   - for fields that ask for it (titles, authors ...), prefixed copies of
 *     both forms.
 * No stemming and no stop words (folded "on", "the" are also "ổn", "thể").
 * The query side (search.c) uses an_token_forms()/an_bigram() so both sides
 * always agree. Tokens longer than TS_TOKEN_MAX (hashes, base64 runs) are
 * skipped whole.
 *
 * Everything here is thread-safe: an an_state belongs to one document.
 */
#ifndef TS_INDEXER_ANALYZER_H
#define TS_INDEXER_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>

#include "schema.h"
#include "ts_err.h"
#include "ts_text.h"
#include "xapian_shim.h"

/* Room for an exact or folded form (case folding may expand a little). */
#define AN_FORM_CAP (TS_TOKEN_MAX * 4 + 8)

/* The two forms of one token. */
struct an_token {
    char exact[AN_FORM_CAP];
    size_t exact_len;
    char fold[AN_FORM_CAP];
    size_t fold_len;
    bool accented; /* exact != fold: the reader typed (or the text has) marks */
};

/* Normalise one token (from ts_text_next_token). False when the token is too
 * long to be indexed; it is then ignored on both sides. */
bool an_token_forms(const char *tok, size_t len, struct an_token *out);

/* "XB" + a + "_" + b into out[cap] (cap >= 2 * AN_FORM_CAP + 4); returns the length. */
size_t an_bigram(const char *a, size_t alen, const char *b, size_t blen, char *out, size_t cap);

/* Word iterator over text: like ts_text_next_token() but skips over-long runs
 * whole and reports whether a sentence ended before the word. */
struct an_words {
    const char *s;
    size_t len, pos;
    size_t prev_end;  /* end of the previous word returned */
    bool broken;      /* an over-long run was skipped since then */
    const char *pend; /* one token of look-ahead */
    size_t pend_len;
};
void an_words_init(struct an_words *w, const char *s, size_t len);
/* Next word: tok/tok_len view into s, *new_sentence set when the gap since the
 * previous word holds sentence-ending punctuation or a blank line. */
bool an_words_next(struct an_words *w, const char **tok, size_t *tok_len, bool *new_sentence);

/* Term generator for one document. */
struct an_state {
    xs_doc *doc;
    unsigned pos; /* next term position */
    /* Optional byte marks into the next text indexed (ascending): mark_pos[i]
     * gets the position of the first token starting at or after marks[i]
     * (or the next free position). index.c uses it to tie the stored text's
     * chunks to term positions for snippets. Reset by an_index_nfc(). */
    const size_t *marks;
    unsigned *mark_pos;
    size_t n_marks;
};

void an_init(struct an_state *st, xs_doc *doc);

/*
 * Index `text[0..len)` (NFC) as field `f`: postings from st->pos on, then a
 * gap of IX_FIELD_GAP positions. Returns TS_OK or the shim's error.
 */
int an_index_nfc(struct an_state *st, const struct ix_field *f, const char *text, size_t len,
                 struct ts_err *err);

/* Same for text in any normalisation form (NFC-normalised first). */
int an_index(struct an_state *st, const struct ix_field *f, const char *text, size_t len,
             struct ts_err *err);

/* The terms `text` (any normalisation form) gives as field f, each followed
 * by '\n', in term order: *out malloc'd (free()). For tests and debugging. */
int an_terms(const struct ix_field *f, const char *text, size_t len, char **out,
             struct ts_err *err);

/* True if s[0..len) is all ASCII (then it is NFC already). */
bool an_is_ascii(const char *s, size_t len);

#endif
