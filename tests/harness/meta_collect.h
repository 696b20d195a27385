/*
 * tests/harness/meta_collect.h - collects what a metadata reader (CSV, MARC,
 * Dublin Core) emits and reports, for the reader tests to inspect.
 */
#ifndef T_META_COLLECT_H
#define T_META_COLLECT_H

#include <stddef.h>

#include "metarec.h"

#define META_GOT_KEEP 64

struct meta_got {
    struct meta_rec *recs[META_GOT_KEEP]; /* the first records emitted */
    size_t n, total;                      /* kept, emitted in all */
    char origin[META_GOT_KEEP][512];      /* the first reports */
    char msg[META_GOT_KEEP][256];
    int code[META_GOT_KEEP];
    size_t n_err; /* reports in all */
};

/* meta_emit_fn / meta_error_fn with a struct meta_got as ctx. T_VERBOSE=1
 * prints every report. */
int meta_got_emit(struct meta_rec *r, void *ctx);
int meta_got_error(const char *origin, const struct ts_err *why, void *ctx);
void meta_got_free(struct meta_got *g); /* frees the kept records, zeroes g */
/* Index of the first kept report whose message contains needle, or -1. */
int meta_got_find_msg(const struct meta_got *g, const char *needle);
/* The first kept record with this title, or NULL. */
const struct meta_rec *meta_got_find_title(const struct meta_got *g, const char *title);

#endif
