/*
 * catalog/store.c - content-addressed file store (see store.h).
 */
#define _GNU_SOURCE /* syncfs */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ts_util.h"

static int sha_valid(const char *sha)
{
    if (strlen(sha) != 64)
        return 0;
    for (const char *p = sha; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

int catalog_store_path(const char *data_dir, const char *sha256, char *buf, size_t cap,
                       struct ts_err *err)
{
    int n;

    if (!sha_valid(sha256))
        return ts_fail(err, TS_EINVAL, "bad sha256 '%.70s'", sha256);
    n = snprintf(buf, cap, "%s/files/%.2s/%.2s/%s", data_dir, sha256, sha256 + 2, sha256);
    if (n < 0 || (size_t)n >= cap)
        return ts_fail(err, TS_EINVAL, "data folder path too long");
    return TS_OK;
}

int catalog_store_put(const char *data_dir, const char *sha256, const void *bytes, size_t len,
                      struct ts_err *err)
{
    char path[4096], dir[4096];
    struct stat st;
    const char *c = bytes;
    int rc, fd;

    if ((rc = catalog_store_path(data_dir, sha256, path, sizeof path, err)))
        return rc;
    if (stat(path, &st) == 0 && (size_t)st.st_size == len)
        return TS_OK;
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(path, '/') - path), path);
    if ((rc = ts_mkdirs(dir, err)))
        return rc;
    {
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
        fd = mkstemp(tmp);
        if (fd < 0)
            return ts_fail(err, TS_EIO, "store %s: %s", tmp, strerror(errno));
        while (len) {
            ssize_t w = write(fd, c, len);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = ts_fail(err, TS_EIO, "store %s: %s", tmp, strerror(errno));
                close(fd);
                unlink(tmp);
                return rc;
            }
            c += w;
            len -= (size_t)w;
        }
        if (fchmod(fd, 0444) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
            rc = ts_fail(err, TS_EIO, "store %s: %s", path, strerror(errno));
            unlink(tmp);
            return rc;
        }
    }
    return TS_OK;
}

int catalog_store_read(const char *data_dir, const char *sha256, size_t max, char **out,
                       size_t *len, struct ts_err *err)
{
    char path[4096];
    int rc;

    *out = NULL;
    *len = 0;
    if ((rc = catalog_store_path(data_dir, sha256, path, sizeof path, err)))
        return rc;
    return ts_read_file(path, max, out, len, err);
}

int catalog_store_sync(const char *data_dir, struct ts_err *err)
{
    int fd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = TS_OK;

    if (fd < 0)
        return ts_fail(err, TS_EIO, "%s: %s", data_dir, strerror(errno));
    if (syncfs(fd) != 0)
        rc = ts_fail(err, TS_EIO, "sync %s: %s", data_dir, strerror(errno));
    close(fd);
    return rc;
}
