/*
 * tests/http/test_oai.c - the OAI-PMH provider (/oai) end to end: the real
 * server in-process on 127.0.0.1 over a data folder with 261 records that
 * this test writes as a CSV file and imports through the metadata import API
 * (every record has a copy: most at THCS-A, every tenth at TV-HUYEN; types
 * book and ebook; one title full of markup).
 *
 * Responses are parsed with libxml2 and checked with XPath. Covers the six
 * verbs over GET and POST, every error code (badVerb, badArgument for
 * missing, illegal, repeated, empty and exclusive arguments and bad dates,
 * cannotDisseminateFormat, idDoesNotExist, noRecordsMatch, badResumptionToken
 * for garbage, tampered and cross-verb tokens), oai_dc and MARCXML records,
 * escaping, paging across three pages with cursor and completeListSize,
 * sets, from/until at both granularities on records whose datestamps the test
 * pins, tombstones after a merge, and the configured repository identity.
 */
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "catalog.h"
#include "import.h"
#include "server.h"
#include "fixture.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_util.h"

#define N_CSV 260
#define OAI "http://www.openarchives.org/OAI/2.0/"

static struct t_srv srv;
static const char *data_dir;
static const char hostile_title[] = "Tiêu đề <b>\"đậm\"</b> & 'nháy' </record>]]>";
static int64_t id_hostile, id_first, id_pinned, id_keep, id_drop;
static char repo[64]; /* "oai:127.0.0.1:record/" */

/* 2030-06-15T10:20:30Z and 2031-01-01T00:00:00Z */
#define T_PINNED ((int64_t)1907749230)
#define T_MERGE ((int64_t)1924992000)

/* ------------------------------------------------------------ fixtures */

static void add_library(const char *code, const char *name, const char *kind)
{
    t_fx_library(data_dir, code, name, kind);
}

static int64_t find_title(const char *title)
{
    catalog *cat = t_fx_open(data_dir);
    int64_t *ids = NULL, found = 0;
    size_t n = 0;
    struct ts_err err = {0};

    T_OK(catalog_record_ids(cat, &ids, &n, &err), &err);
    for (size_t i = 0; i < n && !found; i++) {
        struct cat_record *r = NULL;
        if (catalog_record_get(cat, ids[i], &r, NULL) == TS_OK && strcmp(r->title, title) == 0)
            found = r->id;
        cat_record_free(r);
    }
    free(ids);
    catalog_close(cat);
    return found;
}

static void test_setup(void)
{
    const char *src = t_tmpdir();
    char csv[1024];
    struct ts_buf b;
    struct ts_err err = {0};
    struct import_opts o;
    struct import_summary s;

    data_dir = t_tmpdir();
    T_OK(import_init(data_dir, &err), &err);
    add_library("THCS-A", "Trường THCS A", "school");
    add_library("TV-HUYEN", "Thư viện huyện", "public");
    ts_buf_init(&b, 0);
    ts_buf_add(&b, "id,title,authors,date,type,barcode,library\n");
    for (int i = 0; i < N_CSV; i++)
        ts_buf_addf(&b, "r%d,Sách số %d,Tác giả %d,%d,%s,BC%05d,%s\n", i, i, i % 17, 1990 + i % 30,
                    i % 3 ? "book" : "ebook", i, i % 10 ? "THCS-A" : "TV-HUYEN");
    ts_buf_add(&b, "hostile,\"Tiêu đề <b>\"\"đậm\"\"</b> & 'nháy' </record>]]>\",Ai đó,2001,book,"
                   "BCX0001,THCS-A\n");
    snprintf(csv, sizeof csv, "%s/sach.csv", src);
    T_OK(ts_write_file_atomic(csv, b.data, b.len, &err), &err);
    ts_buf_free(&b);
    memset(&o, 0, sizeof o);
    o.data_dir = data_dir;
    o.library = "THCS-A";
    o.format = IMPORT_CSV;
    o.n_workers = 1;
    T_OK(import_metadata(csv, &o, &s, &err), &err);
    T_EQ_INT(s.created, N_CSV + 1);
    T_EQ_INT(s.rejected, 0);
    id_hostile = find_title(hostile_title);
    id_first = find_title("Sách số 0");
    id_pinned = find_title("Sách số 7");
    id_keep = find_title("Sách số 20");
    id_drop = find_title("Sách số 22");
    T_CHECK(id_hostile && id_first && id_pinned && id_keep && id_drop);
    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
    snprintf(repo, sizeof repo, "oai:127.0.0.1:record/");
}

/* ------------------------------------------------------------ helpers */

struct xdoc {
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
    long status;
};

static void xdoc_free(struct xdoc *x)
{
    xmlXPathFreeContext(x->ctx);
    xmlFreeDoc(x->doc);
    memset(x, 0, sizeof *x);
}

