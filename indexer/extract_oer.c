/*
 * indexer/extract_oer.c - open educational resource packages: IMS Content
 * Packaging and its profiles (Common Cartridge, SCORM 1.2/2004), and H5P.
 *
 * IMS family: imsmanifest.xml at the package root. The profile is read from
 * the manifest itself: a SCORM manifest declares ADL's adlcp namespace, a
 * Common Cartridge one an imscc namespace or the schema "IMS Common
 * Cartridge"; anything else is plain IMS CP. Metadata comes from the
 * manifest's LOM (title, description, language, keywords, rights, vCard
 * authors), with the organization's title as fallback. Each HTML file of a
 * resource becomes a section (path = member path, title = the page's
 * <title>, else the title of the organization item that launches it). Items
 * are visited in organization order, then resources no item launches.
 *
 * H5P: h5p.json (title, language, authors, licence) and every string value
 * of content/content.json, HTML stripped, as one section; UI strings
 * (l10n, behaviour) and technical keys (library, path, mime...) are skipped.
 *
 * Everything goes through the bounded zip reader; hrefs that climb out of
 * the package are hostile (TS_EPARSE), missing files are skipped.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "extract_int.h"
#include "ts_buf.h"
#include "ts_mem.h"

#define OER_MAX_PAGES 20000 /* HTML files read from one package */

/* ------------------------------------------------------------------ */
/* IMS manifest                                                       */
/* ------------------------------------------------------------------ */

struct oer {
    struct ix_input *in;
    struct ix_doc *doc;
    const xmlNode *root;
    const xmlNode **res; /* <resource> elements, sorted by identifier */
    size_t n_res;
    bool *res_done; /* parallel to res */
    char **seen;    /* member paths already made sections, sorted */
    size_t n_seen;
};

/* Raw (uncleaned) text of n's direct text children, for vCards whose line
 * structure matters. User entities are never followed. */
static char *raw_text(const xmlNode *n)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    for (const xmlNode *c = n ? n->children : NULL; c && b.len < IX_MAX_META; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            ts_buf_add(&b, (const char *)c->content);
    return b.data ? ts_buf_take(&b) : NULL;
}

/* A LOM value: its <string>/<langstring> child (first language), else its text. */
static char *lom_value(const xmlNode *n)
{
    const xmlNode *s = ix_xml_child(n, "string");

    if (!s)
        s = ix_xml_child(n, "langstring");
    return ix_xml_text(s ? s : n);
}

static void set_lom(char **field, const xmlNode *n)
{
    char *v = lom_value(n);

    if (v)
        ix_meta_set(field, v, strlen(v));
    free(v);
}

/* FN of a vCard, or the whole cleaned text when it is not a vCard. */
static void add_vcard(struct ix_doc *doc, const xmlNode *entity)
{
    const xmlNode *vc = ix_xml_child(entity, "vcard");
    char *raw = raw_text(vc ? vc : entity);
    const char *p = raw;

    if (!raw)
        return;
    if (strstr(raw, "BEGIN:VCARD") || strstr(raw, "begin:vcard")) {
        for (p = raw; *p; p++) {
            if ((p == raw || p[-1] == '\n' || p[-1] == ' ') && strncasecmp(p, "FN:", 3) == 0) {
                size_t n = strcspn(p + 3, "\r\n");
                ix_meta_add(&doc->authors, &doc->n_authors, p + 3, n);
                break;
            }
        }
    } else {
        ix_meta_add(&doc->authors, &doc->n_authors, raw, strlen(raw));
    }
    free(raw);
}

static void read_lom(struct oer *o)
{
    const xmlNode *md = ix_xml_child(o->root, "metadata");
    const xmlNode *lom = ix_xml_find(md, "lom"), *gen = ix_xml_child(lom, "general"), *n;
    struct ix_doc *doc = o->doc;

    if (!lom)
        return;
    set_lom(&doc->title, ix_xml_child(gen, "title"));
    set_lom(&doc->description, ix_xml_child(gen, "description"));
    if ((n = ix_xml_child(gen, "language")) != NULL)
        set_lom(&doc->language, n);
    for (n = gen ? gen->children : NULL; n; n = n->next) {
        if (ix_xml_is(n, "keyword")) {
            char *v = lom_value(n);
            if (v)
                ix_meta_add(&doc->subjects, &doc->n_subjects, v, strlen(v));
            free(v);
        }
    }
    set_lom(&doc->licence, ix_xml_child(ix_xml_child(lom, "rights"), "description"));
    n = ix_xml_child(lom, "lifecycle");
    for (n = n ? n->children : NULL; n; n = n->next) {
        const xmlNode *role, *ent;
        char *r;
        bool author;
        if (!ix_xml_is(n, "contribute"))
            continue;
        role = ix_xml_child(ix_xml_child(n, "role"), "value");
        r = role ? lom_value(role) : NULL;
        author = !r || strcasecmp(r, "author") == 0;
        free(r);
        if (!author)
            continue;
        for (ent = n->children; ent; ent = ent->next)
            if (ix_xml_is(ent, "entity") || ix_xml_is(ent, "centity"))
                add_vcard(o->doc, ent);
    }
}

