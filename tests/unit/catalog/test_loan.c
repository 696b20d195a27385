/*
 * tests/unit/catalog/test_loan.c - the loan state machine (catalog/loan.c):
 * every allowed and every refused transition of checkout, return and renew
 * as tables (a fresh network per row), due dates under a pinned clock,
 * limits, renewals, the overdue list, idempotent retries and privacy.
 * Each allowed action writes exactly one event; a refusal writes none and
 * changes nothing.
 */
#include <time.h>

#include "circ_fixture.h"

static const char *dir;

/* ---------------------------------------------------------------- states */

enum setup {
    S_AVAILABLE,
    S_ON_LOAN_SAME,   /* A-1 on loan to HS-1 */
    S_ON_LOAN_OTHER,  /* A-1 on loan to HS-2 */
    S_SHELF_SAME,     /* A-1 on the hold shelf at A for HS-1 */
    S_SHELF_OTHER,    /* A-1 on the hold shelf at A for HS-2 */
    S_IN_TRANSIT,     /* A-1 returned at B: in transit home, held by B */
    S_TRANSIT_HOLD_B, /* as S_IN_TRANSIT, and HS-1 waits for record 1 at B */
    S_LOAN_HOLD_HERE, /* A-1 on loan to HS-2, HS-1 waits for record 1 at A */
    S_LOAN_HOLD_B,    /* A-1 on loan to HS-2, HS-1 waits for record 1 at B */
    S_LOST,           /* LOST-1 (record 1, home A) is lost */
    S_WITHDRAWN,      /* A-1 withdrawn */
    S_BLOCKED,        /* HS-1 blocked */
    S_INACTIVE,       /* HS-1 deactivated */
    S_OVER_LIMIT,     /* pupils at A may borrow 1; HS-1 has A-3 */
    S_RENEWED,        /* A-1 on loan to HS-1, renewed once (the pupil limit) */
    S_LOAN_WAITING,   /* A-1 on loan to HS-1, HS-2 waits for record 1 at A */
    S_LOAN_BLOCKED,   /* A-1 on loan to HS-1, then HS-1 blocked */
};

static void setup(struct fx *f, enum setup s)
{
    struct cat_desk da = fx_desk(f->a);
    struct cat_loan l;
    struct cat_policy p;
    int64_t h;

    switch (s) {
    case S_AVAILABLE: break;
    case S_ON_LOAN_SAME: T_OK(fx_checkout(f, f->a, "A-1", f->hs1), &f->err); break;
    case S_ON_LOAN_OTHER: T_OK(fx_checkout(f, f->a, "A-1", f->hs2), &f->err); break;
    case S_SHELF_SAME:
    case S_SHELF_OTHER:
        T_OK(fx_checkout(f, f->a, "A-1", f->gv1), &f->err);
        T_OK(fx_checkout(f, f->a, "A-2", f->gv1), &f->err);
        T_OK(catalog_hold_place(f->cat, s == S_SHELF_SAME ? f->hs1 : f->hs2, f->rec1, f->a, "t", &h,
                                &f->err),
             &f->err);
        T_OK(fx_return(f, f->a, "A-1"), &f->err);
        break;
    case S_IN_TRANSIT:
    case S_TRANSIT_HOLD_B:
        T_OK(fx_checkout(f, f->a, "A-1", f->gv1), &f->err);
        T_OK(fx_return(f, f->b, "A-1"), &f->err);
        if (s == S_TRANSIT_HOLD_B) {
            T_OK(fx_checkout(f, f->b, "B-1", f->nl1), &f->err);
            T_OK(catalog_hold_place(f->cat, f->hs1, f->rec1, f->b, "t", &h, &f->err), &f->err);
        }
        break;
    case S_LOAN_HOLD_HERE:
    case S_LOAN_HOLD_B:
        T_OK(fx_checkout(f, f->a, "A-1", f->hs2), &f->err);
        T_OK(fx_checkout(f, f->a, "A-2", f->gv1), &f->err);
        if (s == S_LOAN_HOLD_B)
            T_OK(fx_checkout(f, f->b, "B-1", f->nl1), &f->err);
        T_OK(catalog_hold_place(f->cat, f->hs1, f->rec1, s == S_LOAN_HOLD_B ? f->b : f->a, "t", &h,
                                &f->err),
             &f->err);
        break;
    case S_LOST: fx_item(f, f->rec1, "LOST-1", "A", "lost"); break;
    case S_WITHDRAWN: T_OK(catalog_item_withdraw(f->cat, "A-1", "t", &f->err), &f->err); break;
    case S_BLOCKED:
        T_OK(catalog_reader_set_blocked(f->cat, f->hs1, "unpaid fine", "t", &f->err), &f->err);
        break;
    case S_INACTIVE: T_OK(catalog_reader_deactivate(f->cat, f->hs1, "t", &f->err), &f->err); break;
    case S_OVER_LIMIT:
        T_OK(catalog_policy_get(f->cat, f->a, "pupil", &p, &f->err), &f->err);
        p.max_items = 1;
        T_OK(catalog_policy_set(f->cat, f->a, "pupil", &p, "t", &f->err), &f->err);
        T_OK(fx_checkout(f, f->a, "A-3", f->hs1), &f->err);
        break;
    case S_RENEWED:
        T_OK(fx_checkout(f, f->a, "A-1", f->hs1), &f->err);
        f->now += FX_DAY;
        T_OK(catalog_loan_renew(f->cat, &da, "A-1", &l, &f->err), &f->err);
        cat_loan_clear(&l);
        break;
    case S_LOAN_WAITING:
        T_OK(fx_checkout(f, f->a, "A-1", f->hs1), &f->err);
        T_OK(fx_checkout(f, f->a, "A-2", f->gv1), &f->err);
        T_OK(catalog_hold_place(f->cat, f->hs2, f->rec1, f->a, "t", &h, &f->err), &f->err);
        break;
    case S_LOAN_BLOCKED:
        T_OK(fx_checkout(f, f->a, "A-1", f->hs1), &f->err);
        T_OK(catalog_reader_set_blocked(f->cat, f->hs1, "lost a book", "t", &f->err), &f->err);
        break;
    }
}

