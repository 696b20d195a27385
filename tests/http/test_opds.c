/*
 * tests/http/test_opds.c - the OPDS 1.2 catalogue end to end: the real
 * server in-process over a data folder imported through the import API
 * (feeds_fixture.h), every answer parsed with libxml2 and read with XPath.
 *
 * Covers the navigation root and the type / library / language navigation
 * feeds (links, profile content types, thr:count), the acquisition feeds
 * (newest first, 50 per page with first/previous/next/last links and the
 * OpenSearch totals, entry ids, authors, dc:language, summary, updated,
 * alternate links, open-access acquisition links with the file's media type
 * that download the file, paper-only records listed without one), filters by
 * type, library and language, the OpenSearch description and search feed,
 * 404 / 400 answers, ETag + 304 and gzip for atom+xml, HEAD and 405, and
 * escaping: a record full of markup and control characters still gives a
 * well-formed feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds_fixture.h"

#define NAV "application/atom+xml;profile=opds-catalog;kind=navigation"
#define ACQ "application/atom+xml;profile=opds-catalog;kind=acquisition"
#define OPEN_ACCESS "http://opds-spec.org/acquisition/open-access"

static int64_t id_epub, id_pdf, id_de_men, id_xss;

static void test_setup(void)
{
    fx_setup();
    id_epub = fx_record("quản trị Debian");
    id_pdf = fx_record("may in");
    id_de_men = fx_record("Dế Mèn");
    id_xss = fx_record("<script>");
    T_CHECK(id_epub && id_pdf && id_de_men && id_xss);
}

static void test_root(void)
{
    struct fx_doc d;

    fx_get("/opds", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_STR(d.content_type, NAV);
    T_REQUIRE(d.doc != NULL);
    T_EQ_STR(fx_str(&d, "/a:feed/a:id"), "urn:tusach:opds");
    T_CHECK(fx_str(&d, "/a:feed/a:updated")[0] != '\0');
    T_EQ_INT(fx_count(&d, "/a:feed/a:link[@rel='self' and @href='/opds']"), 1);
    T_EQ_INT(fx_count(&d, "/a:feed/a:link[@rel='start']"), 1);
    T_EQ_INT(fx_count(&d, "/a:feed/a:link[@rel='search' and @href='/opds/opensearch.xml' and "
                          "@type='application/opensearchdescription+xml']"),
             1);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 4);
    T_EQ_INT(fx_count(&d, "//a:entry/a:link[@rel='http://opds-spec.org/sort/new' and "
                          "@href='/opds/new' and @type='" ACQ "']"),
             1);
    T_EQ_INT(fx_num(&d, "//a:entry/a:link[@href='/opds/new']/@thr:count"), N_RECORDS);
    T_EQ_INT(fx_count(&d, "//a:entry/a:link[@rel='subsection' and @type='" NAV "']"), 3);
    T_EQ_INT(fx_count(&d, "//a:entry/a:link[@href='/opds/type']"), 1);
    T_EQ_INT(fx_count(&d, "//a:entry/a:link[@href='/opds/library']"), 1);
    T_EQ_INT(fx_count(&d, "//a:entry/a:link[@href='/opds/lang']"), 1);
    T_CHECK(fx_has(d.body, "Mới nhập")); /* Vietnamese by default */
    fx_doc_free(&d);
    fx_get("/opds?lang=en", &d);
    T_CHECK(fx_has(d.body, "Newest"));
    fx_doc_free(&d);
}

