/*
 * server/assets.h - templates, static files and string tables, compiled into
 * the binary (cmake/EmbedFiles.cmake) or read from disk for development.
 *
 * With TUSACH_ASSET_DIR set (to a folder laid out like server/: static/,
 * templates/, i18n/), files are read from there on every request, so editing
 * CSS or a template needs no rebuild. Either way only names that exist in the
 * compiled-in tables are served: the tables are the whitelist.
 *
 * Static files carry a content-hash cache id in their URL
 * (/static/app.3f9a1c0b2d4e.css) so they can be cached for a year.
 */
#ifndef TS_ASSETS_H
#define TS_ASSETS_H

#include <stddef.h>

#include "ts_err.h"

enum asset_kind { ASSET_STATIC, ASSET_TEMPLATE, ASSET_I18N };

#define ASSET_HASH_LEN 12

struct assets;

/* One asset's bytes; release with asset_release(). */
struct asset_ref {
    const char *name;
    const char *bytes; /* NUL-terminated */
    size_t len;
    char hash[ASSET_HASH_LEN + 1]; /* static files: first hex digits of the SHA-256 */
    const char *mime;              /* static string with charset for text */
    char *owned;                   /* set when read from disk */
};

/* Load the tables (and TUSACH_ASSET_DIR from the environment). Hashes of the
 * compiled-in static files are computed once here. */
int assets_open(struct assets **out, struct ts_err *err);
void assets_free(struct assets *a); /* NULL ok */

/* Look up `name` ("app.css", "search.html", "vi.txt"). TS_ENOTFOUND if the
 * tables have no such name; TS_EIO if the development copy is unreadable. */
int assets_get(const struct assets *a, enum asset_kind kind, const char *name,
               struct asset_ref *ref, struct ts_err *err);
void asset_release(struct asset_ref *ref); /* NULL ok */

/* Content type for a file name by extension ("application/octet-stream" if unknown). */
const char *assets_mime(const char *name);

#endif
