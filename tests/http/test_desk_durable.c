/*
 * tests/http/test_desk_durable.c - a desk answer waits for the disk, and
 * only the answer does (server/httpd.c, catalog/flush.c).
 *
 * The server runs with ONE thread, and the disk's sync is a seam the test
 * holds shut. A checkout sent meanwhile must get no answer until the sync
 * is let through; a refusal that read that checkout's loan must not either;
 * and the one thread must go on answering reads (before, a handler waiting
 * for the sync held its thread and every connection on it). Then: a failed
 * sync turns every desk answer into a 500, the loan included, and a server
 * stopped with an answer still held answers it 503 (MHD must not stop with
 * a suspended connection).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "fixture.h"
#include "people.h"
#include "server.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_util.h"

static struct t_srv srv;
static const char *data_dir;
static struct t_who tt_a;

static const char books_csv[] = "Nhan đề,Tác giả,Số ĐKCB,Thư viện\n"
                                "Dế Mèn phiêu lưu ký,Tô Hoài,A-101;A-102;A-103,TH-A\n"
                                "Số đỏ,Vũ Trọng Phụng,A-301;A-302,TH-A\n";

/* The disk: syncs wait while `shut`, and fail while `broken`. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int shut, broken, waiting;
    long syncs;
} disk = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0};

static int disk_sync(int fd, void *ctx)
{
    int broken;

    (void)ctx;
    pthread_mutex_lock(&disk.lock);
    disk.waiting++;
    pthread_cond_broadcast(&disk.cv);
    while (disk.shut)
        pthread_cond_wait(&disk.cv, &disk.lock);
    disk.waiting--;
    disk.syncs++;
    broken = disk.broken;
    pthread_mutex_unlock(&disk.lock);
    if (broken) {
        errno = EIO;
        return -1;
    }
    return fdatasync(fd);
}

static void disk_set(int shut, int broken)
{
    pthread_mutex_lock(&disk.lock);
    disk.shut = shut;
    disk.broken = broken;
    pthread_cond_broadcast(&disk.cv);
    pthread_mutex_unlock(&disk.lock);
}

/* Until a sync is waiting at the shut disk (at most 5 s); 1 if one is. */
static int disk_await_waiter(void)
{
    struct timespec until;
    int ok;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&disk.lock);
    while (!disk.waiting)
        if (pthread_cond_timedwait(&disk.cv, &disk.lock, &until) != 0)
            break;
    ok = disk.waiting > 0;
    pthread_mutex_unlock(&disk.lock);
    return ok;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A POST on a thread of its own, so the test can watch it not come back. */
struct call {
    pthread_t thread;
    const char *path, *body, *key;
    long status;
    char answer[512];
    int done; /* atomic */
};

static void *call_run(void *arg)
{
    struct call *c = arg;
    char keyh[160];
    const char *h[6] = {"Content-Type: application/json", tt_a.cookie, tt_a.csrf_header, keyh,
                        NULL};
    struct t_http_opts o = {0};
    struct t_http r;

    snprintf(keyh, sizeof keyh, "Idempotency-Key: %s", c->key);
    o.method = "POST";
    o.headers = h;
    o.body = c->body;
    o.body_len = strlen(c->body);
    t_http_do(&srv, c->path, &o, &r);
    c->status = r.status;
    snprintf(c->answer, sizeof c->answer, "%s", ts_buf_str(&r.body));
    t_http_free(&r);
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void call_start(struct call *c, const char *path, const char *body, const char *key)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->body = body;
    c->key = key;
    T_REQUIRE(pthread_create(&c->thread, NULL, call_run, c) == 0);
}