static void parse_into(struct t_http *r, struct xdoc *x)
{
    const char *ct = t_http_header(r, "Content-Type");

    memset(x, 0, sizeof *x);
    x->status = r->status;
    T_EQ_INT(r->status, 200);
    T_CHECK(ct && strncmp(ct, "text/xml", 8) == 0);
    x->doc = xmlReadMemory(r->body.data ? r->body.data : "", (int)r->body.len, NULL, NULL,
                           XML_PARSE_NONET);
    if (!T_CHECK(x->doc != NULL)) {
        fprintf(stderr, "  body: %.*s\n", (int)(r->body.len > 600 ? 600 : r->body.len),
                r->body.data ? r->body.data : "");
        x->doc = xmlReadMemory("<x/>", 4, NULL, NULL, 0);
    }
    x->ctx = xmlXPathNewContext(x->doc);
    xmlXPathRegisterNs(x->ctx, BAD_CAST "o", BAD_CAST OAI);
    xmlXPathRegisterNs(x->ctx, BAD_CAST "oai_dc",
                       BAD_CAST "http://www.openarchives.org/OAI/2.0/oai_dc/");
    xmlXPathRegisterNs(x->ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
    xmlXPathRegisterNs(x->ctx, BAD_CAST "marc", BAD_CAST "http://www.loc.gov/MARC21/slim");
    xmlXPathRegisterNs(x->ctx, BAD_CAST "id",
                       BAD_CAST "http://www.openarchives.org/OAI/2.0/oai-identifier");
}

/* GET /oai?<query>, parsed. */
static void oai_on(const struct t_srv *s, const char *query, struct xdoc *x)
{
    char path[4200];
    struct t_http r;

    snprintf(path, sizeof path, "/oai?%s", query);
    t_http_get(s, path, &r);
    parse_into(&r, x);
    t_http_free(&r);
}

static void oai(const char *query, struct xdoc *x)
{
    oai_on(&srv, query, x);
}

static double xp_num(struct xdoc *x, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->ctx);
    double v = o ? xmlXPathCastToNumber(o) : -1;
    xmlXPathFreeObject(o);
    return v;
}

/* string(expr) in a static buffer (one at a time). */
static const char *xp_str(struct xdoc *x, const char *expr)
{
    static char buf[8192];
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->ctx);
    xmlChar *s = o ? xmlXPathCastToString(o) : NULL;

    snprintf(buf, sizeof buf, "%s", s ? (const char *)s : "");
    xmlFree(s);
    xmlXPathFreeObject(o);
    return buf;
}

/* The error code of GET /oai?<query> ("" if none); a badVerb/badArgument
 * answer must not echo arguments in <request>. */
static const char *oai_error(const char *query)
{
    static char code[64];
    struct xdoc x;

    oai(query, &x);
    snprintf(code, sizeof code, "%.63s", xp_str(&x, "string(/o:OAI-PMH/o:error[1]/@code)"));
    if (!strcmp(code, "badVerb") || !strcmp(code, "badArgument"))
        if (!T_EQ_INT(xp_num(&x, "count(/o:OAI-PMH/o:request/@*)"), 0))
            fprintf(stderr, "  %s: <request> echoes arguments\n", query);
    T_EQ_INT(xp_num(&x, "count(/o:OAI-PMH/o:responseDate)"), 1);
    xdoc_free(&x);
    return code;
}

#define T_OAI_ERROR(query, want)                                                                   \
    do {                                                                                           \
        if (!T_EQ_STR(oai_error(query), want))                                                     \
            fprintf(stderr, "  query: %s\n", query);                                               \
    } while (0)

struct harvest {
    size_t n, deleted, pages;
    long complete;   /* completeListSize of the last token element */
    int64_t last_id; /* ids must rise strictly across the pages */
    int ordered, cursors_ok;
    char error[64];
    size_t n_metadata; /* records with metadata */
};

