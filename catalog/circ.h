/*
 * catalog/circ.h - people and circulation: accounts and roles, passwords,
 * sessions and API tokens, readers, loan policy, loans, holds, digital loans
 * and the privacy of borrowing history (issue 5). The public API of
 * catalog/account.c session.c reader.c policy.c loan.c hold.c dloan.c
 * circ_check.c; kept apart from catalog.h so the areas can grow separately.
 *
 * The rules are plain C state machines over the catalogue. Every change runs
 * in one BEGIN IMMEDIATE transaction (catalog_tx_begin/_end) and writes
 * exactly one event row (catalog_event_add) in it. The event names no reader
 * unless that reader opted in to a borrowing history: subject is the item
 * barcode ("record:<id>" for holds, "file:<id>" for digital loans).
 *
 * Privacy: when a loan, hold or digital loan closes and its reader has not
 * opted in, the row's reader link is cleared in the same transaction; the
 * row itself (library, reader category, dates) stays for aggregate counts.
 *
 * Time comes from catalog_set_clock(). Refusals return TS_ECONFLICT (state
 * forbids it), TS_EPERM (not this desk's or this person's to do), TS_ENOTFOUND
 * or TS_EINVAL with a message for the librarian or the reader ("copy DM-001 is
 * on loan to another reader (due 2025-03-14)"). TS_EBUSY: the catalogue is
 * locked; retry. Out-structs are zeroed on entry, filled on success and
 * released with their _clear/_free function (which accepts zeroed structs).
 * One catalog handle per thread, as everywhere in catalog/.
 */
#ifndef TS_CIRC_H
#define TS_CIRC_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "ts_err.h"

/* ================================================================ accounts */

/* Roles, lowest to highest: reader < librarian < district < admin. */
int catalog_role_valid(const char *role);

struct cat_account {
    int64_t id;
    char *login, *name, *role;
    int64_t reader_id; /* role "reader": the reader this login belongs to */
    int active;
    int64_t *libraries; /* library ids the account works for (librarian, district) */
    size_t n_libraries;
};
void cat_account_clear(struct cat_account *a);
/* Library ids where the account may act at the desk: its libraries and
 * their children, ascending (what catalog_account_at_library answers,
 * admins aside). *ids malloc'd, NULL when none. */
int catalog_account_acting(catalog *cat, int64_t account_id, int64_t **ids, size_t *n,
                           struct ts_err *err);

/* Password hashing cost (argon2id through libsodium crypto_pwhash_str).
 * Defaults: CAT_PWHASH_OPS passes over CAT_PWHASH_MEM bytes, chosen so that
 * one login stays under ~0.3 s on a 2-core hub (see account.c). Process-wide:
 * set before threads start. Tests lower it; a later rise makes every stored
 * hash "need rehash" and the next successful login rehashes it. */
#define CAT_PWHASH_OPS 3ULL
#define CAT_PWHASH_MEM ((size_t)64 << 20)
void catalog_pwhash_set_cost(unsigned long long ops, size_t mem);

/* Password length rules: staff 8-1024 bytes, reader PIN/password 4-1024. */
#define CAT_PASSWORD_MIN_STAFF 8
#define CAT_PASSWORD_MIN_READER 4
#define CAT_PASSWORD_MAX 1024

/*
 * Add a staff account (role admin, district or librarian) with `password`
 * (borrowed, never stored or logged). `libraries`: ids the account works for;
 * a librarian needs at least one. login: 1-64 bytes, letters, digits, . _ -.
 * Returns TS_OK, TS_EINVAL (bad login/role/password), TS_ECONFLICT (login
 * taken), TS_ENOTFOUND (unknown library id). Own transaction; event "user.add".
 */
int catalog_account_add(catalog *cat, const char *login, const char *name, const char *role,
                        const char *password, const int64_t *libraries, size_t n_libraries,
                        const char *actor, int64_t *id, struct ts_err *err);
/* Give reader `reader_id` a login: their card number and `password` (a PIN
 * of at least CAT_PASSWORD_MIN_READER bytes). TS_ECONFLICT if they have one. */
int catalog_account_add_reader(catalog *cat, int64_t reader_id, const char *password,
                               const char *actor, int64_t *id, struct ts_err *err);
/* By login. TS_ENOTFOUND. *out released with cat_account_clear(). */
int catalog_account_get(catalog *cat, const char *login, struct cat_account *out,
                        struct ts_err *err);
