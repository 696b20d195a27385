/*
 * import/marc_map.c - the MARC21 bibliographic field mapping, both ways:
 * struct marc_record -> struct meta_rec for the reader, and back for the
 * writer. Tables and small string rules only; YAZ and libxml2 stay in marc.c,
 * so the mapping can be read (and changed) in one place.
 *
 * Decisions, each explained next to its table or function:
 *  - classification: the first of 082 (DDC), 084, 080 (UDC), 050 (LC), 090;
 *  - publication: 264 with ind2 '1' (publication), else 260, else any 264;
 *  - language: 041$a, else 008/35-37; series: 490$a, else 440$a;
 *  - roles: $4 relator code, else $e term (English or Vietnamese), mapped to
 *    our words ("editor", "translator"...); 110/111/710/711 are "corporate";
 *  - Koha 952: the home branch ($a) is the item's library; a different
 *    holding branch ($b) is not kept (see map_952);
 *  - holdings without a barcode are reported and dropped, the record stays.
 * The writer applies the same table in reverse and adds the ISBD
 * punctuation the reader strips, so a record survives a round trip.
 */
#include "marc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts_buf.h"
#include "ts_mem.h"
#include "ts_text.h"

/* Longest note/description/subject we assemble from several subfields or
 * fields (records themselves are bounded: 99,999 bytes in ISO 2709,
 * MARC_XML_RECORD_MAX in MARCXML). */
#define JOIN_MAX ((size_t)1 << 20)

/* ---------------------------------------------------------------- record */

void marc_record_clear(struct marc_record *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_fields; i++) {
        struct marc_field *f = &m->fields[i];
        free(f->data);
        for (size_t j = 0; j < f->n_subs; j++)
            free(f->subs[j].value);
        free(f->subs);
    }
    free(m->fields);
    memset(m, 0, sizeof *m);
}

static struct marc_field *add_field(struct marc_record *m, const char *tag)
{
    struct marc_field *f;
    size_t i;

    m->fields = ts_xrealloc(m->fields, (m->n_fields + 1) * sizeof *m->fields);
    f = &m->fields[m->n_fields++];
    memset(f, 0, sizeof *f);
    for (i = 0; i < 3 && tag[i]; i++)
        f->tag[i] = tag[i];
    f->tag[i] = '\0';
    return f;
}

void marc_record_add_control(struct marc_record *m, const char *tag, const char *data, size_t len)
{
    struct marc_field *f = add_field(m, tag);
    f->data = ts_xstrndup(data, len);
}

struct marc_field *marc_record_add_data(struct marc_record *m, const char *tag, char ind1,
                                        char ind2)
{
    struct marc_field *f = add_field(m, tag);
    f->ind[0] = ind1;
    f->ind[1] = ind2;
    f->ind[2] = '\0';
    return f;
}

void marc_field_add_sub(struct marc_field *f, char code, const char *value, size_t len)
{
    f->subs = ts_xrealloc(f->subs, (f->n_subs + 1) * sizeof *f->subs);
    f->subs[f->n_subs].code = code;
    f->subs[f->n_subs].value = ts_xstrndup(value, len);
    f->n_subs++;
}

int marc_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

int marc_leader_is_bibliographic(const char *leader)
{
    /* leader/06 of MARC21 bibliographic records; z (authority), w
     * (classification), q (community information) and u v x y (holdings)
     * describe no work a reader can borrow. */
    return leader[6] && strchr("acdefgijkmoprt", leader[6]) != NULL;
}

/* ------------------------------------------------------- string helpers */