/* ---------------------------------------------------------------- tables */

#define UNKNOWN_READER 9999

struct row {
    const char *name;
    enum setup setup;
    const char *barcode;
    char desk; /* 'A', 'B', 'C' */
    int unknown_reader;
    int rc;
    const char *after; /* status@custodian of the barcode afterwards */
    const char *msg;   /* fragment of the refusal message */
};

static int64_t lib_of(struct fx *f, char d)
{
    return d == 'A' ? f->a : d == 'B' ? f->b : f->c;
}

static const struct row checkouts[] = {
    {"available -> on_loan", S_AVAILABLE, "A-1", 'A', 0, TS_OK, "on_loan@A", NULL},
    {"hold shelf, own hold -> on_loan", S_SHELF_SAME, "A-1", 'A', 0, TS_OK, "on_loan@A", NULL},
    {"on loan to this reader", S_ON_LOAN_SAME, "A-1", 'A', 0, TS_ECONFLICT, "on_loan@A",
     "already on loan to this reader"},
    {"on loan to another reader", S_ON_LOAN_OTHER, "A-1", 'A', 0, TS_ECONFLICT, "on_loan@A",
     "on loan to another reader (due 2023-11-"},
    {"hold shelf for another reader", S_SHELF_OTHER, "A-1", 'A', 0, TS_ECONFLICT, "on_hold_shelf@A",
     "on the hold shelf for another reader"},
    {"in transit", S_IN_TRANSIT, "A-1", 'B', 0, TS_ECONFLICT, "in_transit@B", "in transit to A"},
    {"lost", S_LOST, "LOST-1", 'A', 0, TS_ECONFLICT, "lost@A", "marked lost"},
    {"withdrawn", S_WITHDRAWN, "A-1", 'A', 0, TS_ECONFLICT, "withdrawn@A", "withdrawn"},
    {"another library's desk", S_AVAILABLE, "B-1", 'A', 0, TS_EPERM, "available@B",
     "belongs to the desk of B, not A"},
    {"reader blocked", S_BLOCKED, "A-1", 'A', 0, TS_ECONFLICT, "available@A",
     "blocked: unpaid fine"},
    {"reader inactive", S_INACTIVE, "A-1", 'A', 0, TS_ECONFLICT, "available@A", "no longer active"},
    {"reader over the limit", S_OVER_LIMIT, "A-1", 'A', 0, TS_ECONFLICT, "available@A",
     "has 1 item on loan: the limit for pupils at A is 1"},
    {"unknown barcode", S_AVAILABLE, "NOPE", 'A', 0, TS_ENOTFOUND, "?", "no copy"},
    {"unknown reader", S_AVAILABLE, "A-1", 'A', 1, TS_ENOTFOUND, "available@A", "no reader"},
};

