/*
 * import/csv.c - CSV/TSV reader and writer (the contract and every decision
 * about odd input are in csv.h; header names are in csv_map.c).
 *
 * The file is decoded to NFC UTF-8 in one piece (ts_charset_decode needs the
 * whole text to recognise TCVN3 or Windows-1258), then a small lexer cuts it
 * into rows. A row's cells are copied, unquoted, into one buffer; every cell
 * is capped at CSV_MAX_FIELD bytes and a row at CSV_MAX_COLUMNS cells, so a
 * hostile file costs at most the file size plus one bounded row. Physical
 * line numbers are counted as the lexer goes (CRLF, LF and lone CR each end
 * one line), so every report points at the line a librarian sees.
 */
#include "csv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ts_buf.h"
#include "ts_charset.h"
#include "ts_isbn.h"
#include "ts_mem.h"
#include "ts_text.h"
#include "ts_util.h"

/* ---------------------------------------------------------------- lexer */

enum row_bad { ROW_OK, ROW_UNBALANCED, ROW_NUL, ROW_TOOLONG, ROW_TOOWIDE };

struct cell {
    size_t off, len;
};

struct row {
    struct ts_buf buf; /* cell bytes, each followed by a NUL */
    struct cell *cells;
    size_t n, cap;
    long line;      /* physical line where the row starts, 1-based */
    size_t start;   /* byte offset where the row starts */
    bool multiline; /* a quoted cell spanned lines */
    enum row_bad bad;
    size_t bad_col; /* 0-based cell index of the problem */
};

struct lexer {
    const char *s;
    size_t len, pos;
    long line;
    char delim;
};

static void row_reset(struct row *row)
{
    ts_buf_reset(&row->buf);
    row->n = 0;
    row->multiline = false;
    row->bad = ROW_OK;
    row->bad_col = 0;
}

static void row_free(struct row *row)
{
    ts_buf_free(&row->buf);
    free(row->cells);
}

static void mark(struct row *row, enum row_bad why)
{
    if (row->bad == ROW_OK || why == ROW_UNBALANCED) {
        row->bad = why;
        row->bad_col = row->n ? row->n - 1 : 0;
    }
}

static void cell_begin(struct row *row)
{
    if (row->n >= CSV_MAX_COLUMNS) {
        mark(row, ROW_TOOWIDE);
        return;
    }
    if (row->n == row->cap) {
        row->cap = row->cap ? row->cap * 2 : 32;
        row->cells = ts_xrealloc(row->cells, row->cap * sizeof *row->cells);
    }
    row->cells[row->n].off = row->buf.len;
    row->cells[row->n].len = 0;
    row->n++;
}

static void cell_end(struct row *row)
{
    if (row->bad != ROW_TOOWIDE)
        (void)ts_buf_addc(&row->buf, '\0');
}

/* Append s[0..n) to the current cell, within the cell cap. */
static void put(struct row *row, const char *s, size_t n)
{
    struct cell *c;

    if (row->bad == ROW_TOOWIDE || row->n == 0)
        return;
    c = &row->cells[row->n - 1];
    if (memchr(s, '\0', n))
        mark(row, ROW_NUL);
    if (c->len + n > CSV_MAX_FIELD) {
        mark(row, ROW_TOOLONG);
        return;
    }
    (void)ts_buf_addn(&row->buf, s, n);
    c->len += n;
}

/* Length of the run at s[0..n) free of delim, quote and line breaks. */
static size_t plain_run(const char *s, size_t n, char delim, bool in_quotes)
{
    size_t i = 0;

    while (i < n) {
        char c = s[i];
        if (c == '"' || c == '\r' || c == '\n' || (!in_quotes && c == delim))
            break;
        i++;
    }
    return i;
}

/* Consume one line break at lx->pos (CRLF, LF or CR). */
static void eat_newline(struct lexer *lx)
{
    if (lx->s[lx->pos] == '\r' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '\n')
        lx->pos++;
    lx->pos++;
    lx->line++;
}

/* Read the next row into `row`; false at the end of the text. */
static bool read_row(struct lexer *lx, struct row *row)
{
    bool in_quotes = false, quoted = false, cell_lines = false;

    row_reset(row);
    if (lx->pos >= lx->len)
        return false;
    row->line = lx->line;
    row->start = lx->pos;
    cell_begin(row);
    while (lx->pos < lx->len) {
        const char *p = lx->s + lx->pos;
        size_t run = plain_run(p, lx->len - lx->pos, lx->delim, in_quotes);

        if (run > 0) {
            put(row, p, run);
            lx->pos += run;
            continue;
        }
        if (in_quotes) {
            if (*p == '"') {
                if (lx->pos + 1 < lx->len && p[1] == '"') {
                    put(row, "\"", 1);
                    lx->pos += 2;
                } else {
                    in_quotes = false;
                    lx->pos++;
                    /* a quote that spanned lines must end its cell: if text follows,
                     * it paired with some later quote and swallowed whole rows */
                    if (cell_lines && lx->pos < lx->len && lx->s[lx->pos] != lx->delim &&
                        lx->s[lx->pos] != '\r' && lx->s[lx->pos] != '\n')
                        mark(row, ROW_UNBALANCED);
                }
            } else { /* a line break inside quotes is part of the cell */
                put(row, "\n", 1);
                eat_newline(lx);
                row->multiline = cell_lines = true;
            }
            continue;
        }
        if (*p == lx->delim) {
            cell_end(row);
            cell_begin(row);
            quoted = false;
            lx->pos++;
        } else if (*p == '\r' || *p == '\n') {
            eat_newline(lx);
            cell_end(row);
            return true;
        } else if (*p == '"' && !quoted && row->n > 0 && row->cells[row->n - 1].len == 0) {
            in_quotes = quoted = true;
            cell_lines = false;
            lx->pos++;
        } else { /* a stray quote: keep it, as spreadsheets do */
            put(row, p, 1);
            lx->pos++;
        }
    }
    if (in_quotes)
        mark(row, ROW_UNBALANCED);
    cell_end(row);
    return true;
}

