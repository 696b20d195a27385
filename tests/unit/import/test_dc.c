/*
 * tests/unit/import/test_dc.c - the Dublin Core reader and writer
 * (import/dc.h) and the OAI-PMH harvester (import/harvest.h): an oai_dc
 * ListRecords page with a deleted record, DC in RDF/XML, plain DC XML, a
 * write -> read round trip, hostile XML (XXE, billion laughs, invalid UTF-8,
 * truncation, a huge value), OAI-PMH errors, and a harvest of three pages
 * from a real HTTP server on 127.0.0.1 (oai_server.py, started here with
 * posix_spawn and stopped by closing its stdin).
 */
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dc.h"
#include "harvest.h"
#include "metarec.h"
#include "meta_collect.h"
#include "t.h"

extern char **environ;

static bool has(char **list, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], v) == 0)
            return true;
    return false;
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");

    T_REQUIRE(f);
    T_CHECK(fwrite(p, 1, n, f) == n);
    fclose(f);
}

/* Write `text` to DIR/name and read it with import_dc_read. */
static int read_text(const char *name, const char *text, const char *default_source,
                     struct meta_got *g, struct ts_err *err)
{
    char *path = path_in(t_tmpdir(), name);
    int rc;

    memset(g, 0, sizeof *g);
    write_bytes(path, text, strlen(text));
    rc = import_dc_read(path, default_source, meta_got_emit, meta_got_error, g, err);
    free(path);
    return rc;
}

#define OAI_HEAD                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                 \
    "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">\n"                                   \
    " <responseDate>2024-05-01T10:00:00Z</responseDate>\n"                                         \
    " <request verb=\"ListRecords\" metadataPrefix=\"oai_dc\">https://thuvien.example.vn/oai"      \
    "</request>\n"
#define DC_OPEN                                                                                    \
    "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" "                     \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"

static const char oai_page[] =
    OAI_HEAD " <ListRecords>\n" /* 1-5 */
             "  <record>\n"     /* 6 */
             "   <header><identifier>oai:thuvien.example.vn:1</identifier>"
             "<datestamp>2024-04-30</datestamp></header>\n"
             "   <metadata>" DC_OPEN "\n"
             "    <dc:title>Lịch sử Việt Nam</dc:title>\n"
             "    <dc:title>History of Vietnam</dc:title>\n"
             "    <dc:creator>Phan Huy Lê</dc:creator>\n"
             "    <dc:contributor>Trần Quốc Vượng</dc:contributor>\n"
             "    <dc:subject>Lịch sử</dc:subject><dc:subject>Việt Nam</dc:subject>\n"
             "    <dc:description>Tóm tắt &amp; giới thiệu.</dc:description>\n"
             "    <dc:description>Tái bản có sửa chữa.</dc:description>\n"
             "    <dc:publisher>Nhà xuất bản Giáo dục</dc:publisher>\n"
             "    <dc:date>2012</dc:date><dc:date>2015</dc:date>\n"
             "    <dc:type>Text</dc:type><dc:format>application/pdf</dc:format>\n"
             "    <dc:identifier>https://thuvien.example.vn/ban-ghi/1</dc:identifier>\n"
             "    <dc:identifier>urn:isbn:978-604-1-23456-7</dc:identifier>\n"
             "    <dc:identifier>ISBN 0-306-40615-2</dc:identifier>\n"
             "    <dc:identifier>LS-2012-01</dc:identifier>\n"
             "    <dc:language>vie</dc:language><dc:rights>CC BY 4.0</dc:rights>\n"
             "    <dc:relation>https://thuvien.example.vn/lien-quan</dc:relation>\n"
             "   </oai_dc:dc></metadata>\n"
             "  </record>\n"
             "  <record><header status=\"deleted\"><identifier>oai:thuvien.example.vn:2"
             "</identifier><datestamp>2024-04-29</datestamp></header></record>\n"
             "  <record>\n"
             "   <header><identifier>oai:thuvien.example.vn:3</identifier></header>\n"
             "   <metadata>" DC_OPEN "<dc:title><![CDATA[Toán <lớp> 6]]></dc:title>"
             "<dc:type>Sound</dc:type><dc:identifier>0306406152</dc:identifier>"
             "</oai_dc:dc></metadata>\n"
             "  </record>\n"
             "  <resumptionToken cursor=\"0\" completeListSize=\"10\">p2</resumptionToken>\n"
             " </ListRecords>\n"
             "</OAI-PMH>\n";