static const struct row returns[] = {
    {"on loan, at home -> available", S_ON_LOAN_SAME, "A-1", 'A', 0, TS_OK, "available@A", NULL},
    {"on loan, away -> in transit", S_ON_LOAN_SAME, "A-1", 'B', 0, TS_OK, "in_transit@B", NULL},
    {"on loan, hold waits here -> hold shelf", S_LOAN_HOLD_HERE, "A-1", 'A', 0, TS_OK,
     "on_hold_shelf@A", NULL},
    {"on loan, hold waits elsewhere -> available", S_LOAN_HOLD_B, "A-1", 'A', 0, TS_OK,
     "available@A", NULL},
    {"in transit, checked in at home -> available", S_IN_TRANSIT, "A-1", 'A', 0, TS_OK,
     "available@A", NULL},
    {"in transit, checked in elsewhere -> in transit", S_IN_TRANSIT, "A-1", 'C', 0, TS_OK,
     "in_transit@C", NULL},
    {"in transit, hold waits here -> hold shelf", S_TRANSIT_HOLD_B, "A-1", 'B', 0, TS_OK,
     "on_hold_shelf@B", NULL},
    {"available", S_AVAILABLE, "A-1", 'A', 0, TS_ECONFLICT, "available@A",
     "not on loan (it is on the shelf)"},
    {"on the hold shelf", S_SHELF_OTHER, "A-1", 'A', 0, TS_ECONFLICT, "on_hold_shelf@A",
     "not on loan (it is on the hold shelf)"},
    {"lost", S_LOST, "LOST-1", 'A', 0, TS_ECONFLICT, "lost@A", "not on loan (it is lost)"},
    {"withdrawn", S_WITHDRAWN, "A-1", 'A', 0, TS_ECONFLICT, "withdrawn@A", "not on loan"},
    {"unknown barcode", S_AVAILABLE, "NOPE", 'A', 0, TS_ENOTFOUND, "?", "no copy"},
};

static const struct row renewals[] = {
    {"on loan -> renewed", S_ON_LOAN_SAME, "A-1", 'A', 0, TS_OK, "on_loan@A", NULL},
    {"self-service renewal", S_ON_LOAN_SAME, "A-1", '0', 0, TS_OK, "on_loan@A", NULL},
    {"no renewals left", S_RENEWED, "A-1", 'A', 0, TS_ECONFLICT, "on_loan@A",
     "renewed 1 time: the limit for pupils at A is 1"},
    {"another reader waits", S_LOAN_WAITING, "A-1", 'A', 0, TS_ECONFLICT, "on_loan@A",
     "another reader is waiting"},
    {"reader blocked", S_LOAN_BLOCKED, "A-1", 'A', 0, TS_ECONFLICT, "on_loan@A", "blocked"},
    {"not on loan", S_AVAILABLE, "A-1", 'A', 0, TS_ECONFLICT, "available@A", "not on loan"},
    {"in transit", S_IN_TRANSIT, "A-1", 'A', 0, TS_ECONFLICT, "in_transit@B", "not on loan"},
    {"unknown barcode", S_AVAILABLE, "NOPE", 'A', 0, TS_ENOTFOUND, "?", "no copy"},
};

enum action { CHECKOUT, RETURN, RENEW };

static void run_table(const char *prefix, enum action act, const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        struct fx f;
        char name[64], where[64];
        int64_t events;
        int rc;

        snprintf(name, sizeof name, "%s-%zu", prefix, i);
        if (!fx_open(&f, dir, name))
            return;
        setup(&f, r->setup);
        f.now += 2 * FX_DAY;
        events = catalog_event_count(f.cat, NULL);
        {
            struct cat_desk d = fx_desk(r->desk == '0' ? 0 : lib_of(&f, r->desk));
            struct cat_loan l;
            struct cat_return ret;
            int64_t reader = r->unknown_reader ? UNKNOWN_READER : f.hs1;

            if (act == CHECKOUT) {
                rc = catalog_loan_checkout(f.cat, &d, r->barcode, reader, &l, &f.err);
                if (rc == TS_OK) {
                    T_EQ_INT(l.reader_id, f.hs1);
                    T_EQ_INT(l.due_at, f.now + 14 * FX_DAY);
                    T_EQ_STR(l.reader_card, "HS-1");
                }
                cat_loan_clear(&l);
            } else if (act == RETURN) {
                rc = catalog_loan_return(f.cat, &d, r->barcode, &ret, &f.err);
                cat_return_clear(&ret);
            } else {
                rc = catalog_loan_renew(f.cat, &d, r->barcode, &l, &f.err);
                if (rc == TS_OK) {
                    T_EQ_INT(l.renewals, 1);
                    T_EQ_INT(l.due_at, f.now + 14 * FX_DAY);
                }
                cat_loan_clear(&l);
            }
        }
        if (!T_EQ_INT(rc, r->rc))
            fprintf(stderr, "  # row '%s': %s\n", r->name, f.err.msg);
        if (r->msg && !T_CHECK(strstr(f.err.msg, r->msg)))
            fprintf(stderr, "  # row '%s': message \"%s\" lacks \"%s\"\n", r->name, f.err.msg,
                    r->msg);
        if (!T_EQ_STR(fx_where(&f, r->barcode, where, sizeof where), r->after))
            fprintf(stderr, "  # row '%s'\n", r->name);
        /* one event per action; none for a refusal */
        T_EQ_INT(catalog_event_count(f.cat, NULL) - events, rc == TS_OK ? 1 : 0);
        fx_check_invariants(&f);
        fx_close(&f);
    }
}