/* After an unbalanced quote: continue on the line after the row's first. */
static void resync(struct lexer *lx, const struct row *row)
{
    size_t i = row->start;

    while (i < lx->len && lx->s[i] != '\n' && lx->s[i] != '\r')
        i++;
    lx->pos = i;
    lx->line = row->line;
    if (i < lx->len)
        eat_newline(lx);
}

static const char *cell_str(const struct row *row, size_t i, size_t *len)
{
    if (i >= row->n || row->bad == ROW_TOOWIDE) {
        *len = 0;
        return "";
    }
    *len = row->cells[i].len;
    return row->buf.data + row->cells[i].off;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* A data cell's value: the writer's formula guard (one leading ') removed. */
static const char *cell_value(const struct row *row, size_t i, size_t *len)
{
    const char *s = cell_str(row, i, len);
    size_t q = 0;

    while (q < *len && s[q] == '\'')
        q++;
    if (q > 0 && q < *len && formula_start(s[q])) {
        (*len)--;
        return s + 1;
    }
    return s;
}

/* ---------------------------------------------------------------- header */

struct override {
    char *folded; /* header, folded */
    const char *raw;
    enum csv_field field;
    bool used;
};

struct header {
    enum csv_field *field; /* per column */
    char **name;           /* per column, as written */
    size_t n;
    long line;
    int score; /* recognised columns */
    size_t end_pos;
    long end_line;
};

static void header_free(struct header *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->name[i]);
    free(h->name);
    free(h->field);
    memset(h, 0, sizeof *h);
}

static enum csv_field map_cell(const char *s, size_t n, struct override *ov, size_t n_ov,
                               bool mark_used)
{
    char *folded = ts_text_fold(s, n);
    enum csv_field f = CSV_F_UNKNOWN;

    for (size_t i = 0; i < n_ov && f == CSV_F_UNKNOWN; i++) {
        if (strcmp(ov[i].folded, folded) == 0) {
            f = ov[i].field;
            if (mark_used)
                ov[i].used = true;
        }
    }
    free(folded);
    return f != CSV_F_UNKNOWN ? f : csv_map_header(s, n);
}

/*
 * First row within CSV_HEADER_SCAN rows that has a title column, with
 * delimiter `delim`. Returns false if there is none.
 */
static bool find_header(const char *text, size_t len, char delim, struct override *ov, size_t n_ov,
                        struct header *h)
{
    struct lexer lx = {text, len, 0, 1, delim};
    struct row row = {0};
    bool found = false;

    memset(h, 0, sizeof *h);
    for (int k = 0; k < CSV_HEADER_SCAN && !found && read_row(&lx, &row); k++) {
        int score = 0;
        bool title = false;

        if (row.bad != ROW_OK)
            continue;
        for (size_t i = 0; i < row.n; i++) {
            size_t n;
            const char *s = cell_str(&row, i, &n);
            enum csv_field f = map_cell(s, n, ov, n_ov, false);

            score += f > CSV_F_IGNORE;
            title = title || f == CSV_F_TITLE;
        }
        if (!title)
            continue;
        found = true;
        h->n = row.n;
        h->field = ts_xcalloc(row.n, sizeof *h->field);
        h->name = ts_xcalloc(row.n, sizeof *h->name);
        for (size_t i = 0; i < row.n; i++) {
            size_t n;
            const char *s = cell_str(&row, i, &n);

            h->field[i] = map_cell(s, n, ov, n_ov, true);
            h->name[i] = ts_text_nfc(s, n, NULL);
        }
        h->line = row.line;
        h->score = score;
        h->end_pos = lx.pos;
        h->end_line = lx.line;
    }
    row_free(&row);
    return found;
}

/* ---------------------------------------------------------------- reader */

struct reader {
    const char *file; /* base name, for reports */
    struct header hdr;
    meta_emit_fn emit;
    meta_error_fn on_error;
    void *ctx;
    struct meta_rec *pending; /* record being built from consecutive rows */
    char *pending_key;
    bool has_id;
};

/* Report through on_error: `col` is a column index or -1 for the row. */
static int report(struct reader *rd, long line, long col, enum ts_code code, const char *fmt, ...)
    TS_PRINTF(5, 6);

static int report(struct reader *rd, long line, long col, enum ts_code code, const char *fmt, ...)
{
    char origin[512], why[256];
    struct ts_err e;
    va_list ap;

    if (col >= 0 && (size_t)col < rd->hdr.n && rd->hdr.name[col][0])
        snprintf(origin, sizeof origin, "%s line %ld, column %s", rd->file, line,
                 rd->hdr.name[col]);
    else if (col >= 0)
        snprintf(origin, sizeof origin, "%s line %ld, column %ld", rd->file, line, col + 1);
    else
        snprintf(origin, sizeof origin, "%s line %ld", rd->file, line);
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    (void)ts_fail(&e, code, "%s: %s", origin, why);
    return rd->on_error ? rd->on_error(origin, &e, rd->ctx) : TS_OK;
}

/* Call fn on each non-blank piece of s[0..n) separated by any of `seps`. */
typedef int (*piece_fn)(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                        long col, const void *arg);

static int split(struct reader *rd, struct meta_rec *r, const char *s, size_t n, const char *seps,
                 piece_fn fn, long line, long col, const void *arg)
{
    size_t start = 0;
    int rc = TS_OK;

    for (size_t i = 0; i <= n && rc == TS_OK; i++) {
        if (i < n && !strchr(seps, s[i]))
            continue;
        if (!blank(s + start, i - start))
            rc = fn(rd, r, s + start, i - start, line, col, arg);
        start = i + 1;
    }
    return rc;
}

static int add_author(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                      long col, const void *role)
{
    (void)rd, (void)line, (void)col;
    meta_add_author(r, p, n, role);
    return TS_OK;
}

static int add_subject(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                       long col, const void *arg)
{
    (void)rd, (void)line, (void)col, (void)arg;
    meta_add_str(&r->subjects, &r->n_subjects, p, n);
    return TS_OK;
}

static int add_link(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                    long col, const void *arg)
{
    (void)rd, (void)line, (void)col, (void)arg;
    meta_add_str(&r->links, &r->n_links, p, n);
    return TS_OK;
}

static char *trimmed(const char *p, size_t n)
{
    while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++, n--;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    return ts_xstrndup(p, n);
}

static int add_isbn(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                    long col, const void *arg)
{
    char *v;
    int rc;

    (void)arg;
    if (meta_add_isbn(r, p, n))
        return TS_OK;
    v = trimmed(p, n);
    rc = report(rd, line, col, TS_OK, "invalid ISBN '%.64s' (wrong length or check digit), dropped",
                v);
    free(v);
    return rc;
}

/* ISSN "1234-567X": 8 characters, check digit mod 11. Writes "issn:1234-567X". */
static bool issn_normalize(const char *p, size_t n, char out[15])
{
    char d[8];
    size_t k = 0;
    int sum = 0;

    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= '0' && c <= '9' && k < 8)
            d[k++] = c;
        else if ((c == 'X' || c == 'x') && k == 7)
            d[k++] = 'X';
        else if (c == '-' || c == ' ' || c == '\t')
            continue;
        else if (k == 0 &&
                 (c == 'I' || c == 'i' || c == 'S' || c == 's' || c == 'N' || c == 'n' || c == ':'))
            continue; /* an "ISSN:" label */
        else
            return false;
    }
    if (k != 8)
        return false;
    for (int i = 0; i < 7; i++)
        sum += (d[i] - '0') * (8 - i);
    sum += d[7] == 'X' ? 10 : d[7] - '0';
    if (sum % 11 != 0)
        return false;
    memcpy(out, "issn:", 5);
    memcpy(out + 5, d, 4);
    out[9] = '-';
    memcpy(out + 10, d + 4, 4);
    out[14] = '\0';
    return true;
}