int catalog_account_get_id(catalog *cat, int64_t id, struct cat_account *out, struct ts_err *err);
/* New password; ends every session of the account. Event "user.passwd". */
int catalog_account_set_password(catalog *cat, const char *login, const char *password,
                                 const char *actor, struct ts_err *err);
/* New role and, when `libraries` is non-NULL, the new set of libraries
 * (replacing the old one). A reader account keeps role "reader" (TS_EINVAL).
 * Event "user.role". */
int catalog_account_set_role(catalog *cat, const char *login, const char *role,
                             const int64_t *libraries, size_t n_libraries, const char *actor,
                             struct ts_err *err);
/* Disable or enable a login; disabling ends its sessions and API tokens stop
 * working. Event "user.active". */
int catalog_account_set_active(catalog *cat, const char *login, int active, const char *actor,
                               struct ts_err *err);
/* 1 if account `id` works for library `library_id` (admin: every library). */
int catalog_account_at_library(catalog *cat, int64_t account_id, int64_t library_id);

/*
 * Login throttling: at most CAT_THROTTLE_ACCOUNT failures per account and
 * CAT_THROTTLE_CLIENT per client key (an IP address) within
 * CAT_THROTTLE_WINDOW seconds; past that, logins are refused with TS_EBUSY
 * ("too many failed logins: try again in N minutes") without checking the
 * password. The client limit is higher because a whole school shares one
 * address behind its router.
 */
#define CAT_THROTTLE_ACCOUNT 5
#define CAT_THROTTLE_CLIENT 50
#define CAT_THROTTLE_WINDOW (15 * 60)

/*
 * Check `login` + `password`. `client` (IP address or NULL) is the second
 * throttle key. On success *out is the account, the account's failures are
 * forgotten and a hash made with older parameters is rehashed. Returns TS_OK,
 * TS_EAUTH ("wrong login or password": the same for an unknown login, which
 * costs the same time), TS_EPERM (account or reader disabled), TS_EBUSY
 * (throttled, or catalogue busy). Takes ~one argon2 verification (~0.3 s)
 * and holds no lock while hashing.
 */
int catalog_account_login(catalog *cat, const char *login, const char *password, const char *client,
                          struct cat_account *out, struct ts_err *err);

/* ================================================================ sessions */

/* Session lifetime: absolute and idle limits (seconds). last_seen is written
 * at most once per CAT_SESSION_TOUCH seconds, so a page view rarely writes. */
#define CAT_SESSION_MAX_AGE (12 * 3600)
#define CAT_SESSION_IDLE (2 * 3600)
#define CAT_SESSION_TOUCH 60
/* Tokens: 32 random bytes, URL-safe base64 without padding (43 chars). API
 * tokens carry the prefix "tsk_" so they are recognisable in a leaked file. */
#define CAT_TOKEN_LEN 43
#define CAT_API_TOKEN_LEN (4 + CAT_TOKEN_LEN)

struct cat_session {
    int64_t id, account_id;
    char csrf[CAT_TOKEN_LEN + 1];
    int64_t created, last_seen, expires;
};

/* New session for `account_id`: token[] receives the cookie value (only its
 * SHA-256 is stored), *out the session with its CSRF token. */
int catalog_session_create(catalog *cat, int64_t account_id, char token[CAT_TOKEN_LEN + 1],
                           struct cat_session *out, struct ts_err *err);
/* Resolve a cookie token: TS_OK and *out, or TS_EAUTH (unknown, expired,
 * idle too long, account disabled; an expired row is deleted). */
int catalog_session_check(catalog *cat, const char *token, struct cat_session *out,
                          struct ts_err *err);
/* 1 if `presented` equals the session's CSRF token (constant time). */
int catalog_session_csrf_ok(const struct cat_session *s, const char *presented);
/* Logout: forget the session. TS_OK even if it was already gone. */
int catalog_session_end(catalog *cat, const char *token, struct ts_err *err);
/* Delete expired sessions and old login failures; *n sessions removed. */
int catalog_session_purge(catalog *cat, int64_t *n, struct ts_err *err);

/* New API token for scripts; token[] receives it once (only the hash is kept).
 * expires: Unix time or 0 for "until revoked". Event "token.add". */
int catalog_token_create(catalog *cat, int64_t account_id, const char *name, int64_t expires,
                         char token[CAT_API_TOKEN_LEN + 1], int64_t *id, struct ts_err *err);
