/*
 * tests/unit/indexer/test_index.c - the index end to end on a tiny catalogue:
 * accent-insensitive search with exact matches first, NFD queries, tone
 * placement, phrases, English terms, facets per record, filters, snippets,
 * did-you-mean, completion, idempotent put, delete, uncommitted changes,
 * and the writer lock.
 *
 * Documents are built by hand (struct ix_doc) so the test does not depend
 * on the extractors.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"

/* ---- building the catalogue ---- */

struct sec_def {
    const char *title, *text;
};

struct rec_def {
    int64_t id;
    const char *title, *lang, *type;
    const char *libs[3];
    struct sec_def secs[3];
};

static const struct rec_def recs[] = {
    {1,
     "Cài đặt và quản trị Debian",
     "vi",
     "ebook",
     {"A", "B"},
     {{"Cài đặt gói", "Để cài đặt gói phần mềm trên máy, hãy dùng lệnh apt."},
      {"Gỡ bỏ", "Muốn gỡ gói đã cài thì dùng apt remove."}}},
    {2, "Đồ dùng học tập", "vi", "ebook", {"A"}, {{"Chương 1", "Chiếc bàn học của em rất đẹp."}}},
    {3,
     "Tình bạn",
     "vi",
     "document",
     {"B"},
     {{NULL, "Bạn bè luôn giúp đỡ nhau. Đặt niềm tin, cài then cửa."}}},
    {4, "Địa lý", "vi-VN", "document", {"A"}, {{NULL, "Tấm bản đồ thế giới treo trên tường."}}},
    {5, "Âm nhạc", "vi", "web_page", {"C"}, {{NULL, "Ban nhạc chơi rất hay ở Cộng hòa Séc."}}},
    {6,
     "Debian administration",
     "en-US",
     "ebook",
     {"C"},
     {{"Sources", "Edit the sources.list file on the server & run ssh-keygen to create keys."},
      {"Packages", "Install the package with apt and keep the system up to date."}}},
};
#define N_RECS (sizeof recs / sizeof *recs)

static void doc_free(struct ix_doc *d)
{
    for (size_t i = 0; i < d->n_sections; i++) {
        free(d->sections[i].title);
        free(d->sections[i].path);
        free(d->sections[i].text);
    }
    free(d->sections);
    free(d->title);
    free(d);
}

static struct ix_doc *doc_of(const struct rec_def *r)
{
    struct ix_doc *d = ts_xcalloc(1, sizeof *d);
    char path[32];

    d->title = ts_xstrdup(r->title);
    d->sections = ts_xcalloc(3, sizeof *d->sections);
    for (size_t i = 0; i < 3 && r->secs[i].text; i++) {
        struct ix_section *s = &d->sections[d->n_sections++];

        s->title = r->secs[i].title ? ts_xstrdup(r->secs[i].title) : NULL;
        snprintf(path, sizeof path, "ch%zu.xhtml", i + 1);
        s->path = ts_xstrdup(path);
        s->text = ts_xstrdup(r->secs[i].text);
        s->text_len = strlen(s->text);
    }
    return d;
}

static size_t n_libs(const struct rec_def *r)
{
    size_t n = 0;

    while (n < 3 && r->libs[n])
        n++;
    return n;
}

static int put_rec(indexer *ix, const struct rec_def *r, struct ts_err *err)
{
    struct ix_doc *d = doc_of(r);
    struct ix_prepared *p = NULL;
    struct ix_record rec = {0};
    int rc;

    rec.id = r->id;
    rec.title = r->title;
    rec.language = r->lang;
    rec.resource_type = r->type;
    rec.authors = "Nguyễn Văn An";
    rec.libraries = r->libs;
    rec.n_libraries = n_libs(r);
    rc = ix_prepare(d, &p, err);
    if (rc == TS_OK)
        rc = indexer_put(ix, &rec, p, err);
    ix_prepared_free(p);
    doc_free(d);
    return rc;
}

static const char *dir;

