/*
 * tests/http/test_holdings.c - physical copies and availability through the
 * HTTP server: a union catalogue built with the metadata import API from a
 * spreadsheet this test writes (one work with copies at two libraries in
 * several statuses, a withdrawn copy, an on-loan-only work, a full
 * description with roles, subjects, links including a hostile one) plus a
 * digital file, then the search API and page (per-library availability,
 * available_at, year facet, the "my library" cookie), the record API and page
 * (description, copies grouped by library), the items API and the library
 * pages (copy counts).
 */
#include <jansson.h>
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

static struct t_srv srv;
static const char *data_dir;
static int64_t id_demen, id_tatden, id_note;

static void write_text(const char *dir, const char *name, const char *text)
{
    t_fx_write_text(dir, name, text);
}

static void add_library(const char *code, const char *name, const char *kind)
{
    t_fx_library(data_dir, code, name, kind);
}

static void import_path(const char *path, const char *library, struct import_summary *s)
{
    t_fx_import(data_dir, path, library, 1, s);
}

static int64_t find_record(const char *needle)
{
    return t_fx_find_record(data_dir, needle, NULL);
}

/* The spreadsheet: one row per (work, library, status); rows 2-4 are more
 * copies of the first row's work (same ISBN): one record. */
static const char books_csv[] =
    "Nhan đề,Phụ đề,Tác giả,Chủ biên,Nhà xuất bản,Nơi xuất bản,Năm xuất bản,Lần xuất bản,"
    "Số trang,Tùng thư,ISBN,Chủ đề,Ký hiệu phân loại,Đối tượng,Liên kết,Ghi chú,"
    "Số ĐKCB,Thư viện,Ký hiệu xếp giá,Vị trí,Trạng thái\n"
    "Dế Mèn phiêu lưu ký,Truyện dài,Tô Hoài,Nguyễn Văn Biên,Kim Đồng,Hà Nội,2019,"
    "Tái bản lần thứ 5,144 tr.,Tủ sách vàng,9786042081238,Văn học thiếu nhi; Truyện đồng thoại,"
    "895.9223,Lớp 4-5,https://example.org/de-men javascript:alert(1),Có minh họa <b>màu</b>,"
    "A-001;A-002,THCS-A,895.9223 T450H,Kệ 3,available\n"
    "Dế Mèn phiêu lưu ký,,Tô Hoài,,Kim Đồng,,2019,,,,9786042081238,,,,,,Q1-001,TV-Q1,"
    "895.9223 T450H,Kho mở,on_loan\n"
    "Dế Mèn phiêu lưu ký,,Tô Hoài,,Kim Đồng,,2019,,,,9786042081238,,,,,,Q1-002,TV-Q1,,,"
    "in_transit\n"
    "Dế Mèn phiêu lưu ký,,Tô Hoài,,Kim Đồng,,2019,,,,9786042081238,,,,,,A-003,THCS-A,,,"
    "withdrawn\n"
    "Tắt đèn,,Ngô Tất Tố,,Văn học,,2015,,,,,,,,,,A-010,THCS-A,895.9223 NG450T,Kệ 1,on_loan\n";

static void test_setup(void)
{
    const char *src = t_tmpdir(), *files = t_tmpdir();
    struct import_summary s;
    struct ts_err err = {0};
    char path[1024];

    data_dir = t_tmpdir();
    T_OK(import_init(data_dir, &err), &err);
    add_library("THCS-A", "Trường THCS A", "school");
    add_library("TV-Q1", "Thư viện Quận 1", "public");
    write_text(src, "sach.csv", books_csv);
    snprintf(path, sizeof path, "%s/sach.csv", src);
    memset(&s, 0, sizeof s);
    import_path(path, "THCS-A", &s);
    T_EQ_INT(s.created, 2);
    T_EQ_INT(s.items_added, 6);
    T_EQ_INT(s.rejected, 0);
    /* a digital file held by TV-Q1 only */
    write_text(files, "ghi-chu-doc-sach.txt", "Ghi chép đọc sách\n\nĐọc Dế Mèn vào thứ hai.\n");
    import_path(files, "TV-Q1", &s);
    id_demen = find_record("Dế Mèn");
    id_tatden = find_record("Tắt đèn");
    id_note = find_record("hi ch"); /* "Ghi chép đọc sách" or the file name */
    T_REQUIRE(id_demen && id_tatden && id_note);
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
    v = json_loads(ts_buf_str(&r.body), 0, &jerr);
    T_CHECK(v != NULL);
    t_http_free(&r);
    return v;
}

