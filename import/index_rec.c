/*
 * import/index_rec.c - write one catalogue record's documents to the index:
 * the one place that turns a struct cat_record into a struct ix_record, used
 * by the file pipeline, the metadata importers and reindex alike.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "import_int.h"
#include "indexer.h"

int import_put_record(catalog *cat, indexer *ix, int64_t id, const struct ix_prepared *prep,
                      struct ts_err *err)
{
    struct cat_record *r = NULL;
    struct ix_record rec;
    char year[16] = "";
    int rc;

    if ((rc = catalog_record_get(cat, id, &r, err)) == TS_ENOTFOUND)
        return indexer_delete(ix, id, err); /* deleted or merged away since it was queued */
    if (rc)
        return rc;
    memset(&rec, 0, sizeof rec);
    rec.id = r->id;
    rec.title = r->title;
    rec.authors = r->authors;
    rec.language = r->language;
    rec.resource_type = r->resource_type;
    rec.publisher = r->publisher;
    rec.description = r->description;
    rec.subjects = r->subjects;
    rec.identifiers = r->identifiers;
    rec.libraries = (const char *const *)r->libraries;
    rec.n_libraries = r->n_libraries;
    rec.available = (const char *const *)r->available;
    rec.n_available = r->n_available;
    if (r->year)
        snprintf(year, sizeof year, "%lld", (long long)r->year);
    rec.year = year[0] ? year : NULL;
    rc = indexer_put(ix, &rec, prep, err);
    cat_record_free(r);
    return rc;
}
