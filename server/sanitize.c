/*
 * server/sanitize.c - whitelist HTML sanitiser (see sanitize.h).
 *
 * The tree is pruned in place and serialised with libxml2's HTML writer, so
 * no markup is produced by string concatenation here. URLs are checked after
 * the parser has decoded entities (so "&#106;avascript:" is seen as
 * "javascript:"), and a link is kept only when it is plainly http(s), a
 * fragment, or a relative path that resolves inside the package.
 */
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlsave.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pkgread.h"
#include "sanitize.h"
#include "ts_buf.h"
#include "ts_mem.h"

#define SANITIZE_MAX_DEPTH 200

static const char *const keep_tags[] = {
    "p",     "h1",   "h2",      "h3",         "h4",    "h5",    "h6",    "ul",    "ol",
    "li",    "a",    "em",      "strong",     "b",     "i",     "u",     "sub",   "sup",
    "small", "code", "pre",     "blockquote", "table", "thead", "tbody", "tfoot", "tr",
    "td",    "th",   "caption", "img",        "br",    "hr",    "span",  "div",   "dl",
    "dt",    "dd",   "figure",  "figcaption", NULL};

static const char *const drop_tags[] = {
    "script", "style",  "iframe",   "object", "embed",    "applet",   "form",     "input",
    "button", "select", "textarea", "option", "template", "noscript", "svg",      "math",
    "head",   "title",  "meta",     "link",   "base",     "frame",    "frameset", "audio",
    "video",  "source", "track",    "canvas", "picture",  "param",    "dialog",   NULL};

static int in_list(const char *const *list, const char *name)
{
    for (int i = 0; list[i]; i++)
        if (strcasecmp(list[i], name) == 0)
            return 1;
    return 0;
}

