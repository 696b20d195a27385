/*
 * indexer/index.c - writing the index: open, prepare, put, delete, commit,
 * clear, and the consistency listing (indexer.h).
 *
 * Work is split for the import pipeline: ix_prepare() does all the text
 * analysis (NFC, syllables, exact/folded/bigram terms, document data) in
 * whichever worker thread calls it, building self-contained Xapian documents
 * that touch no database. indexer_put() in the single writer thread only
 * builds the small head document from the catalogue metadata, stamps each
 * prepared section with the record's terms and values, and hands them to
 * Xapian. Put is delete-by-XR<id> then add, so it is idempotent; nothing is
 * visible to readers (or durable) before indexer_commit().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "analyzer.h"
#include "indexer.h"
#include "schema.h"
#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_util.h"
#include "xapian_shim.h"

/* Which words feed the spelling dictionary: title words of records, every
 * word of section headings and every marked (exact) word of section text,
 * one add_spelling per distinct word and document, count = wdf. Unmarked
 * body words have no exact term (schema.c), so English body text stays out;
 * while exact twins were indexed, spelling every word cost +50% in put. */
static const enum xs_spell section_spell = XS_SPELL_ALL;

struct ix_prep_section {
    xs_doc *doc;
    size_t n; /* ordinal of the section in its document, from 1 */
};

struct ix_prepared {
    struct ix_prep_section *secs;
    size_t n_secs;
};

static int open_common(const char *dir, int writer, indexer **out, struct ts_err *err)
{
    xs_db *db = NULL;
    int rc;

    *out = NULL;
    if (!dir || !*dir)
        return ts_fail(err, TS_EINVAL, "index directory not set");
    if (writer) {
        if ((rc = ts_mkdirs(dir, err)))
            return rc;
        rc = xs_open_writer(dir, &db, err);
    } else {
        rc = xs_open_reader(dir, &db, err);
    }
    if (rc)
        return rc;
    *out = ts_xcalloc(1, sizeof **out);
    (*out)->db = db;
    (*out)->is_writer = writer;
    return TS_OK;
}

int indexer_open_writer(const char *dir, indexer **out, struct ts_err *err)
{
    return open_common(dir, 1, out, err);
}

int indexer_open_reader(const char *dir, indexer **out, struct ts_err *err)
{
    return open_common(dir, 0, out, err);
}

void indexer_close(indexer *ix)
{
    if (!ix)
        return;
    xs_close(ix->db);
    free(ix);
}

/* ---- prepare (worker threads) ---- */

void ix_prepared_free(struct ix_prepared *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_secs; i++)
        xs_doc_free(p->secs[i].doc);
    free(p->secs);
    free(p);
}

/* Longest prefix of s[0..len) of at most max bytes that ends on a character
 * boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Document data: kind, title NUL, path NUL, text (search.c parses it). */
