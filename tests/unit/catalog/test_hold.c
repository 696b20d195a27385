/*
 * tests/unit/catalog/test_hold.c - the hold state machine (catalog/hold.c):
 * placing (every refusal, as a table), the first-come queue per pickup
 * library, filling on return, fulfilment by checkout, cancel and expiry in
 * every state, the copy moving on to the next reader, notices, a reader's
 * deactivation, record merges, and privacy of closed holds.
 */
#include <time.h>

#include "circ_fixture.h"

static const char *dir;

/* Both copies of record 1 at A out to the teacher: a hold at A can wait. */
static void out_at_a(struct fx *f)
{
    T_OK(fx_checkout(f, f->a, "A-1", f->gv1), &f->err);
    T_OK(fx_checkout(f, f->a, "A-2", f->gv1), &f->err);
}

static int64_t place(struct fx *f, int64_t reader, int64_t record, int64_t lib)
{
    int64_t h = 0;
    T_OK(catalog_hold_place(f->cat, reader, record, lib, "t", &h, &f->err), &f->err);
    return h;
}

static const char *status_of(struct fx *f, int64_t hold, char *buf, size_t cap)
{
    struct cat_hold h;
    struct ts_err err = {0};

    if (catalog_hold_get(f->cat, hold, &h, &err)) {
        snprintf(buf, cap, "?");
        return buf;
    }
    snprintf(buf, cap, "%s", h.status);
    cat_hold_clear(&h);
    return buf;
}

/* ---------------------------------------------------------------- placing */

enum pre {
    P_NONE,
    P_OUT_AT_A,    /* on loan to GV-1 */
    P_DUPLICATE,   /* as P_OUT_AT_A, and HS-1 already waits for record 1 */
    P_OWN_COPY,    /* A-1 on loan to HS-1, A-2 to GV-1 */
    P_BLOCKED,     /* P_OUT_AT_A, HS-1 blocked */
    P_INACTIVE,    /* P_OUT_AT_A, HS-1 deactivated */
    P_HOLD_LIMIT,  /* pupils at A: 1 item; HS-1 waits for record 2 */
    P_NO_COPIES,   /* record 3 has no copy; record 4 only lost/withdrawn ones */
    P_READY_OTHER, /* HS-2's hold on record 1 is ready (A-1 on the shelf for HS-2) */
};

struct place_row {
    const char *name;
    enum pre pre;
    int reader;  /* 0 HS-1, 1 unknown */
    int record;  /* 1, 2, 3, 4 or 9 (unknown) */
    char pickup; /* 'A', 'B', 'Z' (unknown) */
    int rc;
    const char *msg;
};

static const struct place_row places[] = {
    {"all copies at the pickup library out", P_OUT_AT_A, 0, 1, 'A', TS_OK, NULL},
    {"copy on the shelf at a library elsewhere", P_NONE, 0, 2, 'B', TS_OK, NULL},
    {"copy on the shelf at the pickup library", P_NONE, 0, 1, 'A', TS_ECONFLICT,
     "a copy is on the shelf at A now: borrow it at the desk"},
    {"copy on the shelf at the other pickup", P_NONE, 0, 1, 'B', TS_ECONFLICT, "on the shelf at B"},
    {"already an active hold", P_DUPLICATE, 0, 1, 'A', TS_ECONFLICT,
     "already has a hold on this title"},
    {"already a copy on loan", P_OWN_COPY, 0, 1, 'A', TS_ECONFLICT,
     "already has a copy of this title on loan (due 2023-11-28)"},
    {"reader blocked", P_BLOCKED, 0, 1, 'A', TS_ECONFLICT, "is blocked"},
    {"reader inactive", P_INACTIVE, 0, 1, 'A', TS_ECONFLICT, "no longer active"},
    {"hold limit", P_HOLD_LIMIT, 0, 1, 'A', TS_ECONFLICT,
     "has 1 active holds: the limit for pupils at A is 1"},
    {"no copy at all", P_NO_COPIES, 0, 3, 'A', TS_ECONFLICT, "no library has a copy"},
    {"only lost and withdrawn copies", P_NO_COPIES, 0, 4, 'A', TS_ECONFLICT,
     "no library has a copy"},
    {"copy on the hold shelf for another", P_READY_OTHER, 0, 1, 'A', TS_OK, NULL},
    {"unknown reader", P_OUT_AT_A, 1, 1, 'A', TS_ENOTFOUND, "no reader"},
    {"unknown record", P_OUT_AT_A, 0, 9, 'A', TS_ENOTFOUND, "no record #999"},
    {"unknown pickup library", P_OUT_AT_A, 0, 1, 'Z', TS_ENOTFOUND, "no library"},
};