/* "scorm", "imscc" or "imscp" from the manifest's namespaces and schema. */
static const char *classify(const xmlNode *root)
{
    const xmlNode *schema = ix_xml_child(ix_xml_child(root, "metadata"), "schema");
    char *s = ix_xml_text(schema);
    const char *kind = "imscp";
    bool scorm = false, cc = false;

    for (const xmlNs *ns = root->nsDef; ns; ns = ns->next) {
        const char *href = (const char *)ns->href;
        if (!href)
            continue;
        scorm |= strstr(href, "adlcp") || strstr(href, "adlnet");
        cc |= strstr(href, "imscc") != NULL;
    }
    if (s) {
        scorm |= strstr(s, "SCORM") != NULL;
        cc |= strstr(s, "Common Cartridge") != NULL;
    }
    free(s);
    if (scorm)
        kind = "scorm";
    else if (cc)
        kind = "imscc";
    return kind;
}

static int res_cmp(const void *a, const void *b)
{
    const char *x = ix_xml_attr(*(const xmlNode *const *)a, "identifier");
    const char *y = ix_xml_attr(*(const xmlNode *const *)b, "identifier");

    return strcmp(x, y);
}

static int collect_resources(struct oer *o, struct ts_err *err)
{
    const xmlNode *rs = ix_xml_child(o->root, "resources");
    size_t cap = 0;

    for (const xmlNode *r = rs ? rs->children : NULL; r; r = r->next) {
        if (!ix_xml_is(r, "resource") || !ix_xml_attr(r, "identifier"))
            continue;
        if (o->n_res >= IX_MAX_MEMBERS)
            return ts_fail(err, TS_ETOOBIG, "manifest has more than %d resources", IX_MAX_MEMBERS);
        if (o->n_res == cap) {
            cap = cap ? cap * 2 : 64;
            o->res = ts_xrealloc(o->res, cap * sizeof *o->res);
        }
        o->res[o->n_res++] = r;
    }
    o->res_done = ts_xcalloc(o->n_res ? o->n_res : 1, sizeof *o->res_done);
    if (o->n_res)
        qsort(o->res, o->n_res, sizeof *o->res, res_cmp);
    return TS_OK;
}

static ssize_t res_index(const struct oer *o, const char *id)
{
    size_t lo = 0, hi = o->n_res;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix_xml_attr(o->res[mid], "identifier"), id);
        if (c == 0)
            return (ssize_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Insert path into the sorted seen-set; false if it was already there. */
static bool first_visit(struct oer *o, const char *path)
{
    size_t lo = 0, hi = o->n_seen;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(o->seen[mid], path);
        if (c == 0)
            return false;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    o->seen = ts_xrealloc(o->seen, (o->n_seen + 1) * sizeof *o->seen);
    memmove(o->seen + lo + 1, o->seen + lo, (o->n_seen - lo) * sizeof *o->seen);
    o->seen[lo] = ts_xstrdup(path);
    o->n_seen++;
    return true;
}

static bool html_name(const char *href)
{
    size_t n = strcspn(href, "#?");
    static const char *const exts[] = {".html", ".htm", ".xhtml"};

    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t k = strlen(exts[i]);
        if (n >= k && strncasecmp(href + n - k, exts[i], k) == 0)
            return true;
    }
    return false;
}

/* xml:base of the manifest, <resources> and the resource, joined. */
static char *res_base(const struct oer *o, const xmlNode *res)
{
    const xmlNode *chain[3] = {o->root, res->parent, res};
    struct ts_buf b;

    ts_buf_init(&b, 0);
    ts_buf_add(&b, "");
    for (int i = 0; i < 3; i++) {
        const char *base = chain[i] ? ix_xml_attr(chain[i], "base") : NULL;
        if (base && *base && b.len < 4096) {
            ts_buf_add(&b, base);
            if (b.data[b.len - 1] != '/')
                ts_buf_addc(&b, '/');
        }
    }
    return ts_buf_take(&b);
}

