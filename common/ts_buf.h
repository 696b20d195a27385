/*
 * common/ts_buf.h - growable, NUL-terminated byte buffer with a ceiling.
 *
 * Anything whose size comes from input goes through one of these: going past
 * the ceiling set at init returns TS_ETOOBIG and frees the contents, which is
 * how decompression bombs and huge fields are refused. A zeroed struct is a
 * valid empty buffer with no ceiling.
 */
#ifndef TS_BUF_H
#define TS_BUF_H

#include <stddef.h>

#include "ts_err.h"

struct ts_buf {
    char *data; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max; /* 0 = unlimited */
};

void ts_buf_init(struct ts_buf *b, size_t max);
/* Append; TS_ETOOBIG (and the buffer freed) past the ceiling. */
int ts_buf_addn(struct ts_buf *b, const void *p, size_t n);
int ts_buf_add(struct ts_buf *b, const char *s);
int ts_buf_addc(struct ts_buf *b, char c);
int ts_buf_addf(struct ts_buf *b, const char *fmt, ...) TS_PRINTF(2, 3);
/* Contents as a string: never NULL ("" when empty); valid until the next change. */
const char *ts_buf_str(const struct ts_buf *b);
/* Hand the malloc'd string to the caller (free()); the buffer becomes empty. */
char *ts_buf_take(struct ts_buf *b);
void ts_buf_reset(struct ts_buf *b); /* length 0, keeps memory */
void ts_buf_free(struct ts_buf *b);  /* NULL ok */

#endif
