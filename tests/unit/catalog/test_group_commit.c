/*
 * tests/unit/catalog/test_group_commit.c - the group connection the server's
 * desk shares (catalog/writer.c): calls of several threads share a COMMIT,
 * a refused call rolls back alone inside a batch, and nothing is
 * acknowledged before its COMMIT is durable - checked by killing a
 * threaded desk process with SIGKILL again and again, and by cutting the
 * power under one (a stand-in disk keeps only what was synced), then
 * replaying every acknowledged checkout and return with its idempotency key:
 * each must answer "done before" (replayed), never do the work now.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "catalog_int.h" /* the group connection's sqlite3, to break a COMMIT */
#include "circ_fixture.h"
#include "ts_util.h"

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---------------------------------------------------------------- a batch */

/* A stand-in disk whose sync waits while `hold` is set: a sync stays in
 * flight, and the test stages what happens meanwhile. */
struct held_disk {
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int hold, entered;
};

static int held_sync(int fd, void *ctx)
{
    struct held_disk *d = ctx;

    (void)fd;
    pthread_mutex_lock(&d->lock);
    d->entered++;
    pthread_cond_broadcast(&d->cv);
    while (d->hold)
        pthread_cond_wait(&d->cv, &d->lock);
    pthread_mutex_unlock(&d->lock);
    return 0;
}

static void held_wait_entered(struct held_disk *d)
{
    pthread_mutex_lock(&d->lock);
    while (d->entered == 0)
        pthread_cond_wait(&d->cv, &d->lock);
    pthread_mutex_unlock(&d->lock);
}

static void held_release(struct held_disk *d)
{
    pthread_mutex_lock(&d->lock);
    d->hold = 0;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->lock);
}

struct second {
    catalog *g;
    int64_t lib, reader;
    int refused_rc, ok_rc, leave_rc;
    uint64_t seq;
};

/* Another desk thread: one refused checkout (the copy is on loan in the
 * batch) and one good one, then it leaves without waiting. */
static void *second_caller(void *arg)
{
    struct second *s = arg;
    struct cat_desk d = fx_desk(s->lib);
    struct ts_err err = {0};
    struct cat_loan l;

    catalog_group_enter(s->g);
    s->refused_rc = catalog_loan_checkout(s->g, &d, "A-1", s->reader, &l, &err);
    cat_loan_clear(&l);
    s->ok_rc = catalog_loan_checkout(s->g, &d, "A-2", s->reader, &l, &err);
    cat_loan_clear(&l);
    s->leave_rc = catalog_group_leave_nowait(s->g, s->ok_rc, &err, &s->seq);
    return NULL;
}

/* Calls that come while a sync is in flight share the next COMMIT: nobody
 * commits when leaving, the sync after it commits the batch first. */