/* One HTML file of a resource as a section. */
static int add_page(struct oer *o, const char *base, const char *href, const char *fallback,
                    struct ts_err *err)
{
    char *path = NULL, *buf = NULL;
    size_t len;
    struct ix_page pg;
    int r, rc = TS_OK;

    if (!href || !html_name(href))
        return TS_OK;
    r = ix_path_resolve(base, href, &path);
    if (r < 0)
        return ts_fail(err, TS_EPARSE, "resource file '%.100s' points outside the package", href);
    if (r > 0 || o->n_seen >= OER_MAX_PAGES || !first_visit(o, path))
        goto out;
    rc = ix_zip_read(o->in->zip, path, &buf, &len, err);
    if (rc == TS_ENOTFOUND) {
        rc = TS_OK;
        goto out;
    }
    if (rc)
        goto out;
    if (ix_page_parse(o->in, buf, len,
                      html_name(path) && strcasecmp(strrchr(path, '.'), ".xhtml") == 0, &pg,
                      NULL) == TS_OK) {
        ix_doc_add_section(o->in, o->doc, pg.title ? pg.title : fallback, path, pg.text,
                           pg.text_len);
        ix_page_free(&pg);
    }
out:
    free(buf);
    free(path);
    return rc;
}

/* The resource's launch file, then its other HTML files. */
static int add_resource(struct oer *o, size_t i, const char *item_title, struct ts_err *err)
{
    const xmlNode *res = o->res[i];
    char *base;
    int rc;

    if (o->res_done[i])
        return TS_OK;
    o->res_done[i] = true;
    base = res_base(o, res);
    rc = add_page(o, base, ix_xml_attr(res, "href"), item_title, err);
    for (const xmlNode *f = res->children; !rc && f && !ix_input_done(o->in); f = f->next)
        if (ix_xml_is(f, "file"))
            rc = add_page(o, base, ix_xml_attr(f, "href"), item_title, err);
    free(base);
    return rc;
}

/* The organization the manifest names as default, else the first one. */
static const xmlNode *default_org(const xmlNode *root)
{
    const xmlNode *orgs = ix_xml_child(root, "organizations");
    const char *def = ix_xml_attr(orgs, "default");

    for (const xmlNode *n = orgs ? orgs->children : NULL; def && n; n = n->next)
        if (ix_xml_is(n, "organization") && ix_xml_attr(n, "identifier") &&
            strcmp(ix_xml_attr(n, "identifier"), def) == 0)
            return n;
    return ix_xml_child(orgs, "organization");
}

static int walk_items(struct oer *o, struct ts_err *err)
{
    const xmlNode *org = default_org(o->root);
    int rc = TS_OK;

    if (org) {
        char *t = ix_xml_text(ix_xml_child(org, "title"));
        if (t)
            ix_meta_set(&o->doc->title, t, strlen(t));
        free(t);
    }
    for (const xmlNode *it = ix_xml_find(org, "item"); !rc && it && !ix_input_done(o->in);
         it = ix_xml_find_next(org, it, "item")) {
        const char *ref = ix_xml_attr(it, "identifierref");
        ssize_t i = ref ? res_index(o, ref) : -1;
        char *title;
        if (i < 0)
            continue;
        title = ix_xml_text(ix_xml_child(it, "title"));
        rc = add_resource(o, (size_t)i, title, err);
        free(title);
    }
    for (size_t i = 0; !rc && i < o->n_res && !ix_input_done(o->in); i++)
        rc = add_resource(o, i, NULL, err);
    return rc;
}

