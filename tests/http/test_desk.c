/*
 * tests/http/test_desk.c - the circulation desk over HTTP, as librarians,
 * readers, a district coordinator and scripts use it: the desk page driven
 * the way a barcode scanner drives it (card, then barcodes, each answer
 * coming back with the reader still selected and the next input focused),
 * renewals, returns that fill a hold (the slip names the reader by card,
 * by name only for staff who may read them), every catalogue refusal shown
 * with its own sentence and status, idempotent replays (the same form sent
 * twice and the same Idempotency-Key lend once), CSRF, the library scope
 * of every route (another library's librarian, the district coordinator,
 * readers), the JSON API, and due dates on record pages and in search.
 *
 * The catalogue is a spreadsheet imported through the real pipeline; one
 * overdue loan is made through the catalogue API with a clock 40 days back.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "circ.h"
#include "fixture.h"
#include "import.h"
#include "people.h"
#include "server.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_util.h"

static struct t_srv srv;
static const char *data_dir;
static int64_t rec_demen, rec_sodo, rec_laohac, rec_chipheo;
static int64_t hs_a1, hs_a2, hs_a3, hs_a5, gv_a1, hs_b1;
static struct t_who tt_a, tt_b, district, admin, reader_a1, reader_a2;

/* One work per row group; several barcodes in a cell are several copies. */
static const char books_csv[] =
    "Nhan đề,Tác giả,Năm xuất bản,Số ĐKCB,Thư viện,Trạng thái\n"
    "Dế Mèn phiêu lưu ký,Tô Hoài,2019,A-101;A-102;A-103,TH-A,available\n"
    "Dế Mèn phiêu lưu ký,Tô Hoài,2019,B-101;B-102,TH-B,available\n"
    "Tắt đèn,Ngô Tất Tố,2015,A-201,TH-A,withdrawn\n"
    "Tắt đèn,Ngô Tất Tố,2015,A-202,TH-A,lost\n"
    "Tắt đèn,Ngô Tất Tố,2015,A-203,TH-A,available\n"
    "Số đỏ,Vũ Trọng Phụng,1936,A-301;A-302,TH-A,available\n"
    "Lão Hạc,Nam Cao,1943,A-401,TH-A,available\n"
    "Chí Phèo,Nam Cao,1941,A-501,TH-A,available\n"
    "Truyện Kiều,Nguyễn Du,1820,A-601,TH-A,available\n";

static int64_t forty_days_ago(void *ctx)
{
    (void)ctx;
    return ts_now_unix() - 40 * 86400;
}

static void setup(void)
{
    const char *src = t_tmpdir();
    struct ts_err err = {0};
    struct cat_desk desk = {0};
    struct cat_loan loan = {0};
    int64_t hs_a6;
    char path[1024];
    catalog *cat;

    T_REQUIRE(data_dir = t_fx_two_schools());
    t_fx_write_text(src, "sach.csv", books_csv);
    snprintf(path, sizeof path, "%s/sach.csv", src);
    t_fx_import(data_dir, path, "TH-A", 1, NULL);
    rec_demen = t_fx_find_record(data_dir, "Dế Mèn", NULL);
    rec_sodo = t_fx_find_record(data_dir, "Số đỏ", NULL);
    rec_laohac = t_fx_find_record(data_dir, "Lão Hạc", NULL);
    rec_chipheo = t_fx_find_record(data_dir, "Chí Phèo", NULL);
    T_REQUIRE(rec_demen && rec_sodo && rec_laohac && rec_chipheo);

    hs_a1 = t_fx_reader(data_dir, "HS-A1", "Trần Văn Minh", "pupil", "TH-A", "1357");
    hs_a2 = t_fx_reader(data_dir, "HS-A2", "Lê Thị Hoa", "pupil", "TH-A", "2468");
    hs_a3 = t_fx_reader(data_dir, "HS-A3", "Hồ Văn Khóa", "pupil", "TH-A", NULL);
    hs_a5 = t_fx_reader(data_dir, "HS-A5", "Mai Văn Nghỉ", "pupil", "TH-A", NULL);
    hs_a6 = t_fx_reader(data_dir, "HS-A6", "Vũ Văn Nam", "pupil", "TH-A", NULL);
    gv_a1 = t_fx_reader(data_dir, "GV-A1", "Đỗ Thị Mai", "teacher", "TH-A", NULL);
    hs_b1 = t_fx_reader(data_dir, "HS-B1", "Phạm Thu Hà", "pupil", "TH-B", NULL);
    t_fx_staff(data_dir, "tt-a", "librarian", "matkhau-aaa", "TH-A");
    t_fx_staff(data_dir, "tt-b", "librarian", "matkhau-bbb", "TH-B");
    t_fx_staff(data_dir, "phong-gd", "district", "matkhau-ddd", NULL);
    t_fx_staff(data_dir, "quantri", "admin", "matkhau-mmm", NULL);

    cat = t_fx_open(data_dir);
    T_REQUIRE(cat != NULL);
    T_OK(catalog_reader_set_blocked(cat, hs_a3, "sách làm hỏng chưa đền", "test", &err), &err);
    T_OK(catalog_reader_deactivate(cat, hs_a5, "test", &err), &err);
    /* one loan made 40 days ago: overdue now */
    catalog_set_clock(cat, forty_days_ago, NULL);
    desk.library_id = t_fx_library_id(data_dir, "TH-A");
    desk.actor = "test";
    T_OK(catalog_loan_checkout(cat, &desk, "A-601", hs_a6, &loan, &err), &err);
    cat_loan_clear(&loan);
    catalog_close(cat);

    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
    T_REQUIRE(t_login(&srv, "tt-a", "matkhau-aaa", &tt_a) == 0);
    T_REQUIRE(t_login(&srv, "tt-b", "matkhau-bbb", &tt_b) == 0);
    T_REQUIRE(t_login(&srv, "phong-gd", "matkhau-ddd", &district) == 0);
    T_REQUIRE(t_login(&srv, "quantri", "matkhau-mmm", &admin) == 0);
    T_REQUIRE(t_login(&srv, "HS-A1", "1357", &reader_a1) == 0);
    T_REQUIRE(t_login(&srv, "HS-A2", "2468", &reader_a2) == 0);
}