static void test_oai_page(void)
{
    struct ts_err err = {0};
    struct dc_page page;
    struct meta_got g;
    const struct meta_rec *r;

    T_OK(read_text("page.xml", oai_page, NULL, &g, &err), &err);
    T_REQUIRE(g.n == 2);
    T_EQ_INT(g.n_err, 0);
    r = g.recs[0];
    T_EQ_STR(r->title, "Lịch sử Việt Nam");
    T_EQ_STR(r->source, "https://thuvien.example.vn/oai");
    T_EQ_STR(r->source_id, "oai:thuvien.example.vn:1");
    T_EQ_STR(r->origin, "page.xml line 6");
    T_REQUIRE(r->n_authors == 2);
    T_EQ_STR(r->authors[0].name, "Phan Huy Lê");
    T_CHECK(r->authors[0].role == NULL);
    T_EQ_STR(r->authors[1].role, "contributor");
    T_EQ_INT(r->n_subjects, 2);
    T_EQ_STR(r->description, "Tóm tắt & giới thiệu.");
    T_EQ_STR(r->notes, "Other title: History of Vietnam; Tái bản có sửa chữa.");
    T_EQ_STR(r->publisher, "Nhà xuất bản Giáo dục");
    T_EQ_STR(r->date, "2012");
    T_EQ_STR(r->resource_type, "document");
    T_EQ_STR(r->language, "vie");
    T_EQ_STR(r->licence, "CC BY 4.0");
    T_REQUIRE(r->n_links == 1);
    T_EQ_STR(r->links[0], "https://thuvien.example.vn/ban-ghi/1");
    T_EQ_INT(r->n_identifiers, 3);
    T_CHECK(has(r->identifiers, r->n_identifiers, "isbn:9786041234567"));
    T_CHECK(has(r->identifiers, r->n_identifiers, "isbn:9780306406157"));
    T_CHECK(has(r->identifiers, r->n_identifiers, "other:LS-2012-01"));
    r = g.recs[1];
    T_EQ_STR(r->title, "Toán <lớp> 6");
    T_EQ_STR(r->resource_type, "audio");
    T_EQ_STR(r->source_id, "oai:thuvien.example.vn:3");
    T_REQUIRE(r->n_identifiers == 1);
    T_EQ_STR(r->identifiers[0], "isbn:9780306406157");
    meta_got_free(&g);

    /* the same page from memory: what the harvester sees */
    T_OK(dc_parse_memory(oai_page, strlen(oai_page), "mem", "https://forced.example/oai",
                         meta_got_emit, meta_got_error, &g, &page, &err),
         &err);
    T_EQ_INT(g.n, 2);
    T_EQ_INT(page.n_records, 2);
    T_EQ_INT(page.n_deleted, 1);
    T_EQ_STR(page.token, "p2");
    T_EQ_STR(page.response_date, "2024-05-01T10:00:00Z");
    T_EQ_STR(page.request, "https://thuvien.example.vn/oai");
    if (g.n)
        T_EQ_STR(g.recs[0]->source, "https://forced.example/oai");
    dc_page_free(&page);
    meta_got_free(&g);
}

