/*
 * tests/http/test_authz.c - the authorisation matrix: every route of the
 * route table (server/routes.c) called by every kind of caller, and the
 * answer compared with the table below. A route added to the server without
 * a row here fails this test, so nobody ships a URL whose access rules were
 * never written down.
 *
 * Callers (columns of `expect`, in this order):
 *   a  anonymous
 *   s  the reader the objects belong to ("self": card HS-A1 at TH-A)
 *   o  another reader of the same library (HS-A2)
 *   l  a librarian of TH-A (the library of the copies, files and readers)
 *   x  a librarian of TH-B only
 *   d  the district coordinator
 *   m  the admin
 * Expected answer per caller:
 *   y  allowed: anything but 401/403/a redirect to the login page (a 404 or
 *      409 from the handler is a business answer, not a refusal: "y"
 *      accepts it)
 *   n  refused: 401, 403, or 303 to /login
 *   h  hidden: 404 (a reader probing another reader's objects learns nothing)
 *
 * Paths and bodies name objects with placeholders filled from the fixture:
 * {rec} record, {file} its digital file, {lib} TH-A, {reader} self's reader
 * id, {hold} self's hold, {card} self's card, {item} a copy at TH-A that is
 * on the shelf, {loaned} a copy at TH-A on loan to self.
 * Callers run in the column order above, so refusals are checked before an
 * allowed caller changes anything; an allowed write that a previous caller
 * already did answers 409, which still counts as "allowed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "circ.h"
#include "fixture.h"
#include "import.h"
#include "people.h"
#include "router.h"
#include "server.h"
#include "t.h"
#include "ts_buf.h"

#define N_CALLERS 7
#define F_FORM 0x1   /* body is a form (else JSON when a body is given) */
#define F_LOGOUT 0x2 /* ends the caller's session: log in again afterwards */

struct row {
    const char *method, *pattern; /* as in the route table */
    const char *path;             /* concrete path with placeholders */
    const char *body;             /* NULL: none */
    const char *expect;           /* one of y/n/h per caller, "asolxdm" */
    unsigned flags;
};

