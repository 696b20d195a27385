/*
 * server/oai_token.h - OAI-PMH resumption tokens and datestamps for /oai
 * (server/h_oai.c, docs/api/oai.md).
 *
 * A resumption token is stateless: it carries the whole list request (verb,
 * metadata format, from/until, set) and where the list stopped (the last
 * record id sent, how many entries came before the next page, the list size
 * counted on the first page), followed by a 128-bit keyed BLAKE2b tag, all
 * base64url-encoded. The tag detects garbage and tampering; it is not a
 * secret, and need not be: a forged token could only ask for what the plain
 * arguments can ask for. Tokens survive a server restart and never expire.
 */
#ifndef TS_OAI_TOKEN_H
#define TS_OAI_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define OAI_SET_MAX 160   /* longest set argument accepted */
#define OAI_TOKEN_MAX 512 /* longest token produced, NUL included */

struct oai_token {
    char verb;             /* 'I' ListIdentifiers, 'R' ListRecords */
    int format;            /* index into h_oai.c's metadata formats */
    int64_t from, until;   /* inclusive Unix times; INT64_MIN / INT64_MAX: open */
    char set[OAI_SET_MAX]; /* "" when the list has no set */
    int64_t after_id;      /* the last record id already sent */
    int64_t cursor;        /* entries sent before the page this token asks for */
    int64_t complete_size; /* completeListSize, counted on the first page */
};

/* Encode `t` into out[OAI_TOKEN_MAX]. 0, or -1 if it does not fit. */
int oai_token_encode(const struct oai_token *t, char out[OAI_TOKEN_MAX]);
/* Decode and check a token: 0, or -1 for anything that is not a token this
 * server produced (bad base64, wrong tag, malformed or out-of-range fields). */
int oai_token_decode(const char *s, struct oai_token *t);

/* A datestamp argument, "YYYY-MM-DD" (day granularity) or
 * "YYYY-MM-DDThh:mm:ssZ" (seconds), checked to the day of the month, to Unix
 * time: the first second of the day, or its last one when `end_of_day` (for
 * until). *seconds tells which granularity it had. 0, or -1 if malformed. */
int oai_date_parse(const char *s, int end_of_day, int64_t *t, int *seconds);
/* Unix time as "YYYY-MM-DDThh:mm:ssZ" (UTC) into buf[32]. */
void oai_date_format(int64_t t, char buf[32]);

/* True for a set spec OAI-PMH allows: one or more ':'-separated parts of
 * A-Z a-z 0-9 - _ . ! ~ * ' ( ). */
int oai_setspec_valid(const char *s);

#endif
