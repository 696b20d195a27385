/*
 * indexer/xapian_shim.h - the C face of Xapian: opaque handles, no library
 * knowledge. Included only by indexer/ C files; implemented by xapian_shim.cc,
 * the only C++ file in the tree.
 *
 * Every function that can fail returns a ts_code and fills *err; no C++
 * exception crosses into C. Strings come in as pointer + length (terms are
 * byte strings) and go out as pointers borrowed from the handle that owns
 * them. The shim receives terms that are already normalised: prefixes, value
 * slots and analysis are the caller's business (schema.c, analyzer.c).
 *
 * Threads: an xs_db, xs_hits or xs_q is used by one thread at a time. xs_doc
 * objects touch no database, so they can be built in any thread and handed
 * to the writer's thread afterwards.
 */
#ifndef TS_XAPIAN_SHIM_H
#define TS_XAPIAN_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "ts_err.h" /* a C header without its own extern "C" */

typedef struct xs_db xs_db;     /* one reader or writer */
typedef struct xs_doc xs_doc;   /* a document being built */
typedef struct xs_q xs_q;       /* a query tree node */
typedef struct xs_hits xs_hits; /* one page of results, with facet counts */

/* ---- databases ---- */

/* Open (creating if needed) the index in `dir` for writing. Changes are
 * written only by xs_commit(); xs_close() discards uncommitted ones.
 * TS_EBUSY "index is locked by another tusach process" if another writer
 * holds it (in this process or another). */
int xs_open_writer(const char *dir, xs_db **out, struct ts_err *err);
/* Open for reading; TS_ENOTFOUND if there is no index in `dir`. */
int xs_open_reader(const char *dir, xs_db **out, struct ts_err *err);
void xs_close(xs_db *db); /* NULL ok */

/* Number of documents (a reader reopens to the latest commit first; a writer
 * counts its uncommitted changes). */
int xs_doc_count(xs_db *db, size_t *out, struct ts_err *err);
/* Which commit a reader sees: reopens a reader to the latest commit first
 * (as a search does), then gives the database's UUID (36 characters + NUL
 * into uuid[cap], "" if the backend has none) and revision. The pair names
 * one state of one index: a rebuilt index in the same folder gets a new
 * UUID, every commit a higher revision (search result caches key on it). */
int xs_revision(xs_db *db, char *uuid, size_t cap, uint64_t *rev, struct ts_err *err);
/* Number of documents indexed by `term`. */
int xs_termfreq(xs_db *db, const char *term, size_t len, size_t *out, struct ts_err *err);
/* Best spelling correction of `word` from the spelling dictionary (edit
 * distance <= 2), *out malloc'd (free()) or NULL when there is none. */
int xs_spelling(xs_db *db, const char *word, size_t len, char **out, struct ts_err *err);
/* Value `slot` of every document indexed by `term`, in docid order (readers
 * reopen first): *vals is
 * a malloc'd array of malloc'd strings (free each and the array). */
int xs_term_values(xs_db *db, const char *term, size_t len, unsigned slot, char ***vals, size_t *n,
                   struct ts_err *err);

/* Positions of `term` in document `docid` (ascending; none if the document
 * lacks the term or is gone), appended at (*buf)[*n] to the caller's reusable
 * array *buf (capacity *cap, grown with ts_xrealloc; free() it when done),
 * *n counting them in. Meant for the revision a search just used: reopens only
 * when a writer has overtaken it (the document is then usually gone). */
int xs_positions(xs_db *db, unsigned docid, const char *term, size_t len, unsigned **buf,
                 size_t *cap, size_t *n, struct ts_err *err);

/* ---- documents ---- */

int xs_doc_new(xs_doc **out, struct ts_err *err);
void xs_doc_free(xs_doc *doc); /* NULL ok */
/* Add `term` at position `pos`, raising its wdf by wdf_inc. */
int xs_doc_add_posting(xs_doc *doc, const char *term, size_t len, unsigned pos, unsigned wdf_inc,
                       struct ts_err *err);
/* Add `term` without a position. */
int xs_doc_add_term(xs_doc *doc, const char *term, size_t len, unsigned wdf_inc,
                    struct ts_err *err);
/* Add a boolean (wdf 0, filter-only) term. */
int xs_doc_add_boolean(xs_doc *doc, const char *term, size_t len, struct ts_err *err);
int xs_doc_set_value(xs_doc *doc, unsigned slot, const char *v, size_t len, struct ts_err *err);
int xs_doc_set_data(xs_doc *doc, const char *data, size_t len, struct ts_err *err);
/* The document's terms, each followed by '\n', in term order (tests and
 * debugging): *out malloc'd (free()). */
int xs_doc_terms(const xs_doc *doc, char **out, struct ts_err *err);

/* Spelling words added with a document (xs_add). */
enum xs_spell {
    XS_SPELL_NONE,
    XS_SPELL_PREFIX, /* terms under spell_prefix, prefix stripped (e.g. title words) */
    XS_SPELL_ALL     /* those, plus every term that starts with a lower-case letter or
                        a non-ASCII byte (the unprefixed word terms) */
};

