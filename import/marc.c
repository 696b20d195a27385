/*
 * import/marc.c - MARC21 reader and writer glue around YAZ (see marc.h):
 * ISO 2709 framing and resynchronisation, MARC-8 conversion, MARCXML
 * streaming with libxml2's xmlTextReader, and the writer.
 *
 * Every record, whatever its format, takes one path: YAZ parses it into its
 * yaz_marc_t (yaz_marc_read_iso2709 / yaz_marc_read_xml), YAZ writes it out
 * again as a libxml2 tree (yaz_marc_write_xml), and that tree becomes a
 * struct marc_record for marc_map.c. YAZ has no API to walk a parsed record;
 * going through its own XML writer gives one mapping path for both formats,
 * whatever prefix or namespace the input used.
 *
 * YAZ is lenient: it reads what it can of a damaged record and leaves its
 * complaints as comments in the record. Every complaint except "... Assuming
 * <default>" about a leader digit makes us reject the record, so a half-read
 * record never reaches the catalogue. YAZ does not notice some damage at
 * all (a NUL byte cuts a field short, a control character passes as an
 * indicator, a MARC-8 decoding error truncates the value), so those are
 * checked here.
 */
#include "marc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <yaz/marcdisp.h>
#include <yaz/wrbuf.h>
#include <yaz/yaz-iconv.h>

#include "ts_buf.h"
#include "ts_mem.h"

#define ISO_MAX 99999      /* record length is 5 digits */
#define ISO_FIELD_MAX 9999 /* directory field length is 4 digits */
#define ISO_MIN 26         /* leader, directory end, record end */
#define ISO_WINDOW ((size_t)4 * ISO_MAX)
#define RS 0x1D /* record terminator */
#define FS 0x1E /* field terminator */
#define MARC_NS "http://www.loc.gov/MARC21/slim"
#define MARCXCHANGE_NS "info:lc/xmlns/marcxchange-v1"

struct reader {
    const char *name; /* file name in origins */
    const char *default_source;
    meta_emit_fn emit;
    meta_error_fn on_error;
    void *ctx;
    yaz_marc_t mt;
    yaz_iconv_t marc8; /* MARC-8 -> UTF-8, opened on first use */
    size_t rec_no;
    char where[48]; /* "(byte offset 123)" or "(line 45)" */
    int stop;       /* non-OK code from a callback: stop reading */
    char xml_error[160];
    int xml_error_line;
};

/* ------------------------------------------------------------ reporting */

/* `code` TS_EPARSE: the record (or the rest of the file) is skipped;
 * TS_OK: a warning, the record still lands (metarec.h). */
static int report_origin(struct reader *rd, enum ts_code code, const char *origin, const char *fmt,
                         ...) TS_PRINTF(4, 5);

static int report_origin(struct reader *rd, enum ts_code code, const char *origin, const char *fmt,
                         ...)
{
    struct ts_err why;
    va_list ap;
    int rc;

    if (!rd->on_error)
        return TS_OK;
    why.code = code;
    va_start(ap, fmt);
    vsnprintf(why.msg, sizeof why.msg, fmt, ap); /* a cut message is still a message */
    va_end(ap);
    rc = rd->on_error(origin, &why, rd->ctx);
    if (rc)
        rd->stop = rc;
    return rc;
}

/* "<file> record N (byte offset O)[ field TAG]" */
static void record_origin(const struct reader *rd, const char *tag, char *out, size_t cap)
{
    if (tag)
        snprintf(out, cap, "%s record %zu %s field %s", rd->name, rd->rec_no, rd->where, tag);
    else
        snprintf(out, cap, "%s record %zu %s", rd->name, rd->rec_no, rd->where);
}

/* Report the current record as skipped: `why` in printf style. */
static int skip_record(struct reader *rd, const char *fmt, ...) TS_PRINTF(2, 3);

static int skip_record(struct reader *rd, const char *fmt, ...)
{
    char origin[1024], msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    record_origin(rd, NULL, origin, sizeof origin);
    return report_origin(rd, TS_EPARSE, origin, "%s", msg);
}