static int add_issn(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                    long col, const void *arg)
{
    char v[15], *t;
    int rc;

    (void)arg;
    if (issn_normalize(p, n, v)) {
        meta_add_str(&r->identifiers, &r->n_identifiers, v, strlen(v));
        return TS_OK;
    }
    t = trimmed(p, n);
    rc = report(rd, line, col, TS_OK, "invalid ISSN '%.64s', dropped", t);
    free(t);
    return rc;
}

/* "scheme:value" kept; "isbn:" checked; a bare value becomes "other:value". */
static int add_identifier(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                          long col, const void *arg)
{
    char *t = trimmed(p, n);
    const char *colon = strchr(t, ':');
    struct ts_buf b;
    int rc = TS_OK;

    if (strncasecmp(t, "isbn:", 5) == 0) {
        rc = add_isbn(rd, r, t + 5, strlen(t + 5), line, col, arg);
    } else if (strncasecmp(t, "issn:", 5) == 0) {
        rc = add_issn(rd, r, t + 5, strlen(t + 5), line, col, arg);
    } else if (colon && colon > t) {
        meta_add_str(&r->identifiers, &r->n_identifiers, t, strlen(t));
    } else {
        ts_buf_init(&b, 0);
        (void)ts_buf_add(&b, "other:");
        (void)ts_buf_add(&b, t);
        meta_add_str(&r->identifiers, &r->n_identifiers, b.data, b.len);
        ts_buf_free(&b);
    }
    free(t);
    return rc;
}