static void test_new_paging(void)
{
    struct fx_doc d;
    char expr[256];

    fx_get("/opds/new", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_STR(d.content_type, ACQ);
    T_REQUIRE(d.doc != NULL);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 50);
    T_EQ_INT(fx_num(&d, "/a:feed/os:totalResults"), N_RECORDS);
    T_EQ_INT(fx_num(&d, "/a:feed/os:itemsPerPage"), 50);
    T_EQ_INT(fx_num(&d, "/a:feed/os:startIndex"), 1);
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='first']/@href"), "/opds/new?page=1");
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='next']/@href"), "/opds/new?page=2");
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='last']/@href"), "/opds/new?page=2");
    T_EQ_INT(fx_count(&d, "/a:feed/a:link[@rel='previous']"), 0);
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='up']/@href"), "/opds");
    /* newest first: the spreadsheet came last, its last row first */
    T_EQ_STR(fx_str(&d, "/a:feed/a:entry[1]/a:title"),
             "Ký tự điều khiển và \xef\xbf\xbd lỗi"); /* cleaned: see RAW_TITLE */
    T_EQ_STR(fx_str(&d, "/a:feed/a:entry[2]/a:title"), "Sách bài tập số 60");
    T_EQ_STR(fx_str(&d, "/a:feed/a:entry[3]/a:title"), "Sách bài tập số 59");
    T_EQ_STR(fx_str(&d, "/a:feed/a:entry[1]/a:summary"), "tab\tandvertical tab");
    /* every entry has what OPDS asks */
    T_EQ_INT(fx_count(&d, "//a:entry[a:id and a:title and a:updated and "
                          "a:link[@rel='alternate' and @type='text/html']]"),
             50);
    T_EQ_INT(fx_count(&d, "//a:entry[starts-with(a:id, 'urn:tusach:record:')]"), 50);
    fx_doc_free(&d);

    fx_get("/opds/new?page=2", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), N_RECORDS - 50);
    T_EQ_INT(fx_num(&d, "/a:feed/os:startIndex"), 51);
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='previous']/@href"), "/opds/new?page=1");
    T_EQ_INT(fx_count(&d, "/a:feed/a:link[@rel='next']"), 0);
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='self']/@href"), "/opds/new?page=2");
    /* the oldest records (the digital files, imported first) are on the last page */
    snprintf(expr, sizeof expr, "//a:entry[a:id='urn:tusach:record:%lld']", (long long)id_epub);
    T_EQ_INT(fx_count(&d, expr), 1);
    fx_doc_free(&d);

    fx_get("/opds/new?page=9", &d); /* past the end: an empty page */
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 0);
    fx_doc_free(&d);
    fx_get("/opds/new?page=abc", &d);
    T_EQ_INT(d.status, 400);
    fx_doc_free(&d);
    fx_get("/opds/new?page=99999999", &d);
    T_EQ_INT(d.status, 400);
    fx_doc_free(&d);
}

/* The entry of record `id` in document d, as an XPath prefix. */
static const char *entry(int64_t id)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "//a:entry[a:id='urn:tusach:record:%lld']", (long long)id);
    return buf;
}