static void test_checkout_transitions(void)
{
    run_table("co", CHECKOUT, checkouts, sizeof checkouts / sizeof checkouts[0]);
}

static void test_return_transitions(void)
{
    run_table("ret", RETURN, returns, sizeof returns / sizeof returns[0]);
}

static void test_renew_transitions(void)
{
    run_table("ren", RENEW, renewals, sizeof renewals / sizeof renewals[0]);
}

/* ---------------------------------------------------------------- details */

static void test_return_outcomes(void)
{
    struct fx f;
    struct cat_desk da, db;
    struct cat_return r;
    int64_t h;

    if (!fx_open(&f, dir, "outcomes"))
        return;
    da = fx_desk(f.a);
    db = fx_desk(f.b);
    /* late return at home */
    T_OK(fx_checkout(&f, f.a, "A-1", f.hs1), &f.err);
    f.now += 17 * FX_DAY;
    T_OK(catalog_loan_return(f.cat, &da, "A-1", &r, &f.err), &f.err);
    T_EQ_INT(r.outcome, CAT_RETURN_SHELVE);
    T_EQ_INT(r.days_overdue, 3);
    T_EQ_STR(r.title, "Dế Mèn phiêu lưu ký");
    T_CHECK(r.loan_id > 0);
    cat_return_clear(&r);
    /* away: in transit, then checked in at home */
    T_OK(fx_checkout(&f, f.a, "A-1", f.hs1), &f.err);
    T_OK(catalog_loan_return(f.cat, &db, "A-1", &r, &f.err), &f.err);
    T_EQ_INT(r.outcome, CAT_RETURN_TRANSIT);
    T_EQ_STR(r.home_library, "A");
    T_EQ_INT(r.days_overdue, 0);
    cat_return_clear(&r);
    T_OK(catalog_loan_return(f.cat, &da, "A-1", &r, &f.err), &f.err);
    T_EQ_INT(r.loan_id, 0);
    T_EQ_INT(r.outcome, CAT_RETURN_SHELVE);
    cat_return_clear(&r);
    {
        struct cat_event *ev = NULL;
        size_t n = 0;
        T_OK(catalog_event_list(f.cat, 0, "item.checkin", 10, &ev, &n, &f.err), &f.err);
        T_EQ_INT(n, 1);
        cat_event_list_free(ev, n);
    }
    /* a hold waits: the slip names its reader */
    T_OK(fx_checkout(&f, f.a, "A-1", f.hs2), &f.err);
    T_OK(fx_checkout(&f, f.a, "A-2", f.gv1), &f.err);
    T_OK(catalog_hold_place(f.cat, f.hs1, f.rec1, f.a, "t", &h, &f.err), &f.err);
    T_OK(catalog_loan_return(f.cat, &da, "A-1", &r, &f.err), &f.err);
    T_EQ_INT(r.outcome, CAT_RETURN_HOLD_SHELF);
    T_EQ_INT(r.hold_id, h);
    T_EQ_STR(r.hold_card, "HS-1");
    T_EQ_STR(r.hold_name, "Nguyễn Văn An");
    T_EQ_INT(r.hold_expires, f.now + 5 * FX_DAY);
    T_EQ_STR(cat_return_outcome_name(r.outcome), "hold_shelf");
    cat_return_clear(&r);
    fx_check_invariants(&f);
    fx_close(&f);
}

