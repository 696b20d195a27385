/*
 * server/xmlout.h - a tiny XML writer for the OPDS and SRU responses:
 * libxml2's xmlTextWriter into a memory buffer, so escaping of text and
 * attribute values is done by libxml2, never by hand.
 *
 * Values are cleaned before they reach the writer: invalid UTF-8 becomes
 * U+FFFD and characters XML 1.0 forbids (C0 controls other than tab, LF and
 * CR; U+FFFE, U+FFFF) are dropped, so whatever a catalogue field holds the
 * document stays well-formed. Errors are sticky: the first failing call marks
 * the writer failed and xo_finish() reports it, so callers do not check each
 * call. Names are static strings of the caller's ("dc:title"); namespace
 * declarations are written as xmlns attributes.
 */
#ifndef TS_XMLOUT_H
#define TS_XMLOUT_H

#include <stddef.h>

#include "ts_err.h"

typedef struct xmlout xmlout;

/* A new document: XML declaration (UTF-8), indented output. Never NULL. */
xmlout *xo_new(void);
void xo_start(xmlout *x, const char *name);
/* Attribute of the element just started; a NULL value writes nothing. */
void xo_attr(xmlout *x, const char *name, const char *value);
void xo_attrf(xmlout *x, const char *name, const char *fmt, ...) TS_PRINTF(3, 4);
void xo_text(xmlout *x, const char *text); /* NULL ok */
void xo_end(xmlout *x);
/* <name>text</name>; nothing at all when text is NULL or empty. */
void xo_elem(xmlout *x, const char *name, const char *text);
void xo_elemf(xmlout *x, const char *name, const char *fmt, ...) TS_PRINTF(3, 4);
/* Insert `xml` as is. Only for markup that libxml2 or YAZ produced and that
 * passed xo_well_formed(): a MARCXML record. */
void xo_raw(xmlout *x, const char *xml);
/* Close every open element and the document; *out is malloc'd (NUL-terminated).
 * TS_EINTERNAL if any call failed. Frees x either way. */
int xo_finish(xmlout *x, char **out, size_t *len, struct ts_err *err);
void xo_free(xmlout *x); /* NULL ok: drop an unfinished document */

/* Copy of s made safe for XML 1.0 (see above); malloc'd. */
char *xo_clean(const char *s);
/* True if xml[0..len) is one well-formed element (no DTD, no network). */
int xo_well_formed(const char *xml, size_t len);

#endif
