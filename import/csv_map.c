/*
 * import/csv_map.c - what spreadsheet columns mean: header names (English
 * and Vietnamese, as school and public libraries label them) to record and
 * item fields, plus the few cell values worth normalising (language names,
 * document types). See csv.h for how the reader uses them.
 *
 * Every name is stored already folded (ts_text_fold: lower case, no
 * diacritics, đ -> d, punctuation dropped, words joined by one space), so a
 * header matches however it was typed: "Nhan đề", "NHAN DE", "nhan de".
 * Folding makes some Vietnamese words collide ("Khổ" size and "Kho" store
 * both give "kho"; "Hán" and "Hàn" give "han"): the ambiguous ones are left
 * out or given their common library meaning, noted where it happens.
 */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "ts_text.h"

struct alias {
    const char *folded;
    enum csv_field field;
};

/* Canonical names, indexed by enum csv_field: the export header row. */
static const char *const canonical[CSV_F_COUNT] = {
    [CSV_F_UNKNOWN] = "",
    [CSV_F_IGNORE] = "ignore",
    [CSV_F_ID] = "id",
    [CSV_F_TITLE] = "title",
    [CSV_F_SUBTITLE] = "subtitle",
    [CSV_F_AUTHORS] = "authors",
    [CSV_F_EDITORS] = "editors",
    [CSV_F_TRANSLATORS] = "translators",
    [CSV_F_CONTRIBUTORS] = "contributors",
    [CSV_F_PUBLISHER] = "publisher",
    [CSV_F_PLACE] = "place",
    [CSV_F_DATE] = "date",
    [CSV_F_EDITION] = "edition",
    [CSV_F_EXTENT] = "extent",
    [CSV_F_SERIES] = "series",
    [CSV_F_LANGUAGE] = "language",
    [CSV_F_ISBN] = "isbn",
    [CSV_F_ISSN] = "issn",
    [CSV_F_IDENTIFIERS] = "identifiers",
    [CSV_F_SUBJECTS] = "subjects",
    [CSV_F_CLASSIFICATION] = "classification",
    [CSV_F_TYPE] = "type",
    [CSV_F_AUDIENCE] = "audience",
    [CSV_F_LICENCE] = "licence",
    [CSV_F_DESCRIPTION] = "description",
    [CSV_F_NOTES] = "notes",
    [CSV_F_LINKS] = "links",
    [CSV_F_BARCODE] = "barcode",
    [CSV_F_COPIES] = "copies",
    [CSV_F_LIBRARY] = "library",
    [CSV_F_CALL_NUMBER] = "call_number",
    [CSV_F_SHELF] = "shelf",
    [CSV_F_ACQUIRED] = "acquired",
    [CSV_F_PRICE] = "price",
    [CSV_F_STATUS] = "status",
};