static int set_data(xs_doc *doc, char kind, const char *title, const char *path, const char *text,
                    size_t text_len, struct ts_err *err)
{
    struct ts_buf b;
    int rc;

    ts_buf_init(&b, 0);
    (void)ts_buf_addc(&b, kind);
    (void)ts_buf_add(&b, title ? title : "");
    (void)ts_buf_addc(&b, '\0');
    (void)ts_buf_add(&b, path ? path : "");
    (void)ts_buf_addc(&b, '\0');
    (void)ts_buf_addn(&b, text, utf8_cut(text, text_len, IX_DATA_TEXT_MAX));
    rc = xs_doc_set_data(doc, b.data, b.len, err);
    ts_buf_free(&b);
    return rc;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Chunk starts of text[0..len) (schema.h, IX_DATA_CHUNKED): chunks of about
 * IX_CHUNK_BYTES that end after white space found in their second half, else
 * on a character boundary. *marks malloc'd; returns how many (0 for ""). */
static size_t chunk_marks(const char *text, size_t len, size_t **marks)
{
    size_t cap = len / (IX_CHUNK_BYTES / 2) + 2, n = 0, start = 0;
    size_t *m = ts_xmalloc(cap * sizeof *m);

    while (start < len) {
        size_t end = start + IX_CHUNK_BYTES, k;

        m[n++] = start;
        if (end >= len)
            break;
        for (k = end; k > start + IX_CHUNK_BYTES / 2 && !is_space(text[k - 1]); k--)
            ;
        if (k == start + IX_CHUNK_BYTES / 2)
            for (k = end; k > start + 1 && ((unsigned char)text[k] & 0xC0) == 0x80; k--)
                ;
        start = k;
    }
    *marks = m;
    return n;
}

static void put_varint(struct ts_buf *b, uint64_t v)
{
    unsigned char tmp[10];

    (void)ts_buf_addn(b, tmp, ix_varint_put(tmp, v));
}

/* Chunked section data and text (schema.h): marks[i] the chunks' byte
 * starts in text[0..len), first_pos[i] the position of each chunk's first word. */
static int set_chunked_data(xs_doc *doc, const char *title, const char *path, const char *text,
                            size_t len, const size_t *marks, const unsigned *first_pos, size_t n,
                            struct ts_err *err)
{
    struct ts_buf b, body;
    unsigned char *z = NULL;
    size_t zcap = 0;
    z_stream zs;
    bool zs_ok;
    int rc;

    /* Fixed Huffman codes: +2.5% index size over dynamic ones, but nothing to
     * build before inflating a 1 KiB chunk (callgrind: -35% in inflate). A
     * chunk fits in a 1 KiB window. */
    memset(&zs, 0, sizeof zs);
    zs_ok = deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 10, 8, Z_FIXED) == Z_OK;

    ts_buf_init(&b, 0);
    ts_buf_init(&body, 0);
    (void)ts_buf_addc(&b, IX_DATA_CHUNKED);
    (void)ts_buf_add(&b, title ? title : "");
    (void)ts_buf_addc(&b, '\0');
    (void)ts_buf_add(&b, path ? path : "");
    (void)ts_buf_addc(&b, '\0');
    if ((rc = xs_doc_set_data(doc, b.data, b.len, err)))
        goto out;
    ts_buf_reset(&b);
    put_varint(&b, n);
    for (size_t i = 0; i < n; i++) {
        size_t raw = (i + 1 < n ? marks[i + 1] : len) - marks[i];
        uLongf zlen = compressBound((uLong)raw) + 64;

        if (zlen > zcap) {
            zcap = zlen;
            z = ts_xrealloc(z, zcap);
        }
        if (zs_ok && deflateReset(&zs) == Z_OK) {
            zs.next_in = (Bytef *)(uintptr_t)(text + marks[i]);
            zs.avail_in = (uInt)raw;
            zs.next_out = z;
            zs.avail_out = (uInt)zcap;
            zlen = deflate(&zs, Z_FINISH) == Z_STREAM_END ? zcap - zs.avail_out : raw;
        } else {
            zlen = raw;
        }
        if (zlen < raw) {
            (void)ts_buf_addn(&body, z, zlen);
        } else {
            zlen = raw;
            (void)ts_buf_addn(&body, text + marks[i], raw);
        }
        put_varint(&b, first_pos[i]);
        put_varint(&b, raw);
        put_varint(&b, zlen);
    }
    (void)ts_buf_addn(&b, body.data ? body.data : "", body.len);
    rc = xs_doc_set_value(doc, IX_SLOT_TEXT, b.data, b.len, err);
out:
    if (zs_ok)
        deflateEnd(&zs);
    free(z);
    ts_buf_free(&body);
    ts_buf_free(&b);
    return rc;
}

static int prepare_section(const struct ix_section *sec, xs_doc **out, struct ts_err *err)
{
    struct an_state st;
    xs_doc *doc = NULL;
    const char *text = sec->text ? sec->text : "";
    size_t text_len = sec->text ? sec->text_len : 0;
    size_t kept = utf8_cut(text, text_len, IX_DATA_TEXT_MAX);
    size_t *marks = NULL, n_marks;
    unsigned *first_pos;
    int rc;

    *out = NULL;
    if ((rc = xs_doc_new(&doc, err)))
        return rc;
    n_marks = chunk_marks(text, kept, &marks);
    first_pos = ts_xcalloc(n_marks + 1, sizeof *first_pos);
    an_init(&st, doc);
    if (sec->title && (rc = an_index(&st, &ix_field_title, sec->title, strlen(sec->title), err)))
        goto out;
    /* Section text is NFC by extract.h's contract, so it is not normalised
     * again (that pass cost a quarter of ix_prepare); terms would not care
     * anyway, since every token is normalised on its own. The analyzer
     * notes where each stored chunk's words start. */
    st.marks = marks;
    st.mark_pos = first_pos;
    st.n_marks = n_marks;
    if ((rc = an_index_nfc(&st, &ix_field_body, text, text_len, err)))
        goto out;
    rc = set_chunked_data(doc, sec->title, sec->path, text, kept, marks, first_pos, n_marks, err);
out:
    free(marks);
    free(first_pos);
    if (rc)
        xs_doc_free(doc);
    else
        *out = doc;
    return rc;
}