static void test_place(void)
{
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        const struct place_row *r = &places[i];
        struct fx f;
        struct cat_policy p;
        char name[32];
        int64_t rec3 = 0, rec4 = 0, record, lib, h, events;
        int rc;

        snprintf(name, sizeof name, "place-%zu", i);
        if (!fx_open(&f, dir, name))
            return;
        switch (r->pre) {
        case P_NONE: break;
        case P_OUT_AT_A: out_at_a(&f); break;
        case P_DUPLICATE:
            out_at_a(&f);
            place(&f, f.hs1, f.rec1, f.a);
            break;
        case P_OWN_COPY:
            T_OK(fx_checkout(&f, f.a, "A-1", f.hs1), &f.err);
            T_OK(fx_checkout(&f, f.a, "A-2", f.gv1), &f.err);
            break;
        case P_BLOCKED:
            out_at_a(&f);
            T_OK(catalog_reader_set_blocked(f.cat, f.hs1, "x", "t", &f.err), &f.err);
            break;
        case P_INACTIVE:
            out_at_a(&f);
            T_OK(catalog_reader_deactivate(f.cat, f.hs1, "t", &f.err), &f.err);
            break;
        case P_HOLD_LIMIT:
            out_at_a(&f);
            T_OK(catalog_policy_get(f.cat, f.a, "pupil", &p, &f.err), &f.err);
            p.max_items = 1;
            T_OK(catalog_policy_set(f.cat, f.a, "pupil", &p, "t", &f.err), &f.err);
            T_OK(fx_checkout(&f, f.a, "A-3", f.gv1), &f.err);
            place(&f, f.hs1, f.rec2, f.a);
            break;
        case P_NO_COPIES:
            rec3 = fx_record(&f, "Không có bản nào");
            rec4 = fx_record(&f, "Mất hết");
            fx_item(&f, rec4, "X-1", "A", "lost");
            fx_item(&f, rec4, "X-2", "A", NULL);
            T_OK(catalog_item_withdraw(f.cat, "X-2", "t", &f.err), &f.err);
            break;
        case P_READY_OTHER:
            out_at_a(&f);
            place(&f, f.hs2, f.rec1, f.a);
            T_OK(fx_return(&f, f.a, "A-1"), &f.err);
            break;
        }
        record = r->record == 1   ? f.rec1
                 : r->record == 2 ? f.rec2
                 : r->record == 3 ? rec3
                 : r->record == 4 ? rec4
                                  : 999;
        lib = r->pickup == 'A' ? f.a : r->pickup == 'B' ? f.b : 999;
        events = catalog_event_count(f.cat, NULL);
        rc = catalog_hold_place(f.cat, r->reader ? 9999 : f.hs1, record, lib, "t", &h, &f.err);
        if (!T_EQ_INT(rc, r->rc))
            fprintf(stderr, "  # row '%s': %s\n", r->name, f.err.msg);
        if (r->msg && !T_CHECK(strstr(f.err.msg, r->msg)))
            fprintf(stderr, "  # row '%s': \"%s\" lacks \"%s\"\n", r->name, f.err.msg, r->msg);
        T_EQ_INT(catalog_event_count(f.cat, NULL) - events, rc == TS_OK ? 1 : 0);
        if (rc == TS_OK) {
            char st[16];
            T_EQ_STR(status_of(&f, h, st, sizeof st), "waiting");
        } else {
            T_EQ_INT(h, 0);
        }
        fx_check_invariants(&f);
        fx_close(&f);
    }
}