static char *get_page_with(const char *path, const char *cookie, long want_status)
{
    const char *hdrs[2] = {cookie, NULL};
    struct t_http_opts o = {0};
    struct t_http r;
    char *body;

    o.headers = cookie ? hdrs : NULL;
    t_http_do(&srv, path, &o, &r);
    if (!T_EQ_INT(r.status, want_status))
        fprintf(stderr, "  GET %s\n", path);
    body = ts_xstrdup(ts_buf_str(&r.body));
    if (getenv("T_DUMP"))
        fprintf(stderr, "==== GET %s\n%s\n", path, body);
    t_http_free(&r);
    return body;
}

static char *get_page(const char *path, long want_status)
{
    return get_page_with(path, NULL, want_status);
}

static json_t *by_key(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *s = json_string_value(json_object_get(e, key));
        if (s && strcmp(s, value) == 0)
            return e;
    }
    fprintf(stderr, "  no entry with %s = %s\n", key, value);
    return NULL;
}

static long long jint(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(none)";
}

/* Hit of record `id` in a search answer, or NULL. */
static json_t *hit_of(json_t *v, int64_t id)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(v, "hits"), i, h) if (jint(h, "id") == id) return h;
    return NULL;
}

/* --------------------------------------------------------------- cases */

static void test_api_search_availability(void)
{
    json_t *v, *hit, *libs, *l, *year;

    v = get_json("/api/v1/search?q=de+men+phieu+luu", 200);
    T_REQUIRE((hit = hit_of(v, id_demen)) != NULL);
    libs = json_object_get(hit, "libraries");
    T_EQ_INT(json_array_size(libs), 2);
    if ((l = by_key(libs, "code", "THCS-A"))) {
        T_EQ_STR(jstr(l, "name"), "Trường THCS A");
        T_EQ_STR(jstr(l, "status"), "available");
        T_EQ_INT(jint(l, "available"), 2);
        T_EQ_INT(jint(l, "copies"), 2); /* the withdrawn copy is not counted */
        T_EQ_INT(jint(l, "digital"), 0);
    }
    if ((l = by_key(libs, "code", "TV-Q1"))) {
        T_EQ_STR(jstr(l, "status"), "on_loan");
        T_EQ_INT(jint(l, "available"), 0);
        T_EQ_INT(jint(l, "on_loan"), 1);
        T_EQ_INT(jint(l, "in_transit"), 1);
        /* the due-date seam: present, null until loans exist */
        T_CHECK(json_is_null(json_object_get(l, "next_due")));
    }
    year = json_object_get(json_object_get(v, "facets"), "year");
    T_CHECK(json_is_array(year) && by_key(year, "value", "2019") != NULL);
    json_decref(v);

    /* a digital holding only */
    v = get_json("/api/v1/search?q=ghi+chep+doc+sach", 200);
    T_REQUIRE((hit = hit_of(v, id_note)) != NULL);
    l = json_array_get(json_object_get(hit, "libraries"), 0);
    T_EQ_STR(jstr(l, "code"), "TV-Q1");
    T_EQ_STR(jstr(l, "status"), "digital");
    T_EQ_INT(jint(l, "digital"), 1);
    T_EQ_INT(jint(l, "copies"), 0);
    json_decref(v);

    /* available_at: a copy on the shelf there now */
    v = get_json("/api/v1/search?q=de+men&available_at=THCS-A", 200);
    T_CHECK(hit_of(v, id_demen) != NULL);
    json_decref(v);
    v = get_json("/api/v1/search?q=de+men&available_at=TV-Q1", 200);
    T_CHECK(hit_of(v, id_demen) == NULL);
    json_decref(v);
    v = get_json("/api/v1/search?q=tat+den&available_at=THCS-A", 200);
    T_CHECK(hit_of(v, id_tatden) == NULL); /* its only copy is on loan */
    json_decref(v);
    v = get_json("/api/v1/search?q=tat+den", 200);
    T_REQUIRE((hit = hit_of(v, id_tatden)) != NULL);
    T_EQ_STR(jstr(json_array_get(json_object_get(hit, "libraries"), 0), "status"), "on_loan");
    json_decref(v);

    /* year */
    v = get_json("/api/v1/search?q=de+men&year=2019", 200);
    T_CHECK(hit_of(v, id_demen) != NULL);
    json_decref(v);
    v = get_json("/api/v1/search?q=de+men&year=2015", 200);
    T_CHECK(hit_of(v, id_demen) == NULL);
    json_decref(v);
    json_decref(get_json("/api/v1/search?q=de+men&year=20x9", 400));
}

