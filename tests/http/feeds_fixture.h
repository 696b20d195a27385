/*
 * tests/http/feeds_fixture.h - the data folder of the OPDS and SRU tests
 * (test_opds.c, test_sru.c), built through the import API, the real server
 * started on it, and XML helpers (libxml2 + XPath) to read the answers.
 *
 * Libraries: THCS-A (school) holds an EPUB and a PDF (open digital files);
 * TV-Q1 (public) holds paper copies only, from a spreadsheet: "Dế Mèn phiêu
 * lưu ký" (Tô Hoài, ISBN, description, subject), "Tắt đèn", "Số đỏ", an
 * English title, a title full of markup and a control character, and
 * FILLER_N workbooks "Sách bài tập số N", so lists run over several pages;
 * LC-X (learning centre) holds nothing. Last comes a record written with the
 * catalogue API whose title holds characters XML cannot carry (RAW_TITLE).
 * Header-only: static functions.
 */
#ifndef FEEDS_FIXTURE_H
#define FEEDS_FIXTURE_H

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "import.h"
#include "server.h"
#include "fixture.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_util.h"

#define FILLER_N 60
#define N_RECORDS (2 + 5 + FILLER_N + 1)
/* the record added last, straight through the catalogue API: C0 controls,
 * U+FFFE and a byte that is not UTF-8, which XML 1.0 cannot carry */
#define RAW_TITLE "Ký tự\x01\x1f điều khiển\xef\xbf\xbe và \xff lỗi"
#define ISBN_DE_MEN "9786042081238"

static struct t_srv srv;
static const char *data_dir;

static void fx_write(const char *dir, const char *name, const void *p, size_t n)
{
    t_fx_write(dir, name, p, n);
}

static void fx_zip_add(struct archive *a, const char *name, const char *data)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (int64_t)strlen(data));
    archive_write_header(a, e);
    archive_write_data(a, data, strlen(data));
    archive_entry_free(e);
}