/* Resolve a bearer token to its account: TS_OK, TS_EAUTH. Records when it
 * was last used (at most once per CAT_SESSION_TOUCH seconds). */
int catalog_token_check(catalog *cat, const char *token, int64_t *account_id, struct ts_err *err);
/* The same check in two steps, so the reading can share a read-only
 * snapshot: find only reads, and sets *touch_id (else 0) when
 * catalog_token_touch is due on a writable connection. */
int catalog_token_find(catalog *cat, const char *token, int64_t *account_id, int64_t *touch_id,
                       struct ts_err *err);
int catalog_token_touch(catalog *cat, int64_t id, struct ts_err *err);
/* What a cache of tokens needs: the token's row (catalog_token_lookup:
 * TS_OK, TS_EAUTH for a token unknown, revoked, expired or of an inactive
 * account), and the key it is stored under (its SHA-256; no check). */
#define CAT_TOKEN_KEY_LEN 32
struct cat_token {
    int64_t id, account_id, expires, last_used; /* expires 0: until revoked */
};
int catalog_token_lookup(catalog *cat, const char *token, struct cat_token *out,
                         struct ts_err *err);
void catalog_token_key(const char *token, unsigned char key[CAT_TOKEN_KEY_LEN]);
int catalog_token_revoke(catalog *cat, int64_t id, const char *actor, struct ts_err *err);

/* ================================================================ readers */

/* pupil, teacher, adult */
int catalog_reader_category_valid(const char *category);

struct cat_reader_in {
    const char *card;       /* 1-64 bytes, no spaces */
    const char *name;       /* 1-200 bytes */
    const char *category;   /* pupil | teacher | adult */
    const char *class_name; /* "6A", or NULL */
    int64_t home_library_id;
    int history; /* opted in to a borrowing history */
};

struct cat_reader {
    int64_t id, home_library_id;
    char *card, *name, *category, *class_name, *home_library; /* home_library: code */
    char *blocked;                                            /* reason, or NULL */
    int active, history;
    int64_t n_loans, n_holds; /* open loans, active holds */
};
void cat_reader_clear(struct cat_reader *r);

/* Add a reader. TS_EINVAL, TS_ECONFLICT (card taken), TS_ENOTFOUND (library).
 * Event "reader.add" (subject "reader:<id>", no name). */
int catalog_reader_add(catalog *cat, const struct cat_reader_in *in, const char *actor, int64_t *id,
                       struct ts_err *err);
int catalog_reader_get(catalog *cat, int64_t id, struct cat_reader *out, struct ts_err *err);
int catalog_reader_by_card(catalog *cat, const char *card, struct cat_reader *out,
                           struct ts_err *err);
/* Only the id of the reader with that card (TS_ENOTFOUND, TS_EINVAL as
 * above): what the desk needs, without the loan and hold counts. */
int catalog_reader_id_by_card(catalog *cat, const char *card, int64_t *id, struct ts_err *err);

/* One row of a class list, for catalog_reader_import. */
struct cat_reader_row {
    struct cat_reader_in in;
    long line; /* in the source file, for reports */
};
struct cat_reader_import {
    size_t created, updated, unchanged, failed;
};
/* Called for each row that cannot be imported; the others still land. */
typedef void (*cat_reader_problem_fn)(long line, const struct ts_err *why, void *ctx);
/*
 * Import a class list in one transaction: a known card updates name, class,
 * category and home library (and reactivates the reader); a new card adds a
 * reader. Bad rows are reported through on_row and skipped. One event
 * "reader.import" with the counts. dry_run: count, roll back.
 */
int catalog_reader_import(catalog *cat, const struct cat_reader_row *rows, size_t n, int dry_run,
                          const char *actor, cat_reader_problem_fn on_row, void *ctx,
                          struct cat_reader_import *sum, struct ts_err *err);
/* Deactivate a reader: refused (TS_ECONFLICT) while they have items on loan;
 * their active holds are cancelled (a copy on the hold shelf moves on to the
 * next reader). Event "reader.deactivate". */
int catalog_reader_deactivate(catalog *cat, int64_t id, const char *actor, struct ts_err *err);
/* Block with a reason (checkouts, renewals and new holds are refused) or
 * unblock with reason NULL. Event "reader.block". */
int catalog_reader_set_blocked(catalog *cat, int64_t id, const char *reason, const char *actor,
                               struct ts_err *err);
