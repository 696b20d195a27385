/*
 * tests/http/test_account.c - reader self-service through the real server:
 * the account page (loans made at the desk with the catalogue API, renewing
 * and its refusals, holds placed from the record page with their queue
 * position, the hold-ready notice after a return, cancelling, the opt-in
 * borrowing history and opting out forgetting it), digital lending (open
 * files stay public; a lendable file with one copy goes to one reader at a
 * time and the loan ends by itself; on-site files are refused), the JSON API
 * (account, renewals with an Idempotency-Key, holds placed by staff for a
 * reader, digital loans) and the privacy rules (another reader's hold is
 * "not found", no card number on pages or in Location headers, CSRF).
 *
 * The cases run in order and share one data folder: each starts from the
 * state the previous one left, as a reader's week at the library would.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

#define DAY 86400

static struct t_srv srv;
static const char *data_dir;
static int64_t lib_a, lib_b;
static int64_t rec_one, rec_two, rec_three, rec_open, rec_lend, rec_onsite;
static int64_t file_open, file_lend, file_onsite;
static int64_t reader_a, reader_b;
static struct t_who who_a, who_b, who_lib_a, who_lib_b, who_district, who_admin, anon;

/* ------------------------------------------------------------- helpers */

static int64_t pinned;

static int64_t pinned_clock(void *ctx)
{
    (void)ctx;
    return pinned;
}

/* The catalogue as the desk would use it; `ago` > 0 pins its clock that many
 * seconds in the past. */
static catalog *open_cat(int64_t ago)
{
    catalog *cat = t_fx_open(data_dir);

    if (cat && ago) {
        pinned = ts_now_unix() - ago;
        catalog_set_clock(cat, pinned_clock, NULL);
    }
    return cat;
}

static void checkout(const char *barcode, int64_t reader, int64_t ago)
{
    struct cat_desk desk = {lib_a, "test", NULL, 0};
    struct cat_loan l;
    struct ts_err err = {0};
    catalog *cat = open_cat(ago);

    T_OK(catalog_loan_checkout(cat, &desk, barcode, reader, &l, &err), &err);
    cat_loan_clear(&l);
    catalog_close(cat);
}

static void give_back(const char *barcode)
{
    struct cat_desk desk = {lib_a, "test", NULL, 0};
    struct cat_return r;
    struct ts_err err = {0};
    catalog *cat = open_cat(0);

    T_OK(catalog_loan_return(cat, &desk, barcode, &r, &err), &err);
    cat_return_clear(&r);
    catalog_close(cat);
}

/* One request as `w`: method, path, optional body with its type. */
static long call(const char *method, const char *path, const struct t_who *w, const char *type,
                 const char *body, struct t_http *r)
{
    const char *h[8];
    struct t_http_opts o = {0};
    size_t n = 0;

    for (size_t i = 0; w && w->headers[i] && n < 5; i++)
        h[n++] = w->headers[i];
    if (type)
        h[n++] = type;
    h[n] = NULL;
    o.method = method;
    o.headers = h;
    o.body = body;
    o.body_len = body ? strlen(body) : 0;
    t_http_do(&srv, path, &o, r);
    if (getenv("T_DUMP"))
        fprintf(stderr, "==== %s %s -> %ld\n%s\n", method, path, r->status, ts_buf_str(&r->body));
    return r->status;
}

/* GET a page as `w`; the body (free()) after checking the status. */
static char *page(const char *path, const struct t_who *w, long want)
{
    struct t_http r;
    char *body;

    if (!T_EQ_INT(call("GET", path, w, NULL, NULL, &r), want))
        fprintf(stderr, "  GET %s: %.300s\n", path, ts_buf_str(&r.body));
    body = ts_xstrdup(ts_buf_str(&r.body));
    t_http_free(&r);
    return body;
}

/* POST a form as `w` (cookie only), with its CSRF field unless `no_csrf`.
 * r is filled (t_http_free it); returns the status. */
static long form(const char *path, const struct t_who *w, const char *fields, int no_csrf,
                 struct t_http *r)
{
    struct t_who c = *w;
    char body[512];

    /* only the cookie: the form carries the token itself (or not) */
    c.headers[0] = c.cookie;
    c.headers[1] = NULL;

    if (no_csrf)
        snprintf(body, sizeof body, "%s", fields);
    else
        snprintf(body, sizeof body, "csrf=%s%s%s", w->csrf, *fields ? "&" : "", fields);
    return call("POST", path, &c, "Content-Type: application/x-www-form-urlencoded", body, r);
}

/* form() expecting `want`; the Location or body is returned (free()). */
static char *form_expect(const char *path, const struct t_who *w, const char *fields, long want)
{
    struct t_http r;
    const char *loc;
    char *out;

    if (!T_EQ_INT(form(path, w, fields, 0, &r), want))
        fprintf(stderr, "  POST %s %s: %.300s\n", path, fields, ts_buf_str(&r.body));
    loc = t_http_header(&r, "Location");
    out = ts_xstrdup(want == 303 && loc ? loc : ts_buf_str(&r.body));
    t_http_free(&r);
    return out;
}