/* marc_warn_fn: a field of the current record was dropped. */
static int warn_field(const char *tag, const char *why, void *ctx)
{
    struct reader *rd = ctx;
    char origin[1024];

    record_origin(rd, tag, origin, sizeof origin);
    return report_origin(rd, TS_OK, origin, "%s", why);
}

/* YAZ's complaints about the record it holds, and what they mean. */
static const struct {
    const char *yaz, *reason;
} yaz_reasons[] = {
    {"Data out of bounds", "a directory entry points past the end of the record"},
    {"Missing FS char", "the directory has no field terminator"},
    {"Bad value for data length", "a directory entry is not numeric"},
    {"Base address not at end of directory", "the base address does not match the directory"},
    {"eparator but not at end of field", "a field length does not match its terminator"},
    {"No separator at end of field", "a field length does not match its terminator"},
    {"Bad indicator", "bad indicator"},
    {"Expected element", "unexpected element in the MARCXML record"},
    {"Bad attribute", "unexpected attribute in the MARCXML record"},
    {"Missing", "incomplete MARCXML record"},
    {"Bad length", "the leader is not 24 characters"},
};

static int yaz_benign(const char *comment)
{
    /* "Indicator length at offset 10 should hold a number 1-9. Assuming 2"
     * and "Missing leader. Inserting fake leader" (an empty MARCXML
     * <leader/>): YAZ substitutes the MARC21 defaults, which is what we
     * would do anyway; the fields themselves are intact */
    return strstr(comment, "Assuming") != NULL || strstr(comment, "Inserting fake leader") != NULL;
}

/* "<what it means> (YAZ: <comment>)" for a fatal YAZ comment. */
static void yaz_reason(const char *comment, char *out, size_t cap)
{
    for (size_t i = 0; i < sizeof yaz_reasons / sizeof yaz_reasons[0]; i++) {
        if (strstr(comment, yaz_reasons[i].yaz)) {
            snprintf(out, cap, "%s (YAZ: %s)", yaz_reasons[i].reason, comment);
            return;
        }
    }
    snprintf(out, cap, "YAZ: %s", comment);
}

/* The first fatal complaint YAZ recorded while reading the current record,
 * or `fallback` (YAZ can list its comments only once it has a leader). */
static void yaz_complaint(struct reader *rd, const char *fallback, char *out, size_t cap)
{
    WRBUF w = wrbuf_alloc();
    const char *p;

    snprintf(out, cap, "%s", fallback);
    yaz_marc_xml(rd->mt, YAZ_MARC_CHECK);
    if (yaz_marc_write_mode(rd->mt, w) == 0) {
        for (p = wrbuf_cstr(w); *p;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            char line[200];
            snprintf(line, sizeof line, "%.*s", (int)n, p);
            if (n && !yaz_benign(line)) {
                yaz_reason(line, out, cap);
                break;
            }
            p += n + (nl != NULL);
        }
    }
    wrbuf_destroy(w);
}

/* ------------------------------------------------ YAZ tree -> marc_record */

/* Text of a node YAZ made with xmlNewTextChild (one text child), or "". */
static const char *text_of(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE && c->content)
            return (const char *)c->content;
    return "";
}

