/*
 * indexer/extract_html.c - HTML/XHTML pages: the visible-text walker shared by
 * the HTML, EPUB and OER extractors, safe XML parsing, and the extractor for
 * stand-alone .html/.htm/.xhtml files.
 *
 * Safety: XML is parsed without XML_PARSE_NOENT and XML_PARSE_DTDLOAD, so
 * user-declared entities stay references (never expanded: no billion laughs)
 * and external entities are never fetched; XML_PARSE_NONET forbids the
 * network. libxml2 2.9 refuses nesting deeper than 256 in both parsers, and
 * every tree walk here is iterative, so depth cannot exhaust the stack.
 *
 * Encodings: stand-alone pages go through ts_charset_decode() with the
 * charset the page declares (BOM, <meta charset>, http-equiv, XML
 * declaration) as a hint, because old Vietnamese pages often lie or say
 * nothing; the HTML parser then reads UTF-8 and ignores in-document labels.
 */
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>

#include "extract_int.h"
#include "ts_charset.h"
#include "ts_mem.h"

/* ------------------------------------------------------------------ */
/* Text accumulator                                                   */
/* ------------------------------------------------------------------ */

void ix_text_init(struct ix_text *t, size_t max)
{
    ts_buf_init(&t->b, 0); /* ceiling enforced here, so a cut keeps what fits */
    t->max = max;
    t->pending = 0;
    t->full = max == 0;
}

void ix_text_free(struct ix_text *t)
{
    ts_buf_free(&t->b);
}

/* Append s[0..n) within the ceiling, cutting at a UTF-8 boundary. */
static void text_emit(struct ix_text *t, const char *s, size_t n)
{
    if (t->full)
        return;
    if (t->b.len + n > t->max) {
        n = t->max - t->b.len;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        t->full = true;
    }
    ts_buf_addn(&t->b, s, n);
}

static void text_flush_pending(struct ix_text *t)
{
    if (t->pending && t->b.len)
        text_emit(t, t->pending == 2 ? "\n" : " ", 1);
    t->pending = 0;
}

static bool isalnum_ascii(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void ix_text_put(struct ix_text *t, const char *s, size_t n, bool pre)
{
    size_t i = 0;

    while (i < n && !t->full) {
        unsigned char c = (unsigned char)s[i];
        bool nbsp = c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0;
        size_t run;

        if (pre && (c == '\n' || c == '\r')) {
            if (c == '\n') {
                t->pending = 0;
                text_emit(t, "\n", 1);
            }
            i++;
            continue;
        }
        if (!pre && (is_ws(c) || nbsp)) {
            if (t->pending == 0 && t->b.len)
                t->pending = 1;
            i += nbsp ? 2 : 1;
            continue;
        }
        /* A run of ordinary bytes (spaces too in <pre>) goes in at once. */
        for (run = i; run < n; run++) {
            unsigned char d = (unsigned char)s[run];
            if (d == '\n' || d == '\r' || (!pre && is_ws(d)))
                break;
            if (!pre && d == 0xC2 && run + 1 < n && (unsigned char)s[run + 1] == 0xA0)
                break;
        }
        text_flush_pending(t);
        text_emit(t, s + i, run - i);
        i = run;
    }
}

void ix_text_break(struct ix_text *t)
{
    if (t->b.len)
        t->pending = 2;
}

/* ------------------------------------------------------------------ */
/* XML tree helpers                                                   */
/* ------------------------------------------------------------------ */

/* Local part of a name: the HTML parser keeps prefixes ("epub:type"). */
static const char *local_name(const xmlChar *name)
{
    const char *s = (const char *)name, *colon = s ? strrchr(s, ':') : NULL;

    return colon ? colon + 1 : s;
}

bool ix_xml_is(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->name &&
           (!local || strcasecmp(local_name(n->name), local) == 0);
}

xmlNode *ix_xml_child(const xmlNode *parent, const char *local)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (ix_xml_is(c, local))
            return c;
    return NULL;
}

/* Next node in document order within root's subtree; only elements are
 * descended into (an entity reference's children are its declaration). */
