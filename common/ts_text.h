/*
 * common/ts_text.h - Unicode and Vietnamese text normalisation, the one family
 * of functions used at both index time and query time (see shared/VIETNAMESE.md).
 *
 * Pipeline for terms: NFC -> drop default-ignorables -> tokenise -> case fold
 * -> tone_canonical ("exact" term) -> strip marks + đ/ð/Đ/Ɖ -> d ("folded" term).
 * Display text is only NFC-normalised. All functions are thread-safe and take
 * UTF-8; invalid byte sequences are replaced by U+FFFD, never passed through.
 */
#ifndef TS_TEXT_H
#define TS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Longest token we index, in bytes; longer runs are cut at a character
 * boundary (Xapian terms are limited to 245 bytes). */
#define TS_TOKEN_MAX 120

/*
 * NFC-normalise `s[0..len)`, drop U+00AD, U+200B..U+200D, U+FEFF and replace
 * invalid UTF-8 with U+FFFD. Returns a malloc'd NUL-terminated string (free()),
 * its length in *out_len when out_len is non-NULL.
 */
char *ts_text_nfc(const char *s, size_t len, size_t *out_len);

/*
 * Tokeniser over NFC text. A token is a maximal run of letters, combining
 * marks and digits; everything else separates tokens, including '_' (so
 * "TẬP_TIN" gives two tokens) and punctuation (so "sources.list" gives
 * "sources" and "list", adjacent positions). Start with *pos = 0; each call
 * sets tok/tok_len (a view into s) and returns true, or false at the end.
 */
bool ts_text_next_token(const char *s, size_t len, size_t *pos, const char **tok, size_t *tok_len);

/*
 * Exact form of one token: full Unicode case fold, NFC, tone mark re-placed by
 * rule (old style: hoà -> hòa, thuỷ -> thủy, hòan -> hoàn, qúy -> quý).
 * Writes at most cap-1 bytes plus NUL into out and returns the length written.
 * Pure-ASCII input is only lower-cased (fast path).
 */
size_t ts_text_exact_token(const char *tok, size_t len, char *out, size_t cap);

/*
 * Folded form of an exact token: combining marks removed, đ/ð -> d. Returns
 * the length written into out (cap includes the NUL).
 */
size_t ts_text_fold_token(const char *exact, size_t len, char *out, size_t cap);

/* True when the exact token carries anything folding removes (a diacritic or đ). */
bool ts_text_has_diacritics(const char *exact, size_t len);

/*
 * tone_canonical of one lower-case NFC syllable (VIETNAMESE.md section 3).
 * Non-Vietnamese words are returned unchanged. malloc'd result (free()).
 */
char *ts_text_tone_canonical(const char *syllable);

/*
 * True when `tok` (any case, NFC or NFD) is a plausible Vietnamese syllable:
 * onset x nucleus x coda grammar with at most one tone mark, stop codas
 * (c ch p t) only with sac/nang, c/k g/gh ng/ngh spelling rules. Toneless
 * ASCII words such as "the" or "to" pass too; callers weigh those themselves.
 */
bool ts_text_is_syllable(const char *tok, size_t len);

/*
 * Whole-string helpers for keys and comparisons: every token exact-normalised
 * (ts_text_exact) or folded (ts_text_fold), joined by single spaces; all
 * punctuation dropped. malloc'd (free()).
 */
char *ts_text_exact(const char *s, size_t len);
char *ts_text_fold(const char *s, size_t len);

#endif