static void build(void)
{
    struct ts_err err;
    indexer *w = NULL;

    if (dir)
        return;
    dir = t_tmpdir();
    if (!T_OK(indexer_open_writer(dir, &w, &err), &err))
        return;
    for (size_t i = 0; i < N_RECS; i++)
        T_OK(put_rec(w, &recs[i], &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    indexer_close(w);
}

/* ---- searching ---- */

struct q {
    const char *text, *library, *language, *type;
};

static struct ix_results *search_q(struct q q)
{
    struct ts_err err;
    struct ix_query iq = {0};
    struct ix_results *r = NULL;
    indexer *ix = NULL;

    build();
    if (!T_OK(indexer_open_reader(dir, &ix, &err), &err))
        return NULL;
    iq.text = q.text;
    iq.library = q.library;
    iq.language = q.language;
    iq.type = q.type;
    iq.hi_start = "[";
    iq.hi_end = "]";
    iq.limit = 20;
    iq.snippet_chars = 60;
    T_OK(indexer_search(ix, &iq, &r, &err), &err);
    indexer_close(ix);
    return r;
}

static struct ix_results *search(const char *text)
{
    return search_q((struct q){text, NULL, NULL, NULL});
}

static int has_hit(const struct ix_results *r, int64_t id)
{
    for (size_t i = 0; r && i < r->n_hits; i++)
        if (r->hits[i].record_id == id)
            return 1;
    return 0;
}

static size_t facet(const struct ix_results *r, const char *name, const char *value)
{
    for (size_t f = 0; f < 3; f++) {
        if (strcmp(r->facets[f].name, name) != 0)
            continue;
        for (size_t j = 0; j < r->facets[f].n_values; j++)
            if (strcmp(r->facets[f].values[j].value, value) == 0)
                return r->facets[f].values[j].count;
    }
    return 0;
}

static void test_unaccented_finds_accented(void)
{
    struct ix_results *r = search("cai dat goi");

    T_REQUIRE(r);
    T_REQUIRE(r->n_hits >= 1);
    T_EQ_INT(r->hits[0].record_id, 1);
    T_EQ_STR(r->hits[0].title, "Cài đặt và quản trị Debian");
    T_EQ_STR(r->hits[0].section_title, "Cài đặt gói");
    T_EQ_STR(r->hits[0].section_path, "ch1.xhtml");
    T_CHECK(strstr(r->hits[0].snippet, "[cài] [đặt] [gói]") != NULL);
    T_CHECK(r->did_you_mean == NULL);
    ix_results_free(r);
}

static void test_exact_ranks_first(void)
{
    struct ix_results *r = search("bàn");
    struct ix_results *all = search("ban");

    T_REQUIRE(r && all);
    T_REQUIRE(r->n_hits >= 1);
    T_EQ_INT(r->hits[0].record_id, 2);
    T_EQ_INT(all->n_hits, 4);
    T_EQ_INT(all->total, 4);
    T_CHECK(has_hit(all, 2) && has_hit(all, 3) && has_hit(all, 4) && has_hit(all, 5));
    ix_results_free(r);
    ix_results_free(all);
}

static void test_nfd_query(void)
{
    struct ix_results *a = search("bàn học");
    struct ix_results *b = search("ba\xcc\x80n ho\xcc\xa3"
                                  "c");

    T_REQUIRE(a && b);
    T_EQ_INT(a->n_hits, b->n_hits);
    for (size_t i = 0; i < a->n_hits && i < b->n_hits; i++)
        T_EQ_INT(a->hits[i].record_id, b->hits[i].record_id);
    T_CHECK(a->n_hits >= 1 && a->hits[0].record_id == 2);
    ix_results_free(a);
    ix_results_free(b);
}

static void test_tone_placement(void)
{
    struct ix_results *r = search("cộng hoà");

    T_REQUIRE(r);
    T_REQUIRE(r->n_hits >= 1);
    T_EQ_INT(r->hits[0].record_id, 5);
    T_CHECK(strstr(r->hits[0].snippet, "[Cộng] [hòa]") != NULL);
    ix_results_free(r);
}

static void test_phrase(void)
{
    struct ix_results *loose = search("cai dat");
    struct ix_results *phrase = search("\"cai dat\"");
    struct ix_results *reversed = search("\"dat cai\"");
    /* heading "Cài đặt gói" then text "Để cài ...": fields do not touch */
    struct ix_results *across = search("\"goi de\"");

    T_REQUIRE(loose && phrase && reversed && across);
    T_EQ_INT(across->n_hits, 0);
    ix_results_free(across);
    T_CHECK(has_hit(loose, 1) && has_hit(loose, 3)); /* record 3: "Đặt ... cài" */
    T_CHECK(has_hit(phrase, 1));
    T_CHECK(!has_hit(phrase, 3));
    T_EQ_INT(reversed->n_hits, 0);
    ix_results_free(loose);
    ix_results_free(phrase);
    ix_results_free(reversed);
}

static void test_english_terms(void)
{
    const char *qs[] = {"sources.list", "ssh-keygen", "on", "to date", "\"the server\""};

    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        struct ix_results *r = search(qs[i]);

        T_REQUIRE(r);
        if (!T_CHECK(r->n_hits >= 1 && r->hits[0].record_id == 6))
            fprintf(stderr, "  query: %s\n", qs[i]);
        ix_results_free(r);
    }
}

static void test_facets_count_records(void)
{
    struct ix_results *r = search("cai");
    struct ix_results *the = search("the");

    T_REQUIRE(r && the);
    /* record 1 matches in its title and both sections: counted once */
    T_EQ_INT(r->total, 2);
    T_EQ_INT(facet(r, "language", "vi"), 2);
    T_EQ_INT(facet(r, "type", "ebook"), 1);
    T_EQ_INT(facet(r, "type", "document"), 1);
    T_EQ_INT(facet(r, "library", "A"), 1);
    T_EQ_INT(facet(r, "library", "B"), 2);
    /* "the" is English "the" and folded "thế" */
    T_EQ_INT(the->total, 2);
    T_EQ_INT(facet(the, "language", "en"), 1);
    T_EQ_INT(facet(the, "language", "vi"), 1);
    ix_results_free(r);
    ix_results_free(the);
}

static void test_filters(void)
{
    struct ix_results *lib = search_q((struct q){"ban", "A", NULL, NULL});
    struct ix_results *en = search_q((struct q){"the", NULL, "en", NULL});
    struct ix_results *vi = search_q((struct q){"the", NULL, "vi", NULL});
    struct ix_results *type = search_q((struct q){"ban", NULL, NULL, "web_page"});
    struct ix_results *none = search_q((struct q){"ban", "Z", NULL, NULL});

    T_REQUIRE(lib && en && vi && type && none);
    T_EQ_INT(lib->n_hits, 2);
    T_CHECK(has_hit(lib, 2) && has_hit(lib, 4));
    T_EQ_INT(en->n_hits, 1);
    T_CHECK(has_hit(en, 6));
    T_EQ_INT(vi->n_hits, 1);
    T_CHECK(has_hit(vi, 4)); /* language "vi-VN" matches "vi" */
    T_EQ_INT(type->n_hits, 1);
    T_CHECK(has_hit(type, 5));
    T_EQ_INT(none->n_hits, 0);
    ix_results_free(lib);
    ix_results_free(en);
    ix_results_free(vi);
    ix_results_free(type);
    ix_results_free(none);
}

static void test_snippet_escaping(void)
{
    struct ts_err err;
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    indexer *ix = NULL;

    build();
    T_REQUIRE(T_OK(indexer_open_reader(dir, &ix, &err), &err));
    q.text = "server";
    q.hi_start = "<b>";
    q.hi_end = "</b>";
    q.escape_html = 1;
    q.snippet_chars = 30;
    if (T_OK(indexer_search(ix, &q, &r, &err), &err) && T_CHECK(r->n_hits == 1)) {
        const char *s = r->hits[0].snippet;

        T_CHECK(strstr(s, "<b>server</b>") != NULL);
        T_CHECK(strstr(s, "&amp;") != NULL);
        T_CHECK(strncmp(s, "\xE2\x80\xA6", 3) == 0); /* cut at the start */
        T_CHECK(strlen(s) < 80);
    }
    ix_results_free(r);
    indexer_close(ix);
}

static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = -1;

        if (*p < 0x80)
            n = 0;
        else if ((*p & 0xE0) == 0xC0)
            n = 1;
        else if ((*p & 0xF0) == 0xE0)
            n = 2;
        else if ((*p & 0xF8) == 0xF0)
            n = 3;

        if (n < 0)
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

/* A long section: every window size gives valid UTF-8 around the match. */
static void test_snippet_windows(void)
{
    struct ts_err err;
    struct ts_buf text;
    struct rec_def long_rec = {9, "Dài", "vi", "ebook", {"A"}, {{NULL, NULL}}};
    struct ix_query q = {0};
    indexer *w = NULL;
    const char *d = t_tmpdir();

    ts_buf_init(&text, 0);
    for (int i = 0; i < 400; i++)
        (void)ts_buf_add(&text, "chữ lấp đầy ");
    (void)ts_buf_add(&text, "tường lửa bảo vệ ");
    for (int i = 0; i < 400; i++)
        (void)ts_buf_add(&text, "chữ lấp đầy ");
    long_rec.secs[0].text = ts_buf_str(&text);
    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put_rec(w, &long_rec, &err), &err);
    q.text = "tuong lua";
    q.hi_start = "[";
    q.hi_end = "]";
    for (size_t n = 1; n <= 120; n += 7) {
        struct ix_results *r = NULL;

        q.snippet_chars = n;
        if (!T_OK(indexer_search(w, &q, &r, &err), &err) || !T_CHECK(r->n_hits == 1)) {
            ix_results_free(r);
            break;
        }
        T_CHECK(valid_utf8(r->hits[0].snippet));
        T_CHECK(strstr(r->hits[0].snippet, "[tường]") != NULL);
        T_CHECK(strncmp(r->hits[0].snippet, "\xE2\x80\xA6", 3) == 0);
        T_CHECK(strstr(r->hits[0].snippet, "  ") == NULL);
        T_CHECK(strlen(r->hits[0].snippet) < 3 * n + 64);
        ix_results_free(r);
    }
    indexer_close(w);
    ts_buf_free(&text);
}

