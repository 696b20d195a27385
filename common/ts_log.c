/*
 * common/ts_log.c - log lines "2025-03-01T08:12:03.120Z WARN module: message".
 */
#include "ts_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum ts_log_level ts_log_threshold = TS_LOG_WARN;

void ts_log_write(enum ts_log_level level, const char *module, const char *fmt, ...)
{
    static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    char stamp[32], line[1024];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* one fprintf so concurrent threads do not interleave within a line */
    fprintf(stderr, "%s.%03ldZ %s %s: %s\n", stamp, ts.tv_nsec / 1000000L, names[level], module,
            line);
}

void ts_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "tusach: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
