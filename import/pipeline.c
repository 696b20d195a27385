/*
 * import/pipeline.c - the import pipeline: walker -> extract workers -> writer.
 *
 * One walker thread finds files; N workers read, hash (SHA-256), look the
 * hash up in the catalogue (their own read-only connection), extract and
 * analyse; the calling thread is the only writer of both the catalogue and
 * the index. The writer works in batches: store new files, sync the store
 * once, one sqlite transaction (records, files, holdings, errors, index queue
 * rows), Xapian documents, Xapian commit, then drain the queue rows. Memory
 * stays bounded by limits on jobs and bytes in flight, so a 10 GB folder
 * needs no more memory than a 100 MB one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "import.h"
#include "import_int.h"
#include "store.h"
#include "ts_log.h"
#include "ts_mem.h"
#include "ts_util.h"

#define MAX_WORKERS 16
#define BATCH_BYTES ((uint64_t)96 << 20)
#define INFLIGHT_BYTES ((uint64_t)256 << 20)

struct pipe {
    const struct import_opts *opts;
    struct ix_limits lim;
    char catalog_path[4096], index_dir[4096];
    catalog *cat;
    indexer *ix;
    int64_t library_id, batch_id;
    struct import_summary *sum;
    struct import_progress prog;
    double t0;

    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done, cv_space;
    struct job *in_head, *in_tail, *out_head, *out_tail;
    size_t inflight, max_inflight, busy;
    uint64_t inflight_bytes;
    int walk_done, stop;
    pthread_t workers[MAX_WORKERS];
    int n_workers;
    const char *walk_root;
    int walk_rc;
    struct ts_err walk_err;
};

static void push(struct job **head, struct job **tail, struct job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static struct job *pop(struct job **head, struct job **tail)
{
    struct job *j = *head;
    if (j) {
        *head = j->next;
        if (!*head)
            *tail = NULL;
        j->next = NULL;
    }
    return j;
}

/* Walker side: hand a job in, waiting while too much is in flight. */
static int emit(struct job *j, void *ctx)
{
    struct pipe *p = ctx;
    int stop;

    pthread_mutex_lock(&p->mu);
    while (!p->stop && p->inflight > 0 &&
           (p->inflight >= p->max_inflight || p->inflight_bytes > INFLIGHT_BYTES))
        pthread_cond_wait(&p->cv_space, &p->mu);
    stop = p->stop;
    if (!stop) {
        p->inflight++;
        p->inflight_bytes += j->len;
        if (j->state == JOB_FAILED || j->state == JOB_SKIPPED) {
            push(&p->out_head, &p->out_tail, j);
            pthread_cond_signal(&p->cv_done);
        } else {
            push(&p->in_head, &p->in_tail, j);
            pthread_cond_signal(&p->cv_work);
        }
    }
    pthread_mutex_unlock(&p->mu);
    if (stop) {
        job_free(j);
        return TS_EINTERNAL;
    }
    return TS_OK;
}

static const char *title_from_name(const char *name, char *buf, size_t cap)
{
    const char *dot = strrchr(name, '.');
    size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, name, n);
    buf[n] = '\0';
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = ' ';
    return buf;
}

/* The prepared documents hold what the index needs; the extracted text is
 * not needed again, and a batch of big PDFs would otherwise hold it twice. */
static void drop_section_text(struct ix_doc *d)
{
    for (size_t i = 0; i < d->n_sections; i++) {
        free(d->sections[i].text);
        d->sections[i].text = NULL;
        d->sections[i].text_len = 0;
    }
}

/* Worker: turn one job into a result. Never fails as a whole: a bad file
 * becomes JOB_FAILED with the reason. */