int ix_extract_imscp(struct ix_input *in, struct ix_doc **out, struct ts_err *err)
{
    struct oer o;
    char *buf = NULL;
    size_t len;
    xmlDoc *x = NULL;
    const char *kind;
    int rc;

    *out = NULL;
    memset(&o, 0, sizeof o);
    o.in = in;
    if ((rc = ix_zip_read(in->zip, "imsmanifest.xml", &buf, &len, err)) != TS_OK)
        goto out;
    if ((rc = ix_xml_parse(buf, len, "imsmanifest.xml", &x, err)) != TS_OK)
        goto out;
    o.root = xmlDocGetRootElement(x);
    kind = classify(o.root);
    o.doc = ix_doc_new("lesson_package", kind,
                       strcmp(kind, "imscc") == 0 ? "application/vnd.ims.imsccv1p1"
                                                  : "application/zip");
    read_lom(&o);
    if ((rc = collect_resources(&o, err)) != TS_OK)
        goto out;
    rc = walk_items(&o, err);
out:
    if (rc == TS_OK) {
        *out = o.doc;
        o.doc = NULL;
    } else {
        ts_err_prefix(err, "IMS package: ");
    }
    ix_doc_free(o.doc);
    for (size_t i = 0; i < o.n_seen; i++)
        free(o.seen[i]);
    free(o.seen);
    free(o.res);
    free(o.res_done);
    xmlFreeDoc(x);
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------ */
/* H5P                                                                */
/* ------------------------------------------------------------------ */

static int load_json(struct ix_input *in, const char *path, json_t **out, struct ts_err *err)
{
    char *buf = NULL;
    size_t len, skip = 0;
    json_error_t jerr;
    int rc;

    *out = NULL;
    if ((rc = ix_zip_read(in->zip, path, &buf, &len, err)) != TS_OK)
        return rc;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    *out = json_loadb(buf + skip, len - skip, 0, &jerr);
    free(buf);
    if (!*out)
        return ts_fail(err, TS_EPARSE, "%s line %d: %s", path, jerr.line, jerr.text);
    return TS_OK;
}

static const char *json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Keys whose string values are not content, and subtrees of UI strings. */
static bool skip_key(const char *key)
{
    static const char *const keys[] = {
        "library", "subContentId", "contentType",    "mime",    "path",    "source",    "url",
        "id",      "license",      "licenseVersion", "version", "l10n",    "behaviour", "a11y",
        "codecs",  "copyright",    "yearFrom",       "yearTo",  "changes", "authors",   NULL};

    for (const char *const *k = keys; *k; k++)
        if (strcmp(key, *k) == 0)
            return true;
    return false;
}

/* Every content string under v (jansson caps nesting at 2048 levels). */
static void json_text(const json_t *v, struct ix_text *t)
{
    const char *key;
    json_t *child;
    size_t i;

    if (t->full)
        return;
    if (json_is_string(v)) {
        char *plain = ix_strip_tags(json_string_value(v), json_string_length(v));
        ix_text_put(t, plain, strlen(plain), false);
        ix_text_break(t);
        free(plain);
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, child) if (!skip_key(key)) json_text(child, t);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child) json_text(child, t);
    }
}

int ix_extract_h5p(struct ix_input *in, struct ix_doc **out, struct ts_err *err)
{
    json_t *meta = NULL, *content = NULL, *a;
    struct ix_doc *doc = NULL;
    struct ix_text t;
    const char *s, *lic;
    size_t i;
    int rc;

    *out = NULL;
    ix_text_init(&t, in->text_left);
    if ((rc = load_json(in, "h5p.json", &meta, err)) != TS_OK)
        goto out;
    if (!json_is_object(meta)) {
        rc = ts_fail(err, TS_EPARSE, "h5p.json is not a JSON object");
        goto out;
    }
    doc = ix_doc_new("lesson_package", "h5p", "application/zip");
    if ((s = json_str(meta, "title")) != NULL)
        ix_meta_set(&doc->title, s, strlen(s));
    if ((s = json_str(meta, "language")) != NULL && strcmp(s, "und") != 0)
        ix_meta_set(&doc->language, s, strlen(s));
    json_array_foreach(json_object_get(meta, "authors"), i,
                       a) if ((s = json_str(a, "name")) != NULL)
        ix_meta_add(&doc->authors, &doc->n_authors, s, strlen(s));
    /* "U" is H5P's "undisclosed"; a version completes CC licences. */
    lic = json_str(meta, "license");
    if (lic && strcmp(lic, "U") != 0) {
        struct ts_buf b;
        ts_buf_init(&b, 0);
        ts_buf_add(&b, lic);
        if ((s = json_str(meta, "licenseVersion")) != NULL)
            ts_buf_addf(&b, " %s", s);
        ix_meta_set(&doc->licence, ts_buf_str(&b), b.len);
        ts_buf_free(&b);
    }
    rc = load_json(in, "content/content.json", &content, err);
    if (rc == TS_ENOTFOUND) {
        rc = TS_OK;
    } else if (rc == TS_OK) {
        json_text(content, &t);
        ix_doc_add_section(in, doc, doc->title, "content/content.json", ts_buf_str(&t.b), t.b.len);
    }
out:
    if (rc == TS_OK) {
        *out = doc;
        doc = NULL;
    } else {
        ts_err_prefix(err, "H5P: ");
    }
    ix_doc_free(doc);
    ix_text_free(&t);
    json_decref(meta);
    json_decref(content);
    return rc;
}
