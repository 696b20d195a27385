/*
 * tests/unit/import/test_marc.c - the MARC21 reader and writer (import/marc.c,
 * import/marc_map.c): every mapped field of a full Vietnamese book record with
 * Koha holdings, MARC-8 to NFC UTF-8, round trips through ISO 2709 and
 * MARCXML, and hostile input.
 *
 * Records are built here, with YAZ's own writer or by editing its bytes, so
 * no binary fixture is committed and each hostile case says what it breaks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaz/marcdisp.h>
#include <yaz/wrbuf.h>

#include "marc.h"
#include "meta_collect.h"
#include "t.h"
#include "ts_mem.h"

/* ------------------------------------------------------------- helpers */

static int read_file(const char *path, struct meta_got *g)
{
    struct ts_err err;

    memset(g, 0, sizeof *g);
    return import_marc_read(path, "test-source", meta_got_emit, meta_got_error, g, &err);
}

/* True when some reported reason contains `needle`. */
static int has_error(const struct meta_got *g, const char *needle)
{
    for (size_t i = 0; i < g->n_err && i < META_GOT_KEEP; i++)
        if (strstr(g->msg[i], needle))
            return 1;
    return 0;
}

static char *path_in_tmp(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];

    snprintf(p, sizeof buf[0], "%s/%s", t_tmpdir(), name);
    return p;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(p, 1, n, f);
    fclose(f);
}

static const char *subject_at(const struct meta_rec *r, size_t i)
{
    return i < r->n_subjects ? r->subjects[i] : NULL;
}

static int has_ident(const struct meta_rec *r, const char *id)
{
    for (size_t i = 0; i < r->n_identifiers; i++)
        if (strcmp(r->identifiers[i], id) == 0)
            return 1;
    return 0;
}

/* A record built with YAZ's writer: leader, then fields added in order. */
static yaz_marc_t rec_new(const char *leader)
{
    yaz_marc_t mt = yaz_marc_create();
    int a, b, c, d, e, f;

    yaz_marc_set_leader(mt, leader, &a, &b, &c, &d, &e, &f);
    return mt;
}

static void cf(yaz_marc_t mt, const char *tag, const char *data)
{
    yaz_marc_add_controlfield(mt, tag, data, strlen(data));
}

/* Data field: each vararg is "<code><value>", NULL ends the list. */
static void df(yaz_marc_t mt, const char *tag, const char *ind, ...)
{
    va_list ap;
    const char *s;

    yaz_marc_add_datafield(mt, tag, ind, 2);
    va_start(ap, ind);
    while ((s = va_arg(ap, const char *)) != NULL)
        yaz_marc_add_subfield(mt, s, strlen(s));
    va_end(ap);
}

/* ISO 2709 bytes of the record (malloc'd), and destroy the handle. */
static char *rec_iso(yaz_marc_t mt, size_t *len)
{
    WRBUF w = wrbuf_alloc();
    char *out;

    T_CHECK(yaz_marc_write_iso2709(mt, w) == 0);
    *len = wrbuf_len(w);
    out = ts_xmalloc(*len + 1);
    memcpy(out, wrbuf_buf(w), *len);
    out[*len] = '\0';
    wrbuf_destroy(w);
    yaz_marc_destroy(mt);
    return out;
}

/* A small good UTF-8 book record titled `title`. */
static char *small_rec(const char *id, const char *title, size_t *len)
{
    yaz_marc_t mt = rec_new("00000nam a2200000 i 4500");
    char a[256];

    cf(mt, "001", id);
    snprintf(a, sizeof a, "a%s", title);
    df(mt, "245", "10", a, NULL);
    df(mt, "952", "  ", "aTV01", "pBC-1", NULL);
    return rec_iso(mt, len);
}

/* ------------------------------------------------- full Vietnamese record */

