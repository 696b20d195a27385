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
/* Rewrite only where a record is held and available (its library and
 * availability terms and the libraries facet value) on all its documents,
 * as after a checkout or a return; the text is not touched. No error if the
 * record has no documents (yet). */
int indexer_set_holdings(indexer *ix, int64_t record_id, const char *const *libraries,
                         size_t n_libraries, const char *const *available, size_t n_available,
                         struct ts_err *err);
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
    int exact;    /* 1: total and facet counts are counts; 0: estimates, extrapolated from
                     the first documents looked at (a query matching very many) */
    struct ix_hit *hits;
    size_t n_hits;
    struct ix_facet facets[IX_FACETS_MAX];
    char *did_you_mean; /* NULL when the query looks fine */
};

/* Run a query. *out is new (ix_results_free()). TS_EINVAL for an empty query.
 * The text is NFC-normalised and its runs of white space collapsed first, so
 * "a  b" and "a b" are one query (and one cache entry). */
int indexer_search(indexer *ix, const struct ix_query *q, struct ix_results **out,
                   struct ts_err *err);
void ix_results_free(struct ix_results *r); /* NULL ok */

/*
 * Search result cache: a bounded LRU of indexer_search() results shared by
 * every thread of a process (one mutex inside; each thread still uses its own
 * indexer). It holds only what the index says - ranked record ids, titles,
 * sections, snippets, facet counts, totals, "did you mean" - never catalogue
 * data such as availability, which callers read fresh for every request.
 *
 * Key: the query text normalised as indexer_search() normalises it (NFC,
 * white space runs collapsed, trimmed) plus every other ix_query field
 * (filters, offset, limit, markers, escaping, snippet length), plus the
 * index's UUID and revision. Every lookup first reopens the caller's reader
 * (as a search does) and reads that revision, so a commit by any writer - an
 * import, a reindex, a circulation change reaching the index - makes every
 * older entry unreachable at once; the first lookup that sees a newer
 * revision also drops them. A reader still on an older revision than the
 * cache's newest (a commit landed between two threads' reopens) bypasses the
 * cache. A hit therefore returns exactly what the search would return.
 *
 * Bounds: at most max_entries results and about max_entries * 16 KiB of
 * strings (a page of 10 hits with 200-character snippets is 3-8 KiB; the
 * API's 50-hit pages are the big ones); least recently used go first.
 */
typedef struct ix_cache ix_cache;

#define IX_CACHE_ENTRY_BYTES (16u * 1024u) /* average budget per entry */

/* A cache of max_entries results (0: a cache that stores nothing). */
ix_cache *ix_cache_new(size_t max_entries);
void ix_cache_free(ix_cache *c); /* NULL ok; no thread may be using it */
/* Change the bound (evicting the least recently used if it shrinks). */
void ix_cache_set_capacity(ix_cache *c, size_t max_entries);
/* Drop every entry. */
void ix_cache_clear(ix_cache *c);

struct ix_cache_stats {
    size_t entries, bytes, capacity;
    uint64_t hits, misses, bypassed, evictions, invalidations;
};
void ix_cache_get_stats(ix_cache *c, struct ix_cache_stats *out);

/*
 * indexer_search() through cache `c` (NULL or capacity 0: a plain search).
 * *hit (may be NULL) is 1 when the result came from the cache. *out is new
 * either way (ix_results_free()). Errors are never cached.
 */
int indexer_search_cached(indexer *ix, ix_cache *c, const struct ix_query *q,
                          struct ix_results **out, int *hit, struct ts_err *err);

/* Title completions for search-as-you-type: titles whose words start with the
 * words of `prefix` (accent-insensitive), best first. *titles malloc'd array
 * of malloc'd strings; free each and the array. */
int indexer_suggest(indexer *ix, const char *prefix, size_t limit, char ***titles, size_t *n,
                    struct ts_err *err);

#endif
