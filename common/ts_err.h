/*
 * common/ts_err.h - error codes and the error value every fallible function fills.
 *
 * A function that can fail returns an int (enum ts_code) and writes a short
 * "where: why" message into a caller-supplied struct ts_err. The message lives
 * in a fixed buffer so reporting an error never allocates.
 */
#ifndef TS_ERR_H
#define TS_ERR_H

#if defined(__GNUC__)
#define TS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define TS_PRINTF(fmt, args)
#endif

enum ts_code {
    TS_OK = 0,
    TS_EINVAL,    /* bad argument or bad user input          -> 400 */
    TS_EAUTH,     /* not logged in                           -> 401 */
    TS_EPERM,     /* logged in, not allowed                  -> 403 */
    TS_ENOTFOUND, /*                                         -> 404 */
    TS_ECONFLICT, /* state forbids it                        -> 409 */
    TS_ETOOBIG,   /* a size limit was hit                    -> 413 */
    TS_EPARSE,    /* malformed input file (import, extract)  -> 422 */
    TS_EBUSY,     /* database or index locked; retry later   -> 503 */
    TS_EIO,
    TS_EDB,
    TS_EINDEX,
    TS_ENOMEM,
    TS_EINTERNAL,
    TS_ELIMIT /* too many attempts (login throttling)  -> 429 */
};

struct ts_err {
    enum ts_code code;
    char msg[256];
};

/* Set *err (NULL allowed) and return `code`, so `return ts_fail(...)` works. */
int ts_fail(struct ts_err *err, enum ts_code code, const char *fmt, ...) TS_PRINTF(3, 4);

/* Prefix context while an error travels up: "import batch 7: " + msg. NULL ok. */
void ts_err_prefix(struct ts_err *err, const char *fmt, ...) TS_PRINTF(2, 3);

/* Reset to TS_OK with an empty message. NULL ok. */
void ts_err_clear(struct ts_err *err);

/* Stable lower_snake name of a code ("not_found"), used in JSON and reports. */
const char *ts_code_name(enum ts_code code);

#endif
