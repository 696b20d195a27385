/*
 * tests/http/test_server.c - the HTTP server end to end: the real server
 * in-process on 127.0.0.1 (random port) over a data folder built with the
 * import pipeline from files this test writes (HTML, an EPUB with two
 * chapters and an image, text, a PDF with a Vietnamese file name, and a
 * hostile HTML file), driven with libcurl.
 *
 * Covers every route (200, 404, 405 + Allow, HEAD), JSON shapes, Vietnamese
 * search without diacritics through the API and the page, ETag/304, gzip,
 * Range 206/416, static cache headers, the security headers, XSS (escaped
 * titles, sanitised chapters), path traversal, bad UTF-8, and the limits:
 * huge header, huge body (declared and chunked), and a slowloris client on
 * 127.0.0.2 that must not starve a normal client on 127.0.0.1.
 */
#include <archive.h>
#include <pthread.h>
#include <archive_entry.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "catalog.h"
#include "import.h"
#include "server.h"
#include "fixture.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_util.h"

static struct t_srv srv;
static const char *data_dir;
static int64_t id_handbook, id_epub, id_text, id_pdf, id_xss;
static int64_t file_epub, file_text, file_pdf;
static const char text_body[] = "Ghi chú\n\nBàn học và bạn học. <b>không phải thẻ</b>\n";

static void write_bytes(const char *dir, const char *name, const void *p, size_t n)
{
    t_fx_write(dir, name, p, n);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    write_bytes(dir, name, text, strlen(text));
}

struct zb {
    struct archive *a;
    char *buf;
    size_t cap, used;
};

static void zb_add(struct zb *z, const char *name, const void *data, size_t n)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (int64_t)n);
    archive_write_header(z->a, e);
    archive_write_data(z->a, data, n);
    archive_entry_free(e);
}

