/*
 * indexer/extract.c - the extractor registry, and the helpers every
 * extractor shares: the bounded zip reader, member path resolution and the
 * document builders (see extract_int.h).
 *
 * Detection trusts content before names: "%PDF-" and the zip signature are
 * checked first, and a zip is classified by the members it holds
 * (META-INF/container.xml -> EPUB, imsmanifest.xml -> IMS CP/CC/SCORM,
 * h5p.json -> H5P). Only then does the extension pick HTML, text or
 * markdown. A file whose extension promises a container it does not contain
 * is damaged (TS_EPARSE), anything else unknown is TS_EINVAL.
 *
 * Zip members are never written to disk. Every read inflates into a bounded
 * buffer and counts the bytes it really got, so the sizes in zip headers
 * (which a hostile file can set to anything) are never trusted.
 */
#include "extract.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>

#include "extract_int.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_text.h"
#include "ts_util.h"

#define MiB ((size_t)1024 * 1024)
#define IX_MAX_PATH 4096

void ix_limits_default(struct ix_limits *lim)
{
    lim->max_member_bytes = 64 * MiB;
    lim->max_total_bytes = 512 * MiB;
    lim->max_text_bytes = 32 * MiB;
    lim->max_pages = 5000;
    lim->max_seconds = 60.0;
}

bool ix_input_done(const struct ix_input *in)
{
    return in->text_left == 0 || ts_now_mono() > in->deadline;
}

/* ------------------------------------------------------------------ */
/* Registry                                                           */
/* ------------------------------------------------------------------ */

/* Extensions ix_extract() may accept; fn NULL means "only by content". */
static const struct {
    const char *ext;
    ix_extract_fn fn;
} by_ext[] = {
    {"epub", NULL},
    {"pdf", NULL},
    {"zip", NULL},
    {"imscc", NULL},
    {"h5p", NULL},
    {"html", ix_extract_html},
    {"htm", ix_extract_html},
    {"xhtml", ix_extract_html},
    {"txt", ix_extract_text},
    {"text", ix_extract_text},
    {"md", ix_extract_markdown},
    {"markdown", ix_extract_markdown},
};

/* Extension of `name` without the dot, "" if none. */
static const char *extension(const char *name)
{
    const char *slash, *dot;

    if (!name)
        return "";
    slash = strrchr(name, '/');
    dot = strrchr(slash ? slash : name, '.');
    return dot ? dot + 1 : "";
}

static bool ext_is(const char *name, const char *ext)
{
    return strcasecmp(extension(name), ext) == 0;
}

int ix_extract_supported(const char *name)
{
    const char *ext = extension(name);

    for (size_t i = 0; i < sizeof by_ext / sizeof by_ext[0]; i++)
        if (strcasecmp(ext, by_ext[i].ext) == 0)
            return 1;
    return 0;
}

static bool has_pdf_magic(const unsigned char *p, size_t len)
{
    /* The PDF spec allows junk before the header; readers look in the first KiB. */
    size_t n = len < 1024 ? len : 1024;

    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(p + i, "%PDF-", 5) == 0)
            return true;
    return false;
}

static bool has_zip_magic(const unsigned char *p, size_t len)
{
    return len >= 4 && p[0] == 'P' && p[1] == 'K' &&
           ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6));
}