/* Apply one record-level cell. */
static int apply_record_cell(struct reader *rd, struct meta_rec *r, enum csv_field f, const char *v,
                             size_t n, long line, long col)
{
    const char *m;

    switch (f) {
    case CSV_F_ID: meta_set_str(&r->source_id, v, n); break;
    case CSV_F_TITLE: meta_set_str(&r->title, v, n); break;
    case CSV_F_SUBTITLE: meta_set_str(&r->subtitle, v, n); break;
    case CSV_F_AUTHORS: return split(rd, r, v, n, ";\n", add_author, line, col, NULL);
    case CSV_F_EDITORS: return split(rd, r, v, n, ";\n", add_author, line, col, "editor");
    case CSV_F_TRANSLATORS: return split(rd, r, v, n, ";\n", add_author, line, col, "translator");
    case CSV_F_CONTRIBUTORS: return split(rd, r, v, n, ";\n", add_author, line, col, "contributor");
    case CSV_F_PUBLISHER: meta_set_str(&r->publisher, v, n); break;
    case CSV_F_PLACE: meta_set_str(&r->place, v, n); break;
    case CSV_F_DATE: meta_set_str(&r->date, v, n); break;
    case CSV_F_EDITION: meta_set_str(&r->edition, v, n); break;
    case CSV_F_EXTENT: meta_set_str(&r->extent, v, n); break;
    case CSV_F_SERIES: meta_set_str(&r->series, v, n); break;
    case CSV_F_LANGUAGE:
        m = csv_map_language(v, n);
        meta_set_str(&r->language, m ? m : v, m ? strlen(m) : n);
        break;
    case CSV_F_ISBN: return split(rd, r, v, n, ";,\n", add_isbn, line, col, NULL);
    case CSV_F_ISSN: return split(rd, r, v, n, ";,\n", add_issn, line, col, NULL);
    case CSV_F_IDENTIFIERS: return split(rd, r, v, n, ";\n", add_identifier, line, col, NULL);
    case CSV_F_SUBJECTS: return split(rd, r, v, n, ";\n", add_subject, line, col, NULL);
    case CSV_F_CLASSIFICATION: meta_set_str(&r->classification, v, n); break;
    case CSV_F_TYPE:
        m = csv_map_type(v, n);
        meta_set_str(&r->resource_type, m ? m : v, m ? strlen(m) : n);
        break;
    case CSV_F_AUDIENCE: meta_set_str(&r->audience, v, n); break;
    case CSV_F_LICENCE: meta_set_str(&r->licence, v, n); break;
    case CSV_F_DESCRIPTION: meta_set_str(&r->description, v, n); break;
    case CSV_F_NOTES: meta_set_str(&r->notes, v, n); break;
    case CSV_F_LINKS: return split(rd, r, v, n, "; \t\n", add_link, line, col, NULL);
    default: break;
    }
    return TS_OK;
}

