/*
 * server/h_account_int.h - private to the reader self-service files
 * (h_account.c, h_account_page.c, h_account_api.c, h_records.c): the
 * operations both the pages and the JSON API perform, with their scope
 * checks, and the JSON shapes of a reader's loans, holds and notices.
 *
 * Every operation leaves a refusal in req->err in the reader's language
 * and returns the catalogue's code (errors.c maps it to the status).
 */
#ifndef TS_H_ACCOUNT_INT_H
#define TS_H_ACCOUNT_INT_H

#include <jansson.h>
#include <stdint.h>

#include "browse.h"
#include "circ.h"

struct request;

/* "2025-03-14 17:30" local time (arena): when a digital loan ends. */
const char *account_day_time(struct request *req, int64_t t);

/* For a catalogue refusal `rc` (TS_ECONFLICT, TS_EPERM, TS_EINVAL,
 * TS_EAUTH): replace req->err's text with account_refusal(). Returns rc. */
int account_refused(struct request *req, int rc);

/* Renew the reader's own loan of `barcode` (self-service desk, library 0).
 * TS_ENOTFOUND when the reader has no open loan of that copy (someone
 * else's loan is not found either). idem_key: Idempotency-Key or NULL.
 * *out: the renewed loan (cat_loan_clear()). */
int account_renew(struct request *req, const struct cat_reader *r, const char *barcode,
                  const char *idem_key, struct cat_loan *out);

/* Hold `hold_id` if the requester may see it (act = 1: act on it): the
 * reader who placed it, or staff per auth_reader(). For readers every
 * refusal is TS_ENOTFOUND, the same as for an unknown id. *out: cat_hold_clear(). */
int account_hold_load(struct request *req, int64_t hold_id, int act, struct cat_hold *out);
/* Cancel after account_hold_load(act = 1). */
int account_hold_cancel(struct request *req, int64_t hold_id);
/* Place a hold; the caller has checked who may act for `reader_id`. */
int account_hold_place(struct request *req, int64_t reader_id, int64_t record_id, int64_t pickup_id,
                       int64_t *hold_id);

/* Borrow (d non-NULL: the loan) or give back early (d NULL) file `file_id`
 * for reader `r`: the one path of the page and the API. */
int account_dloan(struct request *req, const struct cat_reader *r, int64_t file_id,
                  struct cat_dloan *d);

/* Where to read file `f` of record `record_id`: the reader view, the PDF,
 * else the download (arena). */
const char *account_read_url(struct request *req, int64_t record_id, const struct cat_file_info *f);

/* JSON of one loan (overdue against `now`), hold, notice: new references. */
json_t *account_loan_json(struct request *req, const struct cat_loan *l, int64_t now);
json_t *account_hold_json(struct request *req, const struct cat_hold *h);
json_t *account_notice_json(struct request *req, const struct cat_notice *n);
/* The reader's running digital loans as a JSON array (*out new reference):
 * [{"file_id","record_id","title","file_name","loaned_at","due_at",
 * "read_url","until"}]. */
int account_dloans(struct request *req, int64_t reader_id, json_t **out);

/* h_record_circ.c: the record page's hold block for the signed-in reader
 * `r` (NULL: anonymous or staff); null when the record has no copy a hold
 * could be filled with. And the lending state of a file that is not open,
 * set on its page entry `file` (read and download links only for the
 * borrower). */
json_t *record_hold_ctx(struct request *req, const struct cat_record *rec,
                        const struct cat_reader *r);
void record_file_lending(struct request *req, const struct cat_file_info *f, json_t *file);

#endif
