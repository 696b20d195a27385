/*
 * tests/harness/people.h - accounts, readers and copies for circulation
 * tests, made through the catalogue API, and logging in over HTTP.
 *
 * Passwords are hashed with argon2id at libsodium's minimum cost in tests
 * (t_people_fast_hashing) so a matrix of logins takes milliseconds.
 */
#ifndef T_PEOPLE_H
#define T_PEOPLE_H

#include <stdint.h>

#include "../../server/server.h"

struct t_srv;

/* Lowest argon2id cost; call before starting servers or threads. */
void t_people_fast_hashing(void);

/* A new data folder with fast hashing and the two primary schools the
 * circulation tests share: TH-A "Trường Tiểu học A" and TH-B. Returns the
 * folder (NULL after a failed check). */
const char *t_fx_two_schools(void);

/* A staff account (admin, district, librarian) working at `library` (code;
 * NULL for none). Returns the account id (0 after a failed check). */
int64_t t_fx_staff(const char *data_dir, const char *login, const char *role, const char *password,
                   const char *library);
/* A reader with card `card` at `library`, category pupil|teacher|adult, and
 * a login with `pin` (NULL: no login). Returns the reader id. */
int64_t t_fx_reader(const char *data_dir, const char *card, const char *name, const char *category,
                    const char *library, const char *pin);
/* A physical copy `barcode` of record `record_id` at `library`. Returns the item id. */
int64_t t_fx_item(const char *data_dir, int64_t record_id, const char *barcode,
                  const char *library);
/* Library id by code (0 if unknown). */
int64_t t_fx_library_id(const char *data_dir, const char *code);

/* Someone logged in over HTTP: the cookie and the session's CSRF token, and
 * header lines ready for t_http_opts.headers ({cookie, csrf, NULL}). */
struct t_who {
    char cookie[128];     /* "Cookie: tusach_sid=..." */
    char csrf_header[96]; /* "X-CSRF-Token: ..." */
    char csrf[64];
    const char *headers[4];
};
/* POST /api/v1/session; 0 and *w on success (a failed check otherwise). */
int t_login(const struct t_srv *s, const char *login, const char *password, struct t_who *w);
/* An anonymous "who" (no headers). */
void t_anonymous(struct t_who *w);

#endif
