/*
 * common/ts_log.h - one-line log events on stderr.
 *
 * The level is tested before the arguments are evaluated. Never log reader
 * identities together with what they borrowed, nor query strings (privacy).
 */
#ifndef TS_LOG_H
#define TS_LOG_H

#include "ts_err.h"

enum ts_log_level { TS_LOG_DEBUG, TS_LOG_INFO, TS_LOG_WARN, TS_LOG_ERROR };

extern enum ts_log_level ts_log_threshold;

void ts_log_write(enum ts_log_level level, const char *module, const char *fmt, ...)
    TS_PRINTF(3, 4);

#define ts_log(level, module, ...)                                                                 \
    do {                                                                                           \
        if ((level) >= ts_log_threshold)                                                           \
            ts_log_write((level), (module), __VA_ARGS__);                                          \
    } while (0)

/* Always-on invariant check: logs file:line and aborts. Never use on input. */
#define ts_assert(c)                                                                               \
    do {                                                                                           \
        if (!(c))                                                                                  \
            ts_assert_fail(#c, __FILE__, __LINE__);                                                \
    } while (0)
_Noreturn void ts_assert_fail(const char *expr, const char *file, int line);

#endif