/* Parse up to `max` digits at *p into *out; false if none. */
static bool digits(const char **p, const char *end, int max, int *out)
{
    int k = 0, v = 0;

    while (*p < end && k < max && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    *out = v;
    return k > 0;
}

/*
 * "15/03/2021", "5-3-2021", "15.03.2021", "2021-03-15" (a time after it is
 * ignored) -> "2021-03-15" in out[11]. False if not a plausible date.
 */
static bool normalize_date(const char *s, size_t n, char out[11])
{
    const char *p = s, *end = s + n;
    int a, b, c, y, m, d;
    char sep;

    while (p < end && *p == ' ')
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (!digits(&p, end, 4, &a) || p >= end)
        return false;
    sep = *p;
    if (sep != '/' && sep != '-' && sep != '.')
        return false;
    p++;
    if (!digits(&p, end, 2, &b) || p >= end || *p != sep)
        return false;
    p++;
    if (!digits(&p, end, 4, &c))
        return false;
    if (p < end && *p != ' ' && *p != 'T')
        return false;
    if (a >= 1000) { /* year first */
        y = a, m = b, d = c;
    } else {
        d = a, m = b, y = c;
        if (y < 1000)
            return false;
    }
    if (m < 1 || m > 12 || d < 1 || d > 31 || y > 9999)
        return false;
    {
        char tmp[32]; /* roomy, so the compiler can see nothing is cut */
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
        memcpy(out, tmp, 11);
    }
    return true;
}

/* The item-level cells of one row. */
struct item_cells {
    const char *v[CSV_F_COUNT];
    size_t n[CSV_F_COUNT];
    long col[CSV_F_COUNT];
};

struct barcode_ctx {
    const struct item_cells *ic;
    const char *acquired;
    size_t made;
};

static bool has_barcode(const struct meta_rec *r, const char *p, size_t n)
{
    char *v = trimmed(p, n);
    bool found = false;

    for (size_t i = 0; i < r->n_items && !found; i++)
        found = r->items[i].barcode && strcmp(r->items[i].barcode, v) == 0;
    free(v);
    return found;
}

static int add_barcode(struct reader *rd, struct meta_rec *r, const char *p, size_t n, long line,
                       long col, const void *arg)
{
    struct barcode_ctx *bc = (struct barcode_ctx *)arg;
    const struct item_cells *ic = bc->ic;
    struct meta_item *it;

    bc->made++;
    if (has_barcode(r, p, n)) {
        char *v = trimmed(p, n);
        int rc =
            report(rd, line, col, TS_OK, "barcode '%.64s' repeated in this record, dropped", v);
        free(v);
        return rc;
    }
    it = meta_add_item(r);
    meta_set_str(&it->barcode, p, n);
    meta_set_str(&it->library, ic->v[CSV_F_LIBRARY], ic->n[CSV_F_LIBRARY]);
    meta_set_str(&it->call_number, ic->v[CSV_F_CALL_NUMBER], ic->n[CSV_F_CALL_NUMBER]);
    meta_set_str(&it->shelf_location, ic->v[CSV_F_SHELF], ic->n[CSV_F_SHELF]);
    meta_set_str(&it->price, ic->v[CSV_F_PRICE], ic->n[CSV_F_PRICE]);
    meta_set_str(&it->status, ic->v[CSV_F_STATUS], ic->n[CSV_F_STATUS]);
    if (bc->acquired)
        it->acquired = ts_xstrdup(bc->acquired);
    return TS_OK;
}

/* Items of one row: one per barcode, checked against the copies column. */
static int add_items(struct reader *rd, struct meta_rec *r, const struct row *row)
{
    struct item_cells ic;
    struct barcode_ctx bc = {&ic, NULL, 0};
    char date[11];
    int64_t copies = -1;
    int rc;

    memset(&ic, 0, sizeof ic);
    for (int f = 0; f < CSV_F_COUNT; f++) {
        ic.v[f] = "";
        ic.col[f] = -1;
    }
    for (size_t i = 0; i < rd->hdr.n; i++) {
        enum csv_field f = rd->hdr.field[i];
        size_t n;
        const char *v = cell_value(row, i, &n);

        if (f < CSV_F_BARCODE || blank(v, n) || ic.col[f] >= 0)
            continue;
        ic.v[f] = v;
        ic.n[f] = n;
        ic.col[f] = (long)i;
    }
    if (ic.col[CSV_F_ACQUIRED] >= 0) {
        if (normalize_date(ic.v[CSV_F_ACQUIRED], ic.n[CSV_F_ACQUIRED], date)) {
            bc.acquired = date;
        } else {
            char *t = trimmed(ic.v[CSV_F_ACQUIRED], ic.n[CSV_F_ACQUIRED]);
            rc = report(rd, row->line, ic.col[CSV_F_ACQUIRED], TS_OK,
                        "date '%.32s' not understood (dd/mm/yyyy or yyyy-mm-dd), dropped", t);
            free(t);
            if (rc)
                return rc;
        }
    }
    if (ic.col[CSV_F_COPIES] >= 0) {
        char *t = trimmed(ic.v[CSV_F_COPIES], ic.n[CSV_F_COPIES]);

        if (ts_parse_i64(t, &copies, NULL) != TS_OK || copies < 0) {
            rc = report(rd, row->line, ic.col[CSV_F_COPIES], TS_OK,
                        "number of copies '%.32s' is not a number, ignored", t);
            copies = -1;
            free(t);
            if (rc)
                return rc;
        } else {
            free(t);
        }
    }
    if (ic.col[CSV_F_BARCODE] >= 0 &&
        (rc = split(rd, r, ic.v[CSV_F_BARCODE], ic.n[CSV_F_BARCODE], ";,\n", add_barcode, row->line,
                    ic.col[CSV_F_BARCODE], &bc)))
        return rc;
    if (copies > 0 && bc.made == 0)
        return report(rd, row->line, ic.col[CSV_F_COPIES], TS_OK,
                      "%lld copies but no barcodes: the record is imported without copies",
                      (long long)copies);
    if (copies >= 0 && bc.made > 0 && (size_t)copies != bc.made)
        return report(rd, row->line, ic.col[CSV_F_COPIES], TS_OK,
                      "%lld copies but %zu barcodes: one copy per barcode imported",
                      (long long)copies, bc.made);
    return TS_OK;
}

/* Identity of the record a row describes, to merge consecutive rows. */
static char *row_key(const struct reader *rd, const struct row *row)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    for (size_t i = 0; i < rd->hdr.n && rd->has_id; i++) {
        size_t n;
        const char *v = cell_value(row, i, &n);

        if (rd->hdr.field[i] == CSV_F_ID && !blank(v, n)) {
            (void)ts_buf_add(&b, "id\x1f");
            (void)ts_buf_addn(&b, v, n);
            return ts_buf_take(&b);
        }
    }
    (void)ts_buf_add(&b, "cells");
    for (size_t i = 0; i < rd->hdr.n; i++) {
        size_t n;
        const char *v = cell_value(row, i, &n);

        if (rd->hdr.field[i] <= CSV_F_IGNORE || rd->hdr.field[i] >= CSV_F_BARCODE)
            continue;
        (void)ts_buf_addc(&b, '\x1f');
        (void)ts_buf_addn(&b, v, n);
    }
    return ts_buf_take(&b);
}

static int flush_pending(struct reader *rd)
{
    struct meta_rec *r = rd->pending;

    rd->pending = NULL;
    free(rd->pending_key);
    rd->pending_key = NULL;
    return r ? rd->emit(r, rd->ctx) : TS_OK;
}

