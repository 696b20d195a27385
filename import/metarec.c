/*
 * import/metarec.c - building and freeing struct meta_rec (see metarec.h).
 * Values are trimmed, their inner whitespace collapsed and NFC-normalised
 * here, once, so every reader hands the catalogue the same shape of text.
 */
#include "metarec.h"

#include <stdlib.h>
#include <string.h>

#include "ts_isbn.h"
#include "ts_mem.h"
#include "ts_text.h"

/* Trimmed, whitespace-collapsed NFC copy, or NULL when empty. */
static char *clean(const char *s, size_t len)
{
    char *nfc, *out;
    size_t n, j = 0;
    int space = 0;

    if (!s)
        return NULL;
    nfc = ts_text_nfc(s, len, &n);
    out = ts_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)nfc[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = j > 0;
            continue;
        }
        if (c < 0x20) /* other control characters (NUL included) never reach the catalogue */
            continue;
        if (space)
            out[j++] = ' ';
        space = 0;
        out[j++] = (char)c;
    }
    out[j] = '\0';
    free(nfc);
    if (j == 0) {
        free(out);
        return NULL;
    }
    return out;
}

void meta_add_str(char ***list, size_t *n, const char *s, size_t len)
{
    char *v = clean(s, len);
    if (!v)
        return;
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*list)[i], v) == 0) {
            free(v);
            return;
        }
    }
    *list = ts_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = v;
}

void meta_set_str(char **field, const char *s, size_t len)
{
    if (*field)
        return;
    *field = clean(s, len);
}

void meta_add_author(struct meta_rec *r, const char *name, size_t len, const char *role)
{
    char *v = clean(name, len);
    if (!v)
        return;
    for (size_t i = 0; i < r->n_authors; i++) {
        if (strcmp(r->authors[i].name, v) == 0) {
            free(v);
            return;
        }
    }
    r->authors = ts_xrealloc(r->authors, (r->n_authors + 1) * sizeof *r->authors);
    r->authors[r->n_authors].name = v;
    r->authors[r->n_authors].role = role && strcmp(role, "author") ? ts_xstrdup(role) : NULL;
    r->n_authors++;
}

int meta_add_isbn(struct meta_rec *r, const char *s, size_t len)
{
    char d[14], v[20];

    if (!ts_isbn_normalize(s, len, d))
        return 0;
    memcpy(v, "isbn:", 5);
    memcpy(v + 5, d, 14);
    meta_add_str(&r->identifiers, &r->n_identifiers, v, strlen(v));
    return 1;
}

struct meta_item *meta_add_item(struct meta_rec *r)
{
    r->items = ts_xrealloc(r->items, (r->n_items + 1) * sizeof *r->items);
    memset(&r->items[r->n_items], 0, sizeof *r->items);
    return &r->items[r->n_items++];
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void meta_rec_free(struct meta_rec *r)
{
    if (!r)
        return;
    free(r->origin);
    free(r->source);
    free(r->source_id);
    free(r->title);
    free(r->subtitle);
    for (size_t i = 0; i < r->n_authors; i++) {
        free(r->authors[i].name);
        free(r->authors[i].role);
    }
    free(r->authors);
    free(r->language);
    free(r->publisher);
    free(r->place);
    free(r->date);
    free(r->edition);
    free(r->extent);
    free(r->series);
    free(r->notes);
    free(r->description);
    free_list(r->subjects, r->n_subjects);
    free_list(r->identifiers, r->n_identifiers);
    free(r->classification);
    free(r->resource_type);
    free(r->audience);
    free(r->licence);
    free_list(r->links, r->n_links);
    for (size_t i = 0; i < r->n_items; i++) {
        struct meta_item *it = &r->items[i];
        free(it->barcode);
        free(it->library);
        free(it->call_number);
        free(it->shelf_location);
        free(it->acquired);
        free(it->price);
        free(it->status);
    }
    free(r->items);
    free(r);
}
