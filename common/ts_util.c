/*
 * common/ts_util.c - parsing, hashing, time and file helpers (see ts_util.h).
 *
 * SHA-256 comes from libsodium rather than a hand-written copy.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include "ts_util.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ts_mem.h"

int ts_parse_i64(const char *s, int64_t *out, struct ts_err *err)
{
    char *end;
    long long v;

    *out = 0;
    if (!s || !*s)
        return ts_fail(err, TS_EINVAL, "empty number");
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return ts_fail(err, TS_EINVAL, "not a number: '%.40s'", s);
    *out = (int64_t)v;
    return TS_OK;
}

void ts_sha256_hex(const void *p, size_t n, char hex[65])
{
    unsigned char md[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(md, p, n);
    sodium_bin2hex(hex, 65, md, sizeof md);
}

double ts_now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t ts_now_unix(void)
{
    return (int64_t)time(NULL);
}

int ts_read_file(const char *path, size_t max, char **out, size_t *len, struct ts_err *err)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    int fd, rc = TS_OK;

    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = ts_fail(err, TS_EIO, "%s: not a regular file", path);
        goto out;
    }
    if ((uint64_t)st.st_size > max) {
        rc = ts_fail(err, TS_ETOOBIG, "%s: %lld bytes is over the %zu-byte limit", path,
                     (long long)st.st_size, max);
        goto out;
    }
    buf = ts_xmalloc((size_t)st.st_size + 1);
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = ts_fail(err, TS_EIO, "%s: read: %s", path, n ? strerror(errno) : "short");
            goto out;
        }
        got += (size_t)n;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;
out:
    free(buf);
    close(fd);
    return rc;
}

int ts_fsync_dir_of(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd, rc;

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int ts_write_file_atomic(const char *path, const void *p, size_t n, struct ts_err *err)
{
    char tmp[PATH_MAX];
    const char *c = p;
    int fd;

    if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp)
        return ts_fail(err, TS_EINVAL, "path too long: %s", path);
    fd = mkstemp(tmp);
    if (fd < 0)
        return ts_fail(err, TS_EIO, "%s: %s", tmp, strerror(errno));
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return ts_fail(err, TS_EIO, "%s: write: %s", tmp, strerror(e));
        }
        c += w;
        n -= (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        unlink(tmp);
        return ts_fail(err, TS_EIO, "%s: %s", tmp, strerror(errno));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return ts_fail(err, TS_EIO, "%s: rename: %s", path, strerror(e));
    }
    ts_fsync_dir_of(path);
    return TS_OK;
}

int ts_mkdirs(const char *path, struct ts_err *err)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf)
        return ts_fail(err, TS_EINVAL, "bad directory path");
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return ts_fail(err, TS_EIO, "mkdir %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return ts_fail(err, TS_EIO, "mkdir %s: %s", buf, strerror(errno));
    return TS_OK;
}

int ts_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void ts_thread_name(const char *name)
{
    char n[16]; /* the kernel keeps 15 bytes */

    snprintf(n, sizeof n, "%s", name);
    (void)pthread_setname_np(pthread_self(), n);
}