static void test_search_page_availability(void)
{
    char *b;

    b = get_page("/search?q=de+men", 200);
    T_CHECK(t_has(b, "Dế Mèn phiêu lưu ký"));
    T_CHECK(t_has(b, "<ul class=\"avail\""));
    T_CHECK(t_has(b, "<span class=\"st st-available\">Có sẵn (2 bản)</span>"));
    T_CHECK(t_has(b, "<span class=\"st st-on_loan\">Đang cho mượn</span>"));
    T_CHECK(t_has(b, "<span class=\"st st-in_transit\">Đang luân chuyển</span>"));
    T_CHECK(t_has(b, "year=2019")); /* the year facet */
    T_CHECK(t_has(b, "Năm xuất bản"));
    T_CHECK(t_has(b, "<select id=\"my_library\" name=\"my_library\">"));
    T_CHECK(t_lacks(b, "class=\"mine\""));
    T_CHECK(t_lacks(b, "mylib-filter")); /* no library chosen yet */
    free(b);

    b = get_page("/search?q=de+men&year=2019&available_at=THCS-A", 200);
    T_CHECK(t_has(b, "Có sẵn tại Trường THCS A"));
    T_CHECK(t_has(b, "Năm 2019"));
    T_CHECK(t_has(b, "<input type=\"hidden\" name=\"available_at\" value=\"THCS-A\">"));
    free(b);

    /* English */
    b = get_page_with("/search?q=de+men", "Cookie: lang=en", 200);
    T_CHECK(t_has(b, "Available now (2 copies)"));
    T_CHECK(t_has(b, ">On loan<"));
    T_CHECK(t_has(b, ">In transit<"));
    free(b);
    b = get_page_with("/search?q=ghi+chep+doc+sach", "Cookie: lang=en", 200);
    T_CHECK(t_has(b, "<span class=\"st st-digital\">Digital</span>"));
    free(b);
}