static const xmlNode *dfs_next(const xmlNode *root, const xmlNode *n)
{
    if ((n->type == XML_ELEMENT_NODE || n->type == XML_DOCUMENT_NODE ||
         n->type == XML_HTML_DOCUMENT_NODE) &&
        n->children)
        return n->children;
    while (n != root && !n->next)
        n = n->parent;
    return n == root || !n ? NULL : n->next;
}

xmlNode *ix_xml_find_next(const xmlNode *root, const xmlNode *n, const char *local)
{
    if (!root || !n)
        return NULL;
    for (n = dfs_next(root, n); n; n = dfs_next(root, n))
        if (ix_xml_is(n, local))
            return (xmlNode *)n;
    return NULL;
}

xmlNode *ix_xml_find(const xmlNode *root, const char *local)
{
    if (!root)
        return NULL;
    if (ix_xml_is(root, local))
        return (xmlNode *)root;
    return ix_xml_find_next(root, root, local);
}

const char *ix_xml_attr(const xmlNode *n, const char *local)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (!a->name || strcasecmp(local_name(a->name), local) != 0)
            continue;
        /* Only the literal text: an entity reference in a value is not expanded. */
        if (a->children && a->children->type == XML_TEXT_NODE && a->children->content)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

int ix_xml_parse(const char *buf, size_t len, const char *what, xmlDoc **out, struct ts_err *err)
{
    xmlParserCtxt *ctxt = NULL;
    const xmlError *e;
    int rc = TS_OK;

    *out = NULL;
    if (len > INT_MAX)
        return ts_fail(err, TS_ETOOBIG, "%s: too large for the XML parser", what);
    if (!(ctxt = xmlNewParserCtxt()))
        return ts_fail(err, TS_ENOMEM, "%s: no memory for the XML parser", what);
    /* No NOENT, no DTDLOAD: entities stay references, nothing is fetched. */
    *out = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!*out) {
        char msg[160];
        size_t n;
        e = xmlCtxtGetLastError(ctxt);
        snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "unknown error");
        n = strlen(msg);
        while (n > 0 && is_ws((unsigned char)msg[n - 1]))
            msg[--n] = '\0';
        rc = ts_fail(err, TS_EPARSE, "%s: not well-formed XML (line %d: %s)", what, e ? e->line : 0,
                     msg);
    }
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Visible text                                                       */
/* ------------------------------------------------------------------ */

static const char *const skipped[] = {"script", "style", "noscript", "template",
                                      "head",   "title", NULL};

static const char *const blocks[] = {
    "address", "article", "aside",  "blockquote", "body",    "br",      "caption",  "center",
    "dd",      "details", "dialog", "div",        "dl",      "dt",      "fieldset", "figcaption",
    "figure",  "footer",  "form",   "h1",         "h2",      "h3",      "h4",       "h5",
    "h6",      "header",  "hgroup", "hr",         "legend",  "li",      "main",     "nav",
    "ol",      "option",  "p",      "pre",        "section", "summary", "table",    "tbody",
    "tfoot",   "thead",   "tr",     "ul",         NULL};

static bool in_list(const xmlNode *n, const char *const *list)
{
    for (; *list; list++)
        if (ix_xml_is(n, *list))
            return true;
    return false;
}

static void put_codepoint(struct ix_text *t, unsigned cp, bool pre)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    ix_text_put(t, u, n, pre);
}

/*
 * An entity reference left in the tree: XHTML names (&nbsp; when the DTD was
 * not loaded) map through libxml2's HTML table; a user entity is used only
 * when its replacement is plain text with no further references, so nested
 * definitions (billion laughs) never multiply.
 */