/* Pick the extractor for in; may open in->zip. */
static int detect(struct ix_input *in, ix_extract_fn *fn, struct ts_err *err)
{
    int rc;

    *fn = NULL;
    if (in->len == 0)
        return ts_fail(err, TS_EPARSE, "empty file");
    if (has_pdf_magic(in->bytes, in->len)) {
        *fn = ix_extract_pdf;
        return TS_OK;
    }
    if (has_zip_magic(in->bytes, in->len)) {
        if ((rc = ix_zip_open(in->bytes, in->len, in->lim, &in->zip, err)) != TS_OK)
            return rc;
        if (ix_zip_has(in->zip, "META-INF/container.xml"))
            *fn = ix_extract_epub;
        else if (ix_zip_has(in->zip, "imsmanifest.xml"))
            *fn = ix_extract_imscp;
        else if (ix_zip_has(in->zip, "h5p.json"))
            *fn = ix_extract_h5p;
        else if (ext_is(in->name, "epub"))
            return ts_fail(err, TS_EPARSE, "not an EPUB: no META-INF/container.xml");
        else if (ext_is(in->name, "imscc"))
            return ts_fail(err, TS_EPARSE, "not a Common Cartridge: no imsmanifest.xml");
        else if (ext_is(in->name, "h5p"))
            return ts_fail(err, TS_EPARSE, "not an H5P package: no h5p.json");
        else
            return ts_fail(err, TS_EINVAL, "unsupported file type");
        return TS_OK;
    }
    if (ext_is(in->name, "pdf"))
        return ts_fail(err, TS_EPARSE, "not a PDF: no %%PDF- header");
    if (ext_is(in->name, "epub") || ext_is(in->name, "zip") || ext_is(in->name, "imscc") ||
        ext_is(in->name, "h5p"))
        return ts_fail(err, TS_EPARSE, "not a zip archive");
    for (size_t i = 0; i < sizeof by_ext / sizeof by_ext[0]; i++) {
        if (by_ext[i].fn && ext_is(in->name, by_ext[i].ext)) {
            *fn = by_ext[i].fn;
            return TS_OK;
        }
    }
    return ts_fail(err, TS_EINVAL, "unsupported file type");
}

static pthread_once_t libs_once = PTHREAD_ONCE_INIT;

static void libs_init(void)
{
    /* libxml2 must be initialised once before threads use it. */
    xmlInitParser();
}

int ix_extract(const char *name, const void *bytes, size_t len, const struct ix_limits *lim,
               struct ix_doc **out, struct ts_err *err)
{
    struct ix_limits def;
    struct ix_input in;
    ix_extract_fn fn;
    int rc;

    *out = NULL;
    if (!bytes && len)
        return ts_fail(err, TS_EINVAL, "no bytes to extract");
    if (!lim) {
        ix_limits_default(&def);
        lim = &def;
    }
    pthread_once(&libs_once, libs_init);
    memset(&in, 0, sizeof in);
    in.name = name ? name : "";
    in.bytes = bytes;
    in.len = len;
    in.lim = lim;
    in.deadline = ts_now_mono() + lim->max_seconds;
    in.text_left = lim->max_text_bytes;
    rc = detect(&in, &fn, err);
    if (rc)
        goto out;
    rc = fn(&in, out, err);
out:
    ix_zip_close(in.zip);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Zip packages                                                       */
/* ------------------------------------------------------------------ */

struct zip_member {
    char *path;
    size_t ordinal; /* header number in the archive, counting every entry */
};

struct ix_zip {
    const void *bytes;
    size_t len;
    const struct ix_limits *lim;
    struct zip_member *m; /* sorted by path, then ordinal */
    size_t n;
    size_t total;      /* bytes inflated so far, all members */
    struct archive *a; /* reader positioned after header `cur`, or NULL */
    size_t cur;        /* ordinal of the last header read + 1 */
};

/* libarchive's message for `a`, trailing newline removed, into buf. */
static const char *ar_msg(struct archive *a, char *buf, size_t cap)
{
    const char *m = a ? archive_error_string(a) : NULL;
    size_t n;

    snprintf(buf, cap, "%s", m ? m : "unknown error");
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return buf;
}

static struct archive *zip_reader(const void *bytes, size_t len)
{
    struct archive *a = archive_read_new();