static void test_full_record(void)
{
    yaz_marc_t mt = rec_new("00000nam a2200000 i 4500");
    const char *path = path_in_tmp("full.mrc");
    struct meta_got g;
    struct meta_rec *r;
    size_t len;
    char *iso;

    cf(mt, "001", "VN-0001");
    cf(mt, "003", "THUVIEN-HN");
    cf(mt, "008", "200101s2020    vm            000 1 vie d");
    df(mt, "020", "  ", "a978-604-2-12345-7 (bìa mềm) :", "c85000 đ", NULL);
    df(mt, "020", "  ", "a0-306-40615-2", NULL);
    df(mt, "020", "  ", "a123-bad", NULL);
    df(mt, "022", "  ", "a0378-5955", NULL);
    df(mt, "010", "  ", "a   85023098 ", NULL);
    df(mt, "035", "  ", "a(OCoLC)ocm12345678", NULL);
    df(mt, "035", "  ", "a(KOHA)42", NULL);
    df(mt, "041", "0 ", "avie", NULL);
    df(mt, "082", "04", "a895.922/34", "214", NULL);
    df(mt, "084", "  ", "aV23", NULL);
    df(mt, "100", "1 ", "aNguyễn, Nhật Ánh,", "etác giả.", NULL);
    df(mt, "245", "10", "aCho tôi xin một vé đi tuổi thơ :", "btruyện dài /", "cNguyễn Nhật Ánh.",
       NULL);
    df(mt, "246", "1 ", "aTicket to childhood", NULL);
    df(mt, "250", "  ", "aTái bản lần thứ 30.", NULL);
    df(mt, "260", "  ", "aTP. Hồ Chí Minh :", "bNxb. Kim Đồng,", "c2019.", NULL);
    df(mt, "264", " 1", "aHà Nội :", "bNxb. Trẻ,", "c[2020]", NULL);
    df(mt, "300", "  ", "a218 tr. :", "bminh họa ;", "c20 cm.", NULL);
    df(mt, "490", "0 ", "aTủ sách tuổi thơ ;", "v5", NULL);
    df(mt, "500", "  ", "aSách được giải thưởng ASEAN.", NULL);
    df(mt, "520", "  ", "aCâu chuyện về tuổi thơ.", NULL);
    df(mt, "521", "  ", "aThiếu nhi 10-15 tuổi", NULL);
    df(mt, "540", "  ", "aBản quyền thuộc Nxb. Trẻ", NULL);
    df(mt, "650", " 7", "aVăn học thiếu nhi", "zViệt Nam", "yThế kỷ 21.", NULL);
    df(mt, "653", "  ", "atuổi thơ", "atruyện dài", NULL);
    df(mt, "700", "1 ", "aLê, Minh Hải.", "eminh họa", NULL);
    df(mt, "700", "1 ", "aSmith, J. R.", "4trl", NULL);
    df(mt, "710", "2 ", "aNhà xuất bản Trẻ.", NULL);
    df(mt, "856", "40", "uhttps://example.org/book/1", NULL);
    df(mt, "952", "  ", "aTV01", "bTV02", "cKHO-A", "d2021-03-15", "g85000", "o895.922 NG-A",
       "pTV01-000123", NULL);
    df(mt, "952", "  ", "aTV01", "bTV01", "pTV01-000124", "11", NULL);
    df(mt, "952", "  ", "aTV02", "pTV02-000001", "01", "v90000", "d20190102", NULL);
    df(mt, "952", "  ", "aTV03", "oX", NULL); /* no barcode: reported, skipped */
    df(mt, "852", "  ", "aHN", "bTV05", "h895.922", "iNG-A", "cTầng 2", "pTV05-1", NULL);
    iso = rec_iso(mt, &len);
    write_bytes(path, iso, len);
    free(iso);

    T_OK(read_file(path, &g), NULL);
    T_REQUIRE(g.n == 1);
    r = g.recs[0];
    T_EQ_STR(r->origin, "full.mrc record 1");
    T_EQ_STR(r->source_id, "VN-0001");
    T_EQ_STR(r->source, "THUVIEN-HN");
    T_EQ_STR(r->title, "Cho tôi xin một vé đi tuổi thơ");
    T_EQ_STR(r->subtitle, "truyện dài");
    T_EQ_INT(r->n_authors, 4);
    T_EQ_STR(r->authors[0].name, "Nguyễn, Nhật Ánh");
    T_CHECK(r->authors[0].role == NULL); /* "tác giả" = author */
    T_EQ_STR(r->authors[1].name, "Lê, Minh Hải");
    T_EQ_STR(r->authors[1].role, "illustrator");
    T_EQ_STR(r->authors[2].name, "Smith, J. R."); /* the initial keeps its dot */
    T_EQ_STR(r->authors[2].role, "translator");
    T_EQ_STR(r->authors[3].name, "Nhà xuất bản Trẻ");
    T_EQ_STR(r->authors[3].role, "corporate");
    T_EQ_STR(r->language, "vie");
    T_EQ_STR(r->place, "Hà Nội"); /* 264 _1 wins over 260 */
    T_EQ_STR(r->publisher, "Nxb. Trẻ");
    T_EQ_STR(r->date, "2020");
    T_EQ_STR(r->edition, "Tái bản lần thứ 30.");
    T_EQ_STR(r->extent, "218 tr. : minh họa ; 20 cm");
    T_EQ_STR(r->series, "Tủ sách tuổi thơ");
    T_EQ_STR(r->notes, "Nhan đề khác: Ticket to childhood -- Sách được giải thưởng ASEAN.");
    T_EQ_STR(r->description, "Câu chuyện về tuổi thơ.");
    T_EQ_STR(r->audience, "Thiếu nhi 10-15 tuổi");
    T_EQ_STR(r->licence, "Bản quyền thuộc Nxb. Trẻ");
    T_EQ_STR(r->classification, "895.92234"); /* 082 first, segmentation mark gone */
    T_EQ_STR(r->resource_type, "book");
    T_EQ_INT(r->n_subjects, 3);
    T_EQ_STR(subject_at(r, 0), "Văn học thiếu nhi -- Việt Nam -- Thế kỷ 21");
    T_EQ_STR(subject_at(r, 1), "tuổi thơ");
    T_EQ_STR(subject_at(r, 2), "truyện dài");
    T_CHECK(has_ident(r, "isbn:9786042123457"));
    T_CHECK(has_ident(r, "isbn:9780306406157"));
    T_CHECK(has_ident(r, "issn:0378-5955"));
    T_CHECK(has_ident(r, "lccn:85023098"));
    T_CHECK(has_ident(r, "oclc:12345678"));
    T_CHECK(has_ident(r, "other:(KOHA)42"));
    T_EQ_INT(r->n_identifiers, 6); /* the bad ISBN is dropped */
    T_EQ_INT(r->n_links, 1);
    T_EQ_STR(r->links[0], "https://example.org/book/1");

    T_REQUIRE(r->n_items == 4);
    T_EQ_STR(r->items[0].barcode, "TV01-000123");
    T_EQ_STR(r->items[0].library, "TV01"); /* home branch, not holding branch TV02 */
    T_EQ_STR(r->items[0].shelf_location, "KHO-A");
    T_EQ_STR(r->items[0].acquired, "2021-03-15");
    T_EQ_STR(r->items[0].price, "85000");
    T_EQ_STR(r->items[0].call_number, "895.922 NG-A");
    T_CHECK(r->items[0].status == NULL);
    T_EQ_STR(r->items[1].status, "lost");
    T_EQ_STR(r->items[2].status, "withdrawn");
    T_EQ_STR(r->items[2].price, "90000");
    T_EQ_STR(r->items[2].acquired, "2019-01-02");
    T_EQ_STR(r->items[3].barcode, "TV05-1");
    T_EQ_STR(r->items[3].library, "TV05");
    T_EQ_STR(r->items[3].call_number, "895.922 NG-A");
    T_EQ_STR(r->items[3].shelf_location, "Tầng 2");

    T_EQ_INT(g.n_err, 1);
    T_EQ_STR(g.origin[0], "full.mrc record 1 (byte offset 0) field 952");
    T_CHECK(strstr(g.msg[0], "barcode") != NULL);
    T_EQ_INT(g.code[0], TS_OK); /* a warning: the record landed */
    meta_got_free(&g);
}

