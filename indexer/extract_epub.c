/*
 * indexer/extract_epub.c - EPUB 2 and 3: metadata from the OPF package
 * document, one section per XHTML file of the spine, in reading order.
 *
 * META-INF/container.xml names the OPF; its <metadata> (found by local name,
 * so a prefixed <opf:metadata> works) gives the Dublin Core fields. We never
 * rely on the package's unique-identifier attribute, which real files get
 * wrong (the live-manual EPUBs point it at a commented-out element): every
 * dc:identifier is kept, ISBNs normalised. Section titles come from the
 * table of contents (EPUB 3 nav, else the EPUB 2 NCX) label of that file,
 * else its first h1/h2, else its <title>.
 *
 * Spine entries that point at the same file with different fragments (as
 * live-manual does) yield one section. Hrefs are resolved against the OPF's
 * directory; one that is absolute or climbs out of the package makes the
 * file hostile (TS_EPARSE). Missing or unparsable chapters are skipped:
 * one bad file should not hide a whole book from the catalogue.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_int.h"
#include "ts_mem.h"

struct item {
    char *id;
    char *path; /* member path, fragment dropped */
    char *media_type;
    char *properties;
    size_t canon; /* index (in items[]) of the first item with this path */
    bool used;
};

struct label {
    char *path;
    char *text;
    size_t seq; /* document order, so the first label of a file wins */
};

struct epub {
    struct ix_input *in;
    struct ix_doc *doc;
    char *opf_dir;
    struct item *items; /* sorted by id */
    size_t n_items;
    struct label *labels; /* sorted by path, seq */
    size_t n_labels;
};

static void epub_free(struct epub *e)
{
    for (size_t i = 0; i < e->n_items; i++) {
        free(e->items[i].id);
        free(e->items[i].path);
        free(e->items[i].media_type);
        free(e->items[i].properties);
    }
    free(e->items);
    for (size_t i = 0; i < e->n_labels; i++) {
        free(e->labels[i].path);
        free(e->labels[i].text);
    }
    free(e->labels);
    free(e->opf_dir);
}

/* Read and parse a package member as XML. */
static int read_xml(struct epub *e, const char *path, xmlDoc **out, struct ts_err *err)
{
    char *buf = NULL;
    size_t len;
    int rc;

    *out = NULL;
    if ((rc = ix_zip_read(e->in->zip, path, &buf, &len, err)) != TS_OK)
        return rc;
    rc = ix_xml_parse(buf, len, path, out, err);
    free(buf);
    return rc;
}

/* The OPF path from META-INF/container.xml. */
static int find_opf(struct epub *e, char **opf_path, struct ts_err *err)
{
    xmlDoc *c = NULL;
    const xmlNode *root, *rf, *pick = NULL;
    const char *full;
    int rc, r;

    *opf_path = NULL;
    if ((rc = read_xml(e, "META-INF/container.xml", &c, err)) != TS_OK)
        goto out;
    root = xmlDocGetRootElement(c);
    for (rf = ix_xml_find(root, "rootfile"); rf; rf = ix_xml_find_next(root, rf, "rootfile")) {
        const char *mt = ix_xml_attr(rf, "media-type");
        if (!ix_xml_attr(rf, "full-path"))
            continue;
        if (!pick || (mt && strcmp(mt, "application/oebps-package+xml") == 0 &&
                      !ix_xml_attr(pick, "media-type")))
            pick = rf;
        if (mt && strcmp(mt, "application/oebps-package+xml") == 0)
            break;
    }
    if (!pick) {
        rc = ts_fail(err, TS_EPARSE, "container.xml names no package document");
        goto out;
    }
    full = ix_xml_attr(pick, "full-path");
    r = ix_path_resolve("", full, opf_path);
    if (r != 0) {
        rc = ts_fail(err, TS_EPARSE, "package path '%.100s' is unsafe", full);
        goto out;
    }
out:
    xmlFreeDoc(c);
    return rc;
}

/* Dublin Core metadata, wherever <metadata> sits and whatever its prefix
 * (EPUB 2's <dc-metadata> wrapper included). */
