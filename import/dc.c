/*
 * import/dc.c - Dublin Core reader (OAI-PMH oai_dc, plain DC XML, RDF/XML)
 * and the oai_dc writer. The mapping and the safety rules are in dc.h.
 *
 * The reader is a state machine over libxml2's xmlTextReader events: it
 * never holds more than the current record and the current element's text
 * (a bounded ts_buf), so a 2 GB ListRecords dump costs what one record costs.
 * Depths, not element names, close things: a record ends at the end tag of
 * the element that opened it, a value at the end tag of its DC element, so
 * any nesting inside a value (RDF containers, foaf:Person, unknown markup)
 * only contributes its text.
 */
#include "dc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_text.h"

#define DC_MAX_NOTES ((size_t)64 << 10)
#define MAX_DEPTH 256 /* libxml2 refuses deeper documents */

enum term {
    T_NONE, /* a DC element we do not map: its content is skipped */
    T_TITLE,
    T_ALTERNATIVE,
    T_CREATOR,
    T_CONTRIBUTOR,
    T_SUBJECT,
    T_DESCRIPTION,
    T_PUBLISHER,
    T_DATE_ISSUED, /* the date ranks: lower wins */
    T_DATE,
    T_DATE_CREATED,
    T_DATE_OTHER,
    T_DATE_MODIFIED,
    T_TYPE,
    T_IDENTIFIER,
    T_LANGUAGE,
    T_RIGHTS,
    T_AUDIENCE,
    T_EXTENT,
};

/* dc: and dcterms: local names; the same table serves both namespaces. */
static const struct {
    const char *name;
    enum term term;
} terms[] = {
    {"title", T_TITLE},
    {"alternative", T_ALTERNATIVE},
    {"creator", T_CREATOR},
    {"contributor", T_CONTRIBUTOR},
    {"subject", T_SUBJECT},
    {"description", T_DESCRIPTION},
    {"abstract", T_DESCRIPTION},
    {"publisher", T_PUBLISHER},
    {"issued", T_DATE_ISSUED},
    {"date", T_DATE},
    {"created", T_DATE_CREATED},
    {"available", T_DATE_OTHER},
    {"dateAccepted", T_DATE_OTHER},
    {"dateCopyrighted", T_DATE_OTHER},
    {"dateSubmitted", T_DATE_OTHER},
    {"modified", T_DATE_MODIFIED},
    {"type", T_TYPE},
    {"identifier", T_IDENTIFIER},
    {"language", T_LANGUAGE},
    {"rights", T_RIGHTS},
    {"license", T_RIGHTS},
    {"audience", T_AUDIENCE},
    {"educationLevel", T_AUDIENCE},
    {"extent", T_EXTENT},
};

enum cap {
    CAP_NONE,
    CAP_SKIP,
    CAP_RESPONSE_DATE,
    CAP_REQUEST,
    CAP_ERROR,
    CAP_TOKEN,
    CAP_ID,
    CAP_TERM
};

struct dc_state {
    const char *name;           /* file name or page label, for origins */
    const char *source_forced;  /* harvester's base URL, or NULL */
    const char *default_source; /* when the document has no <request> */
    meta_emit_fn emit;
    meta_error_fn on_error;
    void *ctx;
    struct dc_page *page;
    xmlTextReaderPtr rd;
    long line_at[MAX_DEPTH + 2]; /* line of the open element at each depth */
    long last_line;              /* of the last element handed to us */
    /* the record being read */
    struct meta_rec *rec;
    int rec_depth, header_depth;
    bool rec_oai, rec_deleted, rec_has_dc, rec_toobig;
    long rec_line;
    struct ts_buf notes;
    char *date, *type_dcmi, *type_other, *first_id;
    enum term date_rank;
    /* rdf:about of the last element outside a record */
    char *about;
    int about_depth;
    /* the element whose text is being collected */
    enum cap cap;
    enum term term;
    int cap_depth;
    bool cap_toobig, cap_applied;
    struct ts_buf text;
    char *resource; /* rdf:resource of the DC element */
    /* first libxml2 error */
    char xml_msg[200];
    int xml_line, xml_level;
};