static void test_entries(void)
{
    struct fx_doc d, f;
    char expr[512], href[256];

    fx_get("/opds/new?page=2", &d);
    T_REQUIRE(d.doc != NULL);
    /* the EPUB: open access, its media type, a link that downloads it */
    snprintf(expr, sizeof expr, "%s/a:link[@rel='" OPEN_ACCESS "']/@type", entry(id_epub));
    T_EQ_STR(fx_str(&d, expr), "application/epub+zip");
    snprintf(expr, sizeof expr, "%s/a:link[@rel='" OPEN_ACCESS "']/@href", entry(id_epub));
    snprintf(href, sizeof href, "%s", fx_str(&d, expr));
    T_CHECK(strncmp(href, "/api/v1/files/", 14) == 0);
    snprintf(expr, sizeof expr, "%s/a:link[@rel='alternate']/@href", entry(id_epub));
    {
        char want[64];
        snprintf(want, sizeof want, "/records/%lld", (long long)id_epub);
        T_EQ_STR(fx_str(&d, expr), want);
    }
    snprintf(expr, sizeof expr, "%s/a:author/a:name", entry(id_epub));
    T_EQ_STR(fx_str(&d, expr), "Raphaël Hertzog");
    snprintf(expr, sizeof expr, "%s/dc:language", entry(id_epub));
    T_EQ_STR(fx_str(&d, expr), "vi");
    snprintf(expr, sizeof expr, "%s/a:link[@rel='" OPEN_ACCESS "']/@type", entry(id_pdf));
    T_EQ_STR(fx_str(&d, expr), "application/pdf");
    fx_doc_free(&d);
    {
        struct t_http r;
        t_http_get(&srv, href, &r);
        T_EQ_INT(r.status, 200);
        T_CHECK(r.body.len > 100 && memcmp(r.body.data, "PK", 2) == 0);
        t_http_free(&r);
    }

    /* a paper-only record: listed, with its metadata and no acquisition link */
    fx_get("/opds/library/TV-Q1", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_num(&d, "/a:feed/os:totalResults"), 5 + FILLER_N);
    fx_doc_free(&d);
    fx_get("/opds/library/TV-Q1?page=2", &d);
    T_REQUIRE(d.doc != NULL);
    T_EQ_INT(fx_count(&d, entry(id_de_men)), 1);
    snprintf(expr, sizeof expr, "%s/a:link[starts-with(@rel, 'http://opds-spec.org/acquisition')]",
             entry(id_de_men));
    T_EQ_INT(fx_count(&d, expr), 0);
    snprintf(expr, sizeof expr, "%s/a:title", entry(id_de_men));
    T_EQ_STR(fx_str(&d, expr), "Dế Mèn phiêu lưu ký");
    snprintf(expr, sizeof expr, "%s/a:author/a:name", entry(id_de_men));
    T_EQ_STR(fx_str(&d, expr), "Tô Hoài");
    snprintf(expr, sizeof expr, "%s/a:summary", entry(id_de_men));
    T_EQ_STR(fx_str(&d, expr), "Chuyện chú dế đi phiêu lưu");
    snprintf(expr, sizeof expr, "%s/dc:identifier", entry(id_de_men));
    T_EQ_STR(fx_str(&d, expr), "urn:isbn:" ISBN_DE_MEN);
    snprintf(expr, sizeof expr, "%s/dc:issued", entry(id_de_men));
    T_EQ_STR(fx_str(&d, expr), "2019");
    snprintf(expr, sizeof expr, "%s/a:category[@label='Văn học thiếu nhi']", entry(id_de_men));
    T_EQ_INT(fx_count(&d, expr), 1);
    snprintf(expr, sizeof expr, "%s/a:updated", entry(id_de_men));
    T_CHECK(strlen(fx_str(&d, expr)) == 20); /* 2026-01-02T03:04:05Z */
    fx_doc_free(&d);

    /* the school library: only its two files, both downloadable */
    fx_get("/opds/library/THCS-A", &f);
    T_EQ_INT(f.status, 200);
    T_EQ_INT(fx_count(&f, "/a:feed/a:entry"), 2);
    T_EQ_INT(fx_count(&f, "//a:entry/a:link[@rel='" OPEN_ACCESS "']"), 2);
    T_EQ_STR(fx_str(&f, "/a:feed/a:title"), "Trường THCS A");
    T_EQ_STR(fx_str(&f, "/a:feed/a:link[@rel='up']/@href"), "/opds/library");
    fx_doc_free(&f);
    fx_get("/opds/library/LC-X", &f);
    T_EQ_INT(f.status, 200);
    T_EQ_INT(fx_count(&f, "/a:feed/a:entry"), 0);
    T_EQ_INT(fx_num(&f, "/a:feed/os:totalResults"), 0);
    fx_doc_free(&f);
    fx_get("/opds/library/NOPE", &f);
    T_EQ_INT(f.status, 404);
    fx_doc_free(&f);
}

