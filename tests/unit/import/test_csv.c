/*
 * tests/unit/import/test_csv.c - the CSV/TSV reader and writer (import/csv.h):
 * a Vietnamese spreadsheet in every encoding librarians send (UTF-8 with and
 * without BOM, UTF-16LE with BOM, Windows-1258, TCVN3), the three
 * delimiters, --map overrides, copies and barcodes, hostile rows (unbalanced
 * quote, NUL byte, 1 MB cell, bad ISBN, too many columns) and formula
 * injection through an export/import round trip.
 *
 * Legacy encodings are produced here with glibc iconv (its CP1258 converter
 * decomposes tones itself), so no binary fixture lives in the tree.
 */
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "metarec.h"
#include "meta_collect.h"
#include "t.h"

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");

    T_REQUIRE(f);
    T_CHECK(fwrite(p, 1, n, f) == n);
    fclose(f);
}

/* Encode UTF-8 into `code` with iconv; the test fails if a character is lost. */
static char *iconv_encode(const char *code, const char *utf8, size_t *out_len)
{
    iconv_t cd = iconv_open(code, "UTF-8");
    size_t in_left = strlen(utf8), cap = 4 * in_left + 16, o_left = cap;
    char *out = malloc(cap), *in = (char *)utf8, *o = out;

    *out_len = 0;
    T_CHECK(cd != (iconv_t)-1);
    if (cd == (iconv_t)-1) {
        free(out);
        return NULL;
    }
    T_CHECK(iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1);
    T_CHECK(iconv(cd, NULL, NULL, &o, &o_left) != (size_t)-1);
    iconv_close(cd);
    *out_len = cap - o_left;
    return out;
}

static int read_csv(const char *path, const char *const *map, size_t n_map, struct meta_got *g,
                    struct ts_err *err)
{
    memset(g, 0, sizeof *g);
    return import_csv_read(path, map, n_map, meta_got_emit, meta_got_error, g, err);
}

/* A school library's sheet: Vietnamese headers, a sheet title above them. */
static const char vi_sheet[] =
    "DANH MỤC SÁCH THƯ VIỆN TRƯỜNG TIỂU HỌC\n"
    "\n"
    "STT,Nhan đề,Phụ đề,Tác giả,Nhà xuất bản,Nơi xuất bản,Năm xuất bản,ISBN,Ngôn ngữ,Chủ đề,"
    "Ký hiệu phân loại,Số ĐKCB,Số lượng,Kho,Giá,Ngày nhập,Thư viện,Mã\n"
    "1,Truyện Kiều,Đoạn trường tân thanh,Nguyễn Du,Nhà xuất bản Văn học,Hà Nội,2015,"
    "978-604-1-23456-7,Tiếng Việt,Văn học; Thơ lục bát,895.922,\"VH-001; VH-002\",2,Kho A,"
    "45.000 đ,15/03/2021,TH01,K1\n"
    "2,Dế Mèn phiêu lưu ký,,Tô Hoài,Nhà xuất bản Kim Đồng,Hà Nội,2020,,Tiếng Việt,Thiếu nhi,"
    "895.9223,DM-001,1,Kho B,\"30,000\",2021-04-01,TH01,K2\n"
    "3,Bài học về thủy điện ở Việt Nam,,Trần Văn Bình; Lê Thị Hoa,Nhà xuất bản Giáo dục,"
    "Hà Nội,2019,,Tiếng Việt,Khoa học,621.31,GD-001,1,Kho A,25000,01.09.2019,TH01,K3\n";