static void test_rdf(void)
{
    static const char rdf[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
        "  xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\"\n"
        "  xmlns:foaf=\"http://xmlns.com/foaf/0.1/\">\n"
        " <rdf:Description rdf:about=\"https://hoclieu.example.vn/bai-1\">\n"
        "  <dcterms:title>Bài giảng Vật lý 10: Chuyển động thẳng</dcterms:title>\n"
        "  <dcterms:creator><foaf:Person><foaf:name>Phạm Minh Đức</foaf:name></foaf:Person>"
        "</dcterms:creator>\n"
        "  <dc:subject><rdf:Bag><rdf:li>Vật lý</rdf:li><rdf:li>Cơ học</rdf:li></rdf:Bag>"
        "</dc:subject>\n"
        "  <dcterms:modified>2023-05-01</dcterms:modified>\n"
        "  <dcterms:issued>2021-09-05</dcterms:issued>\n"
        "  <dcterms:type rdf:resource=\"http://purl.org/dc/dcmitype/MovingImage\"/>\n"
        "  <dcterms:license rdf:resource=\"https://creativecommons.org/licenses/by-sa/4.0/\"/>\n"
        "  <dcterms:educationLevel>Lớp 10</dcterms:educationLevel>\n"
        "  <dcterms:isPartOf><rdf:Description><dc:title>Không phải nhan đề</dc:title>"
        "</rdf:Description></dcterms:isPartOf>\n"
        "  <dc:language>vi</dc:language>\n"
        " </rdf:Description>\n"
        " <rdf:Description>\n"
        "  <dc:title>Mô phỏng mạch điện</dc:title>\n"
        "  <dc:identifier>urn:uuid:1234</dc:identifier>\n"
        "  <dc:type>InteractiveResource</dc:type>\n"
        " </rdf:Description>\n"
        "</rdf:RDF>\n";
    struct ts_err err = {0};
    struct meta_got g;
    const struct meta_rec *r;

    T_OK(read_text("hoclieu.rdf", rdf, "https://hoclieu.example.vn", &g, &err), &err);
    T_REQUIRE(g.n == 2);
    T_EQ_INT(g.n_err, 0);
    r = g.recs[0];
    T_EQ_STR(r->title, "Bài giảng Vật lý 10: Chuyển động thẳng");
    T_EQ_STR(r->source_id, "https://hoclieu.example.vn/bai-1");
    T_EQ_STR(r->source, "https://hoclieu.example.vn");
    T_EQ_STR(r->origin, "hoclieu.rdf line 5");
    T_REQUIRE(r->n_authors == 1);
    T_EQ_STR(r->authors[0].name, "Phạm Minh Đức");
    T_REQUIRE(r->n_subjects == 2);
    T_EQ_STR(r->subjects[1], "Cơ học");
    T_EQ_STR(r->date, "2021-09-05");
    T_EQ_STR(r->resource_type, "video");
    T_EQ_STR(r->licence, "https://creativecommons.org/licenses/by-sa/4.0/");
    T_EQ_STR(r->audience, "Lớp 10");
    T_EQ_STR(r->language, "vi");
    T_CHECK(r->notes == NULL);
    r = g.recs[1];
    T_EQ_STR(r->title, "Mô phỏng mạch điện");
    T_EQ_STR(r->source_id, "urn:uuid:1234");
    T_EQ_STR(r->resource_type, "lesson_package");
    T_REQUIRE(r->n_identifiers == 1);
    T_EQ_STR(r->identifiers[0], "other:urn:uuid:1234");
    meta_got_free(&g);
}

static void test_simple_dc(void)
{
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        " <record><dc:title>Sách thứ nhất</dc:title><dc:creator>Tác giả Một</dc:creator>"
        "<dc:type>Book</dc:type></record>\n"
        " <record><dc:creator>Không có nhan đề</dc:creator></record>\n"
        " <record><dc:title>Sách thứ hai</dc:title><dc:subject></dc:subject></record>\n"
        "</metadata>\n";
    static const char single[] = "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/"
                                 "oai_dc/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                                 "<dc:title>Một mình</dc:title></oai_dc:dc>";
    static const char marc[] =
        OAI_HEAD "<GetRecord><record><header><identifier>oai:x:9</identifier></header>"
                 "<metadata><record xmlns=\"http://www.loc.gov/MARC21/slim\"><leader>x</leader>"
                 "</record></metadata></record></GetRecord></OAI-PMH>";
    struct ts_err err = {0};
    struct meta_got g;
    int i;

    T_OK(read_text("simple.xml", xml, NULL, &g, &err), &err);
    T_REQUIRE(g.n == 2);
    T_EQ_STR(g.recs[0]->title, "Sách thứ nhất");
    T_EQ_STR(g.recs[0]->resource_type, "book");
    T_EQ_STR(g.recs[0]->source, "dc:simple.xml");
    T_EQ_STR(g.recs[1]->title, "Sách thứ hai");
    T_EQ_INT(g.recs[1]->n_subjects, 0);
    i = meta_got_find_msg(&g, "simple.xml line 4: no dc:title");
    T_CHECK(i >= 0 && g.code[i] == TS_EPARSE);
    meta_got_free(&g);

    T_OK(read_text("single.xml", single, NULL, &g, &err), &err);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "Một mình");
    meta_got_free(&g);

    T_OK(read_text("marc.xml", marc, NULL, &g, &err), &err);
    T_EQ_INT(g.n, 0);
    T_CHECK(meta_got_find_msg(&g, "(oai:x:9): no Dublin Core metadata") >= 0);
    meta_got_free(&g);
}