static void test_my_library(void)
{
    struct t_http r;
    char *b;
    const char *p, *q;

    /* the selector's form: 303 to the same search, cookie set */
    t_http_get(&srv, "/search?q=de+men&my_library=TV-Q1", &r);
    T_EQ_INT(r.status, 303);
    T_EQ_STR(t_http_header(&r, "Location"), "/search?q=de%20men");
    T_CHECK(t_http_header(&r, "Set-Cookie") && strstr(r.value, "my_library=TV-Q1;") &&
            strstr(r.value, "SameSite=Lax"));
    t_http_free(&r);
    /* unknown or empty: forgotten */
    t_http_get(&srv, "/search?my_library=NOPE", &r);
    T_EQ_INT(r.status, 303);
    T_CHECK(t_http_header(&r, "Set-Cookie") && strstr(r.value, "my_library=;") &&
            strstr(r.value, "Max-Age=0"));
    t_http_free(&r);

    b = get_page_with("/search?q=de+men", "Cookie: my_library=TV-Q1", 200);
    T_CHECK(t_has(b, "<option value=\"TV-Q1\" selected>"));
    /* my library is listed first and marked */
    p = strstr(b, "<li class=\"mine\"><span class=\"lib\"><a href=\"/libraries/TV-Q1\">");
    q = strstr(b, "<a href=\"/libraries/THCS-A\">Trường THCS A</a>:");
    T_CHECK(p && q && p < q);
    T_CHECK(t_has(b, "available_at=TV-Q1"));
    T_CHECK(t_has(b, "Chỉ hiện tài liệu có sẵn tại"));
    free(b);
    b = get_page_with("/search?q=de+men&available_at=TV-Q1", "Cookie: my_library=TV-Q1", 200);
    T_CHECK(t_has(b, "class=\"filter active\""));
    T_CHECK(t_has(b, "class=\"zero\"")); /* nothing on the shelf at TV-Q1 */
    free(b);
    /* a cookie naming no library is ignored, and cannot inject markup */
    b = get_page_with("/search?q=de+men", "Cookie: my_library=<x>", 200);
    T_CHECK(t_lacks(b, "class=\"mine\""));
    T_CHECK(t_lacks(b, "<x>"));
    free(b);
}

static void test_record_api(void)
{
    char path[128];
    json_t *v, *h, *l, *it, *c;

    snprintf(path, sizeof path, "/api/v1/records/%lld", (long long)id_demen);
    v = get_json(path, 200);
    T_EQ_STR(jstr(v, "title"), "Dế Mèn phiêu lưu ký");
    T_EQ_STR(jstr(v, "subtitle"), "Truyện dài");
    T_EQ_STR(jstr(v, "edition"), "Tái bản lần thứ 5");
    T_EQ_STR(jstr(v, "place"), "Hà Nội");
    T_EQ_STR(jstr(v, "publisher"), "Kim Đồng");
    T_EQ_STR(jstr(v, "extent"), "144 tr.");
    T_EQ_STR(jstr(v, "series"), "Tủ sách vàng");
    T_EQ_STR(jstr(v, "classification"), "895.9223");
    T_EQ_STR(jstr(v, "audience"), "Lớp 4-5");
    T_EQ_INT(jint(v, "year"), 2019);
    c = json_object_get(v, "contributors");
    T_CHECK((l = by_key(c, "name", "Nguyễn Văn Biên")) && strcmp(jstr(l, "role"), "editor") == 0);
    T_CHECK((l = by_key(c, "name", "Tô Hoài")) && strcmp(jstr(l, "role"), "author") == 0);
    T_EQ_INT(json_array_size(json_object_get(v, "subjects")), 2);
    T_CHECK(by_key(json_object_get(v, "identifiers"), "scheme", "isbn") != NULL);
    T_CHECK(json_is_array(json_object_get(v, "links")));
    T_EQ_INT(json_array_size(json_object_get(v, "libraries")), 2);
    h = json_object_get(v, "holdings");
    T_EQ_INT(json_array_size(h), 2);
    if ((l = by_key(h, "code", "THCS-A"))) {
        T_EQ_INT(jint(l, "available"), 2);
        T_EQ_INT(json_array_size(json_object_get(l, "items")), 2); /* not the withdrawn one */
        it = json_array_get(json_object_get(l, "items"), 0);
        T_EQ_STR(jstr(it, "barcode"), "A-001");
        T_EQ_STR(jstr(it, "status"), "available");
        T_EQ_STR(jstr(it, "call_number"), "895.9223 T450H");
        T_EQ_STR(jstr(it, "shelf_location"), "Kệ 3");
    }
    if ((l = by_key(h, "code", "TV-Q1"))) {
        it = by_key(json_object_get(l, "items"), "barcode", "Q1-001");
        T_CHECK(it && strcmp(jstr(it, "status"), "on_loan") == 0);
        T_CHECK(it && json_is_null(json_object_get(it, "due")));
    }
    json_decref(v);
}