/* Follow resumption tokens to the end of the list. */
static void harvest(const char *verb, const char *args, struct harvest *h)
{
    char path[4096], item[64];
    long expect = 0;

    memset(h, 0, sizeof *h);
    h->ordered = h->cursors_ok = 1;
    h->complete = -1;
    snprintf(item, sizeof item, "/o:OAI-PMH/o:%s/%s", verb,
             strcmp(verb, "ListRecords") ? "o:header" : "o:record/o:header");
    snprintf(path, sizeof path, "verb=%s&%s", verb, args);
    for (int guard = 0; guard < 100; guard++) {
        struct xdoc x;
        xmlXPathObjectPtr ids;
        char expr[256];
        const char *tok;

        oai(path, &x);
        snprintf(h->error, sizeof h->error, "%.63s",
                 xp_str(&x, "string(/o:OAI-PMH/o:error/@code)"));
        if (h->error[0]) {
            xdoc_free(&x);
            return;
        }
        h->pages++;
        snprintf(expr, sizeof expr, "%s/o:identifier", item);
        ids = xmlXPathEvalExpression(BAD_CAST expr, x.ctx);
        for (int i = 0; ids && ids->nodesetval && i < ids->nodesetval->nodeNr; i++) {
            xmlChar *s = xmlNodeGetContent(ids->nodesetval->nodeTab[i]);
            int64_t id = 0;
            if (s && strncmp((const char *)s, repo, strlen(repo)) == 0)
                ts_parse_i64((const char *)s + strlen(repo), &id, NULL);
            if (id <= h->last_id)
                h->ordered = 0;
            h->last_id = id;
            h->n++;
            xmlFree(s);
        }
        xmlXPathFreeObject(ids);
        snprintf(expr, sizeof expr, "count(%s[@status='deleted'])", item);
        h->deleted += (size_t)xp_num(&x, expr);
        h->n_metadata += (size_t)xp_num(&x, "count(//o:record/o:metadata)");
        if (xp_num(&x, "count(//o:resumptionToken)") == 1) {
            if (xp_num(&x, "number(//o:resumptionToken/@cursor)") != (double)expect)
                h->cursors_ok = 0;
            h->complete = (long)xp_num(&x, "number(//o:resumptionToken/@completeListSize)");
        }
        expect = (long)h->n;
        tok = xp_str(&x, "string(//o:resumptionToken)");
        if (!*tok) {
            xdoc_free(&x);
            return;
        }
        snprintf(path, sizeof path, "verb=%.32s&resumptionToken=%.3000s", verb, tok);
        xdoc_free(&x);
    }
    T_CHECK(!"too many pages");
}

static int64_t live_records(void)
{
    catalog *cat = t_fx_open(data_dir);
    int64_t n = catalog_record_count(cat);
    catalog_close(cat);
    return n;
}

/* Records held by library `code` / of type `type`, from the catalogue. */
static size_t count_in(const char *code, const char *type)
{
    catalog *cat = t_fx_open(data_dir);
    int64_t *ids = NULL;
    size_t n = 0, hits = 0;
    struct ts_err err = {0};

    T_OK(catalog_record_ids(cat, &ids, &n, &err), &err);
    for (size_t i = 0; i < n; i++) {
        struct cat_record *r = NULL;
        if (catalog_record_get(cat, ids[i], &r, NULL) != TS_OK)
            continue;
        if (type && strcmp(r->resource_type, type) == 0)
            hits++;
        for (size_t k = 0; code && k < r->n_libraries; k++)
            if (strcmp(r->libraries[k], code) == 0) {
                hits++;
                break;
            }
        cat_record_free(r);
    }
    free(ids);
    catalog_close(cat);
    return hits;
}

/* ------------------------------------------------------------ verbs */

static void test_identify(void)
{
    struct xdoc x;
    char base[128];

    oai("verb=Identify", &x);
    snprintf(base, sizeof base, "http://127.0.0.1:%u/oai", srv.port);
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request/@verb)"), "Identify");
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request)"), base);
    T_EQ_STR(xp_str(&x, "string(//o:Identify/o:repositoryName)"), "tusach");
    T_EQ_STR(xp_str(&x, "string(//o:Identify/o:baseURL)"), base);
    T_EQ_STR(xp_str(&x, "string(//o:Identify/o:protocolVersion)"), "2.0");
    T_EQ_STR(xp_str(&x, "string(//o:Identify/o:deletedRecord)"), "persistent");
    T_EQ_STR(xp_str(&x, "string(//o:Identify/o:granularity)"), "YYYY-MM-DDThh:mm:ssZ");
    T_CHECK(strchr(xp_str(&x, "string(//o:Identify/o:adminEmail)"), '@') != NULL);
    T_EQ_INT(strlen(xp_str(&x, "string(//o:Identify/o:earliestDatestamp)")), 20);
    T_EQ_INT(strlen(xp_str(&x, "string(/o:OAI-PMH/o:responseDate)")), 20);
    /* 127.0.0.1 is not a domain name: no oai-identifier description */
    T_EQ_INT(xp_num(&x, "count(//o:Identify/o:description)"), 0);
    xdoc_free(&x);
}

