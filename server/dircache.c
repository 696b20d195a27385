/*
 * server/dircache.c - the directory cache (see dircache.h).
 *
 * Why: a desk write identified its caller with four reads (token, account,
 * the account's libraries, the library list) in a read transaction of its
 * own, on a page cache the desk's COMMITs had just emptied: 13 % of the
 * server's CPU under the circulation benchmark (bench/README.md).
 *
 * Small on purpose: an installation has tens of tokens, so a linear scan
 * under one mutex is enough, and the least recently used entry makes room.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dircache.h"
#include "ts_mem.h"
#include "ts_util.h"

#define DC_TOKENS 256

struct dc_token {
    unsigned char key[CAT_TOKEN_KEY_LEN];
    int64_t gen;
    struct cat_token token;
    struct cat_account account;
    int64_t *acting;
    size_t n_acting;
    uint64_t used; /* tick of the last hit, for eviction */
};

struct dircache {
    pthread_mutex_t lock;
    struct cat_bell *bell;
    uint64_t bell_seen;
    int64_t gen;
    double checked; /* ts_now_mono() of the last generation read; 0: never */
    struct dc_token tokens[DC_TOKENS];
    size_t n_tokens;
    uint64_t tick;
    struct cat_library *libs;
    size_t n_libs;
    int64_t libs_gen;
    int libs_valid;
    struct dircache_stats stats;
};

struct dircache *dircache_open(const char *catalog_path)
{
    struct dircache *dc = ts_xcalloc(1, sizeof *dc);

    pthread_mutex_init(&dc->lock, NULL);
    dc->bell = catalog_bell_open(catalog_path); /* NULL: rechecks once a second only */
    return dc;
}

static void token_clear(struct dc_token *t)
{
    cat_account_clear(&t->account);
    free(t->acting);
    memset(t, 0, sizeof *t);
}

static void libs_clear(struct dircache *dc)
{
    cat_library_list_free(dc->libs, dc->n_libs);
    dc->libs = NULL;
    dc->n_libs = 0;
    dc->libs_valid = 0;
}

void dircache_close(struct dircache *dc)
{
    if (!dc)
        return;
    for (size_t i = 0; i < dc->n_tokens; i++)
        token_clear(&dc->tokens[i]);
    libs_clear(dc);
    catalog_bell_close(dc->bell);
    pthread_mutex_destroy(&dc->lock);
    free(dc);
}

int dircache_fresh(struct dircache *dc, uint64_t *bell)
{
    double now = ts_now_mono();
    int fresh;

    *bell = catalog_bell_read(dc->bell);
    pthread_mutex_lock(&dc->lock);
    fresh = dc->checked > 0 && *bell == dc->bell_seen && now - dc->checked < DIRCACHE_RECHECK_S;
    pthread_mutex_unlock(&dc->lock);
    return fresh;
}

void dircache_seen(struct dircache *dc, uint64_t bell, int64_t gen)
{
    pthread_mutex_lock(&dc->lock);
    dc->stats.generation_reads++;
    /* a thread that read an older generation than another already noted
     * (it began its read first) must not take the cache back to it */
    if (gen >= dc->gen || dc->checked == 0) {
        if (gen != dc->gen) {
            for (size_t i = 0; i < dc->n_tokens; i++)
                token_clear(&dc->tokens[i]);
            dc->n_tokens = 0;
            libs_clear(dc);
        }
        dc->gen = gen;
        dc->bell_seen = bell;
        dc->checked = ts_now_mono();
    }
    pthread_mutex_unlock(&dc->lock);
}

static void account_copy(struct cat_account *dst, const struct cat_account *src)
{
    *dst = *src;
    dst->login = src->login ? ts_xstrdup(src->login) : NULL;
    dst->name = src->name ? ts_xstrdup(src->name) : NULL;
    dst->role = src->role ? ts_xstrdup(src->role) : NULL;
    dst->libraries = NULL;
    if (src->n_libraries) {
        dst->libraries = ts_xmalloc(src->n_libraries * sizeof *dst->libraries);
        memcpy(dst->libraries, src->libraries, src->n_libraries * sizeof *dst->libraries);
    }
}

static int64_t *ids_copy(const int64_t *ids, size_t n)
{
    int64_t *c;

    if (!n)
        return NULL;
    c = ts_xmalloc(n * sizeof *c);
    memcpy(c, ids, n * sizeof *c);
    return c;
}

