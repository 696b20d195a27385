/*
 * indexer/extract.h - turn the bytes of one file into text and metadata.
 *
 * One registry (extract.c) picks an extractor by content (magic bytes, zip
 * members) and falls back on the file name's extension. Extractors work on a
 * memory buffer so files inside archives need never touch the disk, and every
 * one is bounded (struct ix_limits): decompressed sizes, page counts, XML
 * depth, time. Hostile input yields TS_EPARSE/TS_ETOOBIG with a reason, never
 * a crash. Extractors are thread-safe: several run in parallel during import.
 */
#ifndef TS_EXTRACT_H
#define TS_EXTRACT_H

#include <stddef.h>

#include "ts_err.h"

struct ix_limits {
    size_t max_member_bytes; /* one decompressed zip member (EPUB chapter, OER page) */
    size_t max_total_bytes;  /* all decompressed bytes read from one package */
    size_t max_text_bytes;   /* extracted text kept per document */
    size_t max_pages;        /* PDF pages read */
    double max_seconds;      /* wall-clock budget per file (PDF, large packages) */
};

/* Defaults: 64 MiB member, 512 MiB total, 32 MiB text, 5000 pages, 60 s. */
void ix_limits_default(struct ix_limits *lim);

/* One part of a document that a reader can be sent to: an EPUB chapter, a PDF
 * page, an HTML file inside an OER package. */
struct ix_section {
    char *title; /* heading or "Page 12"; may be NULL */
    char *path;  /* location inside the file: "OEBPS/ch03.xhtml", "page=12"; may be NULL */
    char *text;  /* NFC UTF-8 visible text */
    size_t text_len;
};

struct ix_doc {
    char *title;    /* NULL when the file says nothing; the importer then uses the file name */
    char **authors; /* dc:creator, PDF Author, meta author */
    size_t n_authors;
    char *language; /* BCP 47 as given ("vi", "en-US"); NULL unknown */
    char *publisher;
    char *date; /* as given; the importer derives a year */
    char *description;
    char **subjects;
    size_t n_subjects;
    char **identifiers; /* "isbn:9786049...", "uuid:...", "urn:..." as found */
    size_t n_identifiers;
    char *licence;             /* dc:rights, h5p license */
    const char *resource_type; /* static: "ebook", "document", "web_page", "text",
                                  "lesson_package" */
    const char *format;        /* static: "epub", "pdf", "html", "text", "markdown",
                                  "imscc", "imscp", "scorm", "h5p" */
    const char *media_type;    /* static MIME type */
    const char *encoding;      /* static charset name of text/HTML input, else NULL */
    struct ix_section *sections;
    size_t n_sections;
};

/*
 * Extract `bytes[0..len)` whose file name is `name` (used for the extension
 * fallback and messages). On success *out is a new document (ix_doc_free()).
 * Returns TS_OK, TS_EINVAL (format not supported: "unsupported file type"),
 * TS_EPARSE (damaged or hostile file, with the reason), TS_ETOOBIG (a limit).
 */
int ix_extract(const char *name, const void *bytes, size_t len, const struct ix_limits *lim,
               struct ix_doc **out, struct ts_err *err);

/* True if `name`'s extension is one ix_extract() may accept (cheap pre-filter
 * for directory walks). */
int ix_extract_supported(const char *name);

void ix_doc_free(struct ix_doc *doc); /* NULL ok */

#endif
