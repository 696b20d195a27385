/*
 * import/csv.h - spreadsheets in and out: CSV/TSV as librarians save them
 * from Excel, LibreOffice or an older library program, read into struct
 * meta_rec, and the catalogue written back as CSV that the reader (and a
 * spreadsheet) opens again without loss.
 *
 * Reading, decision by decision:
 * - Encoding: the whole file (at most CSV_MAX_FILE bytes, else TS_ETOOBIG)
 *   goes through ts_charset_decode: UTF-8 with or without BOM, UTF-16 LE/BE
 *   with BOM, and unlabelled Windows-1258, TCVN3, VNI or VISCII are detected;
 *   everything after that is NFC UTF-8.
 * - Header row: the first row, among the first CSV_HEADER_SCAN rows, that
 *   has a title column; rows above it (a sheet title such as "DANH MỤC
 *   SÁCH", blank lines) are skipped silently. No title column at all is a
 *   file error (TS_EPARSE) naming the headers found.
 * - Delimiter: TAB for *.tsv; otherwise whichever of TAB, ';' and ',' makes
 *   a header row with the most recognised columns (ties in that order).
 * - Header names are compared case- and accent-insensitively (ts_text_fold,
 *   so "Nhan đề", "NHAN DE" and "nhan de" are the same), with a fallback to
 *   the text before or inside parentheses ("Nhan đề (title)"). The table of
 *   English and Vietnamese names is in csv_map.c. "STT"/"No." (row numbers)
 *   are ignored silently; other unknown headers are reported once as a
 *   warning (see below) and ignored. Two columns with the same meaning both
 *   count: lists accumulate, single values keep the first non-empty cell.
 * - `map` entries "Header=field" override or add mappings; field is a
 *   canonical name (csv_field_name: "title", "call_number"...) or empty to
 *   ignore the column. An unknown field name fails the call (TS_EINVAL)
 *   before anything is read; a Header not in the file is a warning.
 * - Quoting is RFC 4180: quoted fields may hold delimiters, newlines and
 *   doubled quotes. A quote inside an unquoted field, or text after a
 *   closing quote, is kept as a literal character (spreadsheets do write
 *   such files). An "unbalanced quote" is a quote never closed before the
 *   end of the file, or a quoted cell spanning lines whose closing quote is
 *   followed by more text or after which the row has more cells than the
 *   header (it paired with a quote rows later): the row is reported and
 *   reading resumes at the physical line after the one where it started.
 * - Rows skipped and reported: unbalanced quote; a NUL character; a cell
 *   longer than CSV_MAX_FIELD bytes; more than CSV_MAX_COLUMNS cells; a row
 *   with values but no title. Rows with nothing in any recognised column
 *   (blank, or only an "STT" number) are skipped silently.
 * - Consecutive rows describing the same record (same non-empty id cell,
 *   or, without an id column, identical cells in every record-level column)
 *   are one record with several copies: that is how export_csv_write writes
 *   a record with several items.
 * - Lists: authors, editors, translators, contributors and subjects are
 *   split on ';' and line breaks only (Vietnamese names have no commas,
 *   while "Nguyễn, Văn A" style inverted names do); barcodes and ISBNs on
 *   ';', ',' and line breaks; links on ';' and white space.
 * - Copies: each barcode is one item (a barcode repeated in a record is
 *   dropped with a warning). With a copies column N and k barcodes: k == N
 *   is fine; k != N, k > 0 warns and uses the k barcodes; k == 0, N > 0
 *   warns "N copies but no barcodes" and the record lands without items
 *   (the catalogue never invents barcodes). Library, call number, shelf,
 *   acquired, price and status cells apply to every item of their row.
 * - Values: ISBNs become "isbn:<13 digits>" (ISBN-10 converted); an invalid
 *   one is a warning and is dropped, the record lands. ISSNs are checked
 *   (check digit) the same way. "Ngày nhập"/acquired dd/mm/yyyy, d-m-yyyy,
 *   d.m.yyyy and yyyy-mm-dd become YYYY-MM-DD; anything else is a warning
 *   and dropped. Language names ("Tiếng Việt", "English") become ISO 639-2
 *   codes; type names ("Sách", "Tạp chí", "Sách điện tử") become the
 *   catalogue's resource types; other values are kept as written.
 * - A cell starting with ' followed (after any further ') by = + - @ TAB or
 *   CR loses that one ' : it is the writer's formula-injection guard.
 * - meta_rec: origin "FILE line N" (N = physical line where the row starts,
 *   1-based), source "csv:FILE" (base name), source_id the id column.
 *
 * Reports through on_error: origin is "FILE line N" or "FILE line N, column
 * HEADER" (the header as written in the file) and why->msg repeats it before
 * the reason, e.g. "books.csv line 12: unbalanced quote". why->code tells
 * the two kinds apart: TS_OK marks a WARNING (the record still landed, or the
 * file is still read: dropped ISBN, copies/barcodes mismatch, unknown
 * column); any other code (TS_EPARSE, TS_ETOOBIG) marks a row that was
 * SKIPPED.
 *
 * Writing: export_csv_begin writes a UTF-8 BOM (so Excel picks UTF-8) and a
 * header row of the canonical English field names; export_csv_write writes
 * one row per item (one row when there are none), CRLF line ends, RFC 4180
 * quoting. Formula injection (OWASP CSV injection) is neutralised: a cell
 * that starts, after any leading ', with = + - @ TAB or CR gets one more '
 * in front, so "=HYPERLINK(...)" is inert text in Excel and LibreOffice and
 * the reader gives back the exact value. Lists are joined with "; ". Lost on
 * the way: author roles other than editor/translator/contributor (written
 * as contributors), and list values that themselves contain ';'.
 */
