/*
 * server/pkgread.c - reading one member of a stored zip package (see pkgread.h).
 *
 * Member names are compared exactly with the requested path, which was
 * checked by pkg_path_safe(): nothing is ever written to disk, so "../" in
 * an archive cannot escape anything here, but the reader view still refuses
 * such paths so a crafted URL cannot reach a member the package never links.
 */
#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pkgread.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_util.h"

#define PKG_MANIFEST_MAX (4u << 20)

int pkg_path_safe(const char *path)
{
    size_t n = strlen(path);
    const char *seg = path;

    if (n == 0 || n > PKG_PATH_MAX || path[0] == '/')
        return 0;
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return 0;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
        if (!end)
            return 1;
        seg = end + 1;
    }
}

int pkg_resolve(const char *base_dir, const char *href, char *out, size_t cap,
                const char **fragment)
{
    char path[PKG_PATH_MAX * 2 + 2];
    size_t n = 0, hl = strcspn(href, "?#");
    const char *colon = strchr(href, ':');

    *fragment = NULL;
    if (href[hl] == '#')
        *fragment = href + hl + 1;
    else if (href[hl] == '?' && strchr(href + hl, '#'))
        *fragment = strchr(href + hl, '#') + 1;
    /* a scheme (http:, javascript:) before any path character: not a member */
    if (colon && (size_t)(colon - href) < hl && (size_t)(colon - href) < strcspn(href, "/"))
        return -1;
    if (href[0] == '/' || hl == 0)
        return -1;
    if (strlen(base_dir) + hl >= sizeof path)
        return -1;
    memcpy(path, base_dir, strlen(base_dir));
    n = strlen(base_dir);
    for (size_t i = 0; i < hl; i++) {
        char c = href[i];
        if (c == '%' && i + 2 < hl && ts_hexval(href[i + 1]) >= 0 && ts_hexval(href[i + 2]) >= 0) {
            c = (char)(ts_hexval(href[i + 1]) * 16 + ts_hexval(href[i + 2]));
            i += 2;
        }
        if (c == '\0')
            return -1;
        path[n++] = c;
    }
    path[n] = '\0';
    /* normalise "." and ".." segments in place */
    {
        char *segs[512];
        size_t ns = 0, o = 0;
        char *p = path, *slash;
        for (;;) {
            slash = strchr(p, '/');
            if (slash)
                *slash = '\0';
            if (strcmp(p, "..") == 0) {
                if (ns == 0)
                    return -1; /* climbs out of the package */
                ns--;
            } else if (*p && strcmp(p, ".") != 0) {
                if (ns >= sizeof segs / sizeof segs[0])
                    return -1;
                segs[ns++] = p;
            }
            if (!slash)
                break;
            p = slash + 1;
        }
        for (size_t i = 0; i < ns; i++) {
            size_t l = strlen(segs[i]);
            if (o + l + 2 > cap)
                return -1;
            if (i)
                out[o++] = '/';
            memcpy(out + o, segs[i], l);
            o += l;
        }
        if (o == 0 || o >= cap)
            return -1;
        out[o] = '\0';
    }
    return pkg_path_safe(out) ? 0 : -1;
}

int pkg_is_html(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0 ||
                   strcasecmp(dot, ".xhtml") == 0);
}

static int open_zip(const char *zip_path, struct archive **out, struct ts_err *err)
{
    struct archive *a = archive_read_new();

    *out = NULL;
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, zip_path, 64 * 1024) != ARCHIVE_OK) {
        int rc = ts_fail(err, TS_EIO, "open package: %s", archive_error_string(a));
        archive_read_free(a);
        return rc;
    }
    *out = a;
    return TS_OK;
}

static const char *entry_name(struct archive_entry *e)
{
    const char *n = archive_entry_pathname_utf8(e);
    return n ? n : archive_entry_pathname(e);
}

int pkg_read(const char *zip_path, const char *member, size_t max, char **out, size_t *len,
             struct ts_err *err)
{
    struct archive *a = NULL;
    struct archive_entry *e;
    struct ts_buf b;
    int rc, arc;

