/*
 * server/i18n.c - interface string tables (see i18n.h).
 *
 * A table is parsed once at server start into a sorted array and looked up
 * with bsearch; it is read-only afterwards, so every thread shares it.
 */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ts_mem.h"

struct i18n_entry {
    char *key, *value;
};

struct i18n {
    struct i18n_entry *v;
    size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct i18n_entry *)a)->key, ((const struct i18n_entry *)b)->key);
}

static char *trimmed(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    return ts_xstrndup(s, (size_t)(end - s));
}

int i18n_parse(const char *text, size_t len, struct i18n **out, struct ts_err *err)
{
    struct i18n *t = ts_xcalloc(1, sizeof *t);
    const char *p = text, *end = text + len;
    int line = 0, rc = TS_OK;

    *out = NULL;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end, *eq, *s = p;
        line++;
        p = nl ? nl + 1 : end;
        while (s < eol && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        if (s == eol || *s == '#')
            continue;
        if (!(eq = memchr(s, '=', (size_t)(eol - s)))) {
            rc = ts_fail(err, TS_EINVAL, "line %d: expected key = value", line);
            goto out;
        }
        t->v = ts_xrealloc(t->v, (t->n + 1) * sizeof *t->v);
        t->v[t->n].key = trimmed(s, eq);
        t->v[t->n].value = trimmed(eq + 1, eol);
        t->n++;
    }
    if (t->n)
        qsort(t->v, t->n, sizeof *t->v, cmp_entry);
    for (size_t i = 1; i < t->n; i++) {
        if (strcmp(t->v[i - 1].key, t->v[i].key) == 0) {
            rc = ts_fail(err, TS_EINVAL, "duplicate key %s", t->v[i].key);
            goto out;
        }
    }
out:
    if (rc) {
        i18n_free(t);
        return rc;
    }
    *out = t;
    return TS_OK;
}

void i18n_free(struct i18n *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].key);
        free(t->v[i].value);
    }
    free(t->v);
    free(t);
}

const char *i18n_get(const struct i18n *t, const char *key)
{
    struct i18n_entry k, *e;

    if (!t || !t->n)
        return NULL;
    k.key = (char *)key;
    e = bsearch(&k, t->v, t->n, sizeof *t->v, cmp_entry);
    return e ? e->value : NULL;
}

size_t i18n_count(const struct i18n *t)
{
    return t ? t->n : 0;
}

const char *i18n_key(const struct i18n *t, size_t i)
{
    return i < i18n_count(t) ? t->v[i].key : NULL;
}

const char *i18n_lang_code(enum i18n_lang lang)
{
    return lang == I18N_EN ? "en" : "vi";
}

int i18n_lang_parse(const char *code, enum i18n_lang *lang)
{
    if (code && strcmp(code, "vi") == 0) {
        *lang = I18N_VI;
        return 0;
    }
    if (code && strcmp(code, "en") == 0) {
        *lang = I18N_EN;
        return 0;
    }
    return -1;
}
