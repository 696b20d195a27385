/*
 * tests/unit/catalog/test_dloan.c - digital lending (catalog/dloan.c): open
 * files for anyone, lendable files with N concurrent loans, on-site files,
 * access ending by itself at the due time, early returns, housekeeping and
 * the privacy of ended loans.
 */
#include <time.h>

#include "circ_fixture.h"

static const char *dir;

static int64_t add_file(struct fx *f, int64_t record, char hexdigit)
{
    struct cat_file_in in = {0};
    char sha[65];
    int64_t id = 0;

    memset(sha, hexdigit, 64);
    sha[64] = '\0';
    in.sha256 = sha;
    in.size = 1000;
    in.media_type = "application/epub+zip";
    in.format = "epub";
    in.name = "sach.epub";
    T_OK(catalog_tx_begin(f->cat, &f->err), &f->err);
    T_OK(catalog_file_add(f->cat, record, &in, &id, &f->err), &f->err);
    T_OK(catalog_tx_end(f->cat, TS_OK, &f->err), &f->err);
    return id;
}

static void test_open_and_onsite(void)
{
    struct fx f;
    struct cat_dloan d;
    struct cat_dloan_state s;
    int64_t open, onsite;

    if (!fx_open(&f, dir, "open"))
        return;
    open = add_file(&f, f.rec1, 'a');
    onsite = add_file(&f, f.rec2, 'b');
    /* open (the default): anyone, no loan */
    T_OK(catalog_dloan_access(f.cat, open, 0, &f.err), &f.err);
    T_OK(catalog_dloan_access(f.cat, open, f.hs1, &f.err), &f.err);
    T_EQ_INT(catalog_dloan_borrow(f.cat, open, f.hs1, "t", &d, &f.err), TS_EINVAL);
    T_CHECK(strstr(f.err.msg, "openly licensed"));
    T_OK(catalog_dloan_state(f.cat, open, &s, &f.err), &f.err);
    T_EQ_STR(s.access, "open");
    /* on site only */
    T_OK(catalog_file_set_access(f.cat, onsite, "onsite", 0, 0, "t", &f.err), &f.err);
    T_EQ_INT(catalog_dloan_access(f.cat, onsite, f.hs1, &f.err), TS_EPERM);
    T_EQ_INT(catalog_dloan_access(f.cat, onsite, 0, &f.err), TS_EPERM);
    T_EQ_INT(catalog_dloan_borrow(f.cat, onsite, f.hs1, "t", &d, &f.err), TS_EPERM);
    /* bad settings and unknown files */
    T_EQ_INT(catalog_file_set_access(f.cat, open, "lendable", 0, 14, "t", &f.err), TS_EINVAL);
    T_EQ_INT(catalog_file_set_access(f.cat, open, "lendable", 1, 0, "t", &f.err), TS_EINVAL);
    T_EQ_INT(catalog_file_set_access(f.cat, open, "secret", 0, 0, "t", &f.err), TS_EINVAL);
    T_EQ_INT(catalog_file_set_access(f.cat, 999, "open", 0, 0, "t", &f.err), TS_ENOTFOUND);
    T_EQ_INT(catalog_dloan_access(f.cat, 999, 0, &f.err), TS_ENOTFOUND);
    T_EQ_INT(catalog_dloan_borrow(f.cat, 999, f.hs1, "t", &d, &f.err), TS_ENOTFOUND);
    fx_close(&f);
}

