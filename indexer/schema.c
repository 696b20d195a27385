/*
 * indexer/schema.c - field table, facet table and term-building helpers (see
 * schema.h). Changing anything here changes the index format: run `tusach
 * reindex` afterwards.
 */
#include "schema.h"

#include <string.h>

/* Titles weigh three times a body word under S/XFS, the boost the query
 * side adds with OP_AND_MAYBE; handbook pages whose only Vietnamese is
 * their title are found through it. */
const struct ix_field ix_field_title = {"title", IX_P_TITLE, IX_P_FOLD_TITLE, 3, 1};
const struct ix_field ix_field_author = {"author", "A", "XFA", 1, 1};
const struct ix_field ix_field_subject = {"subject", "XK", "XFK", 1, 1};
const struct ix_field ix_field_publisher = {"publisher", "XP", "XFP", 1, 1};
const struct ix_field ix_field_body = {"body", NULL, NULL, 0, 1};

/*
 * Measured on 10 MB of real text (2/3 Vietnamese gettext catalogues, 1/3
 * English man pages), one thread, 64 KiB sections, 2-core box under load:
 *   bigrams for every pair, exact always:  put 4.4 s, prepare 2.1 s
 *   bigrams with a marked syllable:        put 2.4 s, prepare 1.6 s
 *   ... and no exact twin of XF terms:     put 1.6 s, prepare 1.2 s
 *   no bigrams at all:                     put 1.5 s
 * A bigram of two unmarked syllables is mostly English, whose proximity the
 * query side scores with XF phrases instead; the exact twin of an unmarked
 * token is never searched. Both cost a third of the writer's time.
 */
const enum ix_bigram_mode ix_bigrams = IX_BIGRAMS_ACCENTED;
const bool ix_exact_always = false;

const struct ix_facet_def ix_facets[IX_N_FACETS] = {
    {"language", IX_SLOT_LANGUAGE, 0},
    {"type", IX_SLOT_TYPE, 0},
    {"library", IX_SLOT_LIBRARIES, IX_LIST_SEP},
    {"year", IX_SLOT_YEAR, 0},
};

#define XAPIAN_TERM_MAX 245

int ix_schema_term(struct ts_buf *b, const char *prefix, const char *value, size_t len)
{
    size_t plen = strlen(prefix);
    int rc;

    ts_buf_reset(b);
    if (plen + 1 + len > XAPIAN_TERM_MAX) {
        ts_buf_free(b);
        return TS_ETOOBIG;
    }
    if ((rc = ts_buf_addn(b, prefix, plen)) != TS_OK)
        return rc;
    if (plen && len && value[0] >= 'A' && value[0] <= 'Z' && (rc = ts_buf_addc(b, ':')))
        return rc;
    return ts_buf_addn(b, value, len);
}

size_t ix_varint_put(unsigned char *out, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

bool ix_varint_get(const char **p, const char *end, uint64_t *v)
{
    uint64_t x = 0;
    unsigned shift = 0;

    while (*p < end && shift < 64) {
        unsigned char c = (unsigned char)*(*p)++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return true;
        }
        shift += 7;
    }
    return false;
}

size_t ix_schema_lang(const char *tag, char *out, size_t cap)
{
    size_t n = 0;

    if (!cap)
        return 0;
    while (tag && tag[n] && tag[n] != '-' && tag[n] != '_' && n + 1 < cap) {
        char c = tag[n];
        out[n] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        n++;
    }
    out[n] = '\0';
    return n;
}