static void put_entity(const xmlNode *n, struct ix_text *t, bool pre)
{
    const xmlEntity *ent = (const xmlEntity *)n->children;
    const htmlEntityDesc *d;

    if (ent && ent->type == XML_ENTITY_DECL && ent->etype == XML_INTERNAL_GENERAL_ENTITY &&
        ent->content && !strpbrk((const char *)ent->content, "&<%") &&
        strlen((const char *)ent->content) <= 256) {
        ix_text_put(t, (const char *)ent->content, strlen((const char *)ent->content), pre);
        return;
    }
    if (n->name && (d = htmlEntityLookup(n->name)) != NULL)
        put_codepoint(t, d->value, pre);
}

/* Walk root's subtree. `visible`: skip non-rendered elements and mark
 * blocks with newlines (page text); otherwise gather every text node
 * (titles, labels, metadata). */
static void collect(const xmlNode *root, struct ix_text *t, bool visible)
{
    const xmlNode *n = root ? root->children : NULL;
    int pre = 0;

    while (n && !t->full) {
        bool descend = false;

        switch (n->type) {
        case XML_ELEMENT_NODE:
            if (visible && in_list(n, skipped))
                break;
            if (visible && in_list(n, blocks))
                ix_text_break(t);
            else if (ix_xml_is(n, "td") || ix_xml_is(n, "th") || ix_xml_is(n, "img"))
                ix_text_put(t, " ", 1, false);
            if (ix_xml_is(n, "pre"))
                pre++;
            if (n->children) {
                descend = true;
            } else {
                if (visible && in_list(n, blocks))
                    ix_text_break(t);
                if (ix_xml_is(n, "pre"))
                    pre--;
            }
            break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (n->content)
                ix_text_put(t, (const char *)n->content, strlen((const char *)n->content), pre > 0);
            break;
        case XML_ENTITY_REF_NODE: put_entity(n, t, pre > 0); break;
        default: break;
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (!n->next) {
            n = n->parent;
            if (!n || n == root)
                return;
            /* Leaving an element whose children we walked. */
            if (visible && in_list(n, blocks))
                ix_text_break(t);
            if (ix_xml_is(n, "pre"))
                pre--;
        }
        n = n->next;
    }
}

char *ix_xml_text(const xmlNode *n)
{
    struct ix_text t;
    char *s;

    if (!n)
        return NULL;
    ix_text_init(&t, (size_t)IX_MAX_META * 4);
    collect(n, &t, false);
    s = ix_clean(ts_buf_str(&t.b), t.b.len);
    ix_text_free(&t);
    return s;
}

/* ------------------------------------------------------------------ */
/* Pages                                                              */
/* ------------------------------------------------------------------ */

/* Copy a charset label following `p` (after "charset" or "encoding") into
 * hint: skip spaces, '=', quotes; take [A-Za-z0-9._:-]. */
static bool take_label(const char *p, const char *end, char *hint, size_t cap)
{
    size_t n = 0;

    while (p < end && (is_ws((unsigned char)*p) || *p == '=' || *p == '"' || *p == '\''))
        p++;
    while (p < end && n + 1 < cap &&
           (isalnum_ascii(*p) || *p == '-' || *p == '_' || *p == '.' || *p == ':'))
        hint[n++] = *p++;
    hint[n] = '\0';
    return n > 0;
}

static const char *find_ci(const char *s, const char *end, const char *needle)
{
    size_t k = strlen(needle);

    for (; s + k <= end; s++)
        if (strncasecmp(s, needle, k) == 0)
            return s;
    return NULL;
}

/* The charset a page declares in its first 4 KiB, or "" (BOMs are left to
 * ts_charset_decode). */
static void sniff_charset(const char *buf, size_t len, char *hint, size_t cap)
{
    const char *end = buf + (len < 4096 ? len : 4096), *p, *tag_end, *c;

    hint[0] = '\0';
    if (len >= 5 && strncmp(buf, "<?xml", 5) == 0) {
        tag_end = find_ci(buf, end, "?>");
        c = find_ci(buf, tag_end ? tag_end : end, "encoding");
        if (c && take_label(c + 8, tag_end ? tag_end : end, hint, cap))
            return;
    }
    for (p = buf; (p = find_ci(p, end, "<meta")) != NULL; p += 5) {
        tag_end = memchr(p, '>', (size_t)(end - p));
        if (!tag_end)
            break;
        c = find_ci(p, tag_end, "charset");
        if (c && take_label(c + 7, tag_end, hint, cap))
            return;
    }
}

void ix_page_free(struct ix_page *pg)
{
    if (!pg)
        return;
    xmlFreeDoc(pg->doc);
    free(pg->title);
    free(pg->heading);
    free(pg->text);
    memset(pg, 0, sizeof *pg);
}

/* Decode with ts_charset and parse with the recovering HTML parser. */
static int parse_html(const char *buf, size_t len, struct ix_page *pg, struct ts_err *err)
{
    char hint[48], *utf8 = NULL;
    size_t ulen = 0;
    int rc;

    sniff_charset(buf, len, hint, sizeof hint);
    /* A page cannot be UTF-16 and also say so in ASCII; the label lies. */
    if (strncasecmp(hint, "utf-16", 6) == 0)
        hint[0] = '\0';
    rc = ts_charset_decode(buf, len, hint[0] ? hint : NULL, &utf8, &ulen, &pg->encoding, err);
    if (rc && hint[0]) /* unknown label: let detection decide */
        rc = ts_charset_decode(buf, len, NULL, &utf8, &ulen, &pg->encoding, err);
    if (rc)
        return rc;
    if (ulen > INT_MAX) {
        free(utf8);
        return ts_fail(err, TS_ETOOBIG, "page too large for the HTML parser");
    }
    pg->doc = htmlReadMemory(utf8, (int)ulen, NULL, "UTF-8",
                             HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC);
    free(utf8);
    if (!pg->doc)
        return ts_fail(err, TS_EPARSE, "nothing parsable as HTML");
    return TS_OK;
}

int ix_page_parse(struct ix_input *in, const char *buf, size_t len, bool try_xml,
                  struct ix_page *pg, struct ts_err *err)
{
    const xmlNode *root, *body, *h;
    struct ix_text t;
    int rc;

    memset(pg, 0, sizeof *pg);
    if (!try_xml || ix_xml_parse(buf, len, "page", &pg->doc, NULL) != TS_OK) {
        if ((rc = parse_html(buf, len, pg, err)) != TS_OK) {
            ix_page_free(pg);
            return rc;
        }
    }
    root = xmlDocGetRootElement(pg->doc);
    pg->title = ix_xml_text(ix_xml_find(root, "title"));
    h = ix_xml_find(root, "h1");
    if (!h)
        h = ix_xml_find(root, "h2");
    pg->heading = ix_xml_text(h);
    body = ix_xml_find(root, "body");
    ix_text_init(&t, in->text_left);
    collect(body ? body : root, &t, true);
    pg->text_len = t.b.len;
    pg->text = t.b.data ? ts_buf_take(&t.b) : ts_xstrdup("");
    ix_text_free(&t);
    return TS_OK;
}

char *ix_strip_tags(const char *s, size_t len)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '<') {
            const char *gt = memchr(s + i, '>', len - i);
            if (!gt)
                break;
            ts_buf_addc(&b, ' ');
            i = (size_t)(gt - s);
            continue;
        }
        if (s[i] == '&') {
            const char *semi = memchr(s + i, ';', len - i < 12 ? len - i : 12);
            if (semi) {
                char name[12];
                size_t k = (size_t)(semi - s) - i - 1;
                unsigned long cp = 0;
                const htmlEntityDesc *d;
                memcpy(name, s + i + 1, k);
                name[k] = '\0';
                if (name[0] == '#') {
                    char *endp;
                    cp = name[1] == 'x' || name[1] == 'X' ? strtoul(name + 2, &endp, 16)
                                                          : strtoul(name + 1, &endp, 10);
                    if (*endp || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
                        cp = 0;
                } else if ((d = htmlEntityLookup((const xmlChar *)name)) != NULL) {
                    cp = d->value;
                }
                if (cp) {
                    struct ix_text one;
                    ix_text_init(&one, 8);
                    put_codepoint(&one, (unsigned)cp, true);
                    ts_buf_addn(&b, one.b.data, one.b.len);
                    ix_text_free(&one);
                    i = (size_t)(semi - s);
                    continue;
                }
            }
        }
        ts_buf_addc(&b, s[i]);
    }
    return b.data ? ts_buf_take(&b) : ts_xstrdup("");
}