enum {
    P_DOT = 1,      /* strip one final '.' (not of "...") */
    P_INITIAL = 2,  /* ... but keep it after an initial ("Tolkien, J. R. R.") */
    P_BRACKETS = 4, /* drop '[' and ']' ("[1957?]" -> "1957?") */
    P_PLUS = 8      /* strip a final '+' (300 before $e accompanying material) */
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A copy of `s` without the ISBD punctuation that separates MARC subfields
 * (" /", " :", " ;", " =", ",") at its end, and trimmed. Catalogue display
 * and matching want "Konkurrensöverlägsenhet", not "Konkurrensöverlägsenhet :".
 * Works on UTF-8 because every byte it looks at is ASCII. free() the result.
 */
static char *tidy(const char *s, int flags)
{
    size_t len = strlen(s), n = 0, b = 0;
    char *out = ts_xmalloc(len + 1);

    for (size_t i = 0; i < len; i++) {
        if ((flags & P_BRACKETS) && (s[i] == '[' || s[i] == ']'))
            continue;
        out[n++] = s[i];
    }
    for (;;) {
        char c;
        while (n && is_space(out[n - 1]))
            n--;
        if (!n)
            break;
        c = out[n - 1];
        if (c == '/' || c == ':' || c == ';' || c == '=' || c == ',' ||
            ((flags & P_PLUS) && c == '+')) {
            n--;
            continue;
        }
        if (c == '.' && (flags & P_DOT)) {
            if (n >= 2 && out[n - 2] == '.')
                break;
            if ((flags & P_INITIAL) && n >= 2 && is_alpha(out[n - 2]) &&
                (n == 2 || out[n - 3] == ' ' || out[n - 3] == '.'))
                break;
            n--;
            flags &= ~P_DOT;
            continue;
        }
        break;
    }
    while (b < n && is_space(out[b]))
        b++;
    memmove(out, out + b, n - b);
    out[n - b] = '\0';
    return out;
}

static const char *sub_first(const struct marc_field *f, char code)
{
    for (size_t i = 0; i < f->n_subs; i++)
        if (f->subs[i].code == code)
            return f->subs[i].value;
    return NULL;
}

/* meta_set_str of tidy(s): the first non-empty value wins. */
static void set_tidy(char **field, const char *s, int flags)
{
    char *t;

    if (!s || *field)
        return;
    t = tidy(s, flags);
    meta_set_str(field, t, strlen(t));
    free(t);
}

static void add_ident(struct meta_rec *r, const char *prefix, const char *value)
{
    struct ts_buf b;

    if (!value || !*value)
        return;
    ts_buf_init(&b, 0);
    ts_buf_add(&b, prefix);
    ts_buf_add(&b, value);
    meta_add_str(&r->identifiers, &r->n_identifiers, b.data, b.len);
    ts_buf_free(&b);
}

static int has_value(const char *s)
{
    char *t;
    int yes;

    if (!s)
        return 0;
    t = tidy(s, 0);
    yes = t[0] && strcmp(t, "0") != 0;
    free(t);
    return yes;
}

/* ----------------------------------------------------- reader: handlers */

struct mapper {
    struct meta_rec *r;
    marc_warn_fn warn;
    void *ctx;
    struct ts_buf notes, desc; /* several fields joined into one value */
};

struct map_rule;
typedef int (*map_fn)(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule);

struct map_rule {
    const char *tag;
    map_fn fn;
    char code;       /* subfield read by the generic handlers */
    size_t off;      /* map_first/map_control: offsetof(struct meta_rec, field) */
    const char *arg; /* identifier prefix, author role, note prefix */
    int flags;       /* tidy() flags */
};

static char **field_at(struct meta_rec *r, size_t off)
{
    return (char **)(void *)((char *)r + off);
}

static int map_control(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    if (f->data)
        set_tidy(field_at(mp->r, rule->off), f->data, 0);
    return TS_OK;
}

static int map_first(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    set_tidy(field_at(mp->r, rule->off), sub_first(f, rule->code), rule->flags);
    return TS_OK;
}

static int map_ident(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    for (size_t i = 0; i < f->n_subs; i++) {
        if (f->subs[i].code != rule->code)
            continue;
        char *t = tidy(f->subs[i].value, 0);
        add_ident(mp->r, rule->arg, t);
        free(t);
    }
    return TS_OK;
}

/* 020$a: valid ISBNs only; an invalid one ($a with a wrong check digit, or a
 * price in the wrong subfield) is dropped without a report: 020$z exists
 * for cancelled ISBNs and catalogues are full of near-misses. */
static int map_isbn(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    (void)rule;
    for (size_t i = 0; i < f->n_subs; i++)
        if (f->subs[i].code == 'a')
            meta_add_isbn(mp->r, f->subs[i].value, strlen(f->subs[i].value));
    return TS_OK;
}

/* 024 (other standard identifier): with ind1 '7' the scheme is in $2
 * ("doi", "urn"...), which becomes the prefix; otherwise "other:". */
static int map_024(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    const char *a = sub_first(f, 'a'), *scheme = sub_first(f, '2');
    char prefix[40];
    char *t;
    int ok = scheme && f->ind[0] == '7' && *scheme && strlen(scheme) < 30;

    (void)rule;
    if (!a)
        return TS_OK;
    for (const char *p = scheme; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    if (ok)
        snprintf(prefix, sizeof prefix, "%s:", scheme);
    else
        snprintf(prefix, sizeof prefix, "other:");
    t = tidy(a, 0);
    add_ident(mp->r, prefix, t);
    free(t);
    return TS_OK;
}

/* 035$a: "(OCoLC)ocm12668227" -> "oclc:12668227" (OCLC's ocm/ocn/on
 * prefixes dropped so both spellings match); anything else "other:". */
static int map_035(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    (void)rule;
    for (size_t i = 0; i < f->n_subs; i++) {
        if (f->subs[i].code != 'a')
            continue;
        char *t = tidy(f->subs[i].value, 0);
        if (strncmp(t, "(OCoLC)", 7) == 0) {
            const char *n = t + 7;
            if (strncmp(n, "ocm", 3) == 0 || strncmp(n, "ocn", 3) == 0)
                n += 3;
            else if (strncmp(n, "on", 2) == 0)
                n += 2;
            add_ident(mp->r, "oclc:", n);
        } else {
            add_ident(mp->r, "other:", t);
        }
        free(t);
    }
    return TS_OK;
}

/*
 * Relator codes ($4) and terms ($e), English and Vietnamese, folded by
 * ts_text_fold (so "Chủ biên.", "chu bien" and "CHỦ BIÊN" all match), mapped
 * to the words struct meta_author uses. Unknown terms are kept as written.
 */
static const struct {
    const char *key, *role;
} relators[] = {
    {"aut", "author"},
    {"cre", "author"},
    {"author", "author"},
    {"tac gia", "author"},
    {"edt", "editor"},
    {"editor", "editor"},
    {"ed", "editor"},
    {"chu bien", "editor"},
    {"bien tap", "editor"},
    {"hieu dinh", "editor"},
    {"trl", "translator"},
    {"translator", "translator"},
    {"tr", "translator"},
    {"dich", "translator"},
    {"nguoi dich", "translator"},
    {"dich gia", "translator"},
    {"ill", "illustrator"},
    {"illustrator", "illustrator"},
    {"minh hoa", "illustrator"},
    {"ve tranh", "illustrator"},
    {"com", "compiler"},
    {"compiler", "compiler"},
    {"comp", "compiler"},
    {"bien soan", "compiler"},
    {"suu tam", "compiler"},
    {"tuyen chon", "compiler"},
    {"ctb", "contributor"},
    {"contributor", "contributor"},
    {"nrt", "narrator"},
    {"narrator", "narrator"},
    {"prf", "performer"},
    {"performer", "performer"},
    {"pht", "photographer"},
    {"photographer", "photographer"},
};

static const char *relator_role(const char *s)
{
    char *folded = ts_text_fold(s, strlen(s));
    const char *role = NULL;

    for (size_t i = 0; i < sizeof relators / sizeof relators[0]; i++) {
        if (strcmp(folded, relators[i].key) == 0) {
            role = relators[i].role;
            break;
        }
    }
    free(folded);
    return role;
}

/* 100/110/111/700/710/711: $a with its role. rule->arg "corporate" for
 * bodies and meetings; persons get $4, else $e, else author (NULL). */
static int map_name(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    const char *a = sub_first(f, 'a'), *e = sub_first(f, 'e'), *code = sub_first(f, '4');
    const char *role = rule->arg;
    char *name, *term = NULL;

    if (!a)
        return TS_OK;
    if (!role && code)
        role = relator_role(code);
    if (!role && e)
        role = relator_role(e);
    if (!role && (e || code)) {
        term = tidy(e ? e : code, P_DOT);
        role = term[0] ? term : NULL;
    }
    name = tidy(a, P_DOT | P_INITIAL);
    meta_add_author(mp->r, name, strlen(name), role);
    free(name);
    free(term);
    return TS_OK;
}

/* 245: $a title (+ ". $n" ". $p" for parts), $b subtitle. */
static int map_title(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    struct ts_buf b;
    const char *sub = sub_first(f, 'b');

    (void)rule;
    if (mp->r->title)
        return TS_OK;
    ts_buf_init(&b, JOIN_MAX);
    for (size_t i = 0; i < f->n_subs; i++) {
        char c = f->subs[i].code;
        if (c != 'a' && c != 'n' && c != 'p')
            continue;
        char *t = tidy(f->subs[i].value, P_DOT);
        if (t[0] && b.len)
            ts_buf_add(&b, ". ");
        ts_buf_add(&b, t);
        free(t);
    }
    if (b.len)
        meta_set_str(&mp->r->title, b.data, b.len);
    ts_buf_free(&b);
    set_tidy(&mp->r->subtitle, sub, P_DOT);
    return TS_OK;
}

/* Append sep + prefix + s; a value that would pass the buffer's ceiling is
 * left out whole rather than cut (ts_buf would drop everything). */
static void join(struct ts_buf *b, const char *sep, const char *prefix, const char *s)
{
    if (!s || !*s)
        return;
    if (b->max && b->len + strlen(sep) + (prefix ? strlen(prefix) : 0) + strlen(s) >= b->max)
        return;
    if (b->len)
        ts_buf_add(b, sep);
    if (prefix)
        ts_buf_add(b, prefix);
    ts_buf_add(b, s);
}

/* 500$a and 246$a: several notes are kept, joined by " -- " (the ISBD note
 * separator); an alternative title (246) gets rule->arg in front so it reads
 * as what it is. */
static int map_note(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    const char *a = sub_first(f, rule->code);
    char *t;

    if (!a)
        return TS_OK;
    t = tidy(a, rule->flags);
    join(&mp->notes, " -- ", rule->arg, t);
    free(t);
    return TS_OK;
}

/* 520$a: a long summary is often split over several 520s. */
static int map_description(struct mapper *mp, const struct marc_field *f,
                           const struct map_rule *rule)
{
    const char *a = sub_first(f, rule->code);
    char *t;

    if (!a)
        return TS_OK;
    t = tidy(a, 0);
    join(&mp->desc, " ", NULL, t);
    free(t);
    return TS_OK;
}

/* 300: $a $b $c as written ("215 tr. : minh họa ; 21 cm"). */
static int map_extent(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    struct ts_buf b;

    if (mp->r->extent)
        return TS_OK;
    ts_buf_init(&b, JOIN_MAX);
    for (size_t i = 0; i < f->n_subs; i++) {
        char c = f->subs[i].code;
        if (c == 'a' || c == 'b' || c == 'c')
            join(&b, " ", NULL, f->subs[i].value);
    }
    if (b.len)
        set_tidy(&mp->r->extent, b.data, rule->flags);
    ts_buf_free(&b);
    return TS_OK;
}

/* 6XX: the heading and its subdivisions ($x general, $y period, $z place,
 * $v form) joined by " -- ", the way catalogues display them. */
static int map_subject(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    struct ts_buf b;

    (void)rule;
    ts_buf_init(&b, JOIN_MAX);
    for (size_t i = 0; i < f->n_subs; i++) {
        char c = f->subs[i].code;
        if (c != 'a' && c != 'x' && c != 'y' && c != 'z' && c != 'v')
            continue;
        if (c == 'a' && b.len) /* a second $a is a second heading (653 style) */
            break;
        char *t = tidy(f->subs[i].value, P_DOT | P_INITIAL);
        join(&b, " -- ", NULL, t);
        free(t);
    }
    if (b.len)
        meta_add_str(&mp->r->subjects, &mp->r->n_subjects, b.data, b.len);
    ts_buf_free(&b);
    return TS_OK;
}

/* 653: uncontrolled keywords, one per $a. */
static int map_keywords(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    (void)rule;
    for (size_t i = 0; i < f->n_subs; i++) {
        if (f->subs[i].code != 'a')
            continue;
        char *t = tidy(f->subs[i].value, P_DOT);
        meta_add_str(&mp->r->subjects, &mp->r->n_subjects, t, strlen(t));
        free(t);
    }
    return TS_OK;
}

static int map_link(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    for (size_t i = 0; i < f->n_subs; i++)
        if (f->subs[i].code == rule->code)
            meta_add_str(&mp->r->links, &mp->r->n_links, f->subs[i].value,
                         strlen(f->subs[i].value));
    return TS_OK;
}

/* YYYY-MM-DD or YYYYMMDD (Koha writes the former), else NULL. */
static void set_date(char **field, const char *s)
{
    char d[11];
    size_t n;
    int k = 0;

    if (!s)
        return;
    while (is_space(*s))
        s++;
    n = strlen(s);
    while (n && is_space(s[n - 1]))
        n--;
    for (size_t i = 0; i < n; i++)
        k += s[i] >= '0' && s[i] <= '9';
    if (n == 10 && k == 8 && s[4] == '-' && s[7] == '-') {
        memcpy(d, s, 10);
    } else if (n == 8 && k == 8) {
        memcpy(d, s, 4);
        d[4] = '-';
        memcpy(d + 5, s + 4, 2);
        d[7] = '-';
        memcpy(d + 8, s + 6, 2);
    } else {
        return;
    }
    d[10] = '\0';
    meta_set_str(field, d, 10);
}

static int no_barcode(struct mapper *mp, const struct marc_field *f)
{
    return mp->warn ? mp->warn(f->tag, "holding without a barcode ($p): copy skipped", mp->ctx)
                    : TS_OK;
}

/*
 * 852 (MARC holdings): $b sublocation is the library when present (in a
 * union catalogue $a is usually the whole institution, $b the branch that
 * has the copy), else $a; $h classification + $i item part = call number;
 * $c shelving location; $p barcode. $t (copy number) has no place in
 * struct meta_item and is not kept.
 */
static int map_852(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    const char *p = sub_first(f, 'p'), *h = sub_first(f, 'h'), *i = sub_first(f, 'i');
    const char *lib = sub_first(f, 'b');
    struct meta_item *it;
    struct ts_buf call;

    (void)rule;
    if (!has_value(p))
        return no_barcode(mp, f);
    if (!has_value(lib))
        lib = sub_first(f, 'a');
    it = meta_add_item(mp->r);
    set_tidy(&it->barcode, p, 0);
    set_tidy(&it->library, lib, 0);
    set_tidy(&it->shelf_location, sub_first(f, 'c'), 0);
    ts_buf_init(&call, JOIN_MAX);
    join(&call, " ", NULL, h);
    join(&call, " ", NULL, i);
    if (call.len)
        meta_set_str(&it->call_number, call.data, call.len);
    ts_buf_free(&call);
    return TS_OK;
}

/*
 * Koha 952 (one per copy): $a homebranch -> library, $p barcode, $o call
 * number, $c shelving location, $d date acquired, $g purchase price (else
 * $v replacement price), $0 withdrawn / $1 lost (non-zero) -> status.
 * $b holdingbranch differs from $a when the copy sits at another branch
 * (in transit, on loan there); the library that owns the copy is $a, and
 * that is the one we keep: the catalogue starts the copy's custodian at its
 * home library and the first scan at the desk moves it. $7 not-for-loan has
 * no item status of its own (a reference copy is still on the shelf).
 */
static int map_952(struct mapper *mp, const struct marc_field *f, const struct map_rule *rule)
{
    const char *p = sub_first(f, 'p'), *lib = sub_first(f, 'a'), *price = sub_first(f, 'g');
    struct meta_item *it;

    (void)rule;
    if (!has_value(p))
        return no_barcode(mp, f);
    if (!has_value(lib))
        lib = sub_first(f, 'b');
    if (!has_value(price))
        price = sub_first(f, 'v');
    it = meta_add_item(mp->r);
    set_tidy(&it->barcode, p, 0);
    set_tidy(&it->library, lib, 0);
    set_tidy(&it->call_number, sub_first(f, 'o'), 0);
    set_tidy(&it->shelf_location, sub_first(f, 'c'), 0);
    set_date(&it->acquired, sub_first(f, 'd'));
    set_tidy(&it->price, price, 0);
    if (has_value(sub_first(f, '0')))
        it->status = ts_xstrdup("withdrawn");
    else if (has_value(sub_first(f, '1')))
        it->status = ts_xstrdup("lost");
    return TS_OK;
}

#define F(x) offsetof(struct meta_rec, x)

/* Fields read in record order. Fields where one source must win over
 * another (classification, publication, language, series) are in
 * map_precedence() instead. */
static const struct map_rule rules[] = {
    {"001", map_control, 0, F(source_id), NULL, 0},
    {"003", map_control, 0, F(source), NULL, 0},
    {"010", map_ident, 'a', 0, "lccn:", 0},
    {"020", map_isbn, 'a', 0, NULL, 0},
    {"022", map_ident, 'a', 0, "issn:", 0},
    {"024", map_024, 'a', 0, NULL, 0},
    {"035", map_035, 'a', 0, NULL, 0},
    {"100", map_name, 0, 0, NULL, 0},
    {"110", map_name, 0, 0, "corporate", 0},
    {"111", map_name, 0, 0, "corporate", 0},
    {"245", map_title, 0, 0, NULL, 0},
    {"246", map_note, 'a', 0, "Nhan đề khác: ", P_DOT},
    {"250", map_first, 'a', F(edition), NULL, 0},
    {"300", map_extent, 0, 0, NULL, P_DOT | P_PLUS},
    {"500", map_note, 'a', 0, NULL, 0},
    {"520", map_description, 'a', 0, NULL, 0},
    {"521", map_first, 'a', F(audience), NULL, 0},
    {"540", map_first, 'a', F(licence), NULL, 0},
    {"600", map_subject, 0, 0, NULL, 0},
    {"610", map_subject, 0, 0, NULL, 0},
    {"611", map_subject, 0, 0, NULL, 0},
    {"630", map_subject, 0, 0, NULL, 0},
    {"650", map_subject, 0, 0, NULL, 0},
    {"651", map_subject, 0, 0, NULL, 0},
    {"653", map_keywords, 0, 0, NULL, 0},
    {"655", map_subject, 0, 0, NULL, 0},
    {"700", map_name, 0, 0, NULL, 0},
    {"710", map_name, 0, 0, "corporate", 0},
    {"711", map_name, 0, 0, "corporate", 0},
    {"852", map_852, 0, 0, NULL, 0},
    {"856", map_link, 'u', 0, NULL, 0},
    {"952", map_952, 0, 0, NULL, 0},
};

/* First field with `tag` (and ind2 == `ind2` unless 0). */
static const struct marc_field *find(const struct marc_record *m, const char *tag, char ind2)
{
    for (size_t i = 0; i < m->n_fields; i++) {
        const struct marc_field *f = &m->fields[i];
        if (strcmp(f->tag, tag) == 0 && !f->data && (!ind2 || f->ind[1] == ind2))
            return f;
    }
    return NULL;
}

/*
 * Classification, in this order: 082 DDC first, because Vietnamese
 * libraries classify by DDC (the National Library's translation); 084 next,
 * which carries the Vietnamese 19-class scheme (BBK) and other local
 * schemes; then 080 UDC and 050 LC from foreign copy cataloguing; 090 last,
 * because it is a local shelf mark, which belongs to the copies
 * (952$o / 852$h) more than to the work.
 */
static const char *const class_tags[] = {"082", "084", "080", "050", "090"};

static void map_classification(const struct marc_record *m, struct meta_rec *r)
{
    for (size_t k = 0; k < sizeof class_tags / sizeof class_tags[0] && !r->classification; k++) {
        const struct marc_field *f = find(m, class_tags[k], 0);
        const char *a = f ? sub_first(f, 'a') : NULL;
        char *t;
        size_t n = 0;
        if (!a)
            continue;
        t = tidy(a, 0);
        for (size_t i = 0; t[i]; i++) /* DDC segmentation marks: 973.4/6 -> 973.46 */
            if (!(k == 0 && (t[i] == '/' || t[i] == '\'')))
                t[n++] = t[i];
        meta_set_str(&r->classification, t, n);
        free(t);
    }
}

static int is_unknown(const char *s)
{
    /* ISBD "sine loco" / "sine nomine": place or publisher not known */
    return strcmp(s, "S.l.") == 0 || strcmp(s, "s.l.") == 0 || strcmp(s, "s.n.") == 0 ||
           strcmp(s, "S.n.") == 0;
}

static void set_pub(char **field, const char *s, int flags)
{
    char *t;

    if (!s)
        return;
    t = tidy(s, flags);
    if (!is_unknown(t))
        meta_set_str(field, t, strlen(t));
    free(t);
}

static void map_precedence(const struct marc_record *m, struct meta_rec *r)
{
    const struct marc_field *f;

    /* 264 _1 is RDA's publication statement; 264 with other ind2 values is
     * production, distribution, manufacture or copyright: last resort. */
    f = find(m, "264", '1');
    if (!f)
        f = find(m, "260", 0);
    if (!f)
        f = find(m, "264", 0);
    if (f) {
        set_pub(&r->place, sub_first(f, 'a'), P_BRACKETS);
        set_pub(&r->publisher, sub_first(f, 'b'), P_BRACKETS);
        set_pub(&r->date, sub_first(f, 'c'), P_BRACKETS | P_DOT);
    }

    f = find(m, "041", 0);
    if (f && sub_first(f, 'a')) {
        char *t = tidy(sub_first(f, 'a'), 0);
        size_t n = strlen(t);
        /* old practice packs several codes into one $a: "engfre" */
        if (n > 3 && n % 3 == 0)
            n = 3;
        meta_set_str(&r->language, t, n);
        free(t);
    }
    for (size_t i = 0; i < m->n_fields && !r->language; i++) {
        const char *d = m->fields[i].data;
        if (strcmp(m->fields[i].tag, "008") != 0 || !d || strlen(d) < 38)
            continue;
        if (d[35] >= 'a' && d[35] <= 'z' && d[36] >= 'a' && d[36] <= 'z' && d[37] >= 'a' &&
            d[37] <= 'z')
            meta_set_str(&r->language, d + 35, 3);
        break;
    }

    f = find(m, "490", 0);
    if (!f || !sub_first(f, 'a'))
        f = find(m, "440", 0);
    if (f)
        set_tidy(&r->series, sub_first(f, 'a'), 0);

    map_classification(m, r);
}

/* leader/06 (type of record) and /07 (bibliographic level). */
static const char *resource_type(const char *leader)
{
    switch (leader[6]) {
    case 'a':
    case 't': return leader[7] == 's' ? "periodical" : "book";
    case 'g': return "video";
    case 'i':
    case 'j': return "audio";
    case 'm': return "electronic";
    case 'e':
    case 'f': return "map";
    default: return "book";
    }
}

int marc_map_to_meta(const struct marc_record *m, const char *default_source, struct meta_rec *r,
                     marc_warn_fn warn, void *ctx)
{
    struct mapper mp = {r, warn, ctx, {0}, {0}};
    const char *type;
    int rc = TS_OK;

    ts_buf_init(&mp.notes, JOIN_MAX);
    ts_buf_init(&mp.desc, JOIN_MAX);
    for (size_t i = 0; i < m->n_fields; i++) {
        const struct marc_field *f = &m->fields[i];
        for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
            if (strcmp(f->tag, rules[k].tag) != 0)
                continue;
            /* a control field where a data field belongs (or the reverse)
             * is a broken record; mapping it would misread it */
            if ((f->data != NULL) != (rules[k].fn == map_control))
                break;
            if ((rc = rules[k].fn(&mp, f, &rules[k])) != TS_OK)
                goto out;
            break;
        }
    }
    map_precedence(m, r);
    if (mp.notes.len)
        meta_set_str(&r->notes, mp.notes.data, mp.notes.len);
    if (mp.desc.len)
        meta_set_str(&r->description, mp.desc.data, mp.desc.len);
    if (!r->source && default_source)
        meta_set_str(&r->source, default_source, strlen(default_source));
    type = resource_type(m->leader);
    meta_set_str(&r->resource_type, type, strlen(type));
out:
    ts_buf_free(&mp.notes);
    ts_buf_free(&mp.desc);
    return rc;
}

/* ------------------------------------------------------------- writer */

struct builder {
    struct marc_record *m;
    struct ts_err *err;
    int rc;
};

/* Append subfield `code` = s + punct to f; control characters (which would
 * break ISO 2709's separators or XML) are dropped. ISBD punctuation is not
 * doubled: "Title?" stays "Title?" rather than "Title?.". */
static void put(struct builder *b, struct marc_field *f, char code, const char *s,
                const char *punct)
{
    struct ts_buf v;
    size_t n;

    if (!s || !*s || b->rc)
        return;
    if (!marc_utf8_valid(s, strlen(s))) {
        b->rc = ts_fail(b->err, TS_EINVAL, "field %s $%c: value is not UTF-8", f->tag, code);
        return;
    }
    ts_buf_init(&v, 0);
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p >= 0x20 && *p != 0x7F)
            ts_buf_addc(&v, *p);
    n = v.len;
    if (punct && n) {
        char last = v.data[n - 1];
        int is_dot = strcmp(punct, ".") == 0;
        if (!(is_dot && (last == '.' || last == '?' || last == '!')) &&
            last != punct[strlen(punct) - 1])
            ts_buf_add(&v, punct);
    }
    if (v.len)
        marc_field_add_sub(f, code, v.data, v.len);
    ts_buf_free(&v);
}