static void work(struct pipe *p, catalog **rocat, struct job *j)
{
    int64_t file_id, record_id;
    struct ts_err err;
    int rc;

    ts_err_clear(&err);
    if (!*rocat && (rc = catalog_open_readonly(p->catalog_path, rocat, &j->err))) {
        j->state = JOB_FAILED;
        return;
    }
    if (j->record_id) { /* reindex: the store and the catalogue are the source */
        struct cat_record *r = NULL;
        j->state = JOB_REINDEX;
        if (catalog_record_get(*rocat, j->record_id, &r, &err) != TS_OK || !r->file_sha256) {
            cat_record_free(r);
            return;
        }
        rc = catalog_store_read(p->opts->data_dir, r->file_sha256, IMPORT_MAX_FILE, &j->bytes,
                                &j->len, &j->err);
        if (rc == TS_OK)
            rc = ix_extract(r->file_name, j->bytes, j->len, &p->lim, &j->doc, &j->err);
        if (rc == TS_OK)
            rc = ix_prepare(j->doc, &j->prep, &j->err);
        if (rc == TS_OK)
            drop_section_text(j->doc);
        if (rc != TS_OK)
            ts_log(TS_LOG_WARN, "reindex", "record %lld: %s", (long long)j->record_id, j->err.msg);
        cat_record_free(r);
        free(j->bytes);
        j->bytes = NULL;
        return;
    }
    if (!j->bytes && j->fs_path &&
        (rc = ts_read_file(j->fs_path,
                           p->opts->max_file_bytes ? p->opts->max_file_bytes : IMPORT_MAX_FILE,
                           &j->bytes, &j->len, &j->err))) {
        j->state = JOB_FAILED;
        return;
    }
    ts_sha256_hex(j->bytes, j->len, j->sha256);
    if (catalog_file_by_sha(*rocat, j->sha256, &file_id, &record_id, &err) == TS_OK) {
        j->state = JOB_UNCHANGED;
        j->file_id = file_id;
        free(j->bytes);
        j->bytes = NULL;
        return;
    }
    if ((rc = ix_extract(j->name, j->bytes, j->len, &p->lim, &j->doc, &j->err)) ||
        (rc = ix_prepare(j->doc, &j->prep, &j->err))) {
        j->state = JOB_FAILED;
        return;
    }
    drop_section_text(j->doc);
    j->state = JOB_NEW;
}

static void *worker_main(void *arg)
{
    struct pipe *p = arg;
    catalog *rocat = NULL;

    ts_thread_name("ts-import");

    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct job *j;
        while (!p->in_head && !p->walk_done && !p->stop)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->stop || (!p->in_head && p->walk_done))
            break;
        j = pop(&p->in_head, &p->in_tail);
        p->busy++;
        pthread_mutex_unlock(&p->mu);
        work(p, &rocat, j);
        pthread_mutex_lock(&p->mu);
        p->busy--;
        push(&p->out_head, &p->out_tail, j);
        pthread_cond_signal(&p->cv_done);
    }
    pthread_mutex_unlock(&p->mu);
    catalog_close(rocat);
    return NULL;
}

static void *walker_main(void *arg)
{
    struct pipe *p = arg;
    int rc = walk_path(p->walk_root, p->opts->max_file_bytes, emit, p, &p->walk_err);

    ts_thread_name("ts-import-walk");

    pthread_mutex_lock(&p->mu);
    p->walk_rc = rc == TS_EINTERNAL && p->stop ? TS_OK : rc;
    p->walk_done = 1;
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_done);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Emit reindex jobs for the given record ids (runs on the walker thread). */
struct id_walk {
    struct pipe *p;
    int64_t *ids;
    size_t n;
};

static void *id_walker_main(void *arg)
{
    struct id_walk *w = arg;
    int rc = TS_OK;

    for (size_t i = 0; i < w->n && rc == TS_OK; i++) {
        struct job *j = job_new("", "");
        j->record_id = w->ids[i];
        rc = emit(j, w->p);
    }
    pthread_mutex_lock(&w->p->mu);
    w->p->walk_done = 1;
    pthread_cond_broadcast(&w->p->cv_work);
    pthread_cond_broadcast(&w->p->cv_done);
    pthread_mutex_unlock(&w->p->mu);
    return NULL;
}

