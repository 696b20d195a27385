/*
 * tests/harness/people.c - accounts, readers, copies and HTTP logins for the
 * circulation tests (see people.h).
 */
#include "people.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "circ.h"
#include "fixture.h"
#include "import.h"
#include "server.h"
#include "t.h"
#include "ts_buf.h"

void t_people_fast_hashing(void)
{
    catalog_pwhash_set_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

const char *t_fx_two_schools(void)
{
    const char *dir = t_tmpdir();
    struct ts_err err = {0};

    t_people_fast_hashing();
    if (!T_OK(import_init(dir, &err), &err))
        return NULL;
    t_fx_library(dir, "TH-A", "Trường Tiểu học A", "school");
    t_fx_library(dir, "TH-B", "Trường Tiểu học B", "school");
    return dir;
}

static int64_t lib_id(catalog *cat, const char *code)
{
    struct cat_library lib;
    struct ts_err err = {0};
    int64_t id = 0;

    if (code && T_OK(catalog_library_get(cat, code, &lib, &err), &err)) {
        id = lib.id;
        cat_library_clear(&lib);
    }
    return id;
}

int64_t t_fx_library_id(const char *data_dir, const char *code)
{
    catalog *cat = t_fx_open(data_dir);
    int64_t id = cat ? lib_id(cat, code) : 0;
    catalog_close(cat);
    return id;
}

int64_t t_fx_staff(const char *data_dir, const char *login, const char *role, const char *password,
                   const char *library)
{
    catalog *cat = t_fx_open(data_dir);
    struct ts_err err = {0};
    int64_t lid, id = 0;

    if (!cat)
        return 0;
    lid = library ? lib_id(cat, library) : 0;
    T_OK(catalog_account_add(cat, login, login, role, password, lid ? &lid : NULL, lid ? 1 : 0,
                             "test", &id, &err),
         &err);
    catalog_close(cat);
    return id;
}

int64_t t_fx_reader(const char *data_dir, const char *card, const char *name, const char *category,
                    const char *library, const char *pin)
{
    catalog *cat = t_fx_open(data_dir);
    struct cat_reader_in in = {0};
    struct ts_err err = {0};
    int64_t id = 0, account;

    if (!cat)
        return 0;
    in.card = card;
    in.name = name;
    in.category = category;
    in.home_library_id = lib_id(cat, library);
    T_OK(catalog_reader_add(cat, &in, "test", &id, &err), &err);
    if (id && pin)
        T_OK(catalog_account_add_reader(cat, id, pin, "test", &account, &err), &err);
    catalog_close(cat);
    return id;
}

int64_t t_fx_item(const char *data_dir, int64_t record_id, const char *barcode, const char *library)
{
    catalog *cat = t_fx_open(data_dir);
    struct cat_item_in in = {0};
    struct ts_err err = {0};
    int64_t id = 0;

    if (!cat)
        return 0;
    in.barcode = barcode;
    in.library = library;
    T_OK(catalog_item_add(cat, record_id, &in, lib_id(cat, library), "test", &id, &err), &err);
    catalog_close(cat);
    return id;
}

void t_anonymous(struct t_who *w)
{
    memset(w, 0, sizeof *w);
}

static void fill_headers(struct t_who *w)
{
    size_t n = 0;
    if (w->cookie[0])
        w->headers[n++] = w->cookie;
    if (w->csrf_header[0])
        w->headers[n++] = w->csrf_header;
    w->headers[n] = NULL;
}

int t_login(const struct t_srv *s, const char *login, const char *password, struct t_who *w)
{
    static const char *const json_hdr[] = {"Content-Type: application/json", NULL};
    struct t_http_opts o = {0};
    struct t_http r;
    char body[512];
    const char *set, *csrf, *end;
    int ok = 0;

    t_anonymous(w);
    snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
    o.method = "POST";
    o.headers = json_hdr;
    o.body = body;
    o.body_len = strlen(body);
    t_http_do(s, "/api/v1/session", &o, &r);
    set = t_http_header(&r, "Set-Cookie");
    csrf = strstr(ts_buf_str(&r.body), "\"csrf\":\"");
    if (T_EQ_INT(r.status, 201) && T_CHECK(set != NULL) && T_CHECK(csrf != NULL)) {
        end = strchr(set, ';');
        snprintf(w->cookie, sizeof w->cookie, "Cookie: %.*s", (int)(end ? end - set : 100), set);
        csrf += 8;
        end = strchr(csrf, '"');
        snprintf(w->csrf, sizeof w->csrf, "%.*s", (int)(end ? end - csrf : 0), csrf);
        snprintf(w->csrf_header, sizeof w->csrf_header, "X-CSRF-Token: %s", w->csrf);
        ok = 1;
    }
    fill_headers(w);
    t_http_free(&r);
    return ok ? 0 : -1;
}