static void test_items_api(void)
{
    char path[128];
    json_t *v, *items, *it;

    snprintf(path, sizeof path, "/api/v1/records/%lld/items", (long long)id_demen);
    v = get_json(path, 200);
    items = json_object_get(v, "items");
    T_EQ_INT(jint(v, "total"), 5); /* every copy, the withdrawn one too; no files */
    T_EQ_INT(json_array_size(items), 5);
    if ((it = by_key(items, "barcode", "A-003"))) {
        T_EQ_STR(jstr(it, "kind"), "physical");
        T_EQ_STR(jstr(it, "status"), "withdrawn");
    }
    if ((it = by_key(items, "barcode", "Q1-002"))) {
        T_EQ_STR(jstr(json_object_get(it, "library"), "code"), "TV-Q1");
        T_EQ_STR(jstr(json_object_get(it, "library"), "name"), "Thư viện Quận 1");
        T_EQ_STR(jstr(json_object_get(it, "custodian"), "code"), "TV-Q1");
        T_EQ_STR(jstr(it, "status"), "in_transit");
        T_CHECK(json_object_get(it, "call_number") != NULL);
    }
    json_decref(v);
    /* paging across copies */
    snprintf(path, sizeof path, "/api/v1/records/%lld/items?offset=4&limit=5", (long long)id_demen);
    v = get_json(path, 200);
    T_EQ_INT(json_array_size(json_object_get(v, "items")), 1);
    T_CHECK(json_is_null(json_object_get(v, "next_offset")));
    json_decref(v);
    snprintf(path, sizeof path, "/api/v1/records/%lld/items?limit=2", (long long)id_demen);
    v = get_json(path, 200);
    T_EQ_INT(jint(v, "next_offset"), 2);
    json_decref(v);
    /* a record with a digital file: the same list, "kind": "digital" */
    snprintf(path, sizeof path, "/api/v1/records/%lld/items", (long long)id_note);
    v = get_json(path, 200);
    it = json_array_get(json_object_get(v, "items"), 0);
    T_EQ_STR(jstr(it, "kind"), "digital");
    T_EQ_STR(jstr(json_object_get(it, "library"), "code"), "TV-Q1");
    json_decref(v);
}