/* ------------------------------------------------------------- helpers */

/* The answer's body, kept for the checks that follow (one at a time). */
static char *last;

static long finish(struct t_http *r, const char *what)
{
    long status = r->status;

    free(last);
    last = ts_xstrdup(ts_buf_str(&r->body));
    if (getenv("T_DUMP"))
        fprintf(stderr, "==== %s -> %ld\n%s\n", what, status, last);
    t_http_free(r);
    return status;
}

static long get_as(const struct t_who *w, const char *path)
{
    struct t_http_opts o = {0};
    struct t_http r;

    o.headers = w->headers;
    t_http_do(&srv, path, &o, &r);
    return finish(&r, path);
}

/* A desk form as the browser sends it: the cookie, and the CSRF token as
 * the form's hidden field (with_csrf 0: a forged form without it). */
static long post_form_as(const struct t_who *w, const char *path, const char *fields, int with_csrf)
{
    const char *h[3] = {"Content-Type: application/x-www-form-urlencoded",
                        w->cookie[0] ? w->cookie : NULL, NULL};
    struct t_http_opts o = {0};
    struct t_http r;
    char body[1024];

    snprintf(body, sizeof body, "%s%s%s", with_csrf ? "csrf=" : "", with_csrf ? w->csrf : "",
             fields);
    o.method = "POST";
    o.headers = h;
    o.body = body;
    o.body_len = strlen(body);
    t_http_do(&srv, path, &o, &r);
    return finish(&r, path);
}

/* A JSON API call with the caller's cookie and CSRF header, and an
 * Idempotency-Key when `key` is non-NULL. */
static long post_json_as(const struct t_who *w, const char *path, const char *json, const char *key)
{
    const char *h[6];
    char key_hdr[200];
    struct t_http_opts o = {0};
    struct t_http r;
    size_t n = 0;

    for (size_t i = 0; w->headers[i]; i++)
        h[n++] = w->headers[i];
    h[n++] = "Content-Type: application/json";
    if (key) {
        snprintf(key_hdr, sizeof key_hdr, "Idempotency-Key: %s", key);
        h[n++] = key_hdr;
    }
    h[n] = NULL;
    o.method = "POST";
    o.headers = h;
    o.body = json;
    o.body_len = strlen(json);
    t_http_do(&srv, path, &o, &r);
    return finish(&r, path);
}

/* The hidden "key" of the form posting to `action` in page `html`. */
static const char *form_key(const char *html, const char *action, char key[40])
{
    char pat[64];
    const char *p;

    key[0] = '\0';
    snprintf(pat, sizeof pat, "action=\"%s\"", action);
    if ((p = strstr(html, pat)) && (p = strstr(p, "name=\"key\" value=\"")))
        snprintf(key, 40, "%.32s", p + 18);
    T_EQ_INT(strlen(key), 32);
    return key;
}

static int autofocused(const char *html, const char *id)
{
    char pat[64];
    const char *p, *end;

    snprintf(pat, sizeof pat, "id=\"%s\"", id);
    p = strstr(html, pat);
    end = p ? strchr(p, '>') : NULL;
    if (p && end) {
        char tag[512];
        snprintf(tag, sizeof tag, "%.*s", (int)(end - p), p);
        if (strstr(tag, "autofocus"))
            return strstr(end, "autofocus") == NULL; /* and no other input has it */
    }
    fprintf(stderr, "  input #%s is not the one focused\n", id);
    return 0;
}

static json_t *last_json(void)
{
    json_error_t jerr;
    json_t *v = json_loads(last ? last : "", 0, &jerr);
    if (!T_CHECK(v != NULL))
        fprintf(stderr, "  not JSON: %.200s\n", last ? last : "");
    return v;
}

static size_t open_loans(int64_t reader_id)
{
    struct cat_loan *v = NULL;
    struct ts_err err = {0};
    size_t n = 0;
    catalog *cat = t_fx_open(data_dir);

    if (cat)
        T_OK(catalog_loan_list_reader(cat, reader_id, &v, &n, &err), &err);
    cat_loan_list_free(v, n);
    catalog_close(cat);
    return n;
}

static const char *item_status(const char *barcode, char buf[32])
{
    struct cat_item it = {0};
    struct ts_err err = {0};
    catalog *cat = t_fx_open(data_dir);

    buf[0] = '\0';
    if (cat && T_OK(catalog_item_get(cat, barcode, &it, &err), &err))
        snprintf(buf, 32, "%s", it.status);
    cat_item_clear(&it);
    catalog_close(cat);
    return buf;
}

/* Select `card` at the desk of `library` as w: the page with the reader. */
static long desk_reader(const struct t_who *w, const char *library, const char *card)
{
    char fields[200];
    snprintf(fields, sizeof fields, "&library=%s&card=%s", library, card);
    return post_form_as(w, "/desk/reader", fields, 1);
}

