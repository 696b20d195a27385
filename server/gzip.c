/*
 * server/gzip.c - gzip (zlib) for text responses (see gzip.h).
 *
 * Level 6: most of the gain for a fraction of level 9's time, which matters on
 * a 2-core box answering 50 searches a second.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "gzip.h"
#include "ts_mem.h"

int gzip_compress(const void *in, size_t len, char **out, size_t *out_len, struct ts_err *err)
{
    z_stream z;
    size_t cap;
    char *buf;
    int zrc;

    *out = NULL;
    *out_len = 0;
    memset(&z, 0, sizeof z);
    /* 15 window bits + 16: a gzip header instead of zlib's */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return ts_fail(err, TS_EINTERNAL, "gzip: deflateInit2 failed");
    cap = deflateBound(&z, (uLong)len);
    buf = ts_xmalloc(cap);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    zrc = deflate(&z, Z_FINISH);
    if (zrc != Z_STREAM_END) {
        deflateEnd(&z);
        free(buf);
        return ts_fail(err, TS_EINTERNAL, "gzip: deflate failed (%d)", zrc);
    }
    *out_len = z.total_out;
    *out = buf;
    deflateEnd(&z);
    return TS_OK;
}

/* q-value of a parameter list ";q=0.5" (1 when absent). */
static double qvalue(const char *params, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=') {
            double v = 0;
            size_t j = i + 2;
            int frac = 0;
            double scale = 1;
            for (; j < len && ((params[j] >= '0' && params[j] <= '9') || params[j] == '.'); j++) {
                if (params[j] == '.') {
                    frac = 1;
                    continue;
                }
                if (frac) {
                    scale /= 10;
                    v += (params[j] - '0') * scale;
                } else {
                    v = v * 10 + (params[j] - '0');
                }
            }
            return v;
        }
    }
    return 1;
}

int gzip_accepted(const char *ae)
{
    const char *p = ae;

    while (p && *p) {
        const char *end = strchr(p, ','), *semi;
        size_t len = end ? (size_t)(end - p) : strlen(p), tok;
        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        semi = memchr(p, ';', len);
        tok = semi ? (size_t)(semi - p) : len;
        while (tok && (p[tok - 1] == ' ' || p[tok - 1] == '\t'))
            tok--;
        if ((tok == 4 && strncasecmp(p, "gzip", 4) == 0) || (tok == 1 && p[0] == '*'))
            return qvalue(p + tok, len - tok) > 0;
        p = end ? end + 1 : NULL;
    }
    return 0;
}
