/*
 * indexer/extract_text.c - plain text and markdown.
 *
 * Bytes go through ts_charset_decode() (legacy Vietnamese encodings are
 * common in old .txt files) and the detected charset is recorded in
 * doc->encoding, so a librarian can see and override a wrong guess. Input
 * past max_text_bytes is cut at a line boundary before decoding: it could
 * never be kept anyway.
 *
 * Title: a markdown front-matter "title:", else the first non-empty line
 * (without its "#" markers) if it is short enough to be a title (< 120
 * characters). Plain text is one section; markdown is split at ATX headings
 * ("# ".."###### ", outside code fences), each section titled by its heading
 * and located by "line=N". Link and image targets are dropped from markdown
 * text so URLs do not flood the index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "ts_buf.h"
#include "ts_charset.h"
#include "ts_mem.h"

#define TITLE_MAX_CHARS 120

/* Decode in->bytes (cut to the text budget) into *utf8. */
static int decode(struct ix_input *in, char **utf8, size_t *ulen, const char **cs,
                  struct ts_err *err)
{
    size_t len = in->len;

    if (len > in->lim->max_text_bytes) {
        size_t cut = in->lim->max_text_bytes, back = 0;
        while (back < 4096 && back < cut && in->bytes[cut - back - 1] != '\n')
            back++;
        len = back < 4096 && back < cut ? cut - back : cut;
        len &= ~(size_t)1; /* keep UTF-16 code units whole */
    }
    return ts_charset_decode((const char *)in->bytes, len, NULL, utf8, ulen, cs, err);
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Next line of s[0..len) from *pos: sets line/llen (no '\n', no '\r'). */
static bool next_line(const char *s, size_t len, size_t *pos, const char **line, size_t *llen)
{
    const char *nl;

    if (*pos >= len)
        return false;
    *line = s + *pos;
    nl = memchr(*line, '\n', len - *pos);
    *llen = nl ? (size_t)(nl - *line) : len - *pos;
    *pos += *llen + (nl ? 1 : 0);
    if (*llen && (*line)[*llen - 1] == '\r')
        (*llen)--;
    return true;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* ATX heading: up to 3 spaces, 1-6 '#', then a space or the end. Sets the
 * heading text (closing '#'s removed) and returns its level, else 0. */
static int atx_heading(const char *s, size_t n, const char **text, size_t *tlen)
{
    size_t i = 0, level = 0;

    while (i < n && i < 3 && s[i] == ' ')
        i++;
    while (i < n && s[i] == '#' && level < 7) {
        i++;
        level++;
    }
    if (level == 0 || level > 6 || (i < n && s[i] != ' ' && s[i] != '\t'))
        return 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n > i && s[n - 1] == '#')
        n--;
    *text = s + i;
    *tlen = n - i;
    return (int)level;
}

static bool fence(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && i < 3 && s[i] == ' ')
        i++;
    return n - i >= 3 && (strncmp(s + i, "```", 3) == 0 || strncmp(s + i, "~~~", 3) == 0);
}

/* Append one markdown line as text: [text](url) -> text, ![alt](url) -> alt,
 * <tags> dropped, "[id]: url" reference lines dropped. */
static void md_line(struct ts_buf *b, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] == ' ')
        i++;
    if (i < n && s[i] == '[') {
        const char *close = memchr(s + i, ']', n - i);
        if (close && (size_t)(close - s) + 1 < n && close[1] == ':')
            return;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '!' && i + 1 < n && s[i + 1] == '[')
            continue;
        if (s[i] == ']' && i + 1 < n && s[i + 1] == '(') {
            const char *close = memchr(s + i, ')', n - i);
            if (close) {
                i = (size_t)(close - s);
                continue;
            }
        }
        if (s[i] == '[' || s[i] == ']')
            continue;
        if (s[i] == '<') {
            const char *gt = memchr(s + i, '>', n - i);
            if (gt) {
                i = (size_t)(gt - s);
                ts_buf_addc(b, ' ');
                continue;
            }
        }
        ts_buf_addc(b, s[i]);
    }
    ts_buf_addc(b, '\n');
}