static void check_vi_sheet(const struct meta_got *g, const char *file)
{
    const struct meta_rec *r;
    char origin[128];

    T_EQ_INT(g->n, 3);
    T_EQ_INT(g->n_err, 0);
    for (size_t i = 0; i < g->n_err; i++)
        fprintf(stderr, "  unexpected report: %s\n", g->msg[i]);
    r = meta_got_find_title(g, "Truyện Kiều");
    T_REQUIRE(r);
    T_EQ_STR(r->subtitle, "Đoạn trường tân thanh");
    T_REQUIRE(r->n_authors == 1);
    T_EQ_STR(r->authors[0].name, "Nguyễn Du");
    T_CHECK(r->authors[0].role == NULL);
    T_EQ_STR(r->publisher, "Nhà xuất bản Văn học");
    T_EQ_STR(r->place, "Hà Nội");
    T_EQ_STR(r->date, "2015");
    T_REQUIRE(r->n_identifiers == 1);
    T_EQ_STR(r->identifiers[0], "isbn:9786041234567");
    T_EQ_STR(r->language, "vie");
    T_REQUIRE(r->n_subjects == 2);
    T_EQ_STR(r->subjects[1], "Thơ lục bát");
    T_EQ_STR(r->classification, "895.922");
    T_EQ_STR(r->source_id, "K1");
    snprintf(origin, sizeof origin, "csv:%s", file);
    T_EQ_STR(r->source, origin);
    snprintf(origin, sizeof origin, "%s line 4", file);
    T_EQ_STR(r->origin, origin);
    T_REQUIRE(r->n_items == 2);
    T_EQ_STR(r->items[0].barcode, "VH-001");
    T_EQ_STR(r->items[1].barcode, "VH-002");
    T_EQ_STR(r->items[1].shelf_location, "Kho A");
    T_EQ_STR(r->items[1].price, "45.000 đ");
    T_EQ_STR(r->items[1].acquired, "2021-03-15");
    T_EQ_STR(r->items[1].library, "TH01");
    r = meta_got_find_title(g, "Dế Mèn phiêu lưu ký");
    T_REQUIRE(r && r->n_items == 1);
    T_EQ_STR(r->items[0].price, "30,000");
    T_EQ_STR(r->items[0].acquired, "2021-04-01");
    r = meta_got_find_title(g, "Bài học về thủy điện ở Việt Nam");
    T_REQUIRE(r && r->n_authors == 2 && r->n_items == 1);
    T_EQ_STR(r->authors[1].name, "Lê Thị Hoa");
    T_EQ_STR(r->items[0].acquired, "2019-09-01");
}

static void test_vietnamese_utf8(void)
{
    const char *dir = t_tmpdir();
    char *path = path_in(dir, "sach.csv");
    struct ts_err err = {0};
    struct meta_got g;

    write_bytes(path, vi_sheet, strlen(vi_sheet));
    T_OK(read_csv(path, NULL, 0, &g, &err), &err);
    check_vi_sheet(&g, "sach.csv");
    meta_got_free(&g);
    free(path);
}

static void test_encodings(void)
{
    static const char *const codes[] = {"UTF-8-BOM", "UTF-16LE", "CP1258", "TCVN5712-1"};
    const char *dir = t_tmpdir();

    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char name[64], *path, *bytes = NULL, *file;
        size_t n = 0;
        struct ts_err err = {0};
        struct meta_got g;

        snprintf(name, sizeof name, "sach-%s.csv", codes[i]);
        path = path_in(dir, name);
        if (strcmp(codes[i], "UTF-8-BOM") == 0) {
            n = strlen(vi_sheet) + 3;
            bytes = malloc(n);
            memcpy(bytes, "\xEF\xBB\xBF", 3);
            memcpy(bytes + 3, vi_sheet, n - 3);
        } else if (strcmp(codes[i], "UTF-16LE") == 0) {
            char *u16 = iconv_encode("UTF-16LE", vi_sheet, &n);
            bytes = malloc(n + 2);
            memcpy(bytes, "\xFF\xFE", 2);
            memcpy(bytes + 2, u16, n);
            n += 2;
            free(u16);
        } else {
            bytes = iconv_encode(codes[i], vi_sheet, &n);
        }
        T_REQUIRE(bytes);
        write_bytes(path, bytes, n);
        fprintf(stderr, "  # %s\n", codes[i]);
        T_OK(read_csv(path, NULL, 0, &g, &err), &err);
        file = strrchr(path, '/') + 1;
        check_vi_sheet(&g, file);
        meta_got_free(&g);
        free(bytes);
        free(path);
    }
}

