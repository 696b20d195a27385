/*
 * server/views.h - helpers shared by the handlers: catalogue and index
 * access with request-scoped errors, list splitting, dates, sizes, labels.
 */
#ifndef TS_VIEWS_H
#define TS_VIEWS_H

#include <jansson.h>
#include <stdint.h>

#include "catalog.h"
#include "indexer.h"

struct request;

/* The worker thread's catalogue / index reader (borrowed). Errors land in
 * req->err; a missing index is TS_EBUSY ("not built yet": retry later). */
int view_catalog(struct request *req, catalog **cat);
int view_indexer(struct request *req, indexer **ix);
/* view_catalog with a snapshot whatever the method, for what a request reads
 * before it writes (who is asking, which desk, which reader): the desk
 * commits hundreds of times a second, and sqlite refills a connection's
 * whole page cache in every transaction that finds the WAL changed, so
 * separate statements each paid for it. The snapshot ends as soon as the
 * request writes (worker_catalog_rw, worker_desk_enter). */
int view_snapshot(struct request *req, catalog **cat);
/* The directory cache (dircache.h): view_directory makes sure its
 * generation is the catalogue's, reading it (in the request's snapshot) only
 * when the bell rang or a second passed; view_directory_gen reads the
 * generation before the caller reads what it will tag with it. */
int view_directory(struct request *req);
int view_directory_gen(struct request *req, catalog **cat, int64_t *gen);

/* The process's search result cache, sized by cfg.search_cache; NULL when
 * that is 0. Shared by every worker thread and every server in the process
 * (its entries are keyed on the index's UUID and revision, so two data
 * folders never see each other's results); lives until the process exits. */
ix_cache *view_search_cache(struct request *req);

/* "A; B" -> ["A", "B"] (parts trimmed, empty ones skipped); NULL -> []. New reference. */
json_t *view_split(const char *s, const char *sep);
/* "isbn:978... uuid:x" -> [{"scheme":"isbn","value":"978..."}, ...]. New reference. */
json_t *view_identifiers(const char *s);

/* Unix time -> "2025-03-01T08:12:03Z" (arena). */
const char *view_iso_time(struct request *req, int64_t t);
/* 1234567 -> "1.2 MB" (arena). */
const char *view_size(struct request *req, int64_t bytes);

/* Translated label "<prefix><value>" (type_ebook, lang_vi, kind_school), or
 * the value itself when there is no translation. */
const char *view_label(struct request *req, const char *prefix, const char *value);

/* Name of library `code` from the request's cached library list (the code
 * itself if unknown). */
const char *view_library_name(struct request *req, const char *code);

/* Offset+limit paging block: {"total","offset","limit","next_offset"} set on
 * `obj`; next_offset is null on the last page. */
void view_paging(json_t *obj, size_t total, size_t offset, size_t limit, size_t n_returned);

/* True for formats the reader view renders as a page (not PDF: it gets the
 * browser's viewer; not H5P: it needs its player). */
int view_readable(const char *format);
int view_is_package(const char *format);

#endif