static void test_list_metadata_formats(void)
{
    struct xdoc x;
    char q[256];

    oai("verb=ListMetadataFormats", &x);
    T_EQ_INT(xp_num(&x, "count(//o:metadataFormat)"), 2);
    T_EQ_STR(
        xp_str(&x, "string(//o:metadataFormat[o:metadataPrefix='oai_dc']/o:metadataNamespace)"),
        "http://www.openarchives.org/OAI/2.0/oai_dc/");
    T_EQ_STR(
        xp_str(&x, "string(//o:metadataFormat[o:metadataPrefix='marcxml']/o:metadataNamespace)"),
        "http://www.loc.gov/MARC21/slim");
    xdoc_free(&x);
    snprintf(q, sizeof q, "verb=ListMetadataFormats&identifier=%s%lld", repo, (long long)id_first);
    oai(q, &x);
    T_EQ_INT(xp_num(&x, "count(//o:metadataFormat)"), 2);
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request/@identifier)"), strstr(q, "identifier=") + 11);
    xdoc_free(&x);
    snprintf(q, sizeof q, "verb=ListMetadataFormats&identifier=%s999999", repo);
    T_OAI_ERROR(q, "idDoesNotExist");
}

static void test_list_sets(void)
{
    struct xdoc x;

    oai("verb=ListSets", &x);
    T_EQ_INT(xp_num(&x, "count(//o:set[o:setSpec='library'])"), 1);
    T_EQ_STR(xp_str(&x, "string(//o:set[o:setSpec='library:THCS-A']/o:setName)"), "Trường THCS A");
    T_EQ_STR(xp_str(&x, "string(//o:set[o:setSpec='library:TV-HUYEN']/o:setName)"),
             "Thư viện huyện");
    T_EQ_INT(xp_num(&x, "count(//o:set[o:setSpec='type'])"), 1);
    T_EQ_INT(xp_num(&x, "count(//o:set[o:setSpec='type:book'])"), 1);
    T_EQ_INT(xp_num(&x, "count(//o:set[o:setSpec='type:ebook'])"), 1);
    T_EQ_INT(xp_num(&x, "count(//o:set)"), 6);
    xdoc_free(&x);
    T_OAI_ERROR("verb=ListSets&resumptionToken=abc", "badResumptionToken");
}

static void test_get_record_dc(void)
{
    struct xdoc x;
    char q[256], page[128];

    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=oai_dc&identifier=%s%lld", repo,
             (long long)id_hostile);
    oai(q, &x);
    T_EQ_STR(xp_str(&x, "string(//o:GetRecord/o:record/o:header/o:identifier)"),
             strstr(q, "identifier=") + 11);
    T_EQ_INT(xp_num(&x, "count(//o:header[@status])"), 0);
    /* the markup in the title is text: escaped on the way out, intact on the way in */
    T_EQ_STR(xp_str(&x, "string(//o:metadata/oai_dc:dc/dc:title)"), hostile_title);
    T_EQ_STR(xp_str(&x, "string(//oai_dc:dc/dc:creator)"), "Ai đó");
    T_EQ_STR(xp_str(&x, "string(//oai_dc:dc/dc:date)"), "2001");
    T_EQ_STR(xp_str(&x, "string(//o:header/o:setSpec[starts-with(., 'library:')])"),
             "library:THCS-A");
    T_EQ_INT(xp_num(&x, "count(//o:header/o:setSpec[. = 'type:book'])"), 1);
    snprintf(page, sizeof page, "http://127.0.0.1:%u/records/%lld", srv.port,
             (long long)id_hostile);
    T_EQ_INT(xp_num(&x, "count(//dc:identifier)") >= 1, 1);
    {
        char expr[256];
        snprintf(expr, sizeof expr, "count(//dc:identifier[. = '%s'])", page);
        T_EQ_INT(xp_num(&x, expr), 1);
    }
    xdoc_free(&x);
}

static void test_get_record_marcxml(void)
{
    struct xdoc x;
    char q[256];

    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=marcxml&identifier=%s%lld", repo,
             (long long)id_hostile);
    oai(q, &x);
    T_EQ_INT(xp_num(&x, "count(//o:metadata/marc:record)"), 1);
    T_CHECK(strstr(xp_str(&x, "string(//marc:datafield[@tag='245']/marc:subfield[@code='a'])"),
                   "<b>\"đậm\"</b> & 'nháy'") != NULL);
    /* the copy travels as a 952 holding */
    T_CHECK(strstr(xp_str(&x, "string(//marc:datafield[@tag='952'])"), "BCX0001") != NULL);
    xdoc_free(&x);
}

