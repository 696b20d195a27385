/*
 * import/marc.h - MARC21 bibliographic records in and out, through YAZ:
 * ISO 2709 (".mrc", MARC-8 or UTF-8) and MARCXML (a <collection>, a single
 * <record>, "marc:"-prefixed or default namespace, or records inside an
 * OAI-PMH response).
 *
 * This is how librarians bring their catalogue over from a previous system
 * (Koha, Libol, ...) and how a union catalogue hands records back. The
 * reader streams: memory stays bounded by one record whatever the size of
 * the file. A record that cannot be read is reported and skipped, and the
 * reader goes on with the next one, because one damaged record in a 50,000
 * record export must not cost the other 49,999.
 *
 * The parsing and writing glue lives in marc.c; the MARC21 field mapping, in
 * both directions, in marc_map.c (tables, no YAZ or libxml2 there).
 */
#ifndef TS_MARC_H
#define TS_MARC_H

#include <stddef.h>
#include <stdio.h>

#include "metarec.h"
#include "ts_err.h"

/* Largest MARCXML <record> element the reader expands (the XML of a full
 * ISO 2709 record, 99,999 bytes, is a few times that). */
#define MARC_XML_RECORD_MAX ((size_t)4 << 20)

/*
 * Read every MARC21 bibliographic record of `path` and hand each to `emit`
 * as a struct meta_rec (emit takes it, see metarec.h), with r->origin set to
 * "<file name> record <N>".
 *
 * The format is detected: first non-blank byte '<' means MARCXML (parsed by
 * libxml2's streaming reader with XML_PARSE_NONET and no entity loading; a
 * document with a DOCTYPE is refused, which rules out XXE and entity bombs),
 * anything else ISO 2709 (5-digit record length, that many bytes, checked
 * and parsed by YAZ). MARC-8 records (leader/09 blank) are converted to
 * UTF-8 with YAZ; a record whose leader says blank but whose bytes are valid
 * multi-byte UTF-8 is taken as UTF-8 (exports from Vietnamese systems often
 * leave leader/09 blank). Text ends up NFC (metarec.c).
 *
 * Problems are reported through `on_error` (NULL: ignored), never printed;
 * why->code is TS_EPARSE when something is skipped, TS_OK for a warning:
 *  - a record that is skipped, origin "<file> record N (byte offset O)" for
 *    ISO 2709 or "<file> record N (line L)" for MARCXML, with the reason
 *    (length lies, truncated, directory past the end, NUL byte, bad
 *    indicator, bad MARC-8 sequence, not a MARC record, not bibliographic);
 *    an ISO 2709 reader then resynchronises on the next record terminator
 *    (0x1D) or plausible leader and goes on;
 *  - a part of a record that is dropped while the record is kept (TS_OK),
 *    origin "<...> field 952": a holding without a barcode, a field over
 *    9999 bytes;
 *  - for MARCXML, a document that stops being well-formed, origin
 *    "<file> line L" (or the record being read): records before that point
 *    have been emitted; libxml2 cannot go on after a well-formedness error,
 *    nor past a record over MARC_XML_RECORD_MAX, so reading stops there.
 * `default_source` is r->source when the record has no 003 (may be NULL).
 *
 * Returns TS_OK when the file was read to its end or to the point where it
 * became unreadable (everything on the way reported), TS_EINVAL (bad
 * arguments), TS_EIO (cannot open or read the file), or the non-OK code
 * returned by emit or on_error, which stops the reader at once. Thread-safe
 * for distinct calls if libxml2 was initialised (xmlInitParser) by the
 * program's main thread.
 */
int import_marc_read(const char *path, const char *default_source, meta_emit_fn emit,
                     meta_error_fn on_error, void *ctx, struct ts_err *err);

/*
 * Write `r` as one MARC21 record to `out`: ISO 2709 (`xml` == 0; UTF-8,
 * leader/09 'a', lengths and directory computed by YAZ) or a MARCXML
 * <record> (`xml` != 0). Use export_marc_begin/_end around a run of MARCXML
 * records to get one <collection> document. The field mapping is the
 * reader's, reversed (see marc_map.c), so import_marc_read() gives back the
 * same fields and items.
 * Returns TS_OK, TS_EINVAL (a value is not UTF-8), TS_ETOOBIG (ISO 2709 only:
 * a field over 9999 bytes or a record over 99999 bytes, which YAZ would
 * write with a corrupt directory), TS_EIO (write failed). Nothing is written
 * when mapping or a limit fails. `r` is borrowed. Values in the record are
 * written as they are, with the ISBD punctuation MARC expects added.
 */
int export_marc_write(FILE *out, int xml, const struct meta_rec *r, struct ts_err *err);

/* Start / end a MARCXML document (XML declaration and <collection> in the
 * MARC21 slim namespace); no-ops for ISO 2709. TS_OK or TS_EIO. */
int export_marc_begin(FILE *out, int xml, struct ts_err *err);
int export_marc_end(FILE *out, int xml, struct ts_err *err);

/*
 * ---- Internal to import/marc.c and import/marc_map.c, not for other modules ----
 *
 * A MARC record as plain data, between the YAZ glue (marc.c) and the mapping
 * (marc_map.c). Every string is a malloc'd, NUL-terminated UTF-8 copy owned
 * by the record.
 */
struct marc_subfield {
    char code;
    char *value;
};

struct marc_field {
    char tag[4];
    char ind[3]; /* two indicators + NUL ("" for control fields) */
    char *data;  /* control field (00X) content; NULL for data fields */
    struct marc_subfield *subs;
    size_t n_subs;
};

struct marc_record {
    char leader[25];
    struct marc_field *fields;
    size_t n_fields;
};

/* Free everything the record owns and zero it. NULL ok. */
void marc_record_clear(struct marc_record *m);
/* Append a control field / a data field (returned pointer valid until the
 * next append) / a subfield; values are copied. */
void marc_record_add_control(struct marc_record *m, const char *tag, const char *data, size_t len);
struct marc_field *marc_record_add_data(struct marc_record *m, const char *tag, char ind1,
                                        char ind2);
void marc_field_add_sub(struct marc_field *f, char code, const char *value, size_t len);

/* 1 if s[0..len) is well-formed UTF-8 (no overlong forms, no surrogates). */
int marc_utf8_valid(const char *s, size_t len);

/* A part of a record was dropped: `tag` names the field, `why` the reason.
 * A non-OK return stops the reader with that code. */
typedef int (*marc_warn_fn)(const char *tag, const char *why, void *ctx);

/* Is leader/06 a bibliographic record type (not authority, holdings,
 * classification or community information)? */
int marc_leader_is_bibliographic(const char *leader);

/* Fill `r` (zeroed by the caller) from `m`. Returns TS_OK or warn's code. */
int marc_map_to_meta(const struct marc_record *m, const char *default_source, struct meta_rec *r,
                     marc_warn_fn warn, void *ctx);

/* Build `m` (zeroed by the caller; cleared on failure) from `r`.
 * TS_OK or TS_EINVAL (a value is not UTF-8). */
int marc_map_from_meta(const struct meta_rec *r, struct marc_record *m, struct ts_err *err);

#endif
