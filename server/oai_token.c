/*
 * server/oai_token.c - OAI-PMH resumption tokens, datestamps and set specs
 * (see oai_token.h).
 *
 * Token layout before base64url: "1|V|F|FROM|UNTIL|AFTER|CURSOR|SIZE|SET"
 * (decimal numbers, FROM/UNTIL empty when open) and a 16-byte
 * crypto_generichash tag of that text under a fixed key.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "oai_token.h"
#include "ts_util.h"

#define TAG_BYTES 16
#define PAYLOAD_MAX 320

/* Fixed, public: the tag is an integrity check, not a secret (oai_token.h). */
static const unsigned char tag_key[crypto_generichash_KEYBYTES] = "tusach OAI-PMH token, version 1";

static void tag_of(const char *p, size_t n, unsigned char tag[TAG_BYTES])
{
    crypto_generichash(tag, TAG_BYTES, (const unsigned char *)p, n, tag_key, sizeof tag_key);
}

int oai_setspec_valid(const char *s)
{
    size_t part = 0;

    if (!s || !*s || strlen(s) >= OAI_SET_MAX)
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p == ':') {
            if (part == 0)
                return 0;
            part = 0;
            continue;
        }
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              strchr("-_.!~*'()", *p)))
            return 0;
        part++;
    }
    return part > 0;
}

static void time_field(char *buf, size_t cap, int64_t t, int64_t open)
{
    if (t == open)
        buf[0] = '\0';
    else
        snprintf(buf, cap, "%lld", (long long)t);
}

int oai_token_encode(const struct oai_token *t, char out[OAI_TOKEN_MAX])
{
    char from[24], until[24];
    unsigned char raw[PAYLOAD_MAX + TAG_BYTES];
    int n;

    if ((t->verb != 'I' && t->verb != 'R') || t->format < 0 || t->format > 9)
        return -1;
    time_field(from, sizeof from, t->from, INT64_MIN);
    time_field(until, sizeof until, t->until, INT64_MAX);
    n = snprintf((char *)raw, PAYLOAD_MAX, "1|%c|%d|%s|%s|%lld|%lld|%lld|%s", t->verb, t->format,
                 from, until, (long long)t->after_id, (long long)t->cursor,
                 (long long)t->complete_size, t->set);
    if (n < 0 || n >= PAYLOAD_MAX)
        return -1;
    tag_of((const char *)raw, (size_t)n, raw + n);
    if (sodium_base64_ENCODED_LEN((size_t)n + TAG_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING) >
        OAI_TOKEN_MAX)
        return -1;
    sodium_bin2base64(out, OAI_TOKEN_MAX, raw, (size_t)n + TAG_BYTES,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

/* The next '|'-terminated field of *p (the last one runs to the end). */
static char *field(char **p, int last)
{
    char *s = *p, *bar;

    if (!s)
        return NULL;
    if (last) {
        *p = NULL;
        return s;
    }
    if (!(bar = strchr(s, '|')))
        return NULL;
    *bar = '\0';
    *p = bar + 1;
    return s;
}

static int number(const char *s, int64_t open, int64_t *v)
{
    if (!s)
        return -1;
    if (!*s && open != 0) {
        *v = open;
        return 0;
    }
    for (const char *c = s; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c == '-' && c == s)))
            return -1;
    return ts_parse_i64(s, v, NULL) ? -1 : 0;
}

int oai_token_decode(const char *s, struct oai_token *t)
{
    unsigned char raw[PAYLOAD_MAX + TAG_BYTES], tag[TAG_BYTES];
    char text[PAYLOAD_MAX + 1], *p = text, *f[9];
    const char *end = NULL;
    size_t len = 0, n;
    int64_t format;

    memset(t, 0, sizeof *t);
    if (!s || !*s || strlen(s) >= OAI_TOKEN_MAX)
        return -1;
    if (sodium_base642bin(raw, sizeof raw, s, strlen(s), NULL, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        !end || *end || len <= TAG_BYTES)
        return -1;
    n = len - TAG_BYTES;
    tag_of((const char *)raw, n, tag);
    if (sodium_memcmp(tag, raw + n, TAG_BYTES) != 0)
        return -1;
    memcpy(text, raw, n);
    text[n] = '\0';
    if (strlen(text) != n)
        return -1; /* a NUL inside */
    for (int i = 0; i < 9; i++)
        if (!(f[i] = field(&p, i == 8)))
            return -1;
    if (strcmp(f[0], "1") != 0 || strlen(f[1]) != 1 || (f[1][0] != 'I' && f[1][0] != 'R'))
        return -1;
    t->verb = f[1][0];
    if (number(f[2], 0, &format) || format < 0 || format > 9 || number(f[3], INT64_MIN, &t->from) ||
        number(f[4], INT64_MAX, &t->until) || number(f[5], 0, &t->after_id) ||
        number(f[6], 0, &t->cursor) || number(f[7], 0, &t->complete_size))
        return -1;
    t->format = (int)format;
    if (t->from > t->until || t->after_id < 0 || t->cursor < 0 || t->complete_size < 0 ||
        strlen(f[8]) >= sizeof t->set || (*f[8] && !oai_setspec_valid(f[8])))
        return -1;
    snprintf(t->set, sizeof t->set, "%s", f[8]);
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (unsigned)(s[i] - '0');
    }
    return 0;
}

int oai_date_parse(const char *s, int end_of_day, int64_t *t, int *seconds)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, m, d, hh = 0, mm = 0, ss = 0, dim;
    size_t n = s ? strlen(s) : 0;

    *t = 0;
    *seconds = 0;
    if (n != 10 && n != 20)
        return -1;
    if (s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m) ||
        digits(s + 8, 2, &d))
        return -1;
    if (n == 20) {
        if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
            digits(s + 11, 2, &hh) || digits(s + 14, 2, &mm) || digits(s + 17, 2, &ss))
            return -1;
        if (hh > 23 || mm > 59 || ss > 59)
            return -1;
        *seconds = 1;
    }
    if (m < 1 || m > 12)
        return -1;
    dim = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d < 1 || d > dim)
        return -1;
    *t = days_from_civil((int64_t)y, m, d) * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60 + ss;
    if (n == 10 && end_of_day)
        *t += 86399;
    return 0;
}

void oai_date_format(int64_t t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00Z");
}