/* Opt in or out of a borrowing history. Opting out also forgets the past:
 * closed loans, holds and digital loans lose their link to the reader.
 * Event "reader.history". */
int catalog_reader_set_history(catalog *cat, int64_t id, int on, const char *actor,
                               struct ts_err *err);

/* ================================================================ policy */

struct cat_policy {
    int loan_days, max_items, renewals, hold_shelf_days;
    int is_default; /* no row for this library and category */
};
/* Defaults when a library has set nothing:
 * pupil 14 days / 3 items / 1 renewal, teacher 28 / 10 / 2, adult 21 / 5 / 2;
 * hold shelf 5 days. */
int catalog_policy_default(const char *category, struct cat_policy *out);
int catalog_policy_get(catalog *cat, int64_t library_id, const char *category,
                       struct cat_policy *out, struct ts_err *err);
/* Set a library's rule for one category. TS_EINVAL out of range. Event "policy.set". */
int catalog_policy_set(catalog *cat, int64_t library_id, const char *category,
                       const struct cat_policy *p, const char *actor, struct ts_err *err);

/* ================================================================ loans */

/* Who acts, at which desk, with which retry key. */
struct cat_desk {
    int64_t library_id;   /* the desk's library */
    const char *actor;    /* account login or "cli": the event's actor */
    const char *idem_key; /* client's idempotency key (1-128 bytes) or NULL */
    int64_t reader_id;    /* self-service: the reader acting; their own loans only (0: staff) */
};
/* Idempotency keys are remembered this long. */
#define CAT_IDEM_TTL (24 * 3600)

struct cat_loan {
    int64_t id, item_id, record_id, reader_id, library_id;
    char *barcode, *title, *library; /* library: code of the lending desk */
    char *reader_card, *reader_name; /* NULL once anonymised */
    int64_t loaned_at, due_at, returned_at;
    int renewals, renewals_left;
    int replayed; /* 1: an idempotency key matched; nothing was done again */
};
void cat_loan_clear(struct cat_loan *l);
void cat_loan_list_free(struct cat_loan *v, size_t n);

/*
 * Lend copy `barcode` to reader `reader_id` at desk->library_id, due after the
 * desk library's loan_days for the reader's category. A copy on the hold
 * shelf for this reader fulfils their hold. Refusals, in the order checked:
 * TS_ENOTFOUND (reader, copy); TS_ECONFLICT reader inactive, reader blocked,
 * copy withdrawn, lost, in transit, already on loan to this reader, on loan to
 * another reader, on the hold shelf for another reader; TS_EPERM the copy is
 * at another library's desk (custodian); TS_ECONFLICT over the item limit;
 * TS_ECONFLICT idempotency key reused for a different request. Event
 * "loan.checkout". *out: the loan (replayed=1 when the key matched).
 */
int catalog_loan_checkout(catalog *cat, const struct cat_desk *desk, const char *barcode,
                          int64_t reader_id, struct cat_loan *out, struct ts_err *err);

enum cat_return_outcome {
    CAT_RETURN_SHELVE = 1, /* back on the shelf: available at its home */
    CAT_RETURN_TRANSIT,    /* not this library's: in transit to its home */
    CAT_RETURN_HOLD_SHELF  /* a hold waits here: on the hold shelf for its reader */
};
const char *cat_return_outcome_name(enum cat_return_outcome o); /* "shelve" ... */

struct cat_return {
    int64_t loan_id; /* 0: the copy was in transit and is only checked in */
    enum cat_return_outcome outcome;
    int64_t hold_id; /* CAT_RETURN_HOLD_SHELF */
    char *barcode, *title;
    char *home_library;          /* code: where a copy in transit goes */
    char *hold_card, *hold_name; /* CAT_RETURN_HOLD_SHELF: the slip */
    int64_t hold_expires;
    int64_t due_at, returned_at, days_overdue;
    int replayed;
};
void cat_return_clear(struct cat_return *r);

/*
 * Take copy `barcode` back at desk->library_id (any library may take a copy
 * back). Closes the open loan (clearing its reader link unless the reader
 * opted in to history), then: the oldest waiting hold on the record with this
 * pickup library is filled (hold ready, copy on the hold shelf, a notice for
 * the reader, expiry after hold_shelf_days); else at the copy's home it is
 * available; else it is in transit home, held by this library. A copy in
 * transit is checked in the same way (loan_id 0). Returns TS_OK,
 * TS_ENOTFOUND, TS_ECONFLICT (not on loan or in transit; key reused).
 * Event "loan.return" (or "item.checkin").
 */
