/*
 * server/tmpl.h - a small Mustache subset for the server-rendered pages.
 *
 * Debian 12 packages no C Mustache library, so we render the part we use:
 *   {{name}}      the value, HTML-escaped, always;
 *   {{{name}}}    raw HTML, but only for a fragment made by tmpl_trusted();
 *                 any other value is escaped like {{name}};
 *   {{#name}}..{{/name}}  section: once per array element, once for an
 *                 object or another true value (pushed as the context);
 *   {{^name}}..{{/name}}  inverted: when the value is missing, null, false,
 *                 "", 0 or an empty array;
 *   {{! comment}}, dotted names (a.b.c), "." for the current element, and
 *   {{t.key}}     the interface string `key` of the page's language.
 * The data model is a jansson value, so handlers build contexts with the
 * same calls as JSON responses.
 */
#ifndef TS_TMPL_H
#define TS_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "i18n.h"
#include "ts_buf.h"
#include "ts_err.h"

/*
 * Wrap `html` (copied) as a trusted fragment that {{{x}}} inserts unescaped.
 * Only for markup that tmpl_render() produced, that the sanitizer produced,
 * or that the indexer escaped itself (snippets). New reference.
 */
json_t *tmpl_trusted(const char *html);

/*
 * Render template `src[0..len)` with context `ctx` (borrowed) and strings `t`
 * (NULL: {{t.key}} renders the key) by appending to `out`. Returns TS_OK,
 * TS_EINVAL "template line N: reason" for a malformed template (unclosed
 * tag or section, sections nested deeper than 32), TS_ETOOBIG when `out`'s
 * ceiling is reached. Thread-safe.
 */
int tmpl_render(const char *src, size_t len, json_t *ctx, const struct i18n *t, struct ts_buf *out,
                struct ts_err *err);

/* Append `s` HTML-escaped (& < > " '). */
int tmpl_escape(struct ts_buf *out, const char *s, size_t len);

#endif
