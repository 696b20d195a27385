/*
 * import/readers_csv.h - a class list or reader list from a spreadsheet
 * (CSV/TSV as Excel, LibreOffice, SMAS or vnEdu save it), for
 * `tusach reader import`. The catalogue side is catalog_reader_import.
 *
 * Reading, decision by decision (the same techniques as import/csv.c):
 * - Encoding: the whole file (at most READERS_CSV_MAX_FILE bytes, else
 *   TS_ETOOBIG) goes through ts_charset_decode (UTF-8 with or without BOM,
 *   UTF-16 with BOM, TCVN3, VNI, VISCII, Windows-1258); then NFC UTF-8.
 * - Header row: the first row among the first 20 with a name column (or a
 *   family-name plus given-name pair) and a card column; rows above it (a
 *   sheet title "DANH SÁCH LỚP 6A", blank lines) are skipped. Delimiter:
 *   TAB for *.tsv, else whichever of TAB, ';' and ',' recognises most header
 *   cells. Headers compare folded (ts_text_fold): case and accents ignored.
 *     card:     Số thẻ, Mã thẻ, Mã số thẻ, Mã bạn đọc, Mã học sinh, Mã HS,
 *               Mã định danh, Card, Card number
 *     name:     Họ và tên, Họ tên, Họ và tên học sinh, Tên bạn đọc, Name
 *     family:   Họ, Họ đệm, Họ và tên đệm, Họ lót (joined with "Tên")
 *     given:    Tên, Given name (only with a family column)
 *     class:    Lớp, Lớp học, Class
 *     category: Đối tượng, Loại bạn đọc, Category: Học sinh/HS -> pupil,
 *               Giáo viên/GV/Cán bộ -> teacher, Người lớn/Phụ huynh -> adult
 *   STT and anything else (Ngày sinh, Giới tính...) are ignored: the
 *   catalogue does not keep birth dates.
 * - Quoting is RFC 4180. Cells are trimmed; inner runs of spaces in names are
 *   collapsed; one leading ' (Excel's "keep as text") is dropped from cards.
 * - Rows reported through on_row and skipped: no card, no name, unknown
 *   category, a card repeated in the file, an unbalanced quote, a NUL, a cell
 *   over READERS_CSV_MAX_FIELD bytes. Blank rows (or only an STT number) are
 *   skipped silently. Line numbers are physical lines, 1-based.
 */
#ifndef TS_READERS_CSV_H
#define TS_READERS_CSV_H

#include <stddef.h>

#include "ts_err.h"

#define READERS_CSV_MAX_FILE ((size_t)16 << 20)
#define READERS_CSV_MAX_FIELD 1024
#define READERS_CSV_MAX_ROWS 200000

struct reader_csv_row {
    char *card, *name, *class_name; /* class_name NULL when absent */
    const char *category;           /* static "pupil" | "teacher" | "adult", or NULL */
    long line;
};

typedef void (*reader_csv_problem_fn)(long line, const struct ts_err *why, void *ctx);

/*
 * Read `path` into *rows (*n of them; free with import_readers_csv_free).
 * Returns TS_OK (even with skipped rows), TS_EIO, TS_ETOOBIG, TS_EPARSE (no
 * header row with a name and a card column: the message names the headers
 * found). *rows NULL on failure. Thread-safe.
 */
int import_readers_csv_read(const char *path, reader_csv_problem_fn on_row, void *ctx,
                            struct reader_csv_row **rows, size_t *n, struct ts_err *err);
void import_readers_csv_free(struct reader_csv_row *rows, size_t n);

/* Category of a cell value ("Học sinh" -> "pupil"), or NULL. Exposed for tests. */
const char *import_readers_csv_category(const char *value);

#endif