static void test_delimiters(void)
{
    static const char semi[] = "Tên sách;Tác giả;Năm XB;Mã vạch\n"
                               "Lịch sử Việt Nam;Phan Huy Lê;2012;LS-1\n"
                               "\"Toán; lớp 6\";Nhiều tác giả;2021;\"T-1,T-2\"\n";
    static const char tab[] = "Tiêu đề\tTác giả\tNXB\tĐKCB\n"
                              "Tiếng Việt 1\tNguyễn Minh Thuyết\tGiáo dục Việt Nam\tTV-01\n"
                              "Âm nhạc, mĩ thuật\tHoàng Long\tGiáo dục\tAN-01\n";
    const char *dir = t_tmpdir();
    char *p1 = path_in(dir, "semi.csv"), *p2 = path_in(dir, "tab.tsv"),
         *p3 = path_in(dir, "tab.txt");
    const struct meta_rec *r;
    struct ts_err err = {0};
    struct meta_got g;

    write_bytes(p1, semi, strlen(semi));
    T_OK(read_csv(p1, NULL, 0, &g, &err), &err);
    T_EQ_INT(g.n, 2);
    r = meta_got_find_title(&g, "Toán; lớp 6");
    T_REQUIRE(r);
    T_EQ_STR(r->date, "2021");
    T_EQ_INT(r->n_items, 2);
    meta_got_free(&g);

    write_bytes(p2, tab, strlen(tab));
    T_OK(read_csv(p2, NULL, 0, &g, &err), &err);
    T_EQ_INT(g.n, 2);
    r = meta_got_find_title(&g, "Âm nhạc, mĩ thuật");
    T_REQUIRE(r && r->n_items == 1);
    T_EQ_STR(r->publisher, "Giáo dục");
    T_EQ_STR(r->items[0].barcode, "AN-01");
    meta_got_free(&g);

    /* the same TAB file under another name: the delimiter is detected */
    write_bytes(p3, tab, strlen(tab));
    T_OK(read_csv(p3, NULL, 0, &g, &err), &err);
    T_EQ_INT(g.n, 2);
    T_CHECK(meta_got_find_title(&g, "Tiếng Việt 1") != NULL);
    meta_got_free(&g);
    free(p1);
    free(p2);
    free(p3);
}

static void test_map_override(void)
{
    static const char sheet[] = "Tên tài liệu chính,Người viết,Cột lạ,Nhan đề\n"
                                "Địa lý 8,Nguyễn Dược,abc,bỏ qua\n";
    const char *map[] = {"Tên tài liệu chính=title", "nguoi viet=authors",
                         "Nhan đề=", "Không có=notes"};
    const char *bad[] = {"Nhan đề=tieu_de_la"};
    const char *dir = t_tmpdir();
    char *path = path_in(dir, "map.csv");
    struct ts_err err = {0};
    struct meta_got g;
    int i;

    write_bytes(path, sheet, strlen(sheet));
    T_OK(read_csv(path, map, 4, &g, &err), &err);
    T_REQUIRE(g.n == 1);
    T_EQ_STR(g.recs[0]->title, "Địa lý 8");
    T_REQUIRE(g.recs[0]->n_authors == 1);
    T_EQ_STR(g.recs[0]->authors[0].name, "Nguyễn Dược");
    i = meta_got_find_msg(&g, "column Cột lạ: unknown column");
    T_CHECK(i >= 0 && g.code[i] == TS_OK);
    T_CHECK(meta_got_find_msg(&g, "'Không có=notes': no such column") >= 0);
    meta_got_free(&g);

    T_EQ_INT(read_csv(path, bad, 1, &g, &err), TS_EINVAL);
    T_CHECK(strstr(err.msg, "unknown field 'tieu_de_la'") != NULL);
    T_EQ_INT(g.n, 0);
    free(path);
}