static void test_navigation_feeds(void)
{
    struct fx_doc d;

    fx_get("/opds/library", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_STR(d.content_type, NAV);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 3);
    T_EQ_INT(fx_num(&d, "//a:entry/a:link[@href='/opds/library/TV-Q1']/@thr:count"), 5 + FILLER_N);
    T_EQ_INT(fx_num(&d, "//a:entry/a:link[@href='/opds/library/THCS-A']/@thr:count"), 2);
    T_EQ_INT(fx_count(&d, "//a:entry/a:link[@rel='subsection' and @type='" ACQ "']"), 3);
    T_EQ_STR(fx_str(&d, "//a:entry[a:link/@href='/opds/library/TV-Q1']/a:title"),
             "Thư viện Quận 1");
    fx_doc_free(&d);

    fx_get("/opds/type", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_num(&d, "//a:entry/a:link[@href='/opds/type/book']/@thr:count"), 5 + FILLER_N);
    T_EQ_INT(fx_count(&d, "//a:entry/a:link[@href='/opds/type/ebook']"), 1);
    fx_doc_free(&d);
    fx_get("/opds/type/ebook", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_STR(d.content_type, ACQ);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 1);
    T_EQ_INT(fx_count(&d, entry(id_epub)), 1);
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='up']/@href"), "/opds/type");
    fx_doc_free(&d);
    fx_get("/opds/type/no_such_type", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 0);
    fx_doc_free(&d);

    fx_get("/opds/lang", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_num(&d, "//a:entry/a:link[@href='/opds/lang/en']/@thr:count"), 1);
    T_CHECK(fx_num(&d, "//a:entry/a:link[@href='/opds/lang/vi']/@thr:count") >= 4 + FILLER_N);
    fx_doc_free(&d);
    fx_get("/opds/lang/en", &d);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 1);
    T_EQ_STR(fx_str(&d, "//a:entry/a:title"), "The Little Prince");
    fx_doc_free(&d);
    fx_get("/opds/lang/EN", &d); /* case-insensitive */
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 1);
    fx_doc_free(&d);
}

static void test_opensearch_and_search(void)
{
    struct fx_doc d;
    const struct t_http_opts o = {0};
    struct t_http r;

    fx_get("/opds/opensearch.xml", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_STR(d.content_type, "application/opensearchdescription+xml");
    T_REQUIRE(d.doc != NULL);
    T_EQ_INT(fx_count(&d, "/os:OpenSearchDescription/os:ShortName"), 1);
    {
        char want[256];
        snprintf(want, sizeof want,
                 "http://127.0.0.1:%u/opds/search?q={searchTerms}&page={startPage?}", srv.port);
        T_EQ_STR(fx_str(&d, "//os:Url[@type='" ACQ "']/@template"), want);
    }
    fx_doc_free(&d);
    /* a Host header that is not a plain host name leaves the template relative */
    {
        static const char *const bad_host[] = {"Host: evil\"><x", NULL};
        struct t_http_opts oh = o;
        oh.headers = bad_host;
        t_http_do(&srv, "/opds/opensearch.xml", &oh, &r);
        T_EQ_INT(r.status, 200);
        T_CHECK(fx_has(ts_buf_str(&r.body), "template=\"/opds/search?q={searchTerms}"));
        T_CHECK(!strstr(ts_buf_str(&r.body), "evil"));
        t_http_free(&r);
    }

    fx_get("/opds/search?q=de+men+phieu+luu", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_STR(d.content_type, ACQ);
    T_CHECK(fx_count(&d, entry(id_de_men)) == 1);
    T_EQ_STR(fx_str(&d, "//a:entry[1]/a:title"), "Dế Mèn phiêu lưu ký");
    T_CHECK(fx_num(&d, "/a:feed/os:totalResults") >= 1);
    T_EQ_STR(fx_str(&d, "/a:feed/os:Query/@searchTerms"), "de men phieu luu");
    T_EQ_STR(fx_str(&d, "/a:feed/a:link[@rel='self']/@href"),
             "/opds/search?q=de%20men%20phieu%20luu");
    fx_doc_free(&d);

    /* many hits: two pages */
    fx_get("/opds/search?q=s%C3%A1ch+b%C3%A0i+t%E1%BA%ADp", &d);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 50);
    T_CHECK(fx_num(&d, "/a:feed/os:totalResults") >= FILLER_N);
    T_CHECK(fx_has(fx_str(&d, "/a:feed/a:link[@rel='next']/@href"), "&page=2"));
    fx_doc_free(&d);
    fx_get("/opds/search?q=s%C3%A1ch+b%C3%A0i+t%E1%BA%ADp&page=2", &d);
    T_CHECK(fx_count(&d, "/a:feed/a:entry") >= FILLER_N - 50);
    T_EQ_INT(fx_num(&d, "/a:feed/os:startIndex"), 51);
    T_CHECK(fx_has(fx_str(&d, "/a:feed/a:link[@rel='previous']/@href"), "&page=1"));
    fx_doc_free(&d);

    fx_get("/opds/search?q=zzqqxx", &d);
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 0);
    fx_doc_free(&d);
    fx_get("/opds/search?q=%21%21%21", &d); /* nothing searchable: an empty feed */
    T_EQ_INT(d.status, 200);
    T_EQ_INT(fx_count(&d, "/a:feed/a:entry"), 0);
    fx_doc_free(&d);
    fx_get("/opds/search", &d);
    T_EQ_INT(d.status, 400);
    fx_doc_free(&d);
    fx_get("/opds/search?q=x&page=201", &d);
    T_EQ_INT(d.status, 400);
    fx_doc_free(&d);
}