/* clang-format off */
static const struct row matrix[] = {
    /* method  pattern                        path                              body  asolxdm */
    {"GET",  "/",                            "/",                              NULL, "yyyyyyy", 0},
    {"GET",  "/search",                      "/search?q=bai",                  NULL, "yyyyyyy", 0},
    {"GET",  "/records/{id}",                "/records/{rec}",                 NULL, "yyyyyyy", 0},
    {"GET",  "/records/{id}/read",           "/records/{rec}/read",            NULL, "yyyyyyy", 0},
    {"GET",  "/records/{id}/asset",          "/records/{rec}/asset?path=x",    NULL, "yyyyyyy", 0},
    {"GET",  "/libraries",                   "/libraries",                     NULL, "yyyyyyy", 0},
    {"GET",  "/libraries/{code}",            "/libraries/{lib}",               NULL, "yyyyyyy", 0},
    {"GET",  "/files/{id}",                  "/files/{file}",                  NULL, "yyyyyyy", 0},
    {"GET",  "/static/{path...}",            "/static/icon.svg",               NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/search",               "/api/v1/search?q=bai",           NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/suggest",              "/api/v1/suggest?q=ba",           NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/records/{id}",         "/api/v1/records/{rec}",          NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/records/{id}/items",   "/api/v1/records/{rec}/items",    NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/libraries",            "/api/v1/libraries",              NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/libraries/{code}",     "/api/v1/libraries/{lib}",        NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/files/{id}",           "/api/v1/files/{file}",           NULL, "yyyyyyy", 0},
    {"GET",  "/api/v1/health",               "/api/v1/health",                 NULL, "yyyyyyy", 0},
    {"GET",  "/oai",                         "/oai?verb=Identify",             NULL, "yyyyyyy", 0},
    {"POST", "/oai",                         "/oai",                "verb=Identify", "yyyyyyy", F_FORM},
    {"GET",  "/opds",                        "/opds",                          NULL, "yyyyyyy", 0},
    {"GET",  "/opds/new",                    "/opds/new",                      NULL, "yyyyyyy", 0},
    {"GET",  "/opds/type",                   "/opds/type",                     NULL, "yyyyyyy", 0},
    {"GET",  "/opds/type/{type}",            "/opds/type/text",                NULL, "yyyyyyy", 0},
    {"GET",  "/opds/library",                "/opds/library",                  NULL, "yyyyyyy", 0},
    {"GET",  "/opds/library/{code}",         "/opds/library/{lib}",            NULL, "yyyyyyy", 0},
    {"GET",  "/opds/lang",                   "/opds/lang",                     NULL, "yyyyyyy", 0},
    {"GET",  "/opds/lang/{lang}",            "/opds/lang/vi",                  NULL, "yyyyyyy", 0},
    {"GET",  "/opds/opensearch.xml",         "/opds/opensearch.xml",           NULL, "yyyyyyy", 0},
    {"GET",  "/opds/search",                 "/opds/search?q=bai",             NULL, "yyyyyyy", 0},
    {"GET",  "/sru",                         "/sru?operation=explain",         NULL, "yyyyyyy", 0},
    {"GET",  "/login",                       "/login",                         NULL, "yyyyyyy", 0},
    {"POST", "/login",                       "/login",
     "login=matrix-dummy&password=matkhau-dummy",                                    "yyyyyyy", F_FORM},
    {"GET",  "/api/v1/me",                   "/api/v1/me",                     NULL, "nyyyyyy", 0},
    {"POST", "/api/v1/session",              "/api/v1/session",
     "{\"login\":\"matrix-dummy\",\"password\":\"matkhau-dummy\"}",                  "yyyyyyy", 0},
    /* circulation desk (h_desk.c, h_circ_api.c) */
    {"GET",  "/desk",                        "/desk?library={lib}",            NULL, "nnnynyy", 0},
    {"POST", "/desk/reader",                 "/desk/reader",
     "library={lib}&card={card}",                                                    "nnnynny", F_FORM},
    {"POST", "/desk/checkout",               "/desk/checkout",
     "library={lib}&reader_id={reader}&key=0123456789abcdef0123456789abcdef&barcode={item}", "nnnynny", F_FORM},
    {"POST", "/desk/return",                 "/desk/return",
     "library={lib}&key=0123456789abcdef0123456789abcdef&barcode={item}",             "nnnynny", F_FORM},
    {"POST", "/desk/renew",                  "/desk/renew",
     "library={lib}&key=0123456789abcdef0123456789abcdef&barcode={loaned}",           "nnnynny", F_FORM},
    {"POST", "/api/v1/loans",                "/api/v1/loans",
     "{\"barcode\":\"{item}\",\"card\":\"{card}\",\"library\":\"{lib}\"}",             "nnnynny", 0},
    {"POST", "/api/v1/returns",              "/api/v1/returns",
     "{\"barcode\":\"{item}\",\"library\":\"{lib}\"}",                               "nnnynny", 0},
    {"POST", "/api/v1/renewals",             "/api/v1/renewals",
     "{\"barcode\":\"{loaned}\",\"library\":\"{lib}\"}",                             "nnnynny", 0},
    {"GET",  "/api/v1/libraries/{code}/overdue", "/api/v1/libraries/{lib}/overdue", NULL, "nnnynyy", 0},
    {"GET",  "/api/v1/libraries/{code}/holds", "/api/v1/libraries/{lib}/holds",   NULL, "nnnynyy", 0},
    {"GET",  "/api/v1/readers/{id}",         "/api/v1/readers/{reader}",       NULL, "nyhynyy", 0},
    {"POST", "/api/v1/readers/lookup",       "/api/v1/readers/lookup",
     "{\"card\":\"{card}\"}",                                                        "nnnyyyy", 0},
    /* end of circulation desk */
    /* reader self-service, holds, digital loans (h_account.c) */
    {"GET",  "/account",                     "/account",                       NULL, "nyynnnn", 0},
    {"POST", "/account/renew",               "/account/renew",       "barcode={loaned}", "nyhnnnn", F_FORM},
    {"POST", "/account/holds/{id}/cancel",   "/account/holds/{hold}/cancel",   "",   "nyhnnnn", F_FORM},
    {"POST", "/account/history",             "/account/history",     "history=on", "nyynnnn", F_FORM},
    {"POST", "/records/{id}/hold",           "/records/{rec}/hold",  "pickup=TH-B", "nyynnnn", F_FORM},
    {"POST", "/files/{id}/borrow",           "/files/{file}/borrow",           "",   "nyynnnn", F_FORM},
    {"POST", "/files/{id}/return",           "/files/{file}/return",           "",   "nyynnnn", F_FORM},
    {"GET",  "/api/v1/account",              "/api/v1/account",                NULL, "nyynnnn", 0},
    {"POST", "/api/v1/account/renewals",     "/api/v1/account/renewals", "{\"barcode\":\"{loaned}\"}", "nyhnnnn", 0},
    {"POST", "/api/v1/holds",                "/api/v1/holds",
     "{\"record_id\":{rec},\"reader_id\":{reader},\"pickup\":\"TH-B\"}",         "nyhynny", 0},
    {"DELETE", "/api/v1/holds/{id}",         "/api/v1/holds/{hold}",           NULL, "nyhynny", 0},
    {"POST", "/api/v1/files/{id}/loan",      "/api/v1/files/{file}/loan",      NULL, "nyynnnn", 0},
    {"DELETE", "/api/v1/files/{id}/loan",    "/api/v1/files/{file}/loan",      NULL, "nyynnnn", 0},
    /* end of reader self-service */
    /* last: these end the caller's session */
    {"POST", "/logout",                      "/logout",                        "",   "nyyyyyy", F_FORM | F_LOGOUT},
    {"DELETE", "/api/v1/session",            "/api/v1/session",                NULL, "nyyyyyy", F_LOGOUT},
};
/* clang-format on */
#define N_ROWS (sizeof matrix / sizeof matrix[0])

static const char *const caller_names[N_CALLERS] = {
    "anonymous",         "reader self", "another reader", "librarian of TH-A",
    "librarian of TH-B", "district",    "admin"};
static const char *const caller_login[N_CALLERS][2] = {{NULL, NULL},
                                                       {"HS-A1", "1357"},
                                                       {"HS-A2", "2468"},
                                                       {"tt-a", "matkhau-aaa"},
                                                       {"tt-b", "matkhau-bbb"},
                                                       {"phong-gd", "matkhau-ddd"},
                                                       {"quantri", "matkhau-mmm"}};

static struct t_srv srv;
static const char *data_dir;
static struct t_who who[N_CALLERS];
static int64_t rec_id, file_id, reader_self, hold_self;

static void setup(void)
{
    const char *files = t_tmpdir();
    struct ts_err err = {0};
    struct cat_desk desk = {0};
    struct cat_loan loan = {0};
    int64_t other, rec2;
    catalog *cat;

    T_REQUIRE(data_dir = t_fx_two_schools());
    t_fx_write_text(files, "bai-hoc.txt", "Bài học về thư viện\n\nĐọc sách mỗi ngày.\n");
    t_fx_write_text(files, "truyen.txt", "Truyện cổ tích\n\nNgày xửa ngày xưa.\n");
    t_fx_import(data_dir, files, "TH-A", 1, NULL);
    rec_id = t_fx_find_record(data_dir, "Bài học", &file_id);
    rec2 = t_fx_find_record(data_dir, "Truyện cổ", NULL);
    T_REQUIRE(rec_id > 0 && file_id > 0 && rec2 > 0);
    t_fx_item(data_dir, rec_id, "A-001", "TH-A"); /* on loan to another reader: holdable */
    t_fx_item(data_dir, rec_id, "A-002", "TH-A"); /* on the shelf: {item} */
    t_fx_item(data_dir, rec2, "A-003", "TH-A");   /* on loan to self: {loaned} */
    reader_self = t_fx_reader(data_dir, "HS-A1", "Trần Văn Minh", "pupil", "TH-A", "1357");
    other = t_fx_reader(data_dir, "HS-A2", "Lê Thị Hoa", "pupil", "TH-A", "2468");
    t_fx_staff(data_dir, "tt-a", "librarian", "matkhau-aaa", "TH-A");
    t_fx_staff(data_dir, "tt-b", "librarian", "matkhau-bbb", "TH-B");
    t_fx_staff(data_dir, "phong-gd", "district", "matkhau-ddd", NULL);
    t_fx_staff(data_dir, "quantri", "admin", "matkhau-mmm", NULL);
    t_fx_staff(data_dir, "matrix-dummy", "librarian", "matkhau-dummy", "TH-B");
    cat = t_fx_open(data_dir);
    T_REQUIRE(cat != NULL);
    desk.library_id = t_fx_library_id(data_dir, "TH-A");
    desk.actor = "test";
    T_OK(catalog_loan_checkout(cat, &desk, "A-001", other, &loan, &err), &err);
    cat_loan_clear(&loan);
    T_OK(catalog_loan_checkout(cat, &desk, "A-003", reader_self, &loan, &err), &err);
    cat_loan_clear(&loan);
    /* self keeps a history, so the hold still names them once a row above
     * has cancelled it, and later rows meet the same owner */
    T_OK(catalog_reader_set_history(cat, reader_self, 1, "test", &err), &err);
    /* A-002 is on the shelf at TH-A, so the hold is for pickup at TH-B */
    T_OK(catalog_hold_place(cat, reader_self, rec_id, t_fx_library_id(data_dir, "TH-B"), "test",
                            &hold_self, &err),
         &err);
    catalog_close(cat);
    T_REQUIRE(t_srv_start(&srv, data_dir, NULL) == 0);
}

static int log_in(int c)
{
    if (!caller_login[c][0]) {
        t_anonymous(&who[c]);
        return 0;
    }
    return t_login(&srv, caller_login[c][0], caller_login[c][1], &who[c]);
}

/* Fill the placeholders of `tmpl` into out. */
static void fill(const char *tmpl, char *out, size_t cap)
{
    struct {
        const char *key;
        char value[64];
    } v[] = {{"{rec}", ""},  {"{file}", ""},      {"{lib}", "TH-A"},   {"{reader}", ""},
             {"{hold}", ""}, {"{card}", "HS-A1"}, {"{item}", "A-002"}, {"{loaned}", "A-003"}};
    size_t o = 0;

    snprintf(v[0].value, sizeof v[0].value, "%lld", (long long)rec_id);
    snprintf(v[1].value, sizeof v[1].value, "%lld", (long long)file_id);
    snprintf(v[3].value, sizeof v[3].value, "%lld", (long long)reader_self);
    snprintf(v[4].value, sizeof v[4].value, "%lld", (long long)hold_self);
    while (*tmpl && o + 1 < cap) {
        size_t k, n = sizeof v / sizeof v[0];
        for (k = 0; k < n; k++)
            if (strncmp(tmpl, v[k].key, strlen(v[k].key)) == 0)
                break;
        if (k < n) {
            o += (size_t)snprintf(out + o, cap - o, "%s", v[k].value);
            tmpl += strlen(v[k].key);
        } else {
            out[o++] = *tmpl++;
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
}

static char outcome(struct t_http *r)
{
    const char *loc;

    if (r->status == 401 || r->status == 403)
        return 'n';
    if (r->status == 303 && (loc = t_http_header(r, "Location")) && strncmp(loc, "/login", 6) == 0)
        return 'n';
    if (r->status == 404)
        return 'h';
    return 'y';
}

static void call(const struct row *row, int c, struct t_http *r)
{
    char path[512], body[1024];
    const char *h[8];
    size_t n = 0;
    struct t_http_opts o = {0};

    fill(row->path, path, sizeof path);
    for (size_t i = 0; who[c].headers[i]; i++)
        h[n++] = who[c].headers[i];
    if (row->body) {
        fill(row->body, body, sizeof body);
        h[n++] = row->flags & F_FORM ? "Content-Type: application/x-www-form-urlencoded"
                                     : "Content-Type: application/json";
        o.body = body;
        o.body_len = strlen(body);
    }
    h[n] = NULL;
    o.method = row->method;
    o.headers = h;
    t_http_do(&srv, path, &o, r);
}

static void test_every_route_has_a_row(void)
{
    for (size_t i = 0; i < server_n_routes; i++) {
        const struct route *rt = &server_routes[i];
        size_t k;
        for (k = 0; k < N_ROWS; k++)
            if (strcmp(matrix[k].method, rt->method) == 0 &&
                strcmp(matrix[k].pattern, rt->pattern) == 0)
                break;
        if (!T_CHECK(k < N_ROWS))
            fprintf(stderr, "  route %s %s has no row in the authorisation matrix\n", rt->method,
                    rt->pattern);
    }
    /* and no row describes a route that is gone */
    for (size_t k = 0; k < N_ROWS; k++) {
        struct route_match m;
        char path[512];
        fill(matrix[k].path, path, sizeof path);
        path[strcspn(path, "?")] = '\0';
        if (!T_CHECK(router_match(server_routes, server_n_routes, matrix[k].method, path, &m) ==
                         ROUTER_OK &&
                     strcmp(m.route->pattern, matrix[k].pattern) == 0))
            fprintf(stderr, "  matrix row %s %s matches no route\n", matrix[k].method,
                    matrix[k].pattern);
        T_EQ_INT(strlen(matrix[k].expect), N_CALLERS);
    }
}

static void test_matrix(void)
{
    for (int c = 0; c < N_CALLERS; c++)
        T_REQUIRE(log_in(c) == 0);
    for (size_t k = 0; k < N_ROWS; k++) {
        const struct row *row = &matrix[k];
        for (int c = 0; c < N_CALLERS; c++) {
            struct t_http r;
            char got;
            call(row, c, &r);
            got = outcome(&r);
            if (row->expect[c] == 'y' && got == 'h')
                got = 'y';
            if (!T_EQ_INT(got, row->expect[c]))
                fprintf(stderr, "  %s %s as %s: expected '%c', got HTTP %ld: %.200s\n", row->method,
                        row->pattern, caller_names[c], row->expect[c], r.status,
                        ts_buf_str(&r.body));
            t_http_free(&r);
            if (row->flags & F_LOGOUT)
                T_CHECK(log_in(c) == 0);
        }
    }
}

static void teardown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"every_route_has_a_row", test_every_route_has_a_row},
        {"matrix", test_matrix},
        {"teardown", teardown},
        {0},
    };
    return t_main(cases, argc, argv);
}