static int process_row(struct reader *rd, const struct row *row)
{
    struct meta_rec *r = NULL;
    char *key = NULL, origin[512];
    bool any = false, title = false;
    int rc = TS_OK;

    for (size_t i = 0; i < row->n && i < rd->hdr.n; i++) {
        size_t n;
        const char *v = cell_str(row, i, &n);

        if (rd->hdr.field[i] > CSV_F_IGNORE && !blank(v, n)) {
            any = true;
            title = title || rd->hdr.field[i] == CSV_F_TITLE;
        }
    }
    if (!any)
        return TS_OK;
    key = row_key(rd, row);
    if (rd->pending && strcmp(key, rd->pending_key) == 0) {
        rc = add_items(rd, rd->pending, row);
        goto out;
    }
    if ((rc = flush_pending(rd)))
        goto out;
    if (!title) {
        rc = report(rd, row->line, -1, TS_EPARSE, "no title, row skipped");
        goto out;
    }
    r = ts_xcalloc(1, sizeof *r);
    snprintf(origin, sizeof origin, "%s line %ld", rd->file, row->line);
    r->origin = ts_xstrdup(origin);
    snprintf(origin, sizeof origin, "csv:%s", rd->file);
    r->source = ts_xstrdup(origin);
    for (size_t i = 0; i < rd->hdr.n && rc == TS_OK; i++) {
        size_t n;
        const char *v = cell_value(row, i, &n);

        if (rd->hdr.field[i] > CSV_F_IGNORE && rd->hdr.field[i] < CSV_F_BARCODE && !blank(v, n))
            rc = apply_record_cell(rd, r, rd->hdr.field[i], v, n, row->line, (long)i);
    }
    if (rc == TS_OK)
        rc = add_items(rd, r, row);
    if (rc)
        goto out;
    rd->pending = r;
    rd->pending_key = key;
    r = NULL;
    key = NULL;
out:
    meta_rec_free(r);
    free(key);
    return rc;
}

