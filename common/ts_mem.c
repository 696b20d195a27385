/*
 * common/ts_mem.c - abort-on-OOM allocation wrappers (see ts_mem.h).
 */
#include "ts_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "tusach: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ts_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *ts_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *ts_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *ts_xstrdup(const char *s)
{
    return ts_xstrndup(s, strlen(s));
}

char *ts_xstrndup(const char *s, size_t n)
{
    char *p = ts_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
