/*
 * tests/tools/circ_workload.c - the desk client that tests/cli/test_circ_kill9.sh
 * starts and kills with SIGKILL, again and again. It is a tool of that test,
 * not a test itself (built with add_executable, not registered with ctest).
 *
 *   circ_workload --db FILE --seed S --from N [--count M] [--copies C] [--readers R]
 *   circ_workload --db FILE --check
 *
 * Operation number n (n = N, N+1, ...; forever unless --count) is a pure
 * function of (S, n): a checkout of one copy to one reader, or a return, at
 * one of the two desks, with the idempotency key "kill9-S-n". So a driver
 * restarted with --from N first repeats, with the same key and the same
 * arguments, the operation the killed one was doing - exactly what a desk
 * client does after losing a response. The catalogue is opened with the
 * public API (catalog_open: WAL, synchronous=FULL, as the CLI and the server).
 *
 * After the catalogue answers (TS_OK, or a refusal: TS_ECONFLICT/TS_EPERM),
 * one line goes to stdout with a single write(2), before the next operation:
 *
 *   ack <key> <op> <barcode> <result> <desk> <reader|-> <loan_id> <outcome|->
 *
 * result: ok, replayed (the key matched: done before, not done again) or
 * refused:<ts_code_name>. That line is what a client would have received;
 * the test holds the catalogue to it. Anything else (a database error, a key
 * refused as "used for a different request") is printed to stderr and ends
 * the program with status 1, which the test reports.
 *
 * The data the test sets up, by naming convention: libraries KA and KB;
 * copies KA-01..KA-C (home KA) and KB-01..KB-C (home KB); readers with cards
 * R01..R<R>. --check prints catalog_circ_check's counts, one "name value"
 * per line, and exits 0 only when integrity is ok and every count is 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "circ.h"
#include "ts_util.h"

#define MAX_READERS 64
#define MAX_COPIES 99

static const char *const libs[2] = {"KA", "KB"};

struct setup {
    catalog *cat;
    int64_t lib_id[2];
    int64_t reader_id[MAX_READERS + 1]; /* by card number 1..n_readers */
    int64_t seed, n_copies, n_readers;
};

/* One operation, derived from (seed, n) alone so a retry repeats it exactly. */
struct op {
    int is_checkout;
    int home, desk; /* 0 = KA, 1 = KB */
    int copy;       /* 1..n_copies */
    int reader;     /* 1..n_readers (checkout only) */
    char key[64], barcode[16];
};

/* splitmix64: the libc generator is banned, and the value must depend on
 * (seed, n) alone, not on how many numbers an earlier run drew. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static void op_make(const struct setup *s, int64_t n, struct op *o)
{
    uint64_t h = mix(mix((uint64_t)s->seed) ^ (uint64_t)n);

    memset(o, 0, sizeof *o);
    o->is_checkout = (h & 1) == 0;
    o->home = (int)((h >> 1) & 1);
    o->copy = 1 + (int)((h >> 8) % (uint64_t)s->n_copies);
    o->reader = 1 + (int)((h >> 24) % (uint64_t)s->n_readers);
    /* Mostly at the copy's home desk; sometimes at the other one, so that
     * checkouts are refused there (another library's copy) and returns send
     * copies in transit, to be checked in later. */
    if (o->is_checkout)
        o->desk = (h >> 40) % 8 == 0 ? !o->home : o->home;
    else
        o->desk = (h >> 40) % 4 == 0 ? !o->home : o->home;
    snprintf(o->key, sizeof o->key, "kill9-%" PRId64 "-%" PRId64, s->seed, n);
    snprintf(o->barcode, sizeof o->barcode, "%s-%02d", libs[o->home], o->copy);
}

/* The whole line in one write(2), so the ack log holds the answers the
 * client received. A SIGKILL can still cut that write short (the kernel
 * stops copying once a fatal signal is pending; seen once in many thousand
 * kills): the test marks such a fragment as never received. */
