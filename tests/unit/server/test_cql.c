/*
 * tests/unit/server/test_cql.c - the CQL parser: terms, quoted phrases and
 * escapes, index clauses with each relation, booleans left to right with
 * parentheses, juxtaposed terms ANDed, `any` split into an OR of words, the
 * SRU diagnostics for every refused construct, the limits, and the mapping
 * of conjunctions onto one text query plus filters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../server/cql.c"
#include "t.h"

/* Parse and dump; NULL (and the diagnostic in *d) on failure. malloc'd. */
static char *parsed(const char *q, struct cql_diag *d)
{
    struct cql_node *n = NULL;
    char *s;

    if (cql_parse(q, &n, d) != TS_OK) {
        T_CHECK(n == NULL);
        T_CHECK(d->code != 0);
        return NULL;
    }
    T_EQ_INT(d->code, 0);
    s = cql_dump(n);
    cql_free(n);
    return s;
}

static void expect(const char *q, const char *want)
{
    struct cql_diag d;
    char *got = parsed(q, &d);

    if (!T_EQ_STR(got, want))
        fprintf(stderr, "  query: %s (diag %d %s)\n", q, d.code, d.message);
    free(got);
}

static void expect_diag(const char *q, int code, const char *details)
{
    struct cql_diag d;
    char *got = parsed(q, &d);

    if (!T_CHECK(got == NULL))
        fprintf(stderr, "  query: %s parsed as %s\n", q, got);
    if (!T_EQ_INT(d.code, code))
        fprintf(stderr, "  query: %s: %s\n", q, d.message);
    if (details)
        T_EQ_STR(d.details, details);
    T_CHECK(got != NULL || d.message[0] != '\0');
    free(got);
}

static void test_terms(void)
{
    expect("dế", "cql.serverChoice = \"dế\"");
    expect("\"dế mèn\"", "cql.serverChoice adj \"dế mèn\"");
    expect("  \"một\"  ", "cql.serverChoice = \"một\"");
    expect("\"say \\\"hi\\\" \\\\ there\"", "cql.serverChoice adj \"say \"hi\" \\ there\"");
    expect("sources.list", "cql.serverChoice = \"sources.list\"");
    expect("978-604-2-08123-4", "cql.serverChoice = \"978-604-2-08123-4\"");
    /* juxtaposed terms are ANDed */
    expect("dế mèn", "(cql.serverChoice = \"dế\" and cql.serverChoice = \"mèn\")");
    expect("a b c", "((cql.serverChoice = \"a\" and cql.serverChoice = \"b\") and "
                    "cql.serverChoice = \"c\")");
}

static void test_index_clauses(void)
{
    expect("dc.title=dế", "dc.title = \"dế\"");
    expect("dc.title = \"dế mèn\"", "dc.title adj \"dế mèn\"");
    expect("DC.Title=x", "dc.title = \"x\"");
    expect("title=x", "dc.title = \"x\"");
    expect("dc.creator=\"Tô Hoài\"", "dc.creator adj \"Tô Hoài\"");
    expect("author=hoai", "dc.creator = \"hoai\"");
    expect("dc.subject=văn", "dc.subject = \"văn\"");
    expect("bath.isbn=9786042081234", "bath.isbn = \"9786042081234\"");
    expect("dc.identifier=\"urn:isbn:9786042081234\"",
           "dc.identifier = \"urn:isbn:9786042081234\"");
    expect("cql.serverChoice=x", "cql.serverChoice = \"x\"");
    expect("cql.anywhere=x", "cql.serverChoice = \"x\"");
    expect("dc.language=vi", "dc.language = \"vi\"");
    expect("dc.type=ebook", "dc.type = \"ebook\"");
    expect("dc.date=2019", "dc.date = \"2019\"");
    expect("tusach.library=THCS-A", "tusach.library = \"THCS-A\"");
    expect("cql.allRecords=1", "cql.allRecords = \"1\"");
    /* relations */
    expect("dc.title==\"a b\"", "dc.title adj \"a b\"");
    expect("dc.title exact \"a b\"", "dc.title adj \"a b\"");
    expect("dc.title adj \"a b\"", "dc.title adj \"a b\"");
    expect("dc.title all \"a b\"", "dc.title all \"a b\"");
    expect("dc.title scr x", "dc.title = \"x\"");
    expect("dc.title any \"a b c\"",
           "((dc.title = \"a\" or dc.title = \"b\") or dc.title = \"c\")");
    expect("dc.title any x", "dc.title any \"x\"");
    expect("dc.title =/relevant x", "dc.title = \"x\"");
    expect("dc.title =/ignoreCase/cql.ignoreAccents x", "dc.title = \"x\"");
    /* unquoted = with several words cannot happen: they are separate terms */
    expect("dc.title=dế mèn", "(dc.title = \"dế\" and cql.serverChoice = \"mèn\")");
    /* a named comparator without a term after it is just a word */
    expect("dế any", "(cql.serverChoice = \"dế\" and cql.serverChoice = \"any\")");
}

