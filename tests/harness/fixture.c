/*
 * tests/harness/fixture.c - see fixture.h.
 */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "ts_buf.h"
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

catalog *t_fx_open(const char *data_dir)
{
    char path[1024];
    struct ts_err err = {0};
    catalog *cat = NULL;

    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    T_OK(catalog_open(path, &cat, &err), &err);
    return cat;
}

void t_fx_library(const char *data_dir, const char *code, const char *name, const char *kind)
{
    struct ts_err err = {0};
    catalog *cat = t_fx_open(data_dir);
    int64_t id;

    if (!cat)
        return;
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

void t_fx_pdf(const char *dir, const char *name, const char *title, const char *text)
{
    struct ts_buf b, content;
    size_t off[7], xref;

    ts_buf_init(&content, 0);
    ts_buf_addf(&content, "BT /F1 12 Tf 72 720 Td (%s) Tj ET", text);
    ts_buf_init(&b, 0);
    ts_buf_add(&b, "%PDF-1.4\n");
    off[1] = b.len;
    ts_buf_add(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = b.len;
    ts_buf_add(&b, "2 0 obj\n<< /Type /Pages /Kids [5 0 R] /Count 1 >>\nendobj\n");
    off[3] = b.len;
    ts_buf_add(&b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    off[4] = b.len;
    ts_buf_addf(&b, "4 0 obj\n<< /Title (%s) >>\nendobj\n", title);
    off[5] = b.len;
    ts_buf_add(&b, "5 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                   "<< /Font << /F1 3 0 R >> >> /Contents 6 0 R >>\nendobj\n");
    off[6] = b.len;
    ts_buf_addf(&b, "6 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", content.len,
                ts_buf_str(&content));
    xref = b.len;
    ts_buf_add(&b, "xref\n0 7\n0000000000 65535 f \n");
    for (int i = 1; i <= 6; i++)
        ts_buf_addf(&b, "%010zu 00000 n \n", off[i]);
    ts_buf_addf(&b, "trailer\n<< /Size 7 /Root 1 0 R /Info 4 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                xref);
    t_fx_write(dir, name, b.data, b.len);
    ts_buf_free(&b);
    ts_buf_free(&content);
}
