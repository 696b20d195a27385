/*
 * indexer/schema.h - the layout of tusach's Xapian documents as C data:
 * term prefixes, value slots and the per-field indexing table.
 *
 * The shim (xapian_shim.cc) knows none of this; index.c and search.c pass the
 * prefixes and slots in. Prefixes follow Omega's conventions (S title, A
 * author, Q unique id, X... for our own). A prefixed term whose value starts
 * with an upper-case ASCII letter gets a ':' after the prefix (Xapian's
 * convention), so "XL" + "ANG1" can never read as "XLANG" + "1"; see
 * ix_schema_term(). Also holds the one module-private type index.c and
 * search.c share, the indexer handle.
 */
#ifndef TS_INDEXER_SCHEMA_H
#define TS_INDEXER_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ts_buf.h"
#include "xapian_shim.h"

/* Term prefixes. */
#define IX_P_FOLD "XF"        /* folded syllable, positional */
#define IX_P_BIGRAM "XB"      /* folded bigram "XB<a>_<b>", no positions */
#define IX_P_TITLE "S"        /* exact title syllable */
#define IX_P_FOLD_TITLE "XFS" /* folded title syllable */
#define IX_P_ID "Q"           /* Q<id> head document, Q<id>.<n> section n */
#define IX_P_RECORD "XR"      /* every document of a record */
#define IX_P_LIBRARY "XL"     /* library code holding the record */
#define IX_P_LANG "XLANG"     /* primary language subtag, lower case */
#define IX_P_TYPE "XTYPE"     /* resource type */
#define IX_P_YEAR "XY"        /* publication year */
#define IX_TERM_HEAD "XHEAD"  /* marks head documents */
#define IX_P_AVAILABLE "XAV"  /* library code where a copy is available now */

/* Value slots (all documents of a record carry the same values). */
enum ix_slot {
    IX_SLOT_RECORD = 0,    /* record id, decimal: collapse key */
    IX_SLOT_LANGUAGE = 1,  /* primary subtag, lower case: facet */
    IX_SLOT_TYPE = 2,      /* resource type: facet */
    IX_SLOT_LIBRARIES = 3, /* library codes joined by IX_LIST_SEP: facet */
    IX_SLOT_TITLE = 4,     /* record title, so hits need no catalogue lookup */
    IX_SLOT_YEAR = 5,      /* publication year: facet */
    IX_SLOT_TEXT = 6       /* a section's stored text in chunks (IX_DATA_CHUNKED) */
};
#define IX_LIST_SEP '\x1f'

/* Position gap between fields, so phrases and bigrams never span two fields. */
#define IX_FIELD_GAP 100

/* Document data: kind byte, title NUL, path NUL, text (to the end). */
#define IX_DATA_HEAD 'H'
#define IX_DATA_SECTION 'S' /* indexes written before chunking; still read */
/*
 * A section whose text is stored in chunks: data is kind 'C', title NUL,
 * path NUL (no text); value slot IX_SLOT_TEXT holds varints (ix_varint_put)
 * n_chunks and, per chunk, the term position of its first word, its text
 * length and its stored length, then the chunks one after another, each
 * zlib-compressed on its own (stored as is when that does not make it
 * smaller: stored length == text length). Chunks end after white space, so
 * no word is cut.
 *
 * Why: the snippet of a 50 KiB chapter cost more than the search itself
 * (perf: ~40% of a search request went to inflating the whole section text
 * and scanning it). search.c now finds the snippet's chunk from the query
 * terms' positions and inflates only that one and its neighbours (~1-3 KiB).
 * The chunks are in a value slot, not in the document data, because Xapian
 * compresses document data as a whole whenever that saves a byte, and then
 * inflates all of it on every get_data(); value slots are stored as they are.
 * Measured with callgrind over bench/queries.txt on the handbook: the whole
 * text in the data 1,175 M instructions; 4 KiB chunks in the data 601 M;
 * 1 KiB chunks 441 M; in a value slot 376 M; fixed Huffman codes (index.c)
 * 353 M. Same snippets as the whole-text scan for all 70 queries.
 */
#define IX_DATA_CHUNKED 'C'
#define IX_CHUNK_BYTES 1024u
/* Text kept per section for snippets. */
#define IX_DATA_TEXT_MAX (256u * 1024u)

/* Analysis switches: part of the index format (reindex after a change). */
enum ix_bigram_mode {
    IX_BIGRAMS_NONE,
    IX_BIGRAMS_ACCENTED, /* pairs where at least one syllable carries marks */
    IX_BIGRAMS_ALL
};
extern const enum ix_bigram_mode ix_bigrams;
/* Also index the exact term of a token that has no marks (it then equals the
 * folded term). Queries never need it: unaccented words search XF only. */
extern const bool ix_exact_always;

/* How one field is indexed: every token always gives the exact term (no
 * prefix) and XF+folded at one position; a field may add prefixed copies. */
struct ix_field {
    const char *name;
    const char *exact_prefix; /* extra exact-term prefix or NULL */
    const char *fold_prefix;  /* extra folded-term prefix or NULL */
    unsigned extra_wdf;       /* wdf of each prefixed posting */
    unsigned wdf;             /* wdf of each unprefixed posting */
};

extern const struct ix_field ix_field_title; /* record and section titles */
extern const struct ix_field ix_field_author;
extern const struct ix_field ix_field_subject;
extern const struct ix_field ix_field_publisher;
extern const struct ix_field ix_field_body; /* section text, description, ids */

/* Facets: name, value slot, list separator (0: single value). */
struct ix_facet_def {
    const char *name;
    unsigned slot;
    char sep;
};
#define IX_N_FACETS 4
extern const struct ix_facet_def ix_facets[IX_N_FACETS];

/*
 * Append prefix + value to b (reset first), with Xapian's ':' rule. `len` is
 * the value's length. Returns TS_OK or TS_ETOOBIG (b freed) if the result
 * would exceed Xapian's term limit (245 bytes).
 */
int ix_schema_term(struct ts_buf *b, const char *prefix, const char *value, size_t len);

/* The primary subtag of a BCP 47 tag, lower-cased, into out[cap]: "en-US" ->
 * "en". Returns its length (0 for NULL or empty). */
size_t ix_schema_lang(const char *tag, char *out, size_t cap);

/* Module-private: the indexer handle, shared by index.c and search.c. */
struct indexer {
    xs_db *db;
    int is_writer;
};

/* Module-private: unsigned LEB128 varints of the chunked data. put writes at
 * most 10 bytes to out; get reads one from *p (< end), advancing *p, and
 * fails on truncated input. */
size_t ix_varint_put(unsigned char *out, uint64_t v);
bool ix_varint_get(const char **p, const char *end, uint64_t *v);

/* Module-private (search.c): the query text as indexer_search() reads it -
 * NFC, ASCII white space runs made one space, trimmed. malloc'd. */
char *ix_query_normalise(const char *text, size_t *len);

#endif