/* 1x1 transparent PNG */
static const unsigned char png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static void make_epub(const char *dir)
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
        "<dc:identifier id=\"id\">urn:uuid:1b2c3d4e-0000-4000-8000-000000000001</dc:identifier>"
        "</metadata><manifest><item id=\"c1\" href=\"text/ch1.xhtml\" "
        "media-type=\"application/xhtml+xml\"/><item id=\"c2\" href=\"text/ch2.xhtml\" "
        "media-type=\"application/xhtml+xml\"/><item id=\"p\" href=\"images/pic.png\" "
        "media-type=\"image/png\"/></manifest><spine><itemref idref=\"c1\"/><itemref "
        "idref=\"c2\"/></spine></package>";
    static const char ch1[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
        "<head><title>Chương 1</title><style>body{color:red}</style></head><body>"
        "<h1 id=\"s1\">Cài đặt gói phần mềm</h1><p>Dùng lệnh apt để cài đặt gói từ kho "
        "lưu trữ.</p></body></html>";
    static const char ch2[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
        "<head><title>Chương 2</title></head><body><h1>Mạng máy tính</h1>"
        "<p>Xem lại <a href=\"ch1.xhtml#s1\">chương một</a> và "
        "<a href=\"https://www.debian.org/\">Debian</a>.</p>"
        "<p><img src=\"../images/pic.png\" alt=\"hình\"/></p>"
        "<p><img src=\"http://evil.example/track.png\" alt=\"x\"/></p></body></html>";
    struct zb z;
    char path[1024];
    struct ts_err err = {0};

    z.cap = 1 << 20;
    z.used = 0;
    z.buf = ts_xmalloc(z.cap);
    z.a = archive_write_new();
    archive_write_set_format_zip(z.a);
    archive_write_open_memory(z.a, z.buf, z.cap, &z.used);
    zb_add(&z, "mimetype", "application/epub+zip", 20);
    zb_add(&z, "META-INF/container.xml", container, strlen(container));
    zb_add(&z, "OEBPS/content.opf", opf, strlen(opf));
    zb_add(&z, "OEBPS/text/ch1.xhtml", ch1, strlen(ch1));
    zb_add(&z, "OEBPS/text/ch2.xhtml", ch2, strlen(ch2));
    zb_add(&z, "OEBPS/images/pic.png", png, sizeof png);
    archive_write_close(z.a);
    archive_write_free(z.a);
    snprintf(path, sizeof path, "%s/quan-tri.epub", dir);
    T_OK(ts_write_file_atomic(path, z.buf, z.used, &err), &err);
    free(z.buf);
}

/* A one-page PDF whose xref offsets are computed as it is written. */
static void make_pdf(const char *dir, const char *name)
{
    t_fx_pdf(dir, name, "Huong dan may in", "Huong dan su dung may in");
}

static void add_library(const char *code, const char *name, const char *kind)
{
    t_fx_library(data_dir, code, name, kind);
}

static void import_dir(const char *dir, const char *library)
{
    struct import_summary s;

    if (t_fx_import(data_dir, dir, library, 2, &s) == TS_OK)
        T_EQ_INT(s.failed, 0);
}

/* Record id and first file id of the record whose title contains `needle`. */
static int64_t find_record(const char *needle, int64_t *file_id)
{
    return t_fx_find_record(data_dir, needle, file_id);
}

static void test_setup(void)
{
    const char *src_a = t_tmpdir(), *src_b = t_tmpdir();
    struct ts_err err = {0};

    data_dir = t_tmpdir();
    T_OK(import_init(data_dir, &err), &err);
    add_library("THCS-A", "Trường THCS A", "school");
    add_library("TV-HUYEN", "Thư viện huyện", "public");
    write_text(src_a, "so-tay.html",
               "<html><head><meta charset=\"utf-8\"><title>Sổ tay thư viện</title>"
               "<meta name=\"author\" content=\"Nguyễn Văn A\"></head><body><h1>Sổ tay</h1>"
               "<p>Học sinh đọc sách ở thư viện mỗi tuần.</p></body></html>");
    write_text(src_a, "xss.html",
               "<html><head><meta charset=\"utf-8\">"
               "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"
               "<script>alert(4)</script><style>p{}</style></head><body>"
               "<p onclick=\"alert(5)\">Kiểm tra an toàn hiển thị</p>"
               "<img src=x onerror=\"alert(2)\">"
               "<a href=\"javascript:alert(3)\">link một</a>"
               "<a href=\" JaVaScRiPt:alert(6)\">link hai</a>"
               "<a href=\"&#106;avascript:alert(7)\">link ba</a>"
               "<a href=\"data:text/html,<script>alert(8)</script>\">link bốn</a>"
               "<iframe src=\"https://evil.example/\"></iframe>"
               "<svg><script>alert(9)</script></svg>"
               "<form action=\"/x\"><input name=q></form>"
               "<p style=\"background:url(javascript:alert(10))\">đoạn kết</p>"
               "</body></html>");
    write_text(src_a, "ghi-chu.txt", text_body);
    make_epub(src_a);
    make_pdf(src_a, "Hướng dẫn máy in.pdf");
    write_text(src_b, "so-tay.html",
               "<html><head><meta charset=\"utf-8\"><title>Sổ tay thư viện</title>"
               "<meta name=\"author\" content=\"Nguyễn Văn A\"></head><body><h1>Sổ tay</h1>"
               "<p>Học sinh đọc sách ở thư viện mỗi tuần.</p></body></html>");
    import_dir(src_a, "THCS-A");
    import_dir(src_b, "TV-HUYEN");
    id_handbook = find_record("Sổ tay thư viện", NULL);
    id_epub = find_record("quản trị Debian", &file_epub);
    id_text = find_record("Ghi chú", &file_text);
    if (!id_text)
        id_text = find_record("ghi-chu", &file_text);
    id_pdf = find_record("may in", &file_pdf);
    id_xss = find_record("<script>", NULL);
    T_CHECK(id_handbook && id_epub && id_text && id_pdf && id_xss);
    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
}

/* ------------------------------------------------------------- helpers */

static json_t *get_json(const char *path, long want_status)
{
    struct t_http r;
    json_error_t jerr;
    json_t *v;

    t_http_get(&srv, path, &r);
    if (!T_EQ_INT(r.status, want_status))
        fprintf(stderr, "  GET %s: %s\n", path, ts_buf_str(&r.body));
    T_CHECK(strstr(t_http_header(&r, "Content-Type") ? r.value : "", "application/json"));
    v = json_loads(ts_buf_str(&r.body), 0, &jerr);
    T_CHECK(v != NULL);
    t_http_free(&r);
    return v;
}

/* GET a page: status checked, body returned (free()). */
static char *get_page(const char *path, long want_status)
{
    struct t_http r;
    char *body;

    t_http_get(&srv, path, &r);
    if (!T_EQ_INT(r.status, want_status))
        fprintf(stderr, "  GET %s\n", path);
    body = ts_xstrdup(ts_buf_str(&r.body));
    if (getenv("T_DUMP")) /* T_DUMP=1 prints every page fetched, for eyeballing */
        fprintf(stderr, "==== GET %s\n%s\n", path, body);
    t_http_free(&r);
    return body;
}

/* --------------------------------------------------------------- cases */

static void test_health(void)
{
    json_t *v = get_json("/api/v1/health", 200);
    T_EQ_STR(json_string_value(json_object_get(v, "status")), "ok");
    T_EQ_INT(json_integer_value(json_object_get(v, "records")), 5);
    T_CHECK(json_integer_value(json_object_get(v, "schema_version")) >= 1);
    json_decref(v);
}

static void test_home_and_headers(void)
{
    struct t_http r;
    const char *h;

    t_http_get(&srv, "/", &r);
    T_EQ_INT(r.status, 200);
    T_CHECK(strstr(t_http_header(&r, "Content-Type") ? r.value : "", "text/html"));
    h = t_http_header(&r, "Content-Security-Policy");
    T_CHECK(h && strstr(h, "default-src 'self'") && strstr(h, "frame-ancestors 'none'") &&
            strstr(h, "script-src 'self'") && !strstr(h, "unsafe-inline"));
    T_EQ_STR(t_http_header(&r, "X-Content-Type-Options"), "nosniff");
    T_CHECK(t_http_header(&r, "Referrer-Policy") != NULL);
    T_CHECK((h = t_http_header(&r, "X-Request-Id")) && strncmp(h, "r-", 2) == 0);
    T_CHECK(t_has(ts_buf_str(&r.body), "<html lang=\"vi\">"));
    T_CHECK(t_has(ts_buf_str(&r.body), "href=\"/?lang=en\""));
    T_CHECK(t_has(ts_buf_str(&r.body), "<label for=\"q\">"));
    T_CHECK(t_has(ts_buf_str(&r.body), "<main id=\"main\""));
    T_CHECK(t_lacks(ts_buf_str(&r.body), "<script>"));
    t_http_free(&r);

    /* English by ?lang=en, remembered in a cookie */
    t_http_get(&srv, "/?lang=en", &r);
    T_EQ_INT(r.status, 200);
    T_CHECK(t_has(ts_buf_str(&r.body), "<html lang=\"en\">"));
    T_CHECK((h = t_http_header(&r, "Set-Cookie")) && strstr(h, "lang=en"));
    T_CHECK(t_has(ts_buf_str(&r.body), "Find books"));
    t_http_free(&r);
    {
        static const char *const hdrs[] = {"Cookie: lang=en", NULL};
        struct t_http_opts o = {0};
        o.headers = hdrs;
        t_http_do(&srv, "/libraries", &o, &r);
        T_CHECK(t_has(ts_buf_str(&r.body), "<html lang=\"en\">"));
        T_CHECK(t_has(ts_buf_str(&r.body), "School libraries"));
        t_http_free(&r);
    }
}

static void test_not_found_and_methods(void)
{
    struct t_http r;
    struct t_http_opts o = {0};
    json_t *v;
    const char *rid;

    t_http_get(&srv, "/nope", &r);
    T_EQ_INT(r.status, 404);
    T_CHECK(strstr(t_http_header(&r, "Content-Type") ? r.value : "", "text/html"));
    t_http_free(&r);

    t_http_get(&srv, "/api/v1/nope", &r);
    T_EQ_INT(r.status, 404);
    v = json_loads(ts_buf_str(&r.body), 0, NULL);
    rid = t_http_header(&r, "X-Request-Id");
    T_EQ_STR(json_string_value(json_object_get(json_object_get(v, "error"), "code")), "not_found");
    T_EQ_STR(json_string_value(json_object_get(json_object_get(v, "error"), "request_id")), rid);
    json_decref(v);
    t_http_free(&r);

    o.method = "POST";
    o.body = "{}";
    o.body_len = 2;
    t_http_do(&srv, "/api/v1/search?q=x", &o, &r);
    T_EQ_INT(r.status, 405);
    T_EQ_STR(t_http_header(&r, "Allow"), "GET, HEAD");
    t_http_free(&r);
    o.method = "DELETE";
    o.body = NULL;
    t_http_do(&srv, "/records/1", &o, &r);
    T_EQ_INT(r.status, 405);
    t_http_free(&r);

    /* HEAD: the GET route, headers only */
    memset(&o, 0, sizeof o);
    o.method = "HEAD";
    t_http_do(&srv, "/api/v1/health", &o, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_INT(r.body.len, 0);
    T_CHECK(t_http_header(&r, "Content-Length") && strtol(r.value, NULL, 10) > 10);
    t_http_free(&r);
    t_http_do(&srv, "/", &o, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_INT(r.body.len, 0);
    t_http_free(&r);
}

/* Every route of server/routes.c: GET answers, HEAD answers the same status
 * with no body, and a POST is 405 with an Allow header. */
static void test_every_route(void)
{
    char paths[17][160];
    int n = 0;

    snprintf(paths[n++], 160, "/");
    snprintf(paths[n++], 160, "/search?q=thu+vien");
    snprintf(paths[n++], 160, "/records/%lld", (long long)id_epub);
    snprintf(paths[n++], 160, "/records/%lld/read", (long long)id_epub);
    snprintf(paths[n++], 160, "/records/%lld/asset?path=OEBPS/images/pic.png", (long long)id_epub);
    snprintf(paths[n++], 160, "/libraries");
    snprintf(paths[n++], 160, "/libraries/THCS-A");
    snprintf(paths[n++], 160, "/files/%lld", (long long)file_pdf);
    snprintf(paths[n++], 160, "/static/app.css");
    snprintf(paths[n++], 160, "/api/v1/search?q=so+tay");
    snprintf(paths[n++], 160, "/api/v1/suggest?q=so");
    snprintf(paths[n++], 160, "/api/v1/records/%lld", (long long)id_epub);
    snprintf(paths[n++], 160, "/api/v1/records/%lld/items", (long long)id_epub);
    snprintf(paths[n++], 160, "/api/v1/libraries");
    snprintf(paths[n++], 160, "/api/v1/libraries/THCS-A");
    snprintf(paths[n++], 160, "/api/v1/files/%lld", (long long)file_text);
    snprintf(paths[n++], 160, "/api/v1/health");
    for (int i = 0; i < n; i++) {
        struct t_http r;
        struct t_http_opts o = {0};
        long len;

        t_http_get(&srv, paths[i], &r);
        if (!T_EQ_INT(r.status, 200))
            fprintf(stderr, "  GET %s\n", paths[i]);
        T_CHECK(t_http_header(&r, "X-Request-Id") != NULL);
        len = (long)r.body.len;
        t_http_free(&r);
        o.method = "HEAD";
        t_http_do(&srv, paths[i], &o, &r);
        if (!T_EQ_INT(r.status, 200))
            fprintf(stderr, "  HEAD %s\n", paths[i]);
        T_EQ_INT(r.body.len, 0);
        T_CHECK(t_http_header(&r, "Content-Length") && strtol(r.value, NULL, 10) == len);
        t_http_free(&r);
        o.method = "POST";
        o.body = "x";
        o.body_len = 1;
        t_http_do(&srv, paths[i], &o, &r);
        if (!T_EQ_INT(r.status, 405))
            fprintf(stderr, "  POST %s\n", paths[i]);
        T_EQ_STR(t_http_header(&r, "Allow"), "GET, HEAD");
        t_http_free(&r);
    }
}

static void test_api_search(void)
{
    json_t *v, *hit, *facets;
    size_t i;
    int found = 0;

    /* no diacritics in the query: "thu vien" finds "thư viện" */
    v = get_json("/api/v1/search?q=thu+vien", 200);
    T_CHECK(json_integer_value(json_object_get(v, "total")) >= 1);
    T_CHECK(json_is_array(json_object_get(v, "hits")));
    json_array_foreach(json_object_get(v, "hits"), i, hit)
    {
        if (json_integer_value(json_object_get(hit, "id")) != id_handbook)
            continue;
        found = 1;
        T_EQ_STR(json_string_value(json_object_get(hit, "title")), "Sổ tay thư viện");
        T_EQ_STR(json_string_value(json_array_get(json_object_get(hit, "authors"), 0)),
                 "Nguyễn Văn A");
        T_CHECK(strstr(json_string_value(json_object_get(hit, "snippet")), "<mark>"));
        T_EQ_INT(json_array_size(json_object_get(hit, "libraries")), 2);
        T_CHECK(json_object_get(hit, "type") && json_object_get(hit, "language"));
    }
    T_CHECK(found);
    facets = json_object_get(v, "facets");
    T_CHECK(json_is_array(json_object_get(facets, "library")));
    T_CHECK(json_object_get(v, "next_offset") != NULL);
    T_CHECK(json_object_get(v, "did_you_mean") != NULL);
    T_EQ_INT(json_integer_value(json_object_get(v, "offset")), 0);
    json_decref(v);

    /* the EPUB chapter is the matching section */
    v = get_json("/api/v1/search?q=cai+dat+goi", 200);
    hit = json_array_get(json_object_get(v, "hits"), 0);
    T_EQ_INT(json_integer_value(json_object_get(hit, "id")), id_epub);
    T_EQ_STR(json_string_value(json_object_get(json_object_get(hit, "section"), "path")),
             "OEBPS/text/ch1.xhtml");
    json_decref(v);

    /* filters, paging */
    v = get_json("/api/v1/search?q=thu+vien&library=TV-HUYEN&limit=1", 200);
    T_EQ_INT(json_array_size(json_object_get(v, "hits")), 1);
    T_EQ_INT(json_integer_value(json_object_get(v, "limit")), 1);
    json_decref(v);
    json_decref(get_json("/api/v1/search?q=thu+vien&limit=51", 400));
    json_decref(get_json("/api/v1/search?q=thu+vien&offset=-1", 400));
    json_decref(get_json("/api/v1/search", 400));
}

static void test_suggest(void)
{
    json_t *v = get_json("/api/v1/suggest?q=so+ta", 200), *s;
    size_t i;
    int found = 0;

    json_array_foreach(json_object_get(v, "suggestions"), i, s) found |=
        strcmp(json_string_value(s), "Sổ tay thư viện") == 0;
    T_CHECK(found);
    json_decref(v);
    json_decref(get_json("/api/v1/suggest", 400));
}

static void test_search_page(void)
{
    char *b = get_page("/search?q=thu+vien", 200), url[256];

    T_CHECK(t_has(b, "Sổ tay thư viện"));
    T_CHECK(t_has(b, "<mark>"));
    snprintf(url, sizeof url, "href=\"/records/%lld\"", (long long)id_handbook);
    T_CHECK(t_has(b, url));
    T_CHECK(t_has(b, "library=TV-HUYEN")); /* a facet link */
    T_CHECK(t_has(b, "Trường THCS A"));
    free(b);

    /* the section deep link goes to the reader view of the chapter */
    b = get_page("/search?q=cai+dat+goi", 200);
    snprintf(url, sizeof url, "/records/%lld/read?section=OEBPS%%2Ftext%%2Fch1.xhtml",
             (long long)id_epub);
    T_CHECK(t_has(b, url));
    free(b);

    b = get_page("/search?q=zzqqxxyy", 200);
    T_CHECK(t_has(b, "class=\"zero\""));
    free(b);
    b = get_page("/search", 200);
    T_CHECK(t_has(b, "role=\"search\""));
    free(b);
    b = get_page("/search?q=thu+vien&page=0", 200);
    free(b);
    b = get_page("/search?q=thu+vien&page=abc", 400);
    free(b);
}

static void test_record_page_and_api(void)
{
    char path[128], *b;
    json_t *v, *files;

    snprintf(path, sizeof path, "/api/v1/records/%lld", (long long)id_epub);
    v = get_json(path, 200);
    T_EQ_STR(json_string_value(json_object_get(v, "title")), "Sổ tay quản trị Debian");
    T_EQ_STR(json_string_value(json_array_get(json_object_get(v, "authors"), 0)),
             "Raphaël Hertzog");
    files = json_object_get(v, "files");
    T_EQ_INT(json_array_size(files), 1);
    T_EQ_INT(strlen(json_string_value(json_object_get(json_array_get(files, 0), "sha256"))), 64);
    T_EQ_STR(json_string_value(json_object_get(json_array_get(files, 0), "format")), "epub");
    T_EQ_STR(json_string_value(
                 json_object_get(json_array_get(json_object_get(v, "libraries"), 0), "code")),
             "THCS-A");
    T_CHECK(json_is_string(json_object_get(v, "updated")) &&
            strlen(json_string_value(json_object_get(v, "updated"))) == 20);
    json_decref(v);

    snprintf(path, sizeof path, "/records/%lld", (long long)id_epub);
    b = get_page(path, 200);
    T_CHECK(t_has(b, "<h1>Sổ tay quản trị Debian</h1>"));
    T_CHECK(t_has(b, "Raphaël Hertzog"));
    T_CHECK(t_has(b, "/read?file="));
    T_CHECK(t_has(b, "/api/v1/files/"));
    free(b);

    json_decref(get_json("/api/v1/records/999999", 404));
    json_decref(get_json("/api/v1/records/abc", 404));
    json_decref(get_json("/api/v1/records/-1", 404));
    free(get_page("/records/0", 404));
}

static void test_items(void)
{
    char path[128];
    json_t *v, *it;

    snprintf(path, sizeof path, "/api/v1/records/%lld/items", (long long)id_handbook);
    v = get_json(path, 200);
    T_EQ_INT(json_integer_value(json_object_get(v, "total")), 2);
    it = json_array_get(json_object_get(v, "items"), 0);
    T_EQ_STR(json_string_value(json_object_get(it, "kind")), "digital");
    T_EQ_STR(json_string_value(json_object_get(json_object_get(it, "library"), "code")), "THCS-A");
    T_CHECK(json_is_null(json_object_get(v, "next_offset")));
    json_decref(v);
    snprintf(path, sizeof path, "/api/v1/records/%lld/items?limit=1", (long long)id_handbook);
    v = get_json(path, 200);
    T_EQ_INT(json_integer_value(json_object_get(v, "next_offset")), 1);
    json_decref(v);
}

static void test_libraries(void)
{
    json_t *v, *l;
    size_t i;
    char *b;

    v = get_json("/api/v1/libraries", 200);
    T_EQ_INT(json_integer_value(json_object_get(v, "total")), 2);
    json_array_foreach(json_object_get(v, "libraries"), i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "code")), "THCS-A") == 0)
            T_EQ_INT(json_integer_value(json_object_get(l, "records")), 5);
        else
            T_EQ_INT(json_integer_value(json_object_get(l, "records")), 1);
    }
    json_decref(v);
    v = get_json("/api/v1/libraries/TV-HUYEN", 200);
    T_EQ_STR(json_string_value(json_object_get(v, "name")), "Thư viện huyện");
    T_EQ_STR(json_string_value(
                 json_object_get(json_array_get(json_object_get(v, "titles"), 0), "title")),
             "Sổ tay thư viện");
    json_decref(v);
    json_decref(get_json("/api/v1/libraries/NOPE", 404));

    b = get_page("/libraries", 200);
    T_CHECK(t_has(b, "Trường THCS A"));
    T_CHECK(t_has(b, "Thư viện trường học"));
    T_CHECK(t_has(b, "href=\"/libraries/THCS-A\""));
    free(b);
    b = get_page("/libraries/THCS-A", 200);
    T_CHECK(t_has(b, "<h1>Trường THCS A</h1>"));
    T_CHECK(t_has(b, "Sổ tay quản trị Debian"));
    free(b);
    free(get_page("/libraries/NOPE", 404));
}