static void test_metadata_hit(void)
{
    struct ix_results *r = search("nguyen van an");

    T_REQUIRE(r);
    T_EQ_INT(r->total, (long long)N_RECS);
    T_REQUIRE(r->n_hits >= 1);
    T_CHECK(r->hits[0].section_title == NULL); /* matched the metadata */
    T_CHECK(strstr(r->hits[0].snippet, "[Nguyễn] [Văn] [An]") != NULL);
    ix_results_free(r);
}

static void test_did_you_mean(void)
{
    /* The dictionary holds title and heading words. */
    struct ix_results *r = search("quảm trị debian");
    struct ix_results *ok = search("quản trị debian");

    /* ... and the words with marks of section text. */
    struct ix_results *body = search("phầm mềm");
    /* Nothing to offer for a word nobody wrote. */
    struct ix_results *none = search("xyzzyq");

    T_REQUIRE(r && ok && body && none);
    T_EQ_STR(r->did_you_mean, "quản trị debian");
    T_CHECK(ok->did_you_mean == NULL);
    T_EQ_STR(body->did_you_mean, "phần mềm");
    T_CHECK(none->did_you_mean == NULL);
    T_EQ_INT(none->n_hits, 0);
    ix_results_free(r);
    ix_results_free(ok);
    ix_results_free(body);
    ix_results_free(none);
}