static struct dc_token *token_find(struct dircache *dc, const unsigned char *key)
{
    for (size_t i = 0; i < dc->n_tokens; i++)
        if (memcmp(dc->tokens[i].key, key, CAT_TOKEN_KEY_LEN) == 0)
            return &dc->tokens[i];
    return NULL;
}

static void token_drop(struct dircache *dc, struct dc_token *t)
{
    token_clear(t);
    if (t != &dc->tokens[dc->n_tokens - 1])
        *t = dc->tokens[dc->n_tokens - 1];
    memset(&dc->tokens[--dc->n_tokens], 0, sizeof *t);
}

int dircache_token_get(struct dircache *dc, const unsigned char key[CAT_TOKEN_KEY_LEN], int64_t now,
                       struct cat_account *account, int64_t **acting, size_t *n_acting,
                       int64_t *touch_id)
{
    struct dc_token *t;
    int hit = 0;

    *acting = NULL;
    *n_acting = 0;
    *touch_id = 0;
    pthread_mutex_lock(&dc->lock);
    t = token_find(dc, key);
    if (t && (t->gen != dc->gen || (t->token.expires && now >= t->token.expires))) {
        token_drop(dc, t); /* read again: the database says why it is refused */
        t = NULL;
    }
    if (t) {
        account_copy(account, &t->account);
        *acting = ids_copy(t->acting, t->n_acting);
        *n_acting = t->n_acting;
        if (now - t->token.last_used >= CAT_SESSION_TOUCH) {
            t->token.last_used = now;
            *touch_id = t->token.id;
        }
        t->used = ++dc->tick;
        dc->stats.hits++;
        hit = 1;
    } else {
        dc->stats.misses++;
    }
    pthread_mutex_unlock(&dc->lock);
    return hit;
}

void dircache_token_put(struct dircache *dc, const unsigned char key[CAT_TOKEN_KEY_LEN],
                        int64_t gen, const struct cat_token *tok, const struct cat_account *account,
                        const int64_t *acting, size_t n_acting)
{
    struct dc_token *t;

    pthread_mutex_lock(&dc->lock);
    if ((t = token_find(dc, key)) != NULL) {
        token_clear(t);
    } else if (dc->n_tokens < DC_TOKENS) {
        t = &dc->tokens[dc->n_tokens++];
    } else {
        t = &dc->tokens[0];
        for (size_t i = 1; i < dc->n_tokens; i++)
            if (dc->tokens[i].used < t->used)
                t = &dc->tokens[i];
        token_clear(t);
    }
    memcpy(t->key, key, CAT_TOKEN_KEY_LEN);
    t->gen = gen;
    t->token = *tok;
    account_copy(&t->account, account);
    t->acting = ids_copy(acting, n_acting);
    t->n_acting = n_acting;
    t->used = ++dc->tick;
    pthread_mutex_unlock(&dc->lock);
}

static struct cat_library *libs_copy(const struct cat_library *src, size_t n)
{
    struct cat_library *c = ts_xcalloc(n ? n : 1, sizeof *c);

    for (size_t i = 0; i < n; i++) {
        c[i].id = src[i].id;
        c[i].code = src[i].code ? ts_xstrdup(src[i].code) : NULL;
        c[i].name = src[i].name ? ts_xstrdup(src[i].name) : NULL;
        c[i].kind = src[i].kind ? ts_xstrdup(src[i].kind) : NULL;
    }
    return c;
}

int dircache_libs_get(struct dircache *dc, struct cat_library **libs, size_t *n)
{
    int hit;

    *libs = NULL;
    *n = 0;
    pthread_mutex_lock(&dc->lock);
    hit = dc->libs_valid && dc->libs_gen == dc->gen;
    if (hit) {
        *libs = libs_copy(dc->libs, dc->n_libs);
        *n = dc->n_libs;
    }
    pthread_mutex_unlock(&dc->lock);
    return hit;
}

void dircache_libs_put(struct dircache *dc, int64_t gen, const struct cat_library *libs, size_t n)
{
    pthread_mutex_lock(&dc->lock);
    if (gen == dc->gen) {
        libs_clear(dc);
        dc->libs = libs_copy(libs, n);
        dc->n_libs = n;
        dc->libs_gen = gen;
        dc->libs_valid = 1;
    }
    pthread_mutex_unlock(&dc->lock);
}

void dircache_stats(struct dircache *dc, struct dircache_stats *out)
{
    pthread_mutex_lock(&dc->lock);
    *out = dc->stats;
    pthread_mutex_unlock(&dc->lock);
}