static void test_etag_and_gzip(void)
{
    static const char *const gz_hdr[] = {"Accept-Encoding: gzip", NULL};
    struct t_http r, r2;
    struct t_http_opts o = {0};
    char path[128], etag[4200], inm[4400];
    const char *inm_hdr[] = {inm, NULL};
    char *plain;
    size_t plain_len;

    snprintf(path, sizeof path, "/records/%lld", (long long)id_epub);
    t_http_get(&srv, path, &r);
    T_EQ_INT(r.status, 200);
    T_REQUIRE(t_http_header(&r, "ETag") != NULL);
    snprintf(etag, sizeof etag, "%s", r.value);
    plain_len = r.body.len;
    plain = ts_xstrdup(ts_buf_str(&r.body));
    t_http_free(&r);

    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    o.headers = inm_hdr;
    t_http_do(&srv, path, &o, &r);
    T_EQ_INT(r.status, 304);
    T_EQ_INT(r.body.len, 0);
    t_http_free(&r);

    /* gzip: smaller, decompresses to the same page, validator still matches */
    o.headers = gz_hdr;
    t_http_do(&srv, path, &o, &r2);
    T_EQ_INT(r2.status, 200);
    T_EQ_STR(t_http_header(&r2, "Content-Encoding"), "gzip");
    T_CHECK(t_http_header(&r2, "Vary") != NULL);
    T_CHECK(r2.body.len < plain_len);
    {
        z_stream z;
        char *out = ts_xmalloc(plain_len + 16);
        memset(&z, 0, sizeof z);
        inflateInit2(&z, 15 + 16);
        z.next_in = (Bytef *)r2.body.data;
        z.avail_in = (uInt)r2.body.len;
        z.next_out = (Bytef *)out;
        z.avail_out = (uInt)plain_len + 16;
        T_EQ_INT(inflate(&z, Z_FINISH), Z_STREAM_END);
        T_EQ_INT(z.total_out, plain_len);
        T_CHECK(memcmp(out, plain, plain_len) == 0);
        inflateEnd(&z);
        free(out);
    }
    T_CHECK(t_http_header(&r2, "ETag") && strstr(r2.value, "-gz\""));
    snprintf(inm, sizeof inm, "If-None-Match: %s", r2.value);
    t_http_free(&r2);
    o.headers = inm_hdr;
    t_http_do(&srv, path, &o, &r);
    T_EQ_INT(r.status, 304);
    t_http_free(&r);
    free(plain);

    /* API record responses too */
    snprintf(path, sizeof path, "/api/v1/records/%lld", (long long)id_epub);
    t_http_get(&srv, path, &r);
    T_REQUIRE(t_http_header(&r, "ETag") != NULL);
    snprintf(inm, sizeof inm, "If-None-Match: W/%s", r.value);
    t_http_free(&r);
    t_http_do(&srv, path, &o, &r);
    T_EQ_INT(r.status, 304);
    t_http_free(&r);
}