static void read_metadata(struct epub *e, const xmlNode *root)
{
    static const char *const wanted[] = {"title",       "creator",   "language", "identifier",
                                         "subject",     "publisher", "date",     "rights",
                                         "description", NULL};
    const xmlNode *md = ix_xml_find(root, "metadata");
    struct ix_doc *doc = e->doc;

    for (const xmlNode *n = ix_xml_find_next(md, md, NULL); n; n = ix_xml_find_next(md, n, NULL)) {
        const char *const *w;
        char *v;

        for (w = wanted; *w && !ix_xml_is(n, *w); w++)
            ;
        if (!*w || !(v = ix_xml_text(n)))
            continue;
        if (ix_xml_is(n, "title"))
            ix_meta_set(&doc->title, v, strlen(v));
        else if (ix_xml_is(n, "creator"))
            ix_meta_add(&doc->authors, &doc->n_authors, v, strlen(v));
        else if (ix_xml_is(n, "language"))
            ix_meta_set(&doc->language, v, strlen(v));
        else if (ix_xml_is(n, "identifier"))
            ix_doc_add_identifier(doc, v, ix_xml_attr(n, "scheme"));
        else if (ix_xml_is(n, "subject"))
            ix_meta_add(&doc->subjects, &doc->n_subjects, v, strlen(v));
        else if (ix_xml_is(n, "description")) {
            /* Calibre and others store escaped HTML here. */
            char *plain = ix_strip_tags(v, strlen(v));
            ix_meta_set(&doc->description, plain, strlen(plain));
            free(plain);
        } else if (ix_xml_is(n, "publisher"))
            ix_meta_set(&doc->publisher, v, strlen(v));
        else if (ix_xml_is(n, "date") && strncmp(v, "0101-01-01", 10) != 0)
            ix_meta_set(&doc->date, v, strlen(v)); /* 0101-01-01: Calibre's "no date" */
        else if (ix_xml_is(n, "rights"))
            ix_meta_set(&doc->licence, v, strlen(v));
        free(v);
    }
}

static int item_by_id_cmp(const void *a, const void *b)
{
    return strcmp(((const struct item *)a)->id, ((const struct item *)b)->id);
}

struct path_ix {
    const char *path;
    size_t i;
};

static int path_ix_cmp(const void *a, const void *b)
{
    const struct path_ix *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

/* items[i].canon = one item standing for all items sharing items[i].path,
 * so spine entries for "ch1.xhtml#a" and "ch1.xhtml#b" make one section. */
static void assign_canon(struct epub *e)
{
    struct path_ix *ix = ts_xmalloc((e->n_items ? e->n_items : 1) * sizeof *ix);

    for (size_t i = 0; i < e->n_items; i++) {
        ix[i].path = e->items[i].path;
        ix[i].i = i;
    }
    if (e->n_items)
        qsort(ix, e->n_items, sizeof *ix, path_ix_cmp);
    for (size_t k = 0; k < e->n_items; k++) {
        bool same = k > 0 && strcmp(ix[k].path, ix[k - 1].path) == 0;
        e->items[ix[k].i].canon = same ? e->items[ix[k - 1].i].canon : ix[k].i;
    }
    free(ix);
}

static int read_manifest(struct epub *e, const xmlNode *root, struct ts_err *err)
{
    const xmlNode *man = ix_xml_find(root, "manifest");
    size_t cap = 0;

    for (const xmlNode *n = ix_xml_child(man, "item"); n; n = n->next) {
        const char *id = ix_xml_attr(n, "id"), *href = ix_xml_attr(n, "href");
        const char *mt = ix_xml_attr(n, "media-type"), *props = ix_xml_attr(n, "properties");
        char *path = NULL;
        int r;

        if (!ix_xml_is(n, "item") || !id || !href)
            continue;
        r = ix_path_resolve(e->opf_dir, href, &path);
        if (r < 0)
            return ts_fail(err, TS_EPARSE, "manifest item '%.100s' points outside the package",
                           href);
        if (r > 0)
            continue; /* remote resource */
        if (e->n_items >= IX_MAX_MEMBERS) {
            free(path);
            return ts_fail(err, TS_ETOOBIG, "manifest has more than %d items", IX_MAX_MEMBERS);
        }
        if (e->n_items == cap) {
            cap = cap ? cap * 2 : 64;
            e->items = ts_xrealloc(e->items, cap * sizeof *e->items);
        }
        e->items[e->n_items].id = ts_xstrdup(id);
        e->items[e->n_items].path = path;
        e->items[e->n_items].media_type = ts_xstrdup(mt ? mt : "");
        e->items[e->n_items].properties = ts_xstrdup(props ? props : "");
        e->items[e->n_items].used = false;
        e->n_items++;
    }
    if (e->n_items)
        qsort(e->items, e->n_items, sizeof *e->items, item_by_id_cmp);
    assign_canon(e);
    return TS_OK;
}

static struct item *item_by_id(struct epub *e, const char *id)
{
    struct item key = {0};

    key.id = (char *)id;
    return e->n_items ? bsearch(&key, e->items, e->n_items, sizeof *e->items, item_by_id_cmp)
                      : NULL;
}

static bool has_token(const char *list, const char *tok)
{
    size_t k = strlen(tok);

    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, " \t\r\n");
        if (n == k && strncmp(p, tok, k) == 0)
            return true;
        p += n;
        p += strspn(p, " \t\r\n");
    }
    return false;
}

