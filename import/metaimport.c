/*
 * import/metaimport.c - the metadata import pipeline: CSV, MARC21/MARCXML and
 * Dublin Core readers (and the OAI-PMH harvester) feed records here; each is
 * matched and merged into the union catalogue (catalog_record_upsert) inside a
 * transaction of up to 1000 records, then the changed records' index documents
 * are written and committed, then their queue rows drained. A record that
 * cannot be read is reported with its position and skipped; the rest lands.
 * Readers stream, so memory does not grow with the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "catalog.h"
#include "csv.h"
#include "dc.h"
#include "harvest.h"
#include "import.h"
#include "import_int.h"
#include "marc.h"
#include "metarec.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "ts_util.h"

#define META_BATCH 1000

struct mctx {
    const struct import_opts *opts;
    struct import_summary *sum;
    catalog *cat;
    indexer *ix;
    int64_t library_id, batch_id;
    int in_tx;
    int64_t *touched; /* records changed in the open transaction */
    size_t n_touched, cap_touched;
    int need_drain;     /* some changed records have files: re-extract at the end */
    const char *origin; /* of the record being upserted, for item problems */
    struct ts_err *err;
};

static int begin(struct mctx *m)
{
    int rc;
    if (m->in_tx)
        return TS_OK;
    if ((rc = catalog_tx_begin(m->cat, m->err)))
        return rc;
    m->in_tx = 1;
    return TS_OK;
}

static void touch(struct mctx *m, int64_t id)
{
    if (m->n_touched == m->cap_touched) {
        m->cap_touched = m->cap_touched ? m->cap_touched * 2 : 1024;
        m->touched = ts_xrealloc(m->touched, m->cap_touched * sizeof *m->touched);
    }
    m->touched[m->n_touched++] = id;
}

/* Commit the open transaction, then index what it changed. */
static int flush(struct mctx *m)
{
    int64_t *done = NULL;
    size_t n_done = 0;
    int rc;

    if (!m->in_tx)
        return TS_OK;
    m->in_tx = 0;
    if (m->opts->dry_run) {
        catalog_tx_end(m->cat, TS_EINTERNAL, NULL); /* roll back: nothing lands */
        m->n_touched = 0;
        return TS_OK;
    }
    if ((rc = catalog_tx_end(m->cat, TS_OK, m->err)))
        return rc;
    done = ts_xmalloc((m->n_touched + 1) * sizeof *done);
    for (size_t i = 0; i < m->n_touched; i++) {
        struct cat_record *r = NULL;
        int64_t id = m->touched[i];
        if (i > 0 && id == m->touched[i - 1])
            continue;
        if (catalog_record_get(m->cat, id, &r, NULL) == TS_OK && r->file_id) {
            m->need_drain = 1; /* its sections come from the file: the drain re-extracts */
            cat_record_free(r);
            continue;
        }
        cat_record_free(r);
        if ((rc = import_put_record(m->cat, m->ix, id, NULL, m->err)))
            goto out;
        done[n_done++] = id;
    }
    if (n_done && !(rc = indexer_commit(m->ix, m->err)))
        rc = catalog_queue_remove(m->cat, done, n_done, m->err);
out:
    free(done);
    m->n_touched = 0;
    return rc;
}

/* A reader reports a skipped record (why->code set) or a warning about a
 * record that still lands (why->code == TS_OK: a bad ISBN dropped...). */
static int on_error(const char *origin, const struct ts_err *why, void *ctx)
{
    struct mctx *m = ctx;
    int rc;

    if (why->code != TS_OK) {
        m->sum->rejected++;
        m->sum->failed++;
        if (m->opts->on_record)
            m->opts->on_record(origin, "rejected", 0, why->msg, NULL, m->opts->ctx);
    } else {
        m->sum->warnings++;
    }
    if (m->opts->on_error)
        m->opts->on_error(origin, why, m->opts->ctx);
    if ((rc = begin(m)))
        return rc;
    return catalog_batch_error(m->cat, m->batch_id, origin, why, m->err);
}

static void on_item(const char *barcode, const struct ts_err *why, void *ctx)
{
    struct mctx *m = ctx;
    char where[512];

    snprintf(where, sizeof where, "%s, copy %s", m->origin ? m->origin : "?",
             barcode ? barcode : "(no barcode)");
    if (m->opts->on_error)
        m->opts->on_error(where, why, m->opts->ctx);
    catalog_batch_error(m->cat, m->batch_id, where, why, NULL);
}