/* JSON API call; the parsed answer (json_decref) or NULL for an empty body. */
static json_t *api(const char *method, const char *path, const struct t_who *w, const char *json,
                   const char *extra_header, long want)
{
    struct t_who c = *w;
    struct t_http r;
    json_t *v = NULL;
    size_t n = 0;
    const char *type = json ? "Content-Type: application/json" : NULL;

    while (c.headers[n])
        n++;
    if (extra_header) {
        c.headers[n++] = extra_header;
        c.headers[n] = NULL;
    }
    if (!T_EQ_INT(call(method, path, &c, type, json, &r), want))
        fprintf(stderr, "  %s %s: %.300s\n", method, path, ts_buf_str(&r.body));
    if (r.body.len)
        v = json_loads(ts_buf_str(&r.body), 0, NULL);
    t_http_free(&r);
    return v;
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

static const char *header_or_empty(struct t_http *r, const char *name)
{
    const char *v = t_http_header(r, name);
    return v ? v : "";
}

/* The reader's own account over the API. */
static json_t *account(const struct t_who *w)
{
    return api("GET", "/api/v1/account", w, NULL, NULL, 200);
}

static json_t *loan_of(json_t *acct, const char *barcode)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(acct, "loans"), i,
                       l) if (strcmp(jstr(l, "barcode"), barcode) == 0) return l;
    return NULL;
}

static int64_t first_hold_id(const struct t_who *w, int64_t record_id)
{
    json_t *v = account(w), *h;
    int64_t id = 0;
    size_t i;

    json_array_foreach(json_object_get(v, "holds"), i, h) if (jint(h, "record_id") == record_id)
        id = jint(h, "id");
    json_decref(v);
    return id;
}

/* A path (or any short string) from a format: free() it. */
static char *path_of(const char *fmt, ...) TS_PRINTF(1, 2);
static char *path_of(const char *fmt, ...)
{
    char *p = ts_xmalloc(128);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p, 128, fmt, ap);
    va_end(ap);
    return p;
}

/* Run `tusach --data DATA args...` (NULL-terminated); its stdout into out.
 * Returns the exit status. */