/* ---------------------------------------------------------------- helpers */

static bool eq(const xmlChar *a, const char *b)
{
    return a && strcmp((const char *)a, b) == 0;
}

static bool starts_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Trimmed malloc'd copy. */
static char *trim_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return ts_xstrndup(s, n);
}

static char *attr(xmlTextReaderPtr rd, const char *name, const char *ns)
{
    xmlChar *v = ns ? xmlTextReaderGetAttributeNs(rd, (const xmlChar *)name, (const xmlChar *)ns)
                    : xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
    char *out = v ? ts_xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return out;
}

static long node_line(xmlTextReaderPtr rd)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(rd);
    long line = n ? xmlGetLineNo(n) : -1;

    return line > 0 && line < 65535 ? line : xmlTextReaderGetParserLineNumber(rd);
}

static void add_note(struct dc_state *st, const char *label, const char *v)
{
    if (st->notes.len)
        (void)ts_buf_add(&st->notes, "; ");
    if (label)
        (void)ts_buf_add(&st->notes, label);
    if (ts_buf_add(&st->notes, v) != TS_OK)
        ts_buf_init(&st->notes, DC_MAX_NOTES); /* too many notes: keep none rather than half */
}

/* "Text" -> "document" ...; NULL when not a DCMI type we map. */
static const char *dcmi_type(const char *v)
{
    static const struct {
        const char *dcmi, *type;
    } map[] = {
        {"text", "document"}, {"movingimage", "video"}, {"video", "video"},
        {"sound", "audio"},   {"audio", "audio"},       {"interactiveresource", "lesson_package"},
        {"image", "image"},   {"stillimage", "image"},
    };
    const char *p = v;

    if (starts_ci(p, "http://purl.org/dc/dcmitype/"))
        p += strlen("http://purl.org/dc/dcmitype/");
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(p, map[i].dcmi) == 0)
            return map[i].type;
    return NULL;
}

/* Digits, hyphens, spaces and X only, 10 to 17 characters: worth an ISBN check. */
static bool looks_like_isbn(const char *v)
{
    size_t n = strlen(v);

    if (n < 10 || n > 17)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789-Xx ", v[i]))
            return false;
    return true;
}

static void add_prefixed(struct meta_rec *r, const char *prefix, const char *v)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    (void)ts_buf_add(&b, prefix);
    (void)ts_buf_add(&b, v);
    meta_add_str(&r->identifiers, &r->n_identifiers, b.data, b.len);
    ts_buf_free(&b);
}

static void add_identifier(struct meta_rec *r, const char *v)
{
    if (starts_ci(v, "http://") || starts_ci(v, "https://")) {
        meta_add_str(&r->links, &r->n_links, v, strlen(v));
        return;
    }
    if (starts_ci(v, "urn:isbn:") && meta_add_isbn(r, v + 9, strlen(v + 9)))
        return;
    if ((starts_ci(v, "isbn") || looks_like_isbn(v)) && meta_add_isbn(r, v, strlen(v)))
        return;
    if (starts_ci(v, "urn:issn:"))
        add_prefixed(r, "issn:", v + 9);
    else if (starts_ci(v, "issn:"))
        add_prefixed(r, "issn:", v + 5);
    else if (starts_ci(v, "lccn:") || starts_ci(v, "oclc:"))
        meta_add_str(&r->identifiers, &r->n_identifiers, v, strlen(v));
    else
        add_prefixed(r, "other:", v);
}

/* ---------------------------------------------------------------- records */

static void rec_reset(struct dc_state *st)
{
    meta_rec_free(st->rec);
    st->rec = NULL;
    st->header_depth = -1;
    st->rec_oai = st->rec_deleted = st->rec_has_dc = st->rec_toobig = false;
    ts_buf_free(&st->notes);
    ts_buf_init(&st->notes, DC_MAX_NOTES);
    free(st->date);
    free(st->type_dcmi);
    free(st->type_other);
    free(st->first_id);
    st->date = st->type_dcmi = st->type_other = st->first_id = NULL;
    st->date_rank = T_DATE_MODIFIED + 1;
}