    if (!a)
        return NULL;
    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, bytes, len) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* A member name is unsafe if it is absolute or has a ".." segment (with
 * either separator): no legitimate package has one, and an unzip tool
 * would write it outside its directory. */
static bool unsafe_member(const char *p)
{
    const char *s = p;

    if (p[0] == '/' || p[0] == '\\' || (isalpha((unsigned char)p[0]) && p[1] == ':'))
        return true;
    while (*s) {
        size_t n = strcspn(s, "/\\");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return true;
        s += n;
        if (*s)
            s++;
    }
    return false;
}

static int member_cmp(const void *a, const void *b)
{
    const struct zip_member *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    if (c)
        return c;
    return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

void ix_zip_close(struct ix_zip *z)
{
    if (!z)
        return;
    if (z->a)
        archive_read_free(z->a);
    for (size_t i = 0; i < z->n; i++)
        free(z->m[i].path);
    free(z->m);
    free(z);
}

int ix_zip_open(const void *bytes, size_t len, const struct ix_limits *lim, struct ix_zip **out,
                struct ts_err *err)
{
    struct ix_zip *z = ts_xcalloc(1, sizeof *z);
    struct archive_entry *e;
    size_t cap = 0, ordinal = 0;
    char msg[128];
    int rc = TS_OK, r;

    *out = NULL;
    z->bytes = bytes;
    z->len = len;
    z->lim = lim;
    if (!(z->a = zip_reader(bytes, len))) {
        rc = ts_fail(err, TS_EPARSE, "not a zip archive");
        goto out;
    }
    for (;; ordinal++) {
        const char *path;

        r = archive_read_next_header(z->a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = ts_fail(err, TS_EPARSE, "damaged zip archive: %s", ar_msg(z->a, msg, sizeof msg));
            goto out;
        }
        if (ordinal >= IX_MAX_MEMBERS) {
            rc = ts_fail(err, TS_ETOOBIG, "zip archive has more than %d members", IX_MAX_MEMBERS);
            goto out;
        }
        path = archive_entry_pathname_utf8(e);
        if (!path)
            path = archive_entry_pathname(e);
        if (!path || !*path) {
            rc = ts_fail(err, TS_EPARSE, "zip member %zu has no name", ordinal);
            goto out;
        }
        if (unsafe_member(path)) {
            rc = ts_fail(err, TS_EPARSE, "unsafe zip member path '%.100s'", path);
            goto out;
        }
        if (archive_entry_filetype(e) == AE_IFLNK || archive_entry_symlink(e) ||
            archive_entry_hardlink(e)) {
            rc = ts_fail(err, TS_EPARSE, "zip member '%.100s' is a link", path);
            goto out;
        }
        if (archive_entry_filetype(e) == AE_IFDIR)
            continue;
        if (z->n == cap) {
            cap = cap ? cap * 2 : 64;
            z->m = ts_xrealloc(z->m, cap * sizeof *z->m);
        }
        z->m[z->n].path = ts_xstrdup(path);
        z->m[z->n].ordinal = ordinal;
        z->n++;
    }
    if (z->n)
        qsort(z->m, z->n, sizeof *z->m, member_cmp);
    /* The reader is at EOF: the first ix_zip_read() reopens it. */
    archive_read_free(z->a);
    z->a = NULL;
out:
    if (rc) {
        ix_zip_close(z);
        return rc;
    }
    *out = z;
    return TS_OK;
}

/* First member (in archive order) named `path`, or NULL. */
static const struct zip_member *zip_find(const struct ix_zip *z, const char *path)
{
    size_t lo = 0, hi = z->n;

    /* Lower bound on path: with ties sorted by ordinal, it is the first one. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(z->m[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < z->n && strcmp(z->m[lo].path, path) == 0 ? &z->m[lo] : NULL;
}

bool ix_zip_has(const struct ix_zip *z, const char *path)
{
    return z && zip_find(z, path) != NULL;
}

int ix_zip_read(struct ix_zip *z, const char *path, char **out, size_t *out_len, struct ts_err *err)
{
    const struct zip_member *m = zip_find(z, path);
    struct archive_entry *e;
    struct ts_buf b;
    char chunk[16384], msg[128];
    int rc = TS_OK;

    *out = NULL;
    *out_len = 0;
    ts_buf_init(&b, 0);
    if (!m)
        return ts_fail(err, TS_ENOTFOUND, "no member '%.100s' in package", path);
    /* libarchive reads forwards; going back means reopening (cheap: the
     * seekable zip reader jumps through the central directory). */
    if (z->a && z->cur > m->ordinal) {
        archive_read_free(z->a);
        z->a = NULL;
    }
    if (!z->a) {
        if (!(z->a = zip_reader(z->bytes, z->len))) {
            rc = ts_fail(err, TS_EPARSE, "not a zip archive");
            goto out;
        }
        z->cur = 0;
    }
    while (z->cur <= m->ordinal) {
        int r = archive_read_next_header(z->a, &e);
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = ts_fail(err, TS_EPARSE, "damaged zip archive at '%.100s': %s", path,
                         ar_msg(z->a, msg, sizeof msg));
            goto out;
        }
        z->cur++;
    }
    for (;;) {
        la_ssize_t n = archive_read_data(z->a, chunk, sizeof chunk);
        if (n == 0)
            break;
        if (n < 0) {
            rc = ts_fail(err, TS_EPARSE, "damaged zip member '%.100s': %s", path,
                         ar_msg(z->a, msg, sizeof msg));
            goto out;
        }
        z->total += (size_t)n;
        if (z->total > z->lim->max_total_bytes) {
            rc = ts_fail(err, TS_ETOOBIG,
                         "package inflates to more than %zu bytes (max_total_bytes)",
                         z->lim->max_total_bytes);
            goto out;
        }
        if (b.len + (size_t)n > z->lim->max_member_bytes) {
            rc = ts_fail(err, TS_ETOOBIG,
                         "zip member '%.100s' inflates to more than %zu bytes "
                         "(max_member_bytes)",
                         path, z->lim->max_member_bytes);
            goto out;
        }
        ts_buf_addn(&b, chunk, (size_t)n); /* no ceiling: bounded just above */
    }
    if (!b.data)
        ts_buf_addn(&b, "", 0);
    *out_len = b.len;
    *out = ts_buf_take(&b);
out:
    if (rc) {
        ts_buf_free(&b);
        /* The reader may be mid-member or broken: start afresh next time. */
        if (z->a)
            archive_read_free(z->a);
        z->a = NULL;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Member paths                                                       */
/* ------------------------------------------------------------------ */

char *ix_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? ts_xstrndup(path, (size_t)(slash - path) + 1) : ts_xstrdup("");
}

int ix_path_resolve(const char *base, const char *href, char **out)
{
    size_t hlen = strcspn(href, "#?"), i = 0;
    struct ts_buf joined, res;
    const char *s;
    int rc = 0;

    *out = NULL;
    /* A scheme ("http:", "mailto:") before any '/' means an external URL. */
    for (i = 0; i < hlen && (isalnum((unsigned char)href[i]) || strchr("+-.", href[i])); i++)
        ;
    if (i > 0 && i < hlen && href[i] == ':' && isalpha((unsigned char)href[0]))
        return 1;
    if (hlen == 0)
        return 1; /* "#frag" only: a place in the current document */
    if (href[0] == '/' || href[0] == '\\')
        return -1;
    ts_buf_init(&joined, IX_MAX_PATH);
    ts_buf_init(&res, IX_MAX_PATH);
    if (ts_buf_add(&joined, base)) {
        rc = -1;
        goto out;
    }
    for (i = 0; i < hlen; i++) {
        char c = href[i];
        if (c == '%' && i + 2 < hlen && ts_hexval((unsigned char)href[i + 1]) >= 0 &&
            ts_hexval((unsigned char)href[i + 2]) >= 0) {
            c = (char)(ts_hexval((unsigned char)href[i + 1]) * 16 +
                       ts_hexval((unsigned char)href[i + 2]));
            i += 2;
            if (c == '\0') {
                rc = -1;
                goto out;
            }
        }
        if (ts_buf_addc(&joined, c)) {
            rc = -1;
            goto out;
        }
    }
    /* Normalise segments; ".." may not climb above the package root. */
    s = ts_buf_str(&joined);
    while (*s) {
        size_t n = strcspn(s, "/");
        if (n == 0 || (n == 1 && s[0] == '.')) {
            /* empty or "." segment */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            char *slash;
            if (res.len == 0) {
                rc = -1;
                goto out;
            }
            slash = strrchr(res.data, '/');
            res.len = slash ? (size_t)(slash - res.data) : 0;
            res.data[res.len] = '\0';
        } else {
            if ((res.len && ts_buf_addc(&res, '/')) || ts_buf_addn(&res, s, n)) {
                rc = -1;
                goto out;
            }
        }
        s += n;
        if (*s)
            s++;
    }
    if (res.len == 0) {
        rc = -1;
        goto out;
    }
    *out = ts_buf_take(&res);
out:
    ts_buf_free(&joined);
    ts_buf_free(&res);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Document builders                                                  */
/* ------------------------------------------------------------------ */

struct ix_doc *ix_doc_new(const char *resource_type, const char *format, const char *media_type)
{
    struct ix_doc *doc = ts_xcalloc(1, sizeof *doc);

    doc->resource_type = resource_type;
    doc->format = format;
    doc->media_type = media_type;
    return doc;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void ix_doc_free(struct ix_doc *doc)
{
    if (!doc)
        return;
    free(doc->title);
    free_list(doc->authors, doc->n_authors);
    free(doc->language);
    free(doc->publisher);
    free(doc->date);
    free(doc->description);
    free_list(doc->subjects, doc->n_subjects);
    free_list(doc->identifiers, doc->n_identifiers);
    free(doc->licence);
    for (size_t i = 0; i < doc->n_sections; i++) {
        free(doc->sections[i].title);
        free(doc->sections[i].path);
        free(doc->sections[i].text);
    }
    free(doc->sections);
    free(doc);
}

/* Length of the longest prefix of s[0..len) that is at most max bytes and
 * does not split a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Whitespace for metadata purposes: ASCII space, C0 controls, DEL. */
static bool meta_space(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

char *ix_clean(const char *s, size_t len)
{
    struct ts_buf b;
    bool space = false;
    char *nfc;
    size_t nlen = 0;

    if (!s)
        return NULL;
    ts_buf_init(&b, 0);
    for (size_t i = 0; i < len && b.len < IX_MAX_META; i++) {
        unsigned char c = (unsigned char)s[i];
        /* U+00A0 NO-BREAK SPACE counts as space too. */
        if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
            i++;
            c = ' ';
        }
        if (meta_space(c)) {
            space = b.len > 0;
            continue;
        }
        if (space)
            ts_buf_addc(&b, ' ');
        space = false;
        ts_buf_addc(&b, (char)c);
    }
    if (b.len == 0) {
        ts_buf_free(&b);
        return NULL;
    }
    b.len = utf8_cut(b.data, b.len, IX_MAX_META);
    nfc = ts_text_nfc(b.data, b.len, &nlen);
    ts_buf_free(&b);
    if (nfc && nlen == 0) {
        free(nfc);
        nfc = NULL;
    }
    return nfc;
}

void ix_meta_set(char **field, const char *s, size_t len)
{
    if (*field || !s)
        return;
    *field = ix_clean(s, len);
}

/* Append v (taken) unless a duplicate or the list is full. */
static void list_take(char ***list, size_t *n, char *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*list)[i], v) == 0) {
            free(v);
            return;
        }
    }
    if (*n >= IX_MAX_LIST) {
        free(v);
        return;
    }
    *list = ts_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = v;
}