static const char *attr_of(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0 && a->children &&
            a->children->type == XML_TEXT_NODE && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

static int tag_ok(const char *tag)
{
    /* digits, or letters for local fields such as Aleph's "SID", "CAT" */
    if (!tag || strlen(tag) != 3)
        return 0;
    for (int i = 0; i < 3; i++) {
        char c = tag[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return 0;
    }
    return 1;
}

/*
 * Decode one value into `out`: MARC-8 through YAZ's converter, or checked
 * as UTF-8. 0 or -1 with `why` naming the field.
 */
static int decode(struct reader *rd, int marc8, const char *tag, const char *s, struct ts_buf *out,
                  struct ts_err *why)
{
    size_t len = strlen(s);

    ts_buf_reset(out);
    if (!marc8) {
        if (!marc_utf8_valid(s, len)) {
            ts_fail(why, TS_EPARSE, "field %s is not valid UTF-8 (leader/09 says UTF-8)", tag);
            return -1;
        }
        ts_buf_addn(out, s, len);
        return 0;
    }
    if (!rd->marc8)
        rd->marc8 = yaz_iconv_open("utf-8", "marc8");
    if (!rd->marc8) {
        ts_fail(why, TS_EINTERNAL, "YAZ has no MARC-8 converter");
        return -1;
    }
    {
        char scratch[16], *o = scratch;
        size_t o_left = sizeof scratch;
        yaz_iconv(rd->marc8, NULL, NULL, &o, &o_left); /* fresh state for each value */
    }
    {
        char *in = (char *)s;
        size_t in_left = len;
        for (;;) {
            char buf[1024], *o = buf;
            size_t o_left = sizeof buf;
            size_t r = in_left ? yaz_iconv(rd->marc8, &in, &in_left, &o, &o_left)
                               : yaz_iconv(rd->marc8, NULL, NULL, &o, &o_left);
            int e = r == (size_t)-1 ? yaz_iconv_error(rd->marc8) : 0;
            ts_buf_addn(out, buf, (size_t)(o - buf));
            if (e && e != YAZ_ICONV_E2BIG) {
                ts_fail(why, TS_EPARSE, "bad MARC-8 sequence in field %s at byte %zu", tag,
                        len - in_left);
                return -1;
            }
            if (!e && !in_left)
                break;
        }
    }
    return 0;
}

static size_t field_bytes(const struct marc_field *f)
{
    size_t n = 1; /* field terminator */

    if (f->data)
        return n + strlen(f->data);
    n += 2;
    for (size_t i = 0; i < f->n_subs; i++)
        n += 2 + strlen(f->subs[i].value);
    return n;
}

/* The comment YAZ left in its tree, if fatal: 0 or -1 with `why`. */
static int check_comment(const xmlNode *c, struct ts_err *why)
{
    char reason[240];

    if (!c->content || yaz_benign((const char *)c->content))
        return 0;
    yaz_reason((const char *)c->content, reason, sizeof reason);
    ts_fail(why, TS_EPARSE, "%s", reason);
    return -1;
}

/*
 * Turn the tree yaz_marc_write_xml made into `m`, checking what YAZ lets
 * through. Returns 0, or -1 with `why` (or rd->stop set by a callback).
 */
static int tree_to_record(struct reader *rd, const xmlNode *root, int marc8, struct marc_record *m,
                          struct ts_err *why)
{
    struct ts_buf v;
    int rc = -1;

    ts_buf_init(&v, 0);
    for (const xmlNode *n = root->children; n; n = n->next) {
        const char *name = (const char *)n->name;
        const char *tag = n->type == XML_ELEMENT_NODE ? attr_of(n, "tag") : NULL;
        if (n->type == XML_COMMENT_NODE) {
            if (check_comment(n, why))
                goto out;
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(name, "leader") == 0) {
            const char *l = text_of(n);
            if (strlen(l) != 24) {
                ts_fail(why, TS_EPARSE, "the leader is not 24 characters");
                goto out;
            }
            memcpy(m->leader, l, 25);
            continue;
        }
        if (!tag_ok(tag)) {
            ts_fail(why, TS_EPARSE, "bad tag in the directory");
            goto out;
        }
        if (strcmp(name, "controlfield") == 0) {
            if (decode(rd, marc8, tag, text_of(n), &v, why))
                goto out;
            marc_record_add_control(m, tag, v.data ? v.data : "", v.len);
        } else if (strcmp(name, "datafield") == 0) {
            const char *i1 = attr_of(n, "ind1"), *i2 = attr_of(n, "ind2");
            char ind[2] = {i1 && *i1 ? i1[0] : ' ', i2 && *i2 ? i2[0] : ' '};
            struct marc_field *f;
            for (int k = 0; k < 2; k++) {
                if ((unsigned char)ind[k] < 0x20 || (unsigned char)ind[k] > 0x7E) {
                    ts_fail(why, TS_EPARSE, "bad indicator (byte 0x%02X) in field %s",
                            (unsigned char)ind[k], tag);
                    goto out;
                }
            }
            f = marc_record_add_data(m, tag, ind[0], ind[1]);
            for (const xmlNode *s = n->children; s; s = s->next) {
                const char *code = s->type == XML_ELEMENT_NODE ? attr_of(s, "code") : NULL;
                if (!code)
                    continue;
                if ((unsigned char)code[0] <= 0x20 || (unsigned char)code[0] > 0x7E) {
                    ts_fail(why, TS_EPARSE, "bad subfield code in field %s", tag);
                    goto out;
                }
                if (decode(rd, marc8, tag, text_of(s), &v, why))
                    goto out;
                marc_field_add_sub(f, code[0], v.data ? v.data : "", v.len);
            }
        }
        /* MARCXML has no room for longer fields either way round: drop the
         * field, keep the record */
        if (m->n_fields && field_bytes(&m->fields[m->n_fields - 1]) > ISO_FIELD_MAX) {
            char msg[128];
            struct marc_field *f = &m->fields[--m->n_fields];
            snprintf(msg, sizeof msg, "field is %zu bytes, over MARC's limit of %d: dropped",
                     field_bytes(f), ISO_FIELD_MAX);
            free(f->data);
            for (size_t j = 0; j < f->n_subs; j++)
                free(f->subs[j].value);
            free(f->subs);
            if (warn_field(tag, msg, rd))
                goto out;
        }
    }
    if (!m->leader[0]) {
        ts_fail(why, TS_EPARSE, "no leader");
        goto out;
    }
    rc = 0;
out:
    ts_buf_free(&v);
    return rc;
}

/* The record now in rd->mt: check, map, emit. Returns TS_OK or the code of
 * a callback that asked to stop. */
static int finish_record(struct reader *rd, int marc8)
{
    xmlNode *root = NULL;
    struct marc_record m;
    struct meta_rec *r = NULL;
    struct ts_err why;
    char origin[1024];
    int rc = TS_OK;

    memset(&m, 0, sizeof m);
    if (yaz_marc_write_xml(rd->mt, &root, MARC_NS, NULL, NULL) != 0 || !root) {
        rc = skip_record(rd, "YAZ cannot read it (no leader)");
        goto out;
    }
    if (tree_to_record(rd, root, marc8, &m, &why)) {
        rc = rd->stop ? rd->stop : skip_record(rd, "%s", why.msg);
        goto out;
    }
    if (!marc_leader_is_bibliographic(m.leader)) {
        unsigned char t = (unsigned char)m.leader[6];
        rc = skip_record(rd,
                         "not a bibliographic record (leader/06 '%c': authority, holdings or "
                         "classification data)",
                         t >= 0x20 && t < 0x7F ? t : '?');
        goto out;
    }
    r = ts_xcalloc(1, sizeof *r);
    snprintf(origin, sizeof origin, "%s record %zu", rd->name, rd->rec_no);
    r->origin = ts_xstrdup(origin);
    if ((rc = marc_map_to_meta(&m, rd->default_source, r, warn_field, rd)) != TS_OK)
        goto out;
    rc = rd->emit(r, rd->ctx); /* takes r, even on failure */
    r = NULL;
    if (rc)
        rd->stop = rc;
out:
    xmlFreeNode(root);
    marc_record_clear(&m);
    meta_rec_free(r);
    return rc;
}

/* ------------------------------------------------------------- ISO 2709 */

/* A window on the file, refilled as the reader moves on. */
struct iso_in {
    FILE *f;
    unsigned char *buf;
    size_t len, pos; /* bytes in buf, current position */
    uint64_t base;   /* file offset of buf[0] */
    int eof, io_error;
};

/* At least `need` bytes from pos (fewer only at the end of the file).
 * Returns how many there are. */
static size_t iso_fill(struct iso_in *in, size_t need)
{
    if (in->len - in->pos >= need || in->eof)
        return in->len - in->pos;
    memmove(in->buf, in->buf + in->pos, in->len - in->pos);
    in->base += in->pos;
    in->len -= in->pos;
    in->pos = 0;
    while (in->len < need && !in->eof) {
        size_t n = fread(in->buf + in->len, 1, ISO_WINDOW - in->len, in->f);
        if (n == 0) {
            in->eof = 1;
            in->io_error = ferror(in->f);
        }
        in->len += n;
    }
    return in->len - in->pos;
}

static int digits(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

static size_t num(const unsigned char *p, size_t n)
{
    size_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (size_t)(p[i] - '0');
    return v;
}

/* Does a record plausibly start at pos? Numeric leader fields where MARC21
 * has them, and a record terminator where the length says. */
static int iso_plausible(struct iso_in *in)
{
    const unsigned char *p;
    size_t len;

    if (iso_fill(in, 24) < 24)
        return 0;
    p = in->buf + in->pos;
    if (!digits(p, 5) || !digits(p + 10, 7) || !digits(p + 20, 3))
        return 0;
    len = num(p, 5);
    if (len < ISO_MIN || iso_fill(in, len) < len)
        return 0;
    return in->buf[in->pos + len - 1] == RS;
}

/* After a bad record at pos: go to the byte after the next record
 * terminator, or to an earlier place where a record plausibly starts (so
 * garbage between two records does not swallow the second one). Where no
 * record length was found at all (`garbage`), only a plausible record start
 * ends the run, so a stretch of junk is one report, not one per 0x1D. */
static void iso_resync(struct iso_in *in, int garbage)
{
    in->pos++;
    while (iso_fill(in, 1)) {
        if (!garbage && in->buf[in->pos] == RS) {
            in->pos++;
            return;
        }
        if (iso_plausible(in))
            return;
        in->pos++;
    }
}

/* Padding found between and after records in real files: newlines, NULs,
 * stray record terminators, a DOS end-of-file (0x1A). Skipped silently. */
static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0' || c == RS || c == 0x1A;
}

/* Leader/09 'a' is UTF-8; anything else is MARC-8 unless the record's bytes
 * are valid UTF-8 with at least one multi-byte character: MARC-8 text with
 * a diacritic (0xE0-0xFE before an ASCII letter) is never valid UTF-8,
 * while exports from Vietnamese systems are UTF-8 with leader/09 blank. */
static int iso_is_marc8(const char *rec, size_t len)
{
    int high = 0;

    if (rec[9] == 'a')
        return 0;
    for (size_t i = 24; i < len && !high; i++)
        high = (unsigned char)rec[i] >= 0x80;
    return !(high && marc_utf8_valid(rec, len));
}

static int iso_record(struct reader *rd, const char *rec, size_t len)
{
    const char *nul = memchr(rec, 0, len);
    char why[240];

    if (nul)
        return skip_record(rd, "NUL byte at byte %zu of the record", (size_t)(nul - rec));
    if (yaz_marc_read_iso2709(rd->mt, rec, (int)len) <= 0) {
        yaz_complaint(rd, "not a MARC record", why, sizeof why);
        return skip_record(rd, "%s", why);
    }
    return finish_record(rd, iso_is_marc8(rec, len));
}

static int read_iso(struct reader *rd, FILE *f, struct ts_err *err)
{
    struct iso_in in;
    int rc = TS_OK;

    memset(&in, 0, sizeof in);
    in.f = f;
    in.buf = ts_xmalloc(ISO_WINDOW);
    for (;;) {
        const unsigned char *p;
        size_t avail, len;
        const void *rs;

        while (iso_fill(&in, 1) && is_blank(in.buf[in.pos])) /* newlines between records */
            in.pos++;
        avail = iso_fill(&in, 5);
        if (in.io_error) {
            rc = ts_fail(err, TS_EIO, "%s: read error", rd->name);
            break;
        }
        if (!avail)
            break;
        rd->rec_no++;
        snprintf(rd->where, sizeof rd->where, "(byte offset %llu)",
                 (unsigned long long)(in.base + in.pos));
        p = in.buf + in.pos;
        if (avail < 5 || !digits(p, 5)) {
            rc = skip_record(rd, "not a MARC record: no 5-digit record length here");
            iso_resync(&in, 1);
        } else if ((len = num(p, 5)) < ISO_MIN) {
            rc = skip_record(rd, "record length %zu is too small for a MARC record", len);
            iso_resync(&in, 1);
        } else if ((avail = iso_fill(&in, len)) < len) {
            p = in.buf + in.pos;
            rs = memchr(p, RS, avail);
            if (rs)
                rc = skip_record(rd,
                                 "record length %zu does not match the data: record terminator "
                                 "at byte %zu",
                                 len, (size_t)((const unsigned char *)rs - p) + 1);
            else
                rc = skip_record(rd,
                                 "truncated: record length %zu but the file ends after %zu bytes",
                                 len, avail);
            iso_resync(&in, 0);
        } else if ((p = in.buf + in.pos)[len - 1] != RS) {
            rs = memchr(p, RS, len);
            if (rs)
                rc = skip_record(rd,
                                 "record length %zu does not match the data: record terminator "
                                 "at byte %zu",
                                 len, (size_t)((const unsigned char *)rs - p) + 1);
            else
                rc = skip_record(rd,
                                 "record length %zu does not match the data: no record "
                                 "terminator (0x1D) at its end",
                                 len);
            iso_resync(&in, 0);
        } else {
            rc = iso_record(rd, (const char *)p, len);
            in.pos += len;
        }
        if (rc)
            break;
    }
    free(in.buf);
    return rc;
}

/* --------------------------------------------------------------- MARCXML */

/* libxml2 pulls the file through this, so a record can be cut off at
 * MARC_XML_RECORD_MAX bytes without holding more than that in memory. */
struct xml_in {
    FILE *f;
    uint64_t consumed, limit; /* limit 0: none */
    int over;
};

static int xml_read(void *ctx, char *buf, int len)
{
    struct xml_in *in = ctx;
    size_t n;

    if (in->limit && in->consumed >= in->limit) {
        in->over = 1;
        return -1;
    }
    n = fread(buf, 1, (size_t)len, in->f);
    if (n == 0 && ferror(in->f))
        return -1;
    in->consumed += n;
    return (int)n;
}

static int xml_close(void *ctx)
{
    (void)ctx; /* the FILE is import_marc_read's */
    return 0;
}

static void xml_error(void *ctx, xmlErrorPtr e)
{
    struct reader *rd = ctx;
    size_t n;

    if (rd->xml_error[0] || !e || e->level < XML_ERR_ERROR)
        return;
    snprintf(rd->xml_error, sizeof rd->xml_error, "%s", e->message ? e->message : "XML error");
    n = strlen(rd->xml_error);
    while (n && (rd->xml_error[n - 1] == '\n' || rd->xml_error[n - 1] == ' '))
        rd->xml_error[--n] = '\0';
    rd->xml_error_line = e->line;
}

static int is_marc_record(xmlTextReaderPtr tr)
{
    const xmlChar *local = xmlTextReaderConstLocalName(tr);
    const xmlChar *ns = xmlTextReaderConstNamespaceUri(tr);

    /* an OAI-PMH <record> (OAI namespace) holds the MARC one in <metadata> */
    return local && xmlStrEqual(local, BAD_CAST "record") &&
           (!ns || xmlStrEqual(ns, BAD_CAST MARC_NS) || xmlStrEqual(ns, BAD_CAST MARCXCHANGE_NS));
}

static int xml_record(struct reader *rd, const xmlNode *node)
{
    char why[240];

    if (yaz_marc_read_xml(rd->mt, node) != 0) {
        yaz_complaint(rd, "YAZ cannot read it (no <leader> of 24 characters?)", why, sizeof why);
        return skip_record(rd, "%s", why);
    }
    return finish_record(rd, 0);
}

static int read_xml(struct reader *rd, FILE *f, const char *path, struct ts_err *err)
{
    struct xml_in in = {f, 0, 0, 0};
    xmlTextReaderPtr tr;
    char root[64] = "", origin[1024];
    int ret, rc = TS_OK;

    /* no XML_PARSE_NOENT / DTDLOAD: entities are never loaded or expanded;
     * NOCDATA: YAZ reads text nodes only */
    tr = xmlReaderForIO(xml_read, xml_close, &in, path, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
                            XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!tr)
        return ts_fail(err, TS_EIO, "%s: cannot start the XML reader", rd->name);
    xmlTextReaderSetStructuredErrorHandler(tr, xml_error, rd);
    ret = xmlTextReaderRead(tr);
    while (ret == 1) {
        int type = xmlTextReaderNodeType(tr);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            snprintf(origin, sizeof origin, "%s line %d", rd->name,
                     xmlTextReaderGetParserLineNumber(tr));
            rc = report_origin(rd, TS_EPARSE, origin,
                               "document has a DOCTYPE: refused (MARCXML needs none, and its "
                               "entities could read local files or expand without bound)");
            goto out;
        }
        if (type == XML_READER_TYPE_ELEMENT && !root[0])
            snprintf(root, sizeof root, "%s", (const char *)xmlTextReaderConstLocalName(tr));
        if (type == XML_READER_TYPE_ELEMENT && is_marc_record(tr)) {
            xmlNode *node = xmlTextReaderCurrentNode(tr);
            rd->rec_no++;
            /* the start tag's line: the parser itself may be further on */
            snprintf(rd->where, sizeof rd->where, "(line %ld)",
                     node ? xmlGetLineNo(node) : (long)xmlTextReaderGetParserLineNumber(tr));
            in.limit = in.consumed + MARC_XML_RECORD_MAX;
            node = xmlTextReaderExpand(tr);
            in.limit = 0;
            if (!node) {
                if (in.over)
                    rc = skip_record(rd, "record is larger than %zu bytes: reading stops here",
                                     MARC_XML_RECORD_MAX);
                else
                    rc = skip_record(rd, "not well-formed XML: %s",
                                     rd->xml_error[0] ? rd->xml_error : "parse error");
                goto out;
            }
            if ((rc = xml_record(rd, node)) != TS_OK)
                goto out;
            ret = xmlTextReaderNext(tr); /* frees the record's subtree */
            continue;
        }
        ret = xmlTextReaderRead(tr);
    }
    if (ret < 0) {
        snprintf(origin, sizeof origin, "%s line %d", rd->name,
                 rd->xml_error_line ? rd->xml_error_line : xmlTextReaderGetParserLineNumber(tr));
        rc = report_origin(rd, TS_EPARSE, origin, "not well-formed XML: %s%s",
                           rd->xml_error[0] ? rd->xml_error : "parse error",
                           rd->rec_no ? " (records before this point were read)" : "");
    } else if (rd->rec_no == 0 && strcmp(root, "collection") != 0 && strcmp(root, "OAI-PMH") != 0) {
        snprintf(origin, sizeof origin, "%s", rd->name);
        rc = report_origin(rd, TS_EPARSE, origin,
                           "no MARCXML record in this XML document (root <%s>)", root);
    }
out:
    xmlFreeTextReader(tr);
    return rc;
}

/* --------------------------------------------------------------- reading */

int import_marc_read(const char *path, const char *default_source, meta_emit_fn emit,
                     meta_error_fn on_error, void *ctx, struct ts_err *err)
{
    struct reader rd;
    FILE *f = NULL;
    const char *slash;
    int c, rc;

    if (!path || !emit)
        return ts_fail(err, TS_EINVAL, "import_marc_read: no path or emit callback");
    memset(&rd, 0, sizeof rd);
    slash = strrchr(path, '/');
    rd.name = slash ? slash + 1 : path;
    rd.default_source = default_source;
    rd.emit = emit;
    rd.on_error = on_error;
    rd.ctx = ctx;
    f = fopen(path, "rb");
    if (!f)
        return ts_fail(err, TS_EIO, "%s: cannot open", rd.name);
    rd.mt = yaz_marc_create();
    /* the first non-blank byte says which format (a UTF-8 BOM is blank) */
    while ((c = getc(f)) != EOF &&
           (is_blank((unsigned char)c) || c == 0xEF || c == 0xBB || c == 0xBF))
        ;
    if (ferror(f) || fseek(f, 0, SEEK_SET) != 0) {
        rc = ts_fail(err, TS_EIO, "%s: read error", rd.name);
        goto out;
    }
    if (c == '<')
        rc = read_xml(&rd, f, path, err);
    else
        rc = read_iso(&rd, f, err);
    if (rd.stop && rc == TS_OK)
        rc = rd.stop;
out:
    if (rd.marc8)
        yaz_iconv_close(rd.marc8);
    yaz_marc_destroy(rd.mt);
    fclose(f);
    return rc;
}

/* --------------------------------------------------------------- writing */

/* YAZ writes a field over 9999 bytes with a 5-digit length in the 4-digit
 * directory slot (a corrupt record) and silently drops data past 99999
 * bytes, so the limits are checked before it runs. */
static int iso_limits(const struct marc_record *m, struct ts_err *err)
{
    size_t total = 24 + 1 + 1; /* leader, directory terminator, record terminator */

    for (size_t i = 0; i < m->n_fields; i++) {
        size_t n = field_bytes(&m->fields[i]);
        if (n > ISO_FIELD_MAX)
            return ts_fail(err, TS_ETOOBIG, "field %s is %zu bytes; ISO 2709 allows at most %d",
                           m->fields[i].tag, n, ISO_FIELD_MAX);
        total += 12 + n;
    }
    if (total > ISO_MAX)
        return ts_fail(err, TS_ETOOBIG, "record is %zu bytes; ISO 2709 allows at most %d", total,
                       ISO_MAX);
    return TS_OK;
}

int export_marc_write(FILE *out, int xml, const struct meta_rec *r, struct ts_err *err)
{
    struct marc_record m;
    yaz_marc_t mt = NULL;
    WRBUF w = NULL;
    struct ts_buf sub;
    int a, b, c, d, e, g, rc;

    memset(&m, 0, sizeof m);
    ts_buf_init(&sub, 0);
    if (!out || !r)
        return ts_fail(err, TS_EINVAL, "export_marc_write: no output or record");
    if ((rc = marc_map_from_meta(r, &m, err)) != TS_OK)
        goto out;
    if (!xml && (rc = iso_limits(&m, err)) != TS_OK)
        goto out;
    mt = yaz_marc_create();
    yaz_marc_set_leader(mt, m.leader, &a, &b, &c, &d, &e, &g);
    for (size_t i = 0; i < m.n_fields; i++) {
        const struct marc_field *f = &m.fields[i];
        if (f->data) {
            yaz_marc_add_controlfield(mt, f->tag, f->data, strlen(f->data));
            continue;
        }
        yaz_marc_add_datafield(mt, f->tag, f->ind, 2);
        for (size_t k = 0; k < f->n_subs; k++) {
            ts_buf_reset(&sub);
            ts_buf_addc(&sub, f->subs[k].code); /* YAZ takes code and data as one string */
            ts_buf_add(&sub, f->subs[k].value);
            yaz_marc_add_subfield(mt, sub.data, sub.len);
        }
    }
    w = wrbuf_alloc();
    if ((xml ? yaz_marc_write_marcxml(mt, w) : yaz_marc_write_iso2709(mt, w)) != 0) {
        rc = ts_fail(err, TS_EINTERNAL, "YAZ could not write the record");
        goto out;
    }
    if (!xml && wrbuf_len(w) > ISO_MAX) {
        rc = ts_fail(err, TS_ETOOBIG, "record is %zu bytes; ISO 2709 allows at most %d",
                     wrbuf_len(w), ISO_MAX);
        goto out;
    }
    if (fwrite(wrbuf_buf(w), 1, wrbuf_len(w), out) != wrbuf_len(w)) {
        rc = ts_fail(err, TS_EIO, "cannot write the MARC record");
        goto out;
    }
out:
    if (w)
        wrbuf_destroy(w);
    yaz_marc_destroy(mt);
    ts_buf_free(&sub);
    marc_record_clear(&m);
    return rc;
}

int export_marc_begin(FILE *out, int xml, struct ts_err *err)
{
    if (xml &&
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"" MARC_NS "\">\n",
              out) == EOF)
        return ts_fail(err, TS_EIO, "cannot write the MARCXML header");
    return TS_OK;
}

int export_marc_end(FILE *out, int xml, struct ts_err *err)
{
    if (xml && fputs("</collection>\n", out) == EOF)
        return ts_fail(err, TS_EIO, "cannot write the MARCXML trailer");
    return TS_OK;
}
