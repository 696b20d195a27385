/*
 * common/ts_isbn.c - ISBN normalisation (see ts_isbn.h). ISBN-10 becomes the
 * 978-prefixed ISBN-13 so that both spellings of a book match one record.
 */
#include "ts_isbn.h"

#include <ctype.h>
#include <string.h>

#include "ts_buf.h"

int ts_isbn_normalize(const char *s, size_t len, char out[14])
{
    char d[14];
    size_t n = 0, i = 0;
    int sum = 0;

    out[0] = '\0';
    /* skip a leading "ISBN" label */
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (len - i >= 4 && (s[i] == 'I' || s[i] == 'i') && (s[i + 1] == 'S' || s[i + 1] == 's') &&
        (s[i + 2] == 'B' || s[i + 2] == 'b') && (s[i + 3] == 'N' || s[i + 3] == 'n'))
        i += 4;
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (n >= 13)
                return 0;
            d[n++] = c;
        } else if ((c == 'X' || c == 'x') && n == 9) {
            d[n++] = 'X';
        } else if (c == '-' || c == ' ' || c == ':' || (c == '\t' && n == 0)) {
            continue;
        } else if (n == 10 || n == 13) {
            break; /* trailing qualifier */
        } else if (n == 0) {
            continue;
        } else {
            return 0;
        }
    }
    if (n == 10) {
        for (i = 0; i < 10; i++)
            sum += (int)(10 - i) * (d[i] == 'X' ? 10 : d[i] - '0');
        if (sum % 11 != 0)
            return 0;
        memcpy(out, "978", 3);
        memcpy(out + 3, d, 9);
        sum = 0;
        for (i = 0; i < 12; i++)
            sum += (out[i] - '0') * (i % 2 ? 3 : 1);
        out[12] = (char)('0' + (10 - sum % 10) % 10);
        out[13] = '\0';
        return 1;
    }
    if (n == 13) {
        for (i = 0; i < 13; i++) {
            if (d[i] == 'X')
                return 0;
            sum += (d[i] - '0') * (i % 2 ? 3 : 1);
        }
        if (sum % 10 != 0)
            return 0;
        memcpy(out, d, 13);
        out[13] = '\0';
        return 1;
    }
    return 0;
}

char *ts_isbn_rewrite(const char *text)
{
    struct ts_buf b;
    const char *p = text;

    ts_buf_init(&b, 0);
    while (*p) {
        /* a candidate: starts at a digit not preceded by a word character */
        if (*p >= '0' && *p <= '9' &&
            (p == text || !(isalnum((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0x80))) {
            const char *e = p;
            size_t digits = 0;
            char isbn[14];
            while ((*e >= '0' && *e <= '9') || ((*e == 'X' || *e == 'x') && digits == 9) ||
                   ((*e == '-' || *e == ' ') && e[1] >= '0' && e[1] <= '9' && digits < 13)) {
                if (*e != '-' && *e != ' ')
                    digits++;
                e++;
            }
            /* the run must end the word, and hold exactly an ISBN */
            while (e > p && (e[-1] == ' ' || e[-1] == '-'))
                e--;
            if ((digits == 10 || digits == 13) &&
                !(isalnum((unsigned char)*e) || (unsigned char)*e >= 0x80) &&
                ts_isbn_normalize(p, (size_t)(e - p), isbn)) {
                ts_buf_add(&b, isbn);
                p = e;
                continue;
            }
            /* not an ISBN: copy the digit run as it is */
            while (*p >= '0' && *p <= '9')
                ts_buf_addc(&b, *p++);
            continue;
        }
        ts_buf_addc(&b, *p++);
    }
    return ts_buf_take(&b);
}