static int tusach(char *out, size_t cap, ...)
{
    char *argv[16];
    size_t n = 0, got = 0;
    va_list ap;
    int p[2], st = 0;
    pid_t pid;
    ssize_t k;

    argv[n++] = (char *)"tusach";
    argv[n++] = (char *)"--data";
    argv[n++] = (char *)data_dir;
    va_start(ap, cap);
    while (n < 15 && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    out[0] = '\0';
    if (pipe(p) != 0)
        return -1;
    if ((pid = fork()) == 0) {
        dup2(p[1], STDOUT_FILENO);
        close(p[0]);
        close(p[1]);
        execv(TS_BINARY, argv);
        _exit(127);
    }
    close(p[1]);
    while (got + 1 < cap && (k = read(p[0], out + got, cap - 1 - got)) > 0)
        got += (size_t)k;
    out[got] = '\0';
    close(p[0]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* --------------------------------------------------------------- setup */

static void setup(void)
{
    const char *src = t_tmpdir();
    struct ts_err err = {0};
    catalog *cat;

    T_REQUIRE(data_dir = t_fx_two_schools());
    lib_a = t_fx_library_id(data_dir, "TH-A");
    lib_b = t_fx_library_id(data_dir, "TH-B");
    t_fx_write_text(src, "thach-sanh.txt", "Truyện Thạch Sanh\n\nThạch Sanh chém chằn tinh.\n");
    t_fx_write_text(src, "tam-cam.txt", "Truyện Tấm Cám\n\nTấm và Cám là hai chị em.\n");
    t_fx_write_text(src, "so-dua.txt", "Truyện Sọ Dừa\n\nSọ Dừa chăn bò cho phú ông.\n");
    t_fx_write_text(src, "cay-khe.txt", "Truyện Cây khế\n\nĂn một quả, trả cục vàng.\n");
    t_fx_write_text(src, "rong-tien.txt", "Con Rồng cháu Tiên\n\nLạc Long Quân và Âu Cơ.\n");
    t_fx_write_text(src, "thanh-giong.txt", "Thánh Gióng\n\nGióng cưỡi ngựa sắt.\n");
    t_fx_import(data_dir, src, "TH-A", 1, NULL);
    rec_one = t_fx_find_record(data_dir, "Thạch Sanh", NULL);
    rec_two = t_fx_find_record(data_dir, "Tấm Cám", NULL);
    rec_three = t_fx_find_record(data_dir, "Sọ Dừa", NULL);
    rec_open = t_fx_find_record(data_dir, "Cây khế", &file_open);
    rec_lend = t_fx_find_record(data_dir, "Rồng cháu Tiên", &file_lend);
    rec_onsite = t_fx_find_record(data_dir, "Thánh Gióng", &file_onsite);
    T_REQUIRE(rec_one && rec_two && rec_three && rec_open && rec_lend && rec_onsite);
    t_fx_item(data_dir, rec_one, "A-001", "TH-A");
    t_fx_item(data_dir, rec_one, "A-002", "TH-A");
    t_fx_item(data_dir, rec_two, "A-010", "TH-A");
    t_fx_item(data_dir, rec_three, "A-020", "TH-A");
    reader_a = t_fx_reader(data_dir, "HS-A1", "Nguyễn Văn An", "pupil", "TH-A", "1357");
    reader_b = t_fx_reader(data_dir, "HS-A2", "Trần Thị Bình", "pupil", "TH-A", "2468");
    t_fx_staff(data_dir, "thuthu-a", "librarian", "matkhau-123", "TH-A");
    t_fx_staff(data_dir, "thuthu-b", "librarian", "matkhau-456", "TH-B");
    t_fx_staff(data_dir, "phong-gd", "district", "matkhau-789", NULL);
    t_fx_staff(data_dir, "quantri", "admin", "matkhau-000", NULL);
    /* the librarian's command sets how the files may be read */
    {
        char id[32], out[256];
        snprintf(id, sizeof id, "%lld", (long long)file_lend);
        T_EQ_INT(tusach(out, sizeof out, "file", "access", id, "lendable", "--copies", "1",
                        "--days", "14", NULL),
                 0);
        T_CHECK(t_has(out, ": lendable, 1 copy, 0 on loan"));
        T_EQ_INT(tusach(out, sizeof out, "file", "access", id, "lendable", "--copies", "0", NULL),
                 2);
        T_EQ_INT(tusach(out, sizeof out, "file", "access", id, "borrowed", NULL), 1);
        snprintf(id, sizeof id, "%lld", (long long)file_onsite);
        T_EQ_INT(tusach(out, sizeof out, "file", "access", id, "onsite", NULL), 0);
        T_CHECK(t_has(out, ": onsite"));
        T_EQ_INT(tusach(out, sizeof out, "file", "show", "999999", NULL), 1);
    }
    cat = open_cat(0);
    {
        struct cat_dloan_state st;
        T_OK(catalog_dloan_state(cat, file_lend, &st, &err), &err);
        T_EQ_STR(st.access, "lendable");
        T_EQ_INT(st.copies, 1);
    }
    catalog_close(cat);
    /* at the desk: A borrows Thạch Sanh and Tấm Cám today, Sọ Dừa 20 days ago
     * (pupils keep a book 14 days: it is overdue) */
    checkout("A-001", reader_a, 0);
    checkout("A-010", reader_a, 0);
    checkout("A-020", reader_a, 20 * DAY);
    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
    T_REQUIRE(t_login(&srv, "HS-A1", "1357", &who_a) == 0);
    T_REQUIRE(t_login(&srv, "HS-A2", "2468", &who_b) == 0);
    T_REQUIRE(t_login(&srv, "thuthu-a", "matkhau-123", &who_lib_a) == 0);
    T_REQUIRE(t_login(&srv, "thuthu-b", "matkhau-456", &who_lib_b) == 0);
    T_REQUIRE(t_login(&srv, "phong-gd", "matkhau-789", &who_district) == 0);
    T_REQUIRE(t_login(&srv, "quantri", "matkhau-000", &who_admin) == 0);
    t_anonymous(&anon);
}

/* --------------------------------------------------------------- cases */

static void test_account_page(void)
{
    char *b = page("/account", &who_a, 200);
    char *rec = path_of("href=\"/records/%lld\"", (long long)rec_one);

    T_CHECK(t_has(b, "Nguyễn Văn An")); /* the header names the reader ... */
    T_CHECK(t_lacks(b, "HS-A1"));       /* ... never the card number */
    T_CHECK(t_has(b, "Truyện Thạch Sanh"));
    T_CHECK(t_has(b, rec));
    T_CHECK(t_has(b, "Truyện Tấm Cám"));
    T_CHECK(t_has(b, "A-001"));
    T_CHECK(t_has(b, "action=\"/account/renew\""));
    T_CHECK(t_has(b, "name=\"csrf\""));
    /* the overdue loan: marked in the list and in the notices */
    T_CHECK(t_has(b, "class=\"acct-overdue\""));
    T_CHECK(t_has(b, "đã quá hạn trả từ ngày"));
    /* history is off by default: no history, the form to turn it on */
    T_CHECK(t_has(b, "Bật lịch sử mượn"));
    T_CHECK(t_lacks(b, "Tắt và xoá lịch sử mượn"));
    free(b);
    free(rec);
    /* English */
    b = page("/account?lang=en", &who_a, 200);
    T_CHECK(t_has(b, "was due back on"));
    T_CHECK(t_has(b, "Renewals left"));
    free(b);
    b = page("/account?lang=vi", &who_a, 200);
    free(b);
    /* anonymous: to the login page, coming back here */
    {
        struct t_http r;
        T_EQ_INT(call("GET", "/account", &anon, NULL, NULL, &r), 303);
        T_EQ_STR(header_or_empty(&r, "Location"), "/login?next=%2Faccount");
        t_http_free(&r);
    }
}

static void test_staff_account(void)
{
    const struct t_who *staff[] = {&who_lib_a, &who_district, &who_admin};
    json_t *v;

    for (size_t i = 0; i < 3; i++) {
        char *b = page("/account", staff[i], 403);
        T_CHECK(t_has(b, "href=\"/desk\""));
        free(b);
        v = api("GET", "/api/v1/account", staff[i], NULL, NULL, 403);
        json_decref(v);
    }
}

static void test_renew(void)
{
    json_t *v, *l;
    char *out;

    v = account(&who_a);
    T_REQUIRE((l = loan_of(v, "A-001")) != NULL);
    T_EQ_INT(jint(l, "renewals_left"), 1);
    T_CHECK(json_is_false(json_object_get(l, "overdue")));
    T_CHECK(json_is_true(json_object_get(loan_of(v, "A-020"), "overdue")));
    json_decref(v);

    /* CSRF missing: refused, nothing renewed */
    {
        struct t_http r;
        T_EQ_INT(form("/account/renew", &who_a, "barcode=A-001", 1, &r), 403);
        t_http_free(&r);
        v = account(&who_a);
        T_EQ_INT(jint(loan_of(v, "A-001"), "renewals"), 0);
        json_decref(v);
    }
    /* another reader's loan is not theirs to renew: not found */
    out = form_expect("/account/renew", &who_b, "barcode=A-001", 404);
    T_CHECK(t_has(out, "Bạn không mượn cuốn sách có mã vạch này"));
    free(out);

    out = form_expect("/account/renew", &who_a, "barcode=A-001", 303);
    T_EQ_STR(out, "/account?done=renewed");
    free(out);
    out = page("/account?done=renewed", &who_a, 200);
    T_CHECK(t_has(out, "Đã gia hạn."));
    T_CHECK(t_has(out, "Đã hết lượt gia hạn"));
    free(out);
    v = account(&who_a);
    T_EQ_INT(jint(loan_of(v, "A-001"), "renewals"), 1);
    T_EQ_INT(jint(loan_of(v, "A-001"), "renewals_left"), 0);
    json_decref(v);
    /* pupils renew once: the second time is refused on the page, 409 */
    out = form_expect("/account/renew", &who_a, "barcode=A-001", 409);
    T_CHECK(t_has(out, "Cuốn sách này đã hết lượt gia hạn"));
    T_CHECK(t_has(out, "Truyện Thạch Sanh")); /* the page itself, with the reason */
    free(out);

    /* the API, with an Idempotency-Key: a retry replays the first answer */
    v = api("POST", "/api/v1/account/renewals", &who_a, "{\"barcode\":\"A-020\"}",
            "Idempotency-Key: renew-a020-1", 200);
    l = json_object_get(v, "loan");
    T_EQ_STR(jstr(l, "barcode"), "A-020");
    T_CHECK(json_is_false(json_object_get(l, "replayed")));
    T_CHECK(json_is_false(json_object_get(l, "overdue"))); /* renewed from today */
    T_CHECK(strlen(jstr(l, "due_at")) == 20);              /* 2025-03-14T08:00:00Z */
    json_decref(v);
    v = api("POST", "/api/v1/account/renewals", &who_a, "{\"barcode\":\"A-020\"}",
            "Idempotency-Key: renew-a020-1", 200);
    T_CHECK(json_is_true(json_object_get(json_object_get(v, "loan"), "replayed")));
    json_decref(v);
    v = account(&who_a);
    T_EQ_INT(jint(loan_of(v, "A-020"), "renewals"), 1);
    json_decref(v);
    json_decref(
        api("POST", "/api/v1/account/renewals", &who_a, "{\"barcode\":\"A-020\"}", NULL, 409));
    json_decref(
        api("POST", "/api/v1/account/renewals", &who_b, "{\"barcode\":\"A-010\"}", NULL, 404));
    json_decref(api("POST", "/api/v1/account/renewals", &who_a, "{\"barcode\":\"A-010\",\"x\":1}",
                    NULL, 400)); /* unknown field */
    json_decref(
        api("POST", "/api/v1/account/renewals", &who_lib_a, "{\"barcode\":\"A-010\"}", NULL, 403));
}

static void test_hold_from_record_page(void)
{
    char *path = path_of("/records/%lld", (long long)rec_two);
    char *action = path_of("/records/%lld/hold", (long long)rec_two);
    char *login = path_of("href=\"/login?next=%%2Frecords%%2F%lld\"", (long long)rec_two);
    char *b, *out;
    json_t *v, *h;

    /* anonymous: log in to place a hold, coming back to this record */
    b = page(path, &anon, 200);
    T_CHECK(t_has(b, "Đăng nhập để đặt giữ"));
    T_CHECK(t_has(b, login));
    T_CHECK(t_lacks(b, "name=\"pickup\""));
    free(b);
    /* a reader: the form, their library first and chosen */
    b = page(path, &who_b, 200);
    T_CHECK(t_has(b, "Đang đăng nhập: Trần Thị Bình")); /* her name, not her card */
    T_CHECK(t_lacks(b, "HS-A2"));
    T_CHECK(t_has(b, action));
    T_CHECK(t_has(b, "<option value=\"TH-A\" selected>Trường Tiểu học A (có sách)</option>"));
    T_CHECK(t_has(b, "<option value=\"TH-B\">Trường Tiểu học B</option>"));
    T_CHECK(strstr(b, "value=\"TH-A\"") < strstr(b, "value=\"TH-B\""));
    free(b);
    /* staff: no form (holds for readers go through the API) */
    b = page(path, &who_lib_a, 200);
    T_CHECK(t_lacks(b, "name=\"pickup\""));
    free(b);

    /* CSRF missing: refused, no hold */
    {
        struct t_http r;
        T_EQ_INT(form(action, &who_b, "pickup=TH-A", 1, &r), 403);
        t_http_free(&r);
        T_EQ_INT(first_hold_id(&who_b, rec_two), 0);
    }
    /* B holds Tấm Cám (its only copy is on loan to A) */
    out = form_expect(action, &who_b, "pickup=TH-A", 303);
    T_CHECK(t_has(out, "?done=hold_placed"));
    T_CHECK(t_lacks(out, "HS-A2"));
    free(out);
    b = page(path, &who_b, 200);
    T_CHECK(t_has(b, "Bạn đã đặt giữ sách này, nhận tại Trường Tiểu học A"));
    T_CHECK(t_has(b, "thứ tự trong hàng chờ: 1"));
    free(b);
    b = page("/account", &who_b, 200);
    T_CHECK(t_has(b, "Truyện Tấm Cám"));
    T_CHECK(t_has(b, "Đang chờ"));
    T_CHECK(t_has(b, "thứ tự trong hàng chờ: 1"));
    free(b);
    v = account(&who_b);
    h = json_array_get(json_object_get(v, "holds"), 0);
    T_EQ_STR(jstr(h, "status"), "waiting");
    T_EQ_INT(jint(h, "position"), 1);
    T_EQ_STR(jstr(json_object_get(h, "pickup"), "code"), "TH-A");
    json_decref(v);

    /* refusals, each with its reason and status */
    out = form_expect(action, &who_b, "pickup=TH-A", 409); /* twice */
    T_CHECK(t_has(out, "Bạn đã đặt giữ cuốn sách này rồi"));
    free(out);
    out = form_expect(action, &who_a, "pickup=TH-A", 409); /* A has it on loan */
    T_CHECK(t_has(out, "Bạn đang mượn một bản của cuốn sách này rồi"));
    free(out);
    free(action);
    action = path_of("/records/%lld/hold", (long long)rec_one);
    /* A-002 is on the shelf at TH-A: borrow it there */
    out = form_expect(action, &who_b, "pickup=TH-A", 409);
    T_CHECK(t_has(out, "đang có sẵn một bản trên giá"));
    free(out);
    out = form_expect(action, &who_b, "pickup=KHONG-CO", 400);
    T_CHECK(t_has(out, "Không có thư viện nhận sách này"));
    free(out);
    {
        catalog *cat = open_cat(0);
        struct ts_err err = {0};
        T_OK(catalog_reader_set_blocked(cat, reader_b, "mất sách chưa đền", "test", &err), &err);
        catalog_close(cat);
        out = form_expect(action, &who_b, "pickup=TH-B", 409);
        T_CHECK(t_has(out, "Thẻ của bạn đang bị khoá: mất sách chưa đền"));
        free(out);
        cat = open_cat(0);
        T_OK(catalog_reader_set_blocked(cat, reader_b, NULL, "test", &err), &err);
        catalog_close(cat);
    }
    /* with someone waiting, A cannot renew Tấm Cám */
    out = form_expect("/account/renew", &who_a, "barcode=A-010", 409);
    T_CHECK(t_has(out, "có bạn đọc khác đang chờ cuốn sách này"));
    free(out);
    free(path);
    free(action);
    free(login);
}

static void test_hold_ready_notice(void)
{
    char *b;
    json_t *v, *n;

    /* A brings Tấm Cám back: B's hold is filled */
    give_back("A-010");
    v = account(&who_b);
    T_EQ_STR(jstr(json_array_get(json_object_get(v, "holds"), 0), "status"), "ready");
    n = json_array_get(json_object_get(v, "notices"), 0);
    T_EQ_STR(jstr(n, "kind"), "hold_ready");
    T_EQ_STR(jstr(n, "title"), "Truyện Tấm Cám");
    T_CHECK(json_is_false(json_object_get(n, "seen")));
    json_decref(v);
    b = page("/account", &who_b, 200);
    T_CHECK(t_has(b, "<span class=\"tag\">Mới</span>"));
    T_CHECK(
        t_has(b, "Truyện Tấm Cám</strong></a> đang chờ bạn tại Trường Tiểu học A đến hết ngày"));
    free(b);
    /* shown once as new, then marked seen (still listed while it waits) */
    b = page("/account", &who_b, 200);
    T_CHECK(t_lacks(b, "<span class=\"tag\">Mới</span>"));
    T_CHECK(t_has(b, "đang chờ bạn tại Trường Tiểu học A"));
    free(b);
    v = account(&who_b);
    T_CHECK(
        json_is_true(json_object_get(json_array_get(json_object_get(v, "notices"), 0), "seen")));
    json_decref(v);
    /* A's page knows nothing of it */
    b = page("/account", &who_a, 200);
    T_CHECK(t_lacks(b, "đang chờ bạn tại"));
    free(b);
}

static void test_cancel_hold(void)
{
    int64_t id = first_hold_id(&who_b, rec_two);
    char *path = path_of("/account/holds/%lld/cancel", (long long)id);
    char *api_path = path_of("/api/v1/holds/%lld", (long long)id);
    char *out;

    T_REQUIRE(id > 0);
    /* A cannot cancel B's hold, and cannot even tell it exists */
    out = form_expect(path, &who_a, "", 404);
    T_CHECK(t_has(out, "Không tìm thấy yêu cầu đặt giữ này"));
    free(out);
    out = form_expect("/account/holds/999999/cancel", &who_a, "", 404);
    T_CHECK(t_has(out, "Không tìm thấy yêu cầu đặt giữ này"));
    free(out);
    json_decref(api("DELETE", api_path, &who_a, NULL, NULL, 404));
    json_decref(api("DELETE", "/api/v1/holds/999999", &who_a, NULL, NULL, 404));
    /* staff of another library, the district: not theirs to act on */
    json_decref(api("DELETE", api_path, &who_lib_b, NULL, NULL, 403));
    json_decref(api("DELETE", api_path, &who_district, NULL, NULL, 403));
    T_EQ_INT(first_hold_id(&who_b, rec_two), id);
    /* CSRF missing */
    {
        struct t_http r;
        T_EQ_INT(form(path, &who_b, "", 1, &r), 403);
        t_http_free(&r);
        T_EQ_INT(first_hold_id(&who_b, rec_two), id);
    }
    out = form_expect(path, &who_b, "", 303);
    T_EQ_STR(out, "/account?done=hold_cancelled");
    free(out);
    T_EQ_INT(first_hold_id(&who_b, rec_two), 0);
    out = page("/account?done=hold_cancelled", &who_b, 200);
    T_CHECK(t_has(out, "Đã huỷ đặt giữ."));
    T_CHECK(t_lacks(out, "đang chờ bạn tại")); /* the notice went with the hold */
    free(out);
    /* cancelling twice: it is closed now and no longer names B */
    out = form_expect(path, &who_b, "", 404);
    free(out);
    free(path);
    free(api_path);
}

static void test_api_holds(void)
{
    char *body = path_of("{\"record_id\":%lld,\"reader_id\":", (long long)rec_two);
    char buf[256];
    json_t *v, *h;
    int64_t id;
    char *p;

    /* A-010 went back on the shelf at TH-A when B's hold was cancelled:
     * a hold for pickup at TH-B */
    snprintf(buf, sizeof buf, "%s%lld,\"pickup\":\"TH-B\"}", body, (long long)reader_b);
    json_decref(api("POST", "/api/v1/holds", &who_lib_b, buf, NULL, 403)); /* not B's library */
    json_decref(api("POST", "/api/v1/holds", &who_district, buf, NULL, 403));
    json_decref(api("POST", "/api/v1/holds", &who_a, buf, NULL, 404)); /* another reader */
    json_decref(api("POST", "/api/v1/holds", &anon, buf, NULL, 401));
    v = api("POST", "/api/v1/holds", &who_lib_a, buf, NULL, 201);
    h = json_object_get(v, "hold");
    id = jint(h, "id");
    T_EQ_STR(jstr(h, "status"), "waiting");
    T_EQ_STR(jstr(json_object_get(h, "pickup"), "code"), "TH-B");
    T_EQ_INT(jint(h, "record_id"), rec_two);
    json_decref(v);
    T_EQ_INT(first_hold_id(&who_b, rec_two), id);
    /* staff must say for whom */
    snprintf(buf, sizeof buf, "{\"record_id\":%lld}", (long long)rec_two);
    json_decref(api("POST", "/api/v1/holds", &who_lib_a, buf, NULL, 400));
    /* a reader for themself, pickup defaulting to their library: A-010 is
     * on the shelf there, so the catalogue says borrow it */
    v = api("POST", "/api/v1/holds", &who_a, buf, NULL, 409);
    T_CHECK(t_has(jstr(json_object_get(v, "error"), "message"), "đang có sẵn một bản trên giá"));
    json_decref(v);
    /* the librarian of B's library cancels it for her */
    p = path_of("/api/v1/holds/%lld", (long long)id);
    json_decref(api("DELETE", p, &who_lib_a, NULL, NULL, 204));
    json_decref(api("DELETE", p, &who_lib_a, NULL, NULL, 404)); /* closed: no reader named */
    free(p);
    /* and a reader's own hold over the API, cancelled over the API */
    snprintf(buf, sizeof buf, "{\"record_id\":%lld,\"pickup\":\"TH-B\"}", (long long)rec_two);
    v = api("POST", "/api/v1/holds", &who_b, buf, NULL, 201);
    id = jint(json_object_get(v, "hold"), "id");
    json_decref(v);
    p = path_of("/api/v1/holds/%lld", (long long)id);
    json_decref(api("DELETE", p, &who_b, NULL, NULL, 204));
    free(p);
    free(body);
}

/* The record ids of the reader's history, over the API. */
static size_t history_len(const struct t_who *w, int *is_null)
{
    json_t *v = account(w), *h = json_object_get(v, "history_loans");
    size_t n = json_array_size(h);

    *is_null = json_is_null(h);
    json_decref(v);
    return n;
}

static void test_history(void)
{
    char *b, *out;
    int is_null;

    /* Tấm Cám went back before A opted in: forgotten already */
    T_EQ_INT(history_len(&who_a, &is_null), 0);
    T_CHECK(is_null);
    out = form_expect("/account/history", &who_a, "history=maybe", 400);
    free(out);
    /* CSRF missing */
    {
        struct t_http r;
        T_EQ_INT(form("/account/history", &who_a, "history=on", 1, &r), 403);
        t_http_free(&r);
        T_EQ_INT(history_len(&who_a, &is_null), 0);
        T_CHECK(is_null);
    }
    out = form_expect("/account/history", &who_a, "history=on", 303);
    T_EQ_STR(out, "/account?done=history_on");
    free(out);
    give_back("A-001"); /* Thạch Sanh, now kept in A's history */
    b = page("/account", &who_a, 200);
    T_CHECK(t_has(b, "id=\"history-h\""));
    T_CHECK(t_has(b, "Tắt và xoá lịch sử mượn"));
    T_CHECK(t_has(b, "xoá vĩnh viễn"));    /* said before they confirm */
    T_CHECK(t_lacks(b, "Truyện Tấm Cám")); /* returned before opting in */
    {
        const char *hist = strstr(b, "id=\"history-h\"");
        T_CHECK(hist && t_has(hist, "Truyện Thạch Sanh"));
    }
    free(b);
    T_EQ_INT(history_len(&who_a, &is_null), 1);
    /* opting out forgets the past */
    out = form_expect("/account/history", &who_a, "history=off", 303);
    T_EQ_STR(out, "/account?done=history_off");
    free(out);
    b = page("/account?done=history_off", &who_a, 200);
    T_CHECK(t_has(b, "Đã tắt lịch sử mượn"));
    T_CHECK(t_has(b, "Bật lịch sử mượn"));
    T_CHECK(t_lacks(b, "Truyện Thạch Sanh"));
    free(b);
    out = form_expect("/account/history", &who_a, "history=on", 303);
    free(out);
    T_EQ_INT(history_len(&who_a, &is_null), 0); /* gone for good */
    T_CHECK(!is_null);
    out = form_expect("/account/history", &who_a, "history=off", 303);
    free(out);
}

/* ----------------------------------------------------------- digital */

static long status_of(const char *path, const struct t_who *w, struct t_http *r)
{
    return call("GET", path, w, NULL, NULL, r);
}

static void expect_status(const char *path, const struct t_who *w, long want)
{
    struct t_http r;
    if (!T_EQ_INT(status_of(path, w, &r), want))
        fprintf(stderr, "  GET %s: %.200s\n", path, ts_buf_str(&r.body));
    t_http_free(&r);
}

static void test_open_file(void)
{
    char *p = path_of("/files/%lld", (long long)file_open);
    char *a = path_of("/api/v1/files/%lld", (long long)file_open);
    char *rd = path_of("/records/%lld/read", (long long)rec_open);
    struct t_http r;

    T_EQ_INT(status_of(a, &anon, &r), 200);
    T_CHECK(t_has(ts_buf_str(&r.body), "Ăn một quả"));
    T_EQ_STR(header_or_empty(&r, "Cache-Control"), "public, max-age=86400");
    t_http_free(&r);
    expect_status(p, &anon, 200);
    expect_status(rd, &anon, 200);
    expect_status(a, &who_a, 200);
    /* borrowing an open file: nothing to borrow */
    free(p);
    p = path_of("/api/v1/files/%lld/loan", (long long)file_open);
    json_decref(api("POST", p, &who_a, NULL, NULL, 400));
    free(p);
    free(a);
    free(rd);
}

static void test_lendable_file(void)
{
    char *p = path_of("/files/%lld", (long long)file_lend);
    char *a = path_of("/api/v1/files/%lld", (long long)file_lend);
    char *rd = path_of("/records/%lld/read", (long long)rec_lend);
    char *rec = path_of("/records/%lld", (long long)rec_lend);
    char *borrow = path_of("/files/%lld/borrow", (long long)file_lend);
    char *ret = path_of("/files/%lld/return", (long long)file_lend);
    char *loan = path_of("/api/v1/files/%lld/loan", (long long)file_lend);
    char *b, *out;
    struct t_http r;
    json_t *v;

    /* anonymous: pages go to the login, the API says 401 */
    T_EQ_INT(status_of(p, &anon, &r), 303);
    T_CHECK(t_has(header_or_empty(&r, "Location"), "/login?next=%2Ffiles%2F"));
    t_http_free(&r);
    T_EQ_INT(status_of(rd, &anon, &r), 303);
    T_CHECK(t_has(header_or_empty(&r, "Location"), "%2Fread"));
    t_http_free(&r);
    expect_status(a, &anon, 401);
    b = page(rec, &anon, 200);
    T_CHECK(t_has(b, "Bản số còn cho mượn: 1/1"));
    T_CHECK(t_has(b, "Đăng nhập để mượn bản số"));
    T_CHECK(t_lacks(b, a)); /* no download link for who may not download */
    free(b);
    /* signed in, not borrowed: 403; staff cannot borrow */
    expect_status(p, &who_a, 403);
    expect_status(a, &who_a, 403);
    expect_status(a, &who_lib_a, 403);
    json_decref(api("POST", loan, &who_lib_a, NULL, NULL, 403));
    /* A borrows from the record page */
    b = page(rec, &who_a, 200);
    T_CHECK(t_has(b, borrow));
    free(b);
    {
        struct t_http r2;
        T_EQ_INT(form(borrow, &who_a, "", 1, &r2), 403); /* CSRF missing */
        t_http_free(&r2);
        expect_status(a, &who_a, 403);
    }
    out = form_expect(borrow, &who_a, "", 303);
    T_CHECK(t_has(out, "?done=dloan_borrowed"));
    free(out);
    T_EQ_INT(status_of(a, &who_a, &r), 200);
    T_CHECK(t_has(ts_buf_str(&r.body), "Lạc Long Quân"));
    T_EQ_STR(header_or_empty(&r, "Cache-Control"), "private, no-store");
    t_http_free(&r);
    T_EQ_INT(status_of(rd, &who_a, &r), 200);
    T_CHECK(t_has(ts_buf_str(&r.body), "Lạc Long Quân"));
    t_http_free(&r);
    b = page(rec, &who_a, 200);
    T_CHECK(t_has(b, "Bạn đang mượn, đọc được đến"));
    T_CHECK(t_has(b, ret));
    free(b);
    b = page("/account", &who_a, 200);
    T_CHECK(t_has(b, "Con Rồng cháu Tiên"));
    T_CHECK(t_has(b, "đọc được đến"));
    free(b);
    v = account(&who_a);
    T_EQ_INT(jint(json_array_get(json_object_get(v, "digital_loans"), 0), "file_id"), file_lend);
    json_decref(v);
    /* B: the only copy is out */
    expect_status(a, &who_b, 403);
    b = page(rec, &who_b, 200);
    T_CHECK(t_has(b, "Mọi bản số đang được mượn; có bản trả lại vào ngày"));
    T_CHECK(t_lacks(b, borrow));
    free(b);
    out = form_expect(borrow, &who_b, "", 409);
    T_CHECK(t_has(out, "Mọi bản số của tài liệu này đang được mượn"));
    free(out);
    json_decref(api("POST", loan, &who_b, NULL, NULL, 409));
    json_decref(api("POST", loan, &who_a, NULL, NULL, 409)); /* already hers */
    v = api("DELETE", loan, &who_b, NULL, NULL, 409);        /* nothing to return */
    T_CHECK(t_has(jstr(json_object_get(v, "error"), "message"), "Bạn không mượn bản số này"));
    json_decref(v);
    /* A returns early (API); B borrows (API) and reads; A no longer can */
    json_decref(api("DELETE", loan, &who_a, NULL, NULL, 204));
    expect_status(a, &who_a, 403);
    v = api("POST", loan, &who_b, NULL, NULL, 201);
    T_EQ_INT(jint(json_object_get(v, "loan"), "record_id"), rec_lend);
    T_CHECK(t_has(jstr(json_object_get(v, "loan"), "read_url"), "/read?file="));
    json_decref(v);
    expect_status(a, &who_b, 200);
    expect_status(p, &who_b, 200);
    /* B returns from her account page */
    out = form_expect(ret, &who_b, "back=account", 303);
    T_EQ_STR(out, "/account?done=dloan_returned");
    free(out);
    expect_status(a, &who_b, 403);

    /* the loan period ends by itself: A's loan made 20 days ago for 14 days */
    {
        catalog *cat = open_cat(20 * DAY);
        struct cat_dloan d;
        struct ts_err err = {0};
        T_OK(catalog_dloan_borrow(cat, file_lend, reader_a, "test", &d, &err), &err);
        catalog_close(cat);
    }
    expect_status(a, &who_a, 403);
    v = account(&who_a);
    T_EQ_INT(json_array_size(json_object_get(v, "digital_loans")), 0);
    json_decref(v);
    json_decref(api("POST", loan, &who_b, NULL, NULL, 201)); /* the copy is free */
    json_decref(api("DELETE", loan, &who_b, NULL, NULL, 204));
    free(p);
    free(a);
    free(rd);
    free(rec);
    free(borrow);
    free(ret);
    free(loan);
}

static void test_onsite_file(void)
{
    char *p = path_of("/files/%lld", (long long)file_onsite);
    char *a = path_of("/api/v1/files/%lld", (long long)file_onsite);
    char *rec = path_of("/records/%lld", (long long)rec_onsite);
    char *b;
    struct t_http r;

    T_EQ_INT(status_of(a, &anon, &r), 403);
    T_CHECK(t_has(ts_buf_str(&r.body), "chỉ đọc được trên máy của thư viện"));
    t_http_free(&r);
    expect_status(p, &anon, 403);
    expect_status(p, &who_a, 403);
    expect_status(a, &who_admin, 403);
    b = path_of("/api/v1/files/%lld/loan", (long long)file_onsite);
    json_decref(api("POST", b, &who_a, NULL, NULL, 403));
    free(b);
    b = page(rec, &who_a, 200);
    T_CHECK(t_has(b, "Chỉ đọc trên máy của thư viện"));
    T_CHECK(t_lacks(b, a));
    free(b);
    free(p);
    free(a);
    free(rec);
}

static void test_api_account_shape(void)
{
    json_t *v = account(&who_a), *rd = json_object_get(v, "reader");

    T_EQ_INT(jint(rd, "id"), reader_a);
    T_EQ_STR(jstr(rd, "name"), "Nguyễn Văn An");
    T_EQ_STR(jstr(json_object_get(rd, "home_library"), "code"), "TH-A");
    T_CHECK(json_is_array(json_object_get(v, "loans")));
    T_CHECK(json_is_array(json_object_get(v, "holds")));
    T_CHECK(json_is_array(json_object_get(v, "notices")));
    T_CHECK(json_is_array(json_object_get(v, "digital_loans")));
    T_EQ_INT(json_array_size(json_object_get(v, "loans")), 1); /* Sọ Dừa */
    json_decref(v);
    json_decref(api("GET", "/api/v1/account", &anon, NULL, NULL, 401));
}

static void test_shutdown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"account_page", test_account_page},
        {"staff_account", test_staff_account},
        {"renew", test_renew},
        {"hold_from_record_page", test_hold_from_record_page},
        {"hold_ready_notice", test_hold_ready_notice},
        {"cancel_hold", test_cancel_hold},
        {"api_holds", test_api_holds},
        {"history", test_history},
        {"open_file", test_open_file},
        {"lendable_file", test_lendable_file},
        {"onsite_file", test_onsite_file},
        {"api_account_shape", test_api_account_shape},
        {"shutdown", test_shutdown},
        {0},
    };
    json_object_seed(0);
    return t_main(cases, argc, argv);
}