static void test_booleans(void)
{
    expect("a and b", "(cql.serverChoice = \"a\" and cql.serverChoice = \"b\")");
    expect("a AND b", "(cql.serverChoice = \"a\" and cql.serverChoice = \"b\")");
    expect("a or b", "(cql.serverChoice = \"a\" or cql.serverChoice = \"b\")");
    expect("a not b", "(cql.serverChoice = \"a\" not cql.serverChoice = \"b\")");
    /* left to right, equal precedence */
    expect("a or b and c",
           "((cql.serverChoice = \"a\" or cql.serverChoice = \"b\") and cql.serverChoice = \"c\")");
    expect("a or (b and c)",
           "(cql.serverChoice = \"a\" or (cql.serverChoice = \"b\" and cql.serverChoice = \"c\"))");
    expect("(dc.title=x or dc.creator=y) not dc.language=en",
           "((dc.title = \"x\" or dc.creator = \"y\") not dc.language = \"en\")");
    expect("((a))", "cql.serverChoice = \"a\"");
    expect("\"and\"", "cql.serverChoice = \"and\"");
    expect("dc.title=and", "dc.title = \"and\"");
}

static void test_diagnostics(void)
{
    char long_q[CQL_MAX_LEN + 10], deep[64], many[400];
    size_t k = 0;

    expect_diag("", CQL_D_SYNTAX, NULL);
    expect_diag("   ", CQL_D_SYNTAX, NULL);
    expect_diag("(a", CQL_D_SYNTAX, NULL);
    expect_diag("a)", CQL_D_SYNTAX, "2");
    expect_diag("a and", CQL_D_SYNTAX, NULL);
    expect_diag("and a", CQL_D_SYNTAX, NULL);
    expect_diag("dc.title=", CQL_D_SYNTAX, NULL);
    expect_diag("\"unterminated", CQL_D_SYNTAX, "1");
    expect_diag("()", CQL_D_SYNTAX, NULL);
    expect_diag("dc.title=(a)", CQL_D_SYNTAX, NULL);
    expect_diag("> dc = \"info:srw/cql-context-set/1/dc-v1.1\" dc.title=x", CQL_D_SYNTAX, NULL);
    expect_diag("dc.format=pdf", CQL_D_INDEX, "dc.format");
    expect_diag("colour=red", CQL_D_INDEX, "colour");
    expect_diag("dc.title<x", CQL_D_RELATION, "<");
    expect_diag("dc.title <> x", CQL_D_RELATION, "<>");
    expect_diag("dc.date within \"2000 2010\"", CQL_D_RELATION, "within");
    expect_diag("dc.title =/respectCase X", CQL_D_RELMOD, "respectCase");
    expect_diag("dc.title=\"\"", CQL_D_EMPTY_TERM, NULL);
    expect_diag("\"  \"", CQL_D_EMPTY_TERM, NULL);
    expect_diag("debian*", CQL_D_MASKING, "debian*");
    expect_diag("dc.title=\"de?\"", CQL_D_MASKING, NULL);
    expect_diag("^debian", CQL_D_ANCHORING, NULL);
    expect_diag("dc.date=abc", CQL_D_BAD_TERM, "abc");
    expect_diag("dc.date=20190", CQL_D_BAD_TERM, NULL);
    expect_diag("a prox b", CQL_D_PROX, NULL);
    expect_diag("a and/rel.algorithm=cori b", CQL_D_BOOLMOD, NULL);
    expect_diag("a sortBy dc.title", CQL_D_SORT, NULL);
    /* escaped masking characters are plain characters */
    expect("debian\\*", "cql.serverChoice = \"debian*\"");

    memset(long_q, 'a', sizeof long_q - 1);
    long_q[sizeof long_q - 1] = '\0';
    expect_diag(long_q, CQL_D_SYNTAX, NULL);
    for (int i = 0; i < CQL_MAX_DEPTH + 1; i++)
        deep[k++] = '(';
    deep[k++] = 'a';
    for (int i = 0; i < CQL_MAX_DEPTH + 1; i++)
        deep[k++] = ')';
    deep[k] = '\0';
    expect_diag(deep, CQL_D_SYNTAX, NULL);
    deep[1] = ' '; /* one level fewer: accepted */
    deep[k - 1] = ' ';
    expect(deep, "cql.serverChoice = \"a\"");
    k = 0;
    for (int i = 0; i <= CQL_MAX_CLAUSES; i++)
        k += (size_t)snprintf(many + k, sizeof many - k, "%sw%d", i ? " or " : "", i);
    expect_diag(many, CQL_D_TOO_MANY, NULL);
    expect_diag("dc.title any \"a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd "
                "ee ff gg hh\"",
                CQL_D_TOO_MANY, NULL);
}