    *out = NULL;
    *len = 0;
    ts_buf_init(&b, max);
    if ((rc = open_zip(zip_path, &a, err)))
        return rc;
    while ((arc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *name = entry_name(e);
        char chunk[16384];
        la_ssize_t n;
        if (!name || strcmp(name, member) != 0)
            continue;
        if (archive_entry_filetype(e) != AE_IFREG) {
            rc = ts_fail(err, TS_ENOTFOUND, "%s is not a file", member);
            goto out;
        }
        while ((n = archive_read_data(a, chunk, sizeof chunk)) > 0) {
            if (ts_buf_addn(&b, chunk, (size_t)n)) {
                rc = ts_fail(err, TS_ETOOBIG, "%s is larger than %zu bytes", member, max);
                goto out;
            }
        }
        if (n < 0) {
            rc = ts_fail(err, TS_EPARSE, "%s: %s", member, archive_error_string(a));
            goto out;
        }
        *len = b.len;
        *out = ts_buf_take(&b);
        rc = TS_OK;
        goto out;
    }
    if (arc == ARCHIVE_EOF)
        rc = ts_fail(err, TS_ENOTFOUND, "no member %s", member);
    else
        rc = ts_fail(err, TS_EPARSE, "package: %s", archive_error_string(a));
out:
    ts_buf_free(&b);
    archive_read_free(a);
    return rc;
}

/* Parse a small XML member without entities, DTDs or network. */
static xmlDoc *read_xml(const char *zip_path, const char *member)
{
    char *text = NULL;
    size_t len;
    xmlDoc *doc;

    if (pkg_read(zip_path, member, PKG_MANIFEST_MAX, &text, &len, NULL))
        return NULL;
    doc = xmlReadMemory(text, (int)len, member, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(text);
    return doc;
}

static int local_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* First element named `name` in document order under `n`. */
static xmlNode *find(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        xmlNode *hit;
        if (local_is(n, name))
            return n;
        if ((hit = find(n->children, name)) != NULL)
            return hit;
    }
    return NULL;
}

static char *attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? ts_xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* Resolve href against the directory of `from` into a malloc'd member path. */
static char *resolve_from(const char *from, const char *href)
{
    char base[PKG_PATH_MAX + 1], out[PKG_PATH_MAX + 1];
    const char *slash = strrchr(from, '/'), *frag;
    size_t n = slash ? (size_t)(slash - from + 1) : 0;

    if (n > PKG_PATH_MAX)
        return NULL;
    memcpy(base, from, n);
    base[n] = '\0';
    if (pkg_resolve(base, href, out, sizeof out, &frag))
        return NULL;
    return ts_xstrdup(out);
}

static char *epub_first(const char *zip_path)
{
    xmlDoc *container = read_xml(zip_path, "META-INF/container.xml"), *opf = NULL;
    char *opf_path = NULL, *idref = NULL, *href = NULL, *page = NULL;
    xmlNode *n;

    if (!container)
        return NULL;
    if ((n = find(xmlDocGetRootElement(container), "rootfile")) != NULL)
        opf_path = attr(n, "full-path");
    if (!opf_path || !pkg_path_safe(opf_path) || !(opf = read_xml(zip_path, opf_path)))
        goto out;
    for (n = find(xmlDocGetRootElement(opf), "spine"); n && (n = n->children);) {
        for (; n; n = n->next) {
            char *linear;
            if (!local_is(n, "itemref"))
                continue;
            linear = attr(n, "linear");
            if (!linear || strcmp(linear, "no") != 0)
                idref = attr(n, "idref");
            free(linear);
            if (idref)
                break;
        }
        break;
    }
    if (!idref)
        goto out;
    for (n = find(xmlDocGetRootElement(opf), "manifest"); n && (n = n->children);) {
        for (; n; n = n->next) {
            char *id;
            if (!local_is(n, "item"))
                continue;
            id = attr(n, "id");
            if (id && strcmp(id, idref) == 0)
                href = attr(n, "href");
            free(id);
            if (href)
                break;
        }
        break;
    }
    if (href)
        page = resolve_from(opf_path, href);
out:
    free(opf_path);
    free(idref);
    free(href);
    xmlFreeDoc(opf);
    xmlFreeDoc(container);
    return page;
}

static char *ims_first(const char *zip_path)
{
    xmlDoc *doc = read_xml(zip_path, "imsmanifest.xml");
    char *page = NULL;

    if (!doc)
        return NULL;
    for (xmlNode *n = find(xmlDocGetRootElement(doc), "resource"); n && !page; n = n->next) {
        char *href;
        if (!local_is(n, "resource"))
            continue;
        href = attr(n, "href");
        if (href && pkg_is_html(href))
            page = resolve_from("imsmanifest.xml", href);
        free(href);
    }
    xmlFreeDoc(doc);
    return page;
}

int pkg_first_page(const char *zip_path, char **member, struct ts_err *err)
{
    struct archive *a = NULL;
    struct archive_entry *e;
    int rc;

    *member = epub_first(zip_path);
    if (!*member)
        *member = ims_first(zip_path);
    if (*member)
        return TS_OK;
    if ((rc = open_zip(zip_path, &a, err)))
        return rc;
    rc = ts_fail(err, TS_ENOTFOUND, "the package has no page to read");
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *name = entry_name(e);
        if (name && archive_entry_filetype(e) == AE_IFREG && pkg_is_html(name) &&
            pkg_path_safe(name)) {
            *member = ts_xstrdup(name);
            rc = TS_OK;
            break;
        }
    }
    archive_read_free(a);
    return rc;
}
