/*
 * server/h_sru.c - SRU (Search/Retrieve via URL) at /sru, for library
 * systems and Z39.50/SRU clients such as YAZ: operation=explain (a ZeeRex
 * record listing the indexes and schemas) and operation=searchRetrieve with a
 * CQL query (cql.h), records as MARCXML (default; import/'s MARC writer,
 * YAZ) or Dublin Core (srw_dc). SRU 1.2 is the default; version=2.0 answers
 * in the OASIS searchRetrieve 2.0 namespaces. No operation: explain, or
 * searchRetrieve when a query is given (as SRU 2.0 says).
 *
 * Errors are SRU diagnostics (info:srw/diagnostic/1/N) in the XML answer,
 * with HTTP 200, as the protocol asks: 7 missing query, 10 query syntax, 16
 * unsupported index, 66 unknown schema, and the others cql.h lists. A record
 * that vanished or cannot be written in the schema becomes a surrogate
 * diagnostic in its place (65, 67). Only a failing catalogue or index gives a
 * 5xx, still with an SRU diagnostic (1 or 2) as its body.
 *
 * Running a query: a conjunction of clauses (the usual case) is one indexer
 * search with the text and the filters, paged by the indexer, ranked, with
 * its (estimated) total. A conjunction of filters alone (dc.language=vi,
 * cql.allRecords=1) lists the catalogue newest first. A query with `or`,
 * `not` or `any` is run as sets: each conjunction inside it is searched for
 * its best SET_MAX records, the sets are united, intersected or subtracted,
 * and the result is paged here, so its total counts at most SET_MAX records
 * per operand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "browse.h"
#include "cql.h"
#include "errors.h"
#include "handlers.h"
#include "import.h"
#include "marc.h"
#include "metarec.h"
#include "request.h"
#include "response.h"
#include "server_int.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "views.h"
#include "xmlout.h"

#define RECORDS_DEFAULT 10
#define RECORDS_MAX 50
#define START_MAX 10000 /* the indexer's deep-paging bound */
#define SET_MAX 500     /* records per operand of or / not */
#define MAX_DIAGS 4

#define NS_SRU12 "http://www.loc.gov/zing/srw/"
#define NS_DIAG12 "http://www.loc.gov/zing/srw/diagnostic/"
#define NS_SRU20 "http://docs.oasis-open.org/ns/search-ws/sruResponse"
#define NS_DIAG20 "http://docs.oasis-open.org/ns/search-ws/diagnostic"
#define NS_EXPLAIN "http://explain.z3950.org/dtd/2.0/"
#define NS_SRW_DC "info:srw/schema/1/dc-schema"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define SCHEMA_MARCXML "info:srw/schema/1/marcxml-v1.1"
#define SCHEMA_DC "info:srw/schema/1/dc-v1.1"
#define SCHEMA_DIAG "info:srw/schema/1/diagnostics-v1.1"
#define CONTENT_TYPE "application/xml; charset=utf-8"

enum schema { SCHEMA_M, SCHEMA_D };

struct diag {
    int code;
    const char *details; /* arena or static */
};

struct sru {
    struct request *req;
    int v20;             /* answer as SRU 2.0 */
    const char *version; /* "1.2" or "2.0" */
    const char *query;
    size_t start, max;
    enum schema schema;
    const char *schema_arg; /* as asked, for the echo */
    int escape;             /* recordPacking=string (1.2) / recordXMLEscaping=string (2.0) */
    struct diag diags[MAX_DIAGS];
    size_t n_diags;
    int fatal; /* a diagnostic that stops the search */
};