static void test_batch(void)
{
    struct fx f;
    struct cat_group_stats s0, s1;
    struct second sec = {0};
    struct held_disk disk = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 1, 0};
    struct cat_desk d;
    struct cat_loan l;
    pthread_t th;
    catalog *g = NULL;
    uint64_t seq0 = 0, seq1 = 0;
    int rc;

    T_REQUIRE(fx_open(&f, t_tmpdir(), "batch"));
    catalog_group_set_sync(held_sync, &disk);
    T_REQUIRE(T_OK(catalog_group_open(f.path, &g, &f.err), &f.err));
    catalog_group_stats(&s0);
    d = fx_desk(f.a);
    /* the first call: committed by the flush's thread, whose sync is then held */
    catalog_group_enter(g);
    rc = catalog_loan_checkout(g, &d, "A-3", f.gv1, &l, &f.err);
    cat_loan_clear(&l);
    T_OK(catalog_group_leave_nowait(g, rc, &f.err, &seq0), &f.err);
    T_CHECK(seq0 > 0);
    held_wait_entered(&disk);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 1);

    /* two callers meanwhile: one batch, left open, one number */
    catalog_group_enter(g);
    rc = catalog_loan_checkout(g, &d, "A-1", f.hs1, &l, &f.err);
    T_OK(rc, &f.err);
    cat_loan_clear(&l);
    T_OK(catalog_group_leave_nowait(g, rc, &f.err, &seq1), &f.err);
    T_EQ_INT(seq1, seq0 + 1);
    sec.g = g;
    sec.lib = f.a;
    sec.reader = f.hs2;
    T_REQUIRE(pthread_create(&th, NULL, second_caller, &sec) == 0);
    pthread_join(th, NULL);
    T_EQ_INT(sec.refused_rc, TS_ECONFLICT);
    T_EQ_INT(sec.ok_rc, TS_OK);
    T_EQ_INT(sec.leave_rc, TS_OK);
    T_EQ_INT(sec.seq, seq1);
    /* not committed yet: another connection does not see the loans */
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 1);

    held_release(&disk);
    T_OK(catalog_group_wait(g, seq1, &f.err), &f.err);
    catalog_group_stats(&s1);
    T_EQ_INT(s1.calls - s0.calls, 3);     /* three callers changed something ... */
    T_EQ_INT(s1.commits - s0.commits, 2); /* ... the last two shared one COMMIT */
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan WHERE returned_at IS NULL"), 3);
    T_EQ_INT(catalog_event_count(f.cat, "loan.checkout"), 3); /* none for the refusal */
    fx_check_invariants(&f);

    /* without catalog_group_enter a call commits on its own, as on any connection */
    T_EQ_INT(fx_return(&f, f.a, "A-3"), TS_OK);
    T_EQ_INT(catalog_loan_checkout(g, &d, "A-3", f.gv1, &l, &f.err), TS_OK);
    cat_loan_clear(&l);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan WHERE returned_at IS NULL"), 3);
    catalog_close(g);
    catalog_group_set_sync(NULL, NULL);
    fx_close(&f);
}

/* A batch whose COMMIT fails: each caller holding its number hears so, and
 * the next batch goes on. The COMMIT is made to fail by a foreign key that
 * is only checked then (a deferred constraint). */
static void test_batch_lost(void)
{
    struct fx f;
    struct held_disk disk = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 1, 0};
    struct cat_desk d;
    struct cat_loan l;
    catalog *g = NULL;
    uint64_t seq0 = 0, seq1 = 0, seq2 = 0;
    int rc;

    T_REQUIRE(fx_open(&f, t_tmpdir(), "lost"));
    catalog_group_set_sync(held_sync, &disk);
    T_REQUIRE(T_OK(catalog_group_open(f.path, &g, &f.err), &f.err));
    d = fx_desk(f.a);
    catalog_group_enter(g);
    rc = catalog_loan_checkout(g, &d, "A-3", f.gv1, &l, &f.err);
    cat_loan_clear(&l);
    T_OK(catalog_group_leave_nowait(g, rc, &f.err, &seq0), &f.err);
    held_wait_entered(&disk); /* a sync in flight: the next batch stays open */

    catalog_group_enter(g);
    rc = catalog_loan_checkout(g, &d, "A-1", f.hs1, &l, &f.err);
    cat_loan_clear(&l);
    T_OK(rc, &f.err);
    /* a change that breaks a deferred foreign key: the COMMIT will refuse it */
    T_CHECK(sqlite3_exec(g->db,
                         "PRAGMA defer_foreign_keys=ON;"
                         "UPDATE loan SET reader_id = 999999 WHERE returned_at IS NULL AND"
                         " reader_id IS NOT NULL AND item_id = (SELECT id FROM item"
                         " WHERE barcode = 'A-1')",
                         NULL, NULL, NULL) == SQLITE_OK);
    T_OK(catalog_group_leave_nowait(g, rc, &f.err, &seq1), &f.err);
    catalog_group_enter(g);
    rc = catalog_loan_checkout(g, &d, "A-2", f.hs2, &l, &f.err);
    cat_loan_clear(&l);
    T_OK(catalog_group_leave_nowait(g, rc, &f.err, &seq2), &f.err);
    T_EQ_INT(seq2, seq1);

    held_release(&disk);
    T_EQ_INT(catalog_group_wait(g, seq1, &f.err), TS_EDB);
    T_CHECK(strstr(f.err.msg, "FOREIGN KEY") != NULL);
    T_EQ_INT(catalog_group_wait(g, seq2, &f.err), TS_EDB); /* each holder hears it */
    T_OK(catalog_group_wait(g, seq0, &f.err), &f.err);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 1); /* are not on loan */

    /* the next batch goes on */
    catalog_group_enter(g);
    rc = catalog_loan_checkout(g, &d, "A-1", f.hs1, &l, &f.err);
    cat_loan_clear(&l);
    T_OK(catalog_group_leave(g, rc, &f.err), &f.err);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 2);
    fx_check_invariants(&f);
    catalog_close(g);
    catalog_group_set_sync(NULL, NULL);
    fx_close(&f);
}