/* Resource type from leader/06-07, language from 008 without 041, and the
 * default source without 003. */
static void test_leader_and_defaults(void)
{
    static const struct {
        const char *leader, *type;
    } cases[] = {
        {"00000nas a2200000 i 4500", "periodical"}, {"00000ngm a2200000 i 4500", "video"},
        {"00000nim a2200000 i 4500", "audio"},      {"00000njm a2200000 i 4500", "audio"},
        {"00000nmm a2200000 i 4500", "electronic"}, {"00000nem a2200000 i 4500", "map"},
        {"00000ntm a2200000 i 4500", "book"},       {"00000npm a2200000 i 4500", "book"},
    };
    const char *path = path_in_tmp("types.mrc");
    FILE *f = fopen(path, "wb");
    struct meta_got g;

    T_REQUIRE(f != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        yaz_marc_t mt = rec_new(cases[i].leader);
        size_t len;
        char *iso;
        cf(mt, "008", "850913c19861985nyu           00110 eng  ");
        df(mt, "245", "00", "aTitle.", NULL);
        iso = rec_iso(mt, &len);
        fwrite(iso, 1, len, f);
        free(iso);
    }
    fclose(f);
    T_OK(read_file(path, &g), NULL);
    T_REQUIRE(g.n == sizeof cases / sizeof cases[0]);
    for (size_t i = 0; i < g.n; i++) {
        T_EQ_STR(g.recs[i]->resource_type, cases[i].type);
        T_EQ_STR(g.recs[i]->language, "eng");
        T_EQ_STR(g.recs[i]->source, "test-source");
        T_EQ_STR(g.recs[i]->title, "Title");
    }
    T_EQ_INT(g.n_err, 0);
    meta_got_free(&g);
}

/* --------------------------------------------------------------- MARC-8 */

static void test_marc8(void)
{
    /* leader/09 blank = MARC-8: combining marks come before their letter;
     * 0xE2 acute, 0xE3 circumflex, 0xF2 dot below */
    yaz_marc_t mt = rec_new("00000nam  2200000 a 4500");
    const char *path = path_in_tmp("marc8.mrc");
    struct meta_got g;
    size_t len;
    char *iso;

    df(mt, "245", "10",
       "aCaf\xE2"
       "e au lait /",
       "bVi\xE3\xF2"
       "et Nam.",
       NULL);
    df(mt, "100", "1 ",
       "aAndr\xE2"
       "e, Jean.",
       NULL);
    iso = rec_iso(mt, &len);
    write_bytes(path, iso, len);
    free(iso);
    T_OK(read_file(path, &g), NULL);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "Caf\xC3\xA9 au lait");    /* é precomposed (NFC) */
    T_EQ_STR(g.recs[0]->subtitle, "Vi\xE1\xBB\x87t Nam"); /* ệ U+1EC7 */
    T_EQ_STR(g.recs[0]->authors[0].name, "Andr\xC3\xA9, Jean");
    T_EQ_INT(g.n_err, 0);
    meta_got_free(&g);

    /* blank leader/09 but multi-byte UTF-8 bytes: a Vietnamese export that
     * never set leader/09; read as UTF-8, not as MARC-8 mojibake */
    mt = rec_new("00000nam  2200000 a 4500");
    df(mt, "245", "10", "aTiếng Việt", NULL);
    iso = rec_iso(mt, &len);
    write_bytes(path, iso, len);
    free(iso);
    T_OK(read_file(path, &g), NULL);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "Tiếng Việt");
    meta_got_free(&g);
}