static void test_lendable_copies(void)
{
    struct fx f;
    struct cat_dloan d;
    struct cat_dloan_state s;
    int64_t file, events, n;

    if (!fx_open(&f, dir, "lend"))
        return;
    file = add_file(&f, f.rec1, 'c');
    T_OK(catalog_file_set_access(f.cat, file, "lendable", 2, 14, "t", &f.err), &f.err);
    /* not logged in / not borrowed */
    T_EQ_INT(catalog_dloan_access(f.cat, file, 0, &f.err), TS_EAUTH);
    T_EQ_INT(catalog_dloan_access(f.cat, file, f.hs1, &f.err), TS_EPERM);
    /* two copies: two readers, the third waits */
    events = catalog_event_count(f.cat, NULL);
    T_OK(catalog_dloan_borrow(f.cat, file, f.hs1, "t", &d, &f.err), &f.err);
    T_EQ_INT(d.due_at, FX_T0 + 14 * FX_DAY);
    T_EQ_INT(catalog_event_count(f.cat, NULL) - events, 1);
    f.now += FX_DAY;
    T_OK(catalog_dloan_borrow(f.cat, file, f.hs2, "t", &d, &f.err), &f.err);
    T_EQ_INT(catalog_dloan_borrow(f.cat, file, f.hs1, "t", &d, &f.err), TS_ECONFLICT);
    T_CHECK(strstr(f.err.msg, "already borrowed this file (until 2023-11-28)"));
    events = catalog_event_count(f.cat, NULL);
    T_EQ_INT(catalog_dloan_borrow(f.cat, file, f.gv1, "t", &d, &f.err), TS_ECONFLICT);
    T_CHECK(
        strstr(f.err.msg, "all 2 copies of this file are lent: one is free again on 2023-11-28"));
    T_EQ_INT(catalog_event_count(f.cat, NULL) - events, 0);
    T_OK(catalog_dloan_state(f.cat, file, &s, &f.err), &f.err);
    T_CHECK(s.copies == 2 && s.on_loan == 2 && s.next_free == FX_T0 + 14 * FX_DAY);
    T_OK(catalog_dloan_access(f.cat, file, f.hs1, &f.err), &f.err);
    T_EQ_INT(catalog_dloan_access(f.cat, file, f.gv1, &f.err), TS_EPERM);
    /* access ends by itself: no job has run */
    f.now = FX_T0 + 14 * FX_DAY;
    T_EQ_INT(catalog_dloan_access(f.cat, file, f.hs1, &f.err), TS_EPERM);
    T_OK(catalog_dloan_access(f.cat, file, f.hs2, &f.err), &f.err);
    T_OK(catalog_dloan_borrow(f.cat, file, f.gv1, "t", &d, &f.err), &f.err);
    T_EQ_INT(catalog_dloan_borrow(f.cat, file, f.nl1, "t", &d, &f.err), TS_ECONFLICT);
    /* an early return frees a copy; the ended reader may borrow again */
    T_OK(catalog_dloan_return(f.cat, file, f.hs2, "t", &f.err), &f.err);
    T_EQ_INT(catalog_dloan_return(f.cat, file, f.hs2, "t", &f.err), TS_ECONFLICT);
    T_EQ_INT(catalog_dloan_access(f.cat, file, f.hs2, &f.err), TS_EPERM);
    T_OK(catalog_dloan_borrow(f.cat, file, f.hs1, "t", &d, &f.err), &f.err);
    T_EQ_INT(catalog_dloan_return(f.cat, file, f.nl1, "t", &f.err), TS_ECONFLICT);
    /* blocked readers do not borrow */
    T_OK(catalog_reader_set_blocked(f.cat, f.nl1, "x", "t", &f.err), &f.err);
    T_OK(catalog_dloan_return(f.cat, file, f.gv1, "t", &f.err), &f.err);
    T_EQ_INT(catalog_dloan_borrow(f.cat, file, f.nl1, "t", &d, &f.err), TS_ECONFLICT);
    T_CHECK(strstr(f.err.msg, "blocked"));
    /* privacy: ended loans lose their reader, unless history is on */
    T_OK(catalog_reader_set_history(f.cat, f.gv1, 1, "t", &f.err), &f.err);
    T_OK(catalog_dloan_borrow(f.cat, file, f.gv1, "t", &d, &f.err), &f.err);
    f.now += 30 * FX_DAY;
    T_OK(catalog_dloan_close_expired(f.cat, &n, &f.err), &f.err);
    T_EQ_INT(n, 2); /* HS-1's second loan and GV-1's */
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM dloan WHERE returned_at IS NULL"), 0);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM dloan WHERE reader_id IS NOT NULL"), 1);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(DISTINCT reader_id) FROM dloan"), 1); /* GV-1 only */
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM dloan"), 5);
    fx_events_anonymous(&f, "HS-1", "Nguyễn Văn An");
    fx_check_invariants(&f);
    /* lendable -> open: anyone again */
    T_OK(catalog_file_set_access(f.cat, file, "open", 0, 0, "t", &f.err), &f.err);
    T_OK(catalog_dloan_access(f.cat, file, 0, &f.err), &f.err);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM file_lending"), 0);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"open_and_onsite", test_open_and_onsite},
        {"lendable_copies", test_lendable_copies},
        {0},
    };
    setenv("TZ", "UTC", 1);
    tzset();
    dir = t_tmpdir();
    return t_main(cases, argc, argv);
}
