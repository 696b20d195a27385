/*
 * server/i18n.h - interface strings in Vietnamese (the default) and English.
 *
 * server/i18n/vi.txt and en.txt hold `key = value` lines; templates use them
 * as {{t.key}} and handlers through req_t(). A key missing from a language
 * falls back to the key itself, so a gap shows up on the page, not as a crash.
 */
#ifndef TS_I18N_H
#define TS_I18N_H

#include <stddef.h>

#include "ts_err.h"

enum i18n_lang { I18N_VI = 0, I18N_EN, I18N_N_LANGS };

struct i18n;

/* Parse `key = value` lines ('#' comments, blank lines). TS_EINVAL "line N:
 * reason" for a line without '=' or a duplicate key. *out (i18n_free()). */
int i18n_parse(const char *text, size_t len, struct i18n **out, struct ts_err *err);
void i18n_free(struct i18n *t); /* NULL ok */

/* The string for `key`, NULL if absent. Borrowed until i18n_free(). Thread-safe. */
const char *i18n_get(const struct i18n *t, const char *key);
/* Number of keys (tests compare languages). */
size_t i18n_count(const struct i18n *t);
/* Key i in sorted order, for i < i18n_count(). */
const char *i18n_key(const struct i18n *t, size_t i);

/* "vi" / "en". */
const char *i18n_lang_code(enum i18n_lang lang);
/* "vi" or "en" (exactly) -> 0 and *lang; anything else -> -1. */
int i18n_lang_parse(const char *code, enum i18n_lang *lang);

#endif
