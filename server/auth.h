/*
 * server/auth.h - who is asking, and may they: identity from the session
 * cookie or a bearer token, the route table's role column, CSRF and Origin
 * checks for requests that change something, and the library and reader
 * scope rules every circulation handler applies.
 *
 * Roles (catalog/circ.h): reader < librarian < district < admin. A route's
 * role is the least an account needs (router.h); what an account may touch
 * is decided by the auth_* scope functions, never by handlers on their own:
 *   - a librarian acts on the libraries the account works for (and their
 *     branches); a district coordinator reads every library of the district
 *     but runs no desk; an admin does everything;
 *   - a reader sees and acts only on their own account.
 */
#ifndef TS_AUTH_H
#define TS_AUTH_H

#include <stdint.h>

#include "router.h"

struct request;
struct response;

/* Session cookie name; its value is a catalogue session token. */
#define AUTH_COOKIE "tusach_sid"

/*
 * Find out who sent the request: a "tusach_sid" cookie naming a live session,
 * or "Authorization: Bearer tsk_..." naming an API token. Fills req->account
 * (and req->session for cookies). A stale cookie is simply anonymous (the
 * response clears it); a bad bearer token is TS_EAUTH, because a script must
 * hear that its token no longer works. TS_EBUSY/TS_EDB on database trouble.
 */
int auth_identify(struct request *req, struct response *res);

/* The account's rank: 0 anonymous, then the enum route_role values. */
enum route_role auth_rank(const struct request *req);

/*
 * May the request run a route that needs `need`? TS_OK, TS_EAUTH (log in)
 * or TS_EPERM (logged in, not enough).
 */
int auth_check_role(struct request *req, enum route_role need);

/*
 * Cross-site request forgery, for every method but GET/HEAD: an Origin
 * header, when sent, must name this server; a request authenticated by
 * cookie must also carry the session's CSRF token (form field "csrf" or
 * header X-CSRF-Token). Bearer tokens are not ambient credentials and need
 * no CSRF token. TS_OK or TS_EPERM with the reason.
 */
int auth_check_csrf(struct request *req);

/* Library scope: TS_OK, or TS_EPERM naming the rule. */
int auth_library_act(struct request *req, int64_t library_id);  /* run its desk */
int auth_library_read(struct request *req, int64_t library_id); /* see its loans, readers */
/* A reader's account: the reader themself, or staff who may read the
 * reader's home library (act = 1: who may act on it). */
int auth_reader(struct request *req, int64_t reader_id, int64_t home_library_id, int act);

/* The actor recorded in events: the account login ("anonymous" never acts). */
const char *auth_actor(const struct request *req);
/* The session's CSRF token for forms ("" without a session). */
const char *auth_csrf(const struct request *req);

/* Start a session for account `account_id` (after a successful login) and
 * set its cookie on `res`; logout ends it and clears the cookie. */
int auth_session_start(struct request *req, struct response *res, int64_t account_id);
int auth_session_end(struct request *req, struct response *res);

#endif