static void test_round_trip(void)
{
    char *path = path_in(t_tmpdir(), "export.xml");
    struct meta_rec *a = calloc(1, sizeof *a), *weird = calloc(1, sizeof *weird);
    struct ts_err err = {0};
    const struct meta_rec *b;
    struct meta_got g = {0};
    FILE *out = fopen(path, "wb");

#define S(r, field, v) meta_set_str(&(r)->field, v, strlen(v))
    S(a, source_id, "tusach:42");
    S(a, title, "Sổ tay thư viện");
    S(a, subtitle, "Hướng dẫn thực hành");
    S(a, publisher, "Nhà xuất bản Giáo dục Việt Nam");
    S(a, date, "2022");
    S(a, language, "vie");
    S(a, resource_type, "lesson_package");
    S(a, licence, "CC BY 4.0");
    S(a, description, "Giới thiệu <công việc> & \"quy trình\".");
    S(a, notes, "Có phụ lục");
    meta_add_author(a, "Nguyễn Văn An", strlen("Nguyễn Văn An"), NULL);
    meta_add_author(a, "Lê Thị Bình", strlen("Lê Thị Bình"), "editor");
    T_CHECK(meta_add_isbn(a, "978-604-1-23456-7", 17));
    meta_add_str(&a->identifiers, &a->n_identifiers, "issn:0317-8471", 14);
    meta_add_str(&a->identifiers, &a->n_identifiers, "other:TV-2022-01", 16);
    meta_add_str(&a->subjects, &a->n_subjects, "Thư viện", strlen("Thư viện"));
    meta_add_str(&a->links, &a->n_links, "https://example.org/so-tay?a=1&b=2", 34);
    /* the writer must keep XML well-formed whatever a record holds */
    weird->title = strdup("A\x01 <b> & ]]> \xEF\xBF\xBE\x1f end");
#undef S

    T_REQUIRE(out);
    T_OK(export_dc_begin(out, &err), &err);
    T_OK(export_dc_write(out, a, &err), &err);
    T_OK(export_dc_write(out, weird, &err), &err);
    T_OK(export_dc_end(out, &err), &err);
    fclose(out);

    T_OK(import_dc_read(path, "tusach", meta_got_emit, meta_got_error, &g, &err), &err);
    T_EQ_INT(g.n_err, 0);
    T_REQUIRE(g.n == 2);
    b = g.recs[0];
    T_EQ_STR(b->source_id, "tusach:42");
    T_EQ_STR(b->source, "tusach");
    T_EQ_STR(b->title, "Sổ tay thư viện : Hướng dẫn thực hành");
    T_EQ_STR(b->publisher, a->publisher);
    T_EQ_STR(b->date, a->date);
    T_EQ_STR(b->language, a->language);
    T_EQ_STR(b->resource_type, a->resource_type);
    T_EQ_STR(b->licence, a->licence);
    T_EQ_STR(b->description, a->description);
    T_EQ_STR(b->notes, a->notes);
    T_REQUIRE(b->n_authors == 2);
    T_EQ_STR(b->authors[0].name, "Nguyễn Văn An");
    T_CHECK(b->authors[0].role == NULL);
    T_EQ_STR(b->authors[1].name, "Lê Thị Bình");
    T_EQ_STR(b->authors[1].role, "contributor");
    T_REQUIRE(b->n_identifiers == 3);
    for (size_t i = 0; i < 3; i++)
        T_EQ_STR(b->identifiers[i], a->identifiers[i]);
    T_REQUIRE(b->n_subjects == 1 && b->n_links == 1);
    T_EQ_STR(b->links[0], a->links[0]);
    T_EQ_STR(g.recs[1]->title, "A <b> & ]]> end");
    meta_got_free(&g);
    meta_rec_free(a);
    meta_rec_free(weird);
    free(path);
}

