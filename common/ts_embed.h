/*
 * common/ts_embed.h - files compiled into the binary by cmake/EmbedFiles.cmake.
 */
#ifndef TS_EMBED_H
#define TS_EMBED_H

#include <stddef.h>

struct ts_embedded {
    const char *name;           /* file name without directory; NULL ends a table */
    const unsigned char *bytes; /* NUL-terminated */
    size_t len;
};

#endif
