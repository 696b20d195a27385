/*
 * tests/integration/test_pipeline.c - import pipeline + catalogue + index
 * against a temporary data folder: counts, idempotence, holdings across
 * libraries, and repair of the two ways catalogue and index can disagree
 * after a crash (records queued but not indexed; documents of unknown records).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "import.h"
#include "indexer.h"
#include "fixture.h"
#include "t.h"
#include "ts_util.h"

static void write_file(const char *dir, const char *name, const char *text)
{
    t_fx_write_text(dir, name, text);
}

static void add_library(const char *data, const char *code)
{
    t_fx_library(data, code, code, "school");
}

static size_t hits(const char *data, const char *query, const char *library)
{
    char path[1024];
    struct ts_err err = {0};
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    indexer *ix = NULL;
    size_t n = 0;

    snprintf(path, sizeof path, "%s/%s", data, IMPORT_INDEX_DIR);
    T_OK(indexer_open_reader(path, &ix, &err), &err);
    q.text = query;
    q.library = library;
    q.limit = 50;
    if (ix && T_OK(indexer_search(ix, &q, &r, &err), &err))
        n = r->n_hits;
    ix_results_free(r);
    indexer_close(ix);
    return n;
}

static void test_import_repair(void)
{
    const char *data = t_tmpdir(), *src = t_tmpdir();
    struct import_opts o = {0};
    struct import_summary s;
    struct import_check chk;
    struct ts_err err = {0};
    char path[1024], name[64], text[256];

    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "bai-%02d.txt", i);
        snprintf(text, sizeof text, "Bài %d\n\nHọc sinh đọc sách ở thư viện. mã%dsố\n", i, i);
        write_file(src, name, text);
    }
    write_file(src, "hong.epub", "not a zip");
    T_OK(import_init(data, &err), &err);
    add_library(data, "A");
    add_library(data, "B");
    o.data_dir = data;
    o.library = "A";
    o.n_workers = 2;
    o.commit_every = 6;
    T_OK(import_run(src, &o, &s, &err), &err);
    T_EQ_INT(s.imported, 20);
    T_EQ_INT(s.failed, 1);
    T_OK(import_check(data, &chk, &err), &err);
    T_EQ_INT(chk.indexed, 20);
    T_EQ_INT(hits(data, "thu vien", NULL), 20);

    /* the same files at another library: no new records, new holdings */
    o.library = "B";
    T_OK(import_run(src, &o, &s, &err), &err);
    T_EQ_INT(s.imported, 0);
    T_EQ_INT(s.unchanged, 20);
    T_EQ_INT(hits(data, "thu vien", "B"), 20);
    T_OK(import_check(data, &chk, &err), &err);

    /* crash after the catalogue commit, before the index commit */
    {
        catalog *cat = NULL;
        indexer *ix = NULL;
        snprintf(path, sizeof path, "%s/%s", data, IMPORT_CATALOG_FILE);
        T_OK(catalog_open(path, &cat, &err), &err);
        T_OK(catalog_queue_all(cat, &err), &err);
        catalog_close(cat);
        snprintf(path, sizeof path, "%s/%s", data, IMPORT_INDEX_DIR);
        T_OK(indexer_open_writer(path, &ix, &err), &err);
        T_OK(indexer_delete(ix, 3, &err), &err);
        T_OK(indexer_commit(ix, &err), &err);
        indexer_close(ix);
    }
    T_EQ_INT(import_check(data, &chk, &err), TS_ECONFLICT);
    T_EQ_INT(chk.missing, 1);
    T_EQ_INT(chk.queued, 20);
    T_OK(import_drain(&o, &s, &err), &err);
    T_OK(import_check(data, &chk, &err), &err);
    T_EQ_INT(hits(data, "mã3số", NULL), 1);

    /* a document for a record the catalogue does not have */
    {
        indexer *ix = NULL;
        struct ix_record rec = {0};
        rec.id = 9999;
        rec.title = "orphan";
        snprintf(path, sizeof path, "%s/%s", data, IMPORT_INDEX_DIR);
        T_OK(indexer_open_writer(path, &ix, &err), &err);
        T_OK(indexer_put(ix, &rec, NULL, &err), &err);
        T_OK(indexer_commit(ix, &err), &err);
        indexer_close(ix);
    }
    T_EQ_INT(import_check(data, &chk, &err), TS_ECONFLICT);
    T_EQ_INT(chk.orphans, 1);
    T_OK(import_reindex(&o, &s, &err), &err);
    T_EQ_INT(s.reindexed, 20);
    T_OK(import_check(data, &chk, &err), &err);
    T_EQ_INT(hits(data, "orphan", NULL), 0);
    T_EQ_INT(hits(data, "thu vien", "B"), 20);
}

static void test_errors(void)
{
    const char *data = t_tmpdir();
    struct import_opts o = {0};
    struct import_summary s;
    struct ts_err err = {0};

    o.data_dir = data;
    o.library = "A";
    T_EQ_INT(import_run("/nonexistent", &o, &s, &err), TS_ENOTFOUND); /* no catalogue */
    T_OK(import_init(data, &err), &err);
    T_EQ_INT(import_run("/nonexistent", &o, &s, &err), TS_ENOTFOUND); /* no library A */
    add_library(data, "A");
    T_EQ_INT(import_run("/nonexistent/x", &o, &s, &err), TS_ENOTFOUND);
    T_CHECK(strstr(err.msg, "/nonexistent/x") != NULL);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"import_repair", test_import_repair},
        {"errors", test_errors},
        {0},
    };
    return t_main(cases, argc, argv);
}
