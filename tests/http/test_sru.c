/*
 * tests/http/test_sru.c - SRU at /sru end to end: the real server in-process
 * over a data folder imported through the import API (feeds_fixture.h),
 * every answer parsed with libxml2 and read with XPath.
 *
 * Covers explain (with and without operation=), searchRetrieve in MARCXML
 * (the default; records parse as MARC 21 slim with the title in 245 and the
 * copies in 952) and Dublin Core, recordPacking=string, SRU 2.0 namespaces,
 * paging (numberOfRecords, recordPosition, nextRecordPosition, startRecord
 * past the end -> 61, maximumRecords=0 and its cap), CQL running as one
 * search (words, phrases, fields, ISBN with hyphens, filters alone,
 * cql.allRecords) and as sets (or, not, any), the diagnostics as XML (4, 5,
 * 6, 7, 10, 16, 19, 66, 71, 72, 80), and escaping of records whose fields
 * hold markup or characters XML cannot carry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds_fixture.h"

#define SR "/sru?version=1.2&operation=searchRetrieve"

static int64_t id_de_men;

static void test_setup(void)
{
    fx_setup();
    id_de_men = fx_record("Dế Mèn");
    T_CHECK(id_de_men != 0);
}

/* GET /sru with `args`, expecting HTTP 200 and a well-formed answer. */
static void sru(const char *args, struct fx_doc *d)
{
    char path[2048];

    snprintf(path, sizeof path, "%s%s", SR, args);
    fx_get(path, d);
    if (!T_EQ_INT(d->status, 200) || !T_CHECK(d->doc != NULL))
        fprintf(stderr, "  GET %s\n%s\n", path, d->body);
    T_CHECK(strncmp(d->content_type, "application/xml", 15) == 0);
}

/* The request gives exactly one diagnostic, `code`, with `details`. */
static void expect_diag(const char *path, int code, const char *details)
{
    struct fx_doc d;
    char uri[64];

    fx_get(path, &d);
    T_EQ_INT(d.status, 200);
    T_CHECK(d.doc != NULL);
    snprintf(uri, sizeof uri, "info:srw/diagnostic/1/%d", code);
    if (!T_EQ_STR(fx_str(&d, "//zs:diagnostics/diag:diagnostic/diag:uri"), uri))
        fprintf(stderr, "  GET %s\n%s\n", path, d.body);
    T_EQ_INT(fx_count(&d, "//zs:diagnostics/diag:diagnostic"), 1);
    if (details)
        T_EQ_STR(fx_str(&d, "//diag:diagnostic/diag:details"), details);
    T_CHECK(fx_str(&d, "//diag:diagnostic/diag:message")[0] != '\0');
    T_EQ_INT(fx_count(&d, "//zs:record"), 0);
    fx_doc_free(&d);
}

static void test_explain(void)
{
    const char *paths[] = {"/sru", "/sru?operation=explain&version=1.2"};

    for (size_t i = 0; i < 2; i++) {
        struct fx_doc d;
        fx_get(paths[i], &d);
        T_EQ_INT(d.status, 200);
        T_REQUIRE(d.doc != NULL);
        T_EQ_STR(fx_str(&d, "/zs:explainResponse/zs:version"), "1.2");
        T_EQ_STR(fx_str(&d, "//zs:record/zs:recordSchema"), "http://explain.z3950.org/dtd/2.0/");
        T_EQ_INT(fx_count(&d, "//zs:recordData/ex:explain/ex:serverInfo[@protocol='SRU']"), 1);
        T_EQ_STR(fx_str(&d, "//ex:serverInfo/ex:database"), "sru");
        T_EQ_INT(fx_num(&d, "//ex:serverInfo/ex:port"), srv.port);
        T_EQ_INT(fx_count(&d, "//ex:indexInfo/ex:index/ex:map/ex:name[@set='dc' and .='title']"),
                 1);
        T_EQ_INT(fx_count(&d, "//ex:index/ex:map/ex:name[@set='dc' and .='creator']"), 1);
        T_EQ_INT(fx_count(&d, "//ex:index/ex:map/ex:name[@set='dc' and .='subject']"), 1);
        T_EQ_INT(fx_count(&d, "//ex:index/ex:map/ex:name[@set='bath' and .='isbn']"), 1);
        T_EQ_INT(fx_count(&d, "//ex:index/ex:map/ex:name[@set='cql' and .='serverChoice']"), 1);
        T_EQ_INT(fx_count(&d, "//ex:schemaInfo/ex:schema[@name='marcxml' and "
                              "@identifier='info:srw/schema/1/marcxml-v1.1']"),
                 1);
        T_EQ_INT(fx_count(&d, "//ex:schemaInfo/ex:schema[@name='dc']"), 1);
        T_EQ_INT(fx_count(&d, "//zs:diagnostics"), 0);
        fx_doc_free(&d);
    }
}