static void test_errors(void)
{
    char q[512];
    struct xdoc x;

    /* badVerb: missing, unknown, repeated, empty */
    T_OAI_ERROR("", "badVerb");
    T_OAI_ERROR("metadataPrefix=oai_dc", "badVerb");
    T_OAI_ERROR("verb=Frobnicate", "badVerb");
    T_OAI_ERROR("verb=identify", "badVerb");
    T_OAI_ERROR("verb=Identify&verb=Identify", "badVerb");
    T_OAI_ERROR("verb=", "badVerb");
    /* badArgument: illegal, repeated, missing, empty, exclusive token, dates, set */
    T_OAI_ERROR("verb=Identify&set=type", "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument");
    T_OAI_ERROR("verb=ListRecords", "badArgument");
    T_OAI_ERROR("verb=ListIdentifiers&from=2020-01-01", "badArgument");
    T_OAI_ERROR("verb=GetRecord&metadataPrefix=oai_dc", "badArgument");
    snprintf(q, sizeof q, "verb=GetRecord&identifier=%s1", repo);
    T_OAI_ERROR(q, "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=", "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc", "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&from=2020-13-01", "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&from=2021-02-29", "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01T10:00:00", "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01T10:00:00.5Z",
                "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2020-02-01T00:00:00Z",
                "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-01&until=2020-01-01",
                "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&set=library::x", "badArgument");
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&set=a%20b", "badArgument");
    T_OAI_ERROR("verb=ListSets&set=type", "badArgument");
    /* several problems, several <error> elements */
    oai("verb=ListIdentifiers&foo=1&bar=2", &x);
    T_EQ_INT(xp_num(&x, "count(/o:OAI-PMH/o:error[@code='badArgument'])"), 2);
    xdoc_free(&x);
    /* cannotDisseminateFormat */
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=mods", "cannotDisseminateFormat");
    T_OAI_ERROR("verb=ListIdentifiers&metadataPrefix=oai_DC", "cannotDisseminateFormat");
    oai("verb=ListRecords&metadataPrefix=a%3Cb", &x);
    T_EQ_STR(xp_str(&x, "string(//o:error/@code)"), "cannotDisseminateFormat");
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request/@verb)"), "ListRecords");
    T_EQ_INT(xp_num(&x, "count(/o:OAI-PMH/o:request/@metadataPrefix)"), 0); /* not a valid prefix */
    xdoc_free(&x);
    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=mods&identifier=%s%lld", repo,
             (long long)id_first);
    T_OAI_ERROR(q, "cannotDisseminateFormat");
    /* idDoesNotExist: unknown id, another repository, not an identifier */
    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=oai_dc&identifier=%s999999", repo);
    T_OAI_ERROR(q, "idDoesNotExist");
    snprintf(q, sizeof q,
             "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.vn:record/%lld",
             (long long)id_first);
    T_OAI_ERROR(q, "idDoesNotExist");
    T_OAI_ERROR("verb=GetRecord&metadataPrefix=oai_dc&identifier=12", "idDoesNotExist");
    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=oai_dc&identifier=%s0", repo);
    T_OAI_ERROR(q, "idDoesNotExist");
    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=oai_dc&identifier=%s-1", repo);
    T_OAI_ERROR(q, "idDoesNotExist");
    /* noRecordsMatch: a future from, a past until, an unknown set */
    T_OAI_ERROR("verb=ListRecords&metadataPrefix=oai_dc&from=2099-01-01", "noRecordsMatch");
    T_OAI_ERROR("verb=ListIdentifiers&metadataPrefix=oai_dc&until=1990-01-01T00:00:00Z",
                "noRecordsMatch");
    T_OAI_ERROR("verb=ListIdentifiers&metadataPrefix=oai_dc&until=2024-02-29", "noRecordsMatch");
    T_OAI_ERROR("verb=ListIdentifiers&metadataPrefix=oai_dc&set=library:NOPE", "noRecordsMatch");
    T_OAI_ERROR("verb=ListIdentifiers&metadataPrefix=oai_dc&set=colour:red", "noRecordsMatch");
    T_OAI_ERROR("verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:video", "noRecordsMatch");
    /* the other HTTP methods */
    {
        struct t_http r;
        struct t_http_opts o = {0};
        o.method = "PUT";
        t_http_do(&srv, "/oai?verb=Identify", &o, &r);
        T_EQ_INT(r.status, 405);
        t_http_free(&r);
    }
}

static void test_bad_tokens(void)
{
    struct xdoc x;
    char tok[1024], q[1200];
    size_t n;

    oai("verb=ListIdentifiers&metadataPrefix=oai_dc", &x);
    snprintf(tok, sizeof tok, "%.1023s", xp_str(&x, "string(//o:resumptionToken)"));
    xdoc_free(&x);
    n = strlen(tok);
    T_REQUIRE(n > 20);
    /* the genuine token works */
    snprintf(q, sizeof q, "verb=ListIdentifiers&resumptionToken=%s", tok);
    oai(q, &x);
    T_EQ_INT(xp_num(&x, "count(//o:ListIdentifiers/o:header)"), 100);
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request/@resumptionToken)"), tok);
    xdoc_free(&x);
    /* garbage, truncated, tampered, cross-verb */
    T_OAI_ERROR("verb=ListIdentifiers&resumptionToken=garbage", "badResumptionToken");
    T_OAI_ERROR("verb=ListRecords&resumptionToken=%21%21%21", "badResumptionToken");
    snprintf(q, sizeof q, "verb=ListIdentifiers&resumptionToken=%.*s", (int)(n - 3), tok);
    T_OAI_ERROR(q, "badResumptionToken");
    for (size_t pos = 2; pos < n; pos += n / 5) {
        char bad[1024];
        snprintf(bad, sizeof bad, "%s", tok);
        bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
        snprintf(q, sizeof q, "verb=ListIdentifiers&resumptionToken=%s", bad);
        T_OAI_ERROR(q, "badResumptionToken");
    }
    snprintf(q, sizeof q, "verb=ListRecords&resumptionToken=%s", tok);
    T_OAI_ERROR(q, "badResumptionToken");
    snprintf(q, sizeof q, "verb=ListIdentifiers&resumptionToken=%sAAAA", tok);
    T_OAI_ERROR(q, "badResumptionToken");
}