/* ---------------------------------------------------------------- the queue */

static void test_queue_fill_fulfil(void)
{
    struct fx f;
    struct cat_hold *v = NULL, h;
    struct cat_notice *no = NULL;
    struct cat_desk da;
    struct cat_loan l;
    size_t n = 0;
    int64_t h_hs2, h_hs1, h_nl1;
    char st[16], where[32];

    if (!fx_open(&f, dir, "queue"))
        return;
    da = fx_desk(f.a);
    out_at_a(&f);
    h_hs2 = place(&f, f.hs2, f.rec1, f.a);
    f.now += 3600;
    h_hs1 = place(&f, f.hs1, f.rec1, f.a);
    f.now += 3600;
    h_nl1 = place(&f, f.nl1, f.rec1, f.a); /* B-1 is on the shelf at B, not at A */
    T_OK(catalog_hold_list(f.cat, 0, f.a, f.rec1, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 3);
    if (n == 3) {
        T_EQ_INT(v[0].id, h_hs2);
        T_EQ_INT(v[0].position, 1);
        T_EQ_INT(v[1].id, h_hs1);
        T_EQ_INT(v[1].position, 2);
        T_EQ_INT(v[2].id, h_nl1);
        T_EQ_INT(v[2].position, 3);
        T_EQ_STR(v[2].reader_card, "NL-1");
    }
    cat_hold_list_free(v, n);
    /* first come, first served */
    T_OK(fx_return(&f, f.a, "A-2"), &f.err);
    T_EQ_STR(status_of(&f, h_hs2, st, sizeof st), "ready");
    T_EQ_STR(fx_where(&f, "A-2", where, sizeof where), "on_hold_shelf@A");
    T_OK(catalog_hold_get(f.cat, h_hs1, &h, &f.err), &f.err);
    T_EQ_INT(h.position, 1);
    cat_hold_clear(&h);
    T_OK(catalog_hold_get(f.cat, h_hs2, &h, &f.err), &f.err);
    T_EQ_STR(h.barcode, "A-2");
    T_EQ_INT(h.expires_at, f.now + 5 * FX_DAY);
    cat_hold_clear(&h);
    T_OK(catalog_notice_list(f.cat, f.hs2, &no, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    if (n == 1) {
        T_EQ_STR(no[0].kind, "hold_ready");
        T_EQ_STR(no[0].title, "Dế Mèn phiêu lưu ký");
        T_EQ_STR(no[0].library, "A");
        T_EQ_STR(no[0].barcode, "A-2");
        T_EQ_INT(no[0].seen_at, 0);
        T_OK(catalog_notice_seen(f.cat, f.hs2, no[0].id, &f.err), &f.err);
        T_EQ_INT(catalog_notice_seen(f.cat, f.hs1, no[0].id, &f.err), TS_ENOTFOUND);
    }
    cat_notice_list_free(no, n);
    T_OK(fx_return(&f, f.a, "A-1"), &f.err);
    T_EQ_STR(status_of(&f, h_hs1, st, sizeof st), "ready");
    /* the copy on the shelf for HS-2 is not HS-1's */
    T_EQ_INT(catalog_loan_checkout(f.cat, &da, "A-2", f.hs1, &l, &f.err), TS_ECONFLICT);
    /* ready -> fulfilled by the reader's checkout */
    T_OK(catalog_loan_checkout(f.cat, &da, "A-2", f.hs2, &l, &f.err), &f.err);
    cat_loan_clear(&l);
    T_OK(catalog_hold_get(f.cat, h_hs2, &h, &f.err), &f.err);
    T_EQ_STR(h.status, "fulfilled");
    T_EQ_INT(h.reader_id, 0); /* privacy: closed holds forget the reader */
    T_CHECK(h.closed_at == f.now);
    cat_hold_clear(&h);
    T_OK(catalog_notice_list(f.cat, f.hs2, &no, &n, &f.err), &f.err);
    T_EQ_INT(n, 0);
    cat_notice_list_free(no, n);
    /* ready -> cancelled: the copy goes to the next in line */
    T_OK(catalog_hold_cancel(f.cat, h_hs1, "t", &f.err), &f.err);
    T_EQ_STR(status_of(&f, h_hs1, st, sizeof st), "cancelled");
    T_EQ_STR(status_of(&f, h_nl1, st, sizeof st), "ready");
    T_EQ_STR(fx_where(&f, "A-1", where, sizeof where), "on_hold_shelf@A");
    T_OK(catalog_hold_list(f.cat, f.nl1, 0, 0, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    if (n == 1)
        T_EQ_STR(v[0].barcode, "A-1");
    cat_hold_list_free(v, n);
    /* and when nobody waits, back on the shelf */
    T_OK(catalog_hold_cancel(f.cat, h_nl1, "t", &f.err), &f.err);
    T_EQ_STR(fx_where(&f, "A-1", where, sizeof where), "available@A");
    fx_events_anonymous(&f, "HS-1", "Nguyễn Văn An");
    fx_events_anonymous(&f, "HS-2", "Trần Thị Bình");
    fx_check_invariants(&f);
    fx_close(&f);
}

/* ---------------------------------------------------------------- cancel, every state */

static void test_cancel_transitions(void)
{
    struct fx f;
    struct cat_desk da;
    struct cat_loan l;
    size_t n;
    int64_t waiting, ready, fulfilled, expired, cancelled, events;
    char st[16];

    if (!fx_open(&f, dir, "cancel"))
        return;
    da = fx_desk(f.a);
    out_at_a(&f);
    T_OK(fx_checkout(&f, f.a, "A-3", f.gv1), &f.err);
    T_OK(fx_checkout(&f, f.b, "B-1", f.nl1), &f.err);
    ready = place(&f, f.hs1, f.rec1, f.a); /* will expire */
    fulfilled = place(&f, f.hs2, f.rec1, f.a);
    waiting = place(&f, f.hs1, f.rec2, f.a);
    T_OK(fx_return(&f, f.a, "A-1"), &f.err); /* HS-1's */
    T_OK(fx_return(&f, f.a, "A-2"), &f.err); /* HS-2's */
    T_OK(catalog_loan_checkout(f.cat, &da, "A-2", f.hs2, &l, &f.err), &f.err);
    cat_loan_clear(&l);
    cancelled = place(&f, f.hs2, f.rec2, f.a);
    T_OK(catalog_hold_cancel(f.cat, cancelled, "t", &f.err), &f.err);
    f.now += 6 * FX_DAY;
    T_OK(catalog_hold_expire_due(f.cat, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    expired = ready;
    T_EQ_STR(status_of(&f, expired, st, sizeof st), "expired");
    /* a ready hold at B to cancel */
    ready = place(&f, f.hs1, f.rec1, f.b);
    T_OK(fx_return(&f, f.b, "B-1"), &f.err);
    T_EQ_STR(status_of(&f, ready, st, sizeof st), "ready");

    struct {
        const char *name;
        int64_t hold;
        int rc;
        const char *after;
    } rows[] = {
        {"waiting -> cancelled", waiting, TS_OK, "cancelled"},
        {"ready -> cancelled", ready, TS_OK, "cancelled"},
        {"fulfilled", fulfilled, TS_ECONFLICT, "fulfilled"},
        {"cancelled", cancelled, TS_ECONFLICT, "cancelled"},
        {"expired", expired, TS_ECONFLICT, "expired"},
        {"unknown", 9999, TS_ENOTFOUND, "?"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int rc;
        events = catalog_event_count(f.cat, NULL);
        rc = catalog_hold_cancel(f.cat, rows[i].hold, "t", &f.err);
        if (!T_EQ_INT(rc, rows[i].rc))
            fprintf(stderr, "  # row '%s': %s\n", rows[i].name, f.err.msg);
        if (rc == TS_ECONFLICT)
            T_CHECK(strstr(f.err.msg, "is already"));
        T_EQ_STR(status_of(&f, rows[i].hold, st, sizeof st), rows[i].after);
        T_EQ_INT(catalog_event_count(f.cat, NULL) - events, rc == TS_OK ? 1 : 0);
    }
    {
        char where[32];
        /* B-1 was on the shelf at its home for HS-1: back to available */
        T_EQ_STR(fx_where(&f, "B-1", where, sizeof where), "available@B");
    }
    fx_check_invariants(&f);
    fx_close(&f);
}

/* ---------------------------------------------------------------- expiry */

static void test_expiry_moves_on(void)
{
    struct fx f;
    struct cat_hold h;
    struct cat_notice *no = NULL;
    struct cat_event *ev = NULL;
    size_t n, n_ev;
    int64_t h1, h2, h3;
    char st[16], where[32];

    if (!fx_open(&f, dir, "expiry"))
        return;
    out_at_a(&f);
    h1 = place(&f, f.hs2, f.rec1, f.a);
    h2 = place(&f, f.hs1, f.rec1, f.a);
    T_OK(fx_return(&f, f.a, "A-1"), &f.err);
    T_EQ_STR(status_of(&f, h1, st, sizeof st), "ready");
    f.now += 5 * FX_DAY - 1;
    T_OK(catalog_hold_expire_due(f.cat, &n, &f.err), &f.err);
    T_EQ_INT(n, 0);
    f.now += 1;
    T_OK(catalog_hold_expire_due(f.cat, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    T_OK(catalog_hold_get(f.cat, h1, &h, &f.err), &f.err);
    T_EQ_STR(h.status, "expired");
    T_EQ_INT(h.reader_id, 0);
    cat_hold_clear(&h);
    T_OK(catalog_notice_list(f.cat, f.hs2, &no, &n, &f.err), &f.err);
    T_EQ_INT(n, 0);
    cat_notice_list_free(no, n);
    /* the next reader gets the copy, with a fresh shelf time */
    T_OK(catalog_hold_get(f.cat, h2, &h, &f.err), &f.err);
    T_EQ_STR(h.status, "ready");
    T_EQ_STR(h.barcode, "A-1");
    T_EQ_INT(h.expires_at, f.now + 5 * FX_DAY);
    cat_hold_clear(&h);
    T_OK(catalog_event_list(f.cat, 0, "hold.expire", 10, &ev, &n_ev, &f.err), &f.err);
    T_EQ_INT(n_ev, 1);
    if (n_ev == 1) {
        T_EQ_STR(ev[0].subject, "record:1");
        T_EQ_STR(ev[0].actor, "system");
        T_CHECK(strstr(ev[0].detail, "\"next_hold\":"));
    }
    cat_event_list_free(ev, n_ev);
    /* nobody else: back on the shelf at home */
    f.now += 5 * FX_DAY;
    T_OK(catalog_hold_expire_due(f.cat, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    T_EQ_STR(fx_where(&f, "A-1", where, sizeof where), "available@A");
    /* a copy on the hold shelf away from home goes home when it expires */
    T_OK(fx_checkout(&f, f.b, "B-1", f.nl1), &f.err);
    h3 = place(&f, f.hs1, f.rec1, f.b);
    T_OK(fx_checkout(&f, f.a, "A-1", f.hs2), &f.err);
    T_OK(fx_return(&f, f.b, "A-1"), &f.err); /* A-1 returned at B fills HS-1's hold there */
    T_EQ_STR(fx_where(&f, "A-1", where, sizeof where), "on_hold_shelf@B");
    T_EQ_STR(status_of(&f, h3, st, sizeof st), "ready");
    f.now += 6 * FX_DAY;
    T_OK(catalog_hold_expire_due(f.cat, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    T_EQ_STR(fx_where(&f, "A-1", where, sizeof where), "in_transit@B");
    fx_events_anonymous(&f, "HS-1", "Nguyễn Văn An");
    fx_check_invariants(&f);
    fx_close(&f);
}

/* ---------------------------------------------------------------- people and records */

static void test_deactivate_releases(void)
{
    struct fx f;
    int64_t h1, h2, h3;
    char st[16];

    if (!fx_open(&f, dir, "deactivate"))
        return;
    out_at_a(&f);
    T_OK(fx_checkout(&f, f.a, "A-3", f.gv1), &f.err);
    h1 = place(&f, f.hs1, f.rec1, f.a);
    h3 = place(&f, f.hs1, f.rec2, f.a);
    h2 = place(&f, f.hs2, f.rec1, f.a);
    T_OK(fx_return(&f, f.a, "A-1"), &f.err);
    T_EQ_STR(status_of(&f, h1, st, sizeof st), "ready");
    T_OK(catalog_reader_deactivate(f.cat, f.hs1, "t", &f.err), &f.err);
    T_EQ_STR(status_of(&f, h1, st, sizeof st), "cancelled");
    T_EQ_STR(status_of(&f, h3, st, sizeof st), "cancelled");
    T_EQ_STR(status_of(&f, h2, st, sizeof st), "ready");
    T_EQ_INT(catalog_reader_deactivate(f.cat, f.hs1, "t", &f.err), TS_ECONFLICT);
    /* a reader with loans cannot be deactivated */
    T_EQ_INT(catalog_reader_deactivate(f.cat, f.gv1, "t", &f.err), TS_ECONFLICT);
    T_CHECK(strstr(f.err.msg, "still has 2 items on loan"));
    fx_check_invariants(&f);
    fx_close(&f);
}

static void test_move_record(void)
{
    struct fx f;
    struct cat_hold *v = NULL;
    size_t n = 0;
    int64_t keep_w, drop_w, only;

    if (!fx_open(&f, dir, "merge"))
        return;
    out_at_a(&f);
    T_OK(fx_checkout(&f, f.a, "A-3", f.gv1), &f.err);
    T_OK(fx_checkout(&f, f.b, "B-1", f.nl1), &f.err);
    keep_w = place(&f, f.hs1, f.rec1, f.a);
    drop_w = place(&f, f.hs1, f.rec2, f.a);
    only = place(&f, f.hs2, f.rec2, f.a);
    T_OK(catalog_tx_begin(f.cat, &f.err), &f.err);
    T_OK(catalog_hold_move_record(f.cat, f.rec1, f.rec2, &f.err), &f.err);
    T_OK(catalog_tx_end(f.cat, TS_OK, &f.err), &f.err);
    T_OK(catalog_hold_list(f.cat, 0, 0, f.rec1, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 2);
    if (n == 2) {
        T_EQ_INT(v[0].id, keep_w);
        T_EQ_INT(v[1].id, only);
    }
    cat_hold_list_free(v, n);
    T_OK(catalog_hold_list(f.cat, 0, 0, f.rec2, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 0);
    cat_hold_list_free(v, n);
    {
        char st[16];
        T_EQ_STR(status_of(&f, drop_w, st, sizeof st), "cancelled");
    }
    fx_check_invariants(&f);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"place", test_place},
        {"queue_fill_fulfil", test_queue_fill_fulfil},
        {"cancel_transitions", test_cancel_transitions},
        {"expiry_moves_on", test_expiry_moves_on},
        {"deactivate_releases", test_deactivate_releases},
        {"move_record", test_move_record},
        {0},
    };
    setenv("TZ", "UTC", 1);
    tzset();
    dir = t_tmpdir();
    return t_main(cases, argc, argv);
}
