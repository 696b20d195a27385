/*
 * tests/http/test_search_cache.c - the server's search result cache
 * (`tusach serve --search-cache N`, indexer.h ix_cache) seen from outside:
 *   - the second identical search is a hit (X-Search-Cache) with the same
 *     body as the first, for the API and the page;
 *   - per-reader rendering (the "my library" cookie) is never cached;
 *   - availability comes from the catalogue on every request: a copy taken
 *     off the shelf shows at once, even while the index answer is a hit;
 *   - an import, and the index update after a circulation change, are
 *     visible on the very next search;
 *   - --search-cache 0 turns it off.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "fixture.h"
#include "import.h"
#include "server.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"

static struct t_srv srv;
static const char *data_dir;
static int64_t id_book;

/* One work with a copy at each of two libraries, both on the shelf. */
static const char books_csv[] = "Nhan đề,Tác giả,Năm xuất bản,Số ĐKCB,Thư viện,Trạng thái\n"
                                "Sổ tay tường lửa,Lê Văn Bình,2021,A-001,THCS-A,available\n"
                                "Sổ tay tường lửa,Lê Văn Bình,2021,Q1-001,TV-Q1,available\n";

static void test_setup(void)
{
    const char *src = t_tmpdir();
    struct import_summary s;
    struct ts_err err = {0};
    struct server_config cfg;
    char path[1024];

    data_dir = t_tmpdir();
    T_OK(import_init(data_dir, &err), &err);
    t_fx_library(data_dir, "THCS-A", "Trường THCS A", "school");
    t_fx_library(data_dir, "TV-Q1", "Thư viện Quận 1", "public");
    t_fx_write_text(src, "sach.csv", books_csv);
    snprintf(path, sizeof path, "%s/sach.csv", src);
    memset(&s, 0, sizeof s);
    t_fx_import(data_dir, path, "THCS-A", 1, &s);
    T_EQ_INT(s.items_added, 2);
    id_book = t_fx_find_record(data_dir, "tường lửa", NULL);
    T_REQUIRE(id_book);
    server_config_default(&cfg);
    cfg.threads = 2;
    cfg.search_cache = 50;
    T_REQUIRE(t_srv_start(&srv, data_dir, &cfg) == 0);
}

struct answer {
    long status;
    char *body;
    char cache[16]; /* X-Search-Cache, "" if absent */
};

static struct answer get(const char *path, const char *cookie)
{
    const char *hdrs[2] = {cookie, NULL};
    struct t_http_opts o = {0};
    struct t_http r;
    struct answer a;
    const char *c;

    o.headers = cookie ? hdrs : NULL;
    t_http_do(&srv, path, &o, &r);
    a.status = r.status;
    a.body = ts_xstrdup(ts_buf_str(&r.body));
    c = t_http_header(&r, "X-Search-Cache");
    snprintf(a.cache, sizeof a.cache, "%s", c ? c : "");
    t_http_free(&r);
    return a;
}

static json_t *parse(const struct answer *a)
{
    json_error_t jerr;
    json_t *v = json_loads(a->body, 0, &jerr);

    T_CHECK(v != NULL);
    return v;
}

/* The THCS-A entry of the book's hit in an API answer: its "available" count,
 * -1 when THCS-A is not listed. */
static long long available_at_a(json_t *v)
{
    size_t i, j;
    json_t *h, *l;

    json_array_foreach(json_object_get(v, "hits"), i, h)
    {
        if (json_integer_value(json_object_get(h, "id")) != id_book)
            continue;
        json_array_foreach(json_object_get(h, "libraries"), j, l)
        {
            const char *code = json_string_value(json_object_get(l, "code"));
            if (code && strcmp(code, "THCS-A") == 0)
                return json_integer_value(json_object_get(l, "available"));
        }
    }
    return -1;
}

static void test_hit_same_body(void)
{
    struct answer a = get("/api/v1/search?q=tuong+lua", NULL);
    struct answer b = get("/api/v1/search?q=tuong+lua", NULL);
    struct answer p, q;

    T_EQ_INT(a.status, 200);
    T_EQ_STR(a.cache, "miss");
    T_EQ_STR(b.cache, "hit");
    T_EQ_STR(b.body, a.body);
    /* the page: another spelling of the same query, same index answer */
    p = get("/search?q=T%C6%B0%E1%BB%9Dng++l%E1%BB%ADa", NULL);
    q = get("/search?q=T%C6%B0%E1%BB%9Dng++l%E1%BB%ADa", NULL);
    T_EQ_INT(p.status, 200);
    T_EQ_STR(q.cache, "hit");
    T_EQ_STR(q.body, p.body);
    T_CHECK(strstr(p.body, "Sổ tay tường lửa") != NULL);
    free(a.body);
    free(b.body);
    free(p.body);
    free(q.body);
}

