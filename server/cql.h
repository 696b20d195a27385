/*
 * server/cql.h - a small CQL (Contextual Query Language, the query language
 * of SRU 1.2/2.0) parser, and its mapping onto the indexer's query: one text
 * query plus filters.
 *
 * Syntax accepted: terms (`dế`, `"dế mèn"` with \" and \\ escapes), clauses
 * `index relation term`, booleans `and`, `or`, `not` (left to right, equal
 * precedence, as CQL says) and parentheses. Two leniencies: terms written next
 * to each other without a boolean are ANDed (`dế mèn` = `dế and mèn`, what
 * a reader typing into yaz-client means), and index names and booleans are
 * case-insensitive.
 *
 * Indexes (with or without their context-set prefix):
 *   cql.serverChoice, cql.anywhere, cql.keywords, no index  -> every field
 *   dc.title  dc.creator (author)  dc.subject  dc.publisher  dc.description
 *   bath.isbn (isbn)  dc.identifier (identifier)             -> text search
 *   dc.language (language, lang)  dc.type (type)  dc.date (date, year)
 *   tusach.library (library)                                 -> filters
 *   cql.allRecords                                           -> every record
 * The index has no per-field terms in its API, so the text indexes all search
 * every field (titles weigh most); the text query is how they differ from
 * nothing at all. Relations: = (scr), ==, exact, adj, all, any. A quoted
 * term with = , == , exact or adj is a phrase; `any` with several words is
 * parsed into an OR of one clause per word; `all` ANDs the words. <, >, <=,
 * >=, <>, within, encloses are refused (diagnostic 19). Relation modifiers
 * relevant, string, word, ignoreCase and ignoreAccents are accepted (the
 * search is case- and accent-insensitive anyway); others give 20. `prox`
 * (39), boolean modifiers (46), sortBy (80), prefix assignments (10),
 * masking * ? (28) and anchoring ^ (31) are refused.
 *
 * Limits: 1024 bytes, 32 clauses (38), 16 levels of parentheses (10).
 */
#ifndef TS_CQL_H
#define TS_CQL_H

#include <stddef.h>

/* SRU diagnostic numbers (info:srw/diagnostic/1/N) the parser reports. */
#define CQL_D_SYNTAX 10
#define CQL_D_INDEX 16
#define CQL_D_RELATION 19
#define CQL_D_RELMOD 20
#define CQL_D_EMPTY_TERM 27
#define CQL_D_MASKING 28
#define CQL_D_ANCHORING 31
#define CQL_D_BAD_TERM 36
#define CQL_D_TOO_MANY 38
#define CQL_D_PROX 39
#define CQL_D_BOOLMOD 46
#define CQL_D_SORT 80

#define CQL_MAX_LEN 1024
#define CQL_MAX_CLAUSES 32
#define CQL_MAX_DEPTH 16

struct cql_diag {
    int code;          /* 0: none */
    char details[128]; /* the offending index, relation, term or position */
    char message[160]; /* English explanation */
};

enum cql_field {
    CQL_F_ANY, /* cql.serverChoice */
    CQL_F_TITLE,
    CQL_F_CREATOR,
    CQL_F_SUBJECT,
    CQL_F_PUBLISHER,
    CQL_F_DESCRIPTION,
    CQL_F_ISBN,
    CQL_F_IDENTIFIER,
    CQL_F_LANGUAGE, /* filters from here on */
    CQL_F_TYPE,
    CQL_F_YEAR,
    CQL_F_LIBRARY,
    CQL_F_ALL_RECORDS
};

enum cql_rel { CQL_R_EQ, CQL_R_EXACT, CQL_R_ADJ, CQL_R_ALL, CQL_R_ANY };

enum cql_op { CQL_CLAUSE, CQL_AND, CQL_OR, CQL_NOT };

struct cql_node {
    enum cql_op op;
    /* CQL_CLAUSE */
    enum cql_field field;
    enum cql_rel rel;
    char *term; /* unescaped; never empty */
    int phrase; /* match the words as a phrase */
    /* CQL_AND / CQL_OR / CQL_NOT (left and not right) */
    struct cql_node *left, *right;
};

/* Parse `query`. TS_OK with *out (cql_free()), or TS_EINVAL with *d filled. */
int cql_parse(const char *query, struct cql_node **out, struct cql_diag *d);
void cql_free(struct cql_node *n); /* NULL ok */

/* Canonical name of a field ("dc.title"). */
const char *cql_field_name(enum cql_field f);
/* The tree as a string, for tests and logs: (and dc.title="x" cql.serverChoice=phrase:"a b").
 * malloc'd. */
char *cql_dump(const struct cql_node *n);

/*
 * One indexer query for a conjunction of clauses (no or/not): the text
 * clauses joined into `text` (phrases in double quotes), the filter clauses
 * as filter values. Two different values for one filter make `empty` (no
 * record can match). cql.allRecords adds nothing (`all_records` says it was
 * there).
 */
struct cql_plan {
    char *text;                                   /* malloc'd; NULL when there is no text clause */
    const char *language, *type, *year, *library; /* borrowed from the tree */
    int all_records;
    int empty;
};
/* 1 with *p filled (cql_plan_clear()) if `n` is a conjunction of clauses, else 0. */
int cql_plan_conj(const struct cql_node *n, struct cql_plan *p);
void cql_plan_clear(struct cql_plan *p);

#endif
