/*
 * import/dc.h - Dublin Core in and out: OAI-PMH responses (ListRecords,
 * GetRecord) with oai_dc metadata, plain DC XML and DC in RDF/XML, read into
 * struct meta_rec; and the catalogue written as an OAI-PMH ListRecords
 * document that this reader (or any harvester) reads back.
 *
 * Reading is streamed with libxml2's xmlTextReader, so memory does not grow
 * with the file: one record and one value (at most DC_MAX_VALUE bytes) at a
 * time. Safety: no XML_PARSE_NOENT, no DTD loading, XML_PARSE_NONET, and any
 * DOCTYPE is refused outright (TS_EPARSE "DOCTYPE refused"): OAI-PMH and DC
 * never need one, and that closes XXE and entity-expansion attacks.
 *
 * What a record is: an OAI <record> (its <header><identifier> is source_id;
 * status="deleted" records are skipped silently; DC inside its <about> is
 * provenance, not the resource, and is ignored); otherwise the parent
 * element of the first dc:/dcterms: element (oai_dc:dc, rdf:Description, a
 * <record> or <metadata> of any vocabulary); rdf:about of that element is
 * source_id. Without either, the first dc:identifier is source_id.
 * source is the OAI <request> base URL, else default_source, else
 * "dc:FILE" (base name). origin is "FILE line N", N the record's first line.
 *
 * Mapping (dc: and the same dcterms: names; values trimmed, NFC):
 *   title            first -> title; further titles and dcterms:alternative
 *                    -> notes ("Other title: ...")
 *   creator          -> author; contributor -> author with role "contributor"
 *   subject          -> subjects (rdf:Bag/Seq items one each)
 *   description, abstract  first -> description; the rest -> notes
 *   publisher, language    first value
 *   date             dcterms:issued, then date, created, available, modified
 *   type             DCMI Text -> "document", MovingImage/Video -> "video",
 *                    Sound -> "audio", InteractiveResource -> "lesson_package",
 *                    Image/StillImage -> "image" (case-insensitive, also as
 *                    purl.org/dc/dcmitype URIs; a DCMI term wins over other
 *                    values); anything else lower-cased as is
 *   identifier       http(s):// -> links; "ISBN ...", "urn:isbn:" or a bare
 *                    valid ISBN-10/13 -> "isbn:<13 digits>"; "urn:issn:"/
 *                    "issn:" -> "issn:"; "lccn:"/"oclc:" kept; anything else
 *                    (and an ISBN whose check digit fails) -> "other:<value>"
 *   rights, dcterms:license  first -> licence
 *   dcterms:audience, educationLevel -> audience; dcterms:extent -> extent
 *   format, source, relation, coverage and other terms are ignored.
 * An element with no text takes its rdf:resource attribute as the value.
 *
 * Reports through on_error (the record is skipped, why->code TS_EPARSE):
 * a record without any DC element (another metadataPrefix, e.g. MARCXML or
 * METS), a record without a title, a value over DC_MAX_VALUE (TS_ETOOBIG).
 * XML that is not well-formed (invalid UTF-8 included) stops the file: the
 * records before it were emitted, the one in progress is lost, and the call
 * returns TS_EPARSE "FILE line N: <libxml2's reason>".
 */
#ifndef TS_DC_H
#define TS_DC_H

#include <stddef.h>
#include <stdio.h>

#include "metarec.h"
#include "ts_err.h"

#define DC_MAX_VALUE ((size_t)1 << 20) /* bytes of one element's text */

#define DC_NS "http://purl.org/dc/elements/1.1/"
#define DCTERMS_NS "http://purl.org/dc/terms/"
#define OAI_NS "http://www.openarchives.org/OAI/2.0/"
#define OAI_DC_NS "http://www.openarchives.org/OAI/2.0/oai_dc/"
#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/*
 * Read DC records from `path` (see above), calling emit for each (emit takes
 * it) and on_error (may be NULL) for each record skipped. default_source
 * (may be NULL) names the repository when the file has no <request>.
 * Returns TS_OK, TS_EIO (cannot open), TS_EPARSE (not well-formed, DOCTYPE,
 * or an OAI-PMH <error> other than noRecordsMatch), or the first non-OK code
 * from emit/on_error, which stops the reader. Thread-safe.
 */
int import_dc_read(const char *path, const char *default_source, meta_emit_fn emit,
                   meta_error_fn on_error, void *ctx, struct ts_err *err);

/*
 * Write the start of an OAI-PMH ListRecords response (XML declaration,
 * <OAI-PMH>, <responseDate> now, <request>, <ListRecords>) to `out`.
 * Records follow with export_dc_write; export_dc_end closes the document.
 * Values are XML-escaped by libxml2's xmlTextWriter; characters XML 1.0
 * forbids are dropped. Each returns TS_OK or TS_EIO.
 */
int export_dc_begin(FILE *out, struct ts_err *err);

/*
 * One <record>: header identifier = r->source_id (omitted when NULL) and an
 * oai_dc:dc with title (" : subtitle" appended, the ISBD way), creator
 * (authors without a role, "author", "corporate") or contributor (other
 * roles), subject, description (then notes as a second description),
 * publisher, date, type (the DCMI term when the catalogue type has one),
 * identifier (urn:isbn:, urn:issn:, links, others as "scheme:value"),
 * language, rights. Items, classification, place, edition, extent, series
 * and audience have no oai_dc element and are not written.
 */
int export_dc_write(FILE *out, const struct meta_rec *r, struct ts_err *err);

int export_dc_end(FILE *out, struct ts_err *err);

/* ---- module-private: the parser core, shared with harvest.c ---- */

/* What one OAI-PMH page said besides its records. Strings malloc'd or NULL. */
struct dc_page {
    char *response_date; /* first <responseDate> */
    char *request;       /* <request> text: the repository base URL */
    char *token;         /* <resumptionToken> text; NULL or "" on the last page */
    char *error_code;    /* first OAI-PMH <error code=...> */
    char *error_msg;
    size_t n_records; /* emitted */
    size_t n_deleted; /* skipped as status="deleted" */
};

void dc_page_free(struct dc_page *p); /* frees the strings; NULL ok */

/*
 * Parse the document buf[0..len) like import_dc_read, `name` standing for
 * the file name in origins and messages. `source` (may be NULL) forces the
 * source of every record (the harvester's base URL); otherwise <request>,
 * then "dc:" + name. Fills *page (zeroed first; dc_page_free it even on
 * failure). An OAI-PMH <error> is returned in page, not as a failure.
 */
int dc_parse_memory(const char *buf, size_t len, const char *name, const char *source,
                    meta_emit_fn emit, meta_error_fn on_error, void *ctx, struct dc_page *page,
                    struct ts_err *err);

#endif