/* Scan `barcode` into the form posting to `action` on the current page. */
static long desk_scan(const struct t_who *w, const char *action, const char *library,
                      int64_t reader_id, const char *barcode)
{
    char key[40], fields[300];

    form_key(last ? last : "", action, key);
    if (reader_id)
        snprintf(fields, sizeof fields, "&library=%s&reader_id=%lld&key=%s&barcode=%s", library,
                 (long long)reader_id, key, barcode);
    else
        snprintf(fields, sizeof fields, "&library=%s&key=%s&barcode=%s", library, key, barcode);
    return post_form_as(w, action, fields, 1);
}

/* ------------------------------------------------------------- tests */

static void test_desk_page(void)
{
    struct t_who anon;
    struct t_http r;

    t_anonymous(&anon);
    /* not logged in: to the login page and back */
    t_http_get(&srv, "/desk", &r);
    T_EQ_INT(r.status, 303);
    T_CHECK(t_http_header(&r, "Location") &&
            strncmp(t_http_header(&r, "Location"), "/login?next=%2Fdesk", 19) == 0);
    t_http_free(&r);
    /* a reader is no librarian */
    T_EQ_INT(get_as(&reader_a1, "/desk"), 403);

    /* the librarian's own desk: the card input is where the first scan goes */
    T_EQ_INT(get_as(&tt_a, "/desk"), 200);
    T_CHECK(t_has(last, "Quầy mượn trả: Trường Tiểu học A"));
    T_CHECK(t_has(last, "action=\"/desk/reader\""));
    T_CHECK(t_has(last, "action=\"/desk/return\""));
    T_CHECK(t_has(last, "action=\"/desk/renew\""));
    T_CHECK(autofocused(last, "card"));
    T_CHECK(t_has(last, "<option value=\"TH-A\" selected>"));
    T_CHECK(t_lacks(last, "<option value=\"TH-B\"")); /* not a library tt-a works for */
    /* the overdue list of the desk: the loan made 40 days ago, with its reader */
    T_CHECK(t_has(last, "A-601"));
    T_CHECK(t_has(last, "Vũ Văn Nam"));
    T_EQ_INT(get_as(&tt_a, "/desk?library=TH-B"), 403);
    T_EQ_INT(get_as(&tt_a, "/desk?library=NOPE"), 404);
    T_EQ_INT(get_as(&tt_a, "/desk?library=TH-A&lang=en"), 200);
    T_CHECK(t_has(last, "Circulation desk: Trường Tiểu học A"));
    T_CHECK(t_has(last, "Overdue"));

    /* the district sees every library's lists, with no forms */
    T_EQ_INT(get_as(&district, "/desk?library=TH-A"), 200);
    T_CHECK(t_has(last, "A-601"));
    T_CHECK(t_has(last, "Bạn chỉ được xem"));
    T_CHECK(t_lacks(last, "action=\"/desk/reader\""));
    T_CHECK(t_lacks(last, "action=\"/desk/checkout\""));
    T_CHECK(t_has(last, "<option value=\"TH-B\""));
    /* another library's librarian gets their own desk */
    T_EQ_INT(get_as(&tt_b, "/desk"), 200);
    T_CHECK(t_has(last, "Quầy mượn trả: Trường Tiểu học B"));
    T_CHECK(t_lacks(last, "A-601"));
    /* the admin runs any desk */
    T_EQ_INT(get_as(&admin, "/desk?library=TH-B"), 200);
    T_CHECK(t_has(last, "action=\"/desk/reader\""));
}

