/*
 * tests/unit/indexer/test_search_cache.c - the search result cache
 * (indexer.h ix_cache) and snippets cut from chunked section text:
 *   - a hit returns exactly what the search returns (every field);
 *   - spellings of one query share an entry, other filters/pages do not;
 *   - a commit by a writer is visible on the very next search (the index
 *     revision is part of what an entry belongs to), and empties the cache;
 *   - the bound (entries) holds, least recently used go first, 0 stores none;
 *   - threads share one cache (run under ASan/TSan-like load in CI);
 *   - snippets of long sections: the words are found wherever they sit
 *     relative to the 1 KiB chunks, with context on both sides.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "indexer.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"

/* Record id with one section (its own title) held by library lib. */
static int put2(indexer *w, int64_t id, const char *title, const char *sec_title, const char *lib,
                const char *text, struct ts_err *err)
{
    struct ix_doc d = {0};
    struct ix_section sec = {0};
    struct ix_prepared *p = NULL;
    struct ix_record rec = {0};
    const char *libs[1] = {lib};
    char path[32];
    int rc;

    snprintf(path, sizeof path, "s%lld.xhtml", (long long)id);
    sec.title = (char *)sec_title;
    sec.path = path;
    sec.text = (char *)text;
    sec.text_len = strlen(text);
    d.title = (char *)title;
    d.sections = &sec;
    d.n_sections = 1;
    rec.id = id;
    rec.title = title;
    rec.language = "vi";
    rec.resource_type = "ebook";
    rec.libraries = libs;
    rec.n_libraries = 1;
    rc = ix_prepare(&d, &p, err);
    if (rc == TS_OK)
        rc = indexer_put(w, &rec, p, err);
    ix_prepared_free(p);
    return rc;
}

static int put(indexer *w, int64_t id, const char *title, const char *lib, const char *text,
               struct ts_err *err)
{
    return put2(w, id, title, title, lib, text, err);
}