static const char *diag_message(int code)
{
    switch (code) {
    case 1: return "General system error";
    case 2: return "System temporarily unavailable";
    case 4: return "Unsupported operation";
    case 5: return "Unsupported version";
    case 6: return "Unsupported parameter value";
    case 7: return "Mandatory parameter not supplied";
    case CQL_D_SYNTAX: return "Query syntax error";
    case CQL_D_INDEX: return "Unsupported index";
    case CQL_D_RELATION: return "Unsupported relation";
    case CQL_D_RELMOD: return "Unsupported relation modifier";
    case CQL_D_EMPTY_TERM: return "Empty term unsupported";
    case CQL_D_MASKING: return "Masking character not supported";
    case CQL_D_ANCHORING: return "Anchoring character not supported";
    case CQL_D_BAD_TERM: return "Term in invalid format for index or relation";
    case CQL_D_TOO_MANY: return "Too many boolean operators in query";
    case CQL_D_PROX: return "Proximity not supported";
    case CQL_D_BOOLMOD: return "Unsupported boolean modifier";
    case 61: return "First record position out of range";
    case 65: return "Record does not exist";
    case 66: return "Unknown schema for retrieval";
    case 67: return "Record not available in this schema";
    case 71: return "Unsupported record packing";
    case 72: return "XPath retrieval unsupported";
    case CQL_D_SORT: return "Sort not supported";
    case 110: return "Stylesheets not supported";
    default: return "Diagnostic";
    }
}

static void add_diag(struct sru *s, int code, const char *details, int fatal)
{
    if (s->n_diags < MAX_DIAGS) {
        s->diags[s->n_diags].code = code;
        s->diags[s->n_diags].details = details;
        s->n_diags++;
    }
    if (fatal)
        s->fatal = 1;
}

/* ------------------------------------------------------------- writing */

static const char *el(const struct sru *s, const char *name)
{
    return req_printf(s->req, "%s:%s", s->v20 ? "sru" : "zs", name);
}

static void write_diag(const struct sru *s, xmlout *x, int code, const char *details,
                       const char *message)
{
    xo_start(x, "diag:diagnostic");
    xo_attr(x, "xmlns:diag", s->v20 ? NS_DIAG20 : NS_DIAG12);
    xo_elemf(x, "diag:uri", "info:srw/diagnostic/1/%d", code);
    xo_elem(x, "diag:details", details);
    xo_elem(x, "diag:message", message ? message : diag_message(code));
    xo_end(x);
}

static void write_diags(const struct sru *s, xmlout *x)
{
    if (!s->n_diags)
        return;
    xo_start(x, el(s, "diagnostics"));
    for (size_t i = 0; i < s->n_diags; i++)
        write_diag(s, x, s->diags[i].code, s->diags[i].details, NULL);
    xo_end(x);
}

static xmlout *response_begin(const struct sru *s, const char *root)
{
    xmlout *x = xo_new();

    xo_start(x, el(s, root));
    xo_attr(x, s->v20 ? "xmlns:sru" : "xmlns:zs", s->v20 ? NS_SRU20 : NS_SRU12);
    xo_elem(x, el(s, "version"), s->version);
    return x;
}

static int response_end(struct sru *s, struct response *res, xmlout *x, int status)
{
    char *body;
    size_t len;
    int rc;

    xo_end(x);
    if ((rc = xo_finish(x, &body, &len, &s->req->err)))
        return rc;
    if (status == 200)
        res->flags |= RES_ETAG;
    return respond_body(res, status, CONTENT_TYPE, body, len);
}

/* recordSchema, packing/escaping and the open recordData; the caller writes
 * the data and calls record_close(). */
static void record_open(const struct sru *s, xmlout *x, const char *schema)
{
    xo_start(x, el(s, "record"));
    xo_elem(x, el(s, "recordSchema"), schema);
    xo_elem(x, el(s, s->v20 ? "recordXMLEscaping" : "recordPacking"), s->escape ? "string" : "xml");
    xo_start(x, el(s, "recordData"));
}

static void record_close(const struct sru *s, xmlout *x, size_t position)
{
    xo_end(x); /* recordData */
    xo_elemf(x, el(s, "recordPosition"), "%zu", position);
    xo_end(x);
}