static void test_checkout_by_scanner(void)
{
    char due[16] = "", fields[200], st[32];
    json_t *v;

    /* the card first: the reader is selected, the barcode input focused */
    T_EQ_INT(get_as(&tt_a, "/desk"), 200);
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A1"), 200);
    T_CHECK(t_has(last, "Trần Văn Minh"));
    T_CHECK(autofocused(last, "item-barcode"));
    T_CHECK(t_lacks(last, "value=\"HS-A1\"")); /* the card is not carried in a hidden field */

    /* one barcode after another, the reader staying selected */
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a1, "A-101"), 200);
    T_CHECK(t_has(last, "Đã cho mượn: <strong>Dế Mèn phiêu lưu ký</strong> (A-101)"));
    T_CHECK(t_has(last, "Trần Văn Minh"));
    T_CHECK(autofocused(last, "item-barcode"));
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a1, "A-301"), 200);
    T_CHECK(t_has(last, "Số đỏ"));
    /* the loans list and the receipt name both copies */
    T_CHECK(t_has(last, "class=\"desk-loans\""));
    T_CHECK(t_has(last, "class=\"desk-receipt\""));
    {
        const char *receipt = strstr(last, "class=\"desk-receipt\"");
        T_CHECK(receipt && strstr(receipt, "A-101") && strstr(receipt, "A-301"));
    }
    T_EQ_INT(open_loans(hs_a1), 2);

    /* the same form sent again (a refresh): nothing is lent twice */
    {
        char key[40], again[300];
        /* the key of the form that lent A-301 is the one before this page:
         * re-post with the key this page's form has, twice */
        form_key(last, "/desk/checkout", key);
        snprintf(again, sizeof again, "&library=TH-A&reader_id=%lld&key=%s&barcode=A-102",
                 (long long)hs_a1, key);
        T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", again, 1), 200);
        T_CHECK(t_lacks(last, "Biểu mẫu này đã được gửi trước đó"));
        T_EQ_INT(open_loans(hs_a1), 3);
        T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", again, 1), 200);
        T_CHECK(t_has(last, "Biểu mẫu này đã được gửi trước đó"));
        T_CHECK(t_has(last, "(A-102)"));
        T_EQ_INT(open_loans(hs_a1), 3);
    }

    /* the due date, as the API tells it, is what the record page and search show */
    T_EQ_INT(get_as(&tt_a, "/api/v1/readers/0"), 404);
    snprintf(fields, sizeof fields, "/api/v1/readers/%lld", (long long)hs_a1);
    T_EQ_INT(get_as(&tt_a, fields), 200);
    v = last_json();
    {
        json_t *loans = json_object_get(v, "loans"), *l;
        size_t i;
        T_EQ_INT(json_array_size(loans), 3);
        json_array_foreach(loans, i, l)
        {
            if (strcmp(json_string_value(json_object_get(l, "barcode")), "A-301") == 0)
                snprintf(due, sizeof due, "%s", json_string_value(json_object_get(l, "due_date")));
        }
    }
    json_decref(v);
    T_EQ_INT(strlen(due), 10);
    snprintf(fields, sizeof fields, "/records/%lld", (long long)rec_sodo);
    {
        struct t_who anon;
        char want[64];
        t_anonymous(&anon);
        T_EQ_INT(get_as(&anon, fields), 200);
        snprintf(want, sizeof want, "hạn trả %s", due);
        T_CHECK(t_has(last, want));
        T_CHECK(t_lacks(last, "Trần Văn Minh"));
        T_CHECK(t_lacks(last, "HS-A1"));
        snprintf(fields, sizeof fields, "/api/v1/records/%lld/items", (long long)rec_sodo);
        T_EQ_INT(get_as(&anon, fields), 200);
        snprintf(want, sizeof want, "\"due\":\"%s\"", due);
        T_CHECK(t_has(last, want));
        T_EQ_INT(get_as(&anon, "/api/v1/search?q=so+do"), 200);
        snprintf(want, sizeof want, "\"next_due\":\"%s\"", due);
        T_CHECK(t_has(last, want));
        T_CHECK(t_lacks(last, "HS-A1"));
    }

    /* renew: once (a pupil's one renewal), then refused */
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A1"), 200);
    T_EQ_INT(desk_scan(&tt_a, "/desk/renew", "TH-A", hs_a1, "A-101"), 200);
    T_CHECK(t_has(last, "Đã gia hạn: <strong>Dế Mèn phiêu lưu ký</strong> (A-101)"));
    T_CHECK(autofocused(last, "renew-barcode"));
    T_CHECK(t_has(last, "Trần Văn Minh")); /* still selected */
    T_EQ_INT(desk_scan(&tt_a, "/desk/renew", "TH-A", hs_a1, "A-101"), 409);
    T_CHECK(t_has(last, "Bản này đã hết số lần gia hạn."));

    /* return: back on the shelf */
    T_EQ_INT(desk_scan(&tt_a, "/desk/return", "TH-A", hs_a1, "A-101"), 200);
    T_CHECK(t_has(last, "Đã nhận trả: <strong>Dế Mèn phiêu lưu ký</strong> (A-101)"));
    T_CHECK(t_has(last, "Xếp lại lên giá."));
    T_CHECK(autofocused(last, "return-barcode"));
    T_EQ_STR(item_status("A-101", st), "available");
    T_EQ_INT(open_loans(hs_a1), 2);
}

static void test_refusals(void)
{
    char st[32];

    /* A-301 is on loan to HS-A1 (previous test) */
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A2"), 200);
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, "A-301"), 409);
    T_CHECK(t_has(last, "Bản này đang được bạn đọc khác mượn."));
    T_CHECK(t_has(last, "role=\"alert\""));
    T_CHECK(t_has(last, "Lê Thị Hoa")); /* the reader stays selected after a refusal */
    T_CHECK(autofocused(last, "item-barcode"));
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, "A-201"), 409);
    T_CHECK(t_has(last, "Bản này đã thanh lý"));
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, "A-202"), 409);
    T_CHECK(t_has(last, "Bản này đang được ghi là bị mất."));
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, "B-101"), 403);
    T_CHECK(t_has(last, "Bản này thuộc quầy của thư viện khác"));
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, "KHONG-CO"), 404);
    T_CHECK(t_has(last, "Không có bản nào với số ĐKCB này."));
    T_EQ_INT(desk_scan(&tt_a, "/desk/return", "TH-A", hs_a2, "A-302"), 409);
    T_CHECK(t_has(last, "Bản này không đang được cho mượn."));
    T_EQ_INT(desk_scan(&tt_a, "/desk/renew", "TH-A", hs_a2, "A-302"), 409);
    T_CHECK(t_has(last, "Bản này không đang được cho mượn."));
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, ""), 400);
    T_CHECK(t_has(last, "Chưa có số ĐKCB"));

    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A1"), 200);
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a1, "A-301"), 409);
    T_CHECK(t_has(last, "Bạn đọc này đang mượn chính bản này rồi."));
    /* a pupil lends 3: and one more, then the limit */
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a1, "A-103"), 200);
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a1, "A-203"), 409);
    T_CHECK(t_has(last, "Bạn đọc đã mượn đủ số bản được phép."));
    T_CHECK(
        t_has(last, "the limit for pupils")); /* the catalogue's detail, for staff of the reader */
    T_EQ_STR(item_status("A-203", st), "available");

    /* a blocked and an inactive reader: told on selection, refused on lending */
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A3"), 200);
    T_CHECK(t_has(last, "Bạn đọc đang bị khóa thẻ: sách làm hỏng chưa đền"));
    {
        char fields[200], key[40];
        form_key(last, "/desk/checkout", key);
        snprintf(fields, sizeof fields, "&library=TH-A&reader_id=%lld&key=%s&barcode=A-203",
                 (long long)hs_a3, key);
        T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", fields, 1), 409);
        T_CHECK(t_has(last, "Thẻ bạn đọc đang bị khóa"));
        T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A5"), 200);
        T_CHECK(t_has(last, "Thẻ bạn đọc không còn hoạt động"));
        form_key(last, "/desk/checkout", key);
        snprintf(fields, sizeof fields, "&library=TH-A&reader_id=%lld&key=%s&barcode=A-203",
                 (long long)hs_a5, key);
        T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", fields, 1), 409);
        T_CHECK(t_has(last, "Thẻ bạn đọc không còn hoạt động."));
        /* a checkout without a reader, a bad form key */
        snprintf(fields, sizeof fields, "&library=TH-A&key=%s&barcode=A-203", key);
        T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", fields, 1), 400);
        T_CHECK(t_has(last, "Hãy quét thẻ bạn đọc trước"));
        snprintf(fields, sizeof fields, "&library=TH-A&reader_id=%lld&key=xyz&barcode=A-203",
                 (long long)hs_a2);
        T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", fields, 1), 400);
    }
    /* an unknown card */
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "KHONG-CO"), 404);
    T_CHECK(t_has(last, "Không tìm thấy bạn đọc với số thẻ này."));
    T_CHECK(autofocused(last, "card"));
    T_EQ_STR(item_status("A-203", st), "available");
}