#ifndef TS_CSV_H
#define TS_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "metarec.h"
#include "ts_err.h"

#define CSV_MAX_FILE ((size_t)256 << 20) /* bytes read from one file */
#define CSV_MAX_FIELD ((size_t)65536)    /* bytes in one cell */
#define CSV_MAX_COLUMNS 1024             /* cells in one row */
#define CSV_HEADER_SCAN 20               /* rows searched for the header row */

/*
 * Read spreadsheet `path`, calling emit once per record (emit takes it) and
 * on_error (may be NULL) for each skipped row or warning, as described
 * above. Returns TS_OK when the file was read to the end (even with skipped
 * rows), TS_EIO (cannot read), TS_ETOOBIG (file over CSV_MAX_FILE), TS_EPARSE
 * (no title column), TS_EINVAL (bad map entry), or the first non-OK code
 * returned by emit or on_error, which stops the reader. Thread-safe.
 */
int import_csv_read(const char *path, const char *const *map, size_t n_map, meta_emit_fn emit,
                    meta_error_fn on_error, void *ctx, struct ts_err *err);

/* Write the BOM and the header row. TS_EIO if the stream fails. */
int export_csv_begin(FILE *out, struct ts_err *err);

/* Write record `r` (borrowed): one row per item. TS_EIO if the stream fails. */
int export_csv_write(FILE *out, const struct meta_rec *r, struct ts_err *err);

/* ---- module-private: csv.c <-> csv_map.c ---- */

enum csv_field {
    CSV_F_UNKNOWN = 0,
    CSV_F_IGNORE,
    /* record level */
    CSV_F_ID,
    CSV_F_TITLE,
    CSV_F_SUBTITLE,
    CSV_F_AUTHORS,
    CSV_F_EDITORS,
    CSV_F_TRANSLATORS,
    CSV_F_CONTRIBUTORS,
    CSV_F_PUBLISHER,
    CSV_F_PLACE,
    CSV_F_DATE,
    CSV_F_EDITION,
    CSV_F_EXTENT,
    CSV_F_SERIES,
    CSV_F_LANGUAGE,
    CSV_F_ISBN,
    CSV_F_ISSN,
    CSV_F_IDENTIFIERS,
    CSV_F_SUBJECTS,
    CSV_F_CLASSIFICATION,
    CSV_F_TYPE,
    CSV_F_AUDIENCE,
    CSV_F_LICENCE,
    CSV_F_DESCRIPTION,
    CSV_F_NOTES,
    CSV_F_LINKS,
    /* item level (from CSV_F_BARCODE on) */
    CSV_F_BARCODE,
    CSV_F_COPIES,
    CSV_F_LIBRARY,
    CSV_F_CALL_NUMBER,
    CSV_F_SHELF,
    CSV_F_ACQUIRED,
    CSV_F_PRICE,
    CSV_F_STATUS,
    CSV_F_COUNT
};

/* Field of a header cell as written (any case, accents, NFC or not). */
enum csv_field csv_map_header(const char *header, size_t len);
/* Field of a canonical name ("call_number", "Call number"); CSV_F_UNKNOWN if none. */
enum csv_field csv_field_by_name(const char *name, size_t len);
/* Canonical name of a field (static string): the export header. */
const char *csv_field_name(enum csv_field f);
/* "vie" for "Tiếng Việt"..., or NULL to keep the value as written. */
const char *csv_map_language(const char *value, size_t len);
/* "book" for "Sách"..., or NULL to keep the value as written. */
const char *csv_map_type(const char *value, size_t len);

#endif