/* Record data as markup, or as escaped text for recordPacking=string. */
static void record_data(const struct sru *s, xmlout *x, const char *xml)
{
    if (s->escape)
        xo_text(x, xml);
    else
        xo_raw(x, xml);
}

/* ------------------------------------------------------------- explain */

static void host_port(struct request *req, const char **host, const char **port)
{
    const char *h = req_header(req, "Host"), *colon;
    int ok = h && *h && strlen(h) <= 255;

    for (const char *c = h; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
             *c == '.' || *c == '-' || *c == ':' || *c == '[' || *c == ']';
    if (!ok) {
        *host = req->srv->cfg.listen;
        *port = req_printf(req, "%u", req->srv->cfg.port);
        return;
    }
    colon = strrchr(h, ':');
    if (colon && !strchr(colon, ']')) {
        *host = req_strndup(req, h, (size_t)(colon - h));
        *port = colon + 1;
    } else {
        *host = h;
        *port = "80";
    }
}

static void explain_index(xmlout *x, const char *title, const char *set, const char *name)
{
    xo_start(x, "index");
    xo_attr(x, "search", "true");
    xo_elem(x, "title", title);
    xo_start(x, "map");
    xo_start(x, "name");
    xo_attr(x, "set", set);
    xo_text(x, name);
    xo_end(x);
    xo_end(x);
    xo_end(x);
}

static void explain_record(struct sru *s, xmlout *x)
{
    const char *host, *port;

    host_port(s->req, &host, &port);
    xo_start(x, "explain");
    xo_attr(x, "xmlns", NS_EXPLAIN);
    xo_start(x, "serverInfo");
    xo_attr(x, "protocol", "SRU");
    xo_attr(x, "version", s->version);
    xo_attr(x, "transport", "http");
    xo_attr(x, "method", "GET");
    xo_elem(x, "host", host);
    xo_elem(x, "port", port);
    xo_elem(x, "database", "sru");
    xo_end(x);
    xo_start(x, "databaseInfo");
    xo_start(x, "title");
    xo_attr(x, "lang", "vi");
    xo_attr(x, "primary", "true");
    xo_text(x, "Tủ sách: danh mục chung");
    xo_end(x);
    xo_start(x, "title");
    xo_attr(x, "lang", "en");
    xo_text(x, "Tủ sách: the shared catalogue");
    xo_end(x);
    xo_start(x, "description");
    xo_attr(x, "lang", "en");
    xo_text(x, "The union catalogue of the district's school libraries, public libraries and "
               "community learning centres: books, e-books and open educational resources. "
               "Vietnamese terms match with or without diacritics. Title, creator, subject, "
               "publisher, description and identifier indexes all search every field; "
               "language, type, date (year) and library are filters.");
    xo_end(x);
    xo_end(x);
    xo_start(x, "indexInfo");
    xo_start(x, "set");
    xo_attr(x, "name", "cql");
    xo_attr(x, "identifier", "info:srw/cql-context-set/1/cql-v1.2");
    xo_end(x);
    xo_start(x, "set");
    xo_attr(x, "name", "dc");
    xo_attr(x, "identifier", "info:srw/cql-context-set/1/dc-v1.1");
    xo_end(x);
    xo_start(x, "set");
    xo_attr(x, "name", "bath");
    xo_attr(x, "identifier", "http://zing.z3950.org/cql/bath/2.0/");
    xo_end(x);
    xo_start(x, "set");
    xo_attr(x, "name", "tusach");
    xo_attr(x, "identifier", "urn:tusach:cql-context-set");
    xo_end(x);
    explain_index(x, "Any field", "cql", "serverChoice");
    explain_index(x, "Any field", "cql", "anywhere");
    explain_index(x, "Every record", "cql", "allRecords");
    explain_index(x, "Title", "dc", "title");
    explain_index(x, "Creator", "dc", "creator");
    explain_index(x, "Subject", "dc", "subject");
    explain_index(x, "Publisher", "dc", "publisher");
    explain_index(x, "Description", "dc", "description");
    explain_index(x, "Identifier", "dc", "identifier");
    explain_index(x, "ISBN", "bath", "isbn");
    explain_index(x, "Language", "dc", "language");
    explain_index(x, "Resource type", "dc", "type");
    explain_index(x, "Year of publication", "dc", "date");
    explain_index(x, "Library (code)", "tusach", "library");
    xo_end(x);
    xo_start(x, "schemaInfo");
    xo_start(x, "schema");
    xo_attr(x, "identifier", SCHEMA_MARCXML);
    xo_attr(x, "name", "marcxml");
    xo_attr(x, "retrieve", "true");
    xo_attr(x, "sort", "false");
    xo_elem(x, "title", "MARCXML (MARC 21 slim)");
    xo_end(x);
    xo_start(x, "schema");
    xo_attr(x, "identifier", SCHEMA_DC);
    xo_attr(x, "name", "dc");
    xo_attr(x, "retrieve", "true");
    xo_attr(x, "sort", "false");
    xo_elem(x, "title", "Dublin Core (srw_dc)");
    xo_end(x);
    xo_end(x);
    xo_start(x, "configInfo");
    xo_start(x, "default");
    xo_attr(x, "type", "numberOfRecords");
    xo_text(x, "10");
    xo_end(x);
    xo_start(x, "setting");
    xo_attr(x, "type", "maximumRecords");
    xo_text(x, "50");
    xo_end(x);
    xo_start(x, "default");
    xo_attr(x, "type", "retrieveSchema");
    xo_text(x, "marcxml");
    xo_end(x);
    xo_start(x, "supports");
    xo_attr(x, "type", "relation");
    xo_text(x, "=");
    xo_end(x);
    xo_start(x, "supports");
    xo_attr(x, "type", "relation");
    xo_text(x, "==");
    xo_end(x);
    xo_start(x, "supports");
    xo_attr(x, "type", "relation");
    xo_text(x, "adj");
    xo_end(x);
    xo_start(x, "supports");
    xo_attr(x, "type", "relation");
    xo_text(x, "all");
    xo_end(x);
    xo_start(x, "supports");
    xo_attr(x, "type", "relation");
    xo_text(x, "any");
    xo_end(x);
    xo_end(x);
    xo_end(x); /* explain */
}

static int do_explain(struct sru *s, struct response *res)
{
    xmlout *x = response_begin(s, "explainResponse");
    xmlout *inner = xo_new();
    char *doc = NULL;
    size_t len;
    int rc;

    /* written once as its own document so that recordPacking=string can escape it */
    explain_record(s, inner);
    if ((rc = xo_finish(inner, &doc, &len, &s->req->err))) {
        xo_free(x);
        return rc;
    }
    record_open(s, x, NS_EXPLAIN);
    {
        const char *body = strstr(doc, "<explain"); /* without the XML declaration */
        record_data(s, x, body ? body : doc);
    }
    record_close(s, x, 1);
    free(doc);
    write_diags(s, x);
    return response_end(s, res, x, 200);
}

/* ------------------------------------------------------------- running */

struct idset {
    int64_t *v;
    size_t n;
};

static void idset_free(struct idset *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int idset_has(const struct idset *s, int64_t id)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == id)
            return 1;
    return 0;
}

