/*
 * server/sanitize.h - untrusted HTML (an EPUB chapter, an imported HTML file)
 * made safe to show inside our pages.
 *
 * Parsed with libxml2's HTML parser, cut down to a whitelist and serialised
 * again by libxml2, so the result is well-formed and every attribute value
 * is quoted and escaped. Kept elements: p h1-h6 ul ol li a em strong b i u
 * sub sup small code pre blockquote table thead tbody tfoot tr td th caption
 * img br hr span div dl dt dd figure figcaption. Dropped with their content:
 * script, style, iframe, object, embed, form controls, svg, math, media and
 * everything in <head>. Other elements are unwrapped (their text is kept).
 * Headings move one level down (h1 -> h2 ... h5 -> h6): the page has its own h1.
 * Kept attributes: a href/title, img src/alt/title, td/th colspan/rowspan,
 * and id (prefixed "c-" so it cannot clobber our own ids). Links: http(s)
 * stays (rel=noopener noreferrer nofollow), "#x" becomes "#c-x", relative
 * links inside a package become reader-view links; anything else (javascript:,
 * data:, //host) loses its href. Images: only relative ones inside a package,
 * served through /records/{id}/asset; the rest are dropped.
 */
#ifndef TS_SANITIZE_H
#define TS_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

#include "ts_err.h"

struct sanitize_opts {
    int64_t record_id, file_id;
    /* directory of the page inside its package ("" or ending in '/'); NULL
     * for a standalone HTML file, whose relative links and images are dropped */
    const char *base_dir;
};

/* Initialise libxml2 once, from the main thread, before worker threads parse. */
void sanitize_init(void);

/* Sanitise UTF-8 `html[0..len)` into *out (malloc'd, free()). TS_EPARSE if
 * libxml2 cannot make a document of it. Thread-safe. */
int sanitize_html(const char *html, size_t len, const struct sanitize_opts *o, char **out,
                  struct ts_err *err);

#endif
