/*
 * tests/unit/catalog/test_catalog.c - the catalogue on its own: migrations,
 * libraries, records/files/holdings, the index queue, batches, the
 * append-only event log and the file store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "store.h"
#include "t.h"

static catalog *fresh(char *path, size_t cap)
{
    struct ts_err err = {0};
    catalog *cat = NULL;

    snprintf(path, cap, "%s/catalog.db", t_tmpdir());
    T_OK(catalog_open(path, &cat, &err), &err);
    return cat;
}

static int64_t fixed_clock(void *ctx)
{
    return *(int64_t *)ctx;
}

static void test_migrations(void)
{
    char path[512];
    struct ts_err err = {0};
    catalog *cat = fresh(path, sizeof path), *again = NULL;

    T_REQUIRE(cat);
    T_EQ_INT(catalog_schema_version(cat), catalog_schema_latest());
    catalog_close(cat);
    T_OK(catalog_open(path, &again, &err), &err); /* re-open: nothing to apply */
    T_EQ_INT(catalog_schema_version(again), catalog_schema_latest());
    catalog_close(again);
}

static void test_libraries(void)
{
    char path[512];
    struct ts_err err = {0};
    struct cat_library lib, *libs = NULL;
    catalog *cat = fresh(path, sizeof path);
    int64_t id;
    size_t n;

    T_REQUIRE(cat);
    T_OK(catalog_library_add(cat, "THCS-A", "Trường THCS A", "school", &id, &err), &err);
    T_CHECK(id > 0);
    T_EQ_INT(catalog_library_add(cat, "THCS-A", "x", "school", &id, &err), TS_ECONFLICT);
    T_EQ_INT(catalog_library_add(cat, "B", "x", "castle", &id, &err), TS_EINVAL);
    T_EQ_INT(catalog_library_add(cat, "bad code!", "x", "school", &id, &err), TS_EINVAL);
    T_EQ_INT(catalog_library_add(cat, "'; DROP TABLE library;--", "x", "school", &id, &err),
             TS_EINVAL);
    T_OK(catalog_library_add(cat, "LC-1", "Trung tâm", "learning_centre", &id, &err), &err);
    T_OK(catalog_library_get(cat, "THCS-A", &lib, &err), &err);
    T_EQ_STR(lib.name, "Trường THCS A");
    T_EQ_STR(lib.kind, "school");
    cat_library_clear(&lib);
    T_EQ_INT(catalog_library_get(cat, "NOPE", &lib, &err), TS_ENOTFOUND);
    T_OK(catalog_library_list(cat, &libs, &n, &err), &err);
    T_EQ_INT(n, 2);
    if (n == 2)
        T_EQ_STR(libs[0].code, "LC-1");
    cat_library_list_free(libs, n);
    catalog_close(cat);
}

