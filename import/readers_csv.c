/*
 * import/readers_csv.c - reader lists from spreadsheets (the contract and
 * every decision are in readers_csv.h).
 *
 * The file is decoded to NFC UTF-8 in one piece (ts_charset_decode needs the
 * whole text to recognise TCVN3 or Windows-1258), then a small RFC 4180 lexer
 * cuts it into rows, counting physical lines as it goes so each report points
 * at the line a teacher sees in the spreadsheet. Cells are capped at
 * READERS_CSV_MAX_FIELD bytes and rows at MAX_COLUMNS cells, so a hostile
 * file costs at most its size plus one bounded row.
 */
#include "readers_csv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ts_buf.h"
#include "ts_charset.h"
#include "ts_mem.h"
#include "ts_text.h"
#include "ts_util.h"

#define MAX_COLUMNS 256
#define HEADER_SCAN 20

/* ---------------------------------------------------------------- lexer */

enum bad { BAD_NONE, BAD_UNBALANCED, BAD_NUL, BAD_TOOLONG, BAD_TOOWIDE };

struct row {
    struct ts_buf buf; /* cell bytes, each followed by a NUL */
    size_t *off, *len;
    size_t n, cap;
    long line;    /* physical line where the row starts */
    size_t start; /* byte offset where the row starts */
    enum bad bad;
};

struct lexer {
    const char *s;
    size_t len, pos;
    long line;
    char delim;
};

static void row_free(struct row *r)
{
    ts_buf_free(&r->buf);
    free(r->off);
    free(r->len);
    memset(r, 0, sizeof *r);
}

static void mark(struct row *r, enum bad why)
{
    if (r->bad == BAD_NONE || why == BAD_UNBALANCED)
        r->bad = why;
}

static void cell_begin(struct row *r)
{
    if (r->n >= MAX_COLUMNS) {
        mark(r, BAD_TOOWIDE);
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->off = ts_xrealloc(r->off, r->cap * sizeof *r->off);
        r->len = ts_xrealloc(r->len, r->cap * sizeof *r->len);
    }
    r->off[r->n] = r->buf.len;
    r->len[r->n] = 0;
    r->n++;
}

static void cell_end(struct row *r)
{
    if (r->bad != BAD_TOOWIDE)
        (void)ts_buf_addc(&r->buf, '\0');
}

static void put(struct row *r, char c)
{
    if (r->bad == BAD_TOOWIDE || r->n == 0)
        return;
    if (c == '\0') {
        mark(r, BAD_NUL);
        return;
    }
    if (r->len[r->n - 1] >= READERS_CSV_MAX_FIELD) {
        mark(r, BAD_TOOLONG);
        return;
    }
    (void)ts_buf_addc(&r->buf, c);
    r->len[r->n - 1]++;
}

static void eat_newline(struct lexer *lx)
{
    if (lx->s[lx->pos] == '\r' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '\n')
        lx->pos++;
    lx->pos++;
    lx->line++;
}

static bool read_row(struct lexer *lx, struct row *r)
{
    bool in_quotes = false, spanned = false;

    ts_buf_reset(&r->buf);
    r->n = 0;
    r->bad = BAD_NONE;
    if (lx->pos >= lx->len)
        return false;
    r->line = lx->line;
    r->start = lx->pos;
    cell_begin(r);
    while (lx->pos < lx->len) {
        char c = lx->s[lx->pos];

        if (in_quotes) {
            if (c == '"' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '"') {
                put(r, '"');
                lx->pos += 2;
            } else if (c == '"') {
                in_quotes = false;
                lx->pos++;
                /* a quote that spanned lines must end its cell, or it paired
                 * with a quote rows later and swallowed them */
                if (spanned && lx->pos < lx->len && lx->s[lx->pos] != lx->delim &&
                    lx->s[lx->pos] != '\r' && lx->s[lx->pos] != '\n')
                    mark(r, BAD_UNBALANCED);
            } else if (c == '\r' || c == '\n') {
                put(r, '\n');
                eat_newline(lx);
                spanned = true;
            } else {
                put(r, c);
                lx->pos++;
            }
        } else if (c == lx->delim) {
            cell_end(r);
            cell_begin(r);
            lx->pos++;
        } else if (c == '\r' || c == '\n') {
            eat_newline(lx);
            cell_end(r);
            return true;
        } else if (c == '"' && r->n > 0 && r->len[r->n - 1] == 0) {
            in_quotes = true;
            spanned = false;
            lx->pos++;
        } else {
            put(r, c);
            lx->pos++;
        }
    }
    if (in_quotes)
        mark(r, BAD_UNBALANCED);
    cell_end(r);
    return true;
}

