/*
 * tests/http/test_serve.c - `tusach serve` as a process: the port it prints
 * answers, SIGTERM stops it cleanly with exit status 0, a config file is read,
 * and bad usage / a missing catalogue give the documented exit codes.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "import.h"
#include "server.h"
#include "t.h"
#include "ts_util.h"

/* Run TS_BINARY with argv; *out_fd gets its stdout. Returns the pid. */
static pid_t spawn(char *const argv[], int *out_fd)
{
    int p[2];
    pid_t pid;

    if (pipe(p) != 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        close(p[0]);
        close(p[1]);
        execv(TS_BINARY, argv);
        _exit(127);
    }
    close(p[1]);
    *out_fd = p[0];
    return pid;
}

static int wait_exit(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read the "serving ... on http://127.0.0.1:PORT/" line. */
static unsigned read_port(int fd)
{
    char buf[1024];
    size_t got = 0;
    struct pollfd p = {fd, POLLIN, 0};
    const char *at;

    while (got + 1 < sizeof buf && poll(&p, 1, 20000) > 0) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        if (strchr(buf, '\n'))
            break;
    }
    buf[got] = '\0';
    at = strstr(buf, "127.0.0.1:");
    return at ? (unsigned)strtoul(at + 10, NULL, 10) : 0;
}

static void test_serve_and_sigterm(void)
{
    const char *data = t_tmpdir(), *dir = t_tmpdir();
    char conf[1024], data_arg[1100];
    struct ts_err err = {0};
    struct t_srv s = {0};
    struct t_http r;
    int fd = -1;
    pid_t pid;

    T_OK(import_init(data, &err), &err);
    snprintf(conf, sizeof conf, "%s/tusach.conf", dir);
    snprintf(data_arg, sizeof data_arg, "data = %s\nthreads = 2\nport = 0\n", data);
    T_OK(ts_write_file_atomic(conf, data_arg, strlen(data_arg), &err), &err);
    {
        char *argv[] = {"tusach", "serve", "--config", conf, NULL};
        pid = spawn(argv, &fd);
    }
    T_REQUIRE(pid > 0);
    s.port = read_port(fd);
    T_CHECK(s.port > 0);
    if (s.port) {
        t_http_get(&s, "/api/v1/health", &r);
        T_EQ_INT(r.status, 200);
        T_CHECK(strstr(ts_buf_str(&r.body), "\"status\":\"ok\""));
        t_http_free(&r);
    }
    kill(pid, SIGTERM);
    T_EQ_INT(wait_exit(pid), 0);
    close(fd);
}

static void test_usage_and_errors(void)
{
    const char *empty = t_tmpdir();
    int fd = -1;
    pid_t pid;

    {
        char *argv[] = {"tusach", "serve", "--help", NULL};
        pid = spawn(argv, &fd);
        T_EQ_INT(wait_exit(pid), 0);
        close(fd);
    }
    {
        char *argv[] = {"tusach", "serve", "--port", "70000", NULL};
        pid = spawn(argv, &fd);
        T_EQ_INT(wait_exit(pid), 2);
        close(fd);
    }
    {
        char *argv[] = {"tusach", "serve", "extra", NULL};
        pid = spawn(argv, &fd);
        T_EQ_INT(wait_exit(pid), 2);
        close(fd);
    }
    {
        char *argv[] = {"tusach", "--data", (char *)empty, "serve", "--port", "0", NULL};
        pid = spawn(argv, &fd);
        T_EQ_INT(wait_exit(pid), 1); /* no catalogue there */
        close(fd);
    }
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"serve_and_sigterm", test_serve_and_sigterm},
        {"usage_and_errors", test_usage_and_errors},
        {0},
    };
    return t_main(cases, argc, argv);
}