static void test_copies_and_barcodes(void)
{
    static const char sheet[] = "Mã,Nhan đề,Mã vạch,SL,Kho\n"
                                "S1,Sách một,\"A1, A2; A3\",3,Kho 1\n"
                                "S2,Sách hai,,3,Kho 1\n"
                                "S3,Sách ba,B1;B2;B3,2,Kho 1\n"
                                "S4,Sách bốn,C1;C1,,Kho 1\n"
                                "S5,Sách năm,D1,1,Kho 1\n"
                                "S5,Sách năm,D2,1,Kho 2\n"
                                ",Sách sáu,E1,,\n"
                                ",Sách sáu,E2,,\n";
    const char *dir = t_tmpdir();
    char *path = path_in(dir, "copies.csv");
    const struct meta_rec *r;
    struct ts_err err = {0};
    struct meta_got g;
    int i;

    write_bytes(path, sheet, strlen(sheet));
    T_OK(read_csv(path, NULL, 0, &g, &err), &err);
    T_EQ_INT(g.n, 6);
    r = meta_got_find_title(&g, "Sách một");
    T_REQUIRE(r && r->n_items == 3);
    T_EQ_STR(r->items[2].barcode, "A3");
    T_EQ_STR(r->items[2].shelf_location, "Kho 1");
    r = meta_got_find_title(&g, "Sách hai");
    T_REQUIRE(r);
    T_EQ_INT(r->n_items, 0);
    i = meta_got_find_msg(&g, "copies.csv line 3, column SL: 3 copies but no barcodes");
    T_CHECK(i >= 0 && g.code[i] == TS_OK);
    r = meta_got_find_title(&g, "Sách ba");
    T_REQUIRE(r);
    T_EQ_INT(r->n_items, 3);
    T_CHECK(meta_got_find_msg(&g, "line 4, column SL: 2 copies but 3 barcodes") >= 0);
    r = meta_got_find_title(&g, "Sách bốn");
    T_REQUIRE(r);
    T_EQ_INT(r->n_items, 1);
    T_CHECK(meta_got_find_msg(&g, "barcode 'C1' repeated") >= 0);
    /* consecutive rows of one record (same id, or identical cells) merge */
    r = meta_got_find_title(&g, "Sách năm");
    T_REQUIRE(r && r->n_items == 2);
    T_EQ_STR(r->items[1].barcode, "D2");
    T_EQ_STR(r->items[1].shelf_location, "Kho 2");
    T_EQ_STR(r->origin, "copies.csv line 6");
    r = meta_got_find_title(&g, "Sách sáu");
    T_REQUIRE(r);
    T_EQ_INT(r->n_items, 2);
    T_EQ_INT(g.n_err, 3);
    meta_got_free(&g);
    free(path);
}