static void add_label(struct epub *e, const char *dir, const char *href, const xmlNode *text)
{
    char *path = NULL, *t;

    if (!href || e->n_labels >= IX_MAX_SECTIONS || ix_path_resolve(dir, href, &path) != 0)
        return;
    if (!(t = ix_xml_text(text))) {
        free(path);
        return;
    }
    e->labels = ts_xrealloc(e->labels, (e->n_labels + 1) * sizeof *e->labels);
    e->labels[e->n_labels].path = path;
    e->labels[e->n_labels].text = t;
    e->labels[e->n_labels].seq = e->n_labels;
    e->n_labels++;
}

/* EPUB 3 navigation document: <nav epub:type="toc"> links. */
static void read_nav(struct epub *e, const struct item *nav)
{
    char *buf = NULL, *dir = ix_path_dir(nav->path);
    size_t len;
    struct ix_page pg;
    const xmlNode *root, *n, *toc = NULL;

    if (ix_zip_read(e->in->zip, nav->path, &buf, &len, NULL) != TS_OK)
        goto out;
    if (ix_page_parse(e->in, buf, len, true, &pg, NULL) != TS_OK)
        goto out;
    root = xmlDocGetRootElement(pg.doc);
    for (n = ix_xml_find(root, "nav"); n; n = ix_xml_find_next(root, n, "nav")) {
        const char *type = ix_xml_attr(n, "type");
        if (!toc)
            toc = n;
        if (type && has_token(type, "toc")) {
            toc = n;
            break;
        }
    }
    for (n = ix_xml_find(toc, "a"); n; n = ix_xml_find_next(toc, n, "a"))
        add_label(e, dir, ix_xml_attr(n, "href"), n);
    ix_page_free(&pg);
out:
    free(buf);
    free(dir);
}

/* EPUB 2 NCX: navPoint/navLabel/text and content@src. */
static void read_ncx(struct epub *e, const struct item *ncx)
{
    char *dir = ix_path_dir(ncx->path);
    xmlDoc *x = NULL;
    const xmlNode *root, *np;

    if (read_xml(e, ncx->path, &x, NULL) != TS_OK)
        goto out;
    root = xmlDocGetRootElement(x);
    for (np = ix_xml_find(root, "navPoint"); np; np = ix_xml_find_next(root, np, "navPoint")) {
        const xmlNode *label = ix_xml_child(ix_xml_child(np, "navLabel"), "text");
        add_label(e, dir, ix_xml_attr(ix_xml_child(np, "content"), "src"), label);
    }
out:
    xmlFreeDoc(x);
    free(dir);
}

