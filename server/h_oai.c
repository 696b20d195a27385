/*
 * server/h_oai.c - the OAI-PMH 2.0 provider at /oai (docs/api/oai.md): the
 * six verbs over GET or a POST form, records as oai_dc or MARCXML, sets
 * "library:CODE" and "type:TYPE", from/until at day or second granularity,
 * stateless resumption tokens (oai_token.h), deleted records from merge
 * tombstones and withdrawn records.
 *
 * Every answer is HTTP 200 text/xml (OAI-PMH errors are <error> elements,
 * as the protocol asks), written with libxml2's xmlTextWriter into memory so
 * libxml2 escapes every value; values are first cleaned of what XML 1.0
 * cannot carry. MARCXML comes from import/'s MARC writer (YAZ) and is
 * checked for well-formedness before it is inserted.
 */
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "browse.h"
#include "dc.h"
#include "handlers.h"
#include "import.h"
#include "marc.h"
#include "metarec.h"
#include "oai_token.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_buf.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "ts_util.h"
#include "views.h"

#define OAI_PAGE 100 /* headers or records per list response */
#define OAI_MAX_ERRORS 4
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define MARC_SLIM_NS "http://www.loc.gov/MARC21/slim"

static const struct oai_format {
    const char *prefix, *schema, *ns;
} formats[] = {
    {"oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS},
    {"marcxml", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", MARC_SLIM_NS},
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

enum verb { V_IDENTIFY, V_FORMATS, V_SETS, V_GET, V_IDENTIFIERS, V_RECORDS, N_VERBS };

/* The arguments of each verb besides `verb`: required, optional, and whether
 * resumptionToken (exclusive) is allowed. */
static const struct verb_spec {
    const char *name;
    const char *required[3];
    const char *optional[4];
    bool token;
} verbs[N_VERBS] = {
    [V_IDENTIFY] = {"Identify", {NULL}, {NULL}, false},
    [V_FORMATS] = {"ListMetadataFormats", {NULL}, {"identifier", NULL}, false},
    [V_SETS] = {"ListSets", {NULL}, {NULL}, true},
    [V_GET] = {"GetRecord", {"identifier", "metadataPrefix", NULL}, {NULL}, false},
    [V_IDENTIFIERS] = {"ListIdentifiers",
                       {"metadataPrefix", NULL},
                       {"from", "until", "set", NULL},
                       true},
    [V_RECORDS] = {"ListRecords", {"metadataPrefix", NULL}, {"from", "until", "set", NULL}, true},
};

struct oai {
    struct request *req;
    struct kv *args; /* GET query or POST form */
    size_t n_args;
    int verb; /* enum verb, -1 before it is known */
    const char *identifier, *prefix, *from_s, *until_s, *set, *token;
    int64_t from, until;
    const char *base_url, *site_url, *repo_id; /* site_url: base_url without "/oai", or NULL */
    struct {
        const char *code, *msg;
    } errors[OAI_MAX_ERRORS];
    size_t n_errors;
    bool echo_args; /* false after badVerb / badArgument: <request> names the base URL only */
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    bool failed; /* a writer call failed: sticky */
    catalog *cat;
};

static void oai_error(struct oai *o, const char *code, const char *msg)
{
    if (o->n_errors < OAI_MAX_ERRORS) {
        o->errors[o->n_errors].code = code;
        o->errors[o->n_errors].msg = msg;
        o->n_errors++;
    }
    if (strcmp(code, "badVerb") == 0 || strcmp(code, "badArgument") == 0)
        o->echo_args = false;
}

/* ------------------------------------------------------------ writing */

/* Copy of s that XML 1.0 can carry: invalid UTF-8 becomes U+FFFD; C0 controls
 * other than tab, LF, CR and U+FFFE/U+FFFF are dropped. Arena memory. */
static const char *clean(struct request *req, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = req_alloc(req, 3 * strlen(s) + 1), *o = out;

    while (*p) {
        unsigned c = *p, n, cp;
        if (c < 0x80) {
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                *o++ = (char)c;
            p++;
            continue;
        }
        n = c >= 0xc2 && c <= 0xdf   ? 1
            : c >= 0xe0 && c <= 0xef ? 2
            : c >= 0xf0 && c <= 0xf4 ? 3
                                     : 0;
        cp = n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
        for (unsigned i = 1; n && i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                n = 0;
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (n && ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
                  (cp >= 0xd800 && cp <= 0xdfff)))
            n = 0;
        if (!n) {
            memcpy(o, "\xef\xbf\xbd", 3); /* U+FFFD */
            o += 3;
            p++;
            continue;
        }
        if (cp != 0xfffe && cp != 0xffff) {
            memcpy(o, p, n + 1);
            o += n + 1;
        }
        p += n + 1;
    }
    *o = '\0';
    return out;
}

static void x_start(struct oai *o, const char *name)
{
    if (!o->failed && xmlTextWriterStartElement(o->w, BAD_CAST name) < 0)
        o->failed = true;
}

static void x_attr(struct oai *o, const char *name, const char *value)
{
    if (value && !o->failed &&
        xmlTextWriterWriteAttribute(o->w, BAD_CAST name, BAD_CAST clean(o->req, value)) < 0)
        o->failed = true;
}

static void x_end(struct oai *o)
{
    if (!o->failed && xmlTextWriterEndElement(o->w) < 0)
        o->failed = true;
}

/* <name>text</name>; nothing when text is NULL or empty. */
static void x_elem(struct oai *o, const char *name, const char *text)
{
    if (text && *text && !o->failed &&
        xmlTextWriterWriteElement(o->w, BAD_CAST name, BAD_CAST clean(o->req, text)) < 0)
        o->failed = true;
}

static void x_raw(struct oai *o, const char *xml)
{
    if (!o->failed && xmlTextWriterWriteRaw(o->w, BAD_CAST xml) < 0)
        o->failed = true;
}

static void x_datestamp(struct oai *o, const char *name, int64_t t)
{
    char buf[32];
    oai_date_format(t, buf);
    x_elem(o, name, buf);
}

/* The document up to and including <request>. */
static void begin(struct oai *o)
{
    char now[32];

    o->buf = xmlBufferCreate();
    o->w = o->buf ? xmlNewTextWriterMemory(o->buf, 0) : NULL;
    if (!o->w) {
        o->failed = true;
        return;
    }
    xmlTextWriterSetIndent(o->w, 1);
    xmlTextWriterSetIndentString(o->w, BAD_CAST " ");
    if (xmlTextWriterStartDocument(o->w, NULL, "UTF-8", NULL) < 0)
        o->failed = true;
    x_start(o, "OAI-PMH");
    x_attr(o, "xmlns", OAI_NS);
    x_attr(o, "xmlns:xsi", XSI_NS);
    x_attr(o, "xsi:schemaLocation", OAI_NS " http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd");
    oai_date_format(ts_now_unix(), now);
    x_elem(o, "responseDate", now);
    x_start(o, "request");
    if (o->echo_args && o->verb >= 0) {
        x_attr(o, "verb", verbs[o->verb].name);
        x_attr(o, "identifier", o->identifier);
        /* a metadataPrefix the schema's pattern rejects is not echoed */
        if (o->prefix && oai_setspec_valid(o->prefix) && !strchr(o->prefix, ':'))
            x_attr(o, "metadataPrefix", o->prefix);
        x_attr(o, "from", o->from_s);
        x_attr(o, "until", o->until_s);
        x_attr(o, "set", o->set);
        x_attr(o, "resumptionToken", o->token);
    }
    if (!o->failed && xmlTextWriterWriteString(o->w, BAD_CAST clean(o->req, o->base_url)) < 0)
        o->failed = true;
    x_end(o);
}

static void free_writer(struct oai *o)
{
    if (o->w)
        xmlFreeTextWriter(o->w);
    if (o->buf)
        xmlBufferFree(o->buf);
    o->w = NULL;
    o->buf = NULL;
}

/* Close the document and hand it to the response. */
static int finish(struct oai *o, struct response *res)
{
    char *body;
    size_t len;

    if (!o->failed && xmlTextWriterEndDocument(o->w) < 0)
        o->failed = true;
    if (!o->failed && xmlTextWriterFlush(o->w) < 0)
        o->failed = true;
    if (o->failed) {
        free_writer(o);
        return ts_fail(&o->req->err, TS_EINTERNAL, "OAI-PMH: writing the XML failed");
    }
    len = (size_t)xmlBufferLength(o->buf);
    body = ts_xmalloc(len + 1);
    memcpy(body, xmlBufferContent(o->buf), len);
    body[len] = '\0';
    free_writer(o);
    return respond_body(res, 200, "text/xml; charset=utf-8", body, len);
}

/* A whole response made of the errors collected so far. */
static int respond_errors(struct oai *o, struct response *res)
{
    begin(o);
    for (size_t i = 0; i < o->n_errors; i++) {
        x_start(o, "error");
        x_attr(o, "code", o->errors[i].code);
        if (!o->failed &&
            xmlTextWriterWriteString(o->w, BAD_CAST clean(o->req, o->errors[i].msg)) < 0)
            o->failed = true;
        x_end(o);
    }
    return finish(o, res);
}

static int fail_with(struct oai *o, struct response *res, const char *code, const char *msg)
{
    oai_error(o, code, msg);
    return respond_errors(o, res);
}

/* ------------------------------------------------------------ arguments */

/* The POST form: false (badArgument set) if it is not a valid form. */
static bool read_form(struct oai *o)
{
    struct request *req = o->req;

    if (req_form_parse(req)) {
        oai_error(o, "badArgument",
                  "a POST request must be an application/x-www-form-urlencoded form of UTF-8 text");
        return false;
    }
    o->args = req->form;
    o->n_args = req->n_form;
    return true;
}

static size_t count_arg(const struct oai *o, const char *name, const char **value)
{
    size_t n = 0;
    *value = NULL;
    for (size_t i = 0; i < o->n_args; i++)
        if (strcmp(o->args[i].key, name) == 0) {
            if (!n)
                *value = o->args[i].value;
            n++;
        }
    return n;
}

static bool listed(const char *const *names, const char *name)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* Check verb and arguments; false when the request gets badVerb/badArgument. */
static bool check_args(struct oai *o)
{
    struct request *req = o->req;
    const struct verb_spec *v;
    const char *verb;
    size_t n = count_arg(o, "verb", &verb);
    int sec_from = 0, sec_until = 0;

    if (n == 0) {
        oai_error(o, "badVerb", "the verb argument is missing");
        return false;
    }
    if (n > 1) {
        oai_error(o, "badVerb", "the verb argument is repeated");
        return false;
    }
    for (int i = 0; i < N_VERBS; i++)
        if (strcmp(verb, verbs[i].name) == 0)
            o->verb = i;
    if (o->verb < 0) {
        oai_error(o, "badVerb", req_printf(req, "'%s' is not an OAI-PMH verb", clean(req, verb)));
        return false;
    }
    v = &verbs[o->verb];
    for (size_t i = 0; i < o->n_args; i++) {
        const char *k = o->args[i].key, *first;
        if (strcmp(k, "verb") == 0)
            continue;
        if (!listed(v->required, k) && !listed(v->optional, k) &&
            !(v->token && strcmp(k, "resumptionToken") == 0)) {
            oai_error(o, "badArgument",
                      req_printf(req, "'%s' is not an argument of %s", clean(req, k), v->name));
            continue;
        }
        if (count_arg(o, k, &first) > 1) {
            /* report each repeated name once: at its first occurrence */
            if (first == o->args[i].value)
                oai_error(o, "badArgument", req_printf(req, "argument %s is repeated", k));
            continue;
        }
        if (!*o->args[i].value)
            oai_error(o, "badArgument", req_printf(req, "argument %s is empty", k));
    }
    if (o->n_errors)
        return false;
    count_arg(o, "identifier", &o->identifier);
    count_arg(o, "metadataPrefix", &o->prefix);
    count_arg(o, "from", &o->from_s);
    count_arg(o, "until", &o->until_s);
    count_arg(o, "set", &o->set);
    count_arg(o, "resumptionToken", &o->token);
    if (o->token) {
        if (o->n_args > 2)
            oai_error(o, "badArgument", "resumptionToken is an exclusive argument");
        return o->n_errors == 0;
    }
    for (size_t i = 0; v->required[i]; i++) {
        const char *dummy;
        if (!count_arg(o, v->required[i], &dummy))
            oai_error(o, "badArgument",
                      req_printf(req, "%s needs the argument %s", v->name, v->required[i]));
    }
    if (o->from_s && oai_date_parse(o->from_s, 0, &o->from, &sec_from))
        oai_error(o, "badArgument", "from must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ");
    if (o->until_s && oai_date_parse(o->until_s, 1, &o->until, &sec_until))
        oai_error(o, "badArgument", "until must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ");
    if (o->n_errors)
        return false;
    if (o->from_s && o->until_s && sec_from != sec_until)
        oai_error(o, "badArgument", "from and until must have the same granularity");
    else if (o->from_s && o->until_s && o->from > o->until)
        oai_error(o, "badArgument", "from is later than until");
    if (o->set && !oai_setspec_valid(o->set))
        oai_error(o, "badArgument", "set is not a valid setSpec");
    if (!o->from_s)
        o->from = INT64_MIN;
    if (!o->until_s)
        o->until = INT64_MAX;
    return o->n_errors == 0;
}

/* Host of the request, if it is a plausible host[:port]; else "localhost". */
static const char *host_of(struct request *req)
{
    const char *h = req_header(req, "Host");
    if (!h || !*h || strlen(h) > 255)
        return "localhost";
    for (const char *p = h; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(".-:[]", *p)))
            return "localhost";
    return h;
}

static void derive_urls(struct oai *o)
{
    const struct server_config *cfg = &o->req->srv->cfg;
    const char *host = host_of(o->req);
    size_t n;

    o->base_url =
        cfg->oai_base_url[0] ? cfg->oai_base_url : req_printf(o->req, "http://%s/oai", host);
    n = strlen(o->base_url);
    o->site_url = n > 4 && strcmp(o->base_url + n - 4, "/oai") == 0
                      ? req_strndup(o->req, o->base_url, n - 4)
                      : NULL;
    if (cfg->oai_repository_id[0]) {
        o->repo_id = cfg->oai_repository_id;
    } else {
        /* the host name without the port ("[::1]:8080" -> "[::1]") */
        const char *colon = host[0] == '[' ? strstr(host, "]:") : strchr(host, ':');
        if (colon && host[0] == '[')
            colon++;
        o->repo_id = colon ? req_strndup(o->req, host, (size_t)(colon - host)) : host;
    }
}

/* "oai:<repo>:record/<id>" -> id; 0 if it is not one of ours. */
static int64_t parse_identifier(const struct oai *o, const char *s)
{
    const char *prefix = req_printf(o->req, "oai:%s:record/", o->repo_id), *d;
    size_t n = strlen(prefix);
    int64_t id;

    if (strncasecmp(s, prefix, n) != 0)
        return 0;
    d = s + n;
    if (!*d || strlen(d) > 18)
        return 0;
    for (const char *p = d; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    if (ts_parse_i64(d, &id, NULL) || id <= 0)
        return 0;
    return id;
}

static const char *identifier_of(const struct oai *o, int64_t id)
{
    return req_printf(o->req, "oai:%s:record/%lld", o->repo_id, (long long)id);
}

static int format_index(const char *prefix)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(prefix, formats[i].prefix) == 0)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------ records */

static void write_header(struct oai *o, const struct cat_oai_entry *e, bool deleted)
{
    x_start(o, "header");
    if (deleted)
        x_attr(o, "status", "deleted");
    x_elem(o, "identifier", identifier_of(o, e->id));
    x_datestamp(o, "datestamp", e->datestamp);
    if (e->type && *e->type) {
        const char *spec = req_printf(o->req, "type:%s", e->type);
        if (oai_setspec_valid(spec))
            x_elem(o, "setSpec", spec);
    }
    for (const char *p = e->libraries; p && *p;) {
        size_t n = strcspn(p, " ");
        if (n) {
            const char *spec = req_printf(o->req, "library:%.*s", (int)n, p);
            if (oai_setspec_valid(spec))
                x_elem(o, "setSpec", spec);
        }
        p += n;
        p += *p == ' ';
    }
    x_end(o);
}

static const char *dcmi_type(const char *type)
{
    static const char *const map[][2] = {
        {"document", "Text"}, {"video", "MovingImage"},
        {"audio", "Sound"},   {"lesson_package", "InteractiveResource"},
        {"image", "Image"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(type, map[i][0]) == 0)
            return map[i][1];
    return type;
}

/* oai_dc, with the same mapping as import/dc.c's export (which the DC reader
 * reads back), plus the record's page as an identifier. */
static void write_dc(struct oai *o, const struct meta_rec *r, int64_t id)
{
    x_start(o, "oai_dc:dc");
    x_attr(o, "xmlns:oai_dc", OAI_DC_NS);
    x_attr(o, "xmlns:dc", DC_NS);
    x_attr(o, "xmlns:xsi", XSI_NS);
    x_attr(o, "xsi:schemaLocation", OAI_DC_NS " http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
    if (r->title)
        x_elem(o, "dc:title",
               r->subtitle ? req_printf(o->req, "%s : %s", r->title, r->subtitle) : r->title);
    for (size_t i = 0; i < r->n_authors; i++) {
        const char *role = r->authors[i].role;
        bool creator = !role || !strcmp(role, "author") || !strcmp(role, "corporate");
        x_elem(o, creator ? "dc:creator" : "dc:contributor", r->authors[i].name);
    }
    for (size_t i = 0; i < r->n_subjects; i++)
        x_elem(o, "dc:subject", r->subjects[i]);
    x_elem(o, "dc:description", r->description);
    x_elem(o, "dc:description", r->notes);
    x_elem(o, "dc:publisher", r->publisher);
    x_elem(o, "dc:date", r->date);
    if (r->resource_type)
        x_elem(o, "dc:type", dcmi_type(r->resource_type));
    for (size_t i = 0; i < r->n_identifiers; i++) {
        const char *v = r->identifiers[i];
        if (!strncmp(v, "isbn:", 5))
            v = req_printf(o->req, "urn:isbn:%s", v + 5);
        else if (!strncmp(v, "issn:", 5))
            v = req_printf(o->req, "urn:issn:%s", v + 5);
        else if (!strncmp(v, "other:", 6))
            v += 6;
        x_elem(o, "dc:identifier", v);
    }
    for (size_t i = 0; i < r->n_links; i++)
        x_elem(o, "dc:identifier", r->links[i]);
    if (o->site_url)
        x_elem(o, "dc:identifier",
               req_printf(o->req, "%s/records/%lld", o->site_url, (long long)id));
    x_elem(o, "dc:language", r->language);
    x_elem(o, "dc:rights", r->licence);
    x_end(o);
}

/* One MARCXML <record> from YAZ, checked well-formed; NULL (logged) if the
 * record cannot be written as MARC21. Arena memory. */
static const char *marcxml_of(struct oai *o, const struct meta_rec *r, int64_t id)
{
    struct ts_err err = {0};
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    const char *out = NULL;
    int rc;

    if (!f)
        return NULL;
    rc = export_marc_write(f, 1, r, &err);
    if (fclose(f) != 0 && rc == TS_OK)
        rc = ts_fail(&err, TS_EIO, "memory stream");
    if (rc == TS_OK) {
        xmlDocPtr doc = xmlReadMemory(mem, (int)len, NULL, "UTF-8",
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (doc)
            out = req_strndup(o->req, mem, len);
        else
            ts_fail(&err, TS_EPARSE, "YAZ wrote MARCXML that is not well-formed");
        xmlFreeDoc(doc);
    }
    if (!out)
        ts_log(TS_LOG_WARN, "srv", "%s oai: record %lld has no MARCXML: %s", o->req->id,
               (long long)id, err.msg);
    free(mem);
    return out;
}

/* Write <record> (with_metadata) or <header> for entry `e` in format `fmt`.
 * A record that vanished since it was listed is written as deleted.
 * *no_metadata is set when the record exists but cannot be written in `fmt`. */
static int write_entry(struct oai *o, const struct cat_oai_entry *e, int fmt, bool with_metadata,
                       bool *no_metadata)
{
    struct cat_record *r = NULL;
    struct meta_rec *m = NULL;
    const char *marc = NULL;
    bool deleted = e->deleted;
    int rc;

    *no_metadata = false;
    if (!with_metadata) {
        write_header(o, e, deleted);
        return TS_OK;
    }
    if (!deleted) {
        rc = catalog_record_get(o->cat, e->id, &r, &o->req->err);
        if (rc == TS_ENOTFOUND)
            deleted = true;
        else if (rc)
            return rc;
    }
    if (r) {
        m = import_meta_from_record(r);
        if (fmt == 1 && !(marc = marcxml_of(o, m, e->id)))
            *no_metadata = true;
    }
    x_start(o, "record");
    write_header(o, e, deleted);
    if (m && !*no_metadata) {
        x_start(o, "metadata");
        if (fmt == 0)
            write_dc(o, m, e->id);
        else
            x_raw(o, marc);
        x_end(o);
    }
    x_end(o);
    meta_rec_free(m);
    cat_record_free(r);
    return TS_OK;
}

/* ------------------------------------------------------------ verbs */

static bool identifier_ok(const char *s)
{
    /* the oai-identifier scheme's repositoryIdentifier: a domain name */
    bool label_start = true;
    size_t dots = 0;

    for (const char *p = s; *p; p++) {
        char c = *p;
        if (label_start) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                return false;
            label_start = false;
        } else if (c == '.') {
            label_start = true;
            dots++;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-')) {
            return false;
        }
    }
    return dots > 0 && !label_start;
}

static int identify(struct oai *o, struct response *res)
{
    const struct server_config *cfg = &o->req->srv->cfg;
    int64_t earliest;
    int found, rc;

    if ((rc = catalog_oai_earliest(o->cat, &earliest, &found, &o->req->err)))
        return rc;
    begin(o);
    x_start(o, "Identify");
    x_elem(o, "repositoryName", cfg->oai_repository_name[0] ? cfg->oai_repository_name : "tusach");
    x_elem(o, "baseURL", o->base_url);
    x_elem(o, "protocolVersion", "2.0");
    x_elem(o, "adminEmail",
           cfg->oai_admin_email[0] ? cfg->oai_admin_email : "oai-admin@tusach.invalid");
    x_datestamp(o, "earliestDatestamp", found ? earliest : ts_now_unix());
    x_elem(o, "deletedRecord", "persistent");
    x_elem(o, "granularity", "YYYY-MM-DDThh:mm:ssZ");
    x_elem(o, "compression", "gzip");
    if (identifier_ok(o->repo_id)) {
        x_start(o, "description");
        x_start(o, "oai-identifier");
        x_attr(o, "xmlns", "http://www.openarchives.org/OAI/2.0/oai-identifier");
        x_attr(o, "xmlns:xsi", XSI_NS);
        x_attr(o, "xsi:schemaLocation",
               "http://www.openarchives.org/OAI/2.0/oai-identifier "
               "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd");
        x_elem(o, "scheme", "oai");
        x_elem(o, "repositoryIdentifier", o->repo_id);
        x_elem(o, "delimiter", ":");
        x_elem(o, "sampleIdentifier", identifier_of(o, 1));
        x_end(o);
        x_end(o);
    }
    x_end(o);
    return finish(o, res);
}

/* Entry named by o->identifier: TS_OK, TS_ENOTFOUND (idDoesNotExist), or a
 * catalogue error. */
static int lookup(struct oai *o, struct cat_oai_entry *e)
{
    int64_t id = parse_identifier(o, o->identifier);
    memset(e, 0, sizeof *e);
    if (!id)
        return TS_ENOTFOUND;
    return catalog_oai_entry(o->cat, id, e, &o->req->err);
}

static int list_formats(struct oai *o, struct response *res)
{
    if (o->identifier) {
        struct cat_oai_entry e;
        int rc = lookup(o, &e);
        cat_oai_entry_clear(&e);
        if (rc == TS_ENOTFOUND)
            return fail_with(o, res, "idDoesNotExist", "no such record in this repository");
        if (rc)
            return rc;
    }
    begin(o);
    x_start(o, "ListMetadataFormats");
    for (size_t i = 0; i < N_FORMATS; i++) {
        x_start(o, "metadataFormat");
        x_elem(o, "metadataPrefix", formats[i].prefix);
        x_elem(o, "schema", formats[i].schema);
        x_elem(o, "metadataNamespace", formats[i].ns);
        x_end(o);
    }
    x_end(o);
    return finish(o, res);
}

static int list_sets(struct oai *o, struct response *res)
{
    struct cat_library *libs = NULL;
    struct cat_value_count *types = NULL;
    size_t n_libs = 0, n_types = 0;
    int rc;

    if (o->token)
        return fail_with(o, res, "badResumptionToken",
                         "ListSets answers in one response: there is no token to resume");
    if ((rc = catalog_library_list(o->cat, &libs, &n_libs, &o->req->err)) ||
        (rc = catalog_browse_types(o->cat, &types, &n_types, &o->req->err))) {
        cat_library_list_free(libs, n_libs);
        return rc;
    }
    begin(o);
    x_start(o, "ListSets");
    x_start(o, "set");
    x_elem(o, "setSpec", "library");
    x_elem(o, "setName", "Libraries");
    x_end(o);
    for (size_t i = 0; i < n_libs; i++) {
        const char *spec = req_printf(o->req, "library:%s", libs[i].code);
        if (!oai_setspec_valid(spec))
            continue;
        x_start(o, "set");
        x_elem(o, "setSpec", spec);
        x_elem(o, "setName", libs[i].name);
        x_end(o);
    }
    x_start(o, "set");
    x_elem(o, "setSpec", "type");
    x_elem(o, "setName", "Resource types");
    x_end(o);
    for (size_t i = 0; i < n_types; i++) {
        const char *spec = req_printf(o->req, "type:%s", types[i].value);
        if (!oai_setspec_valid(spec))
            continue;
        x_start(o, "set");
        x_elem(o, "setSpec", spec);
        x_elem(o, "setName", req_printf(o->req, "Resource type: %s", types[i].value));
        x_end(o);
    }
    x_end(o);
    cat_library_list_free(libs, n_libs);
    cat_value_counts_free(types, n_types);
    return finish(o, res);
}

static int get_record(struct oai *o, struct response *res)
{
    struct cat_oai_entry e;
    int fmt = format_index(o->prefix), rc;
    bool no_metadata;

    if (fmt < 0)
        oai_error(o, "cannotDisseminateFormat",
                  req_printf(o->req, "formats: %s, %s", formats[0].prefix, formats[1].prefix));
    rc = lookup(o, &e);
    if (rc && rc != TS_ENOTFOUND)
        return rc;
    if (rc == TS_ENOTFOUND)
        oai_error(o, "idDoesNotExist", "no such record in this repository");
    if (o->n_errors) {
        cat_oai_entry_clear(&e);
        return respond_errors(o, res);
    }
    begin(o);
    x_start(o, "GetRecord");
    rc = write_entry(o, &e, fmt, true, &no_metadata);
    cat_oai_entry_clear(&e);
    if (rc) {
        free_writer(o);
        return rc;
    }
    if (no_metadata) {
        free_writer(o);
        o->failed = false;
        return fail_with(o, res, "cannotDisseminateFormat",
                         "this record cannot be written as MARC21");
    }
    x_end(o);
    return finish(o, res);
}

/* The selection a set spec names; false for a set this repository does not have. */
static bool set_query(const char *set, struct cat_oai_query *q)
{
    q->set = CAT_OAI_SET_NONE;
    q->set_value = NULL;
    if (!set || !*set)
        return true;
    if (strcmp(set, "library") == 0)
        q->set = CAT_OAI_SET_LIBRARY_ANY;
    else if (strncmp(set, "library:", 8) == 0 && !strchr(set + 8, ':'))
        q->set = CAT_OAI_SET_LIBRARY, q->set_value = set + 8;
    else if (strcmp(set, "type") == 0)
        q->set = CAT_OAI_SET_TYPE_ANY;
    else if (strncmp(set, "type:", 5) == 0 && !strchr(set + 5, ':'))
        q->set = CAT_OAI_SET_TYPE, q->set_value = set + 5;
    else
        return false;
    return true;
}

static int list(struct oai *o, struct response *res, char verb)
{
    struct oai_token t;
    struct cat_oai_query q;
    struct cat_oai_entry *v = NULL;
    size_t n = 0, shown;
    bool first = !o->token;
    int rc = TS_OK;

    if (o->token) {
        if (oai_token_decode(o->token, &t) || t.verb != verb || (size_t)t.format >= N_FORMATS)
            return fail_with(o, res, "badResumptionToken",
                             "the resumption token is not valid for this request");
    } else {
        memset(&t, 0, sizeof t);
        t.verb = verb;
        t.format = format_index(o->prefix);
        if (t.format < 0)
            return fail_with(
                o, res, "cannotDisseminateFormat",
                req_printf(o->req, "formats: %s, %s", formats[0].prefix, formats[1].prefix));
        t.from = o->from;
        t.until = o->until;
        snprintf(t.set, sizeof t.set, "%s", o->set ? o->set : "");
    }
    q.from = t.from;
    q.until = t.until;
    if (!set_query(t.set, &q))
        return fail_with(o, res, "noRecordsMatch", "this repository has no such set");
    if (first && (rc = catalog_oai_count(o->cat, &q, 0, &t.complete_size, &o->req->err)))
        return rc;
    if ((rc = catalog_oai_list(o->cat, &q, t.after_id, OAI_PAGE + 1, &v, &n, &o->req->err)))
        return rc;
    if (n == 0)
        return fail_with(o, res, "noRecordsMatch", "no records match the request");
    shown = n > OAI_PAGE ? OAI_PAGE : n;
    begin(o);
    x_start(o, verb == 'R' ? "ListRecords" : "ListIdentifiers");
    for (size_t i = 0; i < shown && rc == TS_OK; i++) {
        bool no_metadata;
        rc = write_entry(o, &v[i], t.format, verb == 'R', &no_metadata);
    }
    if (rc == TS_OK && (n > shown || !first)) {
        struct oai_token next = t;
        char tok[OAI_TOKEN_MAX];
        int64_t size = t.complete_size;

        if (n == shown && t.cursor + (int64_t)shown != size)
            size = t.cursor + (int64_t)shown; /* the list changed since it was counted */
        x_start(o, "resumptionToken");
        x_attr(o, "completeListSize", req_printf(o->req, "%lld", (long long)size));
        x_attr(o, "cursor", req_printf(o->req, "%lld", (long long)t.cursor));
        if (n > shown) {
            next.after_id = v[shown - 1].id;
            next.cursor = t.cursor + (int64_t)shown;
            if (oai_token_encode(&next, tok))
                rc = ts_fail(&o->req->err, TS_EINTERNAL, "OAI-PMH: token does not fit");
            else if (!o->failed && xmlTextWriterWriteString(o->w, BAD_CAST tok) < 0)
                o->failed = true;
        }
        x_end(o);
    }
    cat_oai_entries_free(v, n);
    if (rc) {
        free_writer(o);
        return rc;
    }
    x_end(o);
    return finish(o, res);
}

int h_oai(struct request *req, struct response *res)
{
    struct oai o;
    int rc;

    memset(&o, 0, sizeof o);
    o.req = req;
    o.verb = -1;
    o.echo_args = true;
    derive_urls(&o);
    if (strcmp(req->method, "POST") == 0) {
        if (!read_form(&o))
            return respond_errors(&o, res);
    } else {
        o.args = req->args;
        o.n_args = req->n_args;
    }
    if (!check_args(&o))
        return respond_errors(&o, res);
    if ((rc = view_catalog(req, &o.cat)))
        return rc;
    switch ((enum verb)o.verb) {
    case V_IDENTIFY: return identify(&o, res);
    case V_FORMATS: return list_formats(&o, res);
    case V_SETS: return list_sets(&o, res);
    case V_GET: return get_record(&o, res);
    case V_IDENTIFIERS: return list(&o, res, 'I');
    case V_RECORDS: return list(&o, res, 'R');
    case N_VERBS: break;
    }
    return ts_fail(&req->err, TS_EINTERNAL, "OAI-PMH: verb %d", o.verb);
}