static void test_paging(void)
{
    struct ts_err err;
    struct ix_query q = {0};
    struct ix_results *all = NULL, *page = NULL;
    indexer *ix = NULL;

    build();
    T_REQUIRE(T_OK(indexer_open_reader(dir, &ix, &err), &err));
    q.text = "ban";
    T_OK(indexer_search(ix, &q, &all, &err), &err);
    q.offset = 1;
    q.limit = 2;
    T_OK(indexer_search(ix, &q, &page, &err), &err);
    if (T_CHECK(all && page && all->n_hits == 4 && page->n_hits == 2)) {
        T_EQ_INT(page->hits[0].record_id, all->hits[1].record_id);
        T_EQ_INT(page->hits[1].record_id, all->hits[2].record_id);
        T_EQ_INT(page->total, 4);
    }
    ix_results_free(all);
    ix_results_free(page);
    indexer_close(ix);
}

static void test_empty_query(void)
{
    struct ts_err err;
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    indexer *ix = NULL;

    build();
    T_REQUIRE(T_OK(indexer_open_reader(dir, &ix, &err), &err));
    q.text = " ,. ";
    T_EQ_INT(indexer_search(ix, &q, &r, &err), TS_EINVAL);
    T_CHECK(r == NULL);
    indexer_close(ix);
}