/* ------------------------------------------------------------ lists */

static void test_paging(void)
{
    struct harvest h;
    int64_t total = live_records();

    T_EQ_INT(total, N_CSV + 1);
    harvest("ListIdentifiers", "metadataPrefix=oai_dc", &h);
    T_EQ_STR(h.error, "");
    T_EQ_INT(h.n, total);
    T_EQ_INT(h.pages, 3);
    T_EQ_INT(h.complete, total);
    T_CHECK(h.ordered && h.cursors_ok);
    T_EQ_INT(h.deleted, 0);
    harvest("ListRecords", "metadataPrefix=oai_dc", &h);
    T_EQ_STR(h.error, "");
    T_EQ_INT(h.n, total);
    T_EQ_INT(h.n_metadata, total);
    T_EQ_INT(h.complete, total);
    T_CHECK(h.ordered && h.cursors_ok);
    harvest("ListRecords", "metadataPrefix=marcxml", &h);
    T_EQ_STR(h.error, "");
    T_EQ_INT(h.n, total);
    T_EQ_INT(h.n_metadata, total);
    T_CHECK(h.ordered && h.cursors_ok);
}

static void test_one_page(void)
{
    struct xdoc x;

    /* a list that fits one page has no resumptionToken at all */
    oai("verb=ListIdentifiers&metadataPrefix=oai_dc&set=library:TV-HUYEN", &x);
    T_EQ_INT(xp_num(&x, "count(//o:ListIdentifiers/o:header)"), N_CSV / 10);
    T_EQ_INT(xp_num(&x, "count(//o:resumptionToken)"), 0);
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request/@set)"), "library:TV-HUYEN");
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request/@metadataPrefix)"), "oai_dc");
    xdoc_free(&x);
}

static void test_sets(void)
{
    struct harvest h;

    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=library:THCS-A", &h);
    T_EQ_INT(h.n, count_in("THCS-A", NULL));
    T_EQ_INT(h.n, N_CSV - N_CSV / 10 + 1);
    harvest("ListRecords", "metadataPrefix=marcxml&set=library:TV-HUYEN", &h);
    T_EQ_INT(h.n, count_in("TV-HUYEN", NULL));
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=library", &h);
    T_EQ_INT(h.n, live_records());
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=type:ebook", &h);
    T_EQ_INT(h.n, count_in(NULL, "ebook"));
    T_EQ_INT(h.n, (N_CSV + 2) / 3);
    harvest("ListRecords", "metadataPrefix=oai_dc&set=type:book", &h);
    T_EQ_INT(h.n, count_in(NULL, "book"));
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=type", &h);
    T_EQ_INT(h.n, live_records());
}

static int64_t clock_fn(void *ctx)
{
    return *(const int64_t *)ctx;
}

static void test_from_until(void)
{
    static int64_t now = T_PINNED;
    struct ts_err err = {0};
    catalog *cat = t_fx_open(data_dir);
    struct harvest h;
    struct xdoc x;
    char q[256];

    /* an edit at a pinned time gives record 7 the datestamp 2030-06-15T10:20:30Z */
    catalog_set_clock(cat, clock_fn, &now);
    T_OK(catalog_record_set(cat, id_pinned, "notes", "sửa lúc 10:20:30", "test", &err), &err);
    catalog_close(cat);
    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=oai_dc&identifier=%s%lld", repo,
             (long long)id_pinned);
    oai(q, &x);
    T_EQ_STR(xp_str(&x, "string(//o:header/o:datestamp)"), "2030-06-15T10:20:30Z");
    xdoc_free(&x);
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&from=2030-06-15", &h);
    T_EQ_INT(h.n, 1);
    T_EQ_INT(h.last_id, id_pinned);
    harvest("ListIdentifiers",
            "metadataPrefix=oai_dc&from=2030-06-15T10:20:30Z"
            "&until=2030-06-15T10:20:30Z",
            &h);
    T_EQ_INT(h.n, 1);
    harvest("ListRecords", "metadataPrefix=oai_dc&from=2030-06-15&until=2030-06-15", &h);
    T_EQ_INT(h.n, 1);
    harvest("ListRecords", "metadataPrefix=oai_dc&from=2030-06-15T10:20:31Z", &h);
    T_EQ_STR(h.error, "noRecordsMatch");
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&until=2030-06-15T10:20:29Z", &h);
    T_EQ_INT(h.n, live_records() - 1);
    T_EQ_INT(h.complete, live_records() - 1);
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&until=2030-06-14", &h);
    T_EQ_INT(h.n, live_records() - 1);
    /* from + set */
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&from=2030-01-01&set=type:book", &h);
    T_EQ_INT(h.n, 1); /* record 7 is a book */
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&from=2030-01-01&set=type:ebook", &h);
    T_EQ_STR(h.error, "noRecordsMatch");
}