static void fill_record_in(const struct job *j, int64_t batch_id, struct cat_record_in *in,
                           char *title_buf, size_t cap)
{
    const struct ix_doc *d = j->doc;

    memset(in, 0, sizeof *in);
    in->title = d->title && *d->title ? d->title : title_from_name(j->name, title_buf, cap);
    in->authors = (const char *const *)d->authors;
    in->n_authors = d->n_authors;
    in->language = d->language;
    in->publisher = d->publisher;
    in->date = d->date;
    in->description = d->description;
    in->resource_type = d->resource_type;
    in->licence = d->licence;
    in->subjects = (const char *const *)d->subjects;
    in->n_subjects = d->n_subjects;
    in->identifiers = (const char *const *)d->identifiers;
    in->n_identifiers = d->n_identifiers;
    in->batch_id = batch_id;
}

/* The event log entry of a change made by an import (same transaction). The
 * detail names only a content hash and the batch: nothing that needs escaping. */
static int log_event(struct pipe *p, const char *kind, int64_t id, const char *sha256,
                     struct ts_err *err)
{
    char subject[48], detail[160];

    snprintf(subject, sizeof subject, "%s:%lld",
             strcmp(kind, "holding.add") == 0 ? "file" : "record", (long long)id);
    snprintf(detail, sizeof detail, "{\"sha256\":\"%.64s\",\"batch\":%lld,\"library\":%lld}",
             sha256, (long long)p->batch_id, (long long)p->library_id);
    return catalog_event_add(p->cat, "import", kind, subject, detail, err);
}

/* Write the catalogue rows of one batch in one transaction. */
static int write_catalog(struct pipe *p, struct job *batch, struct ts_err *err)
{
    int rc;

    if ((rc = catalog_tx_begin(p->cat, err)))
        return rc;
    for (struct job *j = batch; j && rc == TS_OK; j = j->next) {
        int64_t file_id = 0, rid = 0;
        int added = 0;
        struct ts_err e2;

        if (j->state == JOB_NEW &&
            catalog_file_by_sha(p->cat, j->sha256, &file_id, &rid, &e2) == TS_OK) {
            j->state = JOB_UNCHANGED; /* the same bytes twice in one batch */
            j->file_id = file_id;
        }
        if (j->state == JOB_NEW) {
            struct cat_record_in in;
            struct cat_file_in f = {0};
            char title[256];

            fill_record_in(j, p->batch_id, &in, title, sizeof title);
            f.sha256 = j->sha256;
            f.size = (int64_t)j->len;
            f.media_type = j->doc->media_type ? j->doc->media_type : "application/octet-stream";
            f.format = j->doc->format ? j->doc->format : "unknown";
            f.name = j->name;
            f.encoding = j->doc->encoding;
            if (!(rc = catalog_record_add(p->cat, &in, &j->record_id, err)) &&
                !(rc = catalog_file_add(p->cat, j->record_id, &f, &file_id, err)) &&
                !(rc = catalog_holding_add(p->cat, file_id, p->library_id, j->source, p->batch_id,
                                           &added, err)))
                rc = log_event(p, "record.create", j->record_id, j->sha256, err);
        } else if (j->state == JOB_UNCHANGED) {
            rc = catalog_holding_add(p->cat, j->file_id, p->library_id, j->source, p->batch_id,
                                     &added, err);
            if (rc == TS_OK && added)
                rc = log_event(p, "holding.add", j->file_id, j->sha256, err);
        } else if (j->state == JOB_FAILED) {
            rc = catalog_batch_error(p->cat, p->batch_id, j->source, &j->err, err);
        }
    }
    return catalog_tx_end(p->cat, rc, err);
}

static void report(struct pipe *p)
{
    p->prog.seconds = ts_now_mono() - p->t0;
    if (p->opts->progress)
        p->opts->progress(&p->prog, p->opts->ctx);
}

