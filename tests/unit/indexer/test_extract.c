/*
 * tests/unit/indexer/test_extract.c - ix_extract() on every format, built in
 * memory by the test itself: EPUB 2/3, HTML (UTF-8 and Windows-1258),
 * markdown, text, a hand-written PDF with runtime xref offsets, IMS CC,
 * SCORM, plain IMS CP and H5P packages.
 *
 * The hostile files (zip bombs, lying zip headers, ../ and absolute member
 * paths, symlinks, billion laughs, external entities, 10k-deep nesting,
 * garbage/truncated/encrypted PDFs, empty and misnamed files) are generated
 * here too, with libarchive's writer or plain bytes: nothing binary is
 * committed, and each case documents the attack it stands for.
 */
#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "t.h"
#include "ts_buf.h"
#include "ts_mem.h"

/* ------------------------------------------------------------------ */
/* Builders                                                           */
/* ------------------------------------------------------------------ */

struct zb {
    struct archive *a;
    char *buf;
    size_t cap, used;
};

static void zb_open(struct zb *z, size_t cap)
{
    z->cap = cap;
    z->used = 0;
    z->buf = ts_xmalloc(cap);
    z->a = archive_write_new();
    archive_write_set_format_zip(z->a);
    archive_write_open_memory(z->a, z->buf, z->cap, &z->used);
}

static void zb_entry(struct zb *z, const char *name, unsigned type, const char *link, int64_t size)
{
    struct archive_entry *e = archive_entry_new();

    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, 0644);
    if (link)
        archive_entry_set_symlink(e, link);
    archive_entry_set_size(e, size);
    if (archive_write_header(z->a, e) != ARCHIVE_OK)
        fprintf(stderr, "zb: header %s: %s\n", name, archive_error_string(z->a));
    archive_entry_free(e);
}

static void zb_add(struct zb *z, const char *name, const char *data)
{
    size_t n = strlen(data);

    zb_entry(z, name, AE_IFREG, NULL, (int64_t)n);
    archive_write_data(z->a, data, n);
}

/* `size` bytes of zeros: deflate shrinks them about 1000:1. */
static void zb_add_zeros(struct zb *z, const char *name, size_t size)
{
    static char zeros[65536];

    zb_entry(z, name, AE_IFREG, NULL, (int64_t)size);
    for (size_t done = 0; done < size;) {
        size_t n = size - done < sizeof zeros ? size - done : sizeof zeros;
        archive_write_data(z->a, zeros, n);
        done += n;
    }
}

/* Finish; the zip bytes stay in z->buf[0..z->used) (free(z->buf)). */
static void zb_close(struct zb *z)
{
    archive_write_close(z->a);
    archive_write_free(z->a);
}

static const char container_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
    "<rootfiles><rootfile full-path=\"OEBPS/content.opf\" "
    "media-type=\"application/oebps-package+xml\"/></rootfiles></container>";

static const char xhtml_head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                 "<html xmlns=\"http://www.w3.org/1999/xhtml\">";

/* An EPUB: mimetype, container.xml pointing at OEBPS/content.opf, and the
 * given (name, content) pairs, NULL-terminated. */
static void make_epub(struct zb *z, const char *opf, const char *const *files)
{
    zb_open(z, 1 << 20);
    zb_add(z, "mimetype", "application/epub+zip");
    zb_add(z, "META-INF/container.xml", container_xml);
    if (opf)
        zb_add(z, "OEBPS/content.opf", opf);
    for (; files && files[0]; files += 2)
        zb_add(z, files[0], files[1]);
    zb_close(z);
}

/* A PDF with one page per text; xref offsets computed as we write. `info`
 * is the body of the Info dictionary or NULL; `encrypt` adds an /Encrypt
 * dictionary whose empty user password does not open it. */