static void test_holds_and_transit(void)
{
    struct ts_err err = {0};
    int64_t hold;
    char st[32];
    catalog *cat;
    json_t *v, *h;

    /* a teacher borrows Lão Hạc through the API; a pupil places a hold */
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-401\",\"card\":\"GV-A1\",\"library\":\"TH-A\"}", NULL),
             201);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-501\",\"card\":\"GV-A1\",\"library\":\"TH-A\"}", NULL),
             201);
    cat = t_fx_open(data_dir);
    T_REQUIRE(cat != NULL);
    T_OK(catalog_hold_place(cat, hs_a2, rec_laohac, t_fx_library_id(data_dir, "TH-A"), "test",
                            &hold, &err),
         &err);
    /* a reader of TH-B waits for Chí Phèo at TH-A */
    T_OK(catalog_hold_place(cat, hs_b1, rec_chipheo, t_fx_library_id(data_dir, "TH-A"), "test",
                            &hold, &err),
         &err);
    catalog_close(cat);

    /* a renewal is refused while someone waits */
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "GV-A1"), 200);
    T_EQ_INT(desk_scan(&tt_a, "/desk/renew", "TH-A", gv_a1, "A-401"), 409);
    T_CHECK(t_has(last, "có bạn đọc khác đang chờ tài liệu này"));
    /* the waiting list of the desk names them */
    T_CHECK(t_has(last, "HS-A2 — Lê Thị Hoa"));

    /* the return fills the hold: the slip, and the hold shelf */
    T_EQ_INT(desk_scan(&tt_a, "/desk/return", "TH-A", gv_a1, "A-401"), 200);
    T_CHECK(t_has(last, "để bản này lên giá giữ sách"));
    T_CHECK(t_has(last, "Giữ cho: <strong>HS-A2</strong> — Lê Thị Hoa"));
    T_EQ_STR(item_status("A-401", st), "on_hold_shelf");
    {
        const char *shelf = strstr(last, "Giá giữ sách đặt trước");
        T_CHECK(shelf && strstr(shelf, "A-401"));
    }
    /* the teacher cannot take it; the pupil can */
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", gv_a1, "A-401"), 409);
    T_CHECK(t_has(last, "Bản này đang được giữ cho bạn đọc khác đặt trước."));
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A2"), 200);
    T_CHECK(t_has(last, "đã có, đang giữ trên giá")); /* her holds */
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, "A-401"), 200);
    T_EQ_STR(item_status("A-401", st), "on_loan");

    /* through the API: a reader of another library gets a slip without a name */
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/returns", "{\"barcode\":\"A-501\",\"library\":\"TH-A\"}",
                          "ret-a501"),
             200);
    v = last_json();
    T_EQ_STR(json_string_value(json_object_get(v, "outcome")), "hold_shelf");
    h = json_object_get(v, "hold");
    T_EQ_STR(json_string_value(json_object_get(json_object_get(h, "reader"), "card")), "HS-B1");
    T_CHECK(json_is_null(json_object_get(json_object_get(h, "reader"), "name")));
    T_CHECK(t_lacks(last, "Phạm Thu Hà"));
    T_CHECK(json_is_false(json_object_get(v, "replayed")));
    json_decref(v);
    /* the same key again: the same answer, nothing done twice */
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/returns", "{\"barcode\":\"A-501\",\"library\":\"TH-A\"}",
                          "ret-a501"),
             200);
    T_CHECK(t_has(last, "\"replayed\":true"));
    T_CHECK(t_has(last, "\"outcome\":\"hold_shelf\""));
    /* the desk's hold shelf shows that hold by card only */
    T_EQ_INT(get_as(&tt_a, "/desk"), 200);
    T_CHECK(t_has(last, "A-501"));
    T_CHECK(t_lacks(last, "Phạm Thu Hà"));
    /* the API's hold list: the admin may read every reader */
    T_EQ_INT(get_as(&admin, "/api/v1/libraries/TH-A/holds"), 200);
    T_CHECK(t_has(last, "\"hold_shelf\":[{"));
    T_CHECK(t_has(last, "Phạm Thu Hà"));
    T_EQ_INT(get_as(&tt_a, "/api/v1/libraries/TH-A/holds"), 200);
    T_CHECK(t_has(last, "\"card\":\"HS-B1\""));
    T_CHECK(t_lacks(last, "Phạm Thu Hà"));

    /* in transit: TH-B lends its copy, TH-A takes it back, TH-A cannot lend it */
    T_EQ_INT(post_json_as(&tt_b, "/api/v1/loans",
                          "{\"barcode\":\"B-101\",\"card\":\"HS-B1\",\"library\":\"TH-B\"}", NULL),
             201);
    T_EQ_INT(get_as(&tt_a, "/desk"), 200);
    T_EQ_INT(desk_scan(&tt_a, "/desk/return", "TH-A", 0, "B-101"), 200);
    T_CHECK(t_has(last, "gửi trả về <strong>Trường Tiểu học B</strong>"));
    T_EQ_STR(item_status("B-101", st), "in_transit");
    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A2"), 200);
    T_EQ_INT(desk_scan(&tt_a, "/desk/checkout", "TH-A", hs_a2, "B-101"), 409);
    T_CHECK(t_has(last, "Bản này đang luân chuyển"));
    /* TH-B checks it in at home */
    T_EQ_INT(post_json_as(&tt_b, "/api/v1/returns", "{\"barcode\":\"B-101\",\"library\":\"TH-B\"}",
                          NULL),
             200);
    T_CHECK(t_has(last, "\"outcome\":\"shelve\""));
    T_CHECK(t_has(last, "\"loan_id\":null"));
}