/* Everything for one batch, in the order that keeps a crash recoverable. */
static int flush(struct pipe *p, struct job **batch, struct ts_err *err)
{
    struct job *j, *next;
    int64_t *ids = NULL;
    size_t n_ids = 0, n_jobs = 0, n_new = 0;
    uint64_t bytes = 0;
    int rc = TS_OK;

    if (!*batch)
        return TS_OK;
    for (j = *batch; j; j = j->next, n_jobs++) {
        if (j->state != JOB_NEW)
            continue;
        if (catalog_store_put(p->opts->data_dir, j->sha256, j->bytes, j->len, &j->err)) {
            j->state = JOB_FAILED;
            continue;
        }
        n_new++;
    }
    if (n_new && (rc = catalog_store_sync(p->opts->data_dir, err)))
        goto out;
    if (p->batch_id && (rc = write_catalog(p, *batch, err)))
        goto out;
    ids = ts_xmalloc(n_jobs * sizeof *ids);
    for (j = *batch; j; j = j->next) {
        if ((j->state == JOB_NEW || j->state == JOB_REINDEX) && j->record_id) {
            if ((rc = import_put_record(p->cat, p->ix, j->record_id, j->prep, err)))
                goto out;
            ids[n_ids++] = j->record_id;
        }
    }
    if (n_ids && (rc = indexer_commit(p->ix, err)))
        goto out;
    rc = catalog_queue_remove(p->cat, ids, n_ids, err);
out:
    free(ids);
    for (j = *batch; j; j = next) {
        next = j->next;
        bytes += j->len;
        if (rc == TS_OK) {
            switch (j->state) {
            case JOB_NEW:
                p->sum->imported++;
                p->prog.imported++;
                break;
            case JOB_UNCHANGED:
                p->sum->unchanged++;
                p->prog.unchanged++;
                break;
            case JOB_FAILED:
                p->sum->failed++;
                p->prog.failed++;
                if (p->opts->on_error)
                    p->opts->on_error(j->source, &j->err, p->opts->ctx);
                break;
            case JOB_REINDEX: p->sum->reindexed++; break;
            default: break;
            }
            p->sum->bytes += j->len;
            p->prog.bytes += j->len;
            p->prog.done++;
        }
        job_free(j);
    }
    *batch = NULL;
    pthread_mutex_lock(&p->mu);
    p->inflight -= n_jobs;
    p->inflight_bytes -= bytes < p->inflight_bytes ? bytes : p->inflight_bytes;
    pthread_cond_broadcast(&p->cv_space);
    pthread_mutex_unlock(&p->mu);
    if (rc == TS_OK)
        report(p);
    return rc;
}

/* The writer loop: collect results, flush in batches. */
static int run_writer(struct pipe *p, struct ts_err *err)
{
    size_t commit_every = p->opts->commit_every ? p->opts->commit_every : 200;
    struct job *batch = NULL, *batch_tail = NULL, *j;
    size_t n_batch = 0;
    uint64_t batch_bytes = 0;
    double batch_t0 = ts_now_mono();
    int rc = TS_OK;

    for (;;) {
        int done;

        pthread_mutex_lock(&p->mu);
        while (!p->out_head && !(p->walk_done && !p->in_head && p->busy == 0)) {
            struct timespec ts;
            if (n_batch && ts_now_mono() - batch_t0 > 2.0)
                break; /* idle with a partial batch: flush it */
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 250000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p->cv_done, &p->mu, &ts);
        }
        j = pop(&p->out_head, &p->out_tail);
        done = !j && p->walk_done && !p->in_head && p->busy == 0;
        pthread_mutex_unlock(&p->mu);

        if (j && j->state == JOB_SKIPPED) {
            p->sum->skipped++;
            p->prog.skipped++;
            p->prog.done++;
            job_free(j);
            pthread_mutex_lock(&p->mu);
            p->inflight--;
            pthread_cond_broadcast(&p->cv_space);
            pthread_mutex_unlock(&p->mu);
            continue;
        }
        if (j) {
            if (batch_tail)
                batch_tail->next = j;
            else
                batch = j;
            batch_tail = j;
            n_batch++;
            batch_bytes += j->len;
        }
        if (n_batch && (done || !j || n_batch >= commit_every || batch_bytes >= BATCH_BYTES)) {
            if ((rc = flush(p, &batch, err)))
                break;
            batch_tail = NULL;
            n_batch = 0;
            batch_bytes = 0;
            batch_t0 = ts_now_mono();
        }
        if (done)
            break;
    }
    if (rc) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->cv_space);
        pthread_cond_broadcast(&p->cv_work);
        pthread_mutex_unlock(&p->mu);
        while ((j = batch)) {
            batch = j->next;
            job_free(j);
        }
    }
    return rc;
}