static void test_files_and_ranges(void)
{
    static const char *const r1[] = {"Range: bytes=0-3", NULL};
    static const char *const r2[] = {"Range: bytes=-4", NULL};
    static const char *const r3[] = {"Range: bytes=1000000-", NULL};
    static const char *const r4[] = {"Range: bytes=0-1,4-5", NULL};
    struct t_http r;
    struct t_http_opts o = {0};
    char path[128], want[64];
    size_t n = strlen(text_body);

    snprintf(path, sizeof path, "/api/v1/files/%lld", (long long)file_text);
    t_http_get(&srv, path, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_INT(r.body.len, n);
    T_CHECK(memcmp(r.body.data, text_body, n) == 0);
    T_EQ_STR(t_http_header(&r, "Accept-Ranges"), "bytes");
    T_CHECK(t_http_header(&r, "Content-Disposition") && strncmp(r.value, "attachment", 10) == 0);
    T_CHECK(t_http_header(&r, "ETag") != NULL);
    t_http_free(&r);

    o.headers = r1;
    t_http_do(&srv, path, &o, &r);
    T_EQ_INT(r.status, 206);
    T_EQ_INT(r.body.len, 4);
    T_CHECK(memcmp(r.body.data, "Ghi ", 4) == 0);
    snprintf(want, sizeof want, "bytes 0-3/%zu", n);
    T_EQ_STR(t_http_header(&r, "Content-Range"), want);
    t_http_free(&r);
    o.headers = r2;
    t_http_do(&srv, path, &o, &r);
    T_EQ_INT(r.status, 206);
    T_EQ_INT(r.body.len, 4);
    T_CHECK(memcmp(r.body.data, text_body + n - 4, 4) == 0);
    t_http_free(&r);
    o.headers = r3;
    t_http_do(&srv, path, &o, &r);
    T_EQ_INT(r.status, 416);
    snprintf(want, sizeof want, "bytes */%zu", n);
    T_EQ_STR(t_http_header(&r, "Content-Range"), want);
    t_http_free(&r);
    o.headers = r4; /* several ranges: the whole file */
    t_http_do(&srv, path, &o, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_INT(r.body.len, n);
    t_http_free(&r);

    /* a Vietnamese file name, RFC 5987-encoded; a PDF shown inline */
    snprintf(path, sizeof path, "/files/%lld", (long long)file_pdf);
    t_http_get(&srv, path, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_STR(t_http_header(&r, "Content-Type"), "application/pdf");
    T_CHECK(t_http_header(&r, "Content-Disposition") && strncmp(r.value, "inline", 6) == 0 &&
            strstr(r.value, "filename*=UTF-8''H%C6%B0%E1%BB%9Bng%20d%E1%BA%ABn"));
    T_CHECK(r.body.len > 100 && memcmp(r.body.data, "%PDF", 4) == 0);
    t_http_free(&r);
    /* other files are never shown inline, even on /files */
    snprintf(path, sizeof path, "/files/%lld", (long long)file_text);
    t_http_get(&srv, path, &r);
    T_CHECK(t_http_header(&r, "Content-Disposition") && strncmp(r.value, "attachment", 10) == 0);
    t_http_free(&r);

    json_decref(get_json("/api/v1/files/999999", 404));
    json_decref(get_json("/api/v1/files/../health", 404));
    json_decref(get_json("/api/v1/files/%2e%2e/health", 404));
}

static void test_static_assets(void)
{
    char *home = get_page("/", 200), css[128] = "", *p;
    struct t_http r;

    p = strstr(home, "/static/app.");
    T_REQUIRE(p != NULL);
    snprintf(css, sizeof css, "%.*s", (int)strcspn(p, "\""), p);
    free(home);
    T_CHECK(strlen(css) == strlen("/static/app.") + 12 + 4);
    t_http_get(&srv, css, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_STR(t_http_header(&r, "Cache-Control"), "public, max-age=31536000, immutable");
    T_CHECK(strncmp(t_http_header(&r, "Content-Type"), "text/css", 8) == 0);
    T_CHECK(t_http_header(&r, "ETag") != NULL);
    t_http_free(&r);
    t_http_get(&srv, "/static/app.css", &r);
    T_EQ_INT(r.status, 200);
    T_EQ_STR(t_http_header(&r, "Cache-Control"), "no-cache");
    t_http_free(&r);
    t_http_get(&srv, "/static/app.000000000000.js", &r);
    T_EQ_INT(r.status, 200);
    T_EQ_STR(t_http_header(&r, "Cache-Control"), "no-cache");
    t_http_free(&r);
    free(get_page("/static/icon.svg", 200));
    free(get_page("/static/nope.css", 404));
    free(get_page("/static/../server/server.h", 404));
    free(get_page("/static/%2e%2e/CMakeLists.txt", 404));
    free(get_page("/static/..%2fCMakeLists.txt", 404));
    free(get_page("/static/layout.html", 404)); /* templates are not static files */
}

static void test_xss(void)
{
    char path[128], *b;

    snprintf(path, sizeof path, "/records/%lld", (long long)id_xss);
    b = get_page(path, 200);
    T_CHECK(t_has(b, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    T_CHECK(t_lacks(b, "<script>alert"));
    free(b);
    b = get_page("/search?q=kiem+tra+an+toan", 200);
    T_CHECK(t_has(b, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    T_CHECK(t_lacks(b, "<script>alert"));
    free(b);
    /* the query is echoed escaped */
    b = get_page("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 200);
    T_CHECK(t_lacks(b, "<script>alert"));
    free(b);

    snprintf(path, sizeof path, "/records/%lld/read", (long long)id_xss);
    b = get_page(path, 200);
    {
        /* the chapter itself: the page title above it is the escaped record title */
        const char *art = strstr(b, "<article class=\"reader\">");
        T_REQUIRE(art != NULL);
        T_CHECK(t_has(art, "Kiểm tra an toàn hiển thị"));
        T_CHECK(t_has(art, "link một"));
        T_CHECK(t_has(art, "đoạn kết"));
        T_CHECK(t_lacks(art, "alert("));
        T_CHECK(t_lacks(art, "onerror"));
        T_CHECK(t_lacks(art, "onclick"));
        T_CHECK(t_lacks(art, "javascript:"));
        T_CHECK(t_lacks(art, "<script"));
        T_CHECK(t_lacks(art, "<iframe"));
        T_CHECK(t_lacks(art, "<form"));
        T_CHECK(t_lacks(art, "<svg"));
        T_CHECK(t_lacks(art, "style="));
        T_CHECK(t_lacks(art, "data:text"));
        T_CHECK(t_lacks(art, "<img"));
    }
    T_CHECK(t_lacks(b, "<script>alert"));
    free(b);
}

static void test_read_epub(void)
{
    char path[256], want[256], *b;
    struct t_http r;

    /* no section: the first item of the spine */
    snprintf(path, sizeof path, "/records/%lld/read", (long long)id_epub);
    b = get_page(path, 200);
    T_CHECK(t_has(b, "Cài đặt gói phần mềm"));
    T_CHECK(t_has(b, "id=\"c-s1\""));
    T_CHECK(t_lacks(b, "color:red"));
    free(b);

    snprintf(path, sizeof path, "/records/%lld/read?section=OEBPS/text/ch2.xhtml",
             (long long)id_epub);
    b = get_page(path, 200);
    T_CHECK(t_has(b, "Mạng máy tính"));
    snprintf(want, sizeof want,
             "/records/%lld/read?file=%lld&amp;section=OEBPS/text/ch1.xhtml#c-s1",
             (long long)id_epub, (long long)file_epub);
    T_CHECK(t_has(b, want));
    snprintf(want, sizeof want, "/records/%lld/asset?file=%lld&amp;path=OEBPS/images/pic.png",
             (long long)id_epub, (long long)file_epub);
    T_CHECK(t_has(b, want));
    T_CHECK(t_has(b, "href=\"https://www.debian.org/\""));
    T_CHECK(t_has(b, "noopener"));
    T_CHECK(t_lacks(b, "evil.example"));
    free(b);

    snprintf(path, sizeof path, "/records/%lld/asset?file=%lld&path=OEBPS/images/pic.png",
             (long long)id_epub, (long long)file_epub);
    t_http_get(&srv, path, &r);
    T_EQ_INT(r.status, 200);
    T_EQ_STR(t_http_header(&r, "Content-Type"), "image/png");
    T_EQ_INT(r.body.len, sizeof png);
    T_CHECK(r.body.data && memcmp(r.body.data, png, sizeof png) == 0);
    t_http_free(&r);

    /* traversal and nonsense */
    snprintf(path, sizeof path, "/records/%lld/read?section=../../etc/passwd", (long long)id_epub);
    free(get_page(path, 400));
    snprintf(path, sizeof path, "/records/%lld/read?section=/etc/passwd", (long long)id_epub);
    free(get_page(path, 400));
    snprintf(path, sizeof path, "/records/%lld/read?section=OEBPS/../../x.xhtml",
             (long long)id_epub);
    free(get_page(path, 400));
    snprintf(path, sizeof path, "/records/%lld/read?section=OEBPS/text/none.xhtml",
             (long long)id_epub);
    free(get_page(path, 404));
    snprintf(path, sizeof path, "/records/%lld/read?section=OEBPS/content.opf", (long long)id_epub);
    free(get_page(path, 404));
    snprintf(path, sizeof path, "/records/%lld/asset?file=%lld&path=../images/pic.png",
             (long long)id_epub, (long long)file_epub);
    free(get_page(path, 400));
    snprintf(path, sizeof path, "/records/%lld/asset?file=%lld&path=OEBPS/content.opf",
             (long long)id_epub, (long long)file_epub);
    free(get_page(path, 404));
    /* a file of another record */
    snprintf(path, sizeof path, "/records/%lld/read?file=%lld", (long long)id_handbook,
             (long long)file_epub);
    free(get_page(path, 404));
    free(get_page("/records/1/read?section=../../etc/passwd&file=abc", 400));
}

static void test_read_text_and_pdf(void)
{
    char path[128], want[128], *b;

    snprintf(path, sizeof path, "/records/%lld/read", (long long)id_text);
    b = get_page(path, 200);
    T_CHECK(t_has(b, "<pre class=\"reader-text\">"));
    T_CHECK(t_has(b, "Bàn học và bạn học. &lt;b&gt;không phải thẻ&lt;/b&gt;"));
    free(b);
    snprintf(path, sizeof path, "/records/%lld/read?section=page%%3D1", (long long)id_pdf);
    b = get_page(path, 200);
    snprintf(want, sizeof want, "href=\"/files/%lld#page=1\"", (long long)file_pdf);
    T_CHECK(t_has(b, want));
    free(b);
}

static void test_bad_input(void)
{
    json_decref(get_json("/api/v1/search?q=%FF%FE", 400));
    json_decref(get_json("/api/v1/search?q=%C0%AF", 400));    /* overlong '/' */
    json_decref(get_json("/api/v1/search?q=%ED%A0%80", 400)); /* a UTF-16 surrogate */
    json_decref(get_json("/api/v1/search?q=a%00b", 400));
    free(get_page("/search?q=%FF", 400));
    free(get_page("/records/%FF", 400));
    /* long but valid queries are refused by size, not by crashing */
    {
        char path[2048] = "/api/v1/search?q=";
        size_t n = strlen(path);
        memset(path + n, 'a', 1000);
        path[n + 1000] = '\0';
        json_decref(get_json(path, 400));
    }
}

static void test_huge_header(void)
{
    struct t_http r;
    struct t_http_opts o = {0};
    struct ts_buf h;
    const char *hdrs[2];
    int rc;

    /* 64 KiB of header against the 32 KiB per-connection memory: MHD itself
     * answers 431 Request Header Fields Too Large and closes */
    ts_buf_init(&h, 0);
    ts_buf_add(&h, "X-Big: ");
    for (int i = 0; i < 64 * 1024; i++)
        ts_buf_addc(&h, 'x');
    hdrs[0] = ts_buf_str(&h);
    hdrs[1] = NULL;
    o.headers = hdrs;
    rc = t_http_do(&srv, "/api/v1/health", &o, &r);
    if (!T_EQ_INT(r.status, 431))
        fprintf(stderr, "  curl rc %d\n", rc);
    t_http_free(&r);
    ts_buf_free(&h);
    /* the server is fine afterwards */
    json_decref(get_json("/api/v1/health", 200));
}

/* Read what the server answers on fd within `ms` into buf; returns bytes. */
static size_t read_answer(int fd, char *buf, size_t cap, int ms)
{
    size_t got = 0;
    struct pollfd p = {fd, POLLIN, 0};

    while (got + 1 < cap && poll(&p, 1, ms) > 0) {
        ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return got;
}

static void test_huge_body(void)
{
    static const char req[] = "POST /api/v1/search HTTP/1.1\r\nHost: t\r\n"
                              "Content-Type: application/json\r\n"
                              "Content-Length: 104857600\r\n\r\n";
    struct t_http r;
    struct t_http_opts o = {0};
    char buf[4096];
    size_t big = 2u << 20;
    char *body;
    int fd;

    /* declared too big: answered before any of the body is sent */
    fd = t_connect(&srv, NULL);
    T_REQUIRE(fd >= 0);
    T_CHECK(send(fd, req, sizeof req - 1, 0) == (ssize_t)(sizeof req - 1));
    read_answer(fd, buf, sizeof buf, 5000);
    T_CHECK(t_has(buf, "HTTP/1.1 413"));
    T_CHECK(t_has(buf, "\"too_big\""));
    close(fd);

    /* chunked, no length: cut off at the cap */
    body = ts_xmalloc(big);
    memset(body, ' ', big);
    o.method = "POST";
    o.body = body;
    o.body_len = big;
    o.chunked = 1;
    t_http_do(&srv, "/api/v1/search", &o, &r);
    T_EQ_INT(r.status, 413);
    t_http_free(&r);
    free(body);
    json_decref(get_json("/api/v1/health", 200));
}

static void test_slowloris(void)
{
    struct server_config cfg;
    struct t_srv s2;
    struct t_http r;
    static const char partial[] = "GET / HTTP/1.1\r\nHost: slow\r\nX-A: ";
    int fds[40], n_open = 0, n_closed = 0, ok = 0;
    char buf[256];

    server_config_default(&cfg);
    cfg.threads = 2;
    cfg.per_ip_limit = 4;
    cfg.conn_limit = 64;
    cfg.timeout_s = 30;
    T_REQUIRE(t_srv_start(&s2, data_dir, &cfg) == 0);
    /* 40 half-open requests from 127.0.0.2: a request line and no end of headers */
    for (int i = 0; i < 40; i++) {
        fds[i] = t_connect(&s2, "127.0.0.2");
        if (fds[i] >= 0) {
            n_open++;
            send(fds[i], partial, sizeof partial - 1, MSG_NOSIGNAL);
        }
    }
    T_EQ_INT(n_open, 40);
    /* past the per-address limit the server drops the connections at once */
    for (int i = 0; i < 40; i++) {
        struct pollfd p = {fds[i], POLLIN, 0};
        if (fds[i] >= 0 && poll(&p, 1, i < 8 ? 200 : 50) > 0 &&
            recv(fds[i], buf, sizeof buf, 0) <= 0)
            n_closed++;
    }
    T_CHECK(n_closed >= 36 - 4);
    /* meanwhile a reader on 127.0.0.1 keeps getting answers */
    for (int i = 0; i < 20; i++) {
        t_http_get(&s2, "/api/v1/health", &r);
        ok += r.status == 200;
        t_http_free(&r);
    }
    T_EQ_INT(ok, 20);
    for (int i = 0; i < 40; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    t_srv_stop(&s2);
}

/* An idle half-open connection is closed after the connection timeout. */
static void test_idle_timeout(void)
{
    struct server_config cfg;
    struct t_srv s2;
    char buf[64];
    int fd, closed = 0;

    server_config_default(&cfg);
    cfg.threads = 1;
    cfg.timeout_s = 1;
    T_REQUIRE(t_srv_start(&s2, data_dir, &cfg) == 0);
    fd = t_connect(&s2, "127.0.0.2");
    T_REQUIRE(fd >= 0);
    {
        static const char partial[] = "GET / HTTP/1.1\r\nHost: slow\r\n";
        send(fd, partial, sizeof partial - 1, MSG_NOSIGNAL);
    }
    /* allow generous slack: only "closed at some point" matters, not when */
    for (int i = 0; i < 100 && !closed; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) > 0)
            closed = recv(fd, buf, sizeof buf, 0) <= 0;
    }
    T_CHECK(closed);
    close(fd);
    t_srv_stop(&s2);
}

static void *hammer(void *arg)
{
    static const char *const paths[] = {"/api/v1/search?q=thu+vien", "/search?q=cai+dat",
                                        "/api/v1/libraries", "/", "/api/v1/suggest?q=so"};
    int *ok = arg;

    for (int i = 0; i < 25; i++) {
        struct t_http r;
        t_http_get(&srv, paths[i % 5], &r);
        *ok += r.status == 200;
        t_http_free(&r);
    }
    return NULL;
}

/* Several clients at once: each worker thread opens its own catalogue and
 * index handles (under ASan/UBSan this also catches sharing mistakes). */
static void test_concurrent_clients(void)
{
    pthread_t th[6];
    int ok[6] = {0}, total = 0;

    for (int i = 0; i < 6; i++)
        pthread_create(&th[i], NULL, hammer, &ok[i]);
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        total += ok[i];
    }
    T_EQ_INT(total, 6 * 25);
}

/* TUSACH_ASSET_DIR: static files and templates come from disk. */
static void test_asset_dir(void)
{
    const char *src = getenv("TS_SOURCE_DIR");
    char dir[1024], path[1100], *want = NULL;
    size_t len;
    struct t_srv s2;
    struct t_http r;
    struct ts_err err = {0};

    if (!src)
        return;
    snprintf(dir, sizeof dir, "%s/server", src);
    snprintf(path, sizeof path, "%s/static/app.js", dir);
    T_REQUIRE(ts_read_file(path, 1 << 20, &want, &len, &err) == TS_OK);
    setenv("TUSACH_ASSET_DIR", dir, 1);
    if (t_srv_start(&s2, data_dir, NULL) == 0) {
        t_http_get(&s2, "/static/app.js", &r);
        T_EQ_INT(r.status, 200);
        T_EQ_INT(r.body.len, len);
        T_CHECK(r.body.data && memcmp(r.body.data, want, len) == 0);
        t_http_free(&r);
        t_http_get(&s2, "/", &r);
        T_EQ_INT(r.status, 200);
        t_http_free(&r);
        t_srv_stop(&s2);
    }
    unsetenv("TUSACH_ASSET_DIR");
    free(want);
}

static void test_config_file(void)
{
    struct server_config c;
    struct ts_err err = {0};
    const char *dir = t_tmpdir();

    write_text(dir, "ok.conf",
               "# tusach\nport = 9090\n listen = 0.0.0.0 \nthreads=3\n\n"
               "per-ip-connections = 10\nmax-body = 4096\n");
    write_text(dir, "bad.conf", "port = 9090\nportt = 1\n");
    write_text(dir, "bad2.conf", "port = 99999\n");
    server_config_default(&c);
    {
        char path[1024];
        snprintf(path, sizeof path, "%s/ok.conf", dir);
        T_OK(server_config_load(&c, path, &err), &err);
        T_EQ_INT(c.port, 9090);
        T_EQ_STR(c.listen, "0.0.0.0");
        T_EQ_INT(c.threads, 3);
        T_EQ_INT(c.per_ip_limit, 10);
        T_EQ_INT(c.max_body, 4096);
        snprintf(path, sizeof path, "%s/bad.conf", dir);
        T_EQ_INT(server_config_load(&c, path, &err), TS_EINVAL);
        T_CHECK(strstr(err.msg, "line 2") && strstr(err.msg, "portt"));
        snprintf(path, sizeof path, "%s/bad2.conf", dir);
        T_EQ_INT(server_config_load(&c, path, &err), TS_EINVAL);
    }
    /* no catalogue: refused with a reason */
    server_config_default(&c);
    snprintf(c.data_dir, sizeof c.data_dir, "%s", dir);
    {
        server *s = NULL;
        T_EQ_INT(server_open(&c, &s, &err), TS_ENOTFOUND);
        T_CHECK(s == NULL);
    }
}

static void test_shutdown(void)
{
    t_srv_stop(&srv);
    t_srv_stop(&srv); /* idempotent */
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", test_setup},
        {"health", test_health},
        {"home_and_headers", test_home_and_headers},
        {"not_found_and_methods", test_not_found_and_methods},
        {"every_route", test_every_route},
        {"api_search", test_api_search},
        {"suggest", test_suggest},
        {"search_page", test_search_page},
        {"record_page_and_api", test_record_page_and_api},
        {"items", test_items},
        {"libraries", test_libraries},
        {"etag_and_gzip", test_etag_and_gzip},
        {"files_and_ranges", test_files_and_ranges},
        {"static_assets", test_static_assets},
        {"xss", test_xss},
        {"read_epub", test_read_epub},
        {"read_text_and_pdf", test_read_text_and_pdf},
        {"bad_input", test_bad_input},
        {"huge_header", test_huge_header},
        {"huge_body", test_huge_body},
        {"slowloris", test_slowloris},
        {"idle_timeout", test_idle_timeout},
        {"concurrent_clients", test_concurrent_clients},
        {"asset_dir", test_asset_dir},
        {"config_file", test_config_file},
        {"shutdown", test_shutdown},
        {0},
    };
    json_object_seed(0);
    return t_main(cases, argc, argv);
}