static void test_api(void)
{
    char path[96];
    json_t *v;
    json_int_t id, loan_id;

    /* a card becomes an id without entering a URL */
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/readers/lookup", "{\"card\":\"GV-A1\"}", NULL), 200);
    v = last_json();
    id = json_integer_value(json_object_get(v, "reader_id"));
    json_decref(v);
    T_EQ_INT(id, gv_a1);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/readers/lookup", "{\"card\":\"KHONG-CO\"}", NULL), 404);
    T_EQ_INT(post_json_as(&reader_a1, "/api/v1/readers/lookup", "{\"card\":\"GV-A1\"}", NULL), 403);

    /* checkout with a key: 201, then the same key replays with 200 */
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-302\",\"reader_id\":"
                          "0,\"library\":\"TH-A\"}",
                          NULL),
             400);
    snprintf(path, sizeof path, "{\"barcode\":\"A-302\",\"reader_id\":%lld,\"library\":\"TH-A\"}",
             (long long)gv_a1);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans", path, "quet-0001"), 201);
    v = last_json();
    loan_id = json_integer_value(json_object_get(v, "id"));
    T_CHECK(loan_id > 0);
    T_EQ_STR(json_string_value(json_object_get(v, "barcode")), "A-302");
    T_EQ_STR(json_string_value(json_object_get(v, "title")), "Số đỏ");
    T_EQ_INT(strlen(json_string_value(json_object_get(v, "due_date"))), 10);
    T_CHECK(strlen(json_string_value(json_object_get(v, "due_at"))) == 20); /* ...T..Z */
    T_CHECK(json_is_false(json_object_get(v, "replayed")));
    json_decref(v);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans", path, "quet-0001"), 200);
    v = last_json();
    T_EQ_INT(json_integer_value(json_object_get(v, "id")), loan_id);
    T_CHECK(json_is_true(json_object_get(v, "replayed")));
    json_decref(v);
    T_EQ_INT(open_loans(gv_a1), 1); /* went back: A-302, once */
    /* the key with another request; a key too long; another account's same key is its own */
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-203\",\"card\":\"GV-A1\",\"library\":\"TH-A\"}",
                          "quet-0001"),
             409);
    T_CHECK(t_has(last, "idempotency key"));
    {
        char longkey[200];
        memset(longkey, 'k', 129);
        longkey[129] = '\0';
        T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                              "{\"barcode\":\"A-203\",\"card\":\"GV-A1\",\"library\":\"TH-A\"}",
                              longkey),
                 400);
    }
    T_EQ_INT(post_json_as(&admin, "/api/v1/loans", path, "quet-0001"), 409); /* not a replay */
    T_CHECK(t_has(last, "already on loan to this reader"));

    /* bodies that are wrong */
    T_EQ_INT(
        post_json_as(&tt_a, "/api/v1/loans", "{\"barcode\":\"A-203\",\"card\":\"GV-A1\"}", NULL),
        400);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-203\",\"card\":\"GV-A1\",\"reader_id\":1,"
                          "\"library\":\"TH-A\"}",
                          NULL),
             400);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-203\",\"card\":\"GV-A1\",\"library\":\"TH-A\","
                          "\"typo\":1}",
                          NULL),
             400);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans", "not json", NULL), 400);
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-203\",\"card\":\"GV-A1\",\"library\":\"NOPE\"}", NULL),
             404);
    T_CHECK(t_has(last, "\"error\":{\"code\":\"not_found\""));
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/loans",
                          "{\"barcode\":\"A-201\",\"card\":\"GV-A1\",\"library\":\"TH-A\"}", NULL),
             409);
    T_CHECK(t_has(last, "withdrawn"));

    /* renew through the API (a teacher has two) */
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/renewals", "{\"barcode\":\"A-302\",\"library\":\"TH-A\"}",
                          "gh-1"),
             200);
    T_CHECK(t_has(last, "\"renewals\":1"));
    T_CHECK(t_has(last, "\"replayed\":false"));
    T_EQ_INT(post_json_as(&tt_a, "/api/v1/renewals", "{\"barcode\":\"A-302\",\"library\":\"TH-A\"}",
                          "gh-1"),
             200);
    T_CHECK(t_has(last, "\"renewals\":1"));
    T_CHECK(t_has(last, "\"replayed\":true"));

    /* the overdue list */
    T_EQ_INT(get_as(&tt_a, "/api/v1/libraries/TH-A/overdue"), 200);
    v = last_json();
    T_EQ_INT(json_integer_value(json_object_get(v, "total")), 1);
    {
        json_t *o = json_array_get(json_object_get(v, "overdue"), 0);
        T_EQ_STR(json_string_value(json_object_get(o, "barcode")), "A-601");
        T_CHECK(json_integer_value(json_object_get(o, "days_overdue")) >= 25);
        T_EQ_STR(json_string_value(json_object_get(json_object_get(o, "reader"), "name")),
                 "Vũ Văn Nam");
    }
    json_decref(v);
    T_EQ_INT(get_as(&tt_a, "/api/v1/libraries/NOPE/overdue"), 404);

    /* a reader's record: themself, staff of their library */
    snprintf(path, sizeof path, "/api/v1/readers/%lld", (long long)hs_a1);
    T_EQ_INT(get_as(&reader_a1, path), 200);
    T_CHECK(t_has(last, "\"name\":\"Trần Văn Minh\""));
    T_EQ_INT(get_as(&reader_a2, path), 404);
    T_CHECK(t_lacks(last, "Trần Văn Minh"));
    T_EQ_INT(get_as(&reader_a2, "/api/v1/readers/999999"), 404);
    T_EQ_INT(get_as(&district, path), 200);
    T_EQ_INT(get_as(&tt_a, "/api/v1/readers/lookup"), 404);
}