static void rec_open(struct dc_state *st, int depth, bool oai)
{
    rec_reset(st);
    st->rec = ts_xcalloc(1, sizeof *st->rec);
    st->rec_depth = depth;
    st->rec_oai = oai;
    st->rec_line = depth >= 0 && depth <= MAX_DEPTH ? st->line_at[depth] : node_line(st->rd);
    if (st->about && st->about_depth == depth)
        meta_set_str(&st->rec->source_id, st->about, strlen(st->about));
}

/* Apply one value of the current term to the record. */
static void apply(struct dc_state *st, const char *raw, size_t n)
{
    struct meta_rec *r = st->rec;
    char *v = trim_dup(raw, n);

    if (!v[0] || !r) {
        free(v);
        return;
    }
    st->cap_applied = true;
    switch (st->term) {
    case T_TITLE:
        if (!r->title)
            meta_set_str(&r->title, v, strlen(v));
        else
            add_note(st, "Other title: ", v);
        break;
    case T_ALTERNATIVE: add_note(st, "Other title: ", v); break;
    case T_CREATOR: meta_add_author(r, v, strlen(v), NULL); break;
    case T_CONTRIBUTOR: meta_add_author(r, v, strlen(v), "contributor"); break;
    case T_SUBJECT: meta_add_str(&r->subjects, &r->n_subjects, v, strlen(v)); break;
    case T_DESCRIPTION:
        if (!r->description)
            meta_set_str(&r->description, v, strlen(v));
        else
            add_note(st, NULL, v);
        break;
    case T_PUBLISHER: meta_set_str(&r->publisher, v, strlen(v)); break;
    case T_DATE_ISSUED:
    case T_DATE:
    case T_DATE_CREATED:
    case T_DATE_OTHER:
    case T_DATE_MODIFIED:
        if (st->term < st->date_rank) {
            free(st->date);
            st->date = v;
            v = NULL;
            st->date_rank = st->term;
        }
        break;
    case T_TYPE: {
        const char *t = dcmi_type(v);
        if (t && !st->type_dcmi) {
            st->type_dcmi = ts_xstrdup(t);
        } else if (!t && !st->type_other) {
            for (char *p = v; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
            st->type_other = v;
            v = NULL;
        }
        break;
    }
    case T_IDENTIFIER:
        if (!st->first_id)
            st->first_id = ts_xstrdup(v);
        add_identifier(r, v);
        break;
    case T_LANGUAGE: meta_set_str(&r->language, v, strlen(v)); break;
    case T_RIGHTS: meta_set_str(&r->licence, v, strlen(v)); break;
    case T_AUDIENCE: meta_set_str(&r->audience, v, strlen(v)); break;
    case T_EXTENT: meta_set_str(&r->extent, v, strlen(v)); break;
    default: break;
    }
    free(v);
}

static int report(struct dc_state *st, enum ts_code code, const char *why)
{
    char origin[256];
    struct ts_err e;
    const char *id = st->rec && st->rec->source_id ? st->rec->source_id : NULL;

    snprintf(origin, sizeof origin, "%s line %ld", st->name, st->rec_line);
    (void)ts_fail(&e, code, "%s%s%.100s%s: %s", origin, id ? " (" : "", id ? id : "", id ? ")" : "",
                  why);
    return st->on_error ? st->on_error(origin, &e, st->ctx) : TS_OK;
}

static int rec_close(struct dc_state *st)
{
    struct meta_rec *r = st->rec;
    char origin[256];
    const char *src, *why = NULL;
    enum ts_code code = TS_EPARSE;

    if (st->rec_deleted) {
        st->page->n_deleted++;
        rec_reset(st);
        return TS_OK;
    }
    if (r->source_id == NULL && st->first_id)
        r->source_id = ts_xstrdup(st->first_id);
    if (st->rec_toobig) {
        why = "a value is longer than 1 MiB, record skipped";
        code = TS_ETOOBIG;
    } else if (!st->rec_has_dc) {
        why = "no Dublin Core metadata (only oai_dc is read), record skipped";
    } else if (!r->title) {
        why = "no dc:title, record skipped";
    }
    if (why) {
        int rc = report(st, code, why);
        rec_reset(st);
        return rc;
    }
    if (st->notes.len)
        meta_set_str(&r->notes, st->notes.data, st->notes.len);
    if (st->date)
        meta_set_str(&r->date, st->date, strlen(st->date));
    if (st->type_dcmi || st->type_other) {
        const char *t = st->type_dcmi ? st->type_dcmi : st->type_other;
        meta_set_str(&r->resource_type, t, strlen(t));
    }
    snprintf(origin, sizeof origin, "%s line %ld", st->name, st->rec_line);
    r->origin = ts_xstrdup(origin);
    src = st->source_forced                           ? st->source_forced
          : st->page->request && st->page->request[0] ? st->page->request
          : st->default_source                        ? st->default_source
                                                      : NULL;
    if (src) {
        r->source = ts_xstrdup(src);
    } else {
        struct ts_buf b;
        ts_buf_init(&b, 0);
        (void)ts_buf_addf(&b, "dc:%s", st->name);
        r->source = ts_buf_take(&b);
    }
    st->rec = NULL; /* emit takes it */
    rec_reset(st);
    st->page->n_records++;
    return st->emit(r, st->ctx);
}

/* ---------------------------------------------------------------- capture */

static void cap_begin(struct dc_state *st, enum cap cap, int depth)
{
    st->cap = cap;
    st->cap_depth = depth;
    st->cap_toobig = st->cap_applied = false;
    ts_buf_free(&st->text);
    ts_buf_init(&st->text, DC_MAX_VALUE);
    free(st->resource);
    st->resource = NULL;
}

/* A value of the current term is complete (the element or an rdf:li ended). */
static void piece_done(struct dc_state *st)
{
    if (st->cap_toobig)
        st->rec_toobig = true;
    else if (st->text.len)
        apply(st, st->text.data, st->text.len);
    ts_buf_reset(&st->text);
}

static void cap_end(struct dc_state *st)
{
    char *v = trim_dup(ts_buf_str(&st->text), st->text.len);
    char **slot = NULL;

    switch (st->cap) {
    case CAP_TERM:
        piece_done(st);
        if (!st->cap_applied && st->resource)
            apply(st, st->resource, strlen(st->resource));
        break;
    case CAP_ID:
        if (st->rec)
            meta_set_str(&st->rec->source_id, v, strlen(v));
        break;
    case CAP_RESPONSE_DATE: slot = &st->page->response_date; break;
    case CAP_REQUEST: slot = &st->page->request; break;
    case CAP_ERROR: slot = &st->page->error_msg; break;
    case CAP_TOKEN: slot = &st->page->token; break;
    default: break;
    }
    if (slot && !*slot && !st->cap_toobig) {
        *slot = v;
        v = NULL;
    }
    free(v);
    st->cap = CAP_NONE;
    ts_buf_free(&st->text);
}

/* ---------------------------------------------------------------- events */

static enum term term_of(const xmlChar *local)
{
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        if (eq(local, terms[i].name))
            return terms[i].term;
    return T_NONE;
}

static void on_oai_start(struct dc_state *st, const xmlChar *local, int depth)
{
    if (eq(local, "record") && !st->rec) {
        rec_open(st, depth, true);
    } else if (eq(local, "header") && st->rec && st->rec_oai && st->header_depth < 0) {
        char *status = attr(st->rd, "status", NULL);

        st->header_depth = depth;
        st->rec_deleted = status && strcmp(status, "deleted") == 0;
        free(status);
    } else if (eq(local, "identifier") && st->header_depth >= 0 && depth == st->header_depth + 1) {
        cap_begin(st, CAP_ID, depth);
    } else if (eq(local, "responseDate")) {
        cap_begin(st, CAP_RESPONSE_DATE, depth);
    } else if (eq(local, "request")) {
        cap_begin(st, CAP_REQUEST, depth);
    } else if (eq(local, "error")) {
        if (!st->page->error_code) {
            st->page->error_code = attr(st->rd, "code", NULL);
            if (!st->page->error_code)
                st->page->error_code = ts_xstrdup("unknown");
        }
        cap_begin(st, CAP_ERROR, depth);
    } else if (eq(local, "resumptionToken")) {
        cap_begin(st, CAP_TOKEN, depth);
    } else if (eq(local, "about") && st->rec) {
        cap_begin(st, CAP_SKIP, depth); /* provenance of the metadata, not the resource */
    }
}

static void on_start(struct dc_state *st, int depth)
{
    const xmlChar *ns = xmlTextReaderConstNamespaceUri(st->rd);
    const xmlChar *local = xmlTextReaderConstLocalName(st->rd);

    st->last_line = node_line(st->rd);
    if (depth >= 0 && depth <= MAX_DEPTH)
        st->line_at[depth] = st->last_line;
    if (st->cap != CAP_NONE) {
        /* inside a value: an RDF list item starts a new value */
        if (st->cap == CAP_TERM && eq(ns, RDF_NS) && eq(local, "li"))
            piece_done(st);
        return;
    }
    if (!st->rec && !eq(ns, DC_NS) && !eq(ns, DCTERMS_NS)) {
        /* the element that may become a record: remember its rdf:about */
        free(st->about);
        st->about = attr(st->rd, "about", RDF_NS);
        st->about_depth = depth;
    }
    if (eq(ns, OAI_NS)) {
        on_oai_start(st, local, depth);
    } else if (eq(ns, DC_NS) || eq(ns, DCTERMS_NS)) {
        enum term t = term_of(local);

        if (!st->rec)
            rec_open(st, depth - 1, false);
        st->rec_has_dc = true;
        if (t == T_NONE) {
            cap_begin(st, CAP_SKIP, depth);
            return;
        }
        cap_begin(st, CAP_TERM, depth);
        st->term = t;
        st->resource = attr(st->rd, "resource", RDF_NS);
    }
}

static int on_end(struct dc_state *st, int depth)
{
    if (st->cap != CAP_NONE) {
        if (depth == st->cap_depth)
            cap_end(st);
        else if (st->cap == CAP_TERM && eq(xmlTextReaderConstNamespaceUri(st->rd), RDF_NS) &&
                 eq(xmlTextReaderConstLocalName(st->rd), "li"))
            piece_done(st);
        return TS_OK;
    }
    if (st->header_depth == depth)
        st->header_depth = -1;
    if (st->rec && depth == st->rec_depth)
        return rec_close(st);
    return TS_OK;
}

static void on_text(struct dc_state *st)
{
    const xmlChar *v;

    if (st->cap == CAP_NONE || st->cap == CAP_SKIP || st->cap_toobig)
        return;
    v = xmlTextReaderConstValue(st->rd);
    if (v && ts_buf_add(&st->text, (const char *)v) != TS_OK) {
        st->cap_toobig = true; /* ts_buf freed its contents */
        ts_buf_init(&st->text, DC_MAX_VALUE);
    }
}

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    struct dc_state *st = arg;
    size_t n;

    if (!e || e->level < XML_ERR_ERROR || (st->xml_level >= (int)e->level))
        return;
    snprintf(st->xml_msg, sizeof st->xml_msg, "%s", e->message ? e->message : "XML error");
    for (char *p = st->xml_msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    n = strlen(st->xml_msg);
    while (n > 0 && st->xml_msg[n - 1] == ' ')
        st->xml_msg[--n] = '\0';
    st->xml_line = e->line;
    st->xml_level = (int)e->level;
}

/* Run the reader to the end of the document. */
static int run(struct dc_state *st, struct ts_err *err)
{
    int ret = 0, rc = TS_OK;

    st->header_depth = -1;
    st->about_depth = -2;
    ts_buf_init(&st->notes, DC_MAX_NOTES);
    xmlTextReaderSetStructuredErrorHandler(st->rd, on_xml_error, st);
    while (rc == TS_OK && (ret = xmlTextReaderRead(st->rd)) == 1) {
        int depth = xmlTextReaderDepth(st->rd);

        switch (xmlTextReaderNodeType(st->rd)) {
        case XML_READER_TYPE_DOCUMENT_TYPE:
            rc = ts_fail(err, TS_EPARSE,
                         "%s: DOCTYPE refused (entity declarations are not allowed in OAI-PMH "
                         "or Dublin Core)",
                         st->name);
            break;
        case XML_READER_TYPE_ELEMENT:
            on_start(st, depth);
            if (xmlTextReaderIsEmptyElement(st->rd))
                rc = on_end(st, depth);
            break;
        case XML_READER_TYPE_END_ELEMENT: rc = on_end(st, depth); break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: on_text(st); break;
        default: break;
        }
    }
    if (rc == TS_OK && ret < 0) {
        /* libxml2 parses ahead of the nodes it hands out, so records between
         * the last one delivered and the error are lost too: say where */
        long upto = st->rec ? st->rec_line - 1 : st->last_line;

        if (upto > 0)
            rc = ts_fail(err, TS_EPARSE,
                         "%s line %d: not well-formed XML: %s; records after line %ld not read",
                         st->name, st->xml_line, st->xml_msg[0] ? st->xml_msg : "parser error",
                         upto);
        else
            rc = ts_fail(err, TS_EPARSE, "%s line %d: not well-formed XML: %s", st->name,
                         st->xml_line, st->xml_msg[0] ? st->xml_msg : "parser error");
    }
    if (rc == TS_OK && st->rec) /* a DC element at the root: the document was the record */
        rc = rec_close(st);
    rec_reset(st);
    ts_buf_free(&st->notes);
    ts_buf_free(&st->text);
    free(st->resource);
    free(st->about);
    return rc;
}

#define PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser(); /* once, before any thread parses */
}

