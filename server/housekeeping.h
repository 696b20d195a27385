/*
 * server/housekeeping.h - the server's background chores thread (hold
 * expiry, digital loan ends, session purge, index updates after desk work).
 */
#ifndef TS_HOUSEKEEPING_H
#define TS_HOUSEKEEPING_H

#include "server_int.h"

struct housekeeping;

/* Start the thread (it opens its own catalogue connection). Never NULL. */
struct housekeeping *housekeeping_start(struct server_ctx *s);
/* Wake it, wait for the current chore to finish, free. NULL ok. */
void housekeeping_stop(struct housekeeping *hk);

#endif