/* A data folder's index with three small records, committed. */
static const char *small_index(void)
{
    static const char *dir;
    struct ts_err err;
    indexer *w = NULL;

    if (dir)
        return dir;
    dir = t_tmpdir();
    if (!T_OK(indexer_open_writer(dir, &w, &err), &err))
        return dir;
    T_OK(put(w, 1, "Cài đặt gói", "A", "Để cài đặt gói phần mềm, hãy dùng lệnh apt install.", &err),
         &err);
    T_OK(put(w, 2, "Tường lửa", "B", "Tường lửa lọc gói tin; cài đặt nftables trước.", &err), &err);
    T_OK(put(w, 3, "Sao lưu", "A", "Sao lưu dữ liệu mỗi ngày, cài đặt rsync.", &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    indexer_close(w);
    return dir;
}

static struct ix_query query(const char *text)
{
    struct ix_query q = {0};

    q.text = text;
    q.hi_start = "<b>";
    q.hi_end = "</b>";
    q.escape_html = 1;
    q.snippet_chars = 80;
    return q;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Every field of two results equal. */
static int same_results(const struct ix_results *a, const struct ix_results *b)
{
    if (!a || !b || a->total != b->total || a->exact != b->exact || a->n_hits != b->n_hits ||
        !same_str(a->did_you_mean, b->did_you_mean))
        return 0;
    for (size_t i = 0; i < a->n_hits; i++) {
        const struct ix_hit *x = &a->hits[i], *y = &b->hits[i];
        if (x->record_id != y->record_id || x->weight != y->weight ||
            !same_str(x->title, y->title) || !same_str(x->section_title, y->section_title) ||
            !same_str(x->section_path, y->section_path) || !same_str(x->snippet, y->snippet))
            return 0;
    }
    for (size_t f = 0; f < IX_FACETS_MAX; f++) {
        if (!same_str(a->facets[f].name, b->facets[f].name) ||
            a->facets[f].n_values != b->facets[f].n_values)
            return 0;
        for (size_t j = 0; j < a->facets[f].n_values; j++)
            if (!same_str(a->facets[f].values[j].value, b->facets[f].values[j].value) ||
                a->facets[f].values[j].count != b->facets[f].values[j].count)
                return 0;
    }
    return 1;
}

static void test_hit_equals_search(void)
{
    struct ts_err err;
    indexer *ix = NULL;
    ix_cache *c = ix_cache_new(16);
    struct ix_results *plain = NULL, *miss = NULL, *hit = NULL;
    struct ix_query q = query("cài đặt");
    struct ix_cache_stats st;
    int was_hit = -1;

    T_REQUIRE(T_OK(indexer_open_reader(small_index(), &ix, &err), &err));
    T_OK(indexer_search(ix, &q, &plain, &err), &err);
    T_OK(indexer_search_cached(ix, c, &q, &miss, &was_hit, &err), &err);
    T_EQ_INT(was_hit, 0);
    T_OK(indexer_search_cached(ix, c, &q, &hit, &was_hit, &err), &err);
    T_EQ_INT(was_hit, 1);
    T_CHECK(plain && plain->n_hits == 3);
    T_CHECK(plain && plain->exact); /* 3 records: every match looked at */
    T_CHECK(same_results(plain, miss));
    T_CHECK(same_results(plain, hit));
    T_CHECK(hit != miss && (!hit || !miss || hit->hits != miss->hits)); /* copies, not shared */
    ix_cache_get_stats(c, &st);
    T_EQ_INT(st.hits, 1);
    T_EQ_INT(st.misses, 1);
    T_EQ_INT(st.entries, 1);
    T_CHECK(st.bytes > 0);
    ix_results_free(plain);
    ix_results_free(miss);
    ix_results_free(hit);
    indexer_close(ix);
    ix_cache_free(c);
}

static int cached_hit(indexer *ix, ix_cache *c, const struct ix_query *q)
{
    struct ts_err err;
    struct ix_results *r = NULL;
    int hit = -1;

    if (!T_OK(indexer_search_cached(ix, c, q, &r, &hit, &err), &err))
        return -1;
    ix_results_free(r);
    return hit;
}

static void test_key(void)
{
    struct ts_err err;
    indexer *ix = NULL;
    ix_cache *c = ix_cache_new(64);
    struct ix_query q = query("cài đặt gói");

    T_REQUIRE(T_OK(indexer_open_reader(small_index(), &ix, &err), &err));
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    /* white space and NFD spellings are one query */
    q.text = "  cài   đặt\tgói ";
    T_EQ_INT(cached_hit(ix, c, &q), 1);
    q.text = "ca\xcc\x80i \xc4\x91"
             "a\xcc\xa3\xcc\x86t go\xcc\x81i"; /* NFD */
    T_EQ_INT(cached_hit(ix, c, &q), 1);
    /* anything else that changes the answer is another entry */
    q.text = "cai dat goi";
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.library = "A";
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.library = "B";
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.offset = 1;
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.limit = 5;
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.available_at = "A";
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.year = "2020";
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.hi_start = "[";
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.escape_html = 0;
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    q.snippet_chars = 30;
    T_EQ_INT(cached_hit(ix, c, &q), 0);
    T_EQ_INT(cached_hit(ix, c, &q), 1);
    indexer_close(ix);
    ix_cache_free(c);
}

/* A writer's commit: the next cached search sees it, old entries are gone. */
static void test_commit_invalidates(void)
{
    struct ts_err err;
    indexer *w = NULL, *rd = NULL;
    ix_cache *c = ix_cache_new(16);
    struct ix_query q = query("rsync");
    struct ix_results *r = NULL;
    struct ix_cache_stats st;
    const char *d = t_tmpdir();
    int hit = -1;

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put(w, 1, "Một", "A", "Sao lưu bằng rsync.", &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    T_REQUIRE(T_OK(indexer_open_reader(d, &rd, &err), &err));
    T_EQ_INT(cached_hit(rd, c, &q), 0);
    T_EQ_INT(cached_hit(rd, c, &q), 1);
    /* a new record, and record 1 now held by library B only */
    T_OK(put(w, 2, "Hai", "A", "rsync qua ssh.", &err), &err);
    T_OK(put(w, 1, "Một", "B", "Sao lưu bằng rsync.", &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    if (T_OK(indexer_search_cached(rd, c, &q, &r, &hit, &err), &err)) {
        T_EQ_INT(hit, 0);
        T_EQ_INT(r->n_hits, 2);
    }
    ix_results_free(r);
    r = NULL;
    q.library = "A";
    if (T_OK(indexer_search_cached(rd, c, &q, &r, &hit, &err), &err)) {
        T_EQ_INT(r->n_hits, 1);
        T_CHECK(r->n_hits == 1 && r->hits[0].record_id == 2);
    }
    ix_results_free(r);
    ix_cache_get_stats(c, &st);
    T_EQ_INT(st.invalidations, 1);
    T_EQ_INT(st.entries, 2);
    /* a delete too */
    T_OK(indexer_delete(w, 2, &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    r = NULL;
    if (T_OK(indexer_search_cached(rd, c, &q, &r, &hit, &err), &err)) {
        T_EQ_INT(hit, 0);
        T_EQ_INT(r->n_hits, 0);
    }
    ix_results_free(r);
    indexer_close(rd);
    indexer_close(w);
    ix_cache_free(c);
}

/* Another index (a rebuilt data folder) never sees this one's entries. */
static void test_other_index(void)
{
    struct ts_err err;
    indexer *w = NULL, *a = NULL, *b = NULL;
    ix_cache *c = ix_cache_new(16);
    struct ix_query q = query("rsync");
    struct ix_results *r = NULL;
    const char *d = t_tmpdir();
    int hit = -1;

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put(w, 7, "Bảy", "A", "rsync", &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    indexer_close(w);
    T_REQUIRE(T_OK(indexer_open_reader(small_index(), &a, &err), &err));
    T_REQUIRE(T_OK(indexer_open_reader(d, &b, &err), &err));
    T_EQ_INT(cached_hit(a, c, &q), 0);
    if (T_OK(indexer_search_cached(b, c, &q, &r, &hit, &err), &err)) {
        T_EQ_INT(hit, 0);
        T_CHECK(r->n_hits == 1 && r->hits[0].record_id == 7);
    }
    ix_results_free(r);
    indexer_close(a);
    indexer_close(b);
    ix_cache_free(c);
}

static void test_bounds(void)
{
    struct ts_err err;
    indexer *ix = NULL;
    ix_cache *c = ix_cache_new(2);
    struct ix_query a = query("cài"), b = query("gói"), d = query("tường");
    struct ix_cache_stats st;

    T_REQUIRE(T_OK(indexer_open_reader(small_index(), &ix, &err), &err));
    T_EQ_INT(cached_hit(ix, c, &a), 0);
    T_EQ_INT(cached_hit(ix, c, &b), 0);
    T_EQ_INT(cached_hit(ix, c, &a), 1); /* a is now the most recent */
    T_EQ_INT(cached_hit(ix, c, &d), 0); /* evicts b */
    T_EQ_INT(cached_hit(ix, c, &a), 1);
    T_EQ_INT(cached_hit(ix, c, &b), 0);
    ix_cache_get_stats(c, &st);
    T_EQ_INT(st.entries, 2);
    T_EQ_INT(st.evictions, 2);
    T_CHECK(st.bytes <= 2 * IX_CACHE_ENTRY_BYTES);
    ix_cache_set_capacity(c, 1);
    ix_cache_get_stats(c, &st);
    T_EQ_INT(st.entries, 1);
    ix_cache_set_capacity(c, 0); /* stores nothing, still answers */
    T_EQ_INT(cached_hit(ix, c, &a), 0);
    T_EQ_INT(cached_hit(ix, c, &a), 0);
    ix_cache_get_stats(c, &st);
    T_EQ_INT(st.entries, 0);
    ix_cache_set_capacity(c, 300);
    T_EQ_INT(cached_hit(ix, c, &a), 0);
    T_EQ_INT(cached_hit(ix, c, &a), 1);
    ix_cache_clear(c);
    T_EQ_INT(cached_hit(ix, c, &a), 0);
    T_EQ_INT(cached_hit(ix, NULL, &a), 0); /* no cache: a plain search */
    indexer_close(ix);
    ix_cache_free(c);
}

/* Threads, each with its own reader, one cache, while a writer commits. */
struct worker_arg {
    ix_cache *c;
    const char *dir;
    int failures;
};

static void *worker(void *p)
{
    static const char *const texts[] = {"cài đặt", "gói", "rsync", "tường lửa", "sao lưu"};
    struct worker_arg *a = p;
    struct ts_err err;
    indexer *ix = NULL;

    if (indexer_open_reader(a->dir, &ix, &err)) {
        fprintf(stderr, "  open: %s\n", err.msg);
        a->failures++;
        return NULL;
    }
    for (int i = 0; i < 300; i++) {
        struct ix_query q = query(texts[i % 5]);
        struct ix_results *r = NULL, *plain = NULL;
        int hit = 0;

        if (indexer_search_cached(ix, a->c, &q, &r, &hit, &err)) {
            fprintf(stderr, "  search: %s\n", err.msg);
            a->failures++;
        }
        /* records are only added: a hit never has more than a later search */
        if (hit && indexer_search(ix, &q, &plain, &err) == TS_OK && r && plain &&
            r->n_hits > plain->n_hits) {
            fprintf(stderr, "  '%s': cached %zu hits, fresh %zu\n", q.text, r->n_hits,
                    plain->n_hits);
            a->failures++;
        }
        ix_results_free(r);
        ix_results_free(plain);
    }
    indexer_close(ix);
    return NULL;
}

static void test_threads(void)
{
    struct ts_err err;
    const char *d = t_tmpdir();
    indexer *w = NULL;
    pthread_t th[4];
    struct worker_arg args[4];
    ix_cache *c = ix_cache_new(3); /* small: evictions race with lookups */

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put(w, 1, "Cài đặt gói", "A", "cài đặt gói rsync", &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    for (int i = 0; i < 4; i++) {
        args[i] = (struct worker_arg){c, d, 0};
        pthread_create(&th[i], NULL, worker, &args[i]);
    }
    /* commits a few milliseconds apart, like import batches (back to back, a
     * reader can be overtaken more often than xs_search's three retries) */
    for (int k = 2; k < 12; k++) {
        struct timespec ms5 = {0, 5 * 1000 * 1000};

        T_OK(put(w, k, "Tường lửa", "B", "tường lửa sao lưu rsync", &err), &err);
        T_OK(indexer_commit(w, &err), &err);
        nanosleep(&ms5, NULL);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        T_EQ_INT(args[i].failures, 0);
    }
    indexer_close(w);
    ix_cache_free(c);
}

/* ---- snippets from chunked text ---- */

static void test_chunked_snippets(void)
{
    struct ts_err err;
    const char *d = t_tmpdir();
    indexer *w = NULL;
    struct ts_buf text;
    size_t filler;

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    /* Put "tường lửa" after 0 .. ~3 KiB of filler, so it lands at the start,
     * in the middle and across the edges of the 1 KiB chunks. */
    for (filler = 0; filler < 260; filler += 13) {
        struct ix_query q = query("tường lửa");
        struct ix_results *r = NULL;
        const char *s;

        ts_buf_init(&text, 0);
        for (size_t i = 0; i < filler; i++)
            (void)ts_buf_add(&text, "chữ đầy ");
        (void)ts_buf_add(&text, "tường lửa bảo vệ máy ");
        for (int i = 0; i < 300; i++)
            (void)ts_buf_add(&text, "chữ đầy ");
        T_OK(put(w, 50, "Dài", "A", ts_buf_str(&text), &err), &err);
        q.snippet_chars = 60;
        if (T_OK(indexer_search(w, &q, &r, &err), &err) && T_CHECK(r->n_hits == 1)) {
            s = r->hits[0].snippet;
            T_CHECK(strstr(s, "<b>tường</b> <b>lửa</b> bảo vệ máy") != NULL);
            /* context before the words whenever the text has some */
            if (filler > 0)
                T_CHECK(strncmp(s, "\xE2\x80\xA6", 3) == 0 && strstr(s, "đầy <b>tường</b>"));
            else
                T_CHECK(strncmp(s, "<b>tường</b>", strlen("<b>tường</b>")) == 0);
            T_CHECK(strlen(s) > 60 && strlen(s) < 3 * 60 + 64);
            if (!T_CHECK(strstr(s, "  ") == NULL))
                fprintf(stderr, "  filler %zu: %s\n", filler, s);
        }
        ix_results_free(r);
        ts_buf_free(&text);
    }
    indexer_close(w);
}

/* Words far apart: the snippet shows the best window (both words when they
 * are near each other somewhere), not the first chunk. */
static void test_chunked_best_window(void)
{
    struct ts_err err;
    const char *d = t_tmpdir();
    indexer *w = NULL;
    struct ts_buf text;
    struct ix_query q = query("sao lưu rsync");
    struct ix_results *r = NULL;

    ts_buf_init(&text, 0);
    (void)ts_buf_add(&text, "sao lưu ở đầu. ");
    for (int i = 0; i < 400; i++)
        (void)ts_buf_add(&text, "chữ đầy ");
    (void)ts_buf_add(&text, "rsync ở giữa. ");
    for (int i = 0; i < 400; i++)
        (void)ts_buf_add(&text, "chữ đầy ");
    (void)ts_buf_add(&text, "cuối cùng: sao lưu bằng rsync mỗi ngày. ");
    for (int i = 0; i < 50; i++)
        (void)ts_buf_add(&text, "chữ đầy ");
    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put2(w, 60, "Sổ tay", "Chương hai", "A", ts_buf_str(&text), &err), &err);
    q.snippet_chars = 80;
    if (T_OK(indexer_search(w, &q, &r, &err), &err) && T_CHECK(r->n_hits == 1))
        T_CHECK(strstr(r->hits[0].snippet, "<b>sao</b> <b>lưu</b> bằng <b>rsync</b>") != NULL);
    ix_results_free(r);
    /* words only in the section title: the start of the text */
    q.text = "chuong hai";
    r = NULL;
    if (T_OK(indexer_search(w, &q, &r, &err), &err) && T_CHECK(r->n_hits == 1))
        T_CHECK(strncmp(r->hits[0].snippet, "sao lưu ở đầu", strlen("sao lưu ở đầu")) == 0);
    ix_results_free(r);
    indexer_close(w);
    ts_buf_free(&text);
}

/* A desk change rewrites a record's holdings terms in place
 * (indexer_set_holdings): the positions the snippets are found by must
 * survive it. */
static void test_snippet_after_retag(void)
{
    struct ts_err err;
    const char *d = t_tmpdir();
    const char *libs[1] = {"B"}, *avail[1] = {"B"};
    indexer *w = NULL;
    struct ts_buf text;
    struct ix_query q = query("tường lửa");
    struct ix_results *r = NULL;

    ts_buf_init(&text, 0);
    for (int i = 0; i < 300; i++)
        (void)ts_buf_add(&text, "chữ đầy ");
    (void)ts_buf_add(&text, "tường lửa bảo vệ máy ");
    for (int i = 0; i < 300; i++)
        (void)ts_buf_add(&text, "chữ đầy ");
    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put(w, 70, "Sách", "A", ts_buf_str(&text), &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    T_OK(indexer_set_holdings(w, 70, libs, 1, avail, 1, &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    q.library = "B";
    if (T_OK(indexer_search(w, &q, &r, &err), &err) && T_CHECK(r->n_hits == 1))
        T_CHECK(strstr(r->hits[0].snippet, "<b>tường</b> <b>lửa</b> bảo vệ máy") != NULL);
    ix_results_free(r);
    indexer_close(w);
    ts_buf_free(&text);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"hit_equals_search", test_hit_equals_search},
        {"key", test_key},
        {"commit_invalidates", test_commit_invalidates},
        {"other_index", test_other_index},
        {"bounds", test_bounds},
        {"threads", test_threads},
        {"chunked_snippets", test_chunked_snippets},
        {"chunked_best_window", test_chunked_best_window},
        {"snippet_after_retag", test_snippet_after_retag},
        {0},
    };
    return t_main(cases, argc, argv);
}