static const struct alias headers[] = {
    /* row numbers that spreadsheets carry: ignored without a warning */
    {"stt", CSV_F_IGNORE},
    {"tt", CSV_F_IGNORE},
    {"so tt", CSV_F_IGNORE},
    {"so thu tu", CSV_F_IGNORE},
    {"no", CSV_F_IGNORE},
    {"ignore", CSV_F_IGNORE},
    {"id", CSV_F_ID},
    {"ma", CSV_F_ID},
    {"ma sach", CSV_F_ID},
    {"ma tai lieu", CSV_F_ID},
    {"ma ban ghi", CSV_F_ID},
    {"record id", CSV_F_ID},
    {"source id", CSV_F_ID},
    {"title", CSV_F_TITLE},
    {"book title", CSV_F_TITLE},
    {"nhan de", CSV_F_TITLE},
    {"nhan de chinh", CSV_F_TITLE},
    {"ten sach", CSV_F_TITLE},
    {"tieu de", CSV_F_TITLE},
    {"ten tai lieu", CSV_F_TITLE},
    {"subtitle", CSV_F_SUBTITLE},
    {"sub title", CSV_F_SUBTITLE},
    {"phu de", CSV_F_SUBTITLE},
    {"nhan de phu", CSV_F_SUBTITLE},
    {"author", CSV_F_AUTHORS},
    {"authors", CSV_F_AUTHORS},
    {"author s", CSV_F_AUTHORS},
    {"creator", CSV_F_AUTHORS},
    {"creators", CSV_F_AUTHORS},
    {"tac gia", CSV_F_AUTHORS},
    {"tac gia chinh", CSV_F_AUTHORS},
    {"ten tac gia", CSV_F_AUTHORS},
    {"editor", CSV_F_EDITORS},
    {"editors", CSV_F_EDITORS},
    {"editor s", CSV_F_EDITORS},
    {"chu bien", CSV_F_EDITORS},
    {"bien tap", CSV_F_EDITORS},
    {"translator", CSV_F_TRANSLATORS},
    {"translators", CSV_F_TRANSLATORS},
    {"translator s", CSV_F_TRANSLATORS},
    {"nguoi dich", CSV_F_TRANSLATORS},
    {"dich gia", CSV_F_TRANSLATORS},
    {"contributor", CSV_F_CONTRIBUTORS},
    {"contributors", CSV_F_CONTRIBUTORS},
    {"dong tac gia", CSV_F_CONTRIBUTORS},
    {"publisher", CSV_F_PUBLISHER},
    {"nha xuat ban", CSV_F_PUBLISHER},
    {"nha xb", CSV_F_PUBLISHER},
    {"nxb", CSV_F_PUBLISHER},
    {"ten nxb", CSV_F_PUBLISHER},
    {"place", CSV_F_PLACE},
    {"place of publication", CSV_F_PLACE},
    {"publication place", CSV_F_PLACE},
    {"noi xuat ban", CSV_F_PLACE},
    {"noi xb", CSV_F_PLACE},
    {"year", CSV_F_DATE},
    {"date", CSV_F_DATE},
    {"publication year", CSV_F_DATE},
    {"publication date", CSV_F_DATE},
    {"year published", CSV_F_DATE},
    {"nam", CSV_F_DATE},
    {"nam xuat ban", CSV_F_DATE},
    {"nam xb", CSV_F_DATE},
    {"ngay xuat ban", CSV_F_DATE},
    {"edition", CSV_F_EDITION},
    {"lan xuat ban", CSV_F_EDITION},
    {"lan xb", CSV_F_EDITION},
    {"tai ban", CSV_F_EDITION},
    {"extent", CSV_F_EXTENT},
    {"pages", CSV_F_EXTENT},
    {"so trang", CSV_F_EXTENT},
    {"series", CSV_F_SERIES},
    {"tung thu", CSV_F_SERIES},
    {"language", CSV_F_LANGUAGE},
    {"lang", CSV_F_LANGUAGE},
    {"ngon ngu", CSV_F_LANGUAGE},
    {"isbn", CSV_F_ISBN},
    {"so isbn", CSV_F_ISBN},
    {"ma isbn", CSV_F_ISBN},
    {"issn", CSV_F_ISSN},
    {"identifiers", CSV_F_IDENTIFIERS},
    {"other identifiers", CSV_F_IDENTIFIERS},
    {"subject", CSV_F_SUBJECTS},
    {"subjects", CSV_F_SUBJECTS},
    {"keyword", CSV_F_SUBJECTS},
    {"keywords", CSV_F_SUBJECTS},
    {"chu de", CSV_F_SUBJECTS},
    {"mon loai", CSV_F_SUBJECTS},
    {"tu khoa", CSV_F_SUBJECTS},
    {"mon hoc", CSV_F_SUBJECTS},
    {"linh vuc", CSV_F_SUBJECTS},
    {"classification", CSV_F_CLASSIFICATION},
    {"ddc", CSV_F_CLASSIFICATION},
    {"dewey", CSV_F_CLASSIFICATION},
    {"phan loai", CSV_F_CLASSIFICATION},
    {"ky hieu phan loai", CSV_F_CLASSIFICATION},
    {"ma phan loai", CSV_F_CLASSIFICATION},
    {"type", CSV_F_TYPE},
    {"resource type", CSV_F_TYPE},
    {"loai tai lieu", CSV_F_TYPE},
    {"dang tai lieu", CSV_F_TYPE},
    {"audience", CSV_F_AUDIENCE},
    {"grade", CSV_F_AUDIENCE},
    {"khoi lop", CSV_F_AUDIENCE},
    {"lop", CSV_F_AUDIENCE},
    {"cap hoc", CSV_F_AUDIENCE},
    {"doi tuong", CSV_F_AUDIENCE},
    {"licence", CSV_F_LICENCE},
    {"license", CSV_F_LICENCE},
    {"rights", CSV_F_LICENCE},
    {"giay phep", CSV_F_LICENCE},
    {"description", CSV_F_DESCRIPTION},
    {"summary", CSV_F_DESCRIPTION},
    {"abstract", CSV_F_DESCRIPTION},
    {"tom tat", CSV_F_DESCRIPTION},
    {"tom tat noi dung", CSV_F_DESCRIPTION},
    {"mo ta", CSV_F_DESCRIPTION},
    {"notes", CSV_F_NOTES},
    {"note", CSV_F_NOTES},
    {"remarks", CSV_F_NOTES},
    {"ghi chu", CSV_F_NOTES},
    {"links", CSV_F_LINKS},
    {"link", CSV_F_LINKS},
    {"url", CSV_F_LINKS},
    {"duong dan", CSV_F_LINKS},
    {"lien ket", CSV_F_LINKS},
    {"barcode", CSV_F_BARCODE},
    {"barcodes", CSV_F_BARCODE},
    {"accession number", CSV_F_BARCODE},
    {"accession no", CSV_F_BARCODE},
    {"so dang ky ca biet", CSV_F_BARCODE},
    {"so dkcb", CSV_F_BARCODE},
    {"dkcb", CSV_F_BARCODE},
    {"ma dkcb", CSV_F_BARCODE},
    {"ma vach", CSV_F_BARCODE},
    {"copies", CSV_F_COPIES},
    {"quantity", CSV_F_COPIES},
    {"qty", CSV_F_COPIES},
    {"so luong", CSV_F_COPIES},
    {"sl", CSV_F_COPIES},
    {"so ban", CSV_F_COPIES},
    {"library", CSV_F_LIBRARY},
    {"thu vien", CSV_F_LIBRARY},
    {"ma thu vien", CSV_F_LIBRARY},
    {"call number", CSV_F_CALL_NUMBER},
    {"call no", CSV_F_CALL_NUMBER},
    {"ky hieu xep gia", CSV_F_CALL_NUMBER},
    {"shelf", CSV_F_SHELF},
    {"location", CSV_F_SHELF},
    {"shelf location", CSV_F_SHELF},
    {"kho", CSV_F_SHELF}, /* "Kho" (store room); "Khổ" (book size) folds the same */
    {"vi tri", CSV_F_SHELF},
    {"ke sach", CSV_F_SHELF},
    {"acquired", CSV_F_ACQUIRED},
    {"date acquired", CSV_F_ACQUIRED},
    {"acquisition date", CSV_F_ACQUIRED},
    {"ngay nhap", CSV_F_ACQUIRED},
    {"ngay nhap kho", CSV_F_ACQUIRED},
    {"ngay bo sung", CSV_F_ACQUIRED},
    {"price", CSV_F_PRICE},
    {"gia", CSV_F_PRICE}, /* "Giá" (price); a shelf is "Kệ" or "Vị trí" */
    {"gia tien", CSV_F_PRICE},
    {"don gia", CSV_F_PRICE},
    {"gia bia", CSV_F_PRICE},
    {"status", CSV_F_STATUS},
    {"trang thai", CSV_F_STATUS},
    {"tinh trang", CSV_F_STATUS},
};