void ix_meta_add(char ***list, size_t *n, const char *s, size_t len)
{
    if (s)
        list_take(list, n, ix_clean(s, len));
}

void ix_meta_add_split(char ***list, size_t *n, const char *s, const char *seps)
{
    while (s && *s) {
        size_t k = strcspn(s, seps);
        ix_meta_add(list, n, s, k);
        s += k;
        if (*s)
            s++;
    }
}

/* ISBN check digits: 10 digits (last may be X) mod 11, 13 digits mod 10. */
static bool isbn10_ok(const char *d)
{
    int sum = 0;

    for (int i = 0; i < 10; i++) {
        int v = (d[i] == 'X' || d[i] == 'x') ? 10 : d[i] - '0';
        if (v == 10 && i != 9)
            return false;
        sum += v * (10 - i);
    }
    return sum % 11 == 0;
}

static int isbn13_check(const char *d)
{
    int sum = 0;

    for (int i = 0; i < 12; i++)
        sum += (d[i] - '0') * (i % 2 ? 3 : 1);
    return (10 - sum % 10) % 10;
}

static bool isbn13_ok(const char *d)
{
    for (int i = 0; i < 13; i++)
        if (!isdigit((unsigned char)d[i]))
            return false;
    return isbn13_check(d) == d[12] - '0';
}