static int emit(struct meta_rec *r, void *ctx)
{
    struct mctx *m = ctx;
    struct cat_record_in in = {0};
    struct cat_item_in *items = NULL;
    struct cat_upsert_result res;
    const char **names = NULL, **roles = NULL;
    struct ts_err rerr = {0};
    int rc;

    if ((rc = begin(m)))
        goto out;
    if (!r->title) {
        ts_fail(&rerr, TS_EINVAL, "no title");
        rc = on_error(r->origin ? r->origin : "?", &rerr, m);
        goto out;
    }
    names = ts_xcalloc(r->n_authors + 1, sizeof *names);
    roles = ts_xcalloc(r->n_authors + 1, sizeof *roles);
    for (size_t i = 0; i < r->n_authors; i++) {
        names[i] = r->authors[i].name;
        roles[i] = r->authors[i].role;
    }
    in.title = r->title;
    in.subtitle = r->subtitle;
    in.authors = names;
    in.author_roles = roles;
    in.n_authors = r->n_authors;
    in.language = r->language;
    in.publisher = r->publisher;
    in.place = r->place;
    in.date = r->date;
    in.edition = r->edition;
    in.extent = r->extent;
    in.series = r->series;
    in.notes = r->notes;
    in.description = r->description;
    in.subjects = (const char *const *)r->subjects;
    in.n_subjects = r->n_subjects;
    in.identifiers = (const char *const *)r->identifiers;
    in.n_identifiers = r->n_identifiers;
    in.classification = r->classification;
    in.resource_type = r->resource_type ? r->resource_type : "book";
    in.audience = r->audience;
    in.licence = r->licence;
    in.links = (const char *const *)r->links;
    in.n_links = r->n_links;
    in.source = r->source;
    in.source_id = r->source_id;
    in.origin = r->origin;
    in.batch_id = m->batch_id;
    items = ts_xcalloc(r->n_items + 1, sizeof *items);
    for (size_t i = 0; i < r->n_items; i++) {
        items[i].barcode = r->items[i].barcode;
        items[i].library = r->items[i].library;
        items[i].call_number =
            r->items[i].call_number ? r->items[i].call_number : r->classification;
        items[i].shelf_location = r->items[i].shelf_location;
        items[i].acquired = r->items[i].acquired;
        items[i].price = r->items[i].price;
        items[i].status = r->items[i].status;
    }
    m->origin = r->origin;
    rc = catalog_record_upsert(m->cat, &in, items, r->n_items, m->library_id, on_item, m, &res,
                               &rerr);
    m->origin = NULL;
    if (rc == TS_EINVAL || rc == TS_ETOOBIG) {
        rc = on_error(r->origin ? r->origin : "?", &rerr, m);
        goto out;
    }
    if (rc) {
        if (m->err)
            *m->err = rerr;
        goto out;
    }
    switch (res.outcome) {
    case CAT_CREATED: m->sum->created++; break;
    case CAT_MERGED: m->sum->merged++; break;
    case CAT_UPDATED: m->sum->updated++; break;
    default: m->sum->unchanged++; break;
    }
    m->sum->items_added += res.items_added;
    m->sum->items_refused += res.items_refused;
    if (res.possible_duplicate)
        m->sum->possible_duplicates++;
    if (res.outcome != CAT_UNCHANGED || res.items_added)
        touch(m, res.record_id);
    if (m->opts->on_record)
        m->opts->on_record(r->origin ? r->origin : "", cat_outcome_name(res.outcome), res.record_id,
                           r->title, res.matched_by, m->opts->ctx);
    if (m->opts->progress) {
        struct import_progress p = {0};
        p.done = m->sum->created + m->sum->merged + m->sum->updated + m->sum->unchanged +
                 m->sum->rejected;
        p.imported = m->sum->created;
        p.unchanged = m->sum->unchanged;
        p.failed = m->sum->rejected;
        m->opts->progress(&p, m->opts->ctx);
    }
    /* a dry run stays in one transaction so later records see earlier ones */
    if (!m->opts->dry_run && m->n_touched >= META_BATCH)
        rc = flush(m);
out:
    free(names);
    free(roles);
    free(items);
    meta_rec_free(r);
    return rc;
}