static void test_bad_rows(void)
{
    static const char head[] =
        "Nhan đề,Tác giả,ISBN,Mã vạch,Tóm tắt\n"                          /* 1 */
        "Sách một,Tác giả A,978-604-1-23456-7,B001,\"Mô tả\nhai dòng\"\n" /* 2-3 */
        "\"Sách hỏng,Tác giả B,,B002,x\n"                                 /* 4: stray quote */
        "Sách ba,Tác giả C,,B003,y\n"                                     /* 5 */
        "Sách bốn,\"Tác giả D, E\",,B004,z\n"                             /* 6 */
        "Sách năm,Tác giả F,12345,B005,w\n"                               /* 7: bad ISBN */
        "Sách sáu,Tác giả G,,B0";                                         /* 8: NUL */
    static const char mid[] = "06,v\n"
                              "Sách bảy,Tác giả H,,B007,"; /* 9: 1 MB */
    static const char tail[] = "\n"
                               "Sách tám,Tác giả I,,B008,u\n" /* 10 */
                               "Sách chín,Tác giả J,,B009,\"không bao giờ đóng\n"
                               "Sách mười,Tác giả K,,B010,t\n"; /* 11-12: never closed */
    size_t big = (size_t)1 << 20, n = 0;
    char *buf = malloc(sizeof head + sizeof mid + sizeof tail + big + 8);
    const char *dir = t_tmpdir();
    char *path = path_in(dir, "books.csv");
    const struct meta_rec *r;
    struct ts_err err = {0};
    struct meta_got g;
    int i;

    memcpy(buf, head, strlen(head));
    n = strlen(head);
    buf[n++] = '\0';
    memcpy(buf + n, mid, strlen(mid));
    n += strlen(mid);
    memset(buf + n, 'x', big);
    n += big;
    memcpy(buf + n, tail, strlen(tail));
    n += strlen(tail);
    write_bytes(path, buf, n);
    free(buf);

    T_OK(read_csv(path, NULL, 0, &g, &err), &err);
    for (size_t k = 0; k < g.n_err; k++)
        fprintf(stderr, "  # report: [%s] %s\n", g.origin[k], g.msg[k]);
    T_EQ_INT(g.n, 6);
    T_CHECK(meta_got_find_title(&g, "Sách một") != NULL);
    r = meta_got_find_title(&g, "Sách ba");
    T_REQUIRE(r);
    T_EQ_STR(r->origin, "books.csv line 5");
    r = meta_got_find_title(&g, "Sách bốn");
    T_REQUIRE(r && r->n_authors == 1);
    T_EQ_STR(r->authors[0].name, "Tác giả D, E");
    r = meta_got_find_title(&g, "Sách năm"); /* the bad ISBN is dropped, the record lands */
    T_REQUIRE(r);
    T_EQ_INT(r->n_identifiers, 0);
    T_CHECK(meta_got_find_title(&g, "Sách tám") != NULL);
    T_CHECK(meta_got_find_title(&g, "Sách mười") != NULL);

    i = meta_got_find_msg(&g, "books.csv line 4: unbalanced quote");
    T_CHECK(i >= 0 && g.code[i] == TS_EPARSE);
    i = meta_got_find_msg(&g, "books.csv line 7, column ISBN: invalid ISBN '12345'");
    T_CHECK(i >= 0 && g.code[i] == TS_OK);
    if (i >= 0)
        T_EQ_STR(g.origin[i], "books.csv line 7, column ISBN");
    i = meta_got_find_msg(&g, "books.csv line 8, column Mã vạch: NUL byte");
    T_CHECK(i >= 0 && g.code[i] == TS_EPARSE);
    i = meta_got_find_msg(&g, "books.csv line 9, column Tóm tắt: field longer than 65536 bytes");
    T_CHECK(i >= 0 && g.code[i] == TS_ETOOBIG);
    i = meta_got_find_msg(&g, "books.csv line 11: unbalanced quote");
    T_CHECK(i >= 0 && g.code[i] == TS_EPARSE);
    T_EQ_INT(g.n_err, 5);
    meta_got_free(&g);
    free(path);
}

static void test_hostile_shapes(void)
{
    const char *dir = t_tmpdir();
    char *wide = path_in(dir, "wide.csv"), *none = path_in(dir, "none.csv");
    char *huge = path_in(dir, "huge.csv");
    size_t n = 0;
    char *buf = malloc(64 + 2 * 3000);
    struct ts_err err = {0};
    struct meta_got g;
    int fd;

    n = (size_t)snprintf(buf, 64, "Title,Author\nA,B\nC");
    for (int i = 0; i < 3000; i++)
        buf[n++] = ',';
    buf[n++] = '\n';
    write_bytes(wide, buf, n);
    free(buf);
    T_OK(read_csv(wide, NULL, 0, &g, &err), &err);
    T_EQ_INT(g.n, 1);
    T_CHECK(meta_got_find_msg(&g, "wide.csv line 3: more than 1024 columns") >= 0);
    meta_got_free(&g);

    write_bytes(none, "Cột A,Cột B\n1,2\n", strlen("Cột A,Cột B\n1,2\n"));
    T_EQ_INT(read_csv(none, NULL, 0, &g, &err), TS_EPARSE);
    T_CHECK(strstr(err.msg, "no title column") && strstr(err.msg, "Cột A, Cột B"));
    meta_got_free(&g);

    /* over the size limit: a sparse file, refused before it is read */
    fd = open(huge, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    T_REQUIRE(fd >= 0);
    T_CHECK(ftruncate(fd, (off_t)CSV_MAX_FILE + 1) == 0);
    close(fd);
    T_EQ_INT(read_csv(huge, NULL, 0, &g, &err), TS_ETOOBIG);
    meta_got_free(&g);
    free(wide);
    free(none);
    free(huge);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 20);

    *len = f ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    buf[*len] = '\0';
    if (f)
        fclose(f);
    return buf;
}