/* ----------------------------------------------------------- round trip */

static struct meta_rec *sample_rec(void)
{
    struct meta_rec *r = ts_xcalloc(1, sizeof *r);
    struct meta_item *it;

#define S(field, v) meta_set_str(&r->field, v, strlen(v))
    S(source, "THUVIEN-HN");
    S(source_id, "VN-42");
    S(title, "Dế Mèn phiêu lưu ký");
    S(subtitle, "truyện dài");
    S(language, "vie");
    S(publisher, "Kim Đồng");
    S(place, "Hà Nội");
    S(date, "2020");
    S(edition, "In lần thứ 12.");
    S(extent, "143 tr. : tranh màu ; 21 cm");
    S(series, "Văn học Việt Nam");
    S(notes, "Giải thưởng Hội Nhà văn");
    S(description, "Cuộc phiêu lưu của chú Dế Mèn.");
    S(classification, "895.92234");
    S(resource_type, "book");
    S(audience, "Thiếu nhi");
    S(licence, "CC BY 4.0");
#undef S
    meta_add_author(r, "Tô Hoài", strlen("Tô Hoài"), NULL);
    meta_add_author(r, "Nguyễn, Văn A.", strlen("Nguyễn, Văn A."), "illustrator");
    meta_add_author(r, "Hội Nhà văn Việt Nam", strlen("Hội Nhà văn Việt Nam"), "corporate");
    meta_add_isbn(r, "978-604-2-12345-7", strlen("978-604-2-12345-7"));
    meta_add_str(&r->identifiers, &r->n_identifiers, "oclc:777", strlen("oclc:777"));
    meta_add_str(&r->identifiers, &r->n_identifiers, "issn:0378-5955", strlen("issn:0378-5955"));
    meta_add_str(&r->identifiers, &r->n_identifiers, "other:(KOHA)42", strlen("other:(KOHA)42"));
    meta_add_str(&r->identifiers, &r->n_identifiers, "doi:10.1000/182", strlen("doi:10.1000/182"));
    meta_add_str(&r->subjects, &r->n_subjects, "Văn học thiếu nhi -- Việt Nam",
                 strlen("Văn học thiếu nhi -- Việt Nam"));
    meta_add_str(&r->subjects, &r->n_subjects, "Truyện", strlen("Truyện"));
    meta_add_str(&r->links, &r->n_links, "https://example.org/de-men",
                 strlen("https://example.org/de-men"));
    it = meta_add_item(r);
    it->barcode = ts_xstrdup("TV01-000001");
    it->library = ts_xstrdup("TV01");
    it->call_number = ts_xstrdup("895.922 TO-H");
    it->shelf_location = ts_xstrdup("Kho mở");
    it->acquired = ts_xstrdup("2021-09-05");
    it->price = ts_xstrdup("45.000 đ");
    it = meta_add_item(r);
    it->barcode = ts_xstrdup("TV01-000002");
    it->library = ts_xstrdup("TV01");
    it->status = ts_xstrdup("lost");
    it = meta_add_item(r);
    it->barcode = ts_xstrdup("TV02-000003");
    it->library = ts_xstrdup("TV02");
    it->status = ts_xstrdup("withdrawn");
    return r;
}

static void same_list(char **a, size_t na, char **b, size_t nb)
{
    T_EQ_INT(na, nb);
    for (size_t i = 0; i < na && i < nb; i++)
        T_EQ_STR(a[i], b[i]);
}

static void same_str(const char *a, const char *b)
{
    if (a || b)
        T_EQ_STR(a, b);
}

static void same_rec(const struct meta_rec *a, const struct meta_rec *b)
{
    same_str(a->source, b->source);
    same_str(a->source_id, b->source_id);
    same_str(a->title, b->title);
    same_str(a->subtitle, b->subtitle);
    same_str(a->language, b->language);
    same_str(a->publisher, b->publisher);
    same_str(a->place, b->place);
    same_str(a->date, b->date);
    same_str(a->edition, b->edition);
    same_str(a->extent, b->extent);
    same_str(a->series, b->series);
    same_str(a->notes, b->notes);
    same_str(a->description, b->description);
    same_str(a->classification, b->classification);
    same_str(a->resource_type, b->resource_type);
    same_str(a->audience, b->audience);
    same_str(a->licence, b->licence);
    T_EQ_INT(a->n_authors, b->n_authors);
    for (size_t i = 0; i < a->n_authors && i < b->n_authors; i++) {
        same_str(a->authors[i].name, b->authors[i].name);
        same_str(a->authors[i].role, b->authors[i].role);
    }
    T_EQ_INT(a->n_identifiers, b->n_identifiers);
    for (size_t i = 0; i < a->n_identifiers; i++)
        T_CHECK(has_ident(b, a->identifiers[i]));
    same_list(a->subjects, a->n_subjects, b->subjects, b->n_subjects);
    same_list(a->links, a->n_links, b->links, b->n_links);
    T_EQ_INT(a->n_items, b->n_items);
    for (size_t i = 0; i < a->n_items && i < b->n_items; i++) {
        const struct meta_item *x = &a->items[i], *y = &b->items[i];
        same_str(x->barcode, y->barcode);
        same_str(x->library, y->library);
        same_str(x->call_number, y->call_number);
        same_str(x->shelf_location, y->shelf_location);
        same_str(x->acquired, y->acquired);
        same_str(x->price, y->price);
        same_str(x->status, y->status);
    }
}