/* ------------------------------------------------------------- kill -9 */

#define KILL_THREADS 4
#define KILL_ROUNDS 40

struct desk_proc {
    catalog *g;
    int fd, index, round;
    int64_t lib, readers[3];
    const int *stop; /* power cut: stop at the first TS_EIO (the dead disk) or when set */
};

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A desk thread: checkouts and returns of three hot copies, each with its own
 * key; a done one is acknowledged with one write(2) of one line (atomic on a
 * pipe) after catalog_group_leave. Runs until killed, or told to stop. */
static void *desk_thread(void *arg)
{
    struct desk_proc *p = arg;
    uint64_t seed = 0x2545F4914F6CDD1DULL * (uint64_t)(p->index + 1) + (uint64_t)p->round;

    for (long n = 0;; n++) {
        uint64_t r = next_rand(&seed);
        struct cat_desk d = {p->lib, "kill9", NULL, 0};
        struct ts_err err = {0};
        char key[64], barcode[8], line[160];
        int64_t reader = p->readers[(r >> 20) % 3];
        int checkout = (r >> 8) % 2 == 0, rc;

        snprintf(barcode, sizeof barcode, "A-%d", (int)(r % 3) + 1);
        snprintf(key, sizeof key, "g%d-%d-%ld", p->round, p->index, n);
        d.idem_key = key;
        catalog_group_enter(p->g);
        if (checkout) {
            struct cat_loan l;
            rc = catalog_loan_checkout(p->g, &d, barcode, reader, &l, &err);
            cat_loan_clear(&l);
        } else {
            struct cat_return ret;
            rc = catalog_loan_return(p->g, &d, barcode, &ret, &err);
            cat_return_clear(&ret);
        }
        rc = catalog_group_leave(p->g, rc, &err);
        if (p->stop && (rc == TS_EIO || __atomic_load_n(p->stop, __ATOMIC_ACQUIRE)))
            break;
        if (rc != TS_OK)
            continue; /* refused (on loan, not on loan): nothing to hold it to */
        snprintf(line, sizeof line, "%c %s %s %" PRId64 "\n", checkout ? 'c' : 'r', key, barcode,
                 reader);
        if (write(p->fd, line, strlen(line)) < 0)
            _exit(3);
    }
    return NULL;
}

static void child_desk(const char *path, int fd, int round, int64_t lib, const int64_t *readers)
{
    struct desk_proc p[KILL_THREADS];
    struct ts_err err = {0};
    pthread_t th[KILL_THREADS];
    catalog *g = NULL;

    if (catalog_group_open(path, &g, &err))
        _exit(2);
    for (int i = 0; i < KILL_THREADS; i++) {
        p[i] = (struct desk_proc){g, fd, i, round, lib, {readers[0], readers[1], readers[2]}, NULL};
        if (pthread_create(&th[i], NULL, desk_thread, &p[i]))
            _exit(2);
    }
    for (;;)
        pause_ms(1000);
}