static int pipe_open(struct pipe *p, const struct import_opts *opts, struct import_summary *sum,
                     struct ts_err *err)
{
    int rc;

    memset(p, 0, sizeof *p);
    memset(sum, 0, sizeof *sum);
    p->opts = opts;
    p->sum = sum;
    p->t0 = ts_now_mono();
    ix_limits_default(&p->lim);
    snprintf(p->catalog_path, sizeof p->catalog_path, "%s/%s", opts->data_dir, IMPORT_CATALOG_FILE);
    snprintf(p->index_dir, sizeof p->index_dir, "%s/%s", opts->data_dir, IMPORT_INDEX_DIR);
    if (access(p->catalog_path, F_OK) != 0)
        return ts_fail(err, TS_ENOTFOUND, "no catalogue in %s: run 'tusach init' first",
                       opts->data_dir);
    if ((rc = catalog_open(p->catalog_path, &p->cat, err)))
        return rc;
    if ((rc = indexer_open_writer(p->index_dir, &p->ix, err))) {
        catalog_close(p->cat);
        p->cat = NULL;
        return rc;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_done, NULL);
    pthread_cond_init(&p->cv_space, NULL);
    p->n_workers = opts->n_workers > 0 ? opts->n_workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (p->n_workers < 1)
        p->n_workers = 1;
    if (p->n_workers > MAX_WORKERS)
        p->n_workers = MAX_WORKERS;
    p->max_inflight = (opts->commit_every ? opts->commit_every : 200) + 4 * (size_t)p->n_workers;
    return TS_OK;
}

static void pipe_close(struct pipe *p)
{
    indexer_close(p->ix);
    catalog_close(p->cat);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_done);
    pthread_cond_destroy(&p->cv_space);
}

/* Run walker (thread_fn) + workers + writer to completion. */
static int pipe_run(struct pipe *p, void *(*walker)(void *), void *walker_arg, struct ts_err *err)
{
    pthread_t wt;
    int rc;

    p->walk_done = 0;
    p->stop = 0;
    for (int i = 0; i < p->n_workers; i++)
        pthread_create(&p->workers[i], NULL, worker_main, p);
    pthread_create(&wt, NULL, walker, walker_arg);
    rc = run_writer(p, err);
    pthread_join(wt, NULL);
    for (int i = 0; i < p->n_workers; i++)
        pthread_join(p->workers[i], NULL);
    /* jobs never handed to the writer (after a stop) */
    for (struct job *j;
         (j = pop(&p->in_head, &p->in_tail)) || (j = pop(&p->out_head, &p->out_tail));)
        job_free(j);
    return rc;
}

/* Index every queued record (recovery after a crash, new holdings, reindex). */
/*
 * The holdings queue (catalog_queue_holdings): copies that changed status or
 * custodian at a desk. Only the library and availability terms of the
 * record's documents are rewritten, from the catalogue as it is now; the
 * text is not extracted again. Xapian commits before the queue rows go, as
 * for the full queue; a row changed meanwhile stays for the next drain.
 */
#define HOLDINGS_CHUNK 500

static int drain_holdings(struct pipe *p, struct ts_err *err)
{
    for (;;) {
        struct cat_queued *v = NULL;
        size_t n = 0;
        int rc;

        if ((rc = catalog_holdings_queue_list(p->cat, HOLDINGS_CHUNK, &v, &n, err)))
            return rc;
        for (size_t i = 0; i < n && rc == TS_OK; i++) {
            char **libs, **avail;
            size_t nl, na;
            if ((rc =
                     catalog_record_holdings(p->cat, v[i].record_id, &libs, &nl, &avail, &na, err)))
                break;
            rc = indexer_set_holdings(p->ix, v[i].record_id, (const char *const *)libs, nl,
                                      (const char *const *)avail, na, err);
            catalog_strv_free(libs, nl);
            catalog_strv_free(avail, na);
        }
        if (rc == TS_OK && n)
            rc = indexer_commit(p->ix, err);
        if (rc == TS_OK)
            rc = catalog_holdings_queue_done(p->cat, v, n, err);
        if (rc == TS_OK)
            p->sum->reindexed += n;
        free(v);
        if (rc || n < HOLDINGS_CHUNK)
            return rc;
    }
}

