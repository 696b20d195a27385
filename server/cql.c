/*
 * server/cql.c - CQL parsing and the mapping onto one indexer query (see cql.h).
 *
 * The query is cut into tokens first (parentheses, comparison symbols, '/',
 * quoted strings, words), then parsed by recursive descent over the token
 * array. A word followed by a comparison symbol, or by a named comparator
 * and then a term, starts an `index relation term` clause; any other word or
 * quoted string is a bare term searched everywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cql.h"
#include "ts_buf.h"
#include "ts_err.h"
#include "ts_mem.h"

enum tok_kind { T_EOF, T_LP, T_RP, T_SYM, T_SLASH, T_WORD, T_QUOTED };

struct tok {
    enum tok_kind k;
    char *s;    /* T_SYM, T_WORD, T_QUOTED: unescaped text */
    int mask;   /* an unescaped * or ? */
    int anchor; /* an unescaped ^ */
    size_t pos; /* byte offset in the query, for messages */
};

struct parser {
    struct tok *t;
    size_t n, i;
    int depth, clauses;
    struct cql_diag *d;
};

static int diag(struct parser *p, int code, const char *details, const char *fmt, ...)
    TS_PRINTF(4, 5);

static int diag(struct parser *p, int code, const char *details, const char *fmt, ...)
{
    va_list ap;

    if (p->d->code)
        return TS_EINVAL; /* keep the first */
    p->d->code = code;
    snprintf(p->d->details, sizeof p->d->details, "%s", details ? details : "");
    va_start(ap, fmt);
    vsnprintf(p->d->message, sizeof p->d->message, fmt, ap);
    va_end(ap);
    return TS_EINVAL;
}

/* ------------------------------------------------------------ tokens */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_char(char c)
{
    return c && !is_space(c) && c != '(' && c != ')' && c != '=' && c != '<' && c != '>' &&
           c != '/' && c != '"';
}

/* Read a word or a quoted string starting at q[*at] into t; backslash escapes. */
static int read_term(struct parser *p, const char *q, size_t *at, int quoted, struct tok *t)
{
    struct ts_buf b;
    size_t i = *at + (quoted ? 1 : 0);

    ts_buf_init(&b, 0);
    (void)ts_buf_add(&b, "");
    for (;;) {
        char c = q[i];
        if (quoted ? c == '"' : !is_word_char(c))
            break;
        if (c == '\0') {
            char pos[32];
            ts_buf_free(&b);
            snprintf(pos, sizeof pos, "%zu", *at + 1);
            return diag(p, CQL_D_SYNTAX, pos, "unterminated quoted string at position %zu",
                        *at + 1);
        }
        if (c == '\\' && q[i + 1]) {
            (void)ts_buf_addc(&b, q[i + 1]);
            i += 2;
            continue;
        }
        if (c == '*' || c == '?')
            t->mask = 1;
        if (c == '^')
            t->anchor = 1;
        (void)ts_buf_addc(&b, c);
        i++;
    }
    t->s = ts_buf_take(&b);
    *at = quoted ? i + 1 : i;
    return TS_OK;
}

static int tokenize(struct parser *p, const char *q)
{
    size_t at = 0, len = strlen(q);

    p->t = ts_xcalloc(len + 2, sizeof *p->t);
    p->n = 0;
    for (;;) {
        struct tok *t;

        while (is_space(q[at]))
            at++;
        t = &p->t[p->n];
        t->pos = at;
        if (!q[at]) {
            t->k = T_EOF;
            p->n++;
            return TS_OK;
        }
        if (q[at] == '(' || q[at] == ')') {
            t->k = q[at] == '(' ? T_LP : T_RP;
            at++;
        } else if (q[at] == '/') {
            t->k = T_SLASH;
            at++;
        } else if (q[at] == '=' || q[at] == '<' || q[at] == '>') {
            size_t n = 1;
            if ((q[at] == '=' && q[at + 1] == '=') || (q[at] == '<' && q[at + 1] == '>') ||
                ((q[at] == '<' || q[at] == '>') && q[at + 1] == '='))
                n = 2;
            t->k = T_SYM;
            t->s = ts_xstrndup(q + at, n);
            at += n;
        } else {
            int quoted = q[at] == '"';
            t->k = quoted ? T_QUOTED : T_WORD;
            if (read_term(p, q, &at, quoted, t))
                return TS_EINVAL;
        }
        p->n++;
    }
}