/* Every acknowledged line, replayed with its key: must be "done before". */
static int replay(struct fx *f, char *line, long *replayed)
{
    char op, key[64], barcode[8];
    int64_t reader;
    struct cat_desk d = fx_desk(f->a);
    int rc, again = 0;

    if (sscanf(line, "%c %63s %7s %" SCNd64, &op, key, barcode, &reader) != 4)
        return T_CHECK(!"an ack line is whole"), 0;
    d.idem_key = key;
    if (op == 'c') {
        struct cat_loan l;
        rc = catalog_loan_checkout(f->cat, &d, barcode, reader, &l, &f->err);
        again = rc == TS_OK && l.replayed;
        cat_loan_clear(&l);
    } else {
        struct cat_return r;
        rc = catalog_loan_return(f->cat, &d, barcode, &r, &f->err);
        again = rc == TS_OK && r.replayed;
        cat_return_clear(&r);
    }
    if (!again)
        fprintf(stderr, "# acknowledged, then lost: %s (%s)\n", line, rc ? f->err.msg : "done now");
    *replayed += again;
    return again;
}

static void test_kill9(void)
{
    struct fx f;
    long acked = 0, replayed = 0, lost = 0;
    uint64_t seed = (uint64_t)ts_now_unix() | 1;
    int64_t readers[3];

    T_REQUIRE(fx_open(&f, t_tmpdir(), "kill9"));
    readers[0] = f.hs1;
    readers[1] = f.hs2;
    readers[2] = f.gv1;
    for (int round = 0; round < KILL_ROUNDS; round++) {
        int fds[2];
        pid_t pid;
        char buf[1 << 16];
        size_t len = 0;
        ssize_t got;

        /* no connection crosses the fork: the parent's is reopened each round */
        fx_close(&f);
        T_REQUIRE(pipe(fds) == 0);
        pid = fork();
        T_REQUIRE(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_desk(f.path, fds[1], round, f.a, readers);
        }
        close(fds[1]);
        pause_ms(30 + (long)(next_rand(&seed) % 70));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        while ((got = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0 && len < sizeof buf - 1)
            len += (size_t)got;
        close(fds[0]);
        buf[len] = '\0';
        T_REQUIRE(T_OK(catalog_open(f.path, &f.cat, &f.err), &f.err));
        for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
            *nl = '\0';
            acked++;
            if (!replay(&f, line, &replayed))
                lost++;
        }
        fx_check_invariants(&f);
    }
    printf("# %d kills: %ld acknowledged, %ld replayed as done, %ld lost\n", KILL_ROUNDS, acked,
           replayed, lost);
    T_CHECK(acked > 0);
    T_EQ_INT(lost, 0);
    T_EQ_INT(replayed, acked);
    fx_close(&f);
}

/* ----------------------------------------------------------- power cut */

/* The group connection commits without syncing and answers its callers only
 * after an fdatasync of the WAL that began after their COMMIT (flush.c). A
 * power cut keeps what the disk had at the last sync. The sync seam stands
 * in for the disk: each sync keeps a copy of the WAL as it is (a copy taken
 * while a COMMIT writes is torn, as a real cut can be); at a random sync the
 * disk dies, and it and every later sync fail. A few dozen syncs at most, so
 * the WAL stays short of the checkpoint thread's 1,000 pages: a checkpoint
 * would write the database file, which the copies leave out. The catalogue rebuilt from the file as
 * it was before the round plus the last copy must hold every acknowledged
 * checkout and return, and the callers after the cut must hear TS_EIO. */
struct disk {
    pthread_mutex_t lock;
    int cut;
    long syncs, cut_at; /* the power fails at this sync */
    char *wal;
    size_t len;
};