static void test_tombstone(void)
{
    static int64_t now = T_MERGE;
    struct ts_err err = {0};
    catalog *cat = t_fx_open(data_dir);
    struct harvest h;
    struct xdoc x;
    char q[256];
    int64_t live;

    catalog_set_clock(cat, clock_fn, &now);
    T_OK(catalog_record_merge(cat, id_keep, id_drop, "test", &err), &err);
    catalog_close(cat);
    live = live_records();
    T_EQ_INT(live, N_CSV);
    /* the dropped record answers as deleted: header only, the merge time as datestamp */
    snprintf(q, sizeof q, "verb=GetRecord&metadataPrefix=oai_dc&identifier=%s%lld", repo,
             (long long)id_drop);
    oai(q, &x);
    T_EQ_STR(xp_str(&x, "string(//o:record/o:header/@status)"), "deleted");
    T_EQ_STR(xp_str(&x, "string(//o:header/o:datestamp)"), "2031-01-01T00:00:00Z");
    T_EQ_INT(xp_num(&x, "count(//o:record/o:metadata)"), 0);
    T_EQ_INT(xp_num(&x, "count(//o:header/o:setSpec[. = 'library:THCS-A'])"), 1);
    T_EQ_INT(xp_num(&x, "count(//o:header/o:setSpec[. = 'type:book'])"), 1);
    xdoc_free(&x);
    snprintf(q, sizeof q, "verb=ListMetadataFormats&identifier=%s%lld", repo, (long long)id_drop);
    oai(q, &x);
    T_EQ_INT(xp_num(&x, "count(//o:metadataFormat)"), 2);
    xdoc_free(&x);
    /* lists: every record plus the deleted one */
    harvest("ListIdentifiers", "metadataPrefix=oai_dc", &h);
    T_EQ_INT(h.n, live + 1);
    T_EQ_INT(h.deleted, 1);
    T_EQ_INT(h.complete, live + 1);
    harvest("ListRecords", "metadataPrefix=marcxml", &h);
    T_EQ_INT(h.n, live + 1);
    T_EQ_INT(h.deleted, 1);
    T_EQ_INT(h.n_metadata, live);
    /* an incremental harvest since the merge sees the deletion */
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&from=2031-01-01T00:00:00Z", &h);
    T_EQ_INT(h.deleted, 1);
    T_CHECK(h.n >= 1 && h.n <= 2); /* and the kept record if the merge changed it */
    /* set harvests report the deletion in the sets the record was in */
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=library:THCS-A&from=2031-01-01", &h);
    T_EQ_INT(h.deleted, 1);
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=library:TV-HUYEN&from=2031-01-01", &h);
    T_EQ_INT(h.deleted, 0);
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=type:book&from=2031-01-01", &h);
    T_EQ_INT(h.deleted, 1);
    harvest("ListIdentifiers", "metadataPrefix=oai_dc&set=type:ebook&from=2031-01-01", &h);
    T_EQ_INT(h.deleted, 0);
    /* earliestDatestamp is still the earliest one */
    oai("verb=Identify", &x);
    T_CHECK(strcmp(xp_str(&x, "string(//o:earliestDatestamp)"), "2031") < 0);
    xdoc_free(&x);
}