static bool prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* "isbn:<13 digits>" for ISBN-looking v, or NULL. `explicit` means the file
 * said it is an ISBN, so only the shape is checked, not the check digit. */
static char *isbn_norm(const char *v, bool explicit)
{
    char d[14];
    size_t n = 0;
    struct ts_buf b;

    for (const char *p = v; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        if (!isdigit((unsigned char)*p) && !((*p == 'X' || *p == 'x') && n == 9))
            return NULL;
        if (n == 13)
            return NULL;
        d[n++] = *p;
    }
    d[n] = '\0';
    if (n == 10 && (explicit || isbn10_ok(d))) {
        /* ISBN-10 -> ISBN-13: prefix 978, recompute the check digit. */
        char d13[14];
        memcpy(d13, "978", 3);
        memcpy(d13 + 3, d, 9);
        d13[12] = (char)('0' + isbn13_check(d13));
        d13[13] = '\0';
        memcpy(d, d13, sizeof d13);
    } else if (!(n == 13 && (explicit || (isbn13_ok(d) && (memcmp(d, "978", 3) == 0 ||
                                                           memcmp(d, "979", 3) == 0))))) {
        return NULL;
    }
    ts_buf_init(&b, 0);
    ts_buf_addf(&b, "isbn:%s", d);
    return ts_buf_take(&b);
}