static void test_hostile(void)
{
    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE metadata [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>&xxe;</dc:title>"
        "</metadata>\n";
    static const char laughs[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>\n"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>&lol9;</dc:title>"
        "</metadata>\n";
    static const char bad_utf8[] =
        OAI_HEAD "<ListRecords>\n"
                 "<record><header><identifier>ok:1</identifier></header><metadata>" DC_OPEN
                 "<dc:title>Tốt</dc:title></oai_dc:dc></metadata></record>\n"
                 "<record><header><identifier>bad:2</identifier></header><metadata>" DC_OPEN
                 "\n<dc:title>H\xC3\x28ng</dc:title></oai_dc:dc></metadata></record>\n"
                 "</ListRecords></OAI-PMH>\n";
    static const char truncated[] = OAI_HEAD "<ListRecords><record><header><identifier>t:1";
    static const char error_page[] =
        OAI_HEAD "<error code=\"badResumptionToken\">The token has expired</error></OAI-PMH>";
    static const char no_match[] =
        OAI_HEAD "<error code=\"noRecordsMatch\">Nothing in that range</error></OAI-PMH>";
    struct ts_err err = {0};
    struct meta_got g;
    char *huge;
    size_t n = (size_t)1 << 20;
    double t0 = (double)clock();

    T_EQ_INT(read_text("xxe.xml", xxe, NULL, &g, &err), TS_EPARSE);
    T_CHECK(strstr(err.msg, "xxe.xml: DOCTYPE refused") != NULL);
    T_EQ_INT(g.n, 0);
    meta_got_free(&g);

    T_EQ_INT(read_text("lol.xml", laughs, NULL, &g, &err), TS_EPARSE);
    T_EQ_INT(g.n, 0);
    T_CHECK(((double)clock() - t0) / CLOCKS_PER_SEC < 10.0);
    meta_got_free(&g);

    T_EQ_INT(read_text("bad.xml", bad_utf8, NULL, &g, &err), TS_EPARSE);
    fprintf(stderr, "  # %s\n", err.msg);
    T_CHECK(strstr(err.msg, "bad.xml line 8: not well-formed XML") != NULL);
    T_CHECK(strstr(err.msg, "UTF-8") != NULL);
    T_CHECK(strstr(err.msg, "records after line 6 not read") != NULL);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "Tốt");
    meta_got_free(&g);

    T_EQ_INT(read_text("cut.xml", truncated, NULL, &g, &err), TS_EPARSE);
    T_EQ_INT(g.n, 0);
    meta_got_free(&g);
    T_EQ_INT(read_text("empty.xml", "", NULL, &g, &err), TS_EPARSE);
    meta_got_free(&g);
    T_EQ_INT(import_dc_read(t_tmpdir(), NULL, meta_got_emit, meta_got_error, &g, &err), TS_EIO);
    T_EQ_INT(import_dc_read("/nonexistent/x.xml", NULL, meta_got_emit, meta_got_error, &g, &err),
             TS_EIO);

    T_EQ_INT(read_text("err.xml", error_page, NULL, &g, &err), TS_EPARSE);
    T_CHECK(strstr(err.msg, "badResumptionToken: The token has expired") != NULL);
    meta_got_free(&g);
    T_OK(read_text("none.xml", no_match, NULL, &g, &err), &err);
    T_EQ_INT(g.n, 0);
    meta_got_free(&g);

    /* a value over DC_MAX_VALUE: that record is skipped, the next one lands */
    huge = malloc(n + 1024);
    T_REQUIRE(huge);
    n = (size_t)snprintf(huge, 1024,
                         "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                         "<record><dc:title>Lớn</dc:title><dc:description>");
    memset(huge + n, 'a', (size_t)1 << 20);
    n += (size_t)1 << 20;
    n += (size_t)snprintf(huge + n, 1024,
                          "a</dc:description></record><record><dc:title>Nhỏ"
                          "</dc:title></record></metadata>");
    T_OK(read_text("big.xml", huge, NULL, &g, &err), &err);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "Nhỏ");
    T_CHECK(meta_got_find_msg(&g, "longer than 1 MiB") >= 0);
    free(huge);
    meta_got_free(&g);
}

/* ------------------------------------------------------------ harvester */

struct server {
    pid_t pid;
    int to_child; /* its stdin: closing it stops the server */
    int port;
};

static bool server_start(struct server *s, const char *dir)
{
    const char *src = getenv("TS_SOURCE_DIR");
    char script[4096], line[32] = "";
    char *argv[] = {"python3", script, (char *)dir, NULL};
    int in[2], out[2];
    posix_spawn_file_actions_t fa;
    struct pollfd pfd;
    size_t got = 0;
    char *end = NULL;
    long port;

    if (src)
        snprintf(script, sizeof script, "%s/tests/unit/import/oai_server.py", src);
    else
        snprintf(script, sizeof script, "%.*s/oai_server.py",
                 (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__);
    if (pipe(in) || pipe(out))
        return false;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    if (posix_spawnp(&s->pid, "python3", &fa, NULL, argv, environ) != 0)
        s->pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    s->to_child = in[1];
    pfd.fd = out[0];
    pfd.events = POLLIN;
    while (s->pid > 0 && got < sizeof line - 1 && !strchr(line, '\n') && poll(&pfd, 1, 10000) > 0) {
        ssize_t k = read(out[0], line + got, sizeof line - 1 - got);
        if (k <= 0)
            break;
        got += (size_t)k;
        line[got] = '\0';
    }
    close(out[0]);
    port = strtol(line, &end, 10);
    s->port = end != line && port > 0 && port < 65536 ? (int)port : 0;
    return s->pid > 0 && s->port > 0;
}

static void server_stop(struct server *s)
{
    int status;

    close(s->to_child);
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, &status, 0);
    }
}