static void round_trip(int xml, const char *name)
{
    struct meta_rec *r = sample_rec();
    const char *path = path_in_tmp(name);
    FILE *f = fopen(path, "wb");
    struct ts_err err;
    struct meta_got g;

    T_REQUIRE(f != NULL);
    T_OK(export_marc_begin(f, xml, &err), &err);
    T_OK(export_marc_write(f, xml, r, &err), &err);
    T_OK(export_marc_write(f, xml, r, &err), &err);
    T_OK(export_marc_end(f, xml, &err), &err);
    fclose(f);

    T_OK(read_file(path, &g), NULL);
    T_EQ_INT(g.n, 2);
    T_EQ_INT(g.n_err, 0);
    for (size_t i = 0; i < g.n; i++)
        same_rec(r, g.recs[i]);
    meta_got_free(&g);
    meta_rec_free(r);
}

static void test_round_trip_iso(void)
{
    struct meta_rec *r = sample_rec();
    const char *path = path_in_tmp("rt-yaz.mrc");
    FILE *f = fopen(path, "wb");
    struct ts_err err;
    char *buf = NULL;
    size_t len;
    long n;

    round_trip(0, "rt.mrc");

    /* YAZ reads our record back without a single complaint */
    T_REQUIRE(f != NULL);
    T_OK(export_marc_write(f, 0, r, &err), &err);
    fclose(f);
    f = fopen(path, "rb");
    T_REQUIRE(f != NULL);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = ts_xmalloc((size_t)n);
    len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    {
        yaz_marc_t mt = yaz_marc_create();
        WRBUF w = wrbuf_alloc();
        T_EQ_INT(yaz_marc_read_iso2709(mt, buf, (int)len), (long long)len);
        yaz_marc_xml(mt, YAZ_MARC_CHECK);
        T_EQ_INT(yaz_marc_write_mode(mt, w), 0);
        T_EQ_INT(wrbuf_len(w), 0); /* no comments: nothing YAZ had to guess */
        T_EQ_INT(buf[9], 'a');     /* leader/09: UTF-8 */
        wrbuf_destroy(w);
        yaz_marc_destroy(mt);
    }
    free(buf);
    meta_rec_free(r);
}

static void test_round_trip_xml(void)
{
    round_trip(1, "rt.xml");
}

/* ISO 2709 cannot hold a field over 9999 bytes (YAZ would write a corrupt
 * directory): the writer refuses; MARCXML can, but our reader drops such a
 * field (with a report) and keeps the record. */
static void test_huge_field(void)
{
    struct meta_rec *r = sample_rec();
    size_t n = 1 << 20;
    const char *path = path_in_tmp("huge.xml");
    FILE *f;
    struct ts_err err;
    struct meta_got g;
    long pos;

    free(r->description);
    r->description = ts_xmalloc(n + 1);
    memset(r->description, 'x', n);
    r->description[n] = '\0';
    f = fopen(path_in_tmp("huge.mrc"), "wb");
    T_REQUIRE(f != NULL);
    T_EQ_INT(export_marc_write(f, 0, r, &err), TS_ETOOBIG);
    T_CHECK(strstr(err.msg, "9999") != NULL);
    pos = ftell(f);
    T_EQ_INT(pos, 0); /* nothing written */
    fclose(f);

    f = fopen(path, "wb");
    T_REQUIRE(f != NULL);
    T_OK(export_marc_write(f, 1, r, &err), &err);
    fclose(f);
    T_OK(read_file(path, &g), NULL);
    T_REQUIRE(g.n == 1);
    T_CHECK(g.recs[0]->description == NULL);
    T_EQ_STR(g.recs[0]->title, r->title);
    T_EQ_INT(g.n_err, 1);
    T_CHECK(strstr(g.origin[0], "field 520") != NULL);
    T_EQ_INT(g.code[0], TS_OK);
    T_CHECK(has_error(&g, "over MARC's limit"));
    meta_got_free(&g);
    meta_rec_free(r);
}

/* What the writer refuses: text that is not UTF-8 (it would make invalid
 * XML), a record too big for ISO 2709 (5,000 copies); nothing is written. */