static int open_ctx(struct mctx *m, const struct import_opts *opts, struct import_summary *sum,
                    const char *source, struct ts_err *err)
{
    char path[4096];
    struct cat_library lib;
    int rc;

    memset(m, 0, sizeof *m);
    memset(sum, 0, sizeof *sum);
    m->opts = opts;
    m->sum = sum;
    m->err = err;
    snprintf(path, sizeof path, "%s/%s", opts->data_dir, IMPORT_CATALOG_FILE);
    if (access(path, F_OK) != 0)
        return ts_fail(err, TS_ENOTFOUND, "no catalogue in %s: run 'tusach init' first",
                       opts->data_dir);
    if ((rc = catalog_open(path, &m->cat, err)))
        return rc;
    if ((rc = catalog_library_get(m->cat, opts->library ? opts->library : "", &lib, err)))
        return rc;
    m->library_id = lib.id;
    cat_library_clear(&lib);
    if (!opts->dry_run) {
        snprintf(path, sizeof path, "%s/%s", opts->data_dir, IMPORT_INDEX_DIR);
        if ((rc = indexer_open_writer(path, &m->ix, err)))
            return rc;
    } else if ((rc = begin(m))) {
        return rc;
    }
    return catalog_batch_begin(m->cat, m->library_id, source, &m->batch_id, err);
}

/* Finish: last flush, batch totals, then re-extract records that have files. */
static int close_ctx(struct mctx *m, int rc, double t0)
{
    struct import_summary drained;

    if (rc == TS_OK)
        rc = flush(m);
    else if (m->in_tx)
        catalog_tx_end(m->cat, rc, NULL);
    if (rc == TS_OK && !m->opts->dry_run)
        rc = catalog_batch_finish(m->cat, m->batch_id,
                                  (int64_t)(m->sum->created + m->sum->merged + m->sum->updated),
                                  (int64_t)m->sum->unchanged, (int64_t)m->sum->rejected, m->err);
    m->sum->batch_id = m->opts->dry_run ? 0 : m->batch_id;
    m->sum->imported = m->sum->created;
    m->sum->metadata = 1;
    indexer_close(m->ix);
    catalog_close(m->cat);
    free(m->touched);
    if (rc == TS_OK && m->need_drain) {
        struct import_opts o = *m->opts;
        o.progress = NULL;
        rc = import_drain(&o, &drained, m->err);
    }
    m->sum->seconds = ts_now_mono() - t0;
    return rc;
}

int import_metadata(const char *path, const struct import_opts *opts, struct import_summary *sum,
                    struct ts_err *err)
{
    enum import_format fmt =
        opts->format == IMPORT_AUTO ? import_detect_format(path) : opts->format;
    double t0 = ts_now_mono();
    struct mctx m;
    char abs[4096];
    const char *root = realpath(path, abs) ? abs : path;
    int rc;

    if (access(path, R_OK) != 0)
        return ts_fail(err, TS_ENOTFOUND, "%s: cannot read it", path);
    if ((rc = open_ctx(&m, opts, sum, root, err)) == TS_OK) {
        switch (fmt) {
        case IMPORT_CSV:
            rc = import_csv_read(path, opts->csv_map, opts->n_csv_map, emit, on_error, &m, err);
            break;
        case IMPORT_MARC: rc = import_marc_read(path, NULL, emit, on_error, &m, err); break;
        case IMPORT_DC: rc = import_dc_read(path, NULL, emit, on_error, &m, err); break;
        default: rc = ts_fail(err, TS_EINVAL, "%s is not a metadata file", path); break;
        }
        /* a damaged file: what was read before the damage lands, the damage is
           reported like a bad record, and the batch completes */
        if ((rc == TS_EPARSE || rc == TS_ETOOBIG) && err) {
            struct ts_err why = *err;
            rc = on_error(path, &why, &m);
        }
    }
    return close_ctx(&m, rc, t0);
}

int import_harvest(const char *url, const char *set, const char *from, const char *until,
                   const struct import_opts *opts, struct import_summary *sum, struct ts_err *err)
{
    double t0 = ts_now_mono();
    char *last = NULL, *next = NULL;
    struct mctx m;
    int rc;

    if ((rc = open_ctx(&m, opts, sum, url, err)) == TS_OK) {
        if (!from && (rc = catalog_harvest_get(m.cat, url, &last, err)) == TS_OK)
            from = last;
        if (rc == TS_OK)
            rc = import_oai_harvest(url, set, from, until, emit, on_error, &m, &next, err);
        if (rc == TS_OK && next && !opts->dry_run && !set && !until && (rc = begin(&m)) == TS_OK)
            rc = catalog_harvest_set(m.cat, url, m.library_id, next, err);
    }
    free(last);
    free(next);
    return close_ctx(&m, rc, t0);
}