static int call_done(struct call *c)
{
    return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

static void call_join(struct call *c)
{
    pthread_join(c->thread, NULL);
}

static void setup(void)
{
    const char *src = t_tmpdir();
    struct server_config cfg;
    char path[1024];

    T_REQUIRE(data_dir = t_fx_two_schools());
    t_fx_write_text(src, "sach.csv", books_csv);
    snprintf(path, sizeof path, "%s/sach.csv", src);
    t_fx_import(data_dir, path, "TH-A", 1, NULL);
    t_fx_reader(data_dir, "HS-A1", "Trần Văn Minh", "pupil", "TH-A", NULL);
    t_fx_reader(data_dir, "HS-A2", "Lê Thị Hoa", "pupil", "TH-A", NULL);
    t_fx_staff(data_dir, "tt-a", "librarian", "matkhau-aaa", "TH-A");
    catalog_group_set_sync(disk_sync, NULL);

    server_config_default(&cfg);
    cfg.threads = 1; /* a held thread would stop everything: the test would see it */
    cfg.drain_ms = 300;
    T_REQUIRE(t_srv_start(&srv, data_dir, &cfg) == 0);
    T_REQUIRE(t_login(&srv, "tt-a", "matkhau-aaa", &tt_a) == 0);
}

static long get_status(const char *path)
{
    struct t_http r;
    long st;

    t_http_get(&srv, path, &r);
    st = r.status;
    t_http_free(&r);
    return st;
}

static void test_answer_waits_for_disk(void)
{
    struct call lend, refused;
    double t0;

    /* the first desk write opens the desk; the disk works: a plain 201 */
    call_start(&lend, "/api/v1/loans",
               "{\"barcode\":\"A-101\",\"card\":\"HS-A1\",\"library\":\"TH-A\"}", "dd-1");
    call_join(&lend);
    T_EQ_INT(lend.status, 201);

    disk_set(1, 0);
    t0 = ts_now_mono();
    call_start(&lend, "/api/v1/loans",
               "{\"barcode\":\"A-102\",\"card\":\"HS-A1\",\"library\":\"TH-A\"}", "dd-2");
    T_CHECK(disk_await_waiter()); /* its COMMIT is done; its sync is held */
    /* the same copy for another reader: refused because of a loan that is
     * not durable yet, so that refusal waits too */
    call_start(&refused, "/api/v1/loans",
               "{\"barcode\":\"A-102\",\"card\":\"HS-A2\",\"library\":\"TH-A\"}", "dd-3");
    /* the server's only thread still answers pages and the API meanwhile */
    for (int i = 0; i < 5; i++) {
        T_EQ_INT(get_status("/api/v1/health"), 200);
        T_EQ_INT(get_status("/api/v1/search?q=de+men"), 200);
    }
    pause_ms(200);
    T_CHECK(!call_done(&lend));
    T_CHECK(!call_done(&refused));

    disk_set(0, 0);
    call_join(&lend);
    call_join(&refused);
    T_EQ_INT(lend.status, 201);
    T_CHECK(t_has(lend.answer, "\"barcode\":\"A-102\""));
    T_CHECK(ts_now_mono() - t0 >= 0.2);
    T_EQ_INT(refused.status, 409);

    /* the same key again: replayed, once */
    call_start(&lend, "/api/v1/loans",
               "{\"barcode\":\"A-102\",\"card\":\"HS-A1\",\"library\":\"TH-A\"}", "dd-2");
    call_join(&lend);
    T_EQ_INT(lend.status, 200);
    T_CHECK(t_has(lend.answer, "\"replayed\":true"));
}

static void *stop_server(void *arg)
{
    t_srv_stop(arg);
    return NULL;
}

static void test_stop_while_held(void)
{
    struct call ret;
    struct t_srv again;
    struct server_config cfg;

    disk_set(1, 0);
    call_start(&ret, "/api/v1/returns", "{\"barcode\":\"A-101\",\"library\":\"TH-A\"}", "dd-4");
    T_CHECK(disk_await_waiter());
    pause_ms(50);
    T_CHECK(!call_done(&ret));
    /* stopping: the held answer is let go as 503, then the desk closes,
     * which waits for the sync: let it through once the answer is out */
    {
        pthread_t stopper;
        T_REQUIRE(pthread_create(&stopper, NULL, stop_server, &srv) == 0);
        call_join(&ret);
        T_EQ_INT(ret.status, 503);
        disk_set(0, 0);
        pthread_join(stopper, NULL);
    }
    /* the return had committed before the stop: a retry with its key replays it */
    server_config_default(&cfg);
    cfg.threads = 1;
    cfg.drain_ms = 300;
    T_REQUIRE(t_srv_start(&again, data_dir, &cfg) == 0);
    srv = again;
    T_REQUIRE(t_login(&srv, "tt-a", "matkhau-aaa", &tt_a) == 0);
    call_start(&ret, "/api/v1/returns", "{\"barcode\":\"A-101\",\"library\":\"TH-A\"}", "dd-4");
    call_join(&ret);
    T_EQ_INT(ret.status, 200);
    T_CHECK(t_has(ret.answer, "\"replayed\":true"));
}

static void test_disk_failure(void)
{
    struct call c;

    disk_set(0, 1);
    call_start(&c, "/api/v1/loans",
               "{\"barcode\":\"A-301\",\"card\":\"HS-A2\",\"library\":\"TH-A\"}", "dd-5");
    call_join(&c);
    T_EQ_INT(c.status, 500); /* committed, never confirmed: not reported as done */
    T_CHECK(t_lacks(c.answer, "A-301"));
    disk_set(0, 0);
    /* for good: the kernel may have dropped what it could not write */
    call_start(&c, "/api/v1/loans",
               "{\"barcode\":\"A-302\",\"card\":\"HS-A2\",\"library\":\"TH-A\"}", "dd-6");
    call_join(&c);
    T_EQ_INT(c.status, 500);
    T_EQ_INT(get_status("/api/v1/health"), 200); /* reads go on */
}

static void teardown(void)
{
    t_srv_stop(&srv);
    catalog_group_set_sync(NULL, NULL);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"setup", setup},
        {"answer_waits_for_disk", test_answer_waits_for_disk},
        {"stop_while_held", test_stop_while_held},
        {"disk_failure", test_disk_failure},
        {"teardown", teardown},
        {NULL, NULL},
    };
    return t_main(cases, argc, argv);
}