void dc_page_free(struct dc_page *p)
{
    if (!p)
        return;
    free(p->response_date);
    free(p->request);
    free(p->token);
    free(p->error_code);
    free(p->error_msg);
    memset(p, 0, sizeof *p);
}

int dc_parse_memory(const char *buf, size_t len, const char *name, const char *source,
                    meta_emit_fn emit, meta_error_fn on_error, void *ctx, struct dc_page *page,
                    struct ts_err *err)
{
    struct dc_state st = {0};
    int rc;

    memset(page, 0, sizeof *page);
    if (len > (size_t)INT32_MAX)
        return ts_fail(err, TS_ETOOBIG, "%s: document too large", name);
    st.name = name;
    st.source_forced = source;
    st.emit = emit;
    st.on_error = on_error;
    st.ctx = ctx;
    st.page = page;
    pthread_once(&xml_once, xml_init);
    st.rd = xmlReaderForMemory(buf, (int)len, NULL, NULL, PARSE_OPTS);
    if (!st.rd)
        return ts_fail(err, TS_EPARSE, "%s: cannot start the XML parser", name);
    rc = run(&st, err);
    xmlFreeTextReader(st.rd);
    return rc;
}

int import_dc_read(const char *path, const char *default_source, meta_emit_fn emit,
                   meta_error_fn on_error, void *ctx, struct ts_err *err)
{
    struct dc_state st = {0};
    struct dc_page page = {0};
    const char *slash = strrchr(path, '/');
    struct stat sb;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return ts_fail(err, TS_EIO, "%s: not a regular file", path);
    }
    st.name = slash ? slash + 1 : path;
    st.default_source = default_source;
    st.emit = emit;
    st.on_error = on_error;
    st.ctx = ctx;
    st.page = &page;
    pthread_once(&xml_once, xml_init);
    st.rd = xmlReaderForFd(fd, NULL, NULL, PARSE_OPTS);
    if (!st.rd) {
        rc = ts_fail(err, TS_EPARSE, "%s: cannot start the XML parser", path);
        goto out;
    }
    rc = run(&st, err);
    if (rc == TS_OK && page.error_code && strcmp(page.error_code, "noRecordsMatch") != 0)
        rc = ts_fail(err, TS_EPARSE, "%s: OAI-PMH error %.40s: %.120s", st.name, page.error_code,
                     page.error_msg ? page.error_msg : "");