static void put_field(struct builder *b, const char *tag, char ind1, char ind2, char code,
                      const char *s)
{
    if (!s || !*s)
        return;
    put(b, marc_record_add_data(b->m, tag, ind1, ind2), code, s, NULL);
}

static void put_control(struct builder *b, const char *tag, const char *s)
{
    if (!s || !*s || b->rc)
        return;
    if (!marc_utf8_valid(s, strlen(s))) {
        b->rc = ts_fail(b->err, TS_EINVAL, "field %s: value is not UTF-8", tag);
        return;
    }
    marc_record_add_control(b->m, tag, s, strlen(s));
}

/* Drop data fields left without a subfield (every value was empty or all
 * control characters): MARC has no empty data fields. */
static void prune(struct marc_record *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->n_fields; i++) {
        struct marc_field *f = &m->fields[i];
        if (!f->data && f->n_subs == 0) {
            free(f->subs);
            continue;
        }
        m->fields[n++] = *f;
    }
    m->n_fields = n;
}

/* Identifier prefixes and the field each goes to, in tag order. */
static const struct {
    const char *prefix, *tag;
} ident_tags[] = {
    {"lccn:", "010"}, {"isbn:", "020"}, {"issn:", "022"}, {"oclc:", "035"}, {"other:", "035"},
};

