/*
 * tests/harness/meta_collect.c - see meta_collect.h.
 */
#include "meta_collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int meta_got_emit(struct meta_rec *r, void *ctx)
{
    struct meta_got *g = ctx;

    g->total++;
    if (g->n < META_GOT_KEEP)
        g->recs[g->n++] = r;
    else
        meta_rec_free(r);
    return TS_OK;
}

int meta_got_error(const char *origin, const struct ts_err *why, void *ctx)
{
    struct meta_got *g = ctx;

    if (getenv("T_VERBOSE"))
        fprintf(stderr, "  # %s: %s\n", origin, why->msg);
    if (g->n_err < META_GOT_KEEP) {
        snprintf(g->origin[g->n_err], sizeof g->origin[0], "%s", origin);
        snprintf(g->msg[g->n_err], sizeof g->msg[0], "%s", why->msg);
        g->code[g->n_err] = why->code;
    }
    g->n_err++;
    return TS_OK;
}

void meta_got_free(struct meta_got *g)
{
    for (size_t i = 0; i < g->n; i++)
        meta_rec_free(g->recs[i]);
    memset(g, 0, sizeof *g);
}

int meta_got_find_msg(const struct meta_got *g, const char *needle)
{
    for (size_t i = 0; i < g->n_err && i < META_GOT_KEEP; i++)
        if (strstr(g->msg[i], needle))
            return (int)i;
    return -1;
}

const struct meta_rec *meta_got_find_title(const struct meta_got *g, const char *title)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->recs[i]->title && strcmp(g->recs[i]->title, title) == 0)
            return g->recs[i];
    return NULL;
}
