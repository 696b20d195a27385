/*
 * common/ts_err.c - error values (see ts_err.h).
 */
#include "ts_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ts_fail(struct ts_err *err, enum ts_code code, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return (int)code;
}

void ts_err_prefix(struct ts_err *err, const char *fmt, ...)
{
    char prefix[128];
    size_t plen, olen;
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    plen = strlen(prefix);
    olen = strnlen(err->msg, sizeof err->msg - 1);
    if (plen + olen > sizeof err->msg - 1)
        olen = sizeof err->msg - 1 - plen; /* keep the prefix; cut the tail */
    memmove(err->msg + plen, err->msg, olen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + olen] = '\0';
}

void ts_err_clear(struct ts_err *err)
{
    if (err) {
        err->code = TS_OK;
        err->msg[0] = '\0';
    }
}

const char *ts_code_name(enum ts_code code)
{
    static const char *const names[] = {
        "ok",       "invalid",     "unauthenticated", "forbidden", "not_found",
        "conflict", "too_big",     "parse_error",     "busy",      "io_error",
        "db_error", "index_error", "out_of_memory",   "internal",  "too_many_requests",
    };
    if ((unsigned)code < sizeof names / sizeof names[0])
        return names[code];
    return "internal";
}
