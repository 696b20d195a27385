/*
 * indexer/search_cache.c - a bounded, thread-safe LRU of search results (see
 * indexer.h, "Search result cache").
 *
 * Why here and not in the server: only the indexer knows what a result
 * depends on (the index revision, the normalised query), and keeping the
 * cache below the catalogue lookups is what keeps it honest - availability
 * and record metadata are read from the catalogue by the caller on every
 * request, hit or miss.
 *
 * Layout: a hash table of chains (FNV-1a over the key) plus a doubly linked
 * LRU list, all under one mutex. Lookups copy the stored result out, so no
 * entry is ever shared with a caller and eviction never waits for readers.
 * Every entry belongs to the index state (UUID, revision) the cache last saw;
 * a newer state empties the cache, an older one bypasses it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "schema.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "xapian_shim.h"

#define UUID_CAP 48

struct centry {
    struct centry *prev, *next; /* LRU list: cache->lru.next is the most recent */
    struct centry *chain;       /* hash bucket chain */
    uint64_t hash;
    char *key;
    size_t key_len;
    size_t bytes;
    struct ix_results *r;
};

struct ix_cache {
    pthread_mutex_t lock;
    size_t cap, max_bytes;
    size_t n, bytes;
    struct centry **buckets;
    size_t n_buckets; /* a power of two */
    struct centry lru;
    char uuid[UUID_CAP];
    uint64_t rev;
    bool have_state;
    struct ix_cache_stats st;
};

/* ---- copies of results ---- */

static size_t str_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static char *dup_or_null(const char *s)
{
    return s ? ts_xstrdup(s) : NULL;
}

/* A deep copy of r; *bytes (may be NULL) its heap size, roughly. */
static struct ix_results *results_dup(const struct ix_results *r, size_t *bytes)
{
    struct ix_results *c = ts_xcalloc(1, sizeof *c);
    size_t b = sizeof *c;

    c->total = r->total;
    c->exact = r->exact;
    c->n_hits = r->n_hits;
    c->hits = ts_xcalloc(r->n_hits + 1, sizeof *c->hits);
    b += (r->n_hits + 1) * sizeof *c->hits;
    for (size_t i = 0; i < r->n_hits; i++) {
        const struct ix_hit *h = &r->hits[i];
        struct ix_hit *d = &c->hits[i];

        d->record_id = h->record_id;
        d->weight = h->weight;
        d->title = dup_or_null(h->title);
        d->section_title = dup_or_null(h->section_title);
        d->section_path = dup_or_null(h->section_path);
        d->snippet = dup_or_null(h->snippet);
        b += str_bytes(h->title) + str_bytes(h->section_title) + str_bytes(h->section_path) +
             str_bytes(h->snippet);
    }
    for (size_t f = 0; f < IX_FACETS_MAX; f++) {
        const struct ix_facet *fs = &r->facets[f];
        struct ix_facet *fd = &c->facets[f];

        fd->name = fs->name; /* static strings (schema.c) */
        fd->n_values = fs->n_values;
        if (!fs->values)
            continue;
        fd->values = ts_xcalloc(fs->n_values + 1, sizeof *fd->values);
        b += (fs->n_values + 1) * sizeof *fd->values;
        for (size_t j = 0; j < fs->n_values; j++) {
            fd->values[j].value = dup_or_null(fs->values[j].value);
            fd->values[j].count = fs->values[j].count;
            b += str_bytes(fs->values[j].value);
        }
    }
    c->did_you_mean = dup_or_null(r->did_you_mean);
    b += str_bytes(r->did_you_mean);
    if (bytes)
        *bytes = b;
    return c;
}

/* ---- the table ---- */

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static size_t buckets_for(size_t cap)
{
    size_t n = 16;

    while (n < cap * 2 && n < ((size_t)1 << 24))
        n *= 2;
    return n;
}

static void lru_unlink(struct centry *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
}