/* The reader's library is rendered per request, from the cookie. */
static void test_cookie_not_cached(void)
{
    struct answer plain = get("/search?q=so+tay", NULL);
    struct answer mine = get("/search?q=so+tay", "Cookie: my_library=TV-Q1");

    T_EQ_STR(mine.cache, "hit");
    T_CHECK(strcmp(plain.body, mine.body) != 0);
    T_CHECK(strstr(mine.body, "Thư viện Quận 1") != NULL);
    free(plain.body);
    free(mine.body);
}

/* Take the THCS-A copy off the shelf through the catalogue (as a checkout
 * does), without touching the index: the answer is still an index hit, the
 * availability is already the new one. Then bring the index up to date as
 * the desk does (import_drain): the next search is a miss and the
 * available_at filter follows. */
static void test_availability_fresh(void)
{
    struct ts_err err = {0};
    struct import_opts o = {0};
    struct import_summary s;
    catalog *cat = NULL;
    char path[1024];
    struct answer a, b, c, d;
    json_t *v;

    a = get("/api/v1/search?q=so+tay+tuong+lua&available_at=THCS-A", NULL);
    v = parse(&a);
    T_CHECK(json_integer_value(json_object_get(v, "total")) == 1);
    json_decref(v);
    b = get("/api/v1/search?q=so+tay+tuong+lua", NULL);
    v = parse(&b);
    T_EQ_INT(available_at_a(v), 1);
    json_decref(v);

    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    T_REQUIRE(T_OK(catalog_open(path, &cat, &err), &err));
    T_OK(catalog_item_withdraw(cat, "A-001", "test", &err), &err);
    catalog_close(cat);

    c = get("/api/v1/search?q=so+tay+tuong+lua", NULL);
    T_EQ_STR(c.cache, "hit");
    v = parse(&c);
    T_EQ_INT(available_at_a(v), -1); /* withdrawn copies are not shown */
    json_decref(v);

    o.data_dir = data_dir;
    T_OK(import_drain(&o, &s, &err), &err);
    d = get("/api/v1/search?q=so+tay+tuong+lua&available_at=THCS-A", NULL);
    T_EQ_STR(d.cache, "miss");
    v = parse(&d);
    T_EQ_INT(json_integer_value(json_object_get(v, "total")), 0);
    json_decref(v);
    free(a.body);
    free(b.body);
    free(c.body);
    free(d.body);
}

static void test_import_visible(void)
{
    const char *files = t_tmpdir();
    struct answer a, b;
    json_t *v;
    long long before;

    a = get("/api/v1/search?q=tuong+lua", NULL);
    v = parse(&a);
    before = json_integer_value(json_object_get(v, "total"));
    json_decref(v);
    t_fx_write_text(files, "tuong-lua.txt", "Cấu hình tường lửa\n\nTường lửa với nftables.\n");
    t_fx_import(data_dir, files, "TV-Q1", 1, NULL);
    b = get("/api/v1/search?q=tuong+lua", NULL);
    T_EQ_STR(b.cache, "miss");
    v = parse(&b);
    T_EQ_INT(json_integer_value(json_object_get(v, "total")), before + 1);
    json_decref(v);
    free(a.body);
    free(b.body);
}

static void test_off(void)
{
    struct server_config cfg;
    struct t_srv off;
    struct t_http r;

    server_config_default(&cfg);
    cfg.threads = 1;
    cfg.search_cache = 0;
    T_REQUIRE(t_srv_start(&off, data_dir, &cfg) == 0);
    for (int i = 0; i < 2; i++) {
        t_http_get(&off, "/api/v1/search?q=tuong+lua", &r);
        T_EQ_INT(r.status, 200);
        T_CHECK(t_http_header(&r, "X-Search-Cache") == NULL);
        t_http_free(&r);
    }
    t_srv_stop(&off);
}

static void test_config_key(void)
{
    struct server_config cfg;
    struct ts_err err = {0};

    server_config_default(&cfg);
    T_EQ_INT(cfg.search_cache, 1000);
    T_OK(server_config_set(&cfg, "search-cache", "0", &err), &err);
    T_EQ_INT(cfg.search_cache, 0);
    T_OK(server_config_set(&cfg, "search-cache", "250", &err), &err);
    T_EQ_INT(cfg.search_cache, 250);
    T_EQ_INT(server_config_set(&cfg, "search-cache", "-1", &err), TS_EINVAL);
    T_EQ_INT(server_config_set(&cfg, "search-cache", "lots", &err), TS_EINVAL);
}

static void test_teardown(void)
{
    t_srv_stop(&srv);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", test_setup},
        {"hit_same_body", test_hit_same_body},
        {"cookie_not_cached", test_cookie_not_cached},
        {"availability_fresh", test_availability_fresh},
        {"import_visible", test_import_visible},
        {"off", test_off},
        {"config_key", test_config_key},
        {"teardown", test_teardown},
        {0},
    };
    return t_main(cases, argc, argv);
}