struct xs_value {
    unsigned slot;
    const char *v;
    size_t len;
};

/* Per-add additions that do not belong to the prepared document itself. */
struct xs_add_opts {
    const char *const *booleans; /* NUL-terminated boolean terms */
    size_t n_booleans;
    const struct xs_value *values;
    size_t n_values;
    enum xs_spell spell;
    const char *spell_prefix; /* for XS_SPELL_PREFIX / XS_SPELL_ALL; may be NULL */
};

/*
 * Add `doc` to a writer together with opts' boolean terms and values, and feed
 * its words to the spelling dictionary (count = wdf). `doc` is left exactly as
 * it was (the extra terms are removed again), so one prepared document can be
 * added any number of times; it must not be used by another thread meanwhile.
 */
int xs_add(xs_db *db, xs_doc *doc, const struct xs_add_opts *opts, struct ts_err *err);
/* Delete every document indexed by `term` (none: no error). */
int xs_delete_term(xs_db *db, const char *term, size_t len, struct ts_err *err);
/* Delete every document and the spelling dictionary. */
int xs_clear(xs_db *db, struct ts_err *err);
/* Make the changes since the last commit durable and visible to readers. */
int xs_commit(xs_db *db, struct ts_err *err);
/* On every document indexed by idterm: remove the terms that start with one
 * of drop[] (but not with one of keep[]), add the boolean terms[] (NUL-
 * terminated) and set value `slot`. Text, positions and data are untouched:
 * for changes of holdings, not of content. */
int xs_retag(xs_db *db, const char *idterm, size_t idlen, const char *const *drop, size_t n_drop,
             const char *const *keep, size_t n_keep, const char *const *terms, size_t n_terms,
             unsigned slot, const char *value, size_t value_len, struct ts_err *err);

/* ---- queries ---- */

enum xs_op {
    XS_OP_AND,
    XS_OP_OR,
    XS_OP_AND_MAYBE, /* first subquery, weighted up by the others */
    XS_OP_FILTER,    /* first subquery, restricted by the others (no weight) */
    XS_OP_PHRASE,    /* subqueries (terms) at consecutive positions */
    XS_OP_SYNONYM    /* OR, weighted as one term */
};

/* Constructors: *out new (xs_q_free()); subqueries are borrowed (copied). */
int xs_q_term(const char *term, size_t len, xs_q **out, struct ts_err *err);
int xs_q_combine(enum xs_op op, xs_q *const *subs, size_t n, xs_q **out, struct ts_err *err);
int xs_q_scale(const xs_q *q, double factor, xs_q **out, struct ts_err *err);
/* Terms starting with `prefix`, at most max_expansion of the most frequent. */
int xs_q_wildcard(const char *prefix, size_t len, unsigned max_expansion, xs_q **out,
                  struct ts_err *err);
void xs_q_free(xs_q *q); /* NULL ok */

/* Facet counted by xs_search: distinct values of `slot` (split on `sep`
 * when non-zero), each record (collapse slot value) counted once. */
struct xs_facet_spec {
    unsigned slot;
    char sep;
};

struct xs_search_opts {
    const xs_q *query;
    const char *const *filters; /* boolean terms, all required */
    size_t n_filters;
    int collapse_slot; /* one hit per value of this slot; -1: none */
    size_t offset, limit;
    size_t check_at_least;       /* look at this many documents (facets, estimate) */
    const unsigned *value_slots; /* values copied into each hit */
    size_t n_value_slots;
    int want_data;                      /* copy each hit's document data */
    const struct xs_facet_spec *facets; /* needs collapse_slot >= 0 */
    size_t n_facets;
};

/*
 * Run a query (reopening a reader first; retries up to 3 times when a writer
 * replaced the revision being read). *out new (xs_hits_free()).
 */
int xs_search(xs_db *db, const struct xs_search_opts *opts, xs_hits **out, struct ts_err *err);

size_t xs_hits_count(const xs_hits *h);
size_t xs_hits_estimated(const xs_hits *h); /* matching documents (after collapsing) */
/* 1 when every matching document was looked at, so the estimate and the facet
 * counts are exact; 0 when the matcher stopped after check_at_least. */
int xs_hits_exact(const xs_hits *h);
double xs_hits_weight(const xs_hits *h, size_t i);
/* Value number k (index into opts.value_slots) of hit i; valid until xs_hits_free. */
const char *xs_hits_value(const xs_hits *h, size_t i, size_t k, size_t *len);
/* Document id of hit i, for xs_positions(). */
unsigned xs_hits_docid(const xs_hits *h, size_t i);
/* Document data of hit i (empty unless want_data); valid until xs_hits_free. */
const char *xs_hits_data(const xs_hits *h, size_t i, size_t *len);
/* Facet f (index into opts.facets): number of values, and value j with its
 * record count, most frequent first; valid until xs_hits_free. */
size_t xs_hits_facet_count(const xs_hits *h, size_t f);
const char *xs_hits_facet_value(const xs_hits *h, size_t f, size_t j, size_t *count);
void xs_hits_free(xs_hits *h); /* NULL ok */

#ifdef __cplusplus
}
#endif

#endif