static int label_cmp(const void *a, const void *b)
{
    const struct label *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static const char *label_for(const struct epub *e, const char *path)
{
    size_t lo = 0, hi = e->n_labels;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(e->labels[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->n_labels && strcmp(e->labels[lo].path, path) == 0 ? e->labels[lo].text : NULL;
}

static void read_toc(struct epub *e, const xmlNode *spine)
{
    const char *toc_id = ix_xml_attr(spine, "toc");
    const struct item *ncx = toc_id ? item_by_id(e, toc_id) : NULL;

    for (size_t i = 0; i < e->n_items; i++) {
        if (has_token(e->items[i].properties, "nav")) {
            read_nav(e, &e->items[i]);
            break;
        }
    }
    if (!ncx) {
        for (size_t i = 0; i < e->n_items && !ncx; i++)
            if (strcmp(e->items[i].media_type, "application/x-dtbncx+xml") == 0)
                ncx = &e->items[i];
    }
    if (ncx)
        read_ncx(e, ncx);
    if (e->n_labels)
        qsort(e->labels, e->n_labels, sizeof *e->labels, label_cmp);
}

static bool is_content_doc(const struct item *it)
{
    static const char *const types[] = {"application/xhtml+xml", "text/html",
                                        "text/x-oeb1-document", "application/x-dtbook+xml"};
    const char *dot = strrchr(it->path, '.');

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(it->media_type, types[i]) == 0)
            return true;
    return !it->media_type[0] && dot &&
           (!strcasecmp(dot, ".xhtml") || !strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"));
}

/* One section per spine file, in reading order. */
static int read_spine(struct epub *e, const xmlNode *spine, struct ts_err *err)
{
    for (const xmlNode *ref = ix_xml_child(spine, "itemref"); ref; ref = ref->next) {
        const char *idref = ix_xml_attr(ref, "idref"), *title;
        struct item *it, *canon;
        struct ix_page pg;
        char *buf = NULL;
        size_t len;
        int rc;

        if (!ix_xml_is(ref, "itemref") || !idref || !(it = item_by_id(e, idref)))
            continue;
        canon = &e->items[it->canon];
        if (canon->used || !is_content_doc(it))
            continue;
        canon->used = true;
        if (ix_input_done(e->in))
            break;
        rc = ix_zip_read(e->in->zip, it->path, &buf, &len, err);
        if (rc == TS_ENOTFOUND)
            continue;
        if (rc)
            return rc; /* a bomb or a damaged archive: the whole file is suspect */
        rc = ix_page_parse(e->in, buf, len, true, &pg, NULL);
        free(buf);
        if (rc)
            continue;
        title = label_for(e, it->path);
        if (!title)
            title = pg.heading ? pg.heading : pg.title;
        ix_doc_add_section(e->in, e->doc, title, it->path, pg.text, pg.text_len);
        ix_page_free(&pg);
    }
    return TS_OK;
}

int ix_extract_epub(struct ix_input *in, struct ix_doc **out, struct ts_err *err)
{
    struct epub e;
    char *opf_path = NULL;
    xmlDoc *opf = NULL;
    const xmlNode *root, *spine;
    int rc;

    *out = NULL;
    memset(&e, 0, sizeof e);
    e.in = in;
    e.doc = ix_doc_new("ebook", "epub", "application/epub+zip");
    if ((rc = find_opf(&e, &opf_path, err)) != TS_OK)
        goto out;
    e.opf_dir = ix_path_dir(opf_path);
    if ((rc = read_xml(&e, opf_path, &opf, err)) != TS_OK) {
        if (rc == TS_ENOTFOUND)
            rc = ts_fail(err, TS_EPARSE, "package document '%.100s' is missing", opf_path);
        goto out;
    }
    root = xmlDocGetRootElement(opf);
    read_metadata(&e, root);
    if ((rc = read_manifest(&e, root, err)) != TS_OK)
        goto out;
    spine = ix_xml_find(root, "spine");
    read_toc(&e, spine);
    rc = read_spine(&e, spine, err);
out:
    if (rc == TS_OK) {
        *out = e.doc;
        e.doc = NULL;
    } else {
        ts_err_prefix(err, "EPUB: ");
    }
    ix_doc_free(e.doc);
    xmlFreeDoc(opf);
    free(opf_path);
    epub_free(&e);
    return rc;
}
