/*
 * import/harvest.h - OAI-PMH harvester: pulls oai_dc records from another
 * library's or repository's OAI-PMH endpoint (ListRecords, following
 * resumptionTokens) and hands them to the same callbacks as the file
 * readers, so a harvest is just another metadata import.
 *
 * Each page is fetched with libcurl (http and https only, redirects
 * followed up to 5 times, connect timeout OAI_CONNECT_TIMEOUT s, whole-page
 * timeout OAI_PAGE_TIMEOUT s, body at most OAI_MAX_PAGE bytes after
 * decompression) and parsed from memory by the Dublin Core reader (dc.h).
 * HTTP 503 with Retry-After (OAI-PMH flow control) is honoured up to
 * OAI_MAX_RETRIES times per page, waiting at most 60 s each.
 */
#ifndef TS_HARVEST_H
#define TS_HARVEST_H

#include "metarec.h"
#include "ts_err.h"

#define OAI_MAX_PAGE ((size_t)64 << 20)
#define OAI_MAX_PAGES 100000
#define OAI_CONNECT_TIMEOUT 10L
#define OAI_PAGE_TIMEOUT 120L
#define OAI_MAX_RETRIES 3

/*
 * Harvest `base_url` (http:// or https://): GET
 * base?verb=ListRecords&metadataPrefix=oai_dc[&set=][&from=][&until=]
 * (set, from, until may be NULL; from/until as the repository's granularity
 * wants them: YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ), then
 * base?verb=ListRecords&resumptionToken=T until a page has no token or an
 * empty one. Records carry source = base_url, source_id = OAI identifier,
 * origin "BASE page N line L"; deleted records are skipped.
 *
 * On success *next_from (may be NULL) receives the first page's
 * <responseDate> (malloc'd, free()) to pass as `from` next time; it stays
 * NULL on failure, so a failed harvest is repeated from the same point.
 * Returns TS_OK (noRecordsMatch is a successful harvest of zero records),
 * TS_EINVAL (not an http(s) URL), TS_EIO (network failure or an HTTP status
 * other than 200, with the status and page in the message), TS_ETOOBIG
 * (page over OAI_MAX_PAGE, more than OAI_MAX_PAGES pages), TS_EPARSE (not
 * OAI-PMH, not well-formed, an OAI-PMH <error> such as badArgument or
 * cannotDisseminateFormat, a resumptionToken that repeats), or the first
 * non-OK code from emit/on_error. Records of earlier pages have been
 * emitted when a later page fails. Thread-safe (one harvest per thread).
 */
int import_oai_harvest(const char *base_url, const char *set, const char *from, const char *until,
                       meta_emit_fn emit, meta_error_fn on_error, void *ctx, char **next_from,
                       struct ts_err *err);

#endif