out:
    xmlFreeTextReader(st.rd);
    dc_page_free(&page);
    close(fd);
    return rc;
}

/* ---------------------------------------------------------------- writer */

/* A copy safe for XML 1.0 text: valid UTF-8, no C0 controls but TAB LF CR,
 * no U+FFFE/U+FFFF. malloc'd. */
static char *xml_clean(const char *s)
{
    char *u =
        xmlCheckUTF8((const unsigned char *)s) ? ts_xstrdup(s) : ts_text_nfc(s, strlen(s), NULL);
    size_t j = 0;

    for (size_t i = 0; u[i]; i++) {
        unsigned char c = (unsigned char)u[i];

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            continue;
        if (c == 0xEF && (unsigned char)u[i + 1] == 0xBF &&
            ((unsigned char)u[i + 2] == 0xBE || (unsigned char)u[i + 2] == 0xBF)) {
            i += 2;
            continue;
        }
        u[j++] = (char)c;
    }
    u[j] = '\0';
    return u;
}

static xmlTextWriterPtr writer_new(FILE *out)
{
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
    xmlTextWriterPtr w;

    if (!ob)
        return NULL;
    w = xmlNewTextWriter(ob); /* owns ob from here */
    if (!w) {
        xmlOutputBufferClose(ob);
        return NULL;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
    return w;
}

/* Free the writer (it only flushes `out`, never closes it); TS_EIO if any
 * call failed (`bad`) or the stream did. */
static int writer_done(xmlTextWriterPtr w, FILE *out, bool bad, struct ts_err *err)
{
    if (w && xmlTextWriterFlush(w) < 0)
        bad = true;
    xmlFreeTextWriter(w);
    if (bad || !w || ferror(out))
        return ts_fail(err, TS_EIO, "DC export: write failed");
    return TS_OK;
}

static bool element(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *v;
    int n;

    if (!value || !value[0])
        return true;
    v = xml_clean(value);
    n = xmlTextWriterWriteElement(w, (const xmlChar *)name, (const xmlChar *)v);
    free(v);
    return n >= 0;
}

/* Now in UTC as YYYY-MM-DDThh:mm:ssZ, or YYYY-MM-DD when date_only. */
static void utc_now(char buf[32], bool date_only)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    if (date_only)
        strftime(buf, 32, "%Y-%m-%d", &tm);
    else
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int export_dc_begin(FILE *out, struct ts_err *err)
{
    xmlTextWriterPtr w = writer_new(out);
    char now[32];
    bool ok;

    utc_now(now, false);
    ok = w && xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) >= 0 &&
         xmlTextWriterStartElement(w, BAD_CAST "OAI-PMH") >= 0 &&
         xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST OAI_NS) >= 0 &&
         xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xsi",
                                     BAD_CAST "http://www.w3.org/2001/XMLSchema-instance") >= 0 &&
         xmlTextWriterWriteAttribute(w, BAD_CAST "xsi:schemaLocation",
                                     BAD_CAST OAI_NS
                                     " http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd") >= 0 &&
         element(w, "responseDate", now) && xmlTextWriterStartElement(w, BAD_CAST "request") >= 0 &&
         xmlTextWriterWriteAttribute(w, BAD_CAST "verb", BAD_CAST "ListRecords") >= 0 &&
         xmlTextWriterWriteAttribute(w, BAD_CAST "metadataPrefix", BAD_CAST "oai_dc") >= 0 &&
         xmlTextWriterEndElement(w) >= 0 &&
         xmlTextWriterStartElement(w, BAD_CAST "ListRecords") >= 0 &&
         xmlTextWriterWriteRaw(w, BAD_CAST "\n") >= 0; /* closes the start tag */
    return writer_done(w, out, !ok, err);
}