struct value_alias {
    const char *folded;
    const char *value;
};

/* Language names only: codes ("vi", "vie", "en") stay as written. "Hán" and
 * "Hàn" fold alike, so "tiếng Hàn" is left alone; Korean is "Hàn Quốc". */
static const struct value_alias languages[] = {
    {"tieng viet", "vie"}, {"viet", "vie"},        {"vietnamese", "vie"}, {"tieng anh", "eng"},
    {"anh", "eng"},        {"english", "eng"},     {"tieng phap", "fre"}, {"phap", "fre"},
    {"french", "fre"},     {"tieng trung", "chi"}, {"trung", "chi"},      {"tieng hoa", "chi"},
    {"chinese", "chi"},    {"tieng nga", "rus"},   {"nga", "rus"},        {"russian", "rus"},
    {"tieng nhat", "jpn"}, {"nhat", "jpn"},        {"japanese", "jpn"},   {"han quoc", "kor"},
    {"korean", "kor"},     {"tieng duc", "ger"},   {"duc", "ger"},        {"german", "ger"},
};

/* Document types to the catalogue's resource types (DESIGN.md: book, ebook,
 * lecture, video, audio, simulation, lesson_package, periodical). */
static const struct value_alias types[] = {
    {"sach", "book"},
    {"sach in", "book"},
    {"book", "book"},
    {"sach giao khoa", "book"},
    {"sgk", "book"},
    {"sach tham khao", "book"},
    {"giao trinh", "book"},
    {"sach dien tu", "ebook"},
    {"ebook", "ebook"},
    {"e book", "ebook"},
    {"bao", "periodical"},
    {"tap chi", "periodical"},
    {"bao tap chi", "periodical"},
    {"periodical", "periodical"},
    {"magazine", "periodical"},
    {"journal", "periodical"},
    {"video", "video"},
    {"phim", "video"},
    {"bang hinh", "video"},
    {"audio", "audio"},
    {"sach noi", "audio"},
    {"bang dia am thanh", "audio"},
    {"bai giang", "lecture"},
    {"lecture", "lecture"},
    {"mo phong", "simulation"},
    {"simulation", "simulation"},
    {"goi bai hoc", "lesson_package"},
    {"lesson package", "lesson_package"},
};