static int disk_sync(int fd, void *ctx)
{
    struct disk *d = ctx;
    struct stat st;
    int rc = 0;

    pthread_mutex_lock(&d->lock);
    if (d->syncs == d->cut_at)
        __atomic_store_n(&d->cut, 1, __ATOMIC_RELEASE);
    if (d->cut) {
        errno = EIO;
        rc = -1;
    } else if (fstat(fd, &st) == 0) {
        d->wal = realloc(d->wal, (size_t)st.st_size + 1);
        d->len = (size_t)pread(fd, d->wal, (size_t)st.st_size, 0);
        d->syncs++;
    } else {
        rc = -1;
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}

#define CUT_ROUNDS 12

static void test_power_cut(void)
{
    uint64_t seed = (uint64_t)ts_now_unix() | 1;
    long acked = 0, replayed = 0, refused_after = 0, syncs = 0;

    for (int round = 0; round < CUT_ROUNDS; round++) {
        struct disk disk = {PTHREAD_MUTEX_INITIALIZER,         0,    0,
                            3 + (long)(next_rand(&seed) % 25), NULL, 0};
        struct desk_proc p[KILL_THREADS];
        pthread_t th[KILL_THREADS];
        struct cat_group_stats s0, s1;
        struct fx f;
        char name[32], base[sizeof f.path + 8], wal[sizeof f.path + 8], acks[sizeof f.path + 8];
        catalog *g = NULL;
        char *buf = NULL;
        size_t len = 0;
        int fd;

        snprintf(name, sizeof name, "cut%d", round);
        T_REQUIRE(fx_open(&f, t_tmpdir(), name));
        /* the disk before the round: the last connection closed, everything
         * is in the database file and there is no WAL */
        fx_close(&f);
        snprintf(wal, sizeof wal, "%s-wal", f.path);
        T_REQUIRE(access(wal, F_OK) != 0);
        snprintf(base, sizeof base, "%s.base", f.path);
        {
            char *db = NULL;
            size_t n = 0;
            T_REQUIRE(T_OK(ts_read_file(f.path, 1 << 26, &db, &n, &f.err), &f.err));
            T_REQUIRE(T_OK(ts_write_file_atomic(base, db, n, &f.err), &f.err));
            free(db);
        }

        catalog_group_set_sync(disk_sync, &disk);
        T_REQUIRE(T_OK(catalog_group_open(f.path, &g, &f.err), &f.err));
        catalog_group_stats(&s0);
        /* acknowledgements go to a file: a writer never blocks on it */
        snprintf(acks, sizeof acks, "%s.acks", f.path);
        T_REQUIRE((fd = open(acks, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600)) >= 0);
        for (int i = 0; i < KILL_THREADS; i++) {
            p[i] =
                (struct desk_proc){g, fd, i, 1000 + round, f.a, {f.hs1, f.hs2, f.gv1}, &disk.cut};
            T_REQUIRE(pthread_create(&th[i], NULL, desk_thread, &p[i]) == 0);
        }
        for (int i = 0; i < 200 && !__atomic_load_n(&disk.cut, __ATOMIC_ACQUIRE); i++)
            pause_ms(10); /* up to 2 s: the desk syncs hundreds of times a second */
        T_CHECK(__atomic_load_n(&disk.cut, __ATOMIC_ACQUIRE)); /* else nothing waited for a sync */
        pthread_mutex_lock(&disk.lock);
        __atomic_store_n(&disk.cut, 1, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&disk.lock);
        for (int i = 0; i < KILL_THREADS; i++)
            pthread_join(th[i], NULL);
        close(fd);
        T_REQUIRE(T_OK(ts_read_file(acks, 1 << 24, &buf, &len, &f.err), &f.err));
        /* the disk is gone: nothing more is taken, let alone acknowledged */
        {
            struct cat_desk d = fx_desk(f.a);
            struct cat_loan l;
            struct ts_err err = {0};
            catalog_group_enter(g);
            int rc = catalog_loan_checkout(g, &d, "A-3", f.nl1, &l, &err);
            cat_loan_clear(&l);
            rc = catalog_group_leave(g, rc, &err);
            T_EQ_INT(rc, TS_EIO);
            refused_after += rc == TS_EIO;
        }
        catalog_group_stats(&s1);
        /* the copies model a disk that only the WAL syncs changed: no checkpoint ran */
        T_EQ_INT(s1.checkpoints - s0.checkpoints, 0);
        catalog_close(g);
        catalog_group_set_sync(NULL, NULL);
        syncs += disk.syncs;

        /* power back: the database file as before the round, the WAL of the last sync */
        T_REQUIRE(rename(base, f.path) == 0);
        snprintf(wal, sizeof wal, "%s-wal", f.path);
        T_REQUIRE(
            T_OK(ts_write_file_atomic(wal, disk.wal ? disk.wal : "", disk.len, &f.err), &f.err));
        snprintf(wal, sizeof wal, "%s-shm", f.path);
        unlink(wal);
        free(disk.wal);
        pthread_mutex_destroy(&disk.lock);
        T_REQUIRE(T_OK(catalog_open(f.path, &f.cat, &f.err), &f.err));
        for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
            *nl = '\0';
            acked++;
            replay(&f, line, &replayed);
        }
        free(buf);
        fx_check_invariants(&f);
        fx_close(&f);
    }
    printf("# %d power cuts: %ld syncs, %ld acknowledged, %ld still there, %ld refused after\n",
           CUT_ROUNDS, syncs, acked, replayed, refused_after);
    T_CHECK(syncs > 0);
    T_CHECK(acked > 0);
    T_EQ_INT(replayed, acked);
}