/* One conjunction: the indexer when there is text, else the catalogue. */
static int run_plan(struct request *req, const struct cql_plan *p, size_t offset, size_t limit,
                    struct idset *out, size_t *total)
{
    catalog *cat;
    int rc;

    out->v = NULL;
    out->n = 0;
    *total = 0;
    if (p->empty)
        return TS_OK;
    if (p->text) {
        struct ix_query q;
        struct ix_results *r = NULL;
        indexer *ix;

        memset(&q, 0, sizeof q);
        q.text = p->text;
        q.language = p->language;
        q.type = p->type;
        q.year = p->year;
        q.library = p->library;
        q.offset = offset;
        q.limit = limit ? limit : 1;
        q.snippet_chars = 1; /* no snippet is shown */
        if ((rc = view_indexer(req, &ix)))
            return rc;
        rc = indexer_search(ix, &q, &r, &req->err);
        if (rc == TS_EINVAL) { /* nothing searchable in the words (punctuation only) */
            ix_results_free(r);
            return TS_OK;
        }
        if (rc)
            return rc;
        *total = r->total;
        if (limit) {
            out->v = ts_xcalloc(r->n_hits + 1, sizeof *out->v);
            for (size_t i = 0; i < r->n_hits; i++)
                out->v[out->n++] = r->hits[i].record_id;
        }
        ix_results_free(r);
        return TS_OK;
    }
    {
        struct cat_browse_filter f = {0};
        int64_t t = 0;

        if ((rc = view_catalog(req, &cat)))
            return rc;
        f.type = p->type;
        f.language = p->language;
        if (p->year)
            f.year = strtol(p->year, NULL, 10); /* digits, checked by the parser */
        if (p->library) {
            struct cat_library_stat lib;
            rc = catalog_browse_library(cat, p->library, &lib, &req->err);
            if (rc == TS_ENOTFOUND)
                return TS_OK; /* an unknown library holds nothing */
            if (rc)
                return rc;
            f.library_id = lib.id;
            cat_library_stat_clear(&lib);
        }
        rc = catalog_browse_recent(cat, &f, offset, limit, &out->v, &out->n, &t, &req->err);
        *total = (size_t)t;
        return rc;
    }
}