static void test_marcxml(void)
{
    struct fx_doc d;

    sru("&query=d%E1%BA%BF%20m%C3%A8n%20phi%C3%AAu%20l%C6%B0u", &d);
    T_CHECK(fx_num(&d, "//zs:numberOfRecords") >= 1);
    T_EQ_STR(fx_str(&d, "//zs:record[1]/zs:recordSchema"), "info:srw/schema/1/marcxml-v1.1");
    T_EQ_STR(fx_str(&d, "//zs:record[1]/zs:recordPacking"), "xml");
    T_EQ_INT(fx_num(&d, "//zs:record[1]/zs:recordPosition"), 1);
    T_EQ_INT(fx_count(&d, "//zs:record[1]/zs:recordData/m:record/m:leader"), 1);
    T_CHECK(fx_has(fx_str(&d, "//zs:record[1]//m:datafield[@tag='245']/m:subfield[@code='a']"),
                   "Dế Mèn"));
    T_EQ_STR(fx_str(&d, "//zs:record[1]//m:datafield[@tag='100']/m:subfield[@code='a']"),
             "Tô Hoài");
    T_EQ_STR(fx_str(&d, "//zs:record[1]//m:datafield[@tag='020']/m:subfield[@code='a']"),
             ISBN_DE_MEN);
    T_EQ_STR(fx_str(&d, "//zs:record[1]//m:datafield[@tag='952']/m:subfield[@code='p']"), "DM-001");
    T_EQ_STR(fx_str(&d, "//zs:echoedSearchRetrieveRequest/zs:query"), "dế mèn phiêu lưu");
    fx_doc_free(&d);
    /* recordSchema names for MARCXML */
    sru("&query=d%E1%BA%BF%20m%C3%A8n&recordSchema=info:srw/schema/1/marcxml-v1.1", &d);
    T_EQ_INT(fx_count(&d, "//zs:recordData/m:record"), fx_count(&d, "//zs:record"));
    fx_doc_free(&d);
}