static const char *dcmi_of(const char *type)
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

static bool write_dc(xmlTextWriterPtr w, const struct meta_rec *r)
{
    struct ts_buf b;
    bool ok = true;

    ts_buf_init(&b, 0);
    if (r->title) {
        (void)ts_buf_add(&b, r->title);
        if (r->subtitle)
            (void)ts_buf_addf(&b, " : %s", r->subtitle);
    }
    ok = element(w, "dc:title", ts_buf_str(&b));
    ts_buf_free(&b);
    for (size_t i = 0; ok && i < r->n_authors; i++) {
        const char *role = r->authors[i].role;
        bool creator = !role || !strcmp(role, "author") || !strcmp(role, "corporate");
        ok = element(w, creator ? "dc:creator" : "dc:contributor", r->authors[i].name);
    }
    for (size_t i = 0; ok && i < r->n_subjects; i++)
        ok = element(w, "dc:subject", r->subjects[i]);
    ok = ok && element(w, "dc:description", r->description) &&
         element(w, "dc:description", r->notes) && element(w, "dc:publisher", r->publisher) &&
         element(w, "dc:date", r->date);
    if (ok && r->resource_type)
        ok = element(w, "dc:type", dcmi_of(r->resource_type));
    for (size_t i = 0; ok && i < r->n_identifiers; i++) {
        const char *id = r->identifiers[i];

        ts_buf_init(&b, 0);
        if (!strncmp(id, "isbn:", 5))
            (void)ts_buf_addf(&b, "urn:isbn:%s", id + 5);
        else if (!strncmp(id, "issn:", 5))
            (void)ts_buf_addf(&b, "urn:issn:%s", id + 5);
        else if (!strncmp(id, "other:", 6))
            (void)ts_buf_add(&b, id + 6);
        else
            (void)ts_buf_add(&b, id);
        ok = element(w, "dc:identifier", ts_buf_str(&b));
        ts_buf_free(&b);
    }
    for (size_t i = 0; ok && i < r->n_links; i++)
        ok = element(w, "dc:identifier", r->links[i]);
    return ok && element(w, "dc:language", r->language) && element(w, "dc:rights", r->licence);
}