void ix_doc_add_identifier(struct ix_doc *doc, const char *value, const char *scheme)
{
    char *v = value ? ix_clean(value, strlen(value)) : NULL, *id = NULL;
    bool explicit = scheme && strcasecmp(scheme, "isbn") == 0;
    const char *body;
    struct ts_buf b;

    if (!v)
        return;
    body = v;
    if (prefix_ci(body, "urn:isbn:")) {
        body += 9;
        explicit = true;
    } else if (prefix_ci(body, "isbn:") || prefix_ci(body, "isbn ")) {
        body += 5;
        explicit = true;
    }
    while (*body == ' ')
        body++;
    id = isbn_norm(body, explicit);
    if (!id && (prefix_ci(v, "urn:uuid:") ||
                (scheme && strcasecmp(scheme, "uuid") == 0 && !strchr(v, ':')))) {
        ts_buf_init(&b, 0);
        ts_buf_add(&b, "uuid:");
        for (const char *p = v + (prefix_ci(v, "urn:uuid:") ? 9 : 0); *p; p++)
            ts_buf_addc(&b, (char)tolower((unsigned char)*p));
        id = ts_buf_take(&b);
    }
    if (id)
        free(v);
    else
        id = v;
    list_take(&doc->identifiers, &doc->n_identifiers, id);
}

static bool text_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void ix_doc_add_section(struct ix_input *in, struct ix_doc *doc, const char *title,
                        const char *path, const char *text, size_t len)
{
    struct ix_section *sec;
    char *nfc;
    size_t nlen = 0, start = 0;

    if (!text || in->text_left == 0 || doc->n_sections >= IX_MAX_SECTIONS)
        return;
    while (len > 0 && text_space((unsigned char)text[len - 1]))
        len--;
    while (start < len && text_space((unsigned char)text[start]))
        start++;
    if (start == len)
        return;
    nfc = ts_text_nfc(text + start, len - start, &nlen);
    if (!nfc)
        return;
    if (nlen == 0) {
        free(nfc);
        return;
    }
    if (nlen > in->text_left) {
        nlen = utf8_cut(nfc, nlen, in->text_left);
        nfc[nlen] = '\0';
    }
    in->text_left -= nlen;
    if (nlen == 0) {
        free(nfc);
        in->text_left = 0;
        return;
    }
    doc->sections = ts_xrealloc(doc->sections, (doc->n_sections + 1) * sizeof *doc->sections);
    sec = &doc->sections[doc->n_sections++];
    sec->title = title ? ix_clean(title, strlen(title)) : NULL;
    sec->path = path ? ts_xstrdup(path) : NULL;
    sec->text = nfc;
    sec->text_len = nlen;
}