int catalog_loan_return(catalog *cat, const struct cat_desk *desk, const char *barcode,
                        struct cat_return *out, struct ts_err *err);

/*
 * Renew the open loan of `barcode`: new due date = max(due, now + loan_days)
 * under the lending library's policy. desk->library_id 0 = self-service (a
 * reader's own page); otherwise any desk. Refused (TS_ECONFLICT): not on
 * loan, no renewals left, another reader waits for this record, reader
 * blocked or inactive; TS_ENOTFOUND when desk->reader_id is set and the loan
 * is not that reader's. Event "loan.renew".
 */
int catalog_loan_renew(catalog *cat, const struct cat_desk *desk, const char *barcode,
                       struct cat_loan *out, struct ts_err *err);

/* Open loans of a reader, by due date. */
int catalog_loan_list_reader(catalog *cat, int64_t reader_id, struct cat_loan **out, size_t *n,
                             struct ts_err *err);
/* Closed loans of a reader who opted in to history, newest first (empty when
 * the reader has not: those rows no longer name them). */
int catalog_loan_history(catalog *cat, int64_t reader_id, struct cat_loan **out, size_t *n,
                         struct ts_err *err);
/* Overdue loans lent by a library (library_id 0: all), oldest due first. */
int catalog_loan_overdue(catalog *cat, int64_t library_id, struct cat_loan **out, size_t *n,
                         struct ts_err *err);

/* ================================================================ holds */

struct cat_hold {
    int64_t id, record_id, reader_id, pickup_library_id, item_id;
    char *status, *title, *pickup_library, *barcode; /* barcode: when ready */
    char *reader_card, *reader_name;
    int64_t placed_at, ready_at, expires_at, closed_at;
    int position; /* waiting: 1 = next in the queue at its pickup library */
};
void cat_hold_clear(struct cat_hold *h);
void cat_hold_list_free(struct cat_hold *v, size_t n);

/*
 * Place a hold for reader `reader_id` on record `record_id`, to pick up at
 * `pickup_library_id`. Refused: TS_ENOTFOUND (reader, record, library);
 * TS_ECONFLICT reader inactive or blocked, already has an active hold on the
 * record, already has a copy on loan, the record has no copy that can be
 * lent, a copy is on the shelf at the pickup library now (borrow it at the
 * desk), the reader's active holds reached the item limit. Event "hold.place".
 */
int catalog_hold_place(catalog *cat, int64_t reader_id, int64_t record_id,
                       int64_t pickup_library_id, const char *actor, int64_t *hold_id,
                       struct ts_err *err);
/* Cancel a waiting or ready hold (a ready copy moves on to the next reader
 * or goes back to the shelf / home). TS_ECONFLICT if the hold is closed.
 * Event "hold.cancel". */
int catalog_hold_cancel(catalog *cat, int64_t hold_id, const char *actor, struct ts_err *err);
/*
 * Expire every ready hold whose shelf time is over, each in its own
 * transaction with one event "hold.expire": the copy fills the next waiting
 * hold at that library or returns to the shelf (or in transit home).
 * *n_expired counts them. Run it periodically (the server, a cron job).
 */
int catalog_hold_expire_due(catalog *cat, size_t *n_expired, struct ts_err *err);
int catalog_hold_get(catalog *cat, int64_t hold_id, struct cat_hold *out, struct ts_err *err);
/* Active holds (waiting, ready) of a reader / at a pickup library / on a
 * record, in queue order. Pass 0 for the filters not wanted. */
int catalog_hold_list(catalog *cat, int64_t reader_id, int64_t pickup_library_id, int64_t record_id,
                      struct cat_hold **out, size_t *n, struct ts_err *err);
/* For record merges (catalog_record_merge): move the holds of record `drop`
 * to `keep` in the caller's transaction; a reader's duplicate active hold is
 * cancelled (the older one stays). */
int catalog_hold_move_record(catalog *cat, int64_t keep, int64_t drop, struct ts_err *err);