static enum csv_field lookup_folded(const char *folded)
{
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        if (strcmp(headers[i].folded, folded) == 0)
            return headers[i].field;
    return CSV_F_UNKNOWN;
}

static enum csv_field lookup(const char *s, size_t len)
{
    char *folded = ts_text_fold(s, len);
    enum csv_field f = folded[0] ? lookup_folded(folded) : CSV_F_IGNORE;

    free(folded);
    return f;
}

enum csv_field csv_map_header(const char *header, size_t len)
{
    enum csv_field f = lookup(header, len);
    size_t start = 0;

    if (f != CSV_F_UNKNOWN)
        return f;
    /* "Nhan đề (title)", "Tác giả / Author": try each part in turn */
    for (size_t i = 0; i <= len; i++) {
        if (i < len && !strchr("()/|[]", header[i]))
            continue;
        if (i > start && (start > 0 || i < len)) {
            char *folded = ts_text_fold(header + start, i - start);

            f = folded[0] ? lookup_folded(folded) : CSV_F_UNKNOWN;
            free(folded);
            if (f != CSV_F_UNKNOWN && f != CSV_F_IGNORE)
                return f;
        }
        start = i + 1;
    }
    return CSV_F_UNKNOWN;
}

enum csv_field csv_field_by_name(const char *name, size_t len)
{
    char *folded = ts_text_fold(name, len);
    enum csv_field f = CSV_F_UNKNOWN;

    if (!folded[0])
        f = CSV_F_IGNORE;
    for (int i = CSV_F_IGNORE; i < CSV_F_COUNT && f == CSV_F_UNKNOWN; i++) {
        char *c = ts_text_fold(canonical[i], strlen(canonical[i]));

        if (strcmp(c, folded) == 0)
            f = (enum csv_field)i;
        free(c);
    }
    if (f == CSV_F_UNKNOWN)
        f = lookup_folded(folded);
    free(folded);
    return f;
}

const char *csv_field_name(enum csv_field f)
{
    return f >= 0 && f < CSV_F_COUNT ? canonical[f] : "";
}

static const char *map_value(const struct value_alias *t, size_t n, const char *v, size_t len)
{
    char *folded = ts_text_fold(v, len);
    const char *out = NULL;

    for (size_t i = 0; i < n && !out; i++)
        if (strcmp(t[i].folded, folded) == 0)
            out = t[i].value;
    free(folded);
    return out;
}

const char *csv_map_language(const char *value, size_t len)
{
    return map_value(languages, sizeof languages / sizeof languages[0], value, len);
}

const char *csv_map_type(const char *value, size_t len)
{
    return map_value(types, sizeof types / sizeof types[0], value, len);
}