/* A tree with or / not: sets of at most SET_MAX records per conjunction. */
static int eval_set(struct request *req, const struct cql_node *n, struct idset *out)
{
    struct idset a = {0}, b = {0};
    struct cql_plan p;
    size_t total;
    int rc;

    out->v = NULL;
    out->n = 0;
    if (cql_plan_conj(n, &p)) {
        rc = run_plan(req, &p, 0, SET_MAX, out, &total);
        cql_plan_clear(&p);
        return rc;
    }
    if ((rc = eval_set(req, n->left, &a)) || (rc = eval_set(req, n->right, &b)))
        goto out;
    out->v = ts_xmalloc((a.n + b.n + 1) * sizeof *out->v);
    /* order: the left operand's ranking, then (or) the right's new records */
    for (size_t i = 0; i < a.n; i++) {
        int in_b = idset_has(&b, a.v[i]);
        if (n->op == CQL_OR || (n->op == CQL_AND && in_b) || (n->op == CQL_NOT && !in_b))
            out->v[out->n++] = a.v[i];
    }
    if (n->op == CQL_OR)
        for (size_t i = 0; i < b.n; i++)
            if (!idset_has(&a, b.v[i]))
                out->v[out->n++] = b.v[i];
out:
    idset_free(&a);
    idset_free(&b);
    return rc;
}

/* ------------------------------------------------------------- records */

static void dc_elem(xmlout *x, const char *name, const char *v)
{
    if (v && *v)
        xo_elem(x, name, v);
}

