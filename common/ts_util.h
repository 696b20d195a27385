/*
 * common/ts_util.h - small parsing, hashing, time and file helpers.
 */
#ifndef TS_UTIL_H
#define TS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ts_err.h"

/* strtoll with full checks: the whole string, in range. TS_EINVAL otherwise. */
int ts_parse_i64(const char *s, int64_t *out, struct ts_err *err);
/* Value of hex digit c (either case), -1 if it is not one: %-escapes in
 * URLs, forms and package hrefs. */
int ts_hexval(int c);

/* SHA-256 of a buffer as 64 lowercase hex chars + NUL into hex[65]. */
void ts_sha256_hex(const void *p, size_t n, char hex[65]);

/* Monotonic seconds, for progress and timing. */
double ts_now_mono(void);
/* Wall-clock Unix time in seconds. */
int64_t ts_now_unix(void);

/* Read a whole file into *out (malloc'd, NUL-terminated), refusing files larger
 * than `max` bytes (TS_ETOOBIG). *out NULL on failure. */
int ts_read_file(const char *path, size_t max, char **out, size_t *len, struct ts_err *err);

/* Write `p` to `path` atomically and durably: temp file in the same directory,
 * fsync, rename, fsync of the directory. */
int ts_write_file_atomic(const char *path, const void *p, size_t n, struct ts_err *err);
/* fsync the directory holding path, so a file just created there survives a
 * power cut. 0, or -1 with errno set. */
int ts_fsync_dir_of(const char *path);

/* Names the calling thread (first 15 bytes) for top, perf and gdb: threads
 * otherwise inherit the name of the thread that started them. */
void ts_thread_name(const char *name);

/* mkdir -p with mode 0755; existing directories are fine. */
int ts_mkdirs(const char *path, struct ts_err *err);

#endif
