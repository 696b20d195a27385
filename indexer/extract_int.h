/*
 * indexer/extract_int.h - private helpers shared by the extractors (extract_*.c).
 *
 * Three families, all implemented in extract.c except the markup ones:
 *  - struct ix_input: one extraction in progress, carrying the limits, the
 *    wall-clock deadline and the text budget left for the document;
 *  - struct ix_zip: a bounded reader of zip members straight from memory
 *    (libarchive). Opening it refuses packages with absolute, "../" or
 *    symlink members; reading counts the bytes actually inflated, never the
 *    sizes the headers claim, so bombs and lying headers hit TS_ETOOBIG;
 *  - document builders: metadata is trimmed, whitespace-collapsed and NFC;
 *    lists are de-duplicated and capped; section text is NFC and charged
 *    against the document's text budget (truncated, never refused).
 * Markup helpers (extract_html.c): the bounded text accumulator, the
 * visible-text walker shared by HTML, EPUB and OER, and safe XML parsing
 * (no entity expansion, no DTD or network loads; libxml2 caps depth at 256).
 * Nothing here is public: the contract is extract.h.
 */
#ifndef TS_EXTRACT_INT_H
#define TS_EXTRACT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "extract.h"
#include "ts_buf.h"
#include "ts_err.h"

#define IX_MAX_LIST 256        /* authors, subjects, identifiers kept per document */
#define IX_MAX_SECTIONS 100000 /* sections kept per document */
#define IX_MAX_MEMBERS 100000  /* zip entries accepted in one package */
#define IX_MAX_META 16384      /* bytes kept of one metadata value */

struct ix_zip;

/* One extraction in progress (built by ix_extract). */
struct ix_input {
    const char *name;           /* file name, for messages and the extension */
    const unsigned char *bytes; /* whole file, borrowed */
    size_t len;
    const struct ix_limits *lim;
    double deadline;    /* ts_now_mono() after which we stop early */
    size_t text_left;   /* section text still allowed for this document */
    struct ix_zip *zip; /* the open package for zip formats, else NULL */
};

/* Extractor entry points; each returns a new document in *out on TS_OK. */
typedef int (*ix_extract_fn)(struct ix_input *in, struct ix_doc **out, struct ts_err *err);
int ix_extract_epub(struct ix_input *in, struct ix_doc **out, struct ts_err *err);
int ix_extract_pdf(struct ix_input *in, struct ix_doc **out, struct ts_err *err);
int ix_extract_html(struct ix_input *in, struct ix_doc **out, struct ts_err *err);
int ix_extract_text(struct ix_input *in, struct ix_doc **out, struct ts_err *err);
int ix_extract_markdown(struct ix_input *in, struct ix_doc **out, struct ts_err *err);
int ix_extract_imscp(struct ix_input *in, struct ix_doc **out, struct ts_err *err);
int ix_extract_h5p(struct ix_input *in, struct ix_doc **out, struct ts_err *err);

/* True once the wall-clock budget is spent or the text budget is used up:
 * extractors then stop and keep what they have. */
bool ix_input_done(const struct ix_input *in);

/* ---- zip packages (extract.c) ---- */

/* Index the members of the zip in `bytes`. TS_EPARSE: not a zip, unsafe or
 * symlink member; TS_ETOOBIG: more than IX_MAX_MEMBERS entries. */
int ix_zip_open(const void *bytes, size_t len, const struct ix_limits *lim, struct ix_zip **out,
                struct ts_err *err);
void ix_zip_close(struct ix_zip *z); /* NULL ok */
bool ix_zip_has(const struct ix_zip *z, const char *path);
/*
 * Inflate member `path` into *out (malloc'd, NUL-terminated; free()) and its
 * length into *out_len. TS_ENOTFOUND if absent, TS_ETOOBIG past
 * max_member_bytes or the package's max_total_bytes, TS_EPARSE if damaged.
 */
int ix_zip_read(struct ix_zip *z, const char *path, char **out, size_t *out_len,
                struct ts_err *err);

/*
 * Resolve `href` (percent-encoded URL reference, as in OPF and manifests)
 * against the directory `base` ("" or ending in '/'), dropping any #fragment
 * or ?query. Returns a malloc'd member path in *out and 0; 1 when href is an
 * external URL (skip it); -1 when it is absolute or climbs out of the package.
 */
int ix_path_resolve(const char *base, const char *href, char **out);
/* Directory part of `path` including the final '/', "" for top level (malloc'd). */
char *ix_path_dir(const char *path);