static void test_due_dates_and_policy(void)
{
    struct fx f;
    struct cat_desk da, db;
    struct cat_loan l;
    struct cat_policy p;

    if (!fx_open(&f, dir, "due"))
        return;
    da = fx_desk(f.a);
    db = fx_desk(f.b);
    /* defaults */
    T_OK(catalog_policy_get(f.cat, f.a, "pupil", &p, &f.err), &f.err);
    T_CHECK(p.is_default && p.loan_days == 14 && p.max_items == 3 && p.renewals == 1 &&
            p.hold_shelf_days == 5);
    T_OK(catalog_policy_get(f.cat, f.a, "teacher", &p, &f.err), &f.err);
    T_CHECK(p.loan_days == 28 && p.max_items == 10 && p.renewals == 2);
    T_OK(catalog_policy_get(f.cat, f.a, "adult", &p, &f.err), &f.err);
    T_CHECK(p.loan_days == 21 && p.max_items == 5 && p.renewals == 2);
    T_EQ_INT(catalog_policy_get(f.cat, f.a, "alien", &p, &f.err), TS_EINVAL);
    /* due dates by category */
    T_OK(catalog_loan_checkout(f.cat, &da, "A-1", f.gv1, &l, &f.err), &f.err);
    T_EQ_INT(l.due_at, FX_T0 + 28 * FX_DAY);
    T_EQ_INT(l.loaned_at, FX_T0);
    T_EQ_INT(l.renewals_left, 2);
    cat_loan_clear(&l);
    T_OK(catalog_loan_checkout(f.cat, &db, "B-1", f.nl1, &l, &f.err), &f.err);
    T_EQ_INT(l.due_at, FX_T0 + 21 * FX_DAY);
    T_EQ_STR(l.library, "B");
    cat_loan_clear(&l);
    /* a library's own rule; running loans keep their dates */
    p.loan_days = 7;
    p.max_items = 2;
    p.renewals = 3;
    p.hold_shelf_days = 3;
    T_OK(catalog_policy_set(f.cat, f.a, "pupil", &p, "t", &f.err), &f.err);
    T_OK(catalog_policy_get(f.cat, f.a, "pupil", &p, &f.err), &f.err);
    T_CHECK(!p.is_default && p.loan_days == 7);
    T_OK(catalog_policy_get(f.cat, f.b, "pupil", &p, &f.err), &f.err);
    T_CHECK(p.is_default && p.loan_days == 14);
    T_OK(catalog_loan_checkout(f.cat, &da, "A-2", f.hs1, &l, &f.err), &f.err);
    T_EQ_INT(l.due_at, FX_T0 + 7 * FX_DAY);
    T_EQ_INT(l.renewals_left, 3);
    cat_loan_clear(&l);
    /* self-service renews only the reader's own loan, checked in the transaction */
    {
        struct cat_desk self = {0, "self-service", NULL, f.nl1};
        T_EQ_INT(catalog_loan_renew(f.cat, &self, "A-2", &l, &f.err), TS_ENOTFOUND);
        T_EQ_INT(l.id, 0);
    }
    /* renew: max(due, now + period) */
    f.now += 2 * FX_DAY;
    T_OK(catalog_loan_renew(f.cat, &da, "A-2", &l, &f.err), &f.err);
    T_EQ_INT(l.due_at, FX_T0 + 9 * FX_DAY);
    T_EQ_INT(l.renewals_left, 2);
    cat_loan_clear(&l);
    T_OK(catalog_loan_renew(f.cat, &da, "A-2", &l, &f.err), &f.err); /* same day: no gain */
    T_EQ_INT(l.due_at, FX_T0 + 9 * FX_DAY);
    cat_loan_clear(&l);
    T_OK(catalog_loan_renew(f.cat, &da, "A-2", &l, &f.err), &f.err);
    T_EQ_INT(l.renewals_left, 0);
    cat_loan_clear(&l);
    T_EQ_INT(catalog_loan_renew(f.cat, &da, "A-2", &l, &f.err), TS_ECONFLICT);
    /* the item limit (2 for pupils at A now) */
    T_OK(catalog_loan_checkout(f.cat, &da, "A-3", f.hs1, &l, &f.err), &f.err);
    cat_loan_clear(&l);
    T_OK(fx_return(&f, f.a, "A-1"), &f.err);
    T_EQ_INT(catalog_loan_checkout(f.cat, &da, "A-1", f.hs1, &l, &f.err), TS_ECONFLICT);
    T_CHECK(strstr(f.err.msg, "HS-1 has 2 items on loan: the limit for pupils at A is 2"));
    /* bad policies */
    p.loan_days = 0;
    T_EQ_INT(catalog_policy_set(f.cat, f.a, "pupil", &p, "t", &f.err), TS_EINVAL);
    p.loan_days = 10;
    p.hold_shelf_days = 91;
    T_EQ_INT(catalog_policy_set(f.cat, f.a, "pupil", &p, "t", &f.err), TS_EINVAL);
    p.hold_shelf_days = 5;
    T_EQ_INT(catalog_policy_set(f.cat, 999, "pupil", &p, "t", &f.err), TS_ENOTFOUND);
    fx_check_invariants(&f);
    fx_close(&f);
}