static char *dc_record(const struct cat_record *r, struct ts_err *err)
{
    xmlout *x = xo_new();
    char *doc = NULL;
    size_t len;

    xo_start(x, "srw_dc:dc");
    xo_attr(x, "xmlns:srw_dc", NS_SRW_DC);
    xo_attr(x, "xmlns:dc", NS_DC);
    dc_elem(x, "dc:title", r->title);
    for (size_t i = 0; i < r->n_author_list; i++) {
        const char *role = r->author_roles ? r->author_roles[i] : NULL;
        dc_elem(x, !role || strcmp(role, "author") == 0 ? "dc:creator" : "dc:contributor",
                r->author_names[i]);
    }
    for (size_t i = 0; i < r->n_subject_list; i++)
        dc_elem(x, "dc:subject", r->subject_list[i]);
    dc_elem(x, "dc:description", r->description);
    dc_elem(x, "dc:publisher", r->publisher);
    dc_elem(x, "dc:date", r->date);
    dc_elem(x, "dc:type", r->resource_type);
    dc_elem(x, "dc:format", r->file_media_type);
    for (size_t i = 0; i < r->n_identifier_list; i++) {
        const char *v = r->identifier_list[i], *colon = strchr(v, ':');
        if (strncmp(v, "isbn:", 5) == 0 || strncmp(v, "issn:", 5) == 0) {
            xo_start(x, "dc:identifier");
            xo_text(x, "urn:");
            xo_text(x, v);
            xo_end(x);
        } else {
            dc_elem(x, "dc:identifier", colon && strncmp(v, "other:", 6) == 0 ? colon + 1 : v);
        }
    }
    for (size_t i = 0; i < r->n_link_list; i++)
        dc_elem(x, "dc:identifier", r->link_list[i]);
    dc_elem(x, "dc:language", r->language);
    dc_elem(x, "dc:rights", r->licence);
    xo_end(x);
    if (xo_finish(x, &doc, &len, err))
        return NULL;
    return doc;
}

static char *marcxml_record(const struct cat_record *r, struct ts_err *err)
{
    struct meta_rec *m = import_meta_from_record(r);
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    int rc;

    if (!f) {
        meta_rec_free(m);
        ts_fail(err, TS_ENOMEM, "open_memstream failed");
        return NULL;
    }
    rc = export_marc_write(f, 1, m, err);
    fclose(f);
    meta_rec_free(m);
    if (rc == TS_OK && !xo_well_formed(mem, len))
        rc = ts_fail(err, TS_EINTERNAL, "MARCXML of record %lld is not well-formed",
                     (long long)r->id);
    if (rc) {
        free(mem);
        return NULL;
    }
    return mem;
}

/* Record data without the XML declaration. */
static const char *skip_decl(const char *doc)
{
    if (strncmp(doc, "<?xml", 5) == 0) {
        const char *e = strstr(doc, "?>");
        if (e) {
            doc = e + 2;
            while (*doc == '\n' || *doc == '\r' || *doc == ' ')
                doc++;
        }
    }
    return doc;
}

static int write_record(struct sru *s, xmlout *x, catalog *cat, int64_t id, size_t position)
{
    struct cat_record *r = NULL;
    struct ts_err err = {0};
    char *doc;
    int rc = catalog_record_get(cat, id, &r, &err);

    if (rc && rc != TS_ENOTFOUND) {
        s->req->err = err;
        return rc;
    }
    if (rc == TS_ENOTFOUND) {
        record_open(s, x, SCHEMA_DIAG);
        write_diag(s, x, 65, req_printf(s->req, "%lld", (long long)id), NULL);
        record_close(s, x, position);
        return TS_OK;
    }
    doc = s->schema == SCHEMA_M ? marcxml_record(r, &err) : dc_record(r, &err);
    cat_record_free(r);
    if (!doc) {
        ts_log(TS_LOG_WARN, "sru", "%s: record %lld: %s", s->req->id, (long long)id, err.msg);
        record_open(s, x, SCHEMA_DIAG);
        write_diag(s, x, 67, req_printf(s->req, "%lld", (long long)id), NULL);
        record_close(s, x, position);
        return TS_OK;
    }
    record_open(s, x, s->schema == SCHEMA_M ? SCHEMA_MARCXML : SCHEMA_DC);
    record_data(s, x, skip_decl(doc));
    record_close(s, x, position);
    free(doc);
    return TS_OK;
}

/* ------------------------------------------------------------- searchRetrieve */