static void test_suggest(void)
{
    struct ts_err err;
    indexer *ix = NULL;
    char **titles = NULL;
    size_t n = 0;

    build();
    T_REQUIRE(T_OK(indexer_open_reader(dir, &ix, &err), &err));
    if (T_OK(indexer_suggest(ix, "cai d", 5, &titles, &n, &err), &err) && T_CHECK(n == 1))
        T_EQ_STR(titles[0], "Cài đặt và quản trị Debian");
    for (size_t i = 0; i < n; i++)
        free(titles[i]);
    free(titles);
    if (T_OK(indexer_suggest(ix, "Đồ d", 5, &titles, &n, &err), &err) && T_CHECK(n == 1))
        T_EQ_STR(titles[0], "Đồ dùng học tập");
    for (size_t i = 0; i < n; i++)
        free(titles[i]);
    free(titles);
    /* A finished word must match whole: "cai " is not "cài đặt"'s prefix "ca". */
    if (T_OK(indexer_suggest(ix, "ca ", 5, &titles, &n, &err), &err))
        T_EQ_INT(n, 0);
    for (size_t i = 0; i < n; i++)
        free(titles[i]);
    free(titles);
    indexer_close(ix);
}

/* ---- writing ---- */

static void check_ids(indexer *ix, size_t want_n)
{
    struct ts_err err;
    int64_t *ids = NULL;
    size_t *counts = NULL, n = 0;

    if (T_OK(indexer_record_ids(ix, &ids, &counts, &n, &err), &err)) {
        T_EQ_INT(n, want_n);
        for (size_t i = 0; i < n; i++) {
            T_EQ_INT(counts[i], 1);
            if (i)
                T_CHECK(ids[i - 1] < ids[i]);
        }
    }
    free(ids);
    free(counts);
}

static void test_put_idempotent_and_delete(void)
{
    struct ts_err err;
    indexer *w = NULL;
    const char *d = t_tmpdir();
    size_t before;

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    for (size_t i = 0; i < N_RECS; i++)
        T_OK(put_rec(w, &recs[i], &err), &err);
    before = indexer_doc_count(w);
    T_EQ_INT(before, 6 + 8); /* six heads, eight sections */
    T_OK(put_rec(w, &recs[0], &err), &err);
    T_OK(put_rec(w, &recs[0], &err), &err);
    T_EQ_INT(indexer_doc_count(w), before);
    check_ids(w, N_RECS);
    T_OK(indexer_delete(w, 1, &err), &err);
    T_OK(indexer_delete(w, 99, &err), &err); /* absent: fine */
    T_EQ_INT(indexer_doc_count(w), before - 3);
    check_ids(w, N_RECS - 1);
    T_OK(indexer_commit(w, &err), &err);
    T_OK(indexer_clear(w, &err), &err);
    T_EQ_INT(indexer_doc_count(w), 0);
    indexer_close(w); /* not committed: the clear is discarded */

    T_REQUIRE(T_OK(indexer_open_reader(d, &w, &err), &err));
    T_EQ_INT(indexer_doc_count(w), before - 3);
    indexer_close(w);
}