static void urlenc(struct ts_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/')
            ts_buf_addc(b, (char)*p);
        else
            ts_buf_addf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

/* An id value kept safe: letters, digits, '-', '_', '.', ':' only. */
static void safe_id(struct ts_buf *b, const char *s)
{
    ts_buf_add(b, "c-");
    for (; *s && b->len < 128; s++) {
        char c = *s;
        ts_buf_addc(b, (char)((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                                      c == ':'
                                  ? c
                                  : '_'));
    }
}

static int is_http(const char *u)
{
    if (strncasecmp(u, "http://", 7) != 0 && strncasecmp(u, "https://", 8) != 0)
        return 0;
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '\\')
            return 0;
    return 1;
}

/* New href for a link, or NULL to drop it. */
static char *rewrite_href(const char *href, const struct sanitize_opts *o)
{
    struct ts_buf b;
    char path[PKG_PATH_MAX + 1];
    const char *frag;

    while (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r')
        href++;
    ts_buf_init(&b, 8192);
    if (is_http(href))
        return ts_xstrdup(href);
    if (href[0] == '#') {
        if (!href[1])
            return NULL;
        ts_buf_addc(&b, '#');
        safe_id(&b, href + 1);
        return ts_buf_take(&b);
    }
    for (const char *p = href; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\')
            return NULL;
    if (!o->base_dir || href[0] == '/' || pkg_resolve(o->base_dir, href, path, sizeof path, &frag))
        return NULL;
    if (!pkg_is_html(path))
        return NULL; /* a link to a stylesheet, a PDF inside the package ...: not a page */
    ts_buf_addf(&b, "/records/%lld/read?file=%lld&section=", (long long)o->record_id,
                (long long)o->file_id);
    urlenc(&b, path);
    if (frag && *frag) {
        ts_buf_addc(&b, '#');
        safe_id(&b, frag);
    }
    return b.data ? ts_buf_take(&b) : NULL;
}

static int image_ext(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".jpg") == 0 ||
                   strcasecmp(dot, ".jpeg") == 0 || strcasecmp(dot, ".gif") == 0 ||
                   strcasecmp(dot, ".webp") == 0);
}

/* New src for an image, or NULL to drop the image. */
static char *rewrite_src(const char *src, const struct sanitize_opts *o)
{
    struct ts_buf b;
    char path[PKG_PATH_MAX + 1];
    const char *frag;

    if (!o->base_dir || pkg_resolve(o->base_dir, src, path, sizeof path, &frag) || !image_ext(path))
        return NULL;
    ts_buf_init(&b, 8192);
    ts_buf_addf(&b, "/records/%lld/asset?file=%lld&path=", (long long)o->record_id,
                (long long)o->file_id);
    urlenc(&b, path);
    return b.data ? ts_buf_take(&b) : NULL;
}

static int digits(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 3)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Keep only whitelisted attributes of element `el`. Returns 0 when the
 * element itself must go (an image without a usable source). */
static int clean_attrs(xmlNode *el, const struct sanitize_opts *o)
{
    const char *tag = (const char *)el->name;
    int is_a = strcasecmp(tag, "a") == 0, is_img = strcasecmp(tag, "img") == 0;
    int is_cell = strcasecmp(tag, "td") == 0 || strcasecmp(tag, "th") == 0;
    char *href = NULL, *src = NULL, *id = NULL;
    int external = 0, keep = 1;
    xmlAttr *a, *next;

    for (a = el->properties; a; a = next) {
        const char *name = (const char *)a->name;
        xmlChar *v = xmlNodeGetContent((xmlNode *)a);
        const char *val = v ? (const char *)v : "";
        int keep_attr = 0;
        next = a->next;
        if (is_a && strcasecmp(name, "href") == 0) {
            href = rewrite_href(val, o);
            external = href && is_http(href);
        } else if (is_img && strcasecmp(name, "src") == 0) {
            src = rewrite_src(val, o);
        } else if (strcasecmp(name, "id") == 0 && *val) {
            struct ts_buf b;
            ts_buf_init(&b, 256);
            safe_id(&b, val);
            id = b.data ? ts_buf_take(&b) : NULL;
        } else if (((is_a || is_img) && strcasecmp(name, "title") == 0) ||
                   (is_img && strcasecmp(name, "alt") == 0)) {
            keep_attr = 1;
        } else if (is_cell &&
                   (strcasecmp(name, "colspan") == 0 || strcasecmp(name, "rowspan") == 0)) {
            keep_attr = digits(val);
        }
        xmlFree(v);
        if (!keep_attr)
            xmlRemoveProp(a);
    }
    if (href) {
        xmlSetProp(el, (const xmlChar *)"href", (const xmlChar *)href);
        if (external)
            xmlSetProp(el, (const xmlChar *)"rel", (const xmlChar *)"noopener noreferrer nofollow");
    }
    if (src)
        xmlSetProp(el, (const xmlChar *)"src", (const xmlChar *)src);
    else if (is_img)
        keep = 0;
    if (id)
        xmlSetProp(el, (const xmlChar *)"id", (const xmlChar *)id);
    free(href);
    free(src);
    free(id);
    return keep;
}

static void clean_children(xmlNode *parent, const struct sanitize_opts *o, int depth);

static void clean_node(xmlNode *n, const struct sanitize_opts *o, int depth)
{
    const char *tag;

    switch (n->type) {
    case XML_TEXT_NODE: return;
    case XML_CDATA_SECTION_NODE: n->type = XML_TEXT_NODE; return;
    case XML_ELEMENT_NODE: break;
    default:
        xmlUnlinkNode(n);
        xmlFreeNode(n);
        return; /* comments, PIs, DTD bits */
    }
    tag = (const char *)n->name;
    if (depth > SANITIZE_MAX_DEPTH || in_list(drop_tags, tag) || strchr(tag, ':')) {
        /* namespaced elements (epub:switch, svg:svg) are dropped with their content */
        xmlUnlinkNode(n);
        xmlFreeNode(n);
        return;
    }
    clean_children(n, o, depth + 1);
    if (in_list(keep_tags, tag)) {
        /* the reader page has its own h1: the document's headings go one level down */
        if ((tag[0] == 'h' || tag[0] == 'H') && tag[1] >= '1' && tag[1] <= '5' && !tag[2]) {
            char h[3] = {'h', (char)(tag[1] + 1), '\0'};
            xmlNodeSetName(n, (const xmlChar *)h);
        }
        if (!clean_attrs(n, o)) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        return;
    }
    /* unknown element (section, article, font ...): keep its content, drop it */
    while (n->children) {
        xmlNode *c = n->children;
        xmlUnlinkNode(c);
        xmlAddPrevSibling(n, c);
    }
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

static void clean_children(xmlNode *parent, const struct sanitize_opts *o, int depth)
{
    xmlNode *c = parent->children, *next;
    for (; c; c = next) {
        next = c->next;
        clean_node(c, o, depth);
    }
}

static xmlNode *find_body(xmlNode *n)
{
    for (; n; n = n->next) {
        xmlNode *hit;
        if (n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, "body") == 0)
            return n;
        if (n->type == XML_ELEMENT_NODE && (hit = find_body(n->children)) != NULL)
            return hit;
    }
    return NULL;
}

void sanitize_init(void)
{
    xmlInitParser();
}

int sanitize_html(const char *html, size_t len, const struct sanitize_opts *o, char **out,
                  struct ts_err *err)
{
    xmlDoc *doc;
    xmlNode *body, *root;
    xmlOutputBuffer *ob;
    int rc = TS_OK;

    *out = NULL;
    if (len > (size_t)1 << 30)
        return ts_fail(err, TS_ETOOBIG, "page too large");
    doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING);
    if (!doc)
        return ts_fail(err, TS_EPARSE, "the page is not HTML");
    root = xmlDocGetRootElement(doc);
    body = root ? find_body(root) : NULL;
    if (!body)
        body = root;
    /* no encoder: the tree is UTF-8 and the output stays in ob->buffer */
    ob = xmlAllocOutputBuffer(NULL);
    if (!ob) {
        xmlFreeDoc(doc);
        return ts_fail(err, TS_ENOMEM, "sanitize: no output buffer");
    }
    if (body) {
        clean_children(body, o, 0);
        for (xmlNode *c = body->children; c; c = c->next)
            htmlNodeDumpFormatOutput(ob, doc, c, NULL, 0);
    }
    xmlOutputBufferFlush(ob);
    {
        const xmlChar *content = xmlOutputBufferGetContent(ob);
        size_t n = xmlOutputBufferGetSize(ob);
        *out = ts_xstrndup(content ? (const char *)content : "", content ? n : 0);
    }
    xmlOutputBufferClose(ob);
    xmlFreeDoc(doc);
    return rc;
}