/* One ListRecords page with `n` records numbered from `first`. */
static void write_page(const char *dir, const char *file, const char *date, int first, int n,
                       const char *token)
{
    char *path = path_in(dir, file);
    FILE *f = fopen(path, "wb");

    T_REQUIRE(f);
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">"
            "<responseDate>%s</responseDate>"
            "<request verb=\"ListRecords\">http://proxy.example/oai</request><ListRecords>\n",
            date);
    for (int i = first; i < first + n; i++)
        fprintf(f,
                "<record><header><identifier>oai:h:%d</identifier></header><metadata>" DC_OPEN
                "<dc:title>Sách số %d</dc:title></oai_dc:dc></metadata></record>\n",
                i, i);
    if (token)
        fprintf(f, "<resumptionToken completeListSize=\"5\">%s</resumptionToken>\n", token);
    else
        fprintf(f, "<resumptionToken completeListSize=\"5\"/>\n");
    fprintf(f, "</ListRecords></OAI-PMH>\n");
    fclose(f);
    free(path);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char *path = path_in(dir, name);

    write_bytes(path, text, strlen(text));
    free(path);
}

static char *read_log(const char *dir)
{
    char *path = path_in(dir, "requests.log");
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 65536);

    if (f) {
        size_t n = fread(buf, 1, 65535, f);
        buf[n] = '\0';
        fclose(f);
    }
    free(path);
    return buf;
}