static void test_writer_refuses(void)
{
    struct meta_rec *r = sample_rec();
    FILE *f = fopen(path_in_tmp("refused.mrc"), "wb");
    struct ts_err err;

    T_REQUIRE(f != NULL);
    free(r->title);
    r->title = ts_xstrdup("Bad \xFF byte");
    T_EQ_INT(export_marc_write(f, 0, r, &err), TS_EINVAL);
    T_EQ_INT(export_marc_write(f, 1, r, &err), TS_EINVAL);
    free(r->title);
    r->title = ts_xstrdup("Many copies");
    for (int i = 0; i < 5000; i++) {
        char bc[32];
        snprintf(bc, sizeof bc, "TV01-%06d", i);
        meta_add_item(r)->barcode = ts_xstrdup(bc);
    }
    T_EQ_INT(export_marc_write(f, 0, r, &err), TS_ETOOBIG);
    T_CHECK(strstr(err.msg, "99999") != NULL);
    T_EQ_INT(ftell(f), 0);
    T_OK(export_marc_write(f, 1, r, &err), &err); /* MARCXML has no such limit */
    fclose(f);
    meta_rec_free(r);
}

/* -------------------------------------------------------------- hostile */

/* good A, then `bad`, then good B: the bad part is reported with `reason`
 * and both good records are still read. */
static void sandwich(const char *name, const char *bad, size_t bad_len, const char *reason)
{
    const char *path = path_in_tmp(name);
    size_t la, lb;
    char *a = small_rec("A", "Record A", &la), *b = small_rec("B", "Record B", &lb);
    FILE *f = fopen(path, "wb");
    struct meta_got g;

    T_REQUIRE(f != NULL);
    fwrite(a, 1, la, f);
    fwrite(bad, 1, bad_len, f);
    fwrite(b, 1, lb, f);
    fclose(f);
    T_OK(read_file(path, &g), NULL);
    if (!T_EQ_INT(g.n, 2) || !T_EQ_INT(g.n_err, 1) || !T_CHECK(has_error(&g, reason)))
        for (size_t i = 0; i < g.n_err && i < META_GOT_KEEP; i++)
            fprintf(stderr, "  [%s] %s: %s\n", name, g.origin[i], g.msg[i]);
    if (g.n == 2) {
        T_EQ_STR(g.recs[0]->title, "Record A");
        T_EQ_STR(g.recs[1]->title, "Record B");
    }
    if (g.n_err) {
        char want[64];
        T_EQ_INT(g.code[0], TS_EPARSE);
        snprintf(want, sizeof want, "%s record 2 (byte offset %zu)", name, la);
        T_EQ_STR(g.origin[0], want);
    }
    meta_got_free(&g);
    free(a);
    free(b);
}

static void test_length_lies(void)
{
    size_t len;
    char *x = small_rec("X", "Liar", &len), digits[6];

    snprintf(digits, sizeof digits, "%05zu", len + 40); /* claims more than it has */
    memcpy(x, digits, 5);
    sandwich("longer.mrc", x, len, "does not match the data");
    snprintf(digits, sizeof digits, "%05zu", len - 10); /* claims less */
    memcpy(x, digits, 5);
    sandwich("shorter.mrc", x, len, "does not match the data");
    free(x);
}

static void test_directory_past_end(void)
{
    size_t len;
    char *x = small_rec("X", "Broken", &len);

    memcpy(x + 24 + 3 + 4, "90000", 5); /* first entry starts far past the end */
    sandwich("dir.mrc", x, len, "points past the end");
    free(x);
}

static void test_bad_indicator(void)
{
    size_t len;
    char *x = small_rec("X", "Broken", &len);
    char *ind = strstr(x + 24, "10\x1f"
                               "aBroken");

    T_REQUIRE(ind != NULL);
    ind[0] = 0x01;
    sandwich("ind.mrc", x, len, "bad indicator");
    free(x);
}

static void test_nul_byte(void)
{
    size_t len;
    char *x = small_rec("X", "Broken", &len);
    char *p = strstr(x + 24, "Broken");

    T_REQUIRE(p != NULL);
    p[3] = '\0';
    sandwich("nul.mrc", x, len, "NUL byte");
    free(x);
}

static void test_bad_marc8(void)
{
    yaz_marc_t mt = rec_new("00000nam  2200000 a 4500");
    size_t len;
    char *x;

    df(mt, "245", "10", "aBad \x1B(Z escape", NULL);
    x = rec_iso(mt, &len);
    sandwich("marc8bad.mrc", x, len, "bad MARC-8 sequence in field 245");
    free(x);
}

static void test_garbage_between(void)
{
    static const char junk[] = "GARBAGE between records \x01\x02 12ab\n";

    sandwich("garbage.mrc", junk, sizeof junk - 1, "not a MARC record");
}

static void test_not_bibliographic(void)
{
    yaz_marc_t mt = rec_new("00000nz  a2200000n  4500");
    size_t len;
    char *x;

    df(mt, "100", "1 ", "aSomeone", NULL);
    x = rec_iso(mt, &len);
    sandwich("auth.mrc", x, len, "not a bibliographic record");
    free(x);
}