static int drain_queue(struct pipe *p, struct ts_err *err)
{
    int rc = TS_OK;

    for (;;) {
        struct id_walk w = {p, NULL, 0};
        int64_t before = p->batch_id;

        if ((rc = catalog_queue_list(p->cat, 100000, &w.ids, &w.n, err)))
            return rc;
        if (w.n == 0) {
            free(w.ids);
            /* records rewritten whole above already carry their holdings */
            return drain_holdings(p, err);
        }
        p->batch_id = 0; /* reindex jobs write no catalogue rows */
        rc = pipe_run(p, id_walker_main, &w, err);
        p->batch_id = before;
        free(w.ids);
        if (rc)
            return rc;
    }
}

int import_run(const char *path, const struct import_opts *opts, struct import_summary *sum,
               struct ts_err *err)
{
    struct cat_library lib;
    struct pipe p;
    int rc;

    if (opts->format == IMPORT_CSV || opts->format == IMPORT_MARC || opts->format == IMPORT_DC ||
        (opts->format == IMPORT_AUTO && import_detect_format(path) != IMPORT_FILES))
        return import_metadata(path, opts, sum, err);
    if ((rc = pipe_open(&p, opts, sum, err)))
        return rc;
    if ((rc = catalog_library_get(p.cat, opts->library ? opts->library : "", &lib, err)))
        goto out;
    p.library_id = lib.id;
    cat_library_clear(&lib);
    if ((rc = drain_queue(&p, err)))
        goto out;
    walk_count(path, &p.prog.total);
    {
        char abs[4096];
        const char *root = realpath(path, abs) ? abs : path;
        if ((rc = catalog_batch_begin(p.cat, p.library_id, root, &p.batch_id, err)))
            goto out;
        p.walk_root = root;
        ts_err_clear(&p.walk_err);
        rc = pipe_run(&p, walker_main, &p, err);
        if (rc == TS_OK && p.walk_rc) {
            rc = p.walk_rc;
            if (err)
                *err = p.walk_err;
        }
    }
    sum->batch_id = p.batch_id;
    if (rc == TS_OK)
        rc = drain_queue(&p, err); /* records that gained a holding */
    if (rc == TS_OK) {
        sum->seconds = ts_now_mono() - p.t0;
        rc = catalog_batch_finish(p.cat, p.batch_id, (int64_t)sum->imported,
                                  (int64_t)sum->unchanged, (int64_t)sum->failed, err);
    }
out:
    sum->seconds = ts_now_mono() - p.t0;
    pipe_close(&p);
    return rc;
}

int import_drain(const struct import_opts *opts, struct import_summary *sum, struct ts_err *err)
{
    struct pipe p;
    int rc;

    if ((rc = pipe_open(&p, opts, sum, err)))
        return rc;
    rc = drain_queue(&p, err);
    sum->seconds = ts_now_mono() - p.t0;
    pipe_close(&p);
    return rc;
}

int import_reindex(const struct import_opts *opts, struct import_summary *sum, struct ts_err *err)
{
    struct pipe p;
    int rc;

    if ((rc = pipe_open(&p, opts, sum, err)))
        return rc;
    p.prog.total = (size_t)catalog_record_count(p.cat);
    /* queue first: a crash after the clear is repaired by any later run */
    if (!(rc = catalog_queue_all(p.cat, err)) && !(rc = indexer_clear(p.ix, err)) &&
        !(rc = indexer_commit(p.ix, err)))
        rc = drain_queue(&p, err);
    sum->seconds = ts_now_mono() - p.t0;
    pipe_close(&p);
    return rc;
}
