/*
 * server/h_account.h - the pieces of reader self-service that several
 * handler files share: who the signed-in reader is, the actor their own
 * actions are recorded under, the digital-lending gate every file route
 * passes through, and the record page with a message about a hold or a
 * digital loan.
 *
 * Defined in h_account.c (reader, actor, dates, refusals), h_files.c (the
 * file gate) and h_records.c (the record page). Arena strings and new JSON
 * references, as everywhere in server/.
 */
#ifndef TS_H_ACCOUNT_H
#define TS_H_ACCOUNT_H

#include <jansson.h>
#include <stdint.h>

#include "browse.h"
#include "circ.h"

struct request;
struct response;

/*
 * The signed-in reader's own record: TS_OK and *out (cat_reader_clear()),
 * TS_EAUTH (anonymous), TS_EPERM (a staff account: self-service is for
 * readers; staff work at /desk). Also gives the page header the reader's
 * name when the account has none of its own (reader logins are card
 * numbers, which the header must not show).
 */
int account_reader(struct request *req, struct cat_reader *out);

/* The event actor for a request: staff logins as they are; a reader acting
 * on their own account is "self-service", because a card number in the
 * event log would tie the reader to the title the event names. */
const char *account_actor(const struct request *req);

/* Unix time -> "2025-03-14", the local date the catalogue's messages use (arena). */
const char *account_day(struct request *req, int64_t t);

/* A catalogue refusal (req->err) in the reader's language where we know the
 * case ("a copy is on the shelf at X now"), else the catalogue's message. */
const char *account_refusal(struct request *req);

/* 303 to /login?next=<this page with its query>: a page that needs a login. */
int account_login_redirect(struct request *req, struct response *res);

/*
 * May the requester read file `f` now? Open files: anyone. Lendable files:
 * the reader holding a running digital loan of it (TS_EAUTH anonymous,
 * TS_EPERM not borrowed, staff included). On-site files: TS_EPERM (only the
 * library's own machines, which the hub cannot tell apart yet). The reason
 * is in req->err. Also sets the response's Cache-Control: a file that is
 * not open must never sit in a shared cache after the loan ends.
 */
int account_file_gate(struct request *req, struct response *res, const struct cat_file_info *f);

/* h_records.c: the page of record `record_id` with `status` and a message:
 * `ok_key` (a translation key: what just worked) or `error` (plain text:
 * why a hold or digital loan was refused). */
int record_page_respond(struct request *req, struct response *res, int64_t record_id, int status,
                        const char *ok_key, const char *error);

#endif
