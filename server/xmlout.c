/*
 * server/xmlout.c - XML output through libxml2's xmlTextWriter (see xmlout.h).
 */
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts_buf.h"
#include "ts_mem.h"
#include "xmlout.h"

struct xmlout {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int failed;
};

xmlout *xo_new(void)
{
    xmlout *x = ts_xcalloc(1, sizeof *x);

    x->buf = xmlBufferCreate();
    x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
    if (!x->w || xmlTextWriterSetIndent(x->w, 1) < 0 ||
        xmlTextWriterSetIndentString(x->w, BAD_CAST "  ") < 0 ||
        xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
        x->failed = 1;
    return x;
}

/* Length of the valid UTF-8 sequence at s (1-4) and its code point, or 0. */
static size_t utf8_seq(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0], v;
    size_t n;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

char *xo_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    struct ts_buf b;

    ts_buf_init(&b, 0);
    (void)ts_buf_add(&b, "");
    while (*p) {
        unsigned cp;
        size_t n = utf8_seq(p, &cp);
        if (n == 0) {
            (void)ts_buf_add(&b, "\xEF\xBF\xBD"); /* U+FFFD */
            p++;
            continue;
        }
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) {
            p += n;
            continue;
        }
        (void)ts_buf_addn(&b, p, n);
        p += n;
    }
    return ts_buf_take(&b);
}

static void check(xmlout *x, int rc)
{
    if (rc < 0)
        x->failed = 1;
}

void xo_start(xmlout *x, const char *name)
{
    if (!x->failed)
        check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

void xo_attr(xmlout *x, const char *name, const char *value)
{
    char *v;

    if (x->failed || !value)
        return;
    v = xo_clean(value);
    check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v));
    free(v);
}

void xo_attrf(xmlout *x, const char *name, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    xo_attr(x, name, tmp);
}

void xo_text(xmlout *x, const char *text)
{
    char *v;

    if (x->failed || !text || !*text)
        return;
    v = xo_clean(text);
    check(x, xmlTextWriterWriteString(x->w, BAD_CAST v));
    free(v);
}

void xo_end(xmlout *x)
{
    if (!x->failed)
        check(x, xmlTextWriterEndElement(x->w));
}

void xo_elem(xmlout *x, const char *name, const char *text)
{
    if (!text || !*text)
        return;
    xo_start(x, name);
    xo_text(x, text);
    xo_end(x);
}

void xo_elemf(xmlout *x, const char *name, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    xo_elem(x, name, tmp);
}

void xo_raw(xmlout *x, const char *xml)
{
    if (!x->failed && xml)
        check(x, xmlTextWriterWriteRaw(x->w, BAD_CAST xml));
}

void xo_free(xmlout *x)
{
    if (!x)
        return;
    if (x->w)
        xmlFreeTextWriter(x->w);
    if (x->buf)
        xmlBufferFree(x->buf);
    free(x);
}

int xo_finish(xmlout *x, char **out, size_t *len, struct ts_err *err)
{
    int rc = TS_OK;

    *out = NULL;
    *len = 0;
    if (!x->failed)
        check(x, xmlTextWriterEndDocument(x->w));
    xmlFreeTextWriter(x->w); /* flushes into buf */
    x->w = NULL;
    if (x->failed) {
        rc = ts_fail(err, TS_EINTERNAL, "XML writer failed");
    } else {
        size_t n = (size_t)xmlBufferLength(x->buf);
        *out = ts_xmalloc(n + 1);
        memcpy(*out, xmlBufferContent(x->buf), n);
        (*out)[n] = '\0';
        *len = n;
    }
    xo_free(x);
    return rc;
}

int xo_well_formed(const char *xml, size_t len)
{
    xmlDocPtr doc;
    int ok;

    if (len > (size_t)1 << 28)
        return 0;
    doc = xmlReadMemory(xml, (int)len, NULL, "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ok = doc && !doc->intSubset && xmlDocGetRootElement(doc);
    xmlFreeDoc(doc);
    return ok;
}
