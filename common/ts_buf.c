/*
 * common/ts_buf.c - bounded growable buffer (see ts_buf.h).
 */
#include "ts_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts_mem.h"

void ts_buf_init(struct ts_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

static int grow(struct ts_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1, cap;

    if (b->max && b->len + extra > b->max) {
        ts_buf_free(b);
        return TS_ETOOBIG;
    }
    if (need <= b->cap)
        return TS_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = ts_xrealloc(b->data, cap);
    b->cap = cap;
    return TS_OK;
}

int ts_buf_addn(struct ts_buf *b, const void *p, size_t n)
{
    int rc = grow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TS_OK;
}

int ts_buf_add(struct ts_buf *b, const char *s)
{
    return ts_buf_addn(b, s, strlen(s));
}

int ts_buf_addc(struct ts_buf *b, char c)
{
    return ts_buf_addn(b, &c, 1);
}

int ts_buf_addf(struct ts_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n, rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return TS_EINVAL;
    if ((rc = grow(b, (size_t)n)))
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return TS_OK;
}

const char *ts_buf_str(const struct ts_buf *b)
{
    return b->data ? b->data : "";
}

char *ts_buf_take(struct ts_buf *b)
{
    char *p = b->data ? b->data : ts_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void ts_buf_reset(struct ts_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ts_buf_free(struct ts_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
