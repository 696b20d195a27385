/*
 * server/tmpl.c - the Mustache subset renderer (see tmpl.h).
 *
 * Templates are small and rendered straight from their text, without a
 * compile step: a section's body is found by scanning for its closing tag
 * (same-name sections may nest), then rendered once per element with the
 * element pushed on a bounded context stack. Lookups walk the stack from the
 * top, as Mustache specifies, so an element's fields shadow outer ones.
 */
#include <string.h>

#include "tmpl.h"

#define TMPL_MAX_DEPTH 32
/* An object key no JSON text from users can reach: contexts are built by
 * handlers, and user data only ever enters them as string values. */
#define TRUSTED_KEY "\x01trusted_html"

struct render {
    json_t *stack[TMPL_MAX_DEPTH + 1];
    int depth;
    const struct i18n *t;
    struct ts_buf *out;
    const char *src; /* whole template, for line numbers */
    struct ts_err *err;
};

json_t *tmpl_trusted(const char *html)
{
    return json_pack("{s:s}", TRUSTED_KEY, html ? html : "");
}

static const char *trusted_html(const json_t *v)
{
    json_t *s;
    if (!json_is_object(v) || json_object_size(v) != 1)
        return NULL;
    s = json_object_get(v, TRUSTED_KEY);
    return json_is_string(s) ? json_string_value(s) : NULL;
}

int tmpl_escape(struct ts_buf *out, const char *s, size_t len)
{
    const char *run = s, *end = s + len;
    int rc;

    for (const char *p = s; p < end; p++) {
        const char *rep;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        if ((rc = ts_buf_addn(out, run, (size_t)(p - run))) || (rc = ts_buf_add(out, rep)))
            return rc;
        run = p + 1;
    }
    return ts_buf_addn(out, run, (size_t)(end - run));
}

/* First occurrence of needle[0..n) in [s, e), NULL if none (memmem is a GNU extension). */
static const char *find(const char *s, const char *e, const char *needle, size_t n)
{
    for (; s && e - s >= (long)n; s++) {
        s = memchr(s, needle[0], (size_t)(e - s) - n + 1);
        if (!s)
            return NULL;
        if (memcmp(s, needle, n) == 0)
            return s;
    }
    return NULL;
}

static int line_of(const char *src, const char *at)
{
    int line = 1;
    for (const char *p = src; p < at; p++)
        line += *p == '\n';
    return line;
}

/* Value of dotted `name[0..len)` in the context stack, NULL if absent. */
static json_t *lookup(struct render *r, const char *name, size_t len)
{
    const char *dot;
    size_t first;
    json_t *v = NULL;
    char key[128];

    if (len == 1 && name[0] == '.')
        return r->stack[r->depth];
    dot = memchr(name, '.', len);
    first = dot ? (size_t)(dot - name) : len;
    if (first >= sizeof key)
        return NULL;
    memcpy(key, name, first);
    key[first] = '\0';
    for (int i = r->depth; i >= 0 && !v; i--)
        if (json_is_object(r->stack[i]))
            v = json_object_get(r->stack[i], key);
    while (v && dot) {
        const char *next;
        size_t n;
        name = dot + 1;
        len -= first + 1;
        next = memchr(name, '.', len);
        n = next ? (size_t)(next - name) : len;
        if (n >= sizeof key || !json_is_object(v))
            return NULL;
        memcpy(key, name, n);
        key[n] = '\0';
        v = json_object_get(v, key);
        dot = next;
        first = n;
    }
    return v;
}

static int truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (json_is_real(v))
        return json_real_value(v) != 0.0;
    return 1;
}