static void test_formula_injection(void)
{
    static const char *const titles[] = {"=HYPERLINK(\"http://evil\",\"x\")",
                                         "+SUM(A1:A9)",
                                         "@cmd",
                                         "'=already quoted",
                                         "'plain apostrophe",
                                         "-5 điểm"};
    const char *dir = t_tmpdir();
    char *path = path_in(dir, "export.csv"), *text;
    struct ts_err err = {0};
    struct meta_got g;
    size_t len;
    FILE *out = fopen(path, "wb");

    T_REQUIRE(out);
    T_OK(export_csv_begin(out, &err), &err);
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        struct meta_rec *r = calloc(1, sizeof *r);
        struct meta_item *it;

        meta_set_str(&r->title, titles[i], strlen(titles[i]));
        meta_add_author(r, "=cmd|' /C calc'!A0", strlen("=cmd|' /C calc'!A0"), NULL);
        it = meta_add_item(r);
        meta_set_str(&it->barcode, "-X1", 3);
        it->barcode[1] = (char)('0' + i);
        T_OK(export_csv_write(out, r, &err), &err);
        meta_rec_free(r);
    }
    fclose(out);

    text = slurp(path, &len);
    T_CHECK(memcmp(text, "\xEF\xBB\xBF", 3) == 0);
    T_CHECK(strstr(text, ",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",") != NULL);
    T_CHECK(strstr(text, ",'+SUM(A1:A9),") != NULL);
    T_CHECK(strstr(text, ",'@cmd,") != NULL);
    T_CHECK(strstr(text, ",''=already quoted,") != NULL);
    T_CHECK(strstr(text, ",'plain apostrophe,") != NULL);
    T_CHECK(strstr(text, ",'=cmd|' /C calc'!A0,") != NULL);
    T_CHECK(strstr(text, "\r\n") != NULL);
    /* no cell may start with a formula character */
    for (const char *p = text; *p; p++) {
        if (p != text && p[-1] != ',' && p[-1] != '\n')
            continue;
        if (*p == '"')
            p++;
        T_CHECK(*p != '=' && *p != '+' && *p != '-' && *p != '@');
    }
    free(text);

    T_OK(read_csv(path, NULL, 0, &g, &err), &err);
    T_EQ_INT(g.n, sizeof titles / sizeof titles[0]);
    for (size_t i = 0; i < g.n && i < sizeof titles / sizeof titles[0]; i++) {
        T_EQ_STR(g.recs[i]->title, titles[i]);
        T_REQUIRE(g.recs[i]->n_authors == 1 && g.recs[i]->n_items == 1);
        T_EQ_STR(g.recs[i]->authors[0].name, "=cmd|' /C calc'!A0");
        T_CHECK(g.recs[i]->items[0].barcode[0] == '-');
    }
    T_EQ_INT(g.n_err, 0);
    meta_got_free(&g);
    free(path);
}

static struct meta_rec *full_record(void)
{
    struct meta_rec *r = calloc(1, sizeof *r);
    struct meta_item *it;

#define S(field, v) meta_set_str(&r->field, v, strlen(v))
    S(source_id, "rec-42");
    S(title, "Sổ tay thư viện trường học");
    S(subtitle, "Hướng dẫn thực hành");
    S(publisher, "Nhà xuất bản Giáo dục Việt Nam");
    S(place, "Hà Nội");
    S(date, "2022");
    S(edition, "Tái bản lần 2");
    S(extent, "215 tr. ; 21 cm");
    S(series, "Tủ sách nghiệp vụ");
    S(language, "vie");
    S(classification, "025.1");
    S(resource_type, "book");
    S(audience, "Giáo viên");
    S(licence, "CC BY 4.0");
    S(description, "Cuốn sách giới thiệu công việc, \"quy trình\" của thư viện.");
    S(notes, "Có phụ lục");
#undef S
    meta_add_author(r, "Nguyễn Văn An", strlen("Nguyễn Văn An"), NULL);
    meta_add_author(r, "Lê Thị Bình", strlen("Lê Thị Bình"), "editor");
    meta_add_author(r, "John Smith", strlen("John Smith"), "translator");
    meta_add_author(r, "Trần Cường", strlen("Trần Cường"), "contributor");
    T_CHECK(meta_add_isbn(r, "978-604-1-23456-7", 17));
    meta_add_str(&r->identifiers, &r->n_identifiers, "issn:0317-8471", 14);
    meta_add_str(&r->identifiers, &r->n_identifiers, "other:TV-2022-01", 16);
    meta_add_str(&r->subjects, &r->n_subjects, "Thư viện", strlen("Thư viện"));
    meta_add_str(&r->subjects, &r->n_subjects, "Nghiệp vụ", strlen("Nghiệp vụ"));
    meta_add_str(&r->links, &r->n_links, "https://example.org/so-tay", 26);
    for (int i = 0; i < 3; i++) {
        char bc[16];

        snprintf(bc, sizeof bc, "TV-%03d", i + 1);
        it = meta_add_item(r);
        meta_set_str(&it->barcode, bc, strlen(bc));
        meta_set_str(&it->library, "TH01", 4);
        meta_set_str(&it->call_number, "025.1 S450T", 11);
        meta_set_str(&it->shelf_location, i ? "Kho mở" : "Kho đóng",
                     strlen(i ? "Kho mở" : "Kho đóng"));
        meta_set_str(&it->acquired, "2023-01-15", 10);
        meta_set_str(&it->price, "85.000", 6);
        if (i == 2)
            meta_set_str(&it->status, "lost", 4);
    }
    return r;
}

static void test_round_trip(void)
{
    const char *dir = t_tmpdir();
    char *path = path_in(dir, "all.csv");
    struct meta_rec *a = full_record();
    const struct meta_rec *b;
    struct ts_err err = {0};
    struct meta_got g;
    FILE *out = fopen(path, "wb");

    T_REQUIRE(out);
    T_OK(export_csv_begin(out, &err), &err);
    T_OK(export_csv_write(out, a, &err), &err);
    fclose(out);
    T_OK(read_csv(path, NULL, 0, &g, &err), &err);
    T_EQ_INT(g.n_err, 0);
    T_REQUIRE(g.n == 1);
    b = g.recs[0];
#define SAME(f) T_EQ_STR(b->f, a->f)
    SAME(source_id);
    SAME(title);
    SAME(subtitle);
    SAME(publisher);
    SAME(place);
    SAME(date);
    SAME(edition);
    SAME(extent);
    SAME(series);
    SAME(language);
    SAME(classification);
    SAME(resource_type);
    SAME(audience);
    SAME(licence);
    SAME(description);
    SAME(notes);
    T_REQUIRE(b->n_authors == a->n_authors);
    for (size_t i = 0; i < a->n_authors; i++) {
        SAME(authors[i].name);
        T_CHECK((!a->authors[i].role && !b->authors[i].role) ||
                (a->authors[i].role && b->authors[i].role &&
                 !strcmp(a->authors[i].role, b->authors[i].role)));
    }
    T_REQUIRE(b->n_identifiers == a->n_identifiers);
    for (size_t i = 0; i < a->n_identifiers; i++)
        SAME(identifiers[i]);
    T_REQUIRE(b->n_subjects == a->n_subjects);
    SAME(subjects[1]);
    T_REQUIRE(b->n_links == 1);
    SAME(links[0]);
    T_REQUIRE(b->n_items == 3);
    for (size_t i = 0; i < 3; i++) {
        SAME(items[i].barcode);
        SAME(items[i].library);
        SAME(items[i].call_number);
        SAME(items[i].shelf_location);
        SAME(items[i].acquired);
        SAME(items[i].price);
    }
    T_CHECK(b->items[0].status == NULL);
    SAME(items[2].status);
#undef SAME
    meta_rec_free(a);
    meta_got_free(&g);
    free(path);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"vietnamese_utf8", test_vietnamese_utf8},
        {"encodings", test_encodings},
        {"delimiters", test_delimiters},
        {"map_override", test_map_override},
        {"copies_and_barcodes", test_copies_and_barcodes},
        {"bad_rows", test_bad_rows},
        {"hostile_shapes", test_hostile_shapes},
        {"formula_injection", test_formula_injection},
        {"round_trip", test_round_trip},
        {0},
    };
    return t_main(cases, argc, argv);
}