/* Answers that rest on a change still waiting for its sync wait for it too:
 * a retried checkout (same key) answered "done before", and another reader's
 * checkout of the same copy refused as "on loan". The seam holds the first
 * sync; neither may return while it is held. */
struct keyed {
    catalog *g;
    const char *key;
    int64_t lib, reader;
    int rc, replayed;
    atomic_int done;
};

static void *keyed_checkout(void *arg)
{
    struct keyed *k = arg;
    struct cat_desk d = {k->lib, "librarian", k->key, 0};
    struct ts_err err = {0};
    struct cat_loan l;

    catalog_group_enter(k->g);
    k->rc = catalog_loan_checkout(k->g, &d, "A-1", k->reader, &l, &err);
    k->replayed = k->rc == TS_OK && l.replayed;
    cat_loan_clear(&l);
    k->rc = catalog_group_leave(k->g, k->rc, &err);
    atomic_store(&k->done, 1);
    return NULL;
}

static void test_replay_waits_for_sync(void)
{
    struct held_disk disk = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 1, 0};
    struct fx f;
    struct keyed first = {0}, retry = {0}, other = {0};
    pthread_t t1, t2, t3;
    catalog *g = NULL;

    T_REQUIRE(fx_open(&f, t_tmpdir(), "replaysync"));
    catalog_group_set_sync(held_sync, &disk);
    T_REQUIRE(T_OK(catalog_group_open(f.path, &g, &f.err), &f.err));
    first = (struct keyed){g, "key-1", f.a, f.hs1, 0, 0, 0};
    retry = (struct keyed){g, "key-1", f.a, f.hs1, 0, 0, 0};
    other = (struct keyed){g, "key-2", f.a, f.hs2, 0, 0, 0};
    T_REQUIRE(pthread_create(&t1, NULL, keyed_checkout, &first) == 0);
    held_wait_entered(&disk); /* the first checkout is committed and waits for its sync */
    T_REQUIRE(pthread_create(&t2, NULL, keyed_checkout, &retry) == 0);
    T_REQUIRE(pthread_create(&t3, NULL, keyed_checkout, &other) == 0);
    pause_ms(200);
    T_EQ_INT(atomic_load(&first.done), 0);
    T_EQ_INT(atomic_load(&retry.done), 0); /* both have read the loan: they wait for its sync */
    T_EQ_INT(atomic_load(&other.done), 0);
    held_release(&disk);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    pthread_join(t3, NULL);
    T_EQ_INT(other.rc, TS_ECONFLICT);
    T_EQ_INT(first.rc, TS_OK);
    T_EQ_INT(first.replayed, 0);
    T_EQ_INT(retry.rc, TS_OK);
    T_EQ_INT(retry.replayed, 1);
    catalog_close(g);
    catalog_group_set_sync(NULL, NULL);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan"), 1);
    fx_close(&f);
    pthread_mutex_destroy(&disk.lock);
    pthread_cond_destroy(&disk.cv);
}