/* ---- document builders (extract.c) ---- */

struct ix_doc *ix_doc_new(const char *resource_type, const char *format, const char *media_type);
/* Trimmed, whitespace-collapsed, NFC copy of s[0..len) (capped at IX_MAX_META
 * bytes); NULL when nothing is left. */
char *ix_clean(const char *s, size_t len);
/* Set *field to ix_clean(s) unless it is already set or s cleans to nothing. */
void ix_meta_set(char **field, const char *s, size_t len);
/* Append ix_clean(s) to a list unless empty, a duplicate, or the list is full. */
void ix_meta_add(char ***list, size_t *n, const char *s, size_t len);
/* Split s on any of `seps` and ix_meta_add each part. */
void ix_meta_add_split(char ***list, size_t *n, const char *s, const char *seps);
/* Add an identifier; ISBNs (by `scheme`, "urn:isbn:"/"isbn:" prefix or a valid
 * check digit) become "isbn:<13 digits>", "urn:uuid:X" (or X with scheme
 * UUID) becomes "uuid:x"; anything else is kept as given. */
void ix_doc_add_identifier(struct ix_doc *doc, const char *value, const char *scheme);
/*
 * Add a section: `title` is cleaned (NULL ok), `path` copied (NULL ok), the
 * text NFC-normalised, trimmed and cut to the text budget left. Sections
 * with no text, and any past IX_MAX_SECTIONS, are dropped.
 */
void ix_doc_add_section(struct ix_input *in, struct ix_doc *doc, const char *title,
                        const char *path, const char *text, size_t len);

/* ---- text and markup (extract_html.c) ---- */

/* Accumulates visible text: whitespace runs collapse to one space, block
 * boundaries to one newline; stops (full) at `max` bytes. */
struct ix_text {
    struct ts_buf b;
    size_t max;
    int pending; /* 0 none, 1 space, 2 newline before the next character */
    bool full;
};
void ix_text_init(struct ix_text *t, size_t max);
void ix_text_free(struct ix_text *t);
/* Append s[0..n); `pre` keeps whitespace and newlines as they are. */
void ix_text_put(struct ix_text *t, const char *s, size_t n, bool pre);
void ix_text_break(struct ix_text *t);

/*
 * Parse XML without entity substitution, DTD loading or network access.
 * TS_EPARSE "<what>: not well-formed XML (line N: reason)" on failure.
 */
int ix_xml_parse(const char *buf, size_t len, const char *what, xmlDoc **out, struct ts_err *err);
/* Element `n` has local name `local` (ASCII case-insensitive, any namespace);
 * a NULL `local` matches any element, in this and the finders below. */
bool ix_xml_is(const xmlNode *n, const char *local);
/* First child element / first descendant element (document order) named `local`. */
xmlNode *ix_xml_child(const xmlNode *parent, const char *local);
xmlNode *ix_xml_find(const xmlNode *root, const char *local);
/* Next element after `n` in document order within `root`'s subtree, named `local`. */
xmlNode *ix_xml_find_next(const xmlNode *root, const xmlNode *n, const char *local);
/* Attribute value by local name, any namespace; borrowed from the tree, NULL if absent. */
const char *ix_xml_attr(const xmlNode *n, const char *local);
/* Cleaned text of n's subtree (ix_clean; user entities never expanded); NULL if empty. */
char *ix_xml_text(const xmlNode *n);

/* One parsed HTML/XHTML page. */
struct ix_page {
    xmlDoc *doc;
    char *title;   /* <title>, cleaned */
    char *heading; /* first h1, else first h2, cleaned */
    char *text;    /* visible text of <body> (or the whole document) */
    size_t text_len;
    const char *encoding; /* static charset name when the bytes went through ts_charset */
};
/*
 * Parse a page: as XML first when `try_xml` (XHTML in EPUB), otherwise or on
 * failure decode with ts_charset_decode (charset hint sniffed from BOM, meta
 * or XML declaration) and parse with libxml2's recovering HTML parser.
 * Text is capped at in->text_left bytes. TS_EPARSE only if nothing parses.
 */
int ix_page_parse(struct ix_input *in, const char *buf, size_t len, bool try_xml,
                  struct ix_page *pg, struct ts_err *err);
void ix_page_free(struct ix_page *pg); /* NULL-safe fields */
/* Remove <tags> and decode common entities: for HTML inside metadata or JSON
 * strings. Returns a malloc'd string. */
char *ix_strip_tags(const char *s, size_t len);

#endif
