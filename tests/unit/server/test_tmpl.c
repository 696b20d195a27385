/*
 * tests/unit/server/test_tmpl.c - the Mustache subset: escaping always on
 * for {{x}}, {{{x}}} raw only for tmpl_trusted() fragments, sections over
 * arrays, objects and scalars, inverted sections, dotted names, the context
 * stack, {{t.key}} strings, and malformed templates refused with a line.
 */
#include <stdlib.h>
#include <string.h>

#include "../../../server/i18n.c"
#include "../../../server/tmpl.c"
#include "t.h"

/* Render `tpl` with the JSON context `json`; returns a malloc'd string or NULL. */
static char *render_str(const char *tpl, const char *json, const struct i18n *t, int *rc_out)
{
    json_error_t jerr;
    json_t *ctx = json_loads(json, 0, &jerr);
    struct ts_buf out;
    struct ts_err err = {0};
    int rc;

    ts_buf_init(&out, 1 << 20);
    rc = tmpl_render(tpl, strlen(tpl), ctx, t, &out, &err);
    json_decref(ctx);
    if (rc_out)
        *rc_out = rc;
    if (rc) {
        ts_buf_free(&out);
        return NULL;
    }
    return ts_buf_take(&out);
}

static void check(const char *tpl, const char *json, const char *want)
{
    char *got = render_str(tpl, json, NULL, NULL);
    T_EQ_STR(got, want);
    free(got);
}

static void test_escape(void)
{
    check("<p>{{x}}</p>", "{\"x\":\"<script>alert('1')</script> & \\\"q\\\"\"}",
          "<p>&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
    /* triple braces on a plain string still escape: raw needs tmpl_trusted() */
    check("{{{x}}}", "{\"x\":\"<b>\"}", "&lt;b&gt;");
    check("{{&x}}", "{\"x\":\"<b>\"}", "&lt;b&gt;");
    check("{{n}} {{r}} {{b}} {{z}} [{{missing}}]", "{\"n\":42,\"r\":1.5,\"b\":true,\"z\":null}",
          "42 1.5 true  []");
}

static void test_trusted(void)
{
    json_t *ctx = json_object();
    struct ts_buf out;
    struct ts_err err = {0};
    const char *tpl = "{{{frag}}}|{{frag}}";

    json_object_set_new(ctx, "frag", tmpl_trusted("<mark>x</mark>"));
    ts_buf_init(&out, 0);
    T_OK(tmpl_render(tpl, strlen(tpl), ctx, NULL, &out, &err), &err);
    /* raw in {{{ }}}; {{ }} never inserts markup, even from a trusted fragment */
    T_EQ_STR(ts_buf_str(&out), "<mark>x</mark>|");
    ts_buf_free(&out);
    json_decref(ctx);
    /* a JSON object that merely looks similar is not trusted */
    check("{{{frag}}}", "{\"frag\":{\"html\":\"<b>\"}}", "");
}

static void test_sections(void)
{
    check("{{#list}}[{{name}}]{{/list}}", "{\"list\":[{\"name\":\"a\"},{\"name\":\"<b>\"}]}",
          "[a][&lt;b&gt;]");
    check("{{#list}}{{.}},{{/list}}", "{\"list\":[1,\"x\",true]}", "1,x,true,");
    check("{{#obj}}{{a}}-{{top}}{{/obj}}", "{\"obj\":{\"a\":1},\"top\":\"T\"}", "1-T");
    check("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}", "{\"flag\":true}", "yes");
    check("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}", "{\"flag\":false}", "no");
    check("{{#e}}x{{/e}}{{^e}}empty{{/e}}", "{\"e\":[]}", "empty");
    check("{{#s}}<{{s}}>{{/s}}{{^z}}zero{{/z}}", "{\"s\":\"v\",\"z\":0}", "<v>zero");
    check("{{^missing}}none{{/missing}}", "{}", "none");
    /* same-name nesting and shadowing through the context stack */
    check("{{#a}}{{#a}}{{x}}{{/a}}{{/a}}", "{\"a\":{\"a\":{\"x\":\"in\"},\"x\":\"out\"}}", "in");
    check("{{#items}}{{name}}{{#tags}}({{.}}){{/tags}};{{/items}}",
          "{\"items\":[{\"name\":\"a\",\"tags\":[\"x\",\"y\"]},{\"name\":\"b\",\"tags\":[]}]}",
          "a(x)(y);b;");
}

static void test_dotted_and_comments(void)
{
    check("{{a.b.c}}|{{a.b}}|{{a.x.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep||");
    check("a{{! ignored }}b", "{}", "ab");
    check("{{ spaced }}", "{\"spaced\":\"ok\"}", "ok");
}

static void test_strings(void)
{
    static const char vi[] = "# comment\nhello = Xin chào\nlt = <&>\n\n";
    struct i18n *t = NULL;
    struct ts_err err = {0};
    char *got;

    T_OK(i18n_parse(vi, strlen(vi), &t, &err), &err);
    got = render_str("{{t.hello}}, {{t.lt}}, {{t.nokey}}", "{}", t, NULL);
    T_EQ_STR(got, "Xin chào, &lt;&amp;&gt;, nokey");
    free(got);
    i18n_free(t);
}

static void test_malformed(void)
{
    int rc = 0;
    char *got;

    got = render_str("line1\n{{#a}}never closed", "{}", NULL, &rc);
    T_CHECK(got == NULL);
    T_EQ_INT(rc, TS_EINVAL);
    got = render_str("{{x", "{}", NULL, &rc);
    T_CHECK(got == NULL);
    T_EQ_INT(rc, TS_EINVAL);
    got = render_str("{{/a}}", "{}", NULL, &rc);
    T_CHECK(got == NULL);
    T_EQ_INT(rc, TS_EINVAL);
    got = render_str("{{{x}}", "{}", NULL, &rc);
    T_CHECK(got == NULL);
}

static void test_depth_and_ceiling(void)
{
    struct ts_buf tpl, out;
    struct ts_err err = {0};
    json_t *ctx = json_object(), *cur = ctx;
    int rc;

    /* 40 nested objects, each {"a": ...}: deeper than the stack allows */
    ts_buf_init(&tpl, 0);
    for (int i = 0; i < 40; i++) {
        json_t *next = json_object();
        json_object_set_new(cur, "a", next);
        cur = next;
        ts_buf_add(&tpl, "{{#a}}");
    }
    for (int i = 0; i < 40; i++)
        ts_buf_add(&tpl, "{{/a}}");
    ts_buf_init(&out, 0);
    rc = tmpl_render(ts_buf_str(&tpl), tpl.len, ctx, NULL, &out, &err);
    T_EQ_INT(rc, TS_EINVAL);
    ts_buf_free(&out);
    ts_buf_free(&tpl);
    json_decref(ctx);

    ctx = json_pack("{s:[s,s,s,s]}", "l", "0123456789", "0123456789", "0123456789", "x");
    ts_buf_init(&out, 25);
    rc = tmpl_render("{{#l}}{{.}}{{/l}}", 17, ctx, NULL, &out, &err);
    T_EQ_INT(rc, TS_ETOOBIG);
    ts_buf_free(&out);
    json_decref(ctx);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"escape", test_escape},
        {"trusted", test_trusted},
        {"sections", test_sections},
        {"dotted_and_comments", test_dotted_and_comments},
        {"strings", test_strings},
        {"malformed", test_malformed},
        {"depth_and_ceiling", test_depth_and_ceiling},
        {0},
    };
    return t_main(cases, argc, argv);
}