static void test_record_page(void)
{
    char path[128], *b;

    snprintf(path, sizeof path, "/records/%lld", (long long)id_demen);
    b = get_page(path, 200);
    T_CHECK(t_has(b, "<h1>Dế Mèn phiêu lưu ký</h1>"));
    T_CHECK(t_has(b, "<p class=\"subtitle\">Truyện dài</p>"));
    T_CHECK(t_has(b, "Nguyễn Văn Biên (chủ biên)"));
    T_CHECK(t_has(b, "Hà Nội: Kim Đồng, 2019"));
    T_CHECK(t_has(b, "Tái bản lần thứ 5"));
    T_CHECK(t_has(b, "144 tr."));
    T_CHECK(t_has(b, "Tủ sách vàng"));
    T_CHECK(t_has(b, "895.9223"));
    T_CHECK(t_has(b, "Lớp 4-5"));
    T_CHECK(t_has(b, "ISBN: 9786042081238"));
    /* subjects link to a subject search */
    T_CHECK(t_has(b, "href=\"/search?q=%22V%C4%83n%20h%E1%BB%8Dc%20thi%E1%BA%BFu%20nhi%22\""));
    /* links: http(s) only, external */
    T_CHECK(t_has(b, "<a href=\"https://example.org/de-men\" rel=\"noopener nofollow\""));
    T_CHECK(t_lacks(b, "href=\"javascript"));
    /* escaped notes */
    T_CHECK(t_has(b, "Có minh họa &lt;b&gt;màu&lt;/b&gt;"));
    T_CHECK(t_lacks(b, "<b>màu"));
    /* copies grouped by library, with status, call number and shelf */
    T_CHECK(t_has(b, "<table class=\"copies\">"));
    T_CHECK(t_has(b, ">A-001</td>"));
    T_CHECK(t_has(b, ">Kệ 3</td>"));
    T_CHECK(t_has(b, ">895.9223 T450H</td>"));
    T_CHECK(t_has(b, "<span class=\"st st-on_loan\">Đang cho mượn</span></td>"));
    T_CHECK(t_has(b, "Q1-002"));
    T_CHECK(t_lacks(b, "A-003")); /* withdrawn */
    T_CHECK(t_has(b, "href=\"/libraries/TV-Q1\""));
    free(b);

    /* the subject search finds the record */
    {
        json_t *v =
            get_json("/api/v1/search?q=%22V%C4%83n%20h%E1%BB%8Dc%20thi%E1%BA%BFu%20nhi%22", 200);
        T_CHECK(hit_of(v, id_demen) != NULL);
        json_decref(v);
    }

    b = get_page_with(path, "Cookie: lang=en", 200);
    T_CHECK(t_has(b, "Nguyễn Văn Biên (editor)"));
    T_CHECK(t_has(b, "Call number"));
    T_CHECK(t_has(b, "Available now (2 copies)"));
    free(b);
    /* my library first on the record page too */
    b = get_page_with(path, "Cookie: my_library=TV-Q1", 200);
    T_CHECK(t_has(b, "<section class=\"lib-copies mine\">"));
    free(b);
}

static void test_libraries(void)
{
    json_t *v, *l, *c;
    char *b;

    v = get_json("/api/v1/libraries/TV-Q1", 200);
    T_EQ_INT(jint(v, "records"), 2); /* Dế Mèn (copies) and the note (file) */
    c = json_object_get(v, "copies");
    T_EQ_INT(jint(c, "total"), 2);
    T_EQ_INT(jint(c, "available"), 0);
    T_EQ_INT(jint(c, "on_loan"), 1);
    T_EQ_INT(jint(c, "in_transit"), 1);
    T_CHECK(by_key(json_object_get(v, "titles"), "title", "Dế Mèn phiêu lưu ký") != NULL);
    json_decref(v);
    v = get_json("/api/v1/libraries", 200);
    if ((l = by_key(json_object_get(v, "libraries"), "code", "THCS-A"))) {
        T_EQ_INT(jint(l, "records"), 2);
        c = json_object_get(l, "copies");
        T_EQ_INT(jint(c, "total"), 3); /* available; A-010 on loan */
        T_EQ_INT(jint(c, "available"), 2);
        T_EQ_INT(jint(c, "on_loan"), 1);
    }
    json_decref(v);

    b = get_page("/libraries/THCS-A", 200);
    T_CHECK(t_has(b, "<dt>Bản in</dt><dd>3</dd>"));
    T_CHECK(t_has(b, "<dt>Đang cho mượn</dt><dd>1</dd>"));
    T_CHECK(t_has(b, "<dt>Đang luân chuyển</dt><dd>0</dd>"));
    T_CHECK(t_has(b, "Tắt đèn"));
    free(b);
    b = get_page("/libraries", 200);
    T_CHECK(t_has(b, "2 tài liệu · 3 bản in"));
    free(b);
}

static void test_shutdown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", test_setup},
        {"api_search_availability", test_api_search_availability},
        {"search_page_availability", test_search_page_availability},
        {"my_library", test_my_library},
        {"record_api", test_record_api},
        {"items_api", test_items_api},
        {"record_page", test_record_page},
        {"libraries", test_libraries},
        {"shutdown", test_shutdown},
        {0},
    };
    json_object_seed(0);
    return t_main(cases, argc, argv);
}