static int emit(const char *line)
{
    size_t len = strlen(line);

    while (len > 0) {
        ssize_t w = write(STDOUT_FILENO, line, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        line += w;
        len -= (size_t)w;
    }
    return 0;
}

/* A refusal is an answer to acknowledge; everything else ends the run. */
static int is_refusal(int rc, const struct ts_err *err)
{
    if (rc != TS_ECONFLICT && rc != TS_EPERM)
        return 0;
    /* a key refused for "a different request" means op_make is not pure */
    return strstr(err->msg, "idempotency key") == NULL;
}

static int run_one(struct setup *s, int64_t n)
{
    struct cat_desk desk = {0};
    struct ts_err err = {0};
    struct op o;
    char line[256], result[48], reader[16] = "-";
    const char *outcome = "-";
    int64_t loan_id = 0;
    int rc, replayed = 0;

    op_make(s, n, &o);
    desk.library_id = s->lib_id[o.desk];
    desk.actor = "kill9";
    desk.idem_key = o.key;
    if (o.is_checkout) {
        struct cat_loan l;
        snprintf(reader, sizeof reader, "R%02d", o.reader);
        rc = catalog_loan_checkout(s->cat, &desk, o.barcode, s->reader_id[o.reader], &l, &err);
        if (rc == TS_OK) {
            loan_id = l.id;
            replayed = l.replayed;
        }
        cat_loan_clear(&l);
    } else {
        struct cat_return r;
        rc = catalog_loan_return(s->cat, &desk, o.barcode, &r, &err);
        if (rc == TS_OK) {
            loan_id = r.loan_id;
            replayed = r.replayed;
            outcome = cat_return_outcome_name(r.outcome);
        }
        cat_return_clear(&r);
    }
    if (rc != TS_OK && !is_refusal(rc, &err)) {
        fprintf(stderr, "circ_workload: %s %s %s: %s (%s)\n", o.key,
                o.is_checkout ? "checkout" : "return", o.barcode, err.msg, ts_code_name(rc));
        return 1;
    }
    if (rc == TS_OK)
        snprintf(result, sizeof result, "%s", replayed ? "replayed" : "ok");
    else
        snprintf(result, sizeof result, "refused:%s", ts_code_name(rc));
    snprintf(line, sizeof line, "ack %s %s %s %s %s %s %" PRId64 " %s\n", o.key,
             o.is_checkout ? "checkout" : "return", o.barcode, result, libs[o.desk], reader,
             loan_id, outcome);
    if (emit(line)) {
        fprintf(stderr, "circ_workload: writing the ack: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

static int load_setup(struct setup *s, struct ts_err *err)
{
    int rc;

    for (int i = 0; i < 2; i++) {
        struct cat_library lib = {0};
        if ((rc = catalog_library_get(s->cat, libs[i], &lib, err)))
            return rc;
        s->lib_id[i] = lib.id;
        cat_library_clear(&lib);
    }
    for (int i = 1; i <= s->n_readers; i++) {
        struct cat_reader r = {0};
        char card[16];
        snprintf(card, sizeof card, "R%02d", i);
        if ((rc = catalog_reader_by_card(s->cat, card, &r, err)))
            return rc;
        s->reader_id[i] = r.id;
        cat_reader_clear(&r);
    }
    return TS_OK;
}

static int check(catalog *cat)
{
    struct cat_circ_check c;
    struct ts_err err = {0};

    if (catalog_circ_check(cat, &c, &err)) {
        fprintf(stderr, "circ_workload: check: %s\n", err.msg);
        return 1;
    }
    printf("integrity_ok %d\nitems_multi_loans %" PRId64 "\nstatus_mismatch %" PRId64
           "\nshelf_mismatch %" PRId64 "\nopen_without_reader %" PRId64
           "\nclosed_with_reader %" PRId64 "\nfk_violations %" PRId64 "\n",
           c.integrity_ok, c.items_multi_loans, c.status_mismatch, c.shelf_mismatch,
           c.open_without_reader, c.closed_with_reader, c.fk_violations);
    return cat_circ_check_ok(&c) ? 0 : 3;
}

static int usage(void)
{
    fprintf(stderr, "usage: circ_workload --db FILE --seed S --from N [--count M]"
                    " [--copies C] [--readers R]\n"
                    "       circ_workload --db FILE --check\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct setup s = {.seed = 1, .n_copies = 15, .n_readers = 8};
    struct ts_err err = {0};
    const char *db = NULL;
    int64_t from = -1, count = 0;
    int do_check = 0, rc = 0;
    pid_t parent = getppid();

    for (int i = 1; i < argc; i++) {
        int64_t *v = NULL;
        if (strcmp(argv[i], "--check") == 0) {
            do_check = 1;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "--db") == 0) {
            db = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--seed") == 0)
            v = &s.seed;
        else if (strcmp(argv[i], "--from") == 0)
            v = &from;
        else if (strcmp(argv[i], "--count") == 0)
            v = &count;
        else if (strcmp(argv[i], "--copies") == 0)
            v = &s.n_copies;
        else if (strcmp(argv[i], "--readers") == 0)
            v = &s.n_readers;
        else
            return usage();
        if (ts_parse_i64(argv[++i], v, &err)) {
            fprintf(stderr, "circ_workload: %s: %s\n", argv[i - 1], err.msg);
            return 2;
        }
    }
    if (!db || (!do_check && from < 0) || count < 0 || s.n_copies < 1 || s.n_copies > MAX_COPIES ||
        s.n_readers < 1 || s.n_readers > MAX_READERS)
        return usage();
    if (catalog_open(db, &s.cat, &err)) {
        fprintf(stderr, "circ_workload: %s\n", err.msg);
        return 1;
    }
    if (do_check) {
        rc = check(s.cat);
        goto out;
    }
    if (load_setup(&s, &err)) {
        fprintf(stderr, "circ_workload: setup: %s\n", err.msg);
        rc = 1;
        goto out;
    }
    /* Tells the test this run got past start-up (exec, open, WAL recovery):
     * a kill from here on lands in the workload. */
    fprintf(stderr, "running from %" PRId64 "\n", from);
    for (int64_t n = from; rc == 0 && (count == 0 || n < from + count); n++) {
        /* Orphaned (the test was itself killed or timed out): stop rather
         * than loop forever. */
        if (getppid() != parent) {
            fprintf(stderr, "circ_workload: parent gone, stopping\n");
            break;
        }
        rc = run_one(&s, n);
    }
out:
    catalog_close(s.cat);
    return rc;
}