static void test_dc_and_packing(void)
{
    struct fx_doc d;
    char expr[128];

    sru("&query=dc.creator%3D%22T%C3%B4%20Ho%C3%A0i%22&recordSchema=dc", &d);
    T_CHECK(fx_num(&d, "//zs:numberOfRecords") >= 1);
    T_EQ_STR(fx_str(&d, "//zs:record[1]/zs:recordSchema"), "info:srw/schema/1/dc-v1.1");
    T_EQ_STR(fx_str(&d, "//zs:record[1]//srw_dc:dc/dce:title"), "Dế Mèn phiêu lưu ký");
    T_EQ_STR(fx_str(&d, "//zs:record[1]//srw_dc:dc/dce:creator"), "Tô Hoài");
    T_EQ_STR(fx_str(&d, "//zs:record[1]//srw_dc:dc/dce:language"), "vi");
    T_EQ_STR(fx_str(&d, "//zs:record[1]//srw_dc:dc/dce:subject"), "Văn học thiếu nhi");
    T_EQ_STR(fx_str(&d, "//zs:record[1]//srw_dc:dc/dce:identifier"), "urn:isbn:" ISBN_DE_MEN);
    fx_doc_free(&d);

    /* recordPacking=string: the record as escaped text */
    sru("&query=d%E1%BA%BF%20m%C3%A8n&recordPacking=string&recordSchema=dc", &d);
    T_EQ_STR(fx_str(&d, "//zs:record[1]/zs:recordPacking"), "string");
    T_EQ_INT(fx_count(&d, "//zs:recordData/*"), 0);
    snprintf(expr, sizeof expr, "%s", fx_str(&d, "//zs:record[1]/zs:recordData"));
    T_CHECK(strncmp(expr, "<srw_dc:dc", 10) == 0);
    T_CHECK(fx_has(d.body, "&lt;srw_dc:dc"));
    fx_doc_free(&d);

    /* SRU 2.0 */
    fx_get("/sru?version=2.0&query=d%E1%BA%BF%20m%C3%A8n&recordXMLEscaping=xml", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_STR(fx_str(&d, "/sru:searchRetrieveResponse/sru:version"), "2.0");
    T_CHECK(fx_num(&d, "//sru:numberOfRecords") >= 1);
    T_EQ_STR(fx_str(&d, "//sru:record[1]/sru:recordXMLEscaping"), "xml");
    T_EQ_INT(fx_count(&d, "//sru:record[1]/sru:recordData/m:record"), 1);
    T_CHECK(fx_str(&d, "//sru:resultCountPrecision")[0] != '\0');
    fx_doc_free(&d);
    fx_get("/sru?version=2.0&query=dc.nope%3Dx", &d);
    T_EQ_STR(fx_str(&d, "//sru:diagnostics/diag2:diagnostic/diag2:uri"),
             "info:srw/diagnostic/1/16");
    fx_doc_free(&d);
}

static void test_paging(void)
{
    struct fx_doc d;
    long total;

    /* filters alone: the catalogue, exact totals, newest first */
    sru("&query=tusach.library%3DTV-Q1&maximumRecords=10", &d);
    T_EQ_INT(fx_num(&d, "//zs:numberOfRecords"), 5 + FILLER_N);
    T_EQ_INT(fx_count(&d, "//zs:record"), 10);
    T_EQ_INT(fx_num(&d, "//zs:record[1]/zs:recordPosition"), 1);
    T_EQ_INT(fx_num(&d, "//zs:record[10]/zs:recordPosition"), 10);
    T_EQ_INT(fx_num(&d, "//zs:nextRecordPosition"), 11);
    fx_doc_free(&d);
    sru("&query=tusach.library%3DTV-Q1&startRecord=61&maximumRecords=10", &d);
    T_EQ_INT(fx_count(&d, "//zs:record"), 5 + FILLER_N - 60);
    T_EQ_INT(fx_num(&d, "//zs:record[1]/zs:recordPosition"), 61);
    T_EQ_INT(fx_count(&d, "//zs:nextRecordPosition"), 0);
    fx_doc_free(&d);
    /* past the end: the count and diagnostic 61, not fatal */
    sru("&query=tusach.library%3DTV-Q1&startRecord=100", &d);
    T_EQ_INT(fx_num(&d, "//zs:numberOfRecords"), 5 + FILLER_N);
    T_EQ_INT(fx_count(&d, "//zs:record"), 0);
    T_EQ_STR(fx_str(&d, "//diag:uri"), "info:srw/diagnostic/1/61");
    fx_doc_free(&d);
    /* count only; and the cap of 50 */
    sru("&query=cql.allRecords%3D1&maximumRecords=0", &d);
    T_EQ_INT(fx_num(&d, "//zs:numberOfRecords"), N_RECORDS);
    T_EQ_INT(fx_count(&d, "//zs:record"), 0);
    T_EQ_INT(fx_count(&d, "//zs:diagnostics"), 0);
    fx_doc_free(&d);
    sru("&query=cql.allRecords%3D1&maximumRecords=500", &d);
    T_EQ_INT(fx_count(&d, "//zs:record"), 50);
    T_EQ_INT(fx_num(&d, "//zs:nextRecordPosition"), 51);
    fx_doc_free(&d);
    /* default page size 10; text search pages through the indexer */
    sru("&query=s%C3%A1ch%20b%C3%A0i%20t%E1%BA%ADp", &d);
    total = fx_num(&d, "//zs:numberOfRecords");
    T_CHECK(total >= FILLER_N);
    T_EQ_INT(fx_count(&d, "//zs:record"), 10);
    fx_doc_free(&d);
    sru("&query=s%C3%A1ch%20b%C3%A0i%20t%E1%BA%ADp&startRecord=41&maximumRecords=20", &d);
    T_EQ_INT(fx_count(&d, "//zs:record"), 20);
    T_EQ_INT(fx_num(&d, "//zs:record[1]/zs:recordPosition"), 41);
    T_EQ_INT(fx_num(&d, "//zs:nextRecordPosition"), 61);
    fx_doc_free(&d);
}

/* numberOfRecords of a query (URL-encoded) */
static long hits(const char *q)
{
    struct fx_doc d;
    char args[1024];
    long n;

    snprintf(args, sizeof args, "&maximumRecords=0&query=%s", q);
    sru(args, &d);
    n = fx_count(&d, "//zs:diagnostics") ? -1 : fx_num(&d, "//zs:numberOfRecords");
    if (n < 0)
        fprintf(stderr, "  query %s: %s\n", q, d.body);
    fx_doc_free(&d);
    return n;
}

static void test_queries(void)
{
    T_EQ_INT(hits("dc.title%3D%22d%E1%BA%BF%20m%C3%A8n%22"), 1); /* dc.title="dế mèn" */
    T_EQ_INT(hits("dc.creator%3Dhoai"), 1);
    T_EQ_INT(hits("bath.isbn%3D978-604-208123-8"), 1); /* hyphens */
    T_EQ_INT(hits("dc.identifier%3D" ISBN_DE_MEN), 1);
    T_EQ_INT(hits("dc.language%3Den"), 1);
    T_EQ_INT(hits("dc.type%3Debook"), 1);
    T_EQ_INT(hits("dc.date%3D2019"), 1);
    T_EQ_INT(hits("dc.language%3Dvi%20and%20dc.language%3Den"), 0);
    T_EQ_INT(hits("tusach.library%3DNOPE"), 0);
    T_EQ_INT(hits("tusach.library%3DTHCS-A"), 2);
    /* with filters: the indexer filters */
    T_EQ_INT(hits("d%E1%BA%BF%20and%20dc.date%3D2019"), 1);
    /* sets: or, not, any */
    T_EQ_INT(hits("dc.creator%3Dhoai%20or%20dc.creator%3Dph%E1%BB%A5ng"), 2);
    T_EQ_INT(hits("dc.creator%20any%20%22hoai%20ph%E1%BB%A5ng%22"), 2);
    T_EQ_INT(hits("(dc.creator%3Dhoai%20or%20dc.creator%3Dph%E1%BB%A5ng)%20not%20dc.date%3D2016"),
             1);
    T_EQ_INT(hits("tusach.library%3DTHCS-A%20not%20dc.type%3Debook"), 1);
    T_EQ_INT(hits("dc.language%3Den%20or%20dc.type%3Debook"), 2);
    T_EQ_INT(hits("zzqqxx"), 0);
}

static void test_diagnostics(void)
{
    expect_diag(SR, 7, "query");
    expect_diag(SR "&query=", 7, "query");
    expect_diag(SR "&query=(d%E1%BA%BF", 10, NULL);
    expect_diag(SR "&query=a%20and", 10, NULL);
    expect_diag(SR "&query=dc.format%3Dpdf", 16, "dc.format");
    expect_diag(SR "&query=dc.title%3Cx", 19, "<");
    expect_diag(SR "&query=x&recordSchema=mods", 66, "mods");
    expect_diag(SR "&query=x&startRecord=0", 6, "startRecord");
    expect_diag(SR "&query=x&startRecord=abc", 6, "startRecord");
    expect_diag(SR "&query=x&startRecord=10001", 6, "startRecord");
    expect_diag(SR "&query=x&maximumRecords=-1", 6, "maximumRecords");
    expect_diag(SR "&query=x&recordPacking=zip", 71, "zip");
    expect_diag(SR "&query=x&recordXPath=/a", 72, NULL);
    expect_diag(SR "&query=x&sortKeys=title", 80, NULL);
    expect_diag(SR "&query=x%20sortBy%20dc.title", 80, NULL);
    expect_diag(SR "&query=x*", 28, NULL);
    expect_diag("/sru?version=3.0&operation=searchRetrieve&query=x", 5, "2.0");
    expect_diag("/sru?version=1.2&operation=scan&scanClause=x", 4, "scan");
    /* no operation but a query: searchRetrieve */
    {
        struct fx_doc d;
        fx_get("/sru?query=d%E1%BA%BF", &d);
        T_EQ_INT(fx_count(&d, "/zs:searchRetrieveResponse"), 1);
        fx_doc_free(&d);
    }
}

static void test_escaping(void)
{
    struct fx_doc d;

    /* newest first: the raw catalogue record, then the filler */
    sru("&query=cql.allRecords%3D1&maximumRecords=1&recordSchema=dc", &d);
    T_REQUIRE(d.doc != NULL);
    T_EQ_STR(fx_str(&d, "//srw_dc:dc/dce:title"), "Ký tự điều khiển và \xef\xbf\xbd lỗi");
    fx_doc_free(&d);
    sru("&query=cql.allRecords%3D1&maximumRecords=1", &d);
    T_REQUIRE(d.doc != NULL);
    /* MARC refuses the byte that is not UTF-8: a surrogate diagnostic in its place */
    T_EQ_INT(fx_count(&d, "//zs:record"), 1);
    T_EQ_STR(fx_str(&d, "//zs:record/zs:recordSchema"), "info:srw/schema/1/diagnostics-v1.1");
    T_EQ_STR(fx_str(&d, "//zs:record/zs:recordData/diag:diagnostic/diag:uri"),
             "info:srw/diagnostic/1/67");
    T_EQ_INT(fx_num(&d, "//zs:record/zs:recordPosition"), 1);
    fx_doc_free(&d);
    sru("&query=alert&recordSchema=dc", &d);
    T_REQUIRE(d.doc != NULL);
    T_CHECK(!strstr(d.body, "<script>"));
    T_CHECK(fx_has(fx_str(&d, "//srw_dc:dc/dce:title"), "<script>alert(\"x\")</script>"));
    fx_doc_free(&d);
    sru("&query=alert", &d);
    T_REQUIRE(d.doc != NULL);
    T_CHECK(!strstr(d.body, "<script>"));
    T_CHECK(fx_has(fx_str(&d, "//m:datafield[@tag='245']/m:subfield[@code='a']"), "<script>"));
    fx_doc_free(&d);
    /* the query echoed back, escaped */
    sru("&query=%22%3C%2Fzs%3Aquery%3E%26%22", &d);
    T_REQUIRE(d.doc != NULL);
    T_EQ_STR(fx_str(&d, "//zs:echoedSearchRetrieveRequest/zs:query"), "\"</zs:query>&\"");
    fx_doc_free(&d);
}

static void test_shutdown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", test_setup},
        {"explain", test_explain},
        {"marcxml", test_marcxml},
        {"dc_and_packing", test_dc_and_packing},
        {"paging", test_paging},
        {"queries", test_queries},
        {"diagnostics", test_diagnostics},
        {"escaping", test_escaping},
        {"shutdown", test_shutdown},
        {0},
    };
    int rc = t_main(cases, argc, argv);
    xmlCleanupParser();
    return rc;
}