static const char *ident_tag(const char *id, const char **value)
{
    const char *colon;

    for (size_t k = 0; k < sizeof ident_tags / sizeof ident_tags[0]; k++) {
        size_t n = strlen(ident_tags[k].prefix);
        if (strncmp(id, ident_tags[k].prefix, n) == 0) {
            *value = id + n;
            return ident_tags[k].tag;
        }
    }
    /* "scheme:value" with a short scheme: 024 with $2 (see put_identifiers,
     * whose scheme buffer holds 31 bytes); anything else as written in 035 */
    *value = id;
    colon = strchr(id, ':');
    return colon && colon > id && colon - id < 32 ? "024" : "035";
}

static void put_identifiers(struct builder *b, const struct meta_rec *r)
{
    static const char *const order[] = {"010", "020", "022", "024", "035"};

    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        for (size_t i = 0; i < r->n_identifiers; i++) {
            const char *v, *tag = ident_tag(r->identifiers[i], &v);
            struct marc_field *f;
            if (strcmp(tag, order[k]) != 0)
                continue;
            if (strcmp(tag, "024") == 0) {
                /* "doi:10.1000/1" -> 024 7_ $a 10.1000/1 $2 doi */
                const char *colon = strchr(v, ':');
                char scheme[32];
                snprintf(scheme, sizeof scheme, "%.*s", (int)(colon - v), v);
                f = marc_record_add_data(b->m, "024", '7', ' ');
                put(b, f, 'a', colon + 1, NULL);
                put(b, f, '2', scheme, NULL);
            } else if (strncmp(r->identifiers[i], "oclc:", 5) == 0) {
                struct ts_buf o;
                ts_buf_init(&o, 0);
                ts_buf_add(&o, "(OCoLC)");
                ts_buf_add(&o, v);
                put_field(b, tag, ' ', ' ', 'a', o.data);
                ts_buf_free(&o);
            } else {
                put_field(b, tag, ' ', ' ', 'a', v);
            }
        }
    }
}

