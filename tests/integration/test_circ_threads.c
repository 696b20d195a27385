/*
 * tests/integration/test_circ_threads.c - checkouts and returns from 8
 * threads, each with its own catalog connection (one connection per thread,
 * as the server runs), on the same 5 hot copies for a few seconds
 * (TS_CIRC_SECONDS, default 3). Some checkouts carry an idempotency key and
 * are retried at once, as a client that lost the response would.
 *
 * The same again through one group connection shared by the threads, as the
 * server's desk runs (catalog_group_open: calls share COMMITs).
 *
 * Afterwards: integrity_check ok, never two open loans for one copy, copy
 * status agrees with the loans, every successful action wrote exactly one
 * event, replays wrote none, and the loan rows add up.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "circ.h"
#include "t.h"
#include "ts_util.h"

#define N_THREADS 8
#define N_ITEMS 5

static char db_path[512];
static int64_t lib_id, readers[N_THREADS];
static double seconds = 3;
static catalog *group; /* the shared connection of the group case, else NULL */

struct worker {
    int index;
    long checkouts, returns, replays, conflicts, busy, other;
    char other_msg[300];
};

static uint64_t next_rand(uint64_t *s)
{
    /* xorshift64: the libc generator is banned, and each thread needs its own stream */
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void enter(catalog *cat)
{
    if (group)
        catalog_group_enter(cat);
}

static int leave(catalog *cat, int rc, struct ts_err *err)
{
    return group ? catalog_group_leave(cat, rc, err) : rc;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct ts_err err = {0};
    catalog *cat = NULL;
    uint64_t seed = 0x9E3779B97F4A7C15ULL * (uint64_t)(w->index + 1);
    double end;
    long n = 0;

    if (group)
        cat = group;
    else if (catalog_open(db_path, &cat, &err)) {
        snprintf(w->other_msg, sizeof w->other_msg, "open: %s", err.msg);
        w->other++;
        return NULL;
    }
    end = ts_now_mono() + seconds;
    while (ts_now_mono() < end) {
        char barcode[16], key[64];
        struct cat_desk desk = {lib_id, "thread", NULL, 0};
        uint64_t r = next_rand(&seed);
        int rc;

        snprintf(barcode, sizeof barcode, "H-%d", (int)(r % N_ITEMS) + 1);
        if ((r >> 8) % 2 == 0) {
            struct cat_loan l;
            int with_key = (r >> 16) % 4 == 0;
            if (with_key) {
                snprintf(key, sizeof key, "t%d-%ld", w->index, n);
                desk.idem_key = key;
            }
            enter(cat);
            rc = leave(cat, catalog_loan_checkout(cat, &desk, barcode, readers[w->index], &l, &err),
                       &err);
            cat_loan_clear(&l);
            if (rc == TS_OK) {
                w->checkouts++;
                if (with_key) { /* the response was "lost": retry */
                    int rc2;
                    enter(cat);
                    rc2 = leave(
                        cat, catalog_loan_checkout(cat, &desk, barcode, readers[w->index], &l, &err),
                        &err);
                    if (rc2 == TS_OK && l.replayed)
                        w->replays++;
                    else if (rc2 == TS_EBUSY)
                        w->busy++;
                    else {
                        w->other++;
                        snprintf(w->other_msg, sizeof w->other_msg, "replay: %s", err.msg);
                    }
                    cat_loan_clear(&l);
                }
            }
        } else {
            struct cat_return ret;
            enter(cat);
            rc = leave(cat, catalog_loan_return(cat, &desk, barcode, &ret, &err), &err);
            cat_return_clear(&ret);
            if (rc == TS_OK)
                w->returns++;
        }
        if (rc == TS_ECONFLICT)
            w->conflicts++;
        else if (rc == TS_EBUSY)
            w->busy++;
        else if (rc != TS_OK) {
            w->other++;
            snprintf(w->other_msg, sizeof w->other_msg, "%s", err.msg);
        }
        n++;
    }
    if (!group)
        catalog_close(cat);
    return NULL;
}

static void hot_items(const char *name, int grouped)
{
    struct ts_err err = {0};
    struct worker w[N_THREADS];
    pthread_t th[N_THREADS];
    struct cat_circ_check chk;
    struct cat_record_in rec = {0};
    struct cat_policy pol;
    catalog *cat = NULL;
    int64_t record_id, id;
    long checkouts = 0, returns = 0, replays = 0, conflicts = 0, busy = 0;
    const char *env = getenv("TS_CIRC_SECONDS");
    int64_t secs;

    if (env && ts_parse_i64(env, &secs, &err) == TS_OK && secs > 0)
        seconds = (double)secs;
    struct cat_group_stats g0, g1;

    snprintf(db_path, sizeof db_path, "%s/%s.db", t_tmpdir(), name);
    T_REQUIRE(T_OK(catalog_open(db_path, &cat, &err), &err));
    T_OK(catalog_library_add(cat, "HOT", "Hot library", "school", &lib_id, &err), &err);
    rec.title = "Sách được mượn nhiều";
    T_OK(catalog_tx_begin(cat, &err), &err);
    T_OK(catalog_record_add(cat, &rec, &record_id, &err), &err);
    T_OK(catalog_tx_end(cat, TS_OK, &err), &err);
    for (int i = 0; i < N_ITEMS; i++) {
        struct cat_item_in in = {0};
        char barcode[16];
        snprintf(barcode, sizeof barcode, "H-%d", i + 1);
        in.barcode = barcode;
        T_OK(catalog_item_add(cat, record_id, &in, lib_id, "t", &id, &err), &err);
    }
    T_OK(catalog_policy_get(cat, lib_id, "adult", &pol, &err), &err);
    pol.max_items = N_ITEMS;
    T_OK(catalog_policy_set(cat, lib_id, "adult", &pol, "t", &err), &err);
    for (int i = 0; i < N_THREADS; i++) {
        struct cat_reader_in in = {0};
        char card[16];
        snprintf(card, sizeof card, "R-%d", i);
        in.card = card;
        in.name = "Bạn đọc";
        in.category = "adult";
        in.home_library_id = lib_id;
        T_OK(catalog_reader_add(cat, &in, "t", &readers[i], &err), &err);
    }
    if (grouped)
        T_REQUIRE(T_OK(catalog_group_open(db_path, &group, &err), &err));
    catalog_group_stats(&g0);
    for (int i = 0; i < N_THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].index = i;
        T_REQUIRE(pthread_create(&th[i], NULL, work, &w[i]) == 0);
    }
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(th[i], NULL);
    catalog_group_stats(&g1);
    catalog_close(group);
    group = NULL;
    for (int i = 0; i < N_THREADS; i++) {
        checkouts += w[i].checkouts;
        returns += w[i].returns;
        replays += w[i].replays;
        conflicts += w[i].conflicts;
        busy += w[i].busy;
        if (!T_EQ_INT(w[i].other, 0))
            fprintf(stderr, "  # thread %d: %s\n", i, w[i].other_msg);
    }
    printf("# %.0f s, %d threads: %ld checkouts, %ld returns, %ld replays, %ld refusals, "
           "%ld busy\n",
           seconds, N_THREADS, checkouts, returns, replays, conflicts, busy);
    if (grouped) {
        printf("# group commit: %llu changes in %llu commits\n", g1.calls - g0.calls,
               g1.commits - g0.commits);
        /* every change is in some commit, and under 8 threads some share one */
        T_EQ_INT(g1.calls - g0.calls, checkouts + returns + replays);
        T_CHECK(g1.commits - g0.commits < g1.calls - g0.calls);
        T_EQ_INT(busy, 0); /* threads queue on the writer lock, never on sqlite's */
    }
    T_CHECK(checkouts > 0 && returns > 0);
    T_OK(catalog_circ_check(cat, &chk, &err), &err);
    T_CHECK(chk.integrity_ok);
    T_EQ_INT(chk.items_multi_loans, 0);
    T_EQ_INT(chk.status_mismatch, 0);
    T_EQ_INT(chk.open_without_reader, 0);
    T_EQ_INT(chk.closed_with_reader, 0);
    T_EQ_INT(chk.fk_violations, 0);
    T_EQ_INT(catalog_event_count(cat, "loan.checkout"), checkouts);
    T_EQ_INT(catalog_event_count(cat, "loan.return"), returns);
    {
        struct cat_loan *v = NULL;
        size_t n = 0, open = 0;
        T_OK(catalog_loan_overdue(cat, 0, &v, &n, &err), &err); /* none are due yet */
        T_EQ_INT(n, 0);
        cat_loan_list_free(v, n);
        for (int i = 0; i < N_THREADS; i++) {
            T_OK(catalog_loan_list_reader(cat, readers[i], &v, &n, &err), &err);
            open += n;
            cat_loan_list_free(v, n);
        }
        T_EQ_INT((long)open, checkouts - returns);
        T_CHECK(open <= N_ITEMS);
    }
    catalog_close(cat);
}

static void test_hot_items(void)
{
    hot_items("own", 0);
}

static void test_hot_items_group(void)
{
    hot_items("group", 1);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"hot_items", test_hot_items},
        {"hot_items_group", test_hot_items_group},
        {0},
    };
    return t_main(cases, argc, argv);
}