/* A positive number argument: `def` when absent; 0 (and a diagnostic) when bad. */
static int count_arg(struct sru *s, const char *name, size_t def, size_t min, size_t max,
                     size_t *out)
{
    const char *v = req_arg(s->req, name);
    size_t n = 0;

    *out = def;
    if (!v)
        return 1;
    if (!*v || strlen(v) > 9)
        goto bad;
    for (const char *c = v; *c; c++) {
        if (*c < '0' || *c > '9')
            goto bad;
        n = n * 10 + (size_t)(*c - '0');
    }
    if (n < min || n > max)
        goto bad;
    *out = n;
    return 1;
bad:
    add_diag(s, 6, name, 1);
    return 0;
}

static void check_params(struct sru *s)
{
    struct request *req = s->req;
    const char *schema = s->schema_arg = req_arg_nonempty(req, "recordSchema");
    const char *packing = req_arg(req, s->v20 ? "recordXMLEscaping" : "recordPacking");
    size_t max;

    s->query = req_arg(req, "query");
    if (!s->query || !*s->query)
        add_diag(s, 7, "query", 1);
    count_arg(s, "startRecord", 1, 1, START_MAX, &s->start);
    if (count_arg(s, "maximumRecords", RECORDS_DEFAULT, 0, 1000000, &max))
        s->max = max > RECORDS_MAX ? RECORDS_MAX : max;
    if (!schema || !*schema || strcasecmp(schema, "marcxml") == 0 ||
        strcasecmp(schema, "marc21") == 0 || strcmp(schema, SCHEMA_MARCXML) == 0 ||
        strcmp(schema, "http://www.loc.gov/MARC21/slim") == 0)
        s->schema = SCHEMA_M;
    else if (strcasecmp(schema, "dc") == 0 || strcmp(schema, SCHEMA_DC) == 0 ||
             strcmp(schema, NS_SRW_DC) == 0)
        s->schema = SCHEMA_D;
    else
        add_diag(s, 66, schema, 1);
    if (!packing || !*packing || strcmp(packing, "xml") == 0)
        s->escape = 0;
    else if (strcmp(packing, "string") == 0)
        s->escape = 1;
    else
        add_diag(s, 71, packing, 1);
    if (req_arg_nonempty(req, "recordXPath"))
        add_diag(s, 72, "recordXPath", 1);
    if (req_arg_nonempty(req, "sortKeys"))
        add_diag(s, CQL_D_SORT, "sortKeys", 1);
    if (req_arg_nonempty(req, "stylesheet"))
        add_diag(s, 110, "stylesheet", 1);
}

static void echo_request(const struct sru *s, xmlout *x)
{
    xo_start(x, el(s, "echoedSearchRetrieveRequest"));
    xo_elem(x, el(s, "version"), s->version);
    xo_elem(x, el(s, "query"), s->query);
    xo_elemf(x, el(s, "startRecord"), "%zu", s->start);
    xo_elemf(x, el(s, "maximumRecords"), "%zu", s->max);
    xo_elem(x, el(s, s->v20 ? "recordXMLEscaping" : "recordPacking"), s->escape ? "string" : "xml");
    xo_elem(x, el(s, "recordSchema"), s->schema_arg ? s->schema_arg : "marcxml");
    xo_end(x);
}