static void test_escaping(void)
{
    struct fx_doc d;
    char expr[256];

    fx_get("/opds/library/TV-Q1?page=2", &d);
    T_EQ_INT(d.status, 200);
    T_REQUIRE(d.doc != NULL); /* well-formed despite markup and control characters */
    T_CHECK(!strstr(d.body, "<script>"));
    T_CHECK(!strstr(d.body, "<b>"));
    T_CHECK(!strchr(d.body, '\x01') && !strchr(d.body, '\x02'));
    T_CHECK(fx_has(d.body, "&lt;script&gt;"));
    snprintf(expr, sizeof expr, "%s/a:title", entry(id_xss));
    T_CHECK(fx_has(fx_str(&d, expr), "<script>alert(\"x\")</script> & Co"));
    snprintf(expr, sizeof expr, "%s/a:summary", entry(id_xss));
    T_CHECK(fx_has(fx_str(&d, expr), "<i>nghiêng</i> &"));
    fx_doc_free(&d);
    /* a path value with markup comes back escaped */
    fx_get("/opds/type/%3Cb%3Ex%22", &d);
    T_EQ_INT(d.status, 200);
    T_REQUIRE(d.doc != NULL);
    T_CHECK(!strstr(d.body, "<b>x"));
    fx_doc_free(&d);
    fx_get("/opds/type/a%01b", &d);
    T_EQ_INT(d.status, 400);
    fx_doc_free(&d);
}

static void test_http_layer(void)
{
    static const char *const gz[] = {"Accept-Encoding: gzip", NULL};
    struct t_http_opts o = {0};
    struct t_http r;
    char etag[128], inm[4200];
    const char *inm_h[2] = {inm, NULL};
    long len;

    t_http_get(&srv, "/opds/new", &r);
    T_EQ_INT(r.status, 200);
    T_REQUIRE(t_http_header(&r, "ETag") != NULL);
    snprintf(etag, sizeof etag, "%.100s", r.value);
    len = (long)r.body.len;
    t_http_free(&r);
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    o.headers = inm_h;
    t_http_do(&srv, "/opds/new", &o, &r);
    T_EQ_INT(r.status, 304);
    t_http_free(&r);
    o.headers = gz;
    t_http_do(&srv, "/opds/new", &o, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_STR(t_http_header(&r, "Content-Encoding"), "gzip");
    T_CHECK((long)r.body.len < len);
    t_http_free(&r);
    o.headers = NULL;
    o.method = "HEAD";
    t_http_do(&srv, "/opds", &o, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_INT(r.body.len, 0);
    t_http_free(&r);
    o.method = "POST";
    o.body = "x";
    o.body_len = 1;
    t_http_do(&srv, "/opds/new", &o, &r);
    T_EQ_INT(r.status, 405);
    T_EQ_STR(t_http_header(&r, "Allow"), "GET, HEAD");
    t_http_free(&r);
}

static void test_shutdown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", test_setup},
        {"root", test_root},
        {"new_paging", test_new_paging},
        {"entries", test_entries},
        {"navigation_feeds", test_navigation_feeds},
        {"opensearch_and_search", test_opensearch_and_search},
        {"escaping", test_escaping},
        {"http_layer", test_http_layer},
        {"shutdown", test_shutdown},
        {0},
    };
    int rc = t_main(cases, argc, argv);
    xmlCleanupParser();
    return rc;
}