int ix_prepare(const struct ix_doc *doc, struct ix_prepared **out, struct ts_err *err)
{
    struct ix_prepared *p;
    int rc = TS_OK;

    *out = NULL;
    p = ts_xcalloc(1, sizeof *p);
    if (doc && doc->n_sections)
        p->secs = ts_xcalloc(doc->n_sections, sizeof *p->secs);
    for (size_t i = 0; doc && i < doc->n_sections; i++) {
        const struct ix_section *sec = &doc->sections[i];
        xs_doc *d;

        if ((!sec->text || !sec->text_len) && (!sec->title || !*sec->title))
            continue;
        if ((rc = prepare_section(sec, &d, err))) {
            ts_err_prefix(err, "section %zu: ", i + 1);
            ix_prepared_free(p);
            return rc;
        }
        p->secs[p->n_secs].doc = d;
        p->secs[p->n_secs].n = i + 1;
        p->n_secs++;
    }
    *out = p;
    return rc;
}

/* ---- put (writer thread) ---- */

/* Boolean terms and values that every document of one record carries. */
struct rec_terms {
    char **terms;
    size_t n_terms, cap;
    struct xs_value values[6];
    char id[24];
    char lang[16];
    struct ts_buf libs;
};

static void rt_add(struct rec_terms *rt, const char *prefix, const char *value, size_t len)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    if (ix_schema_term(&b, prefix, value, len) != TS_OK)
        return; /* over Xapian's term limit: cannot be a real code; skip */
    if (rt->n_terms == rt->cap) {
        rt->cap = rt->cap ? rt->cap * 2 : 16;
        rt->terms = ts_xrealloc(rt->terms, rt->cap * sizeof *rt->terms);
    }
    rt->terms[rt->n_terms++] = ts_buf_take(&b);
}

static void rt_free(struct rec_terms *rt)
{
    for (size_t i = 0; i < rt->n_terms; i++)
        free(rt->terms[i]);
    free(rt->terms);
    ts_buf_free(&rt->libs);
}

static void rt_build(struct rec_terms *rt, const struct ix_record *rec)
{
    size_t lang_len;

    memset(rt, 0, sizeof *rt);
    ts_buf_init(&rt->libs, 0);
    snprintf(rt->id, sizeof rt->id, "%" PRId64, rec->id);
    rt_add(rt, IX_P_RECORD, rt->id, strlen(rt->id));
    for (size_t i = 0; i < rec->n_libraries; i++) {
        const char *code = rec->libraries[i];

        if (!code || !*code)
            continue;
        rt_add(rt, IX_P_LIBRARY, code, strlen(code));
        if (rt->libs.len)
            (void)ts_buf_addc(&rt->libs, IX_LIST_SEP);
        (void)ts_buf_add(&rt->libs, code);
    }
    lang_len = ix_schema_lang(rec->language, rt->lang, sizeof rt->lang);
    if (lang_len)
        rt_add(rt, IX_P_LANG, rt->lang, lang_len);
    if (rec->resource_type && *rec->resource_type)
        rt_add(rt, IX_P_TYPE, rec->resource_type, strlen(rec->resource_type));
    for (size_t i = 0; i < rec->n_available; i++)
        if (rec->available[i] && *rec->available[i])
            rt_add(rt, IX_P_AVAILABLE, rec->available[i], strlen(rec->available[i]));
    if (rec->year && *rec->year)
        rt_add(rt, IX_P_YEAR, rec->year, strlen(rec->year));
    rt->values[0] = (struct xs_value){IX_SLOT_RECORD, rt->id, strlen(rt->id)};
    rt->values[1] = (struct xs_value){IX_SLOT_LANGUAGE, rt->lang, lang_len};
    rt->values[2] = (struct xs_value){IX_SLOT_TYPE, rec->resource_type ? rec->resource_type : "",
                                      rec->resource_type ? strlen(rec->resource_type) : 0};
    rt->values[3] = (struct xs_value){IX_SLOT_LIBRARIES, ts_buf_str(&rt->libs), rt->libs.len};
    rt->values[4] = (struct xs_value){IX_SLOT_TITLE, rec->title ? rec->title : "",
                                      rec->title ? strlen(rec->title) : 0};
    rt->values[5] = (struct xs_value){IX_SLOT_YEAR, rec->year ? rec->year : "",
                                      rec->year ? strlen(rec->year) : 0};
}

/* Drop empty values (Xapian stores none for them anyway). */
static size_t rt_values(const struct rec_terms *rt, struct xs_value *out)
{
    size_t n = 0;

    for (size_t i = 0; i < 6; i++)
        if (rt->values[i].len)
            out[n++] = rt->values[i];
    return n;
}

