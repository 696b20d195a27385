/*
 * common/ts_isbn.h - ISBN validation and ISBN-10 -> ISBN-13 normalisation.
 */
#ifndef TS_ISBN_H
#define TS_ISBN_H

#include <stddef.h>

/*
 * Normalise an ISBN-10 or ISBN-13 written with hyphens/spaces and optional
 * trailing text ("978-604-1-23456-7 (pbk.)"): writes 13 digits + NUL into
 * out[14] and returns 1 if the check digit is right, else 0.
 */
int ts_isbn_normalize(const char *s, size_t len, char out[14]);

/*
 * Query helper: a copy of `text` where every ISBN-10 or ISBN-13 written with or
 * without hyphens/spaces (and a valid check digit) is replaced by its 13 digits,
 * the form the catalogue indexes. malloc'd (free()).
 */
char *ts_isbn_rewrite(const char *text);

#endif