static void tokens_free(struct parser *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->t[i].s);
    free(p->t);
}

static const struct tok *peek(const struct parser *p, size_t ahead)
{
    size_t i = p->i + ahead;
    return &p->t[i < p->n ? i : p->n - 1];
}

static int word_is(const struct tok *t, const char *w)
{
    return t->k == T_WORD && strcasecmp(t->s, w) == 0;
}

static int is_boolean(const struct tok *t)
{
    return word_is(t, "and") || word_is(t, "or") || word_is(t, "not") || word_is(t, "prox");
}

static int is_named_comparator(const struct tok *t)
{
    static const char *const names[] = {"any", "all", "adj", "exact", "scr", "within", "encloses"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (word_is(t, names[i]))
            return 1;
    return 0;
}

/* ------------------------------------------------------------ indexes */

static const struct {
    const char *name;
    enum cql_field f;
} index_names[] = {
    {"cql.serverchoice", CQL_F_ANY},
    {"cql.anywhere", CQL_F_ANY},
    {"cql.keywords", CQL_F_ANY},
    {"serverchoice", CQL_F_ANY},
    {"anywhere", CQL_F_ANY},
    {"keywords", CQL_F_ANY},
    {"dc.title", CQL_F_TITLE},
    {"title", CQL_F_TITLE},
    {"dc.creator", CQL_F_CREATOR},
    {"creator", CQL_F_CREATOR},
    {"author", CQL_F_CREATOR},
    {"dc.subject", CQL_F_SUBJECT},
    {"subject", CQL_F_SUBJECT},
    {"dc.publisher", CQL_F_PUBLISHER},
    {"publisher", CQL_F_PUBLISHER},
    {"dc.description", CQL_F_DESCRIPTION},
    {"description", CQL_F_DESCRIPTION},
    {"bath.isbn", CQL_F_ISBN},
    {"isbn", CQL_F_ISBN},
    {"dc.identifier", CQL_F_IDENTIFIER},
    {"identifier", CQL_F_IDENTIFIER},
    {"dc.language", CQL_F_LANGUAGE},
    {"language", CQL_F_LANGUAGE},
    {"lang", CQL_F_LANGUAGE},
    {"dc.type", CQL_F_TYPE},
    {"type", CQL_F_TYPE},
    {"dc.date", CQL_F_YEAR},
    {"date", CQL_F_YEAR},
    {"year", CQL_F_YEAR},
    {"tusach.library", CQL_F_LIBRARY},
    {"library", CQL_F_LIBRARY},
    {"cql.allrecords", CQL_F_ALL_RECORDS},
};

const char *cql_field_name(enum cql_field f)
{
    switch (f) {
    case CQL_F_ANY: return "cql.serverChoice";
    case CQL_F_TITLE: return "dc.title";
    case CQL_F_CREATOR: return "dc.creator";
    case CQL_F_SUBJECT: return "dc.subject";
    case CQL_F_PUBLISHER: return "dc.publisher";
    case CQL_F_DESCRIPTION: return "dc.description";
    case CQL_F_ISBN: return "bath.isbn";
    case CQL_F_IDENTIFIER: return "dc.identifier";
    case CQL_F_LANGUAGE: return "dc.language";
    case CQL_F_TYPE: return "dc.type";
    case CQL_F_YEAR: return "dc.date";
    case CQL_F_LIBRARY: return "tusach.library";
    case CQL_F_ALL_RECORDS: return "cql.allRecords";
    }
    return "?";
}

/* ------------------------------------------------------------ tree */

static struct cql_node *node_bool(enum cql_op op, struct cql_node *l, struct cql_node *r)
{
    struct cql_node *n = ts_xcalloc(1, sizeof *n);
    n->op = op;
    n->left = l;
    n->right = r;
    return n;
}

static struct cql_node *node_clause(enum cql_field f, enum cql_rel rel, const char *term,
                                    size_t len, int phrase)
{
    struct cql_node *n = ts_xcalloc(1, sizeof *n);
    n->op = CQL_CLAUSE;
    n->field = f;
    n->rel = rel;
    n->term = ts_xstrndup(term, len);
    n->phrase = phrase;
    return n;
}

void cql_free(struct cql_node *n)
{
    if (!n)
        return;
    cql_free(n->left);
    cql_free(n->right);
    free(n->term);
    free(n);
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    while (*s) {
        while (is_space(*s))
            s++;
        if (!*s)
            break;
        n++;
        while (*s && !is_space(*s))
            s++;
    }
    return n;
}

/* A clause from its parts: checks the term, splits `any` into an OR of words. */
static int make_clause(struct parser *p, enum cql_field f, enum cql_rel rel, const struct tok *t,
                       struct cql_node **out)
{
    const char *s = t->s, *end;
    size_t words;

    *out = NULL;
    while (is_space(*s))
        s++;
    end = s + strlen(s);
    while (end > s && is_space(end[-1]))
        end--;
    if (end == s)
        return diag(p, CQL_D_EMPTY_TERM, "", "empty term");
    if (t->mask && f != CQL_F_ALL_RECORDS)
        return diag(p, CQL_D_MASKING, t->s, "masking characters * and ? are not supported");
    if (t->anchor && f != CQL_F_ALL_RECORDS)
        return diag(p, CQL_D_ANCHORING, t->s, "anchoring character ^ is not supported");
    if (f == CQL_F_YEAR) {
        size_t n = (size_t)(end - s);
        int ok = n >= 1 && n <= 4;
        for (const char *c = s; ok && c < end; c++)
            ok = *c >= '0' && *c <= '9';
        if (!ok)
            return diag(p, CQL_D_BAD_TERM, t->s, "dc.date takes a year (digits)");
    }
    {
        char *trimmed = ts_xstrndup(s, (size_t)(end - s));
        words = count_words(trimmed);
        free(trimmed);
    }
    if (rel == CQL_R_ANY && words > 1 && f != CQL_F_ALL_RECORDS) {
        /* one clause per word, ORed */
        struct cql_node *acc = NULL;
        const char *w = s;
        while (w < end) {
            const char *we;
            while (w < end && is_space(*w))
                w++;
            if (w >= end)
                break;
            we = w;
            while (we < end && !is_space(*we))
                we++;
            if (acc && ++p->clauses > CQL_MAX_CLAUSES) {
                cql_free(acc);
                return diag(p, CQL_D_TOO_MANY, "", "more than %d clauses", CQL_MAX_CLAUSES);
            }
            struct cql_node *c = node_clause(f, CQL_R_EQ, w, (size_t)(we - w), 0);
            acc = acc ? node_bool(CQL_OR, acc, c) : c;
            w = we;
        }
        *out = acc;
        return TS_OK;
    }
    *out = node_clause(f, rel, s, (size_t)(end - s),
                       words > 1 && (rel == CQL_R_ADJ || rel == CQL_R_EXACT ||
                                     (rel == CQL_R_EQ && t->k == T_QUOTED)));
    return TS_OK;
}

static int parse_scoped(struct parser *p, struct cql_node **out);

static int parse_modifiers(struct parser *p)
{
    static const char *const ok[] = {
        "relevant",     "string",     "word",     "ignorecase",     "ignoreaccents",
        "cql.relevant", "cql.string", "cql.word", "cql.ignorecase", "cql.ignoreaccents"};
    while (peek(p, 0)->k == T_SLASH) {
        const struct tok *m;
        int known = 0;
        p->i++;
        m = peek(p, 0);
        if (m->k != T_WORD)
            return diag(p, CQL_D_SYNTAX, "/", "a relation modifier name must follow '/'");
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
            known |= strcasecmp(m->s, ok[i]) == 0;
        if (!known)
            return diag(p, CQL_D_RELMOD, m->s, "relation modifier %.60s is not supported", m->s);
        p->i++;
    }
    return TS_OK;
}

static int parse_index_clause(struct parser *p, struct cql_node **out)
{
    const struct tok *ix = peek(p, 0), *rel, *term;
    enum cql_field f = CQL_F_ANY;
    enum cql_rel r;
    int found = 0;

    for (size_t i = 0; i < sizeof index_names / sizeof index_names[0] && !found; i++)
        if (strcasecmp(ix->s, index_names[i].name) == 0) {
            f = index_names[i].f;
            found = 1;
        }
    if (!found)
        return diag(p, CQL_D_INDEX, ix->s, "index %.60s is not supported", ix->s);
    p->i++;
    rel = peek(p, 0);
    if (rel->k == T_SYM && strcmp(rel->s, "=") == 0)
        r = CQL_R_EQ;
    else if (rel->k == T_SYM && strcmp(rel->s, "==") == 0)
        r = CQL_R_EXACT;
    else if (word_is(rel, "scr"))
        r = CQL_R_EQ;
    else if (word_is(rel, "exact"))
        r = CQL_R_EXACT;
    else if (word_is(rel, "adj"))
        r = CQL_R_ADJ;
    else if (word_is(rel, "all"))
        r = CQL_R_ALL;
    else if (word_is(rel, "any"))
        r = CQL_R_ANY;
    else
        return diag(p, CQL_D_RELATION, rel->s ? rel->s : "", "relation %.40s is not supported",
                    rel->s ? rel->s : "");
    p->i++;
    if (parse_modifiers(p))
        return TS_EINVAL;
    term = peek(p, 0);
    if (term->k != T_WORD && term->k != T_QUOTED) {
        char pos[32];
        snprintf(pos, sizeof pos, "%zu", term->pos + 1);
        return diag(p, CQL_D_SYNTAX, pos, "a term must follow the relation (position %zu)",
                    term->pos + 1);
    }
    p->i++;
    return make_clause(p, f, r, term, out);
}

static int parse_clause(struct parser *p, struct cql_node **out)
{
    const struct tok *t = peek(p, 0), *t2, *t3;
    char pos[32];

    *out = NULL;
    snprintf(pos, sizeof pos, "%zu", t->pos + 1);
    if (++p->clauses > CQL_MAX_CLAUSES)
        return diag(p, CQL_D_TOO_MANY, "", "more than %d clauses", CQL_MAX_CLAUSES);
    if (t->k == T_LP) {
        int rc;
        if (++p->depth > CQL_MAX_DEPTH)
            return diag(p, CQL_D_SYNTAX, pos, "parentheses nested deeper than %d", CQL_MAX_DEPTH);
        p->clauses--; /* the group is not a clause itself */
        p->i++;
        if ((rc = parse_scoped(p, out)))
            return rc;
        if (peek(p, 0)->k != T_RP) {
            cql_free(*out);
            *out = NULL;
            snprintf(pos, sizeof pos, "%zu", peek(p, 0)->pos + 1);
            return diag(p, CQL_D_SYNTAX, pos, "missing ')' at position %s", pos);
        }
        p->i++;
        p->depth--;
        return TS_OK;
    }
    if (t->k == T_SYM && strcmp(t->s, ">") == 0)
        return diag(p, CQL_D_SYNTAX, pos, "prefix assignments are not supported");
    if (t->k == T_WORD && strcasecmp(t->s, "sortby") == 0)
        return diag(p, CQL_D_SORT, "sortBy", "sorting is not supported");
    if ((t->k != T_WORD && t->k != T_QUOTED) || is_boolean(t))
        return diag(p, CQL_D_SYNTAX, pos, "expected a term at position %s", pos);
    t2 = peek(p, 1);
    t3 = peek(p, 2);
    if (t->k == T_WORD &&
        (t2->k == T_SYM ||
         (is_named_comparator(t2) &&
          (t3->k == T_QUOTED || (t3->k == T_WORD && !is_boolean(t3)) || t3->k == T_SLASH))))
        return parse_index_clause(p, out);
    p->i++;
    return make_clause(p, CQL_F_ANY, CQL_R_EQ, t, out);
}

static int parse_scoped(struct parser *p, struct cql_node **out)
{
    struct cql_node *left = NULL, *right;
    int rc;

    if ((rc = parse_clause(p, &left)))
        return rc;
    for (;;) {
        const struct tok *t = peek(p, 0);
        enum cql_op op = CQL_AND;

        if (t->k == T_EOF || t->k == T_RP)
            break;
        if (word_is(t, "prox")) {
            rc = diag(p, CQL_D_PROX, "prox", "proximity (prox) is not supported");
            goto fail;
        }
        if (t->k == T_WORD && strcasecmp(t->s, "sortby") == 0) {
            rc = diag(p, CQL_D_SORT, "sortBy", "sorting is not supported");
            goto fail;
        }
        if (is_boolean(t)) {
            op = word_is(t, "or") ? CQL_OR : word_is(t, "not") ? CQL_NOT : CQL_AND;
            p->i++;
            if (peek(p, 0)->k == T_SLASH) {
                rc = diag(p, CQL_D_BOOLMOD, t->s, "boolean modifiers are not supported");
                goto fail;
            }
        }
        /* else: juxtaposed terms, ANDed */
        if ((rc = parse_clause(p, &right)))
            goto fail;
        left = node_bool(op, left, right);
    }
    *out = left;
    return TS_OK;
fail:
    cql_free(left);
    return rc;
}

int cql_parse(const char *query, struct cql_node **out, struct cql_diag *d)
{
    struct parser p;
    int rc;

    memset(&p, 0, sizeof p);
    memset(d, 0, sizeof *d);
    p.d = d;
    *out = NULL;
    if (!query || !*query)
        return diag(&p, CQL_D_SYNTAX, "", "empty query");
    if (strlen(query) > CQL_MAX_LEN)
        return diag(&p, CQL_D_SYNTAX, "", "query longer than %d bytes", CQL_MAX_LEN);
    if ((rc = tokenize(&p, query)))
        goto out;
    if (p.t[0].k == T_EOF) {
        rc = diag(&p, CQL_D_SYNTAX, "", "empty query");
        goto out;
    }
    if ((rc = parse_scoped(&p, out)))
        goto out;
    if (peek(&p, 0)->k != T_EOF) {
        char pos[32];
        snprintf(pos, sizeof pos, "%zu", peek(&p, 0)->pos + 1);
        cql_free(*out);
        *out = NULL;
        rc = diag(&p, CQL_D_SYNTAX, pos, "unexpected ')' at position %s", pos);
    }
out:
    tokens_free(&p);
    return rc;
}

/* ------------------------------------------------------------ output */

static void dump(struct ts_buf *b, const struct cql_node *n)
{
    if (n->op == CQL_CLAUSE) {
        static const char *const rels[] = {"=", "==", "adj", "all", "any"};
        if (n->phrase)
            (void)ts_buf_addf(b, "%s adj \"%s\"", cql_field_name(n->field), n->term);
        else
            (void)ts_buf_addf(b, "%s %s \"%s\"", cql_field_name(n->field), rels[n->rel], n->term);
        return;
    }
    (void)ts_buf_add(b, "(");
    dump(b, n->left);
    (void)ts_buf_add(b, n->op == CQL_AND ? " and " : n->op == CQL_OR ? " or " : " not ");
    dump(b, n->right);
    (void)ts_buf_add(b, ")");
}

char *cql_dump(const struct cql_node *n)
{
    struct ts_buf b;

    ts_buf_init(&b, 0);
    (void)ts_buf_add(&b, "");
    if (n)
        dump(&b, n);
    return ts_buf_take(&b);
}

/* ------------------------------------------------------------ plan */

static void plan_filter(struct cql_plan *p, const char **slot, const char *value)
{
    if (!*slot)
        *slot = value;
    else if (strcasecmp(*slot, value) != 0)
        p->empty = 1;
}

static int plan_add(const struct cql_node *n, struct cql_plan *p, struct ts_buf *text)
{
    if (n->op == CQL_AND)
        return plan_add(n->left, p, text) && plan_add(n->right, p, text);
    if (n->op != CQL_CLAUSE)
        return 0;
    switch (n->field) {
    case CQL_F_LANGUAGE: plan_filter(p, &p->language, n->term); return 1;
    case CQL_F_TYPE: plan_filter(p, &p->type, n->term); return 1;
    case CQL_F_YEAR: plan_filter(p, &p->year, n->term); return 1;
    case CQL_F_LIBRARY: plan_filter(p, &p->library, n->term); return 1;
    case CQL_F_ALL_RECORDS: p->all_records = 1; return 1;
    default: break;
    }
    if (text->len)
        (void)ts_buf_addc(text, ' ');
    if (n->phrase)
        (void)ts_buf_addc(text, '"');
    for (const char *c = n->term; *c; c++)
        if (*c != '"') /* quotes are the indexer's phrase marks */
            (void)ts_buf_addc(text, *c);
    if (n->phrase)
        (void)ts_buf_addc(text, '"');
    return 1;
}

int cql_plan_conj(const struct cql_node *n, struct cql_plan *p)
{
    struct ts_buf text;

    memset(p, 0, sizeof *p);
    ts_buf_init(&text, 0);
    if (!n || !plan_add(n, p, &text)) {
        ts_buf_free(&text);
        memset(p, 0, sizeof *p);
        return 0;
    }
    p->text = text.len ? ts_buf_take(&text) : NULL;
    ts_buf_free(&text);
    return 1;
}

void cql_plan_clear(struct cql_plan *p)
{
    free(p->text);
    memset(p, 0, sizeof *p);
}