static void lru_push_front(struct ix_cache *c, struct centry *e)
{
    e->prev = &c->lru;
    e->next = c->lru.next;
    c->lru.next->prev = e;
    c->lru.next = e;
}

static struct centry **chain_slot(struct ix_cache *c, const struct centry *e)
{
    struct centry **p = &c->buckets[e->hash & (c->n_buckets - 1)];

    while (*p != e)
        p = &(*p)->chain;
    return p;
}

static void entry_free(struct centry *e)
{
    ix_results_free(e->r);
    free(e->key);
    free(e);
}

/* Unlink and free e (lock held). */
static void entry_drop(struct ix_cache *c, struct centry *e)
{
    struct centry **slot = chain_slot(c, e);

    *slot = e->chain;
    lru_unlink(e);
    c->n--;
    c->bytes -= e->bytes;
    entry_free(e);
}

static struct centry *find(struct ix_cache *c, uint64_t hash, const char *key, size_t len)
{
    for (struct centry *e = c->buckets[hash & (c->n_buckets - 1)]; e; e = e->chain)
        if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    return NULL;
}

/* Evict least recently used entries until the bounds hold (lock held). */
static void shrink(struct ix_cache *c)
{
    while (c->n > 0 && (c->n > c->cap || c->bytes > c->max_bytes)) {
        entry_drop(c, c->lru.prev);
        c->st.evictions++;
    }
}

static void drop_all(struct ix_cache *c)
{
    while (c->n > 0)
        entry_drop(c, c->lru.prev);
}

ix_cache *ix_cache_new(size_t max_entries)
{
    ix_cache *c = ts_xcalloc(1, sizeof *c);

    pthread_mutex_init(&c->lock, NULL);
    c->lru.next = c->lru.prev = &c->lru;
    c->cap = max_entries;
    c->max_bytes = max_entries * IX_CACHE_ENTRY_BYTES;
    c->n_buckets = buckets_for(max_entries);
    c->buckets = ts_xcalloc(c->n_buckets, sizeof *c->buckets);
    return c;
}

