/*
 * import/metarec.h - one bibliographic record as the metadata readers (CSV,
 * MARC21/MARCXML, Dublin Core/OAI-PMH) produce it and the exporters consume
 * it: the common currency between file formats and the catalogue.
 *
 * All strings are malloc'd UTF-8 (NFC) owned by the struct; NULL means
 * absent. meta_rec_free() releases everything.
 */
#ifndef TS_METAREC_H
#define TS_METAREC_H

#include <stddef.h>

#include "ts_err.h"

struct meta_author {
    char *name;
    char *role; /* "author", "editor", "translator", "illustrator", "corporate"...; NULL = author */
};

/* One physical copy. */
struct meta_item {
    char *barcode; /* registration number / barcode; unique across the network */
    char *library; /* holding library code; NULL = the library importing */
    char *call_number;
    char *shelf_location;
    char *acquired; /* YYYY-MM-DD when known */
    char *price;    /* as written ("45000", "45.000 đ") */
    char *status;   /* NULL = available; else one of the catalogue's item statuses */
};

struct meta_rec {
    char *origin;    /* for reports: "books.csv line 12", "koha.mrc record 57" */
    char *source;    /* namespace of source_id: MARC 003, an OAI repository, "csv:<file>" */
    char *source_id; /* MARC 001, OAI header identifier, CSV id column */
    char *title, *subtitle;
    struct meta_author *authors;
    size_t n_authors;
    char *language; /* ISO 639 as given ("vie", "vi", "en") */
    char *publisher, *place, *date, *edition;
    char *extent;      /* 300: "215 tr. ; 21 cm" */
    char *series;      /* 490 */
    char *notes;       /* 500 */
    char *description; /* 520, dc:description */
    char **subjects;
    size_t n_subjects;
    char **identifiers; /* "isbn:9786041234567" (ISBN-13, digits), "issn:", "lccn:", "oclc:",
                           "other:" */
    size_t n_identifiers;
    char *classification; /* 082/084/090, "Ký hiệu phân loại" */
    char *resource_type;  /* "book", "ebook", "periodical", "video", "audio", "lesson_package"... */
    char *audience;       /* grade / audience */
    char *licence;        /* dc:rights, 540 */
    char **links;         /* 856$u, dc:identifier URLs */
    size_t n_links;
    struct meta_item *items;
    size_t n_items;
};

void meta_rec_free(struct meta_rec *r); /* NULL ok */

/* Helpers for readers: append a copy of s[0..len) (trimmed, whitespace collapsed,
 * NFC); empty values are ignored. */
void meta_add_str(char ***list, size_t *n, const char *s, size_t len);
void meta_set_str(char **field, const char *s, size_t len); /* keeps the first non-empty value */
void meta_add_author(struct meta_rec *r, const char *name, size_t len, const char *role);
/* Adds "isbn:<13 digits>" for a valid ISBN-10/13 (hyphens, spaces, trailing qualifiers
 * such as "(pbk.)" allowed); returns 0 and adds nothing if invalid. */
int meta_add_isbn(struct meta_rec *r, const char *s, size_t len);
struct meta_item *meta_add_item(struct meta_rec *r); /* zeroed, owned by r */

/*
 * Reader callbacks. emit takes the record (even on failure). on_error reports
 * a record or line that was skipped (why->code != TS_OK), or a warning about
 * one that still lands (why->code == TS_OK: a bad ISBN dropped...): origin
 * names file and position ("books.csv line 12, column ISBN"), why the reason. A non-OK return from
 * either stops the reader with that code.
 */
typedef int (*meta_emit_fn)(struct meta_rec *rec, void *ctx);
typedef int (*meta_error_fn)(const char *origin, const struct ts_err *why, void *ctx);

#endif