/* A desk change rewrites where a record is held and available, on every
 * document of the record, and nothing else: text, language and type stay. */
static void test_set_holdings(void)
{
    static const char *const libs[] = {"A", "Q1"}, *const avail[] = {"Q1"};
    struct ts_err err;
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    indexer *w = NULL;
    const char *d = t_tmpdir();
    size_t before;

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    for (size_t i = 0; i < N_RECS; i++)
        T_OK(put_rec(w, &recs[i], &err), &err);
    before = indexer_doc_count(w);
    /* record 1 ("Cài đặt..."): held at A and B, nothing available */
    T_OK(indexer_set_holdings(w, 1, libs, 2, avail, 1, &err), &err);
    T_OK(indexer_set_holdings(w, 99, libs, 2, avail, 1, &err), &err); /* no documents: fine */
    T_OK(indexer_commit(w, &err), &err);
    T_EQ_INT(indexer_doc_count(w), before);
    q.text = "cai dat goi";
    q.limit = 10;
    q.available_at = "Q1";
    T_OK(indexer_search(w, &q, &r, &err), &err);
    T_CHECK(has_hit(r, 1));
    T_CHECK(r && r->n_hits && r->hits[0].section_path); /* sections were retagged too */
    ix_results_free(r);
    q.available_at = NULL;
    q.library = "B"; /* no longer held at B */
    T_OK(indexer_search(w, &q, &r, &err), &err);
    T_CHECK(!has_hit(r, 1));
    ix_results_free(r);
    q.library = "Q1";
    q.language = "vi"; /* XLANG terms share the XL prefix and must survive */
    q.type = "ebook";
    T_OK(indexer_search(w, &q, &r, &err), &err);
    T_CHECK(has_hit(r, 1));
    T_CHECK(r && facet(r, "library", "Q1") == 1 && facet(r, "library", "B") == 0);
    ix_results_free(r);
    /* and back: nowhere available */
    T_OK(indexer_set_holdings(w, 1, libs, 2, NULL, 0, &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    q.library = NULL;
    q.available_at = "Q1";
    T_OK(indexer_search(w, &q, &r, &err), &err);
    T_CHECK(!has_hit(r, 1));
    ix_results_free(r);
    indexer_close(w);
}

static void test_same_prepared_twice(void)
{
    struct ts_err err;
    indexer *w = NULL;
    struct ix_doc *doc = doc_of(&recs[1]);
    struct ix_prepared *p = NULL;
    struct ix_record a = {.id = 10, .title = "A", .language = "vi"};
    struct ix_record b = {.id = 11, .title = "B", .language = "en"};
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    const char *d = t_tmpdir();

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(ix_prepare(doc, &p, &err), &err);
    T_OK(indexer_put(w, &a, p, &err), &err);
    T_OK(indexer_put(w, &b, p, &err), &err);
    q.text = "bàn";
    q.language = "vi";
    if (T_OK(indexer_search(w, &q, &r, &err), &err)) {
        T_EQ_INT(r->n_hits, 1); /* record 11's section did not inherit 10's terms */
        T_CHECK(has_hit(r, 10));
        T_EQ_STR(r->hits[0].title, "A");
    }
    ix_results_free(r);
    ix_prepared_free(p);
    doc_free(doc);
    indexer_close(w);
}

static void test_uncommitted_invisible(void)
{
    struct ts_err err;
    indexer *w = NULL, *rd = NULL;
    struct rec_def extra = {7, "Sách mới", "vi", "ebook", {"A"}, {{NULL, "nội dung"}}};
    const char *d = t_tmpdir();

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put_rec(w, &recs[0], &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    T_OK(put_rec(w, &extra, &err), &err);
    T_REQUIRE(T_OK(indexer_open_reader(d, &rd, &err), &err));
    T_EQ_INT(indexer_doc_count(rd), 3);
    indexer_close(w); /* closing discards record 7 */
    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_EQ_INT(indexer_doc_count(w), 3);
    check_ids(w, 1);
    indexer_close(w);
    indexer_close(rd);
}

static void test_reader_sees_commits(void)
{
    struct ts_err err;
    indexer *w = NULL, *rd = NULL;
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    const char *d = t_tmpdir();

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put_rec(w, &recs[0], &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    T_REQUIRE(T_OK(indexer_open_reader(d, &rd, &err), &err));
    q.text = "ban";
    if (T_OK(indexer_search(rd, &q, &r, &err), &err))
        T_EQ_INT(r->n_hits, 0);
    ix_results_free(r);
    r = NULL;
    T_OK(put_rec(w, &recs[1], &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    if (T_OK(indexer_search(rd, &q, &r, &err), &err)) /* same reader, reopened */
        T_EQ_INT(r->n_hits, 1);
    ix_results_free(r);
    indexer_close(rd);
    indexer_close(w);
}

/* ix_prepare in two threads at once, as the import pipeline does. */
struct prep_job {
    const struct rec_def *def;
    struct ix_prepared *p;
    int rc;
};

static void *prep_thread(void *arg)
{
    struct prep_job *j = arg;
    struct ts_err err;

    for (int k = 0; k < 20; k++) {
        struct ix_doc *d = doc_of(j->def);

        ix_prepared_free(j->p);
        j->p = NULL;
        j->rc = ix_prepare(d, &j->p, &err);
        doc_free(d);
        if (j->rc)
            break;
    }
    return NULL;
}

static void test_prepare_threads(void)
{
    struct ts_err err;
    struct prep_job jobs[2] = {{&recs[0], NULL, 0}, {&recs[5], NULL, 0}};
    pthread_t th[2];
    indexer *w = NULL;
    const char *d = t_tmpdir();

    for (int i = 0; i < 2; i++)
        T_REQUIRE(pthread_create(&th[i], NULL, prep_thread, &jobs[i]) == 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    T_EQ_INT(jobs[0].rc, TS_OK);
    T_EQ_INT(jobs[1].rc, TS_OK);
    if (T_OK(indexer_open_writer(d, &w, &err), &err)) {
        struct ix_record a = {.id = 1, .title = "a"}, b = {.id = 6, .title = "b"};

        T_OK(indexer_put(w, &a, jobs[0].p, &err), &err);
        T_OK(indexer_put(w, &b, jobs[1].p, &err), &err);
        T_EQ_INT(indexer_doc_count(w), 2 + 2 + 2);
        indexer_close(w);
    }
    ix_prepared_free(jobs[0].p);
    ix_prepared_free(jobs[1].p);
}

static void test_clear_spelling(void)
{
    struct ts_err err;
    indexer *w = NULL;
    struct ix_query q = {0};
    struct ix_results *r = NULL;
    /* "debian" only in body text: unmarked, so not a dictionary word */
    struct rec_def body = {8, "Sách", "vi", "ebook", {"A"}, {{NULL, "cài debian"}}};
    const char *d = t_tmpdir();

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_OK(put_rec(w, &recs[5], &err), &err); /* title "Debian administration" */
    T_OK(indexer_commit(w, &err), &err);
    q.text = "debain";
    if (T_OK(indexer_search(w, &q, &r, &err), &err))
        T_EQ_STR(r->did_you_mean, "debian");
    ix_results_free(r);
    r = NULL;
    T_OK(indexer_clear(w, &err), &err);
    T_OK(put_rec(w, &body, &err), &err);
    T_OK(indexer_commit(w, &err), &err);
    if (T_OK(indexer_search(w, &q, &r, &err), &err)) /* the title's words went too */
        T_CHECK(r->did_you_mean == NULL);
    ix_results_free(r);
    indexer_close(w);
}

static void test_writer_lock(void)
{
    struct ts_err err;
    indexer *w = NULL, *w2 = NULL;
    const char *d = t_tmpdir();

    T_REQUIRE(T_OK(indexer_open_writer(d, &w, &err), &err));
    T_EQ_INT(indexer_open_writer(d, &w2, &err), TS_EBUSY);
    T_CHECK(strstr(err.msg, "locked by another tusach process") != NULL);
    T_CHECK(w2 == NULL);
    indexer_close(w);
    T_REQUIRE(T_OK(indexer_open_writer(d, &w2, &err), &err)); /* released on close */
    indexer_close(w2);
}

static void test_reader_missing(void)
{
    struct ts_err err;
    indexer *r = NULL;
    char path[512];

    snprintf(path, sizeof path, "%s/nothing-here", t_tmpdir());
    T_EQ_INT(indexer_open_reader(path, &r, &err), TS_ENOTFOUND);
    T_CHECK(r == NULL);
}

/* Words typed side by side rank the document that has them side by side
 * first: through the phrase boost for English (no bigram terms), through the
 * folded bigram for Vietnamese typed without marks (search.c, search_parsed).
 * Equal lengths and term counts; the apart document has the lower id, so it
 * wins any tie. */
static void test_pair_boosts(void)
{
    static const struct rec_def pair_recs[] = {
        {11, "Notes one", "en", "document", {"A"},
         {{NULL, "The list of tools is short and each package is small."}}},
        {12, "Notes two", "en", "document", {"A"},
         {{NULL, "The tools are short and each package list is small."}}},
        {13, "Ghi chép một", "vi", "document", {"A"},
         {{NULL, "Đặt máy lên bàn rồi cài phần mềm mới."}}},
        {14, "Ghi chép hai", "vi", "document", {"A"},
         {{NULL, "Máy lên bàn rồi cài đặt phần mềm mới."}}},
    };
    const char *d = t_tmpdir();
    struct ts_err err;
    indexer *ix = NULL;
    const char *qs[] = {"package list", "cai dat"};
    const int64_t want[] = {12, 14};

    T_REQUIRE(T_OK(indexer_open_writer(d, &ix, &err), &err));
    for (size_t i = 0; i < sizeof pair_recs / sizeof *pair_recs; i++)
        T_OK(put_rec(ix, &pair_recs[i], &err), &err);
    T_OK(indexer_commit(ix, &err), &err);
    indexer_close(ix);
    T_REQUIRE(T_OK(indexer_open_reader(d, &ix, &err), &err));
    for (size_t i = 0; i < 2; i++) {
        struct ix_query iq = {0};
        struct ix_results *r = NULL;

        iq.text = qs[i];
        iq.limit = 10;
        T_REQUIRE(T_OK(indexer_search(ix, &iq, &r, &err), &err));
        T_EQ_INT(r->n_hits, 2);
        if (!T_CHECK(r->n_hits >= 1 && r->hits[0].record_id == want[i]))
            fprintf(stderr, "  query: %s\n", qs[i]);
        ix_results_free(r);
    }
    indexer_close(ix);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"unaccented_finds_accented", test_unaccented_finds_accented},
        {"exact_ranks_first", test_exact_ranks_first},
        {"nfd_query", test_nfd_query},
        {"tone_placement", test_tone_placement},
        {"phrase", test_phrase},
        {"pair_boosts", test_pair_boosts},
        {"english_terms", test_english_terms},
        {"facets_count_records", test_facets_count_records},
        {"filters", test_filters},
        {"snippet_escaping", test_snippet_escaping},
        {"snippet_windows", test_snippet_windows},
        {"metadata_hit", test_metadata_hit},
        {"did_you_mean", test_did_you_mean},
        {"empty_query", test_empty_query},
        {"paging", test_paging},
        {"suggest", test_suggest},
        {"put_idempotent_and_delete", test_put_idempotent_and_delete},
        {"same_prepared_twice", test_same_prepared_twice},
        {"set_holdings", test_set_holdings},
        {"uncommitted_invisible", test_uncommitted_invisible},
        {"reader_sees_commits", test_reader_sees_commits},
        {"prepare_threads", test_prepare_threads},
        {"clear_spelling", test_clear_spelling},
        {"writer_lock", test_writer_lock},
        {"reader_missing", test_reader_missing},
        {0},
    };
    return t_main(cases, argc, argv);
}
