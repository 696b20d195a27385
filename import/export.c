/*
 * import/export.c - nothing is locked in: the catalogue out as MARCXML, MARC21
 * (ISO 2709), Dublin Core (oai_dc) or CSV, through the same struct meta_rec
 * the importers read, so an export re-imported gives the same records and
 * copies (tested as a round trip).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "csv.h"
#include "dc.h"
#include "import.h"
#include "marc.h"
#include "metarec.h"
#include "ts_mem.h"

static char *dup0(const char *s)
{
    return s ? ts_xstrdup(s) : NULL;
}

/* The catalogue's view of a record, as a meta_rec (import.h). */
struct meta_rec *import_meta_from_record(const struct cat_record *r)
{
    struct meta_rec *m = ts_xcalloc(1, sizeof *m);
    char id[32];

    snprintf(id, sizeof id, "%lld", (long long)r->id);
    m->source = ts_xstrdup("tusach");
    m->source_id = ts_xstrdup(id);
    m->title = dup0(r->title);
    m->subtitle = dup0(r->subtitle);
    for (size_t i = 0; i < r->n_author_list; i++)
        meta_add_author(m, r->author_names[i], strlen(r->author_names[i]), r->author_roles[i]);
    m->language = dup0(r->language);
    m->publisher = dup0(r->publisher);
    m->place = dup0(r->place);
    m->date = dup0(r->date);
    m->edition = dup0(r->edition);
    m->extent = dup0(r->extent);
    m->series = dup0(r->series);
    m->notes = dup0(r->notes);
    m->description = dup0(r->description);
    for (size_t i = 0; i < r->n_subject_list; i++)
        meta_add_str(&m->subjects, &m->n_subjects, r->subject_list[i], strlen(r->subject_list[i]));
    for (size_t i = 0; i < r->n_identifier_list; i++)
        meta_add_str(&m->identifiers, &m->n_identifiers, r->identifier_list[i],
                     strlen(r->identifier_list[i]));
    m->classification = dup0(r->classification);
    m->resource_type = dup0(r->resource_type);
    m->audience = dup0(r->audience);
    m->licence = dup0(r->licence);
    for (size_t i = 0; i < r->n_link_list; i++)
        meta_add_str(&m->links, &m->n_links, r->link_list[i], strlen(r->link_list[i]));
    for (size_t i = 0; i < r->n_items; i++) {
        const struct cat_item *it = &r->items[i];
        struct meta_item *mi = meta_add_item(m);
        mi->barcode = dup0(it->barcode);
        mi->library = dup0(it->home_library);
        mi->call_number = dup0(it->call_number);
        mi->shelf_location = dup0(it->shelf_location);
        mi->acquired = dup0(it->acquired);
        mi->price = dup0(it->price);
        mi->status = strcmp(it->status, "available") ? dup0(it->status) : NULL;
    }
    return m;
}

int import_export(const char *data_dir, const char *format, const char *library, FILE *out,
                  size_t *n, struct ts_err *err)
{
    enum { F_MARCXML, F_MARC, F_DC, F_CSV } f;
    char path[4096];
    catalog *cat = NULL;
    int64_t *ids = NULL;
    size_t n_ids = 0;
    int rc;

    *n = 0;
    if (strcmp(format, "marcxml") == 0)
        f = F_MARCXML;
    else if (strcmp(format, "marc") == 0)
        f = F_MARC;
    else if (strcmp(format, "dc") == 0)
        f = F_DC;
    else if (strcmp(format, "csv") == 0)
        f = F_CSV;
    else
        return ts_fail(err, TS_EINVAL, "export format must be marcxml, marc, dc or csv");
    snprintf(path, sizeof path, "%s/%s", data_dir, IMPORT_CATALOG_FILE);
    if ((rc = catalog_open(path, &cat, err)))
        return rc;
    if (library) {
        struct cat_library lib;
        if (!(rc = catalog_library_get(cat, library, &lib, err))) {
            rc = catalog_record_ids_at(cat, lib.id, &ids, &n_ids, err);
            cat_library_clear(&lib);
        }
    } else {
        rc = catalog_record_ids(cat, &ids, &n_ids, err);
    }
    if (rc)
        goto out;
    switch (f) {
    case F_MARCXML: rc = export_marc_begin(out, 1, err); break;
    case F_MARC: rc = export_marc_begin(out, 0, err); break;
    case F_DC: rc = export_dc_begin(out, err); break;
    case F_CSV: rc = export_csv_begin(out, err); break;
    }
    for (size_t i = 0; i < n_ids && rc == TS_OK; i++) {
        struct cat_record *r = NULL;
        struct meta_rec *m;
        if ((rc = catalog_record_get(cat, ids[i], &r, err)))
            break;
        m = import_meta_from_record(r);
        switch (f) {
        case F_MARCXML: rc = export_marc_write(out, 1, m, err); break;
        case F_MARC: rc = export_marc_write(out, 0, m, err); break;
        case F_DC: rc = export_dc_write(out, m, err); break;
        case F_CSV: rc = export_csv_write(out, m, err); break;
        }
        meta_rec_free(m);
        cat_record_free(r);
        if (rc == TS_OK)
            (*n)++;
    }
    if (rc == TS_OK) {
        if (f == F_MARCXML || f == F_MARC)
            rc = export_marc_end(out, f == F_MARCXML, err);
        else if (f == F_DC)
            rc = export_dc_end(out, err);
    }
    if (rc == TS_OK && fflush(out) != 0)
        rc = ts_fail(err, TS_EIO, "write failed");
out:
    free(ids);
    catalog_close(cat);
    return rc;
}