/* ------------------------------------------------------- checkpoints */

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* One reader card PREFIX-i added through the group connection: a COMMIT of
 * its own (nobody else queued). 1 if it went through. */
/* One new reader PREFIX-i through g, inside whatever batch is open. */
static int add_reader(struct fx *f, catalog *g, const char *prefix, int i)
{
    struct cat_reader_in in = {0};
    char card[32];
    int64_t id;

    snprintf(card, sizeof card, "%s-%05d", prefix, i);
    in.card = card;
    in.name = "Nguyễn Thị Kiểm Tra";
    in.category = "pupil";
    in.home_library_id = f->a;
    return catalog_reader_add(g, &in, "test", &id, &f->err);
}

/* The same as a COMMIT of its own. */
static int group_add_reader(struct fx *f, catalog *g, const char *prefix, int i)
{
    int rc;

    catalog_group_enter(g);
    rc = add_reader(f, g, prefix, i);
    return T_OK(catalog_group_leave(g, rc, &f->err), &f->err);
}

/* The group connection's COMMITs never checkpoint; its thread does, once the
 * WAL has grown by 1,000 pages: the new readers reach the database file
 * (which only a checkpoint writes) and the thread's count goes up. The data
 * is whole afterwards. */
static void test_checkpoint_thread(void)
{
    struct fx f;
    struct cat_group_stats s0, s1;
    catalog *g = NULL;
    long size0;
    int grew = 0;

    T_REQUIRE(fx_open(&f, t_tmpdir(), "ckpt"));
    T_REQUIRE(T_OK(catalog_group_open(f.path, &g, &f.err), &f.err));
    catalog_group_stats(&s0);
    size0 = file_size(f.path);
    T_REQUIRE(size0 > 0);
    for (int i = 0; i < 800; i++) /* a COMMIT each, 3-4 pages each */
        T_REQUIRE(group_add_reader(&f, g, "CK", i));
    for (int i = 0; i < 500 && !grew; i++) { /* up to 5 s */
        catalog_group_stats(&s1);
        grew = s1.checkpoints > s0.checkpoints && file_size(f.path) > size0;
        if (!grew)
            pause_ms(10);
    }
    T_CHECK(grew);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM reader WHERE card LIKE 'CK-%'"), 800);
    catalog_close(g);
    T_EQ_INT(
        fx_sql_i64(&f, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
        1);
    fx_close(&f);
}

/* Desk writes that never pause: a PASSIVE checkpoint beside them always
 * finds new frames at the end, so unless it is finished while the desk is
 * held off the WAL never starts over and grows with every COMMIT (it reached
 * 385 MB in 40 s of the benchmark). 4,000 COMMITs of about 4 pages each:
 * without restarts the WAL would hold ~16,000 frames; with them it stays
 * within a few checkpoint intervals (1,000 pages each). */
static void test_wal_starts_over(void)
{
    struct fx f;
    catalog *g = NULL;
    char wal[sizeof f.path + 8];
    long max_frames = 0;

    T_REQUIRE(fx_open(&f, t_tmpdir(), "walrestart"));
    snprintf(wal, sizeof wal, "%s-wal", f.path);
    T_REQUIRE(T_OK(catalog_group_open(f.path, &g, &f.err), &f.err));
    for (int i = 0; i < 4000; i++) {
        T_REQUIRE(group_add_reader(&f, g, "WR", i));
        if (i % 100 == 99) {
            long frames = (file_size(wal) - 32) / (4096 + 24);
            if (frames > max_frames)
                max_frames = frames;
        }
    }
    if (max_frames >= 5000)
        fprintf(stderr, "  WAL grew to %ld frames\n", max_frames);
    T_CHECK(max_frames > 0);
    T_CHECK(max_frames < 5000);
    catalog_close(g);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM reader WHERE card LIKE 'WR-%'"), 4000);
    fx_close(&f);
}

/* One write per COMMIT (catalog/walbuf.c): sqlite writes a WAL frame as a
 * header and a page; the group connection's VFS gathers a COMMIT's frames
 * and sends them in one write when the commit frame's page arrives, before
 * sqlite tells other connections about the frames (none sent late, at the
 * barrier). Another connection sees the batch at once; the file is whole. */
static void test_wal_one_write(void)
{
    struct fx f;
    struct cat_group_stats s0, s1;
    struct cat_desk d;
    struct cat_loan l;
    catalog *g = NULL;
    unsigned long long writes, sent, commits;
    int rc;

    T_REQUIRE(fx_open(&f, t_tmpdir(), "walbuf"));
    T_REQUIRE(T_OK(catalog_group_open(f.path, &g, &f.err), &f.err));
    catalog_group_stats(&s0);
    d = fx_desk(f.a);
    catalog_group_enter(g);
    rc = catalog_loan_checkout(g, &d, "A-1", f.hs1, &l, &f.err);
    cat_loan_clear(&l);
    if (rc == TS_OK) {
        rc = catalog_loan_checkout(g, &d, "A-3", f.gv1, &l, &f.err);
        cat_loan_clear(&l);
    }
    T_OK(catalog_group_leave(g, rc, &f.err), &f.err);
    for (int i = 0; i < 20; i++) /* twenty more COMMITs */
        T_REQUIRE(group_add_reader(&f, g, "WB", i));
    catalog_group_stats(&s1);
    /* a COMMIT larger than a single write may be (sqlite's unix VFS takes at
     * most 128 KiB - 1 at a time and called more a full disk) */
    catalog_group_enter(g);
    rc = TS_OK;
    for (int i = 0; i < 1500 && rc == TS_OK; i++)
        rc = add_reader(&f, g, "BIG", i);
    T_OK(catalog_group_leave(g, rc, &f.err), &f.err);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM reader WHERE card LIKE 'BIG-%'"), 1500);
    writes = s1.wal_writes - s0.wal_writes;
    sent = s1.wal_pwrites - s0.wal_pwrites;
    commits = s1.commits - s0.commits;
    fprintf(stderr, "  %llu COMMITs: %llu WAL writes sent in %llu\n", commits, writes, sent);
    T_CHECK(commits >= 21);
    T_CHECK(writes >= 4 * commits); /* at least two frames each */
    T_CHECK(sent <= commits + 1);   /* +1: the WAL's header, when it is new */
    T_EQ_INT((long long)(s1.wal_late - s0.wal_late), 0);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM loan WHERE returned_at IS NULL"), 2);
    T_EQ_INT(fx_sql_i64(&f, "SELECT count(*) FROM reader WHERE card LIKE 'WB-%'"), 20);
    catalog_close(g);
    T_EQ_INT(
        fx_sql_i64(&f, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
        1);
    fx_check_invariants(&f);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"batch", test_batch},
        {"batch_lost", test_batch_lost},
        {"kill9", test_kill9},
        {"power_cut", test_power_cut},
        {"replay_waits_for_sync", test_replay_waits_for_sync},
        {"checkpoint_thread", test_checkpoint_thread},
        {"wal_starts_over", test_wal_starts_over},
        {"wal_one_write", test_wal_one_write},
        {0},
    };
    return t_main(cases, argc, argv);
}