static int emit_value(struct render *r, const char *name, size_t len, int raw)
{
    json_t *v;
    const char *html;

    if (len > 2 && name[0] == 't' && name[1] == '.') {
        char key[128];
        const char *s;
        if (len - 2 >= sizeof key)
            return ts_buf_addn(r->out, name, len);
        memcpy(key, name + 2, len - 2);
        key[len - 2] = '\0';
        s = i18n_get(r->t, key);
        return tmpl_escape(r->out, s ? s : key, strlen(s ? s : key));
    }
    v = lookup(r, name, len);
    if (raw && (html = trusted_html(v)) != NULL)
        return ts_buf_add(r->out, html);
    if (json_is_string(v))
        return tmpl_escape(r->out, json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return ts_buf_addf(r->out, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return ts_buf_addf(r->out, "%g", json_real_value(v));
    if (json_is_true(v))
        return ts_buf_add(r->out, "true");
    return TS_OK; /* missing, null, false, objects and arrays render as nothing */
}

/* Trim spaces inside a tag. */
static void tag_name(const char **p, size_t *len)
{
    while (*len && (**p == ' ' || **p == '\t')) {
        (*p)++;
        (*len)--;
    }
    while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
        (*len)--;
}

/* Find the {{/name}} closing the section whose body starts at `s`: *body_end
 * is where the closing tag starts, *after just past it. */
static int find_close(const char *s, const char *e, const char *name, size_t len,
                      const char **body_end, const char **after)
{
    int nest = 0;

    while (s < e) {
        const char *open = find(s, e, "{{", 2), *close, *n;
        size_t nl;
        char kind;
        if (!open)
            return -1;
        close = find(open + 2, e, "}}", 2);
        if (!close)
            return -1;
        kind = open[2];
        n = open + 3;
        nl = (size_t)(close - n);
        s = close + 2;
        if (kind != '#' && kind != '^' && kind != '/')
            continue;
        tag_name(&n, &nl);
        if (nl != len || memcmp(n, name, len) != 0)
            continue;
        if (kind != '/') {
            nest++;
        } else if (nest-- == 0) {
            *body_end = open;
            *after = close + 2;
            return 0;
        }
    }
    return -1;
}

static int render(struct render *r, const char *s, const char *e);

static int section(struct render *r, const char *name, size_t len, int inverted, const char *body,
                   const char *body_end)
{
    json_t *v = lookup(r, name, len);
    int rc = TS_OK;

    if (inverted)
        return truthy(v) ? TS_OK : render(r, body, body_end);
    if (!truthy(v))
        return TS_OK;
    if (r->depth >= TMPL_MAX_DEPTH)
        return ts_fail(r->err, TS_EINVAL, "template line %d: sections nested too deep",
                       line_of(r->src, body));
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && !rc; i++) {
            r->stack[++r->depth] = json_array_get(v, i);
            rc = render(r, body, body_end);
            r->depth--;
        }
        return rc;
    }
    r->stack[++r->depth] = v;
    rc = render(r, body, body_end);
    r->depth--;
    return rc;
}

static int render(struct render *r, const char *s, const char *e)
{
    int rc;

    while (s < e) {
        const char *open = find(s, e, "{{", 2), *close, *name;
        size_t len;
        int triple;
        char kind;

        if (!open)
            return ts_buf_addn(r->out, s, (size_t)(e - s));
        if ((rc = ts_buf_addn(r->out, s, (size_t)(open - s))))
            return rc;
        triple = open + 2 < e && open[2] == '{';
        name = open + (triple ? 3 : 2);
        close = find(name, e, triple ? "}}}" : "}}", triple ? 3 : 2);
        if (!close)
            return ts_fail(r->err, TS_EINVAL, "template line %d: unclosed tag",
                           line_of(r->src, open));
        s = close + (triple ? 3 : 2);
        kind = triple ? '{' : *name;
        if (kind == '#' || kind == '^' || kind == '/' || kind == '!' || kind == '&')
            name++;
        len = (size_t)(close - name);
        tag_name(&name, &len);
        switch (kind) {
        case '!': break;
        case '/':
            return ts_fail(r->err, TS_EINVAL, "template line %d: unexpected {{/%.*s}}",
                           line_of(r->src, open), (int)len, name);
        case '#':
        case '^': {
            const char *body_end, *after;
            if (find_close(s, e, name, len, &body_end, &after))
                return ts_fail(r->err, TS_EINVAL, "template line %d: unclosed section %.*s",
                               line_of(r->src, open), (int)len, name);
            if ((rc = section(r, name, len, kind == '^', s, body_end)))
                return rc;
            s = after;
            break;
        }
        default:
            if ((rc = emit_value(r, name, len, kind == '{' || kind == '&')))
                return rc;
        }
    }
    return TS_OK;
}

int tmpl_render(const char *src, size_t len, json_t *ctx, const struct i18n *t, struct ts_buf *out,
                struct ts_err *err)
{
    struct render r;
    int rc;

    memset(&r, 0, sizeof r);
    r.stack[0] = ctx;
    r.t = t;
    r.out = out;
    r.src = src;
    r.err = err;
    rc = render(&r, src, src + len);
    if (rc == TS_ETOOBIG)
        return ts_fail(err, TS_ETOOBIG, "rendered page too large");
    return rc;
}