/* Parse q and plan it; returns the plan's ok flag. */
static int plan_of(const char *q, struct cql_plan *p, struct cql_node **tree)
{
    struct cql_diag d;

    *tree = NULL;
    memset(p, 0, sizeof *p);
    if (!T_OK(cql_parse(q, tree, &d), NULL)) {
        fprintf(stderr, "  %s: %s\n", q, d.message);
        return -1;
    }
    return cql_plan_conj(*tree, p);
}

static void test_plan(void)
{
    struct cql_node *n;
    struct cql_plan p;

    T_EQ_INT(plan_of("dế mèn", &p, &n), 1);
    T_EQ_STR(p.text, "dế mèn");
    T_CHECK(!p.language && !p.type && !p.year && !p.library && !p.empty);
    cql_plan_clear(&p);
    cql_free(n);

    T_EQ_INT(plan_of("dc.title=\"dế mèn\" and dc.creator=hoài and dc.language=vi "
                     "and dc.type=book and dc.date=2019 and tusach.library=THCS-A",
                     &p, &n),
             1);
    T_EQ_STR(p.text, "\"dế mèn\" hoài");
    T_EQ_STR(p.language, "vi");
    T_EQ_STR(p.type, "book");
    T_EQ_STR(p.year, "2019");
    T_EQ_STR(p.library, "THCS-A");
    T_EQ_INT(p.empty, 0);
    cql_plan_clear(&p);
    cql_free(n);

    /* filters only, and all records */
    T_EQ_INT(plan_of("dc.language=vi", &p, &n), 1);
    T_CHECK(p.text == NULL);
    T_EQ_STR(p.language, "vi");
    cql_plan_clear(&p);
    cql_free(n);
    T_EQ_INT(plan_of("cql.allRecords=1", &p, &n), 1);
    T_CHECK(p.text == NULL && p.all_records);
    cql_plan_clear(&p);
    cql_free(n);

    /* contradictory filters; the same value twice is fine */
    T_EQ_INT(plan_of("dc.language=vi and dc.language=en", &p, &n), 1);
    T_EQ_INT(p.empty, 1);
    cql_plan_clear(&p);
    cql_free(n);
    T_EQ_INT(plan_of("dc.language=vi and dc.language=VI", &p, &n), 1);
    T_EQ_INT(p.empty, 0);
    cql_plan_clear(&p);
    cql_free(n);

    /* quotes inside a word do not open a phrase */
    T_EQ_INT(plan_of("dc.title all \"say \\\"hi\"", &p, &n), 1);
    T_EQ_STR(p.text, "say hi");
    cql_plan_clear(&p);
    cql_free(n);

    /* or / not / any with several words: not one query */
    T_EQ_INT(plan_of("a or b", &p, &n), 0);
    T_CHECK(p.text == NULL);
    cql_free(n);
    T_EQ_INT(plan_of("a not b", &p, &n), 0);
    cql_free(n);
    T_EQ_INT(plan_of("dc.title any \"a b\"", &p, &n), 0);
    cql_free(n);
    T_EQ_INT(plan_of("x and (a or b)", &p, &n), 0);
    cql_free(n);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"terms", test_terms},       {"index_clauses", test_index_clauses},
        {"booleans", test_booleans}, {"diagnostics", test_diagnostics},
        {"plan", test_plan},         {0},
    };
    return t_main(cases, argc, argv);
}