static void test_overdue_and_lists(void)
{
    struct fx f;
    struct cat_loan *v = NULL;
    size_t n = 0;

    if (!fx_open(&f, dir, "overdue"))
        return;
    T_OK(fx_checkout(&f, f.a, "A-1", f.hs1), &f.err); /* due +14 */
    T_OK(fx_checkout(&f, f.a, "A-3", f.gv1), &f.err); /* due +28 */
    T_OK(fx_checkout(&f, f.b, "B-1", f.hs1), &f.err); /* due +14, lent by B */
    f.now += 5 * FX_DAY;
    T_OK(fx_checkout(&f, f.a, "A-2", f.hs2), &f.err); /* due +19 */
    T_OK(catalog_loan_overdue(f.cat, 0, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 0);
    cat_loan_list_free(v, n);
    f.now = FX_T0 + 20 * FX_DAY;
    T_OK(catalog_loan_overdue(f.cat, 0, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 3);
    if (n == 3) {
        T_EQ_STR(v[0].barcode, "A-1"); /* oldest due first */
        T_EQ_STR(v[2].barcode, "A-2");
        T_EQ_STR(v[0].reader_card, "HS-1"); /* staff see who has it */
    }
    cat_loan_list_free(v, n);
    T_OK(catalog_loan_overdue(f.cat, f.a, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 2);
    cat_loan_list_free(v, n);
    T_OK(fx_return(&f, f.a, "A-1"), &f.err);
    T_OK(catalog_loan_overdue(f.cat, f.a, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    cat_loan_list_free(v, n);
    /* a reader's open loans, by due date */
    T_OK(catalog_loan_list_reader(f.cat, f.hs1, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 1);
    if (n == 1) {
        T_EQ_STR(v[0].barcode, "B-1");
        T_EQ_INT(v[0].renewals_left, 1);
    }
    cat_loan_list_free(v, n);
    fx_close(&f);
}

/* ---------------------------------------------------------------- retries */

static void test_idempotent_retries(void)
{
    struct fx f;
    struct cat_desk d;
    struct cat_loan l1, l2;
    struct cat_return r1, r2;
    int64_t events, h;

    if (!fx_open(&f, dir, "idem"))
        return;
    d = fx_desk(f.a);
    d.idem_key = "k-checkout-1";
    events = catalog_event_count(f.cat, NULL);
    T_OK(catalog_loan_checkout(f.cat, &d, "A-1", f.hs1, &l1, &f.err), &f.err);
    T_EQ_INT(l1.replayed, 0);
    /* the response was lost; the client retries */
    f.now += 30;
    T_OK(catalog_loan_checkout(f.cat, &d, "A-1", f.hs1, &l2, &f.err), &f.err);
    T_EQ_INT(l2.replayed, 1);
    T_EQ_INT(l2.id, l1.id);
    T_EQ_INT(l2.due_at, l1.due_at);
    cat_loan_clear(&l1);
    cat_loan_clear(&l2);
    T_EQ_INT(catalog_event_count(f.cat, NULL) - events, 1);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 1);
    /* the key with other arguments */
    T_EQ_INT(catalog_loan_checkout(f.cat, &d, "A-2", f.hs1, &l2, &f.err), TS_ECONFLICT);
    T_CHECK(strstr(f.err.msg, "idempotency key already used"));
    /* without a key, a second checkout is refused with the state's reason */
    d.idem_key = NULL;
    T_EQ_INT(catalog_loan_checkout(f.cat, &d, "A-1", f.hs1, &l2, &f.err), TS_ECONFLICT);
    /* return, retried: the same outcome, one event, the hold filled once */
    T_OK(fx_checkout(&f, f.a, "A-2", f.gv1), &f.err);
    T_OK(catalog_hold_place(f.cat, f.hs2, f.rec1, f.a, "t", &h, &f.err), &f.err);
    d.idem_key = "k-return-1";
    events = catalog_event_count(f.cat, NULL);
    T_OK(catalog_loan_return(f.cat, &d, "A-1", &r1, &f.err), &f.err);
    T_OK(catalog_loan_return(f.cat, &d, "A-1", &r2, &f.err), &f.err);
    T_EQ_INT(r1.replayed, 0);
    T_EQ_INT(r2.replayed, 1);
    T_EQ_INT(r2.loan_id, r1.loan_id);
    T_EQ_INT(r2.outcome, CAT_RETURN_HOLD_SHELF);
    T_EQ_INT(r2.hold_id, h);
    T_EQ_STR(r2.hold_card, "HS-2");
    T_EQ_STR(r2.barcode, "A-1");
    cat_return_clear(&r1);
    cat_return_clear(&r2);
    T_EQ_INT(catalog_event_count(f.cat, NULL) - events, 1);
    /* renew, retried: one renewal used */
    d.idem_key = "k-renew-1";
    T_OK(catalog_loan_renew(f.cat, &d, "A-2", &l1, &f.err), &f.err);
    T_OK(catalog_loan_renew(f.cat, &d, "A-2", &l2, &f.err), &f.err);
    T_EQ_INT(l2.replayed, 1);
    T_EQ_INT(l2.renewals, 1);
    cat_loan_clear(&l1);
    cat_loan_clear(&l2);
    /* keys are remembered a day; after that a key acts again */
    f.now += CAT_IDEM_TTL + 1;
    d.idem_key = "k-checkout-1";
    T_OK(catalog_loan_checkout(f.cat, &d, "A-3", f.hs1, &l1, &f.err), &f.err);
    T_EQ_INT(l1.replayed, 0);
    cat_loan_clear(&l1);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM idempotency"), 1); /* old ones forgotten */
    /* bad keys */
    d.idem_key = "";
    T_EQ_INT(catalog_loan_checkout(f.cat, &d, "A-3", f.hs1, &l1, &f.err), TS_EINVAL);
    fx_check_invariants(&f);
    fx_close(&f);
}

/* ---------------------------------------------------------------- privacy */

static void test_privacy(void)
{
    struct fx f;
    struct cat_loan *v = NULL;
    struct cat_event *ev = NULL;
    size_t n = 0;

    if (!fx_open(&f, dir, "privacy"))
        return;
    /* history off (the default): the link goes when the loan closes */
    T_OK(fx_checkout(&f, f.a, "A-1", f.hs1), &f.err);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan WHERE reader_id IS NOT NULL"), 1);
    f.now += FX_DAY;
    T_OK(fx_return(&f, f.a, "A-1"), &f.err);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 1); /* counts remain */
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan WHERE reader_id IS NULL AND"
                            " category = 'pupil' AND library_id = 1 AND returned_at IS NOT NULL"),
             1);
    T_OK(catalog_loan_history(f.cat, f.hs1, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 0);
    cat_loan_list_free(v, n);
    fx_events_anonymous(&f, "HS-1", "Nguyễn Văn An");
    T_OK(catalog_event_list(f.cat, 0, "loan.", 10, &ev, &n, &f.err), &f.err);
    T_EQ_INT(n, 2);
    if (n == 2) {
        T_EQ_STR(ev[0].subject, "A-1");
        T_EQ_STR(ev[0].actor, "librarian");
        T_CHECK(strstr(ev[0].detail, "\"library\":\"A\""));
        T_CHECK(!strstr(ev[0].detail, "reader"));
    }
    cat_event_list_free(ev, n);
    /* history on: kept, and the events may name the reader */
    T_OK(catalog_reader_set_history(f.cat, f.gv1, 1, "t", &f.err), &f.err);
    T_OK(fx_checkout(&f, f.a, "A-2", f.gv1), &f.err);
    T_OK(fx_return(&f, f.a, "A-2"), &f.err);
    T_OK(fx_checkout(&f, f.a, "A-3", f.gv1), &f.err);
    f.now += FX_DAY;
    T_OK(fx_return(&f, f.a, "A-3"), &f.err);
    T_OK(catalog_loan_history(f.cat, f.gv1, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 2);
    if (n == 2)
        T_EQ_STR(v[0].barcode, "A-3"); /* newest first */
    cat_loan_list_free(v, n);
    T_OK(catalog_event_list(f.cat, 0, "loan.return", 10, &ev, &n, &f.err), &f.err);
    T_EQ_INT(n, 3);
    if (n == 3)
        T_CHECK(strstr(ev[2].detail, "\"reader\":\"GV-1\""));
    cat_event_list_free(ev, n);
    fx_check_invariants(&f);
    /* opting out forgets the past */
    T_OK(catalog_reader_set_history(f.cat, f.gv1, 0, "t", &f.err), &f.err);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan WHERE reader_id IS NOT NULL"), 0);
    T_OK(catalog_loan_history(f.cat, f.gv1, &v, &n, &f.err), &f.err);
    T_EQ_INT(n, 0);
    cat_loan_list_free(v, n);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 3);
    fx_check_invariants(&f);
    fx_close(&f);
}

/* ---------------------------------------------------------------- pages */

/* Start the WAL over, so that what it holds next is one action's writing. */
static void wal_restart(sqlite3 *db)
{
    T_CHECK(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK);
}

/* The tables and indexes whose pages the WAL holds (" name name ... "),
 * named by dbstat; each page is a write the checkpoint makes again. */
static void wal_btrees(struct fx *f, sqlite3 *db, char *out, size_t cap)
{
    char wal[600];
    unsigned char hdr[32], fh[24];
    FILE *fp;
    sqlite3_stmt *st = NULL;
    size_t len = 1;

    snprintf(out, cap, " ");
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    if (!T_CHECK((fp = fopen(wal, "rb")) != NULL) ||
        !T_CHECK(fread(hdr, 1, sizeof hdr, fp) == sizeof hdr) ||
        !T_CHECK(sqlite3_prepare_v2(db, "SELECT name FROM dbstat WHERE pageno = ?1", -1, &st,
                                    NULL) == SQLITE_OK)) {
        if (fp)
            fclose(fp);
        return;
    }
    long page_size = (long)hdr[8] << 24 | hdr[9] << 16 | hdr[10] << 8 | hdr[11];
    while (fread(fh, 1, sizeof fh, fp) == sizeof fh && fseek(fp, page_size, SEEK_CUR) == 0) {
        int64_t pg = (int64_t)fh[0] << 24 | fh[1] << 16 | fh[2] << 8 | fh[3];
        sqlite3_bind_int64(st, 1, pg);
        if (sqlite3_step(st) == SQLITE_ROW) {
            char name[80];
            snprintf(name, sizeof name, " %s ", (const char *)sqlite3_column_text(st, 0));
            if (!strstr(out, name) && len + strlen(name) < cap)
                len += (size_t)snprintf(out + len - 1, cap - len + 1, "%s", name) - 1;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    fclose(fp);
}

/* A desk action writes no index it does not change (bench/README.md, "Pages
 * per change"): a copy that stays at its library leaves item_custodian alone,
 * an anonymised return adds nothing to loan_history, and idempotency keys
 * need no index on their age. */
static void test_desk_pages(void)
{
    struct fx f;
    sqlite3 *db = NULL;
    struct cat_desk d;
    struct cat_loan l;
    char w[1024];

    if (!fx_open(&f, dir, "pages"))
        return;
    if (!T_CHECK(sqlite3_open(f.path, &db) == SQLITE_OK))
        goto out;
    d = fx_desk(f.a);
    d.idem_key = "k-pages-1";
    wal_restart(db);
    T_OK(catalog_loan_checkout(f.cat, &d, "A-1", f.hs1, &l, &f.err), &f.err);
    cat_loan_clear(&l);
    wal_btrees(&f, db, w, sizeof w);
    T_CHECK(strstr(w, " loan_one_open_per_item ") && strstr(w, " item ") &&
            strstr(w, " idempotency ") && strstr(w, " event "));
    T_CHECK(!strstr(w, " item_custodian "));
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'idempotency'"
                            " AND type = 'index'"),
             1); /* the key's own */
    /* history off: the return drops the reader, and with it the history entry */
    wal_restart(db);
    T_OK(fx_return(&f, f.a, "A-1"), &f.err);
    wal_btrees(&f, db, w, sizeof w);
    T_CHECK(strstr(w, " loan_open_reader ") && !strstr(w, " loan_history "));
    T_CHECK(!strstr(w, " item_custodian "));
    /* history on: the entry is written; a copy returned elsewhere moves */
    T_OK(catalog_reader_set_history(f.cat, f.gv1, 1, "t", &f.err), &f.err);
    T_OK(fx_checkout(&f, f.a, "A-2", f.gv1), &f.err);
    wal_restart(db);
    T_OK(fx_return(&f, f.b, "A-2"), &f.err);
    wal_btrees(&f, db, w, sizeof w);
    T_CHECK(strstr(w, " loan_history ") && strstr(w, " item_custodian "));
    fx_check_invariants(&f);
out:
    sqlite3_close(db);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"checkout_transitions", test_checkout_transitions},
        {"desk_pages", test_desk_pages},
        {"return_transitions", test_return_transitions},
        {"renew_transitions", test_renew_transitions},
        {"return_outcomes", test_return_outcomes},
        {"due_dates_and_policy", test_due_dates_and_policy},
        {"overdue_and_lists", test_overdue_and_lists},
        {"idempotent_retries", test_idempotent_retries},
        {"privacy", test_privacy},
        {0},
    };
    setenv("TZ", "UTC", 1);
    tzset();
    dir = t_tmpdir();
    return t_main(cases, argc, argv);
}