static int report_bad_row(struct reader *rd, const struct row *row)
{
    long col = (long)row->bad_col;

    switch (row->bad) {
    case ROW_UNBALANCED:
        return report(rd, row->line, -1, TS_EPARSE, "unbalanced quote, row skipped");
    case ROW_NUL: return report(rd, row->line, col, TS_EPARSE, "NUL byte in the cell, row skipped");
    case ROW_TOOLONG:
        return report(rd, row->line, col, TS_ETOOBIG, "field longer than %zu bytes, row skipped",
                      CSV_MAX_FIELD);
    case ROW_TOOWIDE:
        return report(rd, row->line, -1, TS_ETOOBIG, "more than %d columns, row skipped",
                      CSV_MAX_COLUMNS);
    default: return TS_OK;
    }
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Parse --map entries; TS_EINVAL on an unknown field name. */
static int parse_map(const char *const *map, size_t n_map, struct override **out,
                     struct ts_err *err)
{
    struct override *ov = ts_xcalloc(n_map + 1, sizeof *ov);

    *out = NULL;
    for (size_t i = 0; i < n_map; i++) {
        const char *eq = strrchr(map[i], '=');

        if (!eq || eq == map[i]) {
            for (size_t k = 0; k < i; k++)
                free(ov[k].folded);
            free(ov);
            return ts_fail(err, TS_EINVAL, "--map '%s': expected 'Header=field'", map[i]);
        }
        ov[i].raw = map[i];
        ov[i].folded = ts_text_fold(map[i], (size_t)(eq - map[i]));
        ov[i].field = csv_field_by_name(eq + 1, strlen(eq + 1));
        if (ov[i].field == CSV_F_UNKNOWN) {
            for (size_t k = 0; k <= i; k++)
                free(ov[k].folded);
            free(ov);
            return ts_fail(err, TS_EINVAL,
                           "--map '%s': unknown field '%s' (title, authors, isbn, "
                           "barcode, call_number... see csv.h)",
                           map[i], eq + 1);
        }
    }
    *out = ov;
    return TS_OK;
}

/* Pick the delimiter and the header row. */
static int choose_header(struct reader *rd, const char *path, const char *text, size_t len,
                         struct override *ov, size_t n_ov, char *delim, struct ts_err *err)
{
    static const char cands[] = {'\t', ';', ','};
    struct header best = {0};
    char best_delim = 0;

    for (size_t k = 0; k < sizeof cands; k++) {
        struct header h;

        if (has_suffix(path, ".tsv") && cands[k] != '\t')
            continue;
        if (!find_header(text, len, cands[k], ov, n_ov, &h))
            continue;
        if (!best_delim || h.score > best.score) {
            header_free(&best);
            best = h;
            best_delim = cands[k];
        } else {
            header_free(&h);
        }
    }
    if (!best_delim) {
        struct lexer lx = {text, len, 0, 1, has_suffix(path, ".tsv") ? '\t' : ','};
        struct row row = {0};
        struct ts_buf names;

        ts_buf_init(&names, 200);
        size_t n0 = 0;

        /* name the headers of the first non-blank row */
        while (read_row(&lx, &row) && row.n == 1 && blank(cell_str(&row, 0, &n0), n0))
            ;
        for (size_t i = 0; i < row.n && i < 12; i++) {
            size_t n;
            const char *s = cell_str(&row, i, &n);
            if (ts_buf_addf(&names, "%s%.*s", i ? ", " : "", (int)(n > 30 ? 30 : n), s))
                break;
        }
        (void)ts_fail(err, TS_EPARSE,
                      "%s: no title column in the first %d rows (headers: %s); name it with "
                      "--map 'Header=title'",
                      rd->file, CSV_HEADER_SCAN, ts_buf_str(&names));
        ts_buf_free(&names);
        row_free(&row);
        return TS_EPARSE;
    }
    rd->hdr = best;
    *delim = best_delim;
    return TS_OK;
}

/* Warnings about columns that will be ignored and --map headers not found. */
static int report_columns(struct reader *rd, struct override *ov, size_t n_ov)
{
    int rc = TS_OK;

    for (size_t i = 0; i < rd->hdr.n && rc == TS_OK; i++) {
        if (rd->hdr.field[i] == CSV_F_ID)
            rd->has_id = true;
        if (rd->hdr.field[i] == CSV_F_UNKNOWN)
            rc = report(rd, rd->hdr.line, (long)i, TS_OK,
                        "unknown column, ignored (name it with --map '%s=field')", rd->hdr.name[i]);
    }
    for (size_t i = 0; i < n_ov && rc == TS_OK; i++)
        if (!ov[i].used)
            rc = report(rd, rd->hdr.line, -1, TS_OK, "--map '%s': no such column", ov[i].raw);
    return rc;
}

int import_csv_read(const char *path, const char *const *map, size_t n_map, meta_emit_fn emit,
                    meta_error_fn on_error, void *ctx, struct ts_err *err)
{
    struct reader rd = {0};
    struct override *ov = NULL;
    struct lexer lx = {0};
    struct row row = {0};
    char *raw = NULL, *text = NULL, delim = ',';
    const char *charset, *slash = strrchr(path, '/');
    size_t raw_len = 0, text_len = 0;
    int rc;

    rd.file = slash ? slash + 1 : path;
    rd.emit = emit;
    rd.on_error = on_error;
    rd.ctx = ctx;
    if ((rc = parse_map(map, n_map, &ov, err)))
        return rc;
    if ((rc = ts_read_file(path, CSV_MAX_FILE, &raw, &raw_len, err)))
        goto out;
    if ((rc = ts_charset_decode(raw, raw_len, NULL, &text, &text_len, &charset, err)))
        goto out;
    free(raw);
    raw = NULL;
    if ((rc = choose_header(&rd, path, text, text_len, ov, n_map, &delim, err)))
        goto out;
    if ((rc = report_columns(&rd, ov, n_map)))
        goto out;
    lx = (struct lexer){text, text_len, rd.hdr.end_pos, rd.hdr.end_line, delim};
    ts_buf_init(&row.buf, CSV_MAX_COLUMNS * (CSV_MAX_FIELD + 1) + 1);
    while (rc == TS_OK && read_row(&lx, &row)) {
        if (row.bad == ROW_OK && row.multiline && row.n > rd.hdr.n)
            row.bad = ROW_UNBALANCED; /* a stray quote swallowed line breaks */
        if (row.bad == ROW_UNBALANCED)
            resync(&lx, &row);
        if (row.bad != ROW_OK) {
            if ((rc = flush_pending(&rd)) == TS_OK)
                rc = report_bad_row(&rd, &row);
            continue;
        }
        rc = process_row(&rd, &row);
    }
    if (rc == TS_OK)
        rc = flush_pending(&rd);
out:
    meta_rec_free(rd.pending);
    free(rd.pending_key);
    header_free(&rd.hdr);
    row_free(&row);
    for (size_t i = 0; ov && i < n_map; i++)
        free(ov[i].folded);
    free(ov);
    free(raw);
    free(text);
    return rc;
}

/* ---------------------------------------------------------------- writer */

/* Export columns, in order; the header row is their canonical names. */
static const enum csv_field export_cols[] = {
    CSV_F_ID,          CSV_F_TITLE,        CSV_F_SUBTITLE,    CSV_F_AUTHORS,        CSV_F_EDITORS,
    CSV_F_TRANSLATORS, CSV_F_CONTRIBUTORS, CSV_F_PUBLISHER,   CSV_F_PLACE,          CSV_F_DATE,
    CSV_F_EDITION,     CSV_F_EXTENT,       CSV_F_SERIES,      CSV_F_LANGUAGE,       CSV_F_ISBN,
    CSV_F_ISSN,        CSV_F_IDENTIFIERS,  CSV_F_SUBJECTS,    CSV_F_CLASSIFICATION, CSV_F_TYPE,
    CSV_F_AUDIENCE,    CSV_F_LICENCE,      CSV_F_DESCRIPTION, CSV_F_NOTES,          CSV_F_LINKS,
    CSV_F_BARCODE,     CSV_F_LIBRARY,      CSV_F_CALL_NUMBER, CSV_F_SHELF,          CSV_F_ACQUIRED,
    CSV_F_PRICE,       CSV_F_STATUS,
};
#define N_EXPORT_COLS (sizeof export_cols / sizeof export_cols[0])

/* One cell: formula guard, then RFC 4180 quoting when needed. */
static void put_cell(struct ts_buf *b, const char *v, bool first)
{
    size_t q = 0;
    bool quote;

    if (!first)
        (void)ts_buf_addc(b, ',');
    if (!v || !v[0])
        return;
    while (v[q] == '\'')
        q++;
    quote = strpbrk(v, ",\"\r\n") != NULL || v[0] == ' ' || v[strlen(v) - 1] == ' ';
    if (quote)
        (void)ts_buf_addc(b, '"');
    if (formula_start(v[q]))
        (void)ts_buf_addc(b, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            (void)ts_buf_addc(b, '"');
        (void)ts_buf_addc(b, *p);
    }
    if (quote)
        (void)ts_buf_addc(b, '"');
}

static int flush_buf(FILE *out, struct ts_buf *b, struct ts_err *err)
{
    int rc = TS_OK;

    if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
        rc = ts_fail(err, TS_EIO, "CSV export: write failed");
    ts_buf_free(b);
    return rc;
}

int export_csv_begin(FILE *out, struct ts_err *err)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    (void)ts_buf_add(&b, "\xEF\xBB\xBF");
    for (size_t i = 0; i < N_EXPORT_COLS; i++)
        put_cell(&b, csv_field_name(export_cols[i]), i == 0);
    (void)ts_buf_add(&b, "\r\n");
    return flush_buf(out, &b, err);
}