static void test_csrf(void)
{
    char fields[200], key[40], st[32];
    struct t_http_opts o = {0};
    struct t_http r;
    const char *h[3];
    const char *json = "{\"barcode\":\"A-203\",\"card\":\"HS-A2\",\"library\":\"TH-A\"}";

    T_EQ_INT(desk_reader(&tt_a, "TH-A", "HS-A2"), 200);
    form_key(last, "/desk/checkout", key);
    snprintf(fields, sizeof fields, "library=TH-A&reader_id=%lld&key=%s&barcode=A-203",
             (long long)hs_a2, key);
    T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", fields, 0), 403);
    T_EQ_STR(item_status("A-203", st), "available");
    snprintf(fields, sizeof fields, "&library=TH-A&reader_id=%lld&key=%s&barcode=A-203",
             (long long)hs_a2, key);
    {
        /* a wrong token is no better */
        const char *hh[3] = {"Content-Type: application/x-www-form-urlencoded", tt_a.cookie, NULL};
        char body[300];
        snprintf(body, sizeof body, "csrf=AAAA%s", fields);
        o.method = "POST";
        o.headers = hh;
        o.body = body;
        o.body_len = strlen(body);
        t_http_do(&srv, "/desk/checkout", &o, &r);
        T_EQ_INT(r.status, 403);
        t_http_free(&r);
    }
    T_EQ_STR(item_status("A-203", st), "available");
    /* the API with the cookie but neither token nor Origin */
    h[0] = tt_a.cookie;
    h[1] = "Content-Type: application/json";
    h[2] = NULL;
    memset(&o, 0, sizeof o);
    o.method = "POST";
    o.headers = h;
    o.body = json;
    o.body_len = strlen(json);
    t_http_do(&srv, "/api/v1/loans", &o, &r);
    T_EQ_INT(r.status, 403);
    t_http_free(&r);
    T_EQ_STR(item_status("A-203", st), "available");
    /* and with the token in the form it works */
    T_EQ_INT(post_form_as(&tt_a, "/desk/checkout", fields, 1), 200);
    T_EQ_STR(item_status("A-203", st), "on_loan");
}