static void test_truncated(void)
{
    const char *path = path_in_tmp("trunc.mrc");
    size_t la, lb;
    char *a = small_rec("A", "Record A", &la), *b = small_rec("B", "Record B", &lb);
    FILE *f = fopen(path, "wb");
    struct meta_got g;

    T_REQUIRE(f != NULL);
    fwrite(a, 1, la, f);
    fwrite(b, 1, lb / 2, f);
    fclose(f);
    T_OK(read_file(path, &g), NULL);
    T_EQ_INT(g.n, 1);
    T_EQ_INT(g.n_err, 1);
    T_CHECK(has_error(&g, "truncated"));
    meta_got_free(&g);
    free(a);
    free(b);
}

static void test_not_marc(void)
{
    const char *path = path_in_tmp("notes.txt");
    static const char text[] = "Danh sách sách mới\nhello world\n";
    struct meta_got g;

    write_bytes(path, text, sizeof text - 1);
    T_OK(read_file(path, &g), NULL);
    T_EQ_INT(g.n, 0);
    T_EQ_INT(g.n_err, 1);
    T_CHECK(has_error(&g, "not a MARC record"));
    meta_got_free(&g);

    /* a file that is not there is the caller's problem, not a report */
    {
        struct ts_err err;
        memset(&g, 0, sizeof g);
        T_EQ_INT(import_marc_read(path_in_tmp("missing.mrc"), NULL, meta_got_emit, meta_got_error,
                                  &g, &err),
                 TS_EIO);
    }
}

/* --------------------------------------------------------------- MARCXML */

#define LEADER "<leader>00000nam a2200000 i 4500</leader>"

static void read_xml_text(const char *name, const char *xml, struct meta_got *g)
{
    const char *path = path_in_tmp(name);

    write_bytes(path, xml, strlen(xml));
    T_OK(read_file(path, g), NULL);
}

static void test_xml_variants(void)
{
    struct meta_got g;

    /* marc: prefix on a collection */
    read_xml_text("prefixed.xml",
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<marc:collection xmlns:marc=\"http://www.loc.gov/MARC21/slim\">\n"
                  " <marc:record><marc:leader>00000nam a2200000 i 4500</marc:leader>"
                  "<marc:controlfield tag=\"001\">p1</marc:controlfield>"
                  "<marc:datafield tag=\"245\" ind1=\"1\" ind2=\"0\">"
                  "<marc:subfield code=\"a\">Tiếng Việt &amp; bạn</marc:subfield>"
                  "</marc:datafield></marc:record>\n"
                  " <marc:record>" /* a subfield without a code: reported, the next
                                      record still read */
                  "<marc:leader>00000nam a2200000 i 4500</marc:leader>"
                  "<marc:datafield tag=\"245\" ind1=\"1\" ind2=\"0\">"
                  "<marc:subfield>No code</marc:subfield></marc:datafield>"
                  "</marc:record>\n"
                  " <marc:record><marc:leader>00000nam a2200000 i 4500</marc:leader>"
                  "<marc:datafield tag=\"245\" ind1=\"1\" ind2=\"0\">"
                  "<marc:subfield code=\"a\"><![CDATA[Trong <CDATA>]]></marc:subfield>"
                  "</marc:datafield></marc:record>\n"
                  "</marc:collection>\n",
                  &g);
    T_EQ_INT(g.n, 2);
    T_EQ_INT(g.n_err, 1);
    if (g.n == 2) {
        T_EQ_STR(g.recs[0]->title, "Tiếng Việt & bạn");
        T_EQ_STR(g.recs[0]->source_id, "p1");
        T_EQ_STR(g.recs[1]->title, "Trong <CDATA>");
    }
    T_EQ_STR(g.origin[0], "prefixed.xml record 2 (line 4)");
    T_CHECK(has_error(&g, "code"));
    meta_got_free(&g);

    /* a single record, default namespace, no XML declaration */
    read_xml_text("single.xml",
                  "<record xmlns=\"http://www.loc.gov/MARC21/slim\">" LEADER
                  "<datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">Một"
                  "</subfield></datafield></record>",
                  &g);
    T_EQ_INT(g.n, 1);
    T_EQ_INT(g.n_err, 0);
    meta_got_free(&g);

    /* no namespace at all */
    read_xml_text("nons.xml",
                  "<collection><record>" LEADER
                  "<datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">Hai"
                  "</subfield></datafield></record></collection>",
                  &g);
    T_EQ_INT(g.n, 1);
    meta_got_free(&g);

    /* OAI-PMH: the OAI <record> is not a MARC record; the one in
     * <metadata> is */
    read_xml_text("oai.xml",
                  "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><ListRecords>"
                  "<record><header><identifier>oai:x:1</identifier></header><metadata>"
                  "<record xmlns=\"http://www.loc.gov/MARC21/slim\">" LEADER
                  "<datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">Ba"
                  "</subfield></datafield></record></metadata></record>"
                  "<record><header status=\"deleted\"><identifier>oai:x:2</identifier>"
                  "</header></record></ListRecords></OAI-PMH>",
                  &g);
    T_EQ_INT(g.n, 1);
    T_EQ_INT(g.n_err, 0);
    if (g.n)
        T_EQ_STR(g.recs[0]->title, "Ba");
    meta_got_free(&g);

    /* well-formedness lost half-way: what came before is kept (libxml2
     * parses ahead in 512-byte chunks, so the records in the chunk where
     * the error sits go down with it) */
    {
        const char *path = path_in_tmp("broken.xml");
        FILE *f = fopen(path, "wb");
        T_REQUIRE(f != NULL);
        fputs("<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n", f);
        for (int i = 0; i < 20; i++)
            fprintf(f,
                    "<record>" LEADER "<datafield tag=\"245\" ind1=\"0\" ind2=\"0\">"
                    "<subfield code=\"a\">Bốn %d</subfield></datafield></record>\n",
                    i);
        fputs("<record>" LEADER "<datafield tag=\"245\"><subfield code=\"a\">Năm"
              "</datafield></record></collection>\n",
              f);
        fclose(f);
        T_OK(read_file(path, &g), NULL);
        T_CHECK(g.n >= 17 && g.n <= 20);
        T_EQ_INT(g.n_err, 1);
        T_CHECK(has_error(&g, "not well-formed"));
        meta_got_free(&g);
    }
}