/* What a reader's page shows. */
struct cat_notice {
    int64_t id, hold_id;
    char *kind; /* "hold_ready" */
    char *title, *library, *barcode;
    int64_t created, expires_at, seen_at;
};
void cat_notice_list_free(struct cat_notice *v, size_t n);
int catalog_notice_list(catalog *cat, int64_t reader_id, struct cat_notice **out, size_t *n,
                        struct ts_err *err);
int catalog_notice_seen(catalog *cat, int64_t reader_id, int64_t notice_id, struct ts_err *err);

/* ================================================================ digital loans */

/*
 * Set how a digital file may be read: "open" (anyone), "lendable" (at most
 * `copies` readers at once, each for `loan_days`) or "onsite" (only on the
 * library's own machines; not lent). Event "file.access".
 */
int catalog_file_set_access(catalog *cat, int64_t file_id, const char *access, int copies,
                            int loan_days, const char *actor, struct ts_err *err);

struct cat_dloan {
    int64_t id, file_id, reader_id, loaned_at, due_at;
};
struct cat_dloan_state {
    char access[16];     /* open | lendable | onsite */
    int copies, on_loan; /* lendable: copies and readers holding one now */
    int64_t next_free;   /* when all are out: the earliest end of a loan */
};
int catalog_dloan_state(catalog *cat, int64_t file_id, struct cat_dloan_state *out,
                        struct ts_err *err);
/*
 * Borrow lendable file `file_id` for reader `reader_id`. Loans past their end
 * count as returned. Refused: TS_ENOTFOUND; TS_EINVAL the file is open (no
 * loan needed); TS_EPERM on-site only; TS_ECONFLICT reader inactive or
 * blocked, already borrowed (until ...), every copy lent (free again at ...).
 * Event "dloan.borrow".
 */
int catalog_dloan_borrow(catalog *cat, int64_t file_id, int64_t reader_id, const char *actor,
                         struct cat_dloan *out, struct ts_err *err);
/* Give a digital loan back early. TS_ECONFLICT if none is running. Event "dloan.return". */
int catalog_dloan_return(catalog *cat, int64_t file_id, int64_t reader_id, const char *actor,
                         struct ts_err *err);
/* May reader `reader_id` (0 = not logged in) read file `file_id` now?
 * TS_OK, TS_EAUTH (lendable: log in and borrow), TS_EPERM (lendable and not
 * borrowed by this reader, or on-site only), TS_ENOTFOUND. Read-only. */
int catalog_dloan_access(catalog *cat, int64_t file_id, int64_t reader_id, struct ts_err *err);
/* The digital loans reader `reader_id` holds now (not returned, not past
 * their end), soonest end first: what the reader's own page lists. *out is
 * an array to free() (NULL when empty). Read-only. */
int catalog_dloan_list_reader(catalog *cat, int64_t reader_id, struct cat_dloan **out, size_t *n,
                              struct ts_err *err);
/* Housekeeping: close digital loans past their end (returned_at = due_at,
 * reader link cleared unless history). No events: nothing was done by anyone. */
int catalog_dloan_close_expired(catalog *cat, int64_t *n, struct ts_err *err);

/* ================================================================ checks */

/* Circulation invariants, for tests, the kill -9 test and the benchmark. */
struct cat_circ_check {
    int integrity_ok;            /* PRAGMA integrity_check said "ok" */
    int64_t items_multi_loans;   /* items with more than one open loan */
    int64_t status_mismatch;     /* on_loan without an open loan, or the reverse */
    int64_t shelf_mismatch;      /* on_hold_shelf without one ready hold, or the reverse */
    int64_t open_without_reader; /* open loans / active holds that name no reader */
    int64_t closed_with_reader;  /* closed rows naming a reader without history */
    int64_t fk_violations;       /* PRAGMA foreign_key_check rows */
};
int catalog_circ_check(catalog *cat, struct cat_circ_check *out, struct ts_err *err);
/* 1 when every count is 0 and integrity is ok. */
int cat_circ_check_ok(const struct cat_circ_check *c);

struct cat_event {
    int64_t id, at;
    char *actor, *kind, *subject, *detail;
};
/* Events with id > after_id whose kind starts with `kind_prefix` (NULL: all),
 * ascending, at most `limit`. */
int catalog_event_list(catalog *cat, int64_t after_id, const char *kind_prefix, size_t limit,
                       struct cat_event **out, size_t *n, struct ts_err *err);
void cat_event_list_free(struct cat_event *v, size_t n);
int64_t catalog_event_count(catalog *cat, const char *kind_prefix);

#endif