static int index_field(struct an_state *st, const struct ix_field *f, const char *s,
                       struct ts_err *err)
{
    return s && *s ? an_index(st, f, s, strlen(s), err) : TS_OK;
}

/* The text shown for a match in the metadata: authors, subjects, publisher,
 * description. */
static void head_text(const struct ix_record *rec, struct ts_buf *b)
{
    const char *parts[] = {rec->authors, rec->subjects, rec->publisher, rec->description};

    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (b->len)
            (void)ts_buf_add(b, ". ");
        (void)ts_buf_add(b, parts[i]);
    }
}

static int put_head(indexer *ix, const struct ix_record *rec, struct rec_terms *rt,
                    struct ts_err *err)
{
    struct an_state st;
    struct ts_buf text;
    struct xs_value vals[6];
    struct xs_add_opts opts;
    xs_doc *doc = NULL;
    char *nfc = NULL;
    size_t nfc_len;
    size_t base = rt->n_terms;
    int rc;

    ts_buf_init(&text, 0);
    if ((rc = xs_doc_new(&doc, err)))
        return rc;
    an_init(&st, doc);
    if ((rc = index_field(&st, &ix_field_title, rec->title, err)) ||
        (rc = index_field(&st, &ix_field_author, rec->authors, err)) ||
        (rc = index_field(&st, &ix_field_subject, rec->subjects, err)) ||
        (rc = index_field(&st, &ix_field_publisher, rec->publisher, err)) ||
        (rc = index_field(&st, &ix_field_body, rec->description, err)) ||
        (rc = index_field(&st, &ix_field_body, rec->identifiers, err)))
        goto out;
    head_text(rec, &text);
    nfc = ts_text_nfc(ts_buf_str(&text), text.len, &nfc_len);
    if ((rc = set_data(doc, IX_DATA_HEAD, "", "", nfc, nfc_len, err)))
        goto out;
    rt_add(rt, IX_P_ID, rt->id, strlen(rt->id));
    rt_add(rt, IX_TERM_HEAD, "", 0);
    if (rec->year && *rec->year)
        rt_add(rt, IX_P_YEAR, rec->year, strlen(rec->year));
    opts = (struct xs_add_opts){(const char *const *)rt->terms,
                                rt->n_terms,
                                vals,
                                rt_values(rt, vals),
                                XS_SPELL_PREFIX,
                                IX_P_TITLE};
    rc = xs_add(ix->db, doc, &opts, err);
out:
    /* Head-only terms go again: sections share the rest. */
    while (rt->n_terms > base)
        free(rt->terms[--rt->n_terms]);
    free(nfc);
    ts_buf_free(&text);
    xs_doc_free(doc);
    return rc;
}

static int put_sections(indexer *ix, const struct ix_prepared *prep, struct rec_terms *rt,
                        struct ts_err *err)
{
    struct xs_value vals[6];
    size_t n_vals = rt_values(rt, vals);
    size_t base = rt->n_terms;
    int rc = TS_OK;

    for (size_t i = 0; i < prep->n_secs && rc == TS_OK; i++) {
        char sid[48];
        struct xs_add_opts opts;

        snprintf(sid, sizeof sid, "%s.%zu", rt->id, prep->secs[i].n);
        rt_add(rt, IX_P_ID, sid, strlen(sid));
        opts = (struct xs_add_opts){
            (const char *const *)rt->terms, rt->n_terms, vals, n_vals, section_spell, IX_P_TITLE};
        rc = xs_add(ix->db, prep->secs[i].doc, &opts, err);
        if (rc)
            ts_err_prefix(err, "section %zu: ", prep->secs[i].n);
        while (rt->n_terms > base)
            free(rt->terms[--rt->n_terms]);
    }
    return rc;
}

static int delete_record(indexer *ix, const char *id, struct ts_err *err)
{
    struct ts_buf b;
    int rc;

    ts_buf_init(&b, 0);
    if ((rc = ix_schema_term(&b, IX_P_RECORD, id, strlen(id))) == TS_OK)
        rc = xs_delete_term(ix->db, b.data, b.len, err);
    ts_buf_free(&b);
    return rc;
}

int indexer_put(indexer *ix, const struct ix_record *rec, const struct ix_prepared *prep,
                struct ts_err *err)
{
    struct rec_terms rt;
    int rc;

    if (!ix->is_writer)
        return ts_fail(err, TS_EINVAL, "indexer_put: index opened read-only");
    rt_build(&rt, rec);
    if ((rc = delete_record(ix, rt.id, err)))
        goto out;
    if ((rc = put_head(ix, rec, &rt, err)))
        goto out;
    if (prep)
        rc = put_sections(ix, prep, &rt, err);
out:
    if (rc)
        ts_err_prefix(err, "record %" PRId64 ": ", rec->id);
    rt_free(&rt);
    return rc;
}

