/*
 * server/pkgread.h - one member of a stored zip package (EPUB, IMS Content
 * Packaging / Common Cartridge, SCORM) for the reader view.
 *
 * The extractors in indexer/ have their own bounded zip reader, but it works
 * on a package already in memory and is private to that module. The reader
 * view needs one chapter of a package that may be hundreds of megabytes, so
 * this reads straight from the store file with libarchive and inflates only
 * the member asked for, counting the bytes actually inflated against a cap.
 * (If a second user of "read one member" appears, this belongs in indexer/.)
 */
#ifndef TS_PKGREAD_H
#define TS_PKGREAD_H

#include <stddef.h>

#include "ts_err.h"

#define PKG_PATH_MAX 1024

/* True for a plain relative member path: no leading '/', no '\\', no empty,
 * "." or ".." segment, no control bytes, at most PKG_PATH_MAX bytes. */
int pkg_path_safe(const char *path);

/*
 * Resolve `href` (a link inside the member whose directory is `base_dir`, ""
 * or ending in '/') to a member path: percent-decoded, without query or
 * fragment (the fragment, if any, goes to *fragment). Returns 0 and the path
 * in out[cap]; -1 when it is external, absolute, climbs out of the package or
 * does not fit.
 */
int pkg_resolve(const char *base_dir, const char *href, char *out, size_t cap,
                const char **fragment);

/* Inflate member `member` of the zip at `zip_path` into *out (malloc'd,
 * NUL-terminated). TS_ENOTFOUND (no such member), TS_ETOOBIG (past `max`
 * bytes), TS_EPARSE (not a zip, damaged), TS_EIO. */
int pkg_read(const char *zip_path, const char *member, size_t max, char **out, size_t *len,
             struct ts_err *err);

/* The first page a reader should see: the EPUB spine's first item, the IMS
 * manifest's first HTML resource, else the first HTML member. *member
 * malloc'd. TS_ENOTFOUND if the package has no HTML page. */
int pkg_first_page(const char *zip_path, char **member, struct ts_err *err);

/* True when `name` ends in .html, .htm or .xhtml (any case). */
int pkg_is_html(const char *name);

#endif
