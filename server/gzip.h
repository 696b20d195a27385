/*
 * server/gzip.h - gzip (zlib) for text responses.
 */
#ifndef TS_GZIP_H
#define TS_GZIP_H

#include <stddef.h>

#include "ts_err.h"

/* Compress in[0..len) as a gzip member. *out malloc'd (free()). TS_EINTERNAL
 * if zlib fails. */
int gzip_compress(const void *in, size_t len, char **out, size_t *out_len, struct ts_err *err);

/* True when an Accept-Encoding value accepts gzip (token "gzip" or "*" with a
 * q-value other than 0). NULL -> false. */
int gzip_accepted(const char *accept_encoding);

#endif