static void test_records_files_queue(void)
{
    char path[512];
    struct ts_err err = {0};
    catalog *cat = fresh(path, sizeof path);
    const char *authors[] = {"Nguyễn Văn An", "Trần Thị Bình"};
    const char *idents[] = {"isbn:9786041234567"};
    struct cat_record_in in = {0};
    struct cat_file_in f = {0};
    struct cat_record *r = NULL;
    int64_t lib, rid, fid, fid2, rid2, *ids = NULL, now = 1700000000;
    size_t n;
    int added;

    T_REQUIRE(cat);
    catalog_set_clock(cat, fixed_clock, &now);
    T_OK(catalog_library_add(cat, "A", "A", "school", &lib, &err), &err);
    in.title = "Sổ tay";
    in.authors = authors;
    in.n_authors = 2;
    in.date = "xuất bản 2021-05";
    in.identifiers = idents;
    in.n_identifiers = 1;
    in.resource_type = "ebook";
    f.sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    f.size = 10;
    f.media_type = "application/epub+zip";
    f.format = "epub";
    f.name = "so-tay.epub";
    T_OK(catalog_tx_begin(cat, &err), &err);
    T_OK(catalog_record_add(cat, &in, &rid, &err), &err);
    T_OK(catalog_file_add(cat, rid, &f, &fid, &err), &err);
    T_EQ_INT(catalog_file_add(cat, rid, &f, &fid2, &err), TS_ECONFLICT);
    T_OK(catalog_holding_add(cat, fid, lib, "/srv/so-tay.epub", 0, &added, &err), &err);
    T_EQ_INT(added, 1);
    T_OK(catalog_holding_add(cat, fid, lib, "/srv/so-tay.epub", 0, &added, &err), &err);
    T_EQ_INT(added, 0);
    T_OK(catalog_tx_end(cat, TS_OK, &err), &err);

    T_OK(catalog_file_by_sha(cat, f.sha256, &fid2, &rid2, &err), &err);
    T_EQ_INT(fid2, fid);
    T_EQ_INT(rid2, rid);
    T_OK(catalog_record_get(cat, rid, &r, &err), &err);
    T_REQUIRE(r);
    T_EQ_STR(r->title, "Sổ tay");
    T_EQ_STR(r->authors, "Nguyễn Văn An; Trần Thị Bình");
    T_EQ_INT(r->year, 2021);
    T_EQ_STR(r->identifiers, "isbn:9786041234567");
    T_EQ_INT(r->n_libraries, 1);
    T_EQ_STR(r->source_path, "/srv/so-tay.epub");
    cat_record_free(r);
    /* a search hit's part of it: the same title, authors and type, nothing else */
    T_OK(catalog_record_brief(cat, rid, &r, &err), &err);
    T_REQUIRE(r);
    T_EQ_INT(r->id, rid);
    T_EQ_STR(r->title, "Sổ tay");
    T_EQ_STR(r->authors, "Nguyễn Văn An; Trần Thị Bình");
    T_EQ_STR(r->resource_type, "ebook");
    T_CHECK(r->identifiers == NULL && r->n_libraries == 0 && r->source_path == NULL);
    cat_record_free(r);
    T_EQ_INT(catalog_record_brief(cat, rid + 1000, &r, &err), TS_ENOTFOUND);
    T_CHECK(r == NULL);

    /* the record is queued for indexing in the same transaction */
    T_EQ_INT(catalog_queue_count(cat), 1);
    T_OK(catalog_queue_list(cat, 10, &ids, &n, &err), &err);
    T_EQ_INT(n, 1);
    T_OK(catalog_queue_remove(cat, ids, n, &err), &err);
    free(ids);
    T_EQ_INT(catalog_queue_count(cat), 0);
    T_OK(catalog_queue_all(cat, &err), &err);
    T_EQ_INT(catalog_queue_count(cat), 1);

    /* a rolled-back transaction leaves nothing behind */
    T_OK(catalog_tx_begin(cat, &err), &err);
    T_OK(catalog_record_add(cat, &in, &rid2, &err), &err);
    catalog_tx_end(cat, TS_EINTERNAL, &err);
    T_EQ_INT(catalog_record_count(cat), 1);
    catalog_close(cat);
}

static void test_batches_and_events(void)
{
    char path[512];
    struct ts_err err = {0}, why;
    catalog *cat = fresh(path, sizeof path);
    struct cat_batch_error *e = NULL;
    int64_t lib, b;
    size_t n;

    T_REQUIRE(cat);
    T_OK(catalog_library_add(cat, "A", "A", "school", &lib, &err), &err);
    T_OK(catalog_batch_begin(cat, lib, "/srv", &b, &err), &err);
    ts_fail(&why, TS_EPARSE, "not a zip file");
    T_OK(catalog_batch_error(cat, b, "/srv/x.epub", &why, &err), &err);
    T_OK(catalog_batch_finish(cat, b, 3, 1, 1, &err), &err);
    T_OK(catalog_batch_errors(cat, b, &e, &n, &err), &err);
    T_EQ_INT(n, 1);
    if (n == 1) {
        T_EQ_STR(e[0].path, "/srv/x.epub");
        T_EQ_STR(e[0].code, "parse_error");
        T_EQ_STR(e[0].reason, "not a zip file");
    }
    cat_batch_errors_free(e, n);
    /* events are appended in the caller's transaction or on their own */
    T_OK(catalog_event_add(cat, "test", "x", "y", NULL, &err), &err);
    catalog_close(cat);
}

static void test_store(void)
{
    const char *dir = t_tmpdir();
    const char *sha = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
    char path[1024], *back = NULL;
    struct ts_err err = {0};
    struct stat st;
    size_t len;

    T_OK(catalog_store_put(dir, sha, "hello", 5, &err), &err);
    T_OK(catalog_store_put(dir, sha, "hello", 5, &err), &err); /* idempotent */
    T_OK(catalog_store_path(dir, sha, path, sizeof path, &err), &err);
    T_CHECK(strstr(path, "/files/ab/12/") != NULL);
    T_CHECK(stat(path, &st) == 0 && st.st_size == 5);
    T_OK(catalog_store_read(dir, sha, 100, &back, &len, &err), &err);
    T_CHECK(back && len == 5 && memcmp(back, "hello", 5) == 0);
    free(back);
    T_EQ_INT(catalog_store_read(dir, sha, 3, &back, &len, &err), TS_ETOOBIG);
    T_EQ_INT(catalog_store_put(dir, "../../etc/passwd", "x", 1, &err), TS_EINVAL);
    T_OK(catalog_store_sync(dir, &err), &err);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"migrations", test_migrations},
        {"libraries", test_libraries},
        {"records_files_queue", test_records_files_queue},
        {"batches_and_events", test_batches_and_events},
        {"store", test_store},
        {0},
    };
    return t_main(cases, argc, argv);
}