int indexer_delete(indexer *ix, int64_t record_id, struct ts_err *err)
{
    char id[24];

    if (!ix->is_writer)
        return ts_fail(err, TS_EINVAL, "indexer_delete: index opened read-only");
    snprintf(id, sizeof id, "%" PRId64, record_id);
    return delete_record(ix, id, err);
}

int indexer_set_holdings(indexer *ix, int64_t record_id, const char *const *libraries,
                         size_t n_libraries, const char *const *available, size_t n_available,
                         struct ts_err *err)
{
    /* XL is a prefix of XLANG: language terms stay */
    static const char *const drop[] = {IX_P_LIBRARY, IX_P_AVAILABLE};
    static const char *const keep[] = {IX_P_LANG};
    struct rec_terms rt;
    struct ix_record rec;
    struct ts_buf idterm;
    int rc;

    if (!ix->is_writer)
        return ts_fail(err, TS_EINVAL, "indexer_set_holdings: index opened read-only");
    /* the same terms and value as a full put of the record would write */
    memset(&rec, 0, sizeof rec);
    rec.id = record_id;
    rec.libraries = libraries;
    rec.n_libraries = n_libraries;
    rec.available = available;
    rec.n_available = n_available;
    rt_build(&rt, &rec);
    ts_buf_init(&idterm, 0);
    if ((rc = ix_schema_term(&idterm, IX_P_RECORD, rt.id, strlen(rt.id))) == TS_OK) {
        /* rt.terms[0] is the record term itself; the rest are library,
         * availability and (absent here) language, type, year terms */
        rc = xs_retag(ix->db, ts_buf_str(&idterm), idterm.len, drop, 2, keep, 1,
                      (const char *const *)rt.terms + 1, rt.n_terms - 1, IX_SLOT_LIBRARIES,
                      ts_buf_str(&rt.libs), rt.libs.len, err);
    }
    ts_buf_free(&idterm);
    rt_free(&rt);
    return rc;
}

int indexer_commit(indexer *ix, struct ts_err *err)
{
    if (!ix->is_writer)
        return ts_fail(err, TS_EINVAL, "indexer_commit: index opened read-only");
    return xs_commit(ix->db, err);
}

int indexer_clear(indexer *ix, struct ts_err *err)
{
    if (!ix->is_writer)
        return ts_fail(err, TS_EINVAL, "indexer_clear: index opened read-only");
    return xs_clear(ix->db, err);
}

size_t indexer_doc_count(indexer *ix)
{
    struct ts_err err;
    size_t n = 0;

    (void)xs_doc_count(ix->db, &n, &err);
    return n;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int indexer_record_ids(indexer *ix, int64_t **ids, size_t **counts, size_t *n, struct ts_err *err)
{
    char **vals = NULL;
    size_t n_vals = 0, n_out = 0;
    int64_t *all = NULL, *uniq = NULL;
    size_t *cnt = NULL;
    int rc;

    *ids = NULL;
    *counts = NULL;
    *n = 0;
    rc = xs_term_values(ix->db, IX_TERM_HEAD, strlen(IX_TERM_HEAD), IX_SLOT_RECORD, &vals, &n_vals,
                        err);
    if (rc)
        return rc;
    all = ts_xcalloc(n_vals + 1, sizeof *all);
    for (size_t i = 0; i < n_vals; i++) {
        if (ts_parse_i64(vals[i], &all[i], NULL) != TS_OK) {
            rc = ts_fail(err, TS_EINDEX, "head document with a bad record id '%s'", vals[i]);
            goto out;
        }
    }
    qsort(all, n_vals, sizeof *all, cmp_i64);
    uniq = ts_xcalloc(n_vals + 1, sizeof *uniq);
    cnt = ts_xcalloc(n_vals + 1, sizeof *cnt);
    for (size_t i = 0; i < n_vals; i++) {
        if (n_out && uniq[n_out - 1] == all[i]) {
            cnt[n_out - 1]++;
            continue;
        }
        uniq[n_out] = all[i];
        cnt[n_out++] = 1;
    }
    *ids = uniq;
    *counts = cnt;
    *n = n_out;
    uniq = NULL;
    cnt = NULL;
out:
    for (size_t i = 0; i < n_vals; i++)
        free(vals[i]);
    free(vals);
    free(all);
    free(uniq);
    free(cnt);
    return rc;
}