int export_dc_write(FILE *out, const struct meta_rec *r, struct ts_err *err)
{
    xmlTextWriterPtr w = writer_new(out);
    char today[32];
    bool ok;

    utc_now(today, true);
    ok =
        w && xmlTextWriterStartElement(w, BAD_CAST "record") >= 0 &&
        xmlTextWriterStartElement(w, BAD_CAST "header") >= 0 &&
        element(w, "identifier", r->source_id) && element(w, "datestamp", today) &&
        xmlTextWriterEndElement(w) >= 0 && xmlTextWriterStartElement(w, BAD_CAST "metadata") >= 0 &&
        xmlTextWriterStartElementNS(w, BAD_CAST "oai_dc", BAD_CAST "dc", BAD_CAST OAI_DC_NS) >= 0 &&
        xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:dc", BAD_CAST DC_NS) >= 0 &&
        xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xsi",
                                    BAD_CAST "http://www.w3.org/2001/XMLSchema-instance") >= 0 &&
        xmlTextWriterWriteAttribute(w, BAD_CAST "xsi:schemaLocation",
                                    BAD_CAST OAI_DC_NS
                                    " http://www.openarchives.org/OAI/2.0/oai_dc.xsd") >= 0 &&
        write_dc(w, r) && xmlTextWriterEndElement(w) >= 0 && /* oai_dc:dc */
        xmlTextWriterEndElement(w) >= 0 &&                   /* metadata */
        xmlTextWriterEndElement(w) >= 0 &&                   /* record */
        xmlTextWriterWriteRaw(w, BAD_CAST "\n") >= 0;
    return writer_done(w, out, !ok, err);
}

int export_dc_end(FILE *out, struct ts_err *err)
{
    if (fputs("</ListRecords>\n</OAI-PMH>\n", out) == EOF || ferror(out))
        return ts_fail(err, TS_EIO, "DC export: write failed");
    return TS_OK;
}