static void join(struct ts_buf *b, const char *v)
{
    if (b->len)
        (void)ts_buf_add(b, "; ");
    (void)ts_buf_add(b, v);
}

static enum csv_field role_column(const char *role)
{
    if (!role || !strcmp(role, "author") || !strcmp(role, "corporate") || !strcmp(role, "creator"))
        return CSV_F_AUTHORS;
    if (!strcmp(role, "editor"))
        return CSV_F_EDITORS;
    if (!strcmp(role, "translator"))
        return CSV_F_TRANSLATORS;
    return CSV_F_CONTRIBUTORS;
}

int export_csv_write(FILE *out, const struct meta_rec *r, struct ts_err *err)
{
    struct ts_buf lists[CSV_F_COUNT], line;
    const char *cell[CSV_F_COUNT] = {0};
    size_t n_rows = r->n_items ? r->n_items : 1;

    for (int f = 0; f < CSV_F_COUNT; f++)
        ts_buf_init(&lists[f], 0);
    for (size_t i = 0; i < r->n_authors; i++)
        join(&lists[role_column(r->authors[i].role)], r->authors[i].name);
    for (size_t i = 0; i < r->n_identifiers; i++) {
        const char *id = r->identifiers[i];
        if (!strncmp(id, "isbn:", 5))
            join(&lists[CSV_F_ISBN], id + 5);
        else if (!strncmp(id, "issn:", 5))
            join(&lists[CSV_F_ISSN], id + 5);
        else
            join(&lists[CSV_F_IDENTIFIERS], id);
    }
    for (size_t i = 0; i < r->n_subjects; i++)
        join(&lists[CSV_F_SUBJECTS], r->subjects[i]);
    for (size_t i = 0; i < r->n_links; i++)
        join(&lists[CSV_F_LINKS], r->links[i]);
    for (int f = 0; f < CSV_F_COUNT; f++)
        if (lists[f].len)
            cell[f] = lists[f].data;
    cell[CSV_F_ID] = r->source_id;
    cell[CSV_F_TITLE] = r->title;
    cell[CSV_F_SUBTITLE] = r->subtitle;
    cell[CSV_F_PUBLISHER] = r->publisher;
    cell[CSV_F_PLACE] = r->place;
    cell[CSV_F_DATE] = r->date;
    cell[CSV_F_EDITION] = r->edition;
    cell[CSV_F_EXTENT] = r->extent;
    cell[CSV_F_SERIES] = r->series;
    cell[CSV_F_LANGUAGE] = r->language;
    cell[CSV_F_CLASSIFICATION] = r->classification;
    cell[CSV_F_TYPE] = r->resource_type;
    cell[CSV_F_AUDIENCE] = r->audience;
    cell[CSV_F_LICENCE] = r->licence;
    cell[CSV_F_DESCRIPTION] = r->description;
    cell[CSV_F_NOTES] = r->notes;
    ts_buf_init(&line, 0);
    for (size_t k = 0; k < n_rows; k++) {
        const struct meta_item *it = r->n_items ? &r->items[k] : NULL;

        cell[CSV_F_BARCODE] = it ? it->barcode : NULL;
        cell[CSV_F_LIBRARY] = it ? it->library : NULL;
        cell[CSV_F_CALL_NUMBER] = it ? it->call_number : NULL;
        cell[CSV_F_SHELF] = it ? it->shelf_location : NULL;
        cell[CSV_F_ACQUIRED] = it ? it->acquired : NULL;
        cell[CSV_F_PRICE] = it ? it->price : NULL;
        cell[CSV_F_STATUS] = it ? it->status : NULL;
        for (size_t i = 0; i < N_EXPORT_COLS; i++)
            put_cell(&line, cell[export_cols[i]], i == 0);
        (void)ts_buf_add(&line, "\r\n");
    }
    for (int f = 0; f < CSV_F_COUNT; f++)
        ts_buf_free(&lists[f]);
    return flush_buf(out, &line, err);
}
