/*
 * tests/harness/fixture.c - see fixture.h.
 */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "t.h"
#include "ts_util.h"

void t_fx_write(const char *dir, const char *name, const void *p, size_t n)
{
    char path[1024];
    struct ts_err err = {0};

    snprintf(path, sizeof path, "%s/%s", dir, name);
    T_OK(ts_write_file_atomic(path, p, n, &err), &err);
}

void t_fx_write_text(const char *dir, const char *name, const char *text)
{
    t_fx_write(dir, name, text, strlen(text));
}

void t_fx_library(const char *data_dir, const char *code, const char *name, const char *kind)
{
    char path[1024];
    struct ts_err err = {0};
    catalog *cat = NULL;
    int64_t id;

    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    T_OK(catalog_open(path, &cat, &err), &err);
    T_OK(catalog_library_add(cat, code, name, kind, &id, &err), &err);
    catalog_close(cat);
}

int t_fx_import(const char *data_dir, const char *path, const char *library, int n_workers,
                struct import_summary *s)
{
    struct import_opts o;
    struct import_summary local;
    struct ts_err err = {0};
    int rc;

    memset(&o, 0, sizeof o);
    o.data_dir = data_dir;
    o.library = library;
    o.n_workers = n_workers;
    rc = import_run(path, &o, s ? s : &local, &err);
    T_OK(rc, &err);
    return rc;
}

int64_t t_fx_find_record(const char *data_dir, const char *needle, int64_t *file_id)
{
    char path[1024];
    struct ts_err err = {0};
    catalog *cat = NULL;
    int64_t *ids = NULL, found = 0;
    size_t n = 0;

    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    T_OK(catalog_open_readonly(path, &cat, &err), &err);
    T_OK(catalog_record_ids(cat, &ids, &n, &err), &err);
    for (size_t i = 0; i < n && !found; i++) {
        struct cat_record *r = NULL;
        if (catalog_record_get(cat, ids[i], &r, NULL) == TS_OK && strstr(r->title, needle)) {
            found = r->id;
            if (file_id)
                *file_id = r->file_id;
        }
        cat_record_free(r);
    }
    free(ids);
    catalog_close(cat);
    if (!found)
        fprintf(stderr, "  no record titled *%s*\n", needle);
    return found;
}
