/*
 * server/holdings.h - where a reader can get a record, library by library:
 * its physical copies by status (union catalogue items, grouped by the
 * custodian library, the one that has the copy now) and its digital files
 * (file holdings). Used by search hits, the record page and the JSON API.
 *
 * Also the reader's "my library": a library code remembered in a cookie
 * (there are no logins yet), set from the selector on the search page:
 * /search?my_library=CODE answers 303 to the same search without it, with
 * the cookie; ?my_library= (empty) forgets it.
 *
 * Everything returned lives in the request arena or is a new JSON reference.
 */
#ifndef TS_HOLDINGS_H
#define TS_HOLDINGS_H

#include <jansson.h>
#include <stddef.h>

#include "browse.h"
#include "catalog.h"

struct request;
struct response;

/* One library's part of a record. Strings are arena copies. */
struct lib_holding {
    const char *code, *name, *kind;
    size_t copies; /* copies not withdrawn */
    size_t available, on_loan, in_transit, on_hold_shelf, lost;
    size_t digital;                /* files of the record the library holds */
    const struct cat_item **items; /* its copies (not withdrawn), borrowed from the record */
    size_t n_items;
    int mine; /* the reader's library */
};

struct holdings {
    struct lib_holding *libs; /* the reader's library first, then by code */
    size_t n;
};

/* Group rec's copies and the digital holdings `h[0..n_h)` (a record's holdings
 * from catalog_browse_holdings) by library. `mine` NULL or a library code.
 * The record must outlive *out (items are borrowed). */
void holdings_build(struct request *req, const struct cat_record *rec, const struct cat_holding *h,
                    size_t n_h, const char *mine, struct holdings *out);
/* Same, loading the digital holdings itself (search hits). */
int holdings_load(struct request *req, catalog *cat, const struct cat_record *rec, const char *mine,
                  struct holdings *out);

/* One word for a library's part, best first: "available" (a copy on the
 * shelf), "digital", "on_hold_shelf", "on_loan", "in_transit", "unavailable". */
const char *holdings_status(const struct lib_holding *l);

/*
 * Due date of a copy on loan (ISO 8601 date, the server's local calendar
 * day, arena string), or NULL when it is not on loan or the look-up failed
 * (logged). One indexed catalogue read per copy on loan; no reader identity.
 */
const char *holdings_item_due(struct request *req, const struct cat_item *it);
/* Earliest due date among a library's copies on loan, or NULL. */
const char *holdings_next_due(struct request *req, const struct lib_holding *l);

/* API: [{"code","name","kind","status","copies","available","on_loan",
 * "in_transit","on_hold_shelf","digital","next_due"[,"items":[...]]}]. */
json_t *holdings_json(struct request *req, const struct holdings *hs, int with_items);
/* One copy for the API: {"barcode","status","call_number","shelf_location","due"}. */
json_t *holdings_item_json(struct request *req, const struct cat_item *it);
/* Page context: the same with translated labels, library URLs and, with
 * `with_items`, the copies as table rows. */
json_t *holdings_page(struct request *req, const struct holdings *hs, int with_items);

/* The library `code` from the request's library list, NULL if unknown. */
const struct cat_library *holdings_library(struct request *req, const char *code);
/* The reader's library from the my_library cookie; NULL when unset or not
 * a known library. */
const char *my_library(struct request *req);
/* After a response: remember ?my_library=CODE in a cookie (forget it when
 * the argument is empty or not a known library). */
void my_library_remember(struct request *req, struct response *res);

#endif