/* After an unbalanced quote: continue on the line after the row's first. */
static void resync(struct lexer *lx, const struct row *r)
{
    size_t i = r->start;

    while (i < lx->len && lx->s[i] != '\n' && lx->s[i] != '\r')
        i++;
    lx->pos = i;
    lx->line = r->line;
    if (i < lx->len)
        eat_newline(lx);
}

static const char *cell(const struct row *r, size_t i)
{
    if (i >= r->n || r->bad == BAD_TOOWIDE)
        return "";
    return r->buf.data + r->off[i];
}

/* ---------------------------------------------------------------- header */

enum col { C_NONE, C_CARD, C_NAME, C_FAMILY, C_GIVEN, C_CLASS, C_CATEGORY, C_COUNT };

static const struct {
    const char *folded;
    enum col col;
} aliases[] = {
    {"so the", C_CARD},
    {"ma the", C_CARD},
    {"ma so the", C_CARD},
    {"so the thu vien", C_CARD},
    {"ma ban doc", C_CARD},
    {"so the ban doc", C_CARD},
    {"ma hoc sinh", C_CARD},
    {"ma hs", C_CARD},
    {"ma so hoc sinh", C_CARD},
    {"ma dinh danh", C_CARD},
    {"card", C_CARD},
    {"card number", C_CARD},
    {"card no", C_CARD},
    {"ho va ten", C_NAME},
    {"ho ten", C_NAME},
    {"ho va ten hoc sinh", C_NAME},
    {"ho ten hoc sinh", C_NAME},
    {"ten hoc sinh", C_NAME},
    {"ten ban doc", C_NAME},
    {"ho va ten ban doc", C_NAME},
    {"name", C_NAME},
    {"full name", C_NAME},
    {"ho", C_FAMILY},
    {"ho dem", C_FAMILY},
    {"ho va ten dem", C_FAMILY},
    {"ho va dem", C_FAMILY},
    {"ho lot", C_FAMILY},
    {"ho va chu lot", C_FAMILY},
    {"family name", C_FAMILY},
    {"ten", C_GIVEN},
    {"given name", C_GIVEN},
    {"lop", C_CLASS},
    {"lop hoc", C_CLASS},
    {"class", C_CLASS},
    {"doi tuong", C_CATEGORY},
    {"loai ban doc", C_CATEGORY},
    {"doi tuong ban doc", C_CATEGORY},
    {"category", C_CATEGORY},
};

static enum col map_header(const char *s)
{
    char *f = ts_text_fold(s, strlen(s));
    enum col c = C_NONE;

    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(aliases[i].folded, f) == 0) {
            c = aliases[i].col;
            break;
        }
    }
    free(f);
    return c;
}

struct header {
    int at[C_COUNT]; /* column index of each meaning, -1 if absent */
    int score;
    size_t end_pos;
    long end_line;
};

static bool header_usable(const struct header *h)
{
    bool name = h->at[C_NAME] >= 0 || (h->at[C_FAMILY] >= 0 && h->at[C_GIVEN] >= 0);
    return name && h->at[C_CARD] >= 0;
}

/* The first usable header row within HEADER_SCAN rows for `delim`. */
static bool find_header(const char *text, size_t len, char delim, struct header *h)
{
    struct lexer lx = {text, len, 0, 1, delim};
    struct row r = {0};
    bool found = false;

    for (int k = 0; k < HEADER_SCAN && !found && read_row(&lx, &r); k++) {
        if (r.bad != BAD_NONE)
            continue;
        for (int c = 0; c < C_COUNT; c++)
            h->at[c] = -1;
        h->score = 0;
        for (size_t i = 0; i < r.n; i++) {
            enum col c = map_header(cell(&r, i));
            if (c != C_NONE && h->at[c] < 0) {
                h->at[c] = (int)i;
                h->score++;
            }
        }
        /* "Tên" alone is a whole name when there is no family column */
        if (h->at[C_NAME] < 0 && h->at[C_FAMILY] < 0 && h->at[C_GIVEN] >= 0) {
            h->at[C_NAME] = h->at[C_GIVEN];
            h->at[C_GIVEN] = -1;
        }
        if (header_usable(h)) {
            found = true;
            h->end_pos = lx.pos;
            h->end_line = lx.line;
        }
    }
    row_free(&r);
    return found;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* ---------------------------------------------------------------- values */

const char *import_readers_csv_category(const char *value)
{
    static const struct {
        const char *folded, *category;
    } map[] = {
        {"hoc sinh", "pupil"},    {"hs", "pupil"},
        {"pupil", "pupil"},       {"student", "pupil"},
        {"giao vien", "teacher"}, {"gv", "teacher"},
        {"can bo", "teacher"},    {"can bo giao vien", "teacher"},
        {"cbgv", "teacher"},      {"teacher", "teacher"},
        {"staff", "teacher"},     {"nguoi lon", "adult"},
        {"phu huynh", "adult"},   {"ban doc", "adult"},
        {"adult", "adult"},
    };
    char *f = ts_text_fold(value, strlen(value));
    const char *out = NULL;

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(map[i].folded, f) == 0) {
            out = map[i].category;
            break;
        }
    }
    free(f);
    return out;
}