static void test_library_scope(void)
{
    char fields[300], path[96], st[32];
    struct t_who anon;

    t_anonymous(&anon);
    /* a librarian of TH-B at TH-A's desk: refused, nothing changes */
    snprintf(fields, sizeof fields, "&library=TH-A&card=HS-A1");
    T_EQ_INT(post_form_as(&tt_b, "/desk/reader", fields, 1), 403);
    snprintf(fields, sizeof fields,
             "&library=TH-A&reader_id=%lld&key=0123456789abcdef0123456789abcdef&barcode=A-102",
             (long long)hs_a2);
    T_EQ_INT(post_form_as(&tt_b, "/desk/checkout", fields, 1), 403);
    T_EQ_INT(post_form_as(&tt_b, "/desk/return", fields, 1), 403);
    T_EQ_INT(post_form_as(&tt_b, "/desk/renew", fields, 1), 403);
    T_EQ_STR(item_status("A-102", st), "on_loan");
    T_EQ_INT(post_json_as(&tt_b, "/api/v1/returns", "{\"barcode\":\"A-102\",\"library\":\"TH-A\"}",
                          NULL),
             403);
    T_EQ_INT(post_json_as(&tt_b, "/api/v1/loans",
                          "{\"barcode\":\"A-302\",\"card\":\"HS-A2\",\"library\":\"TH-A\"}", NULL),
             403);
    T_EQ_INT(post_json_as(&tt_b, "/api/v1/renewals", "{\"barcode\":\"A-102\",\"library\":\"TH-A\"}",
                          NULL),
             403);
    T_EQ_STR(item_status("A-102", st), "on_loan");
    snprintf(path, sizeof path, "/api/v1/readers/%lld", (long long)hs_a1);
    T_EQ_INT(get_as(&tt_b, path), 403);
    T_CHECK(t_lacks(last, "Trần Văn Minh"));
    T_EQ_INT(get_as(&tt_b, "/api/v1/libraries/TH-A/overdue"), 403);
    T_EQ_INT(get_as(&tt_b, "/api/v1/libraries/TH-A/holds"), 403);
    /* at their own desk, a reader of TH-A is a card: no name, no TH-A loans */
    T_EQ_INT(desk_reader(&tt_b, "TH-B", "HS-A2"), 200);
    T_CHECK(t_has(last, "<strong>HS-A2</strong>"));
    T_CHECK(t_lacks(last, "Lê Thị Hoa"));
    T_CHECK(t_lacks(last, "A-401"));
    T_CHECK(t_lacks(last, "A-203"));
    T_CHECK(t_has(last, "bạn đọc của Trường Tiểu học A"));
    /* ...who may still borrow here, and sees it on the receipt */
    T_EQ_INT(desk_scan(&tt_b, "/desk/return", "TH-B", hs_a2, "B-101"), 409); /* on the shelf */
    T_EQ_INT(desk_scan(&tt_b, "/desk/checkout", "TH-B", hs_a2, "B-101"), 200);
    T_CHECK(t_has(last, "class=\"desk-receipt\""));
    T_CHECK(t_has(last, "B-101"));
    T_CHECK(t_lacks(last, "A-401"));
    T_CHECK(t_lacks(last, "Lê Thị Hoa"));
    /* over the limit now (3 for a pupil): the refusal without the reader's detail */
    T_EQ_INT(desk_scan(&tt_b, "/desk/checkout", "TH-B", hs_a2, "B-102"), 409);
    T_CHECK(t_has(last, "Bạn đọc đã mượn đủ số bản được phép."));
    T_CHECK(t_lacks(last, "the limit for"));
    T_EQ_INT(open_loans(hs_a2), 3);

    /* the district reads lists, never acts */
    T_EQ_INT(get_as(&district, "/api/v1/libraries/TH-A/overdue"), 200);
    T_CHECK(t_has(last, "A-601"));
    T_EQ_INT(get_as(&district, "/api/v1/libraries/TH-B/holds"), 200);
    T_EQ_INT(post_json_as(&district, "/api/v1/loans",
                          "{\"barcode\":\"A-302\",\"card\":\"HS-A2\",\"library\":\"TH-A\"}", NULL),
             403);
    T_EQ_INT(post_json_as(&district, "/api/v1/returns",
                          "{\"barcode\":\"A-102\",\"library\":\"TH-A\"}", NULL),
             403);
    T_EQ_INT(post_form_as(&district, "/desk/checkout", fields, 1), 403);
    T_EQ_STR(item_status("A-102", st), "on_loan");

    /* readers and strangers */
    T_EQ_INT(post_json_as(&reader_a1, "/api/v1/loans",
                          "{\"barcode\":\"A-302\",\"card\":\"HS-A1\",\"library\":\"TH-A\"}", NULL),
             403);
    T_EQ_INT(post_form_as(&reader_a1, "/desk/checkout", fields, 1), 403);
    T_EQ_INT(get_as(&reader_a1, "/api/v1/libraries/TH-A/overdue"), 403);
    T_EQ_INT(post_json_as(&anon, "/api/v1/loans",
                          "{\"barcode\":\"A-302\",\"card\":\"HS-A1\",\"library\":\"TH-A\"}", NULL),
             401);
    T_EQ_INT(get_as(&anon, "/api/v1/libraries/TH-A/overdue"), 401);
    T_EQ_INT(get_as(&anon, path), 401);
    /* the admin acts everywhere */
    T_EQ_INT(post_json_as(&admin, "/api/v1/returns", "{\"barcode\":\"A-102\",\"library\":\"TH-A\"}",
                          NULL),
             200);
    T_EQ_STR(item_status("A-102", st), "available");
}

static void test_invariants(void)
{
    struct cat_circ_check c;
    struct ts_err err = {0};
    catalog *cat = t_fx_open(data_dir);

    T_REQUIRE(cat != NULL);
    T_OK(catalog_circ_check(cat, &c, &err), &err);
    T_CHECK(cat_circ_check_ok(&c));
    catalog_close(cat);
}

static void teardown(void)
{
    t_srv_stop(&srv);
    free(last);
    last = NULL;
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"desk_page", test_desk_page},
        {"checkout_by_scanner", test_checkout_by_scanner},
        {"refusals", test_refusals},
        {"holds_and_transit", test_holds_and_transit},
        {"api", test_api},
        {"csrf", test_csrf},
        {"library_scope", test_library_scope},
        {"invariants", test_invariants},
        {"teardown", teardown},
        {0},
    };
    return t_main(cases, argc, argv);
}