static int do_search(struct sru *s, struct response *res)
{
    struct request *req = s->req;
    struct cql_node *tree = NULL;
    struct cql_diag cd;
    struct cql_plan plan;
    struct idset ids = {0};
    size_t total = 0, first = 0, n_page = 0;
    const char *precision = "info:srw/vocabulary/resultCountPrecision/1/exact";
    const int64_t *page = NULL;
    catalog *cat = NULL;
    xmlout *x;
    int rc = TS_OK;

    check_params(s);
    if (!s->fatal && cql_parse(s->query, &tree, &cd) != TS_OK)
        add_diag(s, cd.code, req_strdup(req, cd.details[0] ? cd.details : cd.message), 1);
    if (!s->fatal) {
        if ((rc = view_catalog(req, &cat)))
            goto out;
        if (cql_plan_conj(tree, &plan)) {
            /* one search: the indexer (or the catalogue) pages */
            rc = run_plan(req, &plan, s->start - 1, s->max, &ids, &total);
            if (plan.text)
                precision = "info:srw/vocabulary/resultCountPrecision/1/estimate";
            cql_plan_clear(&plan);
            page = ids.v;
            n_page = ids.n;
        } else {
            rc = eval_set(req, tree, &ids);
            total = ids.n;
            precision = "info:srw/vocabulary/resultCountPrecision/1/minimum";
            first = s->start - 1;
            if (first < ids.n) {
                page = ids.v + first;
                n_page = ids.n - first < s->max ? ids.n - first : s->max;
            }
        }
        if (rc)
            goto out;
        if (total > 0 && s->start > total)
            add_diag(s, 61, req_printf(req, "%zu", s->start), 0);
    }
    x = response_begin(s, "searchRetrieveResponse");
    xo_elemf(x, el(s, "numberOfRecords"), "%zu", total);
    if (s->v20 && !s->fatal)
        xo_elem(x, "sru:resultCountPrecision", precision);
    if (n_page) {
        xo_start(x, el(s, "records"));
        for (size_t i = 0; i < n_page && rc == TS_OK; i++)
            rc = write_record(s, x, cat, page[i], s->start + i);
        xo_end(x);
    }
    if (rc) {
        xo_free(x);
        goto out;
    }
    if (n_page && s->start - 1 + n_page < total)
        xo_elemf(x, el(s, "nextRecordPosition"), "%zu", s->start + n_page);
    if (s->query)
        echo_request(s, x);
    write_diags(s, x);
    rc = response_end(s, res, x, 200);
out:
    idset_free(&ids);
    cql_free(tree);
    return rc;
}

/* ------------------------------------------------------------- handler */

/* A catalogue or index failure, as an SRU diagnostic with a 5xx status. */
static int system_error(struct sru *s, struct response *res, int code)
{
    int status = error_status(code);
    xmlout *x;

    ts_log(TS_LOG_ERROR, "sru", "%s %s: %s", s->req->id, ts_code_name((enum ts_code)code),
           s->req->err.msg[0] ? s->req->err.msg : "(no detail)");
    s->n_diags = 0;
    add_diag(s, status == 503 ? 2 : 1, NULL, 1);
    x = response_begin(s, "searchRetrieveResponse");
    xo_elem(x, el(s, "numberOfRecords"), "0");
    write_diags(s, x);
    if (response_end(s, res, x, status >= 500 ? status : 500))
        return code;
    return TS_OK;
}

int h_sru(struct request *req, struct response *res)
{
    const char *op = req_arg_nonempty(req, "operation");
    const char *version = req_arg_nonempty(req, "version");
    struct sru s;
    int rc;

    memset(&s, 0, sizeof s);
    s.req = req;
    s.version = "1.2";
    s.start = 1;
    s.max = RECORDS_DEFAULT;
    if (version && strcmp(version, "2.0") == 0) {
        s.v20 = 1;
        s.version = "2.0";
    } else if (version && strcmp(version, "1.2") != 0 && strcmp(version, "1.1") != 0) {
        add_diag(&s, 5, "2.0", 1); /* details: the highest version supported */
    }
    if (!op)
        op = req_arg(req, "query") ? "searchRetrieve" : "explain";
    else if (strcmp(op, "explain") != 0 && strcmp(op, "searchRetrieve") != 0)
        add_diag(&s, 4, req_strdup(req, op), 1);
    if (s.fatal) {
        xmlout *x = response_begin(&s, "searchRetrieveResponse");
        xo_elem(x, el(&s, "numberOfRecords"), "0");
        write_diags(&s, x);
        rc = response_end(&s, res, x, 200);
    } else if (strcmp(op, "explain") == 0) {
        rc = do_explain(&s, res);
    } else {
        rc = do_search(&s, res);
    }
    return rc ? system_error(&s, res, rc) : TS_OK;
}