void ix_cache_free(ix_cache *c)
{
    if (!c)
        return;
    drop_all(c);
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void ix_cache_set_capacity(ix_cache *c, size_t max_entries)
{
    size_t nb = buckets_for(max_entries);

    pthread_mutex_lock(&c->lock);
    c->cap = max_entries;
    c->max_bytes = max_entries * IX_CACHE_ENTRY_BYTES;
    shrink(c);
    if (nb != c->n_buckets) {
        struct centry **b = ts_xcalloc(nb, sizeof *b);

        /* rehash, keeping each chain's order irrelevant: lookups compare keys */
        for (size_t i = 0; i < c->n_buckets; i++) {
            struct centry *e = c->buckets[i], *next;
            for (; e; e = next) {
                next = e->chain;
                e->chain = b[e->hash & (nb - 1)];
                b[e->hash & (nb - 1)] = e;
            }
        }
        free(c->buckets);
        c->buckets = b;
        c->n_buckets = nb;
    }
    pthread_mutex_unlock(&c->lock);
}

void ix_cache_clear(ix_cache *c)
{
    pthread_mutex_lock(&c->lock);
    drop_all(c);
    c->have_state = false;
    pthread_mutex_unlock(&c->lock);
}

void ix_cache_get_stats(ix_cache *c, struct ix_cache_stats *out)
{
    pthread_mutex_lock(&c->lock);
    *out = c->st;
    out->entries = c->n;
    out->bytes = c->bytes;
    out->capacity = c->cap;
    pthread_mutex_unlock(&c->lock);
}

/* ---- lookups ---- */

static void key_str(struct ts_buf *b, const char *s)
{
    if (!s)
        (void)ts_buf_add(b, "-|");
    else
        (void)ts_buf_addf(b, "%zu:%s|", strlen(s), s);
}

/* Every ix_query field that can change the result, the text normalised. */
static void build_key(struct ts_buf *b, const char *norm, const struct ix_query *q)
{
    ts_buf_init(b, 0);
    key_str(b, norm);
    key_str(b, q->library);
    key_str(b, q->language);
    key_str(b, q->type);
    key_str(b, q->available_at);
    key_str(b, q->year);
    key_str(b, q->hi_start);
    key_str(b, q->hi_end);
    (void)ts_buf_addf(b, "%zu|%zu|%d|%zu", q->offset, q->limit ? q->limit : 10, !!q->escape_html,
                      q->snippet_chars);
}

/* Compare the reader's index state with the cache's (lock held): 1 the cache
 * may be used (emptied first when the state is newer or another index), 0 the
 * reader is behind the cache and must bypass it. */
static int sync_state(struct ix_cache *c, const char *uuid, uint64_t rev)
{
    if (c->have_state && strcmp(c->uuid, uuid) == 0) {
        if (rev == c->rev)
            return 1;
        if (rev < c->rev)
            return 0;
    }
    if (c->n)
        c->st.invalidations++;
    drop_all(c);
    memcpy(c->uuid, uuid, sizeof c->uuid);
    c->rev = rev;
    c->have_state = true;
    return 1;
}

int indexer_search_cached(indexer *ix, ix_cache *c, const struct ix_query *q,
                          struct ix_results **out, int *hit, struct ts_err *err)
{
    struct ix_query nq;
    struct ix_results *r = NULL;
    struct ts_buf key;
    struct centry *e;
    char uuid[UUID_CAP];
    uint64_t rev, hash;
    char *norm;
    size_t bytes;
    int rc, usable;

    *out = NULL;
    if (hit)
        *hit = 0;
    if (!c || !q->text)
        return indexer_search(ix, q, out, err);
    /* The reader's revision, after the same reopen a search does. */
    if ((rc = xs_revision(ix->db, uuid, sizeof uuid, &rev, err)))
        return rc;
    norm = ix_query_normalise(q->text, NULL);
    build_key(&key, norm, q);
    hash = fnv1a(key.data, key.len);

    pthread_mutex_lock(&c->lock);
    usable = c->cap > 0 && sync_state(c, uuid, rev);
    if (usable && (e = find(c, hash, key.data, key.len)) != NULL) {
        lru_unlink(e);
        lru_push_front(c, e);
        c->st.hits++;
        /* copied under the lock: the entry may be evicted right after */
        *out = results_dup(e->r, NULL);
        pthread_mutex_unlock(&c->lock);
        if (hit)
            *hit = 1;
        rc = TS_OK;
        goto out;
    }
    if (usable)
        c->st.misses++;
    else
        c->st.bypassed++;
    pthread_mutex_unlock(&c->lock);

    nq = *q;
    nq.text = norm;
    if ((rc = indexer_search(ix, &nq, &r, err)))
        goto out;
    *out = r;
    if (!usable)
        goto out;
    /* Stored only if the cache still belongs to the revision looked up: a
     * newer one may have emptied it meanwhile. The result itself can only be
     * as new or newer than `rev` (the search reopened again). */
    r = results_dup(*out, &bytes);
    bytes += sizeof *e + key.len;
    pthread_mutex_lock(&c->lock);
    if (c->have_state && c->rev == rev && strcmp(c->uuid, uuid) == 0 && bytes <= c->max_bytes &&
        !find(c, hash, key.data, key.len)) {
        e = ts_xcalloc(1, sizeof *e);
        e->hash = hash;
        e->key_len = key.len;
        e->key = ts_buf_take(&key);
        e->bytes = bytes;
        e->r = r;
        r = NULL;
        e->chain = c->buckets[hash & (c->n_buckets - 1)];
        c->buckets[hash & (c->n_buckets - 1)] = e;
        lru_push_front(c, e);
        c->n++;
        c->bytes += bytes;
        shrink(c);
    }
    pthread_mutex_unlock(&c->lock);
    ix_results_free(r);
out:
    ts_buf_free(&key);
    free(norm);
    return rc;
}