static char *make_pdf(const char *const *texts, size_t n_pages, const char *info, bool encrypt,
                      size_t *len)
{
    struct ts_buf b;
    size_t n_obj = 4 + 2 * n_pages + (encrypt ? 1 : 0), xref;
    size_t *off = ts_xcalloc(n_obj + 1, sizeof *off);

    ts_buf_init(&b, 0);
    ts_buf_add(&b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    off[1] = b.len;
    ts_buf_add(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = b.len;
    ts_buf_add(&b, "2 0 obj\n<< /Type /Pages /Kids [");
    for (size_t i = 0; i < n_pages; i++)
        ts_buf_addf(&b, " %zu 0 R", 5 + 2 * i);
    ts_buf_addf(&b, " ] /Count %zu >>\nendobj\n", n_pages);
    off[3] = b.len;
    ts_buf_add(&b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   "/Encoding /WinAnsiEncoding >>\nendobj\n");
    off[4] = b.len;
    ts_buf_addf(&b, "4 0 obj\n<< %s >>\nendobj\n", info ? info : "");
    for (size_t i = 0; i < n_pages; i++) {
        struct ts_buf s;
        ts_buf_init(&s, 0);
        ts_buf_addf(&s, "BT /F1 12 Tf 72 720 Td (%s) Tj ET", texts[i]);
        off[5 + 2 * i] = b.len;
        ts_buf_addf(&b,
                    "%zu 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    "/Resources << /Font << /F1 3 0 R >> >> /Contents %zu 0 R >>\nendobj\n",
                    5 + 2 * i, 6 + 2 * i);
        off[6 + 2 * i] = b.len;
        ts_buf_addf(&b, "%zu 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", 6 + 2 * i,
                    s.len, ts_buf_str(&s));
        ts_buf_free(&s);
    }
    if (encrypt) {
        off[n_obj] = b.len;
        ts_buf_addf(&b, "%zu 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -4 /O <", n_obj);
        for (int i = 0; i < 32; i++)
            ts_buf_add(&b, "5A");
        ts_buf_add(&b, "> /U <");
        for (int i = 0; i < 32; i++)
            ts_buf_add(&b, "A5");
        ts_buf_add(&b, "> >>\nendobj\n");
    }
    xref = b.len;
    ts_buf_addf(&b, "xref\n0 %zu\n0000000000 65535 f \n", n_obj + 1);
    for (size_t i = 1; i <= n_obj; i++)
        ts_buf_addf(&b, "%010zu 00000 n \n", off[i]);
    ts_buf_addf(&b, "trailer\n<< /Size %zu /Root 1 0 R /Info 4 0 R", n_obj + 1);
    if (encrypt)
        ts_buf_addf(&b,
                    " /Encrypt %zu 0 R /ID [<0123456789ABCDEF0123456789ABCDEF>"
                    "<0123456789ABCDEF0123456789ABCDEF>]",
                    n_obj);
    ts_buf_addf(&b, " >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    free(off);
    *len = b.len;
    return ts_buf_take(&b);
}

/* ------------------------------------------------------------------ */
/* Checks                                                             */
/* ------------------------------------------------------------------ */

static bool doc_has(const struct ix_doc *d, const char *needle)
{
    for (size_t i = 0; d && i < d->n_sections; i++)
        if (strstr(d->sections[i].text, needle))
            return true;
    return false;
}

static size_t doc_text_len(const struct ix_doc *d)
{
    size_t n = 0;

    for (size_t i = 0; d && i < d->n_sections; i++)
        n += d->sections[i].text_len;
    return n;
}

static bool list_has(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* Every text field is valid UTF-8 with text_len matching. */
static bool sections_sane(const struct ix_doc *d)
{
    for (size_t i = 0; i < d->n_sections; i++)
        if (!d->sections[i].text || strlen(d->sections[i].text) != d->sections[i].text_len)
            return false;
    return true;
}

/* ix_extract with a cleared error; T_VERBOSE=1 prints each outcome. */
static int extract(const char *name, const void *p, size_t n, const struct ix_limits *lim,
                   struct ix_doc **doc, struct ts_err *err)
{
    int rc;

    ts_err_clear(err);
    rc = ix_extract(name, p, n, lim, doc, err);
    if (getenv("T_VERBOSE"))
        fprintf(stderr, "  # %s: %s %s\n", name, ts_code_name((enum ts_code)rc), err->msg);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Valid files                                                        */
/* ------------------------------------------------------------------ */

static void test_limits_and_names(void)
{
    struct ix_limits lim;

    ix_limits_default(&lim);
    T_EQ_INT(lim.max_member_bytes, 64 << 20);
    T_EQ_INT(lim.max_total_bytes, 512 << 20);
    T_EQ_INT(lim.max_text_bytes, 32 << 20);
    T_EQ_INT(lim.max_pages, 5000);
    T_CHECK(lim.max_seconds == 60.0);
    T_CHECK(ix_extract_supported("a/b/Book.EPUB"));
    T_CHECK(ix_extract_supported("x.pdf") && ix_extract_supported("x.htm") &&
            ix_extract_supported("x.xhtml") && ix_extract_supported("x.md") &&
            ix_extract_supported("x.markdown") && ix_extract_supported("x.txt") &&
            ix_extract_supported("x.text") && ix_extract_supported("x.imscc") &&
            ix_extract_supported("x.h5p") && ix_extract_supported("x.zip"));
    T_CHECK(!ix_extract_supported("x.docx") && !ix_extract_supported("README") &&
            !ix_extract_supported("dir.epub/file"));
    ix_doc_free(NULL);
}

/* EPUB 2: prefixed <opf:metadata>, a unique-identifier naming nothing, an
 * ISBN-10, NCX labels, a chapter in NFD that must come out NFC. */
static void test_epub2(void)
{
    static const char opf[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\" "
        "unique-identifier=\"NOPE\">\n"
        "<opf:metadata xmlns:opf=\"http://www.idpf.org/2007/opf\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" unique-identifier=\"urn:x\">\n"
        "  <dc:title>  Lịch sử\n   Việt Nam </dc:title>\n"
        "  <dc:creator opf:role=\"aut\">Trần Trọng Kim</dc:creator>\n"
        "  <dc:creator>Nguyễn Văn A</dc:creator>\n"
        "  <dc:creator>Trần Trọng Kim</dc:creator>\n"
        "  <dc:language>vi</dc:language>\n"
        "  <dc:identifier opf:scheme=\"ISBN\">0-306-40615-2</dc:identifier>\n"
        "  <dc:identifier>urn:uuid:ABCDEF01-2345-6789-abcd-ef0123456789</dc:identifier>\n"
        "  <dc:identifier opf:scheme=\"UUID\">1234-ABCD</dc:identifier>\n"
        "  <dc:subject>Lịch sử</dc:subject><dc:subject>Việt Nam</dc:subject>\n"
        "  <dc:description>&lt;p&gt;Một cuốn &lt;b&gt;sử&lt;/b&gt;&lt;/p&gt;</dc:description>\n"
        "  <dc:publisher>NXB Văn học</dc:publisher>\n"
        "  <dc:date>1920</dc:date>\n"
        "  <dc:rights>Public domain</dc:rights>\n"
        "</opf:metadata>\n"
        "<manifest>\n"
        "  <item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n"
        "  <item id=\"c1\" href=\"Text/ch1.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
        "  <item id=\"c2\" href=\"Text/ch%202.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
        "  <item id=\"css\" href=\"s.css\" media-type=\"text/css\"/>\n"
        "</manifest>\n"
        "<spine toc=\"ncx\"><itemref idref=\"c1\"/><itemref idref=\"css\"/>"
        "<itemref idref=\"c2\"/><itemref idref=\"missing\"/></spine>\n"
        "</package>\n";
    static const char ncx[] =
        "<?xml version=\"1.0\"?>\n"
        "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\"><navMap>"
        "<navPoint id=\"n1\"><navLabel><text>Chương một</text></navLabel>"
        "<content src=\"Text/ch1.xhtml\"/>"
        "<navPoint id=\"n1a\"><navLabel><text>Mục con</text></navLabel>"
        "<content src=\"Text/ch1.xhtml#a\"/></navPoint></navPoint>"
        "<navPoint id=\"n2\"><navLabel><text>Chương hai</text></navLabel>"
        "<content src=\"Text/ch%202.xhtml\"/></navPoint></navMap></ncx>";
    char ch1[512], ch2[512];
    const char *files[] = {
        "OEBPS/toc.ncx", ncx, "OEBPS/Text/ch1.xhtml", ch1, "OEBPS/Text/ch 2.xhtml", ch2, NULL};
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;

    /* "Việt" decomposed: e + U+0323 dot below + U+0302 circumflex. */
    snprintf(ch1, sizeof ch1,
             "%s<head><title>c1</title><style>p{color:red}</style></head><body>"
             "<h1>Một</h1><p>Nước Vie\xCC\xA3\xCC\x82t Nam</p><script>var x=1;</script>"
             "<p>second&#160;para</p></body></html>",
             xhtml_head);
    snprintf(ch2, sizeof ch2, "%s<head><title>c2</title></head><body><p>Hai %s</p></body></html>",
             xhtml_head, "trăm năm");
    make_epub(&z, opf, files);
    T_OK(extract("sach.epub", z.buf, z.used, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "epub");
    T_EQ_STR(d->resource_type, "ebook");
    T_EQ_STR(d->media_type, "application/epub+zip");
    T_EQ_STR(d->title, "Lịch sử Việt Nam");
    T_EQ_INT(d->n_authors, 2);
    if (d->n_authors == 2) {
        T_EQ_STR(d->authors[0], "Trần Trọng Kim");
        T_EQ_STR(d->authors[1], "Nguyễn Văn A");
    }
    T_EQ_STR(d->language, "vi");
    T_CHECK(list_has(d->identifiers, d->n_identifiers, "isbn:9780306406157"));
    T_CHECK(
        list_has(d->identifiers, d->n_identifiers, "uuid:abcdef01-2345-6789-abcd-ef0123456789"));
    T_EQ_INT(d->n_subjects, 2);
    T_EQ_STR(d->description, "Một cuốn sử");
    T_EQ_STR(d->publisher, "NXB Văn học");
    T_EQ_STR(d->date, "1920");
    T_EQ_STR(d->licence, "Public domain");
    T_EQ_INT(d->n_sections, 2);
    T_CHECK(sections_sane(d));
    if (d->n_sections == 2) {
        T_EQ_STR(d->sections[0].title, "Chương một");
        T_EQ_STR(d->sections[0].path, "OEBPS/Text/ch1.xhtml");
        T_EQ_STR(d->sections[1].title, "Chương hai");
        T_EQ_STR(d->sections[1].path, "OEBPS/Text/ch 2.xhtml");
        T_CHECK(strstr(d->sections[0].text, "Nước Vi\xE1\xBB\x87t Nam") != NULL); /* NFC */
        T_CHECK(strstr(d->sections[0].text, "second para") != NULL);
        T_CHECK(strstr(d->sections[0].text, "var x") == NULL);
        T_CHECK(strstr(d->sections[0].text, "color") == NULL);
        T_CHECK(strstr(d->sections[0].text, "Một\nNước") != NULL); /* block -> newline */
        T_CHECK(strstr(d->sections[1].text, "trăm năm") != NULL);
    }
    ix_doc_free(d);
    free(z.buf);
}

/* EPUB 3: nav document labels, an OPF in a subdirectory, ../ inside the
 * package, two spine entries for one file, a chapter with no label. */
static void test_epub3(void)
{
    static const char container[] =
        "<?xml version=\"1.0\"?><container version=\"1.0\" "
        "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
        "<rootfile full-path=\"EPUB/pkg/package.opf\" "
        "media-type=\"application/oebps-package+xml\"/></rootfiles></container>";
    static const char opf[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<package version=\"3.0\" xmlns=\"http://www.idpf.org/2007/opf\" "
        "unique-identifier=\"id\">"
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<dc:identifier id=\"id\">urn:isbn:978-604-1-23456-7</dc:identifier>"
        "<dc:identifier>9786041234567</dc:identifier>"
        "<dc:title id=\"t\">Sổ tay</dc:title><dc:language>vi-VN</dc:language>"
        "<meta property=\"dcterms:modified\">2022-09-22T00:00:00Z</meta></metadata>"
        "<manifest>"
        "<item id=\"nav\" href=\"../nav.xhtml\" media-type=\"application/xhtml+xml\" "
        "properties=\"nav\"/>"
        "<item id=\"a\" href=\"../text/a.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"a2\" href=\"../text/a.xhtml#part2\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"b\" href=\"../text/./b.xhtml\" media-type=\"application/xhtml+xml\"/>"
        "<item id=\"web\" href=\"http://example.org/x.xhtml\" "
        "media-type=\"application/xhtml+xml\"/>"
        "</manifest><spine><itemref idref=\"a\"/><itemref idref=\"a2\"/>"
        "<itemref idref=\"web\"/><itemref idref=\"b\" linear=\"no\"/></spine></package>";
    static const char nav[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
        "xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>nav</title></head><body>"
        "<nav epub:type=\"landmarks\"><ol><li><a href=\"text/a.xhtml\">Landmark</a></li></ol>"
        "</nav><nav epub:type=\"toc\"><ol><li><a href=\"text/a.xhtml#s1\">Phần <i>A</i></a>"
        "</li></ol></nav></body></html>";
    char a[256], b[256];
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;

    snprintf(a, sizeof a, "%s<head><title>ta</title></head><body><p>alpha</p></body></html>",
             xhtml_head);
    snprintf(b, sizeof b,
             "%s<head><title>tb</title></head><body><h2>Bê heading</h2><p>beta</p></body>"
             "</html>",
             xhtml_head);
    zb_open(&z, 1 << 20);
    zb_add(&z, "mimetype", "application/epub+zip");
    zb_add(&z, "META-INF/container.xml", container);
    zb_add(&z, "EPUB/pkg/package.opf", opf);
    zb_add(&z, "EPUB/nav.xhtml", nav);
    zb_add(&z, "EPUB/text/a.xhtml", a);
    zb_add(&z, "EPUB/text/b.xhtml", b);
    zb_close(&z);
    T_OK(extract("b.epub", z.buf, z.used, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->title, "Sổ tay");
    T_EQ_STR(d->language, "vi-VN");
    T_EQ_INT(d->n_identifiers, 1); /* both spellings are the same ISBN */
    T_CHECK(list_has(d->identifiers, d->n_identifiers, "isbn:9786041234567"));
    T_EQ_INT(d->n_sections, 2);
    if (d->n_sections == 2) {
        T_EQ_STR(d->sections[0].title, "Phần A");
        T_EQ_STR(d->sections[0].path, "EPUB/text/a.xhtml");
        T_EQ_STR(d->sections[0].text, "alpha");
        T_EQ_STR(d->sections[1].title, "Bê heading");
        T_EQ_STR(d->sections[1].path, "EPUB/text/b.xhtml");
    }
    ix_doc_free(d);
    free(z.buf);
}

/* HTML in Windows-1258 (decomposed tones), declared by <meta charset>. */
static void test_html_cp1258(void)
{
    static const char page[] = "<!DOCTYPE html><html lang=\"vi\"><head>"
                               "<meta charset=\"windows-1258\">"
                               "<title>Ti\xEA\xECng Vi\xEA\xF2t</title>"
                               "<meta name=\"description\" content=\"Trang v\xE3n h\xF3"
                               "a\">"
                               "<meta name=\"author\" content=\"Nguy\xEA\xDEn Du\">"
                               "<meta name=\"keywords\" content=\"v\xE3n h\xF3"
                               "a, Vi\xEA\xF2t Nam\">"
                               "<script>document.write('hidden')</script></head>"
                               "<body><div>Ch\xE0o&nbsp;ba\xF2n</div><noscript>nojs</noscript>"
                               "<p>Ti\xEA\xECng   Vi\xEA\xF2t<br>do\xCCng hai</p></body></html>";
    struct ix_doc *d = NULL;
    struct ts_err err;

    T_OK(extract("trang.html", page, sizeof page - 1, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "html");
    T_EQ_STR(d->resource_type, "web_page");
    T_EQ_STR(d->encoding, "windows-1258");
    T_EQ_STR(d->title, "Tiếng Việt");
    T_EQ_STR(d->language, "vi");
    T_EQ_INT(d->n_authors, 1);
    if (d->n_authors == 1)
        T_EQ_STR(d->authors[0], "Nguyễn Du");
    T_EQ_INT(d->n_subjects, 2);
    T_EQ_STR(d->description, "Trang văn hóa");
    T_EQ_INT(d->n_sections, 1);
    if (d->n_sections == 1) {
        T_CHECK(d->sections[0].path == NULL);
        T_EQ_STR(d->sections[0].title, "Tiếng Việt");
        T_CHECK(strstr(d->sections[0].text, "Chào bạn\nTiếng Việt\ndòng hai") != NULL);
        T_CHECK(strstr(d->sections[0].text, "hidden") == NULL);
        T_CHECK(strstr(d->sections[0].text, "nojs") == NULL);
    }
    ix_doc_free(d);
}

static void test_html_utf8(void)
{
    static const char page[] =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
        "</head><body><nav>Menu</nav><h1>Tiêu &amp; đề</h1><pre>a  b\n  c</pre>"
        "<table><tr><td>x</td><td>y</td></tr></table><template>tpl</template>"
        "</body></html>";
    struct ix_doc *d = NULL;
    struct ts_err err;

    T_OK(extract("p.htm", page, sizeof page - 1, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->title, "Tiêu & đề"); /* no <title>: first h1 */
    T_EQ_STR(d->encoding, "utf-8");
    T_REQUIRE(d->n_sections == 1);
    T_CHECK(strstr(d->sections[0].text, "Menu\nTiêu & đề\na  b\n  c\nx y") != NULL);
    T_CHECK(strstr(d->sections[0].text, "tpl") == NULL);
    ix_doc_free(d);
}

static void test_markdown(void)
{
    static const char md[] = "---\n"
                             "title: \"Ghi chú\"\n"
                             "author: Lê Văn B\n"
                             "lang: vi\n"
                             "---\n"
                             "Lời mở đầu với [liên kết](http://example.org/secret-url).\n"
                             "\n"
                             "# Chương 1 #\n"
                             "Nội dung ![ảnh](img/a.png) một.\n"
                             "```\n"
                             "# not a heading\n"
                             "```\n"
                             "## Chương 2\n"
                             "[ref]: http://example.org/ref-url\n"
                             "Nội dung hai.\n";
    struct ix_doc *d = NULL;
    struct ts_err err;

    T_OK(extract("notes.md", md, sizeof md - 1, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "markdown");
    T_EQ_STR(d->title, "Ghi chú");
    T_EQ_STR(d->language, "vi");
    T_EQ_INT(d->n_authors, 1);
    T_EQ_STR(d->encoding, "utf-8");
    T_EQ_INT(d->n_sections, 3);
    if (d->n_sections == 3) {
        T_CHECK(d->sections[0].title == NULL);
        T_EQ_STR(d->sections[0].path, "line=6");
        T_EQ_STR(d->sections[1].title, "Chương 1");
        T_EQ_STR(d->sections[1].path, "line=8");
        T_EQ_STR(d->sections[2].title, "Chương 2");
        T_CHECK(strstr(d->sections[1].text, "# not a heading") != NULL);
        T_CHECK(strstr(d->sections[1].text, "ảnh") != NULL);
    }
    T_CHECK(doc_has(d, "liên kết"));
    T_CHECK(!doc_has(d, "secret-url") && !doc_has(d, "ref-url") && !doc_has(d, "img/a.png"));
    ix_doc_free(d);

    /* No front matter: the first heading is the title. */
    T_OK(extract("x.markdown", "\n\n# Tựa đề\n\nthân bài\n", 22, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->title, "Tựa đề");
    ix_doc_free(d);
}

static void test_text(void)
{
    static const char txt[] = "Truyện Kiều\n\nTrăm năm trong cõi người ta,\n"
                              "Chữ tài chữ mệnh khéo là ghét nhau.\n";
    char longline[300];
    struct ix_doc *d = NULL;
    struct ts_err err;

    T_OK(extract("kieu.txt", txt, sizeof txt - 1, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "text");
    T_EQ_STR(d->resource_type, "text");
    T_EQ_STR(d->title, "Truyện Kiều");
    T_EQ_STR(d->encoding, "utf-8");
    T_EQ_INT(d->n_sections, 1);
    T_CHECK(doc_has(d, "Chữ tài chữ mệnh"));
    ix_doc_free(d);

    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    T_OK(extract("long.text", longline, strlen(longline), NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_CHECK(d->title == NULL); /* too long to be a title */
    ix_doc_free(d);
}

static const char pdf_info[] = "/Title (Hai trang) /Author (Alice; Bob) "
                               "/Subject (A tiny test) /Keywords (alpha, beta)";

static void test_pdf(void)
{
    const char *pages[] = {"Hello first page", "Second page words"};
    size_t len;
    char *pdf = make_pdf(pages, 2, pdf_info, false, &len);
    struct ix_doc *d = NULL;
    struct ts_err err;

    T_OK(extract("x.bin", pdf, len, NULL, &d, &err), &err); /* found by content */
    T_REQUIRE(d);
    T_EQ_STR(d->format, "pdf");
    T_EQ_STR(d->resource_type, "document");
    T_EQ_STR(d->title, "Hai trang");
    T_EQ_INT(d->n_authors, 2);
    T_EQ_STR(d->description, "A tiny test");
    T_EQ_INT(d->n_subjects, 2);
    T_EQ_INT(d->n_sections, 2);
    if (d->n_sections == 2) {
        T_CHECK(d->sections[0].title == NULL);
        T_EQ_STR(d->sections[0].path, "page=1");
        T_EQ_STR(d->sections[1].path, "page=2");
        T_CHECK(strstr(d->sections[0].text, "Hello first page") != NULL);
        T_CHECK(strstr(d->sections[1].text, "Second page words") != NULL);
    }
    ix_doc_free(d);
    free(pdf);
}

static void test_pdf_bounded(void)
{
    const char *pages[40];
    struct ix_limits lim;
    size_t len;
    char *pdf;
    struct ix_doc *d = NULL;
    struct ts_err err;

    for (int i = 0; i < 40; i++)
        pages[i] = "page text";
    pdf = make_pdf(pages, 40, NULL, false, &len);
    ix_limits_default(&lim);
    lim.max_pages = 5;
    T_OK(extract("many.pdf", pdf, len, &lim, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_INT(d->n_sections, 5);
    T_EQ_STR(d->sections[4].path, "page=5");
    ix_doc_free(d);

    /* No time left: stop at once, keep the metadata. */
    ix_limits_default(&lim);
    lim.max_seconds = 0;
    T_OK(extract("many.pdf", pdf, len, &lim, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_INT(d->n_sections, 0);
    ix_doc_free(d);

    /* Text budget: cut, never over. */
    ix_limits_default(&lim);
    lim.max_text_bytes = 25;
    T_OK(extract("many.pdf", pdf, len, &lim, &d, &err), &err);
    T_REQUIRE(d);
    T_CHECK(doc_text_len(d) <= 25);
    T_CHECK(d->n_sections >= 2 && d->n_sections <= 3);
    ix_doc_free(d);
    free(pdf);
}

struct pdf_job {
    const char *pdf;
    size_t len;
    int failures;
};

static void *pdf_worker(void *arg)
{
    struct pdf_job *job = arg;

    for (int i = 0; i < 15; i++) {
        struct ix_doc *d = NULL;
        struct ts_err err;
        if (ix_extract("t.pdf", job->pdf, job->len, NULL, &d, &err) != TS_OK || !d ||
            d->n_sections != 2 || !doc_has(d, "Second page"))
            job->failures++;
        ix_doc_free(d);
    }
    return NULL;
}

/* Two threads extracting PDFs at once (different documents, same bytes). */
static void test_pdf_threads(void)
{
    const char *pages[] = {"Hello first page", "Second page words"};
    struct pdf_job jobs[2];
    pthread_t th[2];
    size_t len;
    char *pdf = make_pdf(pages, 2, pdf_info, false, &len);
    char *copy = ts_xmalloc(len);

    memcpy(copy, pdf, len);
    jobs[0] = (struct pdf_job){pdf, len, 0};
    jobs[1] = (struct pdf_job){copy, len, 0};
    for (int i = 0; i < 2; i++)
        T_REQUIRE(pthread_create(&th[i], NULL, pdf_worker, &jobs[i]) == 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    T_EQ_INT(jobs[0].failures + jobs[1].failures, 0);
    free(pdf);
    free(copy);
}

/* IMS Common Cartridge 1.1 with a LOM, item titles, xml:base. */
static void test_imscc(void)
{
    static const char manifest[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<manifest identifier=\"cc1\" "
        "xmlns=\"http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1\" "
        "xmlns:lomimscc=\"http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest\">"
        "<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion>"
        "<lomimscc:lom><lomimscc:general>"
        "<lomimscc:title><lomimscc:string language=\"en\">Water cycle</lomimscc:string>"
        "</lomimscc:title>"
        "<lomimscc:description><lomimscc:string>How water moves</lomimscc:string>"
        "</lomimscc:description>"
        "<lomimscc:language>en</lomimscc:language>"
        "<lomimscc:keyword><lomimscc:string>water</lomimscc:string></lomimscc:keyword>"
        "<lomimscc:keyword><lomimscc:string>rain</lomimscc:string></lomimscc:keyword>"
        "</lomimscc:general>"
        "<lomimscc:rights><lomimscc:description><lomimscc:string>CC BY 4.0</lomimscc:string>"
        "</lomimscc:description></lomimscc:rights></lomimscc:lom></metadata>"
        "<organizations><organization identifier=\"O1\" structure=\"rooted-hierarchy\">"
        "<item identifier=\"root\"><item identifier=\"i1\" identifierref=\"R1\">"
        "<title>Week one</title></item></item></organization></organizations>"
        "<resources>"
        "<resource identifier=\"R1\" type=\"webcontent\" href=\"wk1/intro.html\">"
        "<file href=\"wk1/intro.html\"/><file href=\"wk1/pic.png\"/></resource>"
        "<resource identifier=\"R2\" type=\"webcontent\" xml:base=\"extra/\">"
        "<file href=\"more.html\"/></resource>"
        "<resource identifier=\"R3\" type=\"imsdt_xmlv1p1\"><file href=\"dt.xml\"/></resource>"
        "</resources></manifest>";
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;

    zb_open(&z, 1 << 20);
    zb_add(&z, "imsmanifest.xml", manifest);
    zb_add(&z, "wk1/intro.html", "<html><body><p>Evaporation and rain</p></body></html>");
    zb_add(&z, "extra/more.html",
           "<html><head><title>More reading</title></head><body>Condensation</body></html>");
    zb_add(&z, "dt.xml", "<topic/>");
    zb_close(&z);
    T_OK(extract("course.imscc", z.buf, z.used, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "imscc");
    T_EQ_STR(d->resource_type, "lesson_package");
    T_EQ_STR(d->title, "Water cycle");
    T_EQ_STR(d->description, "How water moves");
    T_EQ_STR(d->language, "en");
    T_EQ_STR(d->licence, "CC BY 4.0");
    T_EQ_INT(d->n_subjects, 2);
    T_EQ_INT(d->n_sections, 2);
    if (d->n_sections == 2) {
        T_EQ_STR(d->sections[0].title, "Week one");
        T_EQ_STR(d->sections[0].path, "wk1/intro.html");
        T_EQ_STR(d->sections[0].text, "Evaporation and rain");
        T_EQ_STR(d->sections[1].title, "More reading");
        T_EQ_STR(d->sections[1].path, "extra/more.html");
    }
    ix_doc_free(d);
    free(z.buf);
}

/* SCORM 1.2: adlcp namespace, IMS MD langstrings, vCard author. */
static void test_scorm(void)
{
    static const char manifest[] =
        "<?xml version=\"1.0\"?>\n"
        "<manifest identifier=\"s1\" version=\"1.0\" "
        "xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\" "
        "xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\" "
        "xmlns:imsmd=\"http://www.imsglobal.org/xsd/imsmd_rootv1p2p1\">"
        "<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion>"
        "<imsmd:lom><imsmd:general><imsmd:title><imsmd:langstring xml:lang=\"vi\">"
        "Bài học về nước</imsmd:langstring></imsmd:title>"
        "<imsmd:language>vi</imsmd:language>"
        "<imsmd:keyword><imsmd:langstring>nước</imsmd:langstring></imsmd:keyword>"
        "</imsmd:general><imsmd:lifecycle><imsmd:contribute><imsmd:role>"
        "<imsmd:value><imsmd:langstring>Author</imsmd:langstring></imsmd:value></imsmd:role>"
        "<imsmd:centity><imsmd:vcard>BEGIN:VCARD\nVERSION:2.1\nFN:Phạm Thị C\nEND:VCARD"
        "</imsmd:vcard></imsmd:centity></imsmd:contribute></imsmd:lifecycle>"
        "</imsmd:lom></metadata>"
        "<organizations default=\"ORG\"><organization identifier=\"X\"><title>Sai</title>"
        "</organization><organization identifier=\"ORG\"><title>Khóa học</title>"
        "<item identifier=\"I2\" identifierref=\"R2\"><title>Bài 2</title></item>"
        "<item identifier=\"I1\" identifierref=\"R1\"><title>Bài 1</title></item>"
        "</organization></organizations><resources>"
        "<resource identifier=\"R1\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
        "href=\"bai1/index.html\"><file href=\"bai1/index.html\"/>"
        "<file href=\"bai1/extra.htm\"/><file href=\"bai1/s.css\"/></resource>"
        "<resource identifier=\"R2\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
        "href=\"bai2.html?x=1\"><file href=\"bai2.html\"/></resource>"
        "</resources></manifest>";
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;

    zb_open(&z, 1 << 20);
    zb_add(&z, "imsmanifest.xml", manifest);
    zb_add(&z, "bai1/index.html",
           "<html><head><title>Nước là gì</title></head><body>Nước là chất lỏng</body></html>");
    zb_add(&z, "bai1/extra.htm", "<html><body>Thêm</body></html>");
    zb_add(&z, "bai2.html", "<html><body>Vòng tuần hoàn</body></html>");
    zb_close(&z);
    T_OK(extract("course.zip", z.buf, z.used, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "scorm");
    T_EQ_STR(d->title, "Bài học về nước");
    T_EQ_STR(d->language, "vi");
    T_EQ_INT(d->n_authors, 1);
    if (d->n_authors == 1)
        T_EQ_STR(d->authors[0], "Phạm Thị C");
    T_EQ_INT(d->n_sections, 3);
    if (d->n_sections == 3) {
        T_EQ_STR(d->sections[0].title, "Bài 2"); /* organization order */
        T_EQ_STR(d->sections[0].path, "bai2.html");
        T_EQ_STR(d->sections[1].title, "Nước là gì");
        T_EQ_STR(d->sections[2].title, "Bài 1");
        T_EQ_STR(d->sections[2].path, "bai1/extra.htm");
    }
    ix_doc_free(d);
    free(z.buf);
}

/* Plain IMS CP with no LOM: the organization gives the title. */
static void test_imscp(void)
{
    static const char manifest[] =
        "<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\">"
        "<organizations default=\"o\"><organization identifier=\"o\"><title>Gói nội dung</title>"
        "<item identifier=\"i\" identifierref=\"r\"><title>Trang</title></item>"
        "</organization></organizations><resources><resource identifier=\"r\" "
        "type=\"webcontent\" href=\"index.html\"/></resources></manifest>";
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;

    zb_open(&z, 1 << 20);
    zb_add(&z, "imsmanifest.xml", manifest);
    zb_add(&z, "index.html", "<p>Xin chào</p>");
    zb_close(&z);
    T_OK(extract("pkg.zip", z.buf, z.used, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "imscp");
    T_EQ_STR(d->title, "Gói nội dung");
    T_EQ_INT(d->n_sections, 1);
    if (d->n_sections == 1)
        T_EQ_STR(d->sections[0].title, "Trang");
    ix_doc_free(d);
    free(z.buf);
}

static void test_h5p(void)
{
    static const char h5p_json[] =
        "{\"title\":\"Quang hợp\",\"language\":\"vi\",\"mainLibrary\":\"H5P.Column\","
        "\"license\":\"CC BY-SA\",\"licenseVersion\":\"4.0\","
        "\"authors\":[{\"name\":\"Đỗ Minh\",\"role\":\"Author\"}],"
        "\"preloadedDependencies\":[{\"machineName\":\"H5P.Column\",\"majorVersion\":1}]}";
    static const char content[] =
        "{\"content\":[{\"content\":{\"library\":\"H5P.AdvancedText 1.1\","
        "\"params\":{\"text\":\"<p>Cây xanh <strong>hấp thụ</strong> &amp; ánh sáng</p>\"},"
        "\"subContentId\":\"0b5d-uuid\"}},{\"content\":{\"library\":\"H5P.Image 1.1\","
        "\"params\":{\"alt\":\"Sơ đồ lá\",\"file\":{\"path\":\"images/leaf.png\","
        "\"mime\":\"image/png\"}}}}],\"l10n\":{\"check\":\"ZZUISTRING\"},"
        "\"behaviour\":{\"enableRetry\":true}}";
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;

    zb_open(&z, 1 << 20);
    zb_add(&z, "h5p.json", h5p_json);
    zb_add(&z, "content/content.json", content);
    zb_add(&z, "H5P.Column-1.16/library.json", "{}");
    zb_close(&z);
    T_OK(extract("quiz.h5p", z.buf, z.used, NULL, &d, &err), &err);
    T_REQUIRE(d);
    T_EQ_STR(d->format, "h5p");
    T_EQ_STR(d->resource_type, "lesson_package");
    T_EQ_STR(d->title, "Quang hợp");
    T_EQ_STR(d->language, "vi");
    T_EQ_STR(d->licence, "CC BY-SA 4.0");
    T_EQ_INT(d->n_authors, 1);
    T_EQ_INT(d->n_sections, 1);
    T_CHECK(doc_has(d, "Cây xanh hấp thụ & ánh sáng"));
    T_CHECK(doc_has(d, "Sơ đồ lá"));
    T_CHECK(!doc_has(d, "H5P.") && !doc_has(d, "ZZUISTRING") && !doc_has(d, "leaf.png") &&
            !doc_has(d, "<p>"));
    if (d->n_sections == 1)
        T_EQ_STR(d->sections[0].path, "content/content.json");
    ix_doc_free(d);
    free(z.buf);
}

/* ------------------------------------------------------------------ */
/* Hostile files                                                      */
/* ------------------------------------------------------------------ */

static const char small_opf[] =
    "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
    "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>T</dc:title></metadata>"
    "<manifest><item id=\"c\" href=\"c.xhtml\" media-type=\"application/xhtml+xml\"/>"
    "</manifest><spine><itemref idref=\"c\"/></spine></package>";

/* A chapter of 200 MiB of zeros (~200 KiB compressed), over the 64 MiB
 * member limit; then many members that together pass max_total_bytes. */
static void test_zip_bomb(void)
{
    struct ix_limits lim;
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;
    int rc;

    zb_open(&z, 4 << 20);
    zb_add(&z, "mimetype", "application/epub+zip");
    zb_add(&z, "META-INF/container.xml", container_xml);
    zb_add(&z, "OEBPS/content.opf", small_opf);
    zb_add_zeros(&z, "OEBPS/c.xhtml", (size_t)200 << 20);
    zb_close(&z);
    T_CHECK(z.used < (2 << 20));
    rc = extract("bomb.epub", z.buf, z.used, NULL, &d, &err);
    T_EQ_INT(rc, TS_ETOOBIG);
    T_CHECK(d == NULL);
    T_CHECK(strstr(err.msg, "max_member_bytes") != NULL);
    free(z.buf);

    /* Total: ten 600 KiB members under a 1 MiB member / 4 MiB total limit. */
    {
        static const char manifest[] =
            "<manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"><resources>"
            "<resource identifier=\"r\" type=\"webcontent\">"
            "<file href=\"0.html\"/><file href=\"1.html\"/><file href=\"2.html\"/>"
            "<file href=\"3.html\"/><file href=\"4.html\"/><file href=\"5.html\"/>"
            "<file href=\"6.html\"/><file href=\"7.html\"/><file href=\"8.html\"/>"
            "<file href=\"9.html\"/></resource></resources></manifest>";
        char name[16];
        zb_open(&z, 4 << 20);
        zb_add(&z, "imsmanifest.xml", manifest);
        for (int i = 0; i < 10; i++) {
            snprintf(name, sizeof name, "%d.html", i);
            zb_add_zeros(&z, name, 600 << 10);
        }
        zb_close(&z);
        ix_limits_default(&lim);
        lim.max_member_bytes = 1 << 20;
        lim.max_total_bytes = 4 << 20;
        rc = extract("many.zip", z.buf, z.used, &lim, &d, &err);
        T_EQ_INT(rc, TS_ETOOBIG);
        T_CHECK(strstr(err.msg, "max_total_bytes") != NULL);
        free(z.buf);
    }
}

/* Rewrite the uncompressed-size fields of member `name` (local and central
 * headers) to `size`: the headers now lie about how much it inflates to. */
static void patch_sizes(char *zip, size_t len, const char *name, uint32_t size)
{
    size_t k = strlen(name);

    for (size_t i = 0; i + 46 + k <= len; i++) {
        unsigned char *p = (unsigned char *)zip + i;
        size_t at = 0;
        if (memcmp(p, "PK\3\4", 4) == 0 && memcmp(p + 30, name, k) == 0)
            at = 22;
        else if (memcmp(p, "PK\1\2", 4) == 0 && memcmp(p + 46, name, k) == 0)
            at = 24;
        if (at) {
            p[at] = (unsigned char)size;
            p[at + 1] = (unsigned char)(size >> 8);
            p[at + 2] = (unsigned char)(size >> 16);
            p[at + 3] = (unsigned char)(size >> 24);
        }
    }
}

static void test_zip_lying_sizes(void)
{
    struct ix_limits lim;
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;
    int rc;

    zb_open(&z, 1 << 20);
    zb_add(&z, "mimetype", "application/epub+zip");
    zb_add(&z, "META-INF/container.xml", container_xml);
    zb_add(&z, "OEBPS/content.opf", small_opf);
    zb_add_zeros(&z, "OEBPS/c.xhtml", 4 << 20);
    zb_close(&z);
    ix_limits_default(&lim);
    lim.max_member_bytes = 1 << 20;
    patch_sizes(z.buf, z.used, "OEBPS/c.xhtml", 100);
    rc = extract("liar.epub", z.buf, z.used, &lim, &d, &err);
    T_EQ_INT(rc, TS_ETOOBIG); /* counted while inflating, not taken from the header */
    T_CHECK(strstr(err.msg, "max_member_bytes") != NULL);
    T_CHECK(d == NULL);
    free(z.buf);
}

static void test_zip_unsafe_paths(void)
{
    const char *bad[] = {"../evil.xhtml", "/etc/passwd", "OEBPS/../../x", "a\\..\\..\\b"};
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;
    int rc;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zb_open(&z, 1 << 20);
        zb_add(&z, "META-INF/container.xml", container_xml);
        zb_add(&z, "OEBPS/content.opf", small_opf);
        zb_add(&z, bad[i], "x");
        zb_close(&z);
        rc = extract("p.epub", z.buf, z.used, NULL, &d, &err);
        T_EQ_INT(rc, TS_EPARSE);
        T_CHECK(strstr(err.msg, "unsafe") != NULL);
        T_CHECK(d == NULL);
        free(z.buf);
    }

    /* Symlink member pointing at a system file. */
    zb_open(&z, 1 << 20);
    zb_add(&z, "META-INF/container.xml", container_xml);
    zb_add(&z, "OEBPS/content.opf", small_opf);
    zb_entry(&z, "OEBPS/c.xhtml", AE_IFLNK, "/etc/passwd", 0);
    zb_close(&z);
    rc = extract("link.epub", z.buf, z.used, NULL, &d, &err);
    T_EQ_INT(rc, TS_EPARSE);
    T_CHECK(strstr(err.msg, "link") != NULL);
    free(z.buf);

    /* OPF hrefs that climb out of the package or are absolute. */
    {
        static const char opf[] =
            "<package xmlns=\"http://www.idpf.org/2007/opf\"><metadata/><manifest>"
            "<item id=\"c\" href=\"../../../etc/passwd\" media-type=\"application/xhtml+xml\"/>"
            "</manifest><spine><itemref idref=\"c\"/></spine></package>";
        static const char opf_abs[] =
            "<package xmlns=\"http://www.idpf.org/2007/opf\"><metadata/><manifest>"
            "<item id=\"c\" href=\"/etc/passwd\" media-type=\"application/xhtml+xml\"/>"
            "</manifest><spine><itemref idref=\"c\"/></spine></package>";
        make_epub(&z, opf, NULL);
        T_EQ_INT(extract("up.epub", z.buf, z.used, NULL, &d, &err), TS_EPARSE);
        T_CHECK(strstr(err.msg, "outside the package") != NULL);
        free(z.buf);
        make_epub(&z, opf_abs, NULL);
        T_EQ_INT(extract("abs.epub", z.buf, z.used, NULL, &d, &err), TS_EPARSE);
        free(z.buf);
    }
}

static const char laughs_dtd[] =
    "<!DOCTYPE html [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    " <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
    "]>\n";

/* Billion laughs and an external entity, in a chapter and in the OPF. */
static void test_xml_entities(void)
{
    char chapter[4096], opf[4096];
    const char *files[] = {"OEBPS/c.xhtml", chapter, NULL};
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;
    int rc;

    snprintf(chapter, sizeof chapter,
             "<?xml version=\"1.0\"?>\n%s<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>"
             "<p>start &lol9; &xxe; end</p></body></html>",
             laughs_dtd);
    make_epub(&z, small_opf, files);
    rc = extract("lol.epub", z.buf, z.used, NULL, &d, &err);
    T_OK(rc, &err);
    T_REQUIRE(d);
    T_CHECK(doc_text_len(d) < 1000);
    T_CHECK(doc_has(d, "start") && doc_has(d, "end"));
    T_CHECK(!doc_has(d, "root:"));
    T_CHECK(!doc_has(d, "lollollol"));
    ix_doc_free(d);
    d = NULL;
    free(z.buf);

    snprintf(opf, sizeof opf,
             "<?xml version=\"1.0\"?>\n%s<package xmlns=\"http://www.idpf.org/2007/opf\">"
             "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
             "<dc:title>A &lol9; B &xxe;</dc:title><dc:creator>&lol9;</dc:creator></metadata>"
             "<manifest/><spine/></package>",
             laughs_dtd);
    make_epub(&z, opf, NULL);
    rc = extract("lol2.epub", z.buf, z.used, NULL, &d, &err);
    T_CHECK(rc == TS_OK || rc == TS_EPARSE);
    if (d) {
        T_CHECK(!d->title || (strlen(d->title) < 100 && !strstr(d->title, "root:")));
        T_CHECK(d->n_authors == 0 || strlen(d->authors[0]) < 100);
    }
    ix_doc_free(d);
    free(z.buf);

    /* The same DTD in a stand-alone HTML file. */
    snprintf(chapter, sizeof chapter, "%s<html><body><p>x &lol9; &xxe; y</p></body></html>",
             laughs_dtd);
    d = NULL;
    T_OK(extract("lol.html", chapter, strlen(chapter), NULL, &d, &err), &err);
    T_CHECK(d && doc_text_len(d) < 2000 && !doc_has(d, "root:"));
    ix_doc_free(d);
}

/* 10k nested elements: refused in the OPF (XML), survived in pages. */
static void test_deep_nesting(void)
{
    struct ts_buf b, o;
    const char *files[3] = {"OEBPS/c.xhtml", NULL, NULL};
    struct zb z;
    struct ix_doc *d = NULL;
    struct ts_err err;
    int rc;

    ts_buf_init(&b, 0);
    ts_buf_add(&b, "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>");
    for (int i = 0; i < 10000; i++)
        ts_buf_add(&b, "<div>");
    ts_buf_add(&b, "deep");
    for (int i = 0; i < 10000; i++)
        ts_buf_add(&b, "</div>");
    ts_buf_add(&b, "</body></html>");
    files[1] = ts_buf_str(&b);
    make_epub(&z, small_opf, files);
    rc = extract("deep.epub", z.buf, z.used, NULL, &d, &err);
    T_OK(rc, &err);
    ix_doc_free(d);
    d = NULL;
    free(z.buf);

    ts_buf_init(&o, 0);
    ts_buf_add(&o, "<package xmlns=\"http://www.idpf.org/2007/opf\"><metadata>");
    for (int i = 0; i < 10000; i++)
        ts_buf_add(&o, "<x>");
    for (int i = 0; i < 10000; i++)
        ts_buf_add(&o, "</x>");
    ts_buf_add(&o, "</metadata></package>");
    make_epub(&z, ts_buf_str(&o), NULL);
    rc = extract("deep-opf.epub", z.buf, z.used, NULL, &d, &err);
    T_EQ_INT(rc, TS_EPARSE);
    T_CHECK(strstr(err.msg, "not well-formed") != NULL);
    free(z.buf);

    rc = extract("deep.html", b.data, b.len, NULL, &d, &err);
    T_OK(rc, &err);
    ix_doc_free(d);
    ts_buf_free(&b);
    ts_buf_free(&o);
}

static void test_bad_pdf(void)
{
    const char *pages[] = {"Hello first page", "Second page words"};
    static const char garbage[] = "%PDF-1.7\n\x01\x02garbage that is not a pdf at all\n";
    size_t len;
    char *pdf = make_pdf(pages, 2, NULL, false, &len);
    struct ix_doc *d = NULL;
    struct ts_err err;
    int rc;

    rc = extract("g.pdf", garbage, sizeof garbage - 1, NULL, &d, &err);
    T_EQ_INT(rc, TS_EPARSE);
    T_CHECK(strncmp(err.msg, "PDF: ", 5) == 0);
    T_CHECK(d == NULL);

    /* Truncated mid-file: poppler may rebuild the xref; either way no crash
     * and never an invented page. */
    rc = extract("t.pdf", pdf, len / 2, NULL, &d, &err);
    T_CHECK(rc == TS_OK || rc == TS_EPARSE);
    T_CHECK(!d || d->n_sections <= 2);
    ix_doc_free(d);
    d = NULL;
    free(pdf);

    pdf = make_pdf(pages, 2, NULL, true, &len);
    rc = extract("e.pdf", pdf, len, NULL, &d, &err);
    T_EQ_INT(rc, TS_EPARSE);
    T_CHECK(strstr(err.msg, "encrypted") != NULL);
    free(pdf);

    pdf = make_pdf(pages, 0, NULL, false, &len);
    rc = extract("none.pdf", pdf, len, NULL, &d, &err);
    T_EQ_INT(rc, TS_EPARSE);
    free(pdf);
}

static void test_empty_and_misnamed(void)
{
    static const char *const names[] = {"a.epub", "a.pdf", "a.txt", "a.html", "a.h5p"};
    struct ix_doc *d = NULL;
    struct ts_err err;
    struct zb z;

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        T_EQ_INT(extract(names[i], "", 0, NULL, &d, &err), TS_EPARSE);
        T_EQ_STR(err.msg, "empty file");
        T_CHECK(d == NULL);
    }
    T_EQ_INT(extract("book.epub", "<html>not a zip</html>", 22, NULL, &d, &err), TS_EPARSE);
    T_EQ_STR(err.msg, "not a zip archive");
    T_EQ_INT(extract("book.pdf", "hello", 5, NULL, &d, &err), TS_EPARSE);
    T_EQ_INT(extract("photo.jpg", "\xFF\xD8\xFF\xE0", 4, NULL, &d, &err), TS_EINVAL);
    T_EQ_STR(err.msg, "unsupported file type");
    T_EQ_INT(extract("noext", "hello", 5, NULL, &d, &err), TS_EINVAL);
    /* Truncated zip: a local header and nothing else. */
    T_EQ_INT(extract("cut.epub", "PK\3\4\x14\0\0\0", 8, NULL, &d, &err), TS_EPARSE);

    /* A zip with none of the known members. */
    zb_open(&z, 1 << 20);
    zb_add(&z, "readme.txt", "hi");
    zb_close(&z);
    T_EQ_INT(extract("stuff.zip", z.buf, z.used, NULL, &d, &err), TS_EINVAL);
    T_EQ_INT(extract("stuff.epub", z.buf, z.used, NULL, &d, &err), TS_EPARSE);
    free(z.buf);

    /* An EPUB whose container points at a missing OPF. */
    make_epub(&z, NULL, NULL);
    T_EQ_INT(extract("noopf.epub", z.buf, z.used, NULL, &d, &err), TS_EPARSE);
    T_CHECK(strstr(err.msg, "missing") != NULL);
    free(z.buf);

    /* Broken JSON in an H5P package. */
    zb_open(&z, 1 << 20);
    zb_add(&z, "h5p.json", "{\"title\": ");
    zb_close(&z);
    T_EQ_INT(extract("x.h5p", z.buf, z.used, NULL, &d, &err), TS_EPARSE);
    T_CHECK(strncmp(err.msg, "H5P: ", 5) == 0);
    free(z.buf);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"limits_and_names", test_limits_and_names},
        {"epub2", test_epub2},
        {"epub3", test_epub3},
        {"html_cp1258", test_html_cp1258},
        {"html_utf8", test_html_utf8},
        {"markdown", test_markdown},
        {"text", test_text},
        {"pdf", test_pdf},
        {"pdf_bounded", test_pdf_bounded},
        {"pdf_threads", test_pdf_threads},
        {"imscc", test_imscc},
        {"scorm", test_scorm},
        {"imscp", test_imscp},
        {"h5p", test_h5p},
        {"hostile_zip_bomb", test_zip_bomb},
        {"hostile_zip_lying_sizes", test_zip_lying_sizes},
        {"hostile_zip_paths", test_zip_unsafe_paths},
        {"hostile_xml_entities", test_xml_entities},
        {"hostile_deep_nesting", test_deep_nesting},
        {"hostile_pdf", test_bad_pdf},
        {"hostile_empty_misnamed", test_empty_and_misnamed},
        {NULL, NULL},
    };
    return t_main(cases, argc, argv);
}