static int is_corporate(const struct meta_author *a)
{
    return a->role && strcmp(a->role, "corporate") == 0;
}

/* 100/110 for the first author, 700/710 for the others, in their order. */
static void put_author(struct builder *b, const struct meta_author *a, int main_entry)
{
    int corp = is_corporate(a);
    const char *tag = main_entry ? (corp ? "110" : "100") : (corp ? "710" : "700");
    /* ind1: 2 = corporate name in direct order; 1 = surname first
     * ("Nguyễn, Nhật Ánh"); 0 = forename / direct order ("Nguyễn Nhật Ánh") */
    char ind1 = corp ? '2' : (strchr(a->name, ',') ? '1' : '0');
    struct marc_field *f = marc_record_add_data(b->m, tag, ind1, ' ');

    put(b, f, 'a', a->name, NULL);
    if (!corp && a->role && strcmp(a->role, "author") != 0)
        put(b, f, 'e', a->role, NULL);
}

static int looks_ddc(const char *s)
{
    size_t n = strlen(s);

    if (n < 3 || n > 40)
        return 0;
    /* "959", "959.7", "895.92234" */
    for (size_t i = 0; i < n; i++) {
        if (i == 3 && s[i] == '.')
            continue;
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

/* Inverse of resource_type(): leader/06-07. */
static void leader_type(const char *type, char *t6, char *t7)
{
    *t6 = 'a';
    *t7 = 'm';
    if (!type)
        return;
    if (strcmp(type, "periodical") == 0)
        *t7 = 's';
    else if (strcmp(type, "video") == 0)
        *t6 = 'g';
    else if (strcmp(type, "audio") == 0)
        *t6 = 'i'; /* non-musical sound: audiobooks, lectures */
    else if (strcmp(type, "electronic") == 0)
        *t6 = 'm';
    else if (strcmp(type, "map") == 0)
        *t6 = 'e';
}

static void put_subject(struct builder *b, const char *s)
{
    /* "A -- B -- C" -> $a A $x B $x C: the reader joins them back */
    struct marc_field *f = marc_record_add_data(b->m, "650", ' ', '4');
    const char *p = s;
    char code = 'a';

    for (;;) {
        const char *sep = strstr(p, " -- ");
        size_t n = sep ? (size_t)(sep - p) : strlen(p);
        char *piece = ts_xstrndup(p, n);
        put(b, f, code, piece, NULL);
        free(piece);
        if (!sep)
            break;
        p = sep + 4;
        code = 'x';
    }
}

static void put_item(struct builder *b, const struct meta_item *it)
{
    struct marc_field *f = marc_record_add_data(b->m, "952", ' ', ' ');

    put(b, f, 'a', it->library, NULL);
    put(b, f, 'b', it->library, NULL); /* Koha wants the holding branch too */
    put(b, f, 'c', it->shelf_location, NULL);
    put(b, f, 'd', it->acquired, NULL);
    put(b, f, 'g', it->price, NULL);
    put(b, f, 'o', it->call_number, NULL);
    put(b, f, 'p', it->barcode, NULL);
    if (it->status && strcmp(it->status, "withdrawn") == 0)
        put(b, f, '0', "1", NULL);
    else if (it->status && strcmp(it->status, "lost") == 0)
        put(b, f, '1', "1", NULL);
}

int marc_map_from_meta(const struct meta_rec *r, struct marc_record *m, struct ts_err *err)
{
    struct builder b = {m, err, TS_OK};
    struct marc_field *f;
    size_t first = r->n_authors;
    char t6, t7;

    leader_type(r->resource_type, &t6, &t7);
    /* status n(ew), type, level, UTF-8 (09 'a'), 2-char indicators and
     * subfield codes, lengths left to YAZ, ISBD punctuation (18 'i') */
    snprintf(m->leader, sizeof m->leader, "00000n%c%c a2200000 i 4500", t6, t7);

    put_control(&b, "001", r->source_id);
    put_control(&b, "003", r->source);
    put_identifiers(&b, r);
    put_field(&b, "041", '0', ' ', 'a', r->language);
    /* a DDC number goes to 082 (ind 04: full edition, assigned here); any
     * other scheme to 084, "other classification number" */
    if (r->classification && looks_ddc(r->classification))
        put_field(&b, "082", '0', '4', 'a', r->classification);
    else
        put_field(&b, "084", ' ', ' ', 'a', r->classification);
    for (size_t i = 0; i < r->n_authors; i++) {
        if (r->authors[i].name && *r->authors[i].name) {
            first = i;
            put_author(&b, &r->authors[i], 1);
            break;
        }
    }
    if (r->title || r->subtitle) {
        f = marc_record_add_data(m, "245", first < r->n_authors ? '1' : '0', '0');
        put(&b, f, 'a', r->title, r->subtitle ? " :" : ".");
        put(&b, f, 'b', r->subtitle, ".");
    }
    put_field(&b, "250", ' ', ' ', 'a', r->edition);
    if (r->place || r->publisher || r->date) {
        f = marc_record_add_data(m, "264", ' ', '1');
        put(&b, f, 'a', r->place, r->publisher ? " :" : (r->date ? "," : NULL));
        put(&b, f, 'b', r->publisher, r->date ? "," : NULL);
        put(&b, f, 'c', r->date, ".");
    }
    put_field(&b, "300", ' ', ' ', 'a', r->extent);
    put_field(&b, "490", '0', ' ', 'a', r->series);
    put_field(&b, "500", ' ', ' ', 'a', r->notes);
    put_field(&b, "520", ' ', ' ', 'a', r->description);
    put_field(&b, "521", ' ', ' ', 'a', r->audience);
    put_field(&b, "540", ' ', ' ', 'a', r->licence);
    for (size_t i = 0; i < r->n_subjects; i++)
        put_subject(&b, r->subjects[i]);
    for (size_t i = first + 1; i < r->n_authors; i++)
        if (r->authors[i].name && *r->authors[i].name)
            put_author(&b, &r->authors[i], 0);
    for (size_t i = 0; i < r->n_links; i++)
        put_field(&b, "856", '4', '0', 'u', r->links[i]);
    for (size_t i = 0; i < r->n_items; i++)
        put_item(&b, &r->items[i]);
    prune(m);
    if (b.rc)
        marc_record_clear(m);
    return b.rc;
}
