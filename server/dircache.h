/*
 * server/dircache.h - the server's cache of the directory: API tokens with
 * their accounts and the libraries each may act for, and the library list.
 *
 * Everything in it carries the directory generation it was read at
 * (catalog_directory_generation) and is used only while that is still the
 * generation: the cache re-reads the number when the catalogue's bell has
 * rung since it last did (a tusach command changed the directory) and at
 * least once a second (any other program). Thread-safe; the server has one.
 */
#ifndef TS_DIRCACHE_H
#define TS_DIRCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "circ.h"

#define DIRCACHE_RECHECK_S 1.0 /* re-read the generation at least this often */

struct dircache;
struct dircache *dircache_open(const char *catalog_path); /* never NULL */
void dircache_close(struct dircache *dc);

/* 1 when the cached generation is known to be the catalogue's; else 0 and
 * *bell is what to hand dircache_seen with the generation read in a read
 * transaction begun after this call. */
int dircache_fresh(struct dircache *dc, uint64_t *bell);
void dircache_seen(struct dircache *dc, uint64_t bell, int64_t gen);

/* A token by key (catalog_token_key), valid at `now` (seconds): 1 and deep
 * copies in *account (cat_account_clear) and *acting (free); *touch_id is
 * the token's id when its last_used is due (once per CAT_SESSION_TOUCH; the
 * cache counts it as done), else 0. 0 when absent or stale. Call after
 * dircache_fresh (or dircache_seen) said the generation is current. */
int dircache_token_get(struct dircache *dc, const unsigned char key[CAT_TOKEN_KEY_LEN], int64_t now,
                       struct cat_account *account, int64_t **acting, size_t *n_acting,
                       int64_t *touch_id);
/* Remember what was read at generation gen (copies everything). */
void dircache_token_put(struct dircache *dc, const unsigned char key[CAT_TOKEN_KEY_LEN],
                        int64_t gen, const struct cat_token *t, const struct cat_account *account,
                        const int64_t *acting, size_t n_acting);

/* The library list: 1 and a copy in *libs (cat_library_list_free), or 0. */
int dircache_libs_get(struct dircache *dc, struct cat_library **libs, size_t *n);
void dircache_libs_put(struct dircache *dc, int64_t gen, const struct cat_library *libs, size_t n);

struct dircache_stats {
    uint64_t hits, misses, generation_reads;
};
void dircache_stats(struct dircache *dc, struct dircache_stats *out);

#endif
