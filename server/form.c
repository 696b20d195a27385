/*
 * server/form.c - application/x-www-form-urlencoded bodies (see request.h):
 * the HTML forms of the desk, login and account pages, and OAI-PMH POSTs.
 *
 * libmicrohttpd has a post processor, but it streams fields to a callback;
 * our bodies are small, already buffered under cfg.max_body, and parsed at
 * most once, so a strict decoder over the buffer is simpler and refuses what
 * MHD would pass through (bad escapes, NUL bytes, invalid UTF-8).
 */
#include <string.h>
#include <strings.h>

#include "request.h"
#include "ts_util.h"

/* A form of ours has a handful of fields; more is an attack on the list growth. */
#define FORM_MAX_FIELDS 256

/* s[0..n) decoded into the arena; NULL if a %-escape is malformed or the
 * result holds a NUL byte or is not UTF-8. */
static char *decode(struct request *req, const char *s, size_t n)
{
    char *out = req_alloc(req, n + 1), *o = out;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return NULL; /* fewer than two hex digits left */
            hi = ts_hexval(s[i + 1]);
            lo = ts_hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            *o++ = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '\0') {
            return NULL;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return utf8_valid(out, (size_t)(o - out)) ? out : NULL;
}

int req_form_parse(struct request *req)
{
    const char *ct = req_header(req, "Content-Type");
    const char *p = req->body.data ? req->body.data : "", *end = p + req->body.len;

    if (req->form_state)
        return req->form_state > 0 ? 0 : -1;
    req->form_state = -1;
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
        (ct[33] && ct[33] != ';' && ct[33] != ' '))
        return -1;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
        size_t n = amp ? (size_t)(amp - p) : (size_t)(end - p);

        eq = memchr(p, '=', n);
        if (n) {
            char *key;
            char *value;
            if (req->n_form == FORM_MAX_FIELDS) {
                req->form = NULL;
                req->n_form = 0;
                return -1;
            }
            key = decode(req, p, eq ? (size_t)(eq - p) : n);
            value = eq ? decode(req, eq + 1, n - (size_t)(eq - p) - 1) : req_strdup(req, "");
            if (!key || !value) {
                req->form = NULL;
                req->n_form = 0;
                return -1;
            }
            req_kv_add(req, &req->form, &req->n_form, key, value, strlen(value));
        }
        p += n + 1;
    }
    req->form_state = 1;
    return 0;
}

const char *req_form(struct request *req, const char *name)
{
    if (req_form_parse(req))
        return NULL;
    for (size_t i = 0; i < req->n_form; i++)
        if (strcmp(req->form[i].key, name) == 0)
            return req->form[i].value;
    return NULL;
}

const char *req_input(struct request *req, const char *name)
{
    const char *v = NULL;

    if (strcmp(req->method, "POST") == 0)
        v = req_form(req, name);
    return v ? v : req_arg(req, name);
}