static void fx_epub(const char *dir)
{
    static const char container[] =
        "<?xml version=\"1.0\"?><container version=\"1.0\" "
        "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile "
        "full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>"
        "</rootfiles></container>";
    static const char opf[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><package xmlns=\"http://www.idpf.org/2007/opf\" "
        "version=\"2.0\" unique-identifier=\"id\"><metadata "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Sổ tay quản trị Debian</dc:title>"
        "<dc:creator>Raphaël Hertzog</dc:creator><dc:language>vi</dc:language>"
        "<dc:identifier id=\"id\">urn:uuid:1b2c3d4e-0000-4000-8000-000000000009</dc:identifier>"
        "</metadata><manifest><item id=\"c1\" href=\"ch1.xhtml\" "
        "media-type=\"application/xhtml+xml\"/></manifest><spine><itemref idref=\"c1\"/>"
        "</spine></package>";
    static const char ch1[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
        "<head><title>Chương 1</title></head><body><h1>Cài đặt gói phần mềm</h1><p>Dùng lệnh "
        "apt để cài đặt gói.</p></body></html>";
    size_t cap = 1 << 20, used = 0;
    char *buf = ts_xmalloc(cap);
    struct archive *a = archive_write_new();

    archive_write_set_format_zip(a);
    archive_write_open_memory(a, buf, cap, &used);
    fx_zip_add(a, "mimetype", "application/epub+zip");
    fx_zip_add(a, "META-INF/container.xml", container);
    fx_zip_add(a, "OEBPS/content.opf", opf);
    fx_zip_add(a, "OEBPS/ch1.xhtml", ch1);
    archive_write_close(a);
    archive_write_free(a);
    fx_write(dir, "quan-tri.epub", buf, used);
    free(buf);
}

/* A one-page PDF, xref offsets computed as it is written. */
static void fx_pdf(const char *dir)
{
    t_fx_pdf(dir, "may-in.pdf", "Huong dan may in", "Huong dan su dung may in");
}

static void fx_library(const char *code, const char *name, const char *kind)
{
    t_fx_library(data_dir, code, name, kind);
}

static void fx_import(const char *path, const char *library)
{
    struct import_summary s;

    if (t_fx_import(data_dir, path, library, 2, &s) == TS_OK)
        T_EQ_INT(s.failed, 0);
}

/* Id of the record whose title contains `needle`, 0 if none. */
static int64_t fx_record(const char *needle)
{
    return t_fx_find_record(data_dir, needle, NULL);
}

static void fx_setup(void)
{
    const char *files = t_tmpdir(), *sheet = t_tmpdir();
    struct ts_err err = {0};
    struct ts_buf csv;
    char path[1024];

    data_dir = t_tmpdir();
    T_OK(import_init(data_dir, &err), &err);
    fx_library("THCS-A", "Trường THCS A", "school");
    fx_library("TV-Q1", "Thư viện Quận 1", "public");
    fx_library("LC-X", "Trung tâm học tập cộng đồng X", "learning_centre");
    fx_epub(files);
    fx_pdf(files);
    fx_import(files, "THCS-A");

    ts_buf_init(&csv, 0);
    ts_buf_add(&csv, "Title,Author,Publisher,Year,ISBN,Barcode,Language,Type,Description,Subject\n"
                     "Dế Mèn phiêu lưu ký,Tô Hoài,Kim Đồng,2019," ISBN_DE_MEN
                     ",DM-001,vi,book,Chuyện chú dế đi phiêu lưu,Văn học thiếu nhi\n"
                     "Tắt đèn,Ngô Tất Tố,Văn học,2015,,TD-001,vi,book,,\n"
                     "Số đỏ,Vũ Trọng Phụng,Văn học,2016,,SD-001,vi,book,,\n"
                     "The Little Prince,Antoine de Saint-Exupéry,Reynal,1943,,LP-001,en,book,,\n"
                     "\"<script>alert(\"\"x\"\")</script> & Co \x01\",Kẻ \"\"xấu\"\" <b>,NXB "
                     "&amp;,2020,,XSS-001,vi,book,Mô tả <i>nghiêng</i> & \x02,\n");
    for (int i = 1; i <= FILLER_N; i++)
        ts_buf_addf(&csv, "Sách bài tập số %d,Nhóm biên soạn,Giáo dục,2020,,BT-%03d,vi,book,,\n", i,
                    i);
    fx_write(sheet, "sach.csv", csv.data, csv.len);
    ts_buf_free(&csv);
    snprintf(path, sizeof path, "%s/sach.csv", sheet);
    {
        struct import_opts o;
        struct import_summary s;
        memset(&o, 0, sizeof o);
        o.data_dir = data_dir;
        o.library = "TV-Q1";
        o.n_workers = 2;
        T_OK(import_run(path, &o, &s, &err), &err);
        T_EQ_INT(s.created, 5 + FILLER_N);
    }
    {
        struct cat_record_in in;
        catalog *cat = NULL;
        int64_t id;
        int rc;
        memset(&in, 0, sizeof in);
        in.title = RAW_TITLE;
        in.resource_type = "document";
        in.description = "tab\tand\x0bvertical tab";
        snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
        T_OK(catalog_open(path, &cat, &err), &err);
        T_OK(catalog_tx_begin(cat, &err), &err);
        rc = catalog_record_add(cat, &in, &id, &err);
        T_OK(catalog_tx_end(cat, rc, &err), &err);
        catalog_close(cat);
    }
    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
}

/* ------------------------------------------------------------ XML */

struct fx_doc {
    long status;
    char content_type[256];
    char *body;
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
};

static void fx_ns(xmlXPathContextPtr xp)
{
    static const char *const ns[][2] = {
        {"a", "http://www.w3.org/2005/Atom"},
        {"dc", "http://purl.org/dc/terms/"},
        {"dce", "http://purl.org/dc/elements/1.1/"},
        {"os", "http://a9.com/-/spec/opensearch/1.1/"},
        {"thr", "http://purl.org/syndication/thread/1.0"},
        {"zs", "http://www.loc.gov/zing/srw/"},
        {"diag", "http://www.loc.gov/zing/srw/diagnostic/"},
        {"sru", "http://docs.oasis-open.org/ns/search-ws/sruResponse"},
        {"diag2", "http://docs.oasis-open.org/ns/search-ws/diagnostic"},
        {"m", "http://www.loc.gov/MARC21/slim"},
        {"srw_dc", "info:srw/schema/1/dc-schema"},
        {"ex", "http://explain.z3950.org/dtd/2.0/"},
    };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        xmlXPathRegisterNs(xp, BAD_CAST ns[i][0], BAD_CAST ns[i][1]);
}

/* GET path; the body parsed as XML (doc NULL if it is not well-formed). */
static void fx_get(const char *path, struct fx_doc *d)
{
    struct t_http r;
    const char *ct;

    memset(d, 0, sizeof *d);
    t_http_get(&srv, path, &r);
    d->status = r.status;
    ct = t_http_header(&r, "Content-Type");
    snprintf(d->content_type, sizeof d->content_type, "%s", ct ? ct : "");
    d->body = ts_xstrdup(ts_buf_str(&r.body));
    if (getenv("T_DUMP"))
        fprintf(stderr, "==== GET %s\n%s\n", path, d->body);
    t_http_free(&r);
    d->doc = xmlReadMemory(d->body, (int)strlen(d->body), NULL, "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (d->doc) {
        d->xp = xmlXPathNewContext(d->doc);
        fx_ns(d->xp);
    }
}

static void fx_doc_free(struct fx_doc *d)
{
    if (d->xp)
        xmlXPathFreeContext(d->xp);
    xmlFreeDoc(d->doc);
    free(d->body);
    memset(d, 0, sizeof *d);
}

/* Number of nodes `expr` selects (-1 without a document). */
static long fx_count(const struct fx_doc *d, const char *expr)
{
    xmlXPathObjectPtr o;
    long n;

    if (!d->xp)
        return -1;
    o = xmlXPathEvalExpression(BAD_CAST expr, d->xp);
    if (!o) {
        fprintf(stderr, "  bad XPath %s\n", expr);
        return -1;
    }
    n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* string(expr) into a static buffer ("" when nothing matches). */
static const char *fx_str(const struct fx_doc *d, const char *expr)
{
    static char out[4096];
    char buf[1024];
    xmlXPathObjectPtr o;

    out[0] = '\0';
    if (!d->xp)
        return out;
    snprintf(buf, sizeof buf, "string(%s)", expr);
    o = xmlXPathEvalExpression(BAD_CAST buf, d->xp);
    if (o && o->stringval)
        snprintf(out, sizeof out, "%s", (const char *)o->stringval);
    xmlXPathFreeObject(o);
    return out;
}

static long fx_num(const struct fx_doc *d, const char *expr)
{
    return strtol(fx_str(d, expr), NULL, 10);
}

static int fx_has(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        return 1;
    fprintf(stderr, "  missing: %s\n", needle);
    return 0;
}

#endif