/* ------------------------------------------------------------------ */
/* Stand-alone HTML files                                             */
/* ------------------------------------------------------------------ */

/* Fold <meta name|property|http-equiv content> into the document. */
static void html_meta(struct ix_doc *doc, const xmlNode *root)
{
    for (const xmlNode *m = ix_xml_find(root, "meta"); m; m = ix_xml_find_next(root, m, "meta")) {
        const char *key = ix_xml_attr(m, "name"), *val = ix_xml_attr(m, "content");

        if (!key)
            key = ix_xml_attr(m, "property");
        if (!key)
            key = ix_xml_attr(m, "http-equiv");
        if (!key || !val)
            continue;
        if (!strcasecmp(key, "description") || !strcasecmp(key, "dc.description") ||
            !strcasecmp(key, "og:description"))
            ix_meta_set(&doc->description, val, strlen(val));
        else if (!strcasecmp(key, "author") || !strcasecmp(key, "dc.creator"))
            ix_meta_add_split(&doc->authors, &doc->n_authors, val, ";");
        else if (!strcasecmp(key, "keywords") || !strcasecmp(key, "dc.subject"))
            ix_meta_add_split(&doc->subjects, &doc->n_subjects, val, ",;");
        else if (!strcasecmp(key, "dc.title") || !strcasecmp(key, "og:title"))
            ix_meta_set(&doc->title, val, strlen(val));
        else if (!strcasecmp(key, "language") || !strcasecmp(key, "content-language") ||
                 !strcasecmp(key, "dc.language"))
            ix_meta_set(&doc->language, val, strlen(val));
        else if (!strcasecmp(key, "dc.publisher"))
            ix_meta_set(&doc->publisher, val, strlen(val));
        else if (!strcasecmp(key, "dc.date"))
            ix_meta_set(&doc->date, val, strlen(val));
        else if (!strcasecmp(key, "dc.rights") || !strcasecmp(key, "copyright"))
            ix_meta_set(&doc->licence, val, strlen(val));
        else if (!strcasecmp(key, "dc.identifier"))
            ix_doc_add_identifier(doc, val, NULL);
    }
}