static void test_harvest(void)
{
    const char *dir = t_tmpdir();
    struct server srv = {-1, -1, 0};
    char base[128], url[160], *next = NULL, *log;
    struct ts_err err = {0};
    struct meta_got g = {0};

    write_page(dir, "oai-first.xml", "2024-06-01T08:00:00Z", 1, 2, "p2");
    write_page(dir, "oai-p2.xml", "2024-06-01T08:00:05Z", 3, 2, "p3");
    write_page(dir, "oai-p3.xml", "2024-06-01T08:00:09Z", 5, 1, NULL);
    write_page(dir, "busy-first.xml", "2024-06-02T00:00:00Z", 9, 1, NULL);
    write_page(dir, "loop-first.xml", "2024-06-03T00:00:00Z", 1, 1, "again");
    write_page(dir, "loop-again.xml", "2024-06-03T00:00:00Z", 2, 1, "again");
    write_text(dir, "nomatch-first.xml",
               OAI_HEAD "<error code=\"noRecordsMatch\">none</error></OAI-PMH>");
    write_text(dir, "bad-first.xml",
               OAI_HEAD "<error code=\"badArgument\">from is not a date</error></OAI-PMH>");
    write_text(dir, "html-first.xml", "<html><body><p>Welcome</p></body></html>");

    if (!server_start(&srv, dir)) {
        server_stop(&srv);
        printf("# skip harvest: cannot start python3 %s\n", "oai_server.py");
        return;
    }
    snprintf(base, sizeof base, "http://127.0.0.1:%d", srv.port);

    snprintf(url, sizeof url, "%s/oai", base);
    T_OK(import_oai_harvest(url, "sach:giao-khoa", "2024-01-01", "2024-12-31", meta_got_emit,
                            meta_got_error, &g, &next, &err),
         &err);
    T_EQ_INT(g.n, 5);
    T_EQ_INT(g.n_err, 0);
    T_EQ_STR(next, "2024-06-01T08:00:00Z");
    if (g.n == 5) {
        T_EQ_STR(g.recs[4]->title, "Sách số 5");
        T_EQ_STR(g.recs[4]->source, url);
        T_EQ_STR(g.recs[4]->source_id, "oai:h:5");
        T_CHECK(strstr(g.recs[2]->origin, "/oai page 2 line ") != NULL);
    }
    free(next);
    next = NULL;
    meta_got_free(&g);
    log = read_log(dir);
    T_CHECK(strstr(log, "/oai?verb=ListRecords&metadataPrefix=oai_dc&set=sach%3Agiao-khoa&from="
                        "2024-01-01&until=2024-12-31\n") != NULL);
    T_CHECK(strstr(log, "/oai?verb=ListRecords&resumptionToken=p2\n") != NULL);
    T_CHECK(strstr(log, "/oai?verb=ListRecords&resumptionToken=p3\n") != NULL);
    free(log);

    snprintf(url, sizeof url, "%s/nomatch", base);
    T_OK(import_oai_harvest(url, NULL, "2030-01-01", NULL, meta_got_emit, meta_got_error, &g, &next,
                            &err),
         &err);
    T_EQ_INT(g.n, 0);
    T_EQ_STR(next, "2024-05-01T10:00:00Z");
    free(next);
    next = NULL;

    snprintf(url, sizeof url, "%s/bad", base);
    T_EQ_INT(
        import_oai_harvest(url, NULL, "x", NULL, meta_got_emit, meta_got_error, &g, &next, &err),
        TS_EPARSE);
    T_CHECK(strstr(err.msg, "OAI-PMH error badArgument: from is not a date") != NULL);
    T_CHECK(next == NULL);

    snprintf(url, sizeof url, "%s/http500", base);
    T_EQ_INT(
        import_oai_harvest(url, NULL, NULL, NULL, meta_got_emit, meta_got_error, &g, &next, &err),
        TS_EIO);
    T_CHECK(strstr(err.msg, "page 1: HTTP status 500") != NULL);

    snprintf(url, sizeof url, "%s/missing", base);
    T_EQ_INT(
        import_oai_harvest(url, NULL, NULL, NULL, meta_got_emit, meta_got_error, &g, &next, &err),
        TS_EIO);
    T_CHECK(strstr(err.msg, "HTTP status 404") != NULL);

    snprintf(url, sizeof url, "%s/html", base);
    T_EQ_INT(
        import_oai_harvest(url, NULL, NULL, NULL, meta_got_emit, meta_got_error, &g, &next, &err),
        TS_EPARSE);
    T_CHECK(strstr(err.msg, "not an OAI-PMH response") != NULL);

    snprintf(url, sizeof url, "%s/loop", base);
    T_EQ_INT(
        import_oai_harvest(url, NULL, NULL, NULL, meta_got_emit, meta_got_error, &g, &next, &err),
        TS_EPARSE);
    T_CHECK(strstr(err.msg, "resumptionToken did not change") != NULL);
    meta_got_free(&g);

    snprintf(url, sizeof url, "%s/busy", base); /* 503 + Retry-After: 1, then the page */
    T_OK(import_oai_harvest(url, NULL, NULL, NULL, meta_got_emit, meta_got_error, &g, NULL, &err),
         &err);
    T_EQ_INT(g.n, 1);
    meta_got_free(&g);

    T_EQ_INT(import_oai_harvest("ftp://example.org/oai", NULL, NULL, NULL, meta_got_emit,
                                meta_got_error, &g, &next, &err),
             TS_EINVAL);
    server_stop(&srv);

    /* the server is gone: connection refused */
    snprintf(url, sizeof url, "%s/oai", base);
    T_EQ_INT(
        import_oai_harvest(url, NULL, NULL, NULL, meta_got_emit, meta_got_error, &g, &next, &err),
        TS_EIO);
    T_CHECK(next == NULL);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"oai_page", test_oai_page},
        {"rdf", test_rdf},
        {"simple_dc", test_simple_dc},
        {"round_trip", test_round_trip},
        {"hostile", test_hostile},
        {"harvest", test_harvest},
        {0},
    };
    return t_main(cases, argc, argv);
}