/* YAML front matter ("---" ... "---"): title, author, lang/language, date. */
static size_t front_matter(struct ix_doc *doc, const char *s, size_t len)
{
    size_t pos = 0, llen;
    const char *line;

    if (!next_line(s, len, &pos, &line, &llen) || llen != 3 || strncmp(line, "---", 3) != 0)
        return 0;
    for (int n = 0; n < 200 && next_line(s, len, &pos, &line, &llen); n++) {
        const char *colon = memchr(line, ':', llen), *v;
        size_t klen, vlen;
        char *val;

        if ((llen == 3 && strncmp(line, "---", 3) == 0) ||
            (llen == 3 && strncmp(line, "...", 3) == 0))
            return pos;
        if (!colon)
            continue;
        klen = (size_t)(colon - line);
        v = colon + 1;
        vlen = llen - klen - 1;
        while (vlen && (*v == ' ' || *v == '"' || *v == '\'')) {
            v++;
            vlen--;
        }
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '"' || v[vlen - 1] == '\''))
            vlen--;
        val = ts_xstrndup(v, vlen);
        if (klen == 5 && strncmp(line, "title", 5) == 0)
            ix_meta_set(&doc->title, val, vlen);
        else if (klen == 6 && strncmp(line, "author", 6) == 0)
            ix_meta_add(&doc->authors, &doc->n_authors, val, vlen);
        else if ((klen == 4 && strncmp(line, "lang", 4) == 0) ||
                 (klen == 8 && strncmp(line, "language", 8) == 0))
            ix_meta_set(&doc->language, val, vlen);
        else if (klen == 4 && strncmp(line, "date", 4) == 0)
            ix_meta_set(&doc->date, val, vlen);
        free(val);
    }
    return 0; /* never closed: not front matter */
}

/* Title from the first non-empty line, if short. */
static void first_line_title(struct ix_doc *doc, const char *s, size_t len, bool markdown)
{
    size_t pos = 0, llen, tlen;
    const char *line, *t;

    while (next_line(s, len, &pos, &line, &llen)) {
        if (blank(line, llen))
            continue;
        if (markdown && atx_heading(line, llen, &t, &tlen)) {
            line = t;
            llen = tlen;
        }
        if (utf8_chars(line, llen) < TITLE_MAX_CHARS) {
            struct ts_buf b;
            ts_buf_init(&b, 0);
            if (markdown)
                md_line(&b, line, llen);
            else
                ts_buf_addn(&b, line, llen);
            ix_meta_set(&doc->title, ts_buf_str(&b), b.len);
            ts_buf_free(&b);
        }
        return;
    }
}

/* Markdown sections: text before the first heading, then one per heading. */
static void md_sections(struct ix_input *in, struct ix_doc *doc, const char *s, size_t len,
                        size_t start)
{
    struct ts_buf text, title;
    size_t pos = start, llen, tlen, line_no = 1, sec_line = 1;
    const char *line, *t;
    bool in_fence = false, has_title = false;
    char path[32];

    for (size_t i = 0; i < start; i++)
        line_no += s[i] == '\n';
    sec_line = line_no;
    ts_buf_init(&text, 0);
    ts_buf_init(&title, 0);
    for (;; line_no++) {
        bool more = next_line(s, len, &pos, &line, &llen);
        bool heading = more && !in_fence && atx_heading(line, llen, &t, &tlen);

        if (!more || heading) {
            snprintf(path, sizeof path, "line=%zu", sec_line);
            ix_doc_add_section(in, doc, has_title ? ts_buf_str(&title) : NULL, path,
                               ts_buf_str(&text), text.len);
            ts_buf_reset(&text);
            ts_buf_reset(&title);
            if (!more || ix_input_done(in))
                break;
            md_line(&title, t, tlen);
            has_title = true;
            sec_line = line_no;
            md_line(&text, t, tlen);
            continue;
        }
        if (fence(line, llen)) {
            in_fence = !in_fence;
            continue;
        }
        if (in_fence) {
            ts_buf_addn(&text, line, llen);
            ts_buf_addc(&text, '\n');
        } else {
            md_line(&text, line, llen);
        }
    }
    ts_buf_free(&text);
    ts_buf_free(&title);
}

static int extract(struct ix_input *in, bool markdown, struct ix_doc **out, struct ts_err *err)
{
    char *utf8 = NULL;
    size_t ulen = 0, body = 0;
    const char *cs = NULL;
    struct ix_doc *doc;
    int rc;

    *out = NULL;
    if ((rc = decode(in, &utf8, &ulen, &cs, err)) != TS_OK)
        return rc;
    doc = markdown ? ix_doc_new("text", "markdown", "text/markdown")
                   : ix_doc_new("text", "text", "text/plain");
    doc->encoding = cs;
    if (markdown)
        body = front_matter(doc, utf8, ulen);
    first_line_title(doc, utf8 + body, ulen - body, markdown);
    if (markdown)
        md_sections(in, doc, utf8, ulen, body);
    else
        ix_doc_add_section(in, doc, NULL, NULL, utf8, ulen);
    free(utf8);
    *out = doc;
    return TS_OK;
}

int ix_extract_text(struct ix_input *in, struct ix_doc **out, struct ts_err *err)
{
    return extract(in, false, out, err);
}

int ix_extract_markdown(struct ix_input *in, struct ix_doc **out, struct ts_err *err)
{
    return extract(in, true, out, err);
}
