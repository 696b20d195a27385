/*
 * indexer/indexer.h - the full-text index: derived from the catalogue and the
 * file store, rebuildable at any time by `tusach reindex`.
 *
 * Document layout (Xapian, built in schema.c/index.c): every record has one
 * "head" document (id term Q<record_id>) with its metadata, and one document
 * per section (Q<record_id>.<n>) with the section text. All documents of a
 * record carry the boolean term XR<record_id> and the record id in value slot
 * 0, so results collapse to one hit per record while still naming the best
 * matching section. Terms: exact (NFC, case-folded, tone-canonical) without
 * prefix, folded under XF, folded syllable bigrams under XB; title words also
 * under S / XFS with extra weight.
 *
 * Threads: an indexer handle is used by one thread at a time. ix_prepare()
 * may run in any thread (it touches no database).
 */
#ifndef TS_INDEXER_H
#define TS_INDEXER_H

#include <stddef.h>
#include <stdint.h>

#include "extract.h"
#include "ts_err.h"

typedef struct indexer indexer;
struct ix_prepared; /* analysed sections of one document */

/* What the catalogue says about a record; all strings borrowed, may be NULL. */
struct ix_record {
    int64_t id;
    const char *title;
    const char *authors;       /* "A; B" */
    const char *language;      /* "vi", "en" ... */
    const char *resource_type; /* "ebook" ... */
    const char *publisher;
    const char *year;
    const char *description;
    const char *subjects;         /* "; "-joined */
    const char *identifiers;      /* " "-joined, ISBNs as digits */
    const char *const *libraries; /* library codes holding it */
    size_t n_libraries;
    const char *const *available; /* library codes where a copy is available now */
    size_t n_available;
};

/* Open the index in `dir` (created if missing) for writing: one writer per
 * data folder; TS_EBUSY "index is locked by another tusach process". */
int indexer_open_writer(const char *dir, indexer **out, struct ts_err *err);
/* Open for reading; TS_ENOTFOUND if there is no index yet. */
int indexer_open_reader(const char *dir, indexer **out, struct ts_err *err);
void indexer_close(indexer *ix); /* NULL ok; a writer commits nothing on close */

/* Analyse the sections of `doc` (borrowed) into *out (ix_prepared_free()). Thread-safe. */
int ix_prepare(const struct ix_doc *doc, struct ix_prepared **out, struct ts_err *err);
void ix_prepared_free(struct ix_prepared *p); /* NULL ok */

/*
 * Replace every document of record rec->id: a head document from `rec` and one
 * document per prepared section (prep NULL: head only). Idempotent.
 */
int indexer_put(indexer *ix, const struct ix_record *rec, const struct ix_prepared *prep,
                struct ts_err *err);
/* Remove every document of a record (no error if absent). */
int indexer_delete(indexer *ix, int64_t record_id, struct ts_err *err);
/* Make the changes durable and visible. */
int indexer_commit(indexer *ix, struct ts_err *err);
/* Drop every document (reindex). */
int indexer_clear(indexer *ix, struct ts_err *err);

/* Consistency check: record ids that have a head document, sorted ascending,
 * with how many head documents each has (must be 1). *ids, *counts malloc'd. */
int indexer_record_ids(indexer *ix, int64_t **ids, size_t **counts, size_t *n, struct ts_err *err);
/* Number of documents in the index. */
size_t indexer_doc_count(indexer *ix);

struct ix_query {
    const char *text;              /* as the reader typed it, any normalisation form */
    const char *library;           /* library code filter or NULL */
    const char *language;          /* "vi", "en" ... or NULL (matches the primary subtag) */
    const char *type;              /* resource type or NULL */
    const char *available_at;      /* library code: only records with a copy available there now */
    const char *year;              /* publication year or NULL */
    size_t offset, limit;          /* limit 0 -> 10 */
    const char *hi_start, *hi_end; /* highlight markers around matched words */
    int escape_html;               /* snippet text escaped for HTML (markers inserted raw) */
    size_t snippet_chars;          /* about this many characters; 0 -> 200 */
};

struct ix_hit {
    int64_t record_id;
    double weight;
    char *title;
    char *section_title; /* NULL when the best match is the record's metadata */
    char *section_path;
    char *snippet;
};

#define IX_FACETS_MAX 4 /* language, type, library, year */

struct ix_facet_count {
    char *value;
    size_t count;
};

struct ix_facet {
    const char *name; /* "language", "type", "library" */
    struct ix_facet_count *values;
    size_t n_values;
};

struct ix_results {
    size_t total; /* estimated number of matching records */
    struct ix_hit *hits;
    size_t n_hits;
    struct ix_facet facets[IX_FACETS_MAX];
    char *did_you_mean; /* NULL when the query looks fine */
};

/* Run a query. *out is new (ix_results_free()). TS_EINVAL for an empty query. */
int indexer_search(indexer *ix, const struct ix_query *q, struct ix_results **out,
                   struct ts_err *err);
void ix_results_free(struct ix_results *r); /* NULL ok */

/* Title completions for search-as-you-type: titles whose words start with the
 * words of `prefix` (accent-insensitive), best first. *titles malloc'd array
 * of malloc'd strings; free each and the array. */
int indexer_suggest(indexer *ix, const char *prefix, size_t limit, char ***titles, size_t *n,
                    struct ts_err *err);

#endif