int ix_extract_html(struct ix_input *in, struct ix_doc **out, struct ts_err *err)
{
    bool xhtml = strcasecmp(strrchr(in->name, '.') ? strrchr(in->name, '.') : "", ".xhtml") == 0;
    struct ix_page pg;
    struct ix_doc *doc = NULL;
    const xmlNode *root;
    const char *lang;
    int rc;

    *out = NULL;
    if (in->len > in->lim->max_member_bytes)
        return ts_fail(err, TS_ETOOBIG, "HTML file larger than %zu bytes (max_member_bytes)",
                       in->lim->max_member_bytes);
    /* Stand-alone pages always take the HTML parser, which copes with both
     * HTML and XHTML and with the charset lies of old sites. */
    rc = ix_page_parse(in, (const char *)in->bytes, in->len, false, &pg, err);
    if (rc)
        return rc;
    doc = ix_doc_new("web_page", "html", xhtml ? "application/xhtml+xml" : "text/html");
    doc->encoding = pg.encoding;
    root = xmlDocGetRootElement(pg.doc);
    if (pg.title)
        doc->title = ts_xstrdup(pg.title);
    lang = ix_xml_attr(ix_xml_find(root, "html"), "lang");
    if (lang)
        ix_meta_set(&doc->language, lang, strlen(lang));
    html_meta(doc, root);
    if (!doc->title && pg.heading)
        doc->title = ts_xstrdup(pg.heading);
    ix_doc_add_section(in, doc, doc->title, NULL, pg.text, pg.text_len);
    ix_page_free(&pg);
    *out = doc;
    return TS_OK;
}