/* Trimmed copy with runs of white space collapsed to one space; NULL if empty. */
static char *clean(const char *s)
{
    struct ts_buf b;
    bool space = false;

    ts_buf_init(&b, 0);
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = b.len > 0;
            continue;
        }
        if (space)
            ts_buf_addc(&b, ' ');
        space = false;
        ts_buf_addc(&b, *p);
    }
    if (b.len == 0) {
        ts_buf_free(&b);
        return NULL;
    }
    return ts_buf_take(&b);
}

/* ---------------------------------------------------------------- reader */

struct ctx {
    const char *file;
    reader_csv_problem_fn on_row;
    void *ctx;
    struct reader_csv_row *rows;
    size_t n;
};

static void report(struct ctx *c, long line, enum ts_code code, const char *fmt, ...)
    TS_PRINTF(4, 5);

static void report(struct ctx *c, long line, enum ts_code code, const char *fmt, ...)
{
    struct ts_err e = {0};
    char why[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    ts_fail(&e, code, "%s line %ld: %s", c->file, line, why);
    if (c->on_row)
        c->on_row(line, &e, c->ctx);
}

static int by_card_line(const void *a, const void *b)
{
    const struct reader_csv_row *x = *(const struct reader_csv_row *const *)a;
    const struct reader_csv_row *y = *(const struct reader_csv_row *const *)b;
    int d = strcmp(x->card, y->card);
    return d ? d : (x->line > y->line) - (x->line < y->line);
}

/* A card repeated in the file: the first row keeps it, later ones are
 * reported and dropped. Sorting keeps this O(n log n) for big lists. */
static void drop_repeated_cards(struct ctx *c)
{
    struct reader_csv_row **v;
    size_t k = 0;

    if (c->n < 2)
        return;
    v = ts_xmalloc(c->n * sizeof *v);
    for (size_t i = 0; i < c->n; i++)
        v[i] = &c->rows[i];
    qsort(v, c->n, sizeof *v, by_card_line);
    for (size_t i = 1, first = 0; i < c->n; i++) {
        if (strcmp(v[i]->card, v[first]->card) != 0) {
            first = i;
            continue;
        }
        report(c, v[i]->line, TS_EPARSE,
               "card %s appears twice in the file, first on line %ld (row skipped)", v[i]->card,
               v[first]->line);
        v[i]->line = -1; /* dropped below */
    }
    free(v);
    for (size_t i = 0; i < c->n; i++) {
        if (c->rows[i].line < 0) {
            free(c->rows[i].card);
            free(c->rows[i].name);
            free(c->rows[i].class_name);
        } else {
            c->rows[k++] = c->rows[i];
        }
    }
    c->n = k;
}

static void take_row(struct ctx *c, const struct header *h, const struct row *r)
{
    static const char *const bad_names[] = {"", "unbalanced quote", "NUL character in a cell",
                                            "a cell longer than 1024 bytes", "more than 256 cells"};
    char *card = NULL, *name = NULL, *cls = NULL, *cat_cell = NULL, *fam = NULL, *given = NULL;
    const char *category = NULL;
    bool any = false;

    if (r->bad != BAD_NONE) {
        report(c, r->line, TS_EPARSE, "%s (row skipped)", bad_names[r->bad]);
        return;
    }
    card = clean(cell(r, (size_t)h->at[C_CARD]));
    if (card && card[0] == '\'') /* Excel's "keep as text" mark */
        memmove(card, card + 1, strlen(card));
    if (card && !card[0]) {
        free(card);
        card = NULL;
    }
    if (h->at[C_NAME] >= 0) {
        name = clean(cell(r, (size_t)h->at[C_NAME]));
    } else {
        fam = clean(cell(r, (size_t)h->at[C_FAMILY]));
        given = clean(cell(r, (size_t)h->at[C_GIVEN]));
        if (fam || given) {
            struct ts_buf b;
            ts_buf_init(&b, 0);
            ts_buf_addf(&b, "%s%s%s", fam ? fam : "", fam && given ? " " : "", given ? given : "");
            name = ts_buf_take(&b);
        }
    }
    if (h->at[C_CLASS] >= 0)
        cls = clean(cell(r, (size_t)h->at[C_CLASS]));
    if (h->at[C_CATEGORY] >= 0)
        cat_cell = clean(cell(r, (size_t)h->at[C_CATEGORY]));
    any = card || name || cls || cat_cell;
    if (!any)
        goto out; /* blank, or only an STT number */
    if (!name) {
        report(c, r->line, TS_EPARSE, "no name (row skipped)");
        goto out;
    }
    if (!card) {
        report(c, r->line, TS_EPARSE, "%s has no card number (row skipped)", name);
        goto out;
    }
    for (const unsigned char *p = (const unsigned char *)card; *p; p++) {
        if (*p <= ' ' || *p == 0x7f) {
            report(c, r->line, TS_EPARSE, "card number '%s' has spaces (row skipped)", card);
            goto out;
        }
    }
    if (strlen(card) > 64 || strlen(name) > 200 || (cls && strlen(cls) > 32)) {
        report(c, r->line, TS_EPARSE,
               "card over 64, name over 200 or class over 32 bytes (row skipped)");
        goto out;
    }
    if (cat_cell && !(category = import_readers_csv_category(cat_cell))) {
        report(c, r->line, TS_EPARSE,
               "category '%s' is not Học sinh, Giáo viên or Người lớn (row skipped)", cat_cell);
        goto out;
    }
    if (c->n >= READERS_CSV_MAX_ROWS) {
        report(c, r->line, TS_ETOOBIG, "more than %d readers in one file (row skipped)",
               READERS_CSV_MAX_ROWS);
        goto out;
    }
    c->rows = ts_xrealloc(c->rows, (c->n + 1) * sizeof *c->rows);
    c->rows[c->n].card = card;
    c->rows[c->n].name = name;
    c->rows[c->n].class_name = cls;
    c->rows[c->n].category = category;
    c->rows[c->n].line = r->line;
    c->n++;
    card = name = cls = NULL;
out:
    free(card);
    free(name);
    free(cls);
    free(cat_cell);
    free(fam);
    free(given);
}

int import_readers_csv_read(const char *path, reader_csv_problem_fn on_row, void *ctx,
                            struct reader_csv_row **rows, size_t *n, struct ts_err *err)
{
    static const char cands[] = {'\t', ';', ','};
    struct ctx c = {0};
    struct header best = {0}, h;
    struct lexer lx;
    struct row r = {0};
    char *raw = NULL, *text = NULL, delim = 0;
    const char *charset, *slash = strrchr(path, '/');
    size_t raw_len = 0, text_len = 0;
    int rc;

    *rows = NULL;
    *n = 0;
    c.file = slash ? slash + 1 : path;
    c.on_row = on_row;
    c.ctx = ctx;
    if ((rc = ts_read_file(path, READERS_CSV_MAX_FILE, &raw, &raw_len, err)))
        goto out;
    if ((rc = ts_charset_decode(raw, raw_len, NULL, &text, &text_len, &charset, err)))
        goto out;
    for (size_t k = 0; k < sizeof cands; k++) {
        if (has_suffix(path, ".tsv") && cands[k] != '\t')
            continue;
        if (find_header(text, text_len, cands[k], &h) && (!delim || h.score > best.score)) {
            best = h;
            delim = cands[k];
        }
    }
    if (!delim) {
        rc = ts_fail(err, TS_EPARSE,
                     "%s: no header row with a name column (Họ và tên) and a card column "
                     "(Số thẻ / Mã học sinh) in the first %d rows",
                     c.file, HEADER_SCAN);
        goto out;
    }
    lx = (struct lexer){text, text_len, best.end_pos, best.end_line, delim};
    while (read_row(&lx, &r)) {
        take_row(&c, &best, &r);
        if (r.bad == BAD_UNBALANCED)
            resync(&lx, &r);
    }
    drop_repeated_cards(&c);
    *rows = c.rows;
    *n = c.n;
    c.rows = NULL;
    c.n = 0;
    rc = TS_OK;
out:
    row_free(&r);
    import_readers_csv_free(c.rows, c.n);
    free(raw);
    free(text);
    return rc;
}

void import_readers_csv_free(struct reader_csv_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].card);
        free(rows[i].name);
        free(rows[i].class_name);
    }
    free(rows);
}