static void test_post(void)
{
    static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    static const char *const json[] = {"Content-Type: application/json", NULL};
    struct t_http_opts o = {0};
    struct t_http r;
    struct xdoc x;
    char body[256];

    o.method = "POST";
    o.headers = form;
    snprintf(body, sizeof body, "verb=GetRecord&metadataPrefix=oai_dc&identifier=%s%lld", repo,
             (long long)id_first);
    /* percent-encode the colons as a browser form would */
    {
        struct ts_buf b;
        ts_buf_init(&b, 0);
        for (const char *p = body; *p; p++)
            if (*p == ':')
                ts_buf_add(&b, "%3A");
            else
                ts_buf_addc(&b, *p);
        o.body = b.data;
        o.body_len = b.len;
        t_http_do(&srv, "/oai", &o, &r);
        ts_buf_free(&b);
    }
    parse_into(&r, &x);
    t_http_free(&r);
    T_EQ_STR(xp_str(&x, "string(//oai_dc:dc/dc:title)"), "Sách số 0");
    T_EQ_STR(xp_str(&x, "string(/o:OAI-PMH/o:request/@verb)"), "GetRecord");
    xdoc_free(&x);
    o.body = "verb=ListSets";
    o.body_len = strlen(o.body);
    t_http_do(&srv, "/oai", &o, &r);
    parse_into(&r, &x);
    t_http_free(&r);
    T_EQ_INT(xp_num(&x, "count(//o:set)"), 6);
    xdoc_free(&x);
    o.body = "verb=ListSets&set=%zz";
    o.body_len = strlen(o.body);
    t_http_do(&srv, "/oai", &o, &r);
    parse_into(&r, &x);
    t_http_free(&r);
    T_EQ_STR(xp_str(&x, "string(//o:error/@code)"), "badArgument");
    xdoc_free(&x);
    o.headers = json;
    o.body = "verb=Identify";
    o.body_len = strlen(o.body);
    t_http_do(&srv, "/oai", &o, &r);
    parse_into(&r, &x);
    t_http_free(&r);
    T_EQ_STR(xp_str(&x, "string(//o:error/@code)"), "badArgument");
    xdoc_free(&x);
    /* HEAD is served by the GET route */
    o.method = "HEAD";
    o.headers = NULL;
    o.body = NULL;
    o.body_len = 0;
    t_http_do(&srv, "/oai?verb=Identify", &o, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_INT(r.body.len, 0);
    t_http_free(&r);
}

static void test_configured_identity(void)
{
    struct server_config cfg;
    struct ts_err err = {0};
    struct t_srv s2;
    struct xdoc x;
    char q[256];

    server_config_default(&cfg);
    cfg.threads = 1;
    T_OK(server_config_set(&cfg, "oai-repository-name", "Thư viện số huyện", &err), &err);
    T_OK(server_config_set(&cfg, "oai-admin-email", "thuvien@example.vn", &err), &err);
    T_OK(server_config_set(&cfg, "oai-repository-id", "thuvien.example.vn", &err), &err);
    T_OK(server_config_set(&cfg, "oai-base-url", "https://thuvien.example.vn/oai", &err), &err);
    T_REQUIRE(t_srv_start(&s2, data_dir, &cfg) == 0);
    oai_on(&s2, "verb=Identify", &x);
    T_EQ_STR(xp_str(&x, "string(//o:repositoryName)"), "Thư viện số huyện");
    T_EQ_STR(xp_str(&x, "string(//o:adminEmail)"), "thuvien@example.vn");
    T_EQ_STR(xp_str(&x, "string(//o:baseURL)"), "https://thuvien.example.vn/oai");
    T_EQ_STR(xp_str(&x, "string(//id:oai-identifier/id:repositoryIdentifier)"),
             "thuvien.example.vn");
    T_EQ_STR(xp_str(&x, "string(//id:oai-identifier/id:sampleIdentifier)"),
             "oai:thuvien.example.vn:record/1");
    xdoc_free(&x);
    snprintf(q, sizeof q,
             "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:thuvien.example.vn:"
             "record/%lld",
             (long long)id_first);
    oai_on(&s2, q, &x);
    T_EQ_STR(xp_str(&x, "string(//dc:title)"), "Sách số 0");
    T_CHECK(
        xp_num(&x,
               "count(//dc:identifier[starts-with(., 'https://thuvien.example.vn/records/')])") ==
        1);
    xdoc_free(&x);
    t_srv_stop(&s2);
    T_CHECK(server_config_set(&cfg, "oai-frobnicate", "x", &err) != TS_OK);
}

static void test_teardown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", test_setup},
        {"identify", test_identify},
        {"list_metadata_formats", test_list_metadata_formats},
        {"list_sets", test_list_sets},
        {"get_record_dc", test_get_record_dc},
        {"get_record_marcxml", test_get_record_marcxml},
        {"errors", test_errors},
        {"bad_tokens", test_bad_tokens},
        {"paging", test_paging},
        {"one_page", test_one_page},
        {"sets", test_sets},
        {"from_until", test_from_until},
        {"tombstone", test_tombstone},
        {"post", test_post},
        {"configured_identity", test_configured_identity},
        {"teardown", test_teardown},
        {0},
    };
    int rc;

    xmlInitParser();
    rc = t_main(cases, argc, argv);
    xmlCleanupParser();
    return rc;
}
