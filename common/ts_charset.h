/*
 * common/ts_charset.h - detect and convert legacy Vietnamese encodings to UTF-8.
 *
 * Plain text and HTML from older Vietnamese systems arrive as TCVN3 (ABC),
 * VNI, VISCII, Windows-1258, or as UTF-8. Detection follows VIETNAMESE.md
 * section 7: valid UTF-8 wins; otherwise each candidate decoding is scored by
 * the share of word tokens that are valid Vietnamese syllables, and the best
 * one is kept if it is clearly ahead; else Windows-1252. Thread-safe.
 */
#ifndef TS_CHARSET_H
#define TS_CHARSET_H

#include <stddef.h>

#include "ts_err.h"

/*
 * Decode `s[0..len)` to NFC UTF-8. `hint` is a declared charset (from an HTML
 * meta or XML declaration, case-insensitive) or NULL. On success *out is a
 * malloc'd NUL-terminated string (free()), *out_len its length and *charset a
 * static name: "utf-8", "utf-16", "tcvn3", "vni", "viscii", "windows-1258",
 * "windows-1252". A UTF-8 or UTF-16 BOM is honoured and removed.
 * Returns TS_OK, TS_EPARSE (hint names an unknown charset and detection failed).
 */
int ts_charset_decode(const char *s, size_t len, const char *hint, char **out, size_t *out_len,
                      const char **charset, struct ts_err *err);

/* Share (0..1) of word tokens in UTF-8 text that are plausible Vietnamese syllables;
 * exposed for tests and for the detector's threshold. */
double ts_charset_vietnamese_score(const char *utf8, size_t len);

#endif