static void test_xml_entities(void)
{
    struct meta_got g;

    /* XXE: a SYSTEM entity naming a local file */
    read_xml_text("xxe.xml",
                  "<?xml version=\"1.0\"?>\n"
                  "<!DOCTYPE collection [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                  "<collection xmlns=\"http://www.loc.gov/MARC21/slim\"><record>" LEADER
                  "<datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">&xxe;"
                  "</subfield></datafield></record></collection>",
                  &g);
    T_EQ_INT(g.n, 0);
    T_EQ_INT(g.n_err, 1);
    T_CHECK(has_error(&g, "DOCTYPE"));
    meta_got_free(&g);

    /* billion laughs */
    read_xml_text("lol.xml",
                  "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                  "<!ENTITY lol \"lol\">\n"
                  "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                  "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
                  "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
                  "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
                  "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
                  "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
                  "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
                  "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
                  "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
                  "]>\n<collection><record>" LEADER
                  "<datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">&lol9;"
                  "</subfield></datafield></record></collection>",
                  &g);
    T_EQ_INT(g.n, 0);
    T_CHECK(g.n_err >= 1);
    meta_got_free(&g);
}

/* 10,000 records through the streaming reader (each record's subtree is
 * freed before the next is expanded, so memory does not grow with the file). */
static void test_xml_stream(void)
{
    const char *path = path_in_tmp("big.xml");
    FILE *f = fopen(path, "wb");
    struct meta_got g;

    T_REQUIRE(f != NULL);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n",
          f);
    for (int i = 0; i < 10000; i++)
        fprintf(f,
                "<record>" LEADER "<controlfield tag=\"001\">r%d</controlfield>"
                "<datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">Sách số %d"
                "</subfield></datafield><datafield tag=\"952\" ind1=\" \" ind2=\" \">"
                "<subfield code=\"a\">TV01</subfield><subfield code=\"p\">B%d</subfield>"
                "</datafield></record>\n",
                i, i, i);
    fputs("</collection>\n", f);
    fclose(f);
    T_OK(read_file(path, &g), NULL);
    T_EQ_INT(g.total, 10000);
    T_EQ_INT(g.n_err, 0);
    if (g.n)
        T_EQ_STR(g.recs[0]->title, "Sách số 0");
    meta_got_free(&g);
}

/* A callback's non-OK code stops the reader at once. */
static int stop_after_first(struct meta_rec *r, void *ctx)
{
    (void)ctx;
    meta_rec_free(r);
    return TS_ECONFLICT;
}

static void test_callback_stops(void)
{
    const char *path = path_in_tmp("two.mrc");
    size_t la, lb;
    char *a = small_rec("A", "A", &la), *b = small_rec("B", "B", &lb);
    FILE *f = fopen(path, "wb");
    struct ts_err err;

    T_REQUIRE(f != NULL);
    fwrite(a, 1, la, f);
    fwrite(b, 1, lb, f);
    fclose(f);
    T_EQ_INT(import_marc_read(path, NULL, stop_after_first, NULL, NULL, &err), TS_ECONFLICT);
    free(a);
    free(b);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"full_record", test_full_record},
        {"leader_and_defaults", test_leader_and_defaults},
        {"marc8", test_marc8},
        {"round_trip_iso", test_round_trip_iso},
        {"round_trip_xml", test_round_trip_xml},
        {"huge_field", test_huge_field},
        {"writer_refuses", test_writer_refuses},
        {"length_lies", test_length_lies},
        {"directory_past_end", test_directory_past_end},
        {"bad_indicator", test_bad_indicator},
        {"nul_byte", test_nul_byte},
        {"bad_marc8", test_bad_marc8},
        {"garbage_between", test_garbage_between},
        {"not_bibliographic", test_not_bibliographic},
        {"truncated", test_truncated},
        {"not_marc", test_not_marc},
        {"xml_variants", test_xml_variants},
        {"xml_entities", test_xml_entities},
        {"xml_stream", test_xml_stream},
        {"callback_stops", test_callback_stops},
        {0},
    };
    return t_main(cases, argc, argv);
}
